"""Policy status: dated, sourced, append-only assertions."""

import contextlib
import operator
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from functools import partial
from typing import NamedTuple

import sqlalchemy as sa

from tracker import jurisdictions as jur
from tracker import status_periods as sp
from tracker import vocab
from tracker.batch import Batch, Fields
from tracker.csvformat import Row, parse_timestamp
from tracker.db import BulkWriter, scratch_table, stream
from tracker.errors import TrackerError
from tracker.models import (
    Jurisdiction,
    PolicyStatus,
    Source,
    StatusPeriods,
    StatusPeriodsStale,
    UTCDateTime,
)
from tracker.records import Rows, SourceRef, Text
from tracker.sources import refs as source_refs
from tracker.values import clean_text, format_timestamp, optional_date


def history(conn: sa.Connection, jurisdiction_id: int) -> list[tuple]:
    """Every assertion about a jurisdiction with its source, oldest first: by
    when it counts from (effective, else observed, else published; partial
    dates by their first day), then by when it was recorded."""
    return histories(conn, [jurisdiction_id]).get(jurisdiction_id, [])


def histories(conn: sa.Connection, ids: list[int] | None = None) -> dict[int, list[tuple]]:
    """``history`` of each jurisdiction of ``ids`` (default all) that has
    assertions, in one query: ``{jurisdiction_id: [row, ...]}``."""
    p, s = PolicyStatus, Source
    start = sp.start_of(conn)
    q = (
        sa.select(
            p, s.c.key.label("source_key"), s.c.title.label("source_title"), start.label("start")
        )
        .join(s, s.c.id == p.c.source_id)
        .order_by(p.c.jurisdiction_id, start, p.c.recorded_at, p.c.id)
    )
    if ids is not None:
        q = q.where(
            p.c.jurisdiction_id == ids[0] if len(ids) == 1 else p.c.jurisdiction_id.in_(ids)
        )
    found: dict[int, list[tuple]] = {}
    for r in conn.execute(q):
        found.setdefault(r.jurisdiction_id, []).append(r)
    return found


def in_force(conn: sa.Connection, jurisdiction_id: int, as_of: str | None = None) -> list[dict]:
    """The status in force on ``as_of`` (default today), since when, and the
    start of its newest assertion; then each other source whose latest word
    differs, most recent first, with that word's start (the dossier's rows)."""
    return in_force_of(conn, [jurisdiction_id], as_of).get(jurisdiction_id, [])


def in_force_of(
    conn: sa.Connection, ids: list[int] | None = None, as_of: str | None = None
) -> dict[int, list[dict]]:
    """``in_force`` of each jurisdiction of ``ids`` (default all) with a
    status in force, in one scan: ``{jurisdiction_id: rows}``."""
    day = as_of or date.today().isoformat()
    chosen = ids[0] if ids is not None and len(ids) == 1 else ids
    decided = dict(sp.in_force(conn, day, chosen))
    wanted = {w[sp.SOURCE] for p in decided.values() for w in [p.current, *p.disagreeing]}
    refs = source_refs(conn, wanted) if isinstance(chosen, int) else source_refs(conn)
    found = {}
    for jid, period in decided.items():
        flag = bool(period.disagreeing)
        rows = [_in_force_row(period.current, period.since, refs, flag)]
        rows += [_in_force_row(w, None, refs, True) for w in period.disagreeing]
        found[jid] = rows
    return found


def _in_force_row(word: tuple, since: str | None, refs: dict, disagreement: bool) -> dict:
    return {
        "status": sp.STATUSES[word[sp.CODE] & 7],
        "since": since,
        "last_asserted": word[sp.START] or None,
        "source": refs[word[sp.SOURCE]],
        "disagreement": disagreement,
    }


HISTORY_COLUMNS = [
    "id", "status", "effective", "observed", "source", "citation", "quote", "note", "label",
    "recorded_at",
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
        "source": SourceRef(r.source_key, r.source_title),
        "citation": r.citation,
        "quote": r.quote,
        "note": r.note,
        "label": r.label,
        "recorded_at": format_timestamp(r.recorded_at),
    }


def first_start(conn: sa.Connection) -> str | None:
    """The earliest start of any assertion (as entered), None when none has one."""
    start = sp.start_of(conn)
    q = sa.select(sa.func.min(start)).select_from(PolicyStatus.join(Source)).where(start != "")
    return conn.execute(q).scalar()


