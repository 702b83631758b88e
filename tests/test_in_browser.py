"""What tracker draws, opened in a real browser (headless Chromium): the map
as SVG and as a page loads with no console error, shows the colours
`report status` gives, and is captured as a screenshot at two dates
(kept in TRACKER_SCREENSHOTS when set, for a person to look at)."""

import json
import os
from pathlib import Path

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
