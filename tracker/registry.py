"""The built-in registry of US jurisdictions, and matching names as lists print them.

Reference data, apart from the jurisdictions a user tracks: every state, DC
and territory, every county and county-equivalent of the 2020 Census with
its FIPS code and Census name, consolidated city-counties and independent
cities as one entry with both names, and New York City. The data is
``registry_data/builtin.csv``, written by ``scripts/build_registry.py`` (which
records where it comes from: the Census Bureau, public domain, through the
``us`` and ``addfips`` packages). Places and county subdivisions are added by
reading the Census Gazetteer files (``read_gazetteer``).

Nothing here touches a database or imports SQLAlchemy, and importing it
costs about 2 ms of its own: the data is read on the first lookup.

``lookup`` says how a name matched, in the words DESIGN.md fixes for
``reconcile``:

- ``exact``: the name as written (outer spaces aside), alone or as
  ``Name, ST``; a FIPS code; an OCD id;
- ``alias``: another name as written ("Brooklyn", "Orleans Parish");
- ``normalised``: equal once case, accents, spacing, punctuation, St./Saint,
  Co./County, "City of", "County of", a Census descriptor ("Chicago city"),
  another county suffix ("Orleans County, LA") or an agency after the name
  ("Cook County Sheriff's Office") are set aside;
- ``fuzzy``: candidates only, never the answer: a typo; a name found only in
  another state or of another kind than asked; a county's name without
  "County" ("Los Angeles, CA" may mean the city, which the built-ins do not
  hold), unless a county was asked for;
- ``ambiguous``: several fit equally well; ``not_found``.

A state's name or postal code always means the state ("New York", "TX");
within a state, ``Name, ST`` prefers the local government ("New York, NY").
"""

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from enum import StrEnum
from functools import cache, lru_cache
from typing import NamedTuple

from tracker import vocab
from tracker.errors import InvalidValue
from tracker.values import fold, name_and_state

K = vocab.JurisdictionKind
STATE_LEVEL = frozenset({K.state, K.territory, K.federal_district})
# The order candidates are listed in, within a state.
_KIND_ORDER = {k.value: i for i, k in enumerate(K)}

# The columns of registry_data/builtin.csv.
COLUMNS = ("ocd_id", "name", "kind", "state", "fips", "census_name", "aliases", "other_fips")


class MatchKind(StrEnum):
    """How a name matched (the ``match`` column of ``reconcile``)."""

    exact = "exact"
    alias = "alias"
    normalised = "normalised"
    fuzzy = "fuzzy"
    ambiguous = "ambiguous"
    not_found = "not_found"


