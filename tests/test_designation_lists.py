"""Federal lists as versioned data: a designation_list action, its entries as
printed (San Francisco twice: two entries, one jurisdiction), loaded from any
CSV of names through the registry all or nothing, each entry's fates, a later
version that replaces it, `actions diff` between versions, and the round trip.
Built through the CLI, on both engines."""

import csv
import io
import json
from pathlib import Path

import sqlalchemy as sa
from conftest import CLI, dump

from tracker import db

DOJ_SRC = "https://www.justice.gov/ag/sanctuary-jurisdiction-list"
DOJ_V2_SRC = "https://www.justice.gov/ag/sanctuary-jurisdiction-list-updated"
DHS_SRC = "https://www.dhs.gov/sanctuary-jurisdictions"
DHS_GONE_SRC = "https://example.org/dhs-list-taken-down"
DISPUTE_SRC = "https://example.org/dona-ana-disputes-listing"
DOJ = "2025-08-05-doj-sanctuary-jurisdiction-list"
DOJ_V2 = "2025-09-doj-sanctuary-jurisdiction-list-updated"
DHS = "2025-05-29-dhs-sanctuary-jurisdictions"
OCD = "ocd-division/country:us"
SF = f"{OCD}/state:ca/place:san_francisco"
COOK = f"{OCD}/state:il/county:cook"
CHICAGO = f"{OCD}/state:il/place:chicago"
LA = f"{OCD}/state:ca/place:los_angeles"
NEW_ORLEANS = f"{OCD}/state:la/place:new_orleans"

# The DOJ's list as a spreadsheet of names: how it printed them, its own
# columns. San Francisco appears as the county and as the city.
DOJ_CSV = (
    "Jurisdiction,State,Type\n"
    "California,CA,State\n"
    "District of Columbia,DC,State\n"
    "Illinois,IL,State\n"
    '"Cook County, IL",IL,County\n'
    "City and County of San Francisco,CA,County\n"
    '"Chicago, IL",IL,City\n'
    "Los Angeles,CA,City\n"
    "San Francisco,CA,City\n"
)
# The next version: Los Angeles gone, New Orleans added; semicolons this time.
DOJ_V2_CSV = (
    "Jurisdiction;State\n"
    "California;CA\n"
    "District of Columbia;DC\n"
    "Illinois;IL\n"
    "Cook County, IL;IL\n"
    "City and County of San Francisco;CA\n"
    "Chicago, IL;IL\n"
    "New Orleans;LA\n"
    "San Francisco;CA\n"
)
# DHS's list, saved by Excel on Windows (Windows-1252), with reasons.
DHS_CSV = (
    "Name\tState\tWhy\r\n"
    "Doña Ana County\tNM\tlimits cooperation with ICE detainers\r\n"
    "Denver\tCO\t\r\n"
    "Chicago\tIL\tsanctuary ordinance\r\n"
).encode("cp1252")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def _write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def _sources(cli: CLI) -> None:
    for title, url, published in (
        ("Sanctuary Jurisdiction List", DOJ_SRC, "2025-08-05"),
        ("Sanctuary Jurisdiction List (updated)", DOJ_V2_SRC, "2025-09"),
        ("Sanctuary Jurisdictions Defying Federal Immigration Law", DHS_SRC, "2025-05-29"),
        ("DHS takes down its sanctuary list", DHS_GONE_SRC, "2025-06-01"),
        ("Doña Ana County disputes its listing", DISPUTE_SRC, "2025-05-30"),
    ):
        ok(cli("sources", "add", title, "--url", url, "--published", published,
               "--kind", "government_release"))  # fmt: skip


def _add_list(cli: CLI, title: str, date: str, agency: str, source: str, *extra: str) -> str:
    result = ok(cli("actions", "add", title, "--date", date, "--agency", agency,
                    "--kind", "designation_list", "--source", source, *extra))  # fmt: skip
    return result.stdout.strip()


