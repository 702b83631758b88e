"""Jurisdiction references (REF): id, OCD id, FIPS, ``Name, ST``, state, alias.

Written against a query callable, ``query(sql, params) -> rows``, with ``?``
placeholders and no literal ``%`` in the SQL: a bare driver connection
(``rawdb.Connection.query``) or a session's (``session_query``). Free of the
ORM, so ``jurisdictions show`` can answer without loading it.
"""

import difflib
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from tracker.errors import Ambiguous, InvalidValue, NotFound
from tracker.identity import STATE_LEVEL, K, lookup_state
from tracker.values import fold

Query = Callable[[str, tuple], list[tuple]]


def session_query(session) -> Query:
    """The query callable over a SQLAlchemy session's connection (and its transaction)."""
    # Plain SQL does not autoflush: rows added to the session must be visible.
    session.flush()
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"

    def query(sql: str, params: tuple = ()) -> list[tuple]:
        if postgres:
            sql = sql.replace("?", "%s")
        return [tuple(r) for r in conn.exec_driver_sql(sql, params)]

    return query


class Ref(NamedTuple):
    """What REF resolution needs of a jurisdiction, and what ``label`` shows."""

    id: int
    ocd_id: str
    name: str
    kind: str
    state: str


_COLUMNS = "j.id, j.ocd_id, j.name, j.kind, j.state"
_STATE_KINDS = tuple(k.value for k in STATE_LEVEL)


def label(j) -> str:
    """How a jurisdiction is named to a user: ``Chicago, IL (ocd-division/...)``."""
    return f"{j.name}, {j.state} ({j.ocd_id})"


def _refs(query: Query, where: str, params: tuple, join: str = "") -> list[Ref]:
    sql = f"SELECT {_COLUMNS} FROM jurisdiction j{join} WHERE {where}"
    return [Ref(*r) for r in query(sql, params)]


def _in_state(where: str, params: tuple, state: str | None) -> tuple[str, tuple]:
    return (f"{where} AND j.state = ?", (*params, state)) if state else (where, params)


# "San Francisco County" and "City and County of San Francisco" both find the
# consolidated city-county named "San Francisco".
_CITY_COUNTY_FORMS = (
    re.compile(r"^(?:city and county of|city-county of|consolidated city of)\s+(.+)$"),
    re.compile(r"^(.+?)\s+(?:county|parish|borough|city-county|city and county)$"),
    re.compile(r"^city of\s+(.+)$"),
    re.compile(r"^(.+?)\s+city$"),
)
_ALIAS_JOIN = " JOIN jurisdiction_alias a ON a.jurisdiction_id = j.id"


def _name_matches(query: Query, folded: str, state: str | None) -> list[Ref]:
    found = {j.id: j for j in _refs(query, *_in_state("j.name_folded = ?", (folded,), state))}
    by_alias = _in_state("a.alias_folded = ?", (folded,), state)
    found.update({j.id: j for j in _refs(query, *by_alias, join=_ALIAS_JOIN)})
    if not found:
        for form in _CITY_COUNTY_FORMS:
            m = form.match(folded)
            if not m:
                continue
            where = _in_state(
                "j.name_folded = ? AND j.kind = ?", (m.group(1), K.city_county.value), state
            )
            found.update({j.id: j for j in _refs(query, *where)})
    return sorted(found.values(), key=lambda j: j.ocd_id)


def _state_level(query: Query, code: str) -> Ref | None:
    marks = ", ".join("?" * len(_STATE_KINDS))
    rows = _refs(query, f"j.state = ? AND j.kind IN ({marks})", (code, *_STATE_KINDS))
    return rows[0] if rows else None


def _loose(text: str) -> str:
    """Letters and digits only: "Washington, DC" and "Washington D.C." agree."""
    return re.sub(r"[\W_]+", "", fold(text))


def _names(query: Query, state: str | None) -> list[tuple[str, int]]:
    """Every (name or alias, jurisdiction id), optionally within one state."""
    where, params = (" WHERE j.state = ?", (state,)) if state else ("", ())
    by_name = query(f"SELECT j.name_folded, j.id FROM jurisdiction j{where}", params)
    by_alias = query(
        "SELECT a.alias_folded, j.id FROM jurisdiction_alias a"
        f" JOIN jurisdiction j ON a.jurisdiction_id = j.id{where}",
        params,
    )
    return [tuple(r) for r in by_name] + [tuple(r) for r in by_alias]


# Ids per query: well under every engine's limit on parameters.
_CHUNK = 500


def _by_ids(query: Query, ids: Iterable[int]) -> list[Ref]:
    ids = list(ids)
    found: list[Ref] = []
    for i in range(0, len(ids), _CHUNK):
        chunk = tuple(ids[i : i + _CHUNK])
        found += _refs(query, f"j.id IN ({', '.join('?' * len(chunk))})", chunk)
    return sorted(found, key=lambda j: j.ocd_id)


def _loose_matches(query: Query, text: str, state: str | None) -> list[Ref]:
    key = _loose(text)
    if not key:
        return []
    return _by_ids(query, {jid for name, jid in _names(query, state) if _loose(name) == key})


