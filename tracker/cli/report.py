"""tracker report: status as of a date, money, litigation, a summary."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import CaseStatus, JurisdictionKind, Status

app = typer.Typer(help="Reports over the whole database.", no_args_is_help=True)

AsOfOption = Annotated[
    str | None,
    typer.Option(
        help="The date: YYYY, YYYY-MM or YYYY-MM-DD (default today). "
        "A partial date means its first day: 2018-01 is 2018-01-01."
    ),
]


@app.command()
def status(
    as_of: AsOfOption = None,
    state: Annotated[str | None, typer.Option(help="Only this state (code or name).")] = None,
    kind: Annotated[
        JurisdictionKind | None, typer.Option(case_sensitive=False, help="Only this kind.")
    ] = None,
    status_in_force: Annotated[
        Status | None,
        typer.Option(
            "--status",
            case_sensitive=False,
            help="Only jurisdictions with this status in force on the date.",
        ),
    ] = None,
    known_at: common.KnownAtOption = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Each jurisdiction's status in force on a date, since when, according to which source.

    "since" is when that status began: the earliest effective date in its
    unbroken run of assertions (any source's), else the earliest observed date;
    "last_asserted" is the date of the newest assertion. Jurisdictions with no
    status on that date say "no status recorded"; the disagreement column lists
    other sources that say something different. Tables show sources by title,
    CSV and JSON by key.

    Example: tracker report status --as-of 2018-01 --state CA --status sanctuary

    Example: tracker report status --known-at 2025-06-01 (as the database had it then)
    """
    from tracker import reports

    # The rows stream from the database: print them inside the transaction, which
    # reads the assertions and the jurisdictions from one snapshot.
    with common.connect(snapshot=True, known_at=known_at) as conn:
        result = reports.status_report(
            conn,
            as_of=as_of,
            state=state,
            kind=kind.value if kind else None,
            status=status_in_force.value if status_in_force else None,
        )
        common.show(result, format, excel_safe)


@app.command()
def protection(
    as_of: AsOfOption = None,
    action: Annotated[
        str | None,
        typer.Option(metavar="ACTION", help="Only orders restraining this action (its id or key)."),
    ] = None,
    state: Annotated[
        str | None, typer.Option(help="Only jurisdictions of this state (code or name).")
    ] = None,
    known_at: common.KnownAtOption = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """For each jurisdiction, the court orders that protect it from federal
    actions on a date, and whether each is in force.

    An order (a ruling recorded with --restrains or --scope) covers when issued
    everyone (scope universal), the jurisdictions it names (--covers), or else
    the jurisdictions among its case's plaintiffs (for scope state, the states
    among them), as the case stands now. Its events ('tracker cases event')
    change its force: stayed until stay_lifted; vacated, reversed and expired
    end it; affirmed and modified keep it; an event listing whom the order
    still covers leaves it covering only those. A preliminary injunction or
    restraining order is superseded by a later permanent injunction or
    dismissal in its case. Each row says since when the order has been in
    force (or not) for that jurisdiction, until when if a later event is
    recorded, and the last event on or before the date.

    Example: tracker report protection --as-of 2018-07-01 --state IL
    """
    from tracker import reports

    with common.connect(snapshot=True, known_at=known_at) as conn:
        result = reports.protection_report(conn, as_of=as_of, action=action, state=state)
        common.show(result, format, excel_safe)


@app.command()
def grants(
    fiscal_year: Annotated[int | None, typer.Option(help="Only this fiscal year.")] = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Money by program, fiscal year and amount type.

    Amounts for single jurisdictions are summed in one "jurisdictions" row;
    each aggregate (a total over several jurisdictions or an action's targets)
    is a row of its own with the number of jurisdictions it covers. Nothing is
    split or counted twice.

    Example: tracker report grants --format markdown
    """
    from tracker import reports

    with common.connect() as conn:
        result = reports.grants_report(conn, fiscal_year=fiscal_year)
    common.show(result, format, excel_safe)


@app.command()
def litigation(
    status: Annotated[
        CaseStatus | None, typer.Option(case_sensitive=False, help="Only cases with this status.")
    ] = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Each case with its parties, its status, and its latest ruling with the date.

    Example: tracker report litigation --status pending
    """
    from tracker import reports

    with common.connect() as conn:
        result = reports.litigation_report(conn, status=status.value if status else None)
    common.show(result, format, excel_safe)


@app.command()
def summary(
    as_of: AsOfOption = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Counts by status and kind, money totals, open cases and the latest actions.

    Example: tracker report summary --format markdown
    """
    from tracker import reports

    with common.connect() as conn:
        sections = reports.summary_report(conn, as_of=as_of)
    common.show(sections, format, excel_safe)
