"""A jurisdiction's identity: its state, kind, FIPS code and OCD division id.

Pure validation, free of the ORM: the bulk import checks every row of a
national file with these, so they are written to cost a few microseconds a
row (exact inputs are looked up in tables; anything else takes the careful
path, which also writes the error message).
"""

import re
import unicodedata
from dataclasses import dataclass

from tracker import vocab
from tracker.errors import InvalidValue
from tracker.values import clean_text, fold

K = vocab.JurisdictionKind
STATE_LEVEL = frozenset({K.state, K.territory, K.federal_district})
FIPS_LENGTHS = {
    K.state: (2,),
    K.territory: (2,),
    K.federal_district: (2,),
    K.county: (5,),
    K.city_county: (5, 7),
}
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
    if state is None:
        raise InvalidValue(f"{field}: {text!r} is not a US state, territory or DC postal code")
    return state


_NOT_OCD = re.compile(r"[^\w.~-]")


def _ocd_segment(name: str) -> str:
    """An OCD id segment: lower case, spaces to underscores, apostrophes to tildes."""
    text = name if name.isascii() else unicodedata.normalize("NFC", name)
    text = text.lower().replace("\u2019", "'").replace("'", "~")
    return _NOT_OCD.sub("", "_".join(text.split()))


_COUNTY_SUFFIX = re.compile(
    r"\s+(county|parish|borough|census area|city and borough|municipio|municipality)$", re.I
)
_OCD_BASE = "ocd-division/country:us"
_COUNTY_SEGMENT = {"la": "parish", "ak": "borough"}
_NOT_PLACES = frozenset({K.federal_district, K.territory, K.state, K.county})


def derive_ocd_id(kind: str, state_code: str, name: str) -> str:
    st = state_code.lower()
    if kind not in _NOT_PLACES:
        return f"{_OCD_BASE}/state:{st}/place:{_ocd_segment(name)}"
    if kind == K.federal_district:
        return f"{_OCD_BASE}/district:{st}"
    if kind == K.territory:
        return f"{_OCD_BASE}/territory:{st}"
    if kind == K.state:
        return f"{_OCD_BASE}/state:{st}"
    if kind == K.county:
        segment = _COUNTY_SEGMENT.get(st, "county")
        return f"{_OCD_BASE}/state:{st}/{segment}:{_ocd_segment(_COUNTY_SUFFIX.sub('', name))}"
    return f"{_OCD_BASE}/state:{st}/place:{_ocd_segment(name)}"


_OCD_RE = re.compile(r"ocd-division/country:us(/[a-z_]+:[^/\s:]+)+")


def validate_fips(fips: str | None, kind: str, state_fips: str) -> str | None:
    if fips is None:
        return None
    value = fips.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise InvalidValue(f"fips: {fips!r} must be digits only")
    lengths = FIPS_LENGTHS.get(kind, (7,))
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
    population: int | None = None,
    aliases: tuple[str, ...] | list[str] = (),
    notes: str | None = None,
    ocd_id: str | None = None,
) -> JurisdictionInput:
    # Hot path: exact inputs are dict hits; the rest goes through the careful
    # parsers, which also word the errors.
    if not name or name[0].isspace() or name[-1].isspace() or "\x00" in name:
        name = clean_text(name, "name", required=True)
    if _CONTROL.search(name):
        one_line(name, "name")
    kind = _KIND_VALUES.get(kind) or vocab.parse_choice(K, kind, "kind").value
    st = _STATE_SEEN.get(state) if state.__class__ is str else None
    if st is None:
        st = parse_state(state)
    if kind in STATE_LEVEL:
        if kind == K.federal_district and st.abbr != "DC":
            raise InvalidValue(f"kind: federal_district is only DC, not {st.abbr}")
        if kind == K.territory and not st.is_territory:
            raise InvalidValue(f"kind: {st.name} is not a territory")
        if kind == K.state and (st.is_territory or st.abbr == "DC"):
            raise InvalidValue(f"kind: {st.name} is not a state")
    if population is not None and population < 0:
        raise InvalidValue(f"population: {population} is negative")
    if fips is not None:
        fips = validate_fips(fips, kind, st.fips)
        if fips is not None and kind in STATE_LEVEL and fips != st.fips:
            raise InvalidValue(f"fips: {fips!r} is not {st.name}'s code {st.fips}")
    ocd = clean_text(ocd_id, "ocd_id") if ocd_id is not None else None
    if ocd is None:
        ocd = derive_ocd_id(kind, st.abbr, name)
    else:
        # OCD ids are lower case; REFs are matched that way.
        ocd = ocd.lower()
        if not _OCD_RE.fullmatch(ocd):
            raise InvalidValue(
                f"ocd_id: {ocd_id!r} is not a US OCD division id "
                "(e.g. ocd-division/country:us/state:ca/place:los_angeles)"
            )
        if ocd != _OCD_BASE and not (
            f"/state:{st.abbr.lower()}" in ocd
            or f"/district:{st.abbr.lower()}" in ocd
            or f"/territory:{st.abbr.lower()}" in ocd
        ):
            raise InvalidValue(f"ocd_id: {ocd_id!r} is not in {st.name} ({st.abbr})")
    cleaned = []
    for a in aliases:
        a = one_line(clean_text(a, "alias"), "alias")
        if a and fold(a) not in {fold(x) for x in cleaned} and fold(a) != fold(name):
            cleaned.append(a)
    return JurisdictionInput(
        name,
        kind,
        st.abbr,
        ocd,
        fips,
        population,
        tuple(cleaned),
        clean_text(notes, "notes") if notes is not None else None,
    )
