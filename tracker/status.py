"""Policy status: dated, sourced, append-only assertions."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import vocab
from tracker.models import Jurisdiction, PolicyStatus, Source
from tracker.values import clean_text, optional_date


def validate(
    status: str,
    *,
    effective: str | None = None,
    observed: str | None = None,
    citation: str | None = None,
    quote: str | None = None,
    note: str | None = None,
) -> dict:
    return {
        "status": vocab.parse_choice(vocab.Status, status, "status").value,
        "effective": optional_date(effective, "effective"),
        "observed": optional_date(observed, "observed"),
        "citation": clean_text(citation, "citation"),
        "quote": clean_text(quote, "quote"),
        "note": clean_text(note, "note"),
    }


def set_status(
    session: Session,
    jurisdiction: Jurisdiction,
    source: Source,
    status: str,
    *,
    recorded_at: datetime | None = None,
    **fields,
) -> PolicyStatus:
    """Record a new assertion. Corrections are new assertions too: nothing is overwritten."""
    data = validate(status, **fields)
    row = PolicyStatus(jurisdiction_id=jurisdiction.id, source_id=source.id, **data)
    if recorded_at is not None:
        row.recorded_at = recorded_at
    session.add(row)
    session.flush()
    return row


def history(session: Session, jurisdiction: Jurisdiction) -> list[tuple[PolicyStatus, Source]]:
    """Every assertion about a jurisdiction, oldest first: by when it counts from
    (effective, else observed, else published; partial dates by their first
    day), then by when it was recorded."""
    rows = session.exec(
        select(PolicyStatus, Source)
        .join(Source, Source.id == PolicyStatus.source_id)
        .where(PolicyStatus.jurisdiction_id == jurisdiction.id)
    )
    return sorted(rows, key=lambda p: (start_of(*p), p[0].recorded_at, p[0].id))


@dataclass
class InForce:
    """A jurisdiction's status on a date: the assertion in force, and the
    latest word of every other source that says something different."""

    current: tuple[PolicyStatus, Source] | None
    disagreeing: list[tuple[PolicyStatus, Source]]


def start_of(ps: PolicyStatus, src: Source) -> str:
    """When an assertion counts from: its effective date, else when the source
    observed it, else the source's publication date."""
    return ps.effective or ps.observed or src.published or ""


def in_force(assertions: list[tuple[PolicyStatus, Source]], as_of: str | None = None) -> InForce:
    """The status in force on ``as_of`` (a partial date, compared by its first
    day; None means today).

    The latest assertion on or before ``as_of`` wins, later recordings
    breaking ties. A source's later word replaces its own earlier one.
    """
    # "Current" means today, as in `report status`: a law that takes effect
    # next year is not in force yet.
    day = as_of or date.today().isoformat()
    eligible = [p for p in assertions if start_of(*p) <= day]
    if not eligible:
        return InForce(None, [])
    ordered = sorted(eligible, key=lambda p: (start_of(*p), p[0].recorded_at, p[0].id))
    current = ordered[-1]
    latest: dict[int, tuple[PolicyStatus, Source]] = {}
    for p in ordered:
        latest[p[1].id] = p
    disagreeing = [p for p in reversed(latest.values()) if p[0].status != current[0].status]
    return InForce(current, disagreeing)


def current_all(
    session: Session, jurisdiction_ids: list[int] | None = None, as_of: str | None = None
) -> dict[int, InForce]:
    """The status in force for many jurisdictions at once.

    Reads plain rows, not ORM objects: a national database holds millions of
    assertions from a few hundred sources. The rows carry the same attribute
    names ``in_force`` reads.
    """
    if jurisdiction_ids is not None and not jurisdiction_ids:
        return {}
    p, s = PolicyStatus.__table__, Source.__table__
    conn = session.connection()
    sources = {row.id: row for row in conn.execute(sa.select(s.c.id, s.c.key, s.c.published))}
    q = sa.select(
        p.c.id, p.c.jurisdiction_id, p.c.source_id, p.c.status, p.c.effective, p.c.observed,
        p.c.recorded_at,
    )  # fmt: skip
    if jurisdiction_ids is not None and len(jurisdiction_ids) < 1000:
        q = q.where(p.c.jurisdiction_id.in_(jurisdiction_ids))
    grouped: dict[int, list] = {}
    for row in conn.execute(q):
        grouped.setdefault(row.jurisdiction_id, []).append((row, sources[row.source_id]))
    return {jid: in_force(rows, as_of) for jid, rows in grouped.items()}
