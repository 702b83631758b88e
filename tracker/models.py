"""Every table, in one module. The naming convention is set before the first
model so every constraint has a stable name from the first migration on.

Integrity lives in the database itself, on both engines: unique natural keys,
a named CHECK for each vocabulary and for non-negative numbers, and foreign
keys (SQLite enforces them through a pragma set in ``db.py``).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from tracker import vocab

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on both engines (SQLite drops tzinfo)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; tracker stores UTC timestamps only")
        value = value.astimezone(UTC)
        # SQLite has no timezone type: store naive UTC, re-attach UTC on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @staticmethod
    def iso_sql(column, dialect):
        """SQL giving a stored timestamp as ``values.format_timestamp`` writes it
        (ISO 8601, microseconds, Z), so a large export formats in the database."""
        if dialect.name == "postgresql":
            return sa.func.to_char(sa.func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        # SQLite holds naive UTC as SQLAlchemy stores it: 'YYYY-MM-DD HH:MM:SS.ffffff'.
        return sa.func.replace(column, " ", "T", type_=sa.String) + "Z"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, values) -> str:
    # OR chains, not IN lists: SQLite evaluates a CHECK's IN list far more
    # slowly per inserted row (several microseconds each), which bulk imports feel.
    return " OR ".join(f"{column} = {v!r}" for v in values)


def _in(column: str, enum) -> str:
    return _one_of(column, [m.value for m in enum])


def _partial_date(column: str, nullable: bool = True) -> str:
    check = " OR ".join(f"length({column}) = {n}" for n in (4, 7, 10))
    return f"{column} IS NULL OR {check}" if nullable else check


def _fk(target: str, ondelete: str | None = None) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete=ondelete)


class Source(SQLModel, table=True):
    __tablename__ = "source"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", vocab.SourceKind), name="kind"),
        sa.CheckConstraint(_partial_date("published"), name="published_partial_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The natural key: the url when there is one, else "title (published)".
    key: str = Field(sa_column=sa.Column(sa.String, nullable=False, unique=True))
    title: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    publisher: str | None = None
    author: str | None = None
    url: str | None = Field(default=None, sa_column=sa.Column(sa.String, unique=True))
    published: str | None = Field(default=None, sa_type=sa.String(10))
    kind: str = Field(sa_type=sa.String(32))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Jurisdiction(SQLModel, table=True):
    __tablename__ = "jurisdiction"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", vocab.JurisdictionKind), name="kind"),
        sa.CheckConstraint("population IS NULL OR population >= 0", name="population_non_negative"),
        sa.CheckConstraint("length(state) = 2", name="state_code"),
        sa.CheckConstraint(
            "fips IS NULL"
            " OR (length(fips) = 2 AND (kind = 'state' OR kind = 'territory'"
            " OR kind = 'federal_district'))"
            " OR (length(fips) = 5 AND (kind = 'county' OR kind = 'city_county'))"
            " OR (length(fips) = 7 AND (kind = 'city_county' OR kind = 'city' OR kind = 'town'"
            " OR kind = 'village' OR kind = 'borough' OR kind = 'township'))",
            name="fips_fits_kind",
        ),
        # Unique indexes, not UNIQUE table constraints: SQLite cannot drop a
        # constraint's implicit index, so a bulk import into an empty table
        # could not defer it and build it once at the end (db.BulkWriter.defer_indexes).
        sa.Index("uq_jurisdiction_ocd_id", "ocd_id", unique=True),
        sa.Index("uq_jurisdiction_fips", "fips", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    ocd_id: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    name: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    # The name folded for matching (case, accents): REF lookups use its index.
    name_folded: str = Field(sa_column=sa.Column(sa.String, nullable=False, index=True))
    kind: str = Field(sa_type=sa.String(32))
    state: str = Field(sa_type=sa.String(2), index=True)
    fips: str | None = Field(default=None, sa_column=sa.Column(sa.String(7)))
    population: int | None = Field(default=None, sa_type=sa.BigInteger)
    notes: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class JurisdictionAlias(SQLModel, table=True):
    __tablename__ = "jurisdiction_alias"
    __table_args__ = (sa.UniqueConstraint("jurisdiction_id", "alias_folded"),)

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(
        sa_column=sa.Column(sa.Integer, _fk("jurisdiction.id", "CASCADE"), nullable=False)
    )
    alias: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    alias_folded: str = Field(sa_column=sa.Column(sa.String, nullable=False, index=True))


class PolicyStatus(SQLModel, table=True):
    """One dated assertion of a jurisdiction's status by a source. Append-only."""

    __tablename__ = "policy_status"
    __table_args__ = (
        sa.CheckConstraint(_in("status", vocab.Status), name="status"),
        sa.CheckConstraint(_partial_date("effective"), name="effective_partial_date"),
        sa.CheckConstraint(_partial_date("observed"), name="observed_partial_date"),
        # "Latest status per jurisdiction" walks this index.
        sa.Index("ix_policy_status_latest", "jurisdiction_id", "effective", "recorded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(
        sa_column=sa.Column(sa.Integer, _fk("jurisdiction.id"), nullable=False)
    )
    status: str = Field(sa_type=sa.String(32))
    source_id: int = Field(
        sa_column=sa.Column(sa.Integer, _fk("source.id"), nullable=False, index=True)
    )
    effective: str | None = Field(default=None, sa_type=sa.String(10))
    observed: str | None = Field(default=None, sa_type=sa.String(10))
    citation: str | None = None
    quote: str | None = None
    note: str | None = None
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class FederalAction(SQLModel, table=True):
    __tablename__ = "federal_action"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", vocab.ActionKind), name="kind"),
        sa.CheckConstraint(_partial_date("date", nullable=False), name="date_partial_date"),
        sa.CheckConstraint(
            "target_count IS NULL OR target_count >= 0", name="target_count_non_negative"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String, nullable=False, unique=True))
    date: str = Field(sa_type=sa.String(10))
    agency: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    kind: str = Field(sa_type=sa.String(32))
    title: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    description: str | None = None
    source_id: int = Field(sa_column=sa.Column(sa.Integer, _fk("source.id"), nullable=False))
    # How many jurisdictions the source says were targeted; may exceed the named ones.
    target_count: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ActionTarget(SQLModel, table=True):
    __tablename__ = "action_target"

    action_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, _fk("federal_action.id", "CASCADE"), primary_key=True, nullable=False
        )
    )
    jurisdiction_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, _fk("jurisdiction.id"), primary_key=True, nullable=False, index=True
        )
    )


