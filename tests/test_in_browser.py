"""What tracker draws, opened in a real browser (headless Chromium): the map
as SVG and as a page loads with no console error, shows the colours
`report status` gives, and is captured as a screenshot at two dates
(kept in TRACKER_SCREENSHOTS when set, for a person to look at)."""

import json
import os
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import console_problems

SHOTS = os.environ.get("TRACKER_SCREENSHOTS")


def _shot_dir(tmp_path: Path) -> Path:
    d = Path(SHOTS) if SHOTS else tmp_path / "shots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _fill(driver, fips: str) -> str:
    return driver.execute_script(
        "const e = document.getElementById('fips-' + arguments[0]);"
        "return e ? getComputedStyle(e).fill : null;",
        fips,
    )


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize("suffix", ["svg", "html"])
def test_the_map_at_two_dates_in_chromium(seeded_cli, browser, tmp_path, suffix, engine_name):
    shots = _shot_dir(tmp_path)
    fills = {}
    for day in ("2017-01-01", "2018-02-01"):
        out = tmp_path / f"map-{day}.{suffix}"
        made = seeded_cli("map", "--as-of", day, "--level", "county", "--out", str(out))
        assert made.exit_code == 0, made.output
        browser.get(out.as_uri())
        assert console_problems(browser) == []
        assert (
            browser.execute_script("return document.querySelectorAll('[id^=fips-]').length") > 3000
        )
        shot = shots / f"map-{engine_name}-{day}.{suffix}.png"
        assert browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 20_000
        fills[day] = _fill(browser, "06075")
        report = json.loads(
            seeded_cli("report", "status", "--as-of", day, "--format", "json").stdout
        )
        sf = next(r for r in report if r["jurisdiction"].endswith("place:san_francisco"))
        if sf["status"] == "sanctuary":
            assert fills[day] == _rgb("#0072B2")
    # Nothing was in force in 2017-01 by the seed's sources; by 2018-02 it was.
    assert fills["2017-01-01"] != fills["2018-02-01"]


# --- the published site ------------------------------------------------------------


@pytest.fixture
def site(seeded_cli, tmp_path):
    """The seed published, with San Francisco partial in 2016 before the
    article's sanctuary (so the year control has two pictures to show)."""
    cli = seeded_cli
    r = cli("status", "set", "San Francisco, CA", "partial", "--source", "1", "--effective", "2016")
    assert r.exit_code == 0, r.output
    out = tmp_path / "site"
    r = cli("publish", "--out", str(out))
    assert r.exit_code == 0, r.output
    return out


def _pick_year(driver, year: int) -> None:
    driver.execute_script(
        "const s = document.getElementById('year'); s.value = String(arguments[0]);"
        "s.dispatchEvent(new Event('change', {bubbles: true}));",
        year,
    )


def test_the_year_control_redraws_the_home_map(site, browser, tmp_path, engine_name):
    shots = _shot_dir(tmp_path)
    browser.get((site / "index.html").as_uri())
    assert console_problems(browser) == []
    years = browser.execute_script(
        "return [...document.querySelectorAll('#year option')].map(o => o.value)"
    )
    assert years[0] == "2016" and years[-1] == str(date.today().year)
    seen = {}
    for year in (2016, 2018):
        _pick_year(browser, year)
        seen[year] = (_fill(browser, "06075"), browser.find_element("id", "map-heading").text)
        browser.save_screenshot(str(shots / f"home-{engine_name}-{year}.png"))
    assert console_problems(browser) == []
    assert seen[2016][0] == _rgb("#56B4E9")  # partial
    assert seen[2018][0] == _rgb("#0072B2")  # sanctuary
    assert "2016" in seen[2016][1] and "2018" in seen[2018][1]


def test_a_dossier_page_in_chromium(site, browser, tmp_path, engine_name):
    page = site / "j" / "state-ca.place-san_francisco.html"
    browser.get(page.as_uri())
    assert console_problems(browser) == []
    text = browser.find_element("tag name", "body").text
    assert "San Francisco" in text and "partial" in text and "sanctuary" in text
    sources = browser.execute_script("return document.querySelectorAll('.fact a.src').length")
    assert sources >= 2
    shot = _shot_dir(tmp_path) / f"dossier-{engine_name}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 20_000


def test_every_page_loads_clean_and_every_link_inside_resolves(site, browser):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        browser.get(page.as_uri())
        assert console_problems(browser) == [], page
        links = browser.execute_script(
            "return [...document.querySelectorAll('a[href], link[href], script[src], img[src]')]"
            ".map(e => e.href || e.src)"
        )
        for link in links:
            if not link.startswith("file://"):
                continue
            target = Path(unquote(link[7:].split("#")[0]))
            assert target.exists(), f"{page.relative_to(site)} links to missing {target}"


def test_the_status_table_filters_by_state_in_chromium(site, browser):
    browser.get((site / "status.html").as_uri())
    browser.execute_script(
        "const s = document.getElementById('filter-state'); s.value = 'CA';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    shown = browser.execute_script(
        "return [...document.querySelectorAll('#status-table tbody tr')]"
        ".filter(r => r.offsetParent !== null).map(r => r.dataset.state)"
    )
    assert shown and set(shown) == {"CA"}
    assert console_problems(browser) == []
