"""Grant money: exact cents, tied to one jurisdiction or an aggregate.

An aggregate (several jurisdictions, or an action) is stored once with the
jurisdictions it covers; nothing ever splits it into invented shares.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from tracker import jurisdictions as jur
from tracker import vocab
from tracker.batch import Batch, Fields, Matcher
from tracker.csvformat import ENTITIES, Row, join_list, parse_timestamp, split_list
from tracker.errors import InvalidValue
from tracker.models import (
    ActionTarget,
    FederalAction,
    GrantAmount,
    GrantMember,
    Jurisdiction,
    Source,
)
from tracker.records import Rows
from tracker.sources import refs as source_refs
from tracker.values import (
    clean_text,
    format_amount,
    parse_amount,
    parse_assistance_listing,
    parse_year,
)

COLUMNS = [
    "id", "program", "assistance_listing", "fiscal_year", "amount", "amount_type", "scope",
    "covers", "jurisdiction", "aggregate_over", "action", "source", "note",
]  # fmt: skip
# How the add command names the columns a message may start with.
OPTION_NAMES = {
    "fiscal_year": "fiscal year",
    "amount_type": "type",
    "jurisdictions": "jurisdiction",
    "assistance_listing": "assistance listing",
}
G = GrantAmount
GM = GrantMember
_COMPARED = ("assistance_listing", "amount_cents", "note")


def _natural(data, covered) -> tuple:
    """What an amount says, which tells it apart (it has no key column)."""
    return (
        data["program"],
        data["fiscal_year"],
        data["amount_type"],
        data["source_id"],
        covered,
        data["action_id"],
    )


def write(batch: Batch, rows: Iterable[Row], *, append: bool = False) -> None:
    """Grant amounts, each the amount a source gives for a program, fiscal
    year and amount type, to one jurisdiction, to several (an aggregate) or
    to an action. A row matches the stored amount that says the same thing
    (``recorded_at``, when given, tells apart amounts that say the same);
    a matched row may change the listing, the amount and the note it has
    columns for. A ``jurisdictions`` or ``action`` column the file lacks
    takes no part in the match. ``append`` (``grants add``): every row is a
    new amount.
    """
    conn = batch.conn
    counts = batch.counts("grants")
    members: dict[int, frozenset[int]] = {}
    for gid, jid in conn.execute(sa.select(GM.c.grant_id, GM.c.jurisdiction_id)):
        members[gid] = members.get(gid, frozenset()) | {jid}
    seen: dict = {}
    parsed = []
    actions, sources = FederalAction, Source
    columns = None

    fields = Fields()
    check = fields.check

    def parse(v: dict) -> dict:
        # Every field is checked, in the file's column order: a row's problems come together.
        program = check(clean_text, v.get("program"), "program", required=True)
        listing = check(parse_assistance_listing, v.get("assistance_listing"), "assistance_listing")
        year = check(parse_year, v.get("fiscal_year") or "", "fiscal_year")
        cents = check(parse_amount, v.get("amount") or "", "amount")
        amount_type = check(_amount_type, v.get("amount_type"))
        refs, action = split_list(v.get("jurisdictions")), v.get("action")
        covered = frozenset(check(jur.ref_id, batch, ref, "jurisdictions") for ref in refs)
        # A file without one of these columns may still name a stored amount.
        complete = append or ("jurisdictions" in v and "action" in v)
        if not refs and not action and complete:
            fields.add(InvalidValue(f"jurisdictions: {_NO_TARGET}"))
        action_id = check(batch.key_id, actions, action, "action", "action") if action else None
        source_id = check(batch.key_id, sources, v.get("source"), "source", "source")
        note = check(clean_text, v.get("note"), "note")
        recorded = v.get("recorded_at")
        recorded = check(parse_timestamp, recorded, "recorded_at") if recorded else None
        fields.done()
        return {
            "program": program,
            "assistance_listing": listing,
            "fiscal_year": year,
            "amount_cents": cents,
            "amount_type": amount_type,
            "covered": covered,
            "action_id": action_id,
            "source_id": source_id,
            "note": note,
            "recorded_at": recorded,
        }

    for row, data in batch.each(rows, parse):
        if columns is None:
            columns = row.values.keys()
        sem = _natural(data, data["covered"])
        shown = f"{data['program']}, {data['fiscal_year']}, {data['amount_type']}"
        if batch.first_time(seen, (*sem, data["recorded_at"]), row, shown):
            parsed.append((row, data, sem))
    columns = ENTITIES["grants"].columns if columns is None else columns
    # What a row says, and the fields it may change: its file's columns.
    said = tuple(i for i, c in enumerate(_NATURAL) if c in columns)
    compared = tuple(k for k in _COMPARED if _COLUMN.get(k, k) in columns)

    def stored():
        if append:
            return
        for r in conn.execute(sa.select(G).order_by(G.c.recorded_at, G.c.id)):
            sem = _natural(r._mapping, _covered(r, members))
            yield _project(sem, said), r.recorded_at, r

    matcher = Matcher(stored())
    parsed = [(row, data, _project(sem, said)) for row, data, sem in parsed]
    now = datetime.now(UTC)
    for row, data, _sem, old in matcher.pair(batch, parsed, compared, "grant amounts", True):
        covered = data.pop("covered")
        if old is not None:
            change = {k: data[k] for k in compared if getattr(old, k) != data[k]}
            if change and not batch.failed:
                conn.execute(G.update().where(G.c.id == old.id).values(**change))
                key = _shown_key(batch, old._mapping, _covered(old, members))
                batch.updated("grants", key, ((k, getattr(old, k), v) for k, v in change.items()))
            counts.updated += bool(change)
            counts.unchanged += not change
            continue
        if not covered and data["action_id"] is None:
            batch.problem(row, f"jurisdictions: {_NO_TARGET}")
            continue
        counts.added += 1
        if batch.failed:
            continue
        single = len(covered) == 1 and data["action_id"] is None
        data["scope"] = "jurisdiction" if single else "aggregate"
        data["jurisdiction_id"] = next(iter(covered)) if single else None
        data["recorded_at"] = data["recorded_at"] or now
        gid = conn.execute(G.insert().returning(G.c.id), data).scalar_one()
        if not single and covered:
            conn.execute(GM.insert(), [{"grant_id": gid, "jurisdiction_id": j} for j in covered])
        if batch.recording:
            fields = {k: v for k, v in data.items() if k != "jurisdiction_id"}
            fields["jurisdictions"] = _shown_ocds(batch, covered)
            batch.added("grants", _shown_key(batch, data, covered), fields)


_NO_TARGET = "give a jurisdiction, several, or an action"
# What tells an amount apart, as ``_natural`` orders it, by CSV column.
_NATURAL = ("program", "fiscal_year", "amount_type", "source", "jurisdictions", "action")
# The CSV column of a stored field whose name differs.
_COLUMN = {"amount_cents": "amount"}


def _project(sem: tuple, said: tuple[int, ...]) -> tuple:
    return sem if len(said) == len(_NATURAL) else tuple(sem[i] for i in said)


def _shown_ocds(batch: Batch, ids) -> str | None:
    return join_list(batch.key_of(Jurisdiction.c.ocd_id, j) for j in ids) or None


def _covered(g, members: dict[int, frozenset[int]]) -> frozenset[int]:
    """The jurisdictions a stored amount covers: its own, or its aggregate's members."""
    return frozenset([g.jurisdiction_id]) if g.jurisdiction_id else members.get(g.id, frozenset())


