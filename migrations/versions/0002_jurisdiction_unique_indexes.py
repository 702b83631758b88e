"""The jurisdiction table's unique ocd_id and fips become unique indexes (same
names, same guarantee) instead of UNIQUE table constraints: SQLite cannot drop
a constraint's implicit index, so a bulk import into an empty table could not
defer it and build it once after the rows are in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 22:44:55.072674
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite: batch mode rebuilds the table without the constraints (env.py turns
    # foreign keys off, so the tables that reference it keep their rows), then
    # adds the indexes. PostgreSQL: ALTER TABLE drops each constraint, and its
    # index, before the index of the same name is created.
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_jurisdiction_ocd_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_jurisdiction_fips"), type_="unique")
        batch_op.create_index("uq_jurisdiction_ocd_id", ["ocd_id"], unique=True)
        batch_op.create_index("uq_jurisdiction_fips", ["fips"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.drop_index("uq_jurisdiction_fips")
        batch_op.drop_index("uq_jurisdiction_ocd_id")
        batch_op.create_unique_constraint(batch_op.f("uq_jurisdiction_fips"), ["fips"])
        batch_op.create_unique_constraint(batch_op.f("uq_jurisdiction_ocd_id"), ["ocd_id"])
