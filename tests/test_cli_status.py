"""tracker status set | history, on both engines."""

import csv
import io
import json

import pytest
from conftest import table_counts

A = "https://example.org/a"
B = "https://example.org/b"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture
def two_sources(cli):
    ok(cli("sources", "add", "Report A", "--url", A, "--published", "2017-05-01"))
    ok(cli("sources", "add", "Report B", "--url", B, "--published", "2018"))
    ok(cli("jurisdictions", "add", "Doña Ana County", "--kind", "county", "--state", "NM"))
    return cli


def history(cli, ref="Dona Ana County, NM"):
    return json.loads(ok(cli("status", "history", ref, "--format", "json")).stdout)


def test_set_prints_the_assertion_id_and_records_every_field(two_sources):
    cli = two_sources
    result = ok(cli("status", "set", "Dona Ana County, NM", "sanctuary", "--source", A,
                    "--effective", "2017-04", "--observed", "2017-05-01",
                    "--citation", "Resolution 2017-12", "--quote", "“We won’t hold people for ICE.”",
                    "--note", "County commission vote"))  # fmt: skip
    assert result.stdout.strip().isdigit()
    assert "Recorded Doña Ana County, NM: sanctuary" in result.stderr
    (row,) = history(cli)
    assert row["id"] == int(result.stdout)
    assert row["status"] == "sanctuary"
    assert row["effective"] == "2017-04"  # as entered
    assert row["observed"] == "2017-05-01"
    assert row["source"] == A
    assert row["citation"] == "Resolution 2017-12"
    assert row["quote"] == "“We won’t hold people for ICE.”"
    assert row["note"] == "County commission vote"
    assert row["recorded_at"].endswith("Z")


def test_source_can_be_given_by_id(two_sources):
    ok(two_sources("status", "set", "Dona Ana County, NM", "partial", "--source", "1"))
    assert history(two_sources)[0]["source"] == A


@pytest.mark.parametrize("effective", ["2017", "2017-11", "2017-11-20"])
def test_partial_dates_are_kept_as_entered(two_sources, effective):
    ok(
        two_sources(
            "status",
            "set",
            "Dona Ana County, NM",
            "partial",
            "--source",
            A,
            "--effective",
            effective,
        )
    )
    assert history(two_sources)[0]["effective"] == effective


def test_history_is_append_only_and_ordered_by_date(two_sources):
    cli = two_sources
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "cooperative",
            "--source",
            B,
            "--effective",
            "2018-02",
        )
    )
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "sanctuary",
            "--source",
            A,
            "--effective",
            "2017",
        )
    )
    # A correction is a new assertion; the old one stays.
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "partial",
            "--source",
            A,
            "--effective",
            "2017-06",
        )
    )
    rows = history(cli)
    assert [(r["status"], r["effective"]) for r in rows] == [
        ("sanctuary", "2017"),
        ("partial", "2017-06"),
        ("cooperative", "2018-02"),
    ]
    assert table_counts(cli.url)["policy_status"] == 3


def test_history_orders_observed_only_assertions_by_their_date(two_sources):
    cli = two_sources
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "cooperative",
            "--source",
            B,
            "--observed",
            "2018-01-25",
        )
    )
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "sanctuary",
            "--source",
            A,
            "--effective",
            "2012-09",
        )
    )
    assert [r["status"] for r in history(cli)] == ["sanctuary", "cooperative"]


def test_disagreement_between_sources_shows_in_the_dossier(two_sources):
    cli = two_sources
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "sanctuary",
            "--source",
            A,
            "--effective",
            "2017-05",
        )
    )
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "cooperative",
            "--source",
            B,
            "--effective",
            "2017-06",
        )
    )
    d = json.loads(
        ok(cli("jurisdictions", "show", "Dona Ana County, NM", "--format", "json")).stdout
    )
    assert [(c["status"], c["source"], c["disagreement"]) for c in d["current_status"]] == [
        ("cooperative", B, True),
        ("sanctuary", A, True),
    ]
    listed = json.loads(ok(cli("jurisdictions", "list", "--format", "json")).stdout)
    assert listed[0]["status"] == "cooperative"


def test_history_table_and_csv(two_sources):
    cli = two_sources
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "anti_sanctuary",
            "--source",
            A,
            "--quote",
            "[sic] ICE",
        )
    )
    table = ok(cli("status", "history", "Dona Ana County, NM")).stdout
    assert table.splitlines()[0].split() == [
        "id", "status", "effective", "observed", "source", "citation", "quote", "note", "label",
        "recorded_at",
    ]  # fmt: skip
    assert "anti_sanctuary" in table and "[sic] ICE" in table
    rows = list(
        csv.DictReader(
            io.StringIO(ok(cli("status", "history", "Dona Ana County, NM", "-f", "csv")).stdout)
        )
    )
    assert rows[0]["status"] == "anti_sanctuary" and rows[0]["source"] == A
    assert rows[0]["effective"] == ""


def test_history_of_a_jurisdiction_without_assertions_is_empty(two_sources):
    assert history(two_sources) == []
    csv_text = ok(two_sources("status", "history", "Dona Ana County, NM", "--format", "csv")).stdout
    assert csv_text.startswith("id,status,effective")


def test_status_help_offers_the_vocabulary(cli):
    text = ok(cli("status", "set", "--help")).stdout
    for status in ("sanctuary", "partial", "cooperative", "anti_sanctuary", "unknown"):
        assert status in text
    assert "Example:" in text


def test_an_assertion_effective_in_the_future_is_not_current_yet(two_sources):
    cli = two_sources
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "sanctuary",
            "--source",
            A,
            "--effective",
            "2017",
        )
    )
    ok(
        cli(
            "status",
            "set",
            "Dona Ana County, NM",
            "anti_sanctuary",
            "--source",
            B,
            "--effective",
            "2999-01",
        )
    )
    d = json.loads(
        ok(cli("jurisdictions", "show", "Dona Ana County, NM", "--format", "json")).stdout
    )
    assert d["current_status"][0]["status"] == "sanctuary"
    assert [r["status"] for r in d["status_history"]] == ["sanctuary", "anti_sanctuary"]
    listed = json.loads(ok(cli("jurisdictions", "list", "--format", "json")).stdout)
    assert listed[0]["status"] == "sanctuary"
