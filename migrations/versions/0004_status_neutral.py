"""policy_status.status may be 'neutral' (no law or policy either way), a word
of its own beside 'unknown' (not yet known).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("sanctuary", "partial", "cooperative", "anti_sanctuary", "unknown")
AFTER = ("sanctuary", "partial", "cooperative", "anti_sanctuary", "neutral", "unknown")


def _check(values: tuple[str, ...]) -> str:
    # The models' form: OR chains, which SQLite checks faster than IN lists.
    return " OR ".join(f"status = '{v}'" for v in values)


def _replace(values: tuple[str, ...]) -> None:
    # SQLite: batch mode rebuilds the table with the new CHECK (env.py turns
    # foreign keys off meanwhile); PostgreSQL: ALTER TABLE drops and adds it.
    with op.batch_alter_table("policy_status", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_policy_status_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_policy_status_status"), _check(values))


def upgrade() -> None:
    _replace(AFTER)


def downgrade() -> None:
    # The older schema has no word for it: such assertions become 'unknown',
    # their note saying what they were.
    op.execute(
        sa.text(
            "UPDATE policy_status SET status = 'unknown', note = CASE WHEN note IS NULL "
            "THEN 'neutral (no law or policy either way)' "
            "ELSE note || ' [neutral (no law or policy either way)]' END "
            "WHERE status = 'neutral'"
        )
    )
    _replace(BEFORE)
