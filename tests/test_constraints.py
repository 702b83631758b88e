"""The database itself keeps the data sound, whatever code writes to it.

Every test writes with plain SQLAlchemy Core inserts, bypassing tracker's
domain code and its validation, and expects the database to refuse.
"""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker import db
from tracker.models import metadata

T = metadata.tables
NOW = datetime(2018, 1, 25, 12, tzinfo=UTC)
MISSING_ID = 987654


def _defaults(ids: dict[str, int]) -> dict[str, dict]:
    """A valid row for each table, pointing at the rows made by ``base``."""
    return {
        "source": {
            "key": "https://example.org/other",
            "title": "Other",
            "url": "https://example.org/other",
            "published": "2018-01-25",
            "kind": "news",
            "created_at": NOW,
        },
        "jurisdiction": {
            "ocd_id": "ocd-division/country:us/state:il/place:chicago",
            "name": "Chicago",
            "name_folded": "chicago",
            "kind": "city",
            "state": "IL",
            "fips": "1714000",
            "population": 2_700_000,
            "created_at": NOW,
        },
        "jurisdiction_alias": {
            "jurisdiction_id": ids["jurisdiction"],
            "alias": "City and County of San Francisco",
            "alias_folded": "city and county of san francisco",
        },
        "policy_status": {
            "jurisdiction_id": ids["jurisdiction"],
            "status": "sanctuary",
            "source_id": ids["source"],
            "effective": "2017-11",
            "observed": "2018-01-25",
            "recorded_at": NOW,
        },
        "federal_action": {
            "key": "2018-01-24-other",
            "date": "2018-01-24",
            "agency": "U.S. Department of Justice",
            "kind": "subpoena_threat",
            "title": "Another",
            "source_id": ids["source"],
            "target_count": 23,
            "created_at": NOW,
        },
        "action_target": {
            "action_id": ids["federal_action"],
            "jurisdiction_id": ids["jurisdiction"],
        },
        "grant_amount": {
            "program": "Byrne JAG",
            "fiscal_year": 2016,
            "amount_cents": 3_900_000_000,
            "amount_type": "threatened",
            "scope": "aggregate",
            "action_id": ids["federal_action"],
            "source_id": ids["source"],
            "recorded_at": NOW,
        },
        "legal_case": {
            "key": "Chicago v. Sessions",
            "caption": "Chicago v. Sessions",
            "court": "N.D. Ill.",
            "docket": "1:17-cv-00000",
            "filed": "2017",
            "status": "pending",
            "source_id": ids["source"],
            "created_at": NOW,
        },
        "case_party": {
            "case_id": ids["legal_case"],
            "role": "plaintiff",
            "jurisdiction_id": ids["jurisdiction"],
        },
        "ruling": {
            "case_id": ids["legal_case"],
            "date": "2017-11",
            "kind": "permanent_injunction",
            "source_id": ids["source"],
            "created_at": NOW,
        },
    }


@pytest.fixture
def base(url):
    """One source, jurisdiction, action and case to point at; returns their ids."""
    engine = db.engine_for(url)
    with engine.begin() as conn:
        source = conn.execute(
            T["source"].insert().returning(T["source"].c.id),
            {
                "key": "https://example.org/article",
                "title": "Article",
                "url": "https://example.org/article",
                "published": "2018-01-25",
                "kind": "news",
                "created_at": NOW,
            },
        ).scalar_one()
        jurisdiction = conn.execute(
            T["jurisdiction"].insert().returning(T["jurisdiction"].c.id),
            {
                "ocd_id": "ocd-division/country:us/state:ca/place:san_francisco",
                "name": "San Francisco",
                "name_folded": "san francisco",
                "kind": "city_county",
                "state": "CA",
                "fips": "06075",
                "created_at": NOW,
            },
        ).scalar_one()
        action = conn.execute(
            T["federal_action"].insert().returning(T["federal_action"].c.id),
            {
                "key": "2018-01-24-doj",
                "date": "2018-01-24",
                "agency": "U.S. Department of Justice",
                "kind": "letter",
                "title": "Letter",
                "source_id": source,
                "created_at": NOW,
            },
        ).scalar_one()
        case = conn.execute(
            T["legal_case"].insert().returning(T["legal_case"].c.id),
            {
                "key": "San Francisco v. Trump",
                "caption": "San Francisco v. Trump",
                "court": "N.D. Cal.",
                "docket": "3:17-cv-00485",
                "status": "decided",
                "source_id": source,
                "created_at": NOW,
            },
        ).scalar_one()
    ids = {
        "source": source,
        "jurisdiction": jurisdiction,
        "federal_action": action,
        "legal_case": case,
    }
    return Writer(engine, ids)


