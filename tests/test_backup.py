"""tracker db backup: a consistent copy of a live SQLite database; pg_dump on PostgreSQL."""

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import dump
from tracker import db
from tracker.db import sqlite_file


def _assert_user_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_backup_copies_every_row_into_a_valid_database(seeded_cli, tmp_path):
    target = tmp_path / "copy.db"
    result = seeded_cli("db", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert str(target) in result.stderr
    assert result.stdout == ""
    assert _integrity(target) == "ok"
    # A single self-contained file: opening it needs no -wal beside it.
    assert not Path(str(target) + "-wal").exists()
    copy_url = f"sqlite:///{target}"
    assert dump(copy_url) == dump(seeded_cli.url)
    assert db.revision_of(copy_url) == db.revision_of(seeded_cli.url)


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_backup_refuses_to_overwrite_without_force(seeded_cli, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"precious")
    result = seeded_cli("db", "backup", str(target))
    _assert_user_error(result, "already exists", "--force")
    assert target.read_bytes() == b"precious"

    result = seeded_cli("db", "backup", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert _integrity(target) == "ok"
    assert dump(f"sqlite:///{target}") == dump(seeded_cli.url)


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_backup_onto_the_database_itself_is_refused(seeded_cli):
    before = dump(seeded_cli.url)
    source = sqlite_file(seeded_cli.url)
    result = seeded_cli("db", "backup", str(source), "--force")
    _assert_user_error(result, "the database itself")
    assert dump(seeded_cli.url) == before


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_backup_into_a_missing_directory_is_one_error_line(seeded_cli, tmp_path):
    result = seeded_cli("db", "backup", str(tmp_path / "nowhere" / "copy.db"))
    _assert_user_error(result, "does not exist")
    assert not (tmp_path / "nowhere").exists()


def test_backup_of_a_missing_database_does_not_create_one(tmp_path):
    from typer.testing import CliRunner

    from tracker.cli import app

    missing = tmp_path / "missing.db"
    result = CliRunner().invoke(
        app, ["--db", f"sqlite:///{missing}", "db", "backup", str(tmp_path / "c.db")]
    )
    _assert_user_error(result, "does not exist")
    assert not missing.exists()
    assert not (tmp_path / "c.db").exists()


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_backup_during_an_open_write_transaction_has_the_committed_state(seeded_cli, tmp_path):
    committed = dump(seeded_cli.url)
    path = sqlite_file(seeded_cli.url)
    writer = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM policy_status")
        writer.execute(
            "UPDATE jurisdiction SET name = 'Half-written' WHERE id = (SELECT min(id) FROM jurisdiction)"
        )
        # The writer holds the write lock and has not committed.
        target = tmp_path / "during.db"
        result = seeded_cli("db", "backup", str(target))
        assert result.exit_code == 0, result.output
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert _integrity(target) == "ok"
    assert dump(f"sqlite:///{target}") == committed
    assert _count(target, "policy_status") > 0


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_backup_after_a_commit_includes_it(seeded_cli, tmp_path):
    path = sqlite_file(seeded_cli.url)
    writer = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM policy_status")
        writer.execute("COMMIT")
    finally:
        writer.close()
    target = tmp_path / "after.db"
    assert seeded_cli("db", "backup", str(target)).exit_code == 0
    assert _count(target, "policy_status") == 0
    assert dump(f"sqlite:///{target}") == dump(seeded_cli.url)


@pytest.mark.parametrize("engine_name", ["postgresql"], indirect=True)
def test_backup_on_postgresql_says_to_use_pg_dump(cli, tmp_path):
    target = tmp_path / "copy.db"
    result = cli("db", "backup", str(target))
    _assert_user_error(result, "pg_dump")
    assert not target.exists()


def test_backup_on_postgresql_never_shows_the_password(tmp_path):
    from typer.testing import CliRunner

    from tracker.cli import app

    secret_url = "postgresql://tracker:s3cr3t-pw@127.0.0.1:5432/tracker"
    result = CliRunner().invoke(app, ["--db", secret_url, "db", "backup", str(tmp_path / "c")])
    _assert_user_error(result, "pg_dump")
    assert "s3cr3t-pw" not in result.output


def test_backup_help_says_when_and_how(tmp_path):
    from typer.testing import CliRunner

    from tracker.cli import app

    result = CliRunner().invoke(app, ["db", "backup", "--help"])
    assert result.exit_code == 0
    assert "online backup" in result.output
    assert "pg_dump" in result.output
    assert "--force" in result.output