def _said(said: str, refs: dict[int, SourceRef], shown: dict[str, str]) -> Text:
    """Other sources' words as stored (``status:source_id;...``) as the
    disagreement column shows them: ``status (source); ...``, each source a
    key in files, a title in tables. ``shown``: each word with its key, made once."""
    words = said.split(";")
    try:
        text = "; ".join(map(shown.__getitem__, words))
    except KeyError:
        for word in words:
            if word not in shown:
                status, _, source = word.partition(":")
                shown[word] = f"{status} ({refs[int(source)]})"
        text = "; ".join(map(shown.__getitem__, words))
    return Text.of(text, partial(_said_parts, words, refs))


def _said_parts(words: list[str], refs: dict[int, SourceRef]) -> list:
    parts: list = []
    for word in words:
        if parts:
            parts.append("; ")
        status, _, source = word.partition(":")
        parts += (f"{status} (", refs[int(source)], ")")
    return parts


# A jurisdiction as the report and the list show it, in their order.
_JURISDICTION = ("id", "ocd_id", "name", "kind", "state", "fips", "population", "name_folded")


class InForce(NamedTuple):
    """One jurisdiction with the status in force (``in_force_rows``)."""

    id: int
    ocd_id: str
    name: str
    kind: str
    state: str
    fips: str | None
    population: int | None
    name_folded: str
    status: str | None
    since: str | None
    last_asserted: str | None
    source: SourceRef | None
    disagreement: Text | None


def in_force_rows(
    conn: sa.Connection,
    day: str,
    *,
    state: str | None = None,
    kind: str | None = None,
    disagreement: bool = True,
) -> Iterator[InForce]:
    """One row per jurisdiction, ordered by state, name and key, with the status
    in force on ``day`` (a full ``YYYY-MM-DD``): ``id, ocd_id, name, kind,
    state, fips, population, name_folded, status, since, last_asserted,
    source, disagreement``. ``status`` is None when nothing is in force yet;
    ``disagreement`` is ``status (source); ...`` or None (always None when
    ``disagreement`` is False).

    Read from each jurisdiction's kept periods (tracker/status_periods.py);
    those marked stale are computed from their assertions.
    ``state`` and ``kind`` are stored values (already parsed).
    """
    j, kept = Jurisdiction, StatusPeriods
    only = []
    if state:
        only.append(j.c.state == state)
    if kind:
        only.append(j.c.kind == kind)
    refs = source_refs(conn)
    stale = sp.stale(conn)
    live: dict[int, sp.Period] = {}
    if stale:
        chosen = sa.select(StatusPeriodsStale.c.jurisdiction_id)
        live = dict(sp.in_force(conn, day, chosen))
    # One read: each jurisdiction in order beside its kept periods (the older
    # ones only when the day is before the newest period's start).
    q = (
        sa.select(*[j.c[c] for c in _JURISDICTION], *sp.columns(day))
        .select_from(j.outerjoin(kept, kept.c.jurisdiction_id == j.c.id))
        .where(*only)
        .order_by(j.c.state, j.c.name_folded, j.c.ocd_id)
    )
    n = len(_JURISDICTION)
    nothing = (None, None, None, None, None)
    shown: dict[str, str] = {}
    make = InForce._make
    for row in stream(conn, q, "tracker_in_force_rows", scattered=True):
        jurisdiction = row[:n]
        if stale and row[0] in stale:
            period = live.get(row[0])
            if period is None:
                yield make(jurisdiction + nothing)
                continue
            current = period.current
            found = (current[sp.START], period.status, period.since, current[sp.SOURCE],
                     sp.said(period.disagreeing))  # fmt: skip
        else:
            start = row[n]
            if start is None:
                yield make(jurisdiction + nothing)
                continue
            if start <= day:
                # The common case, today: the newest period, read as stored.
                found = row[n : n + 5]
            else:
                found = sp.kept(row[n:], day)
                if found is None:
                    yield make(jurisdiction + nothing)
                    continue
        start, status, since, source, said = found[:5]
        yield make(
            jurisdiction
            + (
                status,
                since,
                start or None,
                refs[source],
                _said(said, refs, shown) if disagreement and said else None,
            )
        )


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
    "citation", "quote", "note", "label", "recorded_at",
)  # fmt: skip
_NULLABLE = frozenset({"effective", "observed", "citation", "quote", "note", "label"})
_KEY = ("jurisdiction_id", "source_id", "status", "effective", "observed")
# The texts a matched row may change, at 5..8 in a stored tuple.
_COMPARED = ("citation", "quote", "note", "label")


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
        # A file's sources by key, read once; a command's one row asks the database.
        self.sources = batch.key_cache(Source) if batch.where is not None else {}
        self.dates: dict[str, str] = {}
        self.fields = Fields()

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
        """The stored tuple (COLUMNS; recorded_at None means "now"). Every
        field is checked: a row's problems are raised together."""
        get = v.get
        fields = self.fields
        check = fields.check
        ref = get("jurisdiction")
        known = self.batch.jurisdictions
        jid = known.get(ref) if known is not None and ref else None
        if jid is None:
            jid = check(jur.ref_id, self.batch, ref, "jurisdiction")
        source = get("source")
        sid = self.sources.get(source) if source else None
        if sid is None:
            sid = check(self.batch.key_id, Source, source, "source", "source")
        status = get("status")
        if status not in self.STATUSES:
            status = check(_parse_status, status)
        empty, dates = self.empty, self.dates
        effective, observed = get("effective"), get("observed")
        if effective:
            effective = dates.get(effective) or check(self._date, effective, "effective")
        else:
            effective = empty
        if observed:
            observed = dates.get(observed) or check(self._date, observed, "observed")
        else:
            observed = empty
        citation, quote, note, label = get("citation"), get("quote"), get("note"), get("label")
        if not citation:
            citation = empty
        elif "\x00" in citation or citation[0].isspace() or citation[-1].isspace():
            citation = check(self._text, citation, "citation")
        if not quote:
            quote = empty
        elif "\x00" in quote or quote[0].isspace() or quote[-1].isspace():
            quote = check(self._text, quote, "quote")
        if not note:
            note = empty
        elif "\x00" in note or note[0].isspace() or note[-1].isspace():
            note = check(self._text, note, "note")
        if not label:
            label = empty
        elif "\x00" in label or label[0].isspace() or label[-1].isspace():
            label = check(self._text, label, "label")
        recorded = get("recorded_at")
        recorded = check(parse_timestamp, recorded, "recorded_at") if recorded else None
        if fields.problems:
            fields.done()
        return (jid, status, sid, effective, observed, citation, quote, note, label, recorded)


