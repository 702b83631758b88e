"""Jurisdictions: identity (state, kind, FIPS, OCD id), references (REF), and
the one way jurisdictions are written.

Identity is checked by pure functions written to cost a few microseconds a
row (a national file checks every row with them): exact inputs are looked up
in tables, anything else takes the careful path, which also words the error.
A REF is read in one order (``parse_ref``, DESIGN.md's) and resolved
against the database (``resolve_id``), or within a file's batch from an
in-memory index first (``ref_id``). ``write`` stores a batch of rows, each
matched by its OCD id; ``add`` and ``update`` are batches of one.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from tracker import vocab
from tracker.batch import Batch, Fields, chunks
from tracker.csvformat import Row, join_list, split_list
from tracker.db import BulkWriter
from tracker.errors import Ambiguous, Duplicate, InvalidValue, NotFound, TrackerError
from tracker.models import (
    ActionTarget,
    CaseParty,
    GrantAmount,
    GrantMember,
    Jurisdiction,
    JurisdictionAlias,
    ListEntry,
    PolicyStatus,
    RulingCoverage,
    RulingEventCoverage,
)
from tracker.registry import OCD_BASE, derive_ocd_id
from tracker.values import clean_text, fold, name_and_state, parse_count

J = Jurisdiction
A = JurisdictionAlias

K = vocab.JurisdictionKind
STATE_LEVEL = frozenset({K.state, K.territory, K.federal_district})
FIPS_LENGTHS = {
    K.state: (2,),
    K.territory: (2,),
    K.federal_district: (2,),
    K.county: (5,),
    K.city_county: (5, 7),
}
_PLACE_FIPS = (7,)
_KIND_VALUES = {k.value: k.value for k in K}


def _state_key(text: str) -> str:
    """A state name or code for matching: folded, dots dropped (``D.C.`` is ``dc``)."""
    return fold(text).replace(".", "")


_STATE_INDEX: dict[str, object] = {}
# Inputs already looked up ("CA", "California", "06"): a dict hit per row.
_STATE_SEEN: dict[str, object] = {}


def lookup_state(text: str):
    """The ``us`` package's state, territory or DC for a postal code, name or FIPS code.

    Exact matches only: ``us.states.lookup`` matches names by sound, which
    would read "Main" as Maine and let a typo pass as a state.
    """
    found = _STATE_SEEN.get(text) if isinstance(text, str) else None
    if found is not None:
        return found
    if not isinstance(text, str) or not text.strip():
        return None
    if not _STATE_INDEX:
        import us

        for st in us.states.STATES_AND_TERRITORIES:
            for key in (st.abbr, st.name, st.fips):
                _STATE_INDEX[_state_key(key)] = st
    found = _STATE_INDEX.get(_state_key(text))
    if found is not None and len(_STATE_SEEN) < 10_000:
        _STATE_SEEN[text] = found
    return found


def parse_state(text: str, field: str = "state"):
    state = lookup_state(text) if isinstance(text, str) else None
    if state is None and not (text or "").strip():
        raise InvalidValue(f"{field}: missing")
    if state is None:
        raise InvalidValue(f"{field}: {text!r} is not a US state, territory or DC postal code")
    return state


_OCD_RE = re.compile(r"ocd-division/country:us(/[a-z_]+:[^/\s:]+)+")


def validate_fips(fips: str | None, kind: str, state_fips: str) -> str | None:
    if fips is None:
        return None
    value = fips.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise InvalidValue(f"fips: {fips!r} must be digits only")
    lengths = FIPS_LENGTHS.get(kind, _PLACE_FIPS)
    if len(value) not in lengths:
        want = " or ".join(str(n) for n in lengths)
        raise InvalidValue(f"fips: {fips!r} has {len(value)} digits; a {kind} has {want}")
    if not value.startswith(state_fips):
        raise InvalidValue(f"fips: {fips!r} does not start with the state's code {state_fips}")
    return value


@dataclass(slots=True)
class JurisdictionInput:
    """A validated jurisdiction, ready to store."""

    name: str
    kind: str
    state: str
    ocd_id: str
    fips: str | None = None
    population: int | None = None
    aliases: tuple[str, ...] = ()
    notes: str | None = None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str | None, field: str) -> str | None:
    """Names are shown in tables and messages: no line breaks or escape codes."""
    if text is not None and _CONTROL.search(text):
        raise InvalidValue(f"{field}: {text!r} contains a control character (tab, newline, escape)")
    return text


def validate(
    name: str,
    kind: str,
    state: str,
    *,
    fips: str | None = None,
    population: int | str | None = None,
    aliases: tuple[str, ...] | list[str] = (),
    notes: str | None = None,
    ocd_id: str | None = None,
) -> JurisdictionInput:
    """A jurisdiction's fields checked, every one: its problems are raised
    together (an InvalidRow when there are several). ``population`` may be
    the text a file gives."""
    # Hot path: exact inputs are dict hits; the rest goes through the careful
    # parsers, which also word the errors.
    fields = Fields()
    check = fields.check
    ocd = check(_ocd_id, ocd_id) if ocd_id is not None else None
    if not name or name[0].isspace() or name[-1].isspace() or "\x00" in name:
        name = check(clean_text, name, "name", required=True)
    if name is not None and not name.isprintable() and _CONTROL.search(name):
        name = check(one_line, name, "name")
    kind = _KIND_VALUES.get(kind) or check(_kind, kind)
    st = _STATE_SEEN.get(state) if state.__class__ is str else None
    if st is None:
        st = check(parse_state, state)
    if kind in STATE_LEVEL and st is not None:
        check(_state_level_kind, kind, st)
    if fips is not None and kind is not None and st is not None:
        if not fips:
            fips = None
        elif not (
            fips.isdigit()
            and fips.isascii()
            and len(fips) in FIPS_LENGTHS.get(kind, _PLACE_FIPS)
            and fips.startswith(st.fips)
        ):
            # Not plainly a code of this kind and state: the careful check words why.
            fips = check(validate_fips, fips, kind, st.fips)
        if fips is not None and kind in STATE_LEVEL and fips != st.fips:
            fields.add(InvalidValue(f"fips: {fips!r} is not {st.name}'s code {st.fips}"))
    if population.__class__ is str:
        population = check(parse_count, population, "population")
    elif population is not None and population < 0:
        fields.add(InvalidValue(f"population: {population} is negative"))
    cleaned = []
    for a in aliases:
        a = check(clean_text, a, "alias")
        a = a and check(one_line, a, "alias")
        if a and fold(a) not in {fold(x) for x in cleaned} and name and fold(a) != fold(name):
            cleaned.append(a)
    if notes is not None:
        notes = check(clean_text, notes, "notes")
    if st is not None and ocd is not None and ocd != OCD_BASE:
        st_code = st.abbr.lower()
        if not (
            f"/state:{st_code}" in ocd
            or f"/district:{st_code}" in ocd
            or f"/territory:{st_code}" in ocd
        ):
            fields.add(InvalidValue(f"ocd_id: {ocd_id!r} is not in {st.name} ({st.abbr})"))
    if fields.problems:
        fields.done()
    if ocd is None:
        ocd = derive_ocd_id(kind, st.abbr, name)
    return JurisdictionInput(
        name, kind, st.abbr, ocd, fips, population, tuple(cleaned), notes or None
    )


def _kind(text: str | None) -> str:
    if not (text or "").strip():
        raise InvalidValue("kind: missing")
    return vocab.parse_choice(K, text, "kind").value


def _state_level_kind(kind: str, st) -> None:
    if kind == K.federal_district and st.abbr != "DC":
        raise InvalidValue(f"kind: federal_district is only DC, not {st.abbr}")
    if kind == K.territory and not st.is_territory:
        raise InvalidValue(f"kind: {st.name} is not a territory")
    if kind == K.state and (st.is_territory or st.abbr == "DC"):
        raise InvalidValue(f"kind: {st.name} is not a state")


def _ocd_id(text: str) -> str | None:
    """A given OCD id, lower case (REFs are matched that way); None when empty."""
    ocd = clean_text(text, "ocd_id")
    if ocd is None:
        return None
    ocd = ocd.lower()
    if not _OCD_RE.fullmatch(ocd):
        raise InvalidValue(
            f"ocd_id: {text!r} is not a US OCD division id "
            "(e.g. ocd-division/country:us/state:ca/place:los_angeles)"
        )
    return ocd


# --- references -----------------------------------------------------------------
#
# A REF names one jurisdiction. ``parse_ref`` reads which form it is, in
# DESIGN.md's order, and both resolvers follow that reading: ``resolve_id``
# against the database (commands, and whatever a file's index cannot
# answer), and a file's ``_Index`` from memory. So a REF means the same in a
# file as on the command line, except ``#N``: database ids differ between
# databases, so files never use them.

OCD_ID = "OCD id"
FIPS = "FIPS code"
DB_ID = "database id"
STATE = "state"
NAME_STATE = "Name, ST"
NAME = "name"


@dataclass(frozen=True, slots=True)
class Ref:
    """What a REF's text says it is (``parse_ref``)."""

    form: str
    # The text, trimmed.
    text: str
    # NAME_STATE: the folded name before the comma; NAME: the folded text.
    name: str = ""
    # STATE and NAME_STATE: the ``us`` package's state, DC or territory.
    state: object = None


