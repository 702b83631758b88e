"""The journal: every change the database has seen, and the database as it
was at any moment.

Triggers on every table (installed by the migrations through ``install``)
write one ``change_log`` row per updated or deleted row, and per row added to
a table without a timestamp of its own (aliases, targets, members, parties),
holding the row before and after as JSON. Triggers, not the write functions:
no path into the database, present or future, bulk or not, can miss one.

A row added to a table with a timestamp (``created_at``, ``recorded_at``) is
known from that timestamp, so the largest loads (a million status rows)
write no journal at all; only what changes a stored row does.

``known_at`` rebuilds the whole database as it stood at a moment, in memory:
today's rows, each change after that moment undone, newest first, and rows
stamped later left out. Every read (reports, the dossier, the change feed)
then runs on it unchanged: ``--known-at`` is one mechanism, not one per report.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tracker.models import ChangeLog, UTCDateTime, metadata

# Tables whose history is not the user's record: the journal itself, and
# reference data loaded from Census files.
_UNJOURNALED = frozenset({"change_log", "registry_place", "alembic_version"})


def journaled() -> list[sa.Table]:
    """The tables the journal covers, parents before children."""
    return [t for t in metadata.sorted_tables if t.name not in _UNJOURNALED]


def stamp(table: sa.Table) -> sa.Column | None:
    """The column saying when a row was added, if the table has one."""
    for name in ("created_at", "recorded_at"):
        if name in table.c:
            return table.c[name]
    return None


# --- triggers -------------------------------------------------------------------

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_journal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO change_log (recorded_at, table_name, op, old, new)
        VALUES (clock_timestamp(), TG_TABLE_NAME, 'insert', NULL, to_jsonb(NEW)::text);
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        IF to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW) THEN
            INSERT INTO change_log (recorded_at, table_name, op, old, new)
            VALUES (clock_timestamp(), TG_TABLE_NAME, 'update',
                    to_jsonb(OLD)::text, to_jsonb(NEW)::text);
        END IF;
        RETURN NEW;
    ELSE
        INSERT INTO change_log (recorded_at, table_name, op, old, new)
        VALUES (clock_timestamp(), TG_TABLE_NAME, 'delete', to_jsonb(OLD)::text, NULL);
        RETURN OLD;
    END IF;
END
$$
"""

# SQLite's 'now' has milliseconds; padded to the microseconds SQLAlchemy stores.
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"