def _suggest(query: Query, folded: str, state: str | None) -> list[Ref]:
    names = _names(query, state)
    close = difflib.get_close_matches(folded, {n for n, _ in names}, n=5, cutoff=0.6)
    if not close and state:
        # "Chicago, IN": the name exists, in another state.
        return _suggest(query, folded, None)
    ids: list[int] = []
    for c in close:
        ids.extend(jid for n, jid in names if n == c and jid not in ids)
    rank = {jid: i for i, jid in enumerate(ids)}
    return sorted(_by_ids(query, ids), key=lambda j: rank[j.id])[:5]


def _ambiguous(field: str, ref: str, matches: list[Ref]) -> Ambiguous:
    listed = "; ".join(label(j) for j in matches[:10])
    more = f"; and {len(matches) - 10} more" if len(matches) > 10 else ""
    return Ambiguous(
        f"{field}: {ref!r} matches {len(matches)} jurisdictions: {listed}{more}; "
        "use the OCD id or 'Name, ST'"
    )


def _by_ocd_id(query: Query, text: str, field: str) -> int:
    found = query("SELECT id FROM jurisdiction WHERE ocd_id = ?", (text.lower(),))
    if found:
        return found[0][0]
    # Accents and case do not matter here either: ".../county:dona_ana".
    key = fold(text)
    ids = [jid for ocd, jid in query("SELECT ocd_id, id FROM jurisdiction", ()) if fold(ocd) == key]
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise _ambiguous(field, text, _by_ids(query, ids))
    raise NotFound(f"{field}: no jurisdiction has the OCD id {text!r}")


def _by_number(query: Query, text: str, field: str) -> int:
    """A FIPS code (2, 5 or 7 digits) or a database id; both matching is ambiguous."""
    by_fips = None
    if len(text) in (2, 5, 7):
        by_fips = next(iter(_refs(query, "j.fips = ?", (text,))), None)
    # "06" is California's FIPS code, never id 6: ids have no leading zero.
    is_id = len(text) < 19 and not text.startswith("0")
    by_id = next(iter(_refs(query, "j.id = ?", (int(text),))), None) if is_id else None
    if by_fips is not None and by_id is not None and by_fips.id != by_id.id:
        raise Ambiguous(
            f"{field}: {text!r} is the FIPS code of {label(by_fips)} and the id of "
            f"{label(by_id)}; use the OCD id"
        )
    found = by_fips or by_id
    if found is None:
        raise NotFound(f"{field}: no jurisdiction has the id or FIPS code {text!r}")
    return found.id


def resolve(query: Query, ref: str, field: str = "jurisdiction") -> int:
    """The id of the one jurisdiction ``ref`` names: its id, OCD id, FIPS code,
    ``Name, ST``, a state's name or code, or an alias. Raises InvalidValue,
    NotFound or Ambiguous with a message naming ``field``."""
    text = (ref or "").strip() if isinstance(ref, str) else ""
    if not text:
        raise InvalidValue(f"{field}: a jurisdiction reference is required")
    if "\x00" in text:
        raise InvalidValue(f"{field}: contains a NUL character")
    if text.lower().startswith("ocd-division/"):
        return _by_ocd_id(query, text, field)
    if text.isascii() and text.isdigit():
        return _by_number(query, text, field)

    matches: list[Ref] = []
    head, comma, tail = text.rpartition(",")
    split_state = lookup_state(tail) if comma and head.strip() else None
    if split_state is not None:
        matches = _name_matches(query, fold(head), split_state.abbr)
        if len(matches) > 1:
            # "New York, NY": prefer the local government over the state itself.
            matches = [j for j in matches if j.kind not in STATE_LEVEL] or matches
    if not matches:
        # The whole text as a name or alias: "Washington, D.C.", "Jeff Sessions, AG".
        matches = _name_matches(query, fold(text), None)
        if len(matches) > 1 and lookup_state(text) is not None:
            # A bare "New York" is the state when the state is tracked.
            states = [j for j in matches if j.kind in STATE_LEVEL]
            matches = states if len(states) == 1 else matches
    if not matches:
        st = lookup_state(text)
        found = _state_level(query, st.abbr) if st is not None else None
        if found is not None:
            return found.id
    if not matches and split_state is not None:
        matches = _loose_matches(query, head, split_state.abbr)
    if not matches:
        matches = _loose_matches(query, text, None)
    if len(matches) == 1:
        return matches[0].id
    if matches:
        raise _ambiguous(field, ref, matches)

    if comma and head.strip() and split_state is None:
        folded, state = fold(head), None
        bad = f"; {tail.strip()!r} is not a state code"
    else:
        folded = fold(head) if split_state else fold(text)
        state = split_state.abbr if split_state else None
        bad = ""
    close = _suggest(query, folded, state)
    hint = (
        f"; did you mean: {'; '.join(label(j) for j in close)}"
        if close
        else "; see `tracker jurisdictions list`"
    )
    raise NotFound(f"{field}: no jurisdiction matches {ref!r}{bad}{hint}")
