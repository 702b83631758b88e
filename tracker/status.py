"""Policy status: dated, sourced, append-only assertions."""

from collections.abc import Iterator
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import vocab
from tracker.inforce import InForce, chronological, in_force, start_of  # noqa: F401 - re-exported
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
    return chronological(list(rows))


# The status in force for many jurisdictions, computed by the database with
# window functions (SQLite >= 3.25 and PostgreSQL): each source's latest word
# on each jurisdiction; the latest of those is the status in force, the others
# with a different status are the disagreement, most recent first. A national
# database holds millions of assertions: only one row per jurisdiction leaves
# the database. Starts are dates as entered; compared as text they sort by
# their first day (a shorter prefix first), so comparing with the full as-of
# day is "starts on or before it". PostgreSQL compares them byte-wise whatever
# the database's collation.
_IN_FORCE_SQL = """
WITH latest AS (
  SELECT p.id, p.jurisdiction_id AS jid, p.source_id AS sid, p.status, p.recorded_at,
         {start} AS start,
         row_number() OVER (PARTITION BY p.jurisdiction_id, p.source_id
                            ORDER BY {start} DESC, p.recorded_at DESC, p.id DESC) AS src_rn
  FROM policy_status p JOIN source s ON s.id = p.source_id
  WHERE {start} <= :day{only_p}
), ranked AS (
  SELECT jid, sid, status, start, recorded_at, id,
         row_number() OVER w AS rn, first_value(status) OVER w AS current_status
  FROM latest WHERE src_rn = 1
  WINDOW w AS (PARTITION BY jid ORDER BY start DESC, recorded_at DESC, id DESC)
), summed AS (
  SELECT r.jid, r.rn, r.status, r.start, s.key, {disagreement} AS disagreement
  FROM ranked r JOIN source s ON s.id = r.sid
)
SELECT j.id, j.ocd_id, j.name, j.kind, j.state, j.fips, j.population, j.name_folded,
       l.status, NULLIF(l.start, '') AS since, l.key AS source, l.disagreement
FROM summed l JOIN jurisdiction j ON j.id = l.jid
WHERE l.rn = 1
UNION ALL
SELECT j.id, j.ocd_id, j.name, j.kind, j.state, j.fips, j.population, j.name_folded,
       NULL, NULL, NULL, NULL
FROM jurisdiction j
WHERE NOT EXISTS (
  SELECT 1 FROM policy_status p JOIN source s ON s.id = p.source_id
  WHERE p.jurisdiction_id = j.id AND {start} <= :day){only_j}
ORDER BY 5, 8, 2
"""

_DISAGREEMENT = """{agg}(CASE WHEN r.status <> r.current_status
                     THEN r.status || ' (' || s.key || ')' END, '; ')
         OVER (PARTITION BY r.jid ORDER BY r.rn
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"""


def in_force_rows(
    session: Session,
    day: str,
    *,
    state: str | None = None,
    kind: str | None = None,
    disagreement: bool = True,
) -> Iterator[sa.Row]:
    """One row per jurisdiction, ordered by state, name and key, with the status
    in force on ``day`` (a full ``YYYY-MM-DD``): ``id, ocd_id, name, kind,
    state, fips, population, name_folded, status, since, source,
    disagreement``. ``status`` is None when nothing is in force yet;
    ``disagreement`` is ``status (source); ...`` or None (always None when
    ``disagreement`` is False, which spares the database some work).

    ``state`` and ``kind`` are stored values (already parsed).
    """
    conn = session.connection()
    dialect = conn.dialect.name
    start = "coalesce(p.effective, p.observed, s.published, '')"
    if dialect == "postgresql":
        start = f'({start}) COLLATE "C"'
    agg = "string_agg" if dialect == "postgresql" else "group_concat"
    where, params = [], {"day": day}
    if state:
        where.append("j.state = :state")
        params["state"] = state
    if kind:
        where.append("j.kind = :kind")
        params["kind"] = kind
    only_j = "".join(f" AND {w}" for w in where)
    only_p = (
        f" AND p.jurisdiction_id IN (SELECT j.id FROM jurisdiction j WHERE {' AND '.join(where)})"
        if where
        else ""
    )
    sql = _IN_FORCE_SQL.format(
        start=start,
        only_p=only_p,
        only_j=only_j,
        disagreement=_DISAGREEMENT.format(agg=agg) if disagreement else "NULL",
    )
    yield from conn.execution_options(stream_results=True).execute(sa.text(sql), params)


def listing(
    session: Session,
    *,
    state: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> Iterator[dict]:
    """Jurisdictions with the status in force today, as ``jurisdictions list``
    shows them; ``state`` may be a code or a name."""
    from tracker import jurisdictions as jur

    if state:
        state = jur.parse_state(state).abbr
    if kind:
        kind = vocab.parse_choice(vocab.JurisdictionKind, kind, "kind").value
    if status:
        status = vocab.parse_choice(vocab.Status, status, "status").value
    day = date.today().isoformat()
    for r in in_force_rows(session, day, state=state, kind=kind, disagreement=False):
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