def _shown_key(batch: Batch, g, covered: frozenset[int]) -> str:
    """An amount as a dry run names it: program, fiscal year, type, what it covers, source."""
    parts = [g["program"], str(g["fiscal_year"]), g["amount_type"]]
    if covered:
        parts.append(_shown_ocds(batch, covered))
    if g["action_id"]:
        parts.append(f"action {batch.key_of(FederalAction.c.key, g['action_id'])}")
    parts.append(batch.key_of(Source.c.key, g["source_id"]))
    return " | ".join(parts)


def _amount_type(text: str | None) -> str:
    return vocab.parse_choice(vocab.AmountType, (text or "").strip(), "amount_type").value


def add(conn: sa.Connection, values: dict) -> dict:
    """A new amount (a grants row: REFs in ``jurisdictions``, keys for the
    action and source); the amount as printed."""
    write(Batch(conn, labels=OPTION_NAMES), [Row(1, values)], append=True)
    # Writers hold the write lock: the newest amount is this one.
    gid = conn.execute(sa.select(sa.func.max(G.c.id))).scalar_one()
    return _records(conn, sa.select(G).where(G.c.id == gid))[0]


def coverage(scope: str, members: list, action) -> str:
    """What an amount covers, in words: one jurisdiction's own money, or an
    aggregate total that belongs to several and is never a per-jurisdiction share."""
    if scope != vocab.GrantScope.aggregate:
        return "own amount"
    if members:
        return f"aggregate over {len(members)} jurisdictions, not split"
    if action is not None and action.target_count:
        return f"aggregate over the {action.target_count} jurisdictions targeted by the action, not split"
    return "aggregate over the action's targets, not split"


