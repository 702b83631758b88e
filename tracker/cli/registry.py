"""tracker registry: the jurisdictions tracker knows by name, tracked or not."""

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import JurisdictionKind

app = typer.Typer(
    help="The built-in registry of US jurisdictions (every state, DC, territory and county) "
    "and the places and county subdivisions loaded from Census Gazetteer files. "
    "Names are looked up in it; only tracked jurisdictions appear in reports.",
    no_args_is_help=True,
)


@app.command("load")
def load(
    file: Annotated[
        Path,
        typer.Argument(
            help="A Census Gazetteer file of places or county subdivisions, national or "
            "one state's, as the Census Bureau publishes it (tab-separated, e.g. "
            "2020_Gaz_place_national.txt or 2020_Gaz_cousubs_national.txt).",
        ),
    ],
    format: common.FormatOption = None,
) -> None:
    """Load places or county subdivisions into the registry, with their FIPS codes and
    internal points; loading a file again updates what it loaded. Load places before
    subdivisions. Census-designated places and units without a government are left out
    (the summary counts them).

    Example: tracker registry load 2020_Gaz_place_national.txt
    """
    from tracker import reference

    with common.connect(write=True) as conn:
        result = reference.load(conn, file)
    common.show(result, format)


@app.command("lookup")
def lookup(
    name: Annotated[
        str, typer.Argument(help="A name as a list prints it, e.g. 'Cook County, IL'.")
    ],
    state: Annotated[str | None, typer.Option(help="Only in this state (code or name).")] = None,
    kind: Annotated[JurisdictionKind | None, typer.Option(help="Only this kind.")] = None,
    format: common.FormatOption = None,
) -> None:
    """Show how a name matches (exact, alias, normalised, fuzzy, ambiguous, not_found)
    and every candidate, tracked or not.

    Example: tracker registry lookup "Brooklyn, NY"
    """
    from tracker import reference

    with common.connect() as conn:
        result = reference.lookup(conn, name, state=state, kind=kind.value if kind else None)
    common.show(result, format)
