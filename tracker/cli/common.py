"""What every command shares: the database URL, output format, one session."""

import sys
from collections.abc import Callable
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer

from tracker.render import Format

FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table (default on a terminal; plain text when piped), csv, json or markdown.",
        case_sensitive=False,
    ),
]


T = TypeVar("T")


class State:
    db: str | None = None


state = State()


def url() -> str:
    from tracker.config import database_url

    return database_url(state.db)


@contextmanager
def session(write: bool = False):
    from tracker import db

    with db.session(url(), write=write) as s:
        yield s


def read(work: Callable[[Callable], T]) -> T:
    """``work(query)`` on a bare driver connection when the database can be
    opened that way (no ORM to load); otherwise, or when the driver fails
    half-way, on a session, which creates, upgrades or explains as every
    command does. ``query`` is ``tracker.refs.Query``; ``work`` only reads.
    """
    from tracker import rawdb

    try:
        conn = rawdb.connect_read(url())
    except rawdb.Unavailable:
        conn = None
    if conn is not None:
        try:
            return work(conn.query)
        except rawdb.Unavailable:
            # Nothing was written: the full path reads again and reports.
            pass
        finally:
            conn.close()
    from tracker.refs import session_query

    with session() as s:
        return work(session_query(s))


def fmt(value: Format | None) -> Format:
    return value or Format.table


def message(text: str) -> None:
    """A message for the person at the terminal: stderr, so stdout stays data."""
    typer.echo(text, err=True)


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


def confirm(question: str, yes: bool) -> None:
    from tracker.errors import TrackerError

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
