"""Plain driver connections (sqlite3, psycopg), without SQLAlchemy.

The engine set-up both paths share lives here: SQLite's pragmas and its
queued write lock, PostgreSQL's writer lock. tracker.db builds SQLAlchemy
engines on them; the bulk import (tracker.bulk) opens a bare connection, so a
national file does not wait for the ORM to load.

``connect`` only opens what it can vouch for: an existing database at the
code's schema revision, writable, behind a URL it reads exactly as
SQLAlchemy does. Anything else raises Unavailable and the caller takes the
full path, which creates, upgrades, or explains what is wrong.
"""

import os
import time
from pathlib import Path

from tracker import config, schema
from tracker.errors import TrackerError

# How long SQLite waits for another writer before "database is locked", and
# the slices a writer waits in (see begin_immediate).
BUSY_TIMEOUT_MS = 60_000
BUSY_SLICE_MS = 200
# An arbitrary constant (env.py's migration lock + 1): PostgreSQL writers queue
# on it, as SQLite writers queue on BEGIN IMMEDIATE.
WRITE_LOCK = 740_211_821
# How long a writer waits for another one, as SQLite's busy_timeout.
LOCK_TIMEOUT = "60s"


def describe_error(url: str, exc: BaseException) -> str:
    """The first line of a driver's error, password masked, with a hint when one helps."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    reason = text.splitlines()[0] if text else type(orig).__name__
    if url.startswith("sqlite"):
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
    """What a user is told when the database cannot be reached (on every path)."""
    return TrackerError(f"cannot open database {config.mask_url(url)}: {describe_error(url, exc)}")


def database_error(url: str, exc: BaseException) -> TrackerError:
    """What a user is told when the database fails during a command."""
    return TrackerError(f"database error ({config.mask_url(url)}): {describe_error(url, exc)}")


class Unavailable(Exception):
    """This database cannot be reached by a bare connection; use the full path."""


def configure_sqlite(dbapi_connection) -> None:
    """Every SQLite connection tracker opens: foreign keys on, WAL, a busy timeout."""
    # Transactions are begun explicitly (pysqlite's own handling would defer
    # BEGIN and break write locking).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def begin_immediate(dbapi_connection) -> None:
    """BEGIN IMMEDIATE, waiting up to the busy timeout for another writer.

    The wait is a loop of short waits, not one long one inside SQLite:
    Python sees Ctrl-C only between calls into SQLite, so a writer queued
    behind a long import still stops at once when interrupted. Raises
    sqlite3.OperationalError when the lock is not had in time.
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
                    raise
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def lock_postgres_writers(cursor) -> None:
    """Hold PostgreSQL's tracker write lock until the transaction ends."""
    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))


class Connection:
    """A bare driver connection holding tracker's write lock, in one transaction.

    ``errors`` is the driver's base exception class.
    """

    def __init__(self, raw, postgres: bool, errors: type[Exception]):
        self.raw = raw
        self.postgres = postgres
        self.errors = errors

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of ``sql`` written with ``?`` placeholders, on either engine."""
        if self.postgres:
            with self.raw.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall()
        return self.raw.execute(sql, params).fetchall()

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        """``sql`` (``?`` placeholders) once per row, on either engine."""
        if self.postgres:
            with self.raw.cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), rows)
        else:
            self.raw.executemany(sql, rows)

    def commit(self) -> None:
        if self.postgres:
            self.raw.commit()
        else:
            self.raw.execute("COMMIT")

    def close(self) -> None:
        """Ends the connection; a transaction not committed is rolled back."""
        try:
            if not self.postgres and self.raw.in_transaction:
                self.raw.execute("ROLLBACK")
        finally:
            self.raw.close()


def _sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything fancier."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :]
    if not rest or any(c in rest for c in "?#%") or rest == ":memory:" or rest.startswith("file:"):
        return None
    return Path(rest)


def _postgres_conninfo(url: str) -> str | None:
    """A libpq URI for a ``postgresql://`` URL both parsers read the same way."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            rest = url[len(prefix) :]
            break
    else:
        return None
    netloc = rest.split("/", 1)[0]
    # A raw "@" or ":" in a password, or a socket path in the host, is read
    # differently by SQLAlchemy and libpq: leave those to the full path.
    if netloc.count("@") > 1 or "[" in netloc or "%" in netloc:
        return None
    return "postgresql://" + rest


