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

import sqlalchemy as sa
from conftest import import_dir

from tracker import db

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


def _stored(url: str) -> list[tuple]:
    """(id, jurisdiction's OCD id, status, effective, note, recorded_at) by id."""
    with db.engine_for(url).connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT p.id, j.ocd_id, p.status, p.effective, p.note FROM policy_status p "
                "JOIN jurisdiction j ON j.id = p.jurisdiction_id ORDER BY p.id"
            )
        )
        return [tuple(r) for r in rows]


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
    # Two assertions that say the same, told apart only by when each was recorded.
    _seeded(
        cli,
        tmp_path,
        f"{CHI},sanctuary,{SRC},2017-01,first,{FIRST}\n{CHI},sanctuary,{SRC},2017-01,second,{SECOND}\n",
    )
    before = _stored(url)
    result = _import(
        cli, tmp_path, HEADER + f"{CHI},sanctuary,{SRC},2017-01,first again,{FIRST}\n",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _summary(result) == {"added": 0, "updated": 1, "unchanged": 0}
    assert _stored(url) == [(*before[0][:4], "first again"), before[1]]


def test_a_row_without_recorded_at_takes_the_same_texts_first_then_the_latest(cli, url, tmp_path):
    _seeded(
        cli,
        tmp_path,
        f"{CHI},sanctuary,{SRC},2017-01,first,{FIRST}\n{CHI},sanctuary,{SRC},2017-01,second,{SECOND}\n",
    )
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
    _seeded(
        cli,
        tmp_path,
        f"{NYC},partial,{SRC},2015,kept,{FIRST}\n{CHI},sanctuary,{SRC},2017,kept,{FIRST}\n",
    )
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
    _seeded(
        cli,
        tmp_path,
        f"{NYC},partial,{SRC},2015,kept,{FIRST}\n{CHI},sanctuary,{SRC},2017,kept,{FIRST}\n",
    )
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
