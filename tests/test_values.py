"""Values users type: partial dates keep their precision and sort by the first
day they cover; money is exact from the text typed, through the database, to
the exported string."""

from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tracker import db, transfer
from tracker.errors import InvalidValue
from tracker.models import FederalAction, GrantAmount, LegalCase, Ruling, Source
from tracker.values import (
    cents_to_decimal,
    decimal_to_cents,
    first_day,
    format_amount,
    last_day,
    parse_amount,
    parse_partial_date,
)


@contextmanager
def written(url: str):
    """A connection on the models' tables, to store rows as written directly
    (no domain rules; committed at the end)."""
    with db.engine_for(url).begin() as conn:
        yield conn


def add(conn, table, **values) -> int:
    """Insert one row; its id."""
    return conn.execute(sa.insert(table).values(**values)).inserted_primary_key[0]


NOW = datetime(2018, 1, 25, tzinfo=UTC)

# --- partial dates: parsing ---------------------------------------------------


@pytest.mark.parametrize("text", ["2017", "2017-11", "2017-11-20", "2016-02-29"])
def test_partial_date_is_kept_as_entered(text):
    assert parse_partial_date(text) == text


def test_partial_date_surrounding_spaces_are_trimmed():
    assert parse_partial_date(" 2017-11 ") == "2017-11"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2017-02-30", "day 30 does not exist"),
        ("2017-02-29", "day 29 does not exist"),
        ("2017-13", "month 13 does not exist"),
        ("2017-00", "month 00 does not exist"),
        ("2017-04-31", "day 31 does not exist"),
        ("0000", "year 0000"),
    ],
)
def test_impossible_date_is_rejected_with_the_reason(text, reason):
    with pytest.raises(InvalidValue) as info:
        parse_partial_date(text, "ruling date")
    message = str(info.value)
    assert message.startswith("ruling date: ")
    assert repr(text) in message
    assert reason in message


@pytest.mark.parametrize(
    "text",
    ["17-01-01", "2017-1", "2017-1-1", "2017/11/20", "20171120", "Nov 2017", "last fall", ""],
)
def test_malformed_date_is_rejected_naming_the_field_and_formats(text):
    with pytest.raises(InvalidValue) as info:
        parse_partial_date(text, "filed")
    message = str(info.value)
    assert message.startswith("filed: ")
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in message
    assert "\n" not in message


@pytest.mark.parametrize("value", [None, 2017, date(2017, 11, 20)])
def test_non_text_date_is_rejected_not_crashed(value):
    with pytest.raises(InvalidValue, match="^date: "):
        parse_partial_date(value)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2017", date(2017, 1, 1), date(2017, 12, 31)),
        ("2017-11", date(2017, 11, 1), date(2017, 11, 30)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("2017-11-20", date(2017, 11, 20), date(2017, 11, 20)),
    ],
)
def test_partial_date_covers_from_first_to_last_day(text, first, last):
    assert first_day(text) == first
    assert last_day(text) == last


# --- partial dates: in the database ----------------------------------------------


def _case(conn) -> tuple[int, int]:
    """A source and a case citing it: (case id, source id)."""
    source_id = add(conn, Source, key="k", title="t", kind="news")
    case_id = add(
        conn, LegalCase, key="c", caption="c", court="court", status="pending", source_id=source_id
    )
    return case_id, source_id


def test_partial_dates_keep_their_precision_in_the_database(url):
    dates = ["2017", "2017-11", "2017-11-20"]
    with written(url) as conn:
        case_id, source_id = _case(conn)
        for d, kind in zip(dates, ["other", "preliminary_injunction", "dismissal"], strict=True):
            add(conn, Ruling, case_id=case_id, date=d, kind=kind, source_id=source_id)
    with db.engine_for(url).connect() as conn:
        stored = conn.execute(sa.text("SELECT date FROM ruling")).scalars().all()
    assert sorted(stored) == dates
    with written(url) as conn:
        read_back = conn.execute(sa.select(Ruling.c.date)).scalars().all()
    assert sorted(read_back) == dates


def test_partial_dates_sort_by_first_day_they_cover_in_sql(url):
    # Shuffled input; ORDER BY on the stored column puts each date at the
    # first day it covers, a year before any month in it, a month before its days.
    entered = ["2018-01-24", "2017-11", "2017", "2018", "2017-11-20", "2016-12-31", "2017-02"]
    expected = sorted(entered, key=lambda d: (first_day(d), len(d)))
    with written(url) as conn:
        source_id = add(conn, Source, key="k", title="t", kind="news")
        for n, d in enumerate(entered):
            add(
                conn,
                FederalAction,
                key=f"a{n}",
                date=d,
                agency="DOJ",
                kind="letter",
                title=f"action {n}",
                source_id=source_id,
            )
    with db.engine_for(url).connect() as conn:
        ordered = conn.execute(sa.text("SELECT date FROM federal_action ORDER BY date")).scalars()
        assert list(ordered) == expected
    assert expected == [
        "2016-12-31",
        "2017",
        "2017-02",
        "2017-11",
        "2017-11-20",
        "2018",
        "2018-01-24",
    ]


