"""tracker db: the schema's revision, upgrades and downgrades."""

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common
from tracker.config import mask_url

app = typer.Typer(help="Manage the database: schema migrations and backups.", no_args_is_help=True)


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or upgrade the database schema to the latest revision.

    Example: tracker --db postgresql://me@localhost/tracker db upgrade
    """
    from tracker import db

    url = common.url()
    before = db.revision_of(url)
    db.upgrade(url, revision)
    after = db.revision_of(url)
    if before == after:
        common.message(f"{mask_url(url)} is already at revision {after}.")
    else:
        common.message(f"Upgraded {mask_url(url)} from {before or 'empty'} to {after}.")


@app.command()
def downgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision, or 'base' for an empty database.")
    ],
) -> None:
    """Downgrade the schema to REVISION. Downgrading to base drops every table and its data.

    Example: tracker db downgrade base
    """
    from tracker import db

    url = common.url()
    db.downgrade(url, revision)
    common.message(f"Downgraded {mask_url(url)} to {db.revision_of(url) or 'base (empty)'}.")


@app.command()
def current() -> None:
    """Print the database's schema revision and the code's.

    Example: tracker db current
    """
    from tracker import db, schema

    url = common.url()
    revision = db.revision_of(url)
    common.out(revision or "none")
    if revision == schema.HEAD:
        state = "up to date"
    elif revision is not None and revision not in schema.REVISIONS:
        state = f"newer than this tracker, which knows up to {schema.HEAD}: upgrade tracker"
    else:
        state = f"behind the code's {schema.HEAD}: run `tracker db upgrade`"
    common.message(f"{mask_url(url)}: revision {revision or 'none'} ({state})")


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (a new file).")],
    force: Annotated[bool, typer.Option(help="Replace FILE if it already exists.")] = False,
) -> None:
    """Write a consistent copy of the SQLite database to FILE, even while others use it.

    Uses SQLite's online backup: the copy holds every committed change and
    nothing half-written. For PostgreSQL, use pg_dump instead.

    Example: tracker db backup ~/tracker-2024-06-01.db
    """
    from tracker import backup as backups
    from tracker import db

    source = backups.source(db.normalize_url(common.url()))
    backups.copy(source, file, force=force)
    common.message(f"Backed up {source} to {file}.")
