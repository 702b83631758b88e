"""Rows -> table | csv | json | markdown. The only module that formats output.

Rows are dicts with the same keys in the same order. JSON keeps the keys as
given (stable), dates as entered and money as decimal strings; CSV, JSON and
jsonl print every column in full, whatever the terminal. Tables are plain
text: user text is never read as terminal markup. A source
(``records.SourceRef``, also inside a ``records.Text``) is its key in CSV and
JSON, as files name it, and its title, shortened, in tables and markdown.

Tables are for people (see "Tables people can read" below): they lead with
the row's name and leave keys for last (markdown too), and they fit the
terminal's width, shortening free text with "…". Piped or redirected, a
table is not fitted (every character, for grep or ``less -S``) unless the
COLUMNS environment variable is set, which asks for that width. Markdown,
meant for documents, is never shortened beyond a source's title.
"""

import csv
import json
import os
import shutil
import sys
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from tracker.records import SourceRef, Text


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    # One JSON object a line: for a feed a script reads as it comes.
    jsonl = "jsonl"
    markdown = "markdown"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


# A source's title in a table cell: at most this many characters, cut at a
# word with an ellipsis (a title runs to a hundred; the key is in CSV and JSON).
TITLE_WIDTH = 40


def short_title(title: str, width: int = TITLE_WIDTH) -> str:
    """A title cut to ``width`` characters at a word, ending in "…"."""
    if len(title) <= width:
        return title
    cut = title[: width - 1]
    space = cut.rfind(" ")
    # Within a word: back to its start, unless that leaves too little.
    if title[width - 1] != " " and space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def _shown(value) -> str:
    """A cell as tables (and markdown) show it: sources by their titles."""
    if isinstance(value, SourceRef):
        return short_title(value.title)
    if isinstance(value, Text):
        return "".join(short_title(p.title) if isinstance(p, SourceRef) else p for p in value.parts)
    if isinstance(value, list | tuple):
        return "; ".join(_shown(v) for v in value)
    return _cell(value)


# Control characters (escape sequences, carriage returns, tabs) would let stored
# text move the cursor or recolour a terminal, and break column alignment.
_CONTROLS = {c: " " for c in range(32)} | {127: " "}


def _plain(value) -> str:
    return _shown(value).translate(_CONTROLS)


