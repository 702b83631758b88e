"""A new user's session through tracker's CLI, in-process, on SQLite and PostgreSQL.

It adds sources and real jurisdictions beyond the seed (consolidated
city-counties, accented names), statuses with sources, a case with several
rulings, an action with named targets and a stated count and grant money;
reads everything back through show, list and history in table, CSV and JSON;
then tries a battery of bad inputs, each of which must fail cleanly and leave
the database exactly as it was.
"""

import csv
import io
import json
import subprocess
import traceback

import pytest
from conftest import dump
from typer.testing import CliRunner

from tracker import db
from tracker.cli import app

DENVER = "ocd-division/country:us/state:co/place:denver"
# The registry knows Louisville Metro (an alias of Louisville/Jefferson County).
LOUISVILLE = "ocd-division/country:us/state:ky/place:louisville"
DONA_ANA = "ocd-division/country:us/state:nm/county:doña_ana"
CANON = "ocd-division/country:us/state:co/place:cañon_city"
POST = "https://example.org/denver-post/2017-08-28-sanctuary-ordinance"
CAPTION = "City and County of Denver v. Sessions [consolidated]"
DOCKET = "1:18-cv-01234"
ACTION = "2018-01-24-doj-letters-to-sanctuary-jurisdictions"


class Tracker:
    """Runs one tracker command as `tracker` would (the real processes are in
    test_faults, test_interrupt and test_concurrency): same argv and prog name,
    exit status, stdout and stderr, and a bug's traceback on stderr."""

    def __init__(self, url: str):
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        argv = ["--db", self.url, *args]
        result = self.runner.invoke(app, argv, prog_name="tracker")
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            stderr += "".join(traceback.format_exception(*result.exc_info))
        # Fresh connections for the next command, as a new process has.
        db.dispose_all()
        proc = subprocess.CompletedProcess(argv, result.exit_code, result.stdout, stderr)
        if ok:
            assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
            assert "Traceback" not in proc.stderr
        return proc

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)

    def csv(self, *args: str) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self(*args, "--format", "csv").stdout)))

    def table(self, *args: str) -> str:
        return self(*args, "--format", "table").stdout


@pytest.fixture
def tracker(url):
    return Tracker(url)


def build(t: Tracker) -> None:
    """Everything a new user types in, checking what each add prints."""
    assert "sources" in t("seed").stdout
    assert t("sources", "add", "Denver passes sanctuary ordinance", "--url", POST,
             "--publisher", "The Denver Post", "--published", "2017-08-28").stdout == f"{POST}\n"  # fmt: skip
    second = t("sources", "add", "Louisville council vote", "--published", "2017-11",
               "--kind", "government_release").stdout.strip()  # fmt: skip
    assert second == "Louisville council vote (2017-11)"

    added = [
        t("jurisdictions", "add", "Denver", "--kind", "city_county", "--state", "CO",
          "--fips", "0820000", "--alias", "Denver County"),
        t("jurisdictions", "add", "Louisville Metro", "--kind", "city_county", "--state", "KY",
          "--alias", "Louisville", "--alias", "Jefferson County"),
        t("jurisdictions", "add", "Doña Ana County", "--kind", "county", "--state", "NM",
          "--fips", "35013"),
        t("jurisdictions", "add", "Cañon City", "--kind", "city", "--state", "CO"),
    ]  # fmt: skip
    assert [p.stdout.strip() for p in added] == [DENVER, LOUISVILLE, DONA_ANA, CANON]

    t("status", "set", "Denver County, CO", "sanctuary", "--source", POST,
      "--effective", "2017-08-28", "--citation", "Denver Ordinance 17-0940")  # fmt: skip
    t("status", "set", "Dona Ana County, NM", "sanctuary", "--source", POST, "--effective", "2013")
    t("status", "set", "canon city, co", "cooperative", "--source", POST, "--observed", "2017-08")
    t("status", "set", "Jefferson County, KY", "partial", "--source", second,
      "--effective", "2017-11")  # fmt: skip

    assert t("cases", "add", CAPTION, "--court", "D. Colo.", "--docket", DOCKET,
             "--filed", "2018-01", "--source", POST, "--plaintiff", "Denver, CO",
             "--plaintiff", "Doña Ana County, NM", "--defendant", "Jeff Sessions",
             "--amicus", "Louisville").stdout == f"{DOCKET}\n"  # fmt: skip
    for date, kind in (
        ("2018-03", "temporary_restraining_order"),
        ("2018-06-01", "preliminary_injunction"),
        ("2019", "appellate_decision"),
    ):
        assert t("cases", "rule", DOCKET, "--date", date, "--kind", kind, "--source", POST,
                 "--judge", "R. Brooke Jackson").stdout.strip().isdigit()  # fmt: skip

    assert t("actions", "add", "DOJ letters to sanctuary jurisdictions", "--date", "2018-01-24",
             "--agency", "U.S. Department of Justice", "--kind", "letter", "--source", POST,
             "--target", "Denver, CO", "--target", "Louisville Metro, KY",
             "--target-count", "23").stdout == f"{ACTION}\n"  # fmt: skip
    t("actions", "update", ACTION, "--add-target", "Dona Ana County, NM")

    t("grants", "add", "Denver, CO", "--program", "Edward Byrne Memorial Justice Assistance Grant",
      "--assistance-listing", "16.738", "--fiscal-year", "2017", "--amount", "$1,234,567.89",
      "--type", "withheld", "--source", POST)  # fmt: skip
    t("grants", "add", "Denver, CO", "Cañon City, CO", "--program", "Byrne JAG",
      "--fiscal-year", "2016", "--amount", "39,000,000.00", "--type", "threatened",
      "--source", POST)  # fmt: skip
    t("grants", "add", "--action", ACTION, "--program", "Byrne JAG", "--fiscal-year", "2018",
      "--amount", "39000000", "--type", "threatened", "--source", POST)  # fmt: skip


