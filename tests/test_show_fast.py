"""``jurisdictions show`` reads on a bare driver connection, without the ORM,
and says exactly what the full (session) path says; the full path still
creates, upgrades and explains when the bare one cannot vouch for the database."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import CLI

from tracker import db, rawdb, schema
from tracker.cli import common

NOBODY = 65534
ORM = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")
FORMATS = ["table", "csv", "json", "markdown"]
# Chicago, San Francisco and California; New York City, Los Angeles and
# Illinois are the DOJ's named targets, covered by the aggregate grant.
REFS = [
    "Chicago, IL",
    "San Francisco, CA",
    "San Francisco County, CA",
    "California",
    "New York City",
    "Los Angeles, CA",
    "Illinois",
    "06",
]

# Runs tracker as `python -m tracker` does, and records which module first
# imported each ORM package (the frame that asked for it).
DRIVER = r"""
import atexit
import json
import os
import runpy
import sys

WATCHED = {"sqlalchemy", "sqlmodel", "pydantic", "alembic"}
importers = {}


class Spy:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in WATCHED and top not in importers:
            frame = sys._getframe(1)
            while frame is not None:
                module = frame.f_globals.get("__name__") or ""
                if not module.startswith(("importlib", "_frozen_importlib", top)):
                    break
                frame = frame.f_back
            importers[top] = module if frame is not None else "?"
        return None


def report():
    try:
        with open(os.environ["SHOW_FAST_IMPORTERS"], "w") as out:
            json.dump(importers, out)
    except OSError:
        pass


sys.meta_path.insert(0, Spy())
atexit.register(report)
if os.environ.get("SHOW_FAST_FALLBACK") == "1":
    from tracker import rawdb

    def unavailable(url):
        raise rawdb.Unavailable(url)

    rawdb.connect_read = unavailable
