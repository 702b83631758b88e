"""Published lists of jurisdictions: a federal action of kind
``designation_list`` (the DOJ's 2025-08-05 list, DHS's 2025-05-29 list) and
its entries, each name exactly as the list printed it, with the jurisdiction
it names, the reason given and its later fates (disputed, removed, the list
withdrawn); loading a list from any CSV of names; two lists compared by
jurisdiction.

A list's entries are its named targets: writing an entry makes its
jurisdiction one of the action's targets (within the stated target count),
and ``actions.write`` refuses targets that leave an entry's jurisdiction out.
So "San Francisco" and "City and County of San Francisco" are two entries and
one target, and every question asked of targets (the dossier, reports,
``actions diff``) counts a jurisdiction once.
"""

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa

from tracker import actions, vocab
from tracker import jurisdictions as jur
from tracker.batch import Batch, Fields, present
from tracker.csvformat import Counts, Row, join_list
from tracker.errors import Ambiguous, Duplicate, InvalidRow, InvalidValue, NotFound
from tracker.models import (
    ActionTarget,
    FederalAction,
    Jurisdiction,
    ListEntry,
    ListEntryFate,
    Source,
    utcnow,
)
from tracker.records import Rows
from tracker.sources import refs as source_refs
from tracker.values import (
    clean_text,
    first_day,
    fold,
    last_day,
    parse_count,
    parse_partial_date,
)

E, F, T, AT, J = ListEntry, ListEntryFate, FederalAction, ActionTarget, Jurisdiction
LIST = vocab.ActionKind.designation_list.value
# The CSV column of a stored field whose name differs.
_COLUMNS = {"source_id": "source", "jurisdiction_id": "jurisdiction", "action_id": "action"}


class _Lists:
    """The actions a batch's entries belong to, read once each: key, kind,
    date, stated count and targets (with those the batch adds)."""

    def __init__(self, batch: Batch):
        self.batch = batch
        self.actions: dict[int, sa.Row] = {}
        self.targets: dict[int, set[int]] = {}
        self.before: dict[int, set[int]] = {}

    def get(self, aid: int) -> sa.Row:
        found = self.actions.get(aid)
        if found is None:
            conn = self.batch.conn
            q = sa.select(T.c.key, T.c.kind, T.c.date, T.c.target_count).where(T.c.id == aid)
            found = self.actions[aid] = conn.execute(q).one()
            q = sa.select(AT.c.jurisdiction_id).where(AT.c.action_id == aid)
            have = set(conn.execute(q).scalars())
            self.targets[aid], self.before[aid] = have, set(have)
        return found

    def check(self, aid: int, jid: int) -> bool:
        """Whether ``jid`` becomes a new target of the list ``aid``; an error
        when ``aid`` is not a list or its stated count has no room for it."""
        a = self.get(aid)
        if a.kind != LIST:
            raise InvalidValue(
                f"action: {a.key!r} is a {a.kind}, not a designation_list; only a list has entries"
            )
        have = self.targets[aid]
        if jid in have:
            return False
        actions.check_count(a.target_count, len(have) + 1)
        have.add(jid)
        return True

    def record_targets(self) -> None:
        """The targets entries added, as a dry run shows them."""
        batch = self.batch
        for aid, have in self.targets.items():
            if batch.recording and have != self.before[aid]:
                shown = [_ocd_ids(batch, self.before[aid]), _ocd_ids(batch, have)]
                batch.updated("actions", self.actions[aid].key, (), (("targets", *shown),))


def _ocd_ids(batch: Batch, ids: Iterable[int]) -> str | None:
    return join_list(batch.key_of(J.c.ocd_id, j) for j in ids) or None


def _position(text: str) -> int:
    n = parse_count(text, "position")
    if n < 1:
        raise InvalidValue(f"position: {text!r} is not 1 or more")
    return n


