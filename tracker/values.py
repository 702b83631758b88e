"""Parsing and showing the values users type: partial dates, money, names.

Every parser returns a value or raises InvalidValue with a message that names
the field; none lets another exception escape.
"""

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TypeVar

from tracker.errors import InvalidValue

# re.ASCII: \d would otherwise match any script's digits ("٢٠١٧"), which int()
# accepts but which would be stored as entered and sort wrongly.
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)


def parse_partial_date(text: str, field: str = "date") -> str:
    """Validate ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and return it as entered.

    Stored as text: zero-padded ISO prefixes sort by the first day they cover,
    and a shorter prefix sorts before a longer one that starts on the same day.
    """
    value = text.strip() if isinstance(text, str) else text
    if not isinstance(value, str):
        raise InvalidValue(f"{field}: expected a date, got {text!r}")
    m = _DATE_RE.fullmatch(value)
    if not m:
        raise InvalidValue(f"{field}: {text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = m.groups()
    if int(year) < 1:
        raise InvalidValue(f"{field}: {text!r} is not a date (year 0000 does not exist)")
    if month is not None and not 1 <= int(month) <= 12:
        raise InvalidValue(f"{field}: {text!r} is not a date (month {month} does not exist)")
    if day is not None:
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            raise InvalidValue(
                f"{field}: {text!r} is not a date (day {day} does not exist in {year}-{month})"
            ) from None
    return value


def optional_date(text: str | None, field: str) -> str | None:
    if text is None or (isinstance(text, str) and text.strip() == ""):
        return None
    return parse_partial_date(text, field)


def first_day(partial: str) -> date:
    """The earliest day a partial date covers."""
    parts = [int(p) for p in partial.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return date(*parts)


def last_day(partial: str) -> date:
    """The latest day a partial date covers."""
    parts = [int(p) for p in partial.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)


_AMOUNT_RE = re.compile(r"\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?", re.ASCII)
# Cents are stored in a 64-bit integer; stay well inside it.
MAX_CENTS = 10**17


def parse_amount(text: str, field: str = "amount") -> int:
    """US dollars as typed (``39000000``, ``39,000,000.00``, ``$39,000,000``) -> cents."""
    if not isinstance(text, str):
        raise InvalidValue(f"{field}: expected an amount in dollars, got {text!r}")
    value = text.strip()
    if value.startswith("-") or value.startswith("$-") or value.startswith("("):
        raise InvalidValue(f"{field}: {text!r} is negative; amounts must be zero or more")
    m = _AMOUNT_RE.fullmatch(value)
    if not m:
        if re.fullmatch(r"\$?[\d,]*\.\d{3,}", value, re.ASCII):
            raise InvalidValue(f"{field}: {text!r} has more than two decimal places")
        raise InvalidValue(
            f"{field}: {text!r} is not an amount in dollars (e.g. 39000000, 39,000,000.00)"
        )
    whole, frac = m.groups()
    cents = int(whole.replace(",", "")) * 100 + int((frac or "0").ljust(2, "0"))
    if cents >= MAX_CENTS:
        raise InvalidValue(f"{field}: {text!r} is too large")
    return cents


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def format_amount(cents: int) -> str:
    """Cents as a plain decimal string with two places: ``39000000.00``."""
    return f"{cents // 100}.{cents % 100:02d}"


def decimal_to_cents(amount: Decimal) -> int:
    try:
        q = amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidValue(f"amount: {amount} is not a finite amount") from None
    if q != amount:
        raise InvalidValue(f"amount: {amount} has more than two decimal places")
    if q < 0:
        raise InvalidValue(f"amount: {amount} is negative; amounts must be zero or more")
    return int(q.scaleb(2))


def parse_count(text: str, field: str) -> int:
    if text.__class__ is str and len(text) < 19 and text.isascii() and text.isdigit():
        # Plain digits (a bulk import's every row): fewer than 19 are under 2**62.
        return int(text)
    value = text.strip().replace(",", "") if isinstance(text, str) else text
    if not isinstance(value, str) or not value.isdigit() or not value.isascii():
        raise InvalidValue(f"{field}: {text!r} is not a whole number of zero or more")
    n = int(value)
    if n >= 2**62:
        raise InvalidValue(f"{field}: {text!r} is too large")
    return n


def parse_year(text: str, field: str = "fiscal year") -> int:
    value = text.strip() if isinstance(text, str) else str(text)
    if not re.fullmatch(r"\d{4}", value, re.ASCII) or int(value) < 1789:
        raise InvalidValue(f"{field}: {text!r} is not a four-digit year")
    return int(value)


def parse_assistance_listing(text: str | None, field: str = "assistance listing") -> str | None:
    """An Assistance Listing (formerly CFDA) number such as ``16.738``, or None."""
    value = clean_text(text, field)
    if value is not None and not re.fullmatch(r"\d{2}\.\d{3}", value, re.ASCII):
        raise InvalidValue(f"{field}: {value!r} is not an Assistance Listing number like 16.738")
    return value


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


# A row's name is folded by identification, the write and the city-county rule in turn.
@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """A name for matching: case, accents, curly quotes and spacing ignored."""
    if text.isascii():
        # Nothing to decompose (the common case, and bulk imports feel it);
        # of the quotes only the backtick is ASCII, and casefold is lower.
        if "`" in text:
            text = text.replace("`", "'")
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


_State = TypeVar("_State")


def name_and_state(
    text: str, state_of: Callable[[str], _State | None]
) -> tuple[str, _State] | None:
    """``Cook County, IL``: the name before the last comma and the state that
    ``state_of`` reads after it (a code, a name); None when the text is not
    that form. The one reading of a name with its state, wherever a REF, a
    name column or a messy list gives one."""
    head, comma, tail = text.rpartition(",")
    if comma and head.strip():
        state = state_of(tail.strip())
        if state is not None:
            return head.strip(), state
    return None


def clean_text(text: str | None, field: str, *, required: bool = False) -> str | None:
    """Trimmed text, refusing control characters that cannot be shown or stored."""
    if text is None:
        if required:
            raise InvalidValue(f"{field}: a value is required")
        return None
    if "\x00" in text:
        raise InvalidValue(f"{field}: contains a NUL character")
    value = text.strip()
    if not value:
        if required:
            raise InvalidValue(f"{field}: a value is required")
        return None
    return value


# A timestamp as files write it (CSV, JSON, a release's schema): ISO 8601, UTC, microseconds, Z.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_timestamp(value: datetime | None) -> str:
    """A stored UTC timestamp as written in CSV and JSON: ISO 8601 with microseconds and Z."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
