"""``tracker map``: the status in force on a date drawn as states or counties
(SVG or an HTML page), coloured as ``report status`` says at that date, with
a legend, hatching where sources disagree, grey for no status, cities as dots
where the registry has their coordinates and listed otherwise; the same
database gives the same bytes; bad options are one ``Error:`` line and no
file. Both engines."""

import json
import re
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from test_registry import PLACE_HEADER, PLACES, gazetteer

from tracker import statusmap

SVG = "{http://www.w3.org/2000/svg}"
BASE = "ocd-division/country:us"
CA, IL = f"{BASE}/state:ca", f"{BASE}/state:il"
SF, COOK = f"{BASE}/state:ca/place:san_francisco", f"{BASE}/state:il/county:cook"
CHICAGO, NOLA = f"{BASE}/state:il/place:chicago", f"{BASE}/state:la/place:new_orleans"
DC = f"{BASE}/district:dc"
ORDINANCE, SURVEY = "https://example.org/cook-ordinance", "https://example.org/survey"
BEFORE, AFTER = "2017-01", "2018-02"


def _ok(cli, *args):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def mapped(seeded_cli):
    """The seed (statuses from 2018-01-24 on) and Cook County: sanctuary since
    2012 by its ordinance, cooperative since 2017-06 by a survey."""
    cli = seeded_cli
    _ok(cli, "sources", "add", "Cook County ordinance", "--url", ORDINANCE,
        "--published", "2012-09-01")  # fmt: skip
    _ok(cli, "sources", "add", "A survey", "--url", SURVEY, "--published", "2018-01-01")
    _ok(cli, "jurisdictions", "add", "Cook County, IL")
    _ok(cli, "status", "set", "Cook County, IL", "sanctuary", "--source", ORDINANCE,
        "--effective", "2012-09")  # fmt: skip
    _ok(cli, "status", "set", "Cook County, IL", "cooperative", "--source", SURVEY,
        "--effective", "2017-06")  # fmt: skip
    return cli


def _draw(cli, tmp_path, *args, name="map.svg") -> tuple[ET.Element, bytes]:
    out = tmp_path / name
    result = _ok(cli, "map", "--out", str(out), *args)
    assert result.stdout == ""
    assert f"Wrote {out}:" in result.stderr
    data = out.read_bytes()
    return ET.fromstring(data), data


def _report(cli, as_of: str) -> dict[str, dict]:
    out = _ok(cli, "report", "status", "--as-of", as_of, "--format", "json").stdout
    return {r["jurisdiction"]: r for r in json.loads(out)}


def _all(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(f"{SVG}{tag}"))


def _by_id(root: ET.Element, ident: str) -> ET.Element:
    (found,) = [e for e in root.iter() if e.get("id") == ident]
    return found


def _legend(root: ET.Element) -> dict[str, tuple[str, str]]:
    """Each legend entry: status key -> (its swatch's fill, its label)."""
    items = {}
    for g in _by_id(root, "legend").findall(f"{SVG}g"):
        items[g.get("data-status")] = (g.find(f"{SVG}rect").get("fill"), g.find(f"{SVG}text").text)
    return items


def _expected_fill(root: ET.Element, row: dict) -> str:
    """The fill a shape must have for a report row: its status's legend colour,
    or a hatched pattern over that colour when sources disagree."""
    key = "none" if row["status"] == "no status recorded" else row["status"]
    colour = _legend(root)[key][0]
    if not row["disagreement"]:
        return colour
    (pattern,) = [p for p in _all(root, "pattern") if p.get("id") == f"hatch-{key}"]
    assert pattern.find(f"{SVG}rect").get("fill") == colour
    assert pattern.find(f"{SVG}line") is not None  # the hatching
    return f"url(#hatch-{key})"


