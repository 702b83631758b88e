"""status_periods: each jurisdiction's periods of status, derived from its
assertions and kept on the write path (tracker/status_periods.py), so a
national status report reads one row per jurisdiction; status_periods_stale
marks the jurisdictions to compute again. The index of each jurisdiction's
assertions now holds everything deciding the status in force. A case's
parties' unique indexes are plain ones (NULLs never collide in a unique index).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker import status_periods

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_policy_status_latest"
_PARTIES = (("uq_case_party_jurisdiction", "jurisdiction_id"), ("uq_case_party_name", "name"))


def upgrade() -> None:
    op.drop_index(_INDEX, table_name="policy_status")
    op.create_index(
        _INDEX,
        "policy_status",
        ["jurisdiction_id", "effective", "observed", "recorded_at", "status", "source_id"],
    )
    op.create_table(
        "status_periods",
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("since", sa.String(length=10), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("disagreement", sa.String(), nullable=True),
        sa.Column("earlier", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_status_periods_jurisdiction_id_jurisdiction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("jurisdiction_id", name=op.f("pk_status_periods")),
    )
    op.create_table(
        "status_periods_stale",
        sa.Column("jurisdiction_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction_id", name=op.f("pk_status_periods_stale")),
    )
    conn = op.get_bind()
    status_periods.install(conn)
    # Every jurisdiction with assertions marked: readers compute the marked
    # ones from their assertions, and 0010 computes them all (with the
    # columns the periods have from 0010 on, which this revision's lack).
    conn.exec_driver_sql(
        "INSERT INTO status_periods_stale (jurisdiction_id) "
        "SELECT DISTINCT jurisdiction_id FROM policy_status"
    )
    # A case's parties: unique where set, as any unique index is (NULLs never
    # collide), without the partial indexes' engine-specific WHERE.
    for name, column in _PARTIES:
        op.drop_index(name, table_name="case_party")
        op.create_index(name, "case_party", ["case_id", "role", column], unique=True)


def downgrade() -> None:
    for name, column in _PARTIES:
        op.drop_index(name, table_name="case_party")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            name, "case_party", ["case_id", "role", column], unique=True,
            sqlite_where=where, postgresql_where=where,
        )  # fmt: skip
    status_periods.uninstall(op.get_bind())
    op.drop_table("status_periods_stale")
    op.drop_table("status_periods")
    op.drop_index(_INDEX, table_name="policy_status")
    op.create_index(_INDEX, "policy_status", ["jurisdiction_id", "effective", "recorded_at"])
