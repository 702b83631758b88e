"""Every table, in one module: the one schema, as SQLAlchemy Core tables.

Core, not ORM classes: every query in tracker is built from these tables, and
a command that only reads (``jurisdictions show``) then loads SQLAlchemy's Core
alone, not its ORM. The naming convention is set on the metadata before the
first table, so every constraint has a stable name from the first migration on.

Integrity lives in the database itself, on both engines: unique natural keys,
a named CHECK for each vocabulary and for non-negative numbers, and foreign
keys (SQLite enforces them through a pragma set in ``db.py``).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from tracker import vocab

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on both engines (SQLite drops tzinfo)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True
    # SQL for "now" as SQLite holds it (a trigger's timestamp): its 'now' has
    # milliseconds, padded to the microseconds SQLAlchemy stores.
    SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; tracker stores UTC timestamps only")
        value = value.astimezone(UTC)
        # SQLite has no timezone type: store naive UTC, re-attach UTC on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else UTCDateTime.stored(value)

    @staticmethod
    def stored(value: datetime | str) -> datetime:
        """A stored timestamp as a UTC datetime, from what either driver gives
        (SQLite's naive UTC text, PostgreSQL's aware datetime) or a journal
        image holds (either engine's text)."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

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


# Column shorthands, so each table below reads as its list of fields.
def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _text(name: str, length: int | None = None, **kw) -> sa.Column:
    """A required string."""
    return sa.Column(name, sa.String(length), nullable=False, **kw)


def _optional(name: str, type_=None, **kw) -> sa.Column:
    return sa.Column(name, type_ if type_ is not None else sa.String, nullable=True, **kw)


def _ref(name: str, target: str, ondelete: str | None = None, **kw) -> sa.Column:
    kw.setdefault("nullable", False)
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), **kw)


def _stamp(name: str) -> sa.Column:
    """When a row was written: set by tracker, never by a file."""
    return sa.Column(name, UTCDateTime, nullable=False, default=utcnow)


Source = sa.Table(
    "source",
    metadata,
    _id(),
    # The natural key: the url when there is one, else "title (published)".
    _text("key", unique=True),
    _text("title"),
    _optional("publisher"),
    _optional("author"),
    _optional("url", unique=True),
    _optional("published", sa.String(10)),
    _text("kind", 32),
    _stamp("created_at"),
    sa.CheckConstraint(_in("kind", vocab.SourceKind), name="kind"),
    sa.CheckConstraint(_partial_date("published"), name="published_partial_date"),
)

