"""``tracker reconcile``: any CSV list matched row by row to jurisdictions,
every input cell written back unchanged, counts on stderr, nothing written to
the database; on both engines, against the registry and what is tracked."""

import csv
import io

from conftest import dump

BASE = "ocd-division/country:us"
HEADER = ["match", "match_ocd_id", "match_fips", "match_kind", "match_name", "match_candidates"]


def _read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_reconcile_matches_a_federal_style_list_and_keeps_every_cell(seeded_cli, tmp_path):
    # Semicolons, names as lists print them, a state column that is sometimes empty.
    listed = tmp_path / "doj-list.csv"
    listed.write_text(
        "Jurisdiction;State;Type;Notes\n"
        "Cook County;IL;County;listed 2025\n"
        "Bay County ;;County;\n"
        '"Brooklyn, NY";;;\n'
        "Washington DC;;;capital\n"
        "#N/A;;;\n"
        "Louisville;KY;City;\n"
        "St Louis;MO;City;\n"
        "Chicago;IL;City;\n"
        "San Fransisco;CA;;typo\n"
        "New York;;State;\n",
        encoding="utf-8",
    )
    result = seeded_cli(
        "reconcile", str(listed), "--name", "Jurisdiction", "--state", "state", "--kind", "TYPE"
    )
    assert result.exit_code == 0, result.output
    rows = _read(result.stdout)
    assert list(rows[0]) == ["Jurisdiction", "State", "Type", "Notes", *HEADER]
    assert [r["Jurisdiction"] for r in rows] == [
        "Cook County", "Bay County ", "Brooklyn, NY", "Washington DC", "#N/A", "Louisville",
        "St Louis", "Chicago", "San Fransisco", "New York",
    ]  # fmt: skip
    assert rows[0]["Notes"] == "listed 2025"
    got = [(r["match"], r["match_ocd_id"], r["match_fips"], r["match_kind"]) for r in rows]
    assert got == [
        ("exact", f"{BASE}/state:il/county:cook", "17031", "county"),
        ("ambiguous", "", "", ""),
        ("alias", f"{BASE}/state:ny/county:kings", "36047", "county"),
        ("normalised", f"{BASE}/district:dc", "11", "federal_district"),
        ("not_found", "", "", ""),
        ("exact", f"{BASE}/state:ky/place:louisville", "21111", "city_county"),
        ("normalised", f"{BASE}/state:mo/place:st._louis", "29510", "city_county"),
        # Tracked (seeded): its stored FIPS code.
        ("exact", f"{BASE}/state:il/place:chicago", "1714000", "city"),
        ("fuzzy", "", "", ""),
        ("exact", f"{BASE}/state:ny", "36", "state"),
    ]
    assert rows[1]["match_candidates"] == f"{BASE}/state:fl/county:bay; {BASE}/state:mi/county:bay"
    assert rows[8]["match_candidates"] == f"{BASE}/state:ca/place:san_francisco"
    assert result.stderr.strip() == (
        "reconcile: 10 rows: 4 exact, 1 alias, 2 normalised, 1 fuzzy, 1 ambiguous, 1 not_found"
    )


