"""tracker cases add | update | rule | list | show: parties by REF or name, rulings."""

import csv
import io
import json

import pytest
from conftest import dump

CHICAGO = "ocd-division/country:us/state:il/place:chicago"
CAPTION = "City of Chicago v. Sessions [N.D. Ill.]"
DOCKET = "1:17-cv-05720"


def add_case(cli, *extra, caption=CAPTION):
    return cli("cases", "add", caption, "--court", "N.D. Ill.", "--source", "1", *extra)


def show_json(cli, ref):
    result = cli("cases", "show", ref, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_links_jurisdiction_parties_and_keeps_named_ones(seeded_cli):
    result = add_case(seeded_cli, "--docket", DOCKET, "--filed", "2017-08",
                      "--plaintiff", "chicago, il", "--defendant", "Jeff Sessions",
                      "--amicus", "California")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{DOCKET}\n"
    doc = show_json(seeded_cli, DOCKET)
    assert doc["case"]["caption"] == CAPTION
    assert doc["case"]["key"] == DOCKET
    assert doc["case"]["filed"] == "2017-08"
    assert doc["parties"] == [
        {"role": "plaintiff", "party": "Chicago, IL", "jurisdiction": CHICAGO},
        {"role": "defendant", "party": "Jeff Sessions", "jurisdiction": None},
        {
            "role": "amicus",
            "party": "California",
            "jurisdiction": "ocd-division/country:us/state:ca",
        },
    ]


def test_key_is_caption_without_docket(seeded_cli):
    result = add_case(seeded_cli, "--plaintiff", "Jeff Sessions, Attorney General")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{CAPTION}\n"
    doc = show_json(seeded_cli, CAPTION.upper())
    assert doc["parties"][0]["party"] == "Jeff Sessions, Attorney General"


@pytest.mark.parametrize(
    ("party", "message"),
    [
        ("Springfield, IL", "Error: plaintiff: no jurisdiction matches 'Springfield, IL'"),
        ("Springfield, Illinois", "Error: plaintiff: no jurisdiction matches"),
        ("99999", "Error: plaintiff: no jurisdiction has the FIPS code '99999'; a bare number "
         "is a FIPS code: for the database id, write '#99999'"),
        ("#99999", "Error: plaintiff: no jurisdiction has the database id 99999"),
        ("Texas", "Error: plaintiff: 'Texas' names the state Texas, which is not tracked"),
        ("ocd-division/country:us/state:zz", "Error: plaintiff: no jurisdiction has the OCD id"),
    ],
)  # fmt: skip
def test_party_that_can_only_be_a_reference_must_resolve(seeded_cli, party, message):
    before = dump(seeded_cli.url)
    result = add_case(seeded_cli, "--plaintiff", party)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert dump(seeded_cli.url) == before


def test_several_rulings_latest_shown_in_list_and_show(seeded_cli):
    assert add_case(seeded_cli, "--docket", DOCKET, "--plaintiff", "Chicago, IL").exit_code == 0
    first = seeded_cli("cases", "rule", DOCKET, "--date", "2017-09-15", "--kind",
                       "preliminary_injunction", "--judge", "Harry Leinenweber", "--source", "1")  # fmt: skip
    assert first.exit_code == 0, first.output
    assert first.stdout.strip().isdigit()
    second = seeded_cli("cases", "rule", CAPTION, "--date", "2018-04", "--kind",
                        "appellate_decision", "--source", "1", "--summary", "Affirmed.")  # fmt: skip
    assert second.exit_code == 0, second.output
    doc = show_json(seeded_cli, DOCKET)
    assert [(r["date"], r["kind"]) for r in doc["rulings"]] == [
        ("2017-09-15", "preliminary_injunction"),
        ("2018-04", "appellate_decision"),
    ]
    assert doc["rulings"][0]["judge"] == "Harry Leinenweber"
    assert doc["case"]["latest_ruling"] == "2018-04 appellate_decision"
    rows = json.loads(seeded_cli("cases", "list", "--format", "json").stdout)
    mine = next(r for r in rows if r["key"] == DOCKET)
    assert mine["latest_ruling"] == "2018-04 appellate_decision"
    assert mine["parties"] == ["plaintiff: Chicago, IL"]
    # The same ruling twice is a duplicate, not a second row.
    before = dump(seeded_cli.url)
    dup = seeded_cli("cases", "rule", DOCKET, "--date", "2018-04", "--kind",
                     "appellate_decision", "--source", "1")  # fmt: skip
    assert dup.exit_code == 1
    assert dup.stderr.startswith("Error: ")
    assert "already has a ruling" in dup.stderr
    assert dump(seeded_cli.url) == before


def test_brackets_in_caption_show_exactly_in_table(seeded_cli, monkeypatch):
    assert add_case(seeded_cli, "--defendant", "[bold]Jeff Sessions[/bold]").exit_code == 0
    # Piped without COLUMNS: the table is not fitted, so every party shows.
    monkeypatch.delenv("COLUMNS")
    listed = seeded_cli("cases", "list")
    assert listed.exit_code == 0
    assert CAPTION in listed.stdout
    assert "[bold]Jeff Sessions[/bold]" in listed.stdout
    shown = seeded_cli("cases", "show", CAPTION)
    assert shown.exit_code == 0
    assert ["caption", CAPTION] in [line.split(None, 1) for line in shown.stdout.splitlines()]
    assert "\x1b" not in shown.stdout


def test_list_csv_and_order_same_on_both_engines(seeded_cli):
    assert add_case(seeded_cli, "--filed", "2017-08-07", caption="B v. C").exit_code == 0
    assert add_case(seeded_cli, "--filed", "2016", caption="A v. D").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(seeded_cli("cases", "list", "--format", "csv").stdout)))
    # Dated cases by filing date, then undated ones by key.
    assert [r["key"] for r in rows] == [
        "A v. D",
        "B v. C",
        "Chicago v. Sessions",
        "San Francisco and Santa Clara County v. Trump",
    ]
    sf = rows[3]
    assert sf["latest_ruling"] == "2017-11 permanent_injunction"
    assert "plaintiff: Santa Clara County, CA" in sf["parties"]


