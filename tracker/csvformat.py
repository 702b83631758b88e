"""tracker's CSV format: its entities and their columns, reading and writing.

Pure functions over files and rows, free of the database: ``tracker.transfer``
moves the rows in and out, each entity's domain module checks and stores them.
DESIGN.md's rules: a header row, UTF-8 (a leading BOM accepted), other records
referred to by natural key, lists joined with "; ".
"""

import csv
import io
import itertools
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from tracker import vocab
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
class Column:
    """A column of an entity's file: what it holds, as ``tracker import --help``
    and the README say (``format_help``, ``format_markdown``)."""

    name: str
    about: str
    required: bool = False
    # The vocabulary its values come from, listed after ``about``.
    choices: type[StrEnum] | None = None


@dataclass(frozen=True)
class Entity:
    name: str
    about: str
    fields: tuple[Column, ...]
    # Aliases accepted on import for spreadsheets made by hand.
    synonyms: dict[str, str] = field(default_factory=dict)
    # The column names in file order, and those a file must have (from ``fields``).
    columns: tuple[str, ...] = field(init=False)
    required: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(c.name for c in self.fields))
        object.__setattr__(self, "required", tuple(c.name for c in self.fields if c.required))

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


_DATE = "YYYY, YYYY-MM or YYYY-MM-DD"
_REF = (
    "the jurisdiction (REF): its OCD id, FIPS code, a state's name or code, "
    "'Name, ST', or a name or alias only one jurisdiction has; never a database id (#N)"
)
_SOURCE = "the key of the source that reports it (as in sources.csv)"
_RECORDED = (
    "when the row was recorded, ISO 8601 with a time zone, as exported; "
    "empty: now. It tells apart rows that say the same"
)
C = Column
ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            "sources",
            "where each fact comes from; a row matches the source with its key",
            (
                C("key", "its key; empty: the url, else 'title (published)'"),
                C("title", "its title", True),
                C("publisher", "who published it"),
                C("author", "who wrote it"),
                C("url", "its web address (http:// or https://); one source per url"),
                C("published", f"when it was published: {_DATE}"),
                C("kind", "what it is; empty: news", choices=vocab.SourceKind),
            ),
        ),
        Entity(
            "jurisdictions",
            "states, counties, cities and the like, each one record keyed by its OCD id; "
            "a row without one is matched by its FIPS code, its name or alias in its state, "
            "then the registry",
            (
                C(
                    "ocd_id",
                    "its Open Civic Data division id, its key; empty: the stored record "
                    "or registry entry the row names, else derived from kind, state and name",
                ),
                C(
                    "name",
                    "its name as written, accents and apostrophes kept; 'Cook County, IL' "
                    "works without a state column",
                    True,
                ),
                C(
                    "kind",
                    "what it is; a consolidated city-county is one record of kind city_county; "
                    "empty: from the registry",
                    False,
                    vocab.JurisdictionKind,
                ),
                C(
                    "state",
                    "the USPS code of its state, DC or territory: CA, DC, PR; empty: from "
                    "the name or the registry",
                ),
                C(
                    "fips",
                    "its FIPS code (GEOID): 2 digits a state, 5 a county, 7 a place; "
                    "without this column, a new record the registry knows gets its code",
                ),
                C("population", "a whole number"),
                C("aliases", "other names it goes by, separated by semicolons"),
                C("notes", "free text"),
            ),
            {"alias": "aliases", "geoid": "fips"},
        ),
        Entity(
            "status",
            "dated policy-status assertions, each from a source; history is append-only",
            (
                C("jurisdiction", _REF, True),
                C("status", "what the source asserts", True, vocab.Status),
                C("source", _SOURCE, True),
                C("effective", f"when the status took effect: {_DATE}"),
                C("observed", f"when the source observed it: {_DATE}"),
                C("citation", "the law or policy cited"),
                C("quote", "a short supporting quote from the source"),
                C("note", "free text"),
                C(
                    "label",
                    "the source's own classification, verbatim (e.g. sanctuary_strong, "
                    "a score of 0-7)",
                ),
                C("recorded_at", _RECORDED),
            ),
        ),
        Entity(
            "actions",
            "federal actions aimed at jurisdictions; a row matches the action with its key",
            (
                C("key", "its key; empty: the date and a slug of the title"),
                C("date", f"when it happened: {_DATE}", True),
                C("agency", "who acted, e.g. U.S. Department of Justice", True),
                C("kind", "what it was", True, vocab.ActionKind),
                C("title", "a short title", True),
                C("description", "what happened"),
                C("source", _SOURCE, True),
                C(
                    "target_count",
                    "how many jurisdictions the source says it targeted, named or not; "
                    "never fewer than the named ones",
                ),
                C(
                    "targets",
                    "the jurisdictions it named (REFs), separated by semicolons; "
                    "without this column the stored targets stay as they are. A list's "
                    "entries are among its targets",
                ),
                C(
                    "replaces",
                    "the key of the earlier action it replaces or revises (a list's "
                    "earlier version); never itself, nor one that replaces it",
                ),
            ),
        ),
        Entity(
            "entries",
            "the entries of each published list (an action of kind designation_list), "
            "each name as the list printed it; a row matches the entry of its action, "
            "name and jurisdiction. Each entry's jurisdiction is one of the action's targets",
            (
                C("action", "the list's key (as in actions.csv)", True),
                C("position", "its place in the list, 1 for the first; empty: after the last"),
                C(
                    "name",
                    "the name exactly as the list printed it (San Francisco printed twice "
                    "is two entries)",
                    True,
                ),
                C(
                    "jurisdiction",
                    "the jurisdiction it names (a REF); empty: the name read as a REF",
                ),
                C("reason", "the reason the list gives for it"),
            ),
        ),
        Entity(
            "entry_fates",
            "what later became of each list entry, from a source; a row matches the fate "
            "of its entry, kind and date",
            (
                C("action", "the list's key (as in actions.csv)", True),
                C("name", "the entry's name as printed (as in entries.csv)", True),
                C(
                    "jurisdiction",
                    "the entry's jurisdiction (a REF); empty: the one entry with that name",
                ),
                C("fate", "what became of it", True, vocab.EntryFate),
                C("date", f"when: {_DATE}", True),
                C("source", _SOURCE, True),
                C("note", "free text"),
            ),
        ),
        Entity(
            "grants",
            "federal grant money, exact to the cent, for one jurisdiction or an "
            "aggregate that is never split",
            (
                C("program", "the grant program", True),
                C("assistance_listing", "its Assistance Listing (CFDA) number, e.g. 16.738"),
                C("fiscal_year", "the federal fiscal year: YYYY", True),
                C("amount", "US dollars, exact: 39000000.00, 39,000,000 or $39,000,000", True),
                C("amount_type", "what the amount is", True, vocab.AmountType),
                C(
                    "jurisdictions",
                    "the jurisdiction it belongs to (a REF); several, separated by "
                    "semicolons, make one aggregate. Give jurisdictions, an action, or both",
                ),
                C("action", "the key of the federal action it is tied to (an aggregate)"),
                C("source", _SOURCE, True),
                C("note", "free text, e.g. who the source attributes the figure to"),
                C("recorded_at", _RECORDED),
            ),
            {"jurisdiction": "jurisdictions", "type": "amount_type"},
        ),
        Entity(
            "cases",
            "lawsuits; a row matches the case with its key",
            (
                C("key", "its key; empty: the docket, else the caption"),
                C("caption", "the case caption, e.g. City of Chicago v. Sessions", True),
                C("court", "the court", True),
                C("docket", "its docket number; one case per docket"),
                C("filed", f"when it was filed: {_DATE}"),
                C("status", "where it stands; empty: pending", choices=vocab.CaseStatus),
                C("summary", "what it is about"),
                C("source", _SOURCE, True),
            ),
        ),
        Entity(
            "parties",
            "the parties to each case: a tracked jurisdiction or a named person or agency",
            (
                C("case", "the case's key (as in cases.csv)", True),
                C("role", "its part in the case", True, vocab.PartyRole),
                C("jurisdiction", "a jurisdiction (REF); give this or name, not both"),
                C("name", "a person or agency, e.g. Jeff Sessions, Attorney General"),
            ),
        ),
        Entity(
            "rulings",
            "each case's rulings; a row matches the ruling of its case, date and kind",
            (
                C("case", "the case's key (as in cases.csv)", True),
                C("date", f"when the court ruled: {_DATE}", True),
                C("kind", "what kind of ruling", True, vocab.RulingKind),
                C("judge", "the judge"),
                C("summary", "what the court decided"),
                C("source", _SOURCE, True),
                C(
                    "scope",
                    "whom the order protects: its parties, a class, states, or everyone; "
                    "empty: not recorded",
                    choices=vocab.RulingScope,
                ),
                C(
                    "restrains",
                    "the keys of the federal actions it restrains (as in actions.csv), "
                    "separated by semicolons; without this column the stored ones stay",
                ),
                C(
                    "covers",
                    "the jurisdictions it covers (REFs), separated by semicolons; empty: "
                    "the jurisdictions among the case's plaintiffs (for scope state, the "
                    "states among them), whoever they are when asked; a universal order "
                    "names no one; without this column the stored ones stay",
                ),
            ),
        ),
        Entity(
            "ruling_events",
            "what later happened to a ruling (stayed, vacated, ...), changing whom it "
            "protects; a row matches the event of its ruling, date and event",
            (
                C("case", "the case's key of the ruling it concerns (as in rulings.csv)", True),
                C("ruling_date", "that ruling's date (as in rulings.csv)", True),
                C("ruling_kind", "that ruling's kind", True, vocab.RulingKind),
                C(
                    "event",
                    "what happened: stayed (until stay_lifted), vacated, reversed or expired "
                    "(ended), affirmed or modified (kept)",
                    True,
                    vocab.RulingEvent,
                ),
                C("date", f"when it happened: {_DATE}; not before the ruling", True),
                C("source", _SOURCE, True),
                C(
                    "appellate_case",
                    "the case's key of the ruling that brought it, e.g. an appellate "
                    "decision (of this case or another); give all three appellate columns "
                    "or none",
                ),
                C("appellate_date", "that ruling's date"),
                C("appellate_kind", "that ruling's kind", choices=vocab.RulingKind),
                C(
                    "still_covers",
                    "the jurisdictions the order still covers after it (REFs), separated "
                    "by semicolons, e.g. a stay as to everyone but Chicago; empty: the "
                    "event concerns the whole order; never for stay_lifted",
                ),
                C("note", "free text"),
            ),
        ),
    )
}
del C

