"""What every command shares: the database URL, one transaction, output."""

import sys
from contextlib import contextmanager
from typing import Annotated

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


class State:
    db: str | None = None


state = State()


def url() -> str:
    from tracker.config import database_url

    return database_url(state.db)


@contextmanager
def connect(write: bool = False, snapshot: bool = False):
    """One transaction on the database (see ``tracker.db.connect``)."""
    from tracker import db

    with db.connect(url(), write=write, snapshot=snapshot) as conn:
        yield conn


def fmt(value: Format | None) -> Format:
    return value or Format.table


def show(result, format: Format | None, excel_safe: bool = False) -> None:
    """Print what a domain function returned: its rows (``Rows``) as a table,
    CSV or JSON, or a record of sections."""
    from tracker.render import render, render_sections

    if isinstance(result, dict):
        render_sections(result, fmt(format), excel_safe=excel_safe)
    else:
        render(result.rows, fmt(format), excel_safe=excel_safe, columns=result.columns)


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
