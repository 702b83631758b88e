"""The status in force: the one rule, and each jurisdiction's periods of
status, derived from its assertions and kept on the write path.

The rule (DESIGN.md: "the latest assertion in force on that date"; "it has
held 'since' the start of the unbroken run of that status"), for one
jurisdiction and for all of them alike:

An assertion counts from its start: effective, else observed, else its
source's published date, else never known (''). Starts are dates as entered;
compared as text they sort by their first day (a shorter prefix first), so
"starts on or before the day" is ``start <= day`` for a full YYYY-MM-DD day,
in SQL (byte-wise on PostgreSQL) and in Python alike. Of two assertions the
newer is the one with the later start, then the later recorded_at, then the
higher id.

A jurisdiction's assertions in force on the day, newest first, whatever
their sources:
- the status in force is the newest one's; ``last_asserted`` is its start;
- the run is the newest ones up to the first with another status (a source
  saying otherwise in between ends it, whoever says what after); "since" is
  the start of the run's oldest assertion with an effective date, else of its
  oldest with an observed date, else of its oldest;
- each source's newest assertion is its latest word; the other sources whose
  latest word is another status disagree, newest first.

Periods. What is in force changes only on the days assertions start: from
each start on, until the next, one status, "since", source and
disagreement. ``decide`` applies the rule to the words in force on a day;
``status_periods`` keeps every period of each jurisdiction, so that what is
in force on a day is read off the last period starting on or before it (``kept``).

Kept on the write path. ``status_periods`` holds each jurisdiction's periods,
so a national report reads one row per jurisdiction instead of a million
assertions. Whatever changes what decides them marks the jurisdiction in
``status_periods_stale``, by triggers (``install``), whatever path writes:
an assertion added, updated or removed, a source's published date changed.
(A bulk load on SQLite sets the row trigger aside and marks the
jurisdictions it wrote itself, ``adding``.) Each write
transaction computes the marked ones again before it commits
(``db.connect``, ``refresh``). A reader takes the kept periods of unmarked
jurisdictions and computes the marked ones from their assertions, so an
answer never depends on a writer having done that work.

Going on. A kept row also says where the rule stood after the newest
assertion (the run's best origin, every source's latest word, that
assertion's id), so a write that adds a few assertions after a
jurisdiction's newest (``status set``, a file of new ones) takes its periods
on from there (``go_on``): its cost is the new assertions', not the
jurisdiction's whole history. A test holds it to the computation from scratch.
"""

import itertools
import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

import sqlalchemy as sa

from tracker import vocab
from tracker.batch import collector_paused
from tracker.db import BulkWriter, fetch_all, literal_sql, stream
from tracker.models import PolicyStatus, Source, StatusPeriods, StatusPeriodsStale

# A word: (start, jurisdiction_id, source_id, code, id), one per assertion; a
# jurisdiction's words come from the database oldest first, in the rule's
# order (start, recorded_at, id: ``words_query``), and are taken in that
# order. The code is the status's place in the vocabulary (the column's
# CHECK allows nothing else) plus 8 times what the start is (_EFFECTIVE,
# _OBSERVED, or _OTHER: the published date or nothing): a small int costs
# less than strings a million times over. The id is the assertion's.
START, JURISDICTION, SOURCE, CODE, ID = 0, 1, 2, 3, 4
STATUSES = [s.value for s in vocab.Status]
_EFFECTIVE, _OBSERVED, _OTHER = 0, 1, 2


class Period(NamedTuple):
    """What is in force after a jurisdiction's words: the newest word, "since"
    (None: never known), and the other sources' latest words with another
    status, newest first."""

    current: tuple
    since: str | None
    disagreeing: list[tuple]

    @property
    def status(self) -> str:
        return STATUSES[self.current[CODE] & 7]


def _disagreeing(words: list[tuple]) -> list[tuple]:
    """Of sorted words, the other sources' latest words with another status
    than the newest's, newest first."""
    latest: dict[int, tuple] = {}
    for word in words:
        latest.pop(word[SOURCE], None)
        latest[word[SOURCE]] = word
    status = words[-1][CODE] & 7
    return [w for w in reversed(latest.values()) if w[CODE] & 7 != status]


def decide(words: list[tuple]) -> Period:
    """The rule over the words in force (not empty, oldest first)."""
    since = _stored(0, words)[3]
    return Period(words[-1], since, _disagreeing(words))


