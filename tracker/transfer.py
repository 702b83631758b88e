"""Import and export: tracker's CSV files in and out of the database.

Import reads each entity's file in dependency order (sources before the
jurisdictions, statuses and cases that cite them) and hands its rows to
the entity's one write path (``sources.write``, ``jurisdictions.write``,
...), inside the caller's transaction: any problem anywhere and nothing is
written. Export streams every entity in a stable, byte-wise order with
references by natural key, so export, import elsewhere, export again gives
identical files.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa

from tracker import actions, cases, grants, jurisdictions, lists, protection, sources, status
from tracker.batch import Batch, Change, collector_paused
from tracker.csvformat import (
    ENTITIES,
    Counts,
    Entity,
    Problems,
    Row,
    files_to_import,
    join_list,
    read_csv,
    write_csv,
)
from tracker.db import stream
from tracker.errors import ImportFailed
from tracker.models import (
    ActionTarget,
    CaseParty,
    FederalAction,
    GrantAmount,
    GrantMember,
    Jurisdiction,
    JurisdictionAlias,
    LegalCase,
    ListEntry,
    ListEntryFate,
    PolicyStatus,
    Ruling,
    RulingCoverage,
    RulingEvent,
    RulingEventCoverage,
    RulingRestraint,
    Source,
    UTCDateTime,
)
from tracker.values import format_amount, format_timestamp

# Each entity's one write path, in the order files are imported.
WRITERS: dict[str, Callable] = {
    "sources": sources.write,
    "jurisdictions": jurisdictions.write,
    "status": status.write,
    "actions": actions.write,
    "entries": lists.write_entries,
    "entry_fates": lists.write_fates,
    "grants": grants.write,
    "cases": cases.write,
    "parties": cases.write_parties,
    "rulings": cases.write_rulings,
    "ruling_events": protection.write_events,
}


# --- import -------------------------------------------------------------------


class _File:
    """A file's rows; it can be read again (a write may confirm a row by rereading)."""

    def __init__(self, path: Path, entity: Entity, batch: Batch):
        self.path, self.entity, self.batch = path, entity, batch
        self.read = False

    def __iter__(self) -> Iterator[Row]:
        if self.read:
            # Problems were reported the first time.
            return read_csv(self.path, self.entity, Problems())
        self.read = True
        rows = read_csv(self.path, self.entity, self.batch.problems)
        if self.batch.progress is not None:
            rows = self.batch.progress(rows, self.entity.name)
        return iter(rows)


def import_files(
    conn: sa.Connection,
    path: Path,
    *,
    entity: str | None = None,
    progress=None,
    changes: list[Change] | None = None,
) -> dict[str, Counts]:
    """Import into the connection's transaction; raises ImportFailed with every problem.

    ``changes``, a list, receives each record the writes add or update (a dry run).
    """
    files = files_to_import(path, entity)
    batch = Batch(conn, progress=progress)
    batch.changes = changes
    with collector_paused():
        for e, p in files:
            if batch.problems.full:
                break
            batch.where = p.name
            batch.counts(e.name)
            WRITERS[e.name](batch, _File(p, e, batch))
    if batch.failed:
        raise ImportFailed(batch.problems.items, batch.problems.total)
    return batch.summary


def preview(
    conn: sa.Connection, path: Path, *, entity: str | None = None, progress=None
) -> tuple[dict[str, Counts], list[Change]]:
    """A dry run: what importing ``path`` would do, and nothing written.

    The import runs on its one write path, which records each record it
    adds or updates with every changed field's old and new value; then the
    transaction is rolled back. The summary, and those changes.
    """
    changes: list[Change] = []
    try:
        summary = import_files(conn, path, entity=entity, progress=progress, changes=changes)
    finally:
        conn.rollback()
    return summary, changes


CHANGE_COLUMNS = ["entity", "key", "change", "field", "old", "new"]


