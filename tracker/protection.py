"""Whom each court order protects, on a date: the events that change an
order's force, the one rule of force, and the rows that report it.

An order is a ruling that restrains a federal action or records a scope
(``cases rule --restrains/--scope/--covers``). Whom it covers when issued:

- ``universal``: every jurisdiction tracked, including any added later;
- the jurisdictions it names (``covers``), whatever its scope;
- else, ``state``: the states among its case's plaintiffs; ``parties``,
  ``class`` or no scope recorded: the jurisdictions among its case's
  plaintiffs. The plaintiffs are read when asked, so a plaintiff added
  to the case later is covered too.

Later events change its force (``force``, the one rule; ``cases event``):

- ``stayed`` suspends it until ``stay_lifted``; a stay that lists whom the
  order still covers ("stayed as to everyone but Chicago") suspends it for
  everyone else, and ``stay_lifted`` restores it as it was before the stay;
- ``vacated``, ``reversed`` and ``expired`` end it;
- ``affirmed`` and ``modified`` keep it;
- any of these but ``stay_lifted`` may list whom the order still covers
  afterwards ("affirmed in part, nationwide scope vacated"): from then on
  it covers only those of the jurisdictions it covered;
- an order once ended stays ended;
- a preliminary injunction or temporary restraining order ends when a
  later permanent injunction or dismissal in the same case is issued (a
  temporary restraining order also by a later preliminary injunction): the
  interim order is superseded by it, an event shown as ``superseded``.

An event counts from the first day of its (possibly partial) date, like an
order from the first day of its own; events on the same day in the order
they were recorded.
"""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from tracker import cases, vocab
from tracker import jurisdictions as jur
from tracker.batch import Batch, Fields, present
from tracker.csvformat import Row, join_list, split_list
from tracker.errors import Duplicate, InvalidValue, NotFound
from tracker.models import (
    CaseParty,
    FederalAction,
    Jurisdiction,
    LegalCase,
    Ruling,
    RulingCoverage,
    RulingEvent,
    RulingEventCoverage,
    RulingRestraint,
    Source,
    utcnow,
)
from tracker.values import clean_text, first_day, last_day, parse_partial_date

E = vocab.RulingEvent
K = vocab.RulingKind
# Not stored: an interim order replaced by a later one in its case.
SUPERSEDED = "superseded"
_ENDING = frozenset({E.vacated.value, E.reversed.value, E.expired.value, SUPERSEDED})
# Which later rulings of its case end an interim order.
_SUPERSEDED_BY = {
    K.temporary_restraining_order.value: frozenset(
        {K.preliminary_injunction.value, K.permanent_injunction.value, K.dismissal.value}
    ),
    K.preliminary_injunction.value: frozenset({K.permanent_injunction.value, K.dismissal.value}),
}


class Event(NamedTuple):
    """Something that happened to an order: ``event`` a RulingEvent value
    or SUPERSEDED; ``still_covers`` the jurisdiction ids it leaves covered
    (None: it concerns the whole order); ``order`` tells apart events of
    one day (the order recorded); ``by`` the ruling that brought it, as shown."""

    date: str
    event: str
    still_covers: frozenset[int] | None = None
    order: int = 0
    by: str | None = None


class Standing(NamedTuple):
    """An order's force for one jurisdiction on a day: in force or not,
    since when (the order's date, or the event's that last changed it),
    until when (the event that next changes it, if the database knows one),
    and the last event on or before the day."""

    in_force: bool
    since: str
    until: str | None
    last: Event | None


def _when(e: Event) -> tuple[date, int]:
    return first_day(e.date), e.order


