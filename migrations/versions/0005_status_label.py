"""policy_status.label: the source's own classification of an assertion,
verbatim ("sanctuary_strong", a 0-7 score), beside tracker's status word.
Existing assertions have none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("policy_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("policy_status", schema=None) as batch_op:
        batch_op.drop_column("label")