def check_read_back(t: Tracker) -> None:
    # The consolidated city-county is one record that both names find.
    by_city = t.json("jurisdictions", "show", "Denver, CO")
    by_county = t.json("jurisdictions", "show", "denver county, co")
    assert by_city == by_county
    assert by_city["jurisdiction"]["key"] == DENVER
    assert by_city["jurisdiction"]["kind"] == "city_county"
    assert by_city["current_status"][0]["status"] == "sanctuary"
    assert by_city["status_history"][0]["effective"] == "2017-08-28"
    assert by_city["status_history"][0]["source"] == POST
    money = {m["amount"]: m for m in by_city["money"]}
    assert set(money) == {"1234567.89", "39000000.00"}
    assert money["1234567.89"]["scope"] == "jurisdiction"
    assert len(by_city["money"]) == 3
    aggregates = [m for m in by_city["money"] if m["scope"] == "aggregate"]
    assert all("aggregate" in m["label"] for m in aggregates)
    assert [a["key"] for a in by_city["actions"]] == [ACTION]
    assert by_city["cases"][0]["key"] == DOCKET
    assert by_city["cases"][0]["latest_ruling"].startswith("2019 appellate_decision")

    table = t.table("jurisdictions", "show", "Dona Ana County, NM")
    assert "Doña Ana County" in table and CAPTION in table
    dossier_csv = t.csv("jurisdictions", "show", "Cañon City, CO")
    assert {"section": "jurisdiction", "item": "1", "field": "name", "value": "Cañon City"} in (
        dossier_csv
    )

    co = {r["key"]: r for r in t.csv("jurisdictions", "list", "--state", "CO")}
    assert set(co) == {DENVER, CANON}
    assert co[CANON]["name"] == "Cañon City"
    assert co[DENVER]["fips"] == "0820000"
    assert "Louisville Metro" in t.table("jurisdictions", "list", "--kind", "city_county")

    for ref, status, when in (
        ("Louisville", "partial", "2017-11"),
        ("Dona Ana County, NM", "sanctuary", "2013"),
    ):
        history = t.json("status", "history", ref)
        assert [(h["status"], h["effective"]) for h in history] == [(status, when)]
        rows = t.csv("status", "history", ref)
        assert (rows[0]["status"], rows[0]["effective"]) == (status, when)
        assert status in t.table("status", "history", ref)

    shown = t.json("cases", "show", CAPTION)
    assert shown["case"]["key"] == DOCKET and shown["case"]["filed"] == "2018-01"
    assert [(p["role"], p["jurisdiction"]) for p in shown["parties"]] == [
        ("plaintiff", DENVER),
        ("plaintiff", DONA_ANA),
        ("defendant", None),
        ("amicus", LOUISVILLE),
    ]
    assert shown["parties"][2]["party"] == "Jeff Sessions"
    assert [r["date"] for r in shown["rulings"]] == ["2018-03", "2018-06-01", "2019"]
    case_table = t.table("cases", "show", DOCKET)
    assert ["caption", CAPTION] in [line.split(None, 1) for line in case_table.splitlines()]
    listed = {r["key"]: r for r in t.csv("cases", "list")}
    assert listed[DOCKET]["caption"] == CAPTION
    assert listed[DOCKET]["latest_ruling"] == "2019 appellate_decision"
    assert "plaintiff: Doña Ana County, NM" in listed[DOCKET]["parties"]
    assert CAPTION in t.table("cases", "list")
    assert {r["key"] for r in t.json("cases", "list")} >= {DOCKET, "Chicago v. Sessions"}

    action = t.json("actions", "show", ACTION)
    assert action["target_count"] == 23
    assert action["named_targets"] == [DENVER, LOUISVILLE, DONA_ANA]
    assert t.csv("actions", "show", ACTION)[0]["target_count"] == "23"
    assert "Louisville Metro, KY" in t.table("actions", "show", ACTION)
    assert ACTION in [r["key"] for r in t.csv("actions", "list")]

    canon = t.json("grants", "list", "--jurisdiction", "Canon City, CO")
    assert [(g["amount"], g["scope"]) for g in canon] == [("39000000.00", "aggregate")]
    assert canon[0]["covers"] == "aggregate over 2 jurisdictions, not split"
    dona = t.csv("grants", "list", "--jurisdiction", "Doña Ana County, NM")
    assert [(g["fiscal_year"], g["action"]) for g in dona] == [("2018", ACTION)]
    denver_table = t.table("grants", "list", "--jurisdiction", "Denver, CO")
    assert "1234567.89" in denver_table and "own amount" in denver_table
    # Aggregates are stored once, never split among their jurisdictions.
    everything = t.json("grants", "list", "--fiscal-year", "2016")
    assert [g["amount"] for g in everything] == ["39000000.00", "39000000.00"]


