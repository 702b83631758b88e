"""``tracker publish``: the whole database as a static website.

Plain HTML, one CSS file and one small script, nothing fetched from
elsewhere: the site opens from ``file://`` and from any static host. Every
page is read from the domain modules (``dossier``, ``status``, ``actions``,
``lists``, ``cases``, ``grants``, ``statusmap``, ``csvformat``); this module
only lays them out.

The pages, by path inside the output directory:

- ``index.html``: the county map of today (``statusmap.draw``) and a year
  control that recolours it for any year on record; ``states.html``: the
  same with states. Each year is the status in force on its 31 December
  (today for this year), as ``status.in_force_rows`` gives it;
- ``status.html``: the status table, sortable and filterable;
- ``j/<file>.html``: one per tracked jurisdiction (``dossier.build_many``);
- ``actions.html`` and ``actions/<file>.html``, ``cases.html`` and
  ``cases/<file>.html``, ``sources.html`` and ``sources/<file>.html``;
- ``codebook.html``: the CSV format, from ``csvformat.ENTITIES``;
- ``data/``: the data release (``release.write``), linked from the home page;
- ``assets/site.css``, ``assets/site.js``.

File names come from keys (``page_name``, ``jurisdiction_page``): a key that
is already a plain lower-case slug is its own name, any other is a slug and
a hash of the key, so names are stable, unique and safe on any file system.

Hooks for browser checks (stable):

- map pages: ``#year`` (a select of years, its options' values the years),
  ``#year-prev``, ``#year-next``; ``#year-control`` (hidden without
  script); the map ``svg #map``, its shapes ``#map path.shape`` with ids
  ``fips-<FIPS>`` and dots ``#map circle.dot``, each with ``data-status``
  (a status, ``none`` or ``untracked``) and ``data-disagree="yes"`` where
  sources disagree; ``#map-heading`` (the date), ``#map-subtitle``,
  ``#legend .legend-item[data-status] text`` (the label and, with script,
  a count); ``#map-data``: the years as JSON (``map_data``);
- ``status.html``: ``#status-table`` (rows ``tbody tr`` with
  ``data-state``, ``data-kind``, ``data-status``), header buttons
  ``#status-table th button[data-sort]``, filters ``#filter-state``,
  ``#filter-kind``, ``#filter-status``, the count ``#status-count``;
- every row or item stating a fact has the class ``fact`` and links to a
  source page (``a.src``).

Output is deterministic: the same database gives the same bytes (ordered
by keys, no clock but the day the status is shown for; the footer says
"data as of" the latest time recorded in the database).
"""

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from datetime import date
from html import escape
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from tracker import (
    actions,
    cases,
    dossier,
    grants,
    lists,
    models,
    release,
    sources,
    statusmap,
    vocab,
)
from tracker import status as st
from tracker.csvformat import ENTITIES, FORMAT_RULES
from tracker.errors import InvalidValue
from tracker.records import Rows, SourceRef, Text
from tracker.values import format_timestamp

GENERATOR = '<meta name="generator" content="tracker publish">'
# Where pages are built before they are moved into place (hidden: a
# re-publish never counts it as the site's).
PARTIAL = ".tracker-publish.partial"
STATUSES = [s.value for s in vocab.Status]
NONE = statusmap.NO_STATUS_KEY


class Published(NamedTuple):
    out: Path
    pages: int
    files: int
    jurisdictions: int
    actions: int
    cases: int
    sources: int
    years: tuple[int, int]
    home_bytes: int


# --- file names -----------------------------------------------------------------

_PLAIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_OCD_PART = re.compile(r"([a-z_]+):([a-z0-9_~]+)")
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                       *(f"lpt{i}" for i in range(10))})  # fmt: skip