def _doj(cli: CLI, tmp_path: Path) -> None:
    _sources(cli)
    key = _add_list(cli, "DOJ sanctuary jurisdiction list", "2025-08-05",
                    "U.S. Department of Justice", DOJ_SRC, "--target-count", "35")  # fmt: skip
    assert key == DOJ
    result = ok(cli("actions", "load-entries", DOJ, _write(tmp_path, "doj.csv", DOJ_CSV),
                    "--name", "Jurisdiction", "--state", "State"))  # fmt: skip
    assert result.stdout == f"{DOJ}\n"
    assert (
        result.stderr
        == "8 added, 0 updated, 0 unchanged; 1 jurisdiction(s) added from the registry\n"
    )


def _doj_v2(cli: CLI, tmp_path: Path) -> None:
    key = _add_list(cli, "DOJ sanctuary jurisdiction list (updated)", "2025-09",
                    "U.S. Department of Justice", DOJ_V2_SRC, "--replaces", DOJ)  # fmt: skip
    assert key == DOJ_V2
    ok(cli("actions", "load-entries", DOJ_V2, _write(tmp_path, "doj-v2.csv", DOJ_V2_CSV),
           "--name", "jurisdiction", "--state", "state"))  # fmt: skip


def _dhs(cli: CLI, tmp_path: Path) -> None:
    key = _add_list(cli, "DHS sanctuary jurisdictions", "2025-05-29",
                    "U.S. Department of Homeland Security", DHS_SRC)  # fmt: skip
    assert key == DHS
    ok(cli("actions", "load-entries", DHS, _write(tmp_path, "dhs.csv", DHS_CSV),
           "--name", "Name", "--state", "State", "--reason", "Why"))  # fmt: skip
    ok(cli("actions", "fate", DHS, "Doña Ana County", "--fate", "disputed",
           "--date", "2025-05-30", "--source", DISPUTE_SRC,
           "--note", "The county says it honours detainers with a warrant."))  # fmt: skip
    ok(cli("actions", "fate", DHS, "Denver, CO", "--fate", "removed", "--date", "2025-05-31",
           "--source", DHS_GONE_SRC))  # fmt: skip
    result = ok(cli("actions", "withdraw", DHS, "--date", "2025-06-01", "--source", DHS_GONE_SRC))
    assert result.stdout == "3\n"


def _csv(result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(ok(result).stdout)))


def _count(url: str, table: str) -> int:
    with db.engine_for(url).connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


# --- the DOJ list ------------------------------------------------------------------


def test_doj_list_keeps_each_name_as_printed_and_san_francisco_is_one_jurisdiction(
    seeded_cli, tmp_path
):
    _doj(seeded_cli, tmp_path)
    result = ok(seeded_cli("actions", "entries", DOJ, "--format", "csv"))
    assert result.stdout == (
        "position,name,jurisdiction,jurisdiction_name,kind,state,reason,fates\n"
        f"1,California,{OCD}/state:ca,California,state,CA,,\n"
        f"2,District of Columbia,{OCD}/district:dc,District of Columbia,federal_district,DC,,\n"
        f"3,Illinois,{OCD}/state:il,Illinois,state,IL,,\n"
        f'4,"Cook County, IL",{COOK},"Cook County, IL",county,IL,,\n'
        f'5,City and County of San Francisco,{SF},"San Francisco, CA",city_county,CA,,\n'
        f'6,"Chicago, IL",{CHICAGO},"Chicago, IL",city,IL,,\n'
        f'7,Los Angeles,{LA},"Los Angeles, CA",city,CA,,\n'
        f'8,San Francisco,{SF},"San Francisco, CA",city_county,CA,,\n'
    )
    shown = json.loads(ok(seeded_cli("actions", "show", DOJ, "--format", "json")).stdout)
    assert shown["kind"] == "designation_list"
    assert shown["entries"] == 8
    # The entries are its named targets, San Francisco once; within the stated 35.
    assert shown["named_targets"] == [
        f"{OCD}/district:dc", f"{OCD}/state:ca", LA, SF, f"{OCD}/state:il", COOK, CHICAGO,
    ]  # fmt: skip
    assert shown["target_count"] == 35
    assert shown["replaces"] is None and shown["replaced_by"] == []
    assert _count(seeded_cli.url, "list_entry") == 8
    # Cook County came from the registry, with its FIPS code.
    cook = json.loads(
        ok(seeded_cli("jurisdictions", "show", "Cook County, IL", "--format", "json")).stdout
    )
    assert cook["jurisdiction"]["fips"] == "17031"
    assert [a["key"] for a in cook["actions"]] == [DOJ]


