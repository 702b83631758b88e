"""Interrupted work: a killed or cancelled import changes nothing; a cancelled
export leaves no partial file.

Each case runs tracker in a real process, waits until it is writing (SQLite:
its write-ahead log grows; PostgreSQL: its transaction has an id), then
interrupts it at a random moment and compares every table with before.
"""

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import CLI, dump, prebuilt

from tracker import db

ROWS = 40_000


def _big_import(directory: Path, rows: int = ROWS) -> Path:
    """A source, ``rows`` jurisdictions and a status assertion for each."""
    directory.mkdir()
    source = "https://example.org/interrupt"
    with (directory / "sources.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "title", "publisher", "author", "url", "published", "kind"])
        w.writerow([source, "Interrupt test", "", "", source, "2020-01-01", "dataset"])
    with (directory / "jurisdictions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ocd_id", "name", "kind", "state", "fips", "population", "aliases", "notes"])
        for i in range(rows):
            w.writerow(["", f"Town {i:05d}", "town", "VT", "", str(i), "", ""])
    with (directory / "status.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["jurisdiction", "status", "source", "effective", "observed", "citation", "quote",
             "note", "recorded_at"]
        )  # fmt: skip
        for i in range(rows):
            w.writerow(
                [f"ocd-division/country:us/state:vt/place:town_{i:05d}", "partial", source,
                 "2019", "2020-01-01", "", "", "", "2020-01-02T03:04:05.000000Z"]
            )  # fmt: skip
    return directory


def _schema(url: str) -> dict:
    """Every table's columns, indexes and constraints: a bulk path may drop and rebuild them."""
    inspector = sa.inspect(db.engine_for(url))
    return {
        table: (
            [c["name"] for c in inspector.get_columns(table)],
            sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)),
            sorted(str(u["name"]) for u in inspector.get_unique_constraints(table)),
            sorted(str(f["name"]) for f in inspector.get_foreign_keys(table)),
        )
        for table in inspector.get_table_names()
    }


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TRACKER_DATABASE_URL", None)
    return env


def _start(url: str, *args: str, ignoring: int | None = None) -> subprocess.Popen:
    """tracker in a process of its own; ``ignoring``: a signal it starts with ignored."""
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        preexec_fn=None if ignoring is None else lambda: signal.signal(ignoring, signal.SIG_IGN),
    )


def _writing(url: str) -> bool:
    """Has another process begun writing to this database (uncommitted)?"""
    if db.is_sqlite(url):
        wal = Path(sa.engine.make_url(url).database + "-wal")
        # 32 bytes is the log's header alone: no page written yet.
        return wal.exists() and wal.stat().st_size > 32
    with db.engine_for(url).connect() as conn:
        return bool(
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
            ).scalar_one()
        )


