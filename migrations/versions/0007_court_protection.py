"""Whom each court order protects: a ruling's scope (parties, class, state,
universal), the federal actions it restrains, the jurisdictions it names as
covered, and the later events (stayed, vacated, ...) that change its force,
each with the jurisdictions it leaves covered. Existing rulings have no scope,
restrain nothing and name no one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPES = ("parties", "class", "state", "universal")
EVENTS = ("stayed", "stay_lifted", "vacated", "reversed", "affirmed", "modified", "expired")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    # The models' form: OR chains, which SQLite checks faster than IN lists.
    return " OR ".join(f"{column} = '{v}'" for v in values)


def upgrade() -> None:
    # SQLite: batch mode rebuilds the table with the new column and CHECK (env.py
    # turns foreign keys off meanwhile); PostgreSQL: ALTER TABLE adds both.
    with op.batch_alter_table("ruling", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_ruling_scope"), "scope IS NULL OR " + _one_of("scope", SCOPES)
        )

    op.create_table(
        "ruling_restraint",
        sa.Column("ruling_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["federal_action.id"],
            name=op.f("fk_ruling_restraint_action_id_federal_action"),
        ),
        sa.ForeignKeyConstraint(
            ["ruling_id"],
            ["ruling.id"],
            name=op.f("fk_ruling_restraint_ruling_id_ruling"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ruling_id", "action_id", name=op.f("pk_ruling_restraint")),
    )
    with op.batch_alter_table("ruling_restraint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ruling_restraint_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "ruling_coverage",
        sa.Column("ruling_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_ruling_coverage_jurisdiction_id_jurisdiction"),
        ),
        sa.ForeignKeyConstraint(
            ["ruling_id"],
            ["ruling.id"],
            name=op.f("fk_ruling_coverage_ruling_id_ruling"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ruling_id", "jurisdiction_id", name=op.f("pk_ruling_coverage")),
    )
    with op.batch_alter_table("ruling_coverage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ruling_coverage_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )

    op.create_table(
        "ruling_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ruling_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("appellate_ruling_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("event", EVENTS), name=op.f("ck_ruling_event_event")),
        sa.CheckConstraint(
            "length(date) = 4 OR length(date) = 7 OR length(date) = 10",
            name=op.f("ck_ruling_event_date_partial_date"),
        ),
        sa.ForeignKeyConstraint(
            ["appellate_ruling_id"],
            ["ruling.id"],
            name=op.f("fk_ruling_event_appellate_ruling_id_ruling"),
        ),
        sa.ForeignKeyConstraint(
            ["ruling_id"],
            ["ruling.id"],
            name=op.f("fk_ruling_event_ruling_id_ruling"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_ruling_event_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ruling_event")),
        sa.UniqueConstraint(
            "ruling_id", "date", "event", name=op.f("uq_ruling_event_ruling_id_date_event")
        ),
    )
    with op.batch_alter_table("ruling_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ruling_event_appellate_ruling_id"), ["appellate_ruling_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ruling_event_source_id"), ["source_id"], unique=False)

    op.create_table(
        "ruling_event_coverage",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["ruling_event.id"],
            name=op.f("fk_ruling_event_coverage_event_id_ruling_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_ruling_event_coverage_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint(
            "event_id", "jurisdiction_id", name=op.f("pk_ruling_event_coverage")
        ),
    )
    with op.batch_alter_table("ruling_event_coverage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ruling_event_coverage_jurisdiction_id"),
            ["jurisdiction_id"],
            unique=False,
        )


def downgrade() -> None:
    # The older schema has no place for any of it: scopes, restraints,
    # coverage and events go; the rulings themselves stay.
    with op.batch_alter_table("ruling_event_coverage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ruling_event_coverage_jurisdiction_id"))
    op.drop_table("ruling_event_coverage")
    with op.batch_alter_table("ruling_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ruling_event_source_id"))
        batch_op.drop_index(batch_op.f("ix_ruling_event_appellate_ruling_id"))
    op.drop_table("ruling_event")
    with op.batch_alter_table("ruling_coverage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ruling_coverage_jurisdiction_id"))
    op.drop_table("ruling_coverage")
    with op.batch_alter_table("ruling_restraint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ruling_restraint_action_id"))
    op.drop_table("ruling_restraint")
    with op.batch_alter_table("ruling", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_ruling_scope"), type_="check")
        batch_op.drop_column("scope")