def runs(issued: str, events: Iterable[Event], jurisdiction: int) -> list[tuple[str, bool]]:
    """The order's force for one jurisdiction it covered when issued, as
    runs: (the date it began, in force), from ``issued``, each run's value
    differing from the last one's. The rule of force (see the module)."""
    ended = False
    only: frozenset[int] | None = None  # narrowed by an event's list
    stay: frozenset[int] | None = None  # during a stay: whom it still covers
    found = [(issued, True)]
    for e in sorted(events, key=_when):
        if ended:
            break
        still = e.still_covers
        if e.event == E.stayed:
            stay = frozenset() if still is None else still
        elif e.event == E.stay_lifted:
            stay = None
        elif still is not None:
            only = still if only is None else only & still
        elif e.event in _ENDING:
            ended = True
        covered = (
            not ended
            and (only is None or jurisdiction in only)
            and (stay is None or jurisdiction in stay)
        )
        if covered != found[-1][1]:
            found.append((e.date, covered))
    return found


def force(issued: str, events: list[Event], day: date, jurisdiction: int) -> Standing | None:
    """The order's force on ``day`` for a jurisdiction it covered when
    issued; None when it was not issued yet (``day`` before ``issued``)."""
    if first_day(issued) > day:
        return None
    timeline = runs(issued, events, jurisdiction)
    now = 0
    while now + 1 < len(timeline) and first_day(timeline[now + 1][0]) <= day:
        now += 1
    since, in_force = timeline[now]
    until = timeline[now + 1][0] if now + 1 < len(timeline) else None
    past = [e for e in events if first_day(e.date) <= day]
    last = max(past, key=_when) if past else None
    return Standing(in_force, since, until, last)


def supersessions(rulings: Iterable[tuple[int, str, str]]) -> dict[int, Event]:
    """For the rulings of one case (id, date, kind): each interim order
    ended by a later ruling of the case, with the event that ends it (the
    earliest such ruling, on its date)."""
    rulings = sorted(rulings, key=lambda r: (first_day(r[1]), r[0]))
    found: dict[int, Event] = {}
    for i, (rid, _issued, kind) in enumerate(rulings):
        by = _SUPERSEDED_BY.get(kind)
        if by is None:
            continue
        for later_id, later_date, later_kind in rulings[i + 1 :]:
            if later_kind in by and later_id != rid:
                found[rid] = Event(later_date, SUPERSEDED, by=f"{later_date} {later_kind}")
                break
    return found


def event_label(e: Event | None) -> str | None:
    """An event as a report shows it: ``stayed 2018-06-26``; a supersession
    names the ruling: ``superseded 2017-11-20 by 2017-11-20 permanent_injunction``."""
    if e is None:
        return None
    shown = f"{e.event} {e.date}"
    return f"{shown} by {e.by}" if e.event == SUPERSEDED and e.by else shown


# --- writing events ---------------------------------------------------------------

C, R, RE, REC = LegalCase, Ruling, RulingEvent, RulingEventCoverage
_APPELLATE = ("appellate_case", "appellate_date", "appellate_kind")
# The CSV column of a stored field whose name differs.
_COLUMNS = {"source_id": "source", "appellate_ruling_id": "appellate_case"}


def _choice(enum, text: str | None, field: str) -> str:
    return vocab.parse_choice(enum, (text or "").strip(), field).value


def ruling_ids(batch: Batch) -> dict[tuple[int, str, str], int]:
    """Every ruling's id by (case id, date, kind): stored ones, and those
    the batch has added (or would have, once it has failed)."""
    q = sa.select(R.c.case_id, R.c.date, R.c.kind, R.c.id)
    return batch.resolved("rulings", lambda: {(c, d, k): i for c, d, k, i in batch.conn.execute(q)})


