"""The change feed and "as known on" queries: every change is kept with when
it was recorded (in-place edits and removals too), `tracker changes --since`
lists what was added, changed or removed, and `--known-at` answers from what
the database held at a moment. Both engines."""

import json
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tracker import db, journal
from tracker.models import metadata

SRC = "https://example.org/survey"
SRC2 = "https://example.org/later"
IL = "ocd-division/country:us/state:il"
CHI = "ocd-division/country:us/state:il/place:chicago"
KEY = "2025-08-05-sanctuary-jurisdiction-list"
COOK = "ocd-division/country:us/state:il/county:cook"


def _moment() -> str:
    """Now, as a user would pass it, with the clock moved on past it."""
    time.sleep(0.02)
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    time.sleep(0.02)
    return moment


def _ok(cli, *args):
    r = cli(*args)
    assert r.exit_code == 0, r.output
    return r


@pytest.fixture
def history(cli):
    """Three moments: before anything, after a first batch, after edits."""
    t0 = _moment()
    _ok(cli, "sources", "add", "A survey", "--url", SRC, "--kind", "dataset")
    _ok(cli, "jurisdictions", "add", "Illinois")
    _ok(cli, "jurisdictions", "add", "Chicago, IL", "--kind", "city", "--population", "2700000")
    _ok(cli, "status", "set", "Illinois", "sanctuary", "--source", SRC, "--effective", "2017-08-28")
    _ok(cli, "status", "set", "Chicago, IL", "sanctuary", "--source", SRC, "--effective", "2012")
    t1 = _moment()
    _ok(cli, "sources", "add", "A later survey", "--url", SRC2, "--kind", "dataset")
    _ok(cli, "jurisdictions", "update", "Chicago, IL", "--population", "2746388",
        "--add-alias", "Chi-Town")  # fmt: skip
    _ok(cli, "status", "set", "Chicago, IL", "cooperative", "--source", SRC2,
        "--effective", "2016")  # fmt: skip
    _ok(cli, "jurisdictions", "add", "Cook County, IL")
    t2 = _moment()
    return t0, t1, t2


def _report(cli, *args) -> dict[str, tuple]:
    out = _ok(cli, "report", "status", "--format", "json", *args).stdout
    return {r["jurisdiction"]: (r["status"], r["source"]) for r in json.loads(out)}


def test_report_status_as_of_and_as_known_at(cli, history):
    t0, t1, t2 = history
    sanctuary, changed = ("sanctuary", SRC), ("cooperative", SRC2)
    none = ("no status recorded", None)
    grid = {
        # (as of, known at): what the report says
        ("2015", t0): {},
        ("2015", t1): {IL: none, CHI: sanctuary},
        ("2018", t1): {IL: sanctuary, CHI: sanctuary},
        ("2015", t2): {IL: none, CHI: sanctuary, COOK: none},
        ("2018", t2): {IL: sanctuary, CHI: changed, COOK: none},
        ("2018", None): {IL: sanctuary, CHI: changed, COOK: none},
    }
    for (as_of, known_at), expected in grid.items():
        args = ["--as-of", as_of] + (["--known-at", known_at] if known_at else [])
        assert _report(cli, *args) == expected, (as_of, known_at)


def test_dossier_as_known_at_shows_old_values(cli, history):
    _t0, t1, _t2 = history
    then = json.loads(_ok(cli, "jurisdictions", "show", "Chicago, IL", "--format", "json",
                          "--known-at", t1).stdout)  # fmt: skip
    now = json.loads(_ok(cli, "jurisdictions", "show", "Chicago, IL", "--format", "json").stdout)
    assert then["jurisdiction"]["population"] == 2700000
    assert then["jurisdiction"]["aliases"] == []
    assert [s["status"] for s in then["current_status"]] == ["sanctuary"]
    assert now["jurisdiction"]["population"] == 2746388
    assert now["jurisdiction"]["aliases"] == ["Chi-Town"]
    assert [s["status"] for s in now["current_status"]][0] == "cooperative"
    # A jurisdiction added later was not known then.
    gone = cli("jurisdictions", "show", "Cook County, IL", "--known-at", t1)
    assert gone.exit_code == 1
    assert gone.output.startswith("Error: jurisdiction: no jurisdiction matches 'Cook County, IL'")


