"""Every problem of a row is reported, one line each, in one run (not one
per pass); vocabulary words are accepted in any case and stored as the
vocabulary spells them. On both engines."""

from pathlib import Path

import pytest
from conftest import dump

from tracker import db, transfer

SRC = "https://example.org/census-list"
CHICAGO = "did you mean: Chicago, IL (ocd-division/country:us/state:il/place:chicago)"
COOK = "ocd-division/country:us/state:il/county:cook"

# Each file: a header, a row with several mistakes, and a good row whose
# vocabulary words are in another case.
FILES = {
    "sources": (
        "title,url,published,kind\n"
        "Bad,example.org/x,2017-13,blog\n"
        f"Census list,{SRC},2018,Dataset\n"
    ),
    "jurisdictions": (
        "name,kind,state,population,fips\n"
        "Cook County,shire,ZZ,many,17031\n"
        "Cook County,COUNTY,il,,17031\n"
    ),
    "status": (
        "jurisdiction,status,source,effective\n"
        f'"Chicgo, IL",Sanctury,{SRC},2017-02-30\n'
        f'"Cook County, IL",Sanctuary,{SRC},2017\n'
    ),
    "actions": (
        "date,agency,kind,title,source,target_count,targets\n"
        f'2017-13,DOJ,tweet,Letter,{SRC},1,"Cook County, IL; Gotham, NY"\n'
        f'2017-11,DOJ,LETTER,Letter,{SRC},1,"Cook County, IL"\n'
    ),
    "grants": (
        "program,fiscal_year,amount,amount_type,jurisdictions,source\n"
        f'Byrne JAG,17,-5,kept,"Chicgo, IL",{SRC}\n'
        f'Byrne JAG,2017,100,WITHHELD,"Cook County, IL",{SRC}\n'
    ),
    "cases": (
        "caption,court,filed,status,source\n"
        "A v. B,N.D. Ill.,2017-02-30,open,nowhere\n"
        f"Cook County v. Sessions,N.D. Ill.,2017,Pending,{SRC}\n"
    ),
    "parties": (
        "case,role,jurisdiction,name\n"
        'Nope v. Nobody,judge,"Chicgo, IL",\n'
        'Cook County v. Sessions,Plaintiff,"Cook County, IL",\n'
    ),
    "rulings": (
        "case,date,kind,source\n"
        "Cook County v. Sessions,2017-13,verdict,nowhere\n"
        f"Cook County v. Sessions,2017-12,Other,{SRC}\n"
    ),
}

PROBLEMS = [
    "sources.csv, line 2: url: 'example.org/x' is not a web address (http:// or https://)",
    "sources.csv, line 2: published: '2017-13' is not a date (month 13 does not exist)",
    "sources.csv, line 2: kind: 'blog' is not one of: news, court_record, government_release, "
    "dataset, other",
    "jurisdictions.csv, line 2: kind: 'shire' is not one of: state, territory, "
    "federal_district, county, city_county, city, town, village, borough, township",
    "jurisdictions.csv, line 2: state: 'ZZ' is not a US state, territory or DC postal code",
    "jurisdictions.csv, line 2: population: 'many' is not a whole number of zero or more",
    f"status.csv, line 2: jurisdiction: no jurisdiction matches 'Chicgo, IL'; {CHICAGO}",
    "status.csv, line 2: status: 'Sanctury' is not one of: sanctuary, partial, cooperative, "
    "anti_sanctuary, neutral, unknown",
    "status.csv, line 2: effective: '2017-02-30' is not a date (day 30 does not exist in 2017-02)",
    "actions.csv, line 2: date: '2017-13' is not a date (month 13 does not exist)",
    "actions.csv, line 2: kind: 'tweet' is not one of: letter, subpoena_threat, "
    "grant_condition, funding_withheld, executive_order, enforcement_operation, statement, designation_list",
    "actions.csv, line 2: targets: no jurisdiction matches 'Gotham, NY'; "
    "see `tracker jurisdictions list`",
    "actions.csv, line 2: target count: 1 is fewer than the 2 named targets",
    "grants.csv, line 2: fiscal_year: '17' is not a four-digit year",
    "grants.csv, line 2: amount: '-5' is negative; amounts must be zero or more",
    "grants.csv, line 2: amount_type: 'kept' is not one of: awarded, threatened, withheld, "
    "restored, repayment_demanded",
    f"grants.csv, line 2: jurisdictions: no jurisdiction matches 'Chicgo, IL'; {CHICAGO}",
    "cases.csv, line 2: filed: '2017-02-30' is not a date (day 30 does not exist in 2017-02)",
    "cases.csv, line 2: status: 'open' is not one of: pending, decided, dismissed, settled, "
    "on_appeal, closed",
    "cases.csv, line 2: source: no source has the key 'nowhere'",
    "parties.csv, line 2: case: no case has the key 'Nope v. Nobody'",
    "parties.csv, line 2: role: 'judge' is not one of: plaintiff, defendant, intervenor, amicus",
    f"parties.csv, line 2: jurisdiction: no jurisdiction matches 'Chicgo, IL'; {CHICAGO}",
    "rulings.csv, line 2: date: '2017-13' is not a date (month 13 does not exist)",
    "rulings.csv, line 2: kind: 'verdict' is not one of: temporary_restraining_order, "
    "preliminary_injunction, permanent_injunction, summary_judgment, dismissal, "
    "appellate_decision, other",
    "rulings.csv, line 2: source: no source has the key 'nowhere'",
]


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _seed_without_status(url: str) -> None:
    seed = db.resource_dir("seed")
    with db.connect(url, write=True) as s:
        for name in ("sources", "jurisdictions"):
            transfer.import_files(s, seed / f"{name}.csv")


