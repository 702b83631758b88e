"""Sources: where each fact comes from."""

from collections.abc import Iterable

import sqlalchemy as sa

from tracker import vocab
from tracker.batch import Batch
from tracker.csvformat import Row
from tracker.errors import Duplicate, InvalidValue, NotFound
from tracker.models import Source
from tracker.records import Rows
from tracker.values import clean_text, optional_date

COLUMNS = ["id", "key", "title", "publisher", "author", "url", "published", "kind"]
_FIELDS = ("key", "title", "publisher", "author", "url", "published", "kind")


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
    kind: str | None = "news",
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
        "kind": vocab.parse_choice(vocab.SourceKind, (kind or "news").strip(), "kind").value,
    }


def write(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Sources matched by key (stored ones updated); a url belongs to one key.

    ``new_only`` (``sources add``): a row whose key or url is stored is a duplicate.
    """
    t = Source
    conn = batch.conn
    existing = {r.key: r for r in conn.execute(sa.select(t))}
    owners = {r.url: r.key for r in existing.values() if r.url}
    counts = batch.counts("sources")
    seen: dict = {}

    def parse(v: dict) -> dict:
        return validate(
            v.get("title"),
            url=v.get("url"),
            publisher=v.get("publisher"),
            author=v.get("author"),
            published=v.get("published"),
            kind=v.get("kind"),
            key=v.get("key"),
        )

    for row, data in batch.each(rows, parse):
        if not batch.first_time(seen, data["key"], row):
            continue
        old = existing.get(data["key"])
        clash = old or (existing.get(owners.get(data["url"])) if data["url"] else None)
        if new_only and clash is not None:
            batch.problem(
                row,
                Duplicate(f"source {data['key']!r} already exists (id {clash.id}: {clash.title})"),
            )
            continue
        if data["url"]:
            owner = owners.get(data["url"])
            if owner is not None and owner != data["key"]:
                batch.problem(row, f"url: {data['url']!r} already belongs to source {owner!r}")
                continue
            owners[data["url"]] = data["key"]
        batch.store(t, old, data, counts)


def add(conn: sa.Connection, **fields) -> str:
    """A new source; its key."""
    values = {k: v for k, v in fields.items() if v is not None}
    write(Batch(conn), [Row(1, values)], new_only=True)
    return validate(**fields)["key"]


def resolve(conn: sa.Connection, ref: str, field: str = "source") -> sa.Row:
    """A source by id or key (its url when it has one)."""
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: a source is required (its id or key)")
    if "\x00" in text:
        # PostgreSQL cannot even compare text holding NUL: refuse it before any query.
        raise InvalidValue(f"{field}: contains a NUL character")
    t = Source
    found = conn.execute(sa.select(t).where(t.c.key == text)).first()
    if found is None and text.isascii() and text.isdigit() and len(text) < 19:
        found = conn.execute(sa.select(t).where(t.c.id == int(text))).first()
    if found is None:
        found = conn.execute(sa.select(t).where(t.c.url == text)).first()
    if found is None:
        raise NotFound(f"{field}: no source has the id or key {ref!r}; see `tracker sources list`")
    return found


def key_of(conn: sa.Connection, ref: str, field: str = "source") -> str:
    """The natural key of the source ``ref`` names (its id, key or url)."""
    return resolve(conn, ref, field).key


def list_sources(conn: sa.Connection) -> Rows:
    t = Source
    q = sa.select(t.c.id, *[t.c[f] for f in _FIELDS]).order_by(
        sa.func.coalesce(t.c.published, ""), t.c.key
    )
    return Rows(COLUMNS, [dict(r._mapping) for r in conn.execute(q)])
