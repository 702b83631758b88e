"""CSV export and import: one file per entity, references by natural key.

The format is DESIGN.md's: a header row, UTF-8 (a leading BOM accepted),
other records referred to by natural key, never by database id. ``seed/`` is
in this format, so seeding is importing.

Import validates every row and resolves every reference inside one
transaction; any problem rolls all of it back. Rows are matched to stored
records by natural key: an unchanged row is left alone, a changed one updates
the record.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from tracker import bulk, vocab
from tracker import jurisdictions as jur
from tracker.bulk import (
    JURISDICTION_COLUMNS,
    STATUS_COLUMNS,
    BulkWriter,
    StatusRow,
    status_key,
)
from tracker.csvfiles import (
    ENTITIES,
    Counts,
    Entity,
    Problems,
    Row,
    files_to_import,
    join_list,
    parse_timestamp,
    read_csv,
    split_list,
    status_rows,
    write_csv,
)
from tracker.errors import ImportFailed, InvalidValue, NotFound, TrackerError
from tracker.models import (
    ActionTarget,
    CaseParty,
    FederalAction,
    GrantAmount,
    GrantMember,
    Jurisdiction,
    JurisdictionAlias,
    LegalCase,
    PolicyStatus,
    Ruling,
    Source,
)
from tracker.values import (
    clean_text,
    fold,
    format_amount,
    parse_amount,
    parse_assistance_listing,
    parse_count,
    parse_partial_date,
    parse_year,
)

# --- shared value formatting --------------------------------------------------


def format_timestamp(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(value) -> str:
    return "" if value is None else str(value)


# --- export -------------------------------------------------------------------


def _c(session: Session, column):
    """Order text byte-wise on every engine, so exports match across engines."""
    if session.get_bind().dialect.name == "postgresql":
        return column.collate("C")
    return column


def export_rows(session: Session, entity: str) -> Iterator[tuple[str, ...]]:
    """The rows of one entity in export order, as strings. Streams."""
    e = ENTITIES[entity]
    conn = session.connection()
    j, s = Jurisdiction.__table__, Source.__table__
    if e.name == "sources":
        t = s
        q = sa.select(
            t.c.key, t.c.title, t.c.publisher, t.c.author, t.c.url, t.c.published, t.c.kind
        )
        q = q.order_by(_c(session, t.c.key))
        for row in conn.execution_options(yield_per=2000).execute(q):
            yield tuple(_text(v) for v in row)
    elif e.name == "jurisdictions":
        a = JurisdictionAlias.__table__
        aliases: dict[int, list[str]] = {}
        for jid, alias in conn.execute(sa.select(a.c.jurisdiction_id, a.c.alias)):
            aliases.setdefault(jid, []).append(alias)
        q = sa.select(
            j.c.id, j.c.ocd_id, j.c.name, j.c.kind, j.c.state, j.c.fips, j.c.population, j.c.notes
        ).order_by(_c(session, j.c.ocd_id))
        for row in conn.execution_options(yield_per=2000).execute(q):
            jid, ocd, name, kind, state, fips, pop, notes = row
            yield (
                ocd,
                name,
                kind,
                state,
                _text(fips),
                _text(pop),
                join_list(aliases.get(jid, ())),
                _text(notes),
            )
    elif e.name == "status":
        yield from _status_cursor(conn)
    elif e.name == "actions":
        t, at = FederalAction.__table__, ActionTarget.__table__
        targets: dict[int, list[str]] = {}
        for aid, ocd in conn.execute(
            sa.select(at.c.action_id, j.c.ocd_id).join(j, j.c.id == at.c.jurisdiction_id)
        ):
            targets.setdefault(aid, []).append(ocd)
        q = (
            sa.select(
                t.c.id,
                t.c.key,
                t.c.date,
                t.c.agency,
                t.c.kind,
                t.c.title,
                t.c.description,
                s.c.key,
                t.c.target_count,
            )
            .join(s, s.c.id == t.c.source_id)
            .order_by(_c(session, t.c.key))
        )
        for aid, *rest in conn.execution_options(yield_per=2000).execute(q):
            yield (*(_text(v) for v in rest), join_list(targets.get(aid, ())))
    elif e.name == "grants":
        g, gm, fa = GrantAmount.__table__, GrantMember.__table__, FederalAction.__table__
        members: dict[int, list[str]] = {}
        for gid, ocd in conn.execute(
            sa.select(gm.c.grant_id, j.c.ocd_id).join(j, j.c.id == gm.c.jurisdiction_id)
        ):
            members.setdefault(gid, []).append(ocd)
        q = (
            sa.select(
                g.c.id,
                g.c.program,
                g.c.assistance_listing,
                g.c.fiscal_year,
                g.c.amount_cents,
                g.c.amount_type,
                j.c.ocd_id,
                fa.c.key,
                s.c.key,
                g.c.note,
                g.c.recorded_at,
            )
            .join(s, s.c.id == g.c.source_id)
            .join(j, j.c.id == g.c.jurisdiction_id, isouter=True)
            .join(fa, fa.c.id == g.c.action_id, isouter=True)
            .order_by(
                g.c.fiscal_year,
                _c(session, g.c.program),
                _c(session, sa.func.coalesce(j.c.ocd_id, "")),
                _c(session, g.c.amount_type),
                g.c.recorded_at,
                g.c.id,
            )
        )
        for row in conn.execution_options(yield_per=5000).execute(q):
            gid, program, listing, fy, cents, atype, ocd, action, source, note, recorded = row
            covered = [ocd] if ocd else members.get(gid, ())
            yield (
                program,
                _text(listing),
                str(fy),
                format_amount(cents),
                atype,
                join_list(covered),
                _text(action),
                source,
                _text(note),
                format_timestamp(recorded),
            )
    elif e.name == "cases":
        c = LegalCase.__table__
        q = (
            sa.select(
                c.c.key,
                c.c.caption,
                c.c.court,
                c.c.docket,
                c.c.filed,
                c.c.status,
                c.c.summary,
                s.c.key,
            )
            .join(s, s.c.id == c.c.source_id)
            .order_by(_c(session, c.c.key))
        )
        for row in conn.execution_options(yield_per=2000).execute(q):
            yield tuple(_text(v) for v in row)
    elif e.name == "parties":
        c, cp = LegalCase.__table__, CaseParty.__table__
        q = (
            sa.select(c.c.key, cp.c.role, j.c.ocd_id, cp.c.name)
            .join(c, c.c.id == cp.c.case_id)
            .join(j, j.c.id == cp.c.jurisdiction_id, isouter=True)
            .order_by(
                _c(session, c.c.key),
                _c(session, cp.c.role),
                _c(session, sa.func.coalesce(j.c.ocd_id, "")),
                _c(session, sa.func.coalesce(cp.c.name, "")),
            )
        )
        for row in conn.execution_options(yield_per=2000).execute(q):
            yield tuple(_text(v) for v in row)
    elif e.name == "rulings":
        c, r = LegalCase.__table__, Ruling.__table__
        q = (
            sa.select(c.c.key, r.c.date, r.c.kind, r.c.judge, r.c.summary, s.c.key)
            .join(c, c.c.id == r.c.case_id)
            .join(s, s.c.id == r.c.source_id)
            .order_by(_c(session, c.c.key), _c(session, r.c.date), _c(session, r.c.kind))
        )
        for row in conn.execution_options(yield_per=2000).execute(q):
            yield tuple(_text(v) for v in row)


def _status_cursor(conn: sa.Connection) -> Iterator[tuple]:
    return status_rows(conn.connection.driver_connection, conn.dialect.name == "postgresql")


def export_dir(
    session: Session, out_dir: Path, *, excel_safe: bool = False, progress=None
) -> dict[str, int]:
    """Write every entity to ``out_dir``: all files or none.

    Each file is written beside its target under a hidden name and the set is
    moved into place only when every file is complete, so a failure (disk
    full, interrupted, database gone) never leaves partial or mixed files.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for every file, so references agree across files.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    counts = {}
    partials: list[tuple[Path, Path]] = []
    try:
        for name, e in ENTITIES.items():
            target = out_dir / e.filename
            partial = target.with_name(f".{e.filename}.partial")
            partials.append((partial, target))
            with partial.open("w", encoding="utf-8", newline="") as fh:
                rows = export_rows(session, name)
                if progress is not None:
                    rows = progress(rows, name)
                counts[name] = write_csv(fh, name, rows, excel_safe)
        for partial, target in partials:
            partial.replace(target)
    finally:
        for partial, _ in partials:
            partial.unlink(missing_ok=True)
    return counts


