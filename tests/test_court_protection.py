"""Whom each court order protects: a ruling's restrained actions, scope and
coverage, its later events, the rule of force (tracker/protection.py), `report
protection`, the dossier's section, bad input, and the round trip.

The 2017 litigation chain is built here through the CLI, as a user would:
City & County of San Francisco v. Trump (N.D. Cal.), whose nationwide
preliminary injunction (2017-04-25) the permanent injunction (2017-11-20)
replaced, and whose nationwide scope the Ninth Circuit vacated on 2018-08-01,
leaving the plaintiffs San Francisco and Santa Clara County covered; and City
of Chicago v. Sessions (N.D. Ill.), whose nationwide preliminary injunction
(2017-09-15) the Seventh Circuit en banc stayed on 2018-06-26 as to everyone
but Chicago.
"""

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import CLI, dump, prebuilt

from tracker import db, protection
from tracker.protection import SUPERSEDED, Event, force, runs, supersessions

SF_SRC = "https://example.org/sf-v-trump"
CHI_SRC = "https://example.org/chicago-v-sessions"
SF_CASE = "3:17-cv-00485"
CHI_CASE = "1:17-cv-05720"
SEVENTH = "17-2991"
CA = "ocd-division/country:us/state:ca"
SF = "ocd-division/country:us/state:ca/place:san_francisco"
SANTA_CLARA = "ocd-division/country:us/state:ca/county:santa_clara"
LA = "ocd-division/country:us/state:ca/place:los_angeles"
CHICAGO = "ocd-division/country:us/state:il/place:chicago"
PHILADELPHIA = "ocd-division/country:us/state:pa/place:philadelphia"
NYC = "ocd-division/country:us/state:ny/place:new_york"


# --- the rule of force, as a state machine ------------------------------------------

DAY = date.fromisoformat


def _force(events, day, jurisdiction=1, issued="2017-01-10"):
    return force(issued, events, DAY(day), jurisdiction)


def test_an_order_is_in_force_from_its_date_on():
    assert _force([], "2017-01-09") is None
    assert _force([], "2017-01-10") == (True, "2017-01-10", None, None)
    # A partial date counts from its first day.
    assert _force([], "2017-01-01", issued="2017-01") == (True, "2017-01", None, None)
    assert _force([], "2016-12-31", issued="2017-01") is None


def test_a_stay_suspends_it_until_lifted():
    stayed, lifted = (
        Event("2017-03-01", "stayed", order=1),
        Event("2017-05", "stay_lifted", order=2),
    )
    events = [lifted, stayed]  # recorded in any order
    assert _force(events, "2017-02-28") == (True, "2017-01-10", "2017-03-01", None)
    assert _force(events, "2017-03-01") == (False, "2017-03-01", "2017-05", stayed)
    assert _force(events, "2017-05-01") == (True, "2017-05", None, lifted)


@pytest.mark.parametrize("word", ["vacated", "reversed", "expired", SUPERSEDED])
def test_vacated_reversed_expired_or_superseded_end_it_for_good(word):
    end = Event("2017-06-01", word, order=1)
    later = [Event("2017-07-01", "stay_lifted", order=2), Event("2017-08-01", "affirmed", order=3)]
    assert _force([end, *later], "2017-05-31") == (True, "2017-01-10", "2017-06-01", None)
    assert _force([end, *later], "2017-06-01") == (False, "2017-06-01", None, end)
    # Once ended, nothing later brings it back; the last event is still shown.
    assert _force([end, *later], "2018-01-01") == (False, "2017-06-01", None, later[1])


@pytest.mark.parametrize("word", ["affirmed", "modified"])
def test_affirmed_or_modified_keeps_it(word):
    kept = Event("2017-06-01", word, order=1)
    assert _force([kept], "2018-01-01") == (True, "2017-01-10", None, kept)


def test_a_stay_as_to_everyone_but_some_suspends_it_for_the_others_only():
    stay = Event("2018-06-26", "stayed", frozenset({1}), order=1)
    lifted = Event("2019-01", "stay_lifted", order=2)
    assert _force([stay, lifted], "2018-07-01", jurisdiction=1) == (True, "2017-01-10", None, stay)
    assert _force([stay, lifted], "2018-07-01", jurisdiction=2) == (
        False, "2018-06-26", "2019-01", stay,
    )  # fmt: skip
    # Lifting it restores the order as it was before the stay: everyone again.
    assert _force([stay, lifted], "2019-02-01", jurisdiction=2) == (True, "2019-01", None, lifted)


