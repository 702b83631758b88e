"""Sources: where each fact comes from."""

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import vocab
from tracker.errors import Duplicate, InvalidValue, NotFound
from tracker.models import Source
from tracker.values import clean_text, optional_date


def source_key(title: str, url: str | None, published: str | None) -> str:
    """The natural key: the url, else the title with its date."""
    if url:
        return url
    return f"{title} ({published})" if published else title


def validate(
    title: str,
    *,
    url: str | None = None,
    publisher: str | None = None,
    author: str | None = None,
    published: str | None = None,
    kind: str = "news",
    key: str | None = None,
) -> dict:
    title = clean_text(title, "title", required=True)
    url = clean_text(url, "url")
    if url and not url.lower().startswith(("http://", "https://", "urn:", "doi:", "file:")):
        raise InvalidValue(f"url: {url!r} is not a web address (http:// or https://)")
    published = optional_date(published, "published")
    return {
        "key": clean_text(key, "key") or source_key(title, url, published),
        "title": title,
        "url": url,
        "publisher": clean_text(publisher, "publisher"),
        "author": clean_text(author, "author"),
        "published": published,
        "kind": vocab.parse_choice(vocab.SourceKind, kind or "news", "kind").value,
    }


def add(session: Session, **fields) -> Source:
    data = validate(**fields)
    clash = session.exec(select(Source).where(Source.key == data["key"])).first()
    if clash is None and data["url"]:
        clash = session.exec(select(Source).where(Source.url == data["url"])).first()
    if clash is not None:
        raise Duplicate(f"source {data['key']!r} already exists (id {clash.id}: {clash.title})")
    source = Source(**data)
    session.add(source)
    session.flush()
    return source


def resolve(session: Session, ref: str, field: str = "source") -> Source:
    """A source by id or key (its url when it has one)."""
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: a source is required (its id or key)")
    if "\x00" in text:
        # PostgreSQL cannot even compare text holding NUL: refuse it before any query.
        raise InvalidValue(f"{field}: contains a NUL character")
    found = session.exec(select(Source).where(Source.key == text)).first()
    if found is None and text.isascii() and text.isdigit() and len(text) < 19:
        found = session.get(Source, int(text))
    if found is None:
        found = session.exec(select(Source).where(Source.url == text)).first()
    if found is None:
        raise NotFound(f"{field}: no source has the id or key {ref!r}; see `tracker sources list`")
    return found


def list_sources(session: Session) -> list[Source]:
    return list(
        session.exec(select(Source).order_by(sa.func.coalesce(Source.published, ""), Source.key))
    )
