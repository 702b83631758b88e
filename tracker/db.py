"""The storage layer: engines, transactions, the writer lock, errors, migrations.

Every command reaches the database through here, on both engines, as
SQLAlchemy Core connections. This module alone knows database URLs,
SQLite's pragmas and read-only files, PostgreSQL's connect timeout, how
writers queue (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), how a
driver's error is worded for a user, and how rows are loaded in bulk
(``BulkWriter``: chunked ``executemany`` on SQLite, COPY on PostgreSQL).
"""

import contextlib
import itertools
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from tracker import config, schema
from tracker.errors import SchemaOutOfDate, TrackerError

PACKAGE_DIR = Path(__file__).resolve().parent

# How long SQLite waits for another writer before "database is locked", and
# the slices a writer waits in (see _begin_immediate).
BUSY_TIMEOUT_MS = 60_000
BUSY_SLICE_MS = 200
# How much of an embedded database file a scattered read maps (``stream``).
MMAP_BYTES = 256 * 1024 * 1024
# An arbitrary constant (env.py's migration lock + 1): PostgreSQL writers queue
# on it, as SQLite writers queue on BEGIN IMMEDIATE.
WRITE_LOCK = 740_211_821
# Another arbitrary constant: the advisory lock that serialises migrations.
MIGRATION_LOCK = 740_211_820
# How long a writer waits for another one, as SQLite's busy_timeout.
LOCK_TIMEOUT = "60s"
# libpq waits forever for a server that drops packets; a URL may say otherwise.
CONNECT_TIMEOUT_S = 10


def resource_dir(name: str) -> Path:
    """``migrations`` or ``seed``: inside an installed package, else at the checkout's top."""
    installed = PACKAGE_DIR / f"_{name}"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


def normalize_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver tracker ships with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


# --- errors -------------------------------------------------------------------


def describe_error(url: str, exc: BaseException) -> str:
    """The first line of a driver's error, password masked, with a hint when one helps."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    reason = text.splitlines()[0] if text else type(orig).__name__
    if is_sqlite(url):
        lowered = reason.lower()
        if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
            # SQLite writes beside the file too (-wal, -shm, -journal).
            reason += " (check that the database file and its directory are writable)"
        elif "not a database" in lowered:
            reason += " (is this a tracker database?)"
        elif "malformed" in lowered:
            reason += " (the file is damaged: restore it from a backup)"
    return config.redact(reason, url)


def connect_error(url: str, exc: BaseException) -> TrackerError:
    """What a user is told when the database cannot be reached."""
    return TrackerError(f"cannot open database {config.mask_url(url)}: {describe_error(url, exc)}")


def database_error(url: str, exc: BaseException) -> TrackerError:
    """What a user is told when the database fails during a command."""
    return TrackerError(f"database error ({config.mask_url(url)}): {describe_error(url, exc)}")


# --- engines ------------------------------------------------------------------


def _configure_sqlite(dbapi_connection, _record=None) -> None:
    """Every SQLite connection: foreign keys on, WAL, a busy timeout."""
    # Transactions are begun explicitly (pysqlite's own handling would defer
    # BEGIN and break write locking).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin_immediate(dbapi_connection) -> None:
    """BEGIN IMMEDIATE, waiting up to the busy timeout for another writer.

    The wait is a loop of short waits, not one long one inside SQLite:
    Python sees Ctrl-C only between calls into SQLite, so a writer queued
    behind a long import still stops at once when interrupted.
    """
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_SLICE_MS}")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, exc) from None
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _on_sqlite_begin(conn) -> None:
    # Writers take the write lock up front so two writers queue on the busy
    # timeout instead of failing with "database is locked" half-way.
    if conn.get_execution_options().get("tracker_write"):
        _begin_immediate(conn.connection.dbapi_connection)
    else:
        conn.exec_driver_sql("BEGIN DEFERRED")


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL for the life of the process."""
    if url not in _ENGINES:
        _ENGINES[url] = _create_engine(url)
    return _ENGINES[url]


