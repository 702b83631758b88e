"""Reports read against known answers, on both engines."""

import json

import pytest
from conftest import import_dir

S1, S2 = "https://a.example/1", "https://b.example/2"
CHI = "ocd-division/country:us/state:il/place:chicago"
COOK = "ocd-division/country:us/state:il/county:cook"
DEN = "ocd-division/country:us/state:co/place:denver"
AUS = "ocd-division/country:us/state:tx/place:austin"

FILES = {
    "sources.csv": f"title,url,published,kind\nFirst,{S1},2018-01-25,news\n"
    f"Second,{S2},2018-03-01,court_record\n",
    "jurisdictions.csv": "name,kind,state\nChicago,city,IL\nCook County,county,IL\n"
    "Denver,city_county,CO\nAustin,city,TX\n",
    "status.csv": "jurisdiction,status,source,effective\n"
    f'"Chicago, IL",sanctuary,{S1},2017-06-15\n'
    f'"Chicago, IL",cooperative,{S2},2018-03\n'
    f"Cook County,partial,{S1},2018\n"
    f"Denver,sanctuary,{S1},2018-01-01\n"
    f"Denver,cooperative,{S2},2017-12-31\n",
    "actions.csv": "key,date,agency,kind,title,source,target_count,targets\n"
    f"a1,2018-01-24,DOJ,subpoena_threat,Threat,{S1},23,{CHI}\n"
    f'a2,2017-11,DOJ,letter,Letter,{S1},,"{CHI}; {DEN}"\n',
    "grants.csv": "program,fiscal_year,amount,amount_type,jurisdictions,action,source\n"
    f"JAG,2017,2000000,awarded,{CHI},,{S1}\n"
    f"JAG,2017,2000000,awarded,{CHI},,{S2}\n"
    f'JAG,2017,"500,000.50",awarded,{DEN},,{S1}\n'
    f'JAG,2017,10000000,awarded,"{CHI}; {COOK}",,{S1}\n'
    f"JAG,2017,1000000,withheld,{CHI},,{S1}\n"
    f"Federal grants,2016,39000000,threatened,,a1,{S1}\n"
    f"Federal grants,2016,7000000,threatened,,a2,{S1}\n",
    "cases.csv": "key,caption,court,filed,status,source\n"
    f"Chicago v. Sessions,Chicago v. Sessions,N.D. Ill.,2017-08,pending,{S1}\n"
    f"Denver v. Barr,Denver v. Barr,D. Colo.,,decided,{S2}\n",
    "parties.csv": "case,role,jurisdiction,name\n"
    f"Chicago v. Sessions,plaintiff,{CHI},\n"
    'Chicago v. Sessions,defendant,,"Jeff Sessions, Attorney General"\n'
    f"Chicago v. Sessions,amicus,{COOK},\n",
    "rulings.csv": "case,date,kind,source\n"
    f"Chicago v. Sessions,2017-09-15,preliminary_injunction,{S1}\n"
    f"Chicago v. Sessions,2018-04,appellate_decision,{S2}\n",
}


@pytest.fixture
def rcli(cli, tmp_path):
    return import_dir(cli, tmp_path, FILES)


def _json(cli, *args):
    result = cli("report", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _status(cli, as_of: str) -> dict[str, tuple]:
    rows = _json(cli, "status", "--as-of", as_of)
    return {r["jurisdiction"]: (r["status"], r["since"], r["source"]) for r in rows}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2017-06-14", ("no status recorded", None, None)),  # the day before
        ("2017-06-15", ("sanctuary", "2017-06-15", S1)),  # the day itself
        ("2017-06-16", ("sanctuary", "2017-06-15", S1)),  # the day after
        ("2017", ("no status recorded", None, None)),  # 2017 means 2017-01-01
        ("2018-02", ("sanctuary", "2017-06-15", S1)),
        ("2018-02-28", ("sanctuary", "2017-06-15", S1)),
        ("2018-03", ("cooperative", "2018-03", S2)),  # partial on partial: same first day
        ("2018-03-01", ("cooperative", "2018-03", S2)),
        ("2030", ("cooperative", "2018-03", S2)),
    ],
)
def test_status_as_of_edges(rcli, as_of, expected):
    assert _status(rcli, as_of)[CHI] == expected


