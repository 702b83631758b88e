"""Jurisdictions: identity (OCD id, FIPS, state), references, and changes."""

import difflib
import re

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import vocab
from tracker.errors import Ambiguous, Duplicate, InvalidValue, NotFound, TrackerError
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
from tracker.values import clean_text, fold


def label(j: Jurisdiction) -> str:
    """How a jurisdiction is named to a user: ``Chicago, IL (ocd-division/...)``."""
    return f"{j.name}, {j.state} ({j.ocd_id})"


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

# "San Francisco County" and "City and County of San Francisco" both find the
# consolidated city-county named "San Francisco".
_CITY_COUNTY_FORMS = (
    re.compile(r"^(?:city and county of|city-county of|consolidated city of)\s+(.+)$"),
    re.compile(r"^(.+?)\s+(?:county|parish|borough|city-county|city and county)$"),
    re.compile(r"^city of\s+(.+)$"),
    re.compile(r"^(.+?)\s+city$"),
)


def _name_matches(session: Session, folded: str, state: str | None) -> list[Jurisdiction]:
    by_name = select(Jurisdiction).where(Jurisdiction.name_folded == folded)
    by_alias = (
        select(Jurisdiction)
        .join(JurisdictionAlias, JurisdictionAlias.jurisdiction_id == Jurisdiction.id)
        .where(JurisdictionAlias.alias_folded == folded)
    )
    if state:
        by_name = by_name.where(Jurisdiction.state == state)
        by_alias = by_alias.where(Jurisdiction.state == state)
    found = {j.id: j for j in session.exec(by_name)}
    found.update({j.id: j for j in session.exec(by_alias)})
    if not found:
        for form in _CITY_COUNTY_FORMS:
            m = form.match(folded)
            if not m:
                continue
            q = select(Jurisdiction).where(
                Jurisdiction.name_folded == m.group(1), Jurisdiction.kind == K.city_county
            )
            if state:
                q = q.where(Jurisdiction.state == state)
            found.update({j.id: j for j in session.exec(q)})
    return sorted(found.values(), key=lambda j: j.ocd_id)


def _state_level(session: Session, code: str) -> Jurisdiction | None:
    return session.exec(
        select(Jurisdiction).where(
            Jurisdiction.state == code, Jurisdiction.kind.in_([k.value for k in STATE_LEVEL])
        )
    ).first()


def _loose(text: str) -> str:
    """Letters and digits only: "Washington, DC" and "Washington D.C." agree."""
    return re.sub(r"[\W_]+", "", fold(text))


def _names(session: Session, state: str | None) -> list[tuple[str, int]]:
    """Every (name or alias, jurisdiction id), optionally within one state."""
    by_name = select(Jurisdiction.name_folded, Jurisdiction.id)
    by_alias = select(JurisdictionAlias.alias_folded, Jurisdiction.id).join(
        Jurisdiction, JurisdictionAlias.jurisdiction_id == Jurisdiction.id
    )
    if state:
        by_name = by_name.where(Jurisdiction.state == state)
        by_alias = by_alias.where(Jurisdiction.state == state)
    return [tuple(r) for r in session.exec(by_name)] + [tuple(r) for r in session.exec(by_alias)]


def _by_ids(session: Session, ids) -> list[Jurisdiction]:
    if not ids:
        return []
    rows = session.exec(select(Jurisdiction).where(Jurisdiction.id.in_(list(ids))))
    return sorted(rows, key=lambda j: j.ocd_id)


def _loose_matches(session: Session, text: str, state: str | None) -> list[Jurisdiction]:
    key = _loose(text)
    if not key:
        return []
    return _by_ids(session, {jid for name, jid in _names(session, state) if _loose(name) == key})


def _suggest(session: Session, folded: str, state: str | None) -> list[Jurisdiction]:
    names = _names(session, state)
    close = difflib.get_close_matches(folded, {n for n, _ in names}, n=5, cutoff=0.6)
    if not close and state:
        # "Chicago, IN": the name exists, in another state.
        return _suggest(session, folded, None)
    ids: list[int] = []
    for c in close:
        ids.extend(jid for n, jid in names if n == c and jid not in ids)
    rank = {jid: i for i, jid in enumerate(ids)}
    return sorted(_by_ids(session, ids), key=lambda j: rank[j.id])[:5]


