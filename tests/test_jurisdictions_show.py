"""``jurisdictions show``: the dossier's shape in every format, one error line
for a bad REF, a new or old embedded database created or upgraded first, a
read-only database still shown to any user, and the modules start-up loads."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import CLI

from tracker import db, schema

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
        key = name if name == "sqlalchemy.orm" else top
        if top in WATCHED and key not in importers:
            frame = sys._getframe(1)
            while frame is not None:
                module = frame.f_globals.get("__name__") or ""
                if not module.startswith(("importlib", "_frozen_importlib", top)):
                    break
                frame = frame.f_back
            importers[key] = module if frame is not None else "?"
        return None


def report():
    try:
        with open(os.environ["SHOW_FAST_IMPORTERS"], "w") as out:
            json.dump(importers, out)
    except OSError:
        pass


sys.meta_path.insert(0, Spy())
atexit.register(report)
sys.argv = ["tracker", *sys.argv[1:]]
runpy.run_module("tracker", run_name="__main__", alter_sys=True)
"""


def run(tmp_path, *args, as_user=None, importtime=False):
    """tracker in a new process; returns (result, {ORM package: module that imported it})."""
    found = tmp_path / f"importers-{os.getpid()}.json"
    env = dict(os.environ, SHOW_FAST_IMPORTERS=str(found))
    env.pop("TRACKER_DATABASE_URL", None)
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


def show(cli, *args):
    return cli("jurisdictions", "show", *args)


# --- what start-up loads --------------------------------------------------------


def test_show_loads_no_orm_nor_alembic_and_help_no_sqlalchemy(seeded_url, tmp_path):
    result, importers = run(tmp_path, "--db", seeded_url, "jurisdictions", "show", "Chicago, IL")
    assert result.returncode == 0, result.stderr
    assert "Chicago" in result.stdout
    # Migrations load only to migrate; Core serves the dossier, so the ORM
    # (and SQLModel, built on it) stays unloaded.
    assert not {"alembic", "sqlalchemy.orm", "sqlmodel"} & set(importers), importers
    result, importers = run(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert not {"sqlalchemy", "sqlmodel", "alembic"} & set(importers), importers


# --- every format, every REF --------------------------------------------------


def test_show_prints_every_ref_in_every_format(seeded_cli):
    for ref in REFS:
        for fmt in FORMATS:
            result = show(seeded_cli, ref, "--format", fmt)
            assert result.exit_code == 0, (ref, fmt, result.stderr, result.exception)
            assert result.stdout and result.stderr == ""
    # The same jurisdiction by its other name is the same dossier.
    assert (
        show(seeded_cli, "San Francisco County, CA").stdout
        == show(seeded_cli, "San Francisco, CA").stdout
    )


def test_dossier_rows_keep_their_shape(seeded_cli):
    out = show(seeded_cli, "Los Angeles, CA", "--format", "json")
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


def test_a_bad_ref_is_one_error_line(seeded_cli):
    for state in ("IL", "MO"):
        added = seeded_cli(
            "jurisdictions", "add", "Springfield", "--kind", "city", "--state", state
        )
        assert added.exit_code == 0, added.stderr
    for ref in BAD_REFS:
        bad = show(seeded_cli, ref)
        assert bad.exit_code == 1, ref
        assert bad.stderr.startswith("Error: jurisdiction: ") and bad.stderr.count("\n") == 1
    springfield = show(seeded_cli, "Springfield").stderr
    assert springfield == (
        "Error: jurisdiction: 'Springfield' matches 2 jurisdictions: "
        "Springfield (city, IL, no FIPS, ocd-division/country:us/state:il/place:springfield); "
        "Springfield (city, MO, no FIPS, ocd-division/country:us/state:mo/place:springfield); "
        "name one by its OCD id\n"
    )


# --- a database to create or upgrade first -------------------------------------


def test_a_new_database_file_is_created_first(tmp_path):
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
def test_a_schema_behind_is_upgraded_first(seeded_url):
    db.downgrade(seeded_url, schema.REVISIONS[-2])
    db.dispose_all()
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
    result, _ = run(tmp_path, "--db", url, "jurisdictions", "show", "Chicago, IL")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected.stdout
    assert copied.read_bytes() == before


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_a_read_only_database_is_shown_to_any_user(copied, tmp_path):
    """Where permissions hold (not root), a read-only database shows, or says why in one line."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: root ignores file permissions")
    user = NOBODY if os.geteuid() == 0 else None
    url = f"sqlite:///{copied}"
    expected, _ = run(tmp_path, "--db", url, "jurisdictions", "show", "Chicago, IL")
    assert expected.returncode == 0, expected.stderr
    _read_only(copied)
    result, _ = run(tmp_path, "--db", url, "jurisdictions", "show", "Chicago, IL", as_user=user)
    assert "Traceback" not in result.stderr
    # SQLite may need to write beside a WAL file even to read it: then one clear line.
    if result.returncode == 0:
        assert (result.stdout, result.stderr) == (expected.stdout, "")
    else:
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