def write_events(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Ruling events matched by ruling, date and event (stored ones updated),
    with the jurisdictions each leaves the order covering (``still_covers``;
    without that column the stored ones stay). An event is never dated
    before its ruling; a stay's lifting lists no one. ``new_only`` (``cases
    event``): a stored event is a duplicate."""
    conn = batch.conn
    counts = batch.counts("ruling_events")
    rulings = ruling_ids(batch)
    existing = {(r.ruling_id, r.date, r.event): r for r in conn.execute(sa.select(RE))}
    still: dict[int, set[int]] = {}
    for eid, jid in conn.execute(sa.select(REC.c.event_id, REC.c.jurisdiction_id)):
        still.setdefault(eid, set()).add(jid)
    seen: dict = {}

    fields = Fields()
    check = fields.check

    def ruling(case_id, ruling_date, kind, field: str) -> int | None:
        if None in (case_id, ruling_date, kind):
            return None
        found = rulings.get((case_id, ruling_date, kind))
        if found is None:
            case = batch.key_of(C.c.key, case_id) if case_id > 0 else "?"
            fields.add(
                NotFound(f"{field}: case {case!r} has no ruling of kind {kind} dated {ruling_date}")
            )
        return found

    def parse(v: dict):
        # Every field is checked, in the file's column order: a row's problems come together.
        case_id = check(batch.key_id, C, v.get("case") or "", "case", "case")
        ruling_date = check(parse_partial_date, v.get("ruling_date") or "", "ruling_date")
        ruling_kind = check(_choice, vocab.RulingKind, v.get("ruling_kind"), "ruling_kind")
        data = {
            "ruling_id": ruling(case_id, ruling_date, ruling_kind, "ruling"),
            "event": check(_choice, vocab.RulingEvent, v.get("event"), "event"),
            "date": check(parse_partial_date, v.get("date") or "", "date"),
            "source_id": check(batch.key_id, Source, v.get("source"), "source", "source"),
            "appellate_ruling_id": None,
            "note": check(clean_text, v.get("note"), "note"),
        }
        given = [(v.get(c) or "").strip() for c in _APPELLATE]
        if any(given) and not all(given):
            fields.add(
                InvalidValue(
                    "appellate: give the case, date and kind of the ruling that brought it"
                )
            )
        elif any(given):
            a_case = check(batch.key_id, C, given[0], "appellate", "case")
            a_date = check(parse_partial_date, given[1], "appellate")
            a_kind = check(_choice, vocab.RulingKind, given[2], "appellate")
            data["appellate_ruling_id"] = ruling(a_case, a_date, a_kind, "appellate")
        covers = None
        if "still_covers" in v:
            covers = {
                check(jur.ref_id, batch, ref, "still_covers")
                for ref in split_list(v["still_covers"])
            }
        if data["date"] and ruling_date and last_day(data["date"]) < first_day(ruling_date):
            fields.add(
                InvalidValue(
                    f"date: {data['date']} is before the ruling it concerns "
                    f"({ruling_date} {ruling_kind})"
                )
            )
        if covers and data["event"] == E.stay_lifted:
            fields.add(
                InvalidValue(
                    "still_covers: lifting a stay restores the order as it was before "
                    "the stay; list no one"
                )
            )
        rid = data["ruling_id"]
        if rid is not None and rid == data["appellate_ruling_id"]:
            fields.add(InvalidValue("appellate: an event cannot be brought by its own ruling"))
        fields.done()
        return data, covers

    for row, (data, covers) in batch.each(rows, parse):
        key = (data["ruling_id"], data["date"], data["event"])
        if not batch.first_time(seen, key, row, _event_key(batch, data)):
            continue
        old = existing.get(key)
        if new_only and old is not None:
            batch.problem(
                row, Duplicate(f"{_event_key(batch, data)}: this event is already recorded")
            )
            continue
        if batch.failed:
            continue
        have = still.get(old.id, set()) if old is not None else set()
        covers = have if covers is None else covers
        if old is None:
            eid = conn.execute(
                RE.insert().returning(RE.c.id), {**data, "created_at": utcnow()}
            ).scalar_one()
            counts.added += 1
            if batch.recording:
                extra = [("still_covers", None, _shown(batch, covers))]
                batch.added(
                    "ruling_events", _event_key(batch, data), _shown_data(batch, data), extra
                )
        else:
            eid = old.id
            differ = {k: x for k, x in present(row, data, _COLUMNS).items() if getattr(old, k) != x}
            if not differ and covers == have:
                counts.unchanged += 1
                continue
            if differ:
                conn.execute(RE.update().where(RE.c.id == eid).values(**differ))
            counts.updated += 1
            if batch.recording:
                extra = []
                if covers != have:
                    extra.append(("still_covers", _shown(batch, have), _shown(batch, covers)))
                if "appellate_ruling_id" in differ:
                    was = _ruling_label(batch, old.appellate_ruling_id)
                    extra.append(
                        ("appellate", was, _ruling_label(batch, data["appellate_ruling_id"]))
                    )
                stored = (
                    (k, getattr(old, k), x) for k, x in differ.items() if k != "appellate_ruling_id"
                )
                batch.updated("ruling_events", _event_key(batch, data), stored, extra)
        if covers != have:
            if have:
                conn.execute(sa.delete(REC).where(REC.c.event_id == eid))
            if covers:
                conn.execute(
                    REC.insert(), [{"event_id": eid, "jurisdiction_id": j} for j in covers]
                )


def _shown(batch: Batch, ids: Iterable[int]) -> str | None:
    return join_list(batch.key_of(Jurisdiction.c.ocd_id, j) for j in ids) or None


def _ruling_label(batch: Batch, ruling_id: int | None) -> str | None:
    """A ruling as a dry run names it: ``case | date | kind``."""
    if ruling_id is None:
        return None
    r = batch.conn.execute(
        sa.select(C.c.key, R.c.date, R.c.kind)
        .join(C, C.c.id == R.c.case_id)
        .where(R.c.id == ruling_id)
    ).one()
    return " | ".join(r)


def _shown_data(batch: Batch, data: dict) -> dict:
    """An added event's fields as a dry run lists them (its ruling is in its key)."""
    shown = {k: x for k, x in data.items() if k not in ("ruling_id", "appellate_ruling_id")}
    shown["appellate"] = _ruling_label(batch, data["appellate_ruling_id"])
    return shown


