"""The registry as a database extends it: the built-in jurisdictions
(``registry.builtin()``), the places and county subdivisions a user loaded from
Census Gazetteer files (table ``registry_place``), and the jurisdictions the
user tracks. Commands that turn a name into a jurisdiction (``reconcile``,
``jurisdictions add``, imports naming one not yet tracked) ask ``known``.

Reference data is never reported: only tracked jurisdictions have a status.
"""

import os

import sqlalchemy as sa

from tracker import registry
from tracker.batch import chunks
from tracker.csvformat import join_list, split_list
from tracker.models import Jurisdiction, JurisdictionAlias, RegistryPlace, utcnow
from tracker.records import Rows
from tracker.registry import Entry, Registry

P = RegistryPlace
_FIELDS = ("name", "kind", "state", "fips", "census_name", "other_fips", "lat", "lon")


def _entry(row) -> Entry:
    return Entry(
        row.ocd_id,
        row.name,
        row.kind,
        row.state,
        row.fips,
        (row.census_name,) if row.census_name else (),
        row.census_name,
        tuple(split_list(row.other_fips)) if row.other_fips else (),
        row.lat,
        row.lon,
    )


def loaded(conn: sa.Connection) -> list[Entry]:
    """The places and subdivisions loaded from Gazetteer files."""
    return [_entry(r) for r in conn.execute(sa.select(P).order_by(P.c.id))]


def tracked(conn: sa.Connection) -> list[Entry]:
    """Every tracked jurisdiction as a registry entry, with its aliases."""
    j, a = Jurisdiction, JurisdictionAlias
    aliases: dict[int, list[str]] = {}
    for jid, alias in conn.execute(sa.select(a.c.jurisdiction_id, a.c.alias).order_by(a.c.id)):
        aliases.setdefault(jid, []).append(alias)
    q = sa.select(j.c.id, j.c.ocd_id, j.c.name, j.c.kind, j.c.state, j.c.fips).order_by(j.c.id)
    return [
        Entry(ocd, name, kind, state, fips, tuple(aliases.get(jid, ())))
        for jid, ocd, name, kind, state, fips in conn.execute(q)
    ]


def known(conn: sa.Connection, *, with_tracked: bool = True) -> Registry:
    """Every jurisdiction tracker can name: tracked ones first (their names and
    OCD ids win), then loaded places, then the built-ins.

    A reference entry that a tracked jurisdiction holds by FIPS code under
    another OCD id is that jurisdiction: its names become the tracked one's
    aliases, so one place never appears twice.
    """
    return _merged(tracked(conn) if with_tracked else [], loaded(conn))


def _merged(mine: list[Entry], places: list[Entry]) -> Registry:
    if not mine and not places:
        return registry.builtin()  # built once per process
    by_fips = {e.fips: e for e in mine if e.fips}
    ocds = {e.ocd_id for e in mine}
    merged: list[Entry] = list(mine)
    for e in (*places, *registry.entries()):
        owner = by_fips.get(e.fips) if e.fips else None
        if owner is not None and owner.ocd_id != e.ocd_id and e.ocd_id not in ocds:
            # Registry merges entries sharing an OCD id: these names join the owner.
            merged.append(e._replace(ocd_id=owner.ocd_id))
        else:
            merged.append(e)
    return Registry(merged)


