"""Which status assertion is in force: pure rules over (assertion, source) pairs.

Free of the ORM: the pairs may be model objects or plain rows, anything with
the attributes read here (``effective``, ``observed``, ``recorded_at``, ``id``
and ``status`` of an assertion; ``published`` and ``id`` of its source).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

# An assertion and its source.
Pair = tuple[Any, Any]


@dataclass
class InForce:
    """A jurisdiction's status on a date: the assertion in force, and the
    latest word of every other source that says something different."""

    current: Pair | None
    disagreeing: list[Pair]


def start_of(ps, src) -> str:
    """When an assertion counts from: its effective date, else when the source
    observed it, else the source's publication date."""
    return ps.effective or ps.observed or src.published or ""


def _order(p: Pair) -> tuple:
    return (start_of(*p), p[0].recorded_at, p[0].id)


def chronological(assertions: list[Pair]) -> list[Pair]:
    """Oldest first: by when each counts from (partial dates by their first
    day), then by when it was recorded, then by id."""
    return sorted(assertions, key=_order)


def in_force(assertions: list[Pair], as_of: str | None = None) -> InForce:
    """The status in force on ``as_of`` (a partial date, compared by its first
    day; None means today).

    The latest assertion on or before ``as_of`` wins, later recordings
    breaking ties. A source's later word replaces its own earlier one; the
    other sources that disagree come most recent word first (the order
    ``status.in_force_rows`` gives too).
    """
    # "Current" means today, as in `report status`: a law that takes effect
    # next year is not in force yet.
    day = as_of or date.today().isoformat()
    eligible = [p for p in assertions if start_of(*p) <= day]
    if not eligible:
        return InForce(None, [])
    ordered = sorted(eligible, key=_order, reverse=True)
    current = ordered[0]
    seen: set[int] = set()
    disagreeing = []
    for p in ordered:
        if p[1].id in seen:
            continue
        seen.add(p[1].id)
        if p[0].status != current[0].status:
            disagreeing.append(p)
    return InForce(current, disagreeing)
