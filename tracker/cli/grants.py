"""tracker grants: federal grant money, exact to the cent."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import AmountType

app = typer.Typer(help="Record and list federal grant money.", no_args_is_help=True)

GRANT_COLUMNS = [
    "id", "program", "assistance_listing", "fiscal_year", "amount", "amount_type", "scope",
    "jurisdiction", "aggregate_over", "action", "source", "note",
]  # fmt: skip


@app.command()
def add(
    refs: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REF]...", help="The jurisdiction; several make an aggregate."),
    ] = None,
    program: Annotated[
        str,
        typer.Option(help="Grant program, e.g. 'Edward Byrne Memorial Justice Assistance Grant'."),
    ] = ...,
    fiscal_year: Annotated[str, typer.Option(help="Federal fiscal year, YYYY.")] = ...,
    amount: Annotated[
        str, typer.Option(help="US dollars: 39000000, 39,000,000.00 or $39,000,000.")
    ] = ...,
    type: Annotated[AmountType, typer.Option("--type", help="What the amount is.")] = ...,
    source: Annotated[str, typer.Option(help="The source's id or key.")] = ...,
    action: Annotated[
        str | None, typer.Option(help="The federal action it is tied to (makes an aggregate).")
    ] = None,
    assistance_listing: Annotated[
        str | None, typer.Option(help="Assistance Listing (CFDA) number, e.g. 16.738.")
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="A note, e.g. who the source attributes the figure to.")
    ] = None,
) -> None:
    """Record an amount for one jurisdiction, or an aggregate over several
    jurisdictions or an action. An aggregate is stored once and never split.

    Example: tracker grants add "Chicago, IL" --program "Byrne JAG" --fiscal-year 2017 --amount 2,300,000 --type withheld --source 1
    """
    from tracker import actions, grants, jurisdictions, sources

    with common.session(write=True) as s:
        members = [jurisdictions.resolve(s, r) for r in refs or []]
        act = actions.resolve(s, action) if action else None
        src = sources.resolve(s, source)
        g = grants.add(
            s,
            src,
            members,
            act,
            program=program,
            fiscal_year=fiscal_year,
            amount=amount,
            amount_type=type.value,
            assistance_listing=assistance_listing,
            note=note,
        )
        common.out(str(g.id))


@app.command("list")
def list_(
    jurisdiction: Annotated[
        str | None, typer.Option(help="Only money tied to this jurisdiction, aggregates included.")
    ] = None,
    fiscal_year: Annotated[str | None, typer.Option(help="Only this fiscal year.")] = None,
    format: common.FormatOption = None,
) -> None:
    """List grant amounts; aggregates show the jurisdictions they cover.

    Example: tracker grants list --jurisdiction "Chicago, IL" --format json
    """
    from tracker import grants, jurisdictions, records
    from tracker.models import FederalAction, Jurisdiction, Source
    from tracker.render import render
    from tracker.values import parse_year

    year = parse_year(fiscal_year, "fiscal year") if fiscal_year else None
    with common.session() as s:
        j = jurisdictions.resolve(s, jurisdiction) if jurisdiction else None
        rows = []
        for g in grants.list_grants(s, jurisdiction=j, fiscal_year=year):
            rows.append(
                records.grant(
                    g,
                    s.get(Source, g.source_id),
                    s.get(Jurisdiction, g.jurisdiction_id) if g.jurisdiction_id else None,
                    grants.members_of(s, g),
                    s.get(FederalAction, g.action_id) if g.action_id else None,
                )
            )
    render(rows, common.fmt(format), columns=GRANT_COLUMNS)