def test_loading_the_same_names_again_changes_nothing(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    before = dump(seeded_cli.url)
    result = ok(seeded_cli("actions", "load-entries", DOJ, str(tmp_path / "doj.csv"),
                           "--name", "Jurisdiction", "--state", "State"))  # fmt: skip
    assert result.stderr == "0 added, 0 updated, 8 unchanged\n"
    assert dump(seeded_cli.url) == before


def test_a_name_that_fits_no_jurisdiction_or_several_loads_nothing(seeded_cli, tmp_path):
    _sources(seeded_cli)
    _add_list(seeded_cli, "DOJ sanctuary jurisdiction list", "2025-08-05",
              "U.S. Department of Justice", DOJ_SRC)  # fmt: skip
    bad = _write(
        tmp_path,
        "doj-typos.csv",
        "Jurisdiction,State\n"
        "Cook County,IL\n"  # good, and from the registry: not added either
        "Chicgo,IL\n"
        "Washington County,\n"
        "San Francisco,CA\n",
    )
    before = dump(seeded_cli.url)
    result = seeded_cli("actions", "load-entries", DOJ, bad, "--name", "Jurisdiction",
                        "--state", "State")  # fmt: skip
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        "Error: doj-typos.csv, line 3: jurisdiction: no jurisdiction matches 'Chicgo, IL'; "
        f"did you mean: Chicago, IL ({CHICAGO})"
    )
    assert lines[1].startswith(
        "Error: doj-typos.csv, line 4: jurisdiction: 'Washington County' names no tracked "
        "jurisdiction and fits several in the registry: Washington County (county, AL, "
        f"FIPS 01129, {OCD}/state:al/county:washington); "
    )
    assert lines[1].endswith("; and 20 more; name one by its OCD id or FIPS code")
    assert result.stdout == ""
    assert dump(seeded_cli.url) == before


def test_bad_columns_and_actions_are_one_line_each(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    names = str(tmp_path / "doj.csv")
    result = seeded_cli("actions", "load-entries", DOJ, names, "--name", "Name")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --name: 'Name' is not a column of doj.csv; its columns are 'Jurisdiction', "
        "'State', 'Type'\n"
    )
    seeded = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"
    result = seeded_cli("actions", "load-entries", seeded, names, "--name", "Jurisdiction")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: action: '{seeded}' is a subpoena_threat, not a designation_list; "
        "only a list has entries\n"
    )


