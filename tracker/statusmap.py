"""``tracker map``: the status in force on a date as a choropleth, SVG or HTML.

The status of each jurisdiction comes from ``status.in_force_rows``, the rule
``report status`` uses. The shapes are the Census Bureau's cartographic
boundaries as the npm package us-atlas ships them (``map_data/``): TopoJSON
already projected with d3's Albers USA (scale 1300, translate 487.5, 305) into
a 975×610 frame. Places with coordinates (loaded from Gazetteer files) are
projected the same way (``project``) and drawn as dots; what has no place on
the map is listed under it.

Output is deterministic: shapes in FIPS order, dots and lists by state and
name, coordinates rounded to a tenth of a pixel, no timestamps.
"""

import functools
import json
import math
import os
import re
from collections.abc import Iterable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from tracker import jurisdictions as jur
from tracker import registry, reports, vocab
from tracker import status as st
from tracker.errors import InvalidValue
from tracker.records import SourceRef, Text

ATLAS = os.path.join(os.path.dirname(__file__), "map_data", "counties-albers-10m.json")
ATLAS_CREDIT = "Boundaries: U.S. Census Bureau cartographic boundary files 2017, via us-atlas 3.0.1"

LEVELS = ("state", "county")
FORMATS = {".svg": "svg", ".html": "html"}

# Okabe & Ito's palette, told apart with every common colour-vision deficiency.
COLOURS = {
    vocab.Status.sanctuary.value: "#0072B2",  # blue
    vocab.Status.partial.value: "#56B4E9",  # sky blue
    vocab.Status.cooperative.value: "#E69F00",  # orange
    vocab.Status.anti_sanctuary.value: "#D55E00",  # vermillion
    vocab.Status.neutral.value: "#F0E442",  # yellow
    vocab.Status.unknown.value: "#CC79A7",  # reddish purple
}
NO_STATUS_COLOUR = "#BBBBBB"
UNTRACKED_COLOUR = "#FFFFFF"
NO_STATUS_KEY = "none"

WIDTH = 975
ATLAS_HEIGHT = 610
_PLACES = frozenset(
    k.value
    for k in (
        vocab.JurisdictionKind.city,
        vocab.JurisdictionKind.town,
        vocab.JurisdictionKind.village,
        vocab.JurisdictionKind.borough,
        vocab.JurisdictionKind.township,
    )
)
_STATE_LEVEL = frozenset({"state", "federal_district", "territory"})
# DC is a county-equivalent too (county code 11001).
_COUNTY_LEVEL = frozenset({"county", "city_county", "federal_district"})


# --- the projection ------------------------------------------------------------

_RAD = math.pi / 180
_EPSILON = 1e-6


class _ConicEqualArea:
    """d3.geoConicEqualArea with rotate([λ, 0]), center, parallels, scale,
    translate and a clip extent, for single points (d3-geo's projection/index.js
    and conicEqualArea.js)."""

    def __init__(self, *, rotate, center, parallels, scale, translate, clip):
        sy0 = math.sin(parallels[0] * _RAD)
        self.n = n = (sy0 + math.sin(parallels[1] * _RAD)) / 2
        self.c = 1 + sy0 * (2 * n - sy0)
        self.r0 = math.sqrt(self.c) / n
        self.dlambda = rotate * _RAD
        self.k = scale
        cx, cy = self._raw(center[0] * _RAD, center[1] * _RAD)
        # d3 places the projected centre at the translate point.
        self.dx = translate[0] - scale * cx
        self.dy = translate[1] + scale * cy
        self.clip = clip

    def _raw(self, x: float, y: float) -> tuple[float, float]:
        r = math.sqrt(self.c - 2 * self.n * math.sin(y)) / self.n
        x *= self.n
        return r * math.sin(x), self.r0 - r * math.cos(x)

    def __call__(self, lon: float, lat: float) -> tuple[float, float] | None:
        lam = lon * _RAD + self.dlambda
        if abs(lam) > math.pi:
            lam -= round(lam / (2 * math.pi)) * 2 * math.pi
        x, y = self._raw(lam, lat * _RAD)
        px, py = self.dx + self.k * x, self.dy - self.k * y
        (x0, y0), (x1, y1) = self.clip
        return (px, py) if x0 <= px <= x1 and y0 <= py <= y1 else None


