"""Imports never lose stored data, for every entity, on both engines.

A row matched to a stored record changes only the columns its file has: a
column the file lacks leaves that field as stored (a key column it lacks
takes no part in the match), an empty cell in a present column means no
value, and a row that changes nothing is unchanged. ``import --dry-run``
lists every field that would change, old and new, and writes nothing.
"""

import copy
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import dump

from tracker import db
from tracker.models import metadata

CA = "ocd-division/country:us/state:ca"
SCC = "ocd-division/country:us/state:ca/county:santa_clara"
CHI = "ocd-division/country:us/state:il/place:chicago"
REPORT = "https://example.org/report"
# A source whose key is not its url.
SECOND = "custom-source"
CASE = "1:17-cv-5720"
ACTION = "custom-action"

# Every entity, every optional column filled.
FULL = {
    "sources.csv": (
        "key,title,publisher,author,url,published,kind\n"
        f"{REPORT},A report,The Publisher,Ann Author,{REPORT},2018-01-25,dataset\n"
        f"{SECOND},Second report,Other Press,Bo Writer,https://example.org/second,2019-03,"
        "government_release\n"
    ),
    "jurisdictions.csv": (
        "ocd_id,name,kind,state,fips,population,aliases,notes\n"
        f"{CA},California,state,CA,06,39538223,Calif.,State note\n"
        f"{SCC},Santa Clara County,county,CA,06085,1936259,Santa Clara Co.,County note\n"
        f'{CHI},Chicago,city,IL,1714000,2746388,"Chi-town; Windy City",City note\n'
    ),
    "status.csv": (
        "jurisdiction,status,source,effective,observed,citation,quote,note,label,recorded_at\n"
        f"{CHI},sanctuary,{REPORT},2017-01,2018-01-24,p. 3,A quote,A note,sanctuary_strong,"
        "2024-01-02T03:04:05.000000Z\n"
        f"{CA},sanctuary,{SECOND},2017-10-05,2019-03,Gov. Code 7284,Another quote,"
        "Another note,5,2024-01-02T03:04:06.000000Z\n"
    ),
    "actions.csv": (
        "key,date,agency,kind,title,description,source,target_count,targets\n"
        f'{ACTION},2018-01-24,DOJ,subpoena_threat,Subpoena threat,Described,{REPORT},23,"{CA}; {CHI}"\n'
    ),
    "grants.csv": (
        "program,assistance_listing,fiscal_year,amount,amount_type,jurisdictions,action,"
        "source,note,recorded_at\n"
        f"JAG,16.738,2017,1234.56,awarded,{CHI},,{REPORT},Grant note,2024-01-02T03:04:05.000000Z\n"
        f'Federal grants,16.738,2016,39000000.00,threatened,"{CHI}; {SCC}",{ACTION},{REPORT},'
        "Aggregate note,2024-01-02T03:04:06.000000Z\n"
    ),
    "cases.csv": (
        "key,caption,court,docket,filed,status,summary,source\n"
        f"{CASE},Chicago v. Sessions,N.D. Ill.,{CASE},2017-08-07,decided,First summary,{REPORT}\n"
        f"sf-v-trump,San Francisco v. Trump,N.D. Cal.,3:17-cv-485,2017-01-31,on_appeal,"
        f"Second summary,{SECOND}\n"
    ),
    "parties.csv": (
        f"case,role,jurisdiction,name\n{CASE},plaintiff,{CHI},\n{CASE},defendant,,Jeff Sessions\n"
    ),
    "rulings.csv": (
        "case,date,kind,judge,summary,source\n"
        f"{CASE},2017-09-15,preliminary_injunction,Harry Leinenweber,Blocked it,{REPORT}\n"
    ),
}