@pytest.mark.parametrize("word", ["vacated", "reversed", "affirmed", "modified", "expired"])
def test_an_event_listing_whom_it_still_covers_narrows_the_order_for_good(word):
    narrowed = Event("2018-08-01", word, frozenset({1, 2}), order=1)
    stay = Event("2018-09-01", "stayed", order=2)
    lifted = Event("2018-10-01", "stay_lifted", order=3)
    events = [narrowed, stay, lifted]
    assert runs("2017-01-10", events, 1) == [
        ("2017-01-10", True), ("2018-09-01", False), ("2018-10-01", True),
    ]  # fmt: skip
    assert runs("2017-01-10", events, 3) == [("2017-01-10", True), ("2018-08-01", False)]
    # A later list narrows further; it never adds anyone back.
    again = Event("2019-01-01", "modified", frozenset({2, 3}), order=4)
    assert runs("2017-01-10", [*events, again], 1)[-1] == ("2019-01-01", False)
    assert runs("2017-01-10", [*events, again], 2)[-1] == ("2018-10-01", True)
    assert runs("2017-01-10", [*events, again], 3) == [("2017-01-10", True), ("2018-08-01", False)]


def test_events_of_one_day_count_in_the_order_recorded():
    stayed = Event("2018-01-05", "stayed", order=7)
    lifted = Event("2018-01-05", "stay_lifted", order=8)
    assert _force([lifted, stayed], "2018-01-05") == (True, "2018-01-05", None, lifted)
    assert _force([Event("2018-01-05", "stay_lifted", order=6), stayed], "2018-01-05") == (
        False, "2018-01-05", None, stayed,
    )  # fmt: skip


def test_an_interim_order_is_superseded_by_a_later_final_one_in_its_case():
    rulings = [
        (1, "2017-02-01", "temporary_restraining_order"),
        (2, "2017-04-25", "preliminary_injunction"),
        (3, "2017-09", "appellate_decision"),
        (4, "2017-11-20", "permanent_injunction"),
        (5, "2018-08-01", "dismissal"),
    ]
    found = supersessions(rulings)
    assert found == {
        1: Event("2017-04-25", SUPERSEDED, by="2017-04-25 preliminary_injunction"),
        2: Event("2017-11-20", SUPERSEDED, by="2017-11-20 permanent_injunction"),
    }
    assert protection.event_label(found[2]) == (
        "superseded 2017-11-20 by 2017-11-20 permanent_injunction"
    )
    assert supersessions([(1, "2017", "preliminary_injunction"), (2, "2017", "other")]) == {}


# --- the 2017 chain, through the CLI -------------------------------------------------