def test_changes_since_lists_each_field_old_and_new(cli, history):
    _t0, t1, _t2 = history
    out = _ok(cli, "changes", "--since", t1, "--format", "csv").stdout
    assert out.splitlines() == [
        "entity,key,change,field,old,new,source",
        f"sources,{SRC2},added,key,,{SRC2},",
        f"sources,{SRC2},added,title,,A later survey,",
        f"sources,{SRC2},added,url,,{SRC2},",
        f"sources,{SRC2},added,kind,,dataset,",
        f"jurisdictions,{COOK},added,ocd_id,,{COOK},",
        f"jurisdictions,{COOK},added,name,,Cook County,",
        f"jurisdictions,{COOK},added,kind,,county,",
        f"jurisdictions,{COOK},added,state,,IL,",
        f"jurisdictions,{COOK},added,fips,,17031,",
        f"jurisdictions,{CHI},updated,population,2700000,2746388,",
        f"jurisdictions,{CHI},updated,aliases,,Chi-Town,",
        f"status,{CHI} | cooperative | {SRC2} | 2016,added,jurisdiction,,{CHI},{SRC2}",
        f"status,{CHI} | cooperative | {SRC2} | 2016,added,status,,cooperative,{SRC2}",
        f"status,{CHI} | cooperative | {SRC2} | 2016,added,source,,{SRC2},{SRC2}",
        f"status,{CHI} | cooperative | {SRC2} | 2016,added,effective,,2016,{SRC2}",
        f"status,{CHI} | cooperative | {SRC2} | 2016,added,recorded_at,,"
        + out.splitlines()[-1].split(",")[-2]
        + f",{SRC2}",
    ]


def test_changes_for_one_entity_and_one_jurisdiction_as_jsonl(cli, history):
    _t0, t1, _t2 = history
    out = _ok(cli, "changes", "--since", t1, "--entity", "jurisdictions", "--format", "jsonl")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["key"], r["change"]) for r in lines] == [(COOK, "added"), (CHI, "updated")]
    assert lines[1]["fields"] == {
        "population": {"old": "2700000", "new": "2746388"},
        "aliases": {"old": None, "new": "Chi-Town"},
    }
    out = _ok(cli, "changes", "--since", t1, "--jurisdiction", "Chicago, IL", "--format", "json")
    records = json.loads(out.stdout)
    assert [(r["entity"], r["change"]) for r in records] == [
        ("jurisdictions", "updated"),
        ("status", "added"),
    ]
    assert records[1]["source"] == SRC2
    # Nothing since the last edit.
    assert _ok(cli, "changes", "--since", history[2], "--format", "jsonl").stdout == ""


def test_an_edit_undone_and_a_removal_keep_their_history(cli, url, history):
    _t0, _t1, t2 = history
    _ok(cli, "jurisdictions", "update", "Chicago, IL", "--notes", "checked")
    _ok(cli, "jurisdictions", "update", "Chicago, IL", "--notes", "")
    _ok(cli, "jurisdictions", "remove", "Chicago, IL", "--cascade", "--yes")
    out = _ok(cli, "changes", "--since", t2, "--format", "json").stdout
    records = json.loads(out)
    assert {(r["entity"], r["change"]) for r in records} == {
        ("jurisdictions", "removed"),
        ("status", "removed"),
    }
    removed = next(r for r in records if r["entity"] == "jurisdictions")
    assert removed["fields"]["population"] == {"old": "2746388", "new": None}
    # A jurisdiction removed since is still named by what it was then.
    about = _ok(cli, "changes", "--since", t2, "--jurisdiction", "Chicago, IL", "--format", "json")
    assert json.loads(about.stdout) == records
    # The old rows are in the journal, and the dossier as known before is whole.
    then = _ok(cli, "jurisdictions", "show", "Chicago, IL", "--known-at", t2, "--format", "json")
    assert json.loads(then.stdout)["jurisdiction"]["population"] == 2746388
    with db.engine_for(url).connect() as conn:
        ops = conn.execute(
            sa.text("SELECT table_name, op FROM change_log WHERE op = 'delete' ORDER BY id")
        ).all()
    assert ("jurisdiction", "delete") in ops
    assert ("policy_status", "delete") in ops
    assert ("jurisdiction_alias", "delete") in ops


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "status", "--known-at", "yesterday-ish"],
         "Error: --known-at: 'yesterday-ish' is not a moment: give YYYY-MM-DD, an ISO 8601 "
         "timestamp such as 2025-06-01T12:00:00Z, or a time ago such as 24h or 7d"),
        (["changes", "--since", "2025-13-01"],
         "Error: --since: '2025-13-01' is not a moment: give YYYY-MM-DD, an ISO 8601 "
         "timestamp such as 2025-06-01T12:00:00Z, or a time ago such as 24h or 7d"),
        (["changes", "--since", "7d", "--entity", "statuses"],
         "Error: --entity: 'statuses' is not one of: "),
        (["changes", "--since", "7d", "--jurisdiction", "Atlantis, ZZ"],
         "Error: --jurisdiction: "),
    ],
)  # fmt: skip
def test_bad_moments_and_filters(cli, args, message):
    r = cli(*args)
    assert r.exit_code == 1
    assert r.output.startswith(message), r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_day_means_its_end_for_known_at_and_its_start_for_since():
    assert journal.parse_moment("2025-06-01", end_of_day=True) == datetime(
        2025, 6, 1, 23, 59, 59, 999999, tzinfo=UTC
    )
    assert journal.parse_moment("2025-06-01", end_of_day=False) == datetime(2025, 6, 1, tzinfo=UTC)
    assert journal.parse_moment("2025-06-01T12:00:00+02:00", end_of_day=True) == datetime(
        2025, 6, 1, 10, tzinfo=UTC
    )
    assert journal.parse_moment("2025-06-01T12:00:00", end_of_day=True) == datetime(
        2025, 6, 1, 12, tzinfo=UTC
    )