class Entry(NamedTuple):
    """One jurisdiction the registry knows.

    ``fips`` is the code tracker stores (2 digits for a state, 5 for a county
    or city-county, 7 for a place or county subdivision); ``other_fips`` are
    further Census codes naming the same jurisdiction (DC's county code 11001,
    a county subdivision's 10-digit GEOID). ``census_name`` is the name as the
    Census writes it where that differs from ``name`` ("Richmond city" for
    Richmond); it is one of the ``aliases`` too.
    """

    ocd_id: str
    name: str
    kind: str
    state: str
    fips: str | None = None
    aliases: tuple[str, ...] = ()
    census_name: str | None = None
    other_fips: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then every alias."""
        return (self.name, *self.aliases)

    def label(self) -> str:
        """``Chicago, IL (ocd-division/...)``, as jurisdictions name one to a user."""
        return f"{self.name}, {self.state} ({self.ocd_id})"


class Match(NamedTuple):
    """What ``lookup`` found for ``text``.

    ``entry`` is the one jurisdiction meant, set only for ``exact``, ``alias``
    and ``normalised``; ``candidates`` lists what fits (that entry alone, or
    several for ``ambiguous``, or the closest for ``fuzzy``, best first);
    ``note`` says why in words, when there is more to say.
    """

    text: str
    how: MatchKind
    entry: Entry | None = None
    candidates: tuple[Entry, ...] = ()
    note: str = ""

    @property
    def found(self) -> bool:
        return self.entry is not None


# --- OCD ids ----------------------------------------------------------------------

_NOT_OCD = re.compile(r"[^\w.~-]")
_COUNTY_SUFFIX = re.compile(
    r"\s+(county|parish|borough|census area|city and borough|municipio|municipality)$", re.I
)
OCD_BASE = "ocd-division/country:us"
_COUNTY_SEGMENT = {"la": "parish", "ak": "borough"}
_NOT_PLACES = frozenset({K.federal_district, K.territory, K.state, K.county})


def _ocd_segment(name: str) -> str:
    """An OCD id segment: lower case, spaces to underscores, apostrophes to tildes."""
    text = name if name.isascii() else unicodedata.normalize("NFC", name)
    text = text.lower().replace("\u2019", "'").replace("'", "~")
    return _NOT_OCD.sub("", "_".join(text.split()))


# Identification and validation derive a row's id one after the other.
@lru_cache(maxsize=256)
def derive_ocd_id(kind: str, state_code: str, name: str) -> str:
    """The OCD id of a jurisdiction without one, from its kind, state and name:
    the one rule, used by the registry and by ``jurisdictions.validate``."""
    st = state_code.lower()
    if kind not in _NOT_PLACES:
        return f"{OCD_BASE}/state:{st}/place:{_ocd_segment(name)}"
    if kind == K.federal_district:
        return f"{OCD_BASE}/district:{st}"
    if kind == K.territory:
        return f"{OCD_BASE}/territory:{st}"
    if kind == K.state:
        return f"{OCD_BASE}/state:{st}"
    segment = _COUNTY_SEGMENT.get(st, "county")
    return f"{OCD_BASE}/state:{st}/{segment}:{_ocd_segment(_COUNTY_SUFFIX.sub('', name))}"


# --- names, normalised ----------------------------------------------------------------

# Word for word: "Saint Louis" is "St. Louis", "Ft." is "Fort".
_WORDS = {
    "saint": "st",
    "sainte": "ste",
    "mount": "mt",
    "fort": "ft",
    "twp": "township",
    "boro": "borough",
    "cnty": "county",
}
# Suffixes a county-equivalent's name ends with, longest first.
_COUNTY_WORDS = (
    ("city", "and", "borough"),
    ("census", "area"),
    ("county",),
    ("parish",),
    ("borough",),
    ("municipality",),
    ("municipio",),
)
# What a place's Census name ends with, and the kinds it names.
_PLACE_WORDS = (
    (("charter", "township"), {K.township}),
    (("township",), {K.township}),
    (("town",), {K.town}),
    (("village",), {K.village}),
    (("borough",), {K.borough}),
    (("city",), {K.city, K.city_county}),
)
# "City of X", "County of X": the prefix, what it becomes, and the kinds it names.
_PREFIXES = (
    (("city", "and", "county", "of"), (), {K.city_county}),
    (("city", "and", "borough", "of"), (), {K.city_county}),
    (("consolidated", "city", "of"), (), {K.city_county}),
    (("municipality", "of"), (), None),
    (("city", "of"), (), {K.city, K.city_county}),
    (("town", "of"), (), {K.town}),
    (("village", "of"), (), {K.village}),
    (("borough", "of"), (), {K.borough, K.county}),
    (("township", "of"), (), {K.township}),
    (("county", "of"), ("county",), {K.county, K.city_county}),
    (("parish", "of"), ("parish",), {K.county, K.city_county}),
)
_PUNCTUATION = re.compile(r"[^\w\s]|_")
# A body of a jurisdiction named after it: "Cook County Sheriff's Office".
_AGENCY = re.compile(
    r"\s+(?:sheriff'?s?\s+(?:office|department|dept\.?)|sheriff|police\s+(?:department|dept\.?)"
    r"|jail|detention\s+(?:center|facility)|department\s+of\s+corrections?"
    r"|board\s+of\s+(?:supervisors|commissioners)|commissioners'?\s+court"
    r"|(?:metro(?:politan)?|consolidated|unified)\s+government(?:\s+\(balance\))?)$",
    re.I,
)
# "State of California", "Commonwealth of Virginia": the state itself.
_STATE_OF = re.compile(r"^(?:the\s+)?(?:state|commonwealth|territory)\s+of\s+(?:the\s+)?", re.I)
# What spreadsheets hold where a value is missing.
_PLACEHOLDERS = frozenset(
    {"#n/a", "n/a", "na", "#na", "none", "null", "nil", "-", "--", "?", "unknown", "tbd",
     "#value!", "#ref!", "#name?", "#null!", "#div/0!", "(blank)", "blank", "missing"}
)  # fmt: skip
# ", USA" after a name; not the "us" that ends "Columbus".
_COUNTRY = re.compile(
    r"(?:,\s*|\s+)(?:usa|u\.s\.a\.?|u\.s\.?|us|united states(?: of america)?)$", re.I
)


def _tokens(text: str) -> list[str]:
    folded = fold(text).replace("&", " and ").replace("'", "")
    words = [_WORDS.get(w, w) for w in _PUNCTUATION.sub(" ", folded).split()]
    if words and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[-1] == "co":
        words[-1] = "county"
    return words


def _key(words: list[str] | tuple[str, ...]) -> str:
    """Spacing ignored too: "De Kalb" is "DeKalb"."""
    return "".join(words)


def _ends(words: list[str], suffix: tuple[str, ...]) -> bool:
    return len(words) > len(suffix) and tuple(words[-len(suffix) :]) == suffix


_COUNTY_LAST = frozenset(s[-1] for s in _COUNTY_WORDS)
_PLACE_LAST = frozenset(s[-1] for s, _ in _PLACE_WORDS)
_PREFIX_FIRST = frozenset(p[0] for p, _, _ in _PREFIXES)


def _county_base(words: list[str]) -> str | None:
    if not words or words[-1] not in _COUNTY_LAST:
        return None
    for suffix in _COUNTY_WORDS:
        if _ends(words, suffix):
            return _key(words[: -len(suffix)])
    return None


def _unprefix(words: list[str]) -> tuple[list[str], set | None]:
    if not words or words[0] not in _PREFIX_FIRST:
        return words, None
    for prefix, then, kinds in _PREFIXES:
        n = len(prefix)
        if len(words) > n and tuple(words[:n]) == prefix:
            return [*words[n:], *then], kinds
    return words, None


def _state_key(text: str) -> str:
    return " ".join(fold(text).replace(".", "").split())


# --- the registry ---------------------------------------------------------------------


class Registry:
    """Jurisdictions indexed for lookup: the built-ins (``builtin()``), and any
    others a caller adds (Gazetteer places, tracked jurisdictions).

    Entries sharing an OCD id are one jurisdiction: the first is kept, and the
    later ones' names become its aliases.
    """

    def __init__(self, entries: Iterable[Entry]):
        by_ocd: dict[str, Entry] = {}
        for e in entries:
            old = by_ocd.get(e.ocd_id)
            if old is None:
                by_ocd[e.ocd_id] = e
                continue
            more = tuple(n for n in e.names if n not in old.names)
            if more:
                by_ocd[e.ocd_id] = old._replace(aliases=(*old.aliases, *more))
        self._entries = tuple(by_ocd.values())
        self._by_ocd = by_ocd
        self._by_fips: dict[str, Entry] = {}
        # Name as written -> [(entry, by its name rather than an alias)].
        self._exact: dict[str, list[tuple[Entry, bool]]] = {}
        # Normalised name -> entries; a county's name without its suffix -> entries.
        self._normal: dict[str, set[Entry]] = {}
        self._base: dict[str, set[Entry]] = {}
        # A state's name, code or alias, dots and case ignored -> the state.
        self._states: dict[str, Entry] = {}
        self._pools: dict[str | None, tuple[list[str], dict[str, list[Entry]]]] = {}
        for e in self._entries:
            for code in (e.fips, *e.other_fips):
                if code:
                    self._by_fips.setdefault(code, e)
            for i, name in enumerate(e.names):
                self._exact.setdefault(name, []).append((e, i == 0))
                words = _tokens(name)
                self._normal.setdefault(_key(words), set()).add(e)
                unprefixed, _ = _unprefix(words)
                if unprefixed != words:
                    self._normal.setdefault(_key(unprefixed), set()).add(e)
                base = _county_base(unprefixed)
                if base and e.kind not in STATE_LEVEL:
                    self._base.setdefault(base, set()).add(e)
        state_level = [e for e in self._entries if e.kind in STATE_LEVEL]
        for e in state_level:
            self._states[_state_key(e.name)] = e
            self._states[_state_key(e.state)] = e
        for e in state_level:
            for alias in e.aliases:
                self._states.setdefault(_state_key(alias), e)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def get(self, ocd_id: str) -> Entry | None:
        """The entry with this OCD id (any case)."""
        return self._by_ocd.get(ocd_id.strip().lower())

    def by_fips(self, code: str) -> Entry | None:
        """The entry with this FIPS code (2, 5 or 7 digits) or other Census code."""
        return self._by_fips.get(code.strip())

    def state(self, text: str) -> Entry | None:
        """The state, DC or territory that ``text`` names: its name, postal code,
        AP abbreviation or alias, case and dots ignored ("D.C.", "Calif.")."""
        return self._states.get(_state_key(text)) if isinstance(text, str) else None

    # -- lookup ----------------------------------------------------------------------

    def may_know(self, name: str) -> bool:
        """False when no lookup of ``name`` (a bare name, no state in it) could
        find an entry but a fuzzy one: a cheap test before ``lookup`` for a
        writer that checks thousands of rows. It tries the keys the exact,
        normalised and suffix tiers try, without their rules."""
        if name in self._exact:
            return True
        words = _tokens(name)
        unprefixed, _ = _unprefix(words)
        normal, base = self._normal, self._base
        for key in (_key(words), _key(unprefixed)):
            if key in normal or key in base:
                return True
        county = _county_base(unprefixed)
        if county is not None and county in base:
            return True
        if not unprefixed or unprefixed[-1] not in _PLACE_LAST:
            return False
        for suffix, _kinds in _PLACE_WORDS:
            if _ends(unprefixed, suffix) and _key(unprefixed[: -len(suffix)]) in normal:
                return True
        return False

    def lookup(
        self, text: str, state: str | None = None, kind: str | None = None, *, fuzzy: bool = True
    ) -> Match:
        """Which jurisdiction ``text`` names, and how it matched.

        ``state`` (a name or code) and ``kind`` narrow the search, as a list's
        state and kind columns would. ``text`` may carry the state itself:
        "Cook County, IL", "Cook County IL", "Cook County, Illinois".
        ``fuzzy=False`` stops before looking for names that only resemble
        (a writer deciding whether a row is a known jurisdiction, many times over).
        """
        shown = text if isinstance(text, str) else ""
        # Outer spaces are an artefact of the list ("Bay County "); inner ones are not.
        cleaned = _COUNTRY.sub("", shown.strip()).strip(" ,")
        if not cleaned or fold(cleaned) in _PLACEHOLDERS or not any(c.isalnum() for c in cleaned):
            return Match(shown, MatchKind.not_found, note="no name")
        scope = self._state_arg(state)
        kinds = _kind_arg(kind)
        if cleaned.isascii() and cleaned.isdigit():
            return self._by_code(shown, cleaned, scope, kinds)
        if cleaned.lower().startswith("ocd-division/"):
            found = self.get(cleaned)
            if found is not None and _fits(found, scope, kinds):
                return Match(shown, MatchKind.exact, found, (found,))
            return Match(shown, MatchKind.not_found, note="no entry has this OCD id")
        return _Search(self, shown, cleaned, scope, kinds, fuzzy).run()

    def _state_arg(self, state: str | None) -> str | None:
        if state is None or not state.strip():
            return None
        found = self.state(state)
        if found is None:
            raise InvalidValue(f"state: {state!r} is not a US state, territory or DC")
        return found.state

    def _by_code(self, shown: str, code: str, scope, kinds) -> Match:
        found = self.by_fips(code)
        if found is not None and _fits(found, scope, kinds):
            return Match(shown, MatchKind.exact, found, (found,))
        return Match(shown, MatchKind.not_found, note=f"no entry has the FIPS code {code}")

    def _pool(self, scope: str | None) -> tuple[list[str], dict[str, list[Entry]]]:
        """Every name folded, within a state or nationally, for fuzzy matching."""
        pool = self._pools.get(scope)
        if pool is None:
            owners: dict[str, list[Entry]] = {}
            for e in self._entries:
                if scope is None or e.state == scope:
                    for name in e.names:
                        owners.setdefault(fold(name), []).append(e)
            pool = self._pools[scope] = (list(owners), owners)
        return pool


def _kind_arg(kind: str | None) -> frozenset | None:
    """The kinds a requested kind accepts: a city-county is a county and a city,
    and so is DC (Washington, and the county-equivalent 11001)."""
    if kind is None or not kind.strip():
        return None
    k = vocab.parse_choice(K, kind.strip().lower(), "kind")
    if k in STATE_LEVEL:
        return STATE_LEVEL
    if k in (K.county, K.city):
        return frozenset({k, K.city_county, K.federal_district})
    return frozenset({k})


def _fits(e: Entry, scope: str | None, kinds) -> bool:
    return (scope is None or e.state == scope) and (kinds is None or e.kind in kinds)


def _ordered(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    return tuple(sorted(set(entries), key=lambda e: (e.state, _KIND_ORDER[e.kind], e.name)))


class _Form:
    """One reading of the text: a name, the state it names, its words
    normalised, and the kinds its words name ("Town of X": a town)."""

    __slots__ = ("name", "state", "words", "hint")

    def __init__(self, name: str, state: str | None):
        self.name = name
        self.state = state
        self.words, self.hint = _unprefix(_tokens(name))


class _Search:
    """One lookup: the readings of the text, tried tier by tier."""

    def __init__(self, registry: Registry, shown: str, cleaned: str, scope, kinds, fuzzy=True):
        self.r = registry
        self.fuzzy = fuzzy
        self.shown = shown
        self.cleaned = cleaned
        self.scope = scope
        self.kinds = kinds

    def run(self) -> Match:
        r = self.r
        if self.kinds is None or K.state in self.kinds:
            st = r._states.get(_state_key(self.cleaned))
            if st is None and _STATE_OF.match(self.cleaned):
                st = r._states.get(_state_key(_STATE_OF.sub("", self.cleaned)))
            if st is not None and self.scope in (None, st.state):
                return Match(self.shown, self._state_how(st), st, (st,))
        forms, clash = self._forms(self.cleaned)
        if clash:
            return Match(self.shown, MatchKind.not_found, note=clash)
        found = self._tiers(forms)
        if found is not None:
            return found
        # "Cook County Sheriff's Office, IL": the jurisdiction the body belongs to.
        changed = [_Form(_AGENCY.sub("", f.name), f.state) for f in forms if _AGENCY.search(f.name)]
        if changed:
            found = self._tiers(changed, agency=True)
            if found is not None:
                return found
        if not self.fuzzy:
            return Match(self.shown, MatchKind.not_found)
        return self._elsewhere(forms) or self._fuzzy(forms)

    def _state_how(self, st: Entry) -> MatchKind:
        if self.cleaned in (st.name, st.state):
            return MatchKind.exact
        if self.cleaned in st.aliases:
            return MatchKind.alias
        return MatchKind.normalised

    def _forms(self, text: str) -> tuple[list["_Form"], str]:
        """The text as a name in the given state, and as ``Name, ST`` / ``Name ST``."""
        forms = []
        found = name_and_state(text, lambda tail: self.r._states.get(_state_key(tail)))
        head, named = found if found is not None else (text, None)
        if named is None:
            m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text) or re.fullmatch(
                r"(.+?)\s+([A-Z]{2}|[A-Z]\.[A-Z]\.)", text
            )
            if m:
                head, named = m.group(1), self.r._states.get(_state_key(m.group(2)))
        if named is not None:
            if self.scope is not None and named.state != self.scope:
                return [], f"the name says {named.state} but the state given is {self.scope}"
            forms.append(_Form(head.strip(" ,\t"), named.state))
        forms.append(_Form(text, self.scope))
        return forms, ""

    def _tiers(self, forms: list[_Form], agency: bool = False) -> Match | None:
        for tier in (self._strong, self._normalised, self._suffixed):
            for form in forms:
                hits, how = tier(form)
                hits = [e for e in hits if _fits(e, form.state, self.kinds)]
                if hits:
                    if agency and how is not MatchKind.fuzzy:
                        how = MatchKind.normalised
                    return self._decide(form, hits, how)
        return None

    def _strong(self, form: _Form) -> tuple[list[Entry], MatchKind]:
        found = self.r._exact.get(form.name, ())
        hits = [e for e, _ in found if _fits(e, form.state, self.kinds)]
        by_name = all(named for e, named in found if e in hits)
        return hits, MatchKind.exact if by_name else MatchKind.alias

    def _normalised(self, form: _Form) -> tuple[list[Entry], MatchKind]:
        return list(self.r._normal.get(_key(form.words), ())), MatchKind.normalised

    def _suffixed(self, form: _Form) -> tuple[list[Entry], MatchKind]:
        """A county with another suffix ("Orleans County" for Orleans Parish), a
        place with its Census descriptor ("Chicago city", "Cheltenham township"),
        or a county named without its suffix ("Dona Ana").

        The last is only a guess unless a county was asked for: "Los Angeles,
        CA" is the city, which the built-ins do not hold, not the county."""
        words, r = form.words, self.r
        base = _county_base(words)
        if base is not None:
            hits = set(r._base.get(base, ()))
            how = MatchKind.normalised
        else:
            hits = set()
            for suffix, kinds in _PLACE_WORDS:
                if _ends(words, suffix):
                    rest = _key(words[: -len(suffix)])
                    hits = {e for e in r._normal.get(rest, ()) if e.kind in kinds}
                    form.hint = kinds
                    break
            how = MatchKind.normalised
            if not hits and (form.hint is None or K.county in form.hint):
                hits = set(r._base.get(_key(words), ()))
                asked = self.kinds is not None and K.county in self.kinds
                how = MatchKind.normalised if asked else MatchKind.fuzzy
        return [e for e in hits if e.kind not in STATE_LEVEL], how

    def _decide(self, form: _Form, hits: list[Entry], how: MatchKind) -> Match:
        hits = list(_ordered(hits))
        if how is MatchKind.fuzzy:
            return Match(
                self.shown,
                how,
                candidates=tuple(hits),
                note="a county's name without 'County': a city may have this name too; "
                "ask for kind county to accept it",
            )
        if len(hits) > 1 and form.state is not None:
            # "New York, NY": the local government, not the state itself.
            local = [e for e in hits if e.kind not in STATE_LEVEL]
            hits = local or hits
        if len(hits) > 1 and form.hint:
            # "Town of Hempstead": the town, not the village.
            hinted = [e for e in hits if e.kind in form.hint]
            hits = hinted or hits
        if len(hits) == 1 and self.kinds is not None and K.county in self.kinds:
            hits = self._county_too(form, hits)
        if len(hits) == 1:
            return Match(self.shown, how, hits[0], (hits[0],))
        return Match(
            self.shown,
            MatchKind.ambiguous,
            candidates=tuple(hits),
            note=f"{len(hits)} jurisdictions fit",
        )

    def _county_too(self, form: _Form, hits: list[Entry]) -> list[Entry]:
        """Asked for a county, "Baltimore" is Baltimore city or Baltimore County."""
        e = hits[0]
        if e.kind != K.city_county or _county_base(form.words) is not None:
            return hits
        more = {c for c in self.r._base.get(_key(form.words), ()) if c.kind == K.county}
        return [*hits, *_ordered(c for c in more if _fits(c, form.state, None))]

    def _elsewhere(self, forms: list[_Form]) -> Match | None:
        """Nothing in the state or of the kind asked for: what fits of another
        kind in that state, then in other states, as candidates (a list that
        files Cook County as a city, or under IN)."""
        for form in forms:
            for state, kinds in ((form.state, None), (None, self.kinds), (None, None)):
                if (state, kinds) == (form.state, self.kinds):
                    continue
                wide = _Search(self.r, self.shown, self.cleaned, state, kinds)
                for tier in (wide._strong, wide._normalised, wide._suffixed):
                    hits, _ = tier(_Form(form.name, state))
                    hits = [e for e in hits if _fits(e, state, kinds)]
                    if hits:
                        return Match(
                            self.shown,
                            MatchKind.fuzzy,
                            candidates=_ordered(hits),
                            note=self._outside(form, hits),
                        )
        return None

    def _outside(self, form: _Form, hits: list[Entry]) -> str:
        where = []
        if form.state is not None and all(e.state != form.state for e in hits):
            where.append(f"not in {form.state}")
        if self.kinds is not None and all(e.kind not in self.kinds for e in hits):
            where.append("not of the kind asked for")
        return "; ".join(where)

    def _fuzzy(self, forms: list[_Form]) -> Match:
        form = forms[0]
        import difflib

        names, owners = self.r._pool(form.state)
        close = difflib.get_close_matches(fold(form.name), names, n=8, cutoff=0.85)
        found: list[Entry] = []
        for name in close:
            for e in owners[name]:
                if e not in found and (self.kinds is None or e.kind in self.kinds):
                    found.append(e)
        if not found:
            return Match(self.shown, MatchKind.not_found)
        return Match(
            self.shown, MatchKind.fuzzy, candidates=tuple(found[:5]), note="similar names only"
        )


