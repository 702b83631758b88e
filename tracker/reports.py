"""Report queries: rows, no printing.

Partial dates: an ``as_of`` of ``2018`` or ``2018-01`` means the first day it
covers (2018-01-01), the same rule DESIGN.md sets for sorting and comparing
partial dates. An assertion counts from the first day of its own (possibly
partial) date, so ``--as-of 2018`` shows a status effective ``2018`` or
``2018-01`` or ``2018-01-01``, but not one effective ``2018-01-02``.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa

from tracker import actions, cases, protection, vocab
from tracker import jurisdictions as jur
from tracker import status as st
from tracker.models import (
    ActionTarget,
    CaseParty,
    FederalAction,
    GrantAmount,
    GrantMember,
    Jurisdiction,
    LegalCase,
    Source,
)
from tracker.records import Rows
from tracker.values import first_day, format_amount, parse_partial_date

NO_STATUS = "no status recorded"

STATUS_COLUMNS = [
    "jurisdiction", "name", "kind", "state", "status", "since", "last_asserted", "source",
    "disagreement",
]  # fmt: skip


def as_of_day(as_of: str | None) -> str:
    """The day a (partial) as-of date stands for: its first day; today by default."""
    if not as_of:
        return date.today().isoformat()
    return first_day(parse_partial_date(as_of, "as of")).isoformat()


def status_report(
    conn: sa.Connection,
    *,
    as_of: str | None = None,
    state: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> Rows:
    """One row per jurisdiction: the status in force on ``as_of`` (default today);
    with ``status``, only those where that status is in force.

    Rows stream from the database (see ``status.in_force_rows``); arguments
    are checked before the first row is asked for.
    """
    day = as_of_day(as_of)
    if state:
        state = jur.parse_state(state).abbr
    if kind:
        kind = vocab.parse_choice(vocab.JurisdictionKind, kind, "kind").value
    if status:
        status = vocab.parse_choice(vocab.Status, status, "status").value
    records = _status_records(st.in_force_rows(conn, day, state=state, kind=kind), status)
    rows = (dict(zip(STATUS_COLUMNS, r, strict=True)) for r in records)
    return Rows(STATUS_COLUMNS, rows, records)


def _status_records(rows, status: str | None = None) -> Iterator[tuple]:
    """The report's records (STATUS_COLUMNS) of in-force rows."""
    for r in rows:
        if status is not None and r.status != status:
            continue
        yield (r.ocd_id, r.name, r.kind, r.state, r.status or NO_STATUS, r.since,
               r.last_asserted, r.source, r.disagreement)  # fmt: skip


# --- protection -----------------------------------------------------------------


def protection_report(
    conn: sa.Connection,
    *,
    as_of: str | None = None,
    action: str | None = None,
    state: str | None = None,
) -> Rows:
    """``report protection``: for each jurisdiction, the court orders that
    covered it on ``as_of`` (default today), the actions each restrains, and
    whether each is in force (``protection.force``); only ``action`` (an id
    or key) or jurisdictions of ``state``, when given."""
    day = date.fromisoformat(as_of_day(as_of))
    if state:
        state = jur.parse_state(state).abbr
    action_id = actions.resolve(conn, action).id if action else None
    rows = protection.protection_rows(conn, day, state=state, action_id=action_id)
    return Rows(protection.COLUMNS, rows)


# --- grants -------------------------------------------------------------------

GRANT_COLUMNS = [
    "program", "fiscal_year", "amount_type", "scope", "amount", "jurisdictions",
    "covers", "sources", "note",
]  # fmt: skip


def _grant_lines(conn: sa.Connection) -> list[dict]:
    """Every grant amount with what it covers, one dict each."""
    g, gm, j = GrantAmount, GrantMember, Jurisdiction
    fa, s, at = FederalAction, Source, ActionTarget
    names = {jid: f"{name}, {state}" for jid, name, state in conn.execute(
        sa.select(j.c.id, j.c.name, j.c.state))}  # fmt: skip
    members: dict[int, list[int]] = defaultdict(list)
    for gid, jid in conn.execute(sa.select(gm.c.grant_id, gm.c.jurisdiction_id)):
        members[gid].append(jid)
    targets: dict[int, int] = defaultdict(int)
    for aid, n in conn.execute(sa.select(at.c.action_id, sa.func.count()).group_by(at.c.action_id)):
        targets[aid] = n
    q = (
        sa.select(
            g.c.id, g.c.program, g.c.fiscal_year, g.c.amount_type, g.c.amount_cents,
            g.c.scope, g.c.jurisdiction_id, g.c.action_id, g.c.recorded_at,
            s.c.key.label("source"), fa.c.key.label("action"), fa.c.title.label("action_title"),
            fa.c.target_count,
        )
        .join(s, s.c.id == g.c.source_id)
        .join(fa, fa.c.id == g.c.action_id, isouter=True)
        .order_by(g.c.recorded_at, g.c.id)
    )  # fmt: skip
    out = []
    for r in conn.execute(q):
        line = dict(r._mapping)
        covered = [r.jurisdiction_id] if r.jurisdiction_id else sorted(members.get(r.id, []))
        line["covered"] = covered
        line["names"] = sorted(names[x] for x in covered)
        if r.jurisdiction_id is None and not covered and r.action_id is not None:
            # An aggregate tied to an action with no members of its own covers
            # what the action targeted: the count its source gives, else the named ones.
            line["count"] = r.target_count if r.target_count is not None else targets[r.action_id]
        else:
            line["count"] = len(covered)
        out.append(line)
    return out


