"""tracker map: the status in force on a date as a map (SVG, or an HTML page)."""

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common


def map_(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write it: FILE.svg (a picture any browser opens) or FILE.html "
            "(a page holding it, nothing loaded from elsewhere).",
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="The date: YYYY, YYYY-MM or YYYY-MM-DD (default today). "
            "A partial date means its first day: 2018-01 is 2018-01-01.",
        ),
    ] = None,
    known_at: common.KnownAtOption = None,
    level: Annotated[
        str,
        typer.Option(
            metavar="state|county",
            help="state: states coloured by their own status; county: counties, "
            "city-counties and DC, with state borders on top. Cities are dots on both.",
        ),
    ] = "state",
    state: Annotated[
        str | None,
        typer.Option(metavar="ST", help="Only this state (code or name), drawn large."),
    ] = None,
) -> None:
    """A map of each jurisdiction's status in force on a date, as `report status` has it.

    One colour per status (safe for colour-blind readers), hatching where
    sources disagree, grey where no status is recorded, white where nothing
    is tracked. A city is a dot where the registry has its coordinates (load
    a Census Gazetteer file with `tracker registry load`); otherwise it is
    listed under the map. Each shape and dot names its jurisdiction, status,
    since when and source when pointed at. The boundaries (U.S. Census
    Bureau, via us-atlas) ship with tracker: nothing is fetched.

    Example: tracker map --as-of 2018-01-25 --level county --out map.svg

    Example: tracker map --state CA --known-at 2025-06-01 --out ca.html
    """
    from tracker import statusmap

    options = statusmap.check(out=out, level=level, as_of=as_of, state=state)
    moment = common.parse_moment(known_at, "--known-at", end_of_day=True) if known_at else None
    with common.connect(snapshot=True, known_at=known_at) as conn:
        drawn = statusmap.draw(conn, options, known_at=moment)
    statusmap.save(out, drawn.text)
    common.message(
        f"Wrote {out}: {drawn.jurisdictions} jurisdiction(s), {drawn.with_status} with a "
        f"status, {drawn.sources} source(s); {drawn.shapes} shape(s) coloured, "
        f"{drawn.dots} dot(s), {drawn.listed} listed under the map."
    )
