"""Importing status rows into a table that holds assertions, on both engines.

Each row is matched to a stored assertion that says the same (jurisdiction,
source, status, dates): the one its ``recorded_at`` names first, else an
unclaimed one with the same texts, else the latest unclaimed one. A matched
row changes only the texts its file has; an unmatched one is a new
assertion, stored in the file's order. The rows of every jurisdiction are
matched apart (a national file is parked in a scratch table, not held in
memory), so the outcome must not depend on how the file interleaves them.
"""

import json
import random
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from conftest import import_dir

from tracker import db, status

CHI = "ocd-division/country:us/state:il/place:chicago"
NYC = "ocd-division/country:us/state:ny/place:new_york"
SRC = "https://example.org/report"

BASE = {
    "sources.csv": f"key,title,url\n{SRC},A report,{SRC}\n",
    "jurisdictions.csv": (
        f"ocd_id,name,kind,state\n{CHI},Chicago,city,IL\n{NYC},New York,city,NY\n"
    ),
}
FIRST = "2024-01-02T03:04:05.000000Z"
SECOND = "2024-01-02T03:04:06.000000Z"
HEADER = "jurisdiction,status,source,effective,note,recorded_at\n"
# Two assertions that say the same, told apart by their notes and when each was recorded.
SAID_TWICE = (
    f"{CHI},sanctuary,{SRC},2017-01,first,{FIRST}\n{CHI},sanctuary,{SRC},2017-01,second,{SECOND}\n"
)
# One assertion in each of two jurisdictions.
ONE_EACH = f"{NYC},partial,{SRC},2015,kept,{FIRST}\n{CHI},sanctuary,{SRC},2017,kept,{FIRST}\n"


def _canonical(stamp) -> str:
    """A stored recorded_at as a file writes it (SQLite gives text, PostgreSQL a datetime)."""
    if isinstance(stamp, datetime):
        return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return stamp.replace(" ", "T") + "Z"


def _table(url: str) -> list[tuple]:
    """(id, jurisdiction, status, source, effective, note, label, recorded_at) by id."""
    with db.engine_for(url).connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT p.id, j.ocd_id, p.status, s.key, p.effective, p.note, p.label, "
                "p.recorded_at FROM policy_status p JOIN jurisdiction j ON j.id = p.jurisdiction_id "
                "JOIN source s ON s.id = p.source_id ORDER BY p.id"
            )
        )
        return [(*r[:4], r[4] or "", r[5] or "", r[6] or "", _canonical(r[7])) for r in rows]


def _stored(url: str) -> list[tuple]:
    """(id, jurisdiction's OCD id, status, effective, note) by id."""
    return [(r[0], r[1], r[2], r[4], r[5]) for r in _table(url)]


def _seeded(cli, tmp_path, status: str):
    return import_dir(cli, tmp_path, {**BASE, "status.csv": HEADER + status})


def _import(cli, tmp_path, text: str, *args: str):
    f = tmp_path / "again.csv"
    f.write_text(text, encoding="utf-8")
    return cli("import", str(f), "--entity", "status", *args)


def _summary(result) -> dict:
    (found,) = json.loads(result.stdout)
    return {k: found[k] for k in ("added", "updated", "unchanged")}


