"""The registry where jurisdictions are written, on both engines: ``jurisdictions
add`` and import files that name a place it knows need no kind, state or FIPS
code; a value contradicting it is refused naming both; a row without an OCD id
finds the stored record (by FIPS, ``Name, ST`` or alias, then the registry)
instead of making a second one; ``registry fill-fips`` fills codes only when asked."""

import json

import sqlalchemy as sa
from conftest import dump

from tracker import db

BASE = "ocd-division/country:us"


def _rows(url, where="1=1"):
    with db.engine_for(url).connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT ocd_id, name, kind, state, fips FROM jurisdiction "
                f"WHERE {where} ORDER BY ocd_id"
            )
        ).all()


def _aliases(url, ocd_id):
    with db.engine_for(url).connect() as conn:
        q = (
            "SELECT alias FROM jurisdiction_alias a JOIN jurisdiction j"
            " ON j.id = a.jurisdiction_id WHERE j.ocd_id = :o ORDER BY alias"
        )
        return list(conn.execute(sa.text(q), {"o": ocd_id}).scalars())


def _error(result) -> str:
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    return line


def test_add_from_the_registry_needs_only_the_name(cli, url):
    for ref in ("Cook County, IL", "Texas", "Brooklyn, NY", "Juneau, AK"):
        result = cli("jurisdictions", "add", ref)
        assert result.exit_code == 0, result.output
    assert _rows(url) == [
        (f"{BASE}/state:ak/place:juneau", "Juneau", "city_county", "AK", "02110"),
        (f"{BASE}/state:il/county:cook", "Cook County", "county", "IL", "17031"),
        (f"{BASE}/state:ny/county:kings", "Kings County", "county", "NY", "36047"),
        (f"{BASE}/state:tx", "Texas", "state", "TX", "48"),
    ]
    assert _aliases(url, f"{BASE}/state:ny/county:kings") == ["Brooklyn", "Brooklyn Borough"]
    # Found by every name it was given.
    shown = cli("jurisdictions", "show", "Brooklyn", "--format", "json")
    assert json.loads(shown.stdout)["jurisdiction"]["key"] == f"{BASE}/state:ny/county:kings"


def test_add_refuses_what_contradicts_the_registry_and_writes_nothing(cli, url):
    before = dump(url)
    assert _error(
        cli("jurisdictions", "add", "Harris County", "--state", "TX", "--fips", "48202")
    ) == (
        "Error: fips: '48202', but the registry has 48201 for Harris County, TX "
        f"({BASE}/state:tx/county:harris)"
    )
    assert _error(cli("jurisdictions", "add", "Louisville, KY", "--kind", "town")) == (
        "Error: kind: 'town', but the registry has Louisville, KY as a city_county"
    )
    assert _error(cli("jurisdictions", "add", "Bay County")) == (
        "Error: name: 'Bay County' fits several jurisdictions: "
        f"Bay County (county, FL, FIPS 12005, {BASE}/state:fl/county:bay); "
        f"Bay County (county, MI, FIPS 26017, {BASE}/state:mi/county:bay); "
        "give its kind and state, or its FIPS code"
    )
    assert _error(cli("jurisdictions", "add", "Springfield", "--state", "IL")) == (
        "Error: kind: missing, and the registry does not know 'Springfield'; give its kind"
    )
    assert dump(url) == before
    # A place the registry does not know is added as before, from kind and state.
    assert cli("jurisdictions", "add", "Gotham", "--kind", "city", "--state", "NY").exit_code == 0
    assert _rows(url) == [(f"{BASE}/state:ny/place:gotham", "Gotham", "city", "NY", None)]