# Files of only the key and required columns (a key column may be missing
# too): each row matches a stored record and changes nothing.
KEYS_ONLY = [
    ("sources", "title\nA report\nSecond report\n", 2),
    ("sources", f"key,title\n{REPORT},A report\n{SECOND},Second report\n", 2),
    ("sources", "title,url\nA report,https://example.org/report\n", 1),
    ("jurisdictions", "name,kind,state\nCalifornia,state,CA\nSanta Clara County,county,CA\n", 2),
    ("jurisdictions", f"ocd_id,name,kind,state\n{CHI},Chicago,city,IL\n", 1),
    ("status", f"jurisdiction,status,source\n{CHI},sanctuary,{REPORT}\n{CA},sanctuary,{SECOND}\n", 2),
    ("status", f"jurisdiction,status,source,observed\n{CHI},sanctuary,{REPORT},2018-01-24\n", 1),
    ("actions", f"date,agency,kind,title,source\n2018-01-24,DOJ,subpoena_threat,Subpoena threat,{REPORT}\n", 1),
    ("actions", f"key,date,agency,kind,title,source\n{ACTION},2018-01-24,DOJ,subpoena_threat,Subpoena threat,{REPORT}\n", 1),
    ("grants", f"program,fiscal_year,amount,amount_type,source\nJAG,2017,1234.56,awarded,{REPORT}\n"
               f"Federal grants,2016,39000000.00,threatened,{REPORT}\n", 2),
    ("grants", f"program,fiscal_year,amount,amount_type,jurisdictions,source\nJAG,2017,1234.56,awarded,{CHI},{REPORT}\n", 1),
    ("cases", f"caption,court,source\nChicago v. Sessions,N.D. Ill.,{REPORT}\nSan Francisco v. Trump,N.D. Cal.,{SECOND}\n", 2),
    ("cases", f"caption,court,docket,source\nSan Francisco v. Trump,N.D. Cal.,3:17-cv-485,{SECOND}\n", 1),
    ("parties", f"case,role,jurisdiction\n{CASE},plaintiff,{CHI}\n", 1),
    ("parties", f"case,role,name\n{CASE},defendant,Jeff Sessions\n", 1),
    ("rulings", f"case,date,kind,source\n{CASE},2017-09-15,preliminary_injunction,{REPORT}\n", 1),
]  # fmt: skip

# A file that changes one field of one record: (entity, file, table, the
# stored row (by some of its columns), column, new stored value, the change
# as a dry run lists it: key, field, old, new).
ONE_FIELD = [
    ("sources", "title,publisher\nA report,New Press\n",
     "source", {"key": REPORT}, "publisher", "New Press",
     (REPORT, "publisher", "The Publisher", "New Press")),
    ("jurisdictions", "name,kind,state,population\nChicago,city,IL,2700000\n",
     "jurisdiction", {"ocd_id": CHI}, "population", 2700000,
     (CHI, "population", "2746388", "2700000")),
    ("status", f"jurisdiction,status,source,note\n{CHI},sanctuary,{REPORT},New note\n",
     "policy_status", {"note": "A note"}, "note", "New note",
     (f"{CHI} | sanctuary | {REPORT} | effective 2017-01 | observed 2018-01-24",
      "note", "A note", "New note")),
    ("actions", f"key,date,agency,kind,title,source,description\n"
     f"{ACTION},2018-01-24,DOJ,subpoena_threat,Subpoena threat,{REPORT},Redescribed\n",
     "federal_action", {"key": ACTION}, "description", "Redescribed",
     (ACTION, "description", "Described", "Redescribed")),
    ("grants", f"program,fiscal_year,amount,amount_type,source,note\n"
     f"JAG,2017,1234.56,awarded,{REPORT},New note\n",
     "grant_amount", {"program": "JAG"}, "note", "New note",
     (f"JAG | 2017 | awarded | {CHI} | {REPORT}", "note", "Grant note", "New note")),
    ("grants", f"program,fiscal_year,amount,amount_type,source\n"
     f"Federal grants,2016,40000000,threatened,{REPORT}\n",
     "grant_amount", {"program": "Federal grants"}, "amount_cents", 4_000_000_000,
     (f"Federal grants | 2016 | threatened | {SCC}; {CHI} | action {ACTION} | {REPORT}",
      "amount", "39000000.00", "40000000.00")),
    ("cases", f"caption,court,source,status\nSan Francisco v. Trump,N.D. Cal.,{SECOND},decided\n",
     "legal_case", {"key": "sf-v-trump"}, "status", "decided",
     ("sf-v-trump", "status", "on_appeal", "decided")),
    ("rulings", f"case,date,kind,source,judge\n{CASE},2017-09-15,preliminary_injunction,{REPORT},W. Orrick\n",
     "ruling", {"judge": "Harry Leinenweber"}, "judge", "W. Orrick",
     (f"{CASE} | 2017-09-15 | preliminary_injunction", "judge", "Harry Leinenweber", "W. Orrick")),
    # An empty cell in a present column: no value.
    ("sources", f"key,title,author\n{REPORT},A report,\n",
     "source", {"key": REPORT}, "author", None, (REPORT, "author", "Ann Author", None)),
    ("jurisdictions", f"ocd_id,name,kind,state,fips\n{CHI},Chicago,city,IL,\n",
     "jurisdiction", {"ocd_id": CHI}, "fips", None, (CHI, "fips", "1714000", None)),
    ("jurisdictions", "name,kind,state,notes\nCalifornia,state,CA,\n",
     "jurisdiction", {"ocd_id": CA}, "notes", None, (CA, "notes", "State note", None)),
    ("status", f"jurisdiction,status,source,effective,observed,quote\n"
     f"{CA},sanctuary,{SECOND},2017-10-05,2019-03,\n",
     "policy_status", {"quote": "Another quote"}, "quote", None,
     (f"{CA} | sanctuary | {SECOND} | effective 2017-10-05 | observed 2019-03",
      "quote", "Another quote", None)),
    ("actions", f"key,date,agency,kind,title,source,target_count\n"
     f"{ACTION},2018-01-24,DOJ,subpoena_threat,Subpoena threat,{REPORT},\n",
     "federal_action", {"key": ACTION}, "target_count", None, (ACTION, "target_count", "23", None)),
    ("grants", f"program,fiscal_year,amount,amount_type,jurisdictions,source,assistance_listing\n"
     f"JAG,2017,1234.56,awarded,{CHI},{REPORT},\n",
     "grant_amount", {"program": "JAG"}, "assistance_listing", None,
     (f"JAG | 2017 | awarded | {CHI} | {REPORT}", "assistance_listing", "16.738", None)),
    ("cases", f"key,caption,court,source,filed\n{CASE},Chicago v. Sessions,N.D. Ill.,{REPORT},\n",
     "legal_case", {"key": CASE}, "filed", None, (CASE, "filed", "2017-08-07", None)),
    ("rulings", f"case,date,kind,source,summary\n{CASE},2017-09-15,preliminary_injunction,{REPORT},\n",
     "ruling", {"judge": "Harry Leinenweber"}, "summary", None,
     (f"{CASE} | 2017-09-15 | preliminary_injunction", "summary", "Blocked it", None)),
]  # fmt: skip


