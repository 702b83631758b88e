"""tracker registry: the jurisdictions tracker knows by name, tracked or not."""

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common
from tracker.csvformat import stdout_writer
from tracker.render import csv_writer
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


@app.command("fill-fips")
def fill_fips(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be filled; write nothing.")
    ] = False,
    format: common.FormatOption = None,
) -> None:
    """Fill in the FIPS code of each tracked jurisdiction that has none, from the
    registry: the entry with its OCD id, else the one entry its name, state and kind
    match (never a fuzzy guess). Lists each one filled; changes no other field.

    Example: tracker registry fill-fips --dry-run
    """
    from tracker import reference

    with common.connect(write=not dry_run) as conn:
        result = reference.fill_fips(conn, write=not dry_run)
        rows = list(result.rows)
    common.show(result._replace(rows=rows), format)
    verb = "would be filled" if dry_run else "filled"
    filled = sum(1 for r in rows if r["note"] is None)
    common.message(f"{filled} FIPS code(s) {verb}.")


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


def reconcile(
    file: Annotated[Path, typer.Argument(help="Any CSV list of names (comma, semicolon or tab).")],
    name: Annotated[
        str,
        typer.Option(help="The column holding the name ('Cook County' or 'Chicago, IL')."),
    ],
    state: Annotated[
        str | None, typer.Option(help="The column holding the state (code or name), if any.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="The column holding the kind (county, city, ...), if any.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the CSV here instead of to standard output.")
    ] = None,
) -> None:
    """Match each row of a list to the jurisdiction it names, as OpenRefine reconciles.

    Writes every row and column unchanged, then match (exact, alias, normalised,
    fuzzy, ambiguous, not_found), match_ocd_id, match_fips, match_kind, match_name
    and match_candidates (OCD ids, '; '-separated, when ambiguous or fuzzy). Names
    are matched against the registry (every state and county, and the places loaded
    with 'tracker registry load') and the tracked jurisdictions: case, accents,
    spacing, St./Saint, a missing or extra County/Parish, state names or codes and
    'Washington DC' are normalised. A fuzzy match is only a suggestion. Counts go to
    standard error; the database is not written. After checking the rows, import the
    file: its match_ocd_id names the jurisdiction.

    Example: tracker reconcile 287g.csv --name County --state State --out 287g-matched.csv
    """
    from tracker import reconcile as rec

    with common.connect() as conn:
        result = rec.reconcile(conn, file, name=name, state=state, kind=kind)
        target = out.open("w", encoding="utf-8", newline="") if out else stdout_writer()
        try:
            writer = csv_writer(target)
            writer.writerow(result.header)
            writer.writerows(result.rows)
        except BaseException:
            if out:
                target.close()
                out.unlink(missing_ok=True)
            raise
        if out:
            target.close()
        else:
            target.flush()
            target.detach()
    typer.echo(f"reconcile: {rec.summary(result.counts)}", err=True)