def test_a_row_naming_its_recorded_at_claims_that_assertion(cli, url, tmp_path):
    _seeded(cli, tmp_path, SAID_TWICE)
    before = _stored(url)
    result = _import(
        cli, tmp_path, HEADER + f"{CHI},sanctuary,{SRC},2017-01,first again,{FIRST}\n",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _summary(result) == {"added": 0, "updated": 1, "unchanged": 0}
    assert _stored(url) == [(*before[0][:4], "first again"), before[1]]


def test_a_row_without_recorded_at_takes_the_same_texts_first_then_the_latest(cli, url, tmp_path):
    _seeded(cli, tmp_path, SAID_TWICE)
    before = _stored(url)
    header = "jurisdiction,status,source,effective,note\n"
    # The older assertion's note: that one, unchanged.
    same = _import(cli, tmp_path, header + f"{CHI},sanctuary,{SRC},2017-01,first\n", "-f", "json")
    assert _summary(same) == {"added": 0, "updated": 0, "unchanged": 1}
    # A new note: the latest assertion takes it.
    new = _import(cli, tmp_path, header + f"{CHI},sanctuary,{SRC},2017-01,changed\n", "-f", "json")
    assert _summary(new) == {"added": 0, "updated": 1, "unchanged": 0}
    assert _stored(url) == [before[0], (*before[1][:4], "changed")]
    # Both named by their recorded_at, and a third that says the same: a new assertion.
    text = HEADER + (
        f"{CHI},sanctuary,{SRC},2017-01,second,{SECOND}\n"
        f"{CHI},sanctuary,{SRC},2017-01,first,{FIRST}\n"
        f"{CHI},sanctuary,{SRC},2017-01,third,2024-01-02T03:04:07.000000Z\n"
    )
    third = _import(cli, tmp_path, text, "-f", "json")
    assert _summary(third) == {"added": 1, "updated": 1, "unchanged": 1}
    after = _stored(url)
    assert after[:2] == before
    assert after[2][1:] == (CHI, "sanctuary", "2017-01", "third")


def test_interleaved_jurisdictions_are_matched_apart_and_new_rows_keep_the_file_order(
    cli, url, tmp_path
):
    _seeded(cli, tmp_path, ONE_EACH)
    before = _stored(url)
    text = (
        "jurisdiction,status,source,effective,note\n"
        f"{CHI},cooperative,{SRC},2020,new 1\n"
        f"{NYC},partial,{SRC},2015,kept\n"
        f"{NYC},sanctuary,{SRC},2021,new 2\n"
        f"{CHI},sanctuary,{SRC},2017,changed\n"
        f"{NYC},cooperative,{SRC},2022,new 3\n"
    )
    result = _import(cli, tmp_path, text, "--format", "json")
    assert result.exit_code == 0, result.output
    assert _summary(result) == {"added": 3, "updated": 1, "unchanged": 1}
    after = _stored(url)
    assert after[:2] == [before[0], (*before[1][:4], "changed")]
    assert [r[1:] for r in after[2:]] == [
        (CHI, "cooperative", "2020", "new 1"),
        (NYC, "sanctuary", "2021", "new 2"),
        (NYC, "cooperative", "2022", "new 3"),
    ]
    # The periods of status follow the new assertions.
    shown = cli("report", "status", "--format", "csv").stdout
    assert "Chicago,city,IL,,,cooperative" in shown or ",cooperative," in shown


def test_a_repeated_row_is_refused_with_both_lines_and_nothing_written(cli, url, tmp_path):
    _seeded(cli, tmp_path, f"{CHI},sanctuary,{SRC},2017-01,kept,{FIRST}\n")
    before = _stored(url)
    text = (
        "jurisdiction,status,source,effective,note\n"
        f"{NYC},partial,{SRC},2015,one\n"
        f"{CHI},cooperative,{SRC},2020,two\n"
        f"{NYC},partial,{SRC},2015,three\n"
        f"{CHI},cooperative,{SRC},2020,four\n"
        f"{CHI},nonsense,{SRC},2020,five\n"
    )
    result = _import(cli, tmp_path, text)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: import failed with 3 problem(s), nothing written:",
        "again.csv, line 6: status: 'nonsense' is not one of: sanctuary, partial, "
        "cooperative, anti_sanctuary, neutral, unknown",
        "again.csv, line 4: same record as line 2 (partial, 2015)",
        "again.csv, line 5: same record as line 3 (cooperative, 2020)",
    ]
    assert _stored(url) == before