def _hashed(text: str, readable: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return f"{actions.slug(readable, 60)}--{digest}"


def page_name(key: str) -> str:
    """A file name (without .html) for a record's key: the key itself when
    it is a plain slug (``2018-01-24-doj-threatens``), else a slug of it and
    a hash of the key (never ``--`` in a plain one, so the two never meet)."""
    if len(key) <= 100 and _PLAIN.fullmatch(key) and key not in _RESERVED:
        return key
    return _hashed(key, key)


def jurisdiction_page(ocd_id: str) -> str:
    """A jurisdiction's file name from its OCD id: ``state-ca.place-san_francisco``
    for ``ocd-division/country:us/state:ca/place:san_francisco`` (each part
    ``type-id``, one ``-`` each, joined by dots), else a slug and a hash."""
    prefix = "ocd-division/country:us/"
    if ocd_id.startswith(prefix) and len(ocd_id) <= 160:
        parts = [_OCD_PART.fullmatch(p) for p in ocd_id[len(prefix) :].split("/")]
        if all(parts):
            return ".".join(f"{m.group(1)}-{m.group(2)}" for m in parts)
    return _hashed(ocd_id, ocd_id.removeprefix(prefix))


# --- HTML -----------------------------------------------------------------------


def e(value) -> str:
    """Any value as HTML text: None is empty, the rest escaped (quotes too)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape(str(value), quote=True)


def _label(value: str | None) -> str:
    return (value or "").replace("_", " ")


def _json_script(ident: str, data) -> str:
    """Data for the script, inert and safe inside HTML (no ``</script>``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{ident}">{text}</script>'


def _money(amount: str) -> str:
    whole, _, cents = amount.partition(".")
    return f"${int(whole):,}.{cents or '00'}"


NAV = (
    ("index.html", "Map"),
    ("status.html", "Status table"),
    ("actions.html", "Federal actions"),
    ("cases.html", "Cases"),
    ("sources.html", "Sources"),
    ("codebook.html", "Codebook"),
    ("index.html#data", "Data"),
)


class Site:
    """What every page links to: each record's page and name."""

    def __init__(self, conn: sa.Connection, today: date):
        self.conn = conn
        self.today = today
        self.day = today.isoformat()
        self.as_of = _latest_change(conn)
        self.jurisdictions: dict[str, tuple[str, str]] = {}  # ocd -> (path, "Name, ST")
        self.states: dict[str, str] = {}  # USPS code -> the state's ocd id, when tracked
        self.sources: dict[str, tuple[str, str]] = {}  # key -> (path, title)
        self.actions: dict[str, tuple[str, str]] = {}  # key -> (path, title)
        self.cases: dict[str, tuple[str, str]] = {}  # key -> (path, caption)
        self.data_files: list[str] = []
        self.case_source: dict[str, SourceRef] = {}  # case key -> its source
        # (case key, ruling date, ruling kind) -> the ruling's source
        self.ruling_source: dict[tuple[str, str, str], SourceRef] = {}

    # links: ``root`` is "" for pages at the top, "../" for pages in folders

    def j(self, ocd: str | None, root: str, label: str | None = None) -> str:
        if not ocd:
            return ""
        found = self.jurisdictions.get(ocd)
        if found is None:
            return e(label or ocd)
        return f'<a href="{root}{found[0]}">{e(label or found[1])}</a>'

    def src(self, key, root: str) -> str:
        if not key:
            return ""
        found = self.sources.get(str(key))
        if found is None:
            return e(getattr(key, "title", key))
        return f'<a class="src" href="{root}{found[0]}">{e(found[1])}</a>'

    def action(self, key: str | None, root: str) -> str:
        if not key:
            return ""
        found = self.actions.get(key)
        return f'<a href="{root}{found[0]}">{e(found[1])}</a>' if found else e(key)

    def case(self, key: str | None, root: str, label: str | None = None) -> str:
        if not key:
            return ""
        found = self.cases.get(key)
        return f'<a href="{root}{found[0]}">{e(label or found[1])}</a>' if found else e(key)

    def said(self, text: Text | None, root: str) -> str:
        """``partial (source); ...`` with each source a link."""
        if not text:
            return ""
        parts = getattr(text, "parts", (text,))
        return "".join(self.src(p, root) if isinstance(p, SourceRef) else e(p) for p in parts)

    def page(self, title: str, body: str, root: str, *, script: bool = False) -> str:
        nav = "".join(f'<a href="{root}{href}">{e(name)}</a>' for href, name in NAV)
        tail = f'<script src="{root}assets/site.js"></script>\n' if script else ""
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"{GENERATOR}\n"
            f"<title>{e(title)} · Sanctuary-policy tracker</title>\n"
            f'<link rel="stylesheet" href="{root}assets/site.css">\n'
            "</head>\n<body>\n"
            f'<header class="site"><a class="brand" href="{root}index.html">'
            f"Sanctuary-policy tracker</a><nav>{nav}</nav></header>\n"
            f"<main>\n{body}</main>\n"
            f'<footer class="site">{e(self.as_of)}; status shown as of '
            f"{e(self.day)}. Every fact links to its source. "
            f'<a href="{root}codebook.html">Codebook</a> · '
            f'<a href="{root}index.html#data">Download the data</a></footer>\n'
            f"{tail}</body>\n</html>\n"
        )


def _latest_change(conn: sa.Connection) -> str:
    """The footer's "Data as of": the latest moment the database recorded
    (rows stamped when written, and the journal of changes)."""
    latest = None
    for table in models.metadata.tables.values():
        for name in ("created_at", "recorded_at"):
            if name in table.c:
                found = conn.execute(sa.select(sa.func.max(table.c[name]))).scalar()
                if found is not None and (latest is None or found > latest):
                    latest = found
    if latest is None:
        return "No data recorded yet"
    return f"Data as of {format_timestamp(latest)[:19]}Z"


def _table(headers: Iterable[str], rows: list[str], *, ident: str = "", cls: str = "") -> str:
    heads = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    attrs = (f' id="{ident}"' if ident else "") + (f' class="{cls}"' if cls else "")
    return (
        f'<div class="scroll"><table{attrs}><thead><tr>{heads}</tr></thead>\n<tbody>\n'
        + "".join(rows)
        + "</tbody></table></div>\n"
    )


def _badge(status: str | None) -> str:
    key = status or NONE
    shown = _label(status) if status else "no status recorded"
    return f'<span class="badge"><span class="swatch s-{e(key)}"></span>{e(shown)}</span>'


def _dl(items: Iterable[tuple[str, str]]) -> str:
    inner = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in items if v not in (None, ""))
    return f'<dl class="record">{inner}</dl>\n'


def _section(title: str, body: str, ident: str) -> str:
    return f'<section id="{ident}">\n<h2>{e(title)}</h2>\n{body}</section>\n'


# --- the map --------------------------------------------------------------------


def _years(conn: sa.Connection, today: date) -> list[int]:
    first = st.first_start(conn)
    start = int(first[:4]) if first else today.year
    return list(range(min(start, today.year), today.year + 1))


def map_data(conn: sa.Connection, drawings: dict[str, statusmap.Drawing], years, today: date):
    """Each map's years: the status of each coloured shape and dot on each
    year's 31 December (today for this year), one character each: ``a``…
    for the statuses in vocabulary order (upper case where sources
    disagree), ``-`` for none. Also each year's title and subtitle."""
    out = {
        level: {
            "level": level,
            "statuses": STATUSES,
            "colours": {**statusmap.COLOURS, NONE: statusmap.NO_STATUS_COLOUR},
            "ids": [ident for ident, _ in drawing.elements],
            "years": [],
        }
        for level, drawing in drawings.items()
    }
    for year in years:
        day = today.isoformat() if year == today.year else f"{year}-12-31"
        rows = list(st.in_force_rows(conn, day))
        said = {
            r.id: "-" if r.status is None
            else (chr(97 + STATUSES.index(r.status)).upper() if r.disagreement
                  else chr(97 + STATUSES.index(r.status)))
            for r in rows
        }  # fmt: skip
        for level, drawing in drawings.items():
            drawn = statusmap.level_rows(rows, level)
            counts = (
                len(drawn),
                sum(1 for r in drawn if r.status),
                len(statusmap.sources_of(drawn)),
            )
            title, subtitle = statusmap.headings(statusmap.Options(level, "svg", day, None), counts)
            out[level]["years"].append(
                {
                    "year": year,
                    "day": day,
                    "title": title,
                    "subtitle": subtitle,
                    "codes": "".join(said.get(jid, "-") for _, jid in drawing.elements),
                }
            )
    return out


def _names(conn: sa.Connection, drawing: statusmap.Drawing) -> list[str]:
    J = models.Jurisdiction
    names = {
        jid: f"{name}, {state}" if kind not in ("state", "territory", "federal_district") else name
        for jid, name, state, kind in conn.execute(sa.select(J.c.id, J.c.name, J.c.state, J.c.kind))
    }
    return [names[jid] for _, jid in drawing.elements]


def _map_page(site: Site, level: str, drawing: statusmap.Drawing, data: dict, data_links: str):
    years = data["years"]
    other = ("states.html", "States") if level == "county" else ("index.html", "Counties")
    here = "Counties" if level == "county" else "States"
    options = "".join(
        f'<option value="{y["year"]}"{" selected" if i == len(years) - 1 else ""}>'
        f"{y['year']}{' (today)' if i == len(years) - 1 else ''}</option>"
        for i, y in enumerate(years)
    )
    svg = drawing.text.removeprefix('<?xml version="1.0" encoding="UTF-8"?>\n')
    missing = ""
    if drawing.listed:
        missing = (
            f'<p class="note">{drawing.listed} jurisdiction(s) have no place on this map '
            "(cities without coordinates: load a Census Gazetteer file with "
            "<code>tracker registry load</code>; others sharing a shape or not drawn): "
            'the <a href="status.html">status table</a> lists every one.</p>\n'
        )
    body = (
        "<h1>Sanctuary-policy status</h1>\n"
        f'<p class="levels">Map of <strong>{here}</strong> · '
        f'<a href="{other[0]}">{other[1]}</a>. Where sources disagree the shape is hatched; '
        "grey: tracked, no status recorded; white: not tracked.</p>\n"
        '<form id="year-control" class="controls" hidden>'
        '<label for="year">Status in force at the end of</label> '
        '<button type="button" id="year-prev" aria-label="Previous year">◀</button>'
        f'<select id="year" name="year">{options}</select>'
        '<button type="button" id="year-next" aria-label="Next year">▶</button>'
        "</form>\n"
        f'<figure class="map">\n{svg}</figure>\n'
        f"{missing}"
        f"{_json_script('map-data', data)}\n" + _section("Download the data", data_links, "data")
    )
    return site.page(f"Status map: {here.lower()}", body, "", script=True)


