"""Jurisdiction references (REF) and identity checks, on both engines."""

import pytest

from tracker import db
from tracker import jurisdictions as jur
from tracker.errors import Ambiguous, Duplicate, InvalidValue, NotFound

SF = "ocd-division/country:us/state:ca/place:san_francisco"
NYC = "ocd-division/country:us/state:ny/place:new_york"
DC = "ocd-division/country:us/district:dc"


def add(url, name, kind, state, **kw):
    row = {"name": name, "kind": kind, "state": state, **kw}
    with db.connect(url, write=True) as s:
        return jur.add(s, row)


def find(url, ref):
    with db.connect(url) as s:
        return jur.resolve(s, ref).ocd_id


@pytest.fixture
def places(seeded_url):
    add(seeded_url, "Doña Ana County", "county", "NM", fips="35013")
    add(seeded_url, "Franklin County", "county", "OH", fips="39049")
    add(seeded_url, "Franklin County", "county", "PA", fips="42055")
    add(seeded_url, "O'Fallon", "city", "MO")
    add(seeded_url, "Cañon City", "city", "CO")
    return seeded_url


@pytest.mark.parametrize(
    "ref, key",
    [
        ("Chicago, IL", "ocd-division/country:us/state:il/place:chicago"),
        ("chicago, il", "ocd-division/country:us/state:il/place:chicago"),
        ("Chicago, Illinois", "ocd-division/country:us/state:il/place:chicago"),
        ("1714000", "ocd-division/country:us/state:il/place:chicago"),
        ("ocd-division/country:us/state:il/place:chicago", "ocd-division/country:us/state:il/place:chicago"),
        ("OCD-Division/country:us/state:il/place:chicago", "ocd-division/country:us/state:il/place:chicago"),
        ("City of Chicago", "ocd-division/country:us/state:il/place:chicago"),
        ("California", "ocd-division/country:us/state:ca"),
        ("ca", "ocd-division/country:us/state:ca"),
        ("06", "ocd-division/country:us/state:ca"),
        ("San Francisco, CA", SF),
        ("San Francisco County, CA", SF),
        ("City and County of San Francisco", SF),
        ("san francisco county", SF),
        ("06075", SF),
        ("Washington, D.C.", DC),
        ("Washington D.C.", DC),
        ("Washington, DC", DC),
        ("District of Columbia", DC),
        ("DC", DC),
        ("New York, NY", NYC),
        ("Orleans Parish", "ocd-division/country:us/state:la/place:new_orleans"),
        ("Dona Ana County, NM", "ocd-division/country:us/state:nm/county:doña_ana"),
        ("DOÑA ANA COUNTY", "ocd-division/country:us/state:nm/county:doña_ana"),
        ("ocd-division/country:us/state:nm/county:dona_ana", "ocd-division/country:us/state:nm/county:doña_ana"),
        ("O’Fallon, MO", "ocd-division/country:us/state:mo/place:o~fallon"),
        ("Canon City, CO", "ocd-division/country:us/state:co/place:cañon_city"),
        ("Franklin County, PA", "ocd-division/country:us/state:pa/county:franklin"),
    ],
)  # fmt: skip
def test_ref_forms_find_the_jurisdiction(places, ref, key):
    assert find(places, ref) == key


def test_ref_by_database_id_needs_the_hash(places):
    with db.connect(places) as s:
        j = jur.resolve(s, "Chicago, IL")
    assert find(places, f"#{j.id}") == j.ocd_id
    # A bare number is a FIPS code, never an id.
    with db.connect(places) as s, pytest.raises(NotFound) as err:
        jur.resolve(s, str(j.id))
    assert str(err.value) == (
        f"jurisdiction: {str(j.id)!r} is not a FIPS code (2, 5 or 7 digits); "
        f"a bare number is a FIPS code: for the database id, write '#{j.id}'"
    )


def test_bare_state_name_finds_the_state_once_it_is_tracked(seeded_url):
    add(seeded_url, "New York", "state", "NY", fips="36")
    assert find(seeded_url, "New York") == "ocd-division/country:us/state:ny"
    assert find(seeded_url, "NY") == "ocd-division/country:us/state:ny"
    # With the state code, the local government wins over the state itself.
    assert find(seeded_url, "New York, NY") == NYC


def test_franklin_county_in_two_states_is_ambiguous_and_lists_ocd_ids(places):
    with db.connect(places) as s, pytest.raises(Ambiguous) as err:
        jur.resolve(s, "Franklin County")
    text = str(err.value)
    assert "ocd-division/country:us/state:oh/county:franklin" in text
    assert "ocd-division/country:us/state:pa/county:franklin" in text