@pytest.mark.parametrize(
    ("as_of", "status"),
    [("2017-12-31", "no status recorded"), ("2018", "partial"), ("2018-01", "partial"),
     ("2018-01-01", "partial"), ("2018-06-30", "partial")],
)  # fmt: skip
def test_status_effective_partial_year(rcli, as_of, status):
    assert _status(rcli, as_of)[COOK][0] == status


def test_status_report_flags_disagreement_and_lists_every_jurisdiction(rcli):
    rows = {r["jurisdiction"]: r for r in _json(rcli, "status", "--as-of", "2018-06-01")}
    assert set(rows) == {CHI, COOK, DEN, AUS}
    assert rows[DEN]["status"] == "sanctuary"
    assert rows[DEN]["disagreement"] == f"cooperative ({S2})"
    assert rows[CHI]["disagreement"] == f"sanctuary ({S1})"
    assert rows[COOK]["disagreement"] is None
    assert rows[AUS]["status"] == "no status recorded"
    # Before S1's Denver word, only S2 speaks: no disagreement yet.
    early = {r["jurisdiction"]: r for r in _json(rcli, "status", "--as-of", "2017-12-31")}
    assert (early[DEN]["status"], early[DEN]["disagreement"]) == ("cooperative", None)


def test_status_report_filters_and_csv(rcli):
    result = rcli("report", "status", "--as-of", "2018-06-01", "--state", "il", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "jurisdiction,name,kind,state,status,since,last_asserted,source,disagreement\n"
        f"{CHI},Chicago,city,IL,cooperative,2018-03,2018-03,{S2},sanctuary ({S1})\n"
        f"{COOK},Cook County,county,IL,partial,2018,2018,{S1},\n"
    )
    rows = _json(rcli, "status", "--kind", "city_county")
    assert [r["jurisdiction"] for r in rows] == [DEN]


def test_status_report_rejects_bad_dates(rcli):
    for bad in ("2018-13", "2018-02-30", "yesterday"):
        result = rcli("report", "status", "--as-of", bad)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: as of:")
        assert "Traceback" not in result.output


