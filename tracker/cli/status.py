"""tracker status: dated, sourced status assertions."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import Status

app = typer.Typer(help="Record and read jurisdictions' policy status.", no_args_is_help=True)


@app.command("set", epilog=common.ref_epilog())
def set_(
    ref: Annotated[
        str,
        typer.Argument(metavar="REF", help=common.REF_HELP),
    ],
    status: Annotated[
        Status, typer.Argument(case_sensitive=False, help="The status the source asserts.")
    ],
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
    label: Annotated[
        str | None,
        typer.Option(
            help="The source's own classification, verbatim (e.g. sanctuary_strong, a 0-7 score)."
        ),
    ] = None,
) -> None:
    """Record a status assertion. History is append-only: a correction is a new assertion.

    Example: tracker status set "Chicago, IL" sanctuary --source https://example.org/a --effective 2012-09
    """
    from tracker import jurisdictions, sources
    from tracker import status as st

    with common.connect(write=True) as conn:
        j = jurisdictions.resolve(conn, ref)
        row_id = st.set_status(
            conn,
            {
                "jurisdiction": j.ocd_id,
                "status": status.value,
                "source": sources.key_of(conn, source),
                "effective": effective,
                "observed": observed,
                "citation": citation,
                "quote": quote,
                "note": note,
                "label": label,
            },
        )
        said = f"Recorded {j.name}, {j.state}: {status.value} (assertion {row_id})."
    common.out(str(row_id))
    common.message(said)


@app.command(epilog=common.ref_epilog())
def history(
    ref: Annotated[str, typer.Argument(metavar="REF", help=common.REF_HELP)],
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Show every status assertion about a jurisdiction, oldest first, with sources.

    Example: tracker status history "San Francisco, CA" --format csv
    """
    from tracker import jurisdictions
    from tracker import status as st

    with common.connect() as conn:
        result = st.history_rows(conn, jurisdictions.resolve_id(conn, ref))
    common.show(result, format, excel_safe)
