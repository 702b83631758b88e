"""Alembic environment: tracker's models, tracker's database URL, batch mode for SQLite."""

from alembic import context
from sqlmodel import SQLModel

import tracker.models  # noqa: F401  (registers every table on SQLModel.metadata)
from tracker import config as tracker_config
from tracker import db

target_metadata = SQLModel.metadata
# An arbitrary constant: the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK = 740_211_820


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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Concurrent upgrades queue here; the next one then finds the
                # schema at head instead of failing on tables that already exist.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