# --- the built-in data ----------------------------------------------------------------


_DATA = os.path.join(os.path.dirname(__file__), "registry_data", "builtin.csv")


def _entry(row: list[str]) -> Entry:
    ocd_id, name, kind, state, fips, census_name, aliases, other_fips = row
    return Entry(
        ocd_id,
        name,
        kind,
        state,
        fips or None,
        tuple(aliases.split("; ")) if aliases else (),
        census_name or None,
        tuple(other_fips.split()),
    )


@cache
def entries() -> tuple[Entry, ...]:
    """Every built-in entry: states, DC, territories, counties and equivalents, NYC."""
    import csv

    with open(_DATA, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        if tuple(next(rows)) != COLUMNS:
            raise RuntimeError(f"{_DATA}: not the columns {COLUMNS}; run scripts/build_registry.py")
        return tuple(_entry(row) for row in rows)


@cache
def builtin() -> Registry:
    """The built-in entries, indexed (built on first use, then kept)."""
    return Registry(entries())


def lookup(text: str, state: str | None = None, kind: str | None = None) -> Match:
    """Which built-in jurisdiction ``text`` names, and how (``Registry.lookup``)."""
    return builtin().lookup(text, state=state, kind=kind)


# --- Census Gazetteer files -------------------------------------------------------------


class Gazetteer(NamedTuple):
    """What ``read_gazetteer`` found: the file's layout (``place`` or ``cousub``),
    its jurisdictions, and how many rows it left out, by reason."""

    layout: str
    entries: tuple[Entry, ...]
    skipped: dict[str, int]


_REQUIRED = ("USPS", "GEOID", "NAME", "FUNCSTAT")
# Census functional status: A, B, C and G are governments; F, I, N and S are
# not (fictitious, inactive, nonfunctioning, statistical); E is special-purpose.
_GOVERNMENTS = frozenset("ABCG")
_FUNCSTATS = frozenset("ABCEFGINS")
# Census descriptors at the end of a place's or subdivision's name -> tracker kind.
_DESCRIPTORS = (
    (" metropolitan government", K.city),
    (" metro government", K.city),
    (" unified government", K.city),
    (" consolidated government", K.city),
    (" city and borough", K.city),
    (" urban county", K.city),
    (" charter township", K.township),
    (" township", K.township),
    (" municipality", K.city),
    (" plantation", K.town),
    (" borough", K.borough),
    (" village", K.village),
    (" town", K.town),
    (" city", K.city),
)
# Statistical areas and other units that are not a local government.
_NOT_GOVERNMENTS = (
    " CDP",
    " CCD",
    " UT",
    " unorganized territory",
    " comunidad",
    " zona urbana",
    " barrio",
    " barrio-pueblo",
    " subbarrio",
    " district",
    " precinct",
    " gore",
    " grant",
    " location",
    " purchase",
    " reservation",
)


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM allowed), else Latin-1, which older Gazetteer files use."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _unmangle(name: str) -> str:
    """Mojibake undone: "DoÃ±a Ana" (UTF-8 read as Latin-1 and saved again) is "Doña Ana"."""
    if "Ã" in name or "Â" in name:
        try:
            return name.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return name
    return name


