"""tracker actions: what the federal government did or threatened."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import ActionKind

app = typer.Typer(
    help="Record and read federal actions aimed at jurisdictions.", no_args_is_help=True
)

TARGET_HELP = (
    "A jurisdiction it targeted (OCD id, FIPS code, #id, state, 'Name, ST' or name; "
    "see REF below); repeat the option for more."
)
COUNT_HELP = (
    "How many jurisdictions the source says it targeted, named or not "
    "(e.g. 23 when only 4 are named); never fewer than the named targets."
)
ActionArg = Annotated[
    str,
    typer.Argument(metavar="ACTION", help="The action's id or key (see `tracker actions list`)."),
]


@app.command(epilog=common.ref_epilog())
def add(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="A short title.")],
    date: Annotated[str, typer.Option(metavar="DATE", help="When: YYYY, YYYY-MM or YYYY-MM-DD.")],
    agency: Annotated[
        str, typer.Option(metavar="TEXT", help="Who acted, e.g. 'U.S. Department of Justice'.")
    ],
    kind: Annotated[ActionKind, typer.Option(case_sensitive=False, help="What kind of action.")],
    source: Annotated[
        str, typer.Option(metavar="SRC", help="The source's id or key (its url when it has one).")
    ],
    target: Annotated[list[str] | None, typer.Option(metavar="REF", help=TARGET_HELP)] = None,
    target_count: Annotated[int | None, typer.Option(metavar="N", min=0, help=COUNT_HELP)] = None,
    description: Annotated[str | None, typer.Option(metavar="TEXT", help="What happened.")] = None,
) -> None:
    """Record a federal action with the jurisdictions it named and the number
    the source says it targeted, and print its key (date and title).

    \b
    Example: tracker actions add "DOJ threatens subpoenas" --date 2018-01-24 --agency "U.S. Department of Justice" --kind subpoena_threat --source 1 --target CA --target "Chicago, IL" --target-count 23
    """
    from tracker import actions, jurisdictions, sources

    with common.connect(write=True) as conn:
        named = [jurisdictions.resolve(conn, r, field="target").ocd_id for r in target or []]
        key = actions.add(
            conn, source=sources.key_of(conn, source), targets=named, title=title, date=date,
            agency=agency, kind=kind.value, description=description, target_count=target_count,
        )  # fmt: skip
    common.out(key)


@app.command(epilog=common.ref_epilog())
def update(
    action: ActionArg,
    add_target: Annotated[
        list[str] | None,
        typer.Option(metavar="REF", help="Another jurisdiction it targeted (repeatable)."),
    ] = None,
    target_count: Annotated[int | None, typer.Option(metavar="N", min=0, help=COUNT_HELP)] = None,
    description: Annotated[str | None, typer.Option(metavar="TEXT", help="What happened.")] = None,
) -> None:
    """Add named targets, or change the stated target count or description.
    Prints the action's key.

    \b
    Example: tracker actions update 2018-01-24-doj-threatens-subpoenas --add-target "Los Angeles, CA" --target-count 23
    """
    from tracker import actions

    with common.connect(write=True) as conn:
        key = actions.update(
            conn, action, add_targets=add_target or [], target_count=target_count,
            description=description,
        )  # fmt: skip
    common.out(key)


@app.command("list")
def list_(format: common.FormatOption = None, excel_safe: common.ExcelSafeOption = False) -> None:
    """List federal actions by date, with the stated target count and the named targets.

    \b
    Example: tracker actions list --format csv
    """
    from tracker import actions

    with common.connect() as conn:
        result = actions.list_actions(conn)
    common.show(result, format, excel_safe)


@app.command()
def show(
    action: ActionArg,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Show one action with its named targets and stated target count.

    \b
    Example: tracker actions show 2018-01-24-doj-threatens-subpoenas --format json
    """
    from tracker import actions
    from tracker.render import render_record

    with common.connect() as conn:
        record = actions.show(conn, action)
    render_record(record, common.fmt(format), excel_safe=excel_safe)