def _parse_status(text: str | None) -> str:
    return vocab.parse_choice(vocab.Status, (text or "").strip(), "status").value


def _key(record: tuple) -> tuple:
    """What makes two status rows the same record (the batch's duplicate check)."""
    return (record[0], record[2], record[1], record[3], record[4], record[9])


# The hash rows are remembered by (a test replaces it to force collisions).
row_hash = hash


def _shown(record: tuple) -> str:
    return ", ".join(str(x) for x in (record[1], record[3], record[4]) if x)


def write(batch: Batch, rows: Iterable[Row], *, append: bool = False) -> None:
    """Status assertions: new ones added, ones already stored matched.

    A row matches a stored assertion by what it says (jurisdiction, source,
    status, dates) and, when it has one, when it was recorded; a matched
    row may change the citation, quote and note it has columns for. A date
    column the file lacks takes no part in the match. ``rows`` may be read
    twice (a file is read again to confirm a repeated row).

    Into an empty table the rows stream to the driver in chunks, memory
    flat, the table's indexes built once at the end. ``append`` (``status
    set``): every row is a new assertion, even one that says what a stored
    one says (history is append-only).
    """
    if append:
        _write_new(batch, rows, defer_indexes=False)
        return
    t = PolicyStatus
    empty_table = batch.conn.execute(sa.select(t.c.id).limit(1)).first() is None
    if empty_table and not batch.failed:
        _write_new(batch, rows, defer_indexes=True)
    else:
        _write_matched(batch, rows)


def _shown_key(batch: Batch, sem: tuple) -> str:
    """An assertion as a dry run names it: jurisdiction, status, source, dates."""
    jid, sid, status, effective, observed = sem
    parts = [
        batch.key_of(Jurisdiction.c.ocd_id, jid),
        status,
        batch.key_of(Source.c.key, sid),
    ]
    if effective:
        parts.append(f"effective {effective}")
    if observed:
        parts.append(f"observed {observed}")
    return " | ".join(parts)