def test_grants_report_sums_jurisdictions_and_keeps_aggregates_apart(rcli):
    rows = _json(rcli, "grants")
    got = [
        (r["fiscal_year"], r["program"], r["amount_type"], r["scope"], r["amount"],
         r["jurisdictions"], r["covers"], r["sources"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        # An action-tied aggregate with no members covers the action's stated count...
        (2016, "Federal grants", "threatened", "aggregate", "39000000.00", 23,
         "targets of action a1", 1),
        # ...or, with no count given, its named targets.
        (2016, "Federal grants", "threatened", "aggregate", "7000000.00", 2,
         "targets of action a2", 1),
        # Chicago's $2M from two sources counts once.
        (2017, "JAG", "awarded", "jurisdictions", "2500000.50", 2,
         "Chicago, IL; Denver, CO", 2),
        (2017, "JAG", "awarded", "aggregate", "10000000.00", 2,
         "Chicago, IL; Cook County, IL", 1),
        (2017, "JAG", "withheld", "jurisdictions", "1000000.00", 1, "Chicago, IL", 1),
    ]  # fmt: skip
    assert all(r["note"] is None for r in rows)
    only = _json(rcli, "grants", "--fiscal-year", "2016")
    assert {r["fiscal_year"] for r in only} == {2016}


def test_grants_report_flags_sources_that_differ(rcli, tmp_path):
    f = tmp_path / "grants.csv"
    f.write_text(
        "program,fiscal_year,amount,amount_type,jurisdictions,source\n"
        f"JAG,2017,2100000,awarded,{CHI},{S2}\n"
        f"JAG,2017,1,awarded,{AUS},{S2}\n",
        encoding="utf-8",
    )
    result = rcli("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    # Same source, program, year, type and payee: S2's figure for Chicago is updated.
    assert "grants,1,1,0\n" in result.stdout
    row = next(r for r in _json(rcli, "grants") if r["scope"] == "jurisdictions"
               and r["amount_type"] == "awarded")  # fmt: skip
    # Chicago: S1 says 2000000, S2 (recorded last) 2100000; only S2's counts.
    assert row["amount"] == "2600001.50"  # 2100000 + Denver 500000.50 + Austin 1
    assert row["jurisdictions"] == 3
    assert row["note"] == "sources differ for Chicago, IL"


def test_litigation_report(rcli):
    result = rcli("report", "litigation", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "case,caption,court,docket,filed,status,plaintiffs,defendants,others,"
        "latest_ruling,ruling_date\n"
        "Chicago v. Sessions,Chicago v. Sessions,N.D. Ill.,,2017-08,pending,Chicago, IL,"
        '"Jeff Sessions, Attorney General",Cook County, IL (amicus),appellate_decision,2018-04\n'
        "Denver v. Barr,Denver v. Barr,D. Colo.,,,decided,,,,,\n"
    ).replace("Chicago, IL,", '"Chicago, IL",').replace(
        "Cook County, IL (amicus)", '"Cook County, IL (amicus)"'
    )
    pending = _json(rcli, "litigation", "--status", "pending")
    assert [r["case"] for r in pending] == ["Chicago v. Sessions"]


def test_summary_report(rcli):
    data = _json(rcli, "summary", "--as-of", "2018-06-01")
    assert data["status_by_kind"] == [
        {"status": "sanctuary", "jurisdictions": 1, "county": 0, "city_county": 1, "city": 0,
         "disagreement": 1},
        {"status": "partial", "jurisdictions": 1, "county": 1, "city_county": 0, "city": 0,
         "disagreement": 0},
        {"status": "cooperative", "jurisdictions": 1, "county": 0, "city_county": 0, "city": 1,
         "disagreement": 1},
        {"status": "no status recorded", "jurisdictions": 1, "county": 0, "city_county": 0,
         "city": 1, "disagreement": 0},
    ]  # fmt: skip
    assert data["money"] == [
        {"amount_type": "awarded", "per_jurisdiction": "2500000.50",
         "aggregates": "10000000.00", "aggregate_count": 1},
        {"amount_type": "threatened", "per_jurisdiction": "0.00",
         "aggregates": "46000000.00", "aggregate_count": 2},
        {"amount_type": "withheld", "per_jurisdiction": "1000000.00",
         "aggregates": "0.00", "aggregate_count": 0},
    ]  # fmt: skip
    assert [c["case"] for c in data["open_cases"]] == ["Chicago v. Sessions"]
    assert [(a["date"], a["action"], a["targets"]) for a in data["latest_actions"]] == [
        ("2018-01-24", "a1", 23),
        ("2017-11", "a2", 2),
    ]


def test_reports_in_markdown(rcli):
    result = rcli("report", "status", "--as-of", "2018-06-01", "--state", "TX", "-f", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "| name | state | kind | status | since | last_asserted | source | disagreement "
        "| jurisdiction |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        f"| Austin | TX | city | no status recorded |  |  |  |  | {AUS} |\n"
    )
    summary = rcli("report", "summary", "-f", "markdown")
    assert "## Money\n\n| amount_type | per_jurisdiction |" in summary.stdout


def test_reports_on_an_empty_database(cli):
    for report in ("status", "grants", "litigation", "summary"):
        result = cli("report", report, "--format", "json")
        assert result.exit_code == 0, result.output
    assert json.loads(cli("report", "grants", "--format", "json").stdout) == []
