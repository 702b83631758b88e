"""Report queries: rows, no printing."""

from datetime import date

from sqlmodel import Session

from tracker import jurisdictions as jur
from tracker import status as st
from tracker.values import parse_partial_date

STATUS_COLUMNS = [
    "jurisdiction", "name", "kind", "state", "status", "since", "source", "disagreement",
]  # fmt: skip


def status_report(
    session: Session, *, as_of: str | None = None, state: str | None = None, kind: str | None = None
) -> list[dict]:
    """One row per jurisdiction: the status in force on ``as_of`` (default today)."""
    as_of = parse_partial_date(as_of, "as of") if as_of else date.today().isoformat()
    rows = jur.list_jurisdictions(session, state=state, kind=kind)
    current = st.current_all(session, [j.id for j in rows], as_of)
    out = []
    for j in rows:
        now = current.get(j.id)
        ps, src = now.current if now and now.current else (None, None)
        out.append(
            {
                "jurisdiction": j.ocd_id,
                "name": j.name,
                "kind": j.kind,
                "state": j.state,
                "status": ps.status if ps else "no status recorded",
                "since": (st.start_of(ps, src) or None) if ps else None,
                "source": src.key if src else None,
                "disagreement": (
                    "; ".join(f"{p.status} ({s.key})" for p, s in now.disagreeing)
                    if now and now.disagreeing
                    else None
                ),
            }
        )
    return out
