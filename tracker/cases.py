"""Litigation: cases, their parties and rulings."""

from collections.abc import Iterable

import sqlalchemy as sa

from tracker import actions, vocab
from tracker import jurisdictions as jur
from tracker.batch import Batch, Fields, present
from tracker.csvformat import Row, join_list, split_list
from tracker.errors import Ambiguous, Duplicate, InvalidValue, NotFound
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
from tracker.records import Rows, SourceRef
from tracker.sources import refs as source_refs
from tracker.values import clean_text, first_day, fold, optional_date, parse_partial_date

COLUMNS = [
    "id", "key", "caption", "court", "docket", "filed", "status", "parties", "latest_ruling",
]  # fmt: skip
C = LegalCase
P = CaseParty
R = Ruling
_FIELDS = ("key", "caption", "court", "docket", "filed", "status", "summary")


def validate(
    caption: str,
    *,
    court: str,
    docket: str | None = None,
    filed: str | None = None,
    status: str | None = "pending",
    summary: str | None = None,
    key: str | None = None,
) -> dict:
    # Every field is checked, in the file's column order: a row's problems come together.
    fields = Fields()
    check = fields.check
    key = check(clean_text, key, "key")
    caption = check(clean_text, caption, "caption", required=True)
    court = check(clean_text, court, "court", required=True)
    docket = check(clean_text, docket, "docket")
    filed = check(optional_date, filed, "filed")
    status = check(_choice, vocab.CaseStatus, status or "pending", "status")
    summary = check(clean_text, summary, "summary")
    fields.done()
    return {
        "key": key or docket or caption,
        "caption": caption,
        "court": court,
        "docket": docket,
        "filed": filed,
        "status": status,
        "summary": summary,
    }


def _choice(enum, text: str | None, field: str) -> str:
    return vocab.parse_choice(enum, (text or "").strip(), field).value


# --- writing --------------------------------------------------------------------