def write_entries(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """List entries matched by action, printed name and jurisdiction (stored
    ones updated); each entry's jurisdiction made one of its action's targets.

    A row without a jurisdiction names it by its printed name (a REF, so a
    name nobody tracks is added from the registry when one entry fits). A
    row without a position comes after the list's last entry; matched, it
    keeps its place. ``new_only``: a stored entry is a duplicate.
    """
    conn = batch.conn
    counts = batch.counts("entries")
    existing = {(r.action_id, r.name, r.jurisdiction_id): r for r in conn.execute(sa.select(E))}
    last: dict[int, int] = {}
    for r in existing.values():
        last[r.action_id] = max(last.get(r.action_id, 0), r.position)
    lists = _Lists(batch)
    seen: dict = {}

    fields = Fields()
    check = fields.check

    def parse(v: dict) -> dict:
        # Every field is checked, in the file's column order: a row's problems come together.
        action_id = check(batch.key_id, T, v.get("action"), "action", "action")
        position = (v.get("position") or "").strip()
        position = check(_position, position) if position else None
        name = check(clean_text, v.get("name"), "name", required=True)
        ref = (v.get("jurisdiction") or "").strip()
        jid = None
        if ref:
            jid = check(jur.ref_id, batch, ref, "jurisdiction")
        elif name:
            jid = check(jur.ref_id, batch, name, "name")
        reason = check(clean_text, v.get("reason"), "reason")
        fields.done()
        return {"action_id": action_id, "position": position, "name": name,
                "jurisdiction_id": jid, "reason": reason}  # fmt: skip

    for row, data in batch.each(rows, parse):
        aid, jid = data["action_id"], data["jurisdiction_id"]
        key = (aid, data["name"], jid)
        if not batch.first_time(seen, key, row, shown=data["name"]):
            continue
        old = existing.get(key)
        stand_in = aid < 0 or jid < 0
        if old is not None and new_only:
            a = lists.get(aid)
            batch.problem(
                row, Duplicate(f"the list {a.key!r} already has the entry {data['name']!r}")
            )
            continue
        try:
            new_target = False if stand_in else lists.check(aid, jid)
        except InvalidValue as exc:
            batch.problem(row, exc)
            continue
        if data["position"] is None:
            data["position"] = old.position if old is not None else last.get(aid, 0) + 1
        last[aid] = max(last.get(aid, 0), data["position"])
        if batch.failed:
            if old is None:
                batch.entries[key] = batch.placeholder()
            continue
        if new_target:
            actions.retarget_stored(conn, aid, come=[jid])
        if old is None:
            q = E.insert().returning(E.c.id)
            batch.entries[key] = conn.execute(q, {**data, "created_at": utcnow()}).scalar_one()
            counts.added += 1
            if batch.recording:
                batch.added("entries", _entry_key(batch, lists, data), data)
            continue
        differ = {k: v for k, v in present(row, data, _COLUMNS).items() if getattr(old, k) != v}
        if differ:
            conn.execute(E.update().where(E.c.id == old.id).values(**differ))
            counts.updated += 1
            stored = ((k, getattr(old, k), v) for k, v in differ.items())
            batch.updated("entries", _entry_key(batch, lists, data), stored)
        else:
            counts.unchanged += 1
    lists.record_targets()


def _entry_key(batch: Batch, lists: _Lists, data: dict) -> str:
    """An entry as a dry run names it: list, printed name, jurisdiction."""
    ocd = batch.key_of(J.c.ocd_id, data["jurisdiction_id"])
    return " | ".join((lists.get(data["action_id"]).key, data["name"], ocd))


def _fate(text: str | None) -> str:
    return vocab.parse_choice(vocab.EntryFate, (text or "").strip(), "fate").value


class _Entries:
    """A list's entries by printed name: stored, and those the batch adds."""

    def __init__(self, batch: Batch):
        self.batch = batch
        self.by_action: dict[int, list[tuple[str, int, int]]] = {}

    def find(self, aid: int, key: str, name: str, jid: int | None) -> int:
        """The id of the entry ``name`` (of jurisdiction ``jid``, when given)."""
        entries = self.by_action.get(aid)
        if entries is None:
            q = sa.select(E.c.name, E.c.jurisdiction_id, E.c.id).where(E.c.action_id == aid)
            entries = self.by_action[aid] = [tuple(r) for r in self.batch.conn.execute(q)]
        found = {(n, j): i for n, j, i in entries}
        found.update({(n, j): i for (a, n, j), i in self.batch.entries.items() if a == aid})
        hits = [(j, i) for (n, j), i in found.items() if n == name and jid in (None, j)]
        if len(hits) == 1:
            return hits[0][1]
        if not hits:
            naming = f" naming {self._ocd(jid)}" if jid is not None else ""
            raise NotFound(f"name: the list {key!r} has no entry {name!r}{naming}")
        ocds = join_list(self._ocd(j) for j, _ in hits)
        raise Ambiguous(
            f"name: the list {key!r} has {len(hits)} entries {name!r} ({ocds}); "
            "give the jurisdiction"
        )

    def _ocd(self, jid: int) -> str:
        return self.batch.key_of(J.c.ocd_id, jid) if jid >= 0 else "a jurisdiction to be added"


def write_fates(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Entry fates matched by entry, fate and date (stored ones updated).
    A fate is dated no earlier than its list. ``new_only``: a stored fate is
    a duplicate."""
    conn = batch.conn
    counts = batch.counts("entry_fates")
    existing = {(r.entry_id, r.fate, r.date): r for r in conn.execute(sa.select(F))}
    lists = _Lists(batch)
    entries = _Entries(batch)
    seen: dict = {}

    fields = Fields()
    check = fields.check

    def parse(v: dict) -> tuple[dict, dict]:
        # Every field is checked, in the file's column order: a row's problems come together.
        aid = check(batch.key_id, T, v.get("action"), "action", "action")
        name = check(clean_text, v.get("name"), "name", required=True)
        ref = (v.get("jurisdiction") or "").strip()
        jid = check(jur.ref_id, batch, ref, "jurisdiction") if ref else None
        data = {
            "fate": check(_fate, v.get("fate")),
            "date": check(parse_partial_date, v.get("date") or "", "date"),
            "source_id": check(batch.key_id, Source, v.get("source"), "source", "source"),
            "note": check(clean_text, v.get("note"), "note"),
        }
        fields.done()
        entry = {"action_id": aid, "name": name, "jurisdiction_id": jid}
        if aid >= 0:
            a = lists.get(aid)
            entry_id = check(entries.find, aid, a.key, name, jid)
            if last_day(data["date"]) < first_day(a.date):
                fields.add(InvalidValue(f"date: {data['date']} is before the list's date {a.date}"))
            fields.done()
            data["entry_id"] = entry_id
        else:
            data["entry_id"] = None
        return data, entry

    for row, (data, entry) in batch.each(rows, parse):
        if data["entry_id"] is None or data["entry_id"] < 0:
            # A list or entry the batch would have added: nothing is written anyway.
            continue
        key = (data["entry_id"], data["fate"], data["date"])
        if not batch.first_time(seen, key, row, shown=f"{entry['name']}, {data['fate']}"):
            continue
        old = existing.get(key)
        if old is not None and new_only:
            message = (
                f"the entry {entry['name']!r} of {lists.get(entry['action_id']).key!r} "
                f"is already {data['fate']} on {data['date']}"
            )
            batch.problem(row, Duplicate(message))
            continue
        if batch.failed:
            continue
        if old is None:
            conn.execute(F.insert(), {**data, "created_at": utcnow()})
            counts.added += 1
            if batch.recording:
                shown = _fate_shown(batch, lists, entry, data)
                batch.added("entry_fates", _fate_key(shown, data), data, shown)
            continue
        differ = {k: v for k, v in present(row, data, _COLUMNS).items() if getattr(old, k) != v}
        if differ:
            conn.execute(F.update().where(F.c.id == old.id).values(**differ))
            counts.updated += 1
            stored = ((k, getattr(old, k), v) for k, v in differ.items())
            batch.updated(
                "entry_fates", _fate_key(_fate_shown(batch, lists, entry, data), data), stored
            )
        else:
            counts.unchanged += 1


def _fate_shown(batch: Batch, lists: _Lists, entry: dict, data: dict) -> tuple:
    """The entry a fate belongs to, as (column, None, value) for a dry run."""
    ocd = batch.key_of(J.c.ocd_id, _entry_jurisdiction(batch, data["entry_id"]))
    return (
        ("action", None, lists.get(entry["action_id"]).key),
        ("name", None, entry["name"]),
        ("jurisdiction", None, ocd),
    )


def _entry_jurisdiction(batch: Batch, entry_id: int) -> int:
    return batch.conn.execute(sa.select(E.c.jurisdiction_id).where(E.c.id == entry_id)).scalar_one()


def _fate_key(shown: tuple, data: dict) -> str:
    return " | ".join((*(v for _c, _n, v in shown), data["fate"], data["date"]))


# --- commands -----------------------------------------------------------------


def load_entries(
    conn: sa.Connection,
    action: str,
    path: Path,
    *,
    name: str,
    state: str | None = None,
    reason: str | None = None,
) -> tuple[str, dict[str, Counts]]:
    """A list's entries from any CSV of names (``tracker reconcile``'s input),
    in the file's order, each name resolved through the tracked jurisdictions
    and the registry. All or nothing: a name that fits no jurisdiction or
    several is an error on its line (with the candidates), and nothing is
    written. Entries already stored and not in the file stay. The list's
    key, and what was added and updated (entries, jurisdictions)."""
    from tracker import reconcile

    a = actions.resolve(conn, action)
    if a.kind != LIST:
        raise InvalidValue(
            f"action: {a.key!r} is a {a.kind}, not a designation_list; only a list has entries"
        )
    table = reconcile.read_table(path)
    where = path.name
    at_name = reconcile.column(table, name, "--name", where)
    at_state = reconcile.column(table, state, "--state", where) if state else None
    at_reason = reconcile.column(table, reason, "--reason", where) if reason else None
    rows = []
    for n, (line, cells) in enumerate(zip(table.lines, table.rows, strict=True), 1):
        cells = cells + [""] * (len(table.header) - len(cells))
        printed = cells[at_name]
        values = {"action": a.key, "position": str(n), "name": printed}
        values["jurisdiction"] = _ref(printed, cells[at_state] if at_state is not None else "")
        if at_reason is not None:
            values["reason"] = cells[at_reason]
        rows.append(Row(line, values))
    batch = Batch(conn, where=where)
    write_entries(batch, rows)
    if batch.failed:
        problems = [InvalidValue(p) for p in batch.problems.items]
        more = batch.problems.total - len(problems)
        if more:
            problems.append(InvalidValue(f"{where}: and {more} more; nothing was written"))
        raise InvalidRow(problems)
    return a.key, batch.summary


def _ref(printed: str, state: str) -> str:
    """A printed name as a REF: with the row's state when it has one and the
    name does not say it already ("Cook County, IL", "Illinois")."""
    text, state = printed.strip(), state.strip()
    if not text or not state:
        return text
    try:
        form = jur.parse_ref(text).form
    except InvalidValue:
        return text
    if form in (jur.OCD_ID, jur.FIPS, jur.STATE, jur.NAME_STATE):
        return text
    return f"{text}, {state}"


def _entries_of(conn: sa.Connection, a) -> list:
    q = (
        sa.select(E.c.id, E.c.position, E.c.name, E.c.jurisdiction_id, E.c.reason,
                  J.c.ocd_id, J.c.name.label("jurisdiction_name"), J.c.kind, J.c.state)
        .join(J, J.c.id == E.c.jurisdiction_id)
        .where(E.c.action_id == a.id)
        .order_by(E.c.position, E.c.name, J.c.ocd_id)
    )  # fmt: skip
    return conn.execute(q).all()


def _resolve_entries(conn: sa.Connection, a, text: str) -> list:
    """The entries ``text`` names: its printed name (case and accents aside),
    else every entry of the jurisdiction it names as a REF."""
    entries = _entries_of(conn, a)
    if not entries:
        raise NotFound(f"action: {a.key!r} has no list entries")
    wanted = fold(text.strip()) if isinstance(text, str) else ""
    named = [e for e in entries if fold(e.name) == wanted]
    places = sorted({e.ocd_id for e in named})
    if len(places) > 1:
        # One name printed for two places (Washington County in two states).
        raise Ambiguous(
            f"entry: {text!r} is printed on {a.key!r} for {len(places)} jurisdictions "
            f"({'; '.join(places)}); name the jurisdiction instead"
        )
    if named:
        return named
    try:
        jid = jur.resolve_id(conn, text, "entry")
    except NotFound:
        raise NotFound(
            f"entry: {text!r} is neither the printed name of an entry of {a.key!r} nor a "
            "jurisdiction; see `tracker actions entries ACTION`"
        ) from None
    found = [e for e in entries if e.jurisdiction_id == jid]
    if not found:
        j = jur.get(conn, jid)
        raise NotFound(f"entry: {jur.label(j)} is not on the list {a.key!r}")
    return found


def record_fate(
    conn: sa.Connection,
    action: str,
    entry: str,
    *,
    fate: str,
    date: str,
    source: str,
    note: str | None = None,
) -> int:
    """A fate for the entries ``entry`` names (a printed name, or a REF: every
    entry of that jurisdiction); how many entries."""
    a = actions.resolve(conn, action)
    found = _resolve_entries(conn, a, entry)
    return _write_fates(conn, a, found, fate=fate, date=date, source=source, note=note)


def withdraw(
    conn: sa.Connection, action: str, *, date: str, source: str, note: str | None = None
) -> int:
    """The whole list withdrawn: ``withdrawn`` on every entry; how many."""
    a = actions.resolve(conn, action)
    found = _entries_of(conn, a)
    if not found:
        raise NotFound(f"action: {a.key!r} has no list entries to withdraw")
    return _write_fates(conn, a, found, fate="withdrawn", date=date, source=source, note=note)


def _write_fates(conn, a, entries: list, **fields) -> int:
    rows = [
        Row(1, {"action": a.key, "name": e.name, "jurisdiction": e.ocd_id, **fields})
        for e in entries
    ]
    write_fates(Batch(conn), rows, new_only=True)
    return len(rows)


ENTRY_COLUMNS = ["position", "name", "jurisdiction", "jurisdiction_name", "kind", "state",
                 "reason", "fates"]  # fmt: skip


def list_entries(conn: sa.Connection, action: str) -> Rows:
    """A list's entries in order: printed name, the jurisdiction it names,
    the reason given and each later fate (``disputed 2025-06-02``)."""
    a = actions.resolve(conn, action)
    entries = _entries_of(conn, a)
    fates: dict[int, list[str]] = {}
    q = (
        sa.select(F.c.entry_id, F.c.fate, F.c.date)
        .join(E, E.c.id == F.c.entry_id)
        .where(E.c.action_id == a.id)
        .order_by(F.c.date, F.c.fate)
    )
    for eid, fate, date in conn.execute(q):
        fates.setdefault(eid, []).append(f"{fate} {date}")
    rows = [
        {"id": e.id, "position": e.position, "name": e.name, "jurisdiction": e.ocd_id,
         "jurisdiction_name": jur.display_name(e.jurisdiction_name, e.kind, e.state), "kind": e.kind,
         "state": e.state, "reason": e.reason, "fates": fates.get(e.id, [])}
        for e in entries
    ]  # fmt: skip
    return Rows(ENTRY_COLUMNS, rows)


def entry_fates(conn: sa.Connection, action: str) -> dict[int, list[dict]]:
    """The fates of a list's entries (``action``: its id or key), by entry
    id, each oldest first with its source: ``{entry_id: [{fate, date,
    source, note}, ...]}`` (``list_entries`` gives each entry's id)."""
    a = actions.resolve(conn, action)
    q = (
        sa.select(F.c.entry_id, F.c.fate, F.c.date, F.c.source_id, F.c.note)
        .join(E, E.c.id == F.c.entry_id)
        .where(E.c.action_id == a.id)
        .order_by(F.c.date, F.c.fate, F.c.id)
    )
    found_rows = conn.execute(q).all()
    refs = source_refs(conn, {r.source_id for r in found_rows})
    found: dict[int, list[dict]] = {}
    for r in found_rows:
        found.setdefault(r.entry_id, []).append(
            {"fate": r.fate, "date": r.date, "source": refs[r.source_id], "note": r.note}
        )
    return found


# --- comparing two lists ----------------------------------------------------------

DIFF_COLUMNS = ["change", "key", "name", "state", "kind", "printed_a", "printed_b"]
CHANGES = ("added", "removed", "kept")


def diff(conn: sa.Connection, a_ref: str, b_ref: str) -> Rows:
    """By jurisdiction, what B has that A lacks (``added``), what A has that
    B lacks (``removed``) and what both have (``kept``): each action's
    targets (a list's entries are among them), with the names each list
    printed for it. Ordered by change (added, removed, kept), then key (the
    OCD id, byte-wise)."""
    a = actions.resolve(conn, a_ref, "A")
    b = actions.resolve(conn, b_ref, "B")
    on_a, on_b = _targets(conn, a.id), _targets(conn, b.id)
    printed_a, printed_b = _printed(conn, a.id), _printed(conn, b.id)
    ids = on_a | on_b
    info = {}
    if ids:
        q = sa.select(J.c.id, J.c.ocd_id, J.c.name, J.c.state, J.c.kind).where(J.c.id.in_(ids))
        info = {r.id: r for r in conn.execute(q)}
    rows = []
    for jid in ids:
        change = "kept" if jid in on_a and jid in on_b else "added" if jid in on_b else "removed"
        j = info[jid]
        rows.append({"change": change, "key": j.ocd_id, "name": j.name, "state": j.state,
                     "kind": j.kind, "printed_a": join_list(printed_a.get(jid, ())) or None,
                     "printed_b": join_list(printed_b.get(jid, ())) or None})  # fmt: skip
    rows.sort(key=lambda r: (CHANGES.index(r["change"]), r["key"].encode()))
    return Rows(DIFF_COLUMNS, rows)


def diff_summary(rows: Rows) -> str:
    """``1 added, 1 removed, 33 kept``."""
    counts = {c: 0 for c in CHANGES}
    for r in rows.rows:
        counts[r["change"]] += 1
    return ", ".join(f"{n} {c}" for c, n in counts.items())


def _targets(conn: sa.Connection, aid: int) -> set[int]:
    q = sa.select(AT.c.jurisdiction_id).where(AT.c.action_id == aid)
    return set(conn.execute(q).scalars())


def _printed(conn: sa.Connection, aid: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    q = sa.select(E.c.jurisdiction_id, E.c.name).where(E.c.action_id == aid)
    for jid, name in conn.execute(q):
        found.setdefault(jid, []).append(name)
    return found
