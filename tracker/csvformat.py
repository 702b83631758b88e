"""tracker's CSV format: its entities and their columns, reading and writing.

Pure functions over files and rows, free of the database: ``tracker.transfer``
moves the rows in and out, each entity's domain module checks and stores them.
DESIGN.md's rules: a header row, UTF-8 (a leading BOM accepted), other records
referred to by natural key, lists joined with "; ".
"""

import csv
import io
import itertools
import operator
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tracker.errors import InvalidValue, NotFound

MAX_PROBLEMS = 50
MAX_FIELD = 32 * 1024 * 1024
# Checking goes on past the problems listed, so the count of the rest is true,
# but stops here: a file that is wrong throughout need not be read to the end.
MAX_COUNTED = 10_000
LIST_SEP = ";"


def parse_timestamp(text: str, column: str) -> datetime:
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(f"{column}: {text!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise InvalidValue(f"{column}: {text!r} has no time zone (end it with Z for UTC)")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00:00+01:00 is in year 0 in UTC.
        raise InvalidValue(f"{column}: {text!r} is out of range in UTC") from None


def join_list(items: Iterable[str]) -> str:
    return f"{LIST_SEP} ".join(sorted(items))


def split_list(text: str | None) -> list[str]:
    if not text:
        return []
    return [part.strip() for part in text.split(LIST_SEP) if part.strip()]


# --- entities -----------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    # Aliases accepted on import for spreadsheets made by hand.
    synonyms: dict[str, str] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            "sources",
            ("key", "title", "publisher", "author", "url", "published", "kind"),
            ("title",),
        ),
        Entity(
            "jurisdictions",
            ("ocd_id", "name", "kind", "state", "fips", "population", "aliases", "notes"),
            # Kind and state may come from the registry ("Cook County, IL").
            ("name",),
            {"alias": "aliases", "geoid": "fips"},
        ),
        Entity(
            "status",
            (
                "jurisdiction",
                "status",
                "source",
                "effective",
                "observed",
                "citation",
                "quote",
                "note",
                "recorded_at",
            ),
            ("jurisdiction", "status", "source"),
        ),
        Entity(
            "actions",
            (
                "key",
                "date",
                "agency",
                "kind",
                "title",
                "description",
                "source",
                "target_count",
                "targets",
            ),
            ("date", "agency", "kind", "title", "source"),
        ),
        Entity(
            "grants",
            (
                "program",
                "assistance_listing",
                "fiscal_year",
                "amount",
                "amount_type",
                "jurisdictions",
                "action",
                "source",
                "note",
                "recorded_at",
            ),
            ("program", "fiscal_year", "amount", "amount_type", "source"),
            {"jurisdiction": "jurisdictions", "type": "amount_type"},
        ),
        Entity(
            "cases",
            ("key", "caption", "court", "docket", "filed", "status", "summary", "source"),
            ("caption", "court", "source"),
        ),
        Entity("parties", ("case", "role", "jurisdiction", "name"), ("case", "role")),
        Entity(
            "rulings",
            ("case", "date", "kind", "judge", "summary", "source"),
            ("case", "date", "kind", "source"),
        ),
    )
}


def entity_named(name: str) -> Entity:
    key = name.strip().lower().removesuffix(".csv")
    aliases = {"statuses": "status", "policy_status": "status", "ruling": "rulings"}
    key = aliases.get(key, key)
    if key not in ENTITIES:
        raise InvalidValue(f"entity: {name!r} is not one of: {', '.join(ENTITIES)}")
    return ENTITIES[key]


