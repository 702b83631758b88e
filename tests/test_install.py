"""An installed tracker (a built wheel, not the checkout) finds its migrations and
seed data from any directory.

Runs in the normal suite (``make test``) in a few seconds: the wheel is built once
per session without network when hatchling is importable, and installed with
``--no-deps`` into a fresh virtualenv that borrows the test environment's
dependencies through a ``.pth`` file (a ``.pth`` line adds that directory to
``sys.path`` but does not run the ``.pth`` files in it, so the checkout's
editable install does not leak in).
"""

import importlib.util
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import table_counts

from tracker import config, schema

CHECKOUT = Path(__file__).resolve().parents[1]


def _run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kwargs)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        # Build offline with the hatchling already installed.
        cmd += ["--no-build-isolation", "--no-index"]
    _run([*cmd, str(CHECKOUT)])
    (path,) = out.glob("tracker-*.whl")
    return path


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin directory of a fresh virtualenv with the wheel installed (not editable)."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", "--clear", str(venv)])
    python = venv / "bin" / "python"
    purelib = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    ).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "_tracker_test_deps.pth").write_text(deps + "\n", encoding="utf-8")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install"]
        + ["--no-deps", "--no-index", "--quiet", str(wheel)]
    )
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A working directory outside the checkout, with no migrations/ or seed/ near it."""
    d = tmp_path / "elsewhere"
    d.mkdir()
    return d


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.pop("TRACKER_DATABASE_URL", None)
    return env


def _tracker(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return _run([bin_dir / "tracker", *args], cwd=cwd, env=_env())


def test_wheel_carries_migrations_and_seed_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for version in (CHECKOUT / "migrations" / "versions").glob("*.py"):
        assert f"tracker/_migrations/versions/{version.name}" in names
    assert "tracker/_migrations/env.py" in names
    assert "tracker/_migrations/script.py.mako" in names
    seed = {p.name for p in (CHECKOUT / "seed").glob("*.csv")}
    assert seed
    assert {f"tracker/_seed/{name}" for name in seed} <= names


def test_wheel_carries_the_registry_data(wheel):
    assert "tracker/registry_data/builtin.csv" in zipfile.ZipFile(wheel).namelist()


def test_wheel_carries_the_map_boundaries_and_their_notice(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "tracker/map_data/counties-albers-10m.json" in names
    assert "tracker/map_data/README.md" in names


def test_installed_package_is_not_the_checkout(installed, elsewhere):
    code = (
        "import tracker, tracker.db as d; "
        "print(tracker.__file__); print(d.resource_dir('migrations')); print(d.resource_dir('seed'))"
    )
    out = _run([installed / "python", "-c", code], cwd=elsewhere, env=_env()).stdout.split()
    venv = str(installed.parent)
    assert all(line.startswith(venv) for line in out), out
    assert not any(line.startswith(str(CHECKOUT)) for line in out), out


def test_installed_tracker_upgrades_and_seeds_from_any_directory(installed, elsewhere, empty_url):
    up = _tracker(installed, elsewhere, "--db", empty_url, "db", "upgrade")
    assert f"to {schema.HEAD}" in up.stderr

    _tracker(installed, elsewhere, "--db", empty_url, "seed")
    counts = table_counts(empty_url)
    assert counts["jurisdiction"] == 9
    assert counts["source"] == 1
    again = _tracker(installed, elsewhere, "--db", empty_url, "seed")
    assert "Imported: 0 change(s) written." in again.stderr
    assert table_counts(empty_url) == counts

    current = _tracker(installed, elsewhere, "--db", empty_url, "db", "current")
    assert current.stdout.strip() == schema.HEAD


def test_installed_tracker_downgrades_to_base_and_upgrades_again(installed, elsewhere, empty_url):
    _tracker(installed, elsewhere, "--db", empty_url, "db", "upgrade")
    _tracker(installed, elsewhere, "--db", empty_url, "db", "downgrade", "base")
    current = _tracker(installed, elsewhere, "--db", empty_url, "db", "current")
    assert current.stdout.strip() == "none"
    _tracker(installed, elsewhere, "--db", empty_url, "db", "upgrade")
    _tracker(installed, elsewhere, "--db", empty_url, "seed")
    assert table_counts(empty_url)["jurisdiction"] == 9


def test_installed_tracker_creates_embedded_database_on_first_use(installed, elsewhere):
    home = Path(os.environ["TRACKER_HOME"])
    assert not home.exists()
    _tracker(installed, elsewhere, "seed")
    assert (home / "tracker.db").is_file()
    assert table_counts(config.default_url())["jurisdiction"] == 9
    assert not list(elsewhere.iterdir())


def test_installed_python_m_tracker_shows_version(installed, elsewhere):
    from tracker import __version__

    out = _run([installed / "python", "-m", "tracker", "--version"], cwd=elsewhere, env=_env())
    assert out.stdout.strip() == f"tracker {__version__}"