def start_of(conn: sa.Connection):
    """An assertion's start in SQL (byte-wise on PostgreSQL, as in Python)."""
    p, s = PolicyStatus, Source
    start = sa.func.coalesce(p.c.effective, p.c.observed, s.c.published, "")
    return start.collate("C") if conn.dialect.name == "postgresql" else start


# The words' query and its start, built once per dialect (every write of a
# status asks for them).
_WORDS: dict[str, tuple] = {}


def words_query(conn: sa.Connection, day: str | None = None):
    """Every word (one per assertion), by jurisdiction, each one's oldest
    first; ``day``: only those in force on it."""
    built = _WORDS.get(conn.dialect.name)
    if built is None:
        p, s = PolicyStatus, Source
        start = start_of(conn)
        status = sa.case({v: i for i, v in enumerate(STATUSES)}, value=p.c.status)
        origin = sa.case(
            (p.c.effective.is_not(None), 8 * _EFFECTIVE),
            (p.c.observed.is_not(None), 8 * _OBSERVED),
            else_=8 * _OTHER,
        )
        q = (
            sa.select(start, p.c.jurisdiction_id, p.c.source_id, status + origin, p.c.id)
            .join(s, s.c.id == p.c.source_id)
            .order_by(p.c.jurisdiction_id, start, p.c.recorded_at, p.c.id)
        )
        built = _WORDS[conn.dialect.name] = (q, start)
    q, start = built
    return q if day is None else q.where(start <= day)


def by_jurisdiction(rows: Iterable[tuple], at: int = JURISDICTION) -> Iterator[tuple[int, list]]:
    """Each jurisdiction's rows from rows ordered by jurisdiction (its id at
    ``at``; by default the words of a ``words_query``), one jurisdiction's
    in memory at a time."""
    for jid, group in itertools.groupby(rows, operator.itemgetter(at)):
        yield jid, list(group)


def in_force(conn: sa.Connection, day: str, jurisdictions=None) -> Iterator[tuple[int, Period]]:
    """What is in force on ``day`` for each jurisdiction with a word in force
    then, by id, computed from its assertions. ``jurisdictions``: an id, or
    a select of the ids to look at (default all)."""
    q = words_query(conn, day)
    p = PolicyStatus
    if isinstance(jurisdictions, int):
        q = q.where(p.c.jurisdiction_id == jurisdictions)
    elif jurisdictions is not None:
        q = q.where(p.c.jurisdiction_id.in_(jurisdictions))
    # One jurisdiction's (a dossier, a command's answer): read as any query
    # is; more are streamed.
    one = isinstance(jurisdictions, int)
    rows = conn.execute(q) if one else stream(conn, q, "tracker_in_force")
    for jid, words in by_jurisdiction(rows):
        yield jid, decide(words)


# --- kept -------------------------------------------------------------------------
#
# A status_periods row: the period in force from the newest start on in
# columns (start, status, since, source_id, and the disagreement as
# ``status:source_id;...``, newest first), and the older ones in
# ``earlier``, newest first, a line each:
# ``start<TAB>status<TAB>since<TAB>source_id<TAB>disagreement``, as the columns.


def said(words: list[tuple]) -> str | None:
    """Disagreeing words as stored: ``status:source_id;...``."""
    return ";".join([f"{STATUSES[w[CODE] & 7]}:{w[SOURCE]}" for w in words]) or None


# Words as stored (``status:source_id``) by status + 8 * source_id: a few
# hundred distinct, made once each.
_STORED: dict[int, str] = {}


def _said_of(code: int, source: int) -> str:
    said = _STORED.get(code & 7 | source << 3)
    if said is None:
        said = _STORED[code & 7 | source << 3] = f"{STATUSES[code & 7]}:{source}"
    return said


class Resume(NamedTuple):
    """Where the rule stood after a jurisdiction's newest word, as its kept
    row holds it: the newest period (its start, the newest word, the run's
    best origin and the word "since" comes from), each source's latest word
    (status, as stored) oldest first, and the older periods' text."""

    previous: str
    newest: tuple
    status: int
    origin: int
    first: tuple
    latest: dict[int, tuple[int, str]]
    earlier: str | None


def resume(row) -> Resume | None:
    """Where to go on from, out of a kept ``status_periods`` row (None when
    the row was written before it kept that)."""
    if row.origin is None or row.sources is None or row.last_id is None:
        return None
    now = STATUSES.index(row.status)
    other = {}
    for said in row.disagreement.split(";") if row.disagreement else ():
        status, source = said.split(":")
        other[int(source)] = STATUSES.index(status)
    latest = {}
    for source in reversed(row.sources.split(";")):
        code = other.get(int(source), now)
        latest[int(source)] = (code, _said_of(code, int(source)))
    newest = (row.start, row.jurisdiction_id, row.source_id, now, row.last_id)
    return Resume(row.start, newest, now, row.origin, (row.since or "",), latest, row.earlier)