def change_rows(changes: list[Change]) -> Iterator[dict]:
    """One row per changed field (a table, a CSV file): entity, key, change, field, old, new."""
    for c in changes:
        for name, old, new in c.fields:
            yield {"entity": c.entity, "key": c.key, "change": c.change, "field": name,
                   "old": old, "new": new}  # fmt: skip


def change_records(changes: list[Change]) -> list[dict]:
    """One object per record (JSON): entity, key, change, and its fields' old and new values."""
    return [
        {"entity": c.entity, "key": c.key, "change": c.change,
         "fields": {name: {"old": old, "new": new} for name, old, new in c.fields}}
        for c in changes
    ]  # fmt: skip


# --- export -------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def _c(conn: sa.Connection, column):
    """Order text byte-wise on every engine, so exports match across engines."""
    if conn.dialect.name == "postgresql":
        return column.collate("C")
    return column


def _stream(conn: sa.Connection, q, size: int = 2000):
    return conn.execution_options(yield_per=size).execute(q)


def export_rows(conn: sa.Connection, entity: str) -> Iterator[tuple[str, ...]]:
    """The rows of one entity in export order, as strings. Streams."""
    e = ENTITIES[entity]
    j, s = Jurisdiction, Source
    if e.name == "sources":
        t = s
        q = sa.select(
            t.c.key, t.c.title, t.c.publisher, t.c.author, t.c.url, t.c.published, t.c.kind
        ).order_by(_c(conn, t.c.key))
        for row in _stream(conn, q):
            yield tuple(_text(v) for v in row)
    elif e.name == "jurisdictions":
        a = JurisdictionAlias
        aliases: dict[int, list[str]] = {}
        for jid, alias in conn.execute(sa.select(a.c.jurisdiction_id, a.c.alias)):
            aliases.setdefault(jid, []).append(alias)
        q = sa.select(
            j.c.id, j.c.ocd_id, j.c.name, j.c.kind, j.c.state, j.c.fips, j.c.population, j.c.notes
        ).order_by(_c(conn, j.c.ocd_id))
        for row in _stream(conn, q):
            jid, ocd, name, kind, state, fips, pop, notes = row
            yield (ocd, name, kind, state, _text(fips), _text(pop),
                   join_list(aliases.get(jid, ())), _text(notes))  # fmt: skip
    elif e.name == "status":
        yield from _status_rows(conn)
    elif e.name == "actions":
        t, at = FederalAction, ActionTarget
        targets: dict[int, list[str]] = {}
        for aid, ocd in conn.execute(
            sa.select(at.c.action_id, j.c.ocd_id).join(j, j.c.id == at.c.jurisdiction_id)
        ):
            targets.setdefault(aid, []).append(ocd)
        earlier = t.alias("earlier")
        q = (
            sa.select(t.c.id, t.c.key, t.c.date, t.c.agency, t.c.kind, t.c.title,
                      t.c.description, s.c.key, t.c.target_count, earlier.c.key)
            .join(s, s.c.id == t.c.source_id)
            .join(earlier, earlier.c.id == t.c.replaces_id, isouter=True)
            .order_by(_c(conn, t.c.key))
        )  # fmt: skip
        for aid, *rest, replaces in _stream(conn, q):
            yield (*(_text(v) for v in rest), join_list(targets.get(aid, ())), _text(replaces))
    elif e.name == "entries":
        t, le = FederalAction, ListEntry
        q = (
            sa.select(t.c.key, le.c.position, le.c.name, j.c.ocd_id, le.c.reason)
            .join(t, t.c.id == le.c.action_id)
            .join(j, j.c.id == le.c.jurisdiction_id)
            .order_by(_c(conn, t.c.key), le.c.position, _c(conn, le.c.name), _c(conn, j.c.ocd_id))
        )  # fmt: skip
        for row in _stream(conn, q):
            yield tuple(_text(v) for v in row)
    elif e.name == "entry_fates":
        t, le, f = FederalAction, ListEntry, ListEntryFate
        q = (
            sa.select(t.c.key, le.c.name, j.c.ocd_id, f.c.fate, f.c.date, s.c.key, f.c.note)
            .join(le, le.c.id == f.c.entry_id)
            .join(t, t.c.id == le.c.action_id)
            .join(j, j.c.id == le.c.jurisdiction_id)
            .join(s, s.c.id == f.c.source_id)
            .order_by(_c(conn, t.c.key), le.c.position, _c(conn, le.c.name), _c(conn, j.c.ocd_id),
                      _c(conn, f.c.date), _c(conn, f.c.fate))
        )  # fmt: skip
        for row in _stream(conn, q):
            yield tuple(_text(v) for v in row)
    elif e.name == "grants":
        g, gm, fa = GrantAmount, GrantMember, FederalAction
        members: dict[int, list[str]] = {}
        for gid, ocd in conn.execute(
            sa.select(gm.c.grant_id, j.c.ocd_id).join(j, j.c.id == gm.c.jurisdiction_id)
        ):
            members.setdefault(gid, []).append(ocd)
        q = (
            sa.select(g.c.id, g.c.program, g.c.assistance_listing, g.c.fiscal_year,
                      g.c.amount_cents, g.c.amount_type, j.c.ocd_id, fa.c.key, s.c.key,
                      g.c.note, g.c.recorded_at)
            .join(s, s.c.id == g.c.source_id)
            .join(j, j.c.id == g.c.jurisdiction_id, isouter=True)
            .join(fa, fa.c.id == g.c.action_id, isouter=True)
            .order_by(g.c.fiscal_year, _c(conn, g.c.program),
                      _c(conn, sa.func.coalesce(j.c.ocd_id, "")), _c(conn, g.c.amount_type),
                      g.c.recorded_at, g.c.id)
        )  # fmt: skip
        for row in _stream(conn, q, 5000):
            gid, program, listing, fy, cents, atype, ocd, action, source, note, recorded = row
            covered = [ocd] if ocd else members.get(gid, ())
            yield (program, _text(listing), str(fy), format_amount(cents), atype,
                   join_list(covered), _text(action), source, _text(note),
                   format_timestamp(recorded))  # fmt: skip
    elif e.name == "cases":
        c = LegalCase
        q = (
            sa.select(c.c.key, c.c.caption, c.c.court, c.c.docket, c.c.filed, c.c.status,
                      c.c.summary, s.c.key)
            .join(s, s.c.id == c.c.source_id)
            .order_by(_c(conn, c.c.key))
        )  # fmt: skip
        for row in _stream(conn, q):
            yield tuple(_text(v) for v in row)
    elif e.name == "parties":
        c, cp = LegalCase, CaseParty
        q = (
            sa.select(c.c.key, cp.c.role, j.c.ocd_id, cp.c.name)
            .join(c, c.c.id == cp.c.case_id)
            .join(j, j.c.id == cp.c.jurisdiction_id, isouter=True)
            .order_by(_c(conn, c.c.key), _c(conn, cp.c.role),
                      _c(conn, sa.func.coalesce(j.c.ocd_id, "")),
                      _c(conn, sa.func.coalesce(cp.c.name, "")))
        )  # fmt: skip
        for row in _stream(conn, q):
            yield tuple(_text(v) for v in row)
    elif e.name == "rulings":
        c, r, rr, rc, fa = LegalCase, Ruling, RulingRestraint, RulingCoverage, FederalAction
        restrains: dict[int, list[str]] = {}
        for rid, key in conn.execute(
            sa.select(rr.c.ruling_id, fa.c.key).join(fa, fa.c.id == rr.c.action_id)
        ):
            restrains.setdefault(rid, []).append(key)
        covers: dict[int, list[str]] = {}
        for rid, ocd in conn.execute(
            sa.select(rc.c.ruling_id, j.c.ocd_id).join(j, j.c.id == rc.c.jurisdiction_id)
        ):
            covers.setdefault(rid, []).append(ocd)
        q = (
            sa.select(r.c.id, c.c.key, r.c.date, r.c.kind, r.c.judge, r.c.summary, s.c.key,
                      r.c.scope)
            .join(c, c.c.id == r.c.case_id)
            .join(s, s.c.id == r.c.source_id)
            .order_by(_c(conn, c.c.key), _c(conn, r.c.date), _c(conn, r.c.kind))
        )  # fmt: skip
        for rid, *rest in _stream(conn, q):
            yield (*(_text(v) for v in rest), join_list(restrains.get(rid, ())),
                   join_list(covers.get(rid, ())))  # fmt: skip
    elif e.name == "ruling_events":
        c, r, re_, rec = LegalCase, Ruling, RulingEvent, RulingEventCoverage
        still: dict[int, list[str]] = {}
        for eid, ocd in conn.execute(
            sa.select(rec.c.event_id, j.c.ocd_id).join(j, j.c.id == rec.c.jurisdiction_id)
        ):
            still.setdefault(eid, []).append(ocd)
        a, ac = r.alias("appellate"), c.alias("appellate_case")
        q = (
            sa.select(re_.c.id, c.c.key, r.c.date, r.c.kind, re_.c.event, re_.c.date, s.c.key,
                      ac.c.key, a.c.date, a.c.kind, re_.c.note)
            .join(r, r.c.id == re_.c.ruling_id)
            .join(c, c.c.id == r.c.case_id)
            .join(s, s.c.id == re_.c.source_id)
            .join(a, a.c.id == re_.c.appellate_ruling_id, isouter=True)
            .join(ac, ac.c.id == a.c.case_id, isouter=True)
            .order_by(_c(conn, c.c.key), _c(conn, r.c.date), _c(conn, r.c.kind),
                      _c(conn, re_.c.date), _c(conn, re_.c.event))
        )  # fmt: skip
        for eid, *rest, note in _stream(conn, q):
            yield (*(_text(v) for v in rest), join_list(still.get(eid, ())), _text(note))