def _records(conn: sa.Connection, q) -> list[dict]:
    J, FA = Jurisdiction, FederalAction
    grants = conn.execute(q).all()
    ids = [g.id for g in grants]
    members: dict[int, list[str]] = {}
    mq = (
        sa.select(GM.c.grant_id, J.c.ocd_id)
        .join(J, J.c.id == GM.c.jurisdiction_id)
        .where(GM.c.grant_id.in_(ids))
        .order_by(J.c.ocd_id)
    )
    for gid, ocd in conn.execute(mq):
        members.setdefault(gid, []).append(ocd)
    ocds = dict(
        conn.execute(
            sa.select(J.c.id, J.c.ocd_id).where(J.c.id.in_({g.jurisdiction_id for g in grants}))
        ).all()
    )
    keys = source_refs(conn, {g.source_id for g in grants})
    acts = {
        a.id: a
        for a in conn.execute(sa.select(FA).where(FA.c.id.in_({g.action_id for g in grants})))
    }
    out = []
    for g in grants:
        act = acts.get(g.action_id)
        over = members.get(g.id, [])
        out.append(
            {
                "id": g.id,
                "program": g.program,
                "assistance_listing": g.assistance_listing,
                "fiscal_year": g.fiscal_year,
                "amount": format_amount(g.amount_cents),
                "amount_type": g.amount_type,
                "scope": g.scope,
                "jurisdiction": ocds.get(g.jurisdiction_id),
                "aggregate_over": over,
                "action": act.key if act else None,
                "source": keys[g.source_id],
                "note": g.note,
                "covers": coverage(g.scope, over, act),
            }
        )
    return out


def covering(jurisdiction_id: int):
    """Amounts tied to a jurisdiction: its own, and the aggregates that cover
    it (as a member, or as a target of the action an aggregate is tied to)."""
    AT = ActionTarget
    member = sa.select(GM.c.grant_id).where(GM.c.jurisdiction_id == jurisdiction_id)
    via_action = sa.select(AT.c.action_id).where(AT.c.jurisdiction_id == jurisdiction_id)
    return sa.or_(
        G.c.jurisdiction_id == jurisdiction_id, G.c.id.in_(member), G.c.action_id.in_(via_action)
    )


def list_grants(
    conn: sa.Connection, *, jurisdiction: str | None = None, fiscal_year: int | None = None
) -> Rows:
    """Grant amounts; for a jurisdiction (a REF), its own and the aggregates that cover it."""
    q = sa.select(G)
    if jurisdiction is not None:
        q = q.where(covering(jur.resolve_id(conn, jurisdiction)))
    if fiscal_year is not None:
        q = q.where(G.c.fiscal_year == fiscal_year)
    return Rows(COLUMNS, _records(conn, q.order_by(G.c.fiscal_year, G.c.program, G.c.id)))