FORMAT_RULES = (
    "One file per entity, named ENTITY.csv, imported in the order below. The first "
    "line names the columns, in any order; the text is UTF-8 (a leading BOM is "
    "accepted). Records refer to each other by key, never by database id. A column "
    "left out of a file leaves that field as stored; an empty cell means no value. "
    "Lists are separated by semicolons. Vocabulary words may be in any case. Columns "
    "marked * are required. A jurisdiction nobody tracks yet is added from the "
    "registry when its name fits one entry. A list written by tracker reconcile "
    "imports as it is: its match_ocd_id names the jurisdiction (the ocd_id of a "
    "jurisdictions file), and its other match columns are not read."
)


def _about(column: Column, code: str) -> str:
    if column.choices is None:
        return column.about
    words = ", ".join(f"{code}{m.value}{code}" for m in column.choices)
    return f"{column.about}; one of: {words}"


def format_help() -> str:
    """The columns of every entity as ``tracker import --help`` shows them
    (click keeps a paragraph after \\b as laid out)."""
    import textwrap

    width = 76
    name_width = max(len(c.name) + 2 * c.required for e in ENTITIES.values() for c in e.fields)
    parts = [FORMAT_RULES]
    for e in ENTITIES.values():
        lines = textwrap.wrap(f"{e.filename}: {e.about}", width=width)
        for c in e.fields:
            name = f"{c.name} *" if c.required else c.name
            synonyms = [s for s, target in e.synonyms.items() if target == c.name]
            about = _about(c, "")
            if synonyms:
                about += f" (also headed: {', '.join(synonyms)})"
            lines += textwrap.wrap(
                about,
                width=width,
                initial_indent=f"  {name:<{name_width}} ",
                subsequent_indent=" " * (name_width + 3),
                break_on_hyphens=False,
            )
        parts.append("\b\n" + "\n".join(lines))
    return "\n\n".join(parts)


