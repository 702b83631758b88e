"""``tracker registry load`` and ``registry lookup`` on both engines: Gazetteer
files in the Census Bureau's layout loaded into the database (again: updated,
not doubled), bad files refused with one line and nothing written, and names
looked up across the built-ins, loaded places and tracked jurisdictions."""

import json

import sqlalchemy as sa
from conftest import table_counts
from test_registry import COUSUB_HEADER, COUSUBS, PLACE_HEADER, PLACES, gazetteer

from tracker import db

BASE = "ocd-division/country:us"


def _places(url):
    with db.engine_for(url).connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT ocd_id, name, kind, state, fips, census_name, other_fips, lat, lon, source"
                " FROM registry_place ORDER BY ocd_id"
            )
        ).all()


def test_registry_load_stores_places_then_subdivisions(cli, url, tmp_path):
    places = gazetteer(tmp_path, PLACE_HEADER, PLACES)
    result = cli("registry", "load", str(places), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "file": "2020_Gaz_place_national.txt",
            "layout": "place",
            "added": 8,
            "updated": 0,
            "unchanged": 0,
            "skipped": "5 built in (a county, city-county or New York City); "
            "1 no general-purpose government (FUNCSTAT N); "
            "1 statistical area or other unit without a local government",
        }
    ]
    stored = _places(url)
    assert len(stored) == 8
    chicago = next(r for r in stored if r.name == "Chicago")
    assert tuple(chicago) == (
        f"{BASE}/state:il/place:chicago", "Chicago", "city", "IL", "1714000", "Chicago city",
        None, 41.837198, -87.681486, "2020_Gaz_place_national.txt",
    )  # fmt: skip
    cousubs = gazetteer(tmp_path, COUSUB_HEADER, COUSUBS, name="2020_Gaz_cousubs_national.txt")
    result = cli("registry", "load", str(cousubs), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("2020_Gaz_cousubs_national.txt,cousub,")
    brookline = next(r for r in _places(url) if r.name == "Brookline")
    assert (brookline.kind, brookline.fips, brookline.other_fips) == (
        "town",
        "2509175",
        "2502109175",
    )
    # Reference data: nothing is tracked, nothing reported.
    assert table_counts(url)["jurisdiction"] == 0
    assert cli("report", "status", "--format", "csv").stdout.count("\n") == 1


def test_registry_load_again_updates_instead_of_doubling(cli, url, tmp_path):
    places = gazetteer(tmp_path, PLACE_HEADER, PLACES)
    assert cli("registry", "load", str(places)).exit_code == 0
    moved = [p.replace("41.837198", "41.900000") for p in PLACES]
    again = gazetteer(tmp_path, PLACE_HEADER, moved, name="2023_Gaz_place_national.txt")
    result = cli("registry", "load", str(again), "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["added"], row["updated"], row["unchanged"]) == (0, 1, 7)
    stored = _places(url)
    assert len(stored) == 8
    chicago = next(r for r in stored if r.name == "Chicago")
    assert (chicago.lat, chicago.source) == (41.9, "2023_Gaz_place_national.txt")


def test_registry_load_refuses_a_file_not_in_gazetteer_format(cli, url, tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text("name,kind,state\nChicago,city,IL\n", encoding="utf-8")
    before = table_counts(url)
    result = cli("registry", "load", str(bad))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: places.csv")
    assert table_counts(url) == before
    rows = [*PLACES[:3], "IL\t17140\tx\tBroken city\t25\tA\t1\t0\t0\t0\tnorth\t-87.6"]
    result = cli("registry", "load", str(gazetteer(tmp_path, PLACE_HEADER, rows)))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: 2020_Gaz_place_national.txt, line 5:"), line
    assert table_counts(url) == before


def test_registry_lookup_finds_builtin_loaded_and_tracked(cli, tmp_path):
    def lookup(*args):
        result = cli("registry", "lookup", *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return [(r["match"], r.get("key"), r.get("tracked")) for r in json.loads(result.stdout)]

    assert lookup("Brooklyn, NY") == [("alias", f"{BASE}/state:ny/county:kings", "no")]
    assert lookup("Bay County ") == [
        ("ambiguous", f"{BASE}/state:fl/county:bay", "no"),
        ("ambiguous", f"{BASE}/state:mi/county:bay", "no"),
    ]
    # Not built in: a place is known once its Gazetteer file is loaded.
    assert lookup("Oak Park, IL") == [("not_found", None, None)]
    assert cli("registry", "load", str(gazetteer(tmp_path, PLACE_HEADER, PLACES))).exit_code == 0
    assert lookup("Oak Park, IL") == [("exact", f"{BASE}/state:il/place:oak_park", "no")]
    assert lookup("Village of Oak Park, Illinois")[0][1] == f"{BASE}/state:il/place:oak_park"
    # A tracked jurisdiction under its own OCD id holds the registry's FIPS code:
    # one candidate, the tracked one, found by the Census name too.
    added = cli(
        "jurisdictions", "add", "Cook", "--kind", "county", "--state", "IL", "--fips", "17031",
        "--ocd-id", f"{BASE}/state:il/county:cook_county_government",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert lookup("Cook County, IL") == [
        ("alias", f"{BASE}/state:il/county:cook_county_government", "yes")
    ]