@pytest.mark.parametrize("status_table", ["empty", "seeded"])
def test_every_problem_of_a_row_is_a_line_of_its_own(url, cli, tmp_path, status_table):
    # An empty status table takes the streaming path, a seeded one the matching path.
    if status_table == "empty":
        _seed_without_status(url)
    else:
        assert cli("seed").exit_code == 0
    before = dump(url)
    result = cli("import", str(_write(tmp_path / "in", FILES)))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"Error: import failed with {len(PROBLEMS)} problem(s), nothing written:",
        *PROBLEMS,
    ]
    assert result.stdout == ""
    assert dump(url) == before


def test_vocabulary_words_in_any_case_are_stored_as_the_vocabulary_spells_them(
    seeded_cli, tmp_path
):
    good = {name: "".join(text.splitlines(True)[::2]) for name, text in FILES.items()}
    result = seeded_cli("import", str(_write(tmp_path / "good", good)))
    assert result.exit_code == 0, result.stderr

    def exported(entity: str) -> list[str]:
        out = seeded_cli("export", entity).stdout.splitlines()
        return [line for line in out if "Cook County" in line or COOK in line or SRC in line]

    assert exported("sources") == [f"{SRC},Census list,,,{SRC},2018,dataset"]
    assert exported("jurisdictions") == [f"{COOK},Cook County,county,IL,17031,,,"]
    assert [line.rsplit(",", 1)[0] for line in exported("status")] == [
        f"{COOK},sanctuary,{SRC},2017,,,,,"
    ]
    assert exported("actions") == [f"2017-11-letter,2017-11,DOJ,letter,Letter,,{SRC},1,{COOK},"]
    assert [line.rsplit(",", 1)[0] for line in exported("grants")] == [
        f"Byrne JAG,,2017,100.00,withheld,{COOK},,{SRC},"
    ]
    assert exported("cases") == [
        f"Cook County v. Sessions,Cook County v. Sessions,N.D. Ill.,,2017,pending,,{SRC}"
    ]
    assert exported("parties") == [f"Cook County v. Sessions,plaintiff,{COOK},"]
    assert exported("rulings") == [f"Cook County v. Sessions,2017-12,other,,,{SRC},,,"]
    # The same file again: the words match what is stored, nothing changes.
    again = seeded_cli("import", str(tmp_path / "good"), "--format", "csv")
    assert again.exit_code == 0, again.stderr
    assert "Imported: 0 change(s) written." in again.stderr


def test_vocabulary_options_accept_any_case(seeded_cli):
    assert (
        seeded_cli("sources", "add", "Census list", "--url", SRC, "--kind", "DATASET").exit_code
        == 0
    )
    added = seeded_cli("jurisdictions", "add", "Cook County", "--kind", "COUNTY", "--state", "IL")
    assert added.exit_code == 0, added.stderr
    assert added.stdout == f"{COOK}\n"
    status = seeded_cli("status", "set", "Cook County, IL", "Sanctuary", "--source", SRC)
    assert status.exit_code == 0, status.stderr
    assert status.stderr.startswith("Recorded Cook County, IL: sanctuary")
    listed = seeded_cli("jurisdictions", "list", "--kind", "County", "--format", "csv").stdout
    assert f",{COOK},Cook County,county,IL,17031,,sanctuary" in listed


def test_a_command_reports_every_problem_of_its_row(seeded_cli):
    assert seeded_cli("sources", "add", "Census list", "--url", SRC).exit_code == 0
    before = dump(seeded_cli.url)
    result = seeded_cli(
        "grants", "add", "Chicgo, IL", "--program", "Byrne JAG", "--fiscal-year", "17",
        "--amount=-5", "--type", "withheld", "--source", SRC,
    )  # fmt: skip
    assert result.exit_code == 1
    # The command's own option names ("fiscal year"), one line each.
    assert result.stderr.splitlines() == [
        "Error: fiscal year: '17' is not a four-digit year",
        "Error: amount: '-5' is negative; amounts must be zero or more",
        f"Error: jurisdiction: no jurisdiction matches 'Chicgo, IL'; {CHICAGO}",
    ]
    assert result.stdout == ""
    assert dump(seeded_cli.url) == before
