"""A jurisdiction's dossier: everything the database knows about it.

Plain SQL through a query callable (``tracker.refs.Query``), free of the ORM:
``jurisdictions show`` answers on a bare driver connection when it can, and
through a session's connection otherwise, with the same code. The rows are
small named tuples carrying the attributes ``tracker.records`` reads, so the
rows come out as every other command prints them.
"""

from datetime import UTC, datetime
from typing import NamedTuple

from tracker import records
from tracker.inforce import chronological, in_force, start_of
from tracker.refs import Query


class Jurisdiction(NamedTuple):
    id: int
    ocd_id: str
    name: str
    kind: str
    state: str
    fips: str | None
    population: int | None
    notes: str | None


class Assertion(NamedTuple):
    id: int
    status: str
    effective: str | None
    observed: str | None
    citation: str | None
    quote: str | None
    note: str | None
    recorded_at: datetime


class Source(NamedTuple):
    id: int
    key: str
    published: str | None


class Grant(NamedTuple):
    id: int
    program: str
    assistance_listing: str | None
    fiscal_year: int
    amount_cents: int
    amount_type: str
    scope: str
    jurisdiction_id: int | None
    action_id: int | None
    source_id: int
    note: str | None


class Action(NamedTuple):
    id: int
    key: str
    date: str
    agency: str
    kind: str
    title: str
    description: str | None
    source_id: int
    target_count: int | None


class Case(NamedTuple):
    id: int
    key: str
    caption: str
    court: str
    docket: str | None
    filed: str | None
    status: str
    summary: str | None


class Ruling(NamedTuple):
    date: str
    kind: str
    summary: str | None


class Key(NamedTuple):
    """A jurisdiction named in a row by its key (members, targets)."""

    ocd_id: str


def _columns(row: type[NamedTuple], alias: str) -> str:
    return ", ".join(f"{alias}.{name}" for name in row._fields)