def test_entries_stay_among_the_lists_targets(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    before = dump(seeded_cli.url)
    # Fewer stated targets than the entries name.
    result = seeded_cli("actions", "update", DOJ, "--target-count", "6")
    assert result.exit_code == 1
    assert result.stderr == "Error: target count: 6 is fewer than the 7 named targets\n"
    # A file of actions whose targets leave an entry's jurisdiction out.
    exported = _csv(seeded_cli("export", "actions"))
    row = next(r for r in exported if r["key"] == DOJ)
    row["targets"] = row["targets"].replace(f"; {COOK}", "")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    path = _write(tmp_path, "actions.csv", out.getvalue())
    result = seeded_cli("import", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        f"actions.csv, line 2: targets: leaves out {COOK}, which the list's entry "
        "'Cook County, IL' names; a list's entries are among its targets"
    )
    # A list with entries stays a list.
    row["targets"] = _csv(seeded_cli("export", "actions"))[2]["targets"]
    row["kind"] = "statement"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    result = seeded_cli("import", _write(tmp_path, "actions.csv", out.getvalue()))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        "actions.csv, line 2: kind: the action has 8 list entries; only a designation_list "
        "has entries"
    )
    # A list stated to hold fewer jurisdictions than its file names.
    _add_list(seeded_cli, "Short list", "2025-08-06", "U.S. Department of Justice", DOJ_SRC,
              "--target-count", "1")  # fmt: skip
    result = seeded_cli("actions", "load-entries", "2025-08-06-short-list",
                        str(tmp_path / "doj.csv"), "--name", "Jurisdiction")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: doj.csv, line 3: target count: 1 is fewer than the 2 named targets\n"
        "Error: doj.csv, line 4: target count: 1 is fewer than the 2 named targets\n"
        "Error: doj.csv, line 5: target count: 1 is fewer than the 2 named targets\n"
        "Error: doj.csv, line 6: target count: 1 is fewer than the 2 named targets\n"
        "Error: doj.csv, line 7: target count: 1 is fewer than the 2 named targets\n"
        "Error: doj.csv, line 8: target count: 1 is fewer than the 2 named targets\n"
        "Error: doj.csv, line 9: target count: 1 is fewer than the 2 named targets\n"
    )
    after = dump(seeded_cli.url)
    assert after["list_entry"] == before["list_entry"]
    assert after["action_target"] == before["action_target"]


# --- the DHS list: fates ------------------------------------------------------------


def test_dhs_list_with_a_disputed_entry_a_removed_entry_and_the_list_withdrawn(
    seeded_cli, tmp_path
):
    _sources(seeded_cli)
    _dhs(seeded_cli, tmp_path)
    rows = _csv(seeded_cli("actions", "entries", DHS, "--format", "csv"))
    assert [(r["position"], r["name"], r["jurisdiction"], r["reason"], r["fates"]) for r in rows] == [
        ("1", "Doña Ana County", f"{OCD}/state:nm/county:doña_ana",
         "limits cooperation with ICE detainers", "disputed 2025-05-30; withdrawn 2025-06-01"),
        ("2", "Denver", f"{OCD}/state:co/place:denver", "",
         "removed 2025-05-31; withdrawn 2025-06-01"),
        ("3", "Chicago", CHICAGO, "sanctuary ordinance", "withdrawn 2025-06-01"),
    ]  # fmt: skip
    export = ok(seeded_cli("export", "entry_fates")).stdout
    assert export == (
        "action,name,jurisdiction,fate,date,source,note\n"
        f"{DHS},Doña Ana County,{OCD}/state:nm/county:doña_ana,disputed,2025-05-30,{DISPUTE_SRC},"
        "The county says it honours detainers with a warrant.\n"
        f"{DHS},Doña Ana County,{OCD}/state:nm/county:doña_ana,withdrawn,2025-06-01,{DHS_GONE_SRC},\n"
        f"{DHS},Denver,{OCD}/state:co/place:denver,removed,2025-05-31,{DHS_GONE_SRC},\n"
        f"{DHS},Denver,{OCD}/state:co/place:denver,withdrawn,2025-06-01,{DHS_GONE_SRC},\n"
        f"{DHS},Chicago,{CHICAGO},withdrawn,2025-06-01,{DHS_GONE_SRC},\n"
    )