class GrantAmount(SQLModel, table=True):
    """Money tied to one jurisdiction, or an aggregate over several or an action.

    An aggregate is never split into per-jurisdiction shares: its covered
    jurisdictions are listed in ``grant_member``.
    """

    __tablename__ = "grant_amount"
    __table_args__ = (
        sa.CheckConstraint("amount_cents >= 0", name="amount_non_negative"),
        sa.CheckConstraint(_in("amount_type", vocab.AmountType), name="amount_type"),
        sa.CheckConstraint(_in("scope", vocab.GrantScope), name="scope"),
        sa.CheckConstraint("fiscal_year BETWEEN 1789 AND 9999", name="fiscal_year"),
        sa.CheckConstraint(
            "(scope = 'jurisdiction' AND jurisdiction_id IS NOT NULL AND action_id IS NULL)"
            " OR (scope = 'aggregate' AND jurisdiction_id IS NULL)",
            name="scope_target",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    # The Assistance Listing (formerly CFDA) number, e.g. 16.738, when known.
    assistance_listing: str | None = Field(default=None, sa_type=sa.String(16))
    fiscal_year: int
    amount_cents: int = Field(sa_type=sa.BigInteger)
    amount_type: str = Field(sa_type=sa.String(32))
    scope: str = Field(sa_type=sa.String(16))
    jurisdiction_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, _fk("jurisdiction.id"), index=True)
    )
    action_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, _fk("federal_action.id"), index=True)
    )
    source_id: int = Field(sa_column=sa.Column(sa.Integer, _fk("source.id"), nullable=False))
    note: str | None = None
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class GrantMember(SQLModel, table=True):
    """A jurisdiction an aggregate amount covers."""

    __tablename__ = "grant_member"

    grant_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, _fk("grant_amount.id", "CASCADE"), primary_key=True, nullable=False
        )
    )
    jurisdiction_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, _fk("jurisdiction.id"), primary_key=True, nullable=False, index=True
        )
    )


class LegalCase(SQLModel, table=True):
    __tablename__ = "legal_case"
    __table_args__ = (
        sa.CheckConstraint(_in("status", vocab.CaseStatus), name="status"),
        sa.CheckConstraint(_partial_date("filed"), name="filed_partial_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The natural key: the docket number when known at creation, else the caption.
    key: str = Field(sa_column=sa.Column(sa.String, nullable=False, unique=True))
    caption: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    court: str = Field(sa_column=sa.Column(sa.String, nullable=False))
    docket: str | None = Field(default=None, sa_column=sa.Column(sa.String, unique=True))
    filed: str | None = Field(default=None, sa_type=sa.String(10))
    status: str = Field(sa_type=sa.String(32))
    summary: str | None = None
    source_id: int = Field(sa_column=sa.Column(sa.Integer, _fk("source.id"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class CaseParty(SQLModel, table=True):
    """A party: a tracked jurisdiction, or a named person or agency."""

    __tablename__ = "case_party"
    __table_args__ = (
        sa.CheckConstraint(_in("role", vocab.PartyRole), name="role"),
        sa.CheckConstraint(
            "(jurisdiction_id IS NOT NULL AND name IS NULL)"
            " OR (jurisdiction_id IS NULL AND name IS NOT NULL)",
            name="jurisdiction_or_name",
        ),
        sa.Index(
            "uq_case_party_jurisdiction",
            "case_id",
            "role",
            "jurisdiction_id",
            unique=True,
            sqlite_where=sa.text("jurisdiction_id IS NOT NULL"),
            postgresql_where=sa.text("jurisdiction_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_case_party_name",
            "case_id",
            "role",
            "name",
            unique=True,
            sqlite_where=sa.text("name IS NOT NULL"),
            postgresql_where=sa.text("name IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=sa.Column(sa.Integer, _fk("legal_case.id", "CASCADE"), nullable=False)
    )
    role: str = Field(sa_type=sa.String(16))
    jurisdiction_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, _fk("jurisdiction.id"), index=True)
    )
    name: str | None = None


class Ruling(SQLModel, table=True):
    __tablename__ = "ruling"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", vocab.RulingKind), name="kind"),
        sa.CheckConstraint(_partial_date("date", nullable=False), name="date_partial_date"),
        sa.UniqueConstraint("case_id", "date", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(
        sa_column=sa.Column(sa.Integer, _fk("legal_case.id", "CASCADE"), nullable=False)
    )
    date: str = Field(sa_type=sa.String(10))
    kind: str = Field(sa_type=sa.String(32))
    judge: str | None = None
    summary: str | None = None
    source_id: int = Field(sa_column=sa.Column(sa.Integer, _fk("source.id"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