def ok(cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.fixture
def chain(seeded_cli, request):
    """The seed plus the 2017 chain; the two actions' keys. Built once per
    worker and engine, copied for each test after."""
    return (seeded_cli, *prebuilt(request, seeded_cli.url, lambda: _chain(seeded_cli)))


def _chain(cli) -> tuple[str, str]:
    ok(cli, "sources", "add", "City & County of San Francisco v. Trump, docket",
       "--url", SF_SRC, "--kind", "court_record")  # fmt: skip
    ok(cli, "sources", "add", "City of Chicago v. Sessions, docket",
       "--url", CHI_SRC, "--kind", "court_record")  # fmt: skip
    eo = ok(cli, "actions", "add", "Executive Order 13768 section 9(a): sanctuary jurisdictions "
            "ineligible for federal grants", "--date", "2017-01-25", "--agency", "The White House",
            "--kind", "executive_order", "--source", SF_SRC)  # fmt: skip
    jag = ok(cli, "actions", "add", "Byrne JAG notice and access conditions",
             "--date", "2017-07-25", "--agency", "U.S. Department of Justice",
             "--kind", "grant_condition", "--source", CHI_SRC)  # fmt: skip
    assert ok(cli, "jurisdictions", "add", "Philadelphia County, PA") == PHILADELPHIA

    ok(cli, "cases", "add", "City & County of San Francisco v. Trump", "--court", "N.D. Cal.",
       "--docket", SF_CASE, "--filed", "2017-01-31", "--source", SF_SRC,
       "--plaintiff", "San Francisco, CA", "--plaintiff", "Santa Clara County, CA",
       "--defendant", "Donald J. Trump")  # fmt: skip
    ok(cli, "cases", "rule", SF_CASE, "--date", "2017-04-25", "--kind", "preliminary_injunction",
       "--judge", "William H. Orrick", "--source", SF_SRC, "--restrains", eo,
       "--scope", "universal")  # fmt: skip
    ok(cli, "cases", "rule", SF_CASE, "--date", "2017-11-20", "--kind", "permanent_injunction",
       "--judge", "William H. Orrick", "--source", SF_SRC, "--restrains", eo,
       "--scope", "universal")  # fmt: skip
    ok(cli, "cases", "rule", SF_CASE, "--date", "2018-08-01", "--kind", "appellate_decision",
       "--summary", "Ninth Circuit: affirmed as to the plaintiffs, nationwide scope vacated",
       "--source", SF_SRC)  # fmt: skip
    ok(cli, "cases", "event", SF_CASE, "--ruling", "2017-11-20:permanent_injunction",
       "--event", "vacated", "--date", "2018-08-01", "--source", SF_SRC,
       "--appellate", "2018-08-01:appellate_decision", "--still-covers", "San Francisco, CA",
       "--still-covers", "Santa Clara County, CA",
       "--note", "affirmed in part; the nationwide scope vacated")  # fmt: skip

    ok(cli, "cases", "add", "City of Chicago v. Sessions", "--court", "N.D. Ill.",
       "--docket", CHI_CASE, "--filed", "2017-08-07", "--source", CHI_SRC,
       "--plaintiff", "Chicago, IL", "--defendant", "Jeff Sessions")  # fmt: skip
    ok(cli, "cases", "rule", CHI_CASE, "--date", "2017-09-15", "--kind", "preliminary_injunction",
       "--judge", "Harry D. Leinenweber", "--source", CHI_SRC, "--restrains", jag,
       "--scope", "universal")  # fmt: skip
    ok(cli, "cases", "add", "City of Chicago v. Sessions (7th Cir.)", "--court", "7th Cir.",
       "--docket", SEVENTH, "--source", CHI_SRC)  # fmt: skip
    ok(cli, "cases", "rule", SEVENTH, "--date", "2018-06-26", "--kind", "appellate_decision",
       "--summary", "En banc: the nationwide scope stayed", "--source", CHI_SRC)  # fmt: skip
    ok(cli, "cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
       "--event", "stayed", "--date", "2018-06-26", "--source", CHI_SRC,
       "--appellate", f"{SEVENTH}@2018-06-26:appellate_decision",
       "--still-covers", "Chicago, IL")  # fmt: skip
    return eo, jag


def report(cli, *args: str) -> list[dict]:
    return json.loads(ok(cli, "report", "protection", "--format", "json", *args))


def seen(rows: list[dict]) -> list[tuple]:
    """Who, by which ruling, in force or not."""
    return [(r["jurisdiction"], r["ruling_date"], r["in_force"]) for r in rows]


def test_san_francisco_chain_before_and_after_each_event(chain):
    cli, eo, _jag = chain
    on = lambda day: report(cli, "--as-of", day, "--action", eo, "--state", "CA")  # noqa: E731
    assert on("2017-04-24") == []
    # The nationwide preliminary injunction covers every jurisdiction, plaintiff or not.
    assert seen(on("2017-05-01")) == [
        (CA, "2017-04-25", True),
        (LA, "2017-04-25", True),
        (SF, "2017-04-25", True),
        (SANTA_CLARA, "2017-04-25", True),
    ]
    # The permanent injunction replaces it.
    assert seen(on("2017-12-01")) == [
        (CA, "2017-04-25", False), (CA, "2017-11-20", True),
        (LA, "2017-04-25", False), (LA, "2017-11-20", True),
        (SF, "2017-04-25", False), (SF, "2017-11-20", True),
        (SANTA_CLARA, "2017-04-25", False), (SANTA_CLARA, "2017-11-20", True),
    ]  # fmt: skip
    # The Ninth Circuit vacated the nationwide scope: only the plaintiffs stay covered.
    after = on("2018-08-02")
    assert seen(after) == [
        (CA, "2017-04-25", False), (CA, "2017-11-20", False),
        (LA, "2017-04-25", False), (LA, "2017-11-20", False),
        (SF, "2017-04-25", False), (SF, "2017-11-20", True),
        (SANTA_CLARA, "2017-04-25", False), (SANTA_CLARA, "2017-11-20", True),
    ]  # fmt: skip
    assert after[3] == {
        "jurisdiction": LA, "name": "Los Angeles", "state": "CA", "action": eo,
        "case": SF_CASE, "ruling_date": "2017-11-20", "ruling": "permanent_injunction",
        "scope": "universal", "in_force": False, "since": "2018-08-01", "until": None,
        "last_event": "vacated 2018-08-01",
    }  # fmt: skip
    assert after[0]["last_event"] == "superseded 2017-11-20 by 2017-11-20 permanent_injunction"
    assert after[5]["since"] == "2017-11-20" and after[5]["last_event"] == "vacated 2018-08-01"


def test_chicago_chain_covers_a_non_party_until_the_stay(chain):
    cli, _eo, jag = chain
    on = lambda day: report(cli, "--as-of", day, "--action", jag)  # noqa: E731
    assert on("2017-09-14") == []
    before = {r["jurisdiction"]: r for r in on("2017-10-01")}
    after = {r["jurisdiction"]: r for r in on("2018-07-01")}
    for who in (PHILADELPHIA, LA, NYC):
        assert (before[who]["in_force"], before[who]["until"]) == (True, "2018-06-26")
        assert (after[who]["in_force"], after[who]["since"]) == (False, "2018-06-26")
        assert after[who]["last_event"] == "stayed 2018-06-26"
    assert (before[CHICAGO]["in_force"], before[CHICAGO]["until"]) == (True, None)
    assert (after[CHICAGO]["in_force"], after[CHICAGO]["since"]) == (True, "2017-09-15")
    # Every tracked jurisdiction is listed under a universal order, by state and name.
    assert [r["state"] for r in on("2018-07-01")] == sorted(r["state"] for r in on("2018-07-01"))
    assert len(after) == 10


def test_report_as_csv_for_one_state(chain):
    cli, eo, jag = chain
    out = ok(cli, "report", "protection", "--as-of", "2018-07-01", "--state", "Pennsylvania",
             "--format", "csv")  # fmt: skip
    assert out.splitlines() == [
        "jurisdiction,name,state,action,case,ruling_date,ruling,scope,in_force,since,until,"
        "last_event",
        f"{PHILADELPHIA},Philadelphia,PA,{eo},{SF_CASE},2017-04-25,preliminary_injunction,"
        "universal,no,2017-11-20,,superseded 2017-11-20 by 2017-11-20 permanent_injunction",
        f"{PHILADELPHIA},Philadelphia,PA,{jag},{CHI_CASE},2017-09-15,preliminary_injunction,"
        "universal,no,2018-06-26,,stayed 2018-06-26",
        f"{PHILADELPHIA},Philadelphia,PA,{eo},{SF_CASE},2017-11-20,permanent_injunction,"
        "universal,yes,2017-11-20,2018-08-01,",
    ]


def test_action_and_state_filters(chain):
    cli, eo, jag = chain
    rows = report(cli, "--as-of", "2017-10-01", "--state", "IL")
    assert {(r["jurisdiction"], r["action"]) for r in rows} == {
        (CHICAGO, eo), (CHICAGO, jag), ("ocd-division/country:us/state:il", eo),
        ("ocd-division/country:us/state:il", jag),
    }  # fmt: skip
    only = report(cli, "--as-of", "2017-10-01", "--state", "IL", "--action", jag)
    assert {r["action"] for r in only} == {jag}
    # The action by its id, too.
    ident = json.loads(ok(cli, "actions", "show", jag, "--format", "json"))["id"]
    assert report(cli, "--as-of", "2017-10-01", "--state", "IL", "--action", str(ident)) == only


def test_the_dossier_lists_the_same_rows_for_today(chain):
    cli, eo, jag = chain
    doc = json.loads(ok(cli, "jurisdictions", "show", "Philadelphia, PA", "--format", "json"))
    assert doc["protection"] == [
        {k: v for k, v in r.items() if k not in ("jurisdiction", "name", "state")}
        for r in report(cli, "--state", "PA")
    ]
    assert [(r["ruling_date"], r["in_force"]) for r in doc["protection"]] == [
        ("2017-04-25", False), ("2017-09-15", False), ("2017-11-20", False),
    ]  # fmt: skip
    sf = json.loads(ok(cli, "jurisdictions", "show", "San Francisco, CA", "--format", "json"))
    assert [(r["action"], r["ruling_date"], r["in_force"]) for r in sf["protection"]] == [
        (eo, "2017-04-25", False), (jag, "2017-09-15", False), (eo, "2017-11-20", True),
    ]  # fmt: skip
    table = ok(cli, "jurisdictions", "show", "San Francisco, CA")
    assert "\nCourt orders protecting it\naction " in table
    # A state is a jurisdiction like any other: every universal order covered it.
    doc = json.loads(ok(cli, "jurisdictions", "show", "Illinois", "--format", "json"))
    assert [(r["ruling_date"], r["in_force"]) for r in doc["protection"]] == [
        ("2017-04-25", False), ("2017-09-15", False), ("2017-11-20", False),
    ]  # fmt: skip


def test_cases_show_lists_scope_restraints_and_events(chain):
    cli, _eo, jag = chain
    doc = json.loads(ok(cli, "cases", "show", CHI_CASE, "--format", "json"))
    (ruling,) = doc["rulings"]
    assert (ruling["scope"], ruling["restrains"], ruling["covers"]) == ("universal", [jag], [])
    (event,) = doc["ruling_events"]
    assert {k: v for k, v in event.items() if k != "id"} == {
        "ruling": "2017-09-15 preliminary_injunction", "event": "stayed", "date": "2018-06-26",
        "appellate": f"{SEVENTH} 2018-06-26 appellate_decision", "still_covers": [CHICAGO],
        "source": CHI_SRC, "note": None,
    }  # fmt: skip


# --- whom an order covers without a list --------------------------------------------


def test_a_parties_order_covers_the_plaintiffs_even_those_added_later(chain, tmp_path):
    cli, _eo, jag = chain
    ok(cli, "cases", "add", "New York v. Sessions", "--court", "S.D.N.Y.", "--docket", "18-cv-1",
       "--source", CHI_SRC, "--plaintiff", "New York City", "--plaintiff", "California",
       "--defendant", "Jeff Sessions")  # fmt: skip
    ok(cli, "cases", "rule", "18-cv-1", "--date", "2018-11-30", "--kind", "permanent_injunction",
       "--source", CHI_SRC, "--restrains", jag, "--scope", "parties")  # fmt: skip
    on = lambda: [  # noqa: E731
        r["jurisdiction"] for r in report(cli, "--as-of", "2019-01-01", "--action", jag)
        if r["case"] == "18-cv-1"
    ]  # fmt: skip
    assert on() == [CA, NYC]
    f = tmp_path / "parties.csv"
    f.write_text(f"case,role,jurisdiction\n18-cv-1,plaintiff,{LA}\n", encoding="utf-8")
    ok(cli, "import", str(f))
    assert on() == [CA, LA, NYC]


def test_a_state_order_covers_the_states_it_names_else_its_state_plaintiffs(chain):
    cli, _eo, jag = chain
    ok(cli, "cases", "add", "California v. Sessions", "--court", "N.D. Cal.", "--docket", "17-cv-4",
       "--source", CHI_SRC, "--plaintiff", "California", "--plaintiff", "Los Angeles")  # fmt: skip
    ok(cli, "cases", "rule", "17-cv-4", "--date", "2018-03-05", "--kind", "preliminary_injunction",
       "--source", CHI_SRC, "--restrains", jag, "--scope", "state")  # fmt: skip
    ok(cli, "cases", "rule", "17-cv-4", "--date", "2018-03-06", "--kind", "other",
       "--source", CHI_SRC, "--restrains", jag, "--scope", "state", "--covers", "IL")  # fmt: skip
    rows = report(cli, "--as-of", "2018-04-01", "--action", jag)
    assert [(r["jurisdiction"], r["ruling_date"]) for r in rows if r["case"] == "17-cv-4"] == [
        (CA, "2018-03-05"), ("ocd-division/country:us/state:il", "2018-03-06"),
    ]  # fmt: skip


def test_an_old_ruling_without_scope_or_restraint_protects_no_one(seeded_cli):
    # The seed's rulings predate scopes: none is an order of the report.
    assert report(seeded_cli, "--as-of", "2018-01-01") == []
    doc = json.loads(ok(seeded_cli, "jurisdictions", "show", "Chicago, IL", "--format", "json"))
    assert doc["protection"] == []
    table = ok(seeded_cli, "jurisdictions", "show", "Chicago, IL")
    assert table.endswith("Court orders protecting it\n(none)")


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["cases", "rule", CHI_CASE, "--date", "2018", "--kind", "other", "--source", "1",
          "--restrains", "no-such-action"], 1,
         "Error: restrains: no action has the id or key 'no-such-action'; see "
         "`tracker actions list`"),
        (["cases", "rule", CHI_CASE, "--date", "2018", "--kind", "other", "--source", "1",
          "--scope", "universal", "--covers", "Chicago, IL"], 1,
         "Error: covers: a universal order covers every jurisdiction; name no one (or give the "
         "scope parties, class or state)"),
        (["cases", "rule", CHI_CASE, "--date", "2018", "--kind", "other", "--source", "1",
          "--scope", "state", "--covers", "Chicago, IL", "--covers", "IL"], 1,
         "Error: covers: Chicago, IL is not a state; an order of scope state covers states"),
        (["cases", "rule", CHI_CASE, "--date", "2018", "--kind", "other", "--source", "1",
          "--covers", "Springfield, IL"], 1,
         "Error: covers: no jurisdiction matches 'Springfield, IL'; see "
         "`tracker jurisdictions list`"),
        (["cases", "rule", CHI_CASE, "--date", "2018", "--kind", "other", "--source", "1",
          "--scope", "everyone"], 2, "Invalid value for '--scope'"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
          "--event", "paused", "--date", "2018", "--source", "1"], 2,
         "Invalid value for '--event': 'paused' is not one of 'stayed', "
         "'stay_lifted', 'vacated', 'reversed', 'affirmed', 'modified', 'expired'."),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
          "--event", "vacated", "--date", "2017-09-14", "--source", "1"], 1,
         "Error: date: 2017-09-14 is before the ruling it concerns (2017-09-15 "
         "preliminary_injunction)"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-16:preliminary_injunction",
          "--event", "vacated", "--date", "2018", "--source", "1"], 1,
         f"Error: ruling: case '{CHI_CASE}' has no ruling of kind preliminary_injunction dated "
         "2017-09-16"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15", "--event", "vacated",
          "--date", "2018", "--source", "1"], 1,
         "Error: ruling: '2017-09-15' names no ruling; write DATE:KIND "
         "(2017-09-15:preliminary_injunction), CASE@DATE:KIND or the ruling's id"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15:injunction", "--event", "vacated",
          "--date", "2018", "--source", "1"], 1,
         "Error: ruling: 'injunction' is not one of: temporary_restraining_order, "
         "preliminary_injunction, permanent_injunction, summary_judgment, dismissal, "
         "appellate_decision, other"),
        (["cases", "event", CHI_CASE, "--ruling", "999999", "--event", "vacated",
          "--date", "2018", "--source", "1"], 1, "Error: ruling: no ruling has the id 999999"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
          "--event", "stayed", "--date", "2018-06-26", "--source", "1"], 1,
         f"Error: {CHI_CASE} | 2017-09-15 | preliminary_injunction | 2018-06-26 | stayed: "
         "this event is already recorded"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
          "--event", "stay_lifted", "--date", "2019", "--source", "1",
          "--still-covers", "Chicago, IL"], 1,
         "Error: still covers: lifting a stay restores the order as it was before the stay; "
         "list no one"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
          "--event", "affirmed", "--date", "2019", "--source", "1",
          "--appellate", "2017-09-15:preliminary_injunction"], 1,
         "Error: appellate: an event cannot be brought by its own ruling"),
        (["cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
          "--event", "affirmed", "--date", "2019", "--source", "1",
          "--appellate", "nowhere@2018:appellate_decision"], 1,
         "Error: appellate: no case has the id, docket or caption 'nowhere'; see "
         "`tracker cases list`"),
        (["cases", "event", SF_CASE, "--ruling", "2017-09-15:preliminary_injunction",
          "--event", "affirmed", "--date", "2019", "--source", "nowhere"], 1,
         "Error: source: no source has the id or key 'nowhere'; see `tracker sources list`"),
        (["report", "protection", "--action", "no-such-action"], 1,
         "Error: action: no action has the id or key 'no-such-action'; see `tracker actions list`"),
        (["report", "protection", "--as-of", "2018-02-30"], 1,
         "Error: as of: '2018-02-30' is not a date (day 30 does not exist in 2018-02)"),
        (["report", "protection", "--state", "ZZ"], 1,
         "Error: state: 'ZZ' is not a US state, territory or DC postal code"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(chain, args, code, message):
    cli = chain[0]
    before = dump(cli.url)
    result = cli(*args)
    assert result.exit_code == code, result.output
    if code == 1:
        assert result.stderr.splitlines() == [message]
    else:
        assert message in " ".join(result.stderr.split())
    assert result.stdout == ""
    assert dump(cli.url) == before


def test_a_ruling_given_by_id_must_be_of_the_case(chain):
    cli = chain[0]
    shown = json.loads(ok(cli, "cases", "show", SF_CASE, "--format", "json"))
    ruling = str(shown["rulings"][0]["id"])
    result = cli("cases", "event", CHI_CASE, "--ruling", ruling, "--event", "vacated",
                 "--date", "2018", "--source", "1")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: ruling: ruling {ruling} is not a ruling of City of Chicago v. Sessions\n"
    )
    # In its own case, the id names it.
    assert ok(cli, "cases", "event", SF_CASE, "--ruling", ruling, "--event", "affirmed",
              "--date", "2017-06", "--source", "1").isdigit()  # fmt: skip


