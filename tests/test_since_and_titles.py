""" "since" is when the status in force began (the earliest effective date of
its unbroken run, any source's, else the earliest observed date, else the
run's earliest start), beside the date of the newest assertion
(``last_asserted``); tables show a source by its title, shortened, while CSV
and JSON keep its key. On both engines."""

import json

import pytest
from conftest import import_dir

from tracker.render import short_title

COUNCIL, MEMO, SURVEY = (
    "https://a.example/council",
    "https://b.example/memo",
    "https://c.example/survey",
)
COUNCIL_TITLE = "City Council Resolution 2010-14 on Limiting Cooperation with Federal Immigration"
MEMO_TITLE = "Sheriff's Office Policy Memo"
SURVEY_TITLE = "State Survey of Local Immigration Policies, Third Edition"
COUNCIL_SHORT = "City Council Resolution 2010-14 on…"
SURVEY_SHORT = "State Survey of Local Immigration…"

PLACE = "ocd-division/country:us/state:ny/place:"
COAST, GOTHAM, METRO, SMALL, STAR = (
    PLACE + p for p in ("coast_city", "gotham", "metropolis", "smallville", "star_city")
)

FILES = {
    "sources.csv": "title,url,published,kind\n"
    f"{COUNCIL_TITLE},{COUNCIL},2010-05-01,government_release\n"
    f"{MEMO_TITLE},{MEMO},2014,government_release\n"
    f'"{SURVEY_TITLE}",{SURVEY},2019-06,dataset\n',
    "jurisdictions.csv": "name,kind,state\nGotham,city,NY\nMetropolis,city,NY\n"
    "Smallville,city,NY\nStar City,city,NY\nCoast City,city,NY\n",
    "status.csv": "jurisdiction,status,source,effective,observed\n"
    # A run broken by another status: sanctuary, cooperative, then sanctuary again.
    f"{GOTHAM},sanctuary,{COUNCIL},2010,\n"
    f"{GOTHAM},cooperative,{MEMO},2014,\n"
    f"{GOTHAM},sanctuary,{COUNCIL},2016,\n"
    f"{GOTHAM},sanctuary,{SURVEY},,2019-06-01\n"
    # One run across two sources: the council's effective date, the survey's observation.
    f"{METRO},sanctuary,{COUNCIL},2012-03,\n"
    f"{METRO},sanctuary,{SURVEY},,2019-06-01\n"
    # Observed dates only: the earliest of them.
    f"{SMALL},partial,{SURVEY},,2019-06-01\n"
    f"{SMALL},partial,{MEMO},,2015-05\n"
    # An effective date comes before observed ones, even a later one.
    f"{STAR},cooperative,{MEMO},,2013-01-15\n"
    f"{STAR},cooperative,{COUNCIL},2016-07,\n"
    # Neither date: the source's published date is the start.
    f"{COAST},anti_sanctuary,{SURVEY},,\n",
}


@pytest.fixture
def tcli(cli, tmp_path):
    return import_dir(cli, tmp_path, FILES)


def _ok(cli, *args) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _report(cli, *args) -> dict[str, tuple]:
    rows = json.loads(_ok(cli, "report", "status", *args, "--format", "json"))
    return {
        r["jurisdiction"]: (r["status"], r["since"], r["last_asserted"], r["source"]) for r in rows
    }


