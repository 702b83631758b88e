"""Policy status: dated, sourced, append-only assertions."""

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

import sqlalchemy as sa

from tracker import jurisdictions as jur
from tracker import vocab
from tracker.batch import Batch, Matcher, chunks
from tracker.csvformat import Row, parse_timestamp
from tracker.db import BulkWriter
from tracker.errors import TrackerError
from tracker.models import PolicyStatus, Source
from tracker.records import Rows
from tracker.values import clean_text, format_timestamp, optional_date


def history(conn: sa.Connection, jurisdiction_id: int) -> list[tuple]:
    """Every assertion about a jurisdiction with its source, oldest first: by
    when it counts from (effective, else observed, else published; partial
    dates by their first day), then by when it was recorded."""
    p, s = PolicyStatus.__table__, Source.__table__
    start = sa.func.coalesce(p.c.effective, p.c.observed, s.c.published, "")
    if conn.dialect.name == "postgresql":
        start = start.collate("C")
    q = (
        sa.select(p, s.c.key.label("source_key"), start.label("start"))
        .join(s, s.c.id == p.c.source_id)
        .where(p.c.jurisdiction_id == jurisdiction_id)
        .order_by(start, p.c.recorded_at, p.c.id)
    )
    return list(conn.execute(q))


def in_force(conn: sa.Connection, jurisdiction_id: int, as_of: str | None = None) -> list[dict]:
    """The status in force on ``as_of`` (default today), then each other
    source whose latest word differs, most recent first (the dossier's rows)."""
    day = as_of or date.today().isoformat()
    eligible = [r for r in history(conn, jurisdiction_id) if r.start <= day]
    ordered = sorted(eligible, key=lambda r: (r.start, r.recorded_at, r.id), reverse=True)
    if not ordered:
        return []
    current, seen, disagreeing = ordered[0], set(), []
    for r in ordered:
        if r.source_id in seen:
            continue
        seen.add(r.source_id)
        if r.status != current.status:
            disagreeing.append(r)
    flags = [bool(disagreeing)] + [True] * len(disagreeing)
    return [
        {"status": r.status, "since": r.start or None, "source": r.source_key, "disagreement": f}
        for r, f in zip([current, *disagreeing], flags, strict=True)
    ]


HISTORY_COLUMNS = [
    "id", "status", "effective", "observed", "source", "citation", "quote", "note", "recorded_at",
]  # fmt: skip


def history_rows(conn: sa.Connection, jurisdiction_id: int) -> Rows:
    """``status history``: every assertion, oldest first, as printed."""
    return Rows(HISTORY_COLUMNS, [record(r) for r in history(conn, jurisdiction_id)])


def record(r) -> dict:
    """One assertion as printed (a ``history`` row)."""
    return {
        "id": r.id,
        "status": r.status,
        "effective": r.effective,
        "observed": r.observed,
        "source": r.source_key,
        "citation": r.citation,
        "quote": r.quote,
        "note": r.note,
        "recorded_at": format_timestamp(r.recorded_at),
    }