def test_a_dry_run_lists_the_changes_in_the_file_order_and_writes_nothing(cli, url, tmp_path):
    _seeded(cli, tmp_path, ONE_EACH)
    before = _stored(url)
    text = (
        "jurisdiction,status,source,effective,note,recorded_at\n"
        f"{CHI},sanctuary,{SRC},2017,changed,{FIRST}\n"
        f"{NYC},cooperative,{SRC},2022,new,{SECOND}\n"
        f"{NYC},partial,{SRC},2015,kept,{FIRST}\n"
    )
    result = _import(cli, tmp_path, text, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    assert [(c["change"], c["key"]) for c in changes] == [
        ("updated", f"{CHI} | sanctuary | {SRC} | effective 2017"),
        ("added", f"{NYC} | cooperative | {SRC} | effective 2022"),
    ]
    assert changes[0]["fields"] == {"note": {"old": "kept", "new": "changed"}}
    assert changes[1]["fields"]["recorded_at"] == {"old": None, "new": SECOND}
    assert _stored(url) == before


PLACES = [
    "ocd-division/country:us/state:il/place:chicago",
    "ocd-division/country:us/state:ny/place:new_york",
    "ocd-division/country:us/state:il/place:evanston",
    "ocd-division/country:us/state:ca/place:oakland",
    "ocd-division/country:us/state:tx/place:austin",
]
SOURCES = ["https://example.org/a", "https://example.org/b"]
SHUFFLED_HEADER = "jurisdiction,status,source,effective,note,label,recorded_at\n"


def _one_pass(stored: list[tuple], rows: list[tuple]) -> list[tuple]:
    """The table after importing ``rows`` (said, note, label, recorded_at),
    by the rule as one pass over the whole file and table, no jurisdiction
    apart: each row claims the stored assertion its recorded_at names, else
    an unclaimed one saying the same with the same texts (the latest
    recorded), else the latest unclaimed one that says the same."""
    table = [list(r[1:7]) for r in stored]
    order = sorted(range(len(stored)), key=lambda i: (stored[i][7], stored[i][0]))
    claimed: set[int] = set()
    found: list[int | None] = [None] * len(rows)
    for n, (said, _note, _label, recorded) in enumerate(rows):
        for i in order:
            if (
                recorded
                and i not in claimed
                and (tuple(table[i][:4]), stored[i][7]) == (said, recorded)
            ):
                claimed.add(i)
                found[n] = i
                break
    for n, (said, note, label, _recorded) in enumerate(rows):
        if found[n] is None:
            candidates = [i for i in order if i not in claimed and tuple(table[i][:4]) == said]
            same = [i for i in candidates if table[i][4:6] == [note, label]]
            pick = same[-1] if same else (candidates[-1] if candidates else None)
            if pick is not None:
                claimed.add(pick)
                found[n] = pick
    added = []
    for n, (said, note, label, _recorded) in enumerate(rows):
        if found[n] is None:
            added.append((*said, note, label))
        else:
            table[found[n]][4:6] = [note, label]
    return [tuple(r) for r in table] + added


@pytest.mark.parametrize("parked", ["in memory", "in a scratch table"])
def test_a_shuffled_file_over_many_jurisdictions_matches_as_one_pass_would(
    cli, url, tmp_path, monkeypatch, parked
):
    if parked == "in a scratch table":
        # A national file's way: past this many rows they wait in a table.
        monkeypatch.setattr(status._Parked, "FEW", 7)
    rng = random.Random(20180124)
    stamps = [f"2024-01-02T03:04:{s:02d}.000000Z" for s in range(6)]

    def said() -> tuple:
        return (
            rng.choice(PLACES),
            rng.choice(["sanctuary", "partial", "cooperative"]),
            rng.choice(SOURCES),
            rng.choice(["2017", "2018-05", ""]),
        )

    stored_rows: dict[tuple, tuple] = {}
    while len(stored_rows) < 80:
        s, stamp = said(), rng.choice(stamps)
        stored_rows[(s, stamp)] = (*s, rng.choice(["", "n1", "n2"]), rng.choice(["", "l1"]), stamp)
    files = {
        "sources.csv": "key,title,url\n" + "".join(f"{k},{k},{k}\n" for k in SOURCES),
        "jurisdictions.csv": "ocd_id,name,kind,state\n"
        + "".join(
            f"{o},{o.rsplit(':', 1)[1].title()},city,{o.split('/')[2][6:].upper()}\n"
            for o in PLACES
        ),
        "status.csv": SHUFFLED_HEADER + "".join(",".join(r) + "\n" for r in stored_rows.values()),
    }
    import_dir(cli, tmp_path, files)
    stored = _table(url)

    # Rows that say what stored ones say (half naming when each was
    # recorded, half with other texts) and new ones, shuffled, none twice.
    rows, keys = [], set()
    for r in rng.sample(stored, 60) + [(None, *said(), "", "", "") for _ in range(30)]:
        recorded = r[7] if r[7] and rng.random() < 0.5 else ""
        note = r[5] if rng.random() < 0.5 else rng.choice(["n1", "n3", ""])
        label = r[6] if rng.random() < 0.7 else rng.choice(["l1", ""])
        if (r[1:5], recorded) not in keys:
            keys.add((r[1:5], recorded))
            rows.append((tuple(r[1:5]), note, label, recorded))
    rng.shuffle(rows)
    text = SHUFFLED_HEADER + "".join(",".join((*s, n, lb, rec)) + "\n" for s, n, lb, rec in rows)
    expected = _one_pass(stored, rows)
    result = _import(cli, tmp_path, text, "-f", "json")
    assert result.exit_code == 0, result.output
    assert [r[1:7] for r in _table(url)] == expected
    summary = _summary(result)
    assert summary["added"] == len(expected) - len(stored)
    assert summary["added"] + summary["updated"] + summary["unchanged"] == len(rows)


@pytest.mark.parametrize("engine_name", ["postgresql"])
def test_a_read_only_database_is_checked_against_its_own_export(cli, url, postgres, tmp_path):
    """A standby, or a database set read-only: a dry run of a file of what
    it holds, and ``seed`` again, find nothing to change and need no table."""
    _seeded(cli, tmp_path, SAID_TWICE + ONE_EACH)
    exported = tmp_path / "status.csv"
    exported.write_text(cli("export", "status").stdout, encoding="utf-8")
    database = sa.engine.make_url(url).database
    with postgres.admin.connect() as conn:
        conn.exec_driver_sql(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    db.dispose_all()
    before = _table(url)

    result = cli("import", str(exported), "--dry-run", "-f", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changes"] == []
    assert json.loads(result.stdout)["summary"][0]["unchanged"] == 4
    assert _table(url) == before