def test_report_status_since_and_last_asserted_in_csv(tcli):
    assert _ok(tcli, "report", "status", "--format", "csv") == (
        "jurisdiction,name,kind,state,status,since,last_asserted,source,disagreement\n"
        f"{COAST},Coast City,city,NY,anti_sanctuary,2019-06,2019-06,{SURVEY},\n"
        f"{GOTHAM},Gotham,city,NY,sanctuary,2016,2019-06-01,{SURVEY},cooperative ({MEMO})\n"
        f"{METRO},Metropolis,city,NY,sanctuary,2012-03,2019-06-01,{SURVEY},\n"
        f"{SMALL},Smallville,city,NY,partial,2015-05,2019-06-01,{SURVEY},\n"
        f"{STAR},Star City,city,NY,cooperative,2016-07,2016-07,{COUNCIL},\n"
    )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2009-12-31", ("no status recorded", None, None, None)),
        ("2010", ("sanctuary", "2010", "2010", COUNCIL)),
        ("2013-06-30", ("sanctuary", "2010", "2010", COUNCIL)),
        # Another status ends the run: the same source's sanctuary again starts a new one.
        ("2014", ("cooperative", "2014", "2014", MEMO)),
        ("2015-12-31", ("cooperative", "2014", "2014", MEMO)),
        ("2016", ("sanctuary", "2016", "2016", COUNCIL)),
        ("2019-05-31", ("sanctuary", "2016", "2016", COUNCIL)),
        ("2019-06-01", ("sanctuary", "2016", "2019-06-01", SURVEY)),
        ("2030", ("sanctuary", "2016", "2019-06-01", SURVEY)),
    ],
)
def test_since_is_the_start_of_the_unbroken_run_on_each_date(tcli, as_of, expected):
    assert _report(tcli, "--as-of", as_of)[GOTHAM] == expected


@pytest.mark.parametrize(
    ("as_of", "place", "expected"),
    [
        # Across two sources: the earlier source's effective date.
        ("2012-03", METRO, ("sanctuary", "2012-03", "2012-03", COUNCIL)),
        ("2030", METRO, ("sanctuary", "2012-03", "2019-06-01", SURVEY)),
        # Observed dates only: the earliest, whichever source observed it.
        ("2015-05", SMALL, ("partial", "2015-05", "2015-05", MEMO)),
        ("2030", SMALL, ("partial", "2015-05", "2019-06-01", SURVEY)),
        # Before the effective date, the observation alone; then the effective date.
        ("2016-06-30", STAR, ("cooperative", "2013-01-15", "2013-01-15", MEMO)),
        ("2016-07-01", STAR, ("cooperative", "2016-07", "2016-07", COUNCIL)),
        # No date at all: the source's published date.
        ("2019-05-31", COAST, ("no status recorded", None, None, None)),
        ("2019-06", COAST, ("anti_sanctuary", "2019-06", "2019-06", SURVEY)),
    ],
)
def test_since_falls_back_to_observed_then_published(tcli, as_of, place, expected):
    assert _report(tcli, "--as-of", as_of)[place] == expected


def test_illinois_sanctuary_since_its_law_took_effect(seeded_cli):
    """The seed's article observed Illinois's status on 2018-01-24; its law
    took effect on 2017-08-28."""
    law = "https://www.ilga.gov/legislation/publicacts/fulltext.asp?Name=100-0463"
    article = (
        "Department of Justice Threatens Jurisdictions That Don\u2019t Cooperate With "
        "Immigration Officials (2018-01-25)"
    )
    _ok(seeded_cli, "sources", "add", "Illinois TRUST Act (Public Act 100-0463)",
        "--url", law, "--published", "2017-08-28", "--kind", "government_release")  # fmt: skip
    _ok(seeded_cli, "status", "set", "Illinois", "sanctuary", "--source", law,
        "--effective", "2017-08-28")  # fmt: skip
    illinois = "ocd-division/country:us/state:il"
    lines = _ok(seeded_cli, "report", "status", "--state", "IL", "--format", "csv").splitlines()
    assert lines[0] == "jurisdiction,name,kind,state,status,since,last_asserted,source,disagreement"
    assert f"{illinois},Illinois,state,IL,sanctuary,2017-08-28,2018-01-24,{article}," in lines
    assert _report(seeded_cli, "--as-of", "2018-01-01")[illinois] == (
        "sanctuary", "2017-08-28", "2017-08-28", law)  # fmt: skip
    dossier = json.loads(_ok(seeded_cli, "jurisdictions", "show", "Illinois", "--format", "json"))
    assert dossier["current_status"] == [
        {"status": "sanctuary", "since": "2017-08-28", "last_asserted": "2018-01-24",
         "source": article, "disagreement": False}
    ]  # fmt: skip
    table = _ok(seeded_cli, "report", "status", "--state", "IL").splitlines()
    assert table[0].split() == [
        "name", "state", "kind", "status", "since", "last_asserted", "source",
        "disagreement", "jurisdiction",
    ]  # fmt: skip
    assert table[3].split("  ")[0] == "Illinois"
    assert table[3].endswith(
        "sanctuary  2017-08-28  2018-01-24     Department of Justice Threatens…"
        f"                {illinois}"
    )