BAD_FILES = {
    "rulings.csv": (
        "case,date,kind,source,scope,restrains,covers\n"
        f"{CHI_CASE},2017-09-16,preliminary_injunction,{CHI_SRC},everyone,nope,\n"
        f"{CHI_CASE},2018-01-01,permanent_injunction,{CHI_SRC},universal,,Illinois\n"
        f"{CHI_CASE},2018-01-03,permanent_injunction,{CHI_SRC},,,\n"
    ),
    "ruling_events.csv": (
        "case,ruling_date,ruling_kind,event,date,source,appellate_case,still_covers\n"
        f"{CHI_CASE},2018-01-03,permanent_injunction,paused,2018-06-26,{CHI_SRC},,\n"
        f"{CHI_CASE},2018-01-03,permanent_injunction,stayed,2017-12,{CHI_SRC},,\n"
        f"{CHI_CASE},2018-01-03,permanent_injunction,stay_lifted,2018-12,{CHI_SRC},,Chicago\n"
        f"{CHI_CASE},2018-01-04,permanent_injunction,stayed,2018-12,{CHI_SRC},{SEVENTH},\n"
    ),
}


def test_import_reports_every_bad_row_and_writes_nothing(chain, tmp_path):
    cli = chain[0]
    for name, text in BAD_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = dump(cli.url)
    result = cli("import", str(tmp_path))
    assert result.exit_code == 1
    # The ruling the failed file would have added (2018-01-03) is found by the events.
    assert result.stderr.splitlines()[1:] == [
        "rulings.csv, line 2: scope: 'everyone' is not one of: parties, class, state, universal",
        "rulings.csv, line 2: restrains: no action has the key 'nope'",
        "rulings.csv, line 3: covers: a universal order covers every jurisdiction; name no one "
        "(or give the scope parties, class or state)",
        "ruling_events.csv, line 2: event: 'paused' is not one of: stayed, stay_lifted, "
        "vacated, reversed, affirmed, modified, expired",
        "ruling_events.csv, line 3: date: 2017-12 is before the ruling it concerns "
        "(2018-01-03 permanent_injunction)",
        "ruling_events.csv, line 4: still_covers: lifting a stay restores the order as it was "
        "before the stay; list no one",
        f"ruling_events.csv, line 5: ruling: case '{CHI_CASE}' has no ruling of kind "
        "permanent_injunction dated 2018-01-04",
        "ruling_events.csv, line 5: appellate: give the case, date and kind of the ruling "
        "that brought it",
    ]
    assert dump(cli.url) == before


