"""A batch of rows on their way into the database: what every entity's write shares.

Every write goes through a Batch: ``tracker import`` and ``tracker seed``
with a file's rows, the ``add`` and ``update`` commands with one row each.
Each entity's domain module checks its rows and stores them through it
(``sources.write``, ``jurisdictions.write``, ...), so a rule lives once, in
the entity's module, whatever path the row came by.

A batch from a file collects problems (``file, line N: ...``) and goes on
checking after the first, writing nothing more; the caller raises
ImportFailed and rolls back. A batch of one row (``where`` None) raises the
first problem as it is, so a command says exactly what is wrong.

A row holds only the columns its file has. Matched to a stored record, it
changes only those (``present``): a column the file lacks leaves the field
as stored, and each write lets a key column the file lacks take no part in
the match.

A batch asked to (``changes`` a list: a dry run) also records each record
its writes add or update, with every changed field's old and new value as a
CSV file shows them: the diff is what the write path itself does.
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from tracker.csvformat import ENTITIES, Counts, Problems, Row, join_list
from tracker.errors import InvalidRow, InvalidValue, NotFound, TrackerError
from tracker.models import FederalAction, Jurisdiction, LegalCase, Source, utcnow
from tracker.values import format_amount, format_timestamp

# Rows per INSERT statement or IN list: well under every engine's limit on parameters.
CHUNK = 500


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def present(row: Row, data: dict, columns: dict[str, str] | None = None) -> dict:
    """``data`` (a record's stored fields) cut to the columns ``row`` has:
    what a row matched to a stored record may change. ``columns`` names
    the CSV column of a field whose name differs (``source_id``: ``source``)."""
    v = row.values
    columns = columns or {}
    return {k: x for k, x in data.items() if columns.get(k, k) in v}


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a file's rows are loaded.

    A batch keeps what it has read until the end (keys, names, rows to
    write), and each pass of the collector walks all of it again, finding
    nothing: rows hold no cycles, and reference counting frees them as
    usual. On 100,000 jurisdictions that was 0.3 s of 2.6 s of CPU.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class Change(NamedTuple):
    """A record a write adds or updates: ``fields`` are (field, old, new),
    values as a CSV file shows them (None for no value)."""

    entity: str
    key: str
    change: str
    fields: tuple[tuple[str, str | None, str | None], ...]


# Stored reference columns, shown as the natural key of what they name.
_REFERENCES = {
    "source_id": ("source", Source.c.key),
    "action_id": ("action", FederalAction.c.key),
    "case_id": ("case", LegalCase.c.key),
    "jurisdiction_id": ("jurisdiction", Jurisdiction.c.ocd_id),
    "replaces_id": ("replaces", FederalAction.c.key),
}
# Stored columns no file has.
_INTERNAL = frozenset({"name_folded", "scope", "created_at"})


class Batch:
    """The connection, the problems found so far, and the references resolved
    so far (natural keys to ids, with stand-ins for records not written)."""

    def __init__(
        self,
        conn: sa.Connection,
        *,
        where: str | None = None,
        progress: Callable | None = None,
        labels: dict[str, str] | None = None,
    ):
        self.conn = conn
        # How a command names the columns its messages start with ("fiscal year").
        self.labels = labels or {}
        self.postgres = conn.dialect.name == "postgresql"
        self.where = where
        self.progress = progress
        self.problems = Problems()
        self.summary: dict[str, Counts] = {}
        self._keys: dict[str, dict[str, int]] = {}
        # Records without a key column, by what identifies them (``resolved``).
        self._resolved: dict[str, dict] = {}
        self._next_placeholder = 0
        # REF -> jurisdiction id, and the index behind it (tracker.jurisdictions.ref_id).
        self.jurisdictions: dict[str, int] | None = None
        self.ref_index = None
        # Jurisdictions the batch would add, by folded name: (state, placeholder id).
        self.pending: dict[str, list[tuple[str, int]]] = {}
        # The registry a file's REFs may name (tracker.jurisdictions.ref_id), read once.
        self.registry = None
        # List entries the batch adds, (action id, name, jurisdiction id) -> id, or a
        # stand-in once it has failed: the entry fates of a later file find them.
        self.entries: dict[tuple[int, str, int], int] = {}
        # What the writes add and update, when asked (a dry run); None: not recorded.
        self.changes: list[Change] | None = None
        self._shown_keys: dict[str, dict[int, str]] = {}

    # problems ---------------------------------------------------------------

    @property
    def failed(self) -> bool:
        return self.problems.total > 0

    def problem(self, row: Row, message: str | TrackerError) -> None:
        """Record a problem with ``row`` (each one, when it is an InvalidRow);
        in a batch of one, raise it."""
        exc = message if isinstance(message, TrackerError) else InvalidValue(message)
        found = exc.problems if isinstance(exc, InvalidRow) else [exc]
        if self.where is None:
            found = [self._labelled(e) for e in found]
            raise found[0] if len(found) == 1 else InvalidRow(found)
        for e in found:
            self.problems.add(f"{self.where}, line {row.line}: {e}")

    def _labelled(self, exc: TrackerError) -> TrackerError:
        """The message as a command names the field ("fiscal year", not "fiscal_year")."""
        column, colon, rest = str(exc).partition(":")
        if colon and column in self.labels:
            return type(exc)(f"{self.labels[column]}:{rest}")
        return exc

    def each(self, rows: Iterable[Row], parse: Callable) -> Iterator[tuple[Row, object]]:
        """Parse each row, turning a user error into a problem on its line."""
        for row in rows:
            if self.problems.full:
                return
            try:
                yield row, parse(row.values)
            except TrackerError as exc:
                self.problem(row, exc)

    def first_time(self, seen: dict, key, row: Row, shown: str | None = None) -> bool:
        """False (and a problem) when an earlier row of the batch is the same record."""
        if key in seen:
            shown = shown or _show_key(key)
            self.problem(row, f"same record as line {seen[key]} ({shown})")
            return False
        seen[key] = row.line
        return True

    def counts(self, entity: str) -> Counts:
        return self.summary.setdefault(entity, Counts())

    def placeholder(self) -> int:
        """A stand-in id for a record that would be added.

        Once any problem is found nothing more is written, but later rows and
        files are still checked; references to records the batch would have
        added resolve to these (negative, never stored) ids.
        """
        self._next_placeholder -= 1
        return self._next_placeholder

    # changes ------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """Whether changes are recorded (a dry run that has found no problem)."""
        return self.changes is not None and not self.failed

    def added(self, entity: str, key: str, fields: dict, extra: Iterable = ()) -> None:
        """Record a record the batch adds: ``fields`` its stored columns and
        values, ``extra`` more (field, None, value) as shown (an action's targets)."""
        if not self.recording:
            return
        shown = [self.shown(k, v) for k, v in fields.items() if k not in _INTERNAL]
        shown += [(k, v) for k, _none, v in extra]
        found = [(k, None, v) for k, v in shown if v is not None]
        self.changes.append(Change(entity, key, "added", _in_file_order(entity, found)))

    def updated(
        self, entity: str, key: str, changed: Iterable[tuple], extra: Iterable = ()
    ) -> None:
        """Record a stored record the batch updates: ``changed`` holds
        (column, stored value, new value), ``extra`` more (field, old, new)
        as shown (an action's targets)."""
        if not self.recording:
            return
        fields = list(extra)
        for column, old, new in changed:
            if column not in _INTERNAL:
                name, was = self.shown(column, old)
                fields.append((name, was, self.shown(column, new)[1]))
        self.changes.append(Change(entity, key, "updated", _in_file_order(entity, fields)))

    def shown(self, column: str, value) -> tuple[str, str | None]:
        """A stored column and value as a CSV file names and writes them."""
        if value is None or value == "":
            return _REFERENCES.get(column, (column,))[0], None
        if column in _REFERENCES:
            name, key = _REFERENCES[column]
            return name, self.key_of(key, value)
        if column == "amount_cents":
            return "amount", format_amount(value)
        if isinstance(value, datetime):
            return column, format_timestamp(value)
        if isinstance(value, set | frozenset | list | tuple):
            return column, join_list(value) or None
        return column, str(value)

    def key_of(self, column: sa.Column, record_id: int) -> str:
        """The natural key (``column``) of the record ``record_id``: read
        once per table, then per record added since."""
        keys = self._shown_keys.get(column.table.name)
        if keys is None:
            q = sa.select(column.table.c.id, column)
            keys = self._shown_keys[column.table.name] = dict(self.conn.execute(q).all())
        found = keys.get(record_id)
        if found is None:
            q = sa.select(column).where(column.table.c.id == record_id)
            found = keys[record_id] = self.conn.execute(q).scalar_one()
        return found

    # references ---------------------------------------------------------------

    def key_cache(self, table: sa.Table) -> dict[str, int]:
        """Natural key -> id of every stored record of ``table`` (and those added)."""
        cache = self._keys.get(table.name)
        if cache is None:
            cache = dict(self.conn.execute(sa.select(table.c.key, table.c.id)).all())
            self._keys[table.name] = cache
        return cache

    def resolved(self, name: str, load: Callable[[], dict]) -> dict:
        """What identifies each record of a kind without a key column (a
        ruling: its case, date and kind) -> its id: ``load``-ed from the
        database once, then kept up to date by the write that adds them
        (stand-in ids once the batch has failed), so a later file's rows
        find them."""
        found = self._resolved.get(name)
        if found is None:
            found = self._resolved[name] = load()
        return found

    def store(
        self,
        table: sa.Table,
        old,
        data: dict,
        counts: Counts,
        entity: str,
        *,
        changed: bool = False,
        extra: Iterable[tuple[str, str | None, str | None]] = (),
    ) -> int | None:
        """Store a keyed record (``data["key"]``): add it, or update ``old``
        where ``data`` (the fields the row has) differs or ``changed`` says
        something beside its fields did, counting which; ``extra`` shows
        that something (field, old, new) when changes are recorded. Its id;
        None once the batch has failed, when nothing more is written (a
        record it would add gets a stand-in id)."""
        if self.failed:
            if old is None:
                self.key_cache(table)[data["key"]] = self.placeholder()
            return None
        if old is None:
            q = table.insert().returning(table.c.id)
            new_id = self.conn.execute(q, {**data, "created_at": utcnow()}).scalar_one()
            if self.where is not None:
                self.key_cache(table)[data["key"]] = new_id
            counts.added += 1
            fields = {k: v for k, v in data.items() if k != "key"}
            self.added(entity, data["key"], fields, extra)
            return new_id
        differ = {k: v for k, v in data.items() if getattr(old, k) != v}
        if differ:
            self.conn.execute(table.update().where(table.c.id == old.id).values(**differ))
        if differ or changed:
            counts.updated += 1
            stored = ((k, getattr(old, k), v) for k, v in differ.items())
            self.updated(entity, old.key, stored, extra)
        else:
            counts.unchanged += 1
        return old.id

    def key_id(self, table: sa.Table, ref: str | None, column: str, what: str) -> int:
        if not ref or not ref.strip():
            raise InvalidValue(f"{column}: a {what} key is required")
        if self.where is None:
            # A command's one row: ask the database, not every key at once.
            q = sa.select(table.c.id).where(table.c.key == ref.strip())
            found = self.conn.execute(q).scalar()
        else:
            found = self.key_cache(table).get(ref.strip())
        if found is None:
            raise NotFound(f"{column}: no {what} has the key {ref!r}")
        return found


class Fields:
    """The problems of one row, every one: each field is checked even after
    another failed, so a row with three mistakes gets three lines.

    ``check(parse, *args)`` returns what ``parse`` returns, or None after
    noting its problem; ``done()`` raises what was noted (one problem as it
    is, several as an InvalidRow) and leaves the instance ready for the
    next row. Hot paths test ``problems`` before calling ``done``.
    """

    __slots__ = ("problems",)

    def __init__(self) -> None:
        self.problems: list[TrackerError] = []

    def check(self, parse: Callable, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except InvalidRow as exc:
            self.problems.extend(exc.problems)
        except TrackerError as exc:
            self.problems.append(exc)
        return None

    def add(self, problem: TrackerError) -> None:
        self.problems.append(problem)

    def done(self) -> None:
        if self.problems:
            found, self.problems = self.problems, []
            raise found[0] if len(found) == 1 else InvalidRow(found)


class Matcher:
    """Stored records of an entity without a key column (status assertions,
    grant amounts), by what they say (``sem``) and by (``sem``, recorded_at)."""

    def __init__(self, stored: Iterable[tuple[tuple, datetime, object]]):
        self.by_full: dict[tuple, object] = {}
        self.by_sem: dict[tuple, list] = {}
        self.claimed: set[int] = set()
        for sem, recorded, r in stored:
            self.by_full[(sem, recorded)] = r
            self.by_sem.setdefault(sem, []).append(r)

    def exact(self, sem: tuple, recorded: datetime | None):
        r = self.by_full.get((sem, recorded)) if recorded is not None else None
        if r is None or r.id in self.claimed:
            return None
        self.claim(r)
        return r

    def candidates(self, sem: tuple) -> list:
        return [r for r in self.by_sem.get(sem, ()) if r.id not in self.claimed]

    def claim(self, r) -> None:
        self.claimed.add(r.id)

    def pair(
        self,
        batch: Batch,
        parsed: list[tuple[Row, dict, tuple]],
        compared: tuple[str, ...],
        what: str,
        ambiguous_is_error: bool,
    ) -> Iterator[tuple[Row, dict, tuple, object | None]]:
        """Pair each parsed row with the stored record it is, or None for a new one.

        Rows whose recorded_at names a stored record claim it first; the rest
        match on what they say, preferring a record with the same values.
        """
        found: dict[int, object] = {}
        for i, (_row, data, sem) in enumerate(parsed):
            old = self.exact(sem, data["recorded_at"])
            if old is not None:
                found[i] = old
        for i, (row, data, sem) in enumerate(parsed):
            if i in found:
                continue
            candidates = self.candidates(sem)
            same = [c for c in candidates if all(getattr(c, k) == data[k] for k in compared)]
            if same:
                old = same[-1]
            elif len(candidates) > 1 and ambiguous_is_error:
                batch.problem(
                    row,
                    f"matches {len(candidates)} stored {what}; "
                    "give recorded_at (as exported) to say which one this row updates",
                )
                continue
            else:
                old = candidates[-1] if candidates else None
            if old is not None:
                self.claim(old)
                found[i] = old
        for i, (row, data, sem) in enumerate(parsed):
            yield row, data, sem, found.get(i)


def _in_file_order(entity: str, fields: list[tuple]) -> tuple[tuple, ...]:
    """Fields in the order of the entity's CSV columns."""
    order = {c: i for i, c in enumerate(ENTITIES[entity].columns)}
    return tuple(sorted(fields, key=lambda f: order.get(f[0], len(order))))


def _show_key(key) -> str:
    if isinstance(key, tuple):
        return ", ".join(str(k) for k in key if k is not None and not isinstance(k, frozenset))
    return str(key)
