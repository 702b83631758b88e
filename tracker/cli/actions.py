"""tracker actions: what the federal government did or threatened."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import ActionKind

app = typer.Typer(
    help="Record and read federal actions aimed at jurisdictions.", no_args_is_help=True
)

ACTION_COLUMNS = [
    "id", "key", "date", "agency", "kind", "title", "target_count", "named_targets", "source",
]  # fmt: skip

TARGET_HELP = "A jurisdiction it targeted (id, OCD id, FIPS, 'Name, ST', state or alias); repeat the option for more."
COUNT_HELP = (
    "How many jurisdictions the source says it targeted, named or not "
    "(e.g. 23 when only 4 are named); never fewer than the named targets."
)
ActionArg = Annotated[
    str,
    typer.Argument(metavar="ACTION", help="The action's id or key (see `tracker actions list`)."),
]


@app.command()
def add(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="A short title.")],
    date: Annotated[str, typer.Option(metavar="DATE", help="When: YYYY, YYYY-MM or YYYY-MM-DD.")],
    agency: Annotated[
        str, typer.Option(metavar="TEXT", help="Who acted, e.g. 'U.S. Department of Justice'.")
    ],
    kind: Annotated[ActionKind, typer.Option(help="What kind of action.")],
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

    with common.session(write=True) as s:
        targets = [jurisdictions.resolve(s, r, field="target") for r in target or []]
        src = sources.resolve(s, source)
        a = actions.add(
            s, src, targets, title=title, date=date, agency=agency, kind=kind.value,
            description=description, target_count=target_count,
        )  # fmt: skip
    common.out(a.key)


@app.command()
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
    from tracker import actions, jurisdictions

    with common.session(write=True) as s:
        a = actions.resolve(s, action)
        targets = [jurisdictions.resolve(s, r, field="target") for r in add_target or []]
        actions.update(
            s, a, add_targets=targets, target_count=target_count, description=description
        )
    common.out(a.key)


def _record(s, a, *, names: bool = False):
    from tracker import actions, records
    from tracker.models import Source

    targets = actions.targets_of(s, a)
    row = records.action(a, s.get(Source, a.source_id), targets)
    if names:
        row["target_names"] = [f"{t.name}, {t.state}" for t in targets]
    return row


@app.command("list")
def list_(format: common.FormatOption = None, excel_safe: common.ExcelSafeOption = False) -> None:
    """List federal actions by date, with the stated target count and the named targets.

    \b
    Example: tracker actions list --format csv
    """
    from tracker import actions
    from tracker.render import render

    with common.session() as s:
        rows = [_record(s, a) for a in actions.list_actions(s)]
    render(rows, common.fmt(format), excel_safe=excel_safe, columns=ACTION_COLUMNS)


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

    with common.session() as s:
        record = _record(s, actions.resolve(s, action), names=True)
    render_record(record, common.fmt(format), excel_safe=excel_safe)