def test_a_list_of_names_imports_with_kinds_and_fips_from_the_registry(cli, url, tmp_path):
    names = [
        "Cook County, IL", "Orleans Parish, LA", "Anchorage, AK", "Doña Ana County, NM",
        "Kings County, NY", "Franklin County, OH", "Franklin County, PA", "Baltimore, MD",
        "Baltimore County, MD", "Hartford County, CT", "Richmond city, VA", "Texas",
        "O'Brien County, IA", "Prince George's County, MD", "St. John the Baptist Parish, LA",
        "Matanuska-Susitna Borough, AK",
    ]  # fmt: skip
    f = tmp_path / "jurisdictions.csv"
    f.write_text("name\n" + "".join(f'"{n}"\n' for n in names), encoding="utf-8")
    result = cli("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "jurisdictions,16,0,0"
    assert _rows(url) == [
        (
            f"{BASE}/state:ak/borough:matanuska-susitna",
            "Matanuska-Susitna Borough",
            "county",
            "AK",
            "02170",
        ),
        (f"{BASE}/state:ak/place:anchorage", "Anchorage", "city_county", "AK", "02020"),
        (f"{BASE}/state:ct/county:hartford", "Hartford County", "county", "CT", "09003"),
        (f"{BASE}/state:ia/county:o~brien", "O'Brien County", "county", "IA", "19141"),
        (f"{BASE}/state:il/county:cook", "Cook County", "county", "IL", "17031"),
        (
            f"{BASE}/state:la/parish:st._john_the_baptist",
            "St. John the Baptist Parish",
            "county",
            "LA",
            "22095",
        ),
        (f"{BASE}/state:la/place:new_orleans", "New Orleans", "city_county", "LA", "22071"),
        (f"{BASE}/state:md/county:baltimore", "Baltimore County", "county", "MD", "24005"),
        (
            f"{BASE}/state:md/county:prince_george~s",
            "Prince George's County",
            "county",
            "MD",
            "24033",
        ),
        (f"{BASE}/state:md/place:baltimore", "Baltimore", "city_county", "MD", "24510"),
        (f"{BASE}/state:nm/county:doña_ana", "Doña Ana County", "county", "NM", "35013"),
        (f"{BASE}/state:ny/county:kings", "Kings County", "county", "NY", "36047"),
        (f"{BASE}/state:oh/county:franklin", "Franklin County", "county", "OH", "39049"),
        (f"{BASE}/state:pa/county:franklin", "Franklin County", "county", "PA", "42055"),
        (f"{BASE}/state:tx", "Texas", "state", "TX", "48"),
        (f"{BASE}/state:va/place:richmond", "Richmond", "city_county", "VA", "51760"),
    ]
    # The same names again: matched, nothing added or changed.
    again = cli("import", str(f), "--format", "csv")
    assert again.stdout.splitlines()[1] == "jurisdictions,0,0,16"


def test_a_row_without_ocd_id_updates_the_stored_record_and_loses_nothing(
    seeded_cli, seeded_url, tmp_path
):
    before = {r.ocd_id: r for r in _rows(seeded_url)}
    dc_aliases = _aliases(seeded_url, f"{BASE}/district:dc")
    f = tmp_path / "jurisdictions.csv"
    f.write_text(
        "name,kind,state\nDistrict of Columbia,federal_district,DC\nNew York City,city,NY\n",
        encoding="utf-8",
    )
    result = seeded_cli("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "jurisdictions,0,0,2"
    assert {r.ocd_id: r for r in _rows(seeded_url)} == before
    assert _aliases(seeded_url, f"{BASE}/district:dc") == dc_aliases
    shown = seeded_cli("jurisdictions", "show", "New York City, NY", "--format", "json")
    assert json.loads(shown.stdout)["jurisdiction"]["key"] == f"{BASE}/state:ny/place:new_york"
    # By FIPS code and an alias, in a file that names the kind in its own case.
    f.write_text("name,kind,state,fips\nSan Francisco County,City_County,CA,06075\n")
    result = seeded_cli("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "jurisdictions,0,0,1"
    assert {r.ocd_id: r for r in _rows(seeded_url)} == before


def test_fill_fips_fills_only_when_asked_and_only_the_fips(cli, url):
    ocd = f"{BASE}/state:mo/place:st._louis"
    added = cli(
        "jurisdictions", "add", "St. Louis", "--kind", "city_county", "--state", "MO",
        "--ocd-id", ocd, "--notes", "Independent city.",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert cli("jurisdictions", "add", "Gotham", "--kind", "city", "--state", "NY").exit_code == 0
    assert _rows(url, "fips IS NULL") == [
        (ocd, "St. Louis", "city_county", "MO", None),
        (f"{BASE}/state:ny/place:gotham", "Gotham", "city", "NY", None),
    ]
    before = dump(url)
    listed = cli("registry", "fill-fips", "--dry-run", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == [
        {
            "key": ocd,
            "name": "St. Louis",
            "kind": "city_county",
            "state": "MO",
            "fips": "29510",
            "match": "ocd_id",
            "note": None,
        }
    ]
    assert listed.stderr == "1 FIPS code(s) would be filled.\n"
    assert dump(url) == before
    assert cli("registry", "fill-fips").exit_code == 0
    assert _rows(url, "fips IS NOT NULL") == [(ocd, "St. Louis", "city_county", "MO", "29510")]
    with db.engine_for(url).connect() as conn:
        notes = conn.execute(sa.text("SELECT notes FROM jurisdiction WHERE fips = '29510'"))
        assert notes.scalar() == "Independent city."


# --- files that name jurisdictions nobody tracks yet ---------------------------------

SOURCE = "https://www.cookcountyil.gov/"


def _dir(tmp_path, **files):
    d = tmp_path / "data"
    d.mkdir(exist_ok=True)
    (d / "sources.csv").write_text(
        f"title,url,kind\nCook County ordinance,{SOURCE},government_release\n", encoding="utf-8"
    )
    for name, text in files.items():
        (d / f"{name}.csv").write_text(text, encoding="utf-8")
    return d


def test_an_import_adds_the_jurisdictions_its_rows_name_from_the_registry(cli, url, tmp_path):
    d = _dir(
        tmp_path,
        status="jurisdiction,status,source,effective\n"
        f'"Cook County, IL",sanctuary,{SOURCE},2011-09\n'
        f'"Brooklyn, NY",sanctuary,{SOURCE},2014\n'
        f"Texas,anti_sanctuary,{SOURCE},2017-05\n"
        f'"Cook County, IL",partial,{SOURCE},2012\n',
        actions="date,agency,kind,title,source,targets\n"
        f'2017-05-07,Texas,statement,SB4 signed,{SOURCE},"Harris County, TX; Travis County, TX"\n',
        grants="program,fiscal_year,amount,amount_type,jurisdictions,source\n"
        f'Byrne JAG,2017,100.00,awarded,"Orleans Parish, LA",{SOURCE}\n',
    )
    before = dump(url)
    dry = cli("import", str(d), "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    summary = {r["entity"]: r["added"] for r in json.loads(dry.stdout)["summary"]}
    assert summary == {"sources": 1, "status": 4, "actions": 1, "grants": 1, "jurisdictions": 6}
    added = [c["key"] for c in json.loads(dry.stdout)["changes"] if c["entity"] == "jurisdictions"]
    assert sorted(added) == sorted(
        [
            f"{BASE}/state:il/county:cook", f"{BASE}/state:ny/county:kings", f"{BASE}/state:tx",
            f"{BASE}/state:tx/county:harris", f"{BASE}/state:tx/county:travis",
            f"{BASE}/state:la/place:new_orleans",
        ]
    )  # fmt: skip
    assert dump(url) == before
    result = cli("import", str(d), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "jurisdictions,6,0,0" in result.stdout.splitlines()
    assert _rows(url) == [
        (f"{BASE}/state:il/county:cook", "Cook County", "county", "IL", "17031"),
        (f"{BASE}/state:la/place:new_orleans", "New Orleans", "city_county", "LA", "22071"),
        (f"{BASE}/state:ny/county:kings", "Kings County", "county", "NY", "36047"),
        (f"{BASE}/state:tx", "Texas", "state", "TX", "48"),
        (f"{BASE}/state:tx/county:harris", "Harris County", "county", "TX", "48201"),
        (f"{BASE}/state:tx/county:travis", "Travis County", "county", "TX", "48453"),
    ]
    # Tracked now: the same files again add nothing.
    again = cli("import", str(d), "--format", "csv")
    assert "jurisdictions" not in again.stdout


def test_a_name_the_registry_cannot_settle_is_a_line_error_and_nothing_is_written(
    seeded_cli, seeded_url, tmp_path
):
    d = _dir(
        tmp_path,
        status="jurisdiction,status,source\n"
        f"Bay County,sanctuary,{SOURCE}\n"
        f'"Texas",anti_sanctuary,{SOURCE}\n'
        f'"Harriss County, TX",sanctuary,{SOURCE}\n'
        f"Gotham,sanctuary,{SOURCE}\n",
    )
    before = dump(seeded_url)
    result = seeded_cli("import", str(d))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: import failed with 3 problem(s), nothing written:",
        "status.csv, line 2: jurisdiction: 'Bay County' names no tracked jurisdiction and "
        "fits several in the registry: "
        f"Bay County (county, FL, FIPS 12005, {BASE}/state:fl/county:bay); "
        f"Bay County (county, MI, FIPS 26017, {BASE}/state:mi/county:bay); "
        "name one by its OCD id or FIPS code",
        "status.csv, line 4: jurisdiction: 'Harriss County, TX' names no tracked jurisdiction "
        "and only resembles names in the registry: "
        f"Harris County (county, TX, FIPS 48201, {BASE}/state:tx/county:harris); "
        f"Harrison County (county, TX, FIPS 48203, {BASE}/state:tx/county:harrison); "
        "name one by its OCD id or FIPS code",
        "status.csv, line 5: jurisdiction: no jurisdiction matches 'Gotham'; "
        "see `tracker jurisdictions list`",
    ]
    assert dump(seeded_url) == before