def _albers_usa(scale: float, tx: float, ty: float):
    """d3.geoAlbersUsa (d3-geo's projection/albersUsa.js): the lower 48 states,
    Alaska at 0.35 of the scale and Hawaii, each inside its own rectangle."""
    k, e = scale, _EPSILON
    lower48 = _ConicEqualArea(
        rotate=96, center=(-0.6, 38.7), parallels=(29.5, 45.5), scale=k, translate=(tx, ty),
        clip=((tx - 0.455 * k, ty - 0.238 * k), (tx + 0.455 * k, ty + 0.238 * k)),
    )  # fmt: skip
    alaska = _ConicEqualArea(
        rotate=154, center=(-2, 58.5), parallels=(55, 65), scale=k * 0.35,
        translate=(tx - 0.307 * k, ty + 0.201 * k),
        clip=((tx - 0.425 * k + e, ty + 0.120 * k + e), (tx - 0.214 * k - e, ty + 0.234 * k - e)),
    )  # fmt: skip
    hawaii = _ConicEqualArea(
        rotate=157, center=(-3, 19.9), parallels=(8, 18), scale=k,
        translate=(tx - 0.205 * k, ty + 0.212 * k),
        clip=((tx - 0.214 * k + e, ty + 0.166 * k + e), (tx - 0.115 * k - e, ty + 0.234 * k - e)),
    )  # fmt: skip

    def project(lon: float, lat: float) -> tuple[float, float] | None:
        return lower48(lon, lat) or alaska(lon, lat) or hawaii(lon, lat)

    return project


_PROJECT = _albers_usa(1300, 487.5, 305)


def project(lon: float, lat: float) -> tuple[float, float] | None:
    """A point (degrees) in us-atlas's frame, as d3.geoAlbersUsa().scale(1300)
    .translate([487.5, 305]) puts it; None outside the lower 48, Alaska and Hawaii."""
    return _PROJECT(lon, lat)


# --- the atlas -----------------------------------------------------------------

# Coordinates are kept in tenths of a pixel (ints): rounded once, so paths
# written as differences add up exactly and the output is the same everywhere.
Ring = list[tuple[int, int]]


class Shape(NamedTuple):
    fips: str
    name: str
    rings: list[Ring]
    arcs: tuple[int, ...]  # every arc of its outline (indexes into Atlas.arcs)


class Atlas:
    """us-atlas's counties-albers-10m.json decoded: states and counties by FIPS."""

    def __init__(self, topology: dict):
        (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
        self.arcs: list[Ring] = []
        for arc in topology["arcs"]:
            x = y = 0
            points: Ring = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((round((x * sx + tx) * 10), round((y * sy + ty) * 10)))
            self.arcs.append(points)
        self.states = self._shapes(topology["objects"]["states"]["geometries"])
        self.counties = self._shapes(topology["objects"]["counties"]["geometries"])

    def _shapes(self, geometries: list[dict]) -> dict[str, Shape]:
        shapes = {}
        for g in geometries:
            polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
            rings = [self._ring(ring) for polygon in polygons for ring in polygon]
            arcs = tuple(sorted({a if a >= 0 else ~a for p in polygons for r in p for a in r}))
            shapes[g["id"]] = Shape(g["id"], g["properties"]["name"], rings, arcs)
        return shapes

    def _ring(self, indexes: list[int]) -> Ring:
        ring: Ring = []
        for i in indexes:
            points = self.arcs[i] if i >= 0 else self.arcs[~i][::-1]
            # Each arc starts where the one before it ended.
            ring.extend(points[1:] if ring else points)
        return ring

    def bounds(self, shape: Shape) -> tuple[float, float, float, float]:
        xs = [x for ring in shape.rings for x, _ in ring]
        ys = [y for ring in shape.rings for _, y in ring]
        return min(xs) / 10, min(ys) / 10, max(xs) / 10, max(ys) / 10


@functools.cache
def atlas() -> Atlas:
    with open(ATLAS, encoding="utf-8") as f:
        return Atlas(json.load(f))


def _num(tenths: int) -> str:
    """A coordinate in tenths as SVG writes it shortest: 12.3, 12, .5, -.5."""
    whole, frac = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    if not frac:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac}" if whole else f"{sign}.{frac}"