class _LineEnds:
    """Ends each CSV record with \\n although the writer is set up for \\r\\n."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(text[:-2] + "\n" if text.endswith("\r\n") else text)


def csv_writer(out):
    """A csv.writer whose records end with \\n and that still quotes a cell
    holding a carriage return.

    The csv module quotes a cell only for the characters of its own line
    terminator: with "\\n" it would leave a bare "\\r" unquoted, and every reader
    (Python's, Excel's) would split the row there. So the writer terminates
    records with "\\r\\n" and the wrapper turns that into "\\n".
    """
    return csv.writer(_LineEnds(out), lineterminator="\r\n")


def write_plain(out, writer, records: Iterable[tuple], width: int) -> None:
    """Records (tuples of two cells or more: a record of one empty cell is
    written '""') of strings, ints and None, as ``writer`` (a ``csv_writer`` on
    ``out``) writes them, faster: a record none of whose cells holds a
    comma, a quote or a line break is its cells joined by commas (what the
    csv module writes for it, None as nothing); any other goes to ``writer``.
    """
    put = out.write
    commas = width - 1
    for record in records:
        line = ",".join([v if isinstance(v, str) else "" if v is None else str(v) for v in record])
        if line.count(",") == commas and '"' not in line and "\n" not in line and "\r" not in line:
            put(line + "\n")
        else:
            writer.writerow(record)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_neutralise(row: Iterable[str]) -> tuple[str, ...]:
    """Prefix a quote to cells a spreadsheet would run as a formula (OWASP)."""
    return tuple("'" + v if v and v.startswith(_FORMULA_START) else v for v in row)


def render(
    rows: Iterable[dict],
    fmt: Format,
    out=None,
    *,
    columns: list[str] | None = None,
    excel_safe: bool = False,
    width: int | None = None,
    records: Iterable[tuple] | None = None,
) -> None:
    """Rows in ``fmt``. Tables and markdown put the columns in ``table_columns``
    order; a table fits ``width`` characters (``None``: ``terminal_width(out)``;
    0: no limit). CSV, JSON and jsonl print every column in full, as given.
    ``records``: the same rows as tuples in ``columns`` order, every value a
    string, an int or None, written instead of the rows where CSV can take
    them as they are (``records.Rows``)."""
    out = out or sys.stdout
    if fmt == Format.jsonl:
        # One object per line, streamed: for jq, a log shipper or a cron job.
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return
    rows = list(rows) if fmt != Format.csv else rows
    if fmt == Format.json:
        json.dump(list(rows), out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
        return
    if fmt == Format.csv:
        writer = csv_writer(out)
        if records is not None and columns and len(columns) > 1 and not excel_safe:
            writer.writerow(columns)
            write_plain(out, writer, records, len(columns))
            return
        header_written = False
        for row in rows:
            if not header_written:
                columns = columns or list(row)
                writer.writerow(columns)
                header_written = True
            # Text and source references are strings already (their keys).
            cells = [v if isinstance(v, str) else _cell(v) for v in map(row.get, columns)]
            writer.writerow(excel_neutralise(cells) if excel_safe else cells)
        if not header_written and columns:
            writer.writerow(columns)
        return
    if not rows:
        if columns and fmt == Format.markdown:
            columns = table_columns(columns)
            out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
        elif columns:
            # An empty table still names its columns, like CSV's header row.
            out.write("  ".join(table_columns(columns)) + "\n")
        return
    columns = table_columns(columns or list(rows[0]))
    if fmt == Format.markdown:
        out.write("| " + " | ".join(columns) + " |\n")
        out.write("|" + "|".join("---" for _ in columns) + "|\n")
        for r in rows:
            out.write("| " + " | ".join(_plain(r.get(c)).replace("|", "\\|") for c in columns))
            out.write(" |\n")
        return
    if width is None:
        width = terminal_width(out)
    for line in _table(columns, [[_Cell.of(r.get(c), c) for c in columns] for r in rows], width):
        out.write(line + "\n")


# -- Tables people can read ---------------------------------------------------
#
# A table (and markdown) leads with what a reader knows a row by and leaves the
# keys scripts use for last: CSV and JSON keep the columns as the domain gives
# them. A table fits the terminal: free text is shortened, longest first, with
# "…"; keys, ids, dates, numbers and vocabulary words never are. When that is
# not enough, a table leaves out its empty columns, then, when its rows have a
# name, its keys, from the last; and when even that is not enough, it prints
# each row as a block of field and value lines, which fit.
#
# Piped or redirected output is not fitted (``| grep`` and ``| less -S`` see
# every character) unless COLUMNS is set in the environment, which asks for
# that width. A terminal uses its own width, or COLUMNS when set.

# What a reader knows a row by (a case's party: "Chicago, IL"). When a table
# has one, its identifiers go last.
_NAMES = ("name", "caption", "title", "party")
# Identifiers meant for scripts and files: the database id, the natural key,
# a jurisdiction's OCD id. CSV and JSON keep them where the domain puts them.
_IDENTIFIERS = ("id", "key", "jurisdiction")
# Free text: a table may shorten it, at a word, ending in "…". Other lists
# (of keys: named targets, the members of an aggregate) lose whole items.
# A grant's ``covers`` ("aggregate over 2 jurisdictions, not split") is a
# label, like a status word: never shortened.
_TEXT = frozenset({
    "source", "sources", "title", "description", "summary", "quote", "citation", "note",
    "notes", "label", "disagreement", "latest_ruling", "last_event", "agency", "court",
    "program", "publisher", "author", "parties", "plaintiffs", "defendants", "others",
    "target_names", "reason", "fates", "aliases", "old", "new",
})  # fmt: skip
# A shortened column keeps at least COMFORTABLE characters (and its header's),
# else the rows are shown as blocks; a block's value, at least SHORTEST.
COMFORTABLE = 20
SHORTEST = 10
# ...and a table of named rows, before it turns to blocks, at least NARROW.
NARROW = 15
# Columns a narrow table leaves out, in this order, after its identifiers and
# before it gives up on columns: what a reader can most easily do without
# (the full row is always in CSV and JSON, and on a wider terminal).
_SECONDARY = ("last_asserted", "population", "fips", "kind", "recorded_at", "observed")
_GAP = "  "


def table_columns(columns: Iterable[str]) -> list[str]:
    """The columns in the order a table shows them.

    A jurisdiction's state follows its name and its status its kind; when the
    rows have a name (a name, caption, title or party), the identifiers (id,
    key, OCD id) come last. ``report status`` reads ``name state kind status since …
    jurisdiction``; ``jurisdictions list`` ``name state kind status fips
    population id key``. Other columns keep the order given."""
    shown = list(columns)
    if any(c in shown for c in _NAMES):
        ids = [c for c in shown if c in _IDENTIFIERS]
        shown = [c for c in shown if c not in _IDENTIFIERS] + ids
    for column, anchor in (("state", "name"), ("status", "kind")):
        if column in shown and anchor in shown:
            shown.remove(column)
            shown.insert(shown.index(anchor) + 1, column)
    return shown


def terminal_width(out=None) -> int | None:
    """The width a table fits, or None for no limit: the terminal's (COLUMNS
    when set, as ``shutil.get_terminal_size`` reads it) when ``out`` is a
    terminal; when it is not (piped, redirected), COLUMNS only if set."""
    out = out or sys.stdout
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size().columns
    return None


class _Cell(NamedTuple):
    """A value as a table shows it; ``items`` when it is a list of keys."""

    text: str
    items: tuple[str, ...] | None = None

    @classmethod
    def of(cls, value, column: str) -> "_Cell":
        if isinstance(value, list | tuple) and column not in _TEXT:
            items = tuple(_plain(v) for v in value)
            return cls("; ".join(items), items)
        return cls(_plain(value))

    def cut(self, width: int) -> str:
        """The text in at most ``width`` characters: a list of keys keeps whole
        items and counts the rest (``a; b; … (+3)``), so no key is ever cut;
        text is cut at a word."""
        if len(self.text) <= width:
            return self.text
        if self.items is None:
            return short_title(self.text, width)
        for keep in range(len(self.items) - 1, 0, -1):
            text = "; ".join(self.items[:keep]) + f"; … (+{len(self.items) - keep})"
            if len(text) <= width:
                return text
        return f"… (+{len(self.items)})"


def _shortened(column: str, cells: Iterable[_Cell]) -> bool:
    """Whether a column may be shortened: free text, or lists (by whole items)."""
    return column in _TEXT or any(c.items is not None for c in cells)


def _table(columns: list[str], cells: list[list[_Cell]], width: int | None) -> list[str]:
    """The lines of a table: aligned columns that fit ``width``, else blocks."""
    natural = [max(len(h), *(len(row[i].text) for row in cells)) for i, h in enumerate(columns)]
    if width:
        layout = _fit(columns, cells, natural, width)
        if layout is None:
            return _blocks(columns, cells, width)
        shown, widths = layout
    else:
        shown, widths = list(range(len(columns))), natural
    lines = [
        _GAP.join(columns[i].ljust(w) for i, w in zip(shown, widths, strict=True)).rstrip(),
        _GAP.join("-" * w for w in widths),
    ]
    for row in cells:
        texts = (row[i].cut(w) for i, w in zip(shown, widths, strict=True))
        lines.append(_GAP.join(t.ljust(w) for t, w in zip(texts, widths, strict=True)).rstrip())
    return lines


def _fit(
    columns: list[str], cells: list[list[_Cell]], natural: list[int], width: int
) -> tuple[list[int], list[int]] | None:
    """Which columns a table shows (indexes) and how wide, to fit ``width``;
    None when it cannot.

    Free text is shortened longest first (every shortened column to one
    width, no longer than it needs). Rather than shorten it below
    COMFORTABLE, a table leaves out the columns empty in every row, then, when
    its rows have a name, its trailing identifiers, from the last; text
    shorter than that would say too little to be worth a table."""
    shrink = {i for i, c in enumerate(columns) if _shortened(c, (row[i] for row in cells))}
    empty = {i for i in range(len(columns)) if not any(row[i].text for row in cells)}
    trailing = []
    if any(c in columns for c in _NAMES):
        for i in range(len(columns) - 1, -1, -1):
            if columns[i] not in _IDENTIFIERS:
                break
            trailing.append(i)
    # What each try leaves out: nothing, the empty columns, then identifiers,
    # then (in a table of named rows) the secondary columns, one more each time.
    tries = [set(), empty] + [empty | set(trailing[:n]) for n in range(1, len(trailing) + 1)]
    if trailing:
        secondary = [columns.index(c) for c in _SECONDARY if c in columns]
        base = empty | set(trailing)
        tries += [base | set(secondary[:n]) for n in range(1, len(secondary) + 1)]
    for left_out in tries:
        shown = [i for i in range(len(columns)) if i not in left_out]
        widths = _widths(shown, columns, natural, shrink, width) if shown else None
        if widths is not None:
            return shown, widths
    if not trailing:
        return None
    # A table of named rows (a line per jurisdiction reads best in a long
    # report): its text a little shorter still, before blocks.
    shown = [i for i in range(len(columns)) if i not in tries[-1]]
    widths = _widths(shown, columns, natural, shrink, width, NARROW) if shown else None
    return (shown, widths) if widths is not None else None


def _widths(
    shown, columns, natural, shrink, width, comfortable: int = COMFORTABLE
) -> list[int] | None:
    """Each shown column's width with the shortened ones capped at the largest
    cap that fits (none below ``comfortable`` or its header), or None."""
    least = {i: min(natural[i], max(len(columns[i]), comfortable)) for i in shown if i in shrink}

    def wide(i: int, cap: int) -> int:
        return max(least[i], min(natural[i], cap)) if i in least else natural[i]

    def total(cap: int) -> int:
        return sum(wide(i, cap) for i in shown) + len(_GAP) * (len(shown) - 1)

    low, high = 0, max(natural[i] for i in shown)
    if total(low) > width:
        return None
    # The largest cap that fits: total() grows with the cap.
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if total(mid) <= width else (low, mid - 1)
    return [wide(i, low) for i in shown]


def _fields(
    names: list[str], cells: list[_Cell], width: int | None, name_width: int = 0
) -> list[str]:
    """Field and value lines, values shortened to fit ``width`` where they may be."""
    name_width = max(name_width, *(len(n) for n in names))
    room = max(SHORTEST, width - name_width - len(_GAP)) if width else None
    lines = []
    for name, cell in zip(names, cells, strict=True):
        text = cell.cut(room) if room and _shortened(name, [cell]) else cell.text
        lines.append(f"{name.ljust(name_width)}{_GAP}{text}".rstrip())
    return lines


def _blocks(columns: list[str], cells: list[list[_Cell]], width: int) -> list[str]:
    """Each row a block of field and value lines under a numbered rule: for a
    table too wide for the terminal even with its text shortened."""
    blocks = [_fields(columns, row, width) for row in cells]
    rule = min(width, max(len(line) for block in blocks for line in block))
    lines = []
    for n, block in enumerate(blocks, 1):
        lines.append(f"-[ {n} ]".ljust(rule, "-"))
        lines += block
    return lines


def render_record(
    record: dict, fmt: Format, out=None, *, excel_safe: bool = False, width: int | None = None
) -> None:
    """One record: a field/value table on a terminal, one object in JSON."""
    out = out or sys.stdout
    if fmt == Format.json:
        json.dump(record, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == Format.jsonl:
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    elif fmt == Format.csv:
        render([record], fmt, out, excel_safe=excel_safe)
    elif fmt == Format.markdown:
        fields = table_columns(record)
        render([{"field": f, "value": record[f]} for f in fields], fmt, out)
    elif record:
        fields = table_columns(record)
        if width is None:
            width = terminal_width(out)
        name_width = max(len("field"), *(len(f) for f in fields))
        lines = _fields(fields, [_Cell.of(record[f], f) for f in fields], width, name_width)
        value_width = max(len("value"), *(len(line) - name_width - len(_GAP) for line in lines))
        out.write(f"{'field'.ljust(name_width)}{_GAP}value\n")
        out.write(f"{'-' * name_width}{_GAP}{'-' * value_width}\n")
        for line in lines:
            out.write(line + "\n")


def section(title: str, out=None) -> None:
    out = out or sys.stdout
    out.write(f"\n{title}\n")


SECTION_TITLES = {
    "jurisdiction": "Jurisdiction",
    "current_status": "Current status",
    "status_history": "Status history",
    "money": "Money",
    "actions": "Federal actions targeting it",
    "cases": "Cases",
    "protection": "Court orders protecting it",
}


def render_sections(
    sections: dict, fmt: Format, out=None, *, excel_safe: bool = False, width: int | None = None
) -> None:
    """A document of named sections (a dict record or lists of rows); each
    table fits ``width`` (see ``render``)."""
    out = out or sys.stdout
    if fmt == Format.json:
        json.dump(sections, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
        return
    if fmt == Format.jsonl:
        # One line per item, named by its section.
        for name, body in sections.items():
            for item in [body] if isinstance(body, dict) else body:
                out.write(json.dumps({"section": name, **item}, ensure_ascii=False, default=str))
                out.write("\n")
        return
    if fmt == Format.csv:
        # One long table a spreadsheet can filter: section, item, field, value.
        writer = csv_writer(out)
        writer.writerow(["section", "item", "field", "value"])
        for name, body in sections.items():
            items = [body] if isinstance(body, dict) else body
            for i, item in enumerate(items, 1):
                for k, v in item.items():
                    cells = [name, str(i), k, _cell(v)]
                    writer.writerow(excel_neutralise(cells) if excel_safe else cells)
        return
    if width is None and fmt == Format.table:
        width = terminal_width(out)
    first = True
    for name, body in sections.items():
        title = SECTION_TITLES.get(name, name.replace("_", " ").capitalize())
        if not first:
            out.write("\n")
        first = False
        out.write(f"## {title}\n\n" if fmt == Format.markdown else f"{title}\n")
        if isinstance(body, dict):
            render_record(body, fmt, out, width=width)
        elif body:
            render(body, fmt, out, width=width)
        else:
            out.write("(none)\n")
