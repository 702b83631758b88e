"""Bulk import: national files straight to the driver, without the ORM.

The common large case, a jurisdictions or status file loaded into an empty
table, goes here: the rows are read with csv, checked by the same rules as
every other path (tracker.identity, tracker.values), and written through a
bare driver connection (executemany on SQLite with the table's indexes built
once at the end, COPY on PostgreSQL) inside one transaction holding
tracker's write lock.

Everything this path does not handle itself (a table that already holds
rows, a reference by name, any bad row, any surprise from the database) ends
it with nothing written, and ``tracker import`` runs the full importer
(tracker.csvio), which matches rows to stored ones and reports every problem
with its file, line and column. So both paths end in the same database.
"""

import csv
import operator
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from tracker import rawdb, refs, vocab
from tracker.csvfiles import (
    Counts,
    Entity,
    Problems,
    files_to_import,
    open_reader,
    parse_timestamp,
    split_list,
)
from tracker.errors import TrackerError
from tracker.identity import lookup_state
from tracker.identity import validate as validate_jurisdiction
from tracker.values import clean_text, fold, optional_date, parse_count

JURISDICTION_COLUMNS = (
    "ocd_id", "name", "name_folded", "kind", "state", "fips", "population", "notes", "created_at",
)  # fmt: skip
STATUS_COLUMNS = (
    "jurisdiction_id", "status", "source_id", "effective", "observed",
    "citation", "quote", "note", "recorded_at",
)  # fmt: skip


class Unsupported(Exception):
    """Not for the bulk path; the full importer takes the whole import instead."""