def _ambiguous(field: str, ref: str, matches: list[Jurisdiction]) -> Ambiguous:
    listed = "; ".join(label(j) for j in matches[:10])
    more = f"; and {len(matches) - 10} more" if len(matches) > 10 else ""
    return Ambiguous(
        f"{field}: {ref!r} matches {len(matches)} jurisdictions: {listed}{more}; "
        "use the OCD id or 'Name, ST'"
    )


def _by_ocd_id(session: Session, text: str, field: str) -> Jurisdiction:
    j = session.exec(select(Jurisdiction).where(Jurisdiction.ocd_id == text.lower())).first()
    if j is not None:
        return j
    # Accents and case do not matter here either: ".../county:dona_ana".
    key = fold(text)
    ids = [
        jid
        for ocd, jid in session.exec(select(Jurisdiction.ocd_id, Jurisdiction.id))
        if fold(ocd) == key
    ]
    if len(ids) == 1:
        return session.get(Jurisdiction, ids[0])
    if ids:
        raise _ambiguous(field, text, _by_ids(session, ids))
    raise NotFound(f"{field}: no jurisdiction has the OCD id {text!r}")


def _by_number(session: Session, text: str, field: str) -> Jurisdiction:
    """A FIPS code (2, 5 or 7 digits) or a database id; both matching is ambiguous."""
    by_fips = None
    if len(text) in (2, 5, 7):
        by_fips = session.exec(select(Jurisdiction).where(Jurisdiction.fips == text)).first()
    # "06" is California's FIPS code, never id 6: ids have no leading zero.
    is_id = len(text) < 19 and not text.startswith("0")
    by_id = session.get(Jurisdiction, int(text)) if is_id else None
    if by_fips is not None and by_id is not None and by_fips.id != by_id.id:
        raise Ambiguous(
            f"{field}: {text!r} is the FIPS code of {label(by_fips)} and the id of "
            f"{label(by_id)}; use the OCD id"
        )
    found = by_fips or by_id
    if found is None:
        raise NotFound(f"{field}: no jurisdiction has the id or FIPS code {text!r}")
    return found


def resolve(session: Session, ref: str, field: str = "jurisdiction") -> Jurisdiction:
    """Find one jurisdiction by id, OCD id, FIPS, ``Name, ST``, state name or code, or alias."""
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: a jurisdiction reference is required")
    if "\x00" in text:
        raise InvalidValue(f"{field}: contains a NUL character")
    if text.lower().startswith("ocd-division/"):
        return _by_ocd_id(session, text, field)
    if text.isascii() and text.isdigit():
        return _by_number(session, text, field)

    matches: list[Jurisdiction] = []
    head, comma, tail = text.rpartition(",")
    split_state = lookup_state(tail) if comma and head.strip() else None
    if split_state is not None:
        matches = _name_matches(session, fold(head), split_state.abbr)
        if len(matches) > 1:
            # "New York, NY": prefer the local government over the state itself.
            matches = [j for j in matches if j.kind not in STATE_LEVEL] or matches
    if not matches:
        # The whole text as a name or alias: "Washington, D.C.", "Jeff Sessions, AG".
        matches = _name_matches(session, fold(text), None)
        if len(matches) > 1 and lookup_state(text) is not None:
            # A bare "New York" is the state when the state is tracked.
            states = [j for j in matches if j.kind in STATE_LEVEL]
            matches = states if len(states) == 1 else matches
    if not matches:
        st = lookup_state(text)
        found = _state_level(session, st.abbr) if st is not None else None
        if found is not None:
            return found
    if not matches and split_state is not None:
        matches = _loose_matches(session, head, split_state.abbr)
    if not matches:
        matches = _loose_matches(session, text, None)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise _ambiguous(field, ref, matches)

    if comma and head.strip() and split_state is None:
        folded, state = fold(head), None
        bad = f"; {tail.strip()!r} is not a state code"
    else:
        folded = fold(head) if split_state else fold(text)
        state = split_state.abbr if split_state else None
        bad = ""
    close = _suggest(session, folded, state)
    hint = (
        f"; did you mean: {'; '.join(label(j) for j in close)}"
        if close
        else "; see `tracker jurisdictions list`"
    )
    raise NotFound(f"{field}: no jurisdiction matches {ref!r}{bad}{hint}")


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
