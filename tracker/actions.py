"""Federal actions aimed at jurisdictions, with named targets and a stated count."""

import re
import unicodedata

from sqlmodel import Session, select

from tracker import vocab
from tracker.errors import Duplicate, InvalidValue, NotFound
from tracker.models import ActionTarget, FederalAction, Jurisdiction, Source
from tracker.values import clean_text, parse_partial_date


def slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "action"


def action_key(date: str, title: str) -> str:
    """The natural key: date and a slug of the title, ``2018-01-24-doj-threatens-...``."""
    return f"{date}-{slug(title)}"


def validate(
    title: str,
    *,
    date: str,
    agency: str,
    kind: str,
    description: str | None = None,
    target_count: int | None = None,
    key: str | None = None,
) -> dict:
    title = clean_text(title, "title", required=True)
    date = parse_partial_date(date, "date")
    if target_count is not None and target_count < 0:
        raise InvalidValue(f"target count: {target_count} is negative")
    return {
        "key": clean_text(key, "key") or action_key(date, title),
        "title": title,
        "date": date,
        "agency": clean_text(agency, "agency", required=True),
        "kind": vocab.parse_choice(vocab.ActionKind, kind, "kind").value,
        "description": clean_text(description, "description"),
        "target_count": target_count,
    }


def _check_count(action: FederalAction, named: int) -> None:
    if action.target_count is not None and named > action.target_count:
        raise InvalidValue(
            f"target count: {action.target_count} is fewer than the {named} named targets"
        )


def add(
    session: Session, source: Source, targets: list[Jurisdiction] = (), **fields
) -> FederalAction:
    data = validate(**fields)
    clash = session.exec(select(FederalAction).where(FederalAction.key == data["key"])).first()
    if clash is not None:
        raise Duplicate(f"action {data['key']!r} already exists (id {clash.id})")
    action = FederalAction(source_id=source.id, **data)
    unique = {j.id: j for j in targets}
    _check_count(action, len(unique))
    session.add(action)
    session.flush()
    for jid in unique:
        session.add(ActionTarget(action_id=action.id, jurisdiction_id=jid))
    session.flush()
    return action


def targets_of(session: Session, action: FederalAction) -> list[Jurisdiction]:
    return list(
        session.exec(
            select(Jurisdiction)
            .join(ActionTarget, ActionTarget.jurisdiction_id == Jurisdiction.id)
            .where(ActionTarget.action_id == action.id)
            .order_by(Jurisdiction.ocd_id)
        )
    )


def update(
    session: Session,
    action: FederalAction,
    *,
    add_targets: list[Jurisdiction] = (),
    target_count: int | None = None,
    description: str | None = None,
) -> FederalAction:
    if target_count is not None:
        if target_count < 0:
            raise InvalidValue(f"target count: {target_count} is negative")
        action.target_count = target_count
    if description is not None:
        action.description = clean_text(description, "description")
    current = {j.id for j in targets_of(session, action)}
    new = [j for j in {j.id: j for j in add_targets}.values() if j.id not in current]
    _check_count(action, len(current) + len(new))
    session.add(action)
    for j in new:
        session.add(ActionTarget(action_id=action.id, jurisdiction_id=j.id))
    session.flush()
    return action


def resolve(session: Session, ref: str, field: str = "action") -> FederalAction:
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: an action is required (its id or key)")
    if "\x00" in text:
        # PostgreSQL cannot even compare text holding NUL: refuse it before any query.
        raise InvalidValue(f"{field}: contains a NUL character")
    found = session.exec(select(FederalAction).where(FederalAction.key == text)).first()
    if found is None and text.isascii() and text.isdigit() and len(text) < 19:
        found = session.get(FederalAction, int(text))
    if found is None:
        raise NotFound(f"{field}: no action has the id or key {ref!r}; see `tracker actions list`")
    return found


def list_actions(session: Session) -> list[FederalAction]:
    return list(session.exec(select(FederalAction).order_by(FederalAction.date, FederalAction.key)))
