"""Initial schema: sources, jurisdictions and aliases, status assertions,
federal actions and targets, grant amounts and aggregate members, cases,
parties and rulings.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 20:30:08.936572
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jurisdiction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocd_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_folded", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("fips", sa.String(length=7), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "fips IS NULL OR (length(fips) = 2 AND (kind = 'state' OR kind = 'territory' OR kind = 'federal_district')) OR (length(fips) = 5 AND (kind = 'county' OR kind = 'city_county')) OR (length(fips) = 7 AND (kind = 'city_county' OR kind = 'city' OR kind = 'town' OR kind = 'village' OR kind = 'borough' OR kind = 'township'))",
            name=op.f("ck_jurisdiction_fips_fits_kind"),
        ),
        sa.CheckConstraint(
            "kind = 'state' OR kind = 'territory' OR kind = 'federal_district' OR kind = 'county' OR kind = 'city_county' OR kind = 'city' OR kind = 'town' OR kind = 'village' OR kind = 'borough' OR kind = 'township'",
            name=op.f("ck_jurisdiction_kind"),
        ),
        sa.CheckConstraint("length(state) = 2", name=op.f("ck_jurisdiction_state_code")),
        sa.CheckConstraint(
            "population IS NULL OR population >= 0",
            name=op.f("ck_jurisdiction_population_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jurisdiction")),
        sa.UniqueConstraint("fips", name=op.f("uq_jurisdiction_fips")),
        sa.UniqueConstraint("ocd_id", name=op.f("uq_jurisdiction_ocd_id")),
    )
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jurisdiction_name_folded"), ["name_folded"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_jurisdiction_state"), ["state"], unique=False)

    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("publisher", sa.String(), nullable=True),
        sa.Column("author", sa.String(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'news' OR kind = 'court_record' OR kind = 'government_release' OR kind = 'dataset' OR kind = 'other'",
            name=op.f("ck_source_kind"),
        ),
        sa.CheckConstraint(
            "published IS NULL OR length(published) = 4 OR length(published) = 7 OR length(published) = 10",
            name=op.f("ck_source_published_partial_date"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
        sa.UniqueConstraint("url", name=op.f("uq_source_url")),
    )
    op.create_table(
        "federal_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'letter' OR kind = 'subpoena_threat' OR kind = 'grant_condition' OR kind = 'funding_withheld' OR kind = 'executive_order' OR kind = 'enforcement_operation' OR kind = 'statement'",
            name=op.f("ck_federal_action_kind"),
        ),
        sa.CheckConstraint(
            "length(date) = 4 OR length(date) = 7 OR length(date) = 10",
            name=op.f("ck_federal_action_date_partial_date"),
        ),
        sa.CheckConstraint(
            "target_count IS NULL OR target_count >= 0",
            name=op.f("ck_federal_action_target_count_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_federal_action_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federal_action")),
        sa.UniqueConstraint("key", name=op.f("uq_federal_action_key")),
    )
    op.create_table(
        "jurisdiction_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(), nullable=False),
        sa.Column("alias_folded", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_jurisdiction_alias_jurisdiction_id_jurisdiction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jurisdiction_alias")),
        sa.UniqueConstraint(
            "jurisdiction_id",
            "alias_folded",
            name=op.f("uq_jurisdiction_alias_jurisdiction_id_alias_folded"),
        ),
    )
    with op.batch_alter_table("jurisdiction_alias", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jurisdiction_alias_alias_folded"), ["alias_folded"], unique=False
        )

    op.create_table(
        "legal_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("caption", sa.String(), nullable=False),
        sa.Column("court", sa.String(), nullable=False),
        sa.Column("docket", sa.String(), nullable=True),
        sa.Column("filed", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.String(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'pending' OR status = 'decided' OR status = 'dismissed' OR status = 'settled' OR status = 'on_appeal' OR status = 'closed'",
            name=op.f("ck_legal_case_status"),
        ),
        sa.CheckConstraint(
            "filed IS NULL OR length(filed) = 4 OR length(filed) = 7 OR length(filed) = 10",
            name=op.f("ck_legal_case_filed_partial_date"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_legal_case_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_case")),
        sa.UniqueConstraint("docket", name=op.f("uq_legal_case_docket")),
        sa.UniqueConstraint("key", name=op.f("uq_legal_case_key")),
    )
    op.create_table(
        "policy_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("effective", sa.String(length=10), nullable=True),
        sa.Column("observed", sa.String(length=10), nullable=True),
        sa.Column("citation", sa.String(), nullable=True),
        sa.Column("quote", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'sanctuary' OR status = 'partial' OR status = 'cooperative' OR status = 'anti_sanctuary' OR status = 'unknown'",
            name=op.f("ck_policy_status_status"),
        ),
        sa.CheckConstraint(
            "effective IS NULL OR length(effective) = 4 OR length(effective) = 7 OR length(effective) = 10",
            name=op.f("ck_policy_status_effective_partial_date"),
        ),
        sa.CheckConstraint(
            "observed IS NULL OR length(observed) = 4 OR length(observed) = 7 OR length(observed) = 10",
            name=op.f("ck_policy_status_observed_partial_date"),
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_policy_status_jurisdiction_id_jurisdiction"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_policy_status_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_status")),
    )
    with op.batch_alter_table("policy_status", schema=None) as batch_op:
        batch_op.create_index(
            "ix_policy_status_latest", ["jurisdiction_id", "effective", "recorded_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_policy_status_source_id"), ["source_id"], unique=False)

    op.create_table(
        "action_target",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["federal_action.id"],
            name=op.f("fk_action_target_action_id_federal_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_action_target_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint("action_id", "jurisdiction_id", name=op.f("pk_action_target")),
    )
    with op.batch_alter_table("action_target", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_target_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )

    op.create_table(
        "case_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.CheckConstraint(
            "role = 'plaintiff' OR role = 'defendant' OR role = 'intervenor' OR role = 'amicus'",
            name=op.f("ck_case_party_role"),
        ),
        sa.CheckConstraint(
            "(jurisdiction_id IS NOT NULL AND name IS NULL) OR (jurisdiction_id IS NULL AND name IS NOT NULL)",
            name=op.f("ck_case_party_jurisdiction_or_name"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["legal_case.id"],
            name=op.f("fk_case_party_case_id_legal_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_case_party_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_party")),
    )
    with op.batch_alter_table("case_party", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_party_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )
        batch_op.create_index(
            "uq_case_party_jurisdiction",
            ["case_id", "role", "jurisdiction_id"],
            unique=True,
            sqlite_where=sa.text("jurisdiction_id IS NOT NULL"),
            postgresql_where=sa.text("jurisdiction_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_case_party_name",
            ["case_id", "role", "name"],
            unique=True,
            sqlite_where=sa.text("name IS NOT NULL"),
            postgresql_where=sa.text("name IS NOT NULL"),
        )

    op.create_table(
        "grant_amount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.Column("assistance_listing", sa.String(length=16), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("amount_type", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(scope = 'jurisdiction' AND jurisdiction_id IS NOT NULL AND action_id IS NULL) OR (scope = 'aggregate' AND jurisdiction_id IS NULL)",
            name=op.f("ck_grant_amount_scope_target"),
        ),
        sa.CheckConstraint(
            "amount_type = 'awarded' OR amount_type = 'threatened' OR amount_type = 'withheld' OR amount_type = 'restored' OR amount_type = 'repayment_demanded'",
            name=op.f("ck_grant_amount_amount_type"),
        ),
        sa.CheckConstraint(
            "scope = 'jurisdiction' OR scope = 'aggregate'", name=op.f("ck_grant_amount_scope")
        ),
        sa.CheckConstraint("amount_cents >= 0", name=op.f("ck_grant_amount_amount_non_negative")),
        sa.CheckConstraint(
            "fiscal_year BETWEEN 1789 AND 9999", name=op.f("ck_grant_amount_fiscal_year")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["federal_action.id"],
            name=op.f("fk_grant_amount_action_id_federal_action"),
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_grant_amount_jurisdiction_id_jurisdiction"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_grant_amount_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_amount")),
    )
    with op.batch_alter_table("grant_amount", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_amount_action_id"), ["action_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_grant_amount_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )

    op.create_table(
        "ruling",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("judge", sa.String(), nullable=True),
        sa.Column("summary", sa.String(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'temporary_restraining_order' OR kind = 'preliminary_injunction' OR kind = 'permanent_injunction' OR kind = 'summary_judgment' OR kind = 'dismissal' OR kind = 'appellate_decision' OR kind = 'other'",
            name=op.f("ck_ruling_kind"),
        ),
        sa.CheckConstraint(
            "length(date) = 4 OR length(date) = 7 OR length(date) = 10",
            name=op.f("ck_ruling_date_partial_date"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["legal_case.id"],
            name=op.f("fk_ruling_case_id_legal_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_ruling_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ruling")),
        sa.UniqueConstraint("case_id", "date", "kind", name=op.f("uq_ruling_case_id_date_kind")),
    )
    op.create_table(
        "grant_member",
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grant_amount.id"],
            name=op.f("fk_grant_member_grant_id_grant_amount"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_grant_member_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint("grant_id", "jurisdiction_id", name=op.f("pk_grant_member")),
    )
    with op.batch_alter_table("grant_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_member_jurisdiction_id"), ["jurisdiction_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("grant_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_member_jurisdiction_id"))

    op.drop_table("grant_member")
    op.drop_table("ruling")
    with op.batch_alter_table("grant_amount", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_amount_jurisdiction_id"))
        batch_op.drop_index(batch_op.f("ix_grant_amount_action_id"))

    op.drop_table("grant_amount")
    with op.batch_alter_table("case_party", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_case_party_name",
            sqlite_where=sa.text("name IS NOT NULL"),
            postgresql_where=sa.text("name IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_case_party_jurisdiction",
            sqlite_where=sa.text("jurisdiction_id IS NOT NULL"),
            postgresql_where=sa.text("jurisdiction_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_case_party_jurisdiction_id"))

    op.drop_table("case_party")
    with op.batch_alter_table("action_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_target_jurisdiction_id"))

    op.drop_table("action_target")
    with op.batch_alter_table("policy_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_status_source_id"))
        batch_op.drop_index("ix_policy_status_latest")

    op.drop_table("policy_status")
    op.drop_table("legal_case")
    with op.batch_alter_table("jurisdiction_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jurisdiction_alias_alias_folded"))

    op.drop_table("jurisdiction_alias")
    op.drop_table("federal_action")
    op.drop_table("source")
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jurisdiction_state"))
        batch_op.drop_index(batch_op.f("ix_jurisdiction_name_folded"))

    op.drop_table("jurisdiction")
