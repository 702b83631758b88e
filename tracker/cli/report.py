"""tracker report: status as of a date, money, litigation, a summary."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import JurisdictionKind

app = typer.Typer(help="Reports over the whole database.", no_args_is_help=True)


@app.command()
def status(
    as_of: Annotated[
        str | None, typer.Option(help="The date: YYYY, YYYY-MM or YYYY-MM-DD (default today).")
    ] = None,
    state: Annotated[str | None, typer.Option(help="Only this state.")] = None,
    kind: Annotated[JurisdictionKind | None, typer.Option(help="Only this kind.")] = None,
    format: common.FormatOption = None,
) -> None:
    """Each jurisdiction's status in force on a date, since when, according to which source.

    Example: tracker report status --as-of 2018-01 --state CA
    """
    from tracker import reports
    from tracker.render import render

    with common.session() as s:
        rows = reports.status_report(s, as_of=as_of, state=state, kind=kind.value if kind else None)
    render(rows, common.fmt(format), columns=reports.STATUS_COLUMNS)