def _write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def _file(tmp_path: Path, entity: str, text: str) -> Path:
    return _write(tmp_path / "in", {f"{entity}.csv": text}) / f"{entity}.csv"


def _rows(url: str) -> dict[str, list[dict]]:
    """Every stored field of every record, table by table, in a stable order."""
    with db.engine_for(url).connect() as conn:
        return {
            name: sorted(
                (dict(r._mapping) for r in conn.execute(sa.select(table))),
                key=lambda r: tuple(map(repr, r.values())),
            )
            for name, table in metadata.tables.items()
            # The journal holds when each edit happened: not a stored field.
            if name != "change_log"
        }


def _json(result) -> dict | list:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _summary(rows: list[dict]) -> dict[str, tuple[int, int, int]]:
    return {r["entity"]: (r["added"], r["updated"], r["unchanged"]) for r in rows}


@pytest.fixture
def full_cli(cli, tmp_path):
    """A database holding FULL: every entity with every optional field filled."""
    result = cli("import", str(_write(tmp_path / "full", FULL)))
    assert result.exit_code == 0, result.output
    return cli


def test_export_imports_back_unchanged_and_byte_identical(full_cli, tmp_path):
    assert full_cli("export", "--out", str(tmp_path / "a")).exit_code == 0
    before = _rows(full_cli.url)
    again = _json(full_cli("import", str(tmp_path / "a"), "--format", "json"))
    assert all(r["added"] == r["updated"] == 0 for r in again), again
    assert _rows(full_cli.url) == before
    assert full_cli("export", "--out", str(tmp_path / "b")).exit_code == 0
    for name in FULL:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(("entity", "text", "rows"), KEYS_ONLY)
def test_a_file_of_key_columns_leaves_every_stored_field(full_cli, tmp_path, entity, text, rows):
    before = _rows(full_cli.url)
    result = full_cli("import", str(_file(tmp_path, entity, text)), "--format", "json")
    assert _summary(_json(result)) == {entity: (0, 0, rows)}
    assert _rows(full_cli.url) == before


def _changed(before: dict, table: str, where: dict, column: str, value) -> dict:
    expected = copy.deepcopy(before)
    (row,) = [r for r in expected[table] if all(r[k] == v for k, v in where.items())]
    row[column] = value
    return expected