def _stored(jid: int, words: list[tuple], resumed: Resume | None = None) -> tuple:
    """A ``status_periods`` row from a jurisdiction's words (not empty, oldest
    first): the run rule, period by period; ``resumed``: the words come after
    those a kept row was computed from, and the rule goes on from where it
    stood. The words are taken a start at a time; after each start's, "since"
    is the start of the run's oldest word with the best date (effective,
    else observed, else any)."""
    lines = []
    # Each source's latest word so far, (status, as stored), oldest first.
    latest: dict[int, tuple[int, str]] = {}
    forget, stored = latest.pop, _STORED
    status = origin = first = previous = None
    if resumed is not None:
        previous, status, origin, first = (resumed.previous, resumed.status, resumed.origin,
                                           resumed.first)  # fmt: skip
        latest.update(resumed.latest)
    for j, word in enumerate(words):
        if word[START] != previous:
            if j or resumed is not None:
                # The period of the start before: from it on, until this one.
                newest = words[j - 1] if j else resumed.newest
                now = newest[CODE] & 7
                others = ";".join([w for s, w in reversed(latest.values()) if s != now])
                lines.append(f"{previous}\t{STATUSES[now]}\t{first[START] or ''}\t"
                             f"{newest[SOURCE]}\t{others}")  # fmt: skip
            previous = word[START]
        code = word[CODE]
        if code & 7 != status:
            # Another status: a new run, this word its oldest.
            status, origin, first = code & 7, code >> 3, word
        elif code >> 3 < origin:
            # A better date than any older word of the run: "since" is its start.
            origin, first = code >> 3, word
        source = word[SOURCE]
        forget(source, None)
        said = stored.get(code & 7 | source << 3)
        if said is None:
            said = _said_of(code, source)
        latest[source] = (code & 7, said)
    newest = words[-1]
    now = newest[CODE] & 7
    others = ";".join([w for s, w in reversed(latest.values()) if s != now])
    earlier = "\n".join(reversed(lines)) or None
    if resumed is not None and resumed.earlier:
        earlier = f"{earlier}\n{resumed.earlier}" if earlier else resumed.earlier
    return (jid, previous, STATUSES[now], first[START] or None, newest[SOURCE],
            others or None, earlier, origin, ";".join(map(str, reversed(latest))),
            newest[ID])  # fmt: skip


class Kept(NamedTuple):
    """A kept period as a report shows it; the disagreement as stored
    (``status:source_id;...``, newest first), None when none."""

    start: str
    status: str
    since: str | None
    source_id: int
    disagreement: str | None


def columns(day: str) -> tuple:
    """The columns a reader selects for ``day``, in ``kept``'s order (the
    older periods only where the newest starts after the day)."""
    t = StatusPeriods
    earlier = sa.case((t.c.start > day, t.c.earlier), else_=None)
    return (t.c.start, t.c.status, t.c.since, t.c.source_id, t.c.disagreement, earlier)


def kept(row: tuple, day: str) -> Kept | None:
    """The kept period in force on ``day`` (a full YYYY-MM-DD) from a row of
    ``columns(day)``; None when there is none (no row, or every period later)."""
    start, status, since, source, disagreement, earlier = row
    if start is None:
        return None
    if start <= day:
        return Kept(start, status, since, source, disagreement)
    if not earlier:
        return None
    # A line starts with its start (at most 10 characters) and a tab, which
    # sorts below any character of a date: a line is below the day and a
    # newline exactly when its start is on or before the day. Lines are
    # newest first: the first such is the period in force.
    bound = day + "\n"
    for line in earlier.split("\n"):
        if line < bound:
            break
    else:
        return None
    start, status, since, source, disagreement = line.split("\t")
    return Kept(start, status, since or None, int(source), disagreement or None)


