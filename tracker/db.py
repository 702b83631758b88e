"""Engines, sessions, and keeping the schema at the code's revision."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from tracker import config, rawdb, schema
from tracker.errors import SchemaOutOfDate, TrackerError

PACKAGE_DIR = Path(__file__).resolve().parent


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


def _sqlite_path(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    rawdb.configure_sqlite(dbapi_connection)


def _on_sqlite_begin(conn) -> None:
    # Writers take the write lock up front so two writers queue on
    # busy_timeout instead of failing with "database is locked" on upgrade.
    if conn.get_execution_options().get("tracker_write"):
        _begin_immediate(conn.connection.dbapi_connection)
    else:
        conn.exec_driver_sql("BEGIN DEFERRED")


def _begin_immediate(dbapi_connection) -> None:
    import sqlite3

    try:
        rawdb.begin_immediate(dbapi_connection)
    except sqlite3.OperationalError as exc:
        raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, exc) from None


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL for the life of the process."""
    if url not in _ENGINES:
        _ENGINES[url] = _create_engine(url)
    return _ENGINES[url]


def _write_protected(path: Path) -> bool:
    """No write permission bit on the database file or its directory (SQLite writes beside it)."""
    try:
        if path.exists() and not path.stat().st_mode & 0o222:
            return True
        return not path.parent.stat().st_mode & 0o222
    except OSError:
        return False


def _create_engine(url: str) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        # ValueError: a port that is not a number.
        raise TrackerError(f"database URL {config.mask_url(url)!r} is not a valid URL") from None
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_path(url)
        if path is not None and not path.parent.exists():
            if path.parent == config.data_dir():
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise TrackerError(
                        f"cannot create the data directory {str(path.parent)!r}: "
                        f"{exc.strerror or exc}"
                    ) from None
            else:
                raise TrackerError(f"database directory {str(path.parent)!r} does not exist")
        if path is not None and path.is_dir():
            raise TrackerError(f"database path {str(path)!r} is a directory, not a database file")
        if path is not None and _write_protected(path):
            # A file or directory nobody may write (chmod a-w) is opened read-only,
            # so it is never written, even by root, whom the file system lets
            # write anything.
            if not path.exists():
                raise TrackerError(
                    f"cannot create database {str(path)!r}: its directory is read-only"
                )
            from urllib.parse import quote

            url = f"sqlite:///file:{quote(str(path.absolute()))}?mode=ro&uri=true"
        engine = sa.create_engine(url)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    try:
        connect_args = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            # libpq waits forever for a server that drops packets; a URL may say otherwise.
            connect_args["connect_timeout"] = 10
        return sa.create_engine(url, pool_pre_ping=False, connect_args=connect_args)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise TrackerError(
            config.redact(f"cannot use database URL {config.mask_url(url)!r}: {exc}", url)
        ) from None


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
        raise rawdb.connect_error(url, exc) from None
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


# PostgreSQL writers queue on it (tracker.rawdb), as SQLite writers on BEGIN IMMEDIATE.
WRITE_LOCK = rawdb.WRITE_LOCK


def lock_writers(s: Session) -> None:
    """Hold PostgreSQL's tracker write lock until the session's transaction ends.

    Writes check what exists and then insert (natural keys, status history,
    imports matched row by row); under READ COMMITTED two writers could both
    find a key missing. One writer at a time makes every write see the last
    one's result, as on SQLite. A no-op on SQLite, where BEGIN IMMEDIATE does it.
    """
    if s.get_bind().dialect.name != "postgresql":
        return
    s.execute(sa.text(f"SET LOCAL lock_timeout = '{rawdb.LOCK_TIMEOUT}'"))
    s.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


def _refuse_newer(url: str, revision: str | None) -> None:
    """A schema this code does not know came from a newer tracker: never touch it."""
    if revision is not None and revision not in schema.REVISIONS:
        raise SchemaOutOfDate(
            f"database {config.mask_url(url)} is at schema revision {revision}, "
            "newer than this version of tracker knows; upgrade tracker"
        )


@contextmanager
def session(url: str, *, write: bool = False) -> Iterator[Session]:
    """One transaction: committed if the block ends normally, rolled back otherwise.

    Write sessions take the write lock first (SQLite: BEGIN IMMEDIATE;
    PostgreSQL: an advisory lock), so concurrent writers queue, never collide.
    """
    engine = ensure_schema(url)
    bind = engine.execution_options(tracker_write=True) if write else engine
    with Session(bind, expire_on_commit=False) as s:
        try:
            if write:
                lock_writers(s)
            yield s
            if write:
                s.commit()
        except BaseException:
            # The first error is the one to report; a rollback on a dead
            # connection (server gone, query cancelled by Ctrl-C) must not hide it.
            try:
                s.rollback()
            except Exception:  # noqa: BLE001
                pass
            raise


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resource_dir("migrations")))
    if engine.dialect.name == "sqlite":
        # Take the write lock before reading the revision: two processes opening
        # a new embedded database at once then queue instead of one failing with
        # "database is locked". (PostgreSQL: an advisory lock in env.py.)
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
        raise rawdb.connect_error(url, exc) from None


def revision_of(url: str) -> str | None:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return current_revision(conn)
    except sa.exc.DBAPIError as exc:
        raise rawdb.connect_error(url, exc) from None


def dispose_all() -> None:
    """Close every pooled connection (tests drop databases between runs)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
