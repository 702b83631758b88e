"""tracker jurisdictions add | list | show | update | remove, on both engines."""

import csv
import io
import json
import sys

import pytest
from conftest import dump, table_counts

SRC = "https://example.org/report"
SF = "ocd-division/country:us/state:ca/place:san_francisco"
CHICAGO = "ocd-division/country:us/state:il/place:chicago"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result):
    return json.loads(ok(result).stdout)


@pytest.fixture
def db_cli(seeded_cli):
    ok(seeded_cli("sources", "add", "City report", "--url", SRC, "--published", "2018-03"))
    return seeded_cli


# --- add ------------------------------------------------------------------------


def test_add_prints_the_derived_ocd_id(cli):
    result = ok(cli("jurisdictions", "add", "Doña Ana County", "--kind", "county", "--state", "NM",
                    "--fips", "35013", "--population", "219561", "--alias", "Dona Ana"))  # fmt: skip
    assert result.stdout == "ocd-division/country:us/state:nm/county:doña_ana\n"
    (row,) = as_json(cli("jurisdictions", "list", "--format", "json"))
    assert row["name"] == "Doña Ana County"
    assert row["fips"] == "35013"
    assert row["population"] == 219561
    assert row["key"] == "ocd-division/country:us/state:nm/county:doña_ana"


@pytest.mark.parametrize("name", ["O'Fallon", "Doña Ana County", "Cañon City", "[Test] City"])
def test_names_are_stored_and_shown_exactly(cli, name):
    ok(cli("jurisdictions", "add", name, "--kind", "city", "--state", "CO"))
    table = ok(cli("jurisdictions", "list")).stdout
    assert name in table
    assert as_json(cli("jurisdictions", "list", "--format", "json"))[0]["name"] == name
    rows = list(
        csv.DictReader(io.StringIO(ok(cli("jurisdictions", "list", "--format", "csv")).stdout))
    )
    assert rows[0]["name"] == name
    shown = ok(cli("jurisdictions", "show", f"{name}, CO")).stdout
    assert f"name        {name}" in shown


def test_add_with_state_name_and_lowercase_code(cli):
    assert ok(cli("jurisdictions", "add", "Austin", "--kind", "city", "--state", "tx")).stdout == (
        "ocd-division/country:us/state:tx/place:austin\n"
    )
    assert ok(
        cli("jurisdictions", "add", "Texas", "--kind", "state", "--state", "Texas")
    ).stdout == ("ocd-division/country:us/state:tx\n")


def test_consolidated_city_county_is_found_by_both_names(cli):
    ok(
        cli(
            "jurisdictions",
            "add",
            "Denver",
            "--kind",
            "city_county",
            "--state",
            "CO",
            "--fips",
            "08031",
        )
    )
    for ref in ("Denver, CO", "Denver County, CO", "City and County of Denver", "08031"):
        assert (
            as_json(cli("jurisdictions", "show", ref, "--format", "json"))["jurisdiction"]["name"]
            == "Denver"
        )
    again = cli("jurisdictions", "add", "Denver County", "--kind", "county", "--state", "CO")
    assert again.exit_code == 1
    assert "consolidated city-county already tracked as Denver, CO" in again.stderr
    assert len(as_json(cli("jurisdictions", "list", "--format", "json"))) == 1


# --- list -----------------------------------------------------------------------


def test_list_filters_by_state_kind_and_status(db_cli):
    ok(db_cli("jurisdictions", "add", "Oakland", "--kind", "city", "--state", "CA"))
    ok(db_cli("status", "set", "Oakland, CA", "cooperative", "--source", SRC))
    ca = as_json(db_cli("jurisdictions", "list", "--state", "California", "--format", "json"))
    assert {r["name"] for r in ca} == {
        "California",
        "Santa Clara County",
        "Los Angeles",
        "San Francisco",
        "Oakland",
    }
    cities = as_json(
        db_cli("jurisdictions", "list", "--state", "CA", "--kind", "city", "--format", "json")
    )
    assert {r["name"] for r in cities} == {"Los Angeles", "Oakland"}
    coop = as_json(db_cli("jurisdictions", "list", "--status", "cooperative", "--format", "json"))
    assert [(r["name"], r["status"]) for r in coop] == [("Oakland", "cooperative")]


def test_list_csv_has_header_and_stable_columns(seeded_cli):
    text = ok(seeded_cli("jurisdictions", "list", "--format", "csv")).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "key", "name", "kind", "state", "fips", "population", "status"]
    assert len(rows) == 10
    chicago = next(r for r in rows if r[1] == CHICAGO)
    assert chicago[2:] == ["Chicago", "city", "IL", "1714000", "", "sanctuary"]