def _record_added(batch: Batch, record: tuple) -> None:
    sem = (record[0], record[2], record[1], record[3], record[4])
    batch.added("status", _shown_key(batch, sem), dict(zip(COLUMNS, record, strict=True)))


def _write_new(batch: Batch, rows: Iterable[Row], *, defer_indexes: bool) -> None:
    writer = BulkWriter(batch.conn, PolicyStatus, COLUMNS, _NULLABLE)
    if defer_indexes:
        writer.defer_indexes()
    convert = StatusRow(batch, writer.empty)
    # The jurisdictions whose periods the new assertions change.
    with sp.adding(batch.conn) as touched:
        _add_new(batch, rows, writer, convert, touched.add)


def _add_new(batch: Batch, rows: Iterable[Row], writer: BulkWriter, convert, touch) -> None:
    counts = batch.counts("status")
    stamp = writer.bind("recorded_at")
    now = stamp(datetime.now(UTC))
    # Hashes, not keys, keep memory flat; a repeated hash is confirmed
    # (and its first line found) by reading the rows again.
    seen: set[int] = set()
    remember, add, problems, hashed = seen.add, writer.add, batch.problems, row_hash
    recording = batch.changes is not None
    suspects: list[tuple[int, tuple, tuple]] = []
    for row, record in batch.each(rows, convert):
        key = _key(record)
        h = hashed(key)
        if h in seen:
            suspects.append((row.line, key, record))
            continue
        remember(h)
        if not problems.total:
            touch(record[0])
            add((*record[:9], now if record[9] is None else stamp(record[9])))
            if recording:
                _record_added(batch, record)
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
                    touch(record[0])
                    writer.add((*record[:9], now if record[9] is None else stamp(record[9])))
                    if recording:
                        _record_added(batch, record)
    writer.close(write=not batch.failed)


# What became of each parked row (``_write_matched``), by its place in the
# file: a new assertion, a stored one unchanged, a repeat refused; otherwise
# the id of the stored assertion it updates (positive).
_NEW, _UNCHANGED, _REPEATED = 0, -1, -2


def _write_matched(batch: Batch, rows: Iterable[Row]) -> None:
    """Rows matched to the assertions a table holds. A row whose recorded_at
    names a stored assertion that says the same claims it first; the others
    match an unclaimed one that says the same, preferring one with the same
    texts (the latest such, else the latest).

    What a row says, and the texts it may change, are the columns its file
    has: without an ``effective`` column it matches an assertion whatever
    its effective date; without a ``note`` column the stored note stays.

    Memory stays flat whatever the table's and the file's size: the checked
    rows are parked (``_Parked``), read back by jurisdiction beside the
    stored assertions in the same order (a jurisdiction's rows can only match
    its own assertions), and read once more in file order to write what
    changed. Python holds one jurisdiction's rows at a time, and 8 bytes a row."""
    conn = batch.conn
    writer = BulkWriter(conn, PolicyStatus, COLUMNS, _NULLABLE)
    stamp = writer.bind("recorded_at")
    with contextlib.ExitStack() as scratch:
        parked = _Parked(conn, scratch)
        shape = _park(batch, rows, parked, stamp)
        fates, was = _match(batch, parked, shape)
        _store(batch, parked, shape, fates, was, writer, stamp(datetime.now(UTC)))


