"""Litigation: cases, their parties and rulings."""

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import jurisdictions as jur
from tracker import vocab
from tracker.errors import Ambiguous, Duplicate, InvalidValue, NotFound
from tracker.models import CaseParty, Jurisdiction, LegalCase, Ruling, Source
from tracker.values import clean_text, optional_date, parse_partial_date


def validate(
    caption: str,
    *,
    court: str,
    docket: str | None = None,
    filed: str | None = None,
    status: str = "pending",
    summary: str | None = None,
    key: str | None = None,
) -> dict:
    caption = clean_text(caption, "caption", required=True)
    docket = clean_text(docket, "docket")
    return {
        "key": clean_text(key, "key") or docket or caption,
        "caption": caption,
        "court": clean_text(court, "court", required=True),
        "docket": docket,
        "filed": optional_date(filed, "filed"),
        "status": vocab.parse_choice(vocab.CaseStatus, status or "pending", "status").value,
        "summary": clean_text(summary, "summary"),
    }


def resolve_party(session: Session, text: str, role: str) -> tuple[Jurisdiction | None, str | None]:
    """A party is a tracked jurisdiction when its text is a REF, else a named
    person or agency. Text shaped like ``Name, ST`` must be a jurisdiction."""
    value = clean_text(text, role, required=True)
    try:
        return jur.resolve(session, value, field=role), None
    except Ambiguous:
        raise
    except (NotFound, InvalidValue):
        # Text that can only be a reference (an id, a FIPS or OCD id, or
        # "Name, ST") must find a jurisdiction: a typo never becomes a person.
        head, comma, tail = value.rpartition(",")
        if comma and head.strip() and jur.lookup_state(tail) is not None:
            raise
        if (value.isascii() and value.isdigit()) or value.lower().startswith("ocd-division/"):
            raise
        return None, value


def add(
    session: Session,
    source: Source,
    parties: list[tuple[str, str]] = (),
    **fields,
) -> LegalCase:
    """A case; ``parties`` pairs a role with party text (REF or name)."""
    data = validate(**fields)
    for column in ("key", "docket"):
        if data[column]:
            clash = session.exec(
                select(LegalCase).where(getattr(LegalCase, column) == data[column])
            ).first()
            if clash is not None:
                raise Duplicate(f"case {column} {data[column]!r} already exists: {clash.caption}")
    case = LegalCase(source_id=source.id, **data)
    session.add(case)
    session.flush()
    for role, text in parties:
        add_party(session, case, role, text)
    return case


def add_party(session: Session, case: LegalCase, role: str, text: str) -> CaseParty:
    role = vocab.parse_choice(vocab.PartyRole, role, "role").value
    jurisdiction, name = resolve_party(session, text, role)
    q = select(CaseParty).where(CaseParty.case_id == case.id, CaseParty.role == role)
    q = (
        q.where(CaseParty.jurisdiction_id == jurisdiction.id)
        if jurisdiction
        else q.where(CaseParty.name == name)
    )
    if session.exec(q).first() is not None:
        raise Duplicate(f"{role}: {text!r} is already a {role} in {case.caption}")
    party = CaseParty(
        case_id=case.id,
        role=role,
        jurisdiction_id=jurisdiction.id if jurisdiction else None,
        name=name,
    )
    session.add(party)
    session.flush()
    return party


def update(
    session: Session,
    case: LegalCase,
    *,
    docket: str | None = None,
    status: str | None = None,
    court: str | None = None,
    filed: str | None = None,
    summary: str | None = None,
) -> LegalCase:
    if docket is not None:
        docket = clean_text(docket, "docket")
        if docket:
            clash = session.exec(select(LegalCase).where(LegalCase.docket == docket)).first()
            if clash is not None and clash.id != case.id:
                raise Duplicate(f"docket {docket!r} already belongs to {clash.caption}")
        case.docket = docket
    if status is not None:
        case.status = vocab.parse_choice(vocab.CaseStatus, status, "status").value
    if court is not None:
        case.court = clean_text(court, "court", required=True)
    if filed is not None:
        case.filed = optional_date(filed, "filed")
    if summary is not None:
        case.summary = clean_text(summary, "summary")
    session.add(case)
    session.flush()
    return case


def rule(
    session: Session,
    case: LegalCase,
    source: Source,
    *,
    date: str,
    kind: str,
    judge: str | None = None,
    summary: str | None = None,
) -> Ruling:
    date = parse_partial_date(date, "date")
    kind = vocab.parse_choice(vocab.RulingKind, kind, "kind").value
    clash = session.exec(
        select(Ruling).where(Ruling.case_id == case.id, Ruling.date == date, Ruling.kind == kind)
    ).first()
    if clash is not None:
        raise Duplicate(f"{case.caption} already has a ruling of kind {kind} dated {date}")
    ruling = Ruling(
        case_id=case.id,
        source_id=source.id,
        date=date,
        kind=kind,
        judge=clean_text(judge, "judge"),
        summary=clean_text(summary, "summary"),
    )
    session.add(ruling)
    session.flush()
    return ruling


def resolve(session: Session, ref: str, field: str = "case") -> LegalCase:
    """A case by id, key, docket number or caption (case-insensitive)."""
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: a case is required (its id, docket or caption)")
    if "\x00" in text:
        # PostgreSQL cannot even compare text holding NUL: refuse it before any query.
        raise InvalidValue(f"{field}: contains a NUL character")
    for column in (LegalCase.key, LegalCase.docket):
        found = session.exec(select(LegalCase).where(column == text)).first()
        if found is not None:
            return found
    if text.isascii() and text.isdigit() and len(text) < 19:
        found = session.get(LegalCase, int(text))
        if found is not None:
            return found
    from tracker.values import fold

    matches = [c for c in session.exec(select(LegalCase)) if fold(c.caption) == fold(text)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(f"{c.caption} [{c.key}]" for c in matches)
        raise Ambiguous(f"{field}: {ref!r} matches {len(matches)} cases: {listed}")
    raise NotFound(
        f"{field}: no case has the id, docket or caption {ref!r}; see `tracker cases list`"
    )


def parties_of(session: Session, case: LegalCase) -> list[tuple[CaseParty, Jurisdiction | None]]:
    order = {r.value: i for i, r in enumerate(vocab.PartyRole)}
    rows = session.exec(
        select(CaseParty, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == CaseParty.jurisdiction_id, isouter=True)
        .where(CaseParty.case_id == case.id)
        .order_by(CaseParty.id)
    )
    return sorted(rows, key=lambda r: order[r[0].role])


def rulings_of(session: Session, case: LegalCase) -> list[Ruling]:
    return list(
        session.exec(
            select(Ruling).where(Ruling.case_id == case.id).order_by(Ruling.date, Ruling.id)
        )
    )


def list_cases(session: Session) -> list[LegalCase]:
    # Undated cases last on both engines (SQLite and PostgreSQL order NULLs differently).
    undated = sa.case((LegalCase.filed.is_(None), 1), else_=0)
    return list(session.exec(select(LegalCase).order_by(undated, LegalCase.filed, LegalCase.key)))


def party_label(party: CaseParty, jurisdiction: Jurisdiction | None) -> str:
    """A party as shown: ``Chicago, IL``, ``California``, or the name as given."""
    if jurisdiction is None:
        return party.name
    if jurisdiction.kind in jur.STATE_LEVEL:
        return jurisdiction.name
    return f"{jurisdiction.name}, {jurisdiction.state}"