# The status in force for many jurisdictions, computed by the database with
# window functions (SQLite >= 3.25 and PostgreSQL): each source's latest word
# on each jurisdiction; the latest of those is the status in force, the others
# with a different status are the disagreement, most recent first. A national
# database holds millions of assertions: only one row per jurisdiction leaves
# the database. Starts are dates as entered; compared as text they sort by
# their first day (a shorter prefix first), so comparing with the full as-of
# day is "starts on or before it". PostgreSQL compares them byte-wise whatever
# the database's collation.
_IN_FORCE_SQL = """
WITH latest AS (
  SELECT p.id, p.jurisdiction_id AS jid, p.source_id AS sid, p.status, p.recorded_at,
         {start} AS start,
         row_number() OVER (PARTITION BY p.jurisdiction_id, p.source_id
                            ORDER BY {start} DESC, p.recorded_at DESC, p.id DESC) AS src_rn
  FROM policy_status p JOIN source s ON s.id = p.source_id
  WHERE {start} <= :day{only_p}
), ranked AS (
  SELECT jid, sid, status, start, recorded_at, id,
         row_number() OVER w AS rn, first_value(status) OVER w AS current_status
  FROM latest WHERE src_rn = 1
  WINDOW w AS (PARTITION BY jid ORDER BY start DESC, recorded_at DESC, id DESC)
), summed AS (
  SELECT r.jid, r.rn, r.status, r.start, s.key, {disagreement} AS disagreement
  FROM ranked r JOIN source s ON s.id = r.sid
)
SELECT j.id, j.ocd_id, j.name, j.kind, j.state, j.fips, j.population, j.name_folded,
       l.status, NULLIF(l.start, '') AS since, l.key AS source, l.disagreement
FROM summed l JOIN jurisdiction j ON j.id = l.jid
WHERE l.rn = 1
UNION ALL
SELECT j.id, j.ocd_id, j.name, j.kind, j.state, j.fips, j.population, j.name_folded,
       NULL, NULL, NULL, NULL
FROM jurisdiction j
WHERE NOT EXISTS (
  SELECT 1 FROM policy_status p JOIN source s ON s.id = p.source_id
  WHERE p.jurisdiction_id = j.id AND {start} <= :day){only_j}
ORDER BY 5, 8, 2
"""

_DISAGREEMENT = """{agg}(CASE WHEN r.status <> r.current_status
                     THEN r.status || ' (' || s.key || ')' END, '; ')
         OVER (PARTITION BY r.jid ORDER BY r.rn
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"""


def in_force_rows(
    conn: sa.Connection,
    day: str,
    *,
    state: str | None = None,
    kind: str | None = None,
    disagreement: bool = True,
) -> Iterator[sa.Row]:
    """One row per jurisdiction, ordered by state, name and key, with the status
    in force on ``day`` (a full ``YYYY-MM-DD``): ``id, ocd_id, name, kind,
    state, fips, population, name_folded, status, since, source,
    disagreement``. ``status`` is None when nothing is in force yet;
    ``disagreement`` is ``status (source); ...`` or None (always None when
    ``disagreement`` is False, which spares the database some work).

    ``state`` and ``kind`` are stored values (already parsed).
    """
    dialect = conn.dialect.name
    start = "coalesce(p.effective, p.observed, s.published, '')"
    if dialect == "postgresql":
        start = f'({start}) COLLATE "C"'
    agg = "string_agg" if dialect == "postgresql" else "group_concat"
    where, params = [], {"day": day}
    if state:
        where.append("j.state = :state")
        params["state"] = state
    if kind:
        where.append("j.kind = :kind")
        params["kind"] = kind
    only_j = "".join(f" AND {w}" for w in where)
    only_p = (
        f" AND p.jurisdiction_id IN (SELECT j.id FROM jurisdiction j WHERE {' AND '.join(where)})"
        if where
        else ""
    )
    sql = _IN_FORCE_SQL.format(
        start=start,
        only_p=only_p,
        only_j=only_j,
        disagreement=_DISAGREEMENT.format(agg=agg) if disagreement else "NULL",
    )
    yield from conn.execution_options(stream_results=True).execute(sa.text(sql), params)


LIST_COLUMNS = ["id", "key", "name", "kind", "state", "fips", "population", "status"]


def listing(conn: sa.Connection, **filters) -> Rows:
    """``jurisdictions list``: every jurisdiction with its status in force today."""
    return Rows(LIST_COLUMNS, _listing(conn, **filters))