def grants_report(conn: sa.Connection, *, fiscal_year: int | None = None) -> Rows:
    """``report grants`` (see ``_grants``)."""
    return Rows(GRANT_COLUMNS, _grants(conn, fiscal_year=fiscal_year))


def _grants(conn: sa.Connection, *, fiscal_year: int | None = None) -> list[dict]:
    """Money by program, fiscal year and amount type.

    Per-jurisdiction amounts are summed into one row per group; each aggregate
    is its own row with the number of jurisdictions it covers, never split.
    Nothing is counted twice: when several sources give an amount for the same
    jurisdiction (or the same aggregate) in a group, the most recently
    recorded source's figure counts and the row says the sources differ.
    """
    groups: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for line in _grant_lines(conn):
        if fiscal_year is not None and line["fiscal_year"] != fiscal_year:
            continue
        group = (line["program"], line["fiscal_year"], line["amount_type"])
        if line["scope"] == vocab.GrantScope.jurisdiction:
            who = ("jurisdiction", line["jurisdiction_id"])
        else:
            who = ("aggregate", tuple(line["covered"]), line["action_id"])
        groups[group][who].append(line)
    out = []
    for program, fy, atype in sorted(groups, key=lambda k: (k[1], k[0], k[2])):
        per_jur_cents, per_jur_names, per_jur_sources, per_jur_notes = 0, [], set(), []
        aggregates = []
        for who, lines in groups[(program, fy, atype)].items():
            cents, sources, differ = _one_figure(lines)
            if who[0] == "jurisdiction":
                per_jur_cents += cents
                per_jur_names += lines[0]["names"]
                per_jur_sources |= sources
                if differ:
                    per_jur_notes.append(f"sources differ for {lines[0]['names'][0]}")
            else:
                last = lines[-1]
                covers = "; ".join(last["names"]) or (
                    f"targets of action {last['action']}" if last["action"] else ""
                )
                aggregates.append(
                    {
                        "program": program,
                        "fiscal_year": fy,
                        "amount_type": atype,
                        "scope": "aggregate",
                        "amount": format_amount(cents),
                        "jurisdictions": last["count"],
                        "covers": covers,
                        "sources": len(sources),
                        "note": "sources differ; latest counted" if differ else None,
                    }
                )
        if per_jur_names:
            out.append(
                {
                    "program": program,
                    "fiscal_year": fy,
                    "amount_type": atype,
                    "scope": "jurisdictions",
                    "amount": format_amount(per_jur_cents),
                    "jurisdictions": len(per_jur_names),
                    "covers": "; ".join(sorted(per_jur_names)),
                    "sources": len(per_jur_sources),
                    "note": "; ".join(per_jur_notes) or None,
                }
            )
        out += sorted(aggregates, key=lambda r: (r["covers"], r["amount"]))
    return out


def _one_figure(lines: list[dict]) -> tuple[int, set[str], bool]:
    """One amount for one payee from possibly several sources: each source's
    amounts summed; the most recently recorded source's total counts."""
    by_source: dict[str, int] = {}
    for line in lines:  # oldest first, so the latest source ends up last
        by_source[line["source"]] = by_source.pop(line["source"], 0) + line["amount_cents"]
    totals = list(by_source.values())
    return totals[-1], set(by_source), len(set(totals)) > 1


# --- litigation ---------------------------------------------------------------

LITIGATION_COLUMNS = [
    "case", "caption", "court", "docket", "filed", "status", "plaintiffs", "defendants",
    "others", "latest_ruling", "ruling_date",
]  # fmt: skip


def litigation_report(conn: sa.Connection, *, status: str | None = None) -> Rows:
    """``report litigation`` (see ``_litigation``)."""
    return Rows(LITIGATION_COLUMNS, _litigation(conn, status=status))


