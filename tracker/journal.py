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
a copy of today's, each change after that moment undone, newest first, and
rows stamped later dropped (``rewind``). Every read (reports, the dossier, the change feed)
then runs on it unchanged: ``--known-at`` is one mechanism, not one per report.
"""

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tracker import status_periods
from tracker.models import ChangeLog, UTCDateTime, metadata

# Tables whose history is not the user's record: the journal itself,
# reference data loaded from Census files, and data derived from the rest
# (each jurisdiction's periods of status, computed again on a rewind).
_UNJOURNALED = frozenset(
    {"change_log", "registry_place", "alembic_version", "status_periods", "status_periods_stale"}
)


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
        f"VALUES ({UTCDateTime.SQLITE_NOW}, '{table}', '{op.lower()}', {old}, {new}); END"
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
        return UTCDateTime.stored(value)
    return value


def _image(table: sa.Table, text: str) -> dict:
    data = json.loads(text)
    return {c.name: _value(c, data.get(c.name)) for c in table.columns}


def _key(table: sa.Table, row: dict) -> dict:
    return {c.name: row[c.name] for c in table.primary_key.columns}


def _where(table: sa.Table, key: dict):
    return sa.and_(*(table.c[k] == v for k, v in key.items()))


def rewind(then: sa.Connection, journal_of: sa.Connection, moment: datetime) -> None:
    """Turn ``then``, a copy of the database now, into the database as it
    stood at ``moment``: each change ``journal_of``'s journal holds after it
    undone, newest first (an added row removed, an update's old row put
    back, a removed row restored), then every row stamped later dropped."""
    log = ChangeLog
    undo = journal_of.execute(
        sa.select(log.c.table_name, log.c.op, log.c.old, log.c.new)
        .where(log.c.recorded_at > moment)
        .order_by(log.c.recorded_at.desc(), log.c.id.desc())
    )
    tables = metadata.tables
    for name, op, old, new in undo:
        table = tables.get(name)
        if table is None:
            continue
        if op != "delete":
            then.execute(table.delete().where(_where(table, _key(table, _image(table, new)))))
        if op != "insert":
            before = _image(table, old)
            then.execute(table.delete().where(_where(table, _key(table, before))))
            then.execute(table.insert(), before)
    for table in journaled():
        when = stamp(table)
        if when is not None:
            then.execute(table.delete().where(when > moment))


def touched(conn: sa.Connection, moment: datetime) -> dict[str, bool]:
    """The tables written after ``moment``: table name -> whether a stored
    row was changed or removed (True) or rows were only added (False)."""
    log = ChangeLog
    q = sa.select(log.c.table_name, log.c.op).where(log.c.recorded_at > moment).distinct()
    found: dict[str, bool] = {}
    for name, op in conn.execute(q):
        found[name] = found.get(name, False) or op != "insert"
    for table in journaled():
        when = stamp(table)
        if when is not None and table.name not in found:
            if conn.execute(sa.select(when).where(when > moment).limit(1)).first():
                found[table.name] = False
    return found


@contextmanager
def known_at(conn: sa.Connection, moment: datetime) -> Iterator[sa.Connection]:
    """A connection to the database as it stood at ``moment``: a copy in
    memory (SQLite), taken from ``conn``'s snapshot and rewound through its
    journal; thrown away afterwards.

    An embedded database is copied page by page (SQLite's backup API, a
    fraction of a second for a national database); a PostgreSQL one table by
    table, leaving out rows stamped after the moment."""
    raw = sqlite3.connect(":memory:", check_same_thread=False)
    raw.isolation_level = None
    engine = sa.create_engine("sqlite://", creator=lambda: raw, poolclass=sa.pool.StaticPool)
    try:
        with engine.connect() as then:
            if conn.dialect.name == "sqlite":
                conn.connection.driver_connection.backup(raw)
                uninstall(then)
            else:
                _copy(conn, then, moment)
            then.exec_driver_sql("PRAGMA foreign_keys = OFF")
            then.execute(ChangeLog.delete())
            rewind(then, conn, moment)
            status_periods.refresh(then, everything=True)
            then.commit()
            yield then
    finally:
        engine.dispose()
        raw.close()


def _copy(conn: sa.Connection, then: sa.Connection, moment: datetime) -> None:
    """Every table of ``conn`` into the empty ``then`` (tracker's schema),
    rows stamped after ``moment`` left out (``rewind`` would drop them)."""
    metadata.create_all(then)
    for table in journaled():
        q = sa.select(table)
        when = stamp(table)
        if when is not None:
            q = q.where(when <= moment)
        batch = []
        for row in conn.execute(q).mappings():
            batch.append(dict(row))
            if len(batch) == 5000:
                then.execute(table.insert(), batch)
                batch = []
        if batch:
            then.execute(table.insert(), batch)