def format_markdown() -> str:
    """The columns of every entity as the README shows them."""
    parts = [FORMAT_RULES.replace("ENTITY.csv", "`ENTITY.csv`")]
    for e in ENTITIES.values():
        rows = ["| column | required | what it holds |", "|---|---|---|"]
        for c in e.fields:
            synonyms = [s for s, target in e.synonyms.items() if target == c.name]
            about = _about(c, "`")
            if synonyms:
                about += f" (also headed: {', '.join(f'`{s}`' for s in synonyms)})"
            rows.append(f"| `{c.name}` | {'yes' if c.required else ''} | {about} |")
        parts.append(
            f"#### `{e.filename}`\n\n{e.about[0].upper()}{e.about[1:]}.\n\n" + "\n".join(rows)
        )
    return "\n\n".join(parts) + "\n"


def entity_named(name: str) -> Entity:
    key = name.strip().lower().removesuffix(".csv")
    aliases = {
        "statuses": "status",
        "policy_status": "status",
        "ruling": "rulings",
        "list_entries": "entries",
        "fates": "entry_fates",
        "ruling_event": "ruling_events",
        "events": "ruling_events",
    }
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


@dataclass(slots=True)
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


# The columns ``tracker reconcile`` adds to a list. An import reads
# match_ocd_id, once a person has checked it, as the jurisdiction the row
# names (before the row's own name, which still serves a row left unmatched);
# the other columns describe the match and are not read.
RECONCILED = (
    "match",
    "match_ocd_id",
    "match_fips",
    "match_kind",
    "match_name",
    "match_candidates",
)
_MATCHED = {
    "jurisdictions": "ocd_id",
    "status": "jurisdiction",
    "grants": "jurisdictions",
    "parties": "jurisdiction",
}


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
        if col == "match_ocd_id" and entity.name in _MATCHED:
            seen.add(_MATCHED[entity.name])
        if col not in entity.columns and col not in RECONCILED:
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
    opened = open_reader(path, entity, problems)
    if opened is None:
        return
    fh, reader, columns = opened
    if set(columns) & set(RECONCILED):
        yield from _reconciled(_rows(path, fh, reader, columns, problems), entity)
    else:
        yield from _rows(path, fh, reader, columns, problems)


