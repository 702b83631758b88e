"""Concurrent writers: separate processes writing to one database at once.

Each worker process runs many ``tracker status set`` commands one after the
other through tracker's real entry point (argv, exit status, stderr), closing
every database connection between commands as a new process would. Starting
1,600 Python processes would take minutes on a small machine; running the
commands inside 8 (or 16) truly concurrent processes gives the database the
same contention: that many writers, each opening, locking and committing.
"""

import csv
import filecmp
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import CLI

from tracker import db, status_periods
from tracker.models import StatusPeriods

SOURCE = "https://example.org/concurrency"

# One worker: COUNT commands, each a fresh CLI run with fresh connections.
WORKER = textwrap.dedent(
    """
    import sys

    import typer

    from tracker import db
    from tracker.cli import app

    # Typer builds the click command on every app() call; build it once.
    command = typer.main.get_command(app)
    url, source, worker, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    failures = 0
    for n in range(count):
        args = [
            "--db", url, "status", "set", "Chicago, IL", "sanctuary",
            "--source", source, "--note", f"w{worker}-{n}",
        ]
        try:
            command.main(args, prog_name="tracker")
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        if code != 0:
            failures += 1
            print(f"worker {worker} command {n} exited {code}", file=sys.stderr)
        # Every connection closed, as at a process's end. The engine (its
        # compiled SQL, what it learnt from the server once) stays: it costs
        # the client, not the database, whose contention is under test.
        for engine in db._ENGINES.values():
            engine.dispose()
    sys.exit(1 if failures else 0)
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TRACKER_DATABASE_URL", None)
    return env


def _prepare(url: str) -> None:
    from typer.testing import CliRunner

    from tracker.cli import app

    runner = CliRunner()
    for args in (
        ["sources", "add", "Concurrency test", "--url", SOURCE],
        ["jurisdictions", "add", "Chicago", "--kind", "city", "--state", "IL"],
    ):
        result = runner.invoke(app, ["--db", url, *args])
        assert result.exit_code == 0, result.output
    db.dispose_all()


def _run_writers(url: str, processes: int, each: int, tmp_path: Path) -> None:
    workers = []
    for w in range(processes):
        err = (tmp_path / f"worker{w}.err").open("w+")
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, url, SOURCE, str(w), str(each)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=_env(),
        )
        workers.append((proc, err))
    errors = []
    for proc, err in workers:
        code = proc.wait(timeout=300)
        err.seek(0)
        text = err.read()
        err.close()
        assert "database is locked" not in text
        assert "Traceback" not in text
        if code != 0:
            errors.append(text)
    assert errors == []

    with db.engine_for(url).connect() as conn:
        notes = conn.execute(sa.text("SELECT note FROM policy_status")).scalars().all()
    expected = {f"w{w}-{n}" for w in range(processes) for n in range(each)}
    assert len(notes) == len(expected), "every assertion stored, none twice"
    assert set(notes) == expected
    # Each writer took the periods of status on from where the one before it
    # left them: what is kept is what all the assertions say.
    with db.connect(url) as conn:
        kept = conn.execute(sa.select(StatusPeriods)).all()
        status_periods.refresh(conn, everything=True)
        assert conn.execute(sa.select(StatusPeriods)).all() == kept
        conn.rollback()


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_8_sqlite_processes_writing_200_assertions_each_lose_nothing(url, tmp_path):
    _prepare(url)
    _run_writers(url, processes=8, each=200, tmp_path=tmp_path)


@pytest.mark.parametrize("engine_name", ["postgresql"])
def test_16_postgres_processes_writing_at_once_lose_nothing(url, tmp_path):
    _prepare(url)
    # CI (TRACKER_TEST_FULL=1, set by .ci/run) runs the full 200 commands per
    # process, about three minutes on two cores. Locally 25 each keeps the test
    # near half a minute; the contention, 16 writers at once, is the same.
    each = 200 if os.environ.get("TRACKER_TEST_FULL") == "1" else 25
    _run_writers(url, processes=16, each=each, tmp_path=tmp_path)


# --- overlapping imports ------------------------------------------------------

JURISDICTIONS = 1500


def _write_import(directory: Path, first: int, last: int) -> Path:
    """Jurisdictions and status rows first..last: two ranges overlap on purpose."""
    directory.mkdir()
    with (directory / "sources.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "title", "publisher", "author", "url", "published", "kind"])
        w.writerow([SOURCE, "Concurrency test", "", "", SOURCE, "2020-01-01", "dataset"])
    with (directory / "jurisdictions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ocd_id", "name", "kind", "state", "fips", "population", "aliases", "notes"])
        for i in range(first, last):
            w.writerow(["", f"Town {i:05d}", "town", "VT", "", str(i), "", ""])
    with (directory / "status.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["jurisdiction", "status", "source", "effective", "observed", "citation", "quote",
             "note", "recorded_at"]
        )  # fmt: skip
        for i in range(first, last):
            w.writerow(
                [f"ocd-division/country:us/state:vt/place:town_{i:05d}", "sanctuary", SOURCE,
                 "2019", "2020-01-01", "", "", f"row {i}", "2020-01-02T03:04:05.000000Z"]
            )  # fmt: skip
    return directory


def _cli(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _export(url: str, out: Path) -> Path:
    # Reading the result back is not the concurrency under test: in-process.
    result = CLI(url)("export", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    db.dispose_all()
    return out


def _same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def test_two_overlapping_imports_at_once_equal_one_after_the_other(engine_name, tmp_path, request):
    files_a = _write_import(tmp_path / "a", 0, JURISDICTIONS)
    files_b = _write_import(tmp_path / "b", JURISDICTIONS // 3, JURISDICTIONS + 500)

    def new_db(name: str) -> str:
        if engine_name == "sqlite":
            shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / f"{name}.db")
            return f"sqlite:///{tmp_path / name}.db"
        pg = request.getfixturevalue("postgres")
        database = pg.migrated()
        request.addfinalizer(lambda: (db.dispose_all(), pg.release(database)))
        return pg.url(database)

    one_by_one, at_once = new_db("sequential"), new_db("concurrent")
    # One after the other needs no second process: in-process.
    for files in (files_a, files_b):
        result = CLI(one_by_one)("import", str(files))
        assert result.exit_code == 0, result.stderr
    db.dispose_all()

    both = [_cli(at_once, "import", str(files)) for files in (files_a, files_b)]
    for proc in both:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Error" not in err

    expected = _export(one_by_one, tmp_path / "expected")
    got = _export(at_once, tmp_path / "got")
    assert _same_files(expected, got)
    with db.engine_for(at_once).connect() as conn:
        rows = conn.execute(sa.text("SELECT count(*) FROM policy_status")).scalar_one()
    assert rows == JURISDICTIONS + 500