def _data_links(site: Site) -> str:
    about = {
        "datapackage.json": "a Frictionless Data package describing the CSV files "
        "(field types, vocabularies, keys)",
        "tracker.db": "the database as one SQLite file (datasette tracker.db -m metadata.json)",
        "metadata.json": "Datasette's metadata for tracker.db",
    }
    items = []
    for name in site.data_files:
        entity = ENTITIES.get(name.removesuffix(".csv")) if name.endswith(".csv") else None
        if entity is not None and entity.filename == name:
            what = (
                f'{e(entity.about)} (<a href="codebook.html#entity-{e(entity.name)}">columns</a>)'
            )
        else:
            what = e(about.get(name, ""))
        items.append(
            f'<li><a href="data/{e(name)}">{e(name)}</a>{": " + what if what else ""}</li>'
        )
    return (
        "<p>Every entity as a CSV file in tracker's import format "
        '(<a href="codebook.html">codebook</a>): <code>tracker import data/</code> loads them '
        "into another database.</p>\n"
        f'<ul class="files">{"".join(items)}</ul>\n'
    )


# --- the status table -----------------------------------------------------------


def _status_page(site: Site, rows: list[st.InForce]) -> str:
    def options(ident: str, label: str, values: list[str]) -> str:
        opts = "".join(f'<option value="{e(v)}">{e(_label(v) or v)}</option>' for v in values)
        return (
            f'<label for="{ident}">{e(label)}</label> '
            f'<select id="{ident}"><option value="">all</option>{opts}</select> '
        )

    states = sorted({r.state for r in rows})
    kinds = sorted({r.kind for r in rows})
    present = {r.status or NONE for r in rows}
    statuses = [s for s in [*STATUSES, NONE] if s in present]
    columns = [("name", "Name"), ("state", "State"), ("kind", "Kind"), ("status", "Status"),
               ("since", "Since"), ("last_asserted", "Last asserted"), ("source", "Source"),
               ("disagreement", "Sources that disagree")]  # fmt: skip
    heads = "".join(
        f'<th scope="col"><button type="button" data-sort="{i}">{e(name)}</button></th>'
        for i, (_key, name) in enumerate(columns)
    )
    body_rows = []
    for r in rows:
        key = r.status or NONE
        cls = ' class="fact"' if r.status else ""
        body_rows.append(
            f'<tr{cls} data-state="{e(r.state)}" data-kind="{e(r.kind)}" data-status="{e(key)}">'
            f"<td>{site.j(r.ocd_id, '', r.name)}</td><td>{e(r.state)}</td><td>{e(r.kind)}</td>"
            f'<td>{_badge(r.status)}</td><td class="d">{e(r.since)}</td>'
            f'<td class="d">{e(r.last_asserted)}</td>'
            f"<td>{site.src(r.source, '')}</td><td>{site.said(r.disagreement, '')}</td></tr>\n"
        )
    body = (
        "<h1>Status of every tracked jurisdiction</h1>\n"
        f"<p>The status in force on {e(site.day)}, as <code>tracker report status</code> gives "
        "it: the latest assertion in force, since the start of its unbroken run, and each "
        "other source whose latest word differs. Click a column's name to sort.</p>\n"
        '<form id="filters" class="controls" hidden>'
        + options("filter-state", "State", states)
        + options("filter-kind", "Kind", kinds)
        + options("filter-status", "Status", statuses)
        + f'<output id="status-count">{len(rows)} jurisdictions</output></form>\n'
        '<div class="scroll"><table id="status-table" class="sortable">'
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n"
        + "".join(body_rows)
        + "</tbody></table></div>\n"
    )
    return site.page("Status table", body, "", script=True)


# --- a jurisdiction -------------------------------------------------------------