def test_fate_errors_name_what_is_wrong_and_write_nothing(seeded_cli, tmp_path):
    _sources(seeded_cli)
    _dhs(seeded_cli, tmp_path)
    before = dump(seeded_cli.url)
    cases = [
        (("withdraw", DHS, "--date", "2025-06-01", "--source", DHS_GONE_SRC),
         f"Error: the entry 'Doña Ana County' of '{DHS}' is already withdrawn on 2025-06-01\n"),
        (("fate", DHS, "Chicago", "--fate", "removed", "--date", "2025-05-28",
          "--source", DHS_GONE_SRC),
         "Error: date: 2025-05-28 is before the list's date 2025-05-29\n"),
        (("fate", DHS, "Los Angeles, CA", "--fate", "disputed", "--date", "2025-06",
          "--source", DHS_GONE_SRC),
         f"Error: entry: Los Angeles, CA ({LA}) is not on the list '{DHS}'\n"),
        (("fate", DHS, "Gotham", "--fate", "disputed", "--date", "2025-06",
          "--source", DHS_GONE_SRC),
         f"Error: entry: 'Gotham' is neither the printed name of an entry of '{DHS}' nor a "
         "jurisdiction; see `tracker actions entries ACTION`\n"),
        (("fate", DHS, "Chicago", "--fate", "disputed", "--date", "2025-06",
          "--source", "https://example.org/nobody"),
         "Error: source: no source has the id or key 'https://example.org/nobody'; "
         "see `tracker sources list`\n"),
        (("withdraw", DOJ_SRC, "--date", "2025-06", "--source", DHS_GONE_SRC),
         f"Error: action: no action has the id or key '{DOJ_SRC}'; see `tracker actions list`\n"),
    ]  # fmt: skip
    for args, error in cases:
        result = seeded_cli("actions", *args)
        assert result.exit_code == 1, args
        assert result.stderr == error
    result = seeded_cli("actions", "fate", DHS, "Chicago", "--fate", "lost", "--date", "2025-06",
                        "--source", DHS_GONE_SRC)  # fmt: skip
    assert result.exit_code == 2
    assert dump(seeded_cli.url) == before