# --- files ----------------------------------------------------------------------------


def _export(cli, out: Path) -> dict[str, bytes]:
    ok(cli, "export", "--out", str(out))
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_round_trip_keeps_orders_events_and_whom_they_protect(chain, other_url, tmp_path):
    cli = chain[0]
    first = _export(cli, tmp_path / "first")
    assert first["ruling_events.csv"].decode().splitlines() == [
        "case,ruling_date,ruling_kind,event,date,source,appellate_case,appellate_date,"
        "appellate_kind,still_covers,note",
        f"{CHI_CASE},2017-09-15,preliminary_injunction,stayed,2018-06-26,{CHI_SRC},{SEVENTH},"
        f"2018-06-26,appellate_decision,{CHICAGO},",
        f"{SF_CASE},2017-11-20,permanent_injunction,vacated,2018-08-01,{SF_SRC},{SF_CASE},"
        f"2018-08-01,appellate_decision,{SANTA_CLARA}; {SF},affirmed in part; the nationwide "
        "scope vacated",
    ]
    assert (
        f"{SF_CASE},2017-04-25,preliminary_injunction,William H. Orrick,,{SF_SRC},universal,"
        f"{chain[1]},\n".encode()
    ) in first["rulings.csv"]
    other = CLI(other_url)
    ok(other, "import", str(tmp_path / "first"))
    assert _export(other, tmp_path / "second") == first
    for day in ("2017-05-01", "2017-12-01", "2018-07-01", "2018-08-02"):
        assert report(other, "--as-of", day) == report(cli, "--as-of", day)
    # Importing the same files again changes nothing.
    before = dump(other_url)
    again = ok(other, "import", str(tmp_path / "first"), "--format", "csv")
    assert "ruling_events,0,0,2" in again.splitlines()
    assert "rulings,0,0,7" in again.splitlines()
    assert dump(other_url) == before