def _read_only_file(path: Path) -> bool:
    """No write permission bit on the database file or its directory (SQLite
    writes beside it), or no write access for this user."""
    try:
        if path.exists() and (not path.stat().st_mode & 0o222 or not os.access(path, os.W_OK)):
            return True
        parent = path.parent
        return not parent.stat().st_mode & 0o222 or not os.access(parent, os.W_OK)
    except OSError:
        return False


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL; None for another engine or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _sqlite_engine(url: str) -> Engine:
    path = sqlite_file(url)
    if path is not None and not path.parent.exists():
        if path.parent == config.data_dir():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise TrackerError(
                    f"cannot create the data directory {str(path.parent)!r}: {exc.strerror or exc}"
                ) from None
        else:
            raise TrackerError(f"database directory {str(path.parent)!r} does not exist")
    if path is not None and path.is_dir():
        raise TrackerError(f"database path {str(path)!r} is a directory, not a database file")
    if path is not None and _read_only_file(path):
        # A file or directory nobody may write (chmod a-w) is opened read-only,
        # so it is never written, even by root, whom the file system lets
        # write anything.
        if not path.exists():
            raise TrackerError(f"cannot create database {str(path)!r}: its directory is read-only")
        from urllib.parse import quote

        url = f"sqlite:///file:{quote(str(path.absolute()))}?mode=ro&uri=true"
    engine = sa.create_engine(url)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _create_engine(url: str) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        # ValueError: a port that is not a number.
        raise TrackerError(f"database URL {config.mask_url(url)!r} is not a valid URL") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    try:
        connect_args = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        return sa.create_engine(url, pool_pre_ping=False, connect_args=connect_args)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise TrackerError(
            config.redact(f"cannot use database URL {config.mask_url(url)!r}: {exc}", url)
        ) from None


def dispose_all() -> None:
    """Close every pooled connection (tests drop databases between runs)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


# --- transactions -------------------------------------------------------------


def current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(url: str) -> Engine:
    """The engine for ``url`` with its schema at HEAD.

    An embedded SQLite database is created and upgraded on first use; any
    other database behind the code is refused with the command to run.
    """
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
    except sa.exc.DBAPIError as exc:
        raise connect_error(url, exc) from None
    if revision == schema.HEAD:
        return engine
    _refuse_newer(url, revision)
    if engine.dialect.name == "sqlite":
        upgrade(url)
        return engine
    where = "has no tracker schema" if revision is None else f"is at schema revision {revision}"
    raise SchemaOutOfDate(
        f"database {config.mask_url(url)} {where}, behind this code ({schema.HEAD}); "
        "run `tracker db upgrade`"
    )


def lock_writers(conn: sa.Connection) -> None:
    """Hold PostgreSQL's tracker write lock until the transaction ends.

    Writes check what exists and then insert (natural keys, status history,
    imports matched row by row); under READ COMMITTED two writers could both
    find a key missing. One writer at a time makes every write see the last
    one's result, as on SQLite. A no-op on SQLite, where BEGIN IMMEDIATE does it.
    """
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


def lock_migrations(conn: sa.Connection) -> None:
    """Hold PostgreSQL's migration lock until the transaction ends: concurrent
    upgrades queue, and the next one finds the schema at head instead of
    failing on tables that already exist. A no-op on SQLite, whose migrations
    run in a write transaction (``_alembic_config``)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


@contextmanager
def connect(
    url: str, *, write: bool = False, snapshot: bool = False, known_at=None
) -> Iterator[sa.Connection]:
    """One transaction: committed if the block ends normally (and the caller
    did not roll it back, as a dry run does), rolled back otherwise.
    ``snapshot``: every query sees the same state (PostgreSQL's REPEATABLE
    READ; a SQLite read transaction always does). ``known_at`` (a UTC
    datetime, reads only): the database as it stood at that moment, rebuilt
    from its journal (``tracker.journal.known_at``).

    The schema is checked (and an embedded database created or upgraded)
    first. A write transaction takes the write lock before anything else, so
    concurrent writers queue, never collide.
    """
    engine = ensure_schema(url)
    bind = engine.execution_options(tracker_write=True) if write else engine
    if snapshot and engine.dialect.name == "postgresql":
        bind = bind.execution_options(isolation_level="REPEATABLE READ")
    try:
        conn = bind.connect()
    except sa.exc.DBAPIError as exc:
        raise connect_error(url, exc) from None
    try:
        tx = conn.begin()
        if write:
            lock_writers(conn)
        if known_at is not None:
            from tracker import journal

            with journal.known_at(conn, known_at) as then:
                yield then
        else:
            yield conn
        if tx.is_active:
            if write:
                # Derived data kept on the write path, brought up to date
                # by the transaction that changed what it derives from.
                from tracker import status_periods

                status_periods.refresh(conn)
                tx.commit()
            else:
                tx.rollback()
    except BaseException as exc:
        # The first error is the one to report; a rollback on a dead
        # connection (server gone, query cancelled by Ctrl-C) must not hide it.
        try:
            conn.rollback()
        except Exception:  # noqa: BLE001
            pass
        if isinstance(exc, UnicodeDecodeError) and engine.dialect.name == "sqlite":
            # SQLite's own message quoted damaged bytes (a scribbled name).
            raise database_error(url, Exception("database disk image is malformed")) from None
        raise
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            pass