BATTERY = [
    (1, ["grants", "add", "Denver, CO", "--program", "P", "--fiscal-year", "2017",
         "--amount", "-5", "--type", "withheld", "--source", POST]),
    (1, ["grants", "add", "Denver, CO", "--program", "P", "--fiscal-year", "2017",
         "--amount", "1.234", "--type", "withheld", "--source", POST]),
    (1, ["grants", "add", "Denver, CO", "--program", "P", "--fiscal-year", "2017",
         "--amount", "a lot", "--type", "withheld", "--source", POST]),
    (2, ["grants", "add", "Denver, CO", "--program", "P", "--fiscal-year", "2017",
         "--amount", "5", "--type", "promised", "--source", POST]),
    (1, ["grants", "add", "Denver, CO", "Nowhere, CO", "--program", "P", "--fiscal-year",
         "2017", "--amount", "5", "--type", "withheld", "--source", POST]),
    (2, ["grants", "list", "--format", "xml"]),
    (1, ["actions", "add", "T", "--date", "2017-02-30", "--agency", "DOJ", "--kind", "letter",
         "--source", POST]),
    (1, ["actions", "add", "T", "--date", "2017", "--agency", "DOJ", "--kind", "letter",
         "--source", POST, "--target", "Denver, CO", "--target", "CO", "--target-count", "1"]),
    (1, ["actions", "update", ACTION, "--target-count", "2"]),
    (2, ["actions", "update", ACTION, "--target-count", "-3"]),
    (1, ["actions", "show", "no-such-action"]),
    (1, ["cases", "add", "X v. Y", "--court", "C", "--source", POST,
         "--plaintiff", "Springfield, IL"]),
    (1, ["cases", "add", CAPTION, "--court", "C", "--source", POST, "--docket", DOCKET]),
    (2, ["cases", "add", "X v. Y", "--court", "C", "--source", POST, "--status", "won"]),
    (1, ["cases", "rule", DOCKET, "--date", "2018-13", "--kind", "other", "--source", POST]),
    (1, ["cases", "rule", DOCKET, "--date", "2019", "--kind", "appellate_decision",
         "--source", POST]),
    (1, ["cases", "show", "Nobody v. Nothing"]),
    (2, ["status", "set", "Denver, CO", "sanctuaryish", "--source", POST]),
    (1, ["status", "set", "Denver, CO", "sanctuary", "--source", "https://nope.example"]),
    (1, ["status", "set", "Denver, CO", "sanctuary", "--source", POST, "--effective", "2017-02-29"]),
    (1, ["jurisdictions", "add", "Denver", "--kind", "city_county", "--state", "CO"]),
    (1, ["jurisdictions", "add", "Somewhere", "--kind", "county", "--state", "ZZ"]),
    (1, ["jurisdictions", "add", "Washington County", "--kind", "county", "--state", "OR",
         "--fips", "12345"]),
    (1, ["jurisdictions", "show", "Springfield, IL"]),
    (1, ["sources", "add", "Again", "--url", POST]),
    (2, ["grants", "remove", "1"]),
    (2, ["cases", "rule", DOCKET, "--date", "2019"]),
]  # fmt: skip


def check_battery(t: Tracker) -> None:
    before = dump(t.url)
    # Every one must fail, so the database must be the same after each and all.
    results = [t(*args, ok=False) for _, args in BATTERY]
    for (code, args), proc in zip(BATTERY, results, strict=True):
        where = (args, proc.returncode, proc.stderr)
        assert proc.returncode == code, where
        assert "Traceback" not in proc.stderr + proc.stdout, where
        assert proc.stdout == "", where
        if code == 1:
            lines = proc.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error: "), where
        else:
            assert proc.stderr.startswith("Usage: tracker"), where
            assert "Error" in proc.stderr, where
        assert dump(t.url) == before, where


def test_new_user_scenario(tracker):
    build(tracker)
    check_read_back(tracker)
    check_battery(tracker)
