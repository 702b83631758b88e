"""What a domain function returns for printing: rows and their columns.

Each entity's module builds its own rows (stable keys, dates as entered,
money as decimal strings, each record with its ``id`` and natural ``key``);
``tracker.render`` is the one place that formats them.
"""

from collections.abc import Callable, Iterable
from typing import NamedTuple


class Rows(NamedTuple):
    """Rows (dicts) and the columns to print them under, in order.
    ``records``: the same rows as tuples in column order, every value a
    string (``SourceRef`` and ``Text`` are), an int or None, which CSV writes
    as they are (a national report's hundred thousand rows); a reader takes
    either the rows or the records (one stream), never both."""

    columns: list[str]
    rows: Iterable[dict]
    records: Iterable[tuple] | None = None


class SourceRef(str):
    """A source as a record names it: its key, which CSV and JSON print (files
    refer to sources by key), carrying its title, which tables print
    (``tracker.render`` shortens it). Equal to the key as a string."""

    title: str

    def __new__(cls, key: str, title: str):
        ref = super().__new__(cls, key)
        ref.title = title
        return ref


class Text(str):
    """Text naming sources (``partial (key); cooperative (key)``): CSV and JSON
    print it with their keys, tables with their titles. ``parts``: plain
    strings and ``SourceRef`` s, joined."""

    def __new__(cls, parts: list):
        text = super().__new__(cls, "".join(parts))
        text._parts = tuple(parts)
        return text

    @classmethod
    def of(cls, text: str, parts: Callable[[], list]) -> "Text":
        """``text`` (with keys), its parts made only if asked for (a table
        asks; a national CSV report would make a million for nothing)."""
        made = str.__new__(cls, text)
        made._parts = parts
        return made

    @property
    def parts(self) -> tuple:
        if callable(self._parts):
            self._parts = tuple(self._parts())
        return self._parts