Jurisdiction = sa.Table(
    "jurisdiction",
    metadata,
    _id(),
    _text("ocd_id"),
    _text("name"),
    # The name folded for matching (case, accents): REF lookups use its index.
    _text("name_folded", index=True),
    _text("kind", 32),
    _text("state", 2, index=True),
    _optional("fips", sa.String(7)),
    _optional("population", sa.BigInteger),
    _optional("notes"),
    _stamp("created_at"),
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

JurisdictionAlias = sa.Table(
    "jurisdiction_alias",
    metadata,
    _id(),
    _ref("jurisdiction_id", "jurisdiction.id", "CASCADE"),
    _text("alias"),
    _text("alias_folded", index=True),
    sa.UniqueConstraint("jurisdiction_id", "alias_folded"),
)

# One dated assertion of a jurisdiction's status by a source. Append-only.
PolicyStatus = sa.Table(
    "policy_status",
    metadata,
    _id(),
    _ref("jurisdiction_id", "jurisdiction.id"),
    _text("status", 32),
    _ref("source_id", "source.id", index=True),
    _optional("effective", sa.String(10)),
    _optional("observed", sa.String(10)),
    _optional("citation"),
    _optional("quote"),
    _optional("note"),
    # The source's own classification, verbatim ("sanctuary_strong", a 0-7 score).
    _optional("label"),
    _stamp("recorded_at"),
    sa.CheckConstraint(_in("status", vocab.Status), name="status"),
    sa.CheckConstraint(_partial_date("effective"), name="effective_partial_date"),
    sa.CheckConstraint(_partial_date("observed"), name="observed_partial_date"),
    # A jurisdiction's assertions in order, everything deciding the status
    # in force at hand (its periods are computed from this index alone).
    sa.Index(
        "ix_policy_status_latest",
        "jurisdiction_id",
        "effective",
        "observed",
        "recorded_at",
        "status",
        "source_id",
    ),  # fmt: skip
)

# Derived from policy_status, never written by a user (tracker/status_periods.py):
# each jurisdiction's periods of status, the newest in columns (what "today"
# reads), the older ones as text, newest first, one per line
# ``start<TAB>status<TAB>since<TAB>source_id<TAB>disagreement``. A disagreement
# is ``status:source_id;...``, newest first. Kept on the write path: a
# change to what decides them marks the jurisdiction in
# status_periods_stale, and each write transaction computes the marked ones
# again before it commits. Where the rule stood after the newest assertion
# (``origin``, ``sources``, ``last_id``) lets a write that only adds newer
# assertions go on from there instead of reading every older one again.
StatusPeriods = sa.Table(
    "status_periods",
    metadata,
    sa.Column(
        "jurisdiction_id",
        sa.Integer,
        sa.ForeignKey("jurisdiction.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    _text("start", 10),
    _text("status", 32),
    _optional("since", sa.String(10)),
    sa.Column("source_id", sa.Integer, nullable=False),
    _optional("disagreement"),
    _optional("earlier"),
    # What "since" was taken from: 0 an effective date, 1 an observed one, 2 neither.
    _optional("origin", sa.SmallInteger),
    # Every source's latest word, newest first, as source ids ``3;12;5`` (its
    # status: the disagreement's, else the one in force).
    _optional("sources"),
    # The newest assertion (policy_status.id; no foreign key: derived data).
    _optional("last_id", sa.Integer),
)

StatusPeriodsStale = sa.Table(
    "status_periods_stale",
    metadata,
    sa.Column("jurisdiction_id", sa.Integer, primary_key=True, autoincrement=False),
)

FederalAction = sa.Table(
    "federal_action",
    metadata,
    _id(),
    _text("key", unique=True),
    _text("date", 10),
    _text("agency"),
    _text("kind", 32),
    _text("title"),
    _optional("description"),
    _ref("source_id", "source.id"),
    # How many jurisdictions the source says were targeted; may exceed the named ones.
    _optional("target_count", sa.Integer),
    _stamp("created_at"),
    # The earlier action this one replaces or revises (a list's earlier version).
    _ref("replaces_id", "federal_action.id", "SET NULL", nullable=True, index=True),
    sa.CheckConstraint(_in("kind", vocab.ActionKind), name="kind"),
    sa.CheckConstraint(_partial_date("date", nullable=False), name="date_partial_date"),
    sa.CheckConstraint(
        "target_count IS NULL OR target_count >= 0", name="target_count_non_negative"
    ),
    sa.CheckConstraint("replaces_id IS NULL OR replaces_id <> id", name="replaces_another"),
)

ActionTarget = sa.Table(
    "action_target",
    metadata,
    _ref("action_id", "federal_action.id", "CASCADE", primary_key=True),
    _ref("jurisdiction_id", "jurisdiction.id", primary_key=True, index=True),
)

# An entry of a published list (an action of kind designation_list): the name
# exactly as the list printed it, and the jurisdiction it names. Two entries
# may name one jurisdiction ("San Francisco" and "City and County of San
# Francisco"). Each entry's jurisdiction is also one of the action's targets.
# An entry is its action, printed name and jurisdiction.
ListEntry = sa.Table(
    "list_entry",
    metadata,
    _id(),
    _ref("action_id", "federal_action.id", "CASCADE"),
    # Its place in the list: 1 for the first entry.
    sa.Column("position", sa.Integer, nullable=False),
    _text("name"),
    _ref("jurisdiction_id", "jurisdiction.id", index=True),
    # The reason the list gives for it, if any.
    _optional("reason"),
    _stamp("created_at"),
    sa.CheckConstraint("position >= 1", name="position_positive"),
    # A list may print one name twice for two places (Washington County in two states).
    sa.UniqueConstraint("action_id", "name", "jurisdiction_id"),
)

# What later became of an entry: disputed, removed, or the list withdrawn.
ListEntryFate = sa.Table(
    "list_entry_fate",
    metadata,
    _id(),
    _ref("entry_id", "list_entry.id", "CASCADE"),
    _text("fate", 16),
    _text("date", 10),
    _ref("source_id", "source.id", index=True),
    _optional("note"),
    _stamp("created_at"),
    sa.CheckConstraint(_in("fate", vocab.EntryFate), name="fate"),
    sa.CheckConstraint(_partial_date("date", nullable=False), name="date_partial_date"),
    sa.UniqueConstraint("entry_id", "fate", "date"),
)

# Money tied to one jurisdiction, or an aggregate over several or an action.
# An aggregate is never split into per-jurisdiction shares: its covered
# jurisdictions are listed in ``grant_member``.
GrantAmount = sa.Table(
    "grant_amount",
    metadata,
    _id(),
    _text("program"),
    # The Assistance Listing (formerly CFDA) number, e.g. 16.738, when known.
    _optional("assistance_listing", sa.String(16)),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    _text("amount_type", 32),
    _text("scope", 16),
    _ref("jurisdiction_id", "jurisdiction.id", nullable=True, index=True),
    _ref("action_id", "federal_action.id", nullable=True, index=True),
    _ref("source_id", "source.id"),
    _optional("note"),
    _stamp("recorded_at"),
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

# A jurisdiction an aggregate amount covers.
GrantMember = sa.Table(
    "grant_member",
    metadata,
    _ref("grant_id", "grant_amount.id", "CASCADE", primary_key=True),
    _ref("jurisdiction_id", "jurisdiction.id", primary_key=True, index=True),
)

LegalCase = sa.Table(
    "legal_case",
    metadata,
    _id(),
    # The natural key: the docket number when known at creation, else the caption.
    _text("key", unique=True),
    _text("caption"),
    _text("court"),
    _optional("docket", unique=True),
    _optional("filed", sa.String(10)),
    _text("status", 32),
    _optional("summary"),
    _ref("source_id", "source.id"),
    _stamp("created_at"),
    sa.CheckConstraint(_in("status", vocab.CaseStatus), name="status"),
    sa.CheckConstraint(_partial_date("filed"), name="filed_partial_date"),
)

# A party: a tracked jurisdiction, or a named person or agency.
CaseParty = sa.Table(
    "case_party",
    metadata,
    _id(),
    _ref("case_id", "legal_case.id", "CASCADE"),
    _text("role", 16),
    _ref("jurisdiction_id", "jurisdiction.id", nullable=True, index=True),
    _optional("name"),
    sa.CheckConstraint(_in("role", vocab.PartyRole), name="role"),
    sa.CheckConstraint(
        "(jurisdiction_id IS NOT NULL AND name IS NULL)"
        " OR (jurisdiction_id IS NULL AND name IS NOT NULL)",
        name="jurisdiction_or_name",
    ),
    # Unique where set: a unique index holds any number of rows whose value is
    # NULL, on both engines (no partial index: naming one engine's option
    # loads that dialect, 50 ms on every command).
    sa.Index(
        "uq_case_party_jurisdiction",
        "case_id",
        "role",
        "jurisdiction_id",
        unique=True,
    ),
    sa.Index(
        "uq_case_party_name",
        "case_id",
        "role",
        "name",
        unique=True,
    ),
)

Ruling = sa.Table(
    "ruling",
    metadata,
    _id(),
    _ref("case_id", "legal_case.id", "CASCADE"),
    _text("date", 10),
    _text("kind", 32),
    _optional("judge"),
    _optional("summary"),
    _ref("source_id", "source.id"),
    _stamp("created_at"),
    # Whom the order protects (vocab.RulingScope); None: not recorded (older rulings).
    _optional("scope", sa.String(16)),
    sa.CheckConstraint(_in("kind", vocab.RulingKind), name="kind"),
    sa.CheckConstraint(_partial_date("date", nullable=False), name="date_partial_date"),
    sa.CheckConstraint("scope IS NULL OR " + _in("scope", vocab.RulingScope), name="scope"),
    sa.UniqueConstraint("case_id", "date", "kind"),
)

# A federal action a ruling restrains.
RulingRestraint = sa.Table(
    "ruling_restraint",
    metadata,
    _ref("ruling_id", "ruling.id", "CASCADE", primary_key=True),
    _ref("action_id", "federal_action.id", primary_key=True, index=True),
)

# A jurisdiction a ruling names as covered. A ruling without any covers the
# jurisdictions among its case's plaintiffs, read when asked (tracker.protection).
RulingCoverage = sa.Table(
    "ruling_coverage",
    metadata,
    _ref("ruling_id", "ruling.id", "CASCADE", primary_key=True),
    _ref("jurisdiction_id", "jurisdiction.id", primary_key=True, index=True),
)

# What later happened to a ruling (stayed, vacated, ...): one per ruling, date
# and event, with its source and the ruling that brought it, when there is one.
RulingEvent = sa.Table(
    "ruling_event",
    metadata,
    _id(),
    _ref("ruling_id", "ruling.id", "CASCADE"),
    _text("event", 16),
    _text("date", 10),
    _ref("source_id", "source.id", index=True),
    _ref("appellate_ruling_id", "ruling.id", nullable=True, index=True),
    _optional("note"),
    _stamp("created_at"),
    sa.CheckConstraint(_in("event", vocab.RulingEvent), name="event"),
    sa.CheckConstraint(_partial_date("date", nullable=False), name="date_partial_date"),
    sa.UniqueConstraint("ruling_id", "date", "event"),
)

# The jurisdictions an event leaves the order covering ("stayed as to everyone
# but Chicago"): none listed, the event concerns the whole order.
RulingEventCoverage = sa.Table(
    "ruling_event_coverage",
    metadata,
    _ref("event_id", "ruling_event.id", "CASCADE", primary_key=True),
    _ref("jurisdiction_id", "jurisdiction.id", primary_key=True, index=True),
)

# Places and county subdivisions loaded from Census Gazetteer files
# (`tracker registry load`): reference data, apart from the jurisdictions a
# user tracks, beside the built-in states and counties (tracker/registry.py).
# Names are looked up here; nothing is reported from here.
RegistryPlace = sa.Table(
    "registry_place",
    metadata,
    _id(),
    _text("ocd_id"),
    _text("name"),
    _text("kind", 32),
    _text("state", 2),
    # The code tracker stores: 7 digits (state and place or subdivision code).
    _optional("fips", sa.String(7), index=True),
    # The name as the Census writes it ("Chicago city"), when it differs.
    _optional("census_name"),
    # Further Census codes for it ("; "-separated), e.g. a subdivision's GEOID.
    _optional("other_fips"),
    _optional("lat", sa.Float),
    _optional("lon", sa.Float),
    # The file it was loaded from (its name).
    _text("source"),
    _stamp("loaded_at"),
    sa.CheckConstraint(_in("kind", vocab.JurisdictionKind), name="kind"),
    sa.CheckConstraint("length(state) = 2", name="state_code"),
    sa.Index("uq_registry_place_ocd_id", "ocd_id", unique=True),
)

# Every update and delete of a record, and every row added to a table with
# no timestamp of its own (aliases, targets, members, parties), with the
# row before and after as JSON: written by triggers (tracker/journal.py), so
# no write path can miss one. The old value of a field is never lost, and
# what the database held at any moment can be rebuilt (``--known-at``).
# A row added to a table with a timestamp (created_at, recorded_at) is known
# from that timestamp and is not journaled.
ChangeLog = sa.Table(
    "change_log",
    metadata,
    _id(),
    sa.Column("recorded_at", UTCDateTime, nullable=False, index=True),
    _text("table_name", 64),
    _text("op", 8),
    _optional("old"),
    _optional("new"),
    sa.CheckConstraint("op = 'insert' OR op = 'update' OR op = 'delete'", name="op"),
)
