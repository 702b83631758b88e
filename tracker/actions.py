"""Federal actions aimed at jurisdictions, with named targets and a stated count."""

import re
import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa

from tracker import jurisdictions as jur
from tracker import vocab
from tracker.batch import Batch, Fields, present
from tracker.csvformat import Row, join_list, split_list
from tracker.errors import Duplicate, InvalidValue, NotFound, TrackerError
from tracker.models import ActionTarget, FederalAction, Jurisdiction, ListEntry, Source
from tracker.records import Rows
from tracker.sources import refs as source_refs
from tracker.values import clean_text, parse_count, parse_partial_date

COLUMNS = [
    "id", "key", "date", "agency", "kind", "title", "target_count", "named_targets", "source",
]  # fmt: skip
T = FederalAction
AT = ActionTarget


def slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "action"


def action_key(date: str, title: str) -> str:
    """The natural key: date and a slug of the title, ``2018-01-24-doj-threatens-...``."""
    return f"{date}-{slug(title)}"


def validate(
    title: str,
    *,
    date: str,
    agency: str,
    kind: str,
    description: str | None = None,
    target_count: int | None = None,
    key: str | None = None,
) -> dict:
    # Every field is checked: a row's problems come together.
    fields = Fields()
    check = fields.check
    key = check(clean_text, key, "key")
    date = check(parse_partial_date, date or "", "date")
    agency = check(clean_text, agency, "agency", required=True)
    kind = check(_kind, kind)
    title = check(clean_text, title, "title", required=True)
    description = check(clean_text, description, "description")
    if target_count is not None and target_count < 0:
        fields.add(InvalidValue(f"target count: {target_count} is negative"))
    fields.done()
    return {
        "key": key or action_key(date, title),
        "title": title,
        "date": date,
        "agency": agency,
        "kind": kind,
        "description": description,
        "target_count": target_count,
    }


def _kind(text: str | None) -> str:
    return vocab.parse_choice(vocab.ActionKind, (text or "").strip(), "kind").value


def retarget_stored(
    conn: sa.Connection, aid: int, *, gone: Iterable[int] = (), come: Iterable[int] = ()
) -> None:
    """The one write of an action's targets (its own rows, a list's entries):
    ``gone`` no longer targeted, ``come`` targeted. The caller has checked
    them against the action's count (``check_count``)."""
    gone, come = sorted(gone), sorted(come)
    if gone:
        conn.execute(sa.delete(AT).where(AT.c.action_id == aid, AT.c.jurisdiction_id.in_(gone)))
    if come:
        conn.execute(AT.insert(), [{"action_id": aid, "jurisdiction_id": j} for j in come])


def check_count(count: int | None, named: int) -> None:
    """A source may count more targets than it names, never fewer."""
    if count is not None and named > count:
        raise InvalidValue(f"target count: {count} is fewer than the {named} named targets")