@contextmanager
def adding(conn: sa.Connection) -> Iterator[set[int]]:
    """Assertions added: the caller puts their jurisdictions in the set.

    A few jurisdictions whose kept periods were up to date, and whose new
    assertions all come after their newest (the common write: ``status
    set``), have their periods taken on from where the rule stood
    (``go_on``), whatever their history; the others are marked for
    ``refresh``. On SQLite the row trigger that marks their jurisdictions is
    set aside while they are written (it would cost a second per million
    rows). Inside the transaction: a failure brings the trigger back with
    everything else."""
    touched: set[int] = set()
    sqlite = conn.dialect.name == "sqlite"
    before = conn.execute(sa.select(sa.func.max(PolicyStatus.c.id))).scalar() or 0
    marked = stale(conn)
    if sqlite:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_INSERT_TRIGGER}")
    yield touched
    if sqlite:
        conn.exec_driver_sql(_sqlite_insert_trigger())
    done = go_on(conn, touched - marked, before) if len(touched) <= _FEW else set()
    t = StatusPeriodsStale
    if sqlite:
        # The row trigger was set aside: the others are marked here.
        new = [{"jurisdiction_id": i} for i in touched - done - marked]
        if new:
            conn.execute(t.insert(), new)
    elif done:
        # The statement trigger marked them all; those gone on from are done.
        conn.execute(t.delete().where(t.c.jurisdiction_id.in_(done)))


def go_on(conn: sa.Connection, jurisdictions: set[int], before: int) -> set[int]:
    """The periods of jurisdictions whose kept periods were up to date when
    assertions with ids above ``before`` were added, taken on from where
    the rule stood: read are the new assertions and the newest before them,
    not the whole history. Returns the jurisdictions done; one with a new
    assertion that does not come after its newest (an older effective date,
    a recorded_at in the past) is left to ``refresh``, as is one whose kept
    row does not say where the rule stood, or that has no kept row."""
    if not jurisdictions:
        return set()
    t, p = StatusPeriods, PolicyStatus
    kept = {r.jurisdiction_id: r
            for r in conn.execute(sa.select(t).where(t.c.jurisdiction_id.in_(jurisdictions)))}  # fmt: skip
    lasts = [r.last_id for r in kept.values() if r.last_id is not None]
    q = words_query(conn).where(
        p.c.jurisdiction_id.in_(jurisdictions), sa.or_(p.c.id > before, p.c.id.in_(lasts))
    )
    rows = []
    for jid, words in by_jurisdiction(conn.execute(q)):
        row = kept.get(jid)
        # No kept row (its first assertions): refresh reads them all.
        resumed = resume(row) if row is not None else None
        if resumed is None or words[0][ID] != row.last_id or len(words) == 1:
            continue
        rows.append(_stored(jid, words[1:], resumed))
    done = {r[0] for r in rows}
    if done:
        conn.execute(t.delete().where(t.c.jurisdiction_id.in_(done)))
        _insert(conn, rows)
    return done


def _insert(conn: sa.Connection, rows: list[tuple]) -> None:
    """A few kept rows (``_stored``'s), with a plain insert."""
    if rows:
        t = StatusPeriods
        names = [c.name for c in t.c]
        conn.execute(t.insert(), [dict(zip(names, r, strict=True)) for r in rows])


def stale(conn: sa.Connection) -> set[int]:
    """The jurisdictions whose kept periods are not to be trusted."""
    return set(conn.execute(sa.select(StatusPeriodsStale.c.jurisdiction_id)).scalars())


# Marked jurisdictions computed one by one whatever the rest.
_FEW = 1000
# The marked jurisdictions' words, as SQL with its values written in, by dialect.
_FEW_SQL: dict[str, str] = {}


def refresh(conn: sa.Connection, *, everything: bool = False) -> int:
    """Compute the marked jurisdictions' periods again (``everything``: every
    jurisdiction's, whatever is marked); returns how many were computed."""
    t, marked = StatusPeriods, StatusPeriodsStale
    if not everything:
        count = sa.select(sa.func.count()).select_from
        marked_n = conn.execute(count(marked)).scalar_one()
        if not marked_n:
            return 0
        # Most of them (a first import): one pass over every assertion costs
        # less than looking each marked jurisdiction's up. A write of a few
        # (the common one) does not count the kept ones.
        everything = marked_n > _FEW and marked_n > conn.execute(count(t)).scalar_one()
    q = words_query(conn)
    if everything:
        conn.execute(t.delete())
    else:
        chosen = sa.select(marked.c.jurisdiction_id)
        conn.execute(t.delete().where(t.c.jurisdiction_id.in_(chosen)))
        q = q.where(PolicyStatus.c.jurisdiction_id.in_(chosen))
    few = not everything and marked_n <= _FEW
    n = 0
    if few:
        # A command's write (under the write lock: every writer waits for
        # it): the query compiled once, its rows as the driver gives them,
        # a plain insert rather than a bulk writer's set-up.
        sql = _FEW_SQL.get(conn.dialect.name)
        if sql is None:
            sql = _FEW_SQL[conn.dialect.name] = literal_sql(conn, q)
        rows = [_stored(jid, words) for jid, words in by_jurisdiction(fetch_all(conn, sql))]
        _insert(conn, rows)
        n = len(rows)
    else:
        writer = BulkWriter(conn, t, [c.name for c in t.c], ())
        with collector_paused():
            for jid, words in by_jurisdiction(stream(conn, q, "tracker_status_periods")):
                writer.add(_stored(jid, words))
                n += 1
        writer.close()
    conn.execute(marked.delete())
    return n