def test_unknown_ref_suggests_closest_names(places):
    with db.connect(places) as s, pytest.raises(NotFound) as err:
        jur.resolve(s, "Chicgo, IL")
    assert "did you mean: Chicago, IL (ocd-division/country:us/state:il/place:chicago)" in str(
        err.value
    )
    with db.connect(places) as s, pytest.raises(NotFound) as err:
        jur.resolve(s, "Chicago, IN")
    assert "Chicago, IL" in str(err.value)


def test_sound_alike_is_not_a_state(seeded_url):
    add(seeded_url, "Maine", "state", "ME")
    with db.connect(seeded_url) as s, pytest.raises(NotFound):
        jur.resolve(s, "Main")
    with pytest.raises(InvalidValue, match="state"):
        jur.validate("X County", "county", "Kalifornia")


def test_number_that_is_an_id_and_another_fips_is_the_fips_code(url):
    # ids 1..11; DC's FIPS is 11, and id 11 is someone else.
    add(url, "District of Columbia", "federal_district", "DC", fips="11")
    for i in range(10):
        add(url, f"Town {i}", "town", "VT")
    assert find(url, "11") == DC
    assert find(url, "#11") == "ocd-division/country:us/state:vt/place:town_9"


def test_ocd_id_is_derived(url):
    assert (
        add(url, "Los Angeles", "city", "CA")
        == "ocd-division/country:us/state:ca/place:los_angeles"
    )
    assert (
        add(url, "Santa Clara County", "county", "ca")
        == "ocd-division/country:us/state:ca/county:santa_clara"
    )
    assert (
        add(url, "Jefferson Parish", "county", "LA")
        == "ocd-division/country:us/state:la/parish:jefferson"
    )
    # Orleans Parish is New Orleans, one consolidated city-county (the registry).
    assert (
        add(url, "Orleans Parish", "county", "LA")
        == "ocd-division/country:us/state:la/place:new_orleans"
    )
    assert add(url, "District of Columbia", "federal_district", "DC") == DC
    assert add(url, "Puerto Rico", "territory", "PR") == "ocd-division/country:us/territory:pr"
    assert add(url, "O'Fallon", "city", "MO") == "ocd-division/country:us/state:mo/place:o~fallon"
    given = add(
        url, "Denver", "city_county", "CO", ocd_id="OCD-Division/country:us/state:co/place:Denver"
    )
    assert given == "ocd-division/country:us/state:co/place:denver"  # fmt: skip


@pytest.mark.parametrize(
    "kind, state, fips, message",
    [
        ("county", "CA", "0607", "has 4 digits; a county has 5"),
        ("city", "CA", "06075", "has 5 digits; a city has 7"),
        ("state", "CA", "061", "has 3 digits"),
        ("county", "CA", "17031", "does not start with the state's code 06"),
        ("state", "CA", "17", "does not start with the state's code 06"),
        ("county", "CA", "06O75", "digits only"),
    ],
)
def test_fips_must_fit_kind_and_state(kind, state, fips, message):
    with pytest.raises(InvalidValue, match=message):
        jur.validate("Somewhere", kind, state, fips=fips)


def test_second_record_with_same_ocd_id_or_fips_names_the_existing_one(seeded_url):
    with pytest.raises(Duplicate, match=r"already exists: Chicago, IL \(ocd-division"):
        add(seeded_url, "Chicago", "city", "IL")
    with pytest.raises(Duplicate, match=r"1714000 already belongs to Chicago, IL"):
        add(seeded_url, "Chicago Heights", "city", "IL", fips="1714000")


@pytest.mark.parametrize(
    "name, kind",
    [("San Francisco County", "county"), ("City of San Francisco", "city")],
)
def test_city_county_is_one_record(seeded_url, name, kind):
    with pytest.raises(
        Duplicate, match="consolidated city-county already tracked as San Francisco"
    ):
        add(seeded_url, name, kind, "CA")


def test_city_county_over_a_tracked_county_is_refused(url):
    # Gotham is no place the registry knows: the rule alone decides.
    add(url, "Gotham County", "county", "NY")
    with pytest.raises(Duplicate, match="Gotham County, NY"):
        add(url, "Gotham", "city_county", "NY")


def test_a_registry_city_county_named_as_its_county_is_the_city_county(url):
    assert add(url, "Denver County", "county", "CO") == (
        "ocd-division/country:us/state:co/place:denver"
    )
    with pytest.raises(Duplicate, match="consolidated city-county already tracked as Denver, CO"):
        add(url, "Denver", "city", "CO")


def test_city_and_county_of_same_name_stay_distinct_when_not_consolidated(url):
    # Baltimore (an independent city) and Baltimore County are two jurisdictions.
    add(url, "Baltimore", "city", "MD")
    add(url, "Baltimore County", "county", "MD")
    assert find(url, "Baltimore, MD") == "ocd-division/country:us/state:md/place:baltimore"
    assert find(url, "Baltimore County, MD") == "ocd-division/country:us/state:md/county:baltimore"