@pytest.mark.parametrize(
    ("entity", "text", "table", "where", "column", "value", "_change"), ONE_FIELD
)
def test_a_file_changes_only_the_fields_it_has(
    full_cli, tmp_path, entity, text, table, where, column, value, _change
):
    before = _rows(full_cli.url)
    result = full_cli("import", str(_file(tmp_path, entity, text)), "--format", "json")
    assert _summary(_json(result)) == {entity: (0, 1, 0)}
    assert _rows(full_cli.url) == _changed(before, table, where, column, value)


@pytest.mark.parametrize(
    ("entity", "text", "_table", "_where", "_column", "_value", "change"), ONE_FIELD
)
def test_dry_run_lists_the_changed_field_and_writes_nothing(
    full_cli, tmp_path, entity, text, _table, _where, _column, _value, change
):
    before = dump(full_cli.url)
    result = full_cli("import", str(_file(tmp_path, entity, text)), "--dry-run", "-f", "json")
    key, field, old, new = change
    assert _json(result) == {
        "summary": [{"entity": entity, "added": 0, "updated": 1, "unchanged": 0}],
        "changes": [
            {
                "entity": entity,
                "key": key,
                "change": "updated",
                "fields": {field: {"old": old, "new": new}},
            }
        ],
    }
    assert result.stderr == "Dry run: 1 change(s) found, nothing written.\n"
    assert dump(full_cli.url) == before


def test_aliases_and_targets_are_kept_when_absent_and_cleared_when_empty(full_cli, tmp_path):
    before = _rows(full_cli.url)
    # A column absent: the stored aliases and targets stay.
    for entity, text in [
        ("jurisdictions", "name,kind,state,notes\nChicago,city,IL,City note\n"),
        ("actions", f"key,date,agency,kind,title,source,target_count\n"
                    f"{ACTION},2018-01-24,DOJ,subpoena_threat,Subpoena threat,{REPORT},23\n"),
    ]:  # fmt: skip
        result = full_cli("import", str(_file(tmp_path, entity, text)), "-f", "json")
        assert _summary(_json(result)) == {entity: (0, 0, 1)}
    assert _rows(full_cli.url) == before
    # Present but empty: none.
    for entity, text in [
        ("jurisdictions", "name,kind,state,aliases\nChicago,city,IL,\n"),
        ("actions", f"key,date,agency,kind,title,source,targets\n"
                    f"{ACTION},2018-01-24,DOJ,subpoena_threat,Subpoena threat,{REPORT},\n"),
    ]:  # fmt: skip
        result = full_cli("import", str(_file(tmp_path, entity, text)), "-f", "json")
        assert _summary(_json(result)) == {entity: (0, 1, 0)}
    after = _rows(full_cli.url)
    assert after["action_target"] == []
    assert [a["alias"] for a in after["jurisdiction_alias"]] == ["Calif.", "Santa Clara Co."]
    after["action_target"], after["jurisdiction_alias"] = (
        before["action_target"],
        before["jurisdiction_alias"],
    )
    assert after == before


def test_dry_run_lists_changed_targets_and_aliases(full_cli, tmp_path):
    d = _write(
        tmp_path / "in",
        {
            "jurisdictions.csv": "name,kind,state,aliases\nChicago,city,IL,Chi-town\n",
            "actions.csv": "key,date,agency,kind,title,source,targets\n"
            f"{ACTION},2018-01-24,DOJ,subpoena_threat,Subpoena threat,{REPORT},{CHI}\n",
        },
    )
    before = dump(full_cli.url)
    result = full_cli("import", str(d), "--dry-run", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "entity,key,change,field,old,new",
        f"jurisdictions,{CHI},updated,aliases,Chi-town; Windy City,Chi-town",
        f"actions,{ACTION},updated,targets,{CA}; {CHI},{CHI}",
    ]
    assert result.stderr.splitlines() == [
        "jurisdictions: 0 added, 1 updated, 0 unchanged",
        "actions: 0 added, 1 updated, 0 unchanged",
        "Dry run: 2 change(s) found, nothing written.",
    ]
    assert dump(full_cli.url) == before