class Writer:
    def __init__(self, engine: sa.Engine, ids: dict[str, int]):
        self.engine = engine
        self.ids = ids

    def row(self, table: str, **changes) -> dict:
        return {**_defaults(self.ids)[table], **changes}

    def insert(self, table: str, **changes) -> None:
        with self.engine.begin() as conn:
            conn.execute(T[table].insert(), self.row(table, **changes))

    def refused(self, table: str, **changes) -> str:
        """Insert and expect the database to refuse; the refusal's text."""
        with pytest.raises(IntegrityError) as info:
            self.insert(table, **changes)
        return str(info.value.orig)

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(T[table])).scalar_one()


TABLES_WITH_DEFAULTS = [
    "source",
    "jurisdiction",
    "jurisdiction_alias",
    "policy_status",
    "federal_action",
    "action_target",
    "grant_amount",
    "legal_case",
    "case_party",
    "ruling",
]


@pytest.mark.parametrize("table", TABLES_WITH_DEFAULTS)
def test_valid_row_is_accepted(base, table):
    # The control for every refusal below: only the changed column is wrong.
    before = base.count(table)
    base.insert(table)
    assert base.count(table) == before + 1


def test_sqlite_connections_enforce_foreign_keys(url, engine_name):
    with db.engine_for(url).connect() as conn:
        if engine_name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# --- non-negative numbers -------------------------------------------------


def test_database_rejects_negative_amount(base):
    message = base.refused("grant_amount", amount_cents=-1)
    assert "ck_grant_amount_amount_non_negative" in message
    assert base.count("grant_amount") == 0


def test_database_rejects_negative_population(base):
    message = base.refused("jurisdiction", population=-5)
    assert "ck_jurisdiction_population_non_negative" in message


def test_database_rejects_negative_target_count(base):
    message = base.refused("federal_action", target_count=-23)
    assert "ck_federal_action_target_count_non_negative" in message


# --- vocabularies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "constraint"),
    [
        ("source", "kind", "ck_source_kind"),
        ("jurisdiction", "kind", "ck_jurisdiction_kind"),
        ("policy_status", "status", "ck_policy_status_status"),
        ("federal_action", "kind", "ck_federal_action_kind"),
        ("grant_amount", "amount_type", "ck_grant_amount_amount_type"),
        ("grant_amount", "scope", "ck_grant_amount_scope"),
        ("legal_case", "status", "ck_legal_case_status"),
        ("case_party", "role", "ck_case_party_role"),
        ("ruling", "kind", "ck_ruling_kind"),
    ],
)
@pytest.mark.parametrize("bad", ["bogus", ""])
def test_database_rejects_value_outside_vocabulary(base, table, column, constraint, bad):
    changes = {column: bad}
    if table == "jurisdiction":
        # A FIPS code is checked against the kind too; leave only the kind wrong.
        changes["fips"] = None
    message = base.refused(table, **changes)
    assert constraint in message


def test_database_rejects_status_in_wrong_case(base):
    # The vocabulary is exact: "Sanctuary" is not "sanctuary".
    assert "ck_policy_status_status" in base.refused("policy_status", status="Sanctuary")
    assert "ck_policy_status_status" in base.refused("policy_status", status="sanctuary ")


# --- natural keys --------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        ("jurisdiction", {"ocd_id": "ocd-division/country:us/state:ca/place:san_francisco"}),
        ("jurisdiction", {"fips": "06075", "kind": "county"}),
        ("source", {"key": "https://example.org/article", "url": None}),
        ("source", {"url": "https://example.org/article"}),
        ("federal_action", {"key": "2018-01-24-doj"}),
        ("legal_case", {"key": "San Francisco v. Trump"}),
        ("legal_case", {"docket": "3:17-cv-00485"}),
    ],
    ids=["ocd_id", "fips", "source_key", "source_url", "action_key", "case_key", "docket"],
)
def test_database_rejects_duplicate_natural_key(base, table, changes):
    before = base.count(table)
    base.refused(table, **changes)
    assert base.count(table) == before


@pytest.mark.parametrize(
    ("column", "changes"),
    [
        ("ocd_id", {"ocd_id": "ocd-division/country:us/state:ca/place:san_francisco"}),
        ("fips", {"fips": "06075", "kind": "county"}),
    ],
)
def test_duplicate_ocd_id_or_fips_is_refused_by_a_named_unique_index(
    base, engine_name, column, changes
):
    # Unique indexes since revision 0002; the refusal still names the column
    # (SQLite) or the index, named as the constraint was (PostgreSQL).
    message = base.refused("jurisdiction", **changes)
    if engine_name == "sqlite":
        assert f"UNIQUE constraint failed: jurisdiction.{column}" in message
    else:
        assert f'"uq_jurisdiction_{column}"' in message
    assert base.count("jurisdiction") == 1


