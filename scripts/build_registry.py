"""Build tracker/registry_data/builtin.csv, the registry's built-in jurisdictions.

    pip download addfips==0.4.2 --no-deps -d /tmp/pkgs
    .venv/bin/python scripts/build_registry.py /tmp/pkgs/addfips-0.4.2-py3-none-any.whl

Re-runnable: the same inputs write the same file byte for byte.

Where the data comes from
-------------------------
Every name and code is the U.S. Census Bureau's (2020 Census vintage), a work
of the U.S. Government and so in the public domain (17 U.S.C. 105). Two
packages carry it, and this script reads both and settles every disagreement
by a rule written below, so a new release of either is checked, not trusted:

- ``us`` 4.0 (BSD licence; a dependency of tracker): the states, DC and the
  territories with their FIPS codes, and the 3,234 counties and equivalents of
  2020 (3,143 in the states and DC, 78 in Puerto Rico, 13 in the island areas).
- ``addfips`` 0.4.2 (GPL-3.0; not a dependency, only read here):
  ``addfips/data/counties_2020.csv``, the same Census list plus former and
  alternative names for some codes ("Wade Hampton Census Area", "Shannon
  County", "Brooklyn Borough"), which become aliases.

Only facts are taken from addfips (names and codes, which are the Census
Bureau's), not its code, so tracker (MIT) does not depend on a GPL package at
run time; and a committed CSV costs nothing at start-up, where importing
``us`` costs ~50 ms (it imports jellyfish) and addfips would add a dependency.

How the two are reconciled
--------------------------
- The set of codes is ``us``'s: addfips's file still lists 02261
  (Valdez-Cordova Census Area, split in 2019), 51515 (Bedford city, a town
  since 2013) and 74300 (Midway Islands, not a county-equivalent of the 2020
  Census), and lacks 02063 (Chugach Census Area).
- Names: addfips's spelling, except where ``us`` has the accents addfips drops
  (Bayamón, Canóvanas, Rincón) and the names in ``_US_NAMES``; ``us`` writes
  "Charles city County", which the Census writes "Charles City County".
- Every other name addfips gives a code becomes an alias of that code.

What the script adds
--------------------
- Consolidated city-counties and independent cities are one entry of kind
  ``city_county`` with the county's FIPS code, named as the city (as the seed
  names San Francisco and New Orleans), with the Census name as an alias:
  Virginia's 38 independent cities, Baltimore, St. Louis and Carson City;
  Alaska's city-boroughs and municipalities; and ``_CONSOLIDATED``.
- New York City, the one built-in place (see ``_PLACES``), and the boroughs'
  names as aliases of their counties.
- DC's and Guam's county-equivalent codes (11001, 66010) are the same
  jurisdiction as DC and Guam: they are ``other_fips`` of those entries.
"""

import csv
import io
import sys
import unicodedata
import zipfile
from pathlib import Path

import us

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.registry import COLUMNS, derive_ocd_id  # noqa: E402

OUTPUT = ROOT / "tracker" / "registry_data" / "builtin.csv"

# Codes whose Census 2020 name is the one ``us`` gives, not addfips's.
_US_NAMES = {
    "22059": "LaSalle Parish",  # renamed from La Salle Parish
    "60030": "Rose Island",
    "60040": "Swains Island",
    "78010": "St. Croix Island",
    "78020": "St. John Island",
    "78030": "St. Thomas Island",
}

# Counties whose government is one with a city's: (name, aliases). The county's
# Census name is added as an alias. Left out on purpose: Indianapolis/Marion
# County and Kansas City/Wyandotte County, where Census and the law keep a
# county with its own elected offices beside the consolidated city.
_CONSOLIDATED = {
    "06075": ("San Francisco", ("City and County of San Francisco",)),
    "08014": ("Broomfield", ("City and County of Broomfield",)),
    "08031": ("Denver", ("City and County of Denver",)),
    "12031": ("Jacksonville", ("City of Jacksonville", "Jacksonville-Duval County")),
    "13021": ("Macon-Bibb County", ("Macon",)),
    "13059": ("Athens-Clarke County", ("Athens",)),
    "13215": ("Columbus", ("Columbus-Muscogee County", "Columbus Consolidated Government")),
    "13245": ("Augusta", ("Augusta-Richmond County",)),
    "15003": ("Honolulu", ("City and County of Honolulu",)),
    "21067": ("Lexington-Fayette", ("Lexington", "Lexington-Fayette Urban County")),
    "21111": ("Louisville", ("Louisville/Jefferson County", "Louisville Metro")),
    "22071": ("New Orleans", ("City of New Orleans",)),
    "30023": ("Anaconda-Deer Lodge County", ("Anaconda",)),
    "30093": ("Butte-Silver Bow", ("Butte",)),
    "42101": ("Philadelphia", ("City of Philadelphia",)),
    "47037": (
        "Nashville-Davidson",
        ("Nashville", "Metropolitan Government of Nashville and Davidson County"),
    ),
}

# Alaska's county-equivalents that are one government with their city.
_AK_CONSOLIDATED = (" City and Borough", " Municipality")

