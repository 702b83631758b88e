"""The built-in registry: its data against the Census list, and names matched as
real lists print them. No database."""

import ast
import csv
import unicodedata
from pathlib import Path

import pytest
import us

from tracker import jurisdictions, registry
from tracker.errors import InvalidValue
from tracker.registry import MatchKind

ROOT = Path(__file__).resolve().parents[1]
BASE = "ocd-division/country:us"
ENTRIES = registry.entries()
REG = registry.builtin()


def ocd(entry):
    return entry.ocd_id if entry is not None else None


# --- the data --------------------------------------------------------------------


def test_every_state_dc_and_territory_with_its_fips_and_kind():
    for st in us.states.STATES_AND_TERRITORIES:
        e = REG.by_fips(st.fips)
        assert (e.name, e.state) == (st.name, st.abbr)
        want = (
            "federal_district" if st.abbr == "DC" else "territory" if st.is_territory else "state"
        )
        assert e.kind == want
    assert len([e for e in ENTRIES if e.kind in registry.STATE_LEVEL]) == 56


def test_every_county_and_equivalent_of_the_2020_census():
    counties = {c.fips: c for st in us.states.STATES_AND_TERRITORIES for c in st.counties}
    assert len(counties) == 3234
    for fips in counties:
        assert REG.by_fips(fips) is not None, fips
    five = [e for e in ENTRIES if e.fips and len(e.fips) == 5]
    in_states = [e for e in five if e.state not in ("PR", "AS", "GU", "MP", "VI")]
    # 3,143 in the states and DC; DC's 11001 is DC itself, as 66010 is Guam.
    assert len(in_states) == 3142
    assert REG.by_fips("11001").ocd_id == f"{BASE}/district:dc"
    assert REG.by_fips("66010").ocd_id == f"{BASE}/territory:gu"
    assert len([e for e in five if e.state == "PR"]) == 78
    assert len(ENTRIES) == 3289
    # Gone before 2020: Valdez-Cordova (split in 2019), Bedford city (a town since 2013).
    assert REG.by_fips("02261") is None and REG.by_fips("51515") is None
    assert REG.by_fips("02063").name == "Chugach Census Area"