# --- import -------------------------------------------------------------------


class Importer:
    """Loads files in dependency order inside the caller's transaction."""

    def __init__(self, session: Session, progress: Callable | None = None):
        self.session = session
        self.conn = session.connection()
        self.problems = Problems()
        self.summary: dict[str, Counts] = {}
        self.progress = progress
        self._jur_by_ocd: dict[str, int] | None = None
        self._keys: dict[str, dict[str, int]] = {}
        self._next_placeholder = 0
        self._status_row: StatusRow | None = None
        # Jurisdictions the import would add, by folded name: (state, placeholder id).
        self._pending: dict[str, list[tuple[str, int]]] = {}

    def placeholder(self) -> int:
        """A stand-in id for a record that would be added.

        Once any problem is found nothing more is written, but later rows and
        files are still checked; references to records the import would have
        added resolve to these (negative, never stored) ids.
        """
        self._next_placeholder -= 1
        return self._next_placeholder

    def _jurisdictions_by_ocd(self) -> dict[str, int]:
        if self._jur_by_ocd is None:
            j = Jurisdiction.__table__
            self._jur_by_ocd = dict(self.conn.execute(sa.select(j.c.ocd_id, j.c.id)).all())
        return self._jur_by_ocd

    # references -----------------------------------------------------------

    def jurisdiction_id(self, ref: str | None, column: str) -> int:
        ref = ref or ""
        known = self._jurisdictions_by_ocd()
        key = ref.strip().lower()
        found = known.get(key)
        if found is not None:
            return found
        # Any other REF form a spreadsheet might hold: "Chicago, IL", FIPS, alias.
        try:
            found = jur.resolve(self.session, ref, field=column).id
        except NotFound:
            found = self._pending_ref(ref)
            if found is None:
                raise
        # A file names the same jurisdiction on many rows; REFs ignore case.
        known[key] = found
        return found

    def _pending_ref(self, ref: str) -> int | None:
        """A name or ``Name, ST`` naming one jurisdiction this import would add."""
        name, state = ref.strip(), None
        head, comma, tail = name.rpartition(",")
        if comma and (st := jur.lookup_state(tail)) is not None:
            name, state = head, st.abbr
        hits = [i for s, i in self._pending.get(fold(name), ()) if state in (None, s)]
        return hits[0] if len(hits) == 1 else None

    def _key_cache(self, table) -> dict[str, int]:
        cache = self._keys.get(table.name)
        if cache is None:
            cache = dict(self.conn.execute(sa.select(table.c.key, table.c.id)).all())
            self._keys[table.name] = cache
        return cache

    def key_id(self, table, ref: str | None, column: str, what: str) -> int:
        if not ref or not ref.strip():
            raise InvalidValue(f"{column}: a {what} key is required")
        found = self._key_cache(table).get(ref.strip())
        if found is None:
            raise NotFound(f"{column}: no {what} has the key {ref!r}")
        return found

    def source_id(self, ref: str, column: str = "source") -> int:
        return self.key_id(Source.__table__, ref, column, "source")

    # driver ---------------------------------------------------------------

    def run(self, files: list[tuple[Entity, Path]]) -> dict[str, Counts]:
        for entity, path in files:
            if self.problems.full:
                break
            rows = read_csv(path, entity, self.problems)
            if self.progress is not None:
                rows = self.progress(rows, entity.name)
            counts = self.summary.setdefault(entity.name, Counts())
            self._path = path
            getattr(self, f"load_{entity.name}")(path.name, rows, counts)
        if self.problems.total:
            raise ImportFailed(self.problems.items, self.problems.total)
        return self.summary

    def _each(self, filename: str, rows: Iterable[Row], parse) -> Iterator[tuple[Row, object]]:
        """Parse each row, turning a user error into a line-numbered problem."""
        for row in rows:
            if self.problems.full:
                return
            try:
                yield row, parse(row.values)
            except TrackerError as exc:
                self.problems.add(f"{filename}, line {row.line}: {exc}")

    def _dedupe(self, filename, seen: dict, key, row: Row, shown: str | None = None) -> bool:
        if key in seen:
            shown = shown or _show_key(key)
            self.problems.add(
                f"{filename}, line {row.line}: same record as line {seen[key]} ({shown})"
            )
            return False
        seen[key] = row.line
        return True

    # sources --------------------------------------------------------------

    def _load_keyed(self, filename, rows, counts: Counts, table, parse, unique: str, what: str):
        """Rows matched by their ``key`` column, with a second unique column
        (a source's url, a case's docket) that must not belong to another key."""
        existing = {r.key: r for r in self.conn.execute(sa.select(table))}
        owners = {getattr(r, unique): r.key for r in existing.values() if getattr(r, unique)}
        cache = self._keys.setdefault(table.name, {k: r.id for k, r in existing.items()})
        seen: dict = {}
        for row, data in self._each(filename, rows, parse):
            if not self._dedupe(filename, seen, data["key"], row):
                continue
            if data[unique]:
                owner = owners.get(data[unique])
                if owner is not None and owner != data["key"]:
                    self.problems.add(
                        f"{filename}, line {row.line}: {unique}: {data[unique]!r} already belongs to "
                        f"{what} {owner!r}"
                    )
                    continue
                owners[data[unique]] = data["key"]
            old = existing.get(data["key"])
            if self.problems.total:
                if old is None:
                    cache[data["key"]] = self.placeholder()
                continue
            if old is None:
                data["created_at"] = datetime.now(UTC)
                cache[data["key"]] = self.conn.execute(
                    table.insert().returning(table.c.id), data
                ).scalar_one()
                counts.added += 1
            elif any(getattr(old, k) != v for k, v in data.items()):
                self.conn.execute(table.update().where(table.c.id == old.id).values(**data))
                counts.updated += 1
            else:
                counts.unchanged += 1

    def load_sources(self, filename: str, rows, counts: Counts) -> None:
        from tracker import sources

        def parse(v):
            return sources.validate(
                v["title"],
                url=v["url"],
                publisher=v["publisher"],
                author=v["author"],
                published=v["published"],
                kind=v["kind"] or "news",
                key=v["key"],
            )

        self._load_keyed(filename, rows, counts, Source.__table__, parse, "url", "source")

    # jurisdictions ----------------------------------------------------------

    def load_jurisdictions(self, filename: str, rows, counts: Counts) -> None:
        t, a = Jurisdiction.__table__, JurisdictionAlias.__table__
        existing = {r.ocd_id: r for r in self.conn.execute(sa.select(t))}
        by_fips = {r.fips: r.ocd_id for r in existing.values() if r.fips}
        aliases: dict[int, set[str]] = {}
        for jid, alias in self.conn.execute(sa.select(a.c.jurisdiction_id, a.c.alias)):
            aliases.setdefault(jid, set()).add(alias)
        seen: dict = {}
        new_rows, new_aliases, updates = [], [], []
        now = datetime.now(UTC)

        def parse(v):
            return jur.validate(
                v["name"],
                v["kind"],
                v["state"],
                fips=v["fips"],
                population=parse_count(v["population"], "population") if v["population"] else None,
                aliases=split_list(v["aliases"]),
                notes=v["notes"],
                ocd_id=v["ocd_id"],
            )

        for row, data in self._each(filename, rows, parse):
            if not self._dedupe(filename, seen, data.ocd_id, row):
                continue
            if data.fips:
                owner = by_fips.get(data.fips)
                if owner is not None and owner != data.ocd_id:
                    self.problems.add(
                        f"{filename}, line {row.line}: fips: {data.fips} already belongs to {owner}"
                    )
                    continue
                by_fips[data.fips] = data.ocd_id
            values = {
                "ocd_id": data.ocd_id,
                "name": data.name,
                "name_folded": fold(data.name),
                "kind": data.kind,
                "state": data.state,
                "fips": data.fips,
                "population": data.population,
                "notes": data.notes,
            }
            old = existing.get(data.ocd_id)
            if old is None:
                values["created_at"] = now
                new_rows.append(values)
                new_aliases.append((data.ocd_id, data.aliases))
                counts.added += 1
                continue
            changed = any(getattr(old, k) != v for k, v in values.items())
            want = set(data.aliases)
            have = aliases.get(old.id, set())
            if changed or want != have:
                updates.append((old.id, values, want, have))
                counts.updated += 1
            else:
                counts.unchanged += 1
        if self.problems.total:
            known = self._jurisdictions_by_ocd()
            for values in new_rows:
                known[values["ocd_id"]] = self.placeholder()
                self._pending.setdefault(values["name_folded"], []).append(
                    (values["state"], known[values["ocd_id"]])
                )
            return
        ids = {}
        if not existing:
            # An empty table: straight to the driver, indexes built once at the end.
            writer = BulkWriter(*self._raw(), t.name, JURISDICTION_COLUMNS)
            writer.defer_indexes()
            stamp = writer.stamp(now)
            for values in new_rows:
                writer.add(tuple(values[c] for c in JURISDICTION_COLUMNS[:-1]) + (stamp,))
            writer.close()
            wanted = [ocd for ocd, als in new_aliases if als]
            for chunk in _chunks(wanted, 500):
                q = sa.select(t.c.id, t.c.ocd_id).where(t.c.ocd_id.in_(chunk))
                ids.update({ocd: jid for jid, ocd in self.conn.execute(q)})
            self._jur_by_ocd = None
        else:
            for chunk in _chunks(new_rows, 1000):
                q = t.insert().returning(t.c.id, t.c.ocd_id)
                ids.update({ocd: jid for jid, ocd in self.conn.execute(q, chunk)})
        alias_rows = [
            {"jurisdiction_id": ids[ocd], "alias": al, "alias_folded": fold(al)}
            for ocd, als in new_aliases
            for al in als
        ]
        for jid, values, want, have in updates:
            self.conn.execute(t.update().where(t.c.id == jid).values(**values))
            if want != have:
                self.conn.execute(sa.delete(a).where(a.c.jurisdiction_id == jid))
                alias_rows += [
                    {"jurisdiction_id": jid, "alias": al, "alias_folded": fold(al)} for al in want
                ]
        for chunk in _chunks(alias_rows, 1000):
            self.conn.execute(a.insert(), chunk)
        if self._jur_by_ocd is not None:
            self._jur_by_ocd.update(ids)

    # status -----------------------------------------------------------------

    def _match(
        self,
        filename: str,
        parsed: list[tuple[Row, dict, tuple]],
        matcher: "_Matcher",
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
            old = matcher.exact(sem, data["recorded_at"])
            if old is not None:
                found[i] = old
        for i, (row, data, sem) in enumerate(parsed):
            if i in found:
                continue
            candidates = matcher.candidates(sem)
            same = [c for c in candidates if all(getattr(c, k) == data[k] for k in compared)]
            if same:
                old = same[-1]
            elif len(candidates) > 1 and ambiguous_is_error:
                self.problems.add(
                    f"{filename}, line {row.line}: matches {len(candidates)} stored {what}; "
                    "give recorded_at (as exported) to say which one this row updates"
                )
                continue
            else:
                old = candidates[-1] if candidates else None
            if old is not None:
                matcher.claim(old)
                found[i] = old
        for i, (row, data, sem) in enumerate(parsed):
            yield row, data, sem, found.get(i)

    def _is_empty(self, table) -> bool:
        return (
            self.conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is None
        )

    def load_status(self, filename: str, rows, counts: Counts) -> None:
        t = PolicyStatus.__table__
        if not self.problems.total and self._is_empty(t):
            # Nothing stored to match against: stream straight to the driver.
            self._bulk_status(filename, rows, counts)
            return
        key_cols = ("jurisdiction_id", "source_id", "status", "effective", "observed")
        compared = ("citation", "quote", "note")
        stored = self.conn.execute(
            sa.select(t.c.id, *[t.c[c] for c in key_cols], *[t.c[c] for c in compared],
                      t.c.recorded_at).order_by(t.c.recorded_at, t.c.id)
        )  # fmt: skip
        matcher = _Matcher(
            (tuple(r._mapping[c] for c in key_cols), r.recorded_at, r) for r in stored
        )
        seen: dict = {}
        parsed = []

        for row, data in self._each(filename, rows, self._parse_status):
            sem = tuple(data[c] for c in key_cols)
            shown = f"{v_status(data)}"
            if self._dedupe(filename, seen, (*sem, data["recorded_at"]), row, shown):
                parsed.append((row, data, sem))
        inserts, updates = [], []
        now = datetime.now(UTC)
        for _row, data, _sem, old in self._match(
            filename, parsed, matcher, compared, "status assertions", False
        ):
            if old is None:
                data["recorded_at"] = data["recorded_at"] or now
                inserts.append(data)
                counts.added += 1
            elif any(getattr(old, k) != data[k] for k in compared):
                updates.append({"_id": old.id, **{k: data[k] for k in compared}})
                counts.updated += 1
            else:
                counts.unchanged += 1
        if self.problems.total:
            return
        for chunk in _chunks(inserts, 5000):
            self.conn.execute(t.insert(), chunk)
        if updates:
            self.conn.execute(
                t.update()
                .where(t.c.id == sa.bindparam("_id"))
                .values(**{k: sa.bindparam(k) for k in compared}),
                updates,
            )

    def _raw(self) -> tuple:
        """The driver connection under the session, and whether it is PostgreSQL."""
        return self.conn.connection.driver_connection, self.conn.dialect.name == "postgresql"

    def _bulk_status(self, filename: str, rows: Iterable[Row], counts: Counts) -> None:
        """Status rows into an empty table: validated row by row, written in
        chunks through the driver (COPY on PostgreSQL), memory flat.

        The caller's transaction still makes it all or nothing: once a problem
        is found nothing more is written, and the import is rolled back.
        """
        writer = BulkWriter(*self._raw(), PolicyStatus.__table__.name, STATUS_COLUMNS)
        writer.defer_indexes()
        now = datetime.now(UTC)
        stamped_now = writer.stamp(now)
        # Hashes, not keys, keep memory flat; a repeated hash is confirmed
        # (and its first line found) by reading the file again.
        seen: set[int] = set()
        suspects: list[tuple[int, tuple, tuple]] = []
        problems = self.problems
        for row in rows:
            if problems.full:
                break
            try:
                record = self._status_record(row.values)
            except TrackerError as exc:
                problems.add(f"{filename}, line {row.line}: {exc}")
                continue
            key = status_key(record)
            h = bulk.row_hash(key)
            if h in seen:
                suspects.append((row.line, key, record))
                continue
            seen.add(h)
            counts.added += 1
            if not problems.total:
                stamp = stamped_now if record[8] is None else writer.stamp(record[8])
                writer.add((*record[:8], stamp))
        if suspects:
            self._confirm_suspects(filename, suspects, counts, writer, now)
        writer.close(write=not problems.total)

    def _confirm_suspects(self, filename, suspects, counts: Counts, writer, now) -> None:
        """Rows whose key hashed like an earlier row's: a duplicate names the
        earlier line; a mere hash collision is written after all."""
        wanted = {key: line for line, key, _record in suspects}
        first: dict[tuple, int] = {}
        problems = Problems()
        for row, data in self._each_silently(self._path, problems):
            key = (
                data["jurisdiction_id"], data["source_id"], data["status"],
                data["effective"], data["observed"], data["recorded_at"],
            )  # fmt: skip
            if key in wanted and key not in first and row.line < wanted[key]:
                first[key] = row.line
        for line, key, record in suspects:
            if key in first:
                self.problems.add(
                    f"{filename}, line {line}: same record as line {first[key]} "
                    f"({', '.join(str(k) for k in (key[2], key[3], key[4]) if k)})"
                )
            else:
                counts.added += 1
                if not self.problems.total:
                    writer.add((*record[:8], writer.stamp(record[8] or now)))

    def _status_converter(self) -> StatusRow:
        """The status row check both import paths share, over this import's maps."""
        known = self._jurisdictions_by_ocd()
        if self._status_row is None or self._status_row.jurisdictions is not known:
            self._status_row = StatusRow(
                known,
                self._key_cache(Source.__table__),
                lambda ref: self.jurisdiction_id(ref, "jurisdiction"),
                self.source_id,
            )
        return self._status_row

    def _status_record(self, v: dict) -> tuple:
        """One status row as stored (STATUS_COLUMNS), checked and references resolved."""
        return self._status_converter()(
            v["jurisdiction"], v["status"], v["source"], v["effective"], v["observed"],
            v["citation"], v["quote"], v["note"], v["recorded_at"],
        )  # fmt: skip

    def _parse_status(self, v: dict) -> dict:
        """One status row's values by column name."""
        return dict(zip(STATUS_COLUMNS, self._status_record(v), strict=True))

    def _each_silently(self, path: Path, problems: "Problems"):
        """Re-read a status file, parsing rows the way the loader did."""
        for row in read_csv(path, ENTITIES["status"], problems):
            try:
                yield row, self._parse_status(row.values)
            except TrackerError:
                continue

    # actions ----------------------------------------------------------------

    def load_actions(self, filename: str, rows, counts: Counts) -> None:
        from tracker import actions

        t, at = FederalAction.__table__, ActionTarget.__table__
        existing = {r.key: r for r in self.conn.execute(sa.select(t))}
        cache = self._keys.setdefault("federal_action", {k: r.id for k, r in existing.items()})
        targets: dict[int, set[int]] = {}
        for aid, jid in self.conn.execute(sa.select(at.c.action_id, at.c.jurisdiction_id)):
            targets.setdefault(aid, set()).add(jid)
        seen: dict = {}

        def parse(v):
            count = parse_count(v["target_count"], "target_count") if v["target_count"] else None
            data = actions.validate(
                v["title"],
                date=v["date"],
                agency=v["agency"],
                kind=(v["kind"] or "").strip(),
                description=v["description"],
                target_count=count,
                key=v["key"],
            )
            data["source_id"] = self.source_id(v["source"])
            named = {self.jurisdiction_id(ref, "targets") for ref in split_list(v["targets"])}
            if count is not None and len(named) > count:
                raise InvalidValue(
                    f"target_count: {count} is fewer than the {len(named)} named targets"
                )
            return data, named

        for row, (data, named) in self._each(filename, rows, parse):
            if not self._dedupe(filename, seen, data["key"], row):
                continue
            old = existing.get(data["key"])
            if self.problems.total:
                if old is None:
                    cache[data["key"]] = self.placeholder()
                continue
            if old is None:
                data["created_at"] = datetime.now(UTC)
                aid = self.conn.execute(t.insert().returning(t.c.id), data).scalar_one()
                cache[data["key"]] = aid
                if named:
                    self.conn.execute(
                        at.insert(), [{"action_id": aid, "jurisdiction_id": j} for j in named]
                    )
                counts.added += 1
                continue
            have = targets.get(old.id, set())
            if any(getattr(old, k) != v for k, v in data.items()) or named != have:
                self.conn.execute(t.update().where(t.c.id == old.id).values(**data))
                if named != have:
                    self.conn.execute(sa.delete(at).where(at.c.action_id == old.id))
                    if named:
                        self.conn.execute(
                            at.insert(),
                            [{"action_id": old.id, "jurisdiction_id": j} for j in named],
                        )
                counts.updated += 1
            else:
                counts.unchanged += 1

    # grants -----------------------------------------------------------------

    def load_grants(self, filename: str, rows, counts: Counts) -> None:
        """Grant amounts have no key column. A row is the amount a source gives
        for a program, fiscal year and amount type, to one jurisdiction, to
        several (an aggregate) or to an action; recorded_at, when given, tells
        apart amounts that say the same thing."""
        t, gm = GrantAmount.__table__, GrantMember.__table__
        members: dict[int, frozenset[int]] = {}
        for gid, jid in self.conn.execute(sa.select(gm.c.grant_id, gm.c.jurisdiction_id)):
            members[gid] = members.get(gid, frozenset()) | {jid}
        compared = ("assistance_listing", "amount_cents", "note")

        def natural(data, covered) -> tuple:
            return (
                data["program"],
                data["fiscal_year"],
                data["amount_type"],
                data["source_id"],
                covered,
                data["action_id"],
            )

        def stored():
            for r in self.conn.execute(sa.select(t).order_by(t.c.recorded_at, t.c.id)):
                covered = (
                    frozenset([r.jurisdiction_id])
                    if r.jurisdiction_id
                    else members.get(r.id, frozenset())
                )
                yield natural(r._mapping, covered), r.recorded_at, r

        matcher = _Matcher(stored())
        seen: dict = {}
        parsed = []

        def parse(v):
            listing = parse_assistance_listing(v["assistance_listing"], "assistance_listing")
            covered = frozenset(
                self.jurisdiction_id(ref, "jurisdictions") for ref in split_list(v["jurisdictions"])
            )
            action_id = (
                self.key_id(FederalAction.__table__, v["action"], "action", "action")
                if v["action"]
                else None
            )
            if not covered and action_id is None:
                raise InvalidValue("jurisdictions: give a jurisdiction, several, or an action")
            recorded = v["recorded_at"]
            return {
                "program": clean_text(v["program"], "program", required=True),
                "assistance_listing": listing,
                "fiscal_year": parse_year(v["fiscal_year"] or "", "fiscal_year"),
                "amount_cents": parse_amount(v["amount"] or "", "amount"),
                "amount_type": vocab.parse_choice(
                    vocab.AmountType, (v["amount_type"] or "").strip(), "amount_type"
                ).value,
                "covered": covered,
                "action_id": action_id,
                "source_id": self.source_id(v["source"]),
                "note": clean_text(v["note"], "note"),
                "recorded_at": parse_timestamp(recorded, "recorded_at") if recorded else None,
            }

        for row, data in self._each(filename, rows, parse):
            sem = natural(data, data["covered"])
            shown = f"{data['program']}, {data['fiscal_year']}, {data['amount_type']}"
            if self._dedupe(filename, seen, (*sem, data["recorded_at"]), row, shown):
                parsed.append((row, data, sem))
        now = datetime.now(UTC)
        for _row, data, _sem, old in self._match(
            filename, parsed, matcher, compared, "grant amounts", True
        ):
            covered = data.pop("covered")
            if old is not None:
                change = {k: data[k] for k in compared if getattr(old, k) != data[k]}
                if change and not self.problems.total:
                    self.conn.execute(t.update().where(t.c.id == old.id).values(**change))
                counts.updated += bool(change)
                counts.unchanged += not change
                continue
            counts.added += 1
            if self.problems.total:
                continue
            single = len(covered) == 1 and data["action_id"] is None
            data["scope"] = "jurisdiction" if single else "aggregate"
            data["jurisdiction_id"] = next(iter(covered)) if single else None
            data["recorded_at"] = data["recorded_at"] or now
            gid = self.conn.execute(t.insert().returning(t.c.id), data).scalar_one()
            if not single and covered:
                self.conn.execute(
                    gm.insert(), [{"grant_id": gid, "jurisdiction_id": j} for j in covered]
                )

    # cases ------------------------------------------------------------------

    def load_cases(self, filename: str, rows, counts: Counts) -> None:
        from tracker import cases

        def parse(v):
            data = cases.validate(
                v["caption"],
                court=v["court"],
                docket=v["docket"],
                filed=v["filed"],
                status=(v["status"] or "pending").strip(),
                summary=v["summary"],
                key=v["key"],
            )
            data["source_id"] = self.source_id(v["source"])
            return data

        self._load_keyed(filename, rows, counts, LegalCase.__table__, parse, "docket", "case")

    def case_id(self, ref: str) -> int:
        return self.key_id(LegalCase.__table__, ref, "case", "case")

    def load_parties(self, filename: str, rows, counts: Counts) -> None:
        t = CaseParty.__table__
        existing = {
            (r.case_id, r.role, r.jurisdiction_id, r.name)
            for r in self.conn.execute(
                sa.select(t.c.case_id, t.c.role, t.c.jurisdiction_id, t.c.name)
            )
        }
        seen: dict = {}

        def parse(v):
            role = vocab.parse_choice(vocab.PartyRole, (v["role"] or "").strip(), "role").value
            jref, name = v["jurisdiction"], clean_text(v["name"], "name")
            if bool(jref) == bool(name):
                raise InvalidValue("jurisdiction, name: give exactly one of them")
            jid = self.jurisdiction_id(jref, "jurisdiction") if jref else None
            return {
                "case_id": self.case_id(v["case"] or ""),
                "role": role,
                "jurisdiction_id": jid,
                "name": name,
            }

        for row, data in self._each(filename, rows, parse):
            key = (data["case_id"], data["role"], data["jurisdiction_id"], data["name"])
            if not self._dedupe(filename, seen, key, row):
                continue
            if self.problems.total:
                continue
            if key in existing:
                counts.unchanged += 1
            else:
                self.conn.execute(t.insert(), data)
                counts.added += 1

    def load_rulings(self, filename: str, rows, counts: Counts) -> None:
        t = Ruling.__table__
        existing = {(r.case_id, r.date, r.kind): r for r in self.conn.execute(sa.select(t))}
        seen: dict = {}

        def parse(v):
            return {
                "case_id": self.case_id(v["case"] or ""),
                "date": parse_partial_date(v["date"] or "", "date"),
                "kind": vocab.parse_choice(
                    vocab.RulingKind, (v["kind"] or "").strip(), "kind"
                ).value,
                "judge": clean_text(v["judge"], "judge"),
                "summary": clean_text(v["summary"], "summary"),
                "source_id": self.source_id(v["source"]),
            }

        for row, data in self._each(filename, rows, parse):
            key = (data["case_id"], data["date"], data["kind"])
            if not self._dedupe(filename, seen, key, row):
                continue
            if self.problems.total:
                continue
            old = existing.get(key)
            if old is None:
                data["created_at"] = datetime.now(UTC)
                self.conn.execute(t.insert(), data)
                counts.added += 1
            elif any(getattr(old, k) != v for k, v in data.items()):
                self.conn.execute(t.update().where(t.c.id == old.id).values(**data))
                counts.updated += 1
            else:
                counts.unchanged += 1


class _Matcher:
    """Stored records by what they say (``sem``) and by (``sem``, recorded_at)."""

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


def v_status(data: dict) -> str:
    dates = [f"{k} {data[k]}" for k in ("effective", "observed") if data[k]]
    return ", ".join([data["status"], *dates])


def _show_key(key) -> str:
    if isinstance(key, tuple):
        return ", ".join(str(k) for k in key if k is not None and not isinstance(k, frozenset))
    return str(key)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def import_files(
    session: Session, path: Path, *, entity: str | None = None, progress=None
) -> dict[str, Counts]:
    """Import into the session's transaction; raises ImportFailed with every problem."""
    files = files_to_import(path, entity)
    return Importer(session, progress).run(files)
