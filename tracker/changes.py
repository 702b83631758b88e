"""`tracker changes`: what was added, changed or removed since a moment.

The feed compares the database as it stood at that moment (rebuilt from the
journal, ``tracker.journal.known_at``) with the database now, entity by
entity, in the form of tracker's own CSV files (``transfer.export_rows``):
records are named by their natural keys, references by the keys of what
they name, lists as a file writes them. So a change reads as a dry-run
import reads, and an edit that is later undone shows nothing.

Records are paired by the columns a file matches them on (``KEYS``); a
record whose key itself changed is one removed and one added.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from tracker import journal
from tracker import jurisdictions as jur
from tracker.csvformat import ENTITIES, split_list
from tracker.errors import InvalidValue, NotFound
from tracker.records import Rows
from tracker.transfer import export_rows

# The columns that name a record of each entity (as an import matches it);
# an entity not listed is named by all its columns.
KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("key",),
    "jurisdictions": ("ocd_id",),
    "status": ("jurisdiction", "status", "source", "effective", "observed", "recorded_at"),
    "actions": ("key",),
    "grants": ("program", "fiscal_year", "amount_type", "jurisdictions", "action", "source",
               "recorded_at"),
    "cases": ("key",),
    "rulings": ("case", "date", "kind"),
    "ruling_events": ("case", "ruling_date", "ruling_kind", "event", "date"),
    "entries": ("action", "name", "jurisdiction"),
    "entry_fates": ("action", "name", "jurisdiction", "fate", "date"),
}  # fmt: skip

# The tables each entity's file is written from: its own (a row added,
# changed or removed there is a change), then those it names records of by
# key (only a change to a stored row there can change the file). An entity
# not listed is always compared.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sources": (("source",), ()),
    "jurisdictions": (("jurisdiction", "jurisdiction_alias"), ()),
    "status": (("policy_status",), ("jurisdiction", "source")),
    "actions": (("federal_action", "action_target"), ("jurisdiction", "source")),
    "grants": (("grant_amount", "grant_member"), ("jurisdiction", "federal_action", "source")),
    "cases": (("legal_case",), ("source",)),
    "parties": (("case_party",), ("legal_case", "jurisdiction")),
    "rulings": (
        ("ruling", "ruling_restraint", "ruling_coverage"),
        ("legal_case", "source", "federal_action", "jurisdiction"),
    ),
    "ruling_events": (
        ("ruling_event", "ruling_event_coverage"),
        ("ruling", "legal_case", "source", "jurisdiction"),
    ),
    "entries": (("list_entry",), ("federal_action", "jurisdiction")),
    "entry_fates": (
        ("list_entry_fate",),
        ("list_entry", "federal_action", "jurisdiction", "source"),
    ),
}

# Columns holding jurisdictions (OCD ids, lists of them).
_JURISDICTION_COLUMNS = (
    "ocd_id", "jurisdiction", "jurisdictions", "targets", "covers", "still_covers",
)  # fmt: skip

COLUMNS = ["entity", "key", "change", "field", "old", "new", "source"]


class Change(NamedTuple):
    """A record added, updated or removed: ``fields`` are (field, old, new)
    as a CSV file shows them (None for no value)."""

    entity: str
    key: str
    change: str
    fields: tuple[tuple[str, str | None, str | None], ...]
    source: str | None


def feed(
    conn: sa.Connection,
    since: datetime,
    *,
    entity: str | None = None,
    jurisdiction: str | None = None,
) -> list[Change]:
    """Every record added, updated or removed after ``since``, entity by
    entity in import order; ``jurisdiction`` (a REF): only records about it
    (itself, its statuses, actions naming it, money covering it, cases it is
    a party to, with their parties and rulings)."""
    if entity is not None and entity not in ENTITIES:
        raise InvalidValue(f"--entity: {entity!r} is not one of: {', '.join(ENTITIES)}")
    ocd = None
    if jurisdiction:
        try:
            ocd = jur.resolve(conn, jurisdiction, "--jurisdiction").ocd_id
        except NotFound:
            # Perhaps removed since: the jurisdiction as the database knew it then.
            with journal.known_at(conn, since) as then:
                ocd = jur.resolve(then, jurisdiction, "--jurisdiction").ocd_id
    names = [entity] if entity else list(ENTITIES)
    touched = journal.touched(conn, since)
    names = [n for n in names if _may_differ(n, touched)]
    found: list[Change] = []
    if not names:
        return found
    with journal.known_at(conn, since) as then:
        cases = _cases_of(conn, then, ocd) if ocd else None
        for name in names:
            before, after = _rows(then, name), _rows(conn, name)
            changes = _compare(name, before, after)
            if ocd is not None:
                changes = [c for c in changes if _about(name, c, ocd, cases)]
            found += [_change(name, c) for c in changes]
    return found


def _may_differ(entity: str, touched: dict[str, bool]) -> bool:
    """Whether ``entity``'s file can differ, from the tables touched since
    (``journal.touched``: table -> whether a stored row changed)."""
    if entity not in TABLES:
        return True
    own, named = TABLES[entity]
    return any(t in touched for t in own) or any(touched.get(t) for t in named)


def _rows(conn: sa.Connection, entity: str) -> list[tuple[str, ...]]:
    """An entity's rows as its CSV file holds them (no value: "")."""
    return [tuple("" if v is None else str(v) for v in row) for row in export_rows(conn, entity)]