def test_ocd_ids_are_what_jurisdictions_derives_and_unique():
    for e in ENTRIES:
        assert e.ocd_id == jurisdictions.derive_ocd_id(e.kind, e.state, e.name), e
    assert len({e.ocd_id for e in ENTRIES}) == len(ENTRIES)
    assert len({e.fips for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize(
    ("kind", "state", "name"),
    [
        ("county", "LA", "Orleans Parish"),
        ("county", "AK", "Juneau City and Borough"),
        ("county", "AK", "Bethel Census Area"),
        ("county", "NM", "Doña Ana County"),
        ("county", "MD", "Prince George's County"),
        ("county", "MD", "Prince George\u2019s County"),
        ("county", "PR", "Mayagüez Municipio"),
        ("town", "MA", "Brookline"),
        ("township", "NJ", "Cherry Hill"),
        ("city", "TN", "Nashville-Davidson"),
        ("city", "KY", "Louisville/Jefferson County"),
        ("city", "MO", "O'Fallon"),
        ("city", "CO", "Cañon City"),
        ("village", "IL", "Oak  Park"),
        ("state", "TX", "Texas"),
        ("territory", "PR", "Puerto Rico"),
        ("federal_district", "DC", "District of Columbia"),
    ],
)
def test_derive_ocd_id_is_the_one_jurisdictions_uses(kind, state, name):
    assert registry.derive_ocd_id(kind, state, name) == jurisdictions.derive_ocd_id(
        kind, state, name
    )


def test_census_names_as_the_census_writes_them():
    census = {e.fips: e.census_name or e.name for e in ENTRIES}
    assert census["22071"] == "Orleans Parish"
    assert census["51760"] == "Richmond city"
    assert census["02020"] == "Anchorage Municipality"
    assert census["35013"] == "Doña Ana County"
    assert census["72021"] == "Bayamón Municipio"
    assert census["51036"] == "Charles City County"
    assert census["22059"] == "LaSalle Parish"
    assert all(unicodedata.normalize("NFC", n) == n for n in census.values())
    text = (ROOT / "tracker" / "registry_data" / "builtin.csv").read_text(encoding="utf-8")
    # No mojibake: UTF-8 read as Latin-1 would show "DoÃ±a".
    assert "Ã" not in text and "Â" not in text


@pytest.mark.parametrize(
    ("fips", "name", "aliases"),
    [
        ("06075", "San Francisco", {"San Francisco County", "City and County of San Francisco"}),
        ("08031", "Denver", {"Denver County"}),
        ("42101", "Philadelphia", {"Philadelphia County"}),
        ("47037", "Nashville-Davidson", {"Davidson County", "Nashville"}),
        ("21111", "Louisville", {"Jefferson County", "Louisville/Jefferson County"}),
        ("21067", "Lexington-Fayette", {"Fayette County", "Lexington"}),
        ("15003", "Honolulu", {"Honolulu County"}),
        ("12031", "Jacksonville", {"Duval County"}),
        ("22071", "New Orleans", {"Orleans Parish"}),
        ("24510", "Baltimore", {"Baltimore city"}),
        ("29510", "St. Louis", {"St. Louis city"}),
        ("32510", "Carson City", set()),
        ("51760", "Richmond", {"Richmond city"}),
        ("02020", "Anchorage", {"Anchorage Municipality", "Municipality of Anchorage"}),
        ("02110", "Juneau", {"Juneau City and Borough", "City and Borough of Juneau"}),
    ],
)
def test_a_consolidated_city_county_is_one_entry_with_both_names(fips, name, aliases):
    e = REG.by_fips(fips)
    assert (e.name, e.kind) == (name, "city_county")
    assert aliases <= set(e.aliases)
    assert e.ocd_id == jurisdictions.derive_ocd_id("city_county", e.state, name)


def test_virginia_independent_cities_are_city_counties_and_its_counties_stay_counties():
    va = [e for e in ENTRIES if e.state == "VA"]
    assert len([e for e in va if e.kind == "city_county"]) == 38
    assert len([e for e in va if e.kind == "county"]) == 95
    assert REG.by_fips("51159").name == "Richmond County"
    assert REG.by_fips("51095").name == "James City County"


def test_new_york_boroughs_are_counties_and_new_york_city_a_built_in_place():
    boroughs = {
        "36047": ("Kings County", "Brooklyn"),
        "36061": ("New York County", "Manhattan"),
        "36085": ("Richmond County", "Staten Island"),
        "36005": ("Bronx County", "The Bronx"),
        "36081": ("Queens County", "Queens"),
    }
    for fips, (name, alias) in boroughs.items():
        e = REG.by_fips(fips)
        assert (e.name, e.kind) == (name, "county") and alias in e.aliases
    nyc = REG.get(f"{BASE}/state:ny/place:new_york")
    assert (nyc.kind, nyc.fips, nyc.census_name) == ("city", "3651000", "New York city")
    assert "New York City" in nyc.aliases
    assert [e.name for e in ENTRIES if e.kind == "city"] == ["New York"]


def test_seeded_jurisdictions_have_the_registry_ocd_id_kind_and_fips():
    with open(ROOT / "seed" / "jurisdictions.csv", encoding="utf-8", newline="") as f:
        seeded = list(csv.DictReader(f))
    known = [row for row in seeded if REG.get(row["ocd_id"]) is not None]
    assert {row["name"] for row in known} == {
        "District of Columbia",
        "California",
        "Santa Clara County",
        "San Francisco",
        "Illinois",
        "New Orleans",
        "New York City",
    }
    for row in known:
        e = REG.get(row["ocd_id"])
        assert (e.kind, e.fips) == (row["kind"], row["fips"])


def test_the_module_imports_no_sqlalchemy_nor_any_database_module():
    allowed = {"tracker", "tracker.vocab", "tracker.errors", "tracker.values"}
    for module in ("registry", "vocab", "errors", "values"):
        tree = ast.parse((ROOT / "tracker" / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("sqlalchemy", "sqlmodel", "alembic")), name
                assert not name.startswith("tracker") or name in allowed, name


# --- matching ---------------------------------------------------------------------

COOK = f"{BASE}/state:il/county:cook"
DC = f"{BASE}/district:dc"
KINGS = f"{BASE}/state:ny/county:kings"
LOUISVILLE = f"{BASE}/state:ky/place:louisville"
ST_LOUIS_CITY = f"{BASE}/state:mo/place:st._louis"
ST_LOUIS_COUNTY = f"{BASE}/state:mo/county:st._louis"
DONA_ANA = f"{BASE}/state:nm/county:doña_ana"
NYS = f"{BASE}/state:ny"
NYC = f"{BASE}/state:ny/place:new_york"
RICHMOND_CITY = f"{BASE}/state:va/place:richmond"
RICHMOND_COUNTY = f"{BASE}/state:va/county:richmond"


@pytest.mark.parametrize(
    ("text", "state", "kind", "how", "found"),
    [
        ("Cook County, IL", None, None, "exact", COOK),
        ("Cook County IL", None, None, "exact", COOK),
        ("Cook County, Illinois", None, None, "exact", COOK),
        ("Cook County (IL)", None, None, "exact", COOK),
        ("Cook County", "IL", None, "exact", COOK),
        ("Cook County", "Illinois", "county", "exact", COOK),
        ("cook county, il", None, None, "normalised", COOK),
        ("Cook County , IL ", None, None, "exact", COOK),
        ("Cook  County, IL", None, None, "normalised", COOK),
        ("Cook Co., IL", None, None, "normalised", COOK),
        ("Cook County, IL, USA", None, None, "exact", COOK),
        ("Cook County IL US", None, None, "exact", COOK),
        ("Columbus", None, None, "exact", f"{BASE}/state:ga/place:columbus"),
        ("Columbus, GA", None, None, "exact", f"{BASE}/state:ga/place:columbus"),
        ("Cook County Sheriff's Office, IL", None, None, "normalised", COOK),
        ("County of Cook, IL", None, None, "normalised", COOK),
        ("17031", None, None, "exact", COOK),
        (COOK, None, None, "exact", COOK),
        ("Brooklyn, NY", None, None, "alias", KINGS),
        ("Brooklyn", None, None, "alias", KINGS),
        ("Kings County, NY", None, None, "exact", KINGS),
        ("Staten Island", None, None, "alias", f"{BASE}/state:ny/county:richmond"),
        ("The Bronx", None, None, "alias", f"{BASE}/state:ny/county:bronx"),
        ("Bronx, NY", None, None, "alias", f"{BASE}/state:ny/county:bronx"),
        ("Manhattan", None, None, "alias", f"{BASE}/state:ny/county:new_york"),
        ("Washington DC", None, None, "normalised", DC),
        ("Washington, D.C.", None, None, "alias", DC),
        ("Washington D.C.", None, None, "alias", DC),
        ("District of Columbia", None, None, "exact", DC),
        ("DC", None, None, "exact", DC),
        ("D.C.", None, None, "alias", DC),
        ("11001", None, None, "exact", DC),
        ("Washington", "DC", None, "alias", DC),
        ("Washington, DC", None, "city", "alias", DC),
        ("District of Columbia", None, "county", "exact", DC),
        ("Louisville, KY", None, None, "exact", LOUISVILLE),
        ("Louisville/Jefferson County", None, None, "alias", LOUISVILLE),
        ("Jefferson County, KY", None, None, "alias", LOUISVILLE),
        ("St. Louis", None, None, "exact", ST_LOUIS_CITY),
        ("Saint Louis", None, None, "normalised", ST_LOUIS_CITY),
        ("St. Louis city, MO", None, None, "alias", ST_LOUIS_CITY),
        ("St Louis County, MO", None, None, "normalised", ST_LOUIS_COUNTY),
        ("Saint Louis County, MO", None, None, "normalised", ST_LOUIS_COUNTY),
        ("St. Louis County", "MO", None, "exact", ST_LOUIS_COUNTY),
        ("Dona Ana County, NM", None, None, "normalised", DONA_ANA),
        ("Doña Ana County", None, None, "exact", DONA_ANA),
        ("DOÑA ANA COUNTY", None, None, "normalised", DONA_ANA),
        ("Doña Ana", None, "county", "normalised", DONA_ANA),
        ("New York", None, None, "exact", NYS),
        ("NY", None, None, "exact", NYS),
        ("new york", None, None, "normalised", NYS),
        ("New York", "NY", None, "exact", NYS),
        ("New York, NY", None, None, "exact", NYC),
        ("New York City", None, None, "alias", NYC),
        ("New York City, NY", None, None, "alias", NYC),
        ("New York", None, "city", "exact", NYC),
        ("Texas", None, None, "exact", f"{BASE}/state:tx"),
        ("TX", None, None, "exact", f"{BASE}/state:tx"),
        ("Ill.", None, None, "alias", f"{BASE}/state:il"),
        ("ill", None, None, "normalised", f"{BASE}/state:il"),
        ("Calif.", None, None, "alias", f"{BASE}/state:ca"),
        ("Washington", None, None, "exact", f"{BASE}/state:wa"),
        ("Puerto Rico", None, None, "exact", f"{BASE}/territory:pr"),
        ("Richmond city, VA", None, None, "alias", RICHMOND_CITY),
        ("Richmond City, VA", None, None, "normalised", RICHMOND_CITY),
        ("City of Richmond, VA", None, None, "alias", RICHMOND_CITY),
        ("Richmond, VA", None, None, "exact", RICHMOND_CITY),
        ("Richmond County, VA", None, None, "exact", RICHMOND_COUNTY),
        ("Richmond city", None, "county", "alias", RICHMOND_CITY),
        ("Baltimore", None, None, "exact", f"{BASE}/state:md/place:baltimore"),
        ("Baltimore County", None, None, "exact", f"{BASE}/state:md/county:baltimore"),
        ("Baltimore City", "MD", None, "normalised", f"{BASE}/state:md/place:baltimore"),
        ("San Francisco County, CA", None, None, "alias", f"{BASE}/state:ca/place:san_francisco"),
        ("City and County of Denver", None, None, "alias", f"{BASE}/state:co/place:denver"),
        ("Nashville, TN", None, None, "alias", f"{BASE}/state:tn/place:nashville-davidson"),
        ("Davidson County, TN", None, None, "alias", f"{BASE}/state:tn/place:nashville-davidson"),
        ("Orleans Parish", None, None, "alias", f"{BASE}/state:la/place:new_orleans"),
        ("Orleans County, LA", None, None, "normalised", f"{BASE}/state:la/place:new_orleans"),
        ("New Orleans, LA", None, None, "exact", f"{BASE}/state:la/place:new_orleans"),
        ("Anchorage Borough, AK", None, None, "normalised", f"{BASE}/state:ak/place:anchorage"),
        ("Miami Dade County, FL", None, None, "normalised", f"{BASE}/state:fl/county:miami-dade"),
        ("Prince Georges County", None, None, "normalised", f"{BASE}/state:md/county:prince_george~s"),
        ("Prince George\u2019s County", None, None, "normalised", f"{BASE}/state:md/county:prince_george~s"),
        ("De Kalb County, GA", None, None, "normalised", f"{BASE}/state:ga/county:dekalb"),
        ("La Salle Parish", None, None, "alias", f"{BASE}/state:la/parish:lasalle"),
        ("Shannon County, SD", None, None, "alias", f"{BASE}/state:sd/county:oglala_lakota"),
        ("Bayamon", None, "county", "normalised", f"{BASE}/state:pr/county:bayamón"),
    ],
)  # fmt: skip
def test_lookup_finds_the_one_jurisdiction_a_name_means(text, state, kind, how, found):
    m = registry.lookup(text, state=state, kind=kind)
    assert (m.how, ocd(m.entry)) == (how, found), m
    assert m.candidates == (m.entry,)


@pytest.mark.parametrize(
    ("text", "state", "kind", "candidates"),
    [
        ("Bay County ", None, None, [f"{BASE}/state:fl/county:bay", f"{BASE}/state:mi/county:bay"]),
        ("bay county", None, None, [f"{BASE}/state:fl/county:bay", f"{BASE}/state:mi/county:bay"]),
        ("St. Louis County", None, None, [f"{BASE}/state:mn/county:st._louis", ST_LOUIS_COUNTY]),
        ("Richmond", "VA", "county", [RICHMOND_CITY, RICHMOND_COUNTY]),
        ("Baltimore", "MD", "county", [f"{BASE}/state:md/place:baltimore", f"{BASE}/state:md/county:baltimore"]),
        ("Lexington", None, None, [f"{BASE}/state:ky/place:lexington-fayette", f"{BASE}/state:va/place:lexington"]),
        ("Richmond County", None, None, [
            f"{BASE}/state:ga/place:augusta", f"{BASE}/state:nc/county:richmond",
            f"{BASE}/state:ny/county:richmond", RICHMOND_COUNTY,
        ]),
    ],
)  # fmt: skip
def test_lookup_lists_every_candidate_when_a_name_fits_several(text, state, kind, candidates):
    m = registry.lookup(text, state=state, kind=kind)
    assert m.how == MatchKind.ambiguous and m.entry is None
    assert [e.ocd_id for e in m.candidates] == candidates


def test_franklin_county_names_one_county_per_state_it_is_in():
    m = registry.lookup("Franklin County")
    assert m.how == "ambiguous" and len(m.candidates) == 24
    assert len({e.state for e in m.candidates}) == 24
    assert registry.lookup("Franklin County, OH").entry.fips == "39049"
    # Virginia has both: Franklin city is the city.
    assert registry.lookup("Franklin, VA").entry.fips == "51620"
    assert registry.lookup("Franklin County, VA").entry.fips == "51067"


@pytest.mark.parametrize(
    ("text", "state", "kind", "candidates"),
    [
        # A typo: a candidate to check, never the answer.
        ("Cok County, IL", None, None, [COOK]),
        ("Kook County", "IL", None, [COOK]),
        ("Texs", None, None, [f"{BASE}/state:tx"]),
        # The name exists, but not where the list says.
        ("Cook County, IN", None, None, [f"{BASE}/state:ga/county:cook", COOK, f"{BASE}/state:mn/county:cook"]),
        # A county's name without "County": the city of that name may be meant.
        ("Los Angeles, CA", None, None, [f"{BASE}/state:ca/county:los_angeles"]),
        ("Doña Ana", None, None, [DONA_ANA]),
        ("San Diego", "CA", None, [f"{BASE}/state:ca/county:san_diego"]),
        # A county listed as a city.
        ("Cook County, IL", None, "city", [COOK]),
    ],
)  # fmt: skip
def test_lookup_only_suggests_what_merely_resembles(text, state, kind, candidates):
    m = registry.lookup(text, state=state, kind=kind)
    assert m.how == MatchKind.fuzzy and m.entry is None and not m.found, m
    assert [e.ocd_id for e in m.candidates][: len(candidates)] == candidates
    assert m.note


@pytest.mark.parametrize(
    "text",
    ["#N/A", "", "   ", "N/A", "NA", "-", "null", "?", None, "Kansas City", "Springfield, IL"],
)
def test_lookup_of_a_missing_or_unknown_name_finds_nothing(text):
    m = registry.lookup(text)
    assert (m.how, m.entry, m.candidates) == (MatchKind.not_found, None, ())


def test_lookup_refuses_a_name_whose_state_contradicts_the_state_given():
    m = registry.lookup("Cook County, IL", state="IN")
    assert (m.how, m.entry) == (MatchKind.not_found, None)
    assert m.note == "the name says IL but the state given is IN"


def test_lookup_with_a_bad_state_or_kind_is_an_input_error():
    with pytest.raises(InvalidValue, match=r"^state: 'Atlantis' is not a US state"):
        registry.lookup("Cook County", state="Atlantis")
    with pytest.raises(InvalidValue, match=r"^kind: 'parish' is not one of"):
        registry.lookup("Orleans", kind="parish")


def test_a_registry_of_built_ins_and_other_entries_merges_entries_sharing_an_ocd_id():
    extra = registry.Entry(f"{BASE}/state:il/place:chicago", "Chicago", "city", "IL", "1714000")
    again = registry.Entry(COOK, "Cook", "county", "IL", "17031", ("Cook County Government",))
    reg = registry.Registry([*ENTRIES, extra, again])
    assert len(reg) == len(ENTRIES) + 1
    assert reg.lookup("Chicago, IL").how == "exact"
    assert reg.get(COOK).aliases == ("Cook", "Cook County Government")
    assert reg.lookup("Cook County Government").entry.ocd_id == COOK
    assert reg.by_fips("1714000").name == "Chicago"
