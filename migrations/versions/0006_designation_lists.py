"""Federal lists as versioned data: federal_action.kind may be
'designation_list', federal_action.replaces_id names the earlier action an
action replaces or revises, list_entry keeps each entry of a list as printed
(with the jurisdiction it names and the reason given), list_entry_fate each
entry's later fate (disputed, removed, withdrawn). Existing actions replace
none and have no entries.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "letter", "subpoena_threat", "grant_condition", "funding_withheld", "executive_order",
    "enforcement_operation", "statement",
)  # fmt: skip
AFTER = (*BEFORE, "designation_list")
FATES = ("disputed", "removed", "withdrawn")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    # The models' form: OR chains, which SQLite checks faster than IN lists.
    return " OR ".join(f"{column} = '{v}'" for v in values)


def _partial_date(column: str) -> str:
    return " OR ".join(f"length({column}) = {n}" for n in (4, 7, 10))


def upgrade() -> None:
    # SQLite: batch mode rebuilds the table with the new CHECKs and column
    # (env.py turns foreign keys off meanwhile); PostgreSQL: ALTER TABLE.
    with op.batch_alter_table("federal_action", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_federal_action_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_federal_action_kind"), _one_of("kind", AFTER)
        )
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_federal_action_replaces_id_federal_action"),
            "federal_action",
            ["replaces_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_federal_action_replaces_another"),
            "replaces_id IS NULL OR replaces_id <> id",
        )
        batch_op.create_index(batch_op.f("ix_federal_action_replaces_id"), ["replaces_id"])

    op.create_table(
        "list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_list_entry_position_positive")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["federal_action.id"],
            name=op.f("fk_list_entry_action_id_federal_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"],
            ["jurisdiction.id"],
            name=op.f("fk_list_entry_jurisdiction_id_jurisdiction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entry")),
        sa.UniqueConstraint(
            "action_id",
            "name",
            "jurisdiction_id",
            name=op.f("uq_list_entry_action_id_name_jurisdiction_id"),
        ),
    )
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_entry_jurisdiction_id"), ["jurisdiction_id"])

    op.create_table(
        "list_entry_fate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("fate", sa.String(length=16), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("fate", FATES), name=op.f("ck_list_entry_fate_fate")),
        sa.CheckConstraint(
            _partial_date("date"), name=op.f("ck_list_entry_fate_date_partial_date")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["list_entry.id"],
            name=op.f("fk_list_entry_fate_entry_id_list_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_list_entry_fate_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entry_fate")),
        sa.UniqueConstraint(
            "entry_id", "fate", "date", name=op.f("uq_list_entry_fate_entry_id_fate_date")
        ),
    )
    with op.batch_alter_table("list_entry_fate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_entry_fate_source_id"), ["source_id"])


def downgrade() -> None:
    op.drop_table("list_entry_fate")
    op.drop_table("list_entry")
    # The older schema has no word for a list: such actions become statements,
    # their description saying what they were. Their targets (every entry's
    # jurisdiction) stay; the entries as printed and their fates cannot.
    op.execute(
        sa.text(
            "UPDATE federal_action SET kind = 'statement', description = CASE "
            "WHEN description IS NULL THEN 'designation_list (a published list of jurisdictions)' "
            "ELSE description || ' [designation_list (a published list of jurisdictions)]' END "
            "WHERE kind = 'designation_list'"
        )
    )
    with op.batch_alter_table("federal_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_federal_action_replaces_id"))
        batch_op.drop_constraint(batch_op.f("ck_federal_action_replaces_another"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_federal_action_replaces_id_federal_action"), type_="foreignkey"
        )
        batch_op.drop_column("replaces_id")
        batch_op.drop_constraint(batch_op.f("ck_federal_action_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_federal_action_kind"), _one_of("kind", BEFORE)
        )