def _litigation(conn: sa.Connection, *, status: str | None = None) -> list[dict]:
    """Each case with its parties, status, and latest ruling (by date as entered)."""
    c, cp, j = LegalCase, CaseParty, Jurisdiction
    parties: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    q = (
        sa.select(cp.c.case_id, cp.c.role, cp.c.name, j.c.name.label("jname"), j.c.state)
        .join(j, j.c.id == cp.c.jurisdiction_id, isouter=True)
        .order_by(cp.c.id)
    )
    for row in conn.execute(q):
        who = f"{row.jname}, {row.state}" if row.jname else row.name
        parties[row.case_id][row.role].append(who)
    q = sa.select(c)
    if status:
        q = q.where(c.c.status == vocab.parse_choice(vocab.CaseStatus, status, "status").value)
    found = conn.execute(q).all()
    ruled = cases.rulings(conn, [case.id for case in found])
    out = []
    for case in found:
        ps = parties.get(case.id, {})
        ruling = cases.latest(ruled.get(case.id, []))
        others = [
            f"{who} ({role})" for role in ("intervenor", "amicus") for who in ps.get(role, [])
        ]
        out.append(
            {
                "case": case.key,
                "caption": case.caption,
                "court": case.court,
                "docket": case.docket,
                "filed": case.filed,
                "status": case.status,
                "plaintiffs": "; ".join(ps.get("plaintiff", [])) or None,
                "defendants": "; ".join(ps.get("defendant", [])) or None,
                "others": "; ".join(others) or None,
                "latest_ruling": ruling.kind if ruling else None,
                "ruling_date": ruling.date if ruling else None,
            }
        )
    # Filed date (unknown last), then caption.
    out.sort(
        key=lambda row: (
            row["filed"] is None,
            first_day(row["filed"]) if row["filed"] else date.min,
            row["caption"],
        )
    )
    return out


# --- summary ------------------------------------------------------------------

OPEN_CASE_STATUSES = (vocab.CaseStatus.pending.value, vocab.CaseStatus.on_appeal.value)
LATEST_ACTIONS = 5


def summary_report(conn: sa.Connection, *, as_of: str | None = None) -> dict[str, list[dict]]:
    """Sections: status by kind, money totals, open cases, latest actions."""
    status_rows = list(status_report(conn, as_of=as_of).rows)
    kinds = sorted({r["kind"] for r in status_rows}, key=list(vocab.JurisdictionKind).index)
    order = [*[s.value for s in vocab.Status], NO_STATUS]
    by_status = []
    for status in order:
        matching = [r for r in status_rows if r["status"] == status]
        if not matching:
            continue
        row = {"status": status, "jurisdictions": len(matching)}
        for k in kinds:
            row[k] = sum(1 for r in matching if r["kind"] == k)
        row["disagreement"] = sum(1 for r in matching if r["disagreement"])
        by_status.append(row)

    money: dict[str, dict] = {}
    for g in _grants(conn):
        t = money.setdefault(
            g["amount_type"],
            {"amount_type": g["amount_type"], "per_jurisdiction": 0, "aggregates": 0,
             "aggregate_count": 0},
        )  # fmt: skip
        cents = _cents(g["amount"])
        if g["scope"] == "aggregate":
            t["aggregates"] += cents
            t["aggregate_count"] += 1
        else:
            t["per_jurisdiction"] += cents
    money_rows = [
        {**t, "per_jurisdiction": format_amount(t["per_jurisdiction"]),
         "aggregates": format_amount(t["aggregates"])}
        for atype in vocab.AmountType if (t := money.get(atype.value))
    ]  # fmt: skip

    open_cases = [
        {k: r[k] for k in ("case", "status", "plaintiffs", "defendants", "latest_ruling",
                           "ruling_date")}
        for r in _litigation(conn) if r["status"] in OPEN_CASE_STATUSES
    ]  # fmt: skip

    fa, at = FederalAction, ActionTarget
    named = sa.select(sa.func.count()).where(at.c.action_id == fa.c.id).scalar_subquery()
    actions = list(conn.execute(sa.select(fa, named.label("named"))))
    actions.sort(key=lambda a: (first_day(a.date), len(a.date), a.key), reverse=True)
    latest = [
        {
            "date": a.date,
            "agency": a.agency,
            "kind": a.kind,
            "title": a.title,
            "targets": a.target_count if a.target_count is not None else (a.named or None),
            "named_targets": a.named,
            "action": a.key,
        }
        for a in actions[:LATEST_ACTIONS]
    ]
    return {
        "status_by_kind": by_status,
        "money": money_rows,
        "open_cases": open_cases,
        "latest_actions": latest,
    }


def _cents(amount: str) -> int:
    whole, _, frac = amount.partition(".")
    return int(whole) * 100 + int(frac or 0)
