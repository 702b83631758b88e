"""Jurisdictions: identity (OCD id, FIPS, state), references, and changes."""

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import refs, vocab
from tracker.errors import Duplicate, InvalidValue, TrackerError
from tracker.identity import (  # noqa: F401 - the identity rules, re-exported
    FIPS_LENGTHS,
    STATE_LEVEL,
    JurisdictionInput,
    K,
    derive_ocd_id,
    lookup_state,
    one_line,
    parse_state,
    validate,
    validate_fips,
)
from tracker.models import (
    ActionTarget,
    CaseParty,
    GrantAmount,
    GrantMember,
    Jurisdiction,
    JurisdictionAlias,
    PolicyStatus,
)
from tracker.refs import label
from tracker.values import clean_text, fold


def check_unique(session: Session, data: JurisdictionInput, exclude_id: int | None = None) -> None:
    clash = session.exec(select(Jurisdiction).where(Jurisdiction.ocd_id == data.ocd_id)).first()
    if clash is not None and clash.id != exclude_id:
        raise Duplicate(f"jurisdiction {data.ocd_id} already exists: {label(clash)}")
    if data.fips:
        clash = session.exec(select(Jurisdiction).where(Jurisdiction.fips == data.fips)).first()
        if clash is not None and clash.id != exclude_id:
            raise Duplicate(f"fips {data.fips} already belongs to {label(clash)}")


_PREFIXES = ("city and county of", "city-county of", "county of", "city of")
_SUFFIXES = ("city and county", "city-county", "county", "parish", "borough", "municipio", "city")


def _base_name(folded: str) -> str:
    """ "San Francisco County" and "City of San Francisco" are both "san francisco"."""
    for p in _PREFIXES:
        if folded.startswith(p + " "):
            return folded[len(p) + 1 :]
    for suffix in _SUFFIXES:
        if folded.endswith(" " + suffix):
            return folded[: -len(suffix) - 1]
    return folded


def _name_forms(base: str) -> list[str]:
    return [base, *(f"{p} {base}" for p in _PREFIXES), *(f"{base} {x}" for x in _SUFFIXES)]


def check_city_county(session: Session, data: JurisdictionInput) -> None:
    """A consolidated city-county is one jurisdiction: refuse its city or county
    as a second record (and a city-county over an already tracked one)."""
    if data.kind in STATE_LEVEL:
        return
    forms = _name_forms(_base_name(fold(data.name)))
    if data.kind == K.city_county:
        kinds = [k.value for k in K if k not in STATE_LEVEL]
    else:
        kinds = [K.city_county.value]
    aliased = select(JurisdictionAlias.jurisdiction_id).where(
        JurisdictionAlias.alias_folded.in_(forms)
    )
    clash = session.exec(
        select(Jurisdiction).where(
            Jurisdiction.state == data.state,
            Jurisdiction.kind.in_(kinds),
            sa.or_(Jurisdiction.name_folded.in_(forms), Jurisdiction.id.in_(aliased)),
        )
    ).first()
    if clash is None:
        return
    if clash.kind == K.city_county:
        raise Duplicate(
            f"name: {data.name!r} is the consolidated city-county already tracked as "
            f"{label(clash)}; add it as an alias instead"
        )
    raise Duplicate(
        f"name: {label(clash)} is already tracked as a {clash.kind}; a consolidated "
        "city-county is one record, so remove that one first or add this name as its alias"
    )


def add(session: Session, data: JurisdictionInput) -> Jurisdiction:
    check_unique(session, data)
    check_city_county(session, data)
    j = Jurisdiction(
        ocd_id=data.ocd_id,
        name=data.name,
        name_folded=fold(data.name),
        kind=data.kind,
        state=data.state,
        fips=data.fips,
        population=data.population,
        notes=data.notes,
    )
    session.add(j)
    session.flush()
    for alias in data.aliases:
        session.add(JurisdictionAlias(jurisdiction_id=j.id, alias=alias, alias_folded=fold(alias)))
    session.flush()
    return j


def aliases_of(session: Session, jurisdiction_id: int) -> list[str]:
    rows = session.exec(
        select(JurisdictionAlias.alias)
        .where(JurisdictionAlias.jurisdiction_id == jurisdiction_id)
        .order_by(JurisdictionAlias.alias)
    )
    return list(rows)


def add_alias(session: Session, j: Jurisdiction, alias: str) -> None:
    alias = one_line(clean_text(alias, "alias", required=True), "alias")
    folded = fold(alias)
    if folded == j.name_folded or folded in {fold(a) for a in aliases_of(session, j.id)}:
        raise Duplicate(f"alias: {label(j)} already has the name {alias!r}")
    session.add(JurisdictionAlias(jurisdiction_id=j.id, alias=alias, alias_folded=folded))
    session.flush()


