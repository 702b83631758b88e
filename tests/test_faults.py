"""Broken surroundings: each gives one ``Error:`` line, exit 1, no traceback, no damage.

Every case runs tracker in a real process, as a user would meet it.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import CLI, dump

from tracker import db, schema, transfer

NOBODY = 65534


def run(*args: str, as_user: int | None = None, env: dict | None = None):
    environ = dict(os.environ)
    environ.pop("TRACKER_DATABASE_URL", None)
    environ.update(env or {})
    prefix: list[str] = []
    if as_user is not None and os.geteuid() != as_user:
        prefix = ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
    )


def assert_one_error_line(result, *expected: str) -> str:
    err = result.stderr
    assert result.returncode == 1, (result.returncode, err)
    assert "Traceback" not in err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    for text in expected:
        assert text in err
    return err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


WRITES = [
    ("sources", "add", "Fault test", "--url", "https://example.org/fault"),
    ("jurisdictions", "add", "Faultville", "--kind", "town", "--state", "VT"),
    ("seed",),
]


# --- read-only file and directory ---------------------------------------------


@pytest.fixture
def unprivileged():
    """A user for whom file permissions hold (root ignores them), and a directory it can use."""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: root ignores file permissions")
        user = NOBODY
    else:
        user = os.geteuid()
    # pytest's tmp_path sits under a directory only its owner can enter.
    top = Path(tempfile.mkdtemp(prefix="tracker-faults-"))
    top.chmod(0o755)
    yield user, top
    for path in [top, *top.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    shutil.rmtree(top)


def _seeded_file(directory: Path) -> Path:
    directory.mkdir(mode=0o777)
    directory.chmod(0o777)
    path = directory / "tracker.db"
    # Setting up, not the fault itself: seeded in-process.
    assert CLI(f"sqlite:///{path}")("seed").exit_code == 0
    db.dispose_all()
    path.chmod(0o666)
    return path


# "me" may be root, whom the file system lets write anything: tracker itself
# opens a file without write permission read-only.
@pytest.mark.parametrize("who", ["me", "unprivileged"])
@pytest.mark.parametrize("args", WRITES, ids=lambda a: a[0])
def test_read_only_database_file_refuses_writes_cleanly(unprivileged, args, who):
    user, top = unprivileged
    path = _seeded_file(top / "rw-dir")
    path.chmod(0o444)
    url = f"sqlite:///{path}"
    before, digest_before = dump(url), digest(path)
    db.dispose_all()

    result = run(
        "--db", url, *args,
        as_user=user if who == "unprivileged" else None, env={"TRACKER_HOME": str(top)},
    )  # fmt: skip

    if args == ("seed",):
        # Seeding a seeded database writes nothing, so it may succeed.
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    else:
        assert_one_error_line(result, "readonly", "writable")
    assert digest(path) == digest_before
    assert dump(url) == before


@pytest.mark.parametrize("who", ["me", "unprivileged"])
@pytest.mark.parametrize("args", [("sources", "list"), *WRITES], ids=lambda a: a[0])
def test_database_in_a_read_only_directory_gives_one_clear_error(unprivileged, args, who):
    user, top = unprivileged
    path = _seeded_file(top / "ro-dir")
    url = f"sqlite:///{path}"
    before, digest_before = dump(url), digest(path)
    db.dispose_all()
    path.parent.chmod(0o555)

    result = run(
        "--db", url, *args,
        as_user=user if who == "unprivileged" else None, env={"TRACKER_HOME": str(top)},
    )  # fmt: skip

    if args == ("sources", "list") and result.returncode == 0:
        # Reading may work (root can make SQLite's -shm file anyway); writing never.
        assert "Traceback" not in result.stderr
    elif args == ("seed",) and result.returncode == 0:
        assert "Traceback" not in result.stderr  # seeded already: nothing to write
    else:
        err = assert_one_error_line(result)
        assert "writable" in err or "read-only" in err
    path.parent.chmod(0o777)
    assert digest(path) == digest_before
    assert dump(url) == before


@pytest.mark.parametrize("who", ["me", "unprivileged"])
def test_new_database_in_a_read_only_directory_gives_one_clear_error(unprivileged, who):
    user, top = unprivileged
    directory = top / "ro-dir"
    directory.mkdir(mode=0o555)
    directory.chmod(0o555)

    result = run(
        "--db", f"sqlite:///{directory / 'new.db'}", "sources", "list",
        as_user=user if who == "unprivileged" else None, env={"TRACKER_HOME": str(top)},
    )  # fmt: skip

    err = assert_one_error_line(result)
    assert "writable" in err or "read-only" in err
    assert list(directory.iterdir()) == []


# --- missing directory, not a database ----------------------------------------


def test_missing_directory_in_db_path_is_an_error_and_is_not_created(tmp_path):
    missing = tmp_path / "no" / "such" / "dir"
    result = run("--db", f"sqlite:///{missing / 'tracker.db'}", "sources", "list")
    assert_one_error_line(result, "does not exist", str(missing))
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(8192),
        b"This is a text file, not a database.\n" * 50,
        b"SQLite format 3\x00" + os.urandom(4080),
    ],
    ids=["random-bytes", "text", "corrupt-header"],
)
@pytest.mark.parametrize("args", [("sources", "list"), *WRITES, ("db", "upgrade")])
def test_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path, content, args):
    path = tmp_path / "not-a.db"
    path.write_bytes(content)

    result = run("--db", f"sqlite:///{path}", *args)

    assert_one_error_line(result, str(path))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a.db"]


# --- PostgreSQL unreachable or refusing ---------------------------------------

PASSWORD = "s3cr3t-pw-XYZ"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://tracker:{PASSWORD}@127.0.0.1:1/tracker",
        f"postgresql://no_such_role_tracker:{PASSWORD}@127.0.0.1:5432/postgres",
        f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/no_such_database_tracker",
    ],
    ids=["server-down", "unknown-role", "unknown-database"],
)
@pytest.mark.parametrize(
    "args", [("sources", "list"), WRITES[0], ("db", "upgrade"), ("db", "current")]
)
def test_postgres_down_or_refusing_gives_one_line_without_the_password(postgres, url, args):
    result = run("--db", url, *args)
    err = assert_one_error_line(result, "cannot open database", ":***@")
    assert PASSWORD not in err + result.stdout


# --- schema newer than the code -----------------------------------------------


def _make_newer(url: str) -> None:
    with db.engine_for(url).begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose_all()


@pytest.mark.parametrize(
    "args",
    [("sources", "list"), *WRITES, ("db", "upgrade"), ("db", "downgrade", schema.HEAD)],
    ids=lambda a: "-".join(a[:2]),
)
def test_database_newer_than_the_code_is_refused_untouched(seeded_url, tmp_path, args):
    _make_newer(seeded_url)
    before = dump(seeded_url)
    db.dispose_all()

    result = run("--db", seeded_url, *args)

    assert_one_error_line(result, "9999_future", "newer than this version of tracker")
    assert dump(seeded_url) == before
    # Refused before anything, so not even a migration backup is written.
    assert not list(tmp_path.glob("*.bak*"))


@pytest.fixture
def read_only_role(postgres, seeded_url):
    """A PostgreSQL role that may read tracker's tables but not change them."""
    import uuid

    role = f"tracker_ro_{uuid.uuid4().hex[:8]}"
    database = sa.engine.make_url(seeded_url).database
    with postgres.admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {role}")
    with db.engine_for(seeded_url).begin() as conn:
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    yield sa.engine.make_url(seeded_url).set(username=role).render_as_string(hide_password=False)
    with db.engine_for(seeded_url).begin() as conn:
        conn.exec_driver_sql(f"DROP OWNED BY {role}")
    db.dispose_all()
    with postgres.admin.connect() as conn:
        conn.exec_driver_sql(f"DROP ROLE {role}")