def _jurisdiction_page(site: Site, d: dict, case_rulings: dict[str, list[dict]]) -> str:
    root = "../"
    j = d["jurisdiction"]
    state_ocd = site.states.get(j["state"])
    state = j["state"]
    if state_ocd and state_ocd != j["key"]:
        state = f"{site.j(state_ocd, root)} ({e(j['state'])})"
    identity = _dl(
        [
            ("Kind", e(_label(j["kind"]))),
            ("State", state if state_ocd and state_ocd != j["key"] else e(j["state"])),
            ("FIPS code", e(j["fips"])),
            ("Population", e(f"{j['population']:,}") if j["population"] is not None else ""),
            ("Also known as", e("; ".join(j["aliases"]))),
            ("Notes", e(j["notes"])),
            ("OCD id", f"<code>{e(j['key'])}</code>"),
        ]
    )
    parts = [f"<h1>{e(j['name'])}, {e(j['state'])}</h1>\n", identity]

    current = d["current_status"]
    if current:
        rows = [
            f'<tr class="fact"><td>{_badge(r["status"])}</td><td class="d">{e(r["since"])}</td>'
            f'<td class="d">{e(r["last_asserted"])}</td><td>{site.src(r["source"], root)}</td>'
            f"<td>{'in force' if i == 0 else 'this source disagrees'}</td></tr>\n"
            for i, r in enumerate(current)
        ]
        now = _table(["Status", "Since", "Last asserted", "Source", ""], rows, cls="facts")
    else:
        now = '<p class="none">No status recorded.</p>\n'
    parts.append(_section(f"Status on {site.day}", now, "status"))

    history = d["status_history"]
    if history:
        items = []
        for r in history:
            when = (
                f"effective {r['effective']}" if r["effective"]
                else f"observed {r['observed']}" if r["observed"]
                else "date not given"
            )  # fmt: skip
            extra = "".join(
                f'<span class="detail">{name}: {e(r[key])}</span>'
                for key, name in (("citation", "Citation"), ("label", "The source's label"),
                                  ("note", "Note"))
                if r[key]
            )  # fmt: skip
            quote = f"<blockquote>{e(r['quote'])}</blockquote>" if r["quote"] else ""
            observed = (
                f'<span class="detail">observed {e(r["observed"])}</span>'
                if r["effective"] and r["observed"]
                else ""
            )
            items.append(
                f'<li class="fact t-{e(r["status"])}"><span class="when">{e(when)}</span> '
                f'{_badge(r["status"])} <span class="by">{site.src(r["source"], root)}</span>'
                f"{observed}{extra}{quote}"
                f'<span class="recorded">recorded {e(r["recorded_at"][:19])}Z</span></li>\n'
            )
        timeline = f'<ol class="timeline">\n{"".join(items)}</ol>\n'
    else:
        timeline = '<p class="none">No assertions.</p>\n'
    parts.append(_section("Status timeline", timeline, "timeline"))

    money = d["money"]
    if money:
        rows = [
            f'<tr class="fact"><td>{e(g["fiscal_year"])}</td><td>{e(g["program"])}'
            f"{' (' + e(g['assistance_listing']) + ')' if g['assistance_listing'] else ''}</td>"
            f'<td class="num">{e(_money(g["amount"]))}</td><td>{e(_label(g["amount_type"]))}</td>'
            f"<td>{e(g['label'])}</td><td>{site.action(g['action'], root)}</td>"
            f"<td>{site.src(g['source'], root)}</td><td>{e(g['note'])}</td></tr>\n"
            for g in money
        ]
        text = _table(["Fiscal year", "Program", "Amount", "Type", "Covers", "Action", "Source",
                       "Note"], rows, cls="facts")  # fmt: skip
    else:
        text = '<p class="none">No grant money recorded.</p>\n'
    parts.append(_section("Money", text, "money"))

    acted = d["actions"]
    if acted:
        rows = [
            f'<tr class="fact"><td>{e(a["date"])}</td><td>{e(_label(a["kind"]))}</td>'
            f"<td>{site.action(a['key'], root)}</td><td>{e(a['agency'])}</td>"
            f"<td>{site.src(a['source'], root)}</td></tr>\n"
            for a in acted
        ]
        text = _table(["Date", "Kind", "Action", "Agency", "Source"], rows, cls="facts")
    else:
        text = '<p class="none">No federal action recorded.</p>\n'
    parts.append(_section("Federal actions aimed at it", text, "actions"))

    litigated = d["cases"]
    if litigated:
        rows = []
        for c in litigated:
            ruled = case_rulings.get(c["key"], [])
            rulings = "".join(
                f'<li class="fact">{e(r["date"])} {e(_label(r["kind"]))}'
                f"{': ' + e(r['summary']) if r['summary'] else ''} "
                f"({site.src(r['source'], root)})</li>"
                for r in ruled
            )
            rows.append(
                f'<tr class="fact"><td>{site.case(c["key"], root)}</td><td>{e(c["role"])}</td>'
                f"<td>{e(c['court'])}</td><td>{e(_label(c['status']))}</td>"
                f"<td>{('<ul class=rulings>' + rulings + '</ul>') if rulings else ''}</td>"
                f"<td>{site.src(site.case_source.get(c['key']), root)}</td></tr>\n"
            )
        text = _table(["Case", "Role", "Court", "Status", "Rulings", "Source"], rows, cls="facts")
    else:
        text = '<p class="none">No case recorded.</p>\n'
    parts.append(_section("Cases", text, "cases"))

    shielded = d["protection"]
    if shielded:
        rows = []
        for p in shielded:
            source = site.ruling_source.get((p["case"], p["ruling_date"], p["ruling"]))
            rows.append(
                f'<tr class="fact"><td>{site.case(p["case"], root)}</td>'
                f"<td>{e(p['ruling_date'])} {e(_label(p['ruling']))}</td><td>{e(p['scope'])}</td>"
                f"<td>{site.action(p['action'], root)}</td>"
                f"<td>{'in force' if p['in_force'] else 'not in force'}</td>"
                f"<td>{e(p['since'])}</td><td>{e(p['until'])}</td><td>{e(p['last_event'])}</td>"
                f"<td>{site.src(source, root)}</td></tr>\n"
            )
        text = (
            f"<p>As <code>tracker report protection</code> shows them on {e(site.day)}.</p>\n"
            + _table(
                [
                    "Case",
                    "Order",
                    "Scope",
                    "Restrains",
                    "Force",
                    "Since",
                    "Until",
                    "Last event",
                    "Source",
                ],
                rows,
                cls="facts",
            )  # fmt: skip
        )
    else:
        text = '<p class="none">No court order covers it.</p>\n'
    parts.append(_section("Court orders protecting it", text, "protection"))
    return site.page(f"{j['name']}, {j['state']}", "".join(parts), root)


# --- actions, cases, sources ----------------------------------------------------


def _action_page(site: Site, a: dict, extra: dict) -> str:
    root = "../"
    names = dict(zip(a["named_targets"], a["target_names"], strict=True))
    targets = "".join(f"<li>{site.j(ocd, root, names[ocd])}</li>" for ocd in a["named_targets"])
    count = a["target_count"]
    stated = f"{count} (the source's count)" if count is not None else ""
    later = ", ".join(site.action(k, root) for k in a["replaced_by"])
    parts = [
        f"<h1>{e(a['title'])}</h1>\n",
        _dl(
            [
                ("Date", e(a["date"])),
                ("Agency", e(a["agency"])),
                ("Kind", e(_label(a["kind"]))),
                ("Description", e(a["description"])),
                ("Targets stated", e(stated)),
                ("Replaces", site.action(a["replaces"], root)),
                ("Replaced by", later),
                ("Source", site.src(a["source"], root)),
                ("Key", f"<code>{e(a['key'])}</code>"),
            ]
        ),
        _section(
            f"Named targets ({len(a['named_targets'])})",
            f'<ul class="columns">{targets}</ul>\n'
            if targets
            else '<p class="none">None named.</p>\n',
            "targets",
        ),
    ]
    entries = extra.get("entries")
    if entries:
        fates = extra["fates"]
        rows = []
        for x in entries:
            told = "".join(
                f'<li class="fact">{e(f["fate"])} {e(f["date"])} ({site.src(f["source"], root)})'
                f"{': ' + e(f['note']) if f['note'] else ''}</li>"
                for f in fates.get(x["id"], [])
            )
            rows.append(
                f'<tr class="fact"><td class="num">{e(x["position"])}</td><td>{e(x["name"])}</td>'
                f"<td>{site.j(x['jurisdiction'], root, x['jurisdiction_name'])}</td>"
                f"<td>{e(x['reason'])}</td><td>{('<ul>' + told + '</ul>') if told else ''}</td>"
                f"<td>{site.src(a['source'], root)}</td></tr>\n"
            )
        parts.append(
            _section(
                f"List entries ({len(entries)}), as printed",
                _table(
                    ["#", "Printed name", "Jurisdiction", "Reason", "Later", "Source"],
                    rows,
                    cls="facts",
                ),  # fmt: skip
                "entries",
            )
        )
    diff = extra.get("diff")
    if diff is not None:
        earlier = extra["earlier"]
        rows = []
        for r in diff:
            said = {
                "added": site.src(a["source"], root),
                "removed": site.src(earlier["source"], root),
                "kept": site.src(earlier["source"], root) + "; " + site.src(a["source"], root),
            }[r["change"]]
            rows.append(
                f'<tr class="fact change-{e(r["change"])}"><td>{e(r["change"])}</td>'
                f"<td>{site.j(r['key'], root)}</td><td>{e(r['state'])}</td>"
                f"<td>{e(r['printed_a'])}</td><td>{e(r['printed_b'])}</td><td>{said}</td></tr>\n"
            )
        summary = e(lists.diff_summary(Rows(lists.DIFF_COLUMNS, diff)))
        parts.append(
            _section(
                "Compared with the action it replaces",
                f"<p>By jurisdiction, against {site.action(earlier['key'], root)}: {summary} "
                "(as <code>tracker actions diff</code>).</p>\n"
                + _table(
                    ["Change", "Jurisdiction", "State", "Printed before", "Printed now", "Source"],
                    rows,
                    cls="facts",
                ),  # fmt: skip
                "diff",
            )
        )
    orders = extra.get("orders", [])
    if orders:
        rows = [
            f'<tr class="fact"><td>{site.case(o["case"], root)}</td><td>{e(o["date"])} '
            f"{e(_label(o['kind']))}</td><td>{e(o['scope'])}</td>"
            f"<td>{site.src(o['source'], root)}</td></tr>\n"
            for o in orders
        ]
        parts.append(
            _section(
                "Court orders restraining it",
                _table(["Case", "Ruling", "Scope", "Source"], rows, cls="facts"),
                "orders",
            )
        )
    return site.page(a["title"], "".join(parts), root)