# --- bulk writes --------------------------------------------------------------


class BulkWriter:
    """Rows straight to the driver inside the connection's transaction:
    ``executemany`` on SQLite, ``COPY`` on PostgreSQL, in chunks.

    Rows are tuples in ``columns`` order holding values as the driver takes
    them: ``bind(column)`` turns a Python value into that (for a timestamp,
    what tracker's UTCDateTime type stores). On SQLite, ``nullable`` columns
    may hold "" for NULL (``empty``): binding None costs the driver an
    adaptation lookup per value, which a national file feels.

    On PostgreSQL one COPY carries every chunk, from the first to ``close``,
    so the server stores rows while Python checks the next ones. Whatever
    else the connection is asked first ends that COPY (its rows stored):
    a statement through SQLAlchemy, a commit (events on the connection),
    another writer or a streamed read (``end_copy``); a rollback cancels it.
    The writer's caller need not know.
    """

    CHUNK = 20_000

    def __init__(
        self,
        conn: sa.Connection,
        table: sa.Table,
        columns: tuple[str, ...],
        nullable: frozenset[str] = frozenset(),
    ):
        self.conn = conn
        self.raw = conn.connection.driver_connection
        self.postgres = conn.dialect.name == "postgresql"
        self.table = table
        names = ", ".join(columns)
        self.empty = None if self.postgres or not nullable else ""
        if self.postgres:
            self.sql = f"COPY {table.name} ({names}) FROM STDIN"
        else:
            marks = ", ".join("nullif(?, '')" if c in nullable else "?" for c in columns)
            self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
        self.buffer: list[tuple] = []
        # PostgreSQL: smaller chunks into the one COPY, so the connection's
        # buffers hold what the server has yet to store and Python rarely waits.
        self.chunk = 2_000 if self.postgres else self.CHUNK
        self.deferred: list[str] | None = None
        # PostgreSQL: the open COPY (its cursor, the block that ends it, the Copy).
        self._copy = None

    def bind(self, column: str):
        """The function that turns a value of ``column`` into what the driver stores."""
        dialect = self.conn.dialect
        process = self.table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        process = process or (lambda value: value)
        if not self.postgres:
            return process

        def text(value):
            # A timestamp as COPY reads it (ISO 8601 with its offset), formatted
            # once by the caller rather than by the driver on every row.
            value = process(value)
            return value.isoformat() if isinstance(value, datetime) else value

        return text

    def defer_indexes(self) -> None:
        """SQLite: drop the table's indexes now and build them again at close.

        Building an index once is several times faster than updating it row by
        row in random order. It all happens inside the transaction, so a
        failure, a rollback or a kill brings the indexes back.
        """
        if self.postgres or self.deferred is not None:
            return
        with driver_errors(self.conn, "DROP INDEX"):
            found = self.raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (self.table.name,),
            ).fetchall()
            self.deferred = [sql for _name, sql in found]
            for name, _sql in found:
                self.raw.execute(f'DROP INDEX "{name}"')

    def write(self, rows: Iterable[tuple]) -> None:
        """Every row of ``rows``, streamed (an error raised by ``rows`` stops it)."""
        for row in rows:
            self.add(row)
        self.flush()

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        # In chunks: SQLite inserts a chunk faster than rows interleaved with
        # the Python that checks them.
        rows, self.buffer = self.buffer, []
        if not rows:
            return
        with driver_errors(self.conn, self.sql):
            if not self.postgres:
                self.raw.executemany(self.sql, rows)
                return
            if self._copy is None:
                self._open_copy()
            write_row = self._copy[2].write_row
            for row in rows:
                write_row(row)

    def _open_copy(self) -> None:
        end_copy(self.conn)
        cur = self.raw.cursor()
        block = cur.copy(self.sql)
        self._copy = (cur, block, block.__enter__())
        self.conn.info[_OPEN_COPY] = self
        if not event.contains(self.conn, "commit", _end_open_copy):
            event.listen(self.conn, "before_cursor_execute", _end_open_copy)
            event.listen(self.conn, "commit", _end_open_copy)
            event.listen(self.conn, "rollback", _cancel_open_copy)

    def _end_copy(self, error: BaseException | None = None) -> None:
        """End the open COPY: its rows stored (errors raised here), or with
        ``error`` cancelled."""
        if self._copy is None:
            return
        cur, block, _copy = self._copy
        self._copy = None
        self.conn.info.pop(_OPEN_COPY, None)
        try:
            with driver_errors(self.conn, self.sql):
                if error is None:
                    block.__exit__(None, None, None)
                else:
                    block.__exit__(type(error), error, error.__traceback__)
        finally:
            cur.close()

    def close(self, write: bool = True) -> None:
        """Write what is buffered (unless ``write`` is False), end the COPY
        and build deferred indexes."""
        if write:
            self.flush()
        self.buffer.clear()
        # Ended, not cancelled, even when nothing more is written: a cancelled
        # COPY would fail the transaction, and a batch with problems goes on
        # checking the rows of later files against the database.
        self._end_copy()
        with driver_errors(self.conn, "CREATE INDEX"):
            for sql in self.deferred or ():
                self.raw.execute(sql)
        self.deferred = None