@pytest.mark.parametrize("engine_name", ["postgresql"])
@pytest.mark.parametrize("args", WRITES[:2], ids=lambda a: a[0])
def test_postgres_role_without_write_permission_gives_one_clear_error(
    seeded_url, read_only_role, args
):
    before = dump(seeded_url)
    db.dispose_all()
    assert run("--db", read_only_role, "sources", "list").returncode == 0

    result = run("--db", read_only_role, *args)

    assert_one_error_line(result, "permission denied")
    assert dump(seeded_url) == before


def test_postgres_server_that_never_answers_times_out_with_one_line():
    """A server (or firewall) that accepts and then stays silent: an error, not a hang."""
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        result = run(
            "--db", f"postgresql://me:{PASSWORD}@127.0.0.1:{port}/tracker", "sources", "list"
        )
        elapsed = time.monotonic() - started
    err = assert_one_error_line(result, "cannot open database", "timeout")
    assert PASSWORD not in err
    assert elapsed < 30


def test_directory_given_as_database_file_is_an_error(tmp_path):
    result = run("--db", f"sqlite:///{tmp_path}", "sources", "list")
    assert_one_error_line(result, "is a directory")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [("jurisdictions", "list"), ("report", "status"), ("export", "--out", "OUT"),
     ("jurisdictions", "add", "Faultville", "--kind", "town", "--state", "VT")],
    ids=lambda a: "-".join(a[:2]),
)  # fmt: skip
def test_database_damaged_inside_gives_one_line_and_writes_nothing(tmp_path, args):
    path = tmp_path / "tracker.db"
    url = f"sqlite:///{path}"
    with db.connect(url, write=True) as s:
        transfer.import_files(s, db.resource_dir("seed"))
    db.dispose_all()
    # Pages past the schema's own hold the rows: scribble over the start of
    # each (its b-tree header and cell pointers, which every read goes through;
    # a small table's rows sit at the page's end, past any fixed offset).
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, len(data), 4096):
        data[offset : offset + 200] = os.urandom(200)
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    out = tmp_path / "out"

    result = run("--db", url, *[str(out) if a == "OUT" else a for a in args])

    if result.returncode == 0:
        pytest.skip("the damage missed every page this command reads")
    assert_one_error_line(result, "malformed", "backup")
    assert path.read_bytes() == damaged
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize("engine_name", ["postgresql"])
@pytest.mark.parametrize("args", [*WRITES, ("db", "downgrade", "base")], ids=lambda a: a[0])
def test_read_only_postgres_database_gives_one_clear_error(seeded_url, postgres, args):
    """A standby, or a database set read-only: refused in one line, nothing changed."""
    database = sa.engine.make_url(seeded_url).database
    with postgres.admin.connect() as conn:
        conn.exec_driver_sql(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    db.dispose_all()
    before = dump(seeded_url)
    db.dispose_all()

    result = run("--db", seeded_url, *args)

    if args == ("seed",) and result.returncode == 0:
        assert "Traceback" not in result.stderr  # seeded already: nothing to write
    else:
        assert_one_error_line(result, "read-only transaction")
    assert dump(seeded_url) == before


def test_data_directory_that_cannot_be_created_is_an_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    result = run("sources", "list", env={"TRACKER_HOME": str(blocker / "home")})
    assert_one_error_line(result, "cannot create the data directory")
    assert blocker.read_text() == "not a directory\n"


@pytest.mark.parametrize("where", ["a-file", "a-file/sub"])
def test_export_out_that_cannot_be_a_directory_is_one_error_line(seeded_url, tmp_path, where):
    (tmp_path / "a-file").write_text("keep me\n")
    result = run("--db", seeded_url, "export", "--out", str(tmp_path / where))
    assert_one_error_line(result, str(tmp_path / "a-file"))
    assert (tmp_path / "a-file").read_text() == "keep me\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("export", "sources"), ("sources", "list")])
def test_full_disk_on_output_is_one_error_line(seeded_url, args):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tracker", "--db", seeded_url, *args],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    assert_one_error_line(result, "No space left on device")
