"""tracker actions: what the federal government did or threatened."""

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common
from tracker.render import render_record
from tracker.vocab import ActionKind, EntryFate

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
REPLACES_HELP = (
    "The id or key of the earlier action it replaces or revises (a list's earlier version)."
)
ActionArg = Annotated[
    str,
    typer.Argument(metavar="ACTION", help="The action's id or key (see `tracker actions list`)."),
]
SourceOption = Annotated[
    str, typer.Option(metavar="SRC", help="The source's id or key (its url when it has one).")
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
    replaces: Annotated[str | None, typer.Option(metavar="ACTION", help=REPLACES_HELP)] = None,
) -> None:
    """Record a federal action with the jurisdictions it named and the number
    the source says it targeted, and print its key (date and title). A
    published list of jurisdictions is of kind designation_list: load its
    entries with `tracker actions load-entries`.

    \b
    Example: tracker actions add "DOJ threatens subpoenas" --date 2018-01-24 --agency "U.S. Department of Justice" --kind subpoena_threat --source 1 --target CA --target "Chicago, IL" --target-count 23
    """
    from tracker import actions, jurisdictions, sources

    with common.connect(write=True) as conn:
        named = [jurisdictions.resolve(conn, r, field="target").ocd_id for r in target or []]
        key = actions.add(
            conn, source=sources.key_of(conn, source), targets=named, title=title, date=date,
            agency=agency, kind=kind.value, description=description, target_count=target_count,
            replaces=replaces,
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
    replaces: Annotated[str | None, typer.Option(metavar="ACTION", help=REPLACES_HELP)] = None,
) -> None:
    """Add named targets, or change the stated target count, the description
    or the earlier action it replaces. Prints the action's key.

    \b
    Example: tracker actions update 2018-01-24-doj-threatens-subpoenas --add-target "Los Angeles, CA" --target-count 23
    """
    from tracker import actions

    with common.connect(write=True) as conn:
        key = actions.update(
            conn, action, add_targets=add_target or [], target_count=target_count,
            description=description, replaces=replaces,
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
    """Show one action with its named targets and stated target count, the
    earlier action it replaces, the later ones replacing it and how many list
    entries it has.

    \b
    Example: tracker actions show 2018-01-24-doj-threatens-subpoenas --format json
    """
    from tracker import actions

    with common.connect() as conn:
        record = actions.show(conn, action)
    render_record(record, common.fmt(format), excel_safe=excel_safe)


@app.command("load-entries")
def load_entries(
    action: ActionArg,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Any CSV of names (UTF-8 or Windows-1252; commas, semicolons or tabs).",
        ),
    ],
    name: Annotated[
        str,
        typer.Option(metavar="COL", help="The column holding each name as the list printed it."),
    ],
    state: Annotated[
        str | None,
        typer.Option(metavar="COL", help="A column holding each name's state (name or code)."),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(metavar="COL", help="A column holding the reason the list gives.")
    ] = None,
) -> None:
    """Load a published list's entries (an action of kind designation_list)
    from a CSV of names, in the file's order, each name kept exactly as
    printed. Each name is matched to a tracked jurisdiction or, when nobody
    tracks it yet, to the registry's one entry it fits (added then). All or
    nothing: a name that fits no jurisdiction or several is an error on its
    line listing the candidates, and nothing is written. Each entry's
    jurisdiction becomes one of the action's targets; San Francisco printed
    twice is two entries and one target. A name loaded again updates its entry.
    Prints the action's key; counts go to stderr.

    \b
    Example: tracker actions load-entries 2025-08-05-doj-sanctuary-jurisdiction-list doj.csv --name Jurisdiction --state State
    """
    from tracker import lists

    with common.connect(write=True) as conn:
        key, summary = lists.load_entries(conn, action, file, name=name, state=state, reason=reason)
    c = summary["entries"]
    added = summary.get("jurisdictions")
    also = (
        f"; {added.added} jurisdiction(s) added from the registry" if added and added.added else ""
    )
    common.message(f"{c.added} added, {c.updated} updated, {c.unchanged} unchanged{also}")
    common.out(key)


@app.command()
def entries(
    action: ActionArg,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """List a published list's entries in order: the name as printed, the
    jurisdiction it names, the reason given and each later fate.

    \b
    Example: tracker actions entries 2025-08-05-doj-sanctuary-jurisdiction-list --format csv
    """
    from tracker import lists

    with common.connect() as conn:
        result = lists.list_entries(conn, action)
    common.show(result, format, excel_safe)


@app.command(epilog=common.ref_epilog())
def fate(
    action: ActionArg,
    entry: Annotated[
        str,
        typer.Argument(
            metavar="NAME_OR_REF",
            help="The entry's name as printed, or a jurisdiction (REF): each of its entries.",
        ),
    ],
    fate: Annotated[
        EntryFate, typer.Option(case_sensitive=False, help="What became of the entry.")
    ],
    date: Annotated[str, typer.Option(metavar="DATE", help="When: YYYY, YYYY-MM or YYYY-MM-DD.")],
    source: SourceOption,
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="A note.")] = None,
) -> None:
    """Record what became of a list's entry: disputed by the jurisdiction,
    removed from the list, or withdrawn with it. Prints how many entries.

    \b
    Example: tracker actions fate 2025-05-29-dhs-sanctuary-jurisdictions "Huntington Beach, CA" --fate disputed --date 2025-05-30 --source https://example.org/hb
    """
    from tracker import lists, sources

    with common.connect(write=True) as conn:
        n = lists.record_fate(
            conn, action, entry, fate=fate.value, date=date, source=sources.key_of(conn, source),
            note=note,
        )  # fmt: skip
    common.out(str(n))


@app.command()
def withdraw(
    action: ActionArg,
    date: Annotated[str, typer.Option(metavar="DATE", help="When: YYYY, YYYY-MM or YYYY-MM-DD.")],
    source: SourceOption,
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="A note.")] = None,
) -> None:
    """Record a whole list withdrawn: the fate withdrawn on every entry.
    Prints how many entries.

    \b
    Example: tracker actions withdraw 2025-05-29-dhs-sanctuary-jurisdictions --date 2025-06-01 --source https://example.org/dhs-removed
    """
    from tracker import lists, sources

    with common.connect(write=True) as conn:
        n = lists.withdraw(conn, action, date=date, source=sources.key_of(conn, source), note=note)
    common.out(str(n))


@app.command()
def diff(
    a: Annotated[str, typer.Argument(metavar="A", help="The earlier list or action (id or key).")],
    b: Annotated[str, typer.Argument(metavar="B", help="The later list or action (id or key).")],
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Compare two lists (or two versions of one list, or any two actions'
    targets) by jurisdiction: added (on B, not A), removed (on A, not B) and
    kept (on both). A jurisdiction printed twice counts once; printed_a and
    printed_b show the names each list printed for it. Rows are ordered by
    change (added, removed, kept), then key (the OCD id). Counts go to stderr.

    \b
    Example: tracker actions diff 2025-08-05-doj-list 2025-09-doj-list-revised --format csv
    """
    from tracker import lists

    with common.connect() as conn:
        result = lists.diff(conn, a, b)
    common.show(result, format, excel_safe)
    common.message(lists.diff_summary(result))
