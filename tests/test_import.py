"""tracker import: files from outside, matching by natural key, bad files."""

from conftest import dump

from tracker import csvformat

SRC = "https://example.org/report"
CHI = "ocd-division/country:us/state:il/place:chicago"


def _file(tmp_path, name: str, data: str | bytes):
    p = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    p.write_bytes(data)
    return p


def _summary(result) -> dict[str, tuple[int, int, int]]:
    lines = result.stdout.strip().splitlines()[1:]
    return {e: (int(a), int(u), int(n)) for e, a, u, n in (line.split(",") for line in lines)}


def _source(cli, tmp_path):
    f = _file(tmp_path, "sources.csv", f"title,url,kind\nA report,{SRC},dataset\n")
    assert cli("import", str(f)).exit_code == 0


def test_spreadsheet_jurisdictions_with_bom_crlf_and_leading_zeros(cli, tmp_path):
    text = (
        "\ufeffName,Kind,State,FIPS,Population\r\n"
        'Santa Clara County,county,CA,06085,"1,936,259"\r\n'
        "Chicago,city,IL,1714000,2746388\r\n"
        '"Doña Ana County",county,NM,35013,\r\n'
    )
    f = _file(tmp_path, "jurisdictions.csv", text)
    result = cli("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert _summary(result) == {"jurisdictions": (3, 0, 0)}
    out = cli("export", "jurisdictions")
    assert out.stdout == (
        "ocd_id,name,kind,state,fips,population,aliases,notes\n"
        "ocd-division/country:us/state:ca/county:santa_clara,Santa Clara County,county,CA,"
        "06085,1936259,,\n"
        f"{CHI},Chicago,city,IL,1714000,2746388,,\n"
        "ocd-division/country:us/state:nm/county:doña_ana,Doña Ana County,county,NM,35013,,,\n"
    )
    # The same file again adds nothing.
    again = cli("import", str(f), "--format", "csv")
    assert _summary(again) == {"jurisdictions": (0, 0, 3)}
    assert "Imported: 0 change(s) written." in again.stderr
    # A changed row updates the record, and says so.
    _file(tmp_path, "jurisdictions.csv", text.replace("2746388", "2700000"))
    changed = cli("import", str(f), "--format", "csv")
    assert _summary(changed) == {"jurisdictions": (0, 1, 2)}
    assert ",1714000,2700000," in cli("export", "jurisdictions").stdout


def test_status_file_with_only_jurisdiction_status_source(cli, tmp_path):
    _source(cli, tmp_path)
    j = _file(tmp_path, "j.csv", "name,kind,state\nChicago,city,IL\nIllinois,state,IL\n")
    assert cli("import", str(j), "--entity", "jurisdictions").exit_code == 0
    f = _file(
        tmp_path,
        "status.csv",
        f'jurisdiction,status,source\n"Chicago, IL",sanctuary,{SRC}\nIL,sanctuary,{SRC}\n',
    )
    result = cli("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert _summary(result) == {"status": (2, 0, 0)}
    again = cli("import", str(f), "--format", "csv")
    assert _summary(again) == {"status": (0, 0, 2)}
    lines = cli("export", "status").stdout.splitlines()
    assert lines[1].startswith(f"ocd-division/country:us/state:il,sanctuary,{SRC},,,,,,,20")
    assert lines[2].startswith(f"{CHI},sanctuary,{SRC},,,,,,,20")


def test_quoted_fields_with_commas_quotes_and_newlines(cli, tmp_path):
    note = 'Says "no", then, later,\r\nyes; O\'Fallon [sic]'
    f = _file(
        tmp_path,
        "jurisdictions.csv",
        'name,kind,state,notes\r\n"O\'Fallon",city,MO,"' + note.replace('"', '""') + '"\r\n',
    )
    result = cli("import", str(f))
    assert result.exit_code == 0, result.output
    assert cli("export", "--out", str(tmp_path / "out")).exit_code == 0
    rows = (tmp_path / "out" / "jurisdictions.csv").read_bytes().decode()
    assert rows.endswith(
        ',O\'Fallon,city,MO,,,,"Says ""no"", then, later,\r\nyes; O\'Fallon [sic]"\n'
    )


def test_dry_run_prints_summary_and_writes_nothing(cli, tmp_path):
    f = _file(tmp_path, "jurisdictions.csv", "name,kind,state\nChicago,city,IL\n")
    before = dump(cli.url)
    result = cli("import", str(f), "--dry-run", "--format", "csv")
    assert result.exit_code == 0, result.output
    # CSV: the changes, one row per field; the counts on stderr.
    assert result.stdout.splitlines() == [
        "entity,key,change,field,old,new",
        f"jurisdictions,{CHI},added,name,,Chicago",
        f"jurisdictions,{CHI},added,kind,,city",
        f"jurisdictions,{CHI},added,state,,IL",
    ]
    assert result.stderr.splitlines() == [
        "jurisdictions: 1 added, 0 updated, 0 unchanged",
        "Dry run: 1 change(s) found, nothing written.",
    ]
    assert dump(cli.url) == before


# --- bad files: line numbers, nothing written, exit 1, no traceback -----------


def _fails(cli, path, *args) -> list[str]:
    before = dump(cli.url)
    result = cli("import", str(path), *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert dump(cli.url) == before
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: import failed with ")
    assert lines[0].endswith("nothing written:")
    return lines[1:]


def test_unknown_column_is_named(cli, tmp_path):
    f = _file(tmp_path, "jurisdictions.csv", "name,kind,state,popluation\nChicago,city,IL,1\n")
    assert _fails(cli, f) == [
        "jurisdictions.csv, line 1, column 4: unknown column 'popluation'; jurisdictions "
        "columns are: ocd_id, name, kind, state, fips, population, aliases, notes"
    ]


def test_missing_column(cli, tmp_path):
    f = _file(tmp_path, "jurisdictions.csv", "kind,state\ncity,IL\n")
    assert _fails(cli, f) == ["jurisdictions.csv, line 1: missing required column 'name'"]
    # Kind may come from the registry; a name it does not know needs it.
    f = _file(tmp_path, "jurisdictions.csv", "name,state\nChicago,IL\n")
    assert _fails(cli, f) == [
        "jurisdictions.csv, line 2: kind: missing, and the registry does not know "
        "'Chicago'; give its kind"
    ]


def test_wrong_encoding_names_the_line(cli, tmp_path):
    # Latin-1 on line 4, after a long first stretch of good text.
    good = "".join(f"Town {i},town,NJ\n" for i in range(2000))
    data = ("name,kind,state\n" + good).encode() + "Doña Ana County,county,NM\n".encode("latin-1")
    f = _file(tmp_path, "jurisdictions.csv", data)
    assert _fails(cli, f) == [
        "jurisdictions.csv, line 2002, character 3: not UTF-8 text (byte 0xf1); "
        "save the file as UTF-8 (CSV UTF-8 in Excel)"
    ]


def test_utf16_file_is_refused_clearly(cli, tmp_path):
    f = _file(tmp_path, "jurisdictions.csv", "name,kind,state\nChicago,city,IL\n".encode("utf-16"))
    [line] = _fails(cli, f)
    assert line.startswith("jurisdictions.csv, line 1, character 1: not UTF-8 text")


def test_errors_in_one_file_stop_every_write_and_report_each_line(cli, tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    _file(d, "sources.csv", f"title,url\nA report,{SRC}\n")
    _file(d, "jurisdictions.csv", 'name,kind,state,notes\nChicago,city,IL,"two\nlines"\n'
          "Gotham,city,ZZ,\nEvanston,city,IL,\n")  # fmt: skip
    _file(
        d,
        "status.csv",
        "jurisdiction,status,source,effective\n"
        f"Evanston,sanctuary,{SRC},2018\n"  # valid: Evanston resolves though never written
        f"{CHI},sanctuary-ish,{SRC},\n"
        f"Springfield,sanctuary,{SRC},\n"
        f"{CHI},sanctuary,{SRC},2018-02-30\n"
        f"{CHI},sanctuary,nowhere,\n",
    )
    # (The hint after "; " belongs to the jurisdictions module and may change.)
    assert [p.split("; see ")[0] for p in _fails(cli, d)] == [
        "jurisdictions.csv, line 4: state: 'ZZ' is not a US state, territory or DC postal code",
        "status.csv, line 3: status: 'sanctuary-ish' is not one of: sanctuary, partial, "
        "cooperative, anti_sanctuary, neutral, unknown",
        "status.csv, line 4: jurisdiction: no jurisdiction matches 'Springfield'",
        "status.csv, line 5: effective: '2018-02-30' is not a date (day 30 does not exist "
        "in 2018-02)",
        "status.csv, line 6: source: no source has the key 'nowhere'",
    ]


def test_duplicate_rows_and_bad_money(cli, tmp_path):
    _source(cli, tmp_path)
    assert cli("import", str(_file(tmp_path, "jurisdictions.csv",
                                   "name,kind,state\nChicago,city,IL\n"))).exit_code == 0  # fmt: skip
    f = _file(
        tmp_path,
        "grants.csv",
        "program,fiscal_year,amount,amount_type,jurisdictions,source\n"
        f"JAG,2017,-5,awarded,{CHI},{SRC}\n"
        f"JAG,2017,1.234,awarded,{CHI},{SRC}\n"
        f"JAG,17,1,awarded,{CHI},{SRC}\n"
        f"JAG,2017,1,awarded,{CHI},{SRC}\n"
        f'JAG,2017,2,awarded,"Chicago, IL",{SRC}\n',
    )
    assert _fails(cli, f) == [
        "grants.csv, line 2: amount: '-5' is negative; amounts must be zero or more",
        "grants.csv, line 3: amount: '1.234' has more than two decimal places",
        "grants.csv, line 4: fiscal_year: '17' is not a four-digit year",
        "grants.csv, line 6: same record as line 5 (JAG, 2017, awarded)",
    ]


def test_at_most_fifty_problems_are_listed(cli, tmp_path):
    rows = "".join(f"Town {i},township,XX\n" for i in range(70))
    f = _file(tmp_path, "jurisdictions.csv", "name,kind,state\n" + rows)
    problems = _fails(cli, f)
    assert len(problems) == csvformat.MAX_PROBLEMS + 1
    assert problems[0].startswith("jurisdictions.csv, line 2: state: 'XX'")
    assert problems[49].startswith("jurisdictions.csv, line 51: ")
    assert problems[-1] == "... and 20 more"


def test_file_name_must_say_the_entity(cli, tmp_path):
    f = _file(tmp_path, "towns.csv", "name,kind,state\nChicago,city,IL\n")
    result = cli("import", str(f))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: towns.csv: cannot tell the entity from the file name")
    assert cli("import", str(f), "--entity", "jurisdictions").exit_code == 0


def test_missing_path(cli, tmp_path):
    result = cli("import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "no such file or directory" in result.stderr