def test_database_rejects_duplicate_alias_of_one_jurisdiction(base):
    base.insert("jurisdiction_alias")
    base.refused("jurisdiction_alias", alias="CITY AND COUNTY OF SAN FRANCISCO")


def test_database_rejects_same_target_twice(base):
    base.insert("action_target")
    base.refused("action_target")


def test_database_rejects_same_party_twice_in_one_role(base):
    base.insert("case_party")
    base.refused("case_party")
    base.insert("case_party", jurisdiction_id=None, name="Donald Trump", role="defendant")
    base.refused("case_party", jurisdiction_id=None, name="Donald Trump", role="defendant")


def test_same_party_may_hold_two_roles(base):
    base.insert("case_party")
    base.insert("case_party", role="amicus")


def test_database_rejects_same_ruling_twice(base):
    base.insert("ruling")
    base.refused("ruling")


# --- foreign keys ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("jurisdiction_alias", "jurisdiction_id"),
        ("policy_status", "jurisdiction_id"),
        ("policy_status", "source_id"),
        ("federal_action", "source_id"),
        ("action_target", "action_id"),
        ("action_target", "jurisdiction_id"),
        ("grant_amount", "action_id"),
        ("grant_amount", "source_id"),
        ("legal_case", "source_id"),
        ("case_party", "case_id"),
        ("case_party", "jurisdiction_id"),
        ("ruling", "case_id"),
        ("ruling", "source_id"),
    ],
)
def test_database_rejects_dangling_foreign_key(base, table, column):
    before = base.count(table)
    base.refused(table, **{column: MISSING_ID})
    assert base.count(table) == before


def test_database_rejects_grant_for_missing_jurisdiction(base):
    base.refused("grant_amount", scope="jurisdiction", action_id=None, jurisdiction_id=MISSING_ID)


def test_database_rejects_deleting_a_source_still_cited(base):
    base.insert("policy_status")
    with pytest.raises(IntegrityError), base.engine.begin() as conn:
        conn.execute(T["source"].delete().where(T["source"].c.id == base.ids["source"]))
    assert base.count("source") == 1


# --- partial dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "constraint"),
    [
        ("source", "published", "ck_source_published_partial_date"),
        ("policy_status", "effective", "ck_policy_status_effective_partial_date"),
        ("policy_status", "observed", "ck_policy_status_observed_partial_date"),
        ("federal_action", "date", "ck_federal_action_date_partial_date"),
        ("legal_case", "filed", "ck_legal_case_filed_partial_date"),
        ("ruling", "date", "ck_ruling_date_partial_date"),
    ],
)
@pytest.mark.parametrize("bad", ["17", "2017-1", "2017-011"])
def test_database_rejects_malformed_partial_date_length(base, table, column, constraint, bad):
    message = base.refused(table, **{column: bad})
    assert constraint in message


@pytest.mark.parametrize("good", ["2017", "2017-11", "2017-11-20"])
def test_database_accepts_each_partial_date_precision(base, good):
    base.insert("ruling", date=good)


# --- shapes --------------------------------------------------------------------------


def test_database_rejects_party_with_both_jurisdiction_and_name(base):
    message = base.refused("case_party", name="Jeff Sessions")
    assert "ck_case_party_jurisdiction_or_name" in message


def test_database_rejects_party_with_neither_jurisdiction_nor_name(base):
    message = base.refused("case_party", jurisdiction_id=None, name=None)
    assert "ck_case_party_jurisdiction_or_name" in message


def test_database_rejects_jurisdiction_grant_without_jurisdiction(base):
    message = base.refused("grant_amount", scope="jurisdiction", action_id=None)
    assert "ck_grant_amount_scope_target" in message


def test_database_rejects_aggregate_grant_owned_by_one_jurisdiction(base):
    message = base.refused("grant_amount", jurisdiction_id=base.ids["jurisdiction"])
    assert "ck_grant_amount_scope_target" in message


@pytest.mark.parametrize(
    ("kind", "fips"), [("county", "17"), ("city", "06075"), ("state", "1714000")]
)
def test_database_rejects_fips_of_wrong_length_for_kind(base, kind, fips):
    message = base.refused("jurisdiction", kind=kind, fips=fips)
    assert "ck_jurisdiction_fips_fits_kind" in message


def test_database_rejects_state_code_not_two_letters(base):
    assert "ck_jurisdiction_state_code" in base.refused("jurisdiction", state="I")


def test_database_rejects_missing_required_column(base):
    base.refused("jurisdiction", ocd_id=None)