class _Parked:
    """A re-import's checked rows, (seq, line, then the stored tuple), in
    file order: in memory while they are few, in a scratch table of the
    connection once they are many. So a national file keeps memory flat,
    and a small one needs no table: a read-only database (a standby) can
    still be checked against it (``seed`` again, ``import --dry-run``)."""

    FEW = 50_000

    def __init__(self, conn: sa.Connection, scratch: contextlib.ExitStack):
        self.conn, self.scratch = conn, scratch
        self.rows: list[tuple] = []
        self.total = 0
        self.table: sa.Table | None = None
        self.writer: BulkWriter | None = None

    def add(self, row: tuple) -> None:
        self.total += 1
        if self.writer is not None:
            self.writer.add(row)
            return
        self.rows.append(row)
        if len(self.rows) > self.FEW:
            text, number = sa.String, sa.Integer
            self.table = self.scratch.enter_context(
                scratch_table(
                    self.conn,
                    "tracker_status_incoming",
                    sa.Column("seq", number, primary_key=True, autoincrement=False),
                    sa.Column("line", number, nullable=False),
                    *(sa.Column(c, number if c.endswith("_id") else text) for c in COLUMNS[:-1]),
                    # As the table stores it: a parked recorded_at comes back
                    # from the driver as a stored one does.
                    sa.Column("recorded_at", PolicyStatus.c.recorded_at.type),
                )
            )
            self.writer = BulkWriter(self.conn, self.table, tuple(c.name for c in self.table.c))
            self.writer.write(self.rows)
            self.rows = []

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def by_jurisdiction(self) -> Iterator[tuple]:
        """The rows by jurisdiction (its id is at 2), each one's in file order."""
        if self.table is None:
            return iter(sorted(self.rows, key=operator.itemgetter(2, 0)))
        return self._read("tracker_status_incoming", "jurisdiction_id", "seq")

    def in_file_order(self) -> Iterator[tuple]:
        if self.table is None:
            return iter(self.rows)
        return self._read("tracker_status_parked", "seq")

    def _read(self, name: str, *order: str) -> Iterator[tuple]:
        t = self.table
        return stream(self.conn, sa.select(*t.c).order_by(*(t.c[c] for c in order)), name)


def _park(batch: Batch, rows: Iterable[Row], parked: _Parked, stamp) -> tuple:
    """Check every row and park it in file order; the file's shape back. A
    row's recorded_at is parked as the driver gives a stored one back:
    SQLite the text it stores, PostgreSQL the datetime (so the two compare)."""
    bind = None if batch.conn.dialect.name == "postgresql" else stamp
    shape = None
    for seq, (row, record) in enumerate(batch.each(rows, StatusRow(batch))):
        if shape is None:
            shape = _file_shape(row.values.keys())
        recorded = record[9]
        if recorded is not None and bind is not None:
            recorded = bind(recorded)
        parked.add((seq, row.line, *record[:9], recorded))
    parked.close()
    return shape or _file_shape(())


def _match(batch: Batch, parked: _Parked, shape: tuple):
    """Each parked row's fate (see _NEW), and for a dry run the stored
    assertion (what it says, its texts) each update changes."""
    conn = batch.conn
    said, texts_of, given = shape
    t = PolicyStatus
    q = sa.select(
        t.c.id, *[t.c[c] for c in _KEY], *[t.c[c] for c in given], t.c.recorded_at
    ).order_by(t.c.jurisdiction_id)
    end = 6 + len(given)
    latest = operator.itemgetter(end, 0)
    stored = sp.by_jurisdiction(stream(conn, q, "tracker_status_stored"), 1)
    fates = array("q", bytes(8 * parked.total))
    was: dict[int, tuple] = {}
    recording = batch.changes is not None
    repeats: list[tuple] = []
    theirs_jid, theirs = next(stored, (None, []))
    for jid, mine in sp.by_jurisdiction(parked.by_jurisdiction(), 2):
        while theirs_jid is not None and theirs_jid < jid:
            theirs_jid, theirs = next(stored, (None, []))
        # This jurisdiction's stored assertions, oldest recorded first.
        ids, texts, sems = [], [], []
        by_full: dict[tuple, int] = {}
        by_sem: dict[tuple, list[int]] = {}
        for i, r in enumerate(sorted(theirs, key=latest) if theirs_jid == jid else ()):
            sem = r[1:6]
            ids.append(r[0])
            sems.append(sem)
            texts.append(r[6:end])
            if said is not None:
                sem = said(sem)
            by_full[(sem, r[end])] = i
            by_sem.setdefault(sem, []).append(i)
        # This jurisdiction's rows, in file order; a repeat is refused.
        seen: dict[tuple, int] = {}
        parsed = []
        for r in mine:
            seq, line, record = r[0], r[1], r[2:]
            sem = (record[0], record[2], record[1], record[3], record[4])
            recorded = record[9]
            first = seen.setdefault((sem, recorded), line)
            if first != line:
                repeats.append((line, first, _shown(record)))
                fates[seq] = _REPEATED
                continue
            parsed.append((seq, record, sem if said is None else said(sem), recorded))
        claimed = bytearray(len(ids))
        found: list[int | None] = [None] * len(parsed)
        for n, (_seq, _record, sem, recorded) in enumerate(parsed):
            i = by_full.get((sem, recorded)) if recorded is not None else None
            if i is not None and not claimed[i]:
                claimed[i] = 1
                found[n] = i
        for n, (seq, record, sem, _recorded) in enumerate(parsed):
            i, said_texts = found[n], texts_of(record)
            if i is None:
                candidates = [i for i in by_sem.get(sem, ()) if not claimed[i]]
                same = [i for i in candidates if texts[i] == said_texts]
                i = same[-1] if same else (candidates[-1] if candidates else None)
                if i is None:
                    continue  # a new assertion (_NEW)
                claimed[i] = 1
            if texts[i] == said_texts:
                fates[seq] = _UNCHANGED
                continue
            fates[seq] = ids[i]
            if recording:
                was[seq] = (sems[i], texts[i])
    for line, first, shown in sorted(repeats):
        batch.problem(Row(line, {}), f"same record as line {first} ({shown})")
    return fates, was


