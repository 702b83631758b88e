"""Every rule about identity and integrity holds on every way in: the ``add``
and ``update`` commands, an import into empty tables, an import into tables
that already hold rows, and a mixed directory, on both engines. Each refusal
is one error naming the rule, and nothing is written."""

from pathlib import Path

import pytest
from conftest import dump

SEED_SOURCE = (
    "Department of Justice Threatens Jurisdictions That Don\u2019t Cooperate With "
    "Immigration Officials (2018-01-25)"
)


def _file(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(cli, args: list[str], *expected: str) -> str:
    """Run a command that must be refused: exit 1, one error naming the rule, nothing written."""
    before = dump(cli.url)
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.stderr, result.stderr
    assert dump(cli.url) == before
    return result.stderr


# --- a consolidated city-county is one record ----------------------------------

CITY_COUNTY_FILE = (
    "name,kind,state,fips\nSan Francisco,city_county,CA,06075\nSan Francisco County,county,CA,\n"
)


def test_city_county_is_one_record_when_added(cli):
    assert (
        cli("jurisdictions", "add", "Denver", "--kind", "city_county", "--state", "CO").exit_code
        == 0
    )
    _refused(
        cli,
        ["jurisdictions", "add", "Denver County", "--kind", "county", "--state", "CO"],
        "consolidated city-county already tracked as Denver, CO",
    )


def test_city_county_is_one_record_in_one_file_into_an_empty_table(cli, tmp_path):
    f = _file(tmp_path, "jurisdictions.csv", CITY_COUNTY_FILE)
    _refused(
        cli,
        ["import", str(f)],
        "jurisdictions.csv, line 3: name: 'San Francisco County' is the consolidated "
        "city-county already tracked as San Francisco, CA",
    )


def test_city_county_is_one_record_against_stored_rows(seeded_cli, tmp_path):
    f = _file(tmp_path, "jurisdictions.csv", "name,kind,state\nSan Francisco County,county,CA\n")
    _refused(
        seeded_cli,
        ["import", str(f)],
        "jurisdictions.csv, line 2: name: 'San Francisco County' is the consolidated "
        "city-county already tracked as San Francisco, CA",
    )


def test_city_county_over_a_tracked_county_is_refused_on_import(cli, tmp_path):
    # Gotham is no place the registry knows: the rule alone decides.
    assert (
        cli("jurisdictions", "add", "Gotham County", "--kind", "county", "--state", "NY").exit_code
        == 0
    )
    f = _file(tmp_path, "jurisdictions.csv", "name,kind,state\nGotham,city_county,NY\n")
    _refused(
        cli,
        ["import", str(f)],
        "jurisdictions.csv, line 2: name: Gotham County, NY",
        "is already tracked as a county",
    )


def test_city_county_rule_holds_in_a_mixed_directory(cli, tmp_path):
    d = tmp_path / "data"
    _file(d, "sources.csv", "title,url\nA list,https://example.org/list\n")
    _file(
        d,
        "jurisdictions.csv",
        "name,kind,state,fips\nSan Francisco,city_county,CA,06075\nCity of San Francisco,city,CA,\n",
    )
    _file(
        d,
        "status.csv",
        'jurisdiction,status,source\n"San Francisco, CA",sanctuary,https://example.org/list\n',
    )
    stderr = _refused(
        cli, ["import", str(d)], "jurisdictions.csv, line 3: name: 'City of San Francisco'"
    )
    # One problem: the status row still names the jurisdiction the file would add.
    assert "import failed with 1 problem(s)" in stderr


# --- one record per OCD id and per FIPS code ---------------------------------------


def test_fips_belongs_to_one_jurisdiction_on_every_path(seeded_cli, tmp_path):
    _refused(
        seeded_cli,
        [
            "jurisdictions",
            "add",
            "Chicago Heights",
            "--kind",
            "city",
            "--state",
            "IL",
            "--fips",
            "1714000",
        ],
        "fips: 1714000 already belongs to Chicago, IL",
    )
    _refused(
        seeded_cli,
        ["jurisdictions", "update", "Santa Clara County, CA", "--fips", "06075"],
        "fips: 06075 already belongs to San Francisco, CA",
    )
    f = _file(
        tmp_path, "jurisdictions.csv", "name,kind,state,fips\nChicago Heights,city,IL,1714000\n"
    )
    _refused(
        seeded_cli,
        ["import", str(f)],
        "jurisdictions.csv, line 2: fips: 1714000 already belongs to Chicago, IL",
    )


def test_ocd_id_is_one_record_on_every_path(seeded_cli, tmp_path):
    _refused(
        seeded_cli,
        ["jurisdictions", "add", "Chicago", "--kind", "city", "--state", "IL"],
        "jurisdiction ocd-division/country:us/state:il/place:chicago already exists",
    )
    f = _file(
        tmp_path, "jurisdictions.csv", "name,kind,state\nEvanston,city,IL\nevanston,city,IL\n"
    )
    _refused(seeded_cli, ["import", str(f)], "jurisdictions.csv, line 3: same record as line 2")


# --- a source may count more targets than it names, never fewer --------------------

ACTION = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"


def test_target_count_is_checked_on_every_path(seeded_cli, tmp_path):
    _refused(
        seeded_cli,
        ["actions", "add", "A letter", "--date", "2018-02", "--agency", "DOJ", "--kind", "letter",
         "--source", "1", "--target", "CA", "--target", "Chicago, IL", "--target-count", "1"],
        "target count: 1 is fewer than the 2 named targets",
    )  # fmt: skip
    _refused(
        seeded_cli,
        ["actions", "update", ACTION, "--target-count", "3"],
        "target count: 3 is fewer than the 4 named targets",
    )
    f = _file(
        tmp_path,
        "actions.csv",
        "date,agency,kind,title,source,target_count,targets\n"
        f'2018-02,DOJ,letter,A letter,"{SEED_SOURCE}",1,"CA; Chicago, IL"\n',
    )
    _refused(
        seeded_cli,
        ["import", str(f)],
        "actions.csv, line 2: target count: 1 is fewer than the 2 named targets",
    )


# --- money is one jurisdiction's or an aggregate's -------------------------------


def test_an_amount_needs_a_jurisdiction_or_an_action_on_every_path(seeded_cli, tmp_path):
    _refused(
        seeded_cli,
        ["grants", "add", "--program", "JAG", "--fiscal-year", "2017", "--amount", "5",
         "--type", "awarded", "--source", "1"],
        "jurisdiction: give a jurisdiction, several, or an action",
    )  # fmt: skip
    f = _file(
        tmp_path,
        "grants.csv",
        f'program,fiscal_year,amount,amount_type,source\nJAG,2017,5,awarded,"{SEED_SOURCE}"\n',
    )
    _refused(
        seeded_cli,
        ["import", str(f)],
        "grants.csv, line 2: jurisdictions: give a jurisdiction, several, or an action",
    )


# --- a docket number belongs to one case -------------------------------------------


def test_docket_belongs_to_one_case_on_every_path(seeded_cli, tmp_path):
    add = [
        "cases",
        "add",
        "A v. B",
        "--court",
        "N.D. Ill.",
        "--source",
        "1",
        "--docket",
        "1:17-cv-1",
    ]
    assert seeded_cli(*add).exit_code == 0
    _refused(
        seeded_cli,
        [
            "cases",
            "add",
            "C v. D",
            "--court",
            "N.D. Ill.",
            "--source",
            "1",
            "--docket",
            "1:17-cv-1",
        ],
        "case key '1:17-cv-1' already exists",
    )
    _refused(
        seeded_cli,
        ["cases", "update", "Chicago v. Sessions", "--docket", "1:17-cv-1"],
        "docket '1:17-cv-1' already belongs to A v. B",
    )
    f = _file(
        tmp_path,
        "cases.csv",
        f'key,caption,court,docket,source\nc-d,C v. D,N.D. Ill.,1:17-cv-1,"{SEED_SOURCE}"\n',
    )
    _refused(
        seeded_cli,
        ["import", str(f)],
        "cases.csv, line 2: docket '1:17-cv-1' already belongs to A v. B",
    )


@pytest.mark.parametrize("kind", ["preliminary_injunction"])
def test_a_ruling_is_recorded_once_by_rule_and_import_matches_it(seeded_cli, tmp_path, kind):
    rule = [
        "cases",
        "rule",
        "Chicago v. Sessions",
        "--date",
        "2017-09-15",
        "--kind",
        kind,
        "--source",
        "1",
    ]
    assert seeded_cli(*rule).exit_code == 0
    _refused(
        seeded_cli, rule, "already has a ruling of kind preliminary_injunction dated 2017-09-15"
    )
    f = _file(
        tmp_path,
        "rulings.csv",
        f'case,date,kind,source\nChicago v. Sessions,2017-09-15,{kind},"{SEED_SOURCE}"\n',
    )
    again = seeded_cli("import", str(f), "--format", "csv")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[1] == "rulings,0,0,1"