# --- money: parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("39000000", 3_900_000_000),
        ("39,000,000.00", 3_900_000_000),
        ("$39,000,000", 3_900_000_000),
        ("$39,000,000.00", 3_900_000_000),
        ("39000000.5", 3_900_000_050),
        ("0.01", 1),
        ("0", 0),
        ("999999999999.99", 99_999_999_999_999),
        (" 1,234.56 ", 123_456),
    ],
)
def test_parse_amount_accepts_dollars_as_typed(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5", "negative"),
        ("-0.01", "negative"),
        ("$-5", "negative"),
        ("(5.00)", "negative"),
        ("1.005", "more than two decimal places"),
        ("39,000,000.001", "more than two decimal places"),
        ("thirty-nine million", "is not an amount in dollars"),
        ("39 million", "is not an amount in dollars"),
        ("1,00,000", "is not an amount in dollars"),
        ("1,0000", "is not an amount in dollars"),
        ("", "is not an amount in dollars"),
        ("1e6", "is not an amount in dollars"),
        ("NaN", "is not an amount in dollars"),
        ("39000000.", "is not an amount in dollars"),
    ],
)
def test_parse_amount_rejects_with_the_reason(text, reason):
    with pytest.raises(InvalidValue) as info:
        parse_amount(text, "amount")
    message = str(info.value)
    assert message.startswith("amount: ")
    assert reason in message


def test_parse_amount_rejects_amount_too_large_to_store():
    with pytest.raises(InvalidValue, match="too large"):
        parse_amount("1" + "0" * 20)


@pytest.mark.parametrize("value", [None, 5, 5.0, Decimal("5")])
def test_parse_amount_rejects_non_text_not_crashed(value):
    with pytest.raises(InvalidValue):
        parse_amount(value)


@pytest.mark.parametrize(
    ("amount", "cents"), [(Decimal("0.01"), 1), (Decimal("39000000.00"), 3_900_000_000)]
)
def test_decimal_to_cents_is_exact(amount, cents):
    assert decimal_to_cents(amount) == cents
    assert cents_to_decimal(cents) == amount


@pytest.mark.parametrize("amount", [Decimal("0.001"), Decimal("-1"), Decimal("NaN")])
def test_decimal_to_cents_rejects_what_cents_cannot_hold(amount):
    with pytest.raises(InvalidValue):
        decimal_to_cents(amount)


# --- money: through the database ---------------------------------------------------------

AMOUNTS = ["0.01", "39000000.00", "999999999999.99"]


def _amounts(conn, texts: list[str], amount_type: str, **more) -> None:
    """Aggregate amounts stored as written, one per text, tied to one action."""
    source_id = add(conn, Source, key="k", title="t", kind="news")
    action = {"key": "a", "date": "2018-01-24", "agency": "DOJ", "kind": "letter", "title": "a"}
    action_id = add(conn, FederalAction, **action, source_id=source_id)
    for n, text in enumerate(texts):
        add(
            conn,
            GrantAmount,
            program=f"p{n}",
            fiscal_year=2016,
            amount_cents=parse_amount(text),
            amount_type=amount_type,
            scope="aggregate",
            action_id=action_id,
            source_id=source_id,
            **more,
        )


def test_money_round_trips_exactly_through_the_database(url):
    with written(url) as conn:
        _amounts(conn, AMOUNTS, "threatened", recorded_at=NOW)
    with db.engine_for(url).connect() as conn:
        raw = conn.execute(sa.text("SELECT amount_cents FROM grant_amount ORDER BY program"))
        stored = [row[0] for row in raw]
    # Integers, not floats, on both engines.
    assert stored == [1, 3_900_000_000, 99_999_999_999_999]
    assert all(type(c) is int for c in stored)
    assert [format_amount(c) for c in stored] == AMOUNTS
    assert [cents_to_decimal(c) for c in stored] == [Decimal(a) for a in AMOUNTS]

    with db.connect(url) as s:
        exported = sorted(row[3] for row in transfer.export_rows(s, "grants"))
    assert exported == sorted(AMOUNTS)


def test_money_sum_in_sql_is_exact(url):
    # A float would drift: 0.1 + 0.2 != 0.3. Cents add exactly.
    with written(url) as conn:
        _amounts(conn, ["0.10", "0.20", "999999999999.99"], "awarded")
    with db.engine_for(url).connect() as conn:
        total = conn.execute(sa.text("SELECT sum(amount_cents) FROM grant_amount")).scalar_one()
    assert format_amount(int(total)) == "1000000000000.29"


@pytest.mark.parametrize("cents", [0, 1, 10, 99, 100, 3_900_000_000, 99_999_999_999_999])
def test_format_amount_always_shows_two_places(cents):
    text = format_amount(cents)
    assert len(text.split(".")[1]) == 2
    assert parse_amount(text) == cents


# --- digits other than 0-9 -------------------------------------------------------------


@pytest.mark.parametrize("text", ["٢٠١٧", "２０１７-１１", "2017-１1"])
def test_date_in_non_ascii_digits_is_rejected(text):
    # Stored as entered, such a date would pass the length check and sort wrongly.
    with pytest.raises(InvalidValue, match="is not a date"):
        parse_partial_date(text)


@pytest.mark.parametrize("text", ["٣٩", "３９,０００", "$39,000,000.٠٠"])
def test_amount_in_non_ascii_digits_is_rejected(text):
    with pytest.raises(InvalidValue, match="is not an amount"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["２０１６", "٢٠١٦"])
def test_fiscal_year_in_non_ascii_digits_is_rejected(text):
    from tracker.values import parse_year

    with pytest.raises(InvalidValue, match="is not a four-digit year"):
        parse_year(text)


@pytest.mark.parametrize("text", ["16.7³8", "١٦.٧٣٨", "16738", "16.73", "1.738", "abc"])
def test_assistance_listing_rejects_anything_but_nn_dot_nnn(text):
    from tracker.values import parse_assistance_listing

    with pytest.raises(InvalidValue, match="Assistance Listing number like 16.738"):
        parse_assistance_listing(text)


def test_assistance_listing_accepts_the_standard_form():
    from tracker.values import parse_assistance_listing

    assert parse_assistance_listing(" 16.738 ") == "16.738"
    assert parse_assistance_listing("") is None