def write(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Cases matched by key (stored ones updated); a docket belongs to one case.

    A row without a key is matched by its docket's case, else by the key it
    derives (docket, else caption); when the file has no docket column, by
    the one stored case with its caption. Matched, it changes only the
    columns it has. ``new_only`` (``cases add``): a stored key or docket is
    a duplicate."""
    conn = batch.conn
    counts = batch.counts("cases")
    existing = {r.key: r for r in conn.execute(sa.select(C))}
    dockets = {r.docket: (r.key, r.caption) for r in existing.values() if r.docket}
    captions: dict[str, list] = {}
    for r in existing.values():
        captions.setdefault(r.caption, []).append(r)
    sources = Source
    seen: dict = {}

    fields = Fields()
    check = fields.check

    def parse(v: dict) -> dict:
        data = check(
            validate,
            v.get("caption"),
            court=v.get("court"),
            docket=v.get("docket"),
            filed=v.get("filed"),
            status=v.get("status"),
            summary=v.get("summary"),
            key=v.get("key"),
        )
        source_id = check(batch.key_id, sources, v.get("source"), "source", "source")
        fields.done()
        data["source_id"] = source_id
        return data

    for row, data in batch.each(rows, parse):
        v = row.values
        old = existing.get(data["key"])
        if old is None and not new_only and not (v.get("key") or "").strip():
            if data["docket"]:
                old = existing.get(dockets.get(data["docket"], (None,))[0])
            elif "docket" not in v:
                same = captions.get(data["caption"], [])
                if len(same) > 1:
                    keys = "; ".join(sorted(r.key for r in same))
                    batch.problem(
                        row, f"caption: matches {len(same)} stored cases ({keys}); give the key"
                    )
                    continue
                old = same[0] if same else None
        if old is not None:
            data = {**present(row, data, _COLUMNS), "key": old.key}
        if not batch.first_time(seen, data["key"], row):
            continue
        if new_only and old is not None:
            batch.problem(row, Duplicate(f"case key {data['key']!r} already exists: {old.caption}"))
            continue
        if data.get("docket"):
            owner, caption = dockets.get(data["docket"], (None, None))
            if owner is not None and owner != data["key"]:
                if new_only:
                    message = f"case docket {data['docket']!r} already exists: {caption}"
                else:
                    message = f"docket {data['docket']!r} already belongs to {caption}"
                batch.problem(row, Duplicate(message))
                continue
            dockets[data["docket"]] = (data["key"], data["caption"])
        batch.store(C, old, data, counts, "cases")


# The CSV column of a stored field whose name differs.
_COLUMNS = {"source_id": "source"}


def write_parties(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Parties: a case, a role, and a tracked jurisdiction or a name.
    ``new_only`` (``cases add``): a party the case has already is a duplicate."""
    conn = batch.conn
    counts = batch.counts("parties")
    existing = {
        (r.case_id, r.role, r.jurisdiction_id, r.name)
        for r in conn.execute(sa.select(P.c.case_id, P.c.role, P.c.jurisdiction_id, P.c.name))
    }
    seen: dict = {}

    fields = Fields()
    check = fields.check

    def parse(v: dict) -> dict:
        # Every field is checked, in the file's column order: a row's problems come together.
        case_id = check(batch.key_id, C, v.get("case") or "", "case", "case")
        role = check(_choice, vocab.PartyRole, v.get("role"), "role")
        jref, name = v.get("jurisdiction"), v.get("name")
        jid = None
        if bool(jref) == bool(name and name.strip()):
            fields.add(InvalidValue("jurisdiction, name: give exactly one of them"))
        elif jref:
            jid = check(jur.ref_id, batch, jref, "jurisdiction")
        name = check(clean_text, name, "name")
        fields.done()
        return {"case_id": case_id, "role": role, "jurisdiction_id": jid, "name": name}

    for row, data in batch.each(rows, parse):
        key = (data["case_id"], data["role"], data["jurisdiction_id"], data["name"])
        if new_only and (key in existing or key in seen):
            shown = row.values.get("party") or data["name"] or row.values.get("jurisdiction")
            caption = conn.execute(sa.select(C.c.caption).where(C.c.id == data["case_id"]))
            role = data["role"]
            batch.problem(
                row,
                Duplicate(f"{role}: {shown!r} is already a {role} in {caption.scalar_one()}"),
            )
            continue
        if not batch.first_time(seen, key, row):
            continue
        if batch.failed:
            continue
        if key in existing:
            counts.unchanged += 1
        else:
            conn.execute(P.insert(), data)
            counts.added += 1
            if batch.recording:
                party = (
                    batch.key_of(Jurisdiction.c.ocd_id, data["jurisdiction_id"])
                    if data["jurisdiction_id"]
                    else data["name"]
                )
                shown = " | ".join((batch.key_of(C.c.key, data["case_id"]), data["role"], party))
                batch.added("parties", shown, data)


def write_rulings(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Rulings matched by case, date and kind (stored ones updated), with
    the scope they record, the federal actions they restrain (``restrains``,
    action keys) and the jurisdictions they name as covered (``covers``,
    REFs). Without a ``restrains`` or ``covers`` column the stored ones stay.
    A universal order names no one (it covers everyone); an order of scope
    state names states. ``new_only`` (``cases rule``): a stored ruling is a
    duplicate."""
    conn = batch.conn
    counts = batch.counts("rulings")
    existing = {(r.case_id, r.date, r.kind): r for r in conn.execute(sa.select(R))}
    ids = batch.resolved("rulings", lambda: {k: r.id for k, r in existing.items()})
    restrained = _links(conn, RulingRestraint.c.action_id)
    covered = _links(conn, RulingCoverage.c.jurisdiction_id)
    sources = Source
    seen: dict = {}

    fields = Fields()
    check = fields.check

    def parse(v: dict):
        # Every field is checked, in the file's column order: a row's problems come together.
        data = {
            "case_id": check(batch.key_id, C, v.get("case") or "", "case", "case"),
            "date": check(parse_partial_date, v.get("date") or "", "date"),
            "kind": check(_choice, vocab.RulingKind, v.get("kind"), "kind"),
            "judge": check(clean_text, v.get("judge"), "judge"),
            "summary": check(clean_text, v.get("summary"), "summary"),
            "source_id": check(batch.key_id, sources, v.get("source"), "source", "source"),
            "scope": check(_scope, v.get("scope")),
        }
        restrains = covers = None
        if "restrains" in v:
            restrains = {
                check(batch.key_id, FederalAction, key, "restrains", "action")
                for key in split_list(v["restrains"])
            }
        if "covers" in v:
            covers = {check(jur.ref_id, batch, ref, "covers") for ref in split_list(v["covers"])}
        fields.done()
        return data, restrains, covers

    for row, (data, restrains, covers) in batch.each(rows, parse):
        key = (data["case_id"], data["date"], data["kind"])
        if not batch.first_time(seen, key, row):
            continue
        old = existing.get(key)
        if new_only and old is not None:
            caption = conn.execute(sa.select(C.c.caption).where(C.c.id == data["case_id"]))
            batch.problem(
                row,
                Duplicate(
                    f"{caption.scalar_one()} already has a ruling of kind {data['kind']} "
                    f"dated {data['date']}"
                ),
            )
            continue
        have_restrains = restrained.get(old.id, set()) if old is not None else set()
        have_covers = covered.get(old.id, set()) if old is not None else set()
        scope = data["scope"] if "scope" in row.values or old is None else old.scope
        try:
            check_covers(conn, scope, have_covers if covers is None else covers)
        except InvalidValue as exc:
            batch.problem(row, exc)
            continue
        if batch.failed:
            if old is None:
                ids[key] = batch.placeholder()
            continue
        restrains = have_restrains if restrains is None else restrains
        covers = have_covers if covers is None else covers
        links = {"restrains": (have_restrains, restrains), "covers": (have_covers, covers)}
        if old is None:
            rid = conn.execute(
                R.insert().returning(R.c.id), {**data, "created_at": utcnow()}
            ).scalar_one()
            ids[key] = rid
            counts.added += 1
            if batch.recording:
                extra = [("scope", None, data["scope"])]
                extra += [
                    (name, None, _shown_links(batch, name, new)) for name, (_, new) in links.items()
                ]
                batch.added("rulings", _ruling_key(batch, data), data, extra)
        else:
            rid = old.id
            present_data = present(row, data, _COLUMNS)
            differ = {k: v for k, v in present_data.items() if getattr(old, k) != v}
            relinked = {name for name, (was, new) in links.items() if was != new}
            if not differ and not relinked:
                counts.unchanged += 1
                continue
            if differ:
                conn.execute(R.update().where(R.c.id == rid).values(**differ))
            counts.updated += 1
            if batch.recording:
                extra = [("scope", old.scope, differ["scope"])] if "scope" in differ else []
                extra += [
                    (name, _shown_links(batch, name, was), _shown_links(batch, name, new))
                    for name, (was, new) in links.items()
                    if name in relinked
                ]
                stored = ((k, getattr(old, k), v) for k, v in differ.items())
                batch.updated("rulings", _ruling_key(batch, data), stored, extra)
        for name, (was, new) in links.items():
            if was == new:
                continue
            table, column = _LINKS[name]
            if was:
                conn.execute(sa.delete(table).where(table.c.ruling_id == rid))
            if new:
                conn.execute(table.insert(), [{"ruling_id": rid, column: x} for x in new])


# A ruling's links: the CSV column, its table and the column naming what it links to.
_LINKS = {
    "restrains": (RulingRestraint, "action_id"),
    "covers": (RulingCoverage, "jurisdiction_id"),
}


def _links(conn: sa.Connection, column: sa.Column) -> dict[int, set[int]]:
    """Each ruling's links in ``column``'s table: ruling id -> linked ids."""
    found: dict[int, set[int]] = {}
    for rid, other in conn.execute(sa.select(column.table.c.ruling_id, column)):
        found.setdefault(rid, set()).add(other)
    return found


def _shown_links(batch: Batch, name: str, ids: Iterable[int]) -> str | None:
    key = FederalAction.c.key if name == "restrains" else Jurisdiction.c.ocd_id
    return join_list(batch.key_of(key, i) for i in ids) or None


def _scope(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return _choice(vocab.RulingScope, text, "scope")


_STATE_KINDS = sorted(k.value for k in jur.STATE_LEVEL)


def check_covers(conn: sa.Connection, scope: str | None, covers: set[int]) -> None:
    """A universal order covers everyone, so it names no one; an order of
    scope state names states (a jurisdiction a batch would add is not checked)."""
    if not covers:
        return
    if scope == vocab.RulingScope.universal:
        raise InvalidValue(
            "covers: a universal order covers every jurisdiction; name no one "
            "(or give the scope parties, class or state)"
        )
    if scope == vocab.RulingScope.state:
        J = Jurisdiction
        q = (
            sa.select(J.c.name, J.c.state)
            .where(J.c.id.in_([i for i in covers if i > 0]), J.c.kind.not_in(_STATE_KINDS))
            .order_by(J.c.state, J.c.name)
        )
        others = [f"{name}, {state}" for name, state in conn.execute(q)]
        if others:
            raise InvalidValue(
                f"covers: {'; '.join(others)} is not a state; an order of scope state covers states"
            )


def _ruling_key(batch: Batch, data: dict) -> str:
    """A ruling as a dry run names it: case, date, kind."""
    return " | ".join((batch.key_of(C.c.key, data["case_id"]), data["date"], data["kind"]))


def resolve_party(conn: sa.Connection, text: str, role: str) -> dict:
    """A party as a parties row: a tracked jurisdiction when its text is a
    REF (by OCD id), else a named person or agency. Text shaped like
    ``Name, ST`` must be a jurisdiction."""
    value = clean_text(text, role, required=True)
    try:
        return {"jurisdiction": jur.resolve(conn, value, field=role).ocd_id, "party": text}
    except Ambiguous:
        raise
    except (NotFound, InvalidValue):
        # Text that can only be a reference (an OCD id, a FIPS code, an id,
        # a state or "Name, ST") must find a jurisdiction: a typo never
        # becomes a person.
        if jur.parse_ref(value, role).form != jur.NAME:
            raise
        return {"name": value, "party": text}


def add(conn: sa.Connection, *, source: str, parties: list[tuple[str, str]] = (), **fields) -> str:
    """A new case with its parties (role, REF or name); ``source`` a key. Returns its key."""
    values = {k: v for k, v in fields.items() if v is not None}
    values["source"] = source
    write(Batch(conn), [Row(1, values)], new_only=True)
    key = validate(**fields)["key"]
    party_rows = [
        Row(1, {"case": key, "role": role, **resolve_party(conn, text, role)})
        for role, text in parties
    ]
    write_parties(Batch(conn), party_rows, new_only=True)
    return key


def update(conn: sa.Connection, ref: str, **changes) -> str:
    """Change the fields given (docket, status, court, filed, summary); its key."""
    c = resolve(conn, ref)
    S = Source
    values = {f: getattr(c, f) for f in _FIELDS}
    values["source"] = conn.execute(sa.select(S.c.key).where(S.c.id == c.source_id)).scalar_one()
    values.update({k: v for k, v in changes.items() if v is not None})
    write(Batch(conn), [Row(1, values)])
    return c.key


def rule(
    conn: sa.Connection,
    ref: str,
    *,
    source: str,
    restrains: Iterable[str] = (),
    covers: Iterable[str] = (),
    **fields,
) -> int:
    """A ruling in the case ``ref`` names (``source`` a key), restraining
    the actions ``restrains`` names (ids or keys) and naming the
    jurisdictions ``covers`` names (REFs) as covered; its id."""
    c = resolve(conn, ref)
    values = {k: v for k, v in fields.items() if v is not None}
    values.update({"case": c.key, "source": source})
    values["restrains"] = join_list({actions.resolve(conn, a, "restrains").key for a in restrains})
    values["covers"] = "; ".join(covers)
    write_rulings(Batch(conn), [Row(1, values)], new_only=True)
    # Writers hold the write lock: the newest ruling is this one.
    return conn.execute(sa.select(sa.func.max(R.c.id))).scalar_one()


# --- reading --------------------------------------------------------------------


def resolve(conn: sa.Connection, ref: str, field: str = "case") -> sa.Row:
    """A case by id, key, docket number or caption (case-insensitive)."""
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: a case is required (its id, docket or caption)")
    if "\x00" in text:
        # PostgreSQL cannot even compare text holding NUL: refuse it before any query.
        raise InvalidValue(f"{field}: contains a NUL character")
    for column in (C.c.key, C.c.docket):
        found = conn.execute(sa.select(C).where(column == text)).first()
        if found is not None:
            return found
    if text.isascii() and text.isdigit() and len(text) < 19:
        found = conn.execute(sa.select(C).where(C.c.id == int(text))).first()
        if found is not None:
            return found
    matches = [c for c in conn.execute(sa.select(C)) if fold(c.caption) == fold(text)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(f"{c.caption} [{c.key}]" for c in matches)
        raise Ambiguous(f"{field}: {ref!r} matches {len(matches)} cases: {listed}")
    raise NotFound(
        f"{field}: no case has the id, docket or caption {ref!r}; see `tracker cases list`"
    )


def party_label(name: str | None, jname: str | None, kind: str | None, state: str | None) -> str:
    """A party as shown: ``Chicago, IL``, ``California``, or the name as given."""
    if jname is None:
        return name
    return jur.display_name(jname, kind, state)


def parties(conn: sa.Connection, case_ids: list[int]) -> dict[int, list[dict]]:
    """Each case's parties, by role (plaintiffs first), as shown."""
    J = Jurisdiction
    order = {r.value: i for i, r in enumerate(vocab.PartyRole)}
    q = (
        sa.select(P.c.case_id, P.c.role, P.c.name, J.c.ocd_id, J.c.name.label("jname"),
                  J.c.kind, J.c.state)
        .join(J, J.c.id == P.c.jurisdiction_id, isouter=True)
        .where(P.c.case_id.in_(case_ids))
        .order_by(P.c.id)
    )  # fmt: skip
    found: dict[int, list[dict]] = {}
    for r in sorted(conn.execute(q), key=lambda r: order[r.role]):
        shown = party_label(r.name, r.jname, r.kind, r.state)
        found.setdefault(r.case_id, []).append(
            {"role": r.role, "party": shown, "jurisdiction": r.ocd_id}
        )
    return found


def rulings(conn: sa.Connection, case_ids: list[int]) -> dict[int, list]:
    """Each case's rulings, oldest first, with their sources' keys and titles."""
    S = Source
    q = (
        sa.select(R, S.c.key.label("source_key"), S.c.title.label("source_title"))
        .join(S, S.c.id == R.c.source_id)
        .where(R.c.case_id.in_(case_ids))
        .order_by(R.c.date, R.c.id)
    )
    found: dict[int, list] = {}
    for r in conn.execute(q):
        found.setdefault(r.case_id, []).append(r)
    return found


def latest(rulings: list):
    """The latest of a case's rulings (``rulings`` gives them oldest first): by
    date, a more precise date after a less precise one on the same first day."""
    return rulings[-1] if rulings else None


def latest_ruling(rulings: list, *, summary: bool = False) -> str | None:
    """The latest ruling as listed: ``2018-04 appellate_decision``, and with
    ``summary`` its summary after a colon when it has one (a dossier)."""
    last = latest(rulings)
    if last is None:
        return None
    shown = f"{last.date} {last.kind}"
    return f"{shown}: {last.summary}" if summary and last.summary else shown


def record(c) -> dict:
    """A case as printed."""
    return {
        "id": c.id,
        "key": c.key,
        "caption": c.caption,
        "court": c.court,
        "docket": c.docket,
        "filed": c.filed,
        "status": c.status,
        "summary": c.summary,
    }


def list_cases(conn: sa.Connection) -> Rows:
    """Cases with their parties and latest ruling, by filing date (undated last)."""
    # Undated cases last on both engines (SQLite and PostgreSQL order NULLs differently).
    undated = sa.case((C.c.filed.is_(None), 1), else_=0)
    cases = conn.execute(sa.select(C).order_by(undated, C.c.filed, C.c.key)).all()
    ids = [c.id for c in cases]
    by_case, ruled = parties(conn, ids), rulings(conn, ids)
    rows = []
    for c in cases:
        row = record(c)
        row["parties"] = [f"{p['role']}: {p['party']}" for p in by_case.get(c.id, [])]
        row["latest_ruling"] = latest_ruling(ruled.get(c.id, []))
        rows.append(row)
    return Rows(COLUMNS, rows)


def show(conn: sa.Connection, ref: str) -> dict:
    """A case's sections: the case, its parties, every ruling oldest first
    (with the scope, the actions it restrains and whom it names as
    covered), and what later happened to its rulings."""
    c = resolve(conn, ref)
    ruled = rulings(conn, [c.id]).get(c.id, [])
    row = record(c)
    row["source"] = source_refs(conn, [c.source_id])[c.source_id]
    row["latest_ruling"] = latest_ruling(ruled)
    ids = [r.id for r in ruled]
    restrains = _linked(conn, RulingRestraint.c.action_id, FederalAction.c.key, ids)
    covers = _linked(conn, RulingCoverage.c.jurisdiction_id, Jurisdiction.c.ocd_id, ids)
    return {
        "case": row,
        "parties": parties(conn, [c.id]).get(c.id, []),
        "rulings": [
            {
                "id": r.id,
                "date": r.date,
                "kind": r.kind,
                "judge": r.judge,
                "summary": r.summary,
                "source": SourceRef(r.source_key, r.source_title),
                "scope": r.scope,
                "restrains": restrains.get(r.id, []),
                "covers": covers.get(r.id, []),
            }
            for r in ruled
        ],
        "ruling_events": _events(conn, ids),
    }


def _linked(conn: sa.Connection, column: sa.Column, key: sa.Column, ids: list[int]) -> dict:
    """Each ruling's links in ``column``'s table, as the keys (``key``) of what they name."""
    link = column.table
    q = (
        sa.select(link.c.ruling_id, key)
        .join(key.table, key.table.c.id == column)
        .where(link.c.ruling_id.in_(ids))
        .order_by(key)
    )
    found: dict[int, list[str]] = {}
    for rid, shown in conn.execute(q):
        found.setdefault(rid, []).append(shown)
    return found


def _events(conn: sa.Connection, ids: list[int]) -> list[dict]:
    """The events of the rulings ``ids``, by ruling then date, as ``cases show`` lists them."""
    RE, REC, S, J = RulingEvent, RulingEventCoverage, Source, Jurisdiction
    still: dict[int, list[str]] = {}
    for eid, ocd in conn.execute(
        sa.select(REC.c.event_id, J.c.ocd_id)
        .join(J, J.c.id == REC.c.jurisdiction_id)
        .join(RE, RE.c.id == REC.c.event_id)
        .where(RE.c.ruling_id.in_(ids))
        .order_by(J.c.ocd_id)
    ):
        still.setdefault(eid, []).append(ocd)
    A, AC = R.alias("appellate"), C.alias("appellate_case")
    q = (
        sa.select(RE, R.c.date.label("ruling_date"), R.c.kind.label("ruling_kind"),
                  S.c.key.label("source_key"), AC.c.key.label("a_case"),
                  A.c.date.label("a_date"), A.c.kind.label("a_kind"))
        .join(R, R.c.id == RE.c.ruling_id)
        .join(S, S.c.id == RE.c.source_id)
        .join(A, A.c.id == RE.c.appellate_ruling_id, isouter=True)
        .join(AC, AC.c.id == A.c.case_id, isouter=True)
        .where(RE.c.ruling_id.in_(ids))
    )  # fmt: skip
    found = sorted(
        conn.execute(q),
        key=lambda e: (first_day(e.ruling_date), e.ruling_id, first_day(e.date), e.id),
    )
    return [
        {
            "id": e.id,
            "ruling": f"{e.ruling_date} {e.ruling_kind}",
            "event": e.event,
            "date": e.date,
            "appellate": f"{e.a_case} {e.a_date} {e.a_kind}" if e.a_case else None,
            "still_covers": still.get(e.id, []),
            "source": e.source_key,
            "note": e.note,
        }
        for e in found
    ]