def _join(numbers: Iterable[str]) -> str:
    """Numbers in an SVG path: a space only where the next would run into the last."""
    out: list[str] = []
    last = ""
    for n in numbers:
        if out and not (n[0] == "-" or (n[0] == "." and "." in last)):
            out.append(" ")
        out.append(n)
        last = n
    return "".join(out)


def _line(points: Ring, close: bool) -> str:
    """One ring or line: M to the first point, then relative moves; z closes a ring."""
    if close and len(points) > 1 and points[-1] == points[0]:
        points = points[:-1]
    (x, y), steps = points[0], []
    for px, py in points[1:]:
        if (px, py) != (x, y):
            steps += (_num(px - x), _num(py - y))
            x, y = px, py
    text = "M" + _join((_num(points[0][0]), _num(points[0][1])))
    if steps:
        text += "l" + _join(steps)
    return text + ("z" if close else "")


def shape_path(shape: Shape) -> str:
    return "".join(_line(ring, close=True) for ring in shape.rings if len(ring) > 2)


def mesh_path(a: Atlas, shapes: Iterable[Shape]) -> str:
    """Every arc of these shapes once: borders drawn over filled counties."""
    arcs = sorted({i for s in shapes for i in s.arcs})
    return "".join(_line(a.arcs[i], close=False) for i in arcs)


# --- what goes on the map ------------------------------------------------------


class Options(NamedTuple):
    level: str
    page: str  # svg or html
    as_of: str  # the day, YYYY-MM-DD
    state: object | None  # a `us` State, or None for the whole country
    # The list of what has no place on the map, under it (``tracker publish``
    # leaves it out of its home page: its status table lists everything).
    listing: bool = True


def check(*, out: Path, level: str = "state", as_of: str | None = None, state: str | None = None):
    """The options checked before the database is opened: one InvalidValue each."""
    chosen = (level or "").strip().lower()
    if chosen not in LEVELS:
        raise InvalidValue(f"--level: {level!r} is not a map level: give state or county")
    page = FORMATS.get(out.suffix.lower())
    if page is None:
        raise InvalidValue(
            f"--out: {str(out)!r} must end in .svg (a picture) or .html (a page holding it)"
        )
    if not out.parent.is_dir():
        raise InvalidValue(f"--out: {str(out.parent)!r} is not a directory")
    day = reports.as_of_day(as_of)
    where = jur.parse_state(state, "--state") if state else None
    if where is not None and where.fips not in atlas().states:
        raise InvalidValue(
            f"--state: {where.abbr} is not on the map (it draws the 50 states and DC)"
        )
    return Options(chosen, page, day, where)


class Place(NamedTuple):
    """A tracked jurisdiction as the map shows it."""

    row: st.InForce
    key: str  # the colour key: a status, or NO_STATUS_KEY
    disagree: bool


def sources_of(rows: Iterable[st.InForce]) -> set[str]:
    """The keys of the sources the rows draw on: each status's, and those
    that disagree."""
    found = set()
    statuses = "|".join(re.escape(s) for s in COLOURS)
    words = re.compile(rf"(?:^|; )(?:{statuses}) \((.*?)\)(?=; (?:{statuses}) \(|$)")
    for r in rows:
        if r.source:
            found.add(r.source)
        if r.disagreement:
            found.update(m.group(1) for m in words.finditer(r.disagreement))
    return found


def _county_of(r: st.InForce) -> str | None:
    """The county shape a county-level jurisdiction colours: its own 5-digit
    FIPS code; DC's county code (11001); for a city-county known by a place
    code, the county the built-in registry holds under that code, OCD id or
    name (Nashville, 4752006, is Davidson County, 47037)."""
    fips = r.fips or ""
    known = registry.builtin()
    if r.kind == "federal_district":
        entry = known.by_fips(fips) if fips else known.get(r.ocd_id)
        codes = (*(entry.other_fips if entry else ()), fips)
        return next((c for c in codes if len(c) == 5), None)
    if len(fips) == 5:
        return fips
    for entry in (
        known.by_fips(fips) if fips else None,
        known.get(r.ocd_id),
        known.lookup(r.name, r.state, r.kind, fuzzy=False).entry,
    ):
        if entry is not None and entry.fips and len(entry.fips) == 5:
            return entry.fips
    return None