# The connection's BulkWriter with a COPY open (conn.info), which a raw use ends first.
_OPEN_COPY = "tracker_open_copy"


def end_copy(conn: sa.Connection) -> None:
    """End a BulkWriter's open COPY on ``conn``, if any (its rows stored), so
    the driver connection can be used directly."""
    if conn.closed or conn.invalidated:
        return  # a COPY on it ended with it
    writer = conn.info.get(_OPEN_COPY)
    if writer is not None:
        writer._end_copy()


# Listeners on a connection that has had a COPY open (never removed: a
# listener cannot remove itself while its event runs; with no COPY open they
# do nothing).
def _end_open_copy(conn: sa.Connection, *_event) -> None:
    end_copy(conn)


def _cancel_open_copy(conn: sa.Connection) -> None:
    writer = conn.info.get(_OPEN_COPY)
    if writer is not None:
        writer._end_copy(error=TrackerError("rolled back"))


_cursors = itertools.count()


def stream(conn: sa.Connection, query, name: str, *, scattered: bool = False) -> Iterator[tuple]:
    """A large query's rows as the driver gives them (tuples; on PostgreSQL
    from a server-side cursor, so they stream): no per-row work in
    SQLAlchemy, for the few reads that pass a million rows through Python.

    ``scattered``: the query looks rows up in no order the file keeps (a
    national report, each jurisdiction's periods in report order). SQLite
    then reads the file through a memory map while it runs, a page a
    pointer rather than a read() (a third of the query's time); the pages
    it touched count in the process's resident memory, as file pages the
    system may drop. Scans in the file's own order (an export) read as usual,
    their memory flat."""
    sql = literal_sql(conn, query)
    raw = conn.connection.driver_connection
    if conn.dialect.name != "postgresql":
        cur = raw.cursor()
        try:
            with driver_errors(conn, sql):
                if scattered:
                    cur.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
                cur.execute(sql)
                yield from cur
        finally:
            if scattered:
                # On a connection that failed, the first error is the one to report.
                with contextlib.suppress(Exception):
                    cur.execute("PRAGMA mmap_size = 0")
            cur.close()
        return
    # Named uniquely: another may still be open in the same transaction.
    cur = raw.cursor(name=f"{name}_{next(_cursors)}")
    try:
        with driver_errors(conn, sql):
            end_copy(conn)
            cur.execute(sql)
            while True:
                # The caller may write what it reads (status periods): a
                # BulkWriter's COPY begun since the last fetch ends first.
                end_copy(conn)
                rows = cur.fetchmany(10_000)
                if not rows:
                    break
                yield from rows
    finally:
        try:
            end_copy(conn)
        finally:
            cur.close()