def write(batch: Batch, rows: Iterable[Row], *, new_only: bool = False) -> None:
    """Actions matched by key (stored ones updated), with their named targets
    and the earlier action each replaces.

    A row without a key is matched by the key it derives, else by the one
    stored action with its date and title. Matched, it changes only the
    columns it has: without a ``targets`` column the stored targets stay.
    ``replaces`` may name an action a later row of the file adds. A list's
    entries are among its targets: a ``targets`` cell cannot leave one out.
    ``new_only`` (``actions add``): a stored key is a duplicate.
    """
    conn = batch.conn
    counts = batch.counts("actions")
    existing = {r.key: r for r in conn.execute(sa.select(T))}
    dated: dict[tuple[str, str], list] = {}
    for r in existing.values():
        dated.setdefault((r.date, r.title), []).append(r)
    targets: dict[int, set[int]] = {}
    for aid, jid in conn.execute(sa.select(AT.c.action_id, AT.c.jurisdiction_id)):
        targets.setdefault(aid, set()).add(jid)
    # What each action replaces, and each action's key by id (for a cycle's message).
    replaced = {r.id: r.replaces_id for r in existing.values()}
    keys = {r.id: r.key for r in existing.values()}
    entries: dict[int, list[tuple[int, str]]] = {}
    E = ListEntry
    for aid, jid, name in conn.execute(sa.select(E.c.action_id, E.c.jurisdiction_id, E.c.name)):
        entries.setdefault(aid, []).append((jid, name))
    sources = Source
    seen: dict = {}

    fields = Fields()
    check = fields.check

    def parse(v: dict):
        # Every field is checked, in the file's column order: a row's problems come together.
        data = check(
            validate,
            v.get("title"),
            date=v.get("date"),
            agency=v.get("agency"),
            kind=v.get("kind"),
            description=v.get("description"),
            key=v.get("key"),
        )
        source_id = check(batch.key_id, sources, v.get("source"), "source", "source")
        count = v.get("target_count")
        count = check(parse_count, count, "target_count") if count else None
        named = None
        if "targets" in v:
            named = {check(jur.ref_id, batch, ref, "targets") for ref in split_list(v["targets"])}
            # With the row's other problems; without targets, against the stored ones below.
            check(check_count, count, len(named))
        replaces = check(clean_text, v.get("replaces"), "replaces")
        fields.done()
        data["source_id"], data["target_count"] = source_id, count
        return data, named, replaces

    def one(row: Row, data: dict, named: set[int] | None, replaces: str | None) -> None:
        v = row.values
        old = existing.get(data["key"])
        if old is None and not new_only and not (v.get("key") or "").strip():
            same = dated.get((data["date"], data["title"]), [])
            if len(same) > 1:
                found = "; ".join(sorted(r.key for r in same))
                batch.problem(
                    row, f"title: matches {len(same)} stored actions ({found}); give the key"
                )
                return
            old = same[0] if same else None
        key = old.key if old is not None else data["key"]
        try:
            data["replaces_id"] = _replaces(batch, key, replaces, old, replaced, keys)
        except TrackerError as exc:
            batch.problem(row, exc)
            return
        if old is not None:
            data = {**present(row, data, _COLUMNS), "key": old.key}
        if not batch.first_time(seen, data["key"], row):
            return
        if old is not None and new_only:
            batch.problem(row, Duplicate(f"action {data['key']!r} already exists (id {old.id})"))
            return
        have = targets.get(old.id, set()) if old is not None else set()
        count = data["target_count"] if "target_count" in data else old.target_count
        listed = entries.get(old.id, []) if old is not None else []
        try:
            check_count(count, len(have if named is None else named))
            _entries_kept(batch, data.get("kind", old.kind if old else None), listed, named)
        except InvalidValue as exc:
            batch.problem(row, exc)
            return
        retarget = named is not None and named != have
        extra = ()
        if batch.recording and (retarget or old is None):
            shown = _shown_targets(batch, have), _shown_targets(batch, named or ())
            extra = (("targets", *shown),)
        aid = batch.store(T, old, data, counts, "actions", changed=retarget, extra=extra)
        if aid is None:
            aid = old.id if old is not None else batch.key_cache(T).get(data["key"])
        if aid is not None:
            keys[aid] = data["key"]
            if "replaces_id" in data:
                replaced[aid] = data["replaces_id"]
        if batch.failed or not retarget:
            return
        # Only the targets that go and come: the journal keeps no churn.
        retarget_stored(conn, aid, gone=have - (named or set()), come=(named or set()) - have)

    # A row replacing an action a later row adds waits for it.
    waiting = []
    for row, (data, named, replaces) in batch.each(rows, parse):
        if replaces and batch.where is not None and replaces not in batch.key_cache(T):
            waiting.append((row, data, named, replaces))
        else:
            one(row, data, named, replaces)
    while waiting:
        cache = batch.key_cache(T)
        ready = [w for w in waiting if w[3] in cache]
        later = [w for w in waiting if w[3] not in cache]
        if not ready:
            # The rest name actions nobody adds: each gets its problem.
            ready, later = later, []
        for w in ready:
            one(*w)
        waiting = later


def _replaces(
    batch: Batch,
    key: str,
    replaces: str | None,
    old,
    replaced: dict[int, int | None],
    keys: dict[int, str],
) -> int | None:
    """The id of the action ``replaces`` names, which may not be the action
    itself nor one that (through others) replaces it."""
    if not replaces:
        return None
    if replaces == key:
        raise InvalidValue(f"replaces: {key!r} cannot replace itself")
    rid = batch.key_id(T, replaces, "replaces", "action")
    if old is None:
        return rid
    chain, at = [rid], replaced.get(rid)
    while at is not None and at not in chain:
        chain.append(at)
        if at == old.id:
            shown = " → ".join(keys.get(i, "?") for i in chain)
            raise InvalidValue(
                f"replaces: {replaces!r} already replaces {key!r} ({shown}); "
                "an action cannot replace one that replaces it"
            )
        at = replaced.get(at)
    return rid


def _entries_kept(
    batch: Batch, kind: str | None, listed: list[tuple[int, str]], named: set[int] | None
) -> None:
    """A list's entries stay among its targets, and only a list has entries."""
    if not listed:
        return
    if kind != vocab.ActionKind.designation_list:
        raise InvalidValue(
            f"kind: the action has {len(listed)} list entries; only a designation_list has entries"
        )
    if named is None:
        return
    for jid, name in sorted(listed, key=lambda e: e[1]):
        if jid not in named:
            ocd = batch.key_of(Jurisdiction.c.ocd_id, jid)
            raise InvalidValue(
                f"targets: leaves out {ocd}, which the list's entry {name!r} names; "
                "a list's entries are among its targets"
            )


# The CSV column of a stored field whose name differs.
_COLUMNS = {"source_id": "source", "replaces_id": "replaces"}