_DB_ID = re.compile(r"#[0-9]{1,18}")


def parse_ref(ref: str | None, field: str = "jurisdiction") -> Ref:
    """A REF's form, tried in this order: an OCD id; a FIPS code (any bare
    number); ``#N``, a database id; a state's name or USPS code; ``Name, ST``;
    a name or alias. Raises InvalidValue for an empty REF or a NUL."""
    text = ref.strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: a jurisdiction reference is required")
    if "\x00" in text:
        raise InvalidValue(f"{field}: contains a NUL character")
    if text[:13].lower() == "ocd-division/":
        return Ref(OCD_ID, text)
    if text.isascii() and text.isdigit():
        return Ref(FIPS, text)
    if text[0] == "#" and _DB_ID.fullmatch(text):
        return Ref(DB_ID, text)
    state = lookup_state(text)
    if state is not None:
        return Ref(STATE, text, state=state)
    named = name_and_state(text, lookup_state)
    if named is not None:
        return Ref(NAME_STATE, text, fold(named[0]), named[1])
    return Ref(NAME, text, fold(text))


def display_name(name: str, kind: str, state: str) -> str:
    """A jurisdiction as a reader names it: ``Chicago, IL``; a state, DC or a
    territory by its name alone (``California``)."""
    return name if kind in STATE_LEVEL else f"{name}, {state}"


def label(j) -> str:
    """How a jurisdiction is named to a user: ``Chicago, IL (ocd-division/...)``."""
    return f"{j.name}, {j.state} ({j.ocd_id})"


def candidate(j) -> str:
    """A jurisdiction among several a REF fits, with what tells it apart:
    ``Franklin County (county, OH, FIPS 39049, ocd-division/...)``."""
    fips = f"FIPS {j.fips}" if j.fips else "no FIPS"
    return f"{j.name} ({j.kind}, {j.state}, {fips}, {j.ocd_id})"


_REF_COLUMNS = (J.c.id, J.c.ocd_id, J.c.name, J.c.kind, J.c.state, J.c.fips)
_STATE_KINDS = tuple(k.value for k in STATE_LEVEL)


def _refs(conn: sa.Connection, *where, join_alias: bool = False, state: str | None = None):
    q = sa.select(*_REF_COLUMNS)
    if join_alias:
        q = q.select_from(J.join(A, A.c.jurisdiction_id == J.c.id))
    if state:
        where = (*where, J.c.state == state)
    return list(conn.execute(q.where(*where)))


# "San Francisco County" and "City and County of San Francisco" both find the
# consolidated city-county named "San Francisco".
_CITY_COUNTY_FORMS = (
    re.compile(r"^(?:city and county of|city-county of|consolidated city of)\s+(.+)$"),
    re.compile(r"^(.+?)\s+(?:county|parish|borough|city-county|city and county)$"),
    re.compile(r"^city of\s+(.+)$"),
    re.compile(r"^(.+?)\s+city$"),
)


def _name_matches(conn: sa.Connection, folded: str, state: str | None) -> list:
    found = {j.id: j for j in _refs(conn, J.c.name_folded == folded, state=state)}
    by_alias = _refs(conn, A.c.alias_folded == folded, join_alias=True, state=state)
    found.update({j.id: j for j in by_alias})
    if not found:
        for form in _CITY_COUNTY_FORMS:
            m = form.match(folded)
            if not m:
                continue
            where = (J.c.name_folded == m.group(1), J.c.kind == K.city_county.value)
            found.update({j.id: j for j in _refs(conn, *where, state=state)})
    return sorted(found.values(), key=lambda j: j.ocd_id)


def _state_level(conn: sa.Connection, code: str):
    rows = _refs(conn, J.c.state == code, J.c.kind.in_(_STATE_KINDS))
    return rows[0] if rows else None