# --- references ---------------------------------------------------------------


def resolve(session: Session, ref: str, field: str = "jurisdiction") -> Jurisdiction:
    """Find one jurisdiction by id, OCD id, FIPS, ``Name, ST``, state name or code, or alias."""
    return session.get(Jurisdiction, refs.resolve(refs.session_query(session), ref, field))


# --- changes ------------------------------------------------------------------


def update(
    session: Session,
    j: Jurisdiction,
    *,
    name: str | None = None,
    fips: str | None = None,
    population: int | None = None,
    notes: str | None = None,
    add_aliases: list[str] | tuple[str, ...] = (),
) -> Jurisdiction:
    import us

    st = us.states.lookup(j.state)
    if name is not None:
        name = one_line(clean_text(name, "name", required=True), "name")
        # The old name stays findable as an alias.
        if fold(name) != j.name_folded and j.name not in add_aliases:
            add_aliases = [*add_aliases, j.name]
        j.name = name
        j.name_folded = fold(name)
    if fips is not None:
        value = validate_fips(fips, j.kind, st.fips)
        if value and j.kind in STATE_LEVEL and value != st.fips:
            raise InvalidValue(f"fips: {fips!r} is not {st.name}'s code {st.fips}")
        if value:
            clash = session.exec(select(Jurisdiction).where(Jurisdiction.fips == value)).first()
            if clash is not None and clash.id != j.id:
                raise Duplicate(f"fips {value} already belongs to {label(clash)}")
        j.fips = value
    if population is not None:
        if population < 0:
            raise InvalidValue(f"population: {population} is negative")
        j.population = population
    if notes is not None:
        j.notes = clean_text(notes, "notes")
    session.add(j)
    session.flush()
    existing = {fold(a) for a in aliases_of(session, j.id)}
    for alias in add_aliases:
        alias = one_line(clean_text(alias, "alias", required=True), "alias")
        if fold(alias) in existing or fold(alias) == j.name_folded:
            continue
        existing.add(fold(alias))
        session.add(JurisdictionAlias(jurisdiction_id=j.id, alias=alias, alias_folded=fold(alias)))
    session.flush()
    return j


def history_counts(session: Session, jurisdiction_id: int) -> dict[str, int]:
    """How many records of each kind refer to a jurisdiction."""
    tables = {
        "status assertions": PolicyStatus,
        "grant amounts": GrantAmount,
        "aggregate memberships": GrantMember,
        "action targets": ActionTarget,
        "case parties": CaseParty,
    }
    return {
        what: session.exec(
            select(sa.func.count()).select_from(t).where(t.jurisdiction_id == jurisdiction_id)
        ).one()
        for what, t in tables.items()
    }


def removal_summary(session: Session, j: Jurisdiction, *, cascade: bool = False) -> str:
    """What removing ``j`` would also remove ("2 status assertions, ..."), or
    an error when it has history and ``cascade`` is not given."""
    counts = {k: v for k, v in history_counts(session, j.id).items() if v}
    what = ", ".join(f"{n} {k}" for k, n in counts.items())
    if counts and not cascade:
        raise TrackerError(
            f"{label(j)} has history ({what}); use --cascade to remove it and its records"
        )
    return what


def remove(session: Session, j: Jurisdiction, *, cascade: bool = False) -> dict[str, int]:
    """Delete a jurisdiction; with ``cascade`` also every record about it."""
    removal_summary(session, j, cascade=cascade)
    counts = {k: v for k, v in history_counts(session, j.id).items() if v}
    for table in (
        PolicyStatus,
        GrantAmount,
        GrantMember,
        ActionTarget,
        CaseParty,
        JurisdictionAlias,
    ):
        session.exec(sa.delete(table).where(table.jurisdiction_id == j.id))
    session.delete(j)
    session.flush()
    return counts


def list_jurisdictions(
    session: Session, *, state: str | None = None, kind: str | None = None
) -> list[Jurisdiction]:
    q = select(Jurisdiction)
    if state:
        q = q.where(Jurisdiction.state == parse_state(state).abbr)
    if kind:
        q = q.where(Jurisdiction.kind == vocab.parse_choice(K, kind, "kind").value)
    return list(
        session.exec(q.order_by(Jurisdiction.state, Jurisdiction.name_folded, Jurisdiction.ocd_id))
    )