@contextmanager
def scratch_table(conn: sa.Connection, name: str, *columns: sa.Column) -> Iterator[sa.Table]:
    """A temporary table of the connection, for the rows a large write would
    otherwise hold in memory (a national re-import parks its rows there and
    reads them back in the order it needs). Dropped after; a rollback or a
    closed connection drops it too."""
    table = sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"])
    end_copy(conn)
    table.create(conn)
    try:
        yield table
    except BaseException:
        # The transaction is lost or rolled back: the table goes with it, and
        # the first error is the one to report.
        with contextlib.suppress(Exception):
            end_copy(conn)
            table.drop(conn)
        raise
    end_copy(conn)
    table.drop(conn)


def literal_sql(conn: sa.Connection, query) -> str:
    """``query`` as SQL for ``conn``'s dialect, its values written in (what
    the driver's own cursor runs)."""
    return str(query.compile(conn, compile_kwargs={"literal_binds": True}))


def fetch_all(conn: sa.Connection, sql: str) -> list[tuple]:
    """The rows of ``sql`` (a statement with its values written in) as the
    driver gives them, tuples: for a query run often whose SQL the caller
    compiled once, with none of SQLAlchemy's per-row work."""
    end_copy(conn)
    cur = conn.connection.driver_connection.cursor()
    try:
        with driver_errors(conn, sql):
            cur.execute(sql)
            return cur.fetchall()
    finally:
        cur.close()


@contextmanager
def driver_errors(conn: sa.Connection, statement: str) -> Iterator[None]:
    """A driver's error on the connection's raw driver (COPY, executemany, a
    streamed cursor) raised as SQLAlchemy raises it, so one handler words it."""
    dbapi = conn.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(statement, None, exc, dbapi.Error) from None


# --- migrations ---------------------------------------------------------------


def _refuse_newer(url: str, revision: str | None) -> None:
    """A schema this code does not know came from a newer tracker: never touch it."""
    if revision is not None and revision not in schema.REVISIONS:
        raise SchemaOutOfDate(
            f"database {config.mask_url(url)} is at schema revision {revision}, "
            "newer than this version of tracker knows; upgrade tracker"
        )


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resource_dir("migrations")))
    if engine.dialect.name == "sqlite":
        # Take the write lock before reading the revision: two processes opening
        # a new embedded database at once then queue instead of one failing with
        # "database is locked". (PostgreSQL: ``lock_migrations``, from env.py.)
        engine = engine.execution_options(tracker_write=True)
    cfg.attributes["engine"] = engine
    return cfg


def _backup_before_migration(url: str, engine: Engine, cfg, revision: str) -> None:
    """An embedded database holding data is copied aside before its schema changes."""
    if engine.dialect.name != "sqlite":
        return
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    from tracker import backup

    try:
        script = ScriptDirectory.from_config(cfg).get_revision(revision)
        target = script.revision if script is not None else None
    except (CommandError, RevisionError):
        # A relative or unknown target: back up anyway; alembic reports bad ones.
        target = ""
    with engine.connect() as conn:
        current = current_revision(conn)
    backup.before_migration(url, current, target)


def upgrade(url: str, revision: str = "head") -> None:
    _migrate(url, revision, "upgrade")


def downgrade(url: str, revision: str) -> None:
    _migrate(url, revision, "downgrade")


def _migrate(url: str, revision: str, direction: str) -> None:
    """Alembic's upgrade or downgrade, after refusing a newer schema and backing up."""
    from alembic import command
    from alembic.util import CommandError

    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            _refuse_newer(url, current_revision(conn))
        cfg = _alembic_config(engine)
        _backup_before_migration(url, engine, cfg, revision)
        getattr(command, direction)(cfg, revision)
    except CommandError as exc:
        raise TrackerError(
            config.redact(f"cannot {direction} to {revision!r}: {exc}", url)
        ) from None
    except sa.exc.DBAPIError as exc:
        raise connect_error(url, exc) from None


def revision_of(url: str) -> str | None:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return current_revision(conn)
    except sa.exc.DBAPIError as exc:
        raise connect_error(url, exc) from None
