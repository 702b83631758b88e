"""What every command shares: the database URL, one transaction, output."""

import re
import sys
import textwrap
from contextlib import contextmanager
from typing import Annotated

import typer

from tracker.config import database_url
from tracker.csvformat import buffered_stdout
from tracker.errors import InvalidValue, TrackerError
from tracker.render import Format, render, render_sections

FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table (the default: plain text, name first, fitted to the "
        "terminal's width with long text shortened by …, complete when piped), csv, json, "
        "jsonl (one JSON object a line) or markdown.",
        case_sensitive=False,
    ),
]


# How a REF finds its jurisdiction, in the order tracker.jurisdictions.parse_ref
# tries (DESIGN.md's): the commands that take a REF show it in --help, and
# the README's "Naming a jurisdiction" section is this text (tests/test_docs.py).
REF_FORMS = (
    "an OCD id: `ocd-division/country:us/state:il/place:chicago`",
    "a FIPS code: `17` (a state), `17031` (a county), `1714000` (a place); "
    "a bare number is always a FIPS code, never a database id",
    "`#N`, a database id as `tracker jurisdictions list` shows it "
    "(on the command line only, never in files)",
    "a state's name or USPS code: `Illinois`, `IL` (always the state itself, "
    "never a place with that name)",
    "`Name, ST`: `Chicago, IL`, `Cook County, IL`",
    "a name or alias that only one jurisdiction has: `Chicago`",
)
REF_NOTE = (
    "Case and accents do not matter. A REF that fits several jurisdictions is an "
    "error listing each with its kind, state, FIPS code and OCD id: name it by its "
    "OCD id or FIPS code instead. One that fits none suggests close names."
)
REF_HELP = "The jurisdiction: OCD id, FIPS code, #id, state, 'Name, ST' or name (see REF below)."


def ref_epilog() -> str:
    """REF_FORMS as a command's --help shows them (kept as laid out: \\b)."""

    def plain(code: re.Match) -> str:
        # `Chicago, IL` reads as 'Chicago, IL'; `IL` as IL.
        text = code.group(1)
        return f"'{text}'" if " " in text else text

    lines = ["A REF (a jurisdiction) is the first of these that fits:"]
    for n, form in enumerate(REF_FORMS, 1):
        lines += textwrap.wrap(
            f"{n}. {re.sub(r'`([^`]*)`', plain, form)}",
            width=76,
            initial_indent="  ",
            subsequent_indent="     ",
        )
    return "\b\n" + "\n".join(lines) + "\n\n" + REF_NOTE


def ref_markdown() -> str:
    """REF_FORMS as the README shows them."""
    items = "\n".join(f"{n}. {form}" for n, form in enumerate(REF_FORMS, 1))
    return f"A REF (a jurisdiction) is the first of these that fits:\n\n{items}\n\n{REF_NOTE}\n"


class State:
    db: str | None = None


state = State()


def url() -> str:
    return database_url(state.db)


@contextmanager
def connect(write: bool = False, snapshot: bool = False, known_at: str | None = None):
    """One transaction on the database (see ``tracker.db.connect``);
    ``known_at`` as the user typed it: the database as it stood then."""
    from tracker import db

    moment = parse_moment(known_at, "--known-at", end_of_day=True) if known_at else None
    with db.connect(url(), write=write, snapshot=snapshot, known_at=moment) as conn:
        yield conn


def parse_moment(text: str, option: str, *, end_of_day: bool):
    """A moment typed on the command line (see ``tracker.journal.parse_moment``)."""
    from tracker.journal import parse_moment as parse

    try:
        return parse(text, end_of_day=end_of_day)
    except ValueError:
        raise InvalidValue(
            f"{option}: {text!r} is not a moment: give YYYY-MM-DD, an ISO 8601 "
            "timestamp such as 2025-06-01T12:00:00Z, or a time ago such as 24h or 7d"
        ) from None


KnownAtOption = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        metavar="TIMESTAMP",
        help="Answer from what the database held at that moment: an ISO 8601 timestamp "
        "(UTC unless it says otherwise) or a day (its end). Every change is kept, so "
        "later additions and edits are left out and edited fields show their old values.",
    ),
]


def fmt(value: Format | None) -> Format:
    return value or Format.table


def show(result, format: Format | None, excel_safe: bool = False) -> None:
    """Print what a domain function returned: its rows (``Rows``) as a table,
    CSV or JSON, or a record of sections."""
    if isinstance(result, dict):
        render_sections(result, fmt(format), excel_safe=excel_safe)
    elif fmt(format) == Format.csv:
        # A national report is a hundred thousand records.
        with buffered_stdout() as out:
            render(result.rows, Format.csv, out, excel_safe=excel_safe, columns=result.columns,
                   records=result.records)  # fmt: skip
    else:
        render(result.rows, fmt(format), excel_safe=excel_safe, columns=result.columns)


def message(text: str) -> None:
    """A message for the person at the terminal: stderr, so stdout stays data."""
    typer.echo(text, err=True)


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


def confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise TrackerError(f"{question} Not confirmed: pass --yes to confirm without a terminal")
    if not typer.confirm(question, default=False, err=True):
        raise typer.Exit(1)


ExcelSafeOption = Annotated[
    bool,
    typer.Option(
        "--excel-safe",
        help="In CSV output: prefix a ' to cells starting with = + - @, tab or carriage "
        "return, so Excel, LibreOffice or Google Sheets shows them as text instead of running "
        "them as formulas (CSV injection). Use it for files people open in a spreadsheet; "
        "leave it off for files meant to be imported back.",
    ),
]
