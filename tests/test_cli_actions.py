"""tracker actions add | update | list | show: named targets and a stated count."""

import csv
import io
import json

import pytest
from conftest import dump

SEEDED = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"
CHICAGO = "ocd-division/country:us/state:il/place:chicago"


def add(cli, title="DOJ letter on grant conditions", *extra, date="2017-11"):
    return cli("actions", "add", title, "--date", date, "--agency", "U.S. Department of Justice",
               "--kind", "letter", "--source", "1", *extra)  # fmt: skip


def show_json(cli, ref):
    result = cli("actions", "show", ref, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_with_named_targets_and_count_prints_key(seeded_cli):
    result = add(seeded_cli, "DOJ letter", "--target", "Chicago, IL", "--target", "CA",
                 "--target-count", "23")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "2017-11-doj-letter\n"
    shown = show_json(seeded_cli, "2017-11-doj-letter")
    assert shown["key"] == "2017-11-doj-letter"
    assert isinstance(shown["id"], int)
    assert shown["date"] == "2017-11"
    assert shown["target_count"] == 23
    assert shown["named_targets"] == ["ocd-division/country:us/state:ca", CHICAGO]
    assert shown["target_names"] == ["California, CA", "Chicago, IL"]
    # The same action is found by id too.
    assert show_json(seeded_cli, str(shown["id"]))["key"] == "2017-11-doj-letter"


@pytest.mark.parametrize("date", ["2017", "2017-11", "2017-11-20"])
def test_partial_dates_are_kept_as_entered(seeded_cli, date):
    result = add(seeded_cli, "Statement", date=date)
    assert result.exit_code == 0, result.output
    assert show_json(seeded_cli, result.stdout.strip())["date"] == date


def test_count_fewer_than_named_targets_is_an_error(seeded_cli):
    before = dump(seeded_cli.url)
    result = add(seeded_cli, "X", "--target", "Chicago, IL", "--target", "CA",
                 "--target-count", "1")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == "Error: target count: 1 is fewer than the 2 named targets\n"
    assert dump(seeded_cli.url) == before


def test_update_adds_targets_and_respects_count(seeded_cli):
    assert add(seeded_cli, "DOJ letter", "--target", "CA", "--target-count", "2").exit_code == 0
    result = seeded_cli("actions", "update", "2017-11-doj-letter", "--add-target", "Chicago, IL")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2017-11-doj-letter\n"
    assert CHICAGO in show_json(seeded_cli, "2017-11-doj-letter")["named_targets"]
    # Adding the same target again changes nothing.
    again = seeded_cli("actions", "update", "2017-11-doj-letter", "--add-target", CHICAGO)
    assert again.exit_code == 0
    assert len(show_json(seeded_cli, "2017-11-doj-letter")["named_targets"]) == 2
    before = dump(seeded_cli.url)
    over = seeded_cli("actions", "update", "2017-11-doj-letter", "--add-target", "Los Angeles, CA")
    assert over.exit_code == 1
    assert over.stderr == "Error: target count: 2 is fewer than the 3 named targets\n"
    lower = seeded_cli("actions", "update", "2017-11-doj-letter", "--target-count", "1")
    assert lower.exit_code == 1
    assert dump(seeded_cli.url) == before
    raised = seeded_cli("actions", "update", "2017-11-doj-letter", "--target-count", "23",
                        "--description", "Sent to 23 jurisdictions.")  # fmt: skip
    assert raised.exit_code == 0
    shown = show_json(seeded_cli, "2017-11-doj-letter")
    assert shown["target_count"] == 23
    assert shown["description"] == "Sent to 23 jurisdictions."


def test_list_in_every_format(seeded_cli):
    assert add(seeded_cli, "DOJ letter [draft]", "--target", "Chicago, IL").exit_code == 0
    table = seeded_cli("actions", "list")
    assert table.exit_code == 0
    # A titled row: its id and key come last in a table.
    assert table.stdout.split()[:3] == ["date", "agency", "kind"]
    assert "DOJ letter [draft]" in table.stdout
    assert "\x1b" not in table.stdout
    rows = list(
        csv.DictReader(io.StringIO(seeded_cli("actions", "list", "--format", "csv").stdout))
    )
    assert [r["key"] for r in rows] == [
        "2017-11-doj-letter-draft",
        "2018-01-ice-director-threatens-to-charge-politicians-of-sanctuary-cities",
        SEEDED,
    ]
    assert rows[2]["target_count"] == "23"
    assert len(rows[2]["named_targets"].split("; ")) == 4
    data = json.loads(seeded_cli("actions", "list", "--format", "json").stdout)
    assert [set(d) >= {"id", "key", "date", "target_count", "named_targets"} for d in data] == [
        True
    ] * 3
    assert data[0]["named_targets"] == [CHICAGO]
    md = seeded_cli("actions", "list", "--format", "markdown")
    assert md.exit_code == 0 and md.stdout.startswith("| date | agency |")
    assert md.stdout.splitlines()[0].endswith("| id | key |")


def test_show_table_is_field_value_pairs(seeded_cli):
    result = seeded_cli("actions", "show", SEEDED)
    assert result.exit_code == 0
    fields = dict(line.split(None, 1) for line in result.stdout.splitlines()[2:] if " " in line)
    assert fields["target_count"].strip() == "23"
    assert "Los Angeles, CA" in fields["target_names"]


@pytest.mark.parametrize(
    ("extra", "date", "code", "message"),
    [
        ([], "2017-02-30", 1, "Error: date: '2017-02-30' is not a date"),
        ([], "Nov 2017", 1, "Error: date:"),
        ([], "2017-13", 1, "Error: date:"),
        (["--target-count", "-1"], "2017", 2, "--target-count"),
        (["--target-count", "many"], "2017", 2, "--target-count"),
        (["--target", "Springfield, IL"], "2017", 1, "Error: target: no jurisdiction matches"),
        (["--kind", "tweet"], "2017", 2, "--kind"),
    ],
)
def test_add_bad_input_writes_nothing(seeded_cli, extra, date, code, message):
    before = dump(seeded_cli.url)
    result = add(seeded_cli, "Bad", *extra, date=date)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
    assert dump(seeded_cli.url) == before


def test_duplicate_action_is_refused(seeded_cli):
    assert add(seeded_cli, "Same").exit_code == 0
    before = dump(seeded_cli.url)
    again = add(seeded_cli, "Same")
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: action '2017-11-same' already exists")
    assert dump(seeded_cli.url) == before


def test_unknown_action_is_an_error(seeded_cli):
    for args in (["show", "nope"], ["update", "nope", "--target-count", "3"], ["show", "999"]):
        result = seeded_cli("actions", *args)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: action: no action has the id or key")