def state_id(conn: sa.Connection, state, ref: str, field: str = "jurisdiction") -> int:
    """The id of the state, DC or territory ``ref`` names (its name, USPS
    code or FIPS code): always the state itself, never a place whose name or
    alias is the state's. A state nobody tracks is an error here, the one
    place that would take it from the registry instead."""
    found = _state_level(conn, state.abbr)
    if found is not None:
        return found.id
    if state.abbr == "DC":
        kind = K.federal_district.value
    elif state.is_territory:
        kind = K.territory.value
    else:
        kind = K.state.value
    raise NotFound(
        f"{field}: {ref!r} names the {kind.replace('_', ' ')} {state.name}, which is not "
        "tracked; add it with: "
        f'tracker jurisdictions add "{state.name}" --kind {kind} --state {state.abbr}'
    )


def _loose(text: str) -> str:
    """Letters and digits only: "Washington, DC" and "Washington D.C." agree."""
    return re.sub(r"[\W_]+", "", fold(text))


def _names(conn: sa.Connection, state: str | None) -> list[tuple[str, int]]:
    """Every (name or alias, jurisdiction id), optionally within one state."""
    by_name = sa.select(J.c.name_folded, J.c.id)
    by_alias = sa.select(A.c.alias_folded, J.c.id).select_from(
        A.join(J, A.c.jurisdiction_id == J.c.id)
    )
    if state:
        by_name, by_alias = by_name.where(J.c.state == state), by_alias.where(J.c.state == state)
    return [tuple(r) for r in conn.execute(by_name)] + [tuple(r) for r in conn.execute(by_alias)]


def _by_ids(conn: sa.Connection, ids: Iterable[int]) -> list:
    found = []
    for chunk in chunks(list(ids)):
        found += _refs(conn, J.c.id.in_(chunk))
    return sorted(found, key=lambda j: j.ocd_id)


def _loose_matches(conn: sa.Connection, text: str, state: str | None) -> list:
    key = _loose(text)
    if not key:
        return []
    return _by_ids(conn, {jid for name, jid in _names(conn, state) if _loose(name) == key})


def _suggest(conn: sa.Connection, folded: str, state: str | None) -> list:
    names = _names(conn, state)
    close = difflib.get_close_matches(folded, {n for n, _ in names}, n=5, cutoff=0.6)
    if not close and state:
        # "Chicago, IN": the name exists, in another state.
        return _suggest(conn, folded, None)
    ids: list[int] = []
    for c in close:
        ids.extend(jid for n, jid in names if n == c and jid not in ids)
    rank = {jid: i for i, jid in enumerate(ids)}
    return sorted(_by_ids(conn, ids), key=lambda j: rank[j.id])[:5]


def candidates(matches) -> str:
    """Up to ten candidates as ``candidate`` shows them, then how many more."""
    listed = "; ".join(candidate(j) for j in matches[:10])
    return listed + (f"; and {len(matches) - 10} more" if len(matches) > 10 else "")


def _ambiguous(field: str, ref: str, matches: list) -> Ambiguous:
    listed, more = candidates(matches), ""
    instead = "its OCD id or FIPS code" if any(j.fips for j in matches) else "its OCD id"
    return Ambiguous(
        f"{field}: {ref!r} matches {len(matches)} jurisdictions: {listed}{more}; "
        f"name one by {instead}"
    )


def _by_ocd_id(conn: sa.Connection, text: str, field: str) -> int:
    found = conn.execute(sa.select(J.c.id).where(J.c.ocd_id == text.lower())).first()
    if found:
        return found[0]
    # Accents and case do not matter here either: ".../county:dona_ana".
    key = fold(text)
    ids = [jid for ocd, jid in conn.execute(sa.select(J.c.ocd_id, J.c.id)) if fold(ocd) == key]
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise _ambiguous(field, text, _by_ids(conn, ids))
    raise NotFound(f"{field}: no jurisdiction has the OCD id {text!r}")


def _by_fips(conn: sa.Connection, text: str, field: str, in_file: bool) -> int:
    """A bare number: a FIPS code (2 digits a state, 5 a county, 7 a place), never an id."""
    found = conn.execute(sa.select(J.c.id).where(J.c.fips == text)).first()
    if found:
        return found[0]
    state = lookup_state(text) if len(text) == 2 else None
    if state is not None:
        # A state tracked without its FIPS code, or not tracked.
        return state_id(conn, state, text, field)
    if len(text) in (2, 5, 7):
        message = f"{field}: no jurisdiction has the FIPS code {text!r}"
    else:
        message = f"{field}: {text!r} is not a FIPS code (2, 5 or 7 digits)"
    if not in_file and not text.startswith("0"):
        message += f"; a bare number is a FIPS code: for the database id, write '#{text}'"
    raise NotFound(message)


def _by_db_id(conn: sa.Connection, text: str, field: str, in_file: bool) -> int:
    if in_file:
        raise InvalidValue(
            f"{field}: {text!r} is a database id, which files never use (ids differ "
            "between databases); name the jurisdiction by its OCD id or FIPS code"
        )
    found = conn.execute(sa.select(J.c.id).where(J.c.id == int(text[1:]))).first()
    if found:
        return found[0]
    raise NotFound(
        f"{field}: no jurisdiction has the database id {text[1:]}; see `tracker jurisdictions list`"
    )


def _by_name(conn: sa.Connection, ref: Ref, field: str) -> int:
    """``Name, ST``, else the whole text as a name or alias; then the same
    loosely (letters and digits only)."""
    matches: list = []
    state = ref.state.abbr if ref.form == NAME_STATE else None
    if state is not None:
        matches = _name_matches(conn, ref.name, state)
        if len(matches) > 1:
            # "New York, NY": prefer the local government over the state itself.
            matches = [j for j in matches if j.kind not in STATE_LEVEL] or matches
    if not matches:
        # The whole text as a name or alias: "Washington, D.C.", "Jeff Sessions, AG".
        matches = _name_matches(conn, fold(ref.text), None)
    if not matches and state is not None:
        matches = _loose_matches(conn, ref.name, state)
    if not matches:
        matches = _loose_matches(conn, ref.text, None)
    if len(matches) == 1:
        return matches[0].id
    if matches:
        raise _ambiguous(field, ref.text, matches)

    head, comma, tail = ref.text.rpartition(",")
    bad = ""
    if state is not None:
        folded = ref.name
    elif comma and head.strip():
        folded, bad = fold(head), f"; {tail.strip()!r} is not a state code"
    else:
        folded = ref.name
    close = _suggest(conn, folded, state)
    hint = (
        f"; did you mean: {'; '.join(label(j) for j in close)}"
        if close
        else "; see `tracker jurisdictions list`"
    )
    raise NotFound(f"{field}: no jurisdiction matches {ref.text!r}{bad}{hint}")


