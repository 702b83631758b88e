"""Every test runs against SQLite and PostgreSQL, each on a new database (on
PostgreSQL, one a finished test left, emptied to equal a new one: see Postgres).

No test can touch a real database: TRACKER_HOME points at a temporary
directory and TRACKER_DATABASE_URL is cleared. PostgreSQL tests need a server
(TRACKER_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres);
without one they are skipped with a message, unless TRACKER_REQUIRE_POSTGRES=1
(set by CI), where they fail.
"""

import functools
import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import pytest
import sqlalchemy as sa
import typer.testing
from alembic.script import ScriptDirectory

from tracker import db

PG_ADMIN_URL = os.environ.get(
    "TRACKER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("TRACKER_REQUIRE_POSTGRES") == "1"
ENGINES = ["sqlite", "postgresql"]
T = TypeVar("T")


# Files of long tests (many writer processes, real processes, timeouts),
# longest first.
SLOW = ["test_concurrency.py", "test_faults.py", "test_interrupt.py", "test_install.py",
        "test_migration_data.py", "test_scenario.py", "test_migrations.py"]  # fmt: skip


# Typer's test runner builds the click command from the app on every invoke
# (10 ms, more than most commands take); the app does not change during a run.
typer.testing._get_command = functools.cache(typer.testing._get_command)

# Alembic reads every migration script again for each upgrade or downgrade
# (0.2 s); a directory's scripts do not change during a run (a test that
# adds one copies the directory first).
_read_scripts = ScriptDirectory.from_config
_scripts: dict[str, ScriptDirectory] = {}


def _scripts_of(config) -> ScriptDirectory:
    location = config.get_alembic_option("script_location")
    if location not in _scripts:
        _scripts[location] = _read_scripts(config)
    return _scripts[location]


ScriptDirectory.from_config = staticmethod(_scripts_of)


def pytest_collection_modifyitems(items):
    # The long tests start first: with xdist (make test) they then run beside
    # the short ones, and the last minute is short tests that the workers
    # share out (--dist worksteal), not one long test alone.
    items.sort(key=lambda item: SLOW.index(item.path.name) if item.path.name in SLOW else len(SLOW))


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    monkeypatch.setenv("TERMINAL_WIDTH", "200")
    monkeypatch.setenv("COLUMNS", "200")
    yield
    db.dispose_all()


# Everything a test could change in a database besides its rows: relations,
# columns, constraints, indexes, triggers, functions, types, grants, settings,
# sequences, the migration stamp, and what the planner knows (table sizes,
# statistics). A database whose fingerprint, once emptied, is the template's
# is as good as a new copy of it.
FINGERPRINT = """
SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (
  SELECT concat_ws(' ', 'rel', c.oid::regclass, c.relkind, c.relpersistence,
                   c.relowner::regrole, c.relacl)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT concat_ws(' ', 'col', a.attrelid::regclass, a.attnum, a.attname,
                   format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attacl)
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attnum > 0 AND NOT a.attisdropped
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT concat_ws(' ', 'con', conrelid::regclass, contypid::regtype, conname,
                   pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace NOT IN (
      SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema'))
  UNION ALL
  SELECT concat_ws(' ', 'idx', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT concat_ws(' ', 'trg', pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT concat_ws(' ', 'rule', schemaname, rulename, definition) FROM pg_rules
   WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL
  SELECT concat_ws(' ', 'view', c.oid::regclass, pg_get_viewdef(c.oid))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('v', 'm')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT concat_ws(' ', 'fn', p.oid::regprocedure, md5(p.prosrc), p.proacl)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT concat_ws(' ', 'type', t.oid::regtype, t.typtype)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT concat_ws(' ', 'enum', enumtypid::regtype, enumsortorder, enumlabel) FROM pg_enum
  UNION ALL
  SELECT concat_ws(' ', 'ns', nspname, nspowner::regrole, nspacl)
    FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema'
  UNION ALL
  SELECT concat_ws(' ', 'ext', extname, extversion) FROM pg_extension
  UNION ALL
  SELECT concat_ws(' ', 'seq', schemaname, sequencename, coalesce(last_value::text, '-'),
                   start_value, increment_by, min_value, max_value, cycle)
    FROM pg_sequences
  UNION ALL
  SELECT concat_ws(' ', 'defacl', defaclrole::regrole, defaclobjtype, defaclacl)
    FROM pg_default_acl
  UNION ALL
  SELECT concat_ws(' ', 'db', datdba::regrole, datallowconn, datconnlimit, datacl)
    FROM pg_database WHERE datname = current_database()
  UNION ALL
  SELECT concat_ws(' ', 'set', setrole, setconfig) FROM pg_db_role_setting
   WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL
  SELECT concat_ws(' ', 'lo', count(*)) FROM pg_largeobject_metadata
  UNION ALL
  SELECT concat_ws(' ', 'size', c.relname, c.reltuples, c.relpages, c.relallvisible,
                   pg_relation_size(c.oid), t.reltuples, t.relpages, pg_relation_size(t.oid))
    FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind <> 'i'
  UNION ALL
  SELECT concat_ws(' ', 'statistics', count(*)) FROM pg_statistic
   WHERE starelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL
  SELECT concat_ws(' ', 'alembic', version_num) FROM alembic_version
) AS s(x)
"""

# The largest relation in the database, in bytes.
BIGGEST = """
SELECT max(pg_relation_size(c.oid)) FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace
    OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
"""

# What the planner knows of each relation (a toast table by its table's name).
PLANNER = """
SELECT c.relname, c.reltuples, c.relpages, c.relallvisible FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT 'toast of ' || c.relname, t.reltuples, t.relpages, t.relallvisible
  FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid
 WHERE c.relnamespace = 'public'::regnamespace
"""

# Put back what PLANNER read from the template, forget the column statistics
# and the counts autovacuum goes by. Only SQL that writes the catalog can
# undo VACUUM's measurement (reltuples -1: never measured); a superuser may.
FORGET_STATISTICS = """
WITH known AS (
  SELECT * FROM unnest(%(names)s::text[], %(tuples)s::real[], %(pages)s::int[], %(visible)s::int[])
    AS v(name, tuples, pages, visible)
), relations AS (
  SELECT c.oid, c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT c.reltoastrelid, 'toast of ' || c.relname FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace AND c.reltoastrelid <> 0
), restored AS (
  UPDATE pg_class c SET reltuples = k.tuples, relpages = k.pages, relallvisible = k.visible
    FROM relations r JOIN known k USING (name) WHERE c.oid = r.oid
  RETURNING c.oid
), forgotten AS (
  DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM relations)
)
SELECT count(pg_stat_reset_single_table_counters(oid)) FROM relations
"""


class Postgres:
    """Creates databases on the test server; each test gets its own.

    A database at the head revision is a copy of a migrated template. Copying
    is cheap, but dropping a database makes the server write a checkpoint
    (seconds when many tests are writing) and wait until every session on the
    server, in any database, has acknowledged it. So a database a test is
    done with is emptied instead (its sessions ended, every row deleted, ids
    restarted, the planner's knowledge reset) and handed to a later test,
    unless the test changed more than rows or wrote many: then it is dropped.
    One thread empties and copies while the next test runs; another drops, so
    no test waits for a drop."""

    def __init__(self, admin_url: str):
        self.admin = sa.create_engine(db.normalize_url(admin_url), isolation_level="AUTOCOMMIT")
        self.base = sa.engine.make_url(db.normalize_url(admin_url))
        self.template: str | None = None
        self.fingerprint: str | None = None
        self.tables: list[str] = []
        self.sequences: list[tuple[str, int]] = []
        self.planner: dict[str, list] = {}
        self.helper = ThreadPoolExecutor(max_workers=1)
        self.dropper = ThreadPoolExecutor(max_workers=1)
        # Databases at head with no rows, and the helper's work that yields more.
        self.clean: list[str] = []
        self.coming: list[Future] = []

    def close(self) -> None:
        for future in self.coming:
            if (name := future.result()) is not None:
                self.clean.append(name)
        self.helper.shutdown(wait=True)
        for name in [*self.clean, *filter(None, [self.template])]:
            self.drop_later(name)
        self.dropper.shutdown(wait=True)
        self.admin.dispose()

    def drop_later(self, name: str) -> None:
        self.dropper.submit(self.drop, name)

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
        """A database at the head revision with no rows, for one test; give it
        back with ``release``."""
        if self.template is None:
            self.template = self.create()
            db.upgrade(self.url(self.template))
            db.dispose_all()
            with self._session(self.template) as conn:
                self.tables = [
                    row[0]
                    for row in conn.execute(
                        "SELECT quote_ident(tablename) FROM pg_tables"
                        " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                ]
                self.sequences = conn.execute(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename),"
                    " start_value FROM pg_sequences"
                ).fetchall()
                rows = conn.execute(PLANNER).fetchall()
                self.planner = {
                    key: [row[i] for row in rows]
                    for i, key in enumerate(("names", "tuples", "pages", "visible"))
                }
                self.fingerprint = conn.execute(FINGERPRINT).fetchone()[0]
        done = [f for f in self.coming if f.done()]
        self.coming = [f for f in self.coming if not f.done()]
        self.clean += filter(None, (f.result() for f in done))
        while not self.clean and self.coming:
            if (name := self.coming.pop(0).result()) is not None:
                self.clean.append(name)
        name = self.clean.pop(0) if self.clean else self.create(self.template)
        if not self.clean and not self.coming:
            # One spare, ready for the next test.
            self.coming.append(self.helper.submit(self.create, self.template))
        return name

    def release(self, name: str) -> None:
        """A test is done with ``name`` (from ``migrated``): empty it for a later test, or drop it."""
        self.coming.append(self.helper.submit(self._reset, name))

    def rows(self, name: str) -> tuple[dict[str, bytes], list[tuple]]:
        """Every table's rows (a binary COPY) and every sequence's state, of ``name``."""
        with self._session(name) as conn:
            tables = {}
            for table in self.tables:
                with (
                    conn.cursor() as cur,
                    cur.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy,
                ):
                    tables[table] = b"".join(copy)
            sequences = [
                (
                    sequence,
                    *conn.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone(),
                )
                for sequence, _start in self.sequences
            ]
        return tables, sequences

    def load(self, name: str, saved: tuple[dict[str, bytes], list[tuple]]) -> None:
        """Make the rows and sequences of ``name`` those ``rows`` read."""
        tables, sequences = saved
        with self._session(name) as conn:
            # Rows as they were: the journal's triggers wrote its rows then, and
            # the foreign keys held.
            conn.execute("SET session_replication_role = replica")
            for table in self.tables:
                conn.execute(f"DELETE FROM {table}")
                with (
                    conn.cursor() as cur,
                    cur.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy,
                ):
                    copy.write(tables[table])
            for sequence, value, called in sequences:
                conn.execute("SELECT setval(%s, %s, %s)", (sequence, value, called))

    def _session(self, name: str):
        import psycopg

        url = self.base.set(drivername="postgresql", database=name)
        return psycopg.connect(url.render_as_string(hide_password=False), connect_timeout=10)

    def _reset(self, name: str) -> str | None:
        """``name`` emptied, or None (and dropped) if it cannot be made a new copy's equal."""
        try:
            with self.admin.connect() as conn:
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %(name)s AND pid <> pg_backend_pid()",
                    {"name": name},
                )
            with self._session(name) as conn:
                if self._empty(conn):
                    return name
        except Exception:  # noqa: BLE001 - whatever the test left, a new copy replaces it
            pass
        self.drop_later(name)
        return None

    def _empty(self, conn) -> bool:
        # A test that wrote many rows leaves big indexes (VACUUM empties them
        # but keeps their pages): a new copy replaces it.
        if conn.execute(BIGGEST).fetchone()[0] > 16 * 8192:
            return False
        conn.execute("SET lock_timeout = '20s'")
        # Only this emptying skips waiting for the disk and firing triggers
        # (the journal's, the foreign keys'); the test's own writes did both.
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET session_replication_role = replica")
        for table in self.tables:
            conn.execute(f"DELETE FROM {table}")
        for sequence, start in self.sequences:
            conn.execute("SELECT setval(%s, %s, false)", (sequence, start))
        conn.commit()
        # VACUUM frees the deleted rows' pages, so the next test's rows lie in
        # the order written, as in a new copy.
        conn.autocommit = True
        conn.execute(f"VACUUM {', '.join(self.tables)}")
        # The planner then sees what it sees in a new copy: sizes never
        # measured (VACUUM measured them) and no statistics.
        conn.autocommit = False
        conn.execute(FORGET_STATISTICS, self.planner)
        conn.commit()
        left = any(
            conn.execute(f"SELECT EXISTS (SELECT FROM {table})").fetchone()[0]
            for table in self.tables
        )
        return not left and conn.execute(FINGERPRINT).fetchone()[0] == self.fingerprint


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
    pg.drop_later(name)


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
    pg.release(name)


@pytest.fixture
def url(engine_name, tmp_path, request):
    """The URL of a new database at the head revision, on each engine."""
    yield from _migrated(engine_name, tmp_path, request, "tracker.db")


@pytest.fixture
def other_url(engine_name, tmp_path, request):
    """A second new database at the head revision, on the same engine as ``url``."""
    yield from _migrated(engine_name, tmp_path, request, "other.db")


# --- a state built once per worker -------------------------------------------------


@pytest.fixture(scope="session")
def _prebuilt(tmp_path_factory) -> tuple[dict, Path]:
    return {}, tmp_path_factory.mktemp("prebuilt")


def prebuilt(request, url: str, build: Callable[[], T]) -> T:
    """The database at ``url`` as ``build()`` leaves it, and what it returns.

    For a fixture that writes the same rows for every test that uses it: the
    first such test in a worker runs ``build``; later ones on the same engine
    get a copy of the rows it left (SQLite: the database file; PostgreSQL:
    every table's rows and every sequence) and the same value. So ``build`` must
    depend on the database alone, and its value must hold nothing of one test
    (not ``url``)."""
    store, directory = request.getfixturevalue("_prebuilt")
    key = (request.fixturename, db.is_sqlite(url))
    name = sa.engine.make_url(url).database
    if key not in store:
        value = build()
        db.dispose_all()
        if db.is_sqlite(url):
            saved = directory / f"{request.fixturename}.db"
            _sqlite_copy(name, saved)
        else:
            saved = request.getfixturevalue("postgres").rows(name)
        store[key] = saved, value
        return value
    saved, value = store[key]
    db.dispose_all()
    if db.is_sqlite(url):
        _sqlite_copy(saved, name)
    else:
        request.getfixturevalue("postgres").load(name, saved)
    return value


def _sqlite_copy(source, target) -> None:
    # SQLite's backup, not a file copy: pages still in a write-ahead log
    # come along, and one left beside the target cannot apply to the copy.
    import sqlite3

    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture
def seeded_url(url, request):
    """``url`` holding the seed (imported once per worker and engine, copied after)."""
    from tracker import transfer

    def seed() -> None:
        with db.connect(url, write=True) as s:
            transfer.import_files(s, db.resource_dir("seed"))

    prebuilt(request, url, seed)
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


def import_dir(cli, tmp_path: Path, files: dict[str, str], name: str = "data"):
    """Write ``files`` (file name -> CSV text) to a directory (``name``, under
    ``tmp_path``) and import it through the CLI; the CLI back, for the test
    to go on with."""
    d = tmp_path / name
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
