"""tracker db: the schema's revision, upgrades and downgrades."""

from typing import Annotated

import typer

from tracker.cli import common

app = typer.Typer(help="Manage the database schema (migrations).", no_args_is_help=True)


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or upgrade the database schema to the latest revision.

    Example: tracker --db postgresql://me@localhost/tracker db upgrade
    """
    from tracker import db
    from tracker.config import mask_url

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
    from tracker.config import mask_url

    url = common.url()
    db.downgrade(url, revision)
    common.message(f"Downgraded {mask_url(url)} to {db.revision_of(url) or 'base (empty)'}.")


@app.command()
def current() -> None:
    """Print the database's schema revision and the code's.

    Example: tracker db current
    """
    from tracker import db, schema
    from tracker.config import mask_url

    url = common.url()
    revision = db.revision_of(url)
    common.out(revision or "none")
    state = "up to date" if revision == schema.HEAD else f"code is at {schema.HEAD}"
    common.message(f"{mask_url(url)}: revision {revision or 'none'} ({state})")
