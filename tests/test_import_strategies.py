"""tracker import's two strategies inside its one write path: rows streamed
into an empty table with its indexes built once ("bulk"), and rows matched
to the ones a table holds ("full"). Which imports take which, that both end
in the same database, and that a bad file is reported with nothing written."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import CLI, dump

from tracker import db, jurisdictions, models, status, transfer

SRC = "Department of Justice Threatens Jurisdictions That Don\u2019t Cooperate With Immigration Officials (2018-01-25)"
CHI = "ocd-division/country:us/state:il/place:chicago"
LA = "ocd-division/country:us/state:ca/place:los_angeles"
CANON_CITY = "ocd-division/country:us/state:co/place:canon_city"
STATUS_HEADER = "jurisdiction,status,source,effective,observed,quote\n"
# Set-up loads call the import itself, so the ``paths`` spy sees only the commands.
IMPORT_FILES = transfer.import_files

# Columns in another order than the export's, an explicit ocd_id on some
# rows (one in mixed case), a blank line, CRLF line ends and a BOM.
JURISDICTIONS = (
    "\ufeffName,Kind,State,FIPS,Notes,Aliases,OCD_ID,Population\r\n"
    'Doña Ana County,county,NM,35013,"Border county, ""Las Cruces"" is its seat",'
    '"Dona Ana; Condado de Doña Ana",,"219,561"\r\n'
    f"Cañon City,city,CO,0811810,,,{CANON_CITY},16000\r\n"
    "\r\n"
    "O'Brien County,county,IA,19141,,,,\r\n"
    "O\u2019Fallon,city,MO,2954074,it\u2019s spelled O\u2019Fallon,,,\r\n"
    '"Los Angeles County",county,CA,06037,"Big, busy",LA County,,10014009\r\n'
    "Los Angeles,city,CA,0644000,,City of Los Angeles; L.A.,"
    "OCD-Division/country:us/state:ca/place:los_angeles,3898747\r\n"
    '"Washington, D.C.",federal_district,DC,11,,,,\r\n'
)
# No fips, aliases, notes or ocd_id column: the missing ones read as empty.
JURISDICTIONS_FEW_COLUMNS = (
    "\ufeffstate,population,kind,name\r\n"
    'NM,"219,561",county,Doña Ana County\r\n'
    "CO,,city,Cañon City\r\n"
    "\r\n"
    'IA,14,county,"O\'Brien County"\r\n'
)


def _file(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _summary(result) -> dict[str, tuple[int, int, int]]:
    lines = result.stdout.strip().splitlines()[1:]
    return {e: (int(a), int(u), int(n)) for e, a, u, n in (line.split(",") for line in lines)}


def _seed_without_status(url: str) -> None:
    with db.connect(url, write=True) as s:
        IMPORT_FILES(s, db.resource_dir("seed") / "sources.csv")
        IMPORT_FILES(s, db.resource_dir("seed") / "jurisdictions.csv")


@pytest.fixture
def paths(monkeypatch) -> list[str]:
    """The strategy each import took, in order: "bulk" when it streamed into
    an empty table (its indexes deferred), else "full"."""
    taken: list[str] = []
    real_import, real_defer = transfer.import_files, db.BulkWriter.defer_indexes
    deferred: list[bool] = []

    def defer(self):
        deferred.append(True)
        return real_defer(self)

    def spy(*args, **kwargs):
        deferred.clear()
        try:
            return real_import(*args, **kwargs)
        finally:
            taken.append("bulk" if deferred else "full")

    monkeypatch.setattr(db.BulkWriter, "defer_indexes", defer)
    monkeypatch.setattr(transfer, "import_files", spy)
    return taken


def _full_path(monkeypatch) -> None:
    """Imports from here on match rows as into a table that holds some."""
    monkeypatch.setattr(db.BulkWriter, "defer_indexes", lambda self: None)
    monkeypatch.setitem(
        transfer.WRITERS, "status", lambda batch, rows: status._write_matched(batch, rows)
    )


def _on_both_paths(cli, other_cli, f: Path, paths: list[str], monkeypatch):
    """``import f`` on the bulk path with ``cli``, then on the full path with ``other_cli``."""
    bulk_run = cli("import", str(f), "--format", "csv")
    assert bulk_run.exit_code == 0, bulk_run.output
    assert paths == ["bulk"]
    _full_path(monkeypatch)
    full_run = other_cli("import", str(f), "--format", "csv")
    assert full_run.exit_code == 0, full_run.output
    return bulk_run, full_run


def _contents(url: str, since: datetime) -> dict[str, list[tuple]]:
    """Every row of every table, as dump() shows them, except timestamps the
    import took itself (created_at; recorded_at left empty), which read "<now>"."""

    from tracker.models import metadata

    with db.engine_for(url).connect() as conn:
        return {
            name: sorted(
                tuple("<now>" if isinstance(v, datetime) and v >= since else repr(v) for v in row)
                for row in conn.execute(sa.select(table))
            )
            for name, table in metadata.tables.items()
            # The journal holds when each edit happened: not a stored field.
            if name != "change_log"
        }


# --- both paths end in the same database -------------------------------------


@pytest.mark.parametrize(
    ("text", "rows"), [(JURISDICTIONS, 7), (JURISDICTIONS_FEW_COLUMNS, 3)], ids=["all", "few"]
)
def test_jurisdictions_bulk_and_full_paths_store_the_same_rows(
    url, other_url, cli, tmp_path, paths, monkeypatch, text, rows
):
    since = datetime.now(UTC)
    f = _file(tmp_path, "jurisdictions.csv", text)
    bulk_run, full_run = _on_both_paths(cli, CLI(other_url), f, paths, monkeypatch)
    assert _summary(bulk_run) == _summary(full_run) == {"jurisdictions": (rows, 0, 0)}
    assert bulk_run.stderr == full_run.stderr == f"Imported: {rows} change(s) written.\n"
    stored = _contents(url, since)
    assert len(stored["jurisdiction"]) == rows
    assert stored == _contents(other_url, since)


def _status_file(tmp_path: Path, url: str) -> tuple[Path, int]:
    # REFs: exact OCD id, upper case with spaces around, FIPS codes (files
    # never name a database id).
    text = (
        "jurisdiction,status,source,effective,observed,quote,recorded_at\r\n"
        f'{CHI},sanctuary,"{SRC}",2017-09,,"a ""quoted"", quote",2019-03-01T12:00:00Z\r\n'
        f'"  {LA.upper()}  ",partial,"{SRC}",2016,2018-01-24,"two\r\nlines, and commas",\r\n'
        f'0644000,cooperative,"{SRC}",2019-02-28,,,2018-05-06T07:08:09.123456Z\r\n'
        f'06,sanctuary," {SRC}",2017,,,\r\n'
        f'06085,sanctuary,"{SRC}",,2018-01,,\r\n'
        f'3651000,unknown,"{SRC}",,,"New York, NY",\r\n'
    )
    return _file(tmp_path, "status.csv", text), 6


def test_status_bulk_and_full_paths_store_the_same_rows(
    url, other_url, cli, tmp_path, paths, monkeypatch
):
    since = datetime.now(UTC)
    _seed_without_status(url)
    _seed_without_status(other_url)
    f, rows = _status_file(tmp_path, url)
    bulk_run, full_run = _on_both_paths(cli, CLI(other_url), f, paths, monkeypatch)
    assert _summary(bulk_run) == _summary(full_run) == {"status": (rows, 0, 0)}
    assert bulk_run.stderr == full_run.stderr
    stored = _contents(url, since)
    assert stored == _contents(other_url, since)
    # The values themselves, read back: partial dates, the quote's CRLF, the stamps.
    with db.engine_for(url).connect() as conn:
        quotes = conn.execute(sa.text("SELECT quote FROM policy_status WHERE effective = '2016'"))
        assert quotes.scalars().all() == ["two\r\nlines, and commas"]
    out = cli("export", "status").stdout
    assert f"{LA},cooperative,{SRC},2019-02-28,,,,,,2018-05-06T07:08:09.123456Z" in out
    assert (
        f'{CHI},sanctuary,{SRC},2017-09,,,"a ""quoted"", quote",,,2019-03-01T12:00:00.000000Z'
        in out
    )
    assert sum("<now>" in row for row in stored["policy_status"]) == 4


NAMED = (
    # "Name, ST", any case; an alias; a name unique across states; accents ignored.
    f'"Chicago, IL",sanctuary,"{SRC}",2017-09,,\n'
    f'"chicago, il",cooperative,"{SRC}",2019-02-28,,\n'
    f'"San Francisco County, CA",sanctuary,"{SRC}",2017,,\n'
    f'City of Los Angeles,partial,"{SRC}",2016,,\n'
    f'"Santa Clara County",sanctuary,"{SRC}",2017-11,,\n'
    f'"New Yórk City, ny",unknown,"{SRC}",,,\n'
)


def test_status_by_name_takes_the_bulk_path_and_matches_the_full_path(
    url, other_url, cli, tmp_path, paths, monkeypatch
):
    since = datetime.now(UTC)
    _seed_without_status(url)
    _seed_without_status(other_url)
    f = _file(tmp_path, "status.csv", STATUS_HEADER + NAMED)
    result = cli("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert paths == ["bulk"]
    _full_path(monkeypatch)
    full = CLI(other_url)("import", str(f), "--format", "csv")
    assert _summary(result) == _summary(full) == {"status": (6, 0, 0)}
    assert _contents(url, since) == _contents(other_url, since)
    lines = cli("status", "history", CHI, "--format", "csv").stdout.splitlines()
    assert [line.split(",")[1:3] for line in lines[1:]] == [
        ["sanctuary", "2017-09"],
        ["cooperative", "2019-02-28"],
    ]


@pytest.mark.parametrize(
    ("ref", "fails"),
    [
        # Not settled by the in-memory index; the one resolver settles them.
        ('"Washington, D.C."', False),  # "D.C." reads as a state; the whole text is an alias
        ("Washington DC", False),  # the loose match of the alias "Washington D.C."
        ("IL", False),  # a state code: the state itself
        # No such name: reported with suggestions.
        ('"Chicgo, IL"', True),
    ],
)
def test_status_by_a_name_the_index_cannot_settle(url, cli, tmp_path, paths, ref, fails):
    _seed_without_status(url)
    f = _file(tmp_path, "status.csv", STATUS_HEADER + f'{ref},sanctuary,"{SRC}",2017-09,,\n')
    result = cli("import", str(f), "--format", "csv")
    assert paths == ["bulk"]
    if fails:
        assert result.exit_code == 1
        assert "status.csv, line 2: jurisdiction: no jurisdiction matches 'Chicgo, IL'" in (
            result.stderr
        )
        assert len(dump(url)["policy_status"]) == 0
    else:
        assert result.exit_code == 0, result.output
        assert _summary(result) == {"status": (1, 0, 0)}


# --- declined: the full importer's own errors, nothing written ----------------

_TOWNS = "".join(f"Town {i},town,NJ\n" for i in range(1000)).encode()
# (file, contents, the problem line the full importer reports); status files
# go into a database holding the seed's sources and jurisdictions.
BAD_FILES = {
    "bad kind": (
        "jurisdictions.csv",
        "name,kind,state,fips\nChicago,city,IL,1714000\nTrenton,burg,NJ,\n",
        "jurisdictions.csv, line 3: kind: 'burg' is not one of: state, territory, "
        "federal_district, county, city_county, city, town, village, borough, township",
    ),
    "bad state": (
        "jurisdictions.csv",
        "name,kind,state,fips\nChicago,city,IL,1714000\nGotham,city,ZZ,\n",
        "jurisdictions.csv, line 3: state: 'ZZ' is not a US state, territory or DC postal code",
    ),
    "bad fips": (
        "jurisdictions.csv",
        "name,kind,state,fips\nChicago,city,IL,1714000\nEvanston,city,IL,0624582\n",
        "jurisdictions.csv, line 3: fips: '0624582' does not start with the state's code 17",
    ),
    "repeated ocd id": (
        "jurisdictions.csv",
        f"name,kind,state,ocd_id\nChicago,city,IL,\nEvanston,city,IL,\nChicago,city,IL,{CHI.upper()}\n",
        f"jurisdictions.csv, line 4: same record as line 2 ({CHI})",
    ),
    "repeated fips": (
        "jurisdictions.csv",
        "name,kind,state,fips\nChicago,city,IL,1714000\nEvanston,city,IL,1714000\n",
        f"jurisdictions.csv, line 3: fips: 1714000 already belongs to {CHI}",
    ),
    "too many fields": (
        "jurisdictions.csv",
        "name,kind,state\nChicago,city,IL\nEvanston,city,IL,x\n",
        "jurisdictions.csv, line 3: 4 fields but the header has 3",
    ),
    # Past the first 8 KiB, so the header and many rows decode before it.
    "not utf-8 mid-file": (
        "jurisdictions.csv",
        b"name,kind,state\n" + _TOWNS + "Do\u00f1a Ana County,county,NM\n".encode("latin-1"),
        "jurisdictions.csv, line 1002, character 3: not UTF-8 text (byte 0xf1); "
        "save the file as UTF-8 (CSV UTF-8 in Excel)",
    ),
    "unknown column": (
        "jurisdictions.csv",
        "name,kind,state,popluation\nChicago,city,IL,1\n",
        "jurisdictions.csv, line 1, column 4: unknown column 'popluation'; jurisdictions "
        "columns are: ocd_id, name, kind, state, fips, population, aliases, notes",
    ),
    "unknown source": (
        "status.csv",
        STATUS_HEADER + f'{CHI},sanctuary,"{SRC}",2017,,\n{LA},sanctuary,nowhere,2017,,\n',
        "status.csv, line 3: source: no source has the key 'nowhere'",
    ),
    "unknown status": (
        "status.csv",
        STATUS_HEADER + f'{CHI},sanctuary,"{SRC}",2017,,\n{LA},sanctuary-ish,"{SRC}",2017,,\n',
        "status.csv, line 3: status: 'sanctuary-ish' is not one of: sanctuary, partial, "
        "cooperative, anti_sanctuary, neutral, unknown",
    ),
    # The same record in other spellings (REF case, spaces, another quote).
    "repeated status row": (
        "status.csv",
        STATUS_HEADER + f'{CHI},sanctuary,"{SRC}",2017-09,,\n{LA},partial,"{SRC}",2016,,\n'
        f'{CHI.upper()},sanctuary," {SRC}",2017-09,,another quote\n',
        "status.csv, line 4: same record as line 2 (sanctuary, 2017-09)",
    ),
    "too many status fields": (
        "status.csv",
        STATUS_HEADER + f'{CHI},sanctuary,"{SRC}",2017-09,,\n{LA},partial,"{SRC}",2016,,,,\n',
        "status.csv, line 3: 8 fields but the header has 6",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_one_error_and_nothing_is_written_on_either_strategy(
    url, cli, tmp_path, paths, monkeypatch, case
):
    name, data, problem = BAD_FILES[case]
    if name == "status.csv":
        _seed_without_status(url)
    f = _file(tmp_path, name, data)
    before = dump(url)
    result = cli("import", str(f))
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        "Error: import failed with 1 problem(s), nothing written:",
        problem,
    ]
    assert result.stdout == ""
    assert dump(url) == before
    # Word for word what the matching strategy says.
    _full_path(monkeypatch)
    assert cli("import", str(f)).stderr == result.stderr
    assert dump(url) == before


def test_a_possible_repeat_in_a_directory_import_is_confirmed_not_refused(
    url, cli, tmp_path, paths, monkeypatch
):
    with db.connect(url, write=True) as s:
        IMPORT_FILES(s, db.resource_dir("seed") / "sources.csv")
    d = tmp_path / "data"
    d.mkdir()
    _file(
        d,
        "jurisdictions.csv",
        "name,kind,state,fips\nChicago,city,IL,1714000\nIllinois,state,IL,17\n",
    )
    # Every row hashes alike, so the second looks like a repeat of the first
    # until the file is read again.
    monkeypatch.setattr(status, "row_hash", lambda key: 0)
    _file(
        d,
        "status.csv",
        STATUS_HEADER + f'{CHI},sanctuary,"{SRC}",2017,,\nIL,partial,"{SRC}",2018,,\n',
    )
    result = cli("import", str(d), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert _summary(result) == {"jurisdictions": (2, 0, 0), "status": (2, 0, 0)}
    stored = dump(url)
    assert len(stored["jurisdiction"]) == 2
    assert len(stored["policy_status"]) == 2


# --- stored rows: the full path matches them ----------------------------------


def test_rows_added_to_a_stored_table_go_through_the_full_path(cli, tmp_path, paths):
    first = _file(tmp_path, "jurisdictions.csv", "name,kind,state,fips\nChicago,city,IL,1714000\n")
    assert cli("import", str(first)).exit_code == 0
    more = _file(
        tmp_path,
        "more.csv",
        "name,kind,state,fips,population\nChicago,city,IL,1714000,\n"
        "Evanston,city,IL,1724582,74486\nIllinois,state,IL,17,\n",
    )
    result = cli("import", str(more), "--entity", "jurisdictions", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert paths == ["bulk", "full"]
    assert _summary(result) == {"jurisdictions": (2, 0, 1)}
    assert cli("export", "jurisdictions").stdout == (
        "ocd_id,name,kind,state,fips,population,aliases,notes\n"
        "ocd-division/country:us/state:il,Illinois,state,IL,17,,,\n"
        f"{CHI},Chicago,city,IL,1714000,,,\n"
        "ocd-division/country:us/state:il/place:evanston,Evanston,city,IL,1724582,74486,,\n"
    )


def test_a_status_file_twice_changes_nothing_the_second_time(url, cli, tmp_path, paths):
    _seed_without_status(url)
    status, rows = _status_file(tmp_path, url)
    assert cli("import", str(status)).exit_code == 0
    assert paths == ["bulk"]
    before = dump(url)
    again = cli("import", str(status), "--format", "csv")
    assert again.exit_code == 0, again.output
    assert paths == ["bulk", "full"]
    assert _summary(again) == {"status": (0, 0, rows)}
    assert again.stderr == "Imported: 0 change(s) written.\n"
    assert dump(url) == before


def test_a_jurisdictions_file_twice_changes_nothing_the_second_time(cli, tmp_path, paths):
    f = _file(tmp_path, "jurisdictions.csv", JURISDICTIONS)
    first = cli("import", str(f), "--format", "csv")
    assert _summary(first) == {"jurisdictions": (7, 0, 0)}
    before = dump(cli.url)
    again = cli("import", str(f), "--format", "csv")
    assert again.exit_code == 0, again.output
    assert paths == ["bulk", "full"]
    assert _summary(again) == {"jurisdictions": (0, 0, 7)}
    assert again.stderr == "Imported: 0 change(s) written.\n"
    assert dump(cli.url) == before


# --- dry run --------------------------------------------------------------------


def test_dry_run_on_the_bulk_path_counts_and_writes_nothing(url, cli, tmp_path, paths):
    _seed_without_status(url)
    before = dump(url)
    status, rows = _status_file(tmp_path, url)
    result = cli("import", str(status), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    assert paths == ["bulk"]
    listed = json.loads(result.stdout)
    assert listed["summary"] == [{"entity": "status", "added": rows, "updated": 0, "unchanged": 0}]
    assert [c["change"] for c in listed["changes"]] == ["added"] * rows
    assert result.stderr == f"Dry run: {rows} change(s) found, nothing written.\n"
    assert dump(url) == before
    # The table is still empty, and not left locked: the real import is bulk too.
    assert cli("import", str(status)).exit_code == 0
    assert paths == ["bulk", "bulk"]
    assert len(dump(url)["policy_status"]) == rows


def test_dry_run_of_jurisdictions_on_the_bulk_path_writes_nothing(cli, tmp_path, paths):
    f = _file(tmp_path, "jurisdictions.csv", JURISDICTIONS)
    before = dump(cli.url)
    result = cli("import", str(f), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    assert paths == ["bulk"]
    listed = json.loads(result.stdout)
    assert listed["summary"] == [
        {"entity": "jurisdictions", "added": 7, "updated": 0, "unchanged": 0}
    ]
    assert [c["change"] for c in listed["changes"]] == ["added"] * 7
    assert result.stderr == "Dry run: 7 change(s) found, nothing written.\n"
    assert dump(cli.url) == before


# --- indexes ----------------------------------------------------------------------


def _index_names(url: str) -> dict[str, set[str]]:
    tables = ("jurisdiction", "policy_status")
    if url.startswith("sqlite"):
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'"
    else:
        sql = "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'"
    found: dict[str, set[str]] = {t: set() for t in tables}
    with db.engine_for(url).connect() as conn:
        for table, name in conn.exec_driver_sql(sql):
            if table in found:
                found[table].add(name)
    return found


def test_indexes_are_all_back_after_a_bulk_import_and_unique_ones_hold(url, cli, tmp_path, paths):
    before = _index_names(url)
    assert "uq_jurisdiction_ocd_id" in before["jurisdiction"]
    assert "ix_policy_status_latest" in before["policy_status"]
    d = tmp_path / "data"
    d.mkdir()
    _file(d, "jurisdictions.csv", JURISDICTIONS)
    _file(
        d,
        "status.csv",
        STATUS_HEADER + f'{CANON_CITY},sanctuary,"{SRC}",2017,,\n{LA},partial,"{SRC}",2016,,\n',
    )
    # The seed's source is what the status rows cite; then a directory of both.
    with db.connect(url, write=True) as s:
        IMPORT_FILES(s, db.resource_dir("seed") / "sources.csv")
    result = cli("import", str(d), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert paths == ["bulk"]
    assert _summary(result) == {"jurisdictions": (7, 0, 0), "status": (2, 0, 0)}
    assert _index_names(url) == before
    engine = db.engine_for(url)
    copy = (
        "INSERT INTO jurisdiction (ocd_id, name, name_folded, kind, state, fips, created_at) "
        "SELECT {ocd}, name, name_folded, kind, state, {fips}, created_at FROM jurisdiction "
        f"WHERE ocd_id = '{LA}'"
    )
    with pytest.raises(sa.exc.IntegrityError, match="ocd_id"):
        with engine.begin() as conn:
            conn.exec_driver_sql(copy.format(ocd="ocd_id", fips="NULL"))
    with pytest.raises(sa.exc.IntegrityError, match="fips"):
        with engine.begin() as conn:
            conn.exec_driver_sql(copy.format(ocd="ocd_id || '_2'", fips="fips"))
    # The same row with its own ocd_id and fips goes in: the indexes, not the row, refused it.
    with engine.begin() as conn:
        conn.exec_driver_sql(copy.format(ocd="ocd_id || '_2'", fips="NULL"))


def test_a_timestamp_before_year_1000_is_stored_zero_padded_and_sorts_first(url, cli, tmp_path):
    # strftime's %Y wrote "999-06-01", which sorts after "2019-...": the old
    # assertion then passed for the latest.
    _seed_without_status(url)
    f = _file(
        tmp_path,
        "status.csv",
        "jurisdiction,status,source,recorded_at\n"
        f'{CHI},sanctuary,"{SRC}",0999-06-01T00:00:00Z\n'
        f'{CHI},cooperative,"{SRC}",2019-01-01T00:00:00Z\n',
    )
    assert cli("import", str(f)).exit_code == 0
    if url.startswith("sqlite"):
        with db.engine_for(url).connect() as conn:
            stored = conn.exec_driver_sql("SELECT recorded_at FROM policy_status ORDER BY 1")
            assert stored.scalars().all() == [
                "0999-06-01 00:00:00.000000",
                "2019-01-01 00:00:00.000000",
            ]
    out = cli("export", "status").stdout
    assert f"{CHI},sanctuary,{SRC},,,,,,,0999-06-01T00:00:00.000000Z" in out
    report = cli("report", "status", "--state", "IL", "--format", "csv").stdout
    assert [line.split(",")[4] for line in report.splitlines() if CHI in line] == ["cooperative"]


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_timestamp_out_of_range_in_utc_is_one_error_line(url, cli, tmp_path, stamp):
    _seed_without_status(url)
    before = dump(url)
    f = _file(
        tmp_path,
        "status.csv",
        f'jurisdiction,status,source,recorded_at\n{CHI},sanctuary,"{SRC}",{stamp}\n',
    )
    result = cli("import", str(f))
    assert result.exit_code == 1
    assert f"status.csv, line 2: recorded_at: '{stamp}' is out of range in UTC" in result.stderr
    assert "Traceback" not in result.output
    assert dump(url) == before


def test_a_new_embedded_database_is_created_then_loaded_on_the_bulk_path(tmp_path, paths):
    target = tmp_path / "new.db"
    f = _file(tmp_path, "jurisdictions.csv", JURISDICTIONS)
    result = CLI(f"sqlite:///{target}")("import", str(f), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert paths == ["bulk"]
    assert _summary(result) == {"jurisdictions": (7, 0, 0)}
    assert db.revision_of(f"sqlite:///{target}") == db.schema.HEAD
    assert len(dump(f"sqlite:///{target}")["jurisdiction"]) == 7


def test_a_postgres_database_without_the_schema_is_refused_as_before(postgres, tmp_path, paths):
    name = postgres.create()
    try:
        f = _file(tmp_path, "jurisdictions.csv", JURISDICTIONS)
        result = CLI(postgres.url(name))("import", str(f))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: database {postgres.url(name)} ")
        assert "has no tracker schema, behind this code" in result.stderr
        assert "run `tracker db upgrade`" in result.stderr
        assert paths == []  # refused before the import began
    finally:
        db.dispose_all()
        postgres.drop_later(name)


def _bulk_rows(names: list[str]) -> list[tuple]:
    now = datetime.now(UTC)
    return [
        (f"ocd-division/country:us/state:il/place:{n.lower()}", n, n.lower(), "city", "IL",
         None, None, None, now)
        for n in names
    ]  # fmt: skip


def _stored_names(conn) -> list[str]:
    j = models.Jurisdiction
    return list(conn.execute(sa.select(j.c.name).order_by(j.c.name)).scalars())


def test_a_bulk_write_is_stored_before_anything_else_asks_the_connection(url):
    """PostgreSQL's one COPY across chunks ends before another statement, a
    streamed read, another writer or the commit; SQLite writes each chunk."""
    columns = (*jurisdictions._STORED, "created_at")
    with db.connect(url, write=True) as conn:
        writer = db.BulkWriter(conn, models.Jurisdiction, columns)
        writer.write(_bulk_rows(["Aurora", "Berwyn"]))
        assert _stored_names(conn) == ["Aurora", "Berwyn"]
        writer.write(_bulk_rows(["Cicero"]))
        j = models.Jurisdiction
        assert [r[0] for r in db.stream(conn, sa.select(j.c.name), "test")] == [
            "Aurora", "Berwyn", "Cicero"
        ]  # fmt: skip
        writer.write(_bulk_rows(["Dixon"]))
        other = db.BulkWriter(conn, models.Jurisdiction, columns)
        other.write(_bulk_rows(["Elgin"]))
        other.close()
        writer.write(_bulk_rows(["Freeport"]))
        writer.close()
    with db.connect(url) as conn:
        assert _stored_names(conn) == ["Aurora", "Berwyn", "Cicero", "Dixon", "Elgin", "Freeport"]


def test_a_bulk_write_rolled_back_leaves_nothing(url):
    columns = (*jurisdictions._STORED, "created_at")
    with pytest.raises(KeyboardInterrupt), db.connect(url, write=True) as conn:
        writer = db.BulkWriter(conn, models.Jurisdiction, columns)
        writer.write(_bulk_rows(["Galena"]))
        raise KeyboardInterrupt
    with db.connect(url, write=True) as conn:
        assert _stored_names(conn) == []
        writer = db.BulkWriter(conn, models.Jurisdiction, columns)
        writer.write(_bulk_rows(["Galena"]))
        writer.close()
    with db.connect(url) as conn:
        assert _stored_names(conn) == ["Galena"]


def test_a_bulk_write_and_a_streamed_read_take_turns_on_one_connection(url):
    """A write of what a stream reads (status periods are kept this way): on
    PostgreSQL the COPY ends before each fetch of the server-side cursor."""
    columns = (*jurisdictions._STORED, "created_at")
    j = models.Jurisdiction
    with db.connect(url, write=True) as conn:
        db.BulkWriter(conn, j, columns).write(_bulk_rows([f"Town{i}" for i in range(12_000)]))
        writer = db.BulkWriter(conn, j, columns)
        for (name,) in db.stream(conn, sa.select(j.c.name).order_by(j.c.id), "test"):
            writer.add(_bulk_rows([f"{name}Copy"])[0])
        writer.close()
    with db.connect(url) as conn:
        names = set(_stored_names(conn))
    assert len(names) == 24_000 and "Town11999Copy" in names