def _bounds(d: str) -> tuple[float, float, float, float]:
    """The box around an SVG path written as M x y, then l dx dy ..., z."""
    xs, ys = [], []
    x = y = 0.0
    for command, numbers in re.findall(r"([MlzZ])([^MlzZ]*)", d):
        values = [float(n) for n in re.findall(r"-?(?:\d+(?:\.\d*)?|\.\d+)", numbers)]
        for i in range(0, len(values), 2):
            if command == "M" and i == 0:
                x, y = values[0], values[1]
            else:
                x, y = x + values[i], y + values[i + 1]
            xs.append(x)
            ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def test_state_map_colours_states_as_report_status_does_at_two_dates(mapped, tmp_path):
    for as_of in (BEFORE, AFTER):
        root, _ = _draw(mapped, tmp_path, "--as-of", as_of)
        report = _report(mapped, as_of)
        for fips, ocd in [("06", CA), ("17", IL), ("11", DC)]:
            shape = _by_id(root, f"fips-{fips}")
            assert shape.get("fill") == _expected_fill(root, report[ocd]), (as_of, fips)
    # Before the seed's statuses: grey; after: the sanctuary colour.
    root, _ = _draw(mapped, tmp_path, "--as-of", BEFORE)
    assert _by_id(root, "fips-06").get("fill") == _legend(root)["none"][0] == "#BBBBBB"
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER)
    assert _by_id(root, "fips-06").get("fill") == _legend(root)["sanctuary"][0]
    # Untracked states are white; every state of the atlas is drawn once.
    assert _by_id(root, "fips-48").get("fill") == "#FFFFFF"
    assert len([p for p in _all(root, "path") if p.get("id", "").startswith("fips-")]) == 51


def test_county_map_colours_counties_and_city_counties_as_report_status(mapped, tmp_path):
    for as_of in (BEFORE, AFTER):
        root, _ = _draw(mapped, tmp_path, "--as-of", as_of, "--level", "county")
        report = _report(mapped, as_of)
        # San Francisco is a consolidated city-county: it colours its county.
        for fips, ocd in [("06075", SF), ("17031", COOK), ("22071", NOLA), ("11001", DC)]:
            shape = _by_id(root, f"fips-{fips}")
            assert shape.get("fill") == _expected_fill(root, report[ocd]), (as_of, fips)
        assert len([p for p in _all(root, "path") if p.get("id", "").startswith("fips-")]) > 3000
        # State borders are drawn once, over the counties.
        assert _by_id(root, "state-borders").get("fill") is None
    root, _ = _draw(mapped, tmp_path, "--as-of", BEFORE, "--level", "county")
    assert _by_id(root, "fips-17031").get("fill") == _legend(root)["sanctuary"][0]
    assert _by_id(root, "fips-06075").get("fill") == "#BBBBBB"
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county")
    assert _by_id(root, "fips-17031").get("fill") == "url(#hatch-cooperative)"
    assert _by_id(root, "fips-06075").get("fill") == _legend(root)["sanctuary"][0]


def test_legend_has_one_colour_blind_safe_colour_per_status(seeded_cli, tmp_path):
    root, _ = _draw(seeded_cli, tmp_path)
    legend = _legend(root)
    assert legend == {
        "sanctuary": ("#0072B2", "sanctuary"),
        "partial": ("#56B4E9", "partial"),
        "cooperative": ("#E69F00", "cooperative"),
        "anti_sanctuary": ("#D55E00", "anti sanctuary"),
        "neutral": ("#F0E442", "neutral"),
        "unknown": ("#CC79A7", "unknown"),
        "none": ("#BBBBBB", "no status recorded"),
        "untracked": ("#FFFFFF", "not tracked"),
        "disagree": ("url(#legend-hatch-none)", "sources disagree (hatched)"),
    }


def test_shapes_carry_name_status_since_and_source_in_a_title(mapped, tmp_path):
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county")
    assert _by_id(root, "fips-17031").find(f"{SVG}title").text == (
        "Cook County, IL: cooperative since 2017-06 (source: A survey); "
        "sources disagree: sanctuary (Cook County ordinance)"
    )
    assert _by_id(root, "fips-22071").find(f"{SVG}title").text == (
        "New Orleans, LA: no status recorded"
    )
    assert _by_id(root, "fips-48201").find(f"{SVG}title").text == "Harris County, TX: not tracked"
    assert _by_id(root, "fips-17031").get("data-disagree") == "yes"


def test_title_gives_the_date_and_how_many_jurisdictions_and_sources(mapped, tmp_path):
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county")
    texts = [t.text for t in _all(root, "text")]
    assert texts[0] == "Sanctuary-policy status in force on 2018-02-01"
    # SF, Santa Clara, New Orleans, Cook, DC; the cities LA, Chicago, New York.
    assert texts[1] == (
        "8 jurisdictions (counties and county-equivalents, and cities as dots), "
        "6 with a status recorded; 3 sources"
    )
    assert root.find(f"{SVG}title").text == texts[0]
    root, _ = _draw(mapped, tmp_path, "--as-of", BEFORE)
    texts = [t.text for t in _all(root, "text")]
    assert (
        texts[1]
        == "6 jurisdictions (states, and cities as dots), 0 with a status recorded; 0 sources"
    )