def _case_page(site: Site, shown: dict) -> str:
    root = "../"
    c = shown["case"]
    parties = "".join(
        f"<li>{e(p['role'])}: {site.j(p['jurisdiction'], root, p['party'])}</li>"
        if p["jurisdiction"]
        else f"<li>{e(p['role'])}: {e(p['party'])}</li>"
        for p in shown["parties"]
    )
    parts = [
        f"<h1>{e(c['caption'])}</h1>\n",
        _dl(
            [
                ("Court", e(c["court"])),
                ("Docket", e(c["docket"])),
                ("Filed", e(c["filed"])),
                ("Status", e(_label(c["status"]))),
                ("Summary", e(c["summary"])),
                ("Source", site.src(c["source"], root)),
                ("Key", f"<code>{e(c['key'])}</code>"),
            ]
        ),
        _section(
            "Parties",
            f"<ul>{parties}</ul>\n" if parties else '<p class="none">None recorded.</p>\n',
            "parties",
        ),
    ]
    if shown["rulings"]:
        rows = [
            f'<tr class="fact" id="ruling-{e(r["id"])}"><td>{e(r["date"])}</td>'
            f"<td>{e(_label(r['kind']))}</td><td>{e(r['judge'])}</td><td>{e(r['summary'])}</td>"
            f"<td>{e(r['scope'])}</td>"
            f"<td>{', '.join(site.action(k, root) for k in r['restrains'])}</td>"
            f"<td>{', '.join(site.j(o, root) for o in r['covers'])}</td>"
            f"<td>{site.src(r['source'], root)}</td></tr>\n"
            for r in shown["rulings"]
        ]
        text = _table(["Date", "Kind", "Judge", "Summary", "Scope", "Restrains", "Covers (named)",
                       "Source"], rows, cls="facts")  # fmt: skip
    else:
        text = '<p class="none">No ruling recorded.</p>\n'
    parts.append(_section("Rulings", text, "rulings"))
    if shown["ruling_events"]:
        rows = [
            f'<tr class="fact"><td>{e(x["ruling"])}</td><td>{e(x["event"])}</td>'
            f"<td>{e(x['date'])}</td><td>{e(x['appellate'])}</td>"
            f"<td>{', '.join(site.j(o, root) for o in x['still_covers'])}</td>"
            f"<td>{e(x['note'])}</td><td>{site.src(x['source'], root)}</td></tr>\n"
            for x in shown["ruling_events"]
        ]
        parts.append(
            _section(
                "What happened to its rulings",
                _table(
                    ["Ruling", "Event", "Date", "Brought by", "Still covers", "Note", "Source"],
                    rows,
                    cls="facts",
                ),  # fmt: skip
                "events",
            )
        )
    return site.page(c["caption"], "".join(parts), root)


class _Cites:
    """What cites one source, section by section."""

    def __init__(self):
        self.status: list[str] = []
        self.actions: list[str] = []
        self.grants: list[str] = []
        self.cases: list[str] = []
        self.rulings: list[str] = []
        self.events: list[str] = []
        self.fates: list[str] = []

    def count(self) -> int:
        return sum(len(v) for v in vars(self).values())


def _source_page(site: Site, s: dict, cites: _Cites) -> str:
    root = "../"
    url = e(s["url"])
    # Only a web address becomes a link (never a script's "javascript:").
    if url.lower().startswith(("http://", "https://")):
        url = f'<a href="{url}" rel="external">{url}</a>'
    parts = [
        f"<h1>{e(s['title'])}</h1>\n",
        _dl(
            [
                ("Publisher", e(s["publisher"])),
                ("Author", e(s["author"])),
                ("Published", e(s["published"])),
                ("Kind", e(_label(s["kind"]))),
                ("Link", url),
                ("Key", f"<code>{e(s['key'])}</code>"),
            ]
        ),
    ]
    here = site.src(s["key"], root)
    sections = (
        ("Status assertions", ["Jurisdiction", "Status", "Effective", "Observed"], cites.status,
         "status"),
        ("Federal actions", ["Date", "Action", "Kind"], cites.actions, "actions"),
        ("Grant amounts", ["Fiscal year", "Program", "Amount", "Type", "Covers"], cites.grants,
         "grants"),
        ("Cases", ["Case", "Court", "Status"], cites.cases, "cases"),
        ("Rulings", ["Case", "Date", "Kind"], cites.rulings, "rulings"),
        ("Ruling events", ["Case", "Ruling", "Event", "Date"], cites.events, "events"),
        ("List entries' fates", ["List", "Printed name", "Fate", "Date"], cites.fates, "fates"),
    )  # fmt: skip
    for title, heads, rows, ident in sections:
        if rows:
            shown = [r.replace("</tr>", f"<td>{here}</td></tr>", 1) for r in rows]
            parts.append(
                _section(
                    f"{title} ({len(rows)})", _table([*heads, "Source"], shown, cls="facts"), ident
                )  # fmt: skip
            )
    if not cites.count():
        parts.append('<p class="none">Nothing in the database cites it.</p>\n')
    return site.page(s["title"], "".join(parts), root)