def _coordinates(conn: sa.Connection, state: str | None) -> dict[str, tuple[float, float]]:
    """lat/lon of loaded places, by OCD id and by FIPS code."""
    from tracker.models import RegistryPlace as P

    q = sa.select(P.c.ocd_id, P.c.fips, P.c.lat, P.c.lon).where(
        P.c.lat.is_not(None), P.c.lon.is_not(None)
    )
    if state:
        q = q.where(P.c.state == state)
    found: dict[str, tuple[float, float]] = {}
    for ocd_id, fips, lat, lon in conn.execute(q):
        found[ocd_id] = (lat, lon)
        if fips:
            found.setdefault(fips, (lat, lon))
    return found


def level_rows(rows: Iterable[st.InForce], level: str) -> list[st.InForce]:
    """The rows a map of ``level`` draws (its shapes' kinds and cities), by
    state and name."""
    level_kinds = _STATE_LEVEL if level == "state" else _COUNTY_LEVEL
    rows = [r for r in rows if r.kind in level_kinds or r.kind in _PLACES]
    rows.sort(key=lambda r: (r.state, r.name, r.ocd_id))
    return rows


class Drawing(NamedTuple):
    text: str
    jurisdictions: int
    with_status: int
    sources: int
    shapes: int
    dots: int
    listed: int
    # Each coloured shape's and dot's element id with its jurisdiction's
    # database id, in the SVG's order (``tracker publish`` recolours them).
    elements: tuple[tuple[str, int], ...] = ()


def draw(conn: sa.Connection, options: Options, *, known_at: datetime | None = None) -> Drawing:
    """The map as SVG text (or an HTML page holding it) and what it shows."""
    a = atlas()
    code = options.state.abbr if options.state else None
    rows = level_rows(st.in_force_rows(conn, options.as_of, state=code), options.level)

    shapes = a.states if options.level == "state" else a.counties
    if options.state is not None:
        prefix = options.state.fips
        shapes = {f: s for f, s in shapes.items() if f[:2] == prefix}
    filled: dict[str, Place] = {}
    dots: list[tuple[Place, float, float]] = []
    listed: list[tuple[Place, str]] = []
    coordinates: dict[str, tuple[float, float]] | None = None
    for r in rows:
        place = Place(r, r.status or NO_STATUS_KEY, bool(r.disagreement))
        if r.kind in _PLACES:
            if coordinates is None:
                coordinates = _coordinates(conn, code)
            at = coordinates.get(r.ocd_id) or (coordinates.get(r.fips) if r.fips else None)
            xy = project(at[1], at[0]) if at else None
            if xy is None:
                listed.append((place, "no coordinates" if at is None else "outside the map"))
            else:
                dots.append((place, *xy))
            continue
        if options.level == "state":
            fips = r.fips if r.fips and len(r.fips) == 2 else _state_fips(r.state)
        else:
            fips = _county_of(r)
        if fips is None or fips not in shapes:
            listed.append((place, "not on the map"))
            continue
        held = filled.get(fips)
        if held is not None and (held.row.fips == fips or r.fips != fips):
            listed.append((place, f"shares its shape with {held.row.name}"))
            continue
        if held is not None:
            # The shape belongs to the one whose own code it is (Davidson County
            # before a Nashville recorded with a place code).
            listed.append((held, f"shares its shape with {r.name}"))
        filled[fips] = place

    with_status = sum(1 for r in rows if r.status)
    sources = len(sources_of(rows))
    svg = _svg(
        a, options, shapes, filled, dots, listed,
        counts=(len(rows), with_status, sources), known_at=known_at,
    )  # fmt: skip
    text = _html(svg, options) if options.page == "html" else _XML + svg
    elements = tuple(
        [(f"fips-{f}", filled[f].row.id) for f in sorted(filled)]
        + [(f"place-{_ident(p.row)}", p.row.id) for p, _x, _y in dots]
    )
    return Drawing(
        text, len(rows), with_status, sources, len(filled), len(dots), len(listed), elements
    )


