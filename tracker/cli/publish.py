"""tracker publish: the whole database as a static website."""

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common


def publish(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="DIR",
            help="The directory to write the site into: new, empty, or a site published "
            "before (its pages are replaced, and pages of records since removed are deleted; "
            "hidden files such as .git are kept).",
        ),
    ],
) -> None:
    """Publish the database as a static website: a map of today's status with a year
    control, the status table (sortable, filterable), a page for every jurisdiction,
    federal action, case and source, the codebook, and every entity as a CSV download.

    Nothing is fetched from elsewhere: open DIR/index.html from disk or put DIR on any
    static host. The same database gives the same files, so a site can live in git.

    Example: tracker publish --out site && python -m http.server -d site
    """
    from tracker import site

    site.check_out(out)
    with common.connect(snapshot=True) as conn:
        done = site.publish(conn, out)
    common.message(
        f"Published {done.pages} page(s) to {out}: {done.jurisdictions} jurisdiction(s), "
        f"{done.actions} action(s), {done.cases} case(s), {done.sources} source(s); "
        f"map years {done.years[0]}-{done.years[1]}; home page {done.home_bytes:,} bytes "
        "with what it loads."
    )
