"""tracker status: dated, sourced status assertions."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import Status

app = typer.Typer(help="Record and read jurisdictions' policy status.", no_args_is_help=True)

STATUS_COLUMNS = [
    "id", "status", "effective", "observed", "source", "citation", "quote", "note", "recorded_at",
]  # fmt: skip


@app.command("set")
def set_(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF", help="The jurisdiction: id, OCD id, FIPS, 'Name, ST', state or alias."
        ),
    ],
    status: Annotated[Status, typer.Argument(help="The status the source asserts.")],
    source: Annotated[
        str, typer.Option("--source", help="The source's id or key (its url when it has one).")
    ],
    effective: Annotated[
        str | None, typer.Option(help="When it took effect: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    observed: Annotated[str | None, typer.Option(help="When the source observed it.")] = None,
    citation: Annotated[str | None, typer.Option(help="The law or policy cited.")] = None,
    quote: Annotated[
        str | None, typer.Option(help="A short supporting quote from the source.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note.")] = None,
) -> None:
    """Record a status assertion. History is append-only: a correction is a new assertion.

    Example: tracker status set "Chicago, IL" sanctuary --source https://example.org/a --effective 2012-09
    """
    from tracker import jurisdictions, sources
    from tracker import status as st

    with common.session(write=True) as s:
        j = jurisdictions.resolve(s, ref)
        src = sources.resolve(s, source)
        row = st.set_status(
            s,
            j,
            src,
            status.value,
            effective=effective,
            observed=observed,
            citation=citation,
            quote=quote,
            note=note,
        )
        row_id, said = row.id, f"Recorded {j.name}, {j.state}: {row.status} (assertion {row.id})."
    common.out(str(row_id))
    common.message(said)


@app.command()
def history(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The jurisdiction.")],
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Show every status assertion about a jurisdiction, oldest first, with sources.

    Example: tracker status history "San Francisco, CA" --format csv
    """
    from tracker import jurisdictions, records
    from tracker import status as st
    from tracker.render import render

    with common.session() as s:
        j = jurisdictions.resolve(s, ref)
        rows = [records.status(ps, src) for ps, src in st.history(s, j)]
    render(rows, common.fmt(format), excel_safe=excel_safe, columns=STATUS_COLUMNS)