def test_dry_run_table_lists_updated_and_added_records_field_by_field(
    full_cli, tmp_path, monkeypatch
):
    # Piped (no COLUMNS): the table is not fitted, so every value shows in full.
    monkeypatch.delenv("COLUMNS")
    d = _write(
        tmp_path / "in",
        {
            "jurisdictions.csv": "name,kind,state,population\n"
            "Chicago,city,IL,2700000\nBoise,city,ID,235000\nCalifornia,state,CA,39538223\n",
            "status.csv": "jurisdiction,status,source,note\n"
            f"{CHI},sanctuary,{REPORT},New note\nBoise,cooperative,{SECOND},\n",
            "parties.csv": f"case,role,name\n{CASE},amicus,Some Group\n",
        },
    )
    before = dump(full_cli.url)
    result = full_cli("import", str(d), "--dry-run")
    assert result.exit_code == 0, result.output
    boise = "ocd-division/country:us/state:id/place:boise"
    status_key = f"{CHI} | sanctuary | {REPORT} | effective 2017-01 | observed 2018-01-24"
    rows = [
        ("jurisdictions", CHI, "updated", "population", "2746388", "2700000"),
        ("jurisdictions", boise, "added", "name", "", "Boise"),
        ("jurisdictions", boise, "added", "kind", "", "city"),
        ("jurisdictions", boise, "added", "state", "", "ID"),
        ("jurisdictions", boise, "added", "population", "", "235000"),
        ("status", status_key, "updated", "note", "A note", "New note"),
        ("status", f"{boise} | cooperative | {SECOND}", "added", "jurisdiction", "", boise),
        ("status", f"{boise} | cooperative | {SECOND}", "added", "status", "", "cooperative"),
        ("status", f"{boise} | cooperative | {SECOND}", "added", "source", "", SECOND),
        ("parties", f"{CASE} | amicus | Some Group", "added", "case", "", CASE),
        ("parties", f"{CASE} | amicus | Some Group", "added", "role", "", "amicus"),
        ("parties", f"{CASE} | amicus | Some Group", "added", "name", "", "Some Group"),
    ]
    header = ("entity", "key", "change", "field", "old", "new")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(6)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    summary, changes = result.stdout.split("\n\n")
    assert summary.splitlines() == [
        "Summary",
        "entity         added  updated  unchanged",
        "-------------  -----  -------  ---------",
        "jurisdictions  1      1        1",
        "status         1      1        0",
        "parties        1      0        0",
    ]
    assert changes.splitlines() == [
        "Changes",
        line(header),
        "  ".join("-" * w for w in widths),
        *(line(r) for r in rows),
    ]
    assert result.stderr == "Dry run: 5 change(s) found, nothing written.\n"
    assert dump(full_cli.url) == before


def test_dry_run_of_a_file_that_changes_nothing_lists_no_change(full_cli, tmp_path):
    assert full_cli("export", "--out", str(tmp_path / "out")).exit_code == 0
    result = full_cli("import", str(tmp_path / "out"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n\nChanges\n(none)\n")
    changes = _json(full_cli("import", str(tmp_path / "out"), "--dry-run", "-f", "json"))
    assert changes["changes"] == []
    assert all(r["added"] == r["updated"] == 0 for r in changes["summary"])


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_dry_run_of_a_bad_file_names_file_and_line_and_writes_nothing(full_cli, tmp_path, fmt):
    f = _file(
        tmp_path,
        "status",
        f"jurisdiction,status,source,note\n{CHI},sanctuary,{REPORT},New note\n"
        f"{CHI},sanctuary,{REPORT},x,extra\n",
    )
    before = dump(full_cli.url)
    result = full_cli("import", str(f), "--dry-run", "--format", fmt)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "Error: import failed with 1 problem(s), nothing written:",
        "status.csv, line 3: 5 fields but the header has 4",
    ]
    assert dump(full_cli.url) == before


def test_a_key_column_absent_matches_the_one_stored_record_or_names_them_all(full_cli, tmp_path):
    before = _rows(full_cli.url)
    # A second stored source with the same title: a row by title alone is ambiguous.
    f = _file(tmp_path, "sources", "key,title,url\nother,A report,https://example.org/other\n")
    assert full_cli("import", str(f)).exit_code == 0
    result = full_cli("import", str(_file(tmp_path, "sources", "title,author\nA report,X\n")))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        "sources.csv, line 2: title: matches 2 stored sources (https://example.org/report; "
        "other); give the key"
    )
    after = _rows(full_cli.url)
    assert [s for s in after["source"] if s["key"] != "other"] == before["source"]