sys.argv = ["tracker", *sys.argv[1:]]
runpy.run_module("tracker", run_name="__main__", alter_sys=True)
"""


def run(tmp_path, *args, fallback=False, as_user=None, importtime=False):
    """tracker in a new process; returns (result, {ORM package: module that imported it})."""
    found = tmp_path / f"importers-{os.getpid()}-{fallback}.json"
    env = dict(os.environ, SHOW_FAST_IMPORTERS=str(found))
    env.pop("TRACKER_DATABASE_URL", None)
    if fallback:
        env["SHOW_FAST_FALLBACK"] = "1"
    prefix = []
    if as_user is not None:
        prefix = ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups"]
    flags = ["-X", "importtime"] if importtime else []
    result = subprocess.run(
        [*prefix, sys.executable, *flags, "-c", DRIVER, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    importers = json.loads(found.read_text()) if found.exists() else None
    found.unlink(missing_ok=True)
    return result, importers


def show(cli, monkeypatch, *args, fallback: bool):
    with monkeypatch.context() as m:
        if fallback:

            def unavailable(url):
                raise rawdb.Unavailable(url)

            m.setattr(rawdb, "connect_read", unavailable)
        else:

            def no_session(*a, **k):
                raise AssertionError("jurisdictions show fell back to the session path")

            m.setattr(common, "session", no_session)
        return cli("jurisdictions", "show", *args)


# --- no ORM on the way --------------------------------------------------------


def test_show_loads_no_orm(seeded_url, tmp_path):
    result, importers = run(
        tmp_path, "--db", seeded_url, "jurisdictions", "show", "Chicago, IL", importtime=True
    )
    assert result.returncode == 0, result.stderr
    assert "Chicago" in result.stdout
    loaded = [
        line
        for line in result.stderr.splitlines()
        if any(p in line for p in ("sqlalchemy", "sqlmodel", "alembic"))
    ]
    assert loaded == []
    # Typer (0.29) coerces every option through pydantic: nothing of tracker's does.
    assert set(importers) <= {"pydantic"}, importers
    assert importers.get("pydantic", "typer").startswith("typer"), importers


def test_modules_behind_show_import_no_orm(tmp_path):
    modules = "tracker.refs, tracker.dossier, tracker.records, tracker.render, tracker.rawdb"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {modules}, tracker.cli.jurisdictions"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if any(p in line for p in ORM)] == []


def test_fallback_loads_the_orm_as_before(seeded_url, tmp_path):
    result, importers = run(
        tmp_path, "--db", seeded_url, "jurisdictions", "show", "Chicago, IL", fallback=True
    )
    assert result.returncode == 0, result.stderr
    assert "sqlalchemy" in importers


# --- the same output on both paths --------------------------------------------


def test_show_is_the_same_on_the_bare_and_the_session_path(seeded_cli, monkeypatch):
    for ref in REFS:
        for fmt in FORMATS:
            bare = show(seeded_cli, monkeypatch, ref, "--format", fmt, fallback=False)
            full = show(seeded_cli, monkeypatch, ref, "--format", fmt, fallback=True)
            assert bare.exit_code == 0, (ref, fmt, bare.stderr, bare.exception)
            assert full.exit_code == 0, (ref, fmt, full.stderr, full.exception)
            assert bare.stdout == full.stdout, (ref, fmt)
            assert bare.stderr == full.stderr == ""


def test_dossier_rows_keep_their_shape(seeded_cli, monkeypatch):
    out = show(seeded_cli, monkeypatch, "Los Angeles, CA", "--format", "json", fallback=False)
    d = json.loads(out.stdout)
    (grant,) = d["money"]
    assert grant["scope"] == "aggregate"
    assert grant["amount"] == "39000000.00"
    assert grant["label"] == "aggregate over 23 jurisdictions, not split"
    assert grant["jurisdiction"] is None
    assert len(d["actions"][0]["named_targets"]) == 4
    recorded = d["status_history"][0]["recorded_at"]
    assert len(recorded) == 27 and recorded.endswith("Z") and recorded[10] == "T"


BAD_REFS = [
    "Springfield",  # in two states
    "Nowhere",
    "Chicago, IN",
    "Chicago, XX",
    "Springfeld, IL",
    "ocd-division/country:us/state:zz",
    "999999",
    "",
    "   ",
]


def test_errors_are_the_same_on_both_paths(seeded_cli, monkeypatch):
    for state in ("IL", "MO"):
        added = seeded_cli(
            "jurisdictions", "add", "Springfield", "--kind", "city", "--state", state
        )
        assert added.exit_code == 0, added.stderr
    for ref in BAD_REFS:
        bare = show(seeded_cli, monkeypatch, ref, fallback=False)
        full = show(seeded_cli, monkeypatch, ref, fallback=True)
        assert bare.exit_code == full.exit_code == 1, ref
        assert bare.stderr == full.stderr, ref
        assert bare.stderr.startswith("Error: jurisdiction: ") and bare.stderr.count("\n") == 1
    springfield = show(seeded_cli, monkeypatch, "Springfield", fallback=False).stderr
    assert "'Springfield' matches 2 jurisdictions: Springfield, IL (" in springfield


# --- what the bare path leaves to the full one --------------------------------


def test_a_new_database_file_is_created_by_the_full_path(tmp_path):
    path = tmp_path / "new.db"
    url = f"sqlite:///{path}"
    result = CLI(url)("jurisdictions", "show", "Chicago, IL")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: jurisdiction: no jurisdiction matches 'Chicago, IL'; "
        "see `tracker jurisdictions list`\n"
    )
    assert path.is_file()
    assert db.revision_of(url) == schema.HEAD


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_a_schema_behind_is_upgraded_by_the_full_path(seeded_url):
    db.downgrade(seeded_url, schema.REVISIONS[-2])
    db.dispose_all()
    with pytest.raises(rawdb.Unavailable):
        rawdb.connect_read(seeded_url)
    result = CLI(seeded_url)("jurisdictions", "show", "Chicago, IL", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["jurisdiction"]["name"] == "Chicago"
    assert db.revision_of(seeded_url) == schema.HEAD


@pytest.fixture
def copied(engine_name, seeded_url):
    """The seeded SQLite file, copied into a directory any user may enter."""
    db.dispose_all()
    # pytest's tmp_path sits under a directory only its owner can enter.
    top = Path(tempfile.mkdtemp(prefix="tracker-show-"))
    top.chmod(0o755)
    (top / "db").mkdir()
    path = top / "db" / "tracker.db"
    shutil.copy(seeded_url.removeprefix("sqlite:///"), path)
    yield path
    for p in [top, *top.rglob("*")]:
        p.chmod(0o777 if p.is_dir() else 0o666)
    shutil.rmtree(top)


def _read_only(path: Path) -> None:
    path.chmod(0o444)
    path.parent.chmod(0o555)


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_a_read_only_file_in_a_read_only_directory_still_shows(copied, tmp_path):
    url = f"sqlite:///{copied}"
    expected, _ = run(tmp_path, "--db", url, "jurisdictions", "show", "Chicago, IL")
    assert expected.returncode == 0, expected.stderr
    before = copied.read_bytes()
    _read_only(copied)
    rawdb.connect_read(url).close()
    result, importers = run(tmp_path, "--db", url, "jurisdictions", "show", "Chicago, IL")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected.stdout
    assert "sqlalchemy" not in importers
    assert copied.read_bytes() == before


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_a_read_only_database_says_the_same_on_both_paths_to_any_user(copied, tmp_path):
    """Where permissions hold (not root), both paths give the same answer, whatever it is."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: root ignores file permissions")
    user = NOBODY if os.geteuid() == 0 else None
    url = f"sqlite:///{copied}"
    _read_only(copied)
    bare, full = (
        run(
            tmp_path,
            "--db",
            url,
            "jurisdictions",
            "show",
            "Chicago, IL",
            fallback=fallback,
            as_user=user,
        )[0]  # fmt: skip
        for fallback in (False, True)
    )
    assert "Traceback" not in bare.stderr
    assert (bare.returncode, bare.stdout, bare.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    )
