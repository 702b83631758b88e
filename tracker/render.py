"""Rows -> table | csv | json | markdown. The only module that formats output.

Rows are dicts with the same keys in the same order. JSON keeps the keys as
given (stable), dates as entered and money as decimal strings. Tables are
plain text: user text is never read as terminal markup. A source
(``records.SourceRef``, also inside a ``records.Text``) is its key in CSV and
JSON, as files name it, and its title, shortened, in tables and markdown.
"""

import csv
import json
import sys
from collections.abc import Iterable
from enum import StrEnum

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
) -> None:
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
        header_written = False
        for row in rows:
            if not header_written:
                columns = columns or list(row)
                writer.writerow(columns)
                header_written = True
            cells = [_cell(row.get(c)) for c in columns]
            writer.writerow(excel_neutralise(cells) if excel_safe else cells)
        if not header_written and columns:
            writer.writerow(columns)
        return
    if not rows:
        if columns and fmt == Format.markdown:
            out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
        elif columns:
            # An empty table still names its columns, like CSV's header row.
            out.write("  ".join(columns) + "\n")
        return
    columns = columns or list(rows[0])
    cells = [[_plain(r.get(c)) for c in columns] for r in rows]
    if fmt == Format.markdown:
        esc = [[c.replace("|", "\\|") for c in line] for line in cells]
        out.write("| " + " | ".join(columns) + " |\n")
        out.write("|" + "|".join("---" for _ in columns) + "|\n")
        for line in esc:
            out.write("| " + " | ".join(line) + " |\n")
        return
    widths = [max(len(h), *(len(line[i]) for line in cells)) for i, h in enumerate(columns)]
    out.write("  ".join(h.ljust(w) for h, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for line in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")


def render_record(record: dict, fmt: Format, out=None, *, excel_safe: bool = False) -> None:
    """One record: a field/value table on a terminal, one object in JSON."""
    out = out or sys.stdout
    if fmt == Format.json:
        json.dump(record, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == Format.jsonl:
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    elif fmt == Format.csv:
        render([record], fmt, out, excel_safe=excel_safe)
    else:
        render(
            [{"field": k, "value": v} for k, v in record.items()],
            fmt,
            out,
        )


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


def render_sections(sections: dict, fmt: Format, out=None, *, excel_safe: bool = False) -> None:
    """A document of named sections (a dict record or lists of rows)."""
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
    first = True
    for name, body in sections.items():
        title = SECTION_TITLES.get(name, name.replace("_", " ").capitalize())
        if not first:
            out.write("\n")
        first = False
        out.write(f"## {title}\n\n" if fmt == Format.markdown else f"{title}\n")
        if isinstance(body, dict):
            render_record(body, fmt, out)
        elif body:
            render(body, fmt, out)
        else:
            out.write("(none)\n")
