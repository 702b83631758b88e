"""Copies of an embedded SQLite database, taken with SQLite's online backup API.

The online backup reads one consistent snapshot even while other connections
write (in WAL mode a writer does not block it), so a copy never mixes two
states. Copies are written under a temporary name and moved into place only
when complete: an interrupted backup never leaves a partial file behind.
"""

import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from tracker.config import mask_url
from tracker.db import is_sqlite, sqlite_file
from tracker.errors import TrackerError


def source(url: str) -> Path:
    """The database file ``tracker db backup`` copies; an error for another
    engine (pg_dump copies those) or a database that is no file."""
    path = sqlite_file(url)
    if path is None:
        if not is_sqlite(url):
            raise TrackerError(
                f"tracker db backup copies SQLite databases only; for {mask_url(url)} use "
                "pg_dump (e.g. pg_dump --format=custom --file=FILE DBNAME)"
            )
        raise TrackerError(f"{mask_url(url)} is not a database file; there is nothing to copy")
    return path


def _open_existing(path: Path) -> sqlite3.Connection:
    # mode=rw: never create an empty database where the user expected one.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=60)
    conn.execute("PRAGMA busy_timeout = 60000")
    return conn


def holds_data(path: Path) -> bool:
    """Whether the file has any row in any table (tracker's or not)."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    conn = _open_existing(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if name != "alembic_version"
        ]
        for name in tables:
            quoted = '"' + name.replace('"', '""') + '"'
            if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {quoted})").fetchone()[0]:
                return True
        return False
    finally:
        conn.close()


def copy(source: Path, target: Path, *, force: bool = False) -> Path:
    """A consistent copy of the SQLite database ``source`` at ``target``.

    Refuses to replace an existing ``target`` unless ``force``. The copy is a
    single self-contained file (rollback journal, no ``-wal`` beside it).
    """
    if not source.is_file():
        raise TrackerError(f"database file {str(source)!r} does not exist")
    if target.resolve() == source.resolve():
        raise TrackerError(f"{str(target)!r} is the database itself; choose another file")
    if target.is_dir():
        raise TrackerError(f"{str(target)!r} is a directory; give a file name")
    if target.exists() and not force:
        raise TrackerError(f"{str(target)!r} already exists; pass --force to replace it")
    if not target.parent.is_dir():
        raise TrackerError(f"directory {str(target.parent)!r} does not exist")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        try:
            src = _open_existing(source)
        except sqlite3.Error as exc:
            raise TrackerError(f"cannot open database {str(source)!r}: {exc}") from None
        try:
            dst = sqlite3.connect(partial)
            try:
                # One step (pages=-1): the whole copy comes from one read snapshot.
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
                dst.commit()
            finally:
                dst.close()
        except sqlite3.DatabaseError as exc:
            raise TrackerError(f"cannot back up {str(source)!r}: {exc}") from None
        finally:
            src.close()
        if force:
            partial.replace(target)
        else:
            _move_new(partial, target)
    except OSError as exc:
        raise TrackerError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def _move_new(partial: Path, target: Path) -> None:
    """Move into place, failing if ``target`` appeared meanwhile (no silent overwrite)."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise TrackerError(f"{str(target)!r} already exists; pass --force to replace it") from None
    except OSError:
        # A file system without hard links: fall back to a plain rename.
        if target.exists():
            raise TrackerError(
                f"{str(target)!r} already exists; pass --force to replace it"
            ) from None
        partial.replace(target)


def backup_name(path: Path, revision: str | None, now: datetime | None = None) -> Path:
    """``tracker.db.bak-<from-rev>-<UTC timestamp>`` next to the database, not yet taken."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = f"{path.name}.bak-{revision or 'none'}-{stamp}"
    candidate = path.with_name(base)
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{base}-{n}")
        n += 1
    return candidate


def notify(text: str) -> None:
    """Tell the person at the terminal (stderr: stdout carries data)."""
    print(text, file=sys.stderr, flush=True)


def before_migration(url: str, current: str | None, target: str) -> Path | None:
    """Back up an embedded database that holds data before a migration changes it.

    Returns the backup's path, or None when there is nothing to protect (another
    engine, an in-memory or new/empty database, or no change of revision).
    """
    path = sqlite_file(url)
    if path is None or current == target:
        return None
    try:
        if not holds_data(path):
            return None
    except sqlite3.DatabaseError:
        # Not a database we can read: the migration itself will report it.
        return None
    saved = copy(path, backup_name(path, current))
    notify(
        f"Backed up {path} (revision {current or 'none'}) to {saved} before changing its schema."
    )
    return saved
