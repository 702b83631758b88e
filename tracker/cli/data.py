"""tracker seed | import | export: moving data in and out as CSV."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common

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
    from tracker.render import render

    with common.connect(write=True) as conn:
        summary = transfer.import_files(conn, path, entity=entity, progress=progress)
        if dry_run:
            conn.rollback()
    render(_summary_rows(summary), common.fmt(format))
    total = sum(c.added + c.updated for c in summary.values())
    if dry_run:
        common.message(f"Dry run: {total} change(s) found, nothing written.")
    else:
        common.message(f"Imported: {total} change(s) written.")


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
        bool, typer.Option(help="Validate and report what would change; write nothing.")
    ] = False,
    format: common.FormatOption = None,
) -> None:
    """Import CSV files: all or nothing, rows matched by natural key.

    Errors name the file, line and column; up to 50 are reported at once.
    The summary says how many rows were added, updated and unchanged.

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
    from tracker import csvformat, transfer
    from tracker.errors import InvalidValue

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
        with common.connect() as conn:
            stream = csvformat.stdout_writer()
            try:
                rows = progress(transfer.export_rows(conn, name), name)
                csvformat.write_csv(stream, name, rows, excel_safe)
            finally:
                stream.flush()
                stream.detach()
        return
    # One snapshot for every file, so references agree across files.
    with common.connect(snapshot=True) as conn:
        counts = transfer.export_dir(conn, out, excel_safe=excel_safe, progress=progress)
    common.message(f"Exported {sum(counts.values())} rows in {len(counts)} files to {out}.")


def register(app: typer.Typer) -> None:
    app.command("seed")(seed)
    app.command("import")(import_)
    app.command("export")(export)
