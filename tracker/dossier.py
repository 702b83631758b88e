"""A jurisdiction's dossier: everything the database knows about it."""

from sqlmodel import Session

from tracker import actions, cases, grants, records
from tracker import jurisdictions as jur
from tracker import status as st
from tracker.models import FederalAction, Jurisdiction, Source


def build(session: Session, j: Jurisdiction) -> dict:
    """Sections of rows: identity, current status, history, money, actions, cases."""
    sources: dict[int, Source] = {}

    def source(sid: int) -> Source:
        if sid not in sources:
            sources[sid] = session.get(Source, sid)
        return sources[sid]

    history = st.history(session, j)
    now = st.in_force(history)
    current = []
    if now.current:
        # The status in force first, then each source that says otherwise.
        flags = [bool(now.disagreeing)] + [True] * len(now.disagreeing)
        for (ps, src), flag in zip([now.current, *now.disagreeing], flags, strict=True):
            current.append(
                {
                    "status": ps.status,
                    "since": st.start_of(ps, src) or None,
                    "source": src.key,
                    "disagreement": flag,
                }
            )

    money = []
    for g in grants.list_grants(session, jurisdiction=j):
        members = grants.members_of(session, g)
        action = session.get(FederalAction, g.action_id) if g.action_id else None
        row = records.grant(
            g, source(g.source_id), j if g.jurisdiction_id == j.id else None, members, action
        )
        if g.scope == "aggregate":
            covered = len(members) or (action.target_count if action else None)
            row["label"] = (
                f"aggregate over {covered} jurisdictions, not split"
                if covered
                else "aggregate, not split"
            )
        else:
            row["label"] = "this jurisdiction"
        money.append(row)

    acted = []
    for a in actions.actions_targeting(session, j):
        targets = actions.targets_of(session, a)
        acted.append(records.action(a, source(a.source_id), targets))

    litigation = []
    for c, role in cases.cases_of(session, j):
        rulings = cases.rulings_of(session, c)
        latest = rulings[-1] if rulings else None
        row = records.case(c)
        row["role"] = role
        row["latest_ruling"] = (
            f"{latest.date} {latest.kind}" + (f": {latest.summary}" if latest.summary else "")
            if latest
            else None
        )
        litigation.append(row)

    return {
        "jurisdiction": records.jurisdiction(j, jur.aliases_of(session, j.id)),
        "current_status": current,
        "status_history": [records.status(ps, src) for ps, src in history],
        "money": money,
        "actions": acted,
        "cases": litigation,
    }


def render(d: dict, fmt, *, excel_safe: bool = False) -> None:
    from tracker.render import render_sections

    render_sections(d, fmt, excel_safe=excel_safe)