@functools.cache
def _state_fips(code: str) -> str | None:
    entry = registry.builtin().state(code)
    return entry.fips if entry else None


# --- SVG -----------------------------------------------------------------------

_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_TOP = 62  # the title's height
_LEGEND_ROW = 22
_LIST_LINE = 16
_LIST_COLUMNS = 3


def _fmt(value: float) -> str:
    return _num(round(value * 10))


def _fmt3(value: float) -> str:
    """A length to three decimals, without trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _a(text: str) -> str:
    """Text for an attribute or element: escaped for XML."""
    return escape(text, quote=True)


def _label(key: str) -> str:
    if key == NO_STATUS_KEY:
        return reports.NO_STATUS
    return key.replace("_", " ")


def _titled(value) -> str:
    """Sources by their titles, as a reader knows them (a key is for files)."""
    if isinstance(value, SourceRef):
        return value.title
    if isinstance(value, Text):
        return "".join(p.title if isinstance(p, SourceRef) else p for p in value.parts)
    return str(value)


def _tooltip(p: Place, where: str | None = None) -> str:
    r = p.row
    text = f"{jur.display_name(r.name, r.kind, r.state)}: {r.status or reports.NO_STATUS}"
    if r.status:
        text += f" since {r.since}" if r.since else " (since unknown)"
        text += f" (source: {_titled(r.source)})"
    if r.disagreement:
        text += f"; sources disagree: {_titled(r.disagreement)}"
    if where:
        text += f" [{where}]"
    return text


def _fill(p: Place | None) -> str:
    if p is None:
        return UNTRACKED_COLOUR
    if p.disagree:
        return f"url(#hatch-{p.key})"
    return COLOURS.get(p.key, NO_STATUS_COLOUR)


def _patterns(size: float, prefix: str = "hatch") -> str:
    """One hatched fill per colour: the colour with diagonal lines over it."""
    s = _fmt3(size)
    out = []
    for key, colour in [*COLOURS.items(), (NO_STATUS_KEY, NO_STATUS_COLOUR)]:
        out.append(
            f'<pattern id="{prefix}-{key}" patternUnits="userSpaceOnUse" width="{s}" '
            f'height="{s}" patternTransform="rotate(45)">'
            f'<rect width="{s}" height="{s}" fill="{colour}"/>'
            f'<line x1="0" y1="0" x2="0" y2="{s}" stroke="#000" stroke-opacity=".55" '
            f'stroke-width="{_fmt3(size / 3)}"/></pattern>'
        )
    return "".join(out)


def headings(
    options: Options, counts: tuple[int, int, int], *, known_at: datetime | None = None
) -> tuple[str, str]:
    """The map's title and the line under it: the day, and how many
    jurisdictions (``counts``: drawn, with a status, sources)."""
    jurisdictions, with_status, sources = counts
    title = f"Sanctuary-policy status in force on {options.as_of}"
    if options.state is not None:
        title += f": {options.state.name}"
    if known_at is not None:
        title += f", as the database knew it at {_moment(known_at)}"
    scope = "states" if options.level == "state" else "counties and county-equivalents"
    subtitle = (
        f"{jurisdictions} jurisdiction{'s' if jurisdictions != 1 else ''} "
        f"({scope}, and cities as dots), {with_status} with a status recorded; "
        f"{sources} source{'s' if sources != 1 else ''}"
    )
    return title, subtitle


def _svg(a, options, shapes, filled, dots, listed, *, counts, known_at) -> str:
    """The whole picture: title, the map (shapes, borders, dots), legend, list, credit."""
    # The frame: the whole atlas, or the chosen state with a margin.
    if options.state is not None:
        x0, y0, x1, y1 = a.bounds(a.states[options.state.fips])
        pad = max(x1 - x0, y1 - y0) * 0.04
        vx, vy, vw, vh = x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
        map_height = min(700, max(300, round(WIDTH * vh / vw)))
    else:
        vx, vy, vw, vh = 0, 0, WIDTH, ATLAS_HEIGHT
        map_height = ATLAS_HEIGHT
    # How much the frame is enlarged: line widths, hatching and dots stay the same on screen.
    zoom = min(WIDTH / vw, map_height / vh)

    title, subtitle = headings(options, counts, known_at=known_at)

    legend_y = _TOP + map_height + 14
    legend = [*COLOURS, NO_STATUS_KEY, "untracked", "disagree"]
    per_row = 5
    legend_rows = math.ceil(len(legend) / per_row)
    list_y = legend_y + legend_rows * _LEGEND_ROW + 18
    if not options.listing:
        listed = []
    list_rows = math.ceil(len(listed) / _LIST_COLUMNS)
    height = list_y + (list_rows * _LIST_LINE + 28 if listed else 0) + 22

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="map-title" '
        f'font-family="{_FONT}">',
        f'<title id="map-title">{_a(title)}</title>',
        "<style>.shape{stroke:#c8c8c8;stroke-linejoin:round}.level-state .shape{stroke:#888}"
        ".borders{fill:none;stroke:#555;stroke-linejoin:round}.dot{stroke:#222}"
        "text{fill:#222}.small{font-size:12px}.list{font-size:11px}</style>",
        f"<defs>{_patterns(6, 'legend-hatch')}</defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text id="map-heading" x="16" y="26" font-size="19" font-weight="600">{_a(title)}</text>',
        f'<text id="map-subtitle" x="16" y="47" class="small">{_a(subtitle)}</text>',
        f'<svg id="map" class="level-{options.level}" x="0" y="{_TOP}" width="{WIDTH}" '
        f'height="{map_height}" viewBox="{_fmt(vx)} {_fmt(vy)} {_fmt(vw)} {_fmt(vh)}" '
        'preserveAspectRatio="xMidYMid meet">',
        f"<defs>{_patterns(6 / zoom)}</defs>",
    ]
    out += _shapes(a, options, shapes, filled, zoom)
    out += _dots(dots, zoom)
    out.append("</svg>")

    out += _legend(legend, legend_y, per_row)
    credit_y = height - 10
    if listed:
        out += _listing(listed, list_y, list_rows)
    out.append(f'<text x="16" y="{credit_y}" font-size="10" fill="#666">{_a(ATLAS_CREDIT)}</text>')
    out.append("</svg>\n")
    return "\n".join(out)


def _shapes(a: Atlas, options: Options, shapes, filled: dict[str, Place], zoom: float) -> list[str]:
    """Every shape in FIPS order, filled by its jurisdiction's status; at county
    level the state borders over them."""
    # Line widths divided by the zoom: the same on screen at any scale.
    width = (0.75 if options.level == "state" else 0.5) / zoom
    out = [f'<g id="shapes" stroke-width="{_fmt3(width)}">']
    names = registry.builtin()
    for fips in sorted(shapes):
        shape = shapes[fips]
        p = filled.get(fips)
        if p is not None:
            tip, key = _tooltip(p), p.key
        else:
            tip, key = f"{_atlas_name(names, shape)}: not tracked", "untracked"
        disagree = ' data-disagree="yes"' if p is not None and p.disagree else ""
        out.append(
            f'<path id="fips-{fips}" class="shape" data-status="{key}"{disagree} '
            f'fill="{_fill(p)}" d="{shape_path(shape)}"><title>{_a(tip)}</title></path>'
        )
    out.append("</g>")
    if options.level == "county":
        borders = [a.states[f] for f in sorted(a.states) if f in {s[:2] for s in shapes}]
        out.append(
            f'<path id="state-borders" class="borders" stroke-width="{_fmt3(0.9 / zoom)}" '
            f'd="{mesh_path(a, borders)}"/>'
        )
    return out


def _dots(dots: list[tuple[Place, float, float]], zoom: float) -> list[str]:
    """Cities at their coordinates, each on a white ring that sets it off from
    a shape of its own colour."""
    radius, halo = _fmt3(4.5 / zoom), _fmt3(6 / zoom)
    out = ['<g id="halos" fill="#fff">']
    out.extend(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{halo}"/>' for _, x, y in dots)
    out.append("</g>")
    out.append(f'<g id="places" stroke-width="{_fmt3(1 / zoom)}">')
    for p, x, y in dots:
        # A dot too small to show hatching: a dashed ring says its sources disagree.
        dashed = f' data-disagree="yes" stroke-dasharray="{_fmt3(2 / zoom)}"' if p.disagree else ""
        out.append(
            f'<circle id="place-{_ident(p.row)}" class="dot" data-status="{p.key}"{dashed} '
            f'cx="{_fmt(x)}" cy="{_fmt(y)}" r="{radius}" fill="{_fill(p)}">'
            f"<title>{_a(_tooltip(p))}</title></circle>"
        )
    out.append("</g>")
    return out


def _legend(keys: list[str], top: int, per_row: int) -> list[str]:
    """A swatch and a label for each status, no status, not tracked and hatching."""
    out = [f'<g id="legend" transform="translate(16 {top})" class="small">']
    for i, key in enumerate(keys):
        x = (i % per_row) * 190
        y = (i // per_row) * _LEGEND_ROW
        if key == "untracked":
            fill, label = UNTRACKED_COLOUR, "not tracked"
        elif key == "disagree":
            fill, label = "url(#legend-hatch-none)", "sources disagree (hatched)"
        else:
            fill, label = COLOURS.get(key, NO_STATUS_COLOUR), _label(key)
        out.append(
            f'<g class="legend-item" data-status="{key}" transform="translate({x} {y})">'
            f'<rect width="18" height="14" fill="{fill}" stroke="#999"/>'
            f'<text x="24" y="12">{_a(label)}</text></g>'
        )
    out.append("</g>")
    return out


def _listing(listed: list[tuple[Place, str]], top: int, rows: int) -> list[str]:
    """What has no place on the map, in columns under it, each with its colour."""
    out = [
        f'<g id="not-on-map" transform="translate(16 {top})">',
        f'<text y="0" class="small" font-weight="600">Not on the map ({len(listed)}): '
        "places without coordinates (load a Gazetteer file: tracker registry load) "
        "and others without a shape</text>",
    ]
    column_width = (WIDTH - 32) // _LIST_COLUMNS
    for i, (p, why) in enumerate(listed):
        col, line = divmod(i, rows)
        r = p.row
        name = jur.display_name(r.name, r.kind, r.state)
        text = f"{name}: {_label(p.key)}{' (disputed)' if p.disagree else ''}"
        shown = text if len(text) <= 52 else text[:51] + "…"
        out.append(
            f'<g class="listed" data-status="{p.key}" '
            f'transform="translate({col * column_width} {18 + line * _LIST_LINE})">'
            f"<title>{_a(_tooltip(p, why))}</title>"
            f'<rect y="-9" width="10" height="10" fill="{_legend_fill(p)}" stroke="#999"/>'
            f'<text x="15" class="list">{_a(shown)}</text></g>'
        )
    out.append("</g>")
    return out


def _ident(r: st.InForce) -> str:
    """An XML name for a dot: its FIPS code, else its OCD id with / and : as -."""
    return r.fips or re.sub(r"[^A-Za-z0-9_.-]", "-", r.ocd_id)


def _legend_fill(p: Place) -> str:
    if p.disagree:
        return f"url(#legend-hatch-{p.key})"
    return COLOURS.get(p.key, NO_STATUS_COLOUR)


def _atlas_name(names: registry.Registry, shape: Shape) -> str:
    entry = names.by_fips(shape.fips)
    if entry is None:
        return shape.name
    if len(shape.fips) == 2:
        return entry.name
    return f"{entry.name}, {entry.state}"


def _moment(moment: datetime) -> str:
    """A --known-at moment shown: a day's end as the day, else to the second (UTC)."""
    if (moment.hour, moment.minute, moment.second) == (23, 59, 59) and moment.microsecond:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _html(svg: str, options: Options) -> str:
    title = f"Sanctuary-policy status in force on {options.as_of}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_a(title)}</title>\n"
        "<style>body{margin:0;padding:16px;background:#f6f6f6;font-family:system-ui,sans-serif}"
        "main{max-width:1000px;margin:0 auto;background:#fff}"
        "main>svg{display:block;width:100%;height:auto}</style>\n"
        f"</head>\n<body>\n<main>\n{svg}</main>\n</body>\n</html>\n"
    )


# --- the file ------------------------------------------------------------------


def save(out: Path, text: str) -> None:
    """Write the map beside its target under a hidden name, then move it into
    place: a failure never leaves half a file, nor replaces an old one."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
