"""Sources: where each fact comes from."""

from collections.abc import Iterable

import sqlalchemy as sa

from tracker import vocab
from tracker.batch import Batch, Fields, present
from tracker.csvformat import Row
from tracker.errors import Duplicate, InvalidValue, NotFound
from tracker.models import Source
from tracker.records import Rows, SourceRef
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
    # Every field is checked, in the file's column order: a row's problems come together.
    fields = Fields()
    check = fields.check
    key = check(clean_text, key, "key")
    title = check(clean_text, title, "title", required=True)
    publisher = check(clean_text, publisher, "publisher")
    author = check(clean_text, author, "author")
    url = check(_url, url)
    published = check(optional_date, published, "published")
    kind = check(_kind, kind or "news")
    fields.done()
    return {
        "key": key or source_key(title, url, published),
        "title": title,
        "url": url,
        "publisher": publisher,
        "author": author,
        "published": published,
        "kind": kind,
    }


def _url(text: str | None) -> str | None:
    url = clean_text(text, "url")
    if url and not url.lower().startswith(("http://", "https://", "urn:", "doi:", "file:")):
        raise InvalidValue(f"url: {url!r} is not a web address (http:// or https://)")
    return url


def _kind(text: str) -> str:
    return vocab.parse_choice(vocab.SourceKind, text.strip(), "kind").value


def write(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Sources matched by key (stored ones updated); a url belongs to one key.

    A row without a key is matched by the key it derives (its url, else its
    title and date), else by its url's owner; when the file has no url
    column either, by the one stored source with its title (and date, when
    the file has that column). Matched, it changes only the columns it has.
    ``new_only`` (``sources add``): a row whose key or url is stored is a duplicate.
    """
    t = Source
    conn = batch.conn
    existing = {r.key: r for r in conn.execute(sa.select(t))}
    owners = {r.url: r.key for r in existing.values() if r.url}
    titles: dict[str, list] = {}
    for r in existing.values():
        titles.setdefault(r.title, []).append(r)
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
        v = row.values
        old = existing.get(data["key"])
        if old is None and not new_only and not (v.get("key") or "").strip():
            if data["url"]:
                old = existing.get(owners.get(data["url"]))
            elif "url" not in v:
                same = [
                    r
                    for r in titles.get(data["title"], ())
                    if "published" not in v or r.published == data["published"]
                ]
                if len(same) > 1:
                    keys = "; ".join(sorted(r.key for r in same))
                    batch.problem(
                        row, f"title: matches {len(same)} stored sources ({keys}); give the key"
                    )
                    continue
                old = same[0] if same else None
        if old is not None:
            data = {**present(row, data), "key": old.key}
        if not batch.first_time(seen, data["key"], row):
            continue
        clash = old or (existing.get(owners.get(data["url"])) if data.get("url") else None)
        if new_only and clash is not None:
            batch.problem(
                row,
                Duplicate(f"source {data['key']!r} already exists (id {clash.id}: {clash.title})"),
            )
            continue
        if data.get("url"):
            owner = owners.get(data["url"])
            if owner is not None and owner != data["key"]:
                batch.problem(row, f"url: {data['url']!r} already belongs to source {owner!r}")
                continue
            owners[data["url"]] = data["key"]
        batch.store(t, old, data, counts, "sources")


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


def refs(conn: sa.Connection, ids: Iterable[int] | None = None) -> dict[int, SourceRef]:
    """Sources as records name them, by id: each key with its title (tables
    show the title, files the key). ``ids``: only these (default all)."""
    t = Source
    q = sa.select(t.c.id, t.c.key, t.c.title)
    if ids is not None:
        q = q.where(t.c.id.in_(set(ids)))
    return {sid: SourceRef(key, title) for sid, key, title in conn.execute(q)}


def list_sources(conn: sa.Connection) -> Rows:
    t = Source
    q = sa.select(t.c.id, *[t.c[f] for f in _FIELDS]).order_by(
        sa.func.coalesce(t.c.published, ""), t.c.key
    )
    return Rows(COLUMNS, [dict(r._mapping) for r in conn.execute(q)])