def resolve_id(
    conn: sa.Connection, ref: str, field: str = "jurisdiction", *, in_file: bool = False
) -> int:
    """The id of the one jurisdiction ``ref`` names, in the order ``parse_ref``
    reads it; ``in_file``: a row of a file, where ``#N`` is refused. Raises
    InvalidValue, NotFound or Ambiguous with a message naming ``field``."""
    r = parse_ref(ref, field)
    if r.form == OCD_ID:
        return _by_ocd_id(conn, r.text, field)
    if r.form == FIPS:
        return _by_fips(conn, r.text, field, in_file)
    if r.form == DB_ID:
        return _by_db_id(conn, r.text, field, in_file)
    if r.form == STATE:
        return state_id(conn, r.state, r.text, field)
    return _by_name(conn, r, field)


def get(conn: sa.Connection, jurisdiction_id: int) -> sa.Row:
    return conn.execute(sa.select(J).where(J.c.id == jurisdiction_id)).one()


def resolve(conn: sa.Connection, ref: str, field: str = "jurisdiction") -> sa.Row:
    """The stored jurisdiction ``ref`` names (see ``resolve_id``)."""
    return get(conn, resolve_id(conn, ref, field))


class _Index:
    """A file's REFs answered from memory (a national file names thousands),
    read as ``parse_ref`` reads them: a FIPS code, a state, a ``Name, ST`` or
    a name that is exactly one jurisdiction's name or alias. Anything else
    (no match, several, a loose spelling) goes to ``resolve_id``, which
    follows the same order and words the errors."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.by_fips: dict[str, int] | None = None
        self.states: dict[str, int] | None = None
        self.by_name: dict[tuple[str, str | None], set[int]] | None = None

    def find(self, text: str) -> int | None:
        try:
            ref = parse_ref(text)
        except InvalidValue:
            return None
        if ref.form == FIPS:
            return self._fips().get(ref.text)
        if ref.form == STATE:
            return self._states().get(ref.state.abbr)
        if ref.form == NAME_STATE:
            found = self._names().get((ref.name, ref.state.abbr), ())
        elif ref.form == NAME:
            found = self._names().get((ref.name, None), ())
        else:
            return None
        return next(iter(found)) if len(found) == 1 else None

    def _fips(self) -> dict[str, int]:
        if self.by_fips is None:
            q = sa.select(J.c.fips, J.c.id).where(J.c.fips.is_not(None))
            self.by_fips = dict(self.conn.execute(q).all())
        return self.by_fips

    def _states(self) -> dict[str, int]:
        if self.states is None:
            q = sa.select(J.c.state, J.c.id).where(J.c.kind.in_(_STATE_KINDS))
            self.states = dict(self.conn.execute(q).all())
        return self.states

    def _names(self) -> dict[tuple[str, str | None], set[int]]:
        if self.by_name is None:
            self.by_name = {}
            q = sa.union_all(
                sa.select(J.c.name_folded, J.c.state, J.c.id),
                sa.select(A.c.alias_folded, J.c.state, J.c.id).select_from(
                    A.join(J, J.c.id == A.c.jurisdiction_id)
                ),
            )
            for folded, state, jid in self.conn.execute(q):
                self.by_name.setdefault((folded, state), set()).add(jid)
                self.by_name.setdefault((folded, None), set()).add(jid)
        return self.by_name


def ref_id(batch: Batch, ref: str | None, column: str) -> int:
    """The id of the jurisdiction a row's REF names, within a batch: stored
    ones, and (once the batch has problems) those it would have added. In a
    file's row (``batch.where``) ``#N`` is refused."""
    if batch.where is None:
        # A command names one or two: ask the database, not a national index.
        return resolve_id(batch.conn, ref, field=column)
    known = _known(batch)
    found = known.get(ref) if ref else None
    if found is not None:
        return found
    ref = ref or ""
    key = ref.strip().lower()
    found = known.get(key)
    if found is not None:
        return found
    found = batch.ref_index.find(ref)
    if found is None:
        try:
            found = resolve_id(batch.conn, ref, field=column, in_file=True)
        except NotFound as missing:
            found = _pending(batch, ref)
            if found is None:
                found = _from_registry(batch, ref, column, missing)
    # A file names the same jurisdiction on many rows; REFs ignore case.
    known[key] = found
    return found


def _from_registry(batch: Batch, ref: str, column: str, missing: NotFound) -> int:
    """A jurisdiction a file names that nobody tracks yet, from the registry:
    the one entry the name fits is added (and counted as added) through
    ``write``, with its kind, state, FIPS code and names; a tracked record
    the entry is (by OCD id or FIPS code) is that record. Several entries,
    or names that only resemble, are the row's problem, listing them."""
    from tracker import reference

    if batch.registry is None:
        batch.registry = reference.known(batch.conn, with_tracked=False)
    found = batch.registry.lookup(ref)
    e = found.entry
    if e is None:
        if not found.candidates:
            raise missing
        how = "fits several" if found.how == "ambiguous" else "only resembles names"
        raise Ambiguous(
            f"{column}: {ref!r} names no tracked jurisdiction and {how} in the registry: "
            f"{candidates(found.candidates)}; name one by its OCD id or FIPS code"
        )
    conn = batch.conn
    q = sa.select(J.c.id).where(J.c.ocd_id == e.ocd_id)
    if e.fips:
        q = sa.select(J.c.id).where(sa.or_(J.c.ocd_id == e.ocd_id, J.c.fips == e.fips))
    stored = conn.execute(q).scalar()
    if stored is not None:
        return stored
    values = {"ocd_id": e.ocd_id, "name": e.name, "kind": e.kind, "state": e.state}
    values.update(fips=e.fips or "", aliases=join_list(a for a in e.aliases if a != e.name))
    one = Batch(conn)
    if batch.recording:
        one.changes = []
    write(one, [Row(0, values)], new_only=True)
    counts = batch.counts("jurisdictions")
    counts.added += one.counts("jurisdictions").added
    if batch.recording:
        batch.changes.extend(one.changes)
    return conn.execute(sa.select(J.c.id).where(J.c.ocd_id == e.ocd_id)).scalar_one()


def _known(batch: Batch) -> dict[str, int]:
    """The batch's REF -> id map, stored OCD ids first (read once)."""
    if batch.jurisdictions is None:
        batch.jurisdictions = dict(batch.conn.execute(sa.select(J.c.ocd_id, J.c.id)).all())
        batch.ref_index = _Index(batch.conn)
    return batch.jurisdictions


def _pending(batch: Batch, ref: str) -> int | None:
    """A name or ``Name, ST`` naming one jurisdiction the batch would add."""
    name, state = ref.strip(), None
    named = name_and_state(name, lookup_state)
    if named is not None:
        name, state = named[0], named[1].abbr
    hits = [i for s, i in batch.pending.get(fold(name), ()) if state in (None, s)]
    return hits[0] if len(hits) == 1 else None