def load(conn: sa.Connection, path: "str | os.PathLike[str]") -> Rows:
    """Load a Census Gazetteer file of places or county subdivisions into the
    registry: new entries added, loaded ones updated by OCD id. One summary row."""
    before = {r.ocd_id: r for r in conn.execute(sa.select(P))}
    known_entries: list[Entry] = [*registry.entries(), *(_entry(r) for r in before.values())]
    found = registry.read_gazetteer(path, known=known_entries)
    source = os.path.basename(os.fspath(path))
    now = utcnow()
    added, updates, unchanged = [], [], 0
    for e in found.entries:
        values = {
            "name": e.name,
            "kind": e.kind,
            "state": e.state,
            "fips": e.fips,
            "census_name": e.census_name,
            "other_fips": join_list(e.other_fips) if e.other_fips else None,
            "lat": e.lat,
            "lon": e.lon,
        }
        old = before.get(e.ocd_id)
        if old is None:
            added.append({"ocd_id": e.ocd_id, **values, "source": source, "loaded_at": now})
            continue
        changed = {k: v for k, v in values.items() if getattr(old, k) != v}
        if changed:
            updates.append((old.id, {**changed, "source": source, "loaded_at": now}))
        else:
            unchanged += 1
    for chunk in chunks(added):
        conn.execute(sa.insert(P), chunk)
    for pid, changed in updates:
        conn.execute(sa.update(P).where(P.c.id == pid).values(**changed))
    skipped = "; ".join(f"{n} {why}" for why, n in sorted(found.skipped.items()) if n)
    return Rows(
        ["file", "layout", "added", "updated", "unchanged", "skipped"],
        [
            {
                "file": source,
                "layout": found.layout,
                "added": len(added),
                "updated": len(updates),
                "unchanged": unchanged,
                "skipped": skipped or None,
            }
        ],
    )


LOOKUP_COLUMNS = ["match", "key", "name", "kind", "state", "fips", "tracked", "note"]


def lookup(conn: sa.Connection, text: str, state: str | None = None, kind: str | None = None):
    """``registry lookup``: how a name matches, and every candidate, tracked or not."""
    mine = tracked(conn)
    found = _merged(mine, loaded(conn)).lookup(text, state=state, kind=kind)
    ids = {e.ocd_id for e in mine}
    rows = [
        {
            "match": found.how.value,
            "key": e.ocd_id,
            "name": e.name,
            "kind": e.kind,
            "state": e.state,
            "fips": e.fips,
            "tracked": "yes" if e.ocd_id in ids else "no",
            "note": found.note or None,
        }
        for e in found.candidates
    ]
    if not rows:
        rows = [{"match": found.how.value, "note": found.note or None}]
    return Rows(LOOKUP_COLUMNS, rows)


FILL_COLUMNS = ["key", "name", "kind", "state", "fips", "match", "note"]


def fill_fips(conn: sa.Connection, *, write: bool = True) -> Rows:
    """``registry fill-fips``: the FIPS code of each tracked jurisdiction that has
    none, from the registry entry with its OCD id, else the one entry its name,
    state and kind match (never a fuzzy guess). Written through
    ``jurisdictions.write`` with only the fips column, so nothing else changes;
    ``write=False`` only lists them. A code another record holds is left out,
    with a note."""
    from tracker import jurisdictions as jur
    from tracker.batch import Batch
    from tracker.csvformat import Row

    reference = known(conn, with_tracked=False)
    j = Jurisdiction
    held = {f for (f,) in conn.execute(sa.select(j.c.fips).where(j.c.fips.is_not(None)))}
    q = (
        sa.select(j.c.ocd_id, j.c.name, j.c.kind, j.c.state)
        .where(j.c.fips.is_(None))
        .order_by(j.c.state, j.c.name_folded, j.c.ocd_id)
    )
    found, rows = [], []
    for ocd, name, kind, state in conn.execute(q):
        entry, how = reference.get(ocd), "ocd_id"
        if entry is None:
            m = reference.lookup(name, state=state, kind=kind, fuzzy=False)
            entry, how = m.entry, m.how.value
        if entry is None or not entry.fips or entry.state != state:
            continue
        row = {"key": ocd, "name": name, "kind": kind, "state": state, "fips": entry.fips}
        if entry.fips in held:
            found.append({**row, "match": how, "note": "not filled: another record has it"})
            continue
        held.add(entry.fips)
        found.append({**row, "match": how, "note": None})
        values = {"ocd_id": ocd, "name": name, "kind": kind, "state": state}
        rows.append(Row(len(rows) + 1, {**values, "fips": entry.fips}))
    if write and rows:
        jur.write(Batch(conn), rows)
    return Rows(FILL_COLUMNS, found)