def test_reconcile_reads_name_and_state_in_one_column_and_windows_files(cli, tmp_path):
    listed = tmp_path / "287g.csv"
    # As Excel on Windows saves it: cp1252, CRLF, a sheriff's office per row.
    listed.write_bytes(
        "STATE,LAW ENFORCEMENT AGENCY\r\nNM,Do\xf1a Ana County Sheriff's Office\r\n"
        "FL,Bay County Sheriff's Office\r\n".encode("cp1252")
    )
    out = tmp_path / "matched.csv"
    result = cli(
        "reconcile", str(listed), "--name", "law enforcement agency", "--state", "1",
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    rows = _read(out.read_text(encoding="utf-8"))
    assert rows[0]["LAW ENFORCEMENT AGENCY"] == "Doña Ana County Sheriff's Office"
    assert [(r["match_ocd_id"], r["match_name"]) for r in rows] == [
        (f"{BASE}/state:nm/county:doña_ana", "Doña Ana County"),
        (f"{BASE}/state:fl/county:bay", "Bay County"),
    ]
    one_column = tmp_path / "cities.csv"
    one_column.write_text('place\n"Cook County, IL"\n"Baltimore County, MD"\n', encoding="utf-8")
    rows = _read(cli("reconcile", str(one_column), "--name", "place").stdout)
    assert [r["match_ocd_id"] for r in rows] == [
        f"{BASE}/state:il/county:cook",
        f"{BASE}/state:md/county:baltimore",
    ]


def test_reconcile_writes_nothing_to_the_database(seeded_cli, seeded_url, tmp_path):
    listed = tmp_path / "l.csv"
    listed.write_text('name\nTexas\n"Cook County, IL"\n', encoding="utf-8")
    before = dump(seeded_url)
    assert seeded_cli("reconcile", str(listed), "--name", "name").exit_code == 0
    assert dump(seeded_url) == before


def test_reconcile_bad_column_is_one_line_naming_the_columns(cli, tmp_path):
    listed = tmp_path / "l.csv"
    listed.write_text("County,State\nCook,IL\n", encoding="utf-8")
    result = cli("reconcile", str(listed), "--name", "jurisdiction")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --name: 'jurisdiction' is not a column of l.csv; its columns are 'County', 'State'"
    )
    matched = tmp_path / "m.csv"
    matched.write_text("name,match\nCook County IL,exact\n", encoding="utf-8")
    result = cli("reconcile", str(matched), "--name", "name")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: m.csv: already has the column 'match'; reconcile the original list instead"
    )
    unquoted = tmp_path / "u.csv"
    unquoted.write_text("place\nCook County, IL\n", encoding="utf-8")
    result = cli("reconcile", str(unquoted), "--name", "place")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: u.csv, line 2: 2 fields but the header has 1 (a name with a comma needs quotes)"
    )
    result = cli("reconcile", str(tmp_path / "missing.csv"), "--name", "name")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: missing.csv: cannot read the file")


def test_a_reconciled_list_imports_by_its_match_ocd_id(cli, url, tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text(
        "jurisdiction,status,source\n"
        "Cook County Sheriff's Office,sanctuary,https://example.org/list\n"
        "Bay County ,sanctuary,https://example.org/list\n"
        "Texas,anti_sanctuary,https://example.org/list\n",
        encoding="utf-8",
    )
    d = tmp_path / "data"
    d.mkdir()
    (d / "sources.csv").write_text(
        "title,url,kind\nA list,https://example.org/list,dataset\n", encoding="utf-8"
    )
    # Cook County's sheriff has no state in the list: reconcile leaves it for a person.
    matched = cli(
        "reconcile", str(listed), "--name", "jurisdiction", "--out", str(d / "status.csv")
    )
    assert matched.exit_code == 0, matched.output
    rows = _read((d / "status.csv").read_text(encoding="utf-8"))
    assert [r["match"] for r in rows] == ["ambiguous", "ambiguous", "exact"]
    # The match columns are read as they stand: unsettled rows fall back to the name.
    result = cli("import", str(d))
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stderr.strip().splitlines()[1:]] == [
        "status.csv, line 2",
        "status.csv, line 3",
    ]
    # A person settles them: the checked match_ocd_id is what the import reads.
    rows[0]["match_ocd_id"] = f"{BASE}/state:il/county:cook"
    rows[1]["match_ocd_id"] = f"{BASE}/state:fl/county:bay"
    with (d / "status.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    result = cli("import", str(d), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "jurisdictions,3,0,0" in result.stdout.splitlines()
    report = cli("report", "status", "--format", "csv").stdout.splitlines()
    assert [line.split(",")[0] for line in report[1:]] == [
        f"{BASE}/state:fl/county:bay",
        f"{BASE}/state:il/county:cook",
        f"{BASE}/state:tx",
    ]
