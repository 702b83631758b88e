"""Status rows into an empty table, streamed with the indexes built once:
every value stored, duplicates reported with both lines, memory kept flat by
remembering hashes (collisions confirmed, never mistaken for duplicates)."""

from conftest import dump

from tracker import db, status, transfer

HEADER = "jurisdiction,status,source,effective,observed,quote\n"
SRC = "Department of Justice Threatens Jurisdictions That Don\u2019t Cooperate With Immigration Officials (2018-01-25)"
CHI = "ocd-division/country:us/state:il/place:chicago"
LA = "ocd-division/country:us/state:ca/place:los_angeles"


def _seed_without_status(url):
    with db.connect(url, write=True) as s:
        transfer.import_files(s, db.resource_dir("seed") / "sources.csv")
        transfer.import_files(s, db.resource_dir("seed") / "jurisdictions.csv")


def _write(tmp_path, body: str):
    path = tmp_path / "status.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_bulk_import_stores_every_row_with_its_values(url, tmp_path, cli):
    _seed_without_status(url)
    path = _write(
        tmp_path,
        f'{CHI},sanctuary,"{SRC}",2017-09,,"a ""quoted"", quote"\n'
        f'{LA},partial,"{SRC}",2016,2018-01-24,\n'
        f'"Chicago, IL",cooperative,"{SRC}",2019-02-28,,\n',
    )
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == ["status", "3", "0", "0"]
    out = cli("status", "history", "Chicago, IL", "--format", "csv")
    lines = out.stdout.splitlines()
    assert lines[1].split(",")[1:4] == ["sanctuary", "2017-09", ""]
    assert '"a ""quoted"", quote"' in lines[1]
    assert lines[2].split(",")[1:3] == ["cooperative", "2019-02-28"]


def test_bulk_import_reports_a_repeated_row_with_both_lines_and_writes_nothing(url, tmp_path, cli):
    _seed_without_status(url)
    before = dump(url)
    path = _write(
        tmp_path,
        f'{CHI},sanctuary,"{SRC}",2017-09,,\n'
        f'{LA},partial,"{SRC}",2016,,\n'
        f'{CHI},sanctuary,"{SRC}",2017-09,,\n',
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "status.csv, line 4: same record as line 2" in result.stderr
    assert dump(url) == before


def test_hash_collisions_are_not_mistaken_for_duplicates(url, tmp_path, cli, monkeypatch):
    _seed_without_status(url)
    # Every row hashes alike: each must be confirmed by its full key.
    monkeypatch.setattr(status, "row_hash", lambda key: 0)
    path = _write(
        tmp_path,
        f'{CHI},sanctuary,"{SRC}",2017-09,,\n'
        f'{LA},partial,"{SRC}",2016,,\n'
        f'{CHI},partial,"{SRC}",2018,,\n',
    )
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == ["status", "3", "0", "0"]
    assert len(dump(url)["policy_status"]) == 3


def test_bulk_import_error_midway_leaves_the_database_unchanged(url, tmp_path, cli, monkeypatch):
    # Small chunks: rows reach the database before the bad line is read.
    monkeypatch.setattr(db.BulkWriter, "CHUNK", 10)
    _seed_without_status(url)
    before = dump(url)
    good = "".join(f'{CHI},sanctuary,"{SRC}",20{10 + i % 10}-0{1 + i % 9},,\n' for i in range(90))
    path = _write(tmp_path, good + f'{CHI},sanctury,"{SRC}",2017,,\n')
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "status.csv, line 92: status: 'sanctury' is not one of" in result.stderr
    assert dump(url) == before


def _status_indexes(url) -> set[str]:
    import sqlalchemy as sa

    with db.engine_for(url).connect() as conn:
        return {ix["name"] for ix in sa.inspect(conn).get_indexes("policy_status")}


def test_indexes_are_rebuilt_after_a_bulk_import_and_kept_after_a_failed_one(
    url, tmp_path, cli, monkeypatch
):
    monkeypatch.setattr(db.BulkWriter, "CHUNK", 2)
    _seed_without_status(url)
    expected = _status_indexes(url)
    assert {"ix_policy_status_latest", "ix_policy_status_source_id"} <= expected
    bad = _write(
        tmp_path,
        f'{CHI},sanctuary,"{SRC}",2017,,\n{LA},partial,"{SRC}",2016,,\n{CHI},x,"{SRC}",2017,,\n',
    )
    assert cli("import", str(bad)).exit_code == 1
    assert _status_indexes(url) == expected
    good = _write(
        tmp_path,
        f'{CHI},sanctuary,"{SRC}",2017,,\n{LA},partial,"{SRC}",2016,,\n{CHI},partial,"{SRC}",2018,,\n',
    )
    assert cli("import", str(good)).exit_code == 0
    assert _status_indexes(url) == expected
    assert cli("import", str(good), "--dry-run").exit_code == 0
    assert _status_indexes(url) == expected