def _listing(
    conn: sa.Connection,
    *,
    state: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> Iterator[dict]:
    """Jurisdictions with the status in force today, as ``jurisdictions list``
    shows them; ``state`` may be a code or a name."""
    from tracker import jurisdictions as jur

    if state:
        state = jur.parse_state(state).abbr
    if kind:
        kind = vocab.parse_choice(vocab.JurisdictionKind, kind, "kind").value
    if status:
        status = vocab.parse_choice(vocab.Status, status, "status").value
    day = date.today().isoformat()
    for r in in_force_rows(conn, day, state=state, kind=kind, disagreement=False):
        if status is not None and r.status != status:
            continue
        yield {
            "id": r.id,
            "key": r.ocd_id,
            "name": r.name,
            "kind": r.kind,
            "state": r.state,
            "fips": r.fips,
            "population": r.population,
            "status": r.status,
        }


# --- writing --------------------------------------------------------------------

# The stored columns, in the order BulkWriter rows and StatusRow give them.
COLUMNS = (
    "jurisdiction_id", "status", "source_id", "effective", "observed",
    "citation", "quote", "note", "recorded_at",
)  # fmt: skip
_NULLABLE = frozenset({"effective", "observed", "citation", "quote", "note"})
_KEY = ("jurisdiction_id", "source_id", "status", "effective", "observed")
_COMPARED = ("citation", "quote", "note")


class StatusRow:
    """One status row as stored: references resolved, values checked.

    Written for a million rows: the common case (an exact OCD id, a known
    value, a clean text) is a dict hit or a test; everything else goes
    through the careful parsers, which also word the errors. ``empty``
    stands for no value (None, or "" for a BulkWriter with nullable columns).
    """

    STATUSES = frozenset(s.value for s in vocab.Status)

    def __init__(self, batch: Batch, empty: str | None = None):
        self.batch = batch
        self.empty = empty
        self.sources = batch.key_cache(Source.__table__)
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

    def __call__(self, v: dict) -> tuple:
        """The stored tuple (COLUMNS; recorded_at None means "now")."""
        get = v.get
        ref = get("jurisdiction")
        known = self.batch.jurisdictions
        jid = known.get(ref) if known is not None and ref else None
        if jid is None:
            jid = jur.ref_id(self.batch, ref, "jurisdiction")
        source = get("source")
        sid = self.sources.get(source) if source else None
        if sid is None:
            sid = self.batch.key_id(Source.__table__, source, "source", "source")
        status = get("status")
        if status not in self.STATUSES:
            status = vocab.parse_choice(vocab.Status, (status or "").strip(), "status").value
        empty, dates = self.empty, self.dates
        effective, observed = get("effective"), get("observed")
        effective = (
            (dates.get(effective) or self._date(effective, "effective")) if effective else empty
        )
        observed = (dates.get(observed) or self._date(observed, "observed")) if observed else empty
        citation, quote, note = get("citation"), get("quote"), get("note")
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
        recorded = get("recorded_at")
        recorded = parse_timestamp(recorded, "recorded_at") if recorded else None
        return (jid, status, sid, effective, observed, citation, quote, note, recorded)


def _key(record: tuple) -> tuple:
    """What makes two status rows the same record (the batch's duplicate check)."""
    return (record[0], record[2], record[1], record[3], record[4], record[8])


# The hash rows are remembered by (a test replaces it to force collisions).
row_hash = hash


def _shown(record: tuple) -> str:
    return ", ".join(str(x) for x in (record[1], record[3], record[4]) if x)


def write(batch: Batch, rows: Iterable[Row], *, append: bool = False) -> None:
    """Status assertions: new ones added, ones already stored matched.

    A row matches a stored assertion by what it says (jurisdiction, source,
    status, dates) and, when it has one, when it was recorded; a matched
    row may change the citation, quote and note. ``rows`` may be read
    twice (a file is read again to confirm a repeated row).

    Into an empty table the rows stream to the driver in chunks, memory
    flat, the table's indexes built once at the end. ``append`` (``status
    set``): every row is a new assertion, even one that says what a stored
    one says (history is append-only).
    """
    t = PolicyStatus.__table__
    empty_table = batch.conn.execute(sa.select(t.c.id).limit(1)).first() is None
    if append or (empty_table and not batch.failed):
        _write_new(batch, rows, defer_indexes=empty_table)
    else:
        _write_matched(batch, rows)


def _write_new(batch: Batch, rows: Iterable[Row], *, defer_indexes: bool) -> None:
    counts = batch.counts("status")
    writer = BulkWriter(batch.conn, PolicyStatus.__table__, COLUMNS, _NULLABLE)
    if defer_indexes:
        writer.defer_indexes()
    convert = StatusRow(batch, writer.empty)
    stamp = writer.bind("recorded_at")
    now = stamp(datetime.now(UTC))
    # Hashes, not keys, keep memory flat; a repeated hash is confirmed
    # (and its first line found) by reading the rows again.
    seen: set[int] = set()
    remember, add, problems, hashed = seen.add, writer.add, batch.problems, row_hash
    suspects: list[tuple[int, tuple, tuple]] = []
    for row, record in batch.each(rows, convert):
        key = _key(record)
        h = hashed(key)
        if h in seen:
            suspects.append((row.line, key, record))
            continue
        remember(h)
        if not problems.total:
            add((*record[:8], now if record[8] is None else stamp(record[8])))
    counts.added += len(seen)
    if suspects:
        wanted = {key: line for line, key, _record in suspects}
        first: dict[tuple, int] = {}
        for row in rows:
            try:
                key = _key(convert(row.values))
            except TrackerError:
                continue
            if key in wanted and key not in first and row.line < wanted[key]:
                first[key] = row.line
        for line, key, record in suspects:
            if key in first:
                batch.problems.add(
                    f"{batch.where}, line {line}: same record as line {first[key]} ({_shown(record)})"
                )
            else:
                counts.added += 1
                if not batch.failed:
                    writer.add((*record[:8], now if record[8] is None else stamp(record[8])))
    writer.close(write=not batch.failed)


def _write_matched(batch: Batch, rows: Iterable[Row]) -> None:
    t = PolicyStatus.__table__
    conn = batch.conn
    counts = batch.counts("status")
    stored = conn.execute(
        sa.select(t.c.id, *[t.c[c] for c in _KEY], *[t.c[c] for c in _COMPARED], t.c.recorded_at)
        .order_by(t.c.recorded_at, t.c.id)
    )  # fmt: skip
    matcher = Matcher((tuple(r._mapping[c] for c in _KEY), r.recorded_at, r) for r in stored)
    convert = StatusRow(batch)
    seen: dict = {}
    parsed = []
    for row, record in batch.each(rows, convert):
        data = dict(zip(COLUMNS, record, strict=True))
        sem = tuple(data[c] for c in _KEY)
        if batch.first_time(seen, (*sem, data["recorded_at"]), row, _shown(record)):
            parsed.append((row, data, sem))
    inserts, updates = [], []
    now = datetime.now(UTC)
    for _row, data, _sem, old in matcher.pair(batch, parsed, _COMPARED, "status assertions", False):
        if old is None:
            data["recorded_at"] = data["recorded_at"] or now
            inserts.append(data)
            counts.added += 1
        elif any(getattr(old, k) != data[k] for k in _COMPARED):
            updates.append({"_id": old.id, **{k: data[k] for k in _COMPARED}})
            counts.updated += 1
        else:
            counts.unchanged += 1
    if batch.failed:
        return
    for chunk in chunks(inserts, 5000):
        conn.execute(t.insert(), chunk)
    if updates:
        conn.execute(
            t.update()
            .where(t.c.id == sa.bindparam("_id"))
            .values(**{k: sa.bindparam(k) for k in _COMPARED}),
            updates,
        )


def set_status(conn: sa.Connection, values: dict) -> int:
    """Record one assertion (a status row: jurisdiction REF, status, source
    key, dates, texts) and return its id. Corrections are new assertions
    too: nothing is overwritten."""
    write(Batch(conn), [Row(1, values)], append=True)
    # Writers hold the write lock: the newest assertion is this one.
    t = PolicyStatus.__table__
    return conn.execute(sa.select(sa.func.max(t.c.id))).scalar_one()
