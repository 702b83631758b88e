"""change_log: the journal of every change, written by triggers on every
table (tracker/journal.py), so an old value is never lost and the database
as it stood at any moment can be rebuilt (``--known-at``, ``tracker changes``).
Existing rows are known from their timestamps; rows of tables without one
(aliases, targets, members, parties) count as known from the start.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker import journal

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("old", sa.String(), nullable=True),
        sa.Column("new", sa.String(), nullable=True),
        sa.CheckConstraint(
            "op = 'insert' OR op = 'update' OR op = 'delete'", name=op.f("ck_change_log_op")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    op.create_index(op.f("ix_change_log_recorded_at"), "change_log", ["recorded_at"], unique=False)
    journal.install(op.get_bind())


def downgrade() -> None:
    journal.uninstall(op.get_bind())
    op.drop_index(op.f("ix_change_log_recorded_at"), table_name="change_log")
    op.drop_table("change_log")