# --- show (the dossier) -----------------------------------------------------------


def test_show_json_is_the_whole_dossier(db_cli):
    ok(db_cli("status", "set", "San Francisco County, CA", "partial", "--source", SRC,
              "--effective", "2018-03", "--quote", "Some cooperation resumed."))  # fmt: skip
    ok(db_cli("cases", "rule", "San Francisco and Santa Clara County v. Trump", "--date", "2018-08-01",
              "--kind", "appellate_decision", "--source", SRC, "--summary", "Affirmed in part."))  # fmt: skip
    ok(db_cli("grants", "add", "San Francisco, CA", "--program", "Byrne JAG", "--fiscal-year", "2017",
              "--amount", "$1,400,000.50", "--type", "withheld", "--source", SRC))  # fmt: skip
    ok(db_cli("grants", "add", "San Francisco, CA", "Chicago, IL", "--program", "COPS", "--fiscal-year", "2017",
              "--amount", "39,000,000", "--type", "threatened", "--source", SRC))  # fmt: skip

    d = as_json(
        db_cli("jurisdictions", "show", "City and County of San Francisco", "--format", "json")
    )
    assert list(d) == [
        "jurisdiction",
        "current_status",
        "status_history",
        "money",
        "actions",
        "cases",
        "protection",
    ]
    assert d["jurisdiction"]["key"] == SF
    assert d["jurisdiction"]["kind"] == "city_county"
    assert d["jurisdiction"]["fips"] == "06075"
    assert d["jurisdiction"]["aliases"] == [
        "City and County of San Francisco",
        "San Francisco County",
    ]

    # The city report (2018-03) is the latest word; the article disagrees.
    current = d["current_status"]
    assert current[0]["status"] == "partial" and current[0]["source"] == SRC
    assert current[0]["disagreement"] is True
    assert [c["status"] for c in current[1:]] == ["sanctuary"]

    history = d["status_history"]
    assert [(h["status"], h["effective"], h["observed"]) for h in history] == [
        ("sanctuary", None, "2018-01-25"),
        ("partial", "2018-03", None),
    ]
    assert history[1]["source"] == SRC and history[1]["quote"] == "Some cooperation resumed."

    money = {m["program"]: m for m in d["money"]}
    assert money["Byrne JAG"]["amount"] == "1400000.50"
    assert money["Byrne JAG"]["scope"] == "jurisdiction"
    assert money["COPS"]["amount"] == "39000000.00"
    assert money["COPS"]["scope"] == "aggregate"
    assert "aggregate" in money["COPS"]["label"]
    assert money["COPS"]["aggregate_over"] == [SF, CHICAGO]

    assert d["actions"] == []
    (case,) = d["cases"]
    assert case["caption"] == "San Francisco and Santa Clara County v. Trump"
    assert case["role"] == "plaintiff"
    assert case["latest_ruling"].startswith("2018-08-01 appellate_decision")


def test_show_labels_an_action_aggregate_and_lists_the_action(seeded_cli):
    d = as_json(seeded_cli("jurisdictions", "show", "California", "--format", "json"))
    (money,) = d["money"]
    assert money["amount"] == "39000000.00"
    assert money["scope"] == "aggregate"
    assert money["label"] == "aggregate over 23 jurisdictions, not split"
    (action,) = d["actions"]
    assert action["kind"] == "subpoena_threat"
    assert action["target_count"] == 23


def test_show_table_has_every_section(seeded_cli):
    text = ok(seeded_cli("jurisdictions", "show", "Chicago, IL")).stdout
    for title in (
        "Jurisdiction",
        "Current status",
        "Status history",
        "Money",
        "Federal actions targeting it",
        "Cases",
    ):
        assert f"\n{title}\n" in f"\n{text}"
    assert "Chicago v. Sessions" in text
    assert "2017 other" in text  # its latest ruling, with the date as entered
    assert "(none)" in text  # no money for Chicago


def test_show_csv_is_one_long_table(seeded_cli):
    text = ok(seeded_cli("jurisdictions", "show", "Chicago, IL", "--format", "csv")).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "item", "field", "value"]
    assert ["jurisdiction", "1", "key", CHICAGO] in rows
    assert ["current_status", "1", "status", "sanctuary"] in rows
    assert ["cases", "1", "role", "plaintiff"] in rows