def connect(url: str, *, write: bool = True) -> "Connection":
    """One transaction on ``url``, schema at HEAD: a write transaction holding
    tracker's writer lock, or (``write=False``) a read transaction without it."""
    path = _sqlite_file(url)
    if path is not None:
        return _connect_sqlite(path, write)
    conninfo = _postgres_conninfo(url)
    if conninfo is not None:
        return _connect_postgres(url, conninfo, write)
    raise Unavailable(url)


def connect_read(url: str) -> "ReadConnection":
    """A read transaction on ``url`` (see ``connect``). Close it when done."""
    return connect(url, write=False)


def _read_only_file(path: Path) -> bool:
    """Opened read-only, as tracker.db does: no write permission bit on the file
    or its directory (SQLite writes beside it), or no write access for us."""
    if not path.stat().st_mode & 0o222 or not path.parent.stat().st_mode & 0o222:
        return True
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _connect_sqlite(path: Path, write: bool) -> "Connection":
    import sqlite3
    from urllib.parse import quote

    try:
        if not path.is_file():
            # Missing (the full path creates it) or not a file (it explains).
            raise Unavailable(str(path))
        read_only = _read_only_file(path)
    except OSError as exc:
        raise Unavailable(str(exc)) from None
    if read_only and write:
        # Like the full path, a file nobody may write is never written, even by root.
        raise Unavailable(str(path))
    try:
        if read_only:
            target, uri = f"file:{quote(str(path.absolute()))}?mode=ro", True
        else:
            target, uri = str(path), False
        raw = sqlite3.connect(target, uri=uri, isolation_level=None)
    except sqlite3.Error as exc:
        raise Unavailable(str(exc)) from None
    conn = (Connection if write else ReadConnection)(raw, False, sqlite3.Error)

    def begin() -> None:
        if read_only:
            # The journal mode is the file's own: switching it would write.
            raw.execute("PRAGMA foreign_keys = ON")
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        else:
            configure_sqlite(raw)
        if write:
            begin_immediate(raw)
        else:
            # One snapshot for every query, as the full path's BEGIN DEFERRED.
            raw.execute("BEGIN DEFERRED")

    return _ready(conn, begin)


def _psycopg_connect(url: str, conninfo: str):
    """A psycopg connection; a server that cannot be reached is the user's error at once.

    (Falling back to the full path would only meet it again, after another
    connect timeout.)
    """
    try:
        import psycopg
    except ImportError:
        raise Unavailable("psycopg") from None
    # libpq waits forever for a server that drops packets; a URL may say otherwise.
    options = {} if "connect_timeout" in conninfo else {"connect_timeout": 10}
    try:
        return psycopg, psycopg.connect(conninfo, **options)
    except psycopg.OperationalError as exc:
        raise connect_error(url, exc) from None
    except psycopg.Error as exc:
        raise Unavailable(str(exc)) from None


def _connect_postgres(url: str, conninfo: str, write: bool) -> "Connection":
    psycopg, raw = _psycopg_connect(url, conninfo)
    conn = (Connection if write else ReadConnection)(raw, True, psycopg.Error)

    def begin() -> None:
        if write:
            with raw.cursor() as cur:
                lock_postgres_writers(cur)

    return _ready(conn, begin)


def _ready(conn: "Connection", begin) -> "Connection":
    """``conn`` once its transaction is begun and its schema revision is HEAD."""
    try:
        begin()
        _check_revision(conn)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, conn.errors):
            raise Unavailable(str(exc)) from None
        raise
    return conn


def _check_revision(conn: Connection) -> None:
    rows = conn.query("SELECT version_num FROM alembic_version")
    if rows != [(schema.HEAD,)]:
        raise Unavailable(f"schema revision {rows}")


# --- reading ------------------------------------------------------------------


class ReadConnection(Connection):
    """A bare driver connection for reading, in one transaction, no write lock.

    A driver error while reading raises Unavailable too: nothing has been
    written, so the caller can run the same reads again on the full path,
    which reports the problem as every other command does.
    """

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return super().query(sql, params)
        except self.errors as exc:
            raise Unavailable(str(exc)) from None