# The boroughs of New York City are county-equivalents.
_BOROUGHS = {
    "36005": ("Bronx", "The Bronx"),
    "36047": ("Brooklyn",),
    "36061": ("Manhattan",),
    "36081": ("Queens", "Queens Borough"),
    "36085": ("Staten Island",),
}

# Built-in places: a city that spans counties and that users name all the
# time. Everything else that is not a county comes from a Gazetteer file.
_PLACES = (
    {
        "name": "New York",
        "kind": "city",
        "state": "NY",
        "fips": "3651000",
        "census_name": "New York city",
        "aliases": ("New York City", "City of New York", "NYC"),
    },
)

_STATE_ALIASES = {
    "DC": ("Washington, D.C.", "Washington D.C.", "Washington", "D.C."),
    "VI": ("U.S. Virgin Islands", "United States Virgin Islands", "USVI"),
    "MP": ("CNMI", "Commonwealth of the Northern Mariana Islands"),
}
# A county-equivalent that is the state-level jurisdiction itself.
_SAME_AS_STATE = {"11001": "DC", "66010": "GU"}


def _read_addfips(path: Path) -> dict[str, list[str]]:
    """Every name addfips's 2020 file gives each 5-digit code, in file order."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as whl:
            text = whl.read("addfips/data/counties_2020.csv").decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    names: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        names.setdefault(row["statefp"] + row["countyfp"], []).append(row["name"])
    return names


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _county_name(fips: str, official: str, others: list[str]) -> str:
    if fips in _US_NAMES:
        return _US_NAMES[fips]
    for name in others:
        if name == official:
            return name
    for name in others:
        if _plain(name) == _plain(official):
            # The same name: keep the accented spelling, whichever has it.
            return official if not official.isascii() else name
    raise SystemExit(f"{fips}: us says {official!r}, addfips {others!r}: add a rule")


def _entry(kind, state, name, fips, census_name="", aliases=(), other_fips=()):
    seen = {name}
    kept = []
    for alias in aliases:
        if alias and alias not in seen:
            seen.add(alias)
            kept.append(alias)
    return {
        "ocd_id": derive_ocd_id(kind, state, name),
        "name": name,
        "kind": kind,
        "state": state,
        "fips": fips,
        "census_name": census_name if census_name != name else "",
        "aliases": "; ".join(kept),
        "other_fips": " ".join(other_fips),
    }


def build(addfips_path: Path) -> list[dict]:
    alternatives = _read_addfips(addfips_path)
    rows = []
    for st in us.states.STATES_AND_TERRITORIES:
        kind = (
            "federal_district" if st.abbr == "DC" else "territory" if st.is_territory else "state"
        )
        aliases = [st.ap_abbr] if st.ap_abbr and st.ap_abbr != st.name else []
        aliases += _STATE_ALIASES.get(st.abbr, ())
        others = [f for f, s in _SAME_AS_STATE.items() if s == st.abbr]
        rows.append(_entry(kind, st.abbr, st.name, st.fips, "", aliases, others))
        for county in st.counties:
            if county.fips in _SAME_AS_STATE:
                continue
            if county.fips not in alternatives:
                # Chugach Census Area (2019) is newer than addfips's file.
                census = county.name
                extra = []
            else:
                census = _county_name(county.fips, county.name, alternatives[county.fips])
                # Former and other names; not the same name without its accents.
                extra = [n for n in alternatives[county.fips] if _plain(n) != _plain(census)]
            rows.append(_county(st.abbr, county.fips, census, extra))
    for place in _PLACES:
        p = dict(place)
        rows.append(
            _entry(p["kind"], p["state"], p["name"], p["fips"], p["census_name"], p["aliases"])
        )
    rows.sort(key=lambda r: (r["state"], r["fips"]))
    return rows


def _county(state: str, fips: str, census: str, extra: list[str]) -> dict:
    if fips in _CONSOLIDATED:
        name, aliases = _CONSOLIDATED[fips]
        return _entry("city_county", state, name, fips, census, (census, *aliases, *extra))
    if census.endswith(" city") or fips == "32510":
        # An independent city: "Richmond city" is the city of Richmond.
        name = census.removesuffix(" city")
        return _entry("city_county", state, name, fips, census, (census, f"City of {name}", *extra))
    if state == "AK" and census.endswith(_AK_CONSOLIDATED):
        name = census.removesuffix(" City and Borough").removesuffix(" Municipality")
        long_form = (
            f"City and Borough of {name}"
            if census.endswith(" City and Borough")
            else f"Municipality of {name}"
        )
        return _entry("city_county", state, name, fips, census, (census, long_form, *extra))
    aliases = [*_BOROUGHS.get(fips, ()), *extra]
    return _entry("county", state, census, fips, census, aliases)


def write(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit(__doc__.split("\n\n")[1])
    rows = build(Path(argv[0]))
    ocd_ids = [r["ocd_id"] for r in rows]
    if len(set(ocd_ids)) != len(ocd_ids):
        raise SystemExit("two entries share an OCD id")
    write(rows, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(rows)} entries, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