def test_known_at_draws_the_database_as_it_stood(mapped, tmp_path):
    time.sleep(0.02)
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    time.sleep(0.02)
    _ok(mapped, "jurisdictions", "add", "Harris County, TX")
    _ok(mapped, "status", "set", "Harris County, TX", "anti_sanctuary", "--source", SURVEY,
        "--effective", "2017")  # fmt: skip
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county")
    assert _by_id(root, "fips-48201").get("fill") == "#D55E00"
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county", "--known-at", moment)
    assert _by_id(root, "fips-48201").get("fill") == "#FFFFFF"
    assert _by_id(root, "fips-17031").get("fill") == "url(#hatch-cooperative)"
    title = _all(root, "text")[0].text
    assert title.startswith(
        "Sanctuary-policy status in force on 2018-02-01, as the database knew it at "
    )
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--known-at", "2020-01-01")
    assert _all(root, "text")[0].text.endswith("as the database knew it at 2020-01-01")


def test_state_option_zooms_to_that_state(mapped, tmp_path):
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county", "--state", "IL")
    x, y, w, h = map(float, _by_id(root, "map").get("viewBox").split())
    assert w < 975 / 5 and h < 610 / 3
    cook = _bounds(_by_id(root, "fips-17031").get("d"))
    assert x <= cook[0] and cook[2] <= x + w and y <= cook[1] and cook[3] <= y + h
    shapes = [p.get("id") for p in _all(root, "path") if p.get("id", "").startswith("fips-")]
    assert len(shapes) == 102 and all(s.startswith("fips-17") for s in shapes)
    assert _all(root, "text")[0].text == "Sanctuary-policy status in force on 2018-02-01: Illinois"
    full, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county")
    assert _by_id(full, "map").get("viewBox") == "0 0 975 610"


