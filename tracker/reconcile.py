"""``tracker reconcile``: a list that is not in tracker's format (a federal
list, a research dataset, ICE's 287(g) spreadsheet saved as CSV), each row
matched to the jurisdiction it names, like OpenRefine's reconciliation.

Every input row and column is written unchanged, followed by the columns
``MATCH_COLUMNS``; nothing is written to the database. Names are matched
against the registry (built-in, loaded from Gazetteer files) and the tracked
jurisdictions together (``reference.known``), by ``Registry.lookup``.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from tracker import reference
from tracker.csvformat import RECONCILED
from tracker.errors import InvalidValue
from tracker.registry import Match, MatchKind, Registry
from tracker.vocab import JurisdictionKind

# The columns it adds, which an import knows (csvformat.RECONCILED).
MATCH_COLUMNS = RECONCILED
# A list's own words for a kind, beyond tracker's (any case).
_KIND_WORDS = {
    "parish": "county",
    "borough county": "county",
    "county equivalent": "county",
    "city and county": "city_county",
    "city-county": "city_county",
    "consolidated city-county": "city_county",
    "consolidated": "city_county",
    "municipality": "city",
    "district": "federal_district",
}
_SAMPLE = 64 * 1024


class Table(NamedTuple):
    """A CSV file as read: its header, its rows, and the line each row ends on."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def read_table(path: Path) -> Table:
    """Any CSV a spreadsheet or a government site writes: UTF-8 (with or without
    a BOM) or Windows-1252, separated by commas, semicolons, tabs or bars."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidValue(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on Windows; every byte decodes, so read it as that.
        text = data.decode("cp1252", errors="replace")
    if not text.strip():
        raise InvalidValue(f"{name}: the file is empty; the first line must name the columns")
    try:
        dialect = csv.Sniffer().sniff(text[:_SAMPLE], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
        rows, lines = [], []
        for row in reader:
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
                raise InvalidValue(
                    f"{name}, line {reader.line_num}: {len(row)} fields but the header has "
                    f"{len(header)} (a name with a comma needs quotes)"
                )
            if any(cell.strip() for cell in row):
                rows.append(row[: len(header)])
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise InvalidValue(f"{name}, line {reader.line_num}: malformed CSV: {exc}") from None
    return Table(header, rows, lines)


def column(table: Table, wanted: str, option: str, where: str) -> int:
    """The index of the column a user named (case and spaces ignored, or its 1-based number)."""
    names = [h.strip().lower() for h in table.header]
    key = wanted.strip().lower()
    if key in names:
        return names.index(key)
    if key.isdigit() and 1 <= int(key) <= len(names):
        return int(key) - 1
    shown = ", ".join(repr(h) for h in table.header)
    raise InvalidValue(f"{option}: {wanted!r} is not a column of {where}; its columns are {shown}")


def _kind(text: str) -> str | None:
    word = " ".join(text.replace("_", " ").split()).lower()
    if not word:
        return None
    if word.replace(" ", "_") in JurisdictionKind.__members__:
        return word.replace(" ", "_")
    return _KIND_WORDS.get(word)


class Reconciled(NamedTuple):
    header: list[str]
    rows: Iterator[list[str]]
    counts: Counter


def reconcile(
    conn: sa.Connection,
    path: Path,
    *,
    name: str,
    state: str | None = None,
    kind: str | None = None,
) -> Reconciled:
    """Each row of ``path`` with the jurisdiction its ``name`` column names
    (helped by its ``state`` and ``kind`` columns when given)."""
    table = read_table(path)
    where = path.name
    at_name = column(table, name, "--name", where)
    at_state = column(table, state, "--state", where) if state else None
    at_kind = column(table, kind, "--kind", where) if kind else None
    clash = [c for c in MATCH_COLUMNS if c in (h.strip().lower() for h in table.header)]
    if clash:
        raise InvalidValue(
            f"{where}: already has the column {clash[0]!r}; reconcile the original list instead"
        )
    known = reference.known(conn)
    counts: Counter = Counter()
    width = len(table.header)

    def rows() -> Iterator[list[str]]:
        seen: dict[tuple, list[str]] = {}
        for row in table.rows:
            cells = row + [""] * (width - len(row))
            text = cells[at_name] if at_name < len(cells) else ""
            st = cells[at_state].strip() if at_state is not None else ""
            kd = _kind(cells[at_kind]) if at_kind is not None else None
            key = (text, st, kd)
            found = seen.get(key)
            if found is None:
                found = seen[key] = _columns(_match(known, text, st, kd))
            counts[found[0]] += 1
            yield [*cells, *found]

    return Reconciled([*table.header, *MATCH_COLUMNS], rows(), counts)


def _match(known: Registry, text: str, state: str, kind: str | None) -> Match:
    if state and known.state(state) is None:
        # A state cell that names no state ("#N/A", "Unknown"): the name alone
        # could only guess, and a wrong match costs more than none.
        return Match(text, MatchKind.not_found, note=f"state {state!r} is not a US state")
    return known.lookup(text, state=state or None, kind=kind)


def _columns(found: Match) -> list[str]:
    e = found.entry
    candidates = ""
    if found.how in (MatchKind.ambiguous, MatchKind.fuzzy):
        candidates = "; ".join(c.ocd_id for c in found.candidates)
    if e is None:
        return [found.how.value, "", "", "", "", candidates]
    return [found.how.value, e.ocd_id, e.fips or "", e.kind, e.name, candidates]


def summary(counts: Counter) -> str:
    """``212 rows: 180 exact, 10 alias, ...``: every kind of match, in order."""
    total = sum(counts.values())
    parts = ", ".join(f"{counts.get(m.value, 0)} {m.value}" for m in MatchKind)
    return f"{total} row{'s' if total != 1 else ''}: {parts}"
