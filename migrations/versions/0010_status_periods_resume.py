"""status_periods keeps where the rule stood after each jurisdiction's newest
assertion (the run's origin, every source's latest word, the newest
assertion's id), so a write that only adds newer assertions goes on from
there instead of reading all the older ones again. Rows kept before say
nothing of it (NULL): such a jurisdiction's next write computes its periods
from all its assertions, as before, and keeps where the rule stood.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("origin", sa.SmallInteger()), ("sources", sa.String()), ("last_id", sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table("status_periods") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_periods") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)