def test_the_same_database_gives_the_same_bytes(mapped, tmp_path):
    for args in (["--level", "county"], ["--state", "CA"], []):
        _, first = _draw(mapped, tmp_path, "--as-of", AFTER, *args, name="a.svg")
        _, second = _draw(mapped, tmp_path, "--as-of", AFTER, *args, name="b.svg")
        assert first == second
        assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".svg") == ["a.svg", "b.svg"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_county_map_stays_small(mapped, tmp_path):
    _, data = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", "county")
    assert len(data) < 1_200_000


def test_html_page_holds_the_map_and_loads_nothing_from_elsewhere(mapped, tmp_path):
    out = tmp_path / "map.html"
    _ok(mapped, "map", "--as-of", AFTER, "--out", str(out))
    page = out.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Sanctuary-policy status in force on 2018-02-01</title>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page
    svg = page[page.index("<svg ") : page.rindex("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    assert _by_id(root, "fips-17").get("fill") == "#0072B2"
    # The page's map is the SVG file's map.
    _, data = _draw(mapped, tmp_path, "--as-of", AFTER)
    assert data.decode("utf-8").endswith(svg + "\n")


def test_cities_are_dots_where_the_registry_has_coordinates(mapped, tmp_path):
    _ok(mapped, "registry", "load", str(gazetteer(tmp_path, PLACE_HEADER, PLACES)))
    _ok(mapped, "status", "set", "Chicago, IL", "partial", "--source", SURVEY,
        "--effective", "2018-01")  # fmt: skip
    report = _report(mapped, AFTER)
    for level in ("state", "county"):
        root, _ = _draw(mapped, tmp_path, "--as-of", AFTER, "--level", level)
        chicago = _by_id(root, "place-1714000")
        assert chicago.tag == f"{SVG}circle"
        assert chicago.get("fill") == _expected_fill(root, report[CHICAGO])
        assert chicago.get("data-disagree") == "yes"
        assert chicago.find(f"{SVG}title").text.startswith(
            "Chicago, IL: sanctuary since 2018-01-25"
        )
        # Los Angeles and New York City are not in that file: listed under the map.
        listed = [t.text for t in _by_id(root, "not-on-map").iter(f"{SVG}text")][1:]
        assert listed == ["Los Angeles, CA: sanctuary", "New York City, NY: sanctuary"]
    # The dot sits inside Cook County.
    x0, y0, x1, y1 = _bounds(_by_id(root, "fips-17031").get("d"))
    cx, cy = float(chicago.get("cx")), float(chicago.get("cy"))
    assert x0 < cx < x1 and y0 < cy < y1
    assert (cx, cy) == (round(statusmap.project(-87.681486, 41.837198)[0], 1),
                        round(statusmap.project(-87.681486, 41.837198)[1], 1))  # fmt: skip


def test_cities_without_coordinates_are_listed_beside_the_map(mapped, tmp_path):
    root, _ = _draw(mapped, tmp_path, "--as-of", AFTER)
    assert not _all(_by_id(root, "places"), "circle")
    listed = _by_id(root, "not-on-map")
    texts = [t.text for t in listed.iter(f"{SVG}text")]
    assert texts[0].startswith("Not on the map (3): places without coordinates")
    assert texts[1:] == [
        "Los Angeles, CA: sanctuary",
        "Chicago, IL: sanctuary",
        "New York City, NY: sanctuary",
    ]
    swatches = [g.find(f"{SVG}rect").get("fill") for g in listed.findall(f"{SVG}g")]
    assert swatches == ["#0072B2"] * 3


def test_a_city_county_known_by_its_place_code_colours_its_county(seeded_cli, tmp_path):
    _ok(seeded_cli, "jurisdictions", "add", "Nashville", "--kind", "city_county",
        "--state", "TN", "--fips", "4752006")  # fmt: skip
    root, _ = _draw(seeded_cli, tmp_path, "--level", "county", "--state", "TN")
    davidson = _by_id(root, "fips-47037")
    assert davidson.get("fill") == "#BBBBBB"
    assert davidson.find(f"{SVG}title").text == "Nashville, TN: no status recorded"


def test_projection_is_d3_albers_usa_as_us_atlas_uses_it(seeded_cli, tmp_path):
    # Values from d3-geo 3's geoAlbersUsa().scale(1300).translate([487.5, 305]).
    d3 = {
        (-87.63, 41.88): (638.2124551017423, 226.0693039462193),
        (-122.42, 37.77): (34.80003839932533, 261.5405760847491),
        (-149.9, 61.2): (112.28746916946169, 544.421841061888),  # Alaska's inset
        (-157.85, 21.3): (267.1361048550289, 549.346432393011),  # Hawaii's inset
        (-80.2, 25.8): (822.4290350651306, 571.7201011788592),
        (-170, 52): (18.823018442029934, 608.6177978371599),
    }
    for (lon, lat), xy in d3.items():
        assert statusmap.project(lon, lat) == pytest.approx(xy, abs=1e-9)
    assert statusmap.project(-66.1, 18.4) is None  # Puerto Rico: no inset
    assert statusmap.project(0, 0) is None
    # Chicago's City Hall lies inside Cook County's shape as the map draws it.
    root, _ = _draw(seeded_cli, tmp_path, "--level", "county", "--state", "IL")
    x0, y0, x1, y1 = _bounds(_by_id(root, "fips-17031").get("d"))
    x, y = statusmap.project(-87.63, 41.88)
    assert x0 < x < x1 and y0 < y < y1
    x, y = statusmap.project(-122.42, 37.77)
    root, _ = _draw(seeded_cli, tmp_path, "--level", "county", "--state", "CA")
    x0, y0, x1, y1 = _bounds(_by_id(root, "fips-06075").get("d"))
    assert x0 < x < x1 and y0 < y < y1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "city"], "Error: --level: 'city' is not a map level: give state or county"),
        (["--out", "{dir}/map.png"],
         "Error: --out: '{dir}/map.png' must end in .svg (a picture) or .html (a page holding it)"),
        (["--out", "{dir}/nowhere/map.svg"], "Error: --out: '{dir}/nowhere' is not a directory"),
        (["--state", "ZZ"], "Error: --state: 'ZZ' is not a US state, territory or DC postal code"),
        (["--state", "PR"], "Error: --state: PR is not on the map (it draws the 50 states and DC)"),
        (["--as-of", "2018-13"], "Error: as of: '2018-13' is not a date (month 13 does not exist)"),
        (["--known-at", "soon"],
         "Error: --known-at: 'soon' is not a moment: give YYYY-MM-DD, an ISO 8601 timestamp "
         "such as 2025-06-01T12:00:00Z, or a time ago such as 24h or 7d"),
    ],
)  # fmt: skip
def test_bad_options_are_one_error_line_and_no_file(seeded_cli, tmp_path, args, message):
    maps = tmp_path / "maps"
    maps.mkdir()
    out = maps / "map.svg"
    out.write_text("the old map", encoding="utf-8")
    args = [a.replace("{dir}", str(maps)) for a in args]
    if "--out" not in args:
        args += ["--out", str(out)]
    result = seeded_cli("map", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr == message.replace("{dir}", str(maps)) + "\n"
    assert result.stdout == ""
    assert sorted(p.name for p in maps.iterdir()) == ["map.svg"]
    assert out.read_text(encoding="utf-8") == "the old map"


def test_out_is_required(seeded_cli):
    result = seeded_cli("map")
    assert result.exit_code == 2
    assert "Missing option '--out'" in result.output
