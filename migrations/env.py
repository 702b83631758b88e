"""Alembic environment: tracker's models, tracker's database URL, batch mode for SQLite."""

from alembic import context

from tracker import config as tracker_config
from tracker import db
from tracker.models import metadata

target_metadata = metadata


def _engine():
    engine = context.config.attributes.get("engine")
    if engine is None:
        engine = db.engine_for(tracker_config.database_url())
    return engine


def run_migrations_offline() -> None:
    context.configure(
        url=str(_engine().url),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a SQLite table by copy, drop and rename. With
            # foreign keys on, the drop deletes the old rows first: it fails on
            # a referenced table, or cascades and silently empties its children.
            # The pragma only takes effect outside a transaction, hence the
            # driver connection (autocommit) before Alembic begins one.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                on_version_apply=_journal_every_table,
            )
            with context.begin_transaction():
                db.lock_migrations(connection)
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                # Never hand a connection with enforcement off back to the pool
                # (the pragma is a no-op inside a transaction, so it cannot
                # reliably be switched back here): discard it; the next one is
                # opened with tracker's pragmas.
                connection.invalidate()


def _journal_every_table(ctx, **_kw) -> None:
    """After each migration step, in its transaction: the journal's triggers,
    once it exists, on every table as it now is. A migration that adds a
    table or column, or rebuilds a table (which drops its triggers on
    SQLite), then leaves no change unjournaled."""
    import sqlalchemy as sa

    from tracker import journal, status_periods

    present = sa.inspect(ctx.connection).get_table_names()
    if "change_log" in present:
        journal.install(ctx.connection)
    if "status_periods_stale" in present:
        status_periods.install(ctx.connection)


def _check_foreign_keys(connection) -> None:
    """With enforcement off, prove the migrated rows still reference rows that exist."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(
            f"migration left {len(broken)} row(s) with dangling references in "
            f"{', '.join(tables)}; nothing was changed"
        )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