def _index_page(site: Site, title: str, intro: str, heads: list[str], rows: list[str]) -> str:
    body = f"<h1>{e(title)}</h1>\n<p>{intro}</p>\n"
    body += _table(heads, rows, cls="facts") if rows else '<p class="none">None recorded.</p>\n'
    return site.page(title, body, "")


# --- the codebook -----------------------------------------------------------------


def _codebook_page(site: Site) -> str:
    parts = [
        "<h1>Codebook</h1>\n",
        f"<p>{e(FORMAT_RULES)}</p>\n",
        "<p>The same definitions as <code>tracker import --help</code>.</p>\n",
        '<ul class="columns">'
        + "".join(
            f'<li><a href="#entity-{e(n)}">{e(x.filename)}</a></li>' for n, x in ENTITIES.items()
        )
        + "</ul>\n",
    ]
    for name, entity in ENTITIES.items():
        rows = []
        for c in entity.fields:
            synonyms = [s for s, target in entity.synonyms.items() if target == c.name]
            choices = (
                ", ".join(f"<code>{e(m.value)}</code>" for m in c.choices) if c.choices else ""
            )
            also = f" (also headed: {e(', '.join(synonyms))})" if synonyms else ""
            rows.append(
                f'<tr id="column-{e(name)}-{e(c.name)}"><td><code>{e(c.name)}</code></td>'
                f"<td>{'yes' if c.required else ''}</td><td>{e(c.about)}{also}</td>"
                f"<td>{choices}</td></tr>\n"
            )
        download = (
            f' <a href="data/{e(entity.filename)}">Download {e(entity.filename)}</a>.'
            if entity.filename in site.data_files
            else ""
        )
        parts.append(
            f'<section id="entity-{e(name)}" class="entity">\n<h2>{e(entity.filename)}</h2>\n'
            f"<p>{e(entity.about[0].upper() + entity.about[1:])}.{download}</p>\n"
            + _table(["Column", "Required", "What it holds", "One of"], rows)
            + "</section>\n"
        )
    return site.page("Codebook", "".join(parts), "")


# --- publishing -----------------------------------------------------------------


def check_out(out: Path) -> None:
    """The output directory: new, empty (but for hidden entries such as
    .git), or a site tracker published before (its pages are replaced)."""
    if out.exists() and not out.is_dir():
        raise InvalidValue(f"--out: {str(out)!r} is a file, not a directory")
    if out.is_dir():
        visible = [p for p in out.iterdir() if not p.name.startswith(".")]
        home = out / "index.html"
        ours = home.is_file() and GENERATOR in home.read_text(encoding="utf-8", errors="replace")
        if visible and not ours:
            raise InvalidValue(
                f"--out: {str(out)!r} is not empty and holds no site tracker published; "
                "give a new or empty directory (a re-publish replaces the whole site)"
            )


class _Writer:
    """Files written under a directory, counted."""

    def __init__(self, base: Path):
        self.base = base
        self.written: list[str] = []

    def __call__(self, path: str, text: str) -> None:
        target = self.base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.written.append(path)