class BulkWriter:
    """Rows straight to the driver inside the caller's transaction:
    ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Timestamps go in as
    ``stamp`` gives them, the way tracker's UTCDateTime type stores them."""

    CHUNK = 20_000

    def __init__(
        self,
        raw,
        postgres: bool,
        table: str,
        columns: tuple[str, ...],
        nullable: frozenset[str] = frozenset(),
    ):
        self.raw = raw
        self.postgres = postgres
        names = ", ".join(columns)
        # What a row holds for NULL in the ``nullable`` columns: "" on SQLite,
        # where binding None costs the driver an adaptation lookup per value.
        self.empty = None if postgres or not nullable else ""
        if postgres:
            self.sql = f"COPY {table} ({names}) FROM STDIN"
        else:
            marks = ", ".join("nullif(?, '')" if c in nullable else "?" for c in columns)
            self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        self.buffer: list[tuple] = []
        self.table = table
        self.deferred: list[str] | None = None

    def stamp(self, value: datetime):
        """A UTC timestamp as stored: naive UTC text on SQLite, as UTCDateTime binds it."""
        if self.postgres:
            return value
        # isoformat zero-pads the year (strftime's %Y does not before 1000).
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    def defer_indexes(self) -> None:
        """SQLite: drop the table's indexes now and build them again at close.

        Building an index once is several times faster than updating it row by
        row in random order. It all happens inside the import's transaction,
        so a failure, a rollback or a kill brings the indexes back.
        """
        if self.postgres or self.deferred is not None:
            return
        found = self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (self.table,),
        ).fetchall()
        self.deferred = [sql for _name, sql in found]
        for name, _sql in found:
            self.raw.execute(f'DROP INDEX "{name}"')

    def write(self, rows: Iterable[tuple]) -> None:
        """Every row of ``rows``, streamed (an error raised by ``rows`` stops it)."""
        # In chunks: producing a row may query the same connection (not in
        # the middle of a COPY), and SQLite inserts a chunk faster than rows
        # interleaved with the Python that checks them.
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= self.CHUNK:
                self._send(chunk)
                chunk = []
        self._send(chunk)

    def _send(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.postgres:
            self.raw.executemany(self.sql, rows)
            return
        with self.raw.cursor() as cur, cur.copy(self.sql) as copy:
            for row in rows:
                copy.write_row(row)

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        self._send(self.buffer)
        self.buffer.clear()

    def close(self, write: bool = True) -> None:
        if write:
            self.flush()
        self.buffer.clear()
        for sql in self.deferred or ():
            self.raw.execute(sql)
        self.deferred = None


class StatusRow:
    """One status row as stored: references looked up in memory, values checked.

    Shared by both import paths. ``missing_jurisdiction`` and
    ``missing_source`` are asked for a reference not found in the maps (the
    full importer resolves names, FIPS codes and aliases there; the bulk path
    gives up). Raises TrackerError for a bad value.
    """

    STATUSES = frozenset(s.value for s in vocab.Status)

    def __init__(
        self,
        jurisdictions: dict[str, int],
        sources: dict[str, int],
        missing_jurisdiction: Callable[[str], int],
        missing_source: Callable[[str], int],
        empty: str | None = None,
    ):
        # ``empty`` stands for no value (None, or "" for a BulkWriter with nullable columns).
        self.empty = empty
        self.jurisdictions = jurisdictions
        self.sources = sources
        self.missing_jurisdiction = missing_jurisdiction
        self.missing_source = missing_source
        self.dates: dict[str, str] = {}

    def _date(self, value: str, column: str) -> str | None:
        """A date not seen yet (the common ones are a dict hit in ``__call__``)."""
        found = optional_date(value, column)
        if found is None:
            return self.empty
        if len(self.dates) < 100_000:
            self.dates[value] = found
        return found

    def _text(self, value: str, column: str) -> str | None:
        """A text that needs trimming, or is refused (NUL)."""
        return clean_text(value, column) or self.empty

    def __call__(self, ref, status, source, effective, observed, citation, quote, note, recorded):
        """The stored tuple (STATUS_COLUMNS; recorded_at None means "now").

        Written for a million rows: the common case (an exact OCD id, a
        known value, a clean text) is a dict hit or a test; everything else
        goes through the careful parsers, which also word the errors.
        """
        jid = self.jurisdictions.get(ref)
        if jid is None:
            ref = ref or ""
            key = ref.strip().lower()
            jid = self.jurisdictions.get(key)
            if jid is None:
                # Remembered: a file names the same jurisdiction on many rows,
                # and REFs ignore case.
                jid = self.jurisdictions[key] = self.missing_jurisdiction(ref)
        sid = self.sources.get(source)
        if sid is None:
            source = source or ""
            sid = self.sources.get(source.strip())
            if sid is None:
                sid = self.missing_source(source)
        if status not in self.STATUSES:
            status = vocab.parse_choice(vocab.Status, (status or "").strip(), "status").value
        empty, dates = self.empty, self.dates
        effective = (
            (dates.get(effective) or self._date(effective, "effective")) if effective else empty
        )
        observed = (dates.get(observed) or self._date(observed, "observed")) if observed else empty
        if not citation:
            citation = empty
        elif "\x00" in citation or citation[0].isspace() or citation[-1].isspace():
            citation = self._text(citation, "citation")
        if not quote:
            quote = empty
        elif "\x00" in quote or quote[0].isspace() or quote[-1].isspace():
            quote = self._text(quote, "quote")
        if not note:
            note = empty
        elif "\x00" in note or note[0].isspace() or note[-1].isspace():
            note = self._text(note, "note")
        recorded = parse_timestamp(recorded, "recorded_at") if recorded else None
        return jid, status, sid, effective, observed, citation, quote, note, recorded


# The hash both paths remember status rows by (a test replaces it to force collisions).
row_hash = hash


def status_key(record: tuple) -> tuple:
    """What makes two status rows the same record (the import's duplicate check)."""
    return (record[0], record[2], record[1], record[3], record[4], record[8])


# --- the bulk path ---------------------------------------------------------------


def try_import(
    url: str,
    path: Path,
    entity: str | None,
    *,
    dry_run: bool,
    progress: Callable | None = None,
    prepare: Callable[[], object] | None = None,
) -> dict[str, Counts] | None:
    """Import on the bulk path; None when it does not apply (nothing written then).

    ``prepare`` is called once when the database cannot be opened bare (a new
    SQLite file, a schema to upgrade): the full path's set-up, which creates,
    upgrades or explains; then the bulk path tries again.
    """
    files = files_to_import(path, entity)
    if any(e.name not in _LOADERS for e, _ in files):
        return None
    try:
        conn = rawdb.connect(url)
    except rawdb.Unavailable:
        if prepare is None:
            return None
        prepare()
        try:
            conn = rawdb.connect(url)
        except rawdb.Unavailable:
            return None
    summary: dict[str, Counts] = {}
    try:
        for e, p in files:
            _LOADERS[e.name](conn, _Rows(p, e, progress), summary.setdefault(e.name, Counts()))
        if not dry_run:
            conn.commit()
        return summary
    except Unsupported:
        return None
    except conn.errors:
        # A surprise from the database: the full path meets it again and explains it.
        return None
    finally:
        conn.close()


class _Rows:
    """A file's rows in the entity's column order ("" for a missing column)."""

    def __init__(self, path: Path, entity: Entity, progress: Callable | None):
        self.path, self.entity, self.progress = path, entity, progress

    def __iter__(self) -> Iterator[list[str]]:
        problems = Problems()
        opened = open_reader(self.path, self.entity, problems)
        if opened is None:
            raise Unsupported(self.path)
        fh, reader, columns = opened
        width = len(columns)
        where = [columns.index(c) if c in columns else width for c in self.entity.columns]
        in_order = where == list(range(width))
        pick = operator.itemgetter(*where)
        rows: Iterable[list[str]] = reader
        if self.progress is not None:
            rows = self.progress(reader, self.entity.name)
        with fh:
            try:
                for fields in rows:
                    if len(fields) != width:
                        if not fields:
                            continue
                        if len(fields) > width:
                            raise Unsupported(f"line {reader.line_num}: too many fields")
                        fields += [""] * (width - len(fields))
                    if in_order:
                        yield fields
                    else:
                        fields.append("")
                        yield pick(fields)
            except (UnicodeDecodeError, csv.Error):
                raise Unsupported(self.path) from None


def _write_all(writer: BulkWriter, records: Iterable[tuple]) -> None:
    """Every record, then the deferred indexes; a bad row ends the bulk path."""
    try:
        writer.write(records)
    except TrackerError:
        raise Unsupported("a row the full importer must report") from None
    writer.close()


def _is_empty(conn: rawdb.Connection, table: str) -> bool:
    return not conn.query(f"SELECT 1 FROM {table} LIMIT 1")


def _load_jurisdictions(conn: rawdb.Connection, rows: _Rows, counts: Counts) -> None:
    if not _is_empty(conn, "jurisdiction"):
        raise Unsupported("jurisdictions are stored already: rows must be matched")
    nullable = frozenset({"fips", "population", "notes"})
    writer = BulkWriter(conn.raw, conn.postgres, "jurisdiction", JURISDICTION_COLUMNS, nullable)
    writer.defer_indexes()
    empty = writer.empty
    ocd_ids: set[str] = set()
    fips_codes: set[str] = set()
    aliased: list[tuple[str, tuple[str, ...]]] = []
    now = writer.stamp(datetime.now(UTC))

    def records() -> Iterator[tuple]:
        for ocd_id, name, kind, state, fips, population, aliases, notes in rows:
            d = validate_jurisdiction(
                name,
                kind,
                state,
                fips=fips or None,
                population=parse_count(population, "population") if population else None,
                aliases=split_list(aliases) if aliases else (),
                notes=notes or None,
                ocd_id=ocd_id or None,
            )
            if d.ocd_id in ocd_ids:
                raise Unsupported("a repeated OCD id")
            ocd_ids.add(d.ocd_id)
            if d.fips is not None:
                if d.fips in fips_codes:
                    raise Unsupported("a repeated FIPS code")
                fips_codes.add(d.fips)
            if d.aliases:
                aliased.append((d.ocd_id, d.aliases))
            population = empty if d.population is None else d.population
            yield (d.ocd_id, d.name, fold(d.name), d.kind, d.state, d.fips or empty, population,
                   d.notes or empty, now)  # fmt: skip

    _write_all(writer, records())
    counts.added += len(ocd_ids)
    if aliased:
        _add_aliases(conn, aliased)


def _add_aliases(conn: rawdb.Connection, aliased: list[tuple[str, tuple[str, ...]]]) -> None:
    ids: dict[str, int] = {}
    for i in range(0, len(aliased), 500):
        chunk = [ocd for ocd, _ in aliased[i : i + 500]]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT ocd_id, id FROM jurisdiction WHERE ocd_id IN ({marks})"
        ids.update(conn.query(sql, tuple(chunk)))
    conn.executemany(
        "INSERT INTO jurisdiction_alias (jurisdiction_id, alias, alias_folded) VALUES (?, ?, ?)",
        [(ids[ocd], alias, fold(alias)) for ocd, aliases in aliased for alias in aliases],
    )


def _load_status(conn: rawdb.Connection, rows: _Rows, counts: Counts) -> None:
    if not _is_empty(conn, "policy_status"):
        raise Unsupported("status rows are stored already: rows must be matched")
    by_ref = _Refs(conn)

    def source_missing(_ref: str) -> int:
        raise Unsupported("a source the full importer must look up or report")

    nullable = frozenset({"effective", "observed", "citation", "quote", "note"})
    writer = BulkWriter(conn.raw, conn.postgres, "policy_status", STATUS_COLUMNS, nullable)
    writer.defer_indexes()
    convert = StatusRow(
        dict(conn.query("SELECT ocd_id, id FROM jurisdiction")),
        dict(conn.query('SELECT "key", id FROM source')),
        by_ref.resolve,
        source_missing,
        writer.empty,
    )
    now = writer.stamp(datetime.now(UTC))
    # Hashes keep memory flat; the full importer tells a real repeat from a collision.
    seen: set[int] = set()

    def records() -> Iterator[tuple]:
        remember, stamp = seen.add, writer.stamp
        for ref, status, source, effective, observed, citation, quote, note, recorded in rows:
            record = convert(ref, status, source, effective, observed, citation, quote, note,
                             recorded)  # fmt: skip
            h = row_hash(status_key(record))
            if h in seen:
                raise Unsupported("a possibly repeated row")
            remember(h)
            yield (*record[:8], now if record[8] is None else stamp(record[8]))

    _write_all(writer, records())
    counts.added += len(seen)


class _Refs:
    """Jurisdiction REFs other than an exact OCD id.

    An in-memory index answers the common cases of a national file at once:
    a FIPS code or id that names one record, a name or ``Name, ST`` that
    names exactly one jurisdiction (by name or alias). Everything else goes
    to tracker.refs, the one resolver, which also words the errors.
    """

    def __init__(self, conn: rawdb.Connection):
        self.conn = conn
        self.by_fips: dict[str, int] | None = None
        self.ids: set[int] = set()
        self.by_name: dict[tuple[str, str | None], set[int]] | None = None

    def resolve(self, ref: str) -> int:
        text = ref.strip()
        found = None
        if text and "\x00" not in text and not text.lower().startswith("ocd-division/"):
            found = self._number(text) if text.isascii() and text.isdigit() else self._name(text)
        return found if found is not None else refs.resolve(self.conn.query, ref)

    def _number(self, text: str) -> int | None:
        if self.by_fips is None:
            rows = self.conn.query("SELECT fips, id FROM jurisdiction")
            self.by_fips = {f: i for f, i in rows if f is not None}
            self.ids = {i for _f, i in rows}
        by_fips = self.by_fips.get(text) if len(text) in (2, 5, 7) else None
        # "06" is California's FIPS code, never id 6: ids have no leading zero.
        by_id = int(text) if len(text) < 19 and not text.startswith("0") else None
        if by_id not in self.ids:
            by_id = None
        if by_fips is not None and by_id is not None and by_fips != by_id:
            return None
        return by_fips or by_id

    def _name(self, text: str) -> int | None:
        if self.by_name is None:
            self.by_name = {}
            rows = self.conn.query(
                "SELECT name_folded, state, id FROM jurisdiction UNION ALL "
                "SELECT a.alias_folded, j.state, j.id FROM jurisdiction_alias a "
                "JOIN jurisdiction j ON j.id = a.jurisdiction_id"
            )
            for folded, state, jid in rows:
                self.by_name.setdefault((folded, state), set()).add(jid)
                self.by_name.setdefault((folded, None), set()).add(jid)
        head, comma, tail = text.rpartition(",")
        state = lookup_state(tail) if comma and head.strip() else None
        if state is not None:
            found = self.by_name.get((fold(head), state.abbr), ())
        else:
            found = self.by_name.get((fold(text), None), ())
        return next(iter(found)) if len(found) == 1 else None


_LOADERS = {"jurisdictions": _load_jurisdictions, "status": _load_status}