# --- writing --------------------------------------------------------------------

_PREFIXES = ("city and county of", "city-county of", "county of", "city of")
_SUFFIXES = ("city and county", "city-county", "county", "parish", "borough", "municipio", "city")


_PREFIXES_SPACED = tuple(p + " " for p in _PREFIXES)
_SUFFIXES_SPACED = tuple(" " + x for x in _SUFFIXES)


def _base_name(folded: str) -> str:
    """ "San Francisco County" and "City of San Francisco" are both "san francisco"."""
    # One test each for the common name with neither (a national file checks every row).
    if folded.startswith(_PREFIXES_SPACED):
        for p in _PREFIXES_SPACED:
            if folded.startswith(p):
                return folded[len(p) :]
    if folded.endswith(_SUFFIXES_SPACED):
        for x in _SUFFIXES_SPACED:
            if folded.endswith(x):
                return folded[: -len(x)]
    return folded


class _CityCounties:
    """Every tracked (or batched) name and alias by state and base name, to
    keep a consolidated city-county one record: its city or county is
    refused as a second record, and so is a city-county over a tracked one.
    Two FIPS codes that differ say two jurisdictions, though: Baltimore city
    (24510) and Baltimore County (24005), Virginia's independent cities and
    the counties named like them."""

    def __init__(self, conn: sa.Connection, states: set[str] | None = None):
        # (state, base name) -> [(kind, fips, name, state, OCD id)], in the order held.
        self.names: dict[tuple[str, str], list[tuple]] = {}
        cols = (J.c.kind, J.c.fips, J.c.name, J.c.state, J.c.ocd_id)
        by_name = sa.select(J.c.name_folded, *cols)
        by_alias = sa.select(A.c.alias_folded, *cols).select_from(
            A.join(J, J.c.id == A.c.jurisdiction_id)
        )
        if states is not None:
            by_name, by_alias = (
                by_name.where(J.c.state.in_(states)),
                by_alias.where(J.c.state.in_(states)),
            )
        for folded, *held in conn.execute(sa.union_all(by_name, by_alias)):
            self._hold(folded, tuple(held))

    def _hold(self, folded: str, held: tuple) -> None:
        if held[0] not in STATE_LEVEL:
            key = (held[3], _base_name(folded))
            found = self.names.get(key)
            if found is None:
                self.names[key] = [held]
            else:
                found.append(held)

    def claim(self, data: "JurisdictionInput", folded: str) -> None:
        """Check a new record (``folded``: its name folded) against every
        name held, then hold its name and aliases. Raises Duplicate."""
        if data.kind in STATE_LEVEL:
            return
        held = (data.kind, data.fips, data.name, data.state, data.ocd_id)
        # One dictionary test for the common name that no other record shares.
        key = (data.state, _base_name(folded))
        found = self.names.get(key)
        if found is None:
            self.names[key] = [held]
        else:
            _check_city_county(data, found)
            found.append(held)
        for alias in data.aliases:
            self._hold(fold(alias), held)


def _check_city_county(data: "JurisdictionInput", found: list[tuple]) -> None:
    """``data`` against the records held under its state and base name."""
    if data.fips:
        found = [f for f in found if not (f[1] and f[1] != data.fips)]
    if data.kind == K.city_county:
        clash = next(iter(found), None)
    else:
        clash = next((f for f in found if f[0] == K.city_county), None)
    if clash is None:
        return
    kind, _fips, name, state, ocd = clash
    shown = f"{name}, {state} ({ocd})"
    if kind == K.city_county:
        raise Duplicate(
            f"name: {data.name!r} is the consolidated city-county already tracked as "
            f"{shown}; add it as an alias instead"
        )
    raise Duplicate(
        f"name: {shown} is already tracked as a {kind}; a consolidated "
        "city-county is one record, so remove that one first or add this name as its alias"
    )


# --- which jurisdiction a row means ------------------------------------------------


class _Tracked:
    """What is stored, as identification asks it: the OCD id holding a FIPS
    code, and the records with a name or alias in a state. From the rows a
    file import has loaded already, or asked of the database for a command."""

    def __init__(self, conn: sa.Connection, existing: dict | None = None, aliases=None):
        self.conn = conn
        self.existing = existing
        self._names: dict[tuple[str, str], list[tuple[str, str]]] | None = None
        self._fips_index: dict[str, str] | None = None
        self._aliases = aliases

    @property
    def empty(self) -> bool:
        """Nothing stored (known without asking only for a file's rows)."""
        return self.existing is not None and not self.existing

    def has(self, ocd_id: str) -> bool:
        return self.get(ocd_id) is not None

    def get(self, ocd_id: str):
        """The stored record (its name and kind), None if there is none."""
        if self.existing is not None:
            return self.existing.get(ocd_id)
        q = sa.select(J.c.name, J.c.kind).where(J.c.ocd_id == ocd_id)
        return self.conn.execute(q).first()

    def by_fips(self, fips: str) -> str | None:
        if self.existing is not None:
            return self._fips.get(fips)
        q = sa.select(J.c.ocd_id).where(J.c.fips == fips)
        return self.conn.execute(q).scalar()

    def by_name(self, state: str, folded: str) -> list[tuple[str, str]]:
        """(OCD id, kind) of each record in ``state`` with this name or alias."""
        if self.existing is None:
            by_alias = (
                sa.select(J.c.ocd_id, J.c.kind)
                .select_from(A.join(J, J.c.id == A.c.jurisdiction_id))
                .where(J.c.state == state, A.c.alias_folded == folded)
            )
            by_name = sa.select(J.c.ocd_id, J.c.kind).where(
                J.c.state == state, J.c.name_folded == folded
            )
            return sorted(set(self.conn.execute(sa.union(by_name, by_alias)).all()))
        if self._names is None:
            names: dict[tuple[str, str], list[tuple[str, str]]] = {}
            by_id = {}
            for r in self.existing.values():
                names.setdefault((r.state, r.name_folded), []).append((r.ocd_id, r.kind))
                by_id[r.id] = r
            for jid, alias_set in (self._aliases or {}).items():
                r = by_id.get(jid)
                for alias in alias_set if r is not None else ():
                    key = (r.state, fold(alias))
                    if (r.ocd_id, r.kind) not in names.get(key, ()):
                        names.setdefault(key, []).append((r.ocd_id, r.kind))
            self._names = names
        return self._names.get((state, folded), [])

    @property
    def _fips(self) -> dict[str, str]:
        if self._fips_index is None:
            self._fips_index = {r.fips: r.ocd_id for r in self.existing.values() if r.fips}
        return self._fips_index


