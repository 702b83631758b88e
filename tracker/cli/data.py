"""tracker seed | import | export: moving data in and out as CSV."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from tracker import csvformat
from tracker.cli import common
from tracker.csvformat import format_help
from tracker.errors import InvalidValue
from tracker.render import Format, render, render_sections

# Progress shows for long runs on a terminal only; piped output stays clean.
PROGRESS_AFTER = 2000


def progress(rows, label: str):
    """``rows`` with a progress bar on a terminal; untouched (no overhead) when piped."""
    if not sys.stderr.isatty():
        return rows
    return _with_bar(rows, label)


def _with_bar(rows, label: str):
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}: {task.completed:,} rows"), transient=True
    ) as bar:
        task = None
        for n, row in enumerate(rows, 1):
            if n == PROGRESS_AFTER:
                task = bar.add_task(label, completed=n)
            elif task is not None and n % 500 == 0:
                bar.update(task, completed=n)
            yield row


def _summary_rows(summary) -> list[dict]:
    return [
        {"entity": name, "added": c.added, "updated": c.updated, "unchanged": c.unchanged}
        for name, c in summary.items()
    ]


def _import(path: Path, entity: str | None, dry_run: bool, format) -> None:
    from tracker import transfer

    with common.connect(write=True) as conn:
        if dry_run:
            summary, changes = transfer.preview(conn, path, entity=entity, progress=progress)
        else:
            summary = transfer.import_files(conn, path, entity=entity, progress=progress)
    total = sum(c.added + c.updated for c in summary.values())
    f = common.fmt(format)
    if not dry_run:
        render(_summary_rows(summary), f)
        common.message(f"Imported: {total} change(s) written.")
        return
    if f == Format.csv:
        # A spreadsheet of the changes, one row per field; the counts go to stderr.
        render(transfer.change_rows(changes), f, columns=transfer.CHANGE_COLUMNS)
        for row in _summary_rows(summary):
            common.message(
                f"{row['entity']}: {row['added']} added, {row['updated']} updated, "
                f"{row['unchanged']} unchanged"
            )
    elif f == Format.json:
        render_sections(
            {"summary": _summary_rows(summary), "changes": transfer.change_records(changes)}, f
        )
    else:
        render_sections(
            {"summary": _summary_rows(summary), "changes": list(transfer.change_rows(changes))}, f
        )
    common.message(f"Dry run: {total} change(s) found, nothing written.")


def seed(format: common.FormatOption = None) -> None:
    """Load the seed data (the article's facts) from seed/. A second run adds nothing.

    Example: tracker seed
    """
    from tracker.db import resource_dir

    _import(resource_dir("seed"), None, False, format)


def import_(
    path: Annotated[
        Path, typer.Argument(help="A directory written by `tracker export`, or one CSV file.")
    ],
    entity: Annotated[
        str | None,
        typer.Option(help="The entity of a single CSV, when its file name does not say."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            help="Check everything and list what would change, field by field; write nothing."
        ),
    ] = False,
    format: common.FormatOption = None,
) -> None:
    """Import CSV files: all or nothing, rows matched by natural key.

    A row matching a stored record updates only the columns its file has: a
    column the file lacks leaves that field as stored (and a key column it
    lacks takes no part in the match); an empty cell means no value. So a
    file of a few columns fills in or corrects those, and loses nothing.

    Errors name the file, line and column, every problem of a row; up to 50
    are reported at once. The summary says how many rows were added, updated
    and unchanged. Each file's columns are listed below.

    --dry-run also lists every record that would be added or updated, with
    each field's old and new value (a record added: its fields, old empty).
    table: the summary, then one row per field: entity, key, change, field,
    old, new. csv: those rows only, for a spreadsheet (the counts go to
    stderr). json: {"summary": [...], "changes": [{"entity", "key",
    "change": "added" or "updated", "fields": {FIELD: {"old", "new"}}}]}.
    A key is the record's natural key; for records without one, its parts
    joined by " | " (a status row: jurisdiction | status | source | dates).

    Example: tracker import exported/ --dry-run
    """
    _import(path, entity, dry_run, format)


def export(
    entity: Annotated[
        str | None, typer.Argument(help="One entity to write to stdout; all when omitted.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory to write one CSV per entity into.")
    ] = None,
    excel_safe: common.ExcelSafeOption = False,
) -> None:
    """Export to CSV: every entity to --out DIR, or one ENTITY to stdout.

    References use natural keys, so the files import into another database.

    Example: tracker export --out backup/     |     tracker export jurisdictions > j.csv
    """
    from tracker import transfer

    if entity is None and out is None:
        raise InvalidValue("give an ENTITY to write to stdout, or --out DIR for all of them")
    if entity is not None and out is not None:
        raise InvalidValue("give either an ENTITY (to stdout) or --out DIR, not both")
    for place in [out, *out.parents] if out is not None else []:
        if place.exists():
            if not place.is_dir():
                raise InvalidValue(f"--out: {place} is a file, not a directory")
            break
    if entity is not None:
        name = csvformat.entity_named(entity).name
        with common.connect() as conn, csvformat.buffered_stdout() as stream:
            rows = progress(transfer.export_rows(conn, name), name)
            csvformat.write_csv(stream, name, rows, excel_safe)
        return
    # One snapshot for every file, so references agree across files.
    with common.connect(snapshot=True) as conn:
        counts = transfer.export_dir(conn, out, excel_safe=excel_safe, progress=progress)
    common.message(f"Exported {sum(counts.values())} rows in {len(counts)} files to {out}.")


def register(app: typer.Typer) -> None:
    # Each entity's columns, from the definitions the import itself reads
    # (tracker.csvformat, which loads no database code).
    app.command("seed")(seed)
    app.command("import", epilog=format_help())(import_)
    app.command("export")(export)