# --- triggers ---------------------------------------------------------------------

# What decides a jurisdiction's periods: these columns of its assertions, and
# the published date of their sources.
_DECIDING = ("jurisdiction_id", "status", "source_id", "effective", "observed", "recorded_at")
_INSERT_TRIGGER = "status_periods_insert"
_SQLITE_TRIGGERS = (_INSERT_TRIGGER, "status_periods_update", "status_periods_delete",
                    "status_periods_source")  # fmt: skip
_MARK = "INSERT INTO status_periods_stale (jurisdiction_id)"
_MARK_OR = "INSERT OR IGNORE INTO status_periods_stale (jurisdiction_id)"

_PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION tracker_status_periods() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'source' THEN
        {_MARK} SELECT DISTINCT jurisdiction_id FROM policy_status WHERE source_id = NEW.id
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END IF;
    {_MARK} VALUES (OLD.jurisdiction_id) ON CONFLICT DO NOTHING;
    IF TG_OP = 'UPDATE' THEN
        {_MARK} VALUES (NEW.jurisdiction_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION tracker_status_periods_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {_MARK} SELECT DISTINCT jurisdiction_id FROM added ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$
"""


def _sqlite_insert_trigger() -> str:
    return (
        f"CREATE TRIGGER {_INSERT_TRIGGER} AFTER INSERT ON policy_status "
        f"FOR EACH ROW BEGIN {_MARK_OR} VALUES (NEW.jurisdiction_id); END"
    )


def install(conn: sa.Connection) -> None:
    """(Re)create the triggers that mark the jurisdictions whose assertions
    are added, updated or removed, or whose sources' published dates change:
    whatever path writes them (a statement's added rows at once on
    PostgreSQL, each row on SQLite)."""
    deciding = ", ".join(_DECIDING)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_FUNCTIONS)
        for name, table in (("status_periods", "policy_status"), (_INSERT_TRIGGER, "policy_status"),
                            ("status_periods", "source")):  # fmt: skip
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER status_periods AFTER UPDATE OF {deciding} OR DELETE "
            "ON policy_status FOR EACH ROW EXECUTE FUNCTION tracker_status_periods()"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {_INSERT_TRIGGER} AFTER INSERT ON policy_status "
            "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
            "EXECUTE FUNCTION tracker_status_periods_added()"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER status_periods AFTER UPDATE OF published ON source FOR EACH ROW "
            "WHEN (OLD.published IS DISTINCT FROM NEW.published) "
            "EXECUTE FUNCTION tracker_status_periods()"
        )
        return
    for name in _SQLITE_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql(_sqlite_insert_trigger())
    conn.exec_driver_sql(
        f"CREATE TRIGGER status_periods_update AFTER UPDATE OF {deciding} ON policy_status "
        f"FOR EACH ROW BEGIN {_MARK_OR} VALUES (OLD.jurisdiction_id); "
        f"{_MARK_OR} VALUES (NEW.jurisdiction_id); END"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER status_periods_delete AFTER DELETE ON policy_status "
        f"FOR EACH ROW BEGIN {_MARK_OR} VALUES (OLD.jurisdiction_id); END"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER status_periods_source AFTER UPDATE OF published ON source FOR EACH ROW "
        "WHEN OLD.published IS NOT NEW.published BEGIN "
        f"{_MARK_OR} SELECT DISTINCT jurisdiction_id FROM policy_status "
        "WHERE source_id = NEW.id; END"
    )


def uninstall(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS status_periods ON policy_status")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_INSERT_TRIGGER} ON policy_status")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS status_periods ON source")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS tracker_status_periods()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS tracker_status_periods_added()")
        return
    for name in _SQLITE_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