def _fits_kind(given: str | None, kind: str) -> bool:
    """A list's kind for a registry entry: its own, or city or county for a
    consolidated city-county (one record of kind city_county)."""
    return given is None or given == kind or (kind == K.city_county and given in (K.city, K.county))


# Where identification gave a row another kind (a city-county's "County"
# named as a county), the row keeps what it said under this key, which is no
# column: ``write`` then applies the city-county rule to what was written.
GIVEN = "_given"


def _remember(v: dict, kind: str) -> None:
    v.setdefault(GIVEN, (v["name"], kind.lower()))


def _city_county_named_again(v: dict, data: "JurisdictionInput", shown: str) -> Duplicate | None:
    """The consolidated city-county rule for a row that named a city-county
    (tracked, or earlier in the batch) by its other name as a city or county."""
    given = v.get(GIVEN)
    if given is None or data.kind != K.city_county or given[1] not in (K.city, K.county):
        return None
    return Duplicate(
        f"name: {given[0]!r} is the consolidated city-county already tracked as "
        f"{shown}; add it as an alias instead"
    )


class _Identify:
    """Completes a row that has no OCD id with the one it means, so that no
    record is made twice only because a derived OCD id differs. In order: the
    derived id if stored; the stored record with the row's FIPS code; the
    stored record of the same kind with the row's ``Name, ST`` or alias; the
    registry (built-in and loaded places). A new record the registry knows
    takes its kind, FIPS code, name and aliases where the row has none; a row
    value that contradicts the registry is an error naming both."""

    def __init__(self, conn: sa.Connection, tracked: _Tracked):
        self.conn = conn
        self.tracked = tracked
        self._registry = None

    @property
    def registry(self):
        if self._registry is None:
            from tracker import reference

            self._registry = reference.known(self.conn, with_tracked=False)
        return self._registry

    def __call__(self, v: dict) -> dict:
        name = v.get("name")
        if v.get("ocd_id") or not name or (not name.isprintable() and _CONTROL.search(name)):
            return v  # validate words what is wrong with the name
        fips = v.get("fips")
        if fips and v.get("kind") and v.get("state") and self.tracked.empty:
            # A national file into an empty table, row after row: nothing stored
            # to find, so only a FIPS code the registry has could tell more.
            if self.registry.by_fips(fips.strip()) is None:
                return v
        name = name.strip()
        given_state = (v.get("state") or "").strip()
        st = lookup_state(given_state) if given_state else None
        if st is None and not given_state:
            # "Cook County, IL" in the name column, and no state column.
            named = name_and_state(name, lookup_state)
            if named is not None:
                name, st = named
                v["name"], v["state"] = name, st.abbr
        if st is None:
            # A bad state is reported by validate; no state at all: the registry may know.
            return self._from_registry(v, name, None) if not given_state else v
        state = st.abbr
        raw_kind = (v.get("kind") or "").strip()
        kind = _KIND_VALUES.get(raw_kind) or _KIND_VALUES.get(raw_kind.lower())
        if raw_kind and kind is None:
            return v  # validate words the error
        if kind is not None:
            derived = derive_ocd_id(kind, state, name)
            stored = self.tracked.get(derived)
            if stored is not None:
                # The row's own key: its name is the record's name (a case fix too).
                v["ocd_id"], v["name"], v["state"] = derived, name, state
                if stored.kind == K.city_county and kind in (K.city, K.county):
                    _remember(v, kind)
                    v["kind"] = stored.kind
                return v
        named = self.tracked.by_name(state, fold(name))
        fips = (v.get("fips") or "").strip()
        if fips:
            owner = self.tracked.by_fips(fips)
            # The record with this FIPS code, when the row names it too; under
            # another name the row is another place, which the FIPS rule refuses.
            if owner is not None and any(ocd == owner for ocd, _ in named):
                return self._use(v, owner, state)
        same = [ocd for ocd, k in named if _fits_kind(kind, k)]
        if len(same) == 1:
            return self._use(v, same[0], state)
        if len(same) > 1:
            raise Ambiguous(
                f"name: {name!r} in {state} is {len(same)} tracked jurisdictions "
                f"({', '.join(same)}); give the ocd_id"
            )
        return self._from_registry(v, name, state, kind)

    def _use(self, v: dict, ocd_id: str, state: str) -> dict:
        """The row is the stored record ``ocd_id``, found by its FIPS code, a
        name or an alias: that finds it and renames nothing (a rename names
        the record by its ocd_id)."""
        stored = self.tracked.get(ocd_id)
        given = (v.get("kind") or "").strip()
        if given and given.lower() != stored.kind:
            _remember(v, given)
        v["ocd_id"], v["name"], v["state"], v["kind"] = ocd_id, stored.name, state, stored.kind
        return v

    def _from_registry(self, v: dict, name: str, state: str | None, kind: str | None = None):
        reg = self.registry
        raw_kind = (v.get("kind") or "").strip()
        complete = bool(state and raw_kind)
        if complete:
            # A row that says what and where it is, checked against the registry
            # cheaply first (a national file has a hundred thousand): by its FIPS
            # code when it has one (a code the registry lacks is a place it does
            # not know), else by whether any name could match.
            fips = (v.get("fips") or "").strip()
            if fips:
                if reg.by_fips(fips) is None:
                    return v
            elif not reg.may_know(name):
                return v
        found = reg.lookup(name, state=state, kind=kind, fuzzy=not complete)
        if found.entry is None and kind is not None and found.how != "ambiguous":
            # Known as another kind? Then the given kind contradicts the registry.
            other = reg.lookup(name, state=state, fuzzy=False)
            if other.entry is not None:
                found = other
        if found.entry is None:
            if complete and found.how != "ambiguous":
                return v
            if found.candidates:
                how = "fits several jurisdictions" if found.how == "ambiguous" else "only resembles"
                raise Ambiguous(
                    f"name: {v['name']!r} {how}: {candidates(found.candidates)}; "
                    "give its kind and state, or its FIPS code"
                )
            if complete:
                return v
            missing = "kind" if state else "state"
            raise InvalidValue(
                f"{missing}: missing, and the registry does not know {v['name']!r}; "
                f"give its {'kind' if state else 'state and kind'}"
            )
        e = found.entry
        if not _fits_kind(kind, e.kind):
            raise InvalidValue(
                f"kind: {raw_kind!r}, but the registry has {e.name}, {e.state} as a {e.kind}"
            )
        owner = self.tracked.by_fips(e.fips) if e.fips else None
        if owner is not None or self.tracked.has(e.ocd_id):
            # Tracked already: the row updates it and fills nothing in.
            return self._use(v, owner or e.ocd_id, e.state)
        fips = (v.get("fips") or "").strip()
        if not fips.isdigit() or (e.fips and len(fips) != len(e.fips)):
            fips = ""  # none, or malformed: validate words that
        if fips and fips != e.fips and fips not in e.other_fips:
            raise InvalidValue(
                f"fips: {fips!r}, but the registry has {e.fips} for {e.name}, {e.state} ({e.ocd_id})"
            )
        adapted = bool(raw_kind) and raw_kind.lower() != e.kind
        if adapted:
            _remember(v, raw_kind)
        # A row that names, kinds and places the jurisdiction keeps its own name;
        # one the registry completed, or whose county is a city-county's, takes
        # the registry's name and its other names as aliases ("cook county, il"
        # is Cook County; "Denver County" as a county is Denver).
        own = name if complete and not adapted else e.name
        complete = complete and not adapted
        v["ocd_id"], v["name"], v["state"], v["kind"] = e.ocd_id, own, e.state, e.kind
        # Only columns the row lacks are filled in: an empty cell in a column
        # the file has says "no value", and a re-import must not change that.
        if e.fips and "fips" not in v:
            v["fips"] = e.fips
        if "aliases" not in v and not complete:
            # Completed from the registry: its other names too ("Brooklyn").
            names = [name, *(n for n in e.names if n != name)]
            v["aliases"] = join_list([n for n in names if fold(n) != fold(own)])
        return v