def _store(batch: Batch, parked: _Parked, shape, fates, was, writer: BulkWriter, now) -> None:
    """The parked rows' fates written in file order: new assertions added,
    matched ones' texts updated, counted as they are."""
    conn = batch.conn
    _said, texts_of, given = shape
    counts = batch.counts("status")
    t = PolicyStatus
    update = (
        t.update()
        .where(t.c.id == sa.bindparam("_id"))
        .values(**{k: sa.bindparam(k) for k in given})
    )
    updates: list[dict] = []
    write = not batch.failed
    # The jurisdictions whose periods the new assertions change.
    with sp.adding(conn) as touched:
        for r in parked.in_file_order():
            seq, record = r[0], r[2:]
            fate = fates[seq]
            if fate == _REPEATED:
                continue
            if fate == _UNCHANGED:
                counts.unchanged += 1
                continue
            if fate == _NEW:
                counts.added += 1
                if write:
                    touched.add(record[0])
                    writer.add((*record[:9], record[9] or now))
                    if batch.recording:
                        recorded = record[9] and UTCDateTime.stored(record[9])
                        _record_added(batch, (*record[:9], recorded))
                continue
            counts.updated += 1
            mine = texts_of(record)
            if write:
                updates.append({"_id": fate, **dict(zip(given, mine, strict=True))})
                if len(updates) >= BulkWriter.CHUNK:
                    conn.execute(update, updates)
                    updates.clear()
            if batch.recording:
                sem, old = was[seq]
                changed = zip(given, old, mine, strict=True)
                key = _shown_key(batch, sem)
                batch.updated("status", key, ((c, o, x) for c, o, x in changed if o != x))
        writer.close(write=write)
    if updates and write:
        conn.execute(update, updates)


def _file_shape(columns) -> tuple:
    """What a file's rows say and may change, by its columns: a function
    picking the parts of what a row says that the file has (None: all of
    them), one picking the texts it has from a stored tuple, and their names."""
    dates = tuple(i for i, c in ((3, "effective"), (4, "observed")) if c in columns)
    said = None if len(dates) == 2 else operator.itemgetter(0, 1, 2, *dates)
    given = tuple(c for c in _COMPARED if c in columns)
    at = [5 + _COMPARED.index(c) for c in given]
    if len(at) == len(_COMPARED):
        texts_of = operator.itemgetter(slice(5, 9))
    elif len(at) > 1:
        texts_of = operator.itemgetter(*at)
    elif at:
        i = at[0]

        def texts_of(record: tuple) -> tuple:
            return (record[i],)
    else:

        def texts_of(record: tuple) -> tuple:
            return ()

    return said, texts_of, given


def set_status(conn: sa.Connection, values: dict) -> int:
    """Record one assertion (a status row: jurisdiction REF, status, source
    key, dates, texts) and return its id. Corrections are new assertions
    too: nothing is overwritten."""
    write(Batch(conn), [Row(1, values)], append=True)
    # Writers hold the write lock: the newest assertion is this one.
    t = PolicyStatus
    return conn.execute(sa.select(sa.func.max(t.c.id))).scalar_one()