def test_every_table_is_journaled_with_every_column(url, engine_name):
    """A migration that rebuilds a table must install the triggers again:
    this fails when one is missing or misses a column."""
    with db.engine_for(url).connect() as conn:
        for table in journal.journaled():
            if engine_name == "sqlite":
                found = conn.execute(
                    sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                            "AND tbl_name = :t AND name LIKE 'journal_%'"), {"t": table.name}
                ).all()  # fmt: skip
                ops = {name.rsplit("_", 1)[1] for name, _sql in found}
                for _name, sql in found:
                    for column in table.columns:
                        assert f"OLD.{column.name}" in sql or f"NEW.{column.name}" in sql
            else:
                found = conn.execute(
                    sa.text("SELECT event_manipulation FROM information_schema.triggers "
                            "WHERE event_object_table = :t AND trigger_name = 'journal'"),
                    {"t": table.name},
                ).scalars()  # fmt: skip
                ops = {op.lower() for op in found}
            stamped = journal.stamp(table) is not None
            expected = {"update", "delete"} if stamped else {"insert", "update", "delete"}
            assert ops == expected, table.name
    assert "change_log" in metadata.tables


def test_a_list_entry_fate_and_a_changed_target_appear_in_the_feed(cli, tmp_path):
    _ok(cli, "sources", "add", "DOJ list", "--url", SRC, "--kind", "government_release")
    _ok(cli, "actions", "add", "Sanctuary jurisdiction list", "--date", "2025-08-05",
        "--agency", "U.S. Department of Justice", "--kind", "designation_list",
        "--source", SRC)  # fmt: skip
    names = tmp_path / "doj.csv"
    names.write_text("Jurisdiction,State\nIllinois,\nCook County,IL\n")
    _ok(cli, "actions", "load-entries", KEY, str(names), "--name", "Jurisdiction",
        "--state", "State")  # fmt: skip
    since = _moment()
    _ok(cli, "sources", "add", "A dispute", "--url", SRC2)
    _ok(cli, "actions", "fate", KEY, "Cook County", "--fate", "disputed",
        "--date", "2025-08-06", "--source", SRC2)  # fmt: skip
    out = _ok(cli, "changes", "--since", since, "--entity", "entry_fates", "--format", "csv")
    assert out.stdout.splitlines() == [
        "entity,key,change,field,old,new,source",
        f"entry_fates,{KEY} | Cook County | {COOK} | disputed | 2025-08-06,added,action,,{KEY},{SRC2}",
        f"entry_fates,{KEY} | Cook County | {COOK} | disputed | 2025-08-06,added,name,,Cook County,{SRC2}",
        f"entry_fates,{KEY} | Cook County | {COOK} | disputed | 2025-08-06,added,jurisdiction,,{COOK},{SRC2}",
        f"entry_fates,{KEY} | Cook County | {COOK} | disputed | 2025-08-06,added,fate,,disputed,{SRC2}",
        f"entry_fates,{KEY} | Cook County | {COOK} | disputed | 2025-08-06,added,date,,2025-08-06,{SRC2}",
        f"entry_fates,{KEY} | Cook County | {COOK} | disputed | 2025-08-06,added,source,,{SRC2},{SRC2}",
    ]  # fmt: skip
    # An action's targets changed in place: the old list is in the feed.
    _ok(cli, "jurisdictions", "add", "Chicago, IL", "--kind", "city")
    _ok(cli, "actions", "update", KEY, "--add-target", "Chicago, IL")
    out = _ok(cli, "changes", "--since", since, "--entity", "actions", "--format", "json").stdout
    (record,) = json.loads(out)
    assert record["fields"] == {
        "targets": {"old": f"{IL}; {COOK}", "new": f"{IL}; {COOK}; {CHI}"},
    }