def test_dossier_status_section_shows_since_last_asserted_and_titles(tcli):
    dossier = json.loads(_ok(tcli, "jurisdictions", "show", "Gotham, NY", "--format", "json"))
    assert dossier["current_status"] == [
        {"status": "sanctuary", "since": "2016", "last_asserted": "2019-06-01",
         "source": SURVEY, "disagreement": True},
        {"status": "cooperative", "since": None, "last_asserted": "2014", "source": MEMO,
         "disagreement": True},
    ]  # fmt: skip
    table = _ok(tcli, "jurisdictions", "show", "Gotham, NY")
    assert (
        "Current status\n"
        "status       since  last_asserted  source                              disagreement\n"
        "-----------  -----  -------------  ----------------------------------  ------------\n"
        f"sanctuary    2016   2019-06-01     {SURVEY_SHORT}  yes\n"
        f"cooperative         2014           {MEMO_TITLE}        yes\n"
    ) in table
    csv_lines = _ok(tcli, "jurisdictions", "show", "Gotham, NY", "--format", "csv").splitlines()
    assert "current_status,1,source,https://c.example/survey" in csv_lines
    assert "current_status,1,last_asserted,2019-06-01" in csv_lines


def test_report_tables_show_titles_and_files_keys(tcli):
    args = ("report", "status", "--as-of", "2017", "--state", "NY", "--kind", "city")
    table = _ok(tcli, *args).splitlines()
    assert table[3] == (
        f"Gotham      NY     city  sanctuary           2016     2016           "
        f"{COUNCIL_SHORT}  cooperative ({MEMO_TITLE})  {GOTHAM}"
    )
    markdown = _ok(tcli, *args, "--format", "markdown").splitlines()
    assert markdown[3] == (
        f"| Gotham | NY | city | sanctuary | 2016 | 2016 | {COUNCIL_SHORT} "
        f"| cooperative ({MEMO_TITLE}) | {GOTHAM} |"
    )
    csv_lines = _ok(tcli, *args, "--format", "csv").splitlines()
    assert csv_lines[2] == (
        f"{GOTHAM},Gotham,city,NY,sanctuary,2016,2016,{COUNCIL},cooperative ({MEMO})"
    )
    rows = json.loads(_ok(tcli, *args, "--format", "json"))
    assert rows[1] == {
        "jurisdiction": GOTHAM, "name": "Gotham", "kind": "city", "state": "NY",
        "status": "sanctuary", "since": "2016", "last_asserted": "2016", "source": COUNCIL,
        "disagreement": f"cooperative ({MEMO})",
    }  # fmt: skip


def _column(table: str, name: str) -> list[str]:
    """A table's column, cell by cell, cut where its dashes are."""
    header, dashes, *lines = table.splitlines()
    starts, at = [], 0
    for dash in dashes.split("  "):
        starts.append((at, at + len(dash)))
        at += len(dash) + 2
    names = [header[a:b].strip() for a, b in starts]
    a, b = starts[names.index(name)]
    return [line[a:b].rstrip() for line in lines]


def _field(table: str, name: str) -> str:
    """A field/value table's value for ``name``."""
    for line in table.splitlines():
        field, _, value = line.partition("  ")
        if field == name:
            return value.strip()
    raise AssertionError(f"no field {name!r} in {table!r}")


