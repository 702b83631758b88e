"""Every test runs against SQLite and PostgreSQL, each on a new database.

No test can touch a real database: TRACKER_HOME points at a temporary
directory and TRACKER_DATABASE_URL is cleared. PostgreSQL tests need a server
(TRACKER_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres);
without one they are skipped with a message, unless TRACKER_REQUIRE_POSTGRES=1
(set by CI), where they fail.
"""

import os
import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker import db

PG_ADMIN_URL = os.environ.get(
    "TRACKER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("TRACKER_REQUIRE_POSTGRES") == "1"
ENGINES = ["sqlite", "postgresql"]


def pytest_collection_modifyitems(items):
    # The longest tests (many writer processes each) start first: with xdist
    # (make test) they then run beside the short ones, not alone at the end.
    items.sort(key=lambda item: item.path.name != "test_concurrency.py")


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    monkeypatch.setenv("TERMINAL_WIDTH", "200")
    monkeypatch.setenv("COLUMNS", "200")
    yield
    db.dispose_all()


class Postgres:
    """Creates databases on the test server; each test gets its own.

    Creating one from the migrated template takes the server about 0.2 s and
    dropping one 0.07 s: a thread creates the next while a test runs, and
    drops the last one after it, so tests wait for neither."""

    def __init__(self, admin_url: str):
        self.admin = sa.create_engine(db.normalize_url(admin_url), isolation_level="AUTOCOMMIT")
        self.base = sa.engine.make_url(db.normalize_url(admin_url))
        self.template: str | None = None
        self.helper = ThreadPoolExecutor(max_workers=1)
        self.next: Future | None = None

    def close(self) -> None:
        if self.next is not None:
            self.drop_later(self.next.result())
        self.helper.shutdown(wait=True)
        if self.template:
            self.drop(self.template)
        self.admin.dispose()

    def drop_later(self, name: str) -> None:
        self.helper.submit(self.drop, name)

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            tmpl = f" TEMPLATE {template}" if template else ""
            conn.exec_driver_sql(f"CREATE DATABASE {name}{tmpl}")
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def migrated(self) -> str:
        """A new database at the head revision (copied from a migrated template)."""
        if self.template is None:
            self.template = self.create()
            db.upgrade(self.url(self.template))
            db.dispose_all()
        name = self.next.result() if self.next is not None else self.create(self.template)
        self.next = self.helper.submit(self.create, self.template)
        return name


@pytest.fixture(scope="session")
def postgres():
    try:
        server = Postgres(PG_ADMIN_URL)
        with server.admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        message = f"PostgreSQL tests need a server at {PG_ADMIN_URL}: {exc.__class__.__name__}"
        if REQUIRE_PG:
            pytest.fail(message + " (TRACKER_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(message + "; skipping PostgreSQL tests")
    yield server
    db.dispose_all()
    server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite database at the head revision, migrated once per worker."""
    path = tmp_path_factory.mktemp("template") / "tracker.db"
    db.upgrade(f"sqlite:///{path}")
    db.dispose_all()
    return path


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def empty_url(engine_name, tmp_path, request):
    """The URL of a new, empty database (no schema) on each engine."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    pg = request.getfixturevalue("postgres")
    name = pg.create()
    yield pg.url(name)
    db.dispose_all()
    pg.drop(name)


def _migrated(engine_name, tmp_path, request, filename: str):
    if engine_name == "sqlite":
        # A copy of the migrated template: the same file an upgrade would write.
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / filename)
        yield f"sqlite:///{tmp_path / filename}"
        return
    pg = request.getfixturevalue("postgres")
    name = pg.migrated()
    yield pg.url(name)
    db.dispose_all()
    pg.drop_later(name)


@pytest.fixture
def url(engine_name, tmp_path, request):
    """The URL of a new database at the head revision, on each engine."""
    yield from _migrated(engine_name, tmp_path, request, "tracker.db")


@pytest.fixture
def other_url(engine_name, tmp_path, request):
    """A second new database at the head revision, on the same engine as ``url``."""
    yield from _migrated(engine_name, tmp_path, request, "other.db")


@pytest.fixture
def seeded_url(url):
    from tracker import transfer

    with db.connect(url, write=True) as s:
        transfer.import_files(s, db.resource_dir("seed"))
    return url


@pytest.fixture
def cli(url):
    """Run tracker's CLI in-process against the test database."""
    return CLI(url)


@pytest.fixture
def seeded_cli(seeded_url):
    return CLI(seeded_url)


class CLI:
    def __init__(self, url: str):
        self.url = url

    def __call__(self, *args: str, input: str | None = None):
        from typer.testing import CliRunner

        from tracker.cli import app

        return CliRunner().invoke(app, ["--db", self.url, *args], input=input)


def import_dir(cli, tmp_path: Path, files: dict[str, str]):
    """Write ``files`` (file name -> CSV text) to a directory and import it
    through the CLI; the CLI back, for the test to go on with."""
    d = tmp_path / "data"
    d.mkdir()
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    result = cli("import", str(d))
    assert result.exit_code == 0, result.output
    return cli


def table_counts(url: str) -> dict[str, int]:
    """Row counts of every tracker table: the database's state, for before/after checks."""

    from tracker.models import metadata

    engine = db.engine_for(url)
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every tracker table, sorted: compare before and after."""

    from tracker.models import metadata

    engine = db.engine_for(url)
    with engine.connect() as conn:
        return {
            name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(table)))
            for name, table in metadata.tables.items()
        }


# --- a real browser ------------------------------------------------------------------
# Pages are checked in headless Chromium (Debian's chromium and chromium-driver
# packages, driven by Selenium). Without them these tests are skipped with a
# message, unless TRACKER_REQUIRE_BROWSER=1 (set by CI), where they fail.
REQUIRE_BROWSER = os.environ.get("TRACKER_REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("TRACKER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TRACKER_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium that keeps the console's messages (``console(driver)``)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("the selenium package")
    if missing:
        message = (
            f"browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver)"
        )
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--allow-file-access-from-files"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def console_problems(driver) -> list[str]:
    """The console's warnings and errors since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
