"""Grant money: exact cents, tied to one jurisdiction or an aggregate.

An aggregate (several jurisdictions, or an action) is stored once with the
jurisdictions it covers; nothing ever splits it into invented shares.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import vocab
from tracker.errors import InvalidValue
from tracker.models import FederalAction, GrantAmount, GrantMember, Jurisdiction, Source
from tracker.values import clean_text, parse_amount, parse_assistance_listing, parse_year


def validate(
    *,
    program: str,
    fiscal_year: str | int,
    amount: str,
    amount_type: str,
    assistance_listing: str | None = None,
    note: str | None = None,
) -> dict:
    listing = parse_assistance_listing(assistance_listing)
    return {
        "program": clean_text(program, "program", required=True),
        "fiscal_year": parse_year(str(fiscal_year), "fiscal year"),
        "amount_cents": parse_amount(amount, "amount"),
        "amount_type": vocab.parse_choice(vocab.AmountType, amount_type, "type").value,
        "assistance_listing": listing,
        "note": clean_text(note, "note"),
    }


def add(
    session: Session,
    source: Source,
    jurisdictions: list[Jurisdiction] = (),
    action: FederalAction | None = None,
    *,
    recorded_at: datetime | None = None,
    **fields,
) -> GrantAmount:
    data = validate(**fields)
    members = list({j.id: j for j in jurisdictions}.values())
    if not members and action is None:
        raise InvalidValue(
            "jurisdiction: give a jurisdiction, several for an aggregate, or --action"
        )
    if len(members) == 1 and action is None:
        grant = GrantAmount(
            scope=vocab.GrantScope.jurisdiction.value,
            jurisdiction_id=members[0].id,
            source_id=source.id,
            **data,
        )
    else:
        grant = GrantAmount(
            scope=vocab.GrantScope.aggregate.value,
            action_id=action.id if action else None,
            source_id=source.id,
            **data,
        )
    if recorded_at is not None:
        grant.recorded_at = recorded_at
    session.add(grant)
    session.flush()
    if grant.scope == vocab.GrantScope.aggregate:
        for j in members:
            session.add(GrantMember(grant_id=grant.id, jurisdiction_id=j.id))
        session.flush()
    return grant


def members_of(session: Session, grant: GrantAmount) -> list[Jurisdiction]:
    return list(
        session.exec(
            select(Jurisdiction)
            .join(GrantMember, GrantMember.jurisdiction_id == Jurisdiction.id)
            .where(GrantMember.grant_id == grant.id)
            .order_by(Jurisdiction.ocd_id)
        )
    )


def list_grants(
    session: Session, *, jurisdiction: Jurisdiction | None = None, fiscal_year: int | None = None
) -> list[GrantAmount]:
    """Grant amounts; for a jurisdiction, its own and the aggregates that cover it."""
    from tracker.models import ActionTarget

    q = select(GrantAmount)
    if jurisdiction is not None:
        jid = jurisdiction.id
        member = select(GrantMember.grant_id).where(GrantMember.jurisdiction_id == jid)
        via_action = select(ActionTarget.action_id).where(ActionTarget.jurisdiction_id == jid)
        q = q.where(
            sa.or_(
                GrantAmount.jurisdiction_id == jid,
                GrantAmount.id.in_(member),
                GrantAmount.action_id.in_(via_action),
            )
        )
    if fiscal_year is not None:
        q = q.where(GrantAmount.fiscal_year == fiscal_year)
    return list(
        session.exec(q.order_by(GrantAmount.fiscal_year, GrantAmount.program, GrantAmount.id))
    )


def coverage(
    grant: GrantAmount,
    members: list[Jurisdiction],
    action: FederalAction | None,
) -> str:
    """What an amount covers, in words: one jurisdiction's own money, or an
    aggregate total that belongs to several and is never a per-jurisdiction share."""
    if grant.scope != vocab.GrantScope.aggregate:
        return "own amount"
    if members:
        return f"aggregate over {len(members)} jurisdictions, not split"
    if action is not None and action.target_count:
        return f"aggregate over the {action.target_count} jurisdictions targeted by the action, not split"
    return "aggregate over the action's targets, not split"
