"""What a domain function returns for printing: rows and their columns.

Each entity's module builds its own rows (stable keys, dates as entered,
money as decimal strings, each record with its ``id`` and natural ``key``);
``tracker.render`` is the one place that formats them.
"""

from collections.abc import Iterable
from typing import NamedTuple


class Rows(NamedTuple):
    """Rows (dicts) and the columns to print them under, in order."""

    columns: list[str]
    rows: Iterable[dict]