_STORED = ("ocd_id", "name", "name_folded", "kind", "state", "fips", "population", "notes")
_OPTIONAL = ("fips", "population", "notes")
_NULLABLE = frozenset(_OPTIONAL)


def _parse(v: dict) -> JurisdictionInput:
    return validate(
        v.get("name"),
        v.get("kind"),
        v.get("state"),
        fips=v.get("fips"),
        population=v.get("population") or None,
        aliases=split_list(v["aliases"]) if v.get("aliases") else (),
        notes=v.get("notes"),
        ocd_id=v.get("ocd_id"),
    )


def write(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Jurisdictions matched by OCD id: new ones added, stored ones updated.

    Every rule of a jurisdiction's identity holds here, whatever the path:
    valid state, kind, FIPS and OCD id; one record per OCD id and per FIPS
    code; a consolidated city-county is one record. A column a row does not
    have (``fips``, ``population``, ``notes``, ``aliases``) leaves that field
    as stored; an empty cell in it means no value. ``new_only`` (``add``):
    a stored OCD id is a duplicate.

    New rows stream to the driver (BulkWriter), with the table's indexes
    built once at the end when the batch outnumbers what is stored.
    """
    conn = batch.conn
    counts = batch.counts("jurisdictions")
    # Every stored field a row may change or be told apart by (not when it
    # was created: a national table's timestamps cost time and memory).
    stored = sa.select(*(c for c in J.c if c.name != "created_at"))
    alias_q, states = sa.select(A.c.jurisdiction_id, A.c.alias), None
    identify = _Identify(conn, _Tracked(conn))
    if batch.where is None:
        # A command's rows: read only the stored ones they could clash with,
        # not a national table for every `add`.
        rows = list(rows)
        ocd_ids, fips, states = _scope(rows, identify)
        stored = stored.where(sa.or_(J.c.ocd_id.in_(ocd_ids), J.c.fips.in_(fips)))
    existing = {r.ocd_id: r for r in conn.execute(stored)}
    if batch.where is None:
        alias_q = alias_q.where(A.c.jurisdiction_id.in_([r.id for r in existing.values()]))
    # FIPS code -> its owner's OCD id.
    fips_owner = {r.fips: r.ocd_id for r in existing.values() if r.fips}
    aliases: dict[int, set[str]] = {}
    for jid, alias in conn.execute(alias_q):
        aliases.setdefault(jid, set()).add(alias)
    if batch.where is not None:
        # A file: what is stored is in memory already; identification asks it there.
        identify.tracked = _Tracked(conn, existing, aliases)
    # Every stored name, for the city-county rule: read when a new record
    # first needs it (a re-import that only matches stored rows never does).
    city_counties = None
    writer = BulkWriter(conn, J, (*_STORED, "created_at"), _NULLABLE)
    if batch.where is not None and not existing:
        # A file into an empty table: its indexes are built once, at the end.
        writer.defer_indexes()
    empty = writer.empty
    now = writer.bind("created_at")(datetime.now(UTC))
    seen: dict = {}
    added: list[tuple[str, tuple[str, ...]]] = []
    new: list[JurisdictionInput] = []
    updates: list[tuple[int, dict, set[str] | None, set[str]]] = []
    add, problems = writer.add, batch.problems
    # A dry run records each record added (Batch.recording, while no problem is found).
    recording = batch.changes is not None

    for row, data in batch.each(rows, lambda v: _parse(identify(v))):
        v = row.values
        old = existing.get(data.ocd_id)
        if old is not None or data.ocd_id in seen:
            shown = label(old) if old is not None else label(data)
            clash = _city_county_named_again(v, data, shown)
            if clash is not None:
                batch.problem(row, clash)
                continue
            if not batch.first_time(seen, data.ocd_id, row):
                continue
        else:
            seen[data.ocd_id] = row.line
        if old is not None and new_only:
            batch.problem(
                row, Duplicate(f"jurisdiction {data.ocd_id} already exists: {label(old)}")
            )
            continue
        fips = data.fips if old is None or "fips" in v else old.fips
        if fips:
            owner = fips_owner.get(fips)
            if owner is not None and owner != data.ocd_id:
                shown = label(existing[owner]) if owner in existing else owner
                batch.problem(row, Duplicate(f"fips: {fips} already belongs to {shown}"))
                continue
        folded = fold(data.name)
        if old is None:
            try:
                if city_counties is None:
                    city_counties = _CityCounties(conn, states)
                city_counties.claim(data, folded)
            except Duplicate as exc:
                batch.problem(row, exc)
                continue
        if fips:
            fips_owner[fips] = data.ocd_id
        if old is None:
            counts.added += 1
            new.append(data)
            if problems.total:
                continue
            if recording:
                batch.added("jurisdictions", data.ocd_id, _shown(data))
            add(
                (data.ocd_id, data.name, folded, data.kind, data.state,
                 data.fips or empty, empty if data.population is None else data.population,
                 data.notes or empty, now)
            )  # fmt: skip
            if data.aliases:
                added.append((data.ocd_id, data.aliases))
            continue
        values = {
            "name": data.name,
            "name_folded": folded,
            "kind": data.kind,
            "state": data.state,
        }
        for column in _OPTIONAL:
            if column in v:
                values[column] = getattr(data, column)
        changed = {k: x for k, x in values.items() if getattr(old, k) != x}
        want = set(data.aliases) if "aliases" in v else None
        have = aliases.get(old.id, set())
        if changed or (want is not None and want != have):
            updates.append((old.id, changed, want, have))
            counts.updated += 1
            if batch.recording:
                extra = []
                if want is not None and want != have:
                    extra.append(("aliases", join_list(have) or None, join_list(want) or None))
                stored = ((k, getattr(old, k), x) for k, x in changed.items())
                batch.updated("jurisdictions", old.ocd_id, stored, extra)
        else:
            counts.unchanged += 1
    writer.close(write=not batch.failed)
    if batch.failed:
        # Nothing is written; later files may still name these rows.
        known = _known(batch)
        for data in new:
            pid = known[data.ocd_id] = batch.placeholder()
            if data.fips:
                known[data.fips] = pid
            batch.pending.setdefault(fold(data.name), []).append((data.state, pid))
        return
    _store_changes(conn, added, updates)
    # The ids of rows just written are read again when a later file needs them.
    batch.jurisdictions = None


def _shown(data: JurisdictionInput) -> dict:
    """A jurisdiction's fields as a file names them (its OCD id is its key)."""
    return {
        "name": data.name,
        "kind": data.kind,
        "state": data.state,
        "fips": data.fips,
        "population": data.population,
        "aliases": data.aliases,
        "notes": data.notes,
    }


def _scope(rows: list[Row], identify) -> tuple[set[str], set[str], set[str]]:
    """The OCD ids, FIPS codes and states of rows that check out (the others
    are reported by ``write``)."""
    ocd_ids, fips, states = set(), set(), set()
    for row in rows:
        try:
            data = _parse(identify(row.values))
        except TrackerError:
            continue
        ocd_ids.add(data.ocd_id)
        states.add(data.state)
        if data.fips:
            fips.add(data.fips)
    return ocd_ids, fips, states


def _store_changes(conn, added, updates) -> None:
    ids: dict[str, int] = {}
    for chunk in chunks([ocd for ocd, _ in added]):
        ids.update(conn.execute(sa.select(J.c.ocd_id, J.c.id).where(J.c.ocd_id.in_(chunk))).all())
    alias_rows = [
        {"jurisdiction_id": ids[ocd], "alias": a, "alias_folded": fold(a)}
        for ocd, names in added
        for a in names
    ]
    for jid, changed, want, have in updates:
        if changed:
            conn.execute(J.update().where(J.c.id == jid).values(**changed))
        if want is not None and want != have:
            # Only the aliases that go and come: the journal keeps no churn.
            gone = sorted(have - want)
            if gone:
                conn.execute(sa.delete(A).where(A.c.jurisdiction_id == jid, A.c.alias.in_(gone)))
            alias_rows += [
                {"jurisdiction_id": jid, "alias": a, "alias_folded": fold(a)}
                for a in sorted(want - have)
            ]
    for chunk in chunks(alias_rows):
        conn.execute(A.insert(), chunk)


def add(conn: sa.Connection, data: dict) -> str:
    """A new jurisdiction from its fields (as a CSV row names them); its OCD id.
    Kind, state and FIPS code may come from the registry (``_Identify``)."""
    row = Row(1, dict(data))
    write(Batch(conn), [row], new_only=True)
    return _parse(row.values).ocd_id


def aliases_of(conn: sa.Connection, jurisdiction_id: int) -> list[str]:
    q = sa.select(A.c.alias).where(A.c.jurisdiction_id == jurisdiction_id).order_by(A.c.alias)
    return list(conn.execute(q).scalars())


def update(
    conn: sa.Connection,
    ref: str,
    *,
    name: str | None = None,
    fips: str | None = None,
    population: int | None = None,
    notes: str | None = None,
    add_aliases: list[str] | tuple[str, ...] = (),
) -> str:
    """Change what is given, nothing else; a new name keeps the old one as an
    alias. Returns the OCD id (which never changes)."""
    j = resolve(conn, ref)
    known = aliases_of(conn, j.id)
    new_aliases = list(add_aliases)
    if name is not None:
        name = one_line(clean_text(name, "name", required=True), "name")
        # The old name stays findable as an alias.
        if fold(name) != j.name_folded:
            new_aliases.append(j.name)
    for alias in add_aliases:
        one_line(clean_text(alias, "alias", required=True), "alias")
    row = {"ocd_id": j.ocd_id, "name": name or j.name, "kind": j.kind, "state": j.state}
    if fips is not None:
        row["fips"] = fips
    if population is not None:
        if population < 0:
            raise InvalidValue(f"population: {population} is negative")
        row["population"] = str(population)
    if notes is not None:
        row["notes"] = notes
    if new_aliases:
        row["aliases"] = join_list([*known, *new_aliases])
    write(Batch(conn), [Row(1, row)])
    return j.ocd_id


def history_counts(conn: sa.Connection, jurisdiction_id: int) -> dict[str, int]:
    """How many records of each kind refer to a jurisdiction."""
    tables = {
        "status assertions": PolicyStatus,
        "grant amounts": GrantAmount,
        "aggregate memberships": GrantMember,
        "action targets": ActionTarget,
        "list entries": ListEntry,
        "case parties": CaseParty,
        "court order coverages": RulingCoverage,
        "court order event coverages": RulingEventCoverage,
    }
    return {
        what: conn.execute(
            sa.select(sa.func.count()).select_from(t).where(t.c.jurisdiction_id == jurisdiction_id)
        ).scalar_one()
        for what, t in tables.items()
    }


def removal_summary(conn: sa.Connection, j, *, cascade: bool = False) -> str:
    """What removing ``j`` would also remove ("2 status assertions, ..."), or
    an error when it has history and ``cascade`` is not given."""
    counts = {k: v for k, v in history_counts(conn, j.id).items() if v}
    what = ", ".join(f"{n} {k}" for k, n in counts.items())
    if counts and not cascade:
        raise TrackerError(
            f"{label(j)} has history ({what}); use --cascade to remove it and its records"
        )
    return what


def remove(conn: sa.Connection, ref: str, *, cascade: bool = False) -> dict[str, int]:
    """Delete a jurisdiction; with ``cascade`` also every record about it."""
    j = resolve(conn, ref)
    removal_summary(conn, j, cascade=cascade)
    counts = {k: v for k, v in history_counts(conn, j.id).items() if v}
    for t in (
        PolicyStatus,
        GrantAmount,
        GrantMember,
        ListEntry,
        ActionTarget,
        CaseParty,
        RulingCoverage,
        RulingEventCoverage,
        JurisdictionAlias,
    ):
        conn.execute(sa.delete(t).where(t.c.jurisdiction_id == j.id))
    conn.execute(sa.delete(J).where(J.c.id == j.id))
    return counts