def install(conn: sa.Connection) -> None:
    """(Re)create the journal's triggers on every journaled table the
    database has, for the columns it has now. A migration that changes a
    table calls this again (SQLite drops a table's triggers when a batch
    migration rebuilds it)."""
    present = set(sa.inspect(conn).get_table_names())
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql(_PG_FUNCTION)
    for table in journaled():
        if table.name not in present:
            continue
        ops = ["UPDATE", "DELETE"] if stamp(table) is not None else ["INSERT", "UPDATE", "DELETE"]
        if postgres:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS journal ON {table.name}")
            conn.exec_driver_sql(
                f"CREATE TRIGGER journal AFTER {' OR '.join(ops)} ON {table.name} "
                "FOR EACH ROW EXECUTE FUNCTION tracker_journal()"
            )
            continue
        columns = [c["name"] for c in sa.inspect(conn).get_columns(table.name)]
        for op in ("INSERT", "UPDATE", "DELETE"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS journal_{table.name}_{op.lower()}")
        for op in ops:
            conn.exec_driver_sql(_sqlite_trigger(table.name, op, columns))


def _sqlite_trigger(table: str, op: str, columns: list[str]) -> str:
    def image(row: str) -> str:
        return "json_object(" + ", ".join(f"'{c}', {row}.{c}" for c in columns) + ")"

    old = image("OLD") if op != "INSERT" else "NULL"
    new = image("NEW") if op != "DELETE" else "NULL"
    when = ""
    if op == "UPDATE":
        when = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    return (
        f"CREATE TRIGGER journal_{table}_{op.lower()} AFTER {op} ON {table} FOR EACH ROW{when} "
        f"BEGIN INSERT INTO change_log (recorded_at, table_name, op, old, new) "
        f"VALUES ({_SQLITE_NOW}, '{table}', '{op.lower()}', {old}, {new}); END"
    )


def uninstall(conn: sa.Connection) -> None:
    """Drop the journal's triggers (a downgrade past the journal)."""
    postgres = conn.dialect.name == "postgresql"
    present = set(sa.inspect(conn).get_table_names())
    for table in journaled():
        if table.name not in present:
            continue
        if postgres:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS journal ON {table.name}")
        else:
            for op in ("insert", "update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS journal_{table.name}_{op}")
    if postgres:
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS tracker_journal()")


# --- the database as it was -----------------------------------------------------


def parse_moment(text: str, *, end_of_day: bool) -> datetime:
    """A moment a user types: an ISO 8601 timestamp (no zone: UTC); a day,
    which means its end for ``--known-at`` (all it recorded) and its start
    for ``--since``; or a time ago, ``90m``, ``24h``, ``7d`` (for a cron
    job). Raises ValueError."""
    text = text.strip()
    ago = re.fullmatch(r"(\d{1,6})([mhd])", text)
    if ago:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[ago.group(2)]
        return datetime.now(UTC) - timedelta(**{unit: int(ago.group(1))})
    if len(text) == 10:
        day = datetime.fromisoformat(text).replace(tzinfo=UTC)
        if end_of_day:
            return day.replace(hour=23, minute=59, second=59, microsecond=999999)
        return day
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _value(column: sa.Column, value):
    """A value from a journal image (JSON) as the column's type takes it."""
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime):
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return value


def _image(table: sa.Table, text: str) -> dict:
    data = json.loads(text)
    return {c.name: _value(c, data.get(c.name)) for c in table.columns}


def _key(table: sa.Table, row: dict) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def rows_at(conn: sa.Connection, table: sa.Table, moment: datetime) -> list[dict]:
    """The rows ``table`` held at ``moment``: today's, with every journaled
    change after it undone, newest first; rows stamped after it left out."""
    when = stamp(table)
    q = sa.select(table)
    if when is not None:
        q = q.where(when <= moment)
    rows = {_key(table, r): r for r in (dict(m) for m in conn.execute(q).mappings())}
    log = ChangeLog
    undo = conn.execute(
        sa.select(log.c.op, log.c.old, log.c.new)
        .where(log.c.table_name == table.name, log.c.recorded_at > moment)
        .order_by(log.c.recorded_at.desc(), log.c.id.desc())
    )
    for op, old, new in undo:
        if op == "insert":
            rows.pop(_key(table, _image(table, new)), None)
            continue
        before = _image(table, old)
        if op == "update":
            rows.pop(_key(table, _image(table, new)), None)
        rows[_key(table, before)] = before
    found = rows.values()
    if when is not None:
        found = [r for r in found if r[when.name] is not None and r[when.name] <= moment]
    return list(found)


@contextmanager
def known_at(conn: sa.Connection, moment: datetime) -> Iterator[sa.Connection]:
    """A connection to the database as it stood at ``moment``: a copy in
    memory (SQLite), rebuilt from ``conn``'s tables and journal, read-only
    in spirit (it is thrown away)."""
    engine = sa.create_engine("sqlite://")
    try:
        with engine.connect() as memory:
            memory.exec_driver_sql("PRAGMA foreign_keys = OFF")
            tables = [t for t in metadata.sorted_tables if t.name != "change_log"]
            metadata.create_all(memory, tables=tables)
            for table in journaled():
                rows = rows_at(conn, table, moment)
                for i in range(0, len(rows), 5000):
                    memory.execute(table.insert(), rows[i : i + 5000])
            memory.commit()
            memory.begin()
            yield memory
    finally:
        engine.dispose()
