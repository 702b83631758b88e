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


def test_derive_ocd_id_is_the_one_jurisdictions_uses():
    # One rule for an OCD id: jurisdictions takes the registry's.
    assert jurisdictions.derive_ocd_id is registry.derive_ocd_id
    assert registry.derive_ocd_id("city", "KY", "Louisville/Jefferson County") == (
        "ocd-division/country:us/state:ky/place:louisvillejefferson_county"
    )
    assert registry.derive_ocd_id("county", "LA", "Orleans Parish") == (
        "ocd-division/country:us/state:la/parish:orleans"
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
        # How federal and state lists name states and consolidated governments.
        ("State of California", None, None, "normalised", f"{BASE}/state:ca"),
        ("Commonwealth of Virginia", None, None, "normalised", f"{BASE}/state:va"),
        ("the Commonwealth of Puerto Rico", None, None, "normalised", f"{BASE}/territory:pr"),
        (
            "Louisville-Jefferson County Metro Government", None, None, "normalised",
            f"{BASE}/state:ky/place:louisville",
        ),
        (
            "Nashville-Davidson Metropolitan Government", None, None, "normalised",
            f"{BASE}/state:tn/place:nashville-davidson",
        ),
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


# --- Census Gazetteer files ---------------------------------------------------------

PLACE_HEADER = (
    "USPS\tGEOID\tANSICODE\tNAME\tLSAD\tFUNCSTAT\tALAND\tAWATER\tALAND_SQMI\tAWATER_SQMI"
    "\tINTPTLAT\tINTPTLONG" + " " * 91
)
COUSUB_HEADER = (
    "USPS\tGEOID\tANSICODE\tNAME\tFUNCSTAT\tALAND\tAWATER\tALAND_SQMI\tAWATER_SQMI"
    "\tINTPTLAT\tINTPTLONG" + " " * 83
)
PLACES = [
    "IL\t1714000\t00428803\tChicago city\t25\tA\t589570832\t17006000\t227.634\t6.566\t41.837198\t-87.681486",
    "AK\t0203000\t02419025\tAnchorage municipality\t37\tA\t4415108963\t663860984\t1704.683\t256.319\t61.174250\t-149.284329",
    "TN\t4752006\t02405092\tNashville-Davidson metropolitan government (balance)\t00\tA\t1230788025\t56343735\t475.210\t21.754\t36.171800\t-86.785002",
    "KY\t2148006\t02405094\tLouisville/Jefferson County metro government (balance)\t00\tA\t842479000\t37830000\t325.283\t14.606\t38.172500\t-85.650400",
    "IN\t1836003\t02395424\tIndianapolis city (balance)\t25\tA\t936134000\t14400000\t361.443\t5.560\t39.776664\t-86.145935",
    "HI\t1571550\t02630783\tUrban Honolulu CDP\t57\tS\t156751000\t20000000\t60.522\t7.722\t21.325800\t-157.845400",
    "NY\t3651000\t02395220\tNew York city\t25\tA\t778188000\t424000000\t300.460\t163.700\t40.663100\t-73.938000",
    "NY\t3633139\t02390918\tHempstead village\t47\tA\t9500000\t20000\t3.668\t0.008\t40.704200\t-73.617300",
    "MA\t2507000\t00619463\tBoston city\t25\tA\t125000000\t107000000\t48.340\t41.300\t42.338100\t-71.018400",
    "NJ\t3404180\t00885149\tAtlantic Highlands borough\t21\tA\t3300000\t1900000\t1.271\t0.731\t40.410000\t-74.030000",
    "PA\t4250528\t01215364\tMonroeville municipality\t37\tA\t50900000\t60000\t19.650\t0.023\t40.424000\t-79.759000",
    "IL\t1754885\t02399583\tOak Park village\t47\tA\t12100000\t0\t4.700\t0.000\t41.887000\t-87.789000",
    "NV\t3209700\t02409852\tCarson City\t25\tC\t374634000\t7900000\t144.647\t3.060\t39.153400\t-119.743000",
    "AL\t0100124\t02582661\tAbbeville city\t25\tA\t40241000\t107000\t15.537\t0.041\t31.564000\t-85.259000",
    "CA\t0603526\t02407758\tAlameda city\t25\tN\t1\t0\t0\t0\t37.7\t-122.2",
]  # fmt: skip
COUSUBS = [
    "MA\t2502109175\t00619456\tBrookline town\tA\t17500000\t50000\t6.757\t0.019\t42.323700\t-71.141900",
    "MA\t2502507000\t00619463\tBoston city\tA\t125000000\t107000000\t48.340\t41.300\t42.338100\t-71.018400",
    "NY\t3604710022\t00978759\tBrooklyn borough\tA\t180000000\t71000000\t69.500\t27.400\t40.635000\t-73.950000",
    "NY\t3605934000\t00979044\tHempstead town\tA\t300000000\t170000000\t118.600\t66.000\t40.630000\t-73.610000",
    "WI\t5507343275\t01582983\tLincoln town\tA\t93000000\t600000\t35.900\t0.200\t45.000000\t-89.500000",
    "WI\t5512543300\t01583544\tLincoln town\tA\t250000000\t20000000\t96.500\t7.700\t45.950000\t-89.400000",
    "PA\t4209112888\t01216044\tCheltenham township\tA\t23400000\t0\t9.035\t0.000\t40.073700\t-75.123000",
    "MI\t2606546020\t01626590\tLansing charter township\tA\t14000000\t0\t5.400\t0.000\t42.750000\t-84.570000",
    "ME\t2300347735\t00582628\tMagalloway plantation\tA\t101000000\t4000000\t39.000\t1.500\t44.900000\t-71.000000",
    "CA\t0603791750\t01935178\tLos Angeles CCD\tS\t1200000000\t0\t463.300\t0.000\t34.040000\t-118.300000",
    "NH\t3300776980\t00873739\tThompson and Meserves purchase\tN\t48000000\t0\t18.500\t0.000\t44.300000\t-71.300000",
    "VA\t5176000000\t01789073\tRichmond city\tF\t155000000\t6000000\t59.800\t2.300\t37.530000\t-77.470000",
]  # fmt: skip


def gazetteer(
    tmp_path, header, rows, name="2020_Gaz_place_national.txt", end="\n", encoding="utf-8"
):
    path = tmp_path / name
    path.write_bytes((end.join([header, *rows]) + end).encode(encoding))
    return path


def summary(entries):
    return [(e.name, e.kind, e.state, e.fips, e.ocd_id, e.lat, e.lon) for e in entries]


def test_read_gazetteer_places_name_kind_fips_and_internal_point(tmp_path):
    found = registry.read_gazetteer(gazetteer(tmp_path, PLACE_HEADER, PLACES))
    assert found.layout == "place"
    assert summary(found.entries) == [
        ("Chicago", "city", "IL", "1714000", f"{BASE}/state:il/place:chicago", 41.837198, -87.681486),
        ("Indianapolis", "city", "IN", "1836003", f"{BASE}/state:in/place:indianapolis", 39.776664, -86.145935),
        ("Hempstead", "village", "NY", "3633139", f"{BASE}/state:ny/place:hempstead", 40.7042, -73.6173),
        ("Boston", "city", "MA", "2507000", f"{BASE}/state:ma/place:boston", 42.3381, -71.0184),
        ("Atlantic Highlands", "borough", "NJ", "3404180", f"{BASE}/state:nj/place:atlantic_highlands", 40.41, -74.03),
        ("Monroeville", "city", "PA", "4250528", f"{BASE}/state:pa/place:monroeville", 40.424, -79.759),
        ("Oak Park", "village", "IL", "1754885", f"{BASE}/state:il/place:oak_park", 41.887, -87.789),
        ("Abbeville", "city", "AL", "0100124", f"{BASE}/state:al/place:abbeville", 31.564, -85.259),
    ]  # fmt: skip
    assert found.entries[0].aliases == ("Chicago city",)
    assert found.entries[0].census_name == "Chicago city"
    assert found.skipped == {
        # Anchorage, Nashville-Davidson, Louisville, New York City, Carson City.
        "built in (a county, city-county or New York City)": 5,
        "statistical area or other unit without a local government": 1,
        "no general-purpose government (FUNCSTAT N)": 1,
    }


def test_read_gazetteer_county_subdivisions_keep_towns_and_townships(tmp_path):
    places = registry.read_gazetteer(gazetteer(tmp_path, PLACE_HEADER, PLACES))
    path = gazetteer(tmp_path, COUSUB_HEADER, COUSUBS, name="2020_Gaz_cousubs_national.txt")
    found = registry.read_gazetteer(path, known=places.entries)
    assert found.layout == "cousub"
    assert [(e.name, e.kind, e.fips, e.other_fips, e.ocd_id) for e in found.entries] == [
        ("Brookline", "town", "2509175", ("2502109175",), f"{BASE}/state:ma/place:brookline"),
        # The village of Hempstead holds place:hempstead: the town is under its county.
        ("Hempstead", "town", "3634000", ("3605934000",), f"{BASE}/state:ny/county:nassau/place:hempstead"),
        # Two towns of one name in a state: each under its county.
        ("Lincoln", "town", "5543275", ("5507343275",), f"{BASE}/state:wi/county:marathon/place:lincoln"),
        ("Lincoln", "town", "5543300", ("5512543300",), f"{BASE}/state:wi/county:vilas/place:lincoln"),
        ("Cheltenham", "township", "4212888", ("4209112888",), f"{BASE}/state:pa/place:cheltenham"),
        ("Lansing", "township", "2646020", ("2606546020",), f"{BASE}/state:mi/place:lansing"),
        ("Magalloway", "town", "2347735", ("2300347735",), f"{BASE}/state:me/place:magalloway"),
    ]  # fmt: skip
    assert found.skipped == {
        "a city, village or borough: load it from a places file": 1,
        # Brooklyn borough is Kings County.
        "built in (a county, city-county or New York City)": 1,
        "statistical area or other unit without a local government": 2,
        # Richmond city, a county-equivalent's stand-in subdivision.
        "no general-purpose government (FUNCSTAT F)": 1,
    }


def test_reading_a_gazetteer_file_again_gives_the_loaded_entries_to_update(tmp_path):
    places = registry.read_gazetteer(gazetteer(tmp_path, PLACE_HEADER, PLACES)).entries
    path = gazetteer(tmp_path, COUSUB_HEADER, COUSUBS, name="cousubs.txt")
    cousubs = registry.read_gazetteer(path, known=places).entries
    # Loaded entries read again keep their OCD ids (none moves under its county
    # for clashing with itself), so a loader updates them instead of doubling.
    again = registry.read_gazetteer(path, known=[*places, *cousubs])
    assert again.entries == cousubs
    assert "already known (same OCD id and FIPS code)" not in again.skipped
    reread = registry.read_gazetteer(gazetteer(tmp_path, PLACE_HEADER, PLACES), known=places)
    assert reread.entries == places


def test_gazetteer_entries_pass_the_write_paths_checks(tmp_path):
    places = registry.read_gazetteer(gazetteer(tmp_path, PLACE_HEADER, PLACES)).entries
    path = gazetteer(tmp_path, COUSUB_HEADER, COUSUBS, name="cousubs.txt")
    cousubs = registry.read_gazetteer(path, known=places).entries
    for e in (*places, *cousubs):
        data = jurisdictions.validate(e.name, e.kind, e.state, fips=e.fips, ocd_id=e.ocd_id)
        assert (data.ocd_id, data.fips) == (e.ocd_id, e.fips)


def test_places_and_subdivisions_join_the_built_ins_for_lookup(tmp_path):
    places = registry.read_gazetteer(gazetteer(tmp_path, PLACE_HEADER, PLACES)).entries
    path = gazetteer(tmp_path, COUSUB_HEADER, COUSUBS, name="cousubs.txt")
    cousubs = registry.read_gazetteer(path, known=places).entries
    reg = registry.Registry([*ENTRIES, *places, *cousubs])

    def found(text, **kw):
        m = reg.lookup(text, **kw)
        return m.how, ocd(m.entry), [e.ocd_id for e in m.candidates]

    chicago = f"{BASE}/state:il/place:chicago"
    town, village = (
        f"{BASE}/state:ny/county:nassau/place:hempstead",
        f"{BASE}/state:ny/place:hempstead",
    )
    assert found("Chicago, IL") == ("exact", chicago, [chicago])
    assert found("Chicago city, IL") == ("alias", chicago, [chicago])
    assert found("City of Chicago") == ("normalised", chicago, [chicago])
    assert found("Hempstead, NY") == ("ambiguous", None, [town, village])
    assert found("Town of Hempstead, NY") == ("normalised", town, [town])
    assert found("Hempstead village, NY") == ("alias", village, [village])
    assert found("Lincoln, WI")[:2] == ("ambiguous", None)
    assert found("Cheltenham Township, PA")[:2] == (
        "normalised",
        f"{BASE}/state:pa/place:cheltenham",
    )
    assert found("Brooklyn, NY")[:2] == ("alias", KINGS)
    assert found("Indianapolis, IN")[:2] == ("exact", f"{BASE}/state:in/place:indianapolis")
    assert found("Marion County, IN")[:2] == ("exact", f"{BASE}/state:in/county:marion")
    assert found("Chicgo, IL") == ("fuzzy", None, [chicago])


@pytest.mark.parametrize(
    ("end", "encoding", "bom"), [("\n", "utf-8", False), ("\r\n", "utf-8", True), ("\r\n", "latin-1", False)]
)  # fmt: skip
def test_read_gazetteer_reads_utf8_latin1_bom_and_crlf(tmp_path, end, encoding, bom):
    row = "NM\t3525170\t02410443\tEspañola city\t25\tA\t22000000\t100000\t8.500\t0.040\t35.990\t-106.070"
    path = gazetteer(tmp_path, PLACE_HEADER, [row], end=end, encoding=encoding)
    if bom:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (e,) = registry.read_gazetteer(path).entries
    assert (e.name, e.census_name, e.lon) == ("Española", "Española city", -106.07)
    assert e.ocd_id == f"{BASE}/state:nm/place:española"


def test_read_gazetteer_repairs_a_name_mangled_into_mojibake(tmp_path):
    row = "NM\t3525170\t02410443\tEspaÃ±ola city\t25\tA\t22000000\t100000\t8.500\t0.040\t35.990\t-106.070"
    (e,) = registry.read_gazetteer(gazetteer(tmp_path, PLACE_HEADER, [row])).entries
    assert e.name == "Española"


def test_read_gazetteer_takes_the_newer_layout_with_geoidfq(tmp_path):
    header = "USPS\tGEOID\tGEOIDFQ\tANSICODE\tNAME\tLSAD\tFUNCSTAT\tALAND\tAWATER\tALAND_SQMI\tAWATER_SQMI\tINTPTLAT\tINTPTLONG "
    row = "IL\t1714000\t1600000US1714000\t00428803\tChicago city\t25\tA\t1\t0\t0\t0\t41.837198\t-87.681486"
    (e,) = registry.read_gazetteer(gazetteer(tmp_path, header, [row])).entries
    assert (e.name, e.fips) == ("Chicago", "1714000")


CHICAGO = PLACES[0]


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        ("", [], "places.txt, line 1: empty; expected a Census Gazetteer header"),
        ("USPS,GEOID,NAME,FUNCSTAT", [CHICAGO], "places.txt, line 1: not a Census Gazetteer file of places or county subdivisions: no USPS, GEOID, NAME, FUNCSTAT column (the header must be tab-separated: USPS, GEOID, ANSICODE, NAME, [LSAD,] FUNCSTAT, ALAND, ...)"),
        ("USPS\tGEOID\tNAME\tNAME\tFUNCSTAT", [], "places.txt, line 1: a column is named twice"),
        (PLACE_HEADER, [], "places.txt: no rows after the header"),
        (PLACE_HEADER, [CHICAGO, "IL\t1714000\tChicago city"], "places.txt, line 3: 3 tab-separated fields, but the header has 12"),
        (PLACE_HEADER, [CHICAGO.replace("IL\t", "XX\t", 1)], "places.txt, line 2: USPS 'XX' is not a state code"),
        (PLACE_HEADER, [CHICAGO.replace("1714000", "17031")], "places.txt, line 2: GEOID '17031' is not a place's 7 digits or a county subdivision's 10"),
        (PLACE_HEADER, [CHICAGO.replace("1714000", "17140OO")], "places.txt, line 2: GEOID '17140OO' is not a place's 7 digits or a county subdivision's 10"),
        (PLACE_HEADER, [CHICAGO.replace("1714000", "0614000")], "places.txt, line 2: GEOID '0614000' does not start with IL's FIPS code 17"),
        (PLACE_HEADER, [CHICAGO, COUSUBS[0]], "places.txt, line 3: 11 tab-separated fields, but the header has 12"),
        (COUSUB_HEADER, [COUSUBS[0], "MA\t2507000\t00619463\tBoston city\tA\t1\t0\t0\t0\t42.3\t-71.0"], "places.txt, line 3: GEOID '2507000' has 7 digits, but the file's first row is a cousub (10 digits)"),
        (PLACE_HEADER, [CHICAGO.replace("\tA\t", "\tX\t")], "places.txt, line 2: FUNCSTAT 'X' is not a Census functional status (one of A, B, C, E, F, G, I, N, S)"),
        (PLACE_HEADER, [CHICAGO.replace("41.837198", "north")], "places.txt, line 2: INTPTLAT 'north' is not a coordinate"),
        (PLACE_HEADER, [CHICAGO.replace("-87.681486", "-287.6")], "places.txt, line 2: INTPTLONG '-287.6' is not a coordinate"),
        (PLACE_HEADER, [CHICAGO.replace("Chicago city", "")], "places.txt, line 2: NAME '' is empty or not one line"),
    ],
)  # fmt: skip
def test_a_bad_gazetteer_file_is_one_error_naming_file_line_and_why(
    tmp_path, header, rows, message
):
    path = gazetteer(tmp_path, header, rows, name="places.txt")
    with pytest.raises(InvalidValue) as exc:
        registry.read_gazetteer(path)
    assert str(exc.value) == message


def test_a_missing_gazetteer_file_is_an_input_error(tmp_path):
    with pytest.raises(InvalidValue, match=r"^nowhere\.txt: cannot read the file \("):
        registry.read_gazetteer(tmp_path / "nowhere.txt")