def _reconciled(rows: Iterator[Row], entity: Entity) -> Iterator[Row]:
    """Rows of a list ``tracker reconcile`` wrote: its match_ocd_id as the
    row's jurisdiction when set, its other match columns left out."""
    target = _MATCHED.get(entity.name)
    for row in rows:
        v = row.values
        matched = v.pop("match_ocd_id", "").strip()
        for column in RECONCILED:
            v.pop(column, None)
        if target is not None and (matched or target not in v):
            v[target] = matched or v.get(target, "")
        yield row


def _rows(path: Path, fh, reader, columns, problems: Problems) -> Iterator[Row]:
    name = path.name
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
                # As wide as the header by now: not checked again (a strict
                # zip costs a tenth of a national file's read).
                yield Row(start, dict(zip(columns, fields, strict=False)))
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
    # In chunks, with no Python per record: the csv module writes a chunk
    # into a buffer, records ending with \n. It quotes a cell holding \n,
    # but not one holding a bare \r (the csv_writer above explains): a chunk
    # with any \r goes through that writer instead, record by record.
    buffer = io.StringIO()
    chunked = csv.writer(buffer, lineterminator="\n")
    rows = iter(rows)
    n = 0
    while chunk := list(itertools.islice(rows, _CHUNK)):
        n += len(chunk)
        buffer.seek(0)
        buffer.truncate()
        chunked.writerows(chunk)
        text = buffer.getvalue()
        if "\r" in text:
            writer.writerows(chunk)
        else:
            out.write(text)
    return n


# Records written to CSV at a time.
_CHUNK = 2000


def stdout_writer():
    return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)


@contextmanager
def buffered_stdout() -> Iterator[io.TextIOWrapper]:
    """Standard output as UTF-8 CSV text through a buffer, whatever Python's
    own stdout does (PYTHONUNBUFFERED makes each record a system call):
    what was printed before comes first, everything written is flushed after."""
    sys.stdout.flush()
    out = stdout_writer()
    try:
        yield out
    finally:
        out.flush()
        out.detach()