def test_import_updates_scope_coverage_and_an_events_list_by_their_keys(chain, tmp_path):
    cli = chain[0]
    (tmp_path / "rulings.csv").write_text(
        "case,date,kind,source,scope,covers\n"
        f"{CHI_CASE},2017-09-15,preliminary_injunction,{CHI_SRC},parties,Chicago; Philadelphia\n",
        encoding="utf-8",
    )
    (tmp_path / "ruling_events.csv").write_text(
        "case,ruling_date,ruling_kind,event,date,source,still_covers\n"
        f"{CHI_CASE},2017-09-15,preliminary_injunction,stayed,2018-06-26,{CHI_SRC},\n",
        encoding="utf-8",
    )
    dry = json.loads(ok(cli, "import", str(tmp_path), "--dry-run", "--format", "json"))
    assert [(c["entity"], c["change"], c["fields"]) for c in dry["changes"]] == [
        ("rulings", "updated", {
            "scope": {"old": "universal", "new": "parties"},
            "covers": {"old": None, "new": f"{CHICAGO}; {PHILADELPHIA}"},
        }),
        ("ruling_events", "updated", {"still_covers": {"old": CHICAGO, "new": None}}),
    ]  # fmt: skip
    ok(cli, "import", str(tmp_path))
    # A parties order naming Chicago and Philadelphia, stayed for both.
    rows = report(cli, "--as-of", "2018-07-01", "--action", chain[2])
    assert [(r["jurisdiction"], r["in_force"]) for r in rows] == [
        (CHICAGO, False), (PHILADELPHIA, False),
    ]  # fmt: skip
    # A file without covers or still_covers leaves them as stored.
    (tmp_path / "rulings.csv").write_text(
        f"case,date,kind,source\n{CHI_CASE},2017-09-15,preliminary_injunction,{CHI_SRC}\n",
        encoding="utf-8",
    )
    (tmp_path / "ruling_events.csv").write_text(
        "case,ruling_date,ruling_kind,event,date,source,note\n"
        f"{CHI_CASE},2017-09-15,preliminary_injunction,stayed,2018-06-26,{CHI_SRC},en banc\n",
        encoding="utf-8",
    )
    before = report(cli, "--as-of", "2018-07-01")
    ok(cli, "import", str(tmp_path))
    assert report(cli, "--as-of", "2018-07-01") == before