def _status_rows(conn: sa.Connection) -> Iterator[tuple]:
    """Status rows ready to write, straight from the driver: the database
    formats the timestamp and orders byte-wise, so no Python runs per value
    (the largest table: a million rows export in about the time of a bare
    csv.writer over a cursor)."""
    p, j, s = PolicyStatus, Jurisdiction, Source
    recorded = UTCDateTime.iso_sql(p.c.recorded_at, conn.dialect)
    q = (
        sa.select(j.c.ocd_id, p.c.status, s.c.key, p.c.effective, p.c.observed, p.c.citation,
                  p.c.quote, p.c.note, p.c.label, recorded)
        .join(j, j.c.id == p.c.jurisdiction_id)
        .join(s, s.c.id == p.c.source_id)
        .order_by(_c(conn, j.c.ocd_id), _c(conn, sa.func.coalesce(p.c.effective, "")),
                  p.c.recorded_at, p.c.id)
    )  # fmt: skip
    return stream(conn, q, "tracker_export_status")


def export_dir(
    conn: sa.Connection, out_dir: Path, *, excel_safe: bool = False, progress=None
) -> dict[str, int]:
    """Write every entity to ``out_dir``: all files or none.

    Each file is written beside its target under a hidden name and the set is
    moved into place only when every file is complete, so a failure (disk
    full, interrupted, database gone) never leaves partial or mixed files.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    partials: list[tuple[Path, Path]] = []
    try:
        for name, e in ENTITIES.items():
            target = out_dir / e.filename
            partial = target.with_name(f".{e.filename}.partial")
            partials.append((partial, target))
            with partial.open("w", encoding="utf-8", newline="") as fh:
                rows = export_rows(conn, name)
                if progress is not None:
                    rows = progress(rows, name)
                counts[name] = write_csv(fh, name, rows, excel_safe)
        for partial, target in partials:
            partial.replace(target)
    finally:
        for partial, _ in partials:
            partial.unlink(missing_ok=True)
    return counts