def _event_key(batch: Batch, data: dict) -> str:
    """An event as messages and a dry run name it: ``case | ruling date | ruling kind | event date | event``."""
    rid = data["ruling_id"]
    ruling = _ruling_label(batch, rid) if rid is not None and rid > 0 else "(a ruling of this file)"
    return f"{ruling} | {data['date']} | {data['event']}"


def ruling_spec(conn: sa.Connection, spec: str, case, field: str) -> tuple[str, str, str]:
    """The (case key, date, kind) of the ruling a command names: ``DATE:KIND``
    (in ``case``), ``CASE@DATE:KIND`` (in any case), or a ruling id as
    ``cases rule`` printed it. Whether that ruling exists is the write's to say."""
    text = (spec or "").strip()
    if text.isascii() and text.isdigit() and len(text) < 19:
        found = conn.execute(
            sa.select(C.c.key, R.c.date, R.c.kind)
            .join(C, C.c.id == R.c.case_id)
            .where(R.c.id == int(text))
        ).first()
        if found is None:
            raise NotFound(f"{field}: no ruling has the id {text}")
        return tuple(found)
    where, at, ruling = text.rpartition("@")
    ruling_date, colon, kind = ruling.partition(":")
    if not colon or not ruling_date.strip() or not kind.strip() or (at and not where.strip()):
        raise InvalidValue(
            f"{field}: {spec!r} names no ruling; write DATE:KIND "
            "(2017-09-15:preliminary_injunction), CASE@DATE:KIND or the ruling's id"
        )
    key = cases.resolve(conn, where, field).key if at else case.key
    return key, ruling_date.strip(), kind.strip()


# How a command names the columns its messages start with.
_LABELS = {
    "ruling_date": "ruling",
    "ruling_kind": "ruling",
    "still_covers": "still covers",
    "appellate_case": "appellate",
}