def _wait_until(proc: subprocess.Popen, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"finished before it could be interrupted: {proc.stderr.read()}"
        assert time.monotonic() < deadline, "never started writing"
        time.sleep(0.005)


def _interrupt_import(url: str, files: Path, sig: int, rng: random.Random) -> subprocess.Popen:
    proc = _start(url, "import", str(files))
    _wait_until(proc, lambda: _writing(url))
    time.sleep(rng.uniform(0, 0.5))
    assert proc.poll() is None, "the import finished before the signal: use a larger file"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return proc


@pytest.mark.parametrize("start", ["seeded", "empty"])
@pytest.mark.parametrize("attempt", range(2))
def test_import_killed_at_a_random_moment_leaves_every_table_as_before(
    url, tmp_path, request, start, attempt
):
    if start == "seeded":
        url = request.getfixturevalue("seeded_url")
    seed = random.randrange(1 << 32)
    files = _big_import(tmp_path / "big")
    before, schema_before = dump(url), _schema(url)
    db.dispose_all()

    proc = _interrupt_import(url, files, signal.SIGKILL, random.Random(seed))

    assert proc.returncode == -signal.SIGKILL
    db.dispose_all()
    assert dump(url) == before, f"random seed {seed}"
    assert _schema(url) == schema_before, f"random seed {seed}"


@pytest.mark.parametrize(
    ("sig", "code", "said"),
    [(signal.SIGINT, 130, "Interrupted"), (signal.SIGTERM, 143, "Terminated")],
    ids=["SIGINT", "SIGTERM"],
)
def test_stopped_import_says_so_exits_with_the_signal_code_and_writes_nothing(
    seeded_url, tmp_path, sig, code, said
):
    files = _big_import(tmp_path / "big")
    before = dump(seeded_url)
    db.dispose_all()

    proc = _interrupt_import(seeded_url, files, sig, random.Random())

    err = proc.stderr.read()
    assert proc.returncode == code, err
    assert err.strip() == f"{said}; the database is unchanged."
    db.dispose_all()
    assert dump(seeded_url) == before


@pytest.fixture
def big_url(seeded_url, tmp_path, request):
    """The seed and ``_big_import``: large enough that an export is still
    writing when interrupted. Loading it is setting up, not the interrupt:
    in-process, once per worker and engine (copied after)."""

    def load() -> None:
        loaded = CLI(seeded_url)("import", str(_big_import(tmp_path / "big")))
        assert loaded.exit_code == 0, loaded.stderr

    prebuilt(request, seeded_url, load)
    return seeded_url


@pytest.mark.parametrize(
    ("sig", "code", "said"),
    [(signal.SIGINT, 130, "Interrupted"), (signal.SIGTERM, 143, "Terminated")],
    ids=["SIGINT", "SIGTERM"],
)
def test_stopped_export_exits_with_the_signal_code_and_leaves_no_partial_file(
    big_url, tmp_path, sig, code, said
):
    before = dump(big_url)
    db.dispose_all()
    out = tmp_path / "out"

    proc = _start(big_url, "export", "--out", str(out))
    _wait_until(proc, lambda: out.is_dir() and any(out.iterdir()))
    proc.send_signal(sig)
    proc.wait(timeout=60)

    err = proc.stderr.read()
    assert proc.returncode == code, err
    assert said in err and "Traceback" not in err
    assert list(out.iterdir()) == []
    db.dispose_all()
    assert dump(big_url) == before


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_the_caller_ignores_stays_ignored(big_url, tmp_path, sig):
    """A job started with the signal ignored (a shell's background job ignores
    Ctrl-C) is not stopped by it: the export finishes, every file whole."""
    db.dispose_all()
    out = tmp_path / "out"
    proc = _start(big_url, "export", "--out", str(out), ignoring=sig)
    _wait_until(proc, lambda: out.is_dir() and any(out.iterdir()))
    proc.send_signal(sig)
    proc.wait(timeout=120)

    err = proc.stderr.read()
    assert proc.returncode == 0, err
    assert err.startswith("Exported ") and err.count("\n") == 1, err
    with db.engine_for(big_url).connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM policy_status")).scalar_one()
    db.dispose_all()
    assert stored > ROWS
    with (out / "status.csv").open(encoding="utf-8", newline="") as fh:
        assert sum(1 for _ in csv.reader(fh)) == stored + 1


# A stop that lands inside psycopg's server cursor constructor leaves a cursor
# whose ``__del__`` fails when it is collected ("Exception ignored in ...",
# with a traceback). The signal is sent from that constructor, so the stop
# lands there every time, not one run in a hundred.
_STOP_IN_CURSOR = """
import os, signal, sys
import psycopg

built = psycopg.ServerCursor.__init__
stop = getattr(signal, sys.argv[1])

def stopped_inside(self, *args, **kwargs):
    os.kill(os.getpid(), stop)
    built(self, *args, **kwargs)

psycopg.ServerCursor.__init__ = stopped_inside
sys.argv = ["tracker", *sys.argv[2:]]
from tracker.cli import main
main()
"""


@pytest.mark.parametrize("engine_name", ["postgresql"])
@pytest.mark.parametrize(
    ("sig", "code", "said"),
    [("SIGINT", 130, "Interrupted"), ("SIGTERM", 143, "Terminated")],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_stop_inside_a_driver_cursor_says_one_line(seeded_url, tmp_path, sig, code, said):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", _STOP_IN_CURSOR, sig, "--db", seeded_url, "export", "--out",
         str(out)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == code, proc.stderr
    assert proc.stderr == f"{said}; the database is unchanged.\n"
    assert not out.exists() or list(out.iterdir()) == []


def test_ctrl_c_while_queued_behind_another_writer_stops_at_once(url):
    """A writer waiting for the write lock (up to a minute) still obeys Ctrl-C."""
    before = dump(url)
    # Hold the write lock as a tracker writer would: SQLite's BEGIN IMMEDIATE
    # (the engine's begin hook), PostgreSQL's advisory lock.
    holder = db.engine_for(url).execution_options(tracker_write=True).connect()
    holder.begin()
    db.lock_writers(holder)
    try:
        proc = _start(url, "sources", "add", "Queued", "--url", "https://example.org/queued")

        def waiting() -> bool:
            if db.is_sqlite(url):
                # Nothing to observe from outside: give it time to reach the lock.
                time.sleep(2)
                return True
            # A new connection each time: within a transaction the view is a snapshot.
            with db.engine_for(url).connect() as conn:
                return bool(
                    conn.execute(
                        sa.text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                        )
                    ).scalar_one()
                )

        _wait_until(proc, waiting)
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("Ctrl-C was ignored while waiting for the write lock")
        err = proc.stderr.read()
        assert proc.returncode == 130, err
        assert "Interrupted" in err and "Traceback" not in err
    finally:
        holder.rollback()
        holder.close()
    db.dispose_all()
    assert dump(url) == before