def test_update_changes_fields(seeded_cli):
    assert add_case(seeded_cli).exit_code == 0
    result = seeded_cli("cases", "update", CAPTION, "--docket", DOCKET, "--status", "on_appeal",
                        "--filed", "2017-08-07")  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = show_json(seeded_cli, DOCKET)["case"]
    assert (doc["docket"], doc["status"], doc["filed"]) == (DOCKET, "on_appeal", "2017-08-07")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["cases", "add", "X v. Y", "--court", "C", "--source", "1", "--filed", "2017-02-30"], 1,
         "Error: filed: '2017-02-30' is not a date"),
        (["cases", "add", "X v. Y", "--court", "", "--source", "1"], 1, "Error: court:"),
        (["cases", "add", "   ", "--court", "C", "--source", "1"], 1, "Error: caption:"),
        (["cases", "add", "X v. Y", "--court", "C", "--source", "nope"], 1, "Error: source:"),
        (["cases", "add", "X v. Y", "--court", "C", "--source", "1", "--status", "won"], 2,
         "--status"),
        (["cases", "add", "X v. Y", "--source", "1"], 2, "Missing option"),
        (["cases", "add", "Chicago v. Sessions", "--court", "C", "--source", "1"], 1,
         "Error: case key 'Chicago v. Sessions' already exists"),
        (["cases", "add", "X v. Y", "--court", "C", "--source", "1",
          "--plaintiff", "Chicago, IL", "--plaintiff", "Chicago"], 1, "already a plaintiff"),
        (["cases", "rule", "nope", "--date", "2017", "--kind", "other", "--source", "1"], 1,
         "Error: case: no case"),
        (["cases", "rule", "Chicago v. Sessions", "--date", "2017-00", "--kind", "other",
          "--source", "1"], 1, "Error: date:"),
        (["cases", "rule", "Chicago v. Sessions", "--date", "2017", "--kind", "verdict",
          "--source", "1"], 2, "--kind"),
        (["cases", "update", "Chicago v. Sessions", "--filed", "yesterday"], 1, "Error: filed:"),
        (["cases", "update", "Chicago v. Sessions", "--court", " "], 1, "Error: court:"),
        (["cases", "show", "nope"], 1, "Error: case: no case"),
    ],
)  # fmt: skip
def test_bad_input_one_line_nothing_written(seeded_cli, args, code, message):
    before = dump(seeded_cli.url)
    result = seeded_cli(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert dump(seeded_cli.url) == before


def test_duplicate_docket_on_update_is_refused(seeded_cli):
    assert add_case(seeded_cli, "--docket", DOCKET).exit_code == 0
    before = dump(seeded_cli.url)
    result = seeded_cli("cases", "update", "Chicago v. Sessions", "--docket", DOCKET)
    assert result.exit_code == 1
    assert result.stderr == f"Error: docket '{DOCKET}' already belongs to {CAPTION}\n"
    assert dump(seeded_cli.url) == before


def test_ambiguous_party_and_caption_are_errors_listing_candidates(seeded_cli):
    for state in ("OH", "PA"):
        added = seeded_cli("jurisdictions", "add", "Franklin County", "--kind", "county",
                           "--state", state)  # fmt: skip
        assert added.exit_code == 0, added.output
    before = dump(seeded_cli.url)
    party = add_case(seeded_cli, "--plaintiff", "Franklin County")
    assert party.exit_code == 1
    assert party.stderr.startswith("Error: plaintiff: 'Franklin County' matches 2 jurisdictions")
    assert "state:oh/county:franklin" in party.stderr and "state:pa/county:franklin" in party.stderr
    assert dump(seeded_cli.url) == before
    # The same caption under two dockets: the caption alone is ambiguous.
    assert add_case(seeded_cli, "--docket", "1:17-cv-1", caption="Doe v. Sessions").exit_code == 0
    assert add_case(seeded_cli, "--docket", "2:17-cv-2", caption="Doe v. Sessions").exit_code == 0
    shown = seeded_cli("cases", "show", "Doe v. Sessions")
    assert shown.exit_code == 1
    assert shown.stderr.startswith("Error: case: 'Doe v. Sessions' matches 2 cases")
    assert "1:17-cv-1" in shown.stderr and "2:17-cv-2" in shown.stderr
    assert seeded_cli("cases", "show", "2:17-cv-2").exit_code == 0