def add_event(
    conn: sa.Connection,
    case_ref: str,
    *,
    ruling: str,
    event: str,
    date: str,
    source: str,
    appellate: str | None = None,
    still_covers: Iterable[str] = (),
    note: str | None = None,
) -> int:
    """Record an event of the ruling ``ruling`` names in the case
    ``case_ref`` names (see ``ruling_spec``); ``source`` a key,
    ``appellate`` the ruling that brought it, ``still_covers`` REFs. Its id."""
    c = cases.resolve(conn, case_ref)
    case_key, ruling_date, ruling_kind = ruling_spec(conn, ruling, c, "ruling")
    if case_key != c.key:
        raise InvalidValue(f"ruling: ruling {ruling.strip()} is not a ruling of {c.caption}")
    values = {
        "case": case_key,
        "ruling_date": ruling_date,
        "ruling_kind": ruling_kind,
        "event": event,
        "date": date,
        "source": source,
        "still_covers": "; ".join(still_covers),
    }
    if note is not None:
        values["note"] = note
    if appellate is not None:
        values.update(zip(_APPELLATE, ruling_spec(conn, appellate, c, "appellate"), strict=True))
    write_events(Batch(conn, labels=_LABELS), [Row(1, values)], new_only=True)
    # Writers hold the write lock: the newest event is this one.
    return conn.execute(sa.select(sa.func.max(RE.c.id))).scalar_one()


# --- reading ----------------------------------------------------------------------

COLUMNS = [
    "jurisdiction", "name", "state", "action", "case", "ruling_date", "ruling", "scope",
    "in_force", "since", "until", "last_event",
]  # fmt: skip


class Order(NamedTuple):
    """A court order as the report reads it."""

    id: int
    case_id: int
    case: str
    date: str
    kind: str
    scope: str | None
    actions: list[str]
    # Whom it covered when issued: None for everyone (universal).
    covers: frozenset[int] | None
    events: list[Event]


def orders(conn: sa.Connection, day: date, *, action_id: int | None = None) -> list[Order]:
    """The orders issued on or before ``day`` (restraining ``action_id``,
    when given), oldest first, with whom each covered when issued and every
    event the database knows of it, before ``day`` or after."""
    RR, RC, CP, FA, J = RulingRestraint, RulingCoverage, CaseParty, FederalAction, Jurisdiction
    restrained: dict[int, list[str]] = {}
    for rid, key in conn.execute(
        sa.select(RR.c.ruling_id, FA.c.key)
        .join(FA, FA.c.id == RR.c.action_id)
        .where(*([RR.c.action_id == action_id] if action_id is not None else []))
    ):
        restrained.setdefault(rid, []).append(key)
    q = sa.select(R.c.id, R.c.case_id, C.c.key, R.c.date, R.c.kind, R.c.scope).join(
        C, C.c.id == R.c.case_id
    )
    if action_id is None:
        q = q.where(sa.or_(R.c.scope.is_not(None), R.c.id.in_(sa.select(RR.c.ruling_id))))
    else:
        q = q.where(R.c.id.in_(sa.select(RR.c.ruling_id).where(RR.c.action_id == action_id)))
    found = [r for r in conn.execute(q) if first_day(r.date) <= day]
    if not found:
        return []
    case_ids = sorted({r.case_id for r in found})
    ruling_ids_ = [r.id for r in found]

    named: dict[int, set[int]] = {}
    for rid, jid in conn.execute(
        sa.select(RC.c.ruling_id, RC.c.jurisdiction_id).where(RC.c.ruling_id.in_(ruling_ids_))
    ):
        named.setdefault(rid, set()).add(jid)
    plaintiffs: dict[int, list[tuple[int, str]]] = {}
    for case_id, jid, kind in conn.execute(
        sa.select(CP.c.case_id, J.c.id, J.c.kind)
        .join(J, J.c.id == CP.c.jurisdiction_id)
        .where(CP.c.case_id.in_(case_ids), CP.c.role == vocab.PartyRole.plaintiff.value)
    ):
        plaintiffs.setdefault(case_id, []).append((jid, kind))

    # Every ruling of these cases: an interim order ends with a later one.
    by_case: dict[int, list[tuple[int, str, str]]] = {}
    for rid, case_id, ruling_date, kind in conn.execute(
        sa.select(R.c.id, R.c.case_id, R.c.date, R.c.kind).where(R.c.case_id.in_(case_ids))
    ):
        by_case.setdefault(case_id, []).append((rid, ruling_date, kind))
    superseded: dict[int, Event] = {}
    for rulings in by_case.values():
        superseded.update(supersessions(rulings))

    still: dict[int, set[int]] = {}
    for eid, jid in conn.execute(
        sa.select(REC.c.event_id, REC.c.jurisdiction_id)
        .join(RE, RE.c.id == REC.c.event_id)
        .where(RE.c.ruling_id.in_(ruling_ids_))
    ):
        still.setdefault(eid, set()).add(jid)
    A, AC = R.alias("appellate"), C.alias("appellate_case")
    events: dict[int, list[Event]] = {}
    for e in conn.execute(
        sa.select(RE.c.id, RE.c.ruling_id, RE.c.event, RE.c.date, AC.c.key, A.c.date, A.c.kind)
        .join(A, A.c.id == RE.c.appellate_ruling_id, isouter=True)
        .join(AC, AC.c.id == A.c.case_id, isouter=True)
        .where(RE.c.ruling_id.in_(ruling_ids_))
    ):
        eid, rid, event, event_date, *by = e
        covers = frozenset(still[eid]) if eid in still else None
        shown = " ".join(by) if by[0] is not None else None
        events.setdefault(rid, []).append(Event(event_date, event, covers, eid, shown))

    out = []
    for r in found:
        happened = events.get(r.id, [])
        if r.id in superseded:
            happened.append(superseded[r.id])
        out.append(
            Order(
                r.id, r.case_id, r.key, r.date, r.kind, r.scope,
                sorted(restrained.get(r.id, [])),
                _covered(r.scope, named.get(r.id), plaintiffs.get(r.case_id, [])),
                happened,
            )
        )  # fmt: skip
    out.sort(key=lambda o: (first_day(o.date), o.case, o.kind, o.id))
    return out


