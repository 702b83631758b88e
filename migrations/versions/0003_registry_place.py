"""registry_place: places and county subdivisions loaded from Census Gazetteer files
(`tracker registry load`), reference data beside the built-in registry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:33:09.380372
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocd_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("fips", sa.String(length=7), nullable=True),
        sa.Column("census_name", sa.String(), nullable=True),
        sa.Column("other_fips", sa.String(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'state' OR kind = 'territory' OR kind = 'federal_district' OR kind = 'county' OR kind = 'city_county' OR kind = 'city' OR kind = 'town' OR kind = 'village' OR kind = 'borough' OR kind = 'township'",
            name=op.f("ck_registry_place_kind"),
        ),
        sa.CheckConstraint("length(state) = 2", name=op.f("ck_registry_place_state_code")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_place")),
    )
    with op.batch_alter_table("registry_place", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_place_fips"), ["fips"], unique=False)
        batch_op.create_index("uq_registry_place_ocd_id", ["ocd_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("registry_place", schema=None) as batch_op:
        batch_op.drop_index("uq_registry_place_ocd_id")
        batch_op.drop_index(batch_op.f("ix_registry_place_fips"))

    op.drop_table("registry_place")