def test_status_history_shows_titles_in_tables_and_keys_in_files(tcli):
    table = _ok(tcli, "status", "history", "Gotham, NY")
    assert _column(table, "source") == [COUNCIL_SHORT, MEMO_TITLE, COUNCIL_SHORT, SURVEY_SHORT]
    rows = json.loads(_ok(tcli, "status", "history", "Gotham, NY", "--format", "json"))
    assert [r["source"] for r in rows] == [COUNCIL, MEMO, COUNCIL, SURVEY]
    csv_lines = _ok(tcli, "status", "history", "Gotham, NY", "--format", "csv").splitlines()
    assert [line.split(",")[4] for line in csv_lines] == ["source", COUNCIL, MEMO, COUNCIL, SURVEY]


def test_actions_grants_and_cases_show_source_titles_in_tables(tcli, tmp_path, monkeypatch):
    # Tables not fitted to a width (piped, no COLUMNS): each title cut to 40 only.
    monkeypatch.delenv("COLUMNS")
    d = tmp_path / "more"
    d.mkdir()
    files = {
        "actions.csv": "key,date,agency,kind,title,source,targets\n"
        f"a1,2018-01,DOJ,letter,A letter,{SURVEY},{GOTHAM}\n",
        "grants.csv": "program,fiscal_year,amount,amount_type,jurisdictions,source\n"
        f"JAG,2017,100,awarded,{GOTHAM},{COUNCIL}\n",
        "cases.csv": f"key,caption,court,source\nc1,Gotham v. Barr,S.D.N.Y.,{MEMO}\n",
        "rulings.csv": f"case,date,kind,source\nc1,2018-05,preliminary_injunction,{SURVEY}\n",
    }
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    _ok(tcli, "import", str(d))
    assert _column(_ok(tcli, "actions", "list"), "source") == [SURVEY_SHORT]
    assert _column(_ok(tcli, "grants", "list"), "source") == [COUNCIL_SHORT]
    assert json.loads(_ok(tcli, "actions", "list", "--format", "json"))[0]["source"] == SURVEY
    assert _ok(tcli, "grants", "list", "--format", "csv").splitlines()[1].split(",")[-2] == COUNCIL
    # One record: a field/value table.
    assert _field(_ok(tcli, "actions", "show", "a1"), "source") == SURVEY_SHORT
    case = _ok(tcli, "cases", "show", "c1")
    assert _field(case, "source") == MEMO_TITLE
    assert SURVEY_SHORT in case and SURVEY not in case
    case_json = json.loads(_ok(tcli, "cases", "show", "c1", "--format", "json"))
    assert (case_json["case"]["source"], case_json["rulings"][0]["source"]) == (MEMO, SURVEY)
    dossier = _ok(tcli, "jurisdictions", "show", "Gotham, NY")
    assert COUNCIL_SHORT in dossier and SURVEY_SHORT in dossier
    assert "https://" not in dossier
    dossier_csv = _ok(tcli, "jurisdictions", "show", "Gotham, NY", "--format", "csv").splitlines()
    assert f"money,1,source,{COUNCIL}" in dossier_csv
    assert f"actions,1,source,{SURVEY}" in dossier_csv


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (MEMO_TITLE, MEMO_TITLE),
        ("x" * 40, "x" * 40),
        ("x" * 41, "x" * 39 + "…"),
        (COUNCIL_TITLE, COUNCIL_SHORT),
        (SURVEY_TITLE, SURVEY_SHORT),
        # Cut at a word, without the punctuation before it.
        (
            "Federal Grants and Sanctuary Cities, 2017: A Review",
            "Federal Grants and Sanctuary Cities…",
        ),
        (
            "Sanctuary Policies, Limits, and Federal Grants",
            "Sanctuary Policies, Limits, and Federal…",
        ),
        # One long word: cut inside it.
        ("Sanctuary-jurisdictions-and-federal-grants", "Sanctuary-jurisdictions-and-federal-gra…"),
    ],
)
def test_short_title(title, shown):
    assert short_title(title) == shown
    assert len(shown) <= 40