def _shown_targets(batch: Batch, ids: Iterable[int]) -> str | None:
    return join_list(batch.key_of(Jurisdiction.c.ocd_id, j) for j in ids) or None


def add(
    conn: sa.Connection,
    *,
    source: str,
    targets: list[str] = (),
    replaces: str | None = None,
    **fields,
) -> str:
    """A new action; ``source`` a key, ``targets`` REFs, ``replaces`` the id
    or key of the earlier action it replaces or revises. Returns its key."""
    values = {k: v for k, v in fields.items() if v is not None}
    if "target_count" in values:
        values["target_count"] = str(values["target_count"])
    values["source"] = source
    values["targets"] = "; ".join(targets)
    if replaces is not None:
        values["replaces"] = resolve(conn, replaces, "replaces").key
    write(Batch(conn), [Row(1, values)], new_only=True)
    return validate(**fields)["key"]


def update(
    conn: sa.Connection,
    ref: str,
    *,
    add_targets: list[str] = (),
    target_count: int | None = None,
    description: str | None = None,
    replaces: str | None = None,
) -> str:
    """Add named targets, or change the stated count, the description or the
    action it replaces (an id or key); its key."""
    a = resolve(conn, ref)
    (stored,) = records(conn, [a])
    # The stored action as an import row (its targets left as they are unless added to).
    values = {k: stored[k] for k in ("key", "date", "agency", "kind", "title", "description")}
    values["source"] = stored["source"]
    values["target_count"] = None if a.target_count is None else str(a.target_count)
    if target_count is not None:
        if target_count < 0:
            raise InvalidValue(f"target count: {target_count} is negative")
        values["target_count"] = str(target_count)
    if description is not None:
        values["description"] = description
    if replaces is not None:
        values["replaces"] = resolve(conn, replaces, "replaces").key
    if add_targets:
        named = stored["named_targets"] + [
            jur.resolve(conn, r, "target").ocd_id for r in add_targets
        ]
        values["targets"] = join_list(set(named))
    write(Batch(conn), [Row(1, values)])
    return a.key


def resolve(conn: sa.Connection, ref: str, field: str = "action") -> sa.Row:
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: an action is required (its id or key)")
    if "\x00" in text:
        # PostgreSQL cannot even compare text holding NUL: refuse it before any query.
        raise InvalidValue(f"{field}: contains a NUL character")
    found = conn.execute(sa.select(T).where(T.c.key == text)).first()
    if found is None and text.isascii() and text.isdigit() and len(text) < 19:
        found = conn.execute(sa.select(T).where(T.c.id == int(text))).first()
    if found is None:
        raise NotFound(f"{field}: no action has the id or key {ref!r}; see `tracker actions list`")
    return found


def records(conn: sa.Connection, actions: list, *, names: bool = False) -> list[dict]:
    """Actions as printed: their fields, source (key and title) and named targets."""
    J = Jurisdiction
    ids = [a.id for a in actions]
    named: dict[int, list] = {}
    q = (
        sa.select(AT.c.action_id, J.c.ocd_id, J.c.name, J.c.state)
        .join(J, J.c.id == AT.c.jurisdiction_id)
        .where(AT.c.action_id.in_(ids))
        .order_by(J.c.ocd_id)
    )
    for aid, *target in conn.execute(q):
        named.setdefault(aid, []).append(target)
    keys = source_refs(conn, {a.source_id for a in actions})
    out = []
    for a in actions:
        targets = named.get(a.id, [])
        row = {
            "id": a.id,
            "key": a.key,
            "date": a.date,
            "agency": a.agency,
            "kind": a.kind,
            "title": a.title,
            "description": a.description,
            "source": keys[a.source_id],
            "target_count": a.target_count,
            "named_targets": [ocd for ocd, _name, _state in targets],
        }
        if names:
            row["target_names"] = [f"{name}, {state}" for _ocd, name, state in targets]
        out.append(row)
    return out


def list_actions(conn: sa.Connection) -> Rows:
    q = sa.select(T).order_by(T.c.date, T.c.key)
    return Rows(COLUMNS, records(conn, conn.execute(q).all()))


def show(conn: sa.Connection, ref: str) -> dict:
    """One action with its targets' names too, the earlier action it
    replaces, the later ones that replace it, and its list entries' count."""
    a = resolve(conn, ref)
    record = records(conn, [a], names=True)[0]
    earlier = sa.select(T.c.key).where(T.c.id == a.replaces_id)
    record["replaces"] = conn.execute(earlier).scalar() if a.replaces_id else None
    later = sa.select(T.c.key).where(T.c.replaces_id == a.id).order_by(T.c.key)
    record["replaced_by"] = list(conn.execute(later).scalars())
    entries = sa.select(sa.func.count()).where(ListEntry.c.action_id == a.id)
    record["entries"] = conn.execute(entries).scalar_one()
    return record
