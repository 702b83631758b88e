"""A jurisdiction's dossier: everything the database knows about it.

Sections of rows, as the entities' own modules print them: identity, the
status in force today with any disagreeing sources, the status history,
money (aggregates labelled, never split), actions that targeted it,
cases with their latest ruling, and the court orders that protect it
(as ``report protection`` shows them, today).
"""

from datetime import date

import sqlalchemy as sa

from tracker import actions, cases, grants, jurisdictions, protection, status
from tracker.models import CaseParty, FederalAction, GrantAmount, LegalCase


def build(conn: sa.Connection, ref: str) -> dict:
    """The dossier of the jurisdiction ``ref`` names."""
    j = jurisdictions.resolve(conn, ref)
    aliases = jurisdictions.aliases_of(conn, j.id)
    identity = {
        "id": j.id,
        "key": j.ocd_id,
        "name": j.name,
        "kind": j.kind,
        "state": j.state,
        "fips": j.fips,
        "population": j.population,
        "aliases": aliases,
        "notes": j.notes,
    }

    g = GrantAmount
    money = []
    for row in grants._records(
        conn,
        sa.select(g).where(grants.covering(j.id)).order_by(g.c.fiscal_year, g.c.program, g.c.id),
    ):
        del row["covers"]
        if row["scope"] == "aggregate":
            over = len(row["aggregate_over"])
            count = over or _target_count(conn, row["action"])
            row["label"] = (
                f"aggregate over {count} jurisdictions, not split"
                if count
                else "aggregate, not split"
            )
        else:
            row["label"] = "this jurisdiction"
        money.append(row)

    fa = FederalAction
    at = actions.AT
    targeted = conn.execute(
        sa.select(fa)
        .join(at, at.c.action_id == fa.c.id)
        .where(at.c.jurisdiction_id == j.id)
        .order_by(fa.c.date, fa.c.key)
    ).all()
    acted = actions.records(conn, targeted)

    c, cp = LegalCase, CaseParty
    joined = conn.execute(
        sa.select(c, cp.c.role)
        .join(cp, cp.c.case_id == c.c.id)
        .where(cp.c.jurisdiction_id == j.id)
        .order_by(c.c.key)
    ).all()
    ruled = cases.rulings(conn, [r.id for r in joined])
    litigation = []
    for r in joined:
        row = cases.record(r)
        row["role"] = r.role
        latest = cases.latest(ruled.get(r.id, []))
        row["latest_ruling"] = (
            f"{latest.date} {latest.kind}" + (f": {latest.summary}" if latest.summary else "")
            if latest
            else None
        )
        litigation.append(row)

    shielded = [
        {k: v for k, v in row.items() if k not in _SHOWN_ABOVE}
        for row in protection.protection_rows(conn, date.today(), jurisdiction_id=j.id)
    ]

    return {
        "jurisdiction": identity,
        "current_status": status.in_force(conn, j.id),
        "status_history": [status.record(r) for r in status.history(conn, j.id)],
        "money": money,
        "actions": acted,
        "cases": litigation,
        "protection": shielded,
    }


# The protection rows' columns the dossier's identity section already gives.
_SHOWN_ABOVE = frozenset({"jurisdiction", "name", "state"})


def _target_count(conn: sa.Connection, action_key: str | None) -> int | None:
    if action_key is None:
        return None
    fa = FederalAction
    return conn.execute(sa.select(fa.c.target_count).where(fa.c.key == action_key)).scalar()