def _cases_of(conn: sa.Connection, then: sa.Connection, ocd: str) -> set[str]:
    """The keys of the cases ``ocd`` is a party to, then or now."""
    found = set()
    for c in (then, conn):
        for case, _role, party, _name in export_rows(c, "parties"):
            if party == ocd:
                found.add(case)
    return found


def _compare(entity: str, before: list[tuple], after: list[tuple]) -> list[tuple]:
    """(old row or None, new row or None) for each record that differs."""
    columns = ENTITIES[entity].columns
    key_at = [columns.index(k) for k in KEYS.get(entity, columns)]
    same = Counter(before) & Counter(after)
    gone, new = Counter(before) - same, Counter(after) - same

    def keyed(rows: Counter) -> dict[tuple, list[tuple]]:
        found: dict[tuple, list[tuple]] = {}
        for row in sorted(rows.elements()):
            found.setdefault(tuple(row[i] for i in key_at), []).append(row)
        return found

    old, now = keyed(gone), keyed(new)
    pairs = []
    for key in sorted(old.keys() | now.keys()):
        was, is_ = old.get(key, []), now.get(key, [])
        for i in range(max(len(was), len(is_))):
            pairs.append((was[i] if i < len(was) else None, is_[i] if i < len(is_) else None))
    return pairs


def _about(entity: str, pair: tuple, ocd: str, cases: set[str]) -> bool:
    columns = ENTITIES[entity].columns
    for row in pair:
        if row is None:
            continue
        values = dict(zip(columns, row, strict=True))
        for c in _JURISDICTION_COLUMNS:
            if c in values and ocd in split_list(values[c]):
                return True
        if values.get("case") in cases or (entity == "cases" and values.get("key") in cases):
            return True
    return False


def _change(entity: str, pair: tuple) -> Change:
    columns = ENTITIES[entity].columns
    old, new = pair
    blank = ("",) * len(columns)
    was, is_ = old or blank, new or blank
    fields = tuple(
        (c, a or None, b or None) for c, a, b in zip(columns, was, is_, strict=True) if a != b
    )
    shown = dict(zip(columns, new or old, strict=True))
    # Named as a reader knows it: recorded_at tells rows apart but says nothing.
    named = [k for k in KEYS.get(entity, columns) if k != "recorded_at"]
    key = " | ".join(shown[k] for k in named if shown[k])
    change = "added" if old is None else "removed" if new is None else "updated"
    return Change(entity, key, change, fields, shown.get("source") or None)


def rows(changes: Iterable[Change]) -> Rows:
    """One row per changed field (a table, a CSV file)."""
    return Rows(COLUMNS, _field_rows(changes))


def _field_rows(changes: Iterable[Change]) -> Iterator[dict]:
    for c in changes:
        for name, old, new in c.fields:
            yield {"entity": c.entity, "key": c.key, "change": c.change, "field": name,
                   "old": old, "new": new, "source": c.source}  # fmt: skip


def records(changes: Iterable[Change]) -> list[dict]:
    """One object per record (JSON): its fields' old and new values."""
    return [
        {"entity": c.entity, "key": c.key, "change": c.change, "source": c.source,
         "fields": {name: {"old": old, "new": new} for name, old, new in c.fields}}
        for c in changes
    ]  # fmt: skip
