"""tracker jurisdictions: states, counties, cities and their dossiers."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.csvformat import join_list
from tracker.vocab import JurisdictionKind, Status

app = typer.Typer(help="Add, find, show, update and remove jurisdictions.", no_args_is_help=True)


@app.command()
def add(
    name: Annotated[
        str,
        typer.Argument(
            help="The jurisdiction's name, e.g. 'Doña Ana County' or 'Cook County, IL'."
        ),
    ],
    kind: Annotated[
        JurisdictionKind | None,
        typer.Option(
            case_sensitive=False,
            help="What kind of jurisdiction; from the registry when it knows the name.",
        ),
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            help="USPS state code, e.g. CA (DC and territories too); or write 'Name, ST'."
        ),
    ] = None,
    fips: Annotated[
        str | None, typer.Option(help="FIPS/GEOID: 2 digits state, 5 county, 7 place.")
    ] = None,
    population: Annotated[int | None, typer.Option(min=0, help="Population, when known.")] = None,
    alias: Annotated[
        list[str] | None, typer.Option(help="Another name it goes by (repeatable).")
    ] = None,
    ocd_id: Annotated[
        str | None,
        typer.Option(help="Its OCD division id; derived from kind, state and name if not given."),
    ] = None,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
) -> None:
    """Add a jurisdiction and print its key (its OCD division id).

    The registry knows every state, DC, territory and county (and the places loaded
    with 'tracker registry load'): for those, the name is enough, and kind, state,
    FIPS code and other names are filled in. A value given that contradicts the
    registry is an error naming both. Anything else needs --kind and --state.

    A consolidated city-county (San Francisco, Denver) is one jurisdiction of
    kind city_county; 'San Francisco, CA' and 'San Francisco County, CA' both find it.

    Example: tracker jurisdictions add "Cook County, IL"
    """
    from tracker import jurisdictions as jur

    row = {"name": name, "kind": kind.value if kind else None, "state": state}
    row.update(fips=fips, notes=notes)
    row["ocd_id"] = ocd_id
    row["population"] = None if population is None else str(population)
    row["aliases"] = join_list(alias) if alias else None
    with common.connect(write=True) as conn:
        key = jur.add(conn, {k: v for k, v in row.items() if v is not None})
    common.out(key)


@app.command("list")
def list_(
    state: Annotated[str | None, typer.Option(help="Only this state (code or name).")] = None,
    kind: Annotated[
        JurisdictionKind | None, typer.Option(case_sensitive=False, help="Only this kind.")
    ] = None,
    status: Annotated[
        Status | None,
        typer.Option(case_sensitive=False, help="Only those whose current status is this."),
    ] = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """List jurisdictions with their current status.

    Example: tracker jurisdictions list --state CA --status sanctuary
    """
    from tracker import status as st

    # The rows stream from the database: print them inside the transaction, which
    # reads the assertions and the jurisdictions from one snapshot.
    with common.connect(snapshot=True) as conn:
        result = st.listing(
            conn,
            state=state,
            kind=kind.value if kind else None,
            status=status.value if status else None,
        )
        common.show(result, format, excel_safe)


@app.command(epilog=common.ref_epilog())
def show(
    ref: Annotated[str, typer.Argument(metavar="REF", help=common.REF_HELP)],
    known_at: common.KnownAtOption = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Show the dossier: identity, current status and disagreements, status
    history, money (aggregates labelled), actions that targeted it, cases
    with their latest ruling, and the court orders that protect it today
    (as 'tracker report protection' shows them).

    Example: tracker jurisdictions show "San Francisco County, CA"
    """
    from tracker import dossier

    with common.connect(known_at=known_at) as conn:
        d = dossier.build(conn, ref)
    common.show(d, format, excel_safe)


@app.command(epilog=common.ref_epilog())
def update(
    ref: Annotated[str, typer.Argument(metavar="REF", help=common.REF_HELP)],
    name: Annotated[
        str | None, typer.Option(help="A new name; the old one stays findable as an alias.")
    ] = None,
    fips: Annotated[str | None, typer.Option(help="FIPS/GEOID code.")] = None,
    population: Annotated[int | None, typer.Option(min=0, help="Population.")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes (replaces the old notes).")] = None,
    add_alias: Annotated[
        list[str] | None, typer.Option(help="Another name it goes by (repeatable).")
    ] = None,
) -> None:
    """Change a jurisdiction's name, FIPS code, population, notes or aliases.

    Example: tracker jurisdictions update "Chicago, IL" --population 2746388 --add-alias "Chi-Town"
    """
    from tracker import jurisdictions as jur

    if all(v is None for v in (name, fips, population, notes)) and not add_alias:
        raise typer.BadParameter(
            "nothing to change; give at least one option", param_hint="options"
        )
    with common.connect(write=True) as conn:
        key = jur.update(
            conn,
            ref,
            name=name,
            fips=fips,
            population=population,
            notes=notes,
            add_aliases=add_alias or (),
        )
    common.out(key)


@app.command(epilog=common.ref_epilog())
def remove(
    ref: Annotated[str, typer.Argument(metavar="REF", help=common.REF_HELP)],
    cascade: Annotated[
        bool, typer.Option(help="Also remove its status history, money, targets and parties.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")
    ] = False,
) -> None:
    """Remove a jurisdiction. One with history is refused unless --cascade is given.

    Example: tracker jurisdictions remove "Springfield, IL" --yes
    """
    from tracker import jurisdictions as jur

    # Look first and ask outside the write transaction: a question waiting
    # for an answer must not hold the database's write lock.
    with common.connect() as conn:
        j = jur.resolve(conn, ref)
        what = jur.removal_summary(conn, j, cascade=cascade)
        key, name = j.ocd_id, jur.label(j)
    also = f" and its {what}" if what else ""
    try:
        common.confirm(f"Remove {name}{also}?", yes)
    except typer.Exit:
        common.message("Nothing removed.")
        raise
    with common.connect(write=True) as conn:
        jur.remove(conn, key, cascade=cascade)
    common.message(f"Removed {name}{also}.")