def test_a_jurisdiction_an_order_names_is_removed_only_with_its_coverage(chain):
    cli, _eo, jag = chain
    ok(cli, "cases", "rule", CHI_CASE, "--date", "2018-11-16", "--kind", "permanent_injunction",
       "--source", CHI_SRC, "--restrains", jag, "--scope", "parties",
       "--covers", "Philadelphia, PA")  # fmt: skip
    ok(cli, "cases", "event", CHI_CASE, "--ruling", "2018-11-16:permanent_injunction",
       "--event", "modified", "--date", "2019", "--source", CHI_SRC,
       "--still-covers", "Philadelphia, PA")  # fmt: skip
    refused = cli("jurisdictions", "remove", "Philadelphia, PA", "--yes")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: Philadelphia, PA ({PHILADELPHIA}) has history (1 court order coverages, "
        "1 court order event coverages); use --cascade to remove it and its records\n"
    )
    ok(cli, "jurisdictions", "remove", "Philadelphia, PA", "--yes", "--cascade")
    doc = json.loads(ok(cli, "cases", "show", CHI_CASE, "--format", "json"))
    assert [r["covers"] for r in doc["rulings"]] == [[], []]


def test_migration_carries_rulings_without_a_scope_and_back(empty_url):
    db.upgrade(empty_url, "0005")
    stamp = "2017-11-15 12:00:00"
    with db.engine_for(empty_url).begin() as conn:
        for sql in (
            "INSERT INTO source (id, key, title, kind, created_at)"
            " VALUES (1, 'S', 'S', 'news', :at)",
            "INSERT INTO legal_case (id, key, caption, court, status, source_id, created_at)"
            " VALUES (1, 'A v. B', 'A v. B', 'C', 'pending', 1, :at)",
            "INSERT INTO ruling (id, case_id, date, kind, source_id, created_at)"
            " VALUES (1, 1, '2017-09-15', 'preliminary_injunction', 1, :at)",
        ):
            conn.execute(sa.text(sql), {"at": stamp})
    db.upgrade(empty_url)
    db.dispose_all()
    doc = json.loads(ok(CLI(empty_url), "cases", "show", "A v. B", "--format", "json"))
    assert [(r["date"], r["scope"], r["restrains"], r["covers"]) for r in doc["rulings"]] == [
        ("2017-09-15", None, [], [])
    ]
    assert doc["ruling_events"] == []
    db.downgrade(empty_url, "0005")
    with db.engine_for(empty_url).connect() as conn:
        assert conn.execute(sa.text("SELECT id, date FROM ruling")).all() == [(1, "2017-09-15")]


