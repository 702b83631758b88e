"""status_periods keeps where the rule stood after each jurisdiction's newest
assertion (the run's origin, every source's latest word, the newest
assertion's id), so a write that only adds newer assertions goes on from
there instead of reading all the older ones again. Rows kept before say
nothing of it (NULL): such a jurisdiction's next write computes its periods
from all its assertions, as before, and keeps where the rule stood. A
database that comes from before 0009 (no periods kept, every jurisdiction
marked) has them all computed here, so its first report reads kept periods.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker import status_periods

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("origin", sa.SmallInteger()), ("sources", sa.String()), ("last_id", sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table("status_periods") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    conn = op.get_bind()
    kept = conn.exec_driver_sql("SELECT 1 FROM status_periods LIMIT 1").first()
    marked = conn.exec_driver_sql("SELECT 1 FROM status_periods_stale LIMIT 1").first()
    if marked and not kept:
        # With the models' columns as of this revision: a later revision that
        # changes status_periods moves this computation to itself.
        status_periods.refresh(conn)


def downgrade() -> None:
    with op.batch_alter_table("status_periods") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)
