"""tracker grants: federal grant money, exact to the cent."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import AmountType

app = typer.Typer(help="Record and list federal grant money.", no_args_is_help=True)


@app.command(epilog=common.ref_epilog())
def add(
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="REF",
            help="The jurisdiction (OCD id, FIPS code, #id, state, 'Name, ST' or name; "
            "see REF below); several make one aggregate.",
            show_default=False,
        ),
    ] = None,
    program: Annotated[
        str,
        typer.Option(
            metavar="TEXT",
            help="Grant program, e.g. 'Edward Byrne Memorial Justice Assistance Grant'.",
        ),
    ] = ...,
    fiscal_year: Annotated[
        str, typer.Option(metavar="YYYY", help="Federal fiscal year, e.g. 2017.")
    ] = ...,
    amount: Annotated[
        str,
        typer.Option(
            metavar="DOLLARS",
            help="US dollars, exact: 39000000, 39,000,000.00 or $39,000,000 "
            "(never negative, at most two decimals).",
        ),
    ] = ...,
    type: Annotated[
        AmountType, typer.Option("--type", case_sensitive=False, help="What the amount is.")
    ] = ...,
    source: Annotated[
        str, typer.Option(metavar="SRC", help="The source's id or key (its url when it has one).")
    ] = ...,
    action: Annotated[
        str | None,
        typer.Option(
            metavar="ACTION",
            help="The federal action (id or key) the money is tied to; makes an aggregate.",
        ),
    ] = None,
    assistance_listing: Annotated[
        str | None,
        typer.Option(metavar="NN.NNN", help="Assistance Listing (CFDA) number, e.g. 16.738."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="A note, e.g. who the source attributes the figure to."),
    ] = None,
) -> None:
    """Record an amount for one jurisdiction, or one aggregate total over several
    jurisdictions or an action, and print its id. An aggregate is stored once and
    never split into per-jurisdiction shares.

    \b
    Example: tracker grants add "Chicago, IL" --program "Byrne JAG" --fiscal-year 2017 --amount '$2,300,000' --type withheld --source 1

    \b
    Example (aggregate): tracker grants add CA IL --action 2018-01-24-doj-threatens-subpoenas --program "Federal grants" --fiscal-year 2016 --amount 39,000,000 --type threatened --source 1
    """
    from tracker import actions, grants, sources

    with common.connect(write=True) as conn:
        g = grants.add(
            conn,
            {
                "jurisdictions": "; ".join(refs or []),
                "action": actions.resolve(conn, action).key if action else None,
                "source": sources.key_of(conn, source),
                "program": program,
                "fiscal_year": fiscal_year,
                "amount": amount,
                "amount_type": type.value,
                "assistance_listing": assistance_listing,
                "note": note,
            },
        )
    common.out(str(g["id"]))
    common.message(f"Recorded {g['amount']} {g['amount_type']} ({g['covers']}).")


@app.command("list", epilog=common.ref_epilog())
def list_(
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            metavar="REF",
            help="Only money tied to this jurisdiction: its own amounts and the aggregates "
            "that cover it (labelled in the 'covers' column, never split).",
        ),
    ] = None,
    fiscal_year: Annotated[
        str | None, typer.Option(metavar="YYYY", help="Only this fiscal year.")
    ] = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """List grant amounts; aggregates show the jurisdictions they cover.
    Amounts are exact decimal strings (39000000.00).

    Example: tracker grants list --jurisdiction "Chicago, IL" --format json
    """
    from tracker import grants
    from tracker.values import parse_year

    year = parse_year(fiscal_year, "fiscal year") if fiscal_year else None
    with common.connect() as conn:
        result = grants.list_grants(conn, jurisdiction=jurisdiction, fiscal_year=year)
    common.show(result, format, excel_safe)