def test_an_order_without_scope_or_without_restraint_is_still_reported(chain, tmp_path):
    cli, _eo, jag = chain
    (tmp_path / "rulings.csv").write_text(
        "case,date,kind,source,scope,restrains\n"
        f"{CHI_CASE},2018-11-16,permanent_injunction,{CHI_SRC},,{jag}\n"
        f"{CHI_CASE},2018-12,other,{CHI_SRC},parties,\n",
        encoding="utf-8",
    )
    ok(cli, "import", str(tmp_path / "rulings.csv"))
    rows = [r for r in report(cli, "--as-of", "2019-01-01") if r["ruling_date"] >= "2018-11"]
    assert [(r["jurisdiction"], r["action"], r["ruling_date"], r["scope"]) for r in rows] == [
        (CHICAGO, jag, "2018-11-16", None), (CHICAGO, None, "2018-12", "parties"),
    ]  # fmt: skip
    assert [r["in_force"] for r in rows] == [True, True]
    # The permanent injunction replaced the preliminary one; --action leaves out the
    # order that restrains none recorded.
    with_action = report(cli, "--as-of", "2019-01-01", "--action", jag)
    assert [
        (r["ruling_date"], r["in_force"], r["last_event"])
        for r in with_action
        if r["jurisdiction"] == CHICAGO
    ] == [
        ("2017-09-15", False, "superseded 2018-11-16 by 2018-11-16 permanent_injunction"),
        ("2018-11-16", True, None),
    ]


def test_report_protection_as_known_before_a_later_event(chain):
    """--known-at: an event recorded later does not change what the
    database answered before it was recorded."""
    import time
    from datetime import UTC, datetime

    cli, _eo, jag = chain
    time.sleep(0.02)
    before_edit = datetime.now(UTC).isoformat()
    time.sleep(0.02)
    ok(cli, "cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
       "--event", "vacated", "--date", "2018-09-01", "--source", CHI_SRC)  # fmt: skip
    on = lambda *more: {  # noqa: E731
        r["jurisdiction"]: r["in_force"]
        for r in report(cli, "--as-of", "2018-10-01", "--action", jag, *more)
    }
    assert on()[CHICAGO] is False
    assert on("--known-at", before_edit)[CHICAGO] is True
    assert on("--known-at", before_edit)[PHILADELPHIA] is False