def _utc(value) -> datetime:
    """A stored timestamp as the models read it: aware, in UTC. SQLite holds
    naive UTC text; PostgreSQL returns aware datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _history(query: Query, jid: int) -> list[tuple[Assertion, Source]]:
    """Every assertion about a jurisdiction, oldest first (``status.history``)."""
    rows = query(
        f"SELECT {_columns(Assertion, 'p')}, {_columns(Source, 's')}"
        " FROM policy_status p JOIN source s ON s.id = p.source_id"
        " WHERE p.jurisdiction_id = ?",
        (jid,),
    )
    n = len(Assertion._fields)
    pairs = []
    for r in rows:
        ps = Assertion(*r[:n])
        pairs.append((ps._replace(recorded_at=_utc(ps.recorded_at)), Source(*r[n:])))
    return chronological(pairs)


def _grants(query: Query, jid: int) -> list[Grant]:
    """Its own amounts and the aggregates that cover it (``grants.list_grants``)."""
    rows = query(
        f"SELECT {_columns(Grant, 'g')} FROM grant_amount g"
        " WHERE g.jurisdiction_id = ?"
        " OR g.id IN (SELECT m.grant_id FROM grant_member m WHERE m.jurisdiction_id = ?)"
        " OR g.action_id IN (SELECT t.action_id FROM action_target t WHERE t.jurisdiction_id = ?)"
        " ORDER BY g.fiscal_year, g.program, g.id",
        (jid, jid, jid),
    )
    return [Grant(*r) for r in rows]


def _members(query: Query, grant_id: int) -> list[Key]:
    rows = query(
        "SELECT j.ocd_id FROM jurisdiction j JOIN grant_member m ON m.jurisdiction_id = j.id"
        " WHERE m.grant_id = ? ORDER BY j.ocd_id",
        (grant_id,),
    )
    return [Key(*r) for r in rows]


def _actions(query: Query, jid: int) -> list[Action]:
    rows = query(
        f"SELECT {_columns(Action, 'a')} FROM federal_action a"
        " JOIN action_target t ON t.action_id = a.id"
        " WHERE t.jurisdiction_id = ? ORDER BY a.date, a.key",
        (jid,),
    )
    return [Action(*r) for r in rows]


def _targets(query: Query, action_id: int) -> list[Key]:
    rows = query(
        "SELECT j.ocd_id FROM jurisdiction j JOIN action_target t ON t.jurisdiction_id = j.id"
        " WHERE t.action_id = ? ORDER BY j.ocd_id",
        (action_id,),
    )
    return [Key(*r) for r in rows]


def _cases(query: Query, jid: int) -> list[tuple[Case, str]]:
    """The cases it is party to, with its role."""
    rows = query(
        f"SELECT {_columns(Case, 'c')}, p.role FROM legal_case c"
        " JOIN case_party p ON p.case_id = c.id"
        " WHERE p.jurisdiction_id = ? ORDER BY c.key",
        (jid,),
    )
    return [(Case(*r[:-1]), r[-1]) for r in rows]


def _latest_ruling(query: Query, case_id: int) -> Ruling | None:
    rows = query(
        f"SELECT {_columns(Ruling, 'r')} FROM ruling r WHERE r.case_id = ? ORDER BY r.date, r.id",
        (case_id,),
    )
    return Ruling(*rows[-1]) if rows else None


def build(query: Query, jurisdiction_id: int) -> dict:
    """Sections of rows: identity, current status, history, money, actions, cases."""
    (row,) = query(
        f"SELECT {_columns(Jurisdiction, 'j')} FROM jurisdiction j WHERE j.id = ?",
        (jurisdiction_id,),
    )
    j = Jurisdiction(*row)
    aliases = [
        a
        for (a,) in query(
            "SELECT alias FROM jurisdiction_alias WHERE jurisdiction_id = ? ORDER BY alias",
            (j.id,),
        )
    ]
    sources: dict[int, Source] = {}

    def source(sid: int) -> Source:
        if sid not in sources:
            (found,) = query(f"SELECT {_columns(Source, 's')} FROM source s WHERE s.id = ?", (sid,))
            sources[sid] = Source(*found)
        return sources[sid]

    history = _history(query, j.id)
    now = in_force(history)
    current = []
    if now.current:
        # The status in force first, then each source that says otherwise.
        flags = [bool(now.disagreeing)] + [True] * len(now.disagreeing)
        for (ps, src), flag in zip([now.current, *now.disagreeing], flags, strict=True):
            current.append(
                {
                    "status": ps.status,
                    "since": start_of(ps, src) or None,
                    "source": src.key,
                    "disagreement": flag,
                }
            )

    money = []
    actions: dict[int, Action] = {}
    for g in _grants(query, j.id):
        members = _members(query, g.id)
        action = None
        if g.action_id:
            if g.action_id not in actions:
                (found,) = query(
                    f"SELECT {_columns(Action, 'a')} FROM federal_action a WHERE a.id = ?",
                    (g.action_id,),
                )
                actions[g.action_id] = Action(*found)
            action = actions[g.action_id]
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

    acted = [
        records.action(a, source(a.source_id), _targets(query, a.id)) for a in _actions(query, j.id)
    ]

    litigation = []
    for c, role in _cases(query, j.id):
        latest = _latest_ruling(query, c.id)
        row = records.case(c)
        row["role"] = role
        row["latest_ruling"] = (
            f"{latest.date} {latest.kind}" + (f": {latest.summary}" if latest.summary else "")
            if latest
            else None
        )
        litigation.append(row)

    return {
        "jurisdiction": records.jurisdiction(j, aliases),
        "current_status": current,
        "status_history": [records.status(ps, src) for ps, src in history],
        "money": money,
        "actions": acted,
        "cases": litigation,
    }


def render(d: dict, fmt, *, excel_safe: bool = False) -> None:
    from tracker.render import render_sections

    render_sections(d, fmt, excel_safe=excel_safe)