# --- reading ------------------------------------------------------------------


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)
    total: int = 0

    def add(self, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(message)

    @property
    def full(self) -> bool:
        return self.total >= MAX_COUNTED


@dataclass
class Row:
    """One row: its line in the file, and its value in each column the file
    has ("" for an empty cell). A column the file lacks is not in ``values``:
    a write leaves that field as stored."""

    line: int
    values: dict[str, str | None]


class _NotUTF8(Exception):
    def __init__(self, line: int, byte: int, column: int):
        self.line, self.byte, self.column = line, byte, column


def _decoded_lines(fh) -> Iterator[str]:
    """Physical lines decoded one at a time, so a bad byte is reported on its own line.

    (A text wrapper decodes in large chunks and would blame the wrong line.)
    Splitting bytes on newline is safe: no UTF-8 sequence contains 0x0A.
    """
    for number, raw in enumerate(fh, 1):
        if number == 1:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise _NotUTF8(1, raw[0], 1)
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
            raise _NotUTF8(number, raw[exc.start], column) from None


def open_reader(path: Path, entity: Entity, problems: Problems):
    """``(file, csv reader, columns)`` after the header checks out, else None.

    The reader stands on the first row after the header; ``columns`` are the
    entity's column names in the file's order. Problems are recorded, not raised.
    """
    name = path.name
    try:
        fh = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        problems.add(f"{name}: cannot read: {exc.strerror}")
        return None
    # Long texts (a pasted ruling, a quote) are fine; csv's default limit is 128 KiB.
    csv.field_size_limit(MAX_FIELD)
    # Decoded by the file object in large chunks (fast); a decoding error
    # is then located exactly by reading the bytes again, line by line.
    reader = csv.reader(fh, strict=True)
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        problems.add(_locate_decoding_error(path))
        header = None
    except csv.Error as exc:
        problems.add(_read_error(name, exc, 1))
        header = None
    else:
        if not header or all(not h.strip() for h in header):
            problems.add(f"{name}: the file is empty; the first line must name the columns")
            header = None
    if header is None:
        fh.close()
        return None
    columns = [entity.synonyms.get(h.strip().lower(), h.strip().lower()) for h in header]
    bad = False
    seen = set()
    for i, col in enumerate(columns, 1):
        if not col:
            problems.add(f"{name}, line 1, column {i}: the column has no name")
            bad = True
            continue
        if col in seen:
            problems.add(f"{name}, line 1, column {i}: column {col!r} appears twice")
            bad = True
        seen.add(col)
        if col not in entity.columns:
            problems.add(
                f"{name}, line 1, column {i}: unknown column {header[i - 1].strip()!r}; "
                f"{entity.name} columns are: {', '.join(entity.columns)}"
            )
            bad = True
    for col in entity.required:
        if col not in seen:
            problems.add(f"{name}, line 1: missing required column {col!r}")
            bad = True
    if bad:
        fh.close()
        return None
    return fh, reader, columns


def read_csv(path: Path, entity: Entity, problems: Problems) -> Iterator[Row]:
    """The rows of one CSV file, header checked; problems recorded, not raised."""
    name = path.name
    opened = open_reader(path, entity, problems)
    if opened is None:
        return
    fh, reader, columns = opened
    width = len(columns)
    # Written for a million rows: the common row costs a length test and a dict.
    line = reader.line_num + 1
    with fh:
        try:
            for fields in reader:
                start, line = line, reader.line_num + 1
                if len(fields) != width or not (fields[0] and not fields[0].isspace()):
                    if not "".join(fields).strip():
                        continue
                    if len(fields) > width:
                        problems.add(
                            f"{name}, line {start}: {len(fields)} fields but the header has {width}"
                        )
                        continue
                    fields += [""] * (width - len(fields))
                yield Row(start, dict(zip(columns, fields, strict=True)))
        except UnicodeDecodeError:
            problems.add(_locate_decoding_error(path))
        except csv.Error as exc:
            problems.add(_read_error(name, exc, line))


def _locate_decoding_error(path: Path) -> str:
    """The line and character of the first byte that is not UTF-8."""
    with path.open("rb") as fh:
        try:
            for _line in _decoded_lines(fh):
                pass
        except _NotUTF8 as exc:
            return _read_error(path.name, exc, exc.line)
    return f"{path.name}: not UTF-8 text; save the file as UTF-8 (CSV UTF-8 in Excel)"


def _read_error(name: str, exc: Exception, line: int) -> str:
    if isinstance(exc, _NotUTF8):
        return (
            f"{name}, line {exc.line}, character {exc.column}: not UTF-8 text "
            f"(byte 0x{exc.byte:02x}); save the file as UTF-8 (CSV UTF-8 in Excel)"
        )
    if "field larger than field limit" in str(exc):
        return f"{name}, line {line}: a field is longer than {MAX_FIELD // (1024 * 1024)} MiB"
    return f"{name}, line {line}: malformed CSV: {exc}"


def files_to_import(path: Path, entity: str | None = None) -> list[tuple[Entity, Path]]:
    """The files under ``path`` in dependency order, or the one file given."""
    if path.is_dir():
        if entity:
            raise InvalidValue("--entity: only for a single CSV file, not a directory")
        found = [(e, path / e.filename) for e in ENTITIES.values() if (path / e.filename).is_file()]
        unknown = sorted(
            p.name
            for p in path.glob("*.csv")
            if p.name not in {e.filename for e in ENTITIES.values()}
        )
        if unknown:
            raise InvalidValue(
                f"{path}: {', '.join(unknown)} is not an entity file; expected any of: "
                + ", ".join(e.filename for e in ENTITIES.values())
            )
        if not found:
            raise InvalidValue(f"{path}: no entity CSV files here (e.g. jurisdictions.csv)")
        return found
    if not path.exists():
        raise NotFound(f"{path}: no such file or directory")
    e = entity_named(entity) if entity else None
    if e is None:
        try:
            e = entity_named(path.stem)
        except InvalidValue:
            raise InvalidValue(
                f"{path.name}: cannot tell the entity from the file name; give --entity "
                f"({', '.join(ENTITIES)})"
            ) from None
    return [(e, path)]


# --- export ---------------------------------------------------------------------


def write_csv(out, entity: str, rows: Iterable[tuple[str, ...]], excel_safe: bool = False) -> int:
    """Header and rows; returns the number of rows. ``None`` is written as empty."""
    from tracker.render import csv_writer, excel_neutralise

    writer = csv_writer(out)
    writer.writerow(ENTITIES[entity].columns)
    if excel_safe:
        rows = map(excel_neutralise, rows)
    # Counting in C (zip with a counter) keeps the loop out of Python.
    counter = itertools.count()
    writer.writerows(map(operator.itemgetter(0), zip(rows, counter, strict=False)))
    return next(counter)


def stdout_writer():
    return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
