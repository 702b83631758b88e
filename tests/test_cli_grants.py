"""tracker grants add | list: exact money, aggregates stored once and labelled."""

import csv
import io
import json

import pytest
from conftest import dump

SRC = "1"
ACTION = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"


def add(cli, *args):
    return cli("grants", "add", *args)


def base(amount="2300000", type_="withheld", year="2017"):
    return ["--program", "Byrne JAG", "--fiscal-year", year, "--amount", amount,
            "--type", type_, "--source", SRC]  # fmt: skip


def listed(cli, *args):
    result = cli("grants", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("39000000", "39000000.00"),
        ("39,000,000.00", "39000000.00"),
        ("$39,000,000", "39000000.00"),
        ("1234.5", "1234.50"),
        ("0", "0.00"),
    ],
)
def test_add_accepts_amount_forms_and_lists_decimal_string(seeded_cli, typed, stored):
    result = add(seeded_cli, "Chicago, IL", *base(amount=typed))
    assert result.exit_code == 0, result.output
    new_id = result.stdout.strip()
    assert new_id.isdigit()
    rows = {r["id"]: r for r in listed(seeded_cli, "--jurisdiction", "Chicago, IL")}
    row = rows[int(new_id)]
    assert row["amount"] == stored
    assert row["scope"] == "jurisdiction"
    assert row["covers"] == "own amount"
    assert row["jurisdiction"] == "ocd-division/country:us/state:il/place:chicago"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "negative"),
        ("$-5", "negative"),
        ("5.001", "more than two decimal places"),
        ("lots", "not an amount"),
        ("1,00", "not an amount"),
        ("", "not an amount"),
        ("1e6", "not an amount"),
    ],
)
def test_add_rejects_bad_amount_and_writes_nothing(seeded_cli, amount, message):
    before = dump(seeded_cli.url)
    result = add(seeded_cli, "Chicago, IL", *base(amount=amount))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: amount:")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert dump(seeded_cli.url) == before


def test_aggregate_over_several_jurisdictions_is_one_record_never_split(seeded_cli):
    result = add(seeded_cli, "CA", "Chicago, IL", "Los Angeles, CA", *base(amount="39,000,000"))
    assert result.exit_code == 0, result.output
    gid = int(result.stdout)
    everything = [r for r in listed(seeded_cli) if r["id"] == gid]
    assert len(everything) == 1
    row = everything[0]
    assert row["scope"] == "aggregate"
    assert row["jurisdiction"] is None
    assert row["amount"] == "39000000.00"
    assert row["covers"] == "aggregate over 3 jurisdictions, not split"
    assert sorted(row["aggregate_over"]) == [
        "ocd-division/country:us/state:ca",
        "ocd-division/country:us/state:ca/place:los_angeles",
        "ocd-division/country:us/state:il/place:chicago",
    ]
    # Each covered jurisdiction sees the whole total, labelled, never a share.
    for ref in ("CA", "Chicago, IL", "Los Angeles, CA"):
        mine = [r for r in listed(seeded_cli, "--jurisdiction", ref) if r["id"] == gid]
        assert [r["amount"] for r in mine] == ["39000000.00"]
        assert "aggregate" in mine[0]["covers"]


def test_aggregate_tied_to_an_action(seeded_cli):
    result = add(seeded_cli, "--action", ACTION, *base(amount="1000", year="2018"))
    assert result.exit_code == 0, result.output
    rows = listed(seeded_cli, "--fiscal-year", "2018")
    assert len(rows) == 1
    assert rows[0]["action"] == ACTION
    assert rows[0]["scope"] == "aggregate"
    assert "23 jurisdictions targeted by the action" in rows[0]["covers"]
    # California is a named target of the action: the aggregate covers it.
    ca = listed(seeded_cli, "--jurisdiction", "California", "--fiscal-year", "2018")
    assert [r["id"] for r in ca] == [rows[0]["id"]]
    # Chicago is not a target and not a member.
    assert listed(seeded_cli, "--jurisdiction", "Chicago, IL", "--fiscal-year", "2018") == []


def test_list_for_jurisdiction_shows_own_and_aggregate_labelled_in_table(seeded_cli):
    assert add(seeded_cli, "Chicago, IL", *base()).exit_code == 0
    assert add(seeded_cli, "Chicago, IL", "IL", *base(amount="5,000,000")).exit_code == 0
    result = seeded_cli("grants", "list", "--jurisdiction", "chicago, il")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # No amount has an assistance listing: the table leaves the empty column out.
    assert lines[0].split()[:3] == ["id", "program", "fiscal_year"]
    own = next(line for line in lines if "2300000.00" in line)
    agg = next(line for line in lines if "5000000.00" in line)
    assert "own amount" in own
    assert "aggregate over 2 jurisdictions, not split" in agg


def test_list_csv_has_header_and_exact_amounts(seeded_cli):
    assert add(seeded_cli, "Chicago, IL", *base(amount="$1,234.56")).exit_code == 0
    result = seeded_cli("grants", "list", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["amount"] for r in rows} == {"39000000.00", "1234.56"}
    seeded = next(r for r in rows if r["amount"] == "39000000.00")
    assert seeded["scope"] == "aggregate" and seeded["action"] == ACTION


def test_list_filters_by_fiscal_year(seeded_cli):
    assert add(seeded_cli, "Chicago, IL", *base(year="2017")).exit_code == 0
    assert [r["fiscal_year"] for r in listed(seeded_cli, "--fiscal-year", "2016")] == [2016]
    assert [r["fiscal_year"] for r in listed(seeded_cli, "--fiscal-year", "2017")] == [2017]


def test_empty_list_prints_header_in_table_and_empty_json(cli):
    table = cli("grants", "list")
    assert table.exit_code == 0
    assert table.stdout.split()[0] == "id"
    assert listed(cli) == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["Chicago, IL", *base(type_="bogus")], 2, "--type"),
        (["Chicago, IL", *base(year="17")], 1, "Error: fiscal year: '17' is not a four-digit year"),
        (["Springfield, IL", *base()], 1, "Error: jurisdiction: no jurisdiction matches"),
        (["Nowhere, ZZ", *base()], 1, "is not a state code"),
        (base(), 1, "Error: jurisdiction: give a jurisdiction"),
        (["Chicago, IL", "--action", "nope", *base()], 1, "Error: action: no action"),
        (["Chicago, IL", *base()[:-2], "--source", "99"], 1, "Error: source: no source"),
        (["Chicago, IL", *base(), "--assistance-listing", "abc"], 1, "assistance listing"),
        (["Chicago, IL", "--fiscal-year", "2017"], 2, "Missing option"),
    ],
)
def test_add_bad_input_one_error_line_nothing_written(seeded_cli, args, code, message):
    before = dump(seeded_cli.url)
    result = add(seeded_cli, *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert dump(seeded_cli.url) == before


def test_list_bad_filters_are_errors(seeded_cli):
    bad_year = seeded_cli("grants", "list", "--fiscal-year", "twenty")
    assert bad_year.exit_code == 1
    assert bad_year.stderr.startswith("Error: fiscal year:")
    unknown = seeded_cli("grants", "list", "--jurisdiction", "Atlantis")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: jurisdiction: no jurisdiction matches 'Atlantis'")