def test_show_brackets_in_names_are_not_markup(cli):
    ok(
        cli(
            "jurisdictions",
            "add",
            "[Test] City",
            "--kind",
            "city",
            "--state",
            "TX",
            "--alias",
            "[b]bold[/b]",
        )
    )
    text = ok(cli("jurisdictions", "show", "[test] city, tx")).stdout
    assert "[Test] City" in text and "[b]bold[/b]" in text


# --- update -----------------------------------------------------------------------


def test_update_changes_fields_and_keeps_the_old_name_as_alias(seeded_cli):
    result = ok(seeded_cli("jurisdictions", "update", "Chicago, IL", "--name", "City of Chicago",
                           "--population", "2746388", "--add-alias", "Chi-Town"))  # fmt: skip
    assert result.stdout == CHICAGO + "\n"
    j = as_json(seeded_cli("jurisdictions", "show", "Chi-Town", "--format", "json"))["jurisdiction"]
    assert j["name"] == "City of Chicago"
    assert j["population"] == 2746388
    assert j["key"] == CHICAGO
    assert "Chicago" in j["aliases"] and "Chi-Town" in j["aliases"]
    assert (
        as_json(seeded_cli("jurisdictions", "show", "Chicago, IL", "--format", "json"))[
            "jurisdiction"
        ]["key"]
        == CHICAGO
    )


def test_update_fips_is_checked(seeded_cli):
    before = dump(seeded_cli.url)
    bad = seeded_cli("jurisdictions", "update", "Chicago, IL", "--fips", "0644000")
    assert bad.exit_code == 1
    assert bad.stderr == "Error: fips: '0644000' does not start with the state's code 17\n"
    clash = seeded_cli("jurisdictions", "update", "Santa Clara County, CA", "--fips", "06075")
    assert clash.exit_code == 1
    assert "fips: 06075 already belongs to San Francisco, CA" in clash.stderr
    assert dump(seeded_cli.url) == before


def test_update_without_changes_is_a_usage_error(seeded_cli):
    assert seeded_cli("jurisdictions", "update", "Chicago, IL").exit_code == 2


# --- remove -----------------------------------------------------------------------


def test_remove_with_yes(cli):
    ok(cli("jurisdictions", "add", "Springfield", "--kind", "city", "--state", "IL"))
    result = ok(cli("jurisdictions", "remove", "Springfield, IL", "--yes"))
    assert "Removed Springfield, IL" in result.stderr
    assert table_counts(cli.url)["jurisdiction"] == 0


def test_remove_without_terminal_or_yes_refuses(cli):
    ok(cli("jurisdictions", "add", "Springfield", "--kind", "city", "--state", "IL"))
    before = dump(cli.url)
    result = cli("jurisdictions", "remove", "Springfield, IL")
    assert result.exit_code == 1
    assert "--yes" in result.stderr and "Traceback" not in result.output
    assert dump(cli.url) == before


def test_remove_refuses_history_unless_cascade(db_cli):
    before = dump(db_cli.url)
    result = db_cli("jurisdictions", "remove", "Chicago, IL", "--yes")
    assert result.exit_code == 1
    assert "has history" in result.stderr and "--cascade" in result.stderr
    assert dump(db_cli.url) == before

    ok(db_cli("jurisdictions", "remove", "Chicago, IL", "--cascade", "--yes"))
    assert db_cli("jurisdictions", "show", "Chicago, IL").exit_code == 1
    counts = table_counts(db_cli.url)
    assert counts["jurisdiction"] == 8
    assert counts["policy_status"] == 6
    # The case stays, with its other party.
    assert "Chicago v. Sessions" in ok(db_cli("cases", "list")).stdout


class _Terminal:
    """sys as seen by tracker.cli.common, with stdin claiming to be a terminal."""

    class _Stdin:
        def isatty(self):
            return True

    stdin = _Stdin()

    def __getattr__(self, name):
        return getattr(sys, name)


@pytest.mark.parametrize("answer, removed", [("y\n", True), ("n\n", False), ("\n", False)])
def test_remove_asks_on_a_terminal(cli, monkeypatch, answer, removed):
    from tracker.cli import common

    ok(cli("jurisdictions", "add", "Springfield", "--kind", "city", "--state", "IL"))
    monkeypatch.setattr(common, "sys", _Terminal())
    result = cli("jurisdictions", "remove", "Springfield, IL", input=answer)
    assert (
        "Remove Springfield, IL (ocd-division/country:us/state:il/place:springfield)?"
        in result.output
    )
    assert result.exit_code == (0 if removed else 1)
    assert table_counts(cli.url)["jurisdiction"] == (0 if removed else 1)
    if not removed:
        assert "Nothing removed." in result.stderr
