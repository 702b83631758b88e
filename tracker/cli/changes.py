"""tracker changes: what was added, changed or removed since a moment."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.render import Format, render


def changes(
    since: Annotated[
        str,
        typer.Option(
            metavar="WHEN",
            help="From this moment on: an ISO 8601 timestamp (UTC unless it says otherwise), "
            "a day (from its start), or a time ago: 90m, 24h, 7d.",
        ),
    ],
    entity: Annotated[
        str | None,
        typer.Option(
            help="Only this entity: sources, jurisdictions, status, actions, ... "
            "(as tracker import names its files)."
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            metavar="REF",
            help="Only records about this jurisdiction: itself, its statuses, actions "
            "naming it, money covering it, cases it is a party to.",
        ),
    ] = None,
    format: common.FormatOption = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """What was added, changed or removed since WHEN: each record by its key,
    each changed field with its old and new value, and the record's source.

    Every change is kept with when it was recorded (in-place edits too), so
    the feed compares the database as it stood at WHEN with the database now.
    Records and fields read as tracker's CSV files write them. Table and CSV
    give one row per changed field; JSON one object per record; jsonl one
    object per line, for a cron job or a newsletter.

    Example: tracker changes --since 7d --entity status --format jsonl
    """
    from tracker import changes as feed

    moment = common.parse_moment(since, "--since", end_of_day=False)
    entity = entity.strip().lower() if entity else None
    with common.connect(snapshot=True) as conn:
        found = feed.feed(conn, moment, entity=entity, jurisdiction=jurisdiction)
    f = common.fmt(format)
    if f in (Format.json, Format.jsonl):
        render(feed.records(found), f)
    else:
        common.show(feed.rows(found), f, excel_safe)