_STATE_KINDS = frozenset(k.value for k in jur.STATE_LEVEL)


def _covered(
    scope: str | None, named: set[int] | None, plaintiffs: list[tuple[int, str]]
) -> frozenset[int] | None:
    """Whom an order covered when issued (see the module); None: everyone."""
    if scope == vocab.RulingScope.universal:
        return None
    if named:
        return frozenset(named)
    if scope == vocab.RulingScope.state:
        return frozenset(jid for jid, kind in plaintiffs if kind in _STATE_KINDS)
    return frozenset(jid for jid, _kind in plaintiffs)


def protection_rows(
    conn: sa.Connection,
    day: date,
    *,
    jurisdiction_id: int | None = None,
    state: str | None = None,
    action_id: int | None = None,
):
    """For each jurisdiction (by state and name) each order that covered it
    when issued on or before ``day``, oldest first, once per federal action
    it restrains (an order restraining none recorded: one row, no action),
    with its force on ``day`` for that jurisdiction. ``state`` is a USPS code
    (already parsed); ``action_id`` a stored action's id. Rows as ``COLUMNS``."""
    found = orders(conn, day, action_id=action_id)
    if not found:
        return
    J = Jurisdiction
    q = sa.select(J.c.id, J.c.ocd_id, J.c.name, J.c.state).order_by(
        J.c.state, J.c.name_folded, J.c.ocd_id
    )
    if jurisdiction_id is not None:
        q = q.where(J.c.id == jurisdiction_id)
    if state is not None:
        q = q.where(J.c.state == state)
    if all(o.covers is not None for o in found):
        covered = sorted(set().union(*(o.covers for o in found)))
        if len(covered) <= 500:
            q = q.where(J.c.id.in_(covered))
    for jid, ocd_id, name, st in conn.execute(q):
        for o in found:
            if o.covers is not None and jid not in o.covers:
                continue
            standing = force(o.date, o.events, day, jid)
            for action in o.actions or [None]:
                yield {
                    "jurisdiction": ocd_id,
                    "name": name,
                    "state": st,
                    "action": action,
                    "case": o.case,
                    "ruling_date": o.date,
                    "ruling": o.kind,
                    "scope": o.scope,
                    "in_force": standing.in_force,
                    "since": standing.since,
                    "until": standing.until,
                    "last_event": event_label(standing.last),
                }