def publish(conn: sa.Connection, out: Path, *, today: date | None = None) -> Published:
    """Write the site into ``out``: every page is built under a hidden
    folder inside it, then moved into place, and what the last publish
    wrote and this one did not (a removed jurisdiction's page) is removed;
    hidden entries (.git) are left alone. Nothing is moved when building fails."""
    check_out(out)
    today = today or date.today()
    out.mkdir(parents=True, exist_ok=True)
    partial = out / PARTIAL
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir()
    try:
        summary = _build(conn, partial, today)
        _move_into_place(partial, out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return summary._replace(out=out)


def _move_into_place(partial: Path, out: Path) -> None:
    new = set()
    for folder, _dirs, files in os.walk(partial):
        for name in files:
            source = Path(folder) / name
            relative = source.relative_to(partial)
            new.add(relative)
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    # Stale files: what is not hidden and was not written now.
    for folder, dirs, files in os.walk(out, topdown=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if not name.startswith(".") and path.relative_to(out) not in new:
                path.unlink()
    for folder, _dirs, _files in sorted(os.walk(out), key=lambda w: -len(w[0])):
        here = Path(folder)
        if here != out and not any(p.startswith(".") for p in here.relative_to(out).parts):
            if not any(here.iterdir()):
                here.rmdir()


def _build(conn: sa.Connection, base: Path, today: date) -> Published:
    site = Site(conn, today)
    write = _Writer(base)

    # Every record's page first: any page may link to any other.
    all_sources = sources.list_sources(conn).rows
    for s in all_sources:
        site.sources[s["key"]] = (f"sources/{page_name(s['key'])}.html", s["title"])
    dossiers = dossier.build_many(conn, today=today)
    for d in dossiers.values():
        j = d["jurisdiction"]
        shown = j["name"] if j["kind"] in ("state", "territory", "federal_district") else (
            f"{j['name']}, {j['state']}"
        )  # fmt: skip
        site.jurisdictions[j["key"]] = (f"j/{jurisdiction_page(j['key'])}.html", shown)
        if j["kind"] in ("state", "federal_district", "territory"):
            site.states.setdefault(j["state"], j["key"])
    action_rows = actions.list_actions(conn).rows
    for a in action_rows:
        site.actions[a["key"]] = (f"actions/{page_name(a['key'])}.html", a["title"])
    case_rows = cases.list_cases(conn).rows
    for c in case_rows:
        site.cases[c["key"]] = (f"cases/{page_name(c['key'])}.html", c["caption"])

    # The data release, so pages can link to the files it wrote.
    release.write(conn, base / "data")
    site.data_files = sorted(
        p.relative_to(base / "data").as_posix() for p in (base / "data").rglob("*") if p.is_file()
    )
    write.written.extend(f"data/{name}" for name in site.data_files)

    # Cases first: jurisdiction and action pages show their rulings and sources.
    shown_cases = {c["key"]: cases.show(conn, c["key"]) for c in case_rows}
    site.case_source = {k: v["case"]["source"] for k, v in shown_cases.items()}
    site.ruling_source = {
        (k, r["date"], r["kind"]): r["source"] for k, v in shown_cases.items() for r in v["rulings"]
    }
    case_rulings = {k: v["rulings"] for k, v in shown_cases.items()}
    restraining: dict[str, list[dict]] = {}
    for k, v in shown_cases.items():
        for r in v["rulings"]:
            for action_key in r["restrains"]:
                restraining.setdefault(action_key, []).append({"case": k, **r})

    cites: dict[str, _Cites] = {s["key"]: _Cites() for s in all_sources}

    # The maps.
    years = _years(conn, today)
    drawings = {
        level: statusmap.draw(conn, statusmap.Options(level, "svg", today.isoformat(), None, False))
        for level in ("county", "state")
    }
    data = map_data(conn, drawings, years, today)
    links = _data_links(site)
    for level, name in (("county", "index.html"), ("state", "states.html")):
        data[level]["names"] = _names(conn, drawings[level])
        write(name, _map_page(site, level, drawings[level], data[level], links))
    home_bytes = (base / "index.html").stat().st_size

    # The status table.
    in_force = list(st.in_force_rows(conn, today.isoformat()))
    write("status.html", _status_page(site, in_force))

    # Jurisdictions.
    for d in dossiers.values():
        j = d["jurisdiction"]
        path = site.jurisdictions[j["key"]][0]
        write(path, _jurisdiction_page(site, d, case_rulings))
        link = site.j(j["key"], "../")
        for r in d["status_history"]:
            cites[r["source"]].status.append(
                f'<tr class="fact"><td>{link}</td><td>{_badge(r["status"])}</td>'
                f"<td>{e(r['effective'])}</td><td>{e(r['observed'])}</td></tr>\n"
            )

    # Actions, with their lists and what replaced what.
    for a_row in action_rows:
        a = actions.show(conn, a_row["key"])
        extra: dict = {"orders": restraining.get(a["key"], [])}
        if a["entries"]:
            extra["entries"] = lists.list_entries(conn, a["key"]).rows
            extra["fates"] = lists.entry_fates(conn, a["key"])
            for x in extra["entries"]:
                for f in extra["fates"].get(x["id"], []):
                    cites[f["source"]].fates.append(
                        f'<tr class="fact"><td>{site.action(a["key"], "../")}</td>'
                        f"<td>{e(x['name'])}</td><td>{e(f['fate'])}</td><td>{e(f['date'])}</td></tr>\n"
                    )
        if a["replaces"]:
            extra["diff"] = lists.diff(conn, a["replaces"], a["key"]).rows
            extra["earlier"] = next(r for r in action_rows if r["key"] == a["replaces"])
        write(site.actions[a["key"]][0], _action_page(site, a, extra))
        cites[a["source"]].actions.append(
            f'<tr class="fact"><td>{e(a["date"])}</td><td>{site.action(a["key"], "../")}</td>'
            f"<td>{e(_label(a['kind']))}</td></tr>\n"
        )

    # Cases.
    for key, shown in shown_cases.items():
        write(site.cases[key][0], _case_page(site, shown))
        link = site.case(key, "../")
        c = shown["case"]
        cites[c["source"]].cases.append(
            f'<tr class="fact"><td>{link}</td><td>{e(c["court"])}</td>'
            f"<td>{e(_label(c['status']))}</td></tr>\n"
        )
        for r in shown["rulings"]:
            cites[r["source"]].rulings.append(
                f'<tr class="fact"><td>{link}</td><td>{e(r["date"])}</td>'
                f"<td>{e(_label(r['kind']))}</td></tr>\n"
            )
        for x in shown["ruling_events"]:
            cites[x["source"]].events.append(
                f'<tr class="fact"><td>{link}</td><td>{e(x["ruling"])}</td><td>{e(x["event"])}</td>'
                f"<td>{e(x['date'])}</td></tr>\n"
            )

    # Grants, for their sources' pages.
    for g in grants.list_grants(conn).rows:
        covers = (
            site.j(g["jurisdiction"], "../") if g["jurisdiction"]
            else e(g["covers"]) + (f" ({site.action(g['action'], '../')})" if g["action"] else "")
        )  # fmt: skip
        cites[g["source"]].grants.append(
            f'<tr class="fact"><td>{e(g["fiscal_year"])}</td><td>{e(g["program"])}</td>'
            f'<td class="num">{e(_money(g["amount"]))}</td><td>{e(_label(g["amount_type"]))}</td>'
            f"<td>{covers}</td></tr>\n"
        )

    # Sources, each with what cites it, and the indexes.
    source_rows = []
    for s in all_sources:
        c = cites[s["key"]]
        write(site.sources[s["key"]][0], _source_page(site, s, c))
        source_rows.append(
            f'<tr class="fact"><td>{site.src(s["key"], "")}</td><td>{e(s["publisher"])}</td>'
            f"<td>{e(s['published'])}</td><td>{e(_label(s['kind']))}</td>"
            f'<td class="num">{len(c.status)}</td><td class="num">{len(c.actions)}</td>'
            f'<td class="num">{len(c.grants)}</td>'
            f'<td class="num">{len(c.cases) + len(c.rulings) + len(c.events)}</td>'
            f'<td class="num">{len(c.fates)}</td></tr>\n'
        )
    write("sources.html", _index_page(
        site, "Sources", "Where every fact comes from, by date published, with how many "
        "records cite each.",
        ["Source", "Publisher", "Published", "Kind", "Statuses", "Actions", "Grants",
         "Litigation", "List fates"], source_rows))  # fmt: skip
    write("actions.html", _index_page(
        site, "Federal actions", "What the federal government did or threatened, by date.",
        ["Date", "Kind", "Action", "Agency", "Named targets", "Source"],
        [f'<tr class="fact"><td>{e(a["date"])}</td><td>{e(_label(a["kind"]))}</td>'
         f'<td>{site.action(a["key"], "")}</td><td>{e(a["agency"])}</td>'
         f'<td class="num">{len(a["named_targets"])}</td><td>{site.src(a["source"], "")}</td></tr>\n'
         for a in action_rows]))  # fmt: skip
    write("cases.html", _index_page(
        site, "Cases", "Litigation over these policies, by filing date (undated last).",
        ["Case", "Court", "Filed", "Status", "Latest ruling", "Source"],
        [f'<tr class="fact"><td>{site.case(c["key"], "")}</td><td>{e(c["court"])}</td>'
         f'<td>{e(c["filed"])}</td><td>{e(_label(c["status"]))}</td>'
         f'<td>{e(c["latest_ruling"])}</td><td>{site.src(site.case_source[c["key"]], "")}</td></tr>\n'
         for c in case_rows]))  # fmt: skip
    write("codebook.html", _codebook_page(site))
    write("assets/site.css", _css())
    write("assets/site.js", SCRIPT)

    pages = sum(1 for p in write.written if p.endswith(".html"))
    return Published(
        base, pages, len(write.written), len(dossiers), len(action_rows), len(case_rows),
        len(all_sources), (years[0], years[-1]),
        home_bytes + len(_css().encode()) + len(SCRIPT.encode()),
    )  # fmt: skip


# --- the style and the script -----------------------------------------------------


def _css() -> str:
    colours = [*statusmap.COLOURS.items(), (NONE, statusmap.NO_STATUS_COLOUR)]
    swatches = "".join(f".s-{key}{{background:{colour}}}\n" for key, colour in colours)
    swatches += "".join(
        f"ol.timeline li.t-{key}{{border-left-color:{colour}}}\n" for key, colour in colours
    )
    return STYLE + swatches


STYLE = """\
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;background:#f6f6f4}
header.site{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5em 1.5em;padding:.6em 1em;background:#1d3557;color:#fff}
header.site a{color:#fff;text-decoration:none}
header.site .brand{font-weight:700}
header.site nav{display:flex;flex-wrap:wrap;gap:.3em 1em}
header.site nav a:hover,header.site nav a:focus{text-decoration:underline}
main{max-width:1100px;margin:0 auto;padding:1em;background:#fff}
footer.site{max-width:1100px;margin:0 auto;padding:1em;font-size:.85em;color:#555}
h1{font-size:1.6em;margin:.3em 0 .5em}
h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd}
a{color:#0b5394}
code{font-size:.9em;word-break:break-all}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;vertical-align:top;padding:.3em .5em;border-bottom:1px solid #e4e4e4}
th{background:#f0f0ee;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.d{white-space:nowrap}
th button{font:inherit;font-weight:700;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th button::after{content:" \\2195";color:#999}
th[aria-sort=ascending] button::after{content:" \\25B2";color:#222}
th[aria-sort=descending] button::after{content:" \\25BC";color:#222}
.controls{display:flex;flex-wrap:wrap;align-items:center;gap:.5em;margin:.6em 0;padding:.5em;background:#f0f0ee}
.controls[hidden]{display:none}
.controls select,.controls button{font:inherit;padding:.15em .4em}
dl.record{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
dl.record dt{font-weight:600;color:#555}
dl.record dd{margin:0}
.badge{white-space:nowrap}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border:1px solid #888}
ol.timeline{list-style:none;padding:0;margin:0;border-left:2px solid #ddd}
ol.timeline li{margin:0 0 .8em -2px;padding:.1em 0 .1em 1em;border-left:6px solid #bbb}
ol.timeline .when{font-weight:600;margin-right:.5em}
ol.timeline .detail,ol.timeline .recorded,ol.timeline .by{display:block;font-size:.9em}
ol.timeline .recorded{color:#777}
blockquote{margin:.3em 0;padding:.2em .8em;border-left:3px solid #ccc;color:#444;font-style:italic}
ul.columns{columns:16em;padding-left:1.2em}
ul.rulings{margin:0;padding-left:1em}
.none,.note{color:#666}
figure.map{margin:0}
figure.map>svg{display:block;width:100%;height:auto}
tr.change-added td:first-child{color:#0a7d32;font-weight:600}
tr.change-removed td:first-child{color:#b00020;font-weight:600}
"""

SCRIPT = """\
// tracker publish: the map's year control and the status table's sorting and filters.
(function () {
  "use strict";

  function mapYears() {
    var holder = document.getElementById("map-data");
    var select = document.getElementById("year");
    if (!holder || !select) return;
    var data = JSON.parse(holder.textContent);
    var els = data.ids.map(function (id) { return document.getElementById(id); });
    var original = els.map(function (el) {
      var t = el && el.querySelector("title");
      return t ? t.textContent : "";
    });
    var heading = document.getElementById("map-heading");
    var subtitle = document.getElementById("map-subtitle");
    var legend = Array.prototype.slice.call(document.querySelectorAll("#legend .legend-item"));
    var labels = legend.map(function (g) {
      var t = g.querySelector("text");
      return t ? t.textContent : "";
    });
    var untracked = document.querySelectorAll('#map [data-status="untracked"]').length;
    var last = data.years.length - 1;

    function label(key) {
      return key === "none" ? "no status recorded" : key.replace(/_/g, " ");
    }

    function paint(index) {
      var year = data.years[index];
      var counts = { untracked: untracked, disagree: 0 };
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        if (!el) continue;
        var code = year.codes.charAt(i);
        var key = "none";
        var disagree = false;
        if (code !== "-") {
          var lower = code.toLowerCase();
          disagree = code !== lower;
          key = data.statuses[lower.charCodeAt(0) - 97];
        }
        counts[key] = (counts[key] || 0) + 1;
        el.setAttribute("data-status", key);
        if (disagree) {
          counts.disagree += 1;
          el.setAttribute("data-disagree", "yes");
          el.setAttribute("fill", "url(#hatch-" + key + ")");
        } else {
          el.removeAttribute("data-disagree");
          el.setAttribute("fill", data.colours[key]);
        }
        if (el.tagName.toLowerCase() === "circle") {
          if (disagree) el.setAttribute("stroke-dasharray", "2");
          else el.removeAttribute("stroke-dasharray");
        }
        var title = el.querySelector("title");
        if (title) {
          title.textContent = index === last ? original[i] :
            data.names[i] + ": " + label(key) + (disagree ? "; sources disagree" : "") +
            " (in force on " + year.day + ")";
        }
      }
      if (heading) heading.textContent = year.title;
      if (subtitle) subtitle.textContent = year.subtitle;
      legend.forEach(function (g, n) {
        var t = g.querySelector("text");
        var key = g.getAttribute("data-status");
        if (t) t.textContent = labels[n] + " (" + (counts[key] || 0) + ")";
      });
      select.value = String(year.year);
    }

    function choose(index) {
      index = Math.max(0, Math.min(last, index));
      paint(index);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", index === last ? window.location.pathname :
          "#year=" + data.years[index].year);
      }
    }

    function indexOf(year) {
      for (var i = 0; i < data.years.length; i++) {
        if (String(data.years[i].year) === String(year)) return i;
      }
      return last;
    }

    select.addEventListener("change", function () { choose(indexOf(select.value)); });
    document.getElementById("year-prev").addEventListener("click", function () {
      choose(indexOf(select.value) - 1);
    });
    document.getElementById("year-next").addEventListener("click", function () {
      choose(indexOf(select.value) + 1);
    });
    var asked = /^#year=(\\d{4})$/.exec(window.location.hash);
    paint(asked ? indexOf(asked[1]) : last);
    document.getElementById("year-control").hidden = false;
  }

  function statusTable() {
    var table = document.getElementById("status-table");
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var filters = ["state", "kind", "status"].map(function (name) {
      return { name: name, el: document.getElementById("filter-" + name) };
    });
    var count = document.getElementById("status-count");

    function filter() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = filters.every(function (f) {
          return !f.el.value || row.getAttribute("data-" + f.name) === f.el.value;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " jurisdictions";
    }

    filters.forEach(function (f) { f.el.addEventListener("change", filter); });

    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = rows.map(function (row, n) {
          return { row: row, n: n, text: row.cells[column].textContent.trim() };
        });
        keyed.sort(function (a, b) {
          // Empty cells last, whichever the direction.
          if (!a.text !== !b.text) return a.text ? -1 : 1;
          var c = a.text.localeCompare(b.text);
          if (!ascending) c = -c;
          return c || a.n - b.n;
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (k) { fragment.appendChild(k.row); });
        body.appendChild(fragment);
      });
    });
    filter();
    document.getElementById("filters").hidden = false;
  }

  mapYears();
  statusTable();
})();
"""