def test_a_fate_for_a_jurisdiction_listed_twice_goes_on_both_entries(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    result = ok(seeded_cli("actions", "fate", DOJ, "San Francisco, CA", "--fate", "disputed",
                           "--date", "2025-08-06", "--source", DOJ_SRC))  # fmt: skip
    assert result.stdout == "2\n"
    # Its printed name picks one entry.
    result = ok(seeded_cli("actions", "fate", DOJ, "city and county of san francisco",
                           "--fate", "removed", "--date", "2025-08", "--source", DOJ_SRC))  # fmt: skip
    assert result.stdout == "1\n"
    rows = _csv(seeded_cli("actions", "entries", DOJ, "--format", "csv"))
    assert {r["name"]: r["fates"] for r in rows if r["jurisdiction"] == SF} == {
        # By the earliest day each date covers: August before August 6.
        "City and County of San Francisco": "removed 2025-08; disputed 2025-08-06",
        "San Francisco": "disputed 2025-08-06",
    }


# --- versions: replaces and diff ------------------------------------------------------

DIFF_CSV = (
    "change,key,name,state,kind,printed_a,printed_b\n"
    f"added,{NEW_ORLEANS},New Orleans,LA,city_county,,New Orleans\n"
    f"removed,{LA},Los Angeles,CA,city,Los Angeles,\n"
    f"kept,{OCD}/district:dc,District of Columbia,DC,federal_district,District of Columbia,"
    "District of Columbia\n"
    f"kept,{OCD}/state:ca,California,CA,state,California,California\n"
    f"kept,{SF},San Francisco,CA,city_county,City and County of San Francisco; San Francisco,"
    "City and County of San Francisco; San Francisco\n"
    f"kept,{OCD}/state:il,Illinois,IL,state,Illinois,Illinois\n"
    f'kept,{COOK},Cook County,IL,county,"Cook County, IL","Cook County, IL"\n'
    f'kept,{CHICAGO},Chicago,IL,city,"Chicago, IL","Chicago, IL"\n'
)


def test_a_second_version_replaces_the_first_and_diff_shows_what_changed(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    _doj_v2(seeded_cli, tmp_path)
    v1 = json.loads(ok(seeded_cli("actions", "show", DOJ, "--format", "json")).stdout)
    v2 = json.loads(ok(seeded_cli("actions", "show", DOJ_V2, "--format", "json")).stdout)
    assert v2["replaces"] == DOJ and v1["replaced_by"] == [DOJ_V2]

    result = ok(seeded_cli("actions", "diff", DOJ, DOJ_V2, "--format", "csv"))
    assert result.stdout == DIFF_CSV
    assert result.stderr == "1 added, 1 removed, 6 kept\n"
    # By id too; and the other way round, added and removed swap.
    by_id = ok(seeded_cli("actions", "diff", str(v1["id"]), str(v2["id"]), "--format", "csv"))
    assert by_id.stdout == DIFF_CSV
    back = _csv(seeded_cli("actions", "diff", DOJ_V2, DOJ, "--format", "csv"))
    assert [(r["change"], r["key"]) for r in back[:2]] == [("added", LA), ("removed", NEW_ORLEANS)]

    data = json.loads(ok(seeded_cli("actions", "diff", DOJ, DOJ_V2, "--format", "json")).stdout)
    assert data[0] == {
        "change": "added", "key": NEW_ORLEANS, "name": "New Orleans", "state": "LA",
        "kind": "city_county", "printed_a": None, "printed_b": "New Orleans",
    }  # fmt: skip
    assert [(d["change"], d["key"]) for d in data] == [
        (r["change"], r["key"]) for r in csv.DictReader(io.StringIO(DIFF_CSV))
    ]
    lines = ok(seeded_cli("actions", "diff", DOJ, DOJ_V2, "--format", "jsonl")).stdout.splitlines()
    assert [json.loads(line) for line in lines] == data

    table = ok(seeded_cli("actions", "diff", DOJ, DOJ_V2)).stdout.splitlines()
    # At 200 columns the OCD id gives way: the name and state say which it is.
    assert table[0].split() == ["change", "name", "state", "kind", "printed_a", "printed_b"]
    assert table[2].split()[:3] == ["added", "New", "Orleans"]
    assert table[3].split()[:3] == ["removed", "Los", "Angeles"]
    assert len(table) == 2 + 8


def test_diff_of_any_two_actions_compares_their_targets(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    seeded = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"
    rows = _csv(seeded_cli("actions", "diff", seeded, DOJ, "--format", "csv"))
    assert [(r["change"], r["key"], r["printed_a"]) for r in rows if r["change"] != "added"] == [
        ("removed", f"{OCD}/state:ny/place:new_york", ""),
        ("kept", f"{OCD}/state:ca", ""),
        ("kept", LA, ""),
        ("kept", f"{OCD}/state:il", ""),
    ]


def test_replaces_refuses_itself_and_a_cycle(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    _doj_v2(seeded_cli, tmp_path)
    before = dump(seeded_cli.url)
    result = seeded_cli("actions", "update", DOJ, "--replaces", DOJ)
    assert result.exit_code == 1
    assert result.stderr == f"Error: replaces: '{DOJ}' cannot replace itself\n"
    result = seeded_cli("actions", "update", DOJ, "--replaces", DOJ_V2)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: replaces: '{DOJ_V2}' already replaces '{DOJ}' ({DOJ_V2} → {DOJ}); "
        "an action cannot replace one that replaces it\n"
    )
    result = seeded_cli("actions", "update", DOJ_V2, "--replaces", "nothing-like-it")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: replaces: no action has the id or key 'nothing-like-it'; "
        "see `tracker actions list`\n"
    )
    assert dump(seeded_cli.url) == before
    # A third version replacing the second: a chain, not a cycle.
    third = _add_list(seeded_cli, "DOJ list, third version", "2025-10",
                      "U.S. Department of Justice", DOJ_SRC, "--replaces", DOJ_V2)  # fmt: skip
    result = seeded_cli("actions", "update", DOJ, "--replaces", third)
    assert result.exit_code == 1
    assert f"({third} → {DOJ_V2} → {DOJ})" in result.stderr


def test_an_actions_file_may_replace_an_action_a_later_row_adds(cli, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "sources.csv").write_text(f"key,title,url\n{DOJ_SRC},DOJ list,{DOJ_SRC}\n")
    (d / "actions.csv").write_text(
        "key,date,agency,kind,title,source,replaces\n"
        f"a-second,2025-09,DOJ,designation_list,Second,{DOJ_SRC},b-first\n"
        f"b-first,2025-08-05,DOJ,designation_list,First,{DOJ_SRC},\n"
        f"c-third,2025-10,DOJ,designation_list,Third,{DOJ_SRC},a-second\n"
    )
    ok(cli("import", str(d)))
    rows = _csv(cli("export", "actions"))
    assert [(r["key"], r["replaces"]) for r in rows] == [
        ("a-second", "b-first"), ("b-first", ""), ("c-third", "a-second"),
    ]  # fmt: skip
    # A cycle inside one file, and a key nobody has.
    (d / "actions.csv").write_text(
        "key,date,agency,kind,title,source,replaces\n"
        f"b-first,2025-08-05,DOJ,designation_list,First,{DOJ_SRC},c-third\n"
        f"x-new,2025-11,DOJ,designation_list,New,{DOJ_SRC},y-missing\n"
    )
    before = dump(cli.url)
    result = cli("import", str(d / "actions.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "actions.csv, line 2: replaces: 'c-third' already replaces 'b-first' "
        "(c-third → a-second → b-first); an action cannot replace one that replaces it",
        "actions.csv, line 3: replaces: no action has the key 'y-missing'",
    ]
    assert dump(cli.url) == before


# --- import, export, round trip ------------------------------------------------------


def _export(cli: CLI, out: Path) -> dict[str, bytes]:
    ok(cli("export", "--out", str(out)))
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_lists_round_trip_byte_identical(seeded_cli, other_url, tmp_path):
    _doj(seeded_cli, tmp_path)
    _doj_v2(seeded_cli, tmp_path)
    _dhs(seeded_cli, tmp_path)
    first = _export(seeded_cli, tmp_path / "first")
    assert first["entries.csv"].decode().splitlines()[:3] == [
        "action,position,name,jurisdiction,reason",
        f"{DHS},1,Doña Ana County,{OCD}/state:nm/county:doña_ana,"
        "limits cooperation with ICE detainers",
        f"{DHS},2,Denver,{OCD}/state:co/place:denver,",
    ]
    (v2,) = [line for line in first["actions.csv"].decode().splitlines() if line.startswith(DOJ_V2)]
    assert v2.endswith(f",{DOJ}")
    other = CLI(other_url)
    ok(other("import", str(tmp_path / "first")))
    assert (_count(other_url, "list_entry"), _count(other_url, "list_entry_fate")) == (19, 5)
    second = _export(other, tmp_path / "second")
    assert second == first
    # Importing the same files again changes nothing.
    before = dump(other_url)
    again = ok(other("import", str(tmp_path / "first"), "--format", "csv"))
    assert "entries,0,0,19\n" in again.stdout and "entry_fates,0,0,5\n" in again.stdout
    assert dump(other_url) == before
    # The diff is the same in both databases.
    assert ok(other("actions", "diff", DOJ, DOJ_V2, "--format", "csv")).stdout == DIFF_CSV


def test_an_entries_file_names_jurisdictions_by_name_and_numbers_rows_after_the_last(
    seeded_cli, tmp_path
):
    _doj(seeded_cli, tmp_path)
    path = _write(
        tmp_path,
        "entries.csv",
        "action,name,jurisdiction,reason\n"
        f"{DOJ},Los Angeles,,refuses detainers\n"  # a stored entry: keeps its place
        f'{DOJ},"New Orleans, LA",,\n'  # a new one: after the last
        f"{DOJ},NOLA,{NEW_ORLEANS},\n",
    )
    result = ok(seeded_cli("import", path, "--dry-run", "--format", "csv"))
    assert f"entries,{DOJ} | NOLA | {NEW_ORLEANS},added,position,,10\n" in result.stdout
    assert (
        f"entries,{DOJ} | Los Angeles | {LA},updated,reason,,refuses detainers\n" in result.stdout
    )
    ok(seeded_cli("import", path))
    rows = _csv(seeded_cli("actions", "entries", DOJ, "--format", "csv"))
    assert [(r["position"], r["name"], r["reason"]) for r in rows[-4:]] == [
        ("7", "Los Angeles", "refuses detainers"),
        ("8", "San Francisco", ""),
        ("9", "New Orleans, LA", ""),
        ("10", "NOLA", ""),
    ]
    shown = json.loads(ok(seeded_cli("actions", "show", DOJ, "--format", "json")).stdout)
    assert NEW_ORLEANS in shown["named_targets"]


def test_removing_a_listed_jurisdiction_counts_and_removes_its_entries(seeded_cli, tmp_path):
    _doj(seeded_cli, tmp_path)
    result = seeded_cli("jurisdictions", "remove", "Cook County, IL", "--yes")
    assert result.exit_code == 1
    assert "1 action targets, 1 list entries" in result.stderr
    ok(seeded_cli("jurisdictions", "remove", "Cook County, IL", "--yes", "--cascade"))
    assert _count(seeded_cli.url, "list_entry") == 7


# --- the migration --------------------------------------------------------------------


def test_migration_0006_keeps_existing_actions_and_a_downgrade_keeps_lists_as_statements(
    empty_url,
):
    db.upgrade(empty_url, "0005")
    with db.engine_for(empty_url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO source (id, key, title, kind, created_at) VALUES "
                "(900001, 'src', 'A source', 'news', '2017-11-15 12:00:00')"
            )
        )
        conn.execute(sa.text(
            "INSERT INTO federal_action (id, key, date, agency, kind, title, source_id,"
            " target_count, created_at) VALUES (900001, '2018-letter', '2018', 'DOJ', 'letter',"
            " 'A letter', 900001, 23, '2017-11-15 12:00:00')"
        ))  # fmt: skip
    db.upgrade(empty_url)
    cli = CLI(empty_url)
    shown = json.loads(ok(cli("actions", "show", "2018-letter", "--format", "json")).stdout)
    assert (shown["kind"], shown["target_count"], shown["replaces"]) == ("letter", 23, None)
    assert shown["entries"] == 0
    ok(cli("actions", "add", "A list", "--date", "2025", "--agency", "DOJ", "--kind",
           "designation_list", "--source", "src", "--replaces", "2018-letter"))  # fmt: skip
    db.downgrade(empty_url, "0005")
    with db.engine_for(empty_url).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT key, kind, description FROM federal_action ORDER BY key")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("2018-letter", "letter", None),
        ("2025-a-list", "statement", "designation_list (a published list of jurisdictions)"),
    ]
    db.upgrade(empty_url)
    assert _count(empty_url, "list_entry") == 0
    assert (
        json.loads(ok(cli("actions", "show", "2025-a-list", "--format", "json")).stdout)["kind"]
        == "statement"
    )


def test_one_name_printed_for_two_places_is_two_entries(seeded_cli, tmp_path):
    _sources(seeded_cli)
    _add_list(seeded_cli, "DHS sanctuary jurisdictions", "2025-05-29",
              "U.S. Department of Homeland Security", DHS_SRC)  # fmt: skip
    names = _write(tmp_path, "dhs.csv", "Name,State\nWashington County,OR\nWashington County,MN\n")
    ok(seeded_cli("actions", "load-entries", DHS, names, "--name", "Name", "--state", "State"))
    entries = json.loads(ok(seeded_cli("actions", "entries", DHS, "--format", "json")).stdout)
    assert [(e["position"], e["name"], e["jurisdiction"]) for e in entries] == [
        (1, "Washington County", f"{OCD}/state:or/county:washington"),
        (2, "Washington County", f"{OCD}/state:mn/county:washington"),
    ]
    assert all(isinstance(e["id"], int) for e in entries)
    result = seeded_cli("actions", "fate", DHS, "Washington County", "--fate", "disputed",
                        "--date", "2025-06", "--source", DHS_SRC)  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: entry: 'Washington County' is printed on '{DHS}' for 2 jurisdictions "
        f"({OCD}/state:mn/county:washington; {OCD}/state:or/county:washington); "
        "name the jurisdiction instead\n"
    )
    result = ok(seeded_cli("actions", "fate", DHS, "Washington County, OR", "--fate", "disputed",
                           "--date", "2025-06", "--source", DHS_SRC))  # fmt: skip
    assert result.stdout == "1\n"
