"""A jurisdiction's dossier: everything the database knows about it.

Sections of rows, as the entities' own modules print them: identity, the
status in force today with any disagreeing sources, the status history,
money (aggregates labelled, never split), actions that targeted it,
cases with their latest ruling, and the court orders that protect it
(as ``report protection`` shows them, today).

``build`` gives one jurisdiction's; ``build_many`` the dossiers of many
(``tracker publish``: every jurisdiction), section by section in one query
each, never one query per jurisdiction. ``build`` is ``build_many`` of one.
"""

from datetime import date

import sqlalchemy as sa

from tracker import actions, cases, grants, jurisdictions, protection, status
from tracker.models import (
    ActionTarget,
    CaseParty,
    FederalAction,
    GrantAmount,
    GrantMember,
    Jurisdiction,
    JurisdictionAlias,
    LegalCase,
)


def build(conn: sa.Connection, ref: str) -> dict:
    """The dossier of the jurisdiction ``ref`` names."""
    j = jurisdictions.resolve(conn, ref)
    return build_many(conn, [j.id])[j.id]


def _only(column: sa.Column, ids: list[int] | None):
    """A filter on ``column`` to ``ids`` (None: no filter)."""
    if ids is None:
        return sa.true()
    return column == ids[0] if len(ids) == 1 else column.in_(ids)


def build_many(
    conn: sa.Connection, ids: list[int] | None = None, *, today: date | None = None
) -> dict[int, dict]:
    """The dossiers of the jurisdictions ``ids`` (default every one), by id,
    in order of state, name and OCD id; ``today``: the day the status in
    force and the protection are shown for (default today)."""
    day = today or date.today()
    J, A = Jurisdiction, JurisdictionAlias
    found = conn.execute(
        sa.select(J).where(_only(J.c.id, ids)).order_by(J.c.state, J.c.name_folded, J.c.ocd_id)
    ).all()
    if ids is not None:
        ids = [j.id for j in found]
    aliases: dict[int, list[str]] = {}
    for jid, alias in conn.execute(
        sa.select(A.c.jurisdiction_id, A.c.alias)
        .where(_only(A.c.jurisdiction_id, ids))
        .order_by(A.c.jurisdiction_id, A.c.alias)
    ):
        aliases.setdefault(jid, []).append(alias)

    current = status.in_force_of(conn, ids, day.isoformat())
    history = status.histories(conn, ids)
    money = _money(conn, ids)
    acted = _actions(conn, ids)
    litigation = _cases(conn, ids)
    shielded: dict[str, list[dict]] = {}
    one = ids[0] if ids is not None and len(ids) == 1 else None
    for row in protection.protection_rows(conn, day, jurisdiction_id=one):
        shown = {k: v for k, v in row.items() if k not in _SHOWN_ABOVE}
        shielded.setdefault(row["jurisdiction"], []).append(shown)

    out = {}
    for j in found:
        out[j.id] = {
            "jurisdiction": {
                "id": j.id,
                "key": j.ocd_id,
                "name": j.name,
                "kind": j.kind,
                "state": j.state,
                "fips": j.fips,
                "population": j.population,
                "aliases": aliases.get(j.id, []),
                "notes": j.notes,
            },
            "current_status": current.get(j.id, []),
            "status_history": [status.record(r) for r in history.get(j.id, [])],
            "money": money.get(j.id, []),
            "actions": acted.get(j.id, []),
            "cases": litigation.get(j.id, []),
            "protection": shielded.get(j.ocd_id, []),
        }
    return out


def _money(conn: sa.Connection, ids: list[int] | None) -> dict[int, list[dict]]:
    """Each jurisdiction's amounts (``grants.covering``): its own, and the
    aggregates that cover it, as a member or as a target of their action."""
    g, gm, at, fa = GrantAmount, GrantMember, ActionTarget, FederalAction
    covered: dict[int, set[int]] = {}
    for gid, jid in conn.execute(
        sa.select(g.c.id, g.c.jurisdiction_id).where(
            g.c.jurisdiction_id.is_not(None), _only(g.c.jurisdiction_id, ids)
        )
    ):
        covered.setdefault(gid, set()).add(jid)
    for gid, jid in conn.execute(
        sa.select(gm.c.grant_id, gm.c.jurisdiction_id).where(_only(gm.c.jurisdiction_id, ids))
    ):
        covered.setdefault(gid, set()).add(jid)
    for gid, jid in conn.execute(
        sa.select(g.c.id, at.c.jurisdiction_id)
        .join(at, at.c.action_id == g.c.action_id)
        .where(_only(at.c.jurisdiction_id, ids))
    ):
        covered.setdefault(gid, set()).add(jid)
    if not covered:
        return {}
    q = sa.select(g).order_by(g.c.fiscal_year, g.c.program, g.c.id)
    if ids is not None:
        q = q.where(g.c.id.in_(sorted(covered)))
    counts = dict(conn.execute(sa.select(fa.c.key, fa.c.target_count)).all())
    rows = [r for r in grants._records(conn, q) if r["id"] in covered]
    found: dict[int, list[dict]] = {}
    for row in rows:
        gid = row["id"]
        del row["covers"]
        if row["scope"] == "aggregate":
            over = len(row["aggregate_over"])
            count = over or (counts.get(row["action"]) if row["action"] else None)
            row["label"] = (
                f"aggregate over {count} jurisdictions, not split"
                if count
                else "aggregate, not split"
            )
        else:
            row["label"] = "this jurisdiction"
        for jid in covered[gid]:
            # Each jurisdiction its own copy: a page may change its rows.
            found.setdefault(jid, []).append(dict(row))
    return found


def _actions(conn: sa.Connection, ids: list[int] | None) -> dict[int, list[dict]]:
    """The actions that targeted each jurisdiction, by date and key."""
    fa, at = FederalAction, actions.AT
    targeted = conn.execute(
        sa.select(fa, at.c.jurisdiction_id.label("target"))
        .join(at, at.c.action_id == fa.c.id)
        .where(_only(at.c.jurisdiction_id, ids))
        .order_by(fa.c.date, fa.c.key)
    ).all()
    unique = list({a.id: a for a in targeted}.values())
    records = {r["id"]: r for r in actions.records(conn, unique)}
    found: dict[int, list[dict]] = {}
    for a in targeted:
        found.setdefault(a.target, []).append(dict(records[a.id]))
    return found


def _cases(conn: sa.Connection, ids: list[int] | None) -> dict[int, list[dict]]:
    """The cases each jurisdiction is a party to, with its role and the latest ruling."""
    c, cp = LegalCase, CaseParty
    joined = conn.execute(
        sa.select(c, cp.c.role, cp.c.jurisdiction_id.label("party"))
        .join(cp, cp.c.case_id == c.c.id)
        .where(cp.c.jurisdiction_id.is_not(None), _only(cp.c.jurisdiction_id, ids))
        .order_by(c.c.key)
    ).all()
    ruled = cases.rulings(conn, sorted({r.id for r in joined}))
    found: dict[int, list[dict]] = {}
    for r in joined:
        row = cases.record(r)
        row["role"] = r.role
        row["latest_ruling"] = cases.latest_ruling(ruled.get(r.id, []), summary=True)
        found.setdefault(r.party, []).append(row)
    return found


# The protection rows' columns the dossier's identity section already gives.
_SHOWN_ABOVE = frozenset({"jurisdiction", "name", "state"})