def _kind_of(name: str) -> tuple[str, str] | None:
    """("Chicago", city) for "Chicago city", "Indianapolis city (balance)"; None
    for a name without a descriptor ("Carson City")."""
    name = name.removesuffix(" (balance)")
    for suffix, kind in _DESCRIPTORS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], kind
    return None


def read_gazetteer(path: "str | os.PathLike[str]", known: Iterable[Entry] = ()) -> Gazetteer:
    """The local governments in a Census Gazetteer file of places
    (``2020_Gaz_place_national.txt``: GEOID of 7 digits) or county subdivisions
    (``2020_Gaz_cousubs_national.txt``: 10 digits), national or one state's.

    Each government is an entry named without its Census descriptor ("Chicago
    city" is Chicago, a city), with its internal point as lat/lon. Left out,
    and counted in ``skipped``: statistical areas (CDPs, CCDs), units without
    a general-purpose government, the built-in jurisdictions ("Nashville-Davidson
    metropolitan government (balance)" is Nashville-Davidson, "Brooklyn
    borough" is Kings County), and from a subdivisions file its cities,
    villages and boroughs, which a places file holds.

    A subdivision's ``fips`` is its state's code and its own 5-digit code
    (7 digits, the same code space as places: Boston is 2507000 in both files);
    its 10-digit GEOID is in ``other_fips``. Subdivisions of one state sharing
    a name (Wisconsin's many Lincoln towns), or whose OCD id is held by one of
    ``known`` (the built-ins and those already loaded) with another FIPS code,
    get an OCD id under their county. A place whose OCD id is so held is left
    out ("OCD id held by another jurisdiction").

    A file that is not in this format raises InvalidValue naming the file, the
    line and what is wrong.
    """
    where = os.path.basename(os.fspath(path))
    try:
        with open(path, "rb") as f:
            text = _decode(f.read())
    except OSError as exc:
        raise InvalidValue(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    # Lines end at "\n" only: str.splitlines would also split at a form feed.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].strip():
        raise InvalidValue(f"{where}, line 1: empty; expected a Census Gazetteer header")
    header = [h.strip().upper() for h in lines[0].split("\t")]
    missing = [h for h in _REQUIRED if h not in header]
    if missing:
        raise InvalidValue(
            f"{where}, line 1: not a Census Gazetteer file of places or county subdivisions: "
            f"no {', '.join(missing)} column (the header must be tab-separated: "
            "USPS, GEOID, ANSICODE, NAME, [LSAD,] FUNCSTAT, ALAND, ...)"
        )
    if len(set(header)) != len(header):
        raise InvalidValue(f"{where}, line 1: a column is named twice")
    col = {h: i for i, h in enumerate(header)}
    registry = builtin()
    taken = {e.ocd_id: e for e in registry}
    for e in known:
        taken.setdefault(e.ocd_id, e)
    counties = {e.fips: e for e in registry if e.fips and len(e.fips) == 5}

    layout = None
    rows: list[tuple[str, str, str, str, float | None, float | None]] = []
    skipped: dict[str, int] = {}

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.rstrip("\r").split("\t")]
        while len(fields) > len(header) and fields[-1] == "":
            fields.pop()
        if len(fields) != len(header):
            raise InvalidValue(
                f"{where}, line {number}: {len(fields)} tab-separated fields, "
                f"but the header has {len(header)}"
            )
        usps, geoid = fields[col["USPS"]], fields[col["GEOID"]]
        name, funcstat = _unmangle(fields[col["NAME"]]), fields[col["FUNCSTAT"]]
        st = registry._states.get(usps.lower()) if len(usps) == 2 else None
        if st is None:
            raise InvalidValue(f"{where}, line {number}: USPS {usps!r} is not a state code")
        if not (geoid.isascii() and geoid.isdigit() and len(geoid) in (7, 10)):
            raise InvalidValue(
                f"{where}, line {number}: GEOID {geoid!r} is not a place's 7 digits "
                "or a county subdivision's 10"
            )
        this = "place" if len(geoid) == 7 else "cousub"
        if layout is None:
            layout = this
        elif this != layout:
            raise InvalidValue(
                f"{where}, line {number}: GEOID {geoid!r} has {len(geoid)} digits, but the "
                f"file's first row is a {layout} ({7 if layout == 'place' else 10} digits)"
            )
        if not geoid.startswith(st.fips):
            raise InvalidValue(
                f"{where}, line {number}: GEOID {geoid!r} does not start with "
                f"{st.state}'s FIPS code {st.fips}"
            )
        if not name or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise InvalidValue(f"{where}, line {number}: NAME {name!r} is empty or not one line")
        if funcstat not in _FUNCSTATS:
            raise InvalidValue(
                f"{where}, line {number}: FUNCSTAT {funcstat!r} is not a Census "
                "functional status (one of A, B, C, E, F, G, I, N, S)"
            )
        lat = _coordinate(fields, col, "INTPTLAT", 90, where, number)
        lon = _coordinate(fields, col, "INTPTLONG", 180, where, number)
        rows.append((st.state, geoid, name, funcstat, lat, lon))

    if layout is None:
        raise InvalidValue(f"{where}: no rows after the header")

    found: list[tuple[Entry, str]] = []  # (entry, its county's FIPS or "")
    for state, geoid, name, funcstat, lat, lon in rows:
        if name.endswith(_NOT_GOVERNMENTS) or funcstat == "S":
            skip("statistical area or other unit without a local government")
            continue
        read = _kind_of(name)
        if funcstat not in _GOVERNMENTS and not name.endswith("(balance)"):
            skip(f"no general-purpose government (FUNCSTAT {funcstat})")
            continue
        if read is None and layout == "cousub":
            skip("no town or township descriptor")
            continue
        short, kind = read or (name, K.city)
        county = geoid[:5] if layout == "cousub" else ""
        if _is_builtin(registry, state, short, name, county, counties):
            skip("built in (a county, city-county or New York City)")
            continue
        if layout == "cousub" and kind not in (K.town, K.township):
            skip("a city, village or borough: load it from a places file")
            continue
        fips = geoid if layout == "place" else geoid[:2] + geoid[5:]
        e = Entry(
            ocd_id=derive_ocd_id(kind, state, short),
            name=short,
            kind=kind.value,
            state=state,
            fips=fips,
            aliases=(name,),
            census_name=name,
            other_fips=(geoid,) if layout == "cousub" else (),
            lat=lat,
            lon=lon,
        )
        found.append((e, county))

    shared: dict[str, int] = {}
    for e, _ in found:
        shared[e.ocd_id] = shared.get(e.ocd_id, 0) + 1
    out: list[Entry] = []
    used: set[str] = set()
    for e, county in found:
        ocd = e.ocd_id
        holder = taken.get(ocd)
        if shared[ocd] > 1 or (holder is not None and holder.fips != e.fips):
            if layout != "cousub" or county not in counties:
                skip("OCD id held by another jurisdiction")
                continue
            # "Lincoln town" in Marathon County: the town's OCD id is under its county.
            ocd = f"{counties[county].ocd_id}/place:{_ocd_segment(e.name)}"
            holder = taken.get(ocd)
        if holder is not None and holder.fips == e.fips:
            if holder.ocd_id in registry._by_ocd:
                skip("already known (same OCD id and FIPS code)")
                continue
            # Loaded before (one of ``known``): the same place again, to update.
            holder = None
        if holder is not None or ocd in used:
            skip("OCD id held by another jurisdiction")
            continue
        used.add(ocd)
        out.append(e._replace(ocd_id=ocd))
    return Gazetteer(layout, tuple(out), skipped)


def _coordinate(fields, col, column, limit, where, number) -> float | None:
    if column not in col or not fields[col[column]]:
        return None
    text = fields[col[column]]
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not -limit <= value <= limit:
        raise InvalidValue(f"{where}, line {number}: {column} {text!r} is not a coordinate")
    return value


def _is_builtin(registry: Registry, state, short, name, county, counties) -> bool:
    """A place or subdivision that is a built-in jurisdiction under another name:
    a city-county's city, New York City, a borough of New York City."""
    if county:
        holder = counties.get(county)
        names = {fold(n) for n in holder.names} if holder is not None else set()
        return fold(short) in names or fold(name) in names
    for e in registry._normal.get(_key(_tokens(short)), ()):
        if e.state == state and e.kind in (K.city_county, K.city):
            return True
    return False
