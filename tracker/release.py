"""The data release: every file ``tracker publish`` writes under ``DIR/data/``.

- ``ENTITY.csv`` for each entity, exactly as ``tracker export --out`` writes it;
- ``datapackage.json``, a Frictionless Data Package (v1) describing those
  files: each column's type, description, vocabulary and constraints, the
  primary keys and the foreign keys between the files;
- ``tracker.db``, an SQLite copy of the database in tracker's own schema;
- ``metadata.json``, Datasette's metadata for it (tables and columns described,
  facets, labels, and a canned query for the status in force on a date), so
  ``datasette tracker.db -m metadata.json`` serves it well.

The descriptions come from the one definition of the CSV format
(``csvformat.ENTITIES``: what ``import --help`` and the codebook show); the
types and keys a file's columns have in the release are the small tables below.

Publishing the same database twice gives the same bytes in every file: no
clock is read, every file is written in a fixed order, and the SQLite copy is
built the same way each time (tables created in a fixed order, rows inserted
in primary-key order, rollback journal, VACUUM).

The copy leaves out the journal (``change_log`` is there, empty): the journal
holds the old values of every edited and removed row, and when each edit was
made: the team's working history, not the data it publishes (a record
removed on purpose would otherwise be published all the same). The journal's
triggers are left out with it. tracker can read the copy (its schema revision
is stamped), but it is a release to read, not a database to work in: an edit
made there is journaled nowhere.
"""

import hashlib
import json
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect

from tracker import __version__, journal, transfer
from tracker.csvformat import ENTITIES, Column
from tracker.db import current_revision, stream
from tracker.models import ChangeLog, RegistryPlace, metadata
from tracker.values import TIMESTAMP_FORMAT

TITLE = "tracker: US jurisdictions' sanctuary-policy status, federal grants, actions and litigation"
DESCRIPTION = (
    "US jurisdictions and their immigration-enforcement (sanctuary) policy status over "
    "time, the federal grant money tied to them, the federal actions aimed at them and "
    "the litigation around them. Every fact cites a source (sources.csv; the source "
    "table). Dates are as the sources give them: YYYY, YYYY-MM or YYYY-MM-DD, sorted by "
    "the first day they cover. Published by tracker; the same files import into an "
    "empty tracker database with `tracker import DIR`."
)

# --- the CSV files as a Frictionless Data Package ---------------------------------

_PARTIAL_DATE = {
    "type": "string",
    "constraints": {"pattern": "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"},
}
# As values.format_timestamp writes it: UTC, microseconds, Z.
_TIMESTAMP = {"type": "datetime", "format": TIMESTAMP_FORMAT}
# Always filled in an export, though an import may leave it to tracker.
_FILLED = {"constraints": {"required": True}}
_UNIQUE = {"constraints": {"unique": True}}
# A list: keys separated by "; " (never a foreign key: a file column holds one value).
_LIST = {"type": "string"}


def _number(type_: str, minimum: int, maximum: int | None = None) -> dict:
    bounds = {"minimum": minimum} | ({"maximum": maximum} if maximum is not None else {})
    return {"type": type_, "constraints": bounds}


# Each column's type and constraints in the release, where it is more than a
# string (required columns and vocabularies come from csvformat.ENTITIES).
FIELDS: dict[str, dict[str, dict]] = {
    "sources": {"key": _FILLED, "url": _UNIQUE, "published": _PARTIAL_DATE, "kind": _FILLED},
    "jurisdictions": {
        "ocd_id": _FILLED,
        "kind": _FILLED,
        "state": {"constraints": {"required": True, "pattern": "[A-Z]{2}"}},
        "fips": {"constraints": {"unique": True, "pattern": "[0-9]{2}([0-9]{3}([0-9]{2})?)?"}},
        "population": _number("integer", 0),
        "aliases": _LIST,
    },
    "status": {"effective": _PARTIAL_DATE, "observed": _PARTIAL_DATE, "recorded_at": _TIMESTAMP},
    "actions": {
        "key": _FILLED,
        "date": _PARTIAL_DATE,
        "target_count": _number("integer", 0),
        "targets": _LIST,
    },
    "entries": {"position": _number("integer", 1), "jurisdiction": _FILLED},
    "entry_fates": {"date": _PARTIAL_DATE},
    "grants": {
        "fiscal_year": _number("integer", 1789, 9999),
        # A decimal string with cents ("39000000.00"): exact, never a float.
        "amount": _number("number", 0),
        "jurisdictions": _LIST,
        "recorded_at": _TIMESTAMP,
    },
    "cases": {"key": _FILLED, "docket": _UNIQUE, "filed": _PARTIAL_DATE, "status": _FILLED},
    "parties": {},
    "rulings": {"date": _PARTIAL_DATE, "restrains": _LIST, "covers": _LIST},
    "ruling_events": {
        "ruling_date": _PARTIAL_DATE,
        "date": _PARTIAL_DATE,
        "appellate_date": _PARTIAL_DATE,
        "still_covers": _LIST,
    },
}

# What identifies a row of each file (no two rows share it). Status and grant
# rows have no key (two sources may say the same), nor do parties (a
# jurisdiction or a name, whichever is set).
PRIMARY_KEYS: dict[str, list[str]] = {
    "sources": ["key"],
    "jurisdictions": ["ocd_id"],
    "actions": ["key"],
    "entries": ["action", "name", "jurisdiction"],
    "entry_fates": ["action", "name", "jurisdiction", "fate", "date"],
    "cases": ["key"],
    "rulings": ["case", "date", "kind"],
    "ruling_events": ["case", "ruling_date", "ruling_kind", "date", "event"],
}

_SOURCE = ("source", "sources", "key")
_JURISDICTION = ("jurisdiction", "jurisdictions", "ocd_id")
_RULING = ("case date kind", "rulings", "case date kind")
# The references between files: (columns, the file they name, its columns).
# Lists (targets, covers, ...) are not here: a foreign key is one value a cell.
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "sources": [],
    "jurisdictions": [],
    "status": [_JURISDICTION, _SOURCE],
    "actions": [_SOURCE, ("replaces", "actions", "key")],
    "entries": [("action", "actions", "key"), _JURISDICTION],
    "entry_fates": [
        ("action name jurisdiction", "entries", "action name jurisdiction"),
        _JURISDICTION,
        _SOURCE,
    ],
    "grants": [("action", "actions", "key"), _SOURCE],
    "cases": [_SOURCE],
    "parties": [("case", "cases", "key"), _JURISDICTION],
    "rulings": [("case", "cases", "key"), _SOURCE],
    "ruling_events": [
        ("case ruling_date ruling_kind", *_RULING[1:]),
        _SOURCE,
        ("appellate_case appellate_date appellate_kind", *_RULING[1:]),
    ],
}


def _field(entity: str, column: Column, key: list[str]) -> dict:
    spec = FIELDS[entity].get(column.name, {})
    field = {"name": column.name, "type": spec.get("type", "string")}
    if "format" in spec:
        field["format"] = spec["format"]
    about = column.about
    if spec is _LIST:
        about += " (a list, so no foreign key)"
    field["description"] = about
    constraints = dict(spec.get("constraints", {}))
    if column.required or column.name in key:
        constraints["required"] = True
    if column.choices is not None:
        constraints["enum"] = [m.value for m in column.choices]
    if constraints:
        field["constraints"] = dict(sorted(constraints.items()))
    return field


def _names(columns: str) -> str | list[str]:
    names = columns.split()
    return names[0] if len(names) == 1 else names


def _schema(entity: str) -> dict:
    e = ENTITIES[entity]
    key = PRIMARY_KEYS.get(entity, [])
    schema: dict = {"fields": [_field(entity, c, key) for c in e.fields], "missingValues": [""]}
    if key:
        schema["primaryKey"] = key
    foreign = []
    for columns, resource, target in FOREIGN_KEYS[entity]:
        foreign.append(
            {
                "fields": _names(columns),
                # "" is this file itself (an action replacing another).
                "reference": {
                    "resource": "" if resource == entity else resource,
                    "fields": _names(target),
                },
            }
        )
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def datapackage(data_dir: Path, created: str | None) -> dict:
    """The Data Package describing the CSV files written in ``data_dir``."""
    resources = []
    for name, e in ENTITIES.items():
        path = data_dir / e.filename
        resources.append(
            {
                "profile": "tabular-data-resource",
                "name": name,
                "path": e.filename,
                "title": e.filename,
                "description": e.about,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": path.stat().st_size,
                "hash": f"sha256:{_hash(path)}",
                "dialect": {
                    "delimiter": ",",
                    "doubleQuote": True,
                    "header": True,
                    "lineTerminator": "\n",
                    "quoteChar": '"',
                },
                "schema": _schema(name),
            }
        )
    package = {
        "profile": "tabular-data-package",
        "name": "tracker",
        "title": TITLE,
        "description": DESCRIPTION,
        "version": __version__,
        # No licence is named: the data's licence is its publisher's to choose.
        "sources": [{"title": "tracker database (tracker.db in this directory)"}],
    }
    if created is not None:
        package["created"] = created
    package["resources"] = resources
    return package


def last_change(conn: sa.Connection) -> str | None:
    """When the data last changed: the latest time a row was added or the
    journal noted an edit or removal (ISO 8601 UTC); None for an empty database.
    Read from the data, never the clock, so a release of unchanged data is unchanged."""
    stamps = [journal.stamp(t) for t in journal.journaled()]
    stamps += [ChangeLog.c.recorded_at, RegistryPlace.c.loaded_at]
    moments = [sa.select(sa.func.max(c)).scalar_subquery() for c in stamps if c is not None]
    latest = [m for m in conn.execute(sa.select(*moments)).one() if m is not None]
    if not latest:
        return None
    return max(latest).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the SQLite copy --------------------------------------------------------------

_SQLITE = sqlite_dialect.dialect()


def copy_database(conn: sa.Connection, path: Path) -> int:
    """Write an SQLite copy of the database to ``path`` (replacing it); the rows copied.

    From either engine, one way: a new file with tracker's schema
    (``models.metadata``), each table's rows streamed in primary-key order
    and stored as tracker stores them in SQLite; the journal left empty.
    """
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    raw = sqlite3.connect(partial, isolation_level=None)
    total = 0
    try:
        # A new file written the same way each time is the same bytes each time.
        raw.execute("PRAGMA journal_mode = DELETE")
        raw.execute("BEGIN")
        tables = metadata.sorted_tables
        for table in tables:
            raw.execute(_ddl(sa.schema.CreateTable(table)))
        raw.execute(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
        revision = current_revision(conn)
        if revision is not None:
            raw.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
        for table in tables:
            if table is not ChangeLog:
                total += _copy_table(conn, raw, table)
        # Indexes built once the rows are in, in a fixed order (a table's
        # indexes are a set: create_all's order would vary from run to run).
        for table in tables:
            for index in sorted(table.indexes, key=lambda i: i.name):
                raw.execute(_ddl(sa.schema.CreateIndex(index)))
        raw.execute("COMMIT")
        raw.execute("VACUUM")
        raw.close()
        partial.replace(path)
    except BaseException:
        raw.close()
        partial.unlink(missing_ok=True)
        raise
    return total


def _ddl(statement) -> str:
    return str(statement.compile(dialect=_SQLITE))


def _copy_table(conn: sa.Connection, raw: sqlite3.Connection, table: sa.Table) -> int:
    columns = list(table.c)
    q = sa.select(*columns).order_by(*table.primary_key.columns)
    rows = stream(conn, q, f"tracker_release_{table.name}")
    if conn.dialect.name != "sqlite":
        # A value as tracker stores it in SQLite (a timestamp: naive UTC text);
        # from SQLite, the driver hands over the stored values as they are.
        binds = [c.type.bind_processor(_SQLITE) for c in columns]
        if any(binds):
            convert = [b or (lambda v: v) for b in binds]
            rows = (tuple(f(v) for f, v in zip(convert, row, strict=True)) for row in rows)
    names = ", ".join(c.name for c in columns)
    marks = ", ".join("?" for _ in columns)
    before = raw.total_changes
    raw.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    return raw.total_changes - before


# --- Datasette's metadata -----------------------------------------------------------

# The status in force on :date for every jurisdiction, by tracker's one rule
# (tracker/status.py): an assertion counts from its start (effective, else
# observed, else its source's published date); of those started by the day,
# the newest (latest start, then recorded_at, then id) is in force. It has
# held "since" the start of its run's oldest assertion with an effective
# date, else with an observed date, else of its oldest (the run: the newest
# assertions up to the first with another status); the other sources whose
# latest word is another status disagree, newest first. Columns and values as
# `tracker report status --as-of DATE --format json` gives them. A partial
# date means its first day; no date, today.
STATUS_AS_OF = """
WITH day(d) AS (
  SELECT CASE
    WHEN coalesce(:date, '') = '' THEN date('now')
    WHEN length(:date) = 4 THEN :date || '-01-01'
    WHEN length(:date) = 7 THEN :date || '-01'
    ELSE :date END
),
words AS (
  SELECT p.jurisdiction_id, p.status, p.source_id,
    coalesce(p.effective, p.observed, s.published, '') AS start,
    CASE WHEN p.effective IS NOT NULL THEN 0 WHEN p.observed IS NOT NULL THEN 1 ELSE 2 END
      AS origin,
    row_number() OVER (PARTITION BY p.jurisdiction_id
      ORDER BY coalesce(p.effective, p.observed, s.published, '') DESC,
               p.recorded_at DESC, p.id DESC) AS newest,
    row_number() OVER (PARTITION BY p.jurisdiction_id, p.source_id
      ORDER BY coalesce(p.effective, p.observed, s.published, '') DESC,
               p.recorded_at DESC, p.id DESC) AS latest
  FROM policy_status p JOIN source s ON s.id = p.source_id JOIN day
  WHERE coalesce(p.effective, p.observed, s.published, '') <= day.d
),
now_in_force AS (SELECT * FROM words WHERE newest = 1),
run_end AS (
  SELECT w.jurisdiction_id, min(w.newest) AS newest
  FROM words w JOIN now_in_force c
    ON c.jurisdiction_id = w.jurisdiction_id AND w.status <> c.status
  GROUP BY w.jurisdiction_id
),
since AS (
  SELECT w.jurisdiction_id, nullif(substr(min(w.origin || w.start), 2), '') AS since
  FROM words w LEFT JOIN run_end e ON e.jurisdiction_id = w.jurisdiction_id
  WHERE e.newest IS NULL OR w.newest < e.newest
  GROUP BY w.jurisdiction_id
),
said AS (
  SELECT w.jurisdiction_id,
    group_concat(w.status || ' (' || s.key || ')', '; ') OVER (
      PARTITION BY w.jurisdiction_id ORDER BY w.newest
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS disagreement,
    row_number() OVER (PARTITION BY w.jurisdiction_id ORDER BY w.newest) AS n
  FROM words w
    JOIN now_in_force c ON c.jurisdiction_id = w.jurisdiction_id AND w.status <> c.status
    JOIN source s ON s.id = w.source_id
  WHERE w.latest = 1
)
SELECT j.ocd_id AS jurisdiction, j.name, j.kind, j.state,
  coalesce(c.status, 'no status recorded') AS status, si.since,
  nullif(c.start, '') AS last_asserted, s.key AS source, d.disagreement
FROM jurisdiction j
  LEFT JOIN now_in_force c ON c.jurisdiction_id = j.id
  LEFT JOIN source s ON s.id = c.source_id
  LEFT JOIN since si ON si.jurisdiction_id = j.id
  LEFT JOIN said d ON d.jurisdiction_id = j.id AND d.n = 1
ORDER BY j.state, j.name_folded, j.ocd_id
""".strip()

# Each table and the entity whose file holds its rows (the link tables: the
# entity whose list column they hold).
TABLES: dict[str, str | None] = {
    "source": "sources",
    "jurisdiction": "jurisdictions",
    "jurisdiction_alias": "jurisdictions",
    "policy_status": "status",
    "federal_action": "actions",
    "action_target": "actions",
    "list_entry": "entries",
    "list_entry_fate": "entry_fates",
    "grant_amount": "grants",
    "grant_member": "grants",
    "legal_case": "cases",
    "case_party": "parties",
    "ruling": "rulings",
    "ruling_restraint": "rulings",
    "ruling_coverage": "rulings",
    "ruling_event": "ruling_events",
    "ruling_event_coverage": "ruling_events",
    "registry_place": None,
    "change_log": None,
    "status_periods": None,
    "status_periods_stale": None,
}

# Tables no file holds as they are, and columns no file column describes
# (the other columns take their file column's description; a reference to
# another table's id says which).
TABLE_ABOUT = {
    "jurisdiction_alias": "other names each jurisdiction goes by (aliases in jurisdictions.csv)",
    "action_target": "the jurisdictions each federal action named (targets in actions.csv)",
    "grant_member": "the jurisdictions an aggregate amount covers, never split among them "
    "(jurisdictions in grants.csv)",
    "ruling_restraint": "the federal actions each ruling restrains (restrains in rulings.csv)",
    "ruling_coverage": "the jurisdictions each ruling names as covered (covers in rulings.csv); "
    "none: the jurisdictions among its case's plaintiffs",
    "ruling_event_coverage": "the jurisdictions an order still covers after an event "
    "(still_covers in ruling_events.csv)",
    "registry_place": "reference data: places and county subdivisions loaded from Census "
    "Gazetteer files (tracker registry load), apart from the jurisdictions tracked",
    "change_log": "tracker's journal of edits; left empty in a release",
    "status_periods": "derived by tracker from policy_status: each jurisdiction's periods of "
    "status, the newest in columns, older ones as text (what reports read)",
    "status_periods_stale": "derived by tracker: jurisdictions whose status_periods are to be "
    "computed again",
}
COLUMN_ABOUT = {
    "id": "its row id in this database (files refer to records by key instead)",
    "created_at": "when tracker recorded the row (UTC)",
    "jurisdiction.name_folded": "the name folded for matching: lower case, accents dropped",
    "jurisdiction_alias.alias": "another name it goes by",
    "jurisdiction_alias.alias_folded": "the alias folded for matching",
    "grant_amount.amount_cents": "the amount in US cents, exact",
    "grant_amount.scope": "jurisdiction: one jurisdiction's amount; aggregate: a total over "
    "the jurisdictions in grant_member or tied to an action, never split",
    "grant_amount.jurisdiction_id": "the jurisdiction the amount belongs to (jurisdiction.id); "
    "empty for an aggregate",
    "registry_place.ocd_id": "its Open Civic Data division id",
    "registry_place.name": "its name",
    "registry_place.kind": "what it is",
    "registry_place.state": "the USPS code of its state",
    "registry_place.fips": "its 7-digit FIPS code (state and place or subdivision code)",
    "registry_place.census_name": "the name as the Census writes it, when it differs",
    "registry_place.other_fips": "further Census codes for it, separated by semicolons",
    "registry_place.lat": "latitude of its internal point",
    "registry_place.lon": "longitude of its internal point",
    "registry_place.source": "the Gazetteer file it was loaded from",
    "registry_place.loaded_at": "when it was loaded (UTC)",
    "change_log.recorded_at": "when the change was made (UTC)",
    "change_log.table_name": "the table changed",
    "change_log.op": "insert, update or delete",
    "change_log.old": "the row before, as JSON",
    "change_log.new": "the row after, as JSON",
    "status_periods.start": "when its newest period starts (its newest assertion's start; "
    "empty: never known)",
    "status_periods.status": "the status in force in the newest period",
    "status_periods.since": "since when that status has held without a break",
    "status_periods.source_id": "the source of the newest assertion (source.id)",
    "status_periods.disagreement": "the other sources whose latest word differs, newest first: "
    "status:source id, separated by semicolons",
    "status_periods.earlier": "the older periods, newest first, one per line: start, status, "
    "since, source id and disagreement, separated by tabs",
    "status_periods.origin": "what since is taken from: 0 an effective date, 1 an observed "
    "date, 2 neither (where the rule stood, for the next write to go on from)",
    "status_periods.sources": "every source's latest word, newest first: source ids separated "
    "by semicolons (where the rule stood)",
    "status_periods.last_id": "the newest assertion (policy_status.id; where the rule stood)",
    "status_periods_stale.jurisdiction_id": "a jurisdiction whose periods are to be computed "
    "again (jurisdiction.id)",
}

# How Datasette shows each table: facets offered, the column a reference to
# it shows, and the columns it may be sorted by.
_TABLE_OPTIONS = {
    "source": {"facets": ["kind", "publisher"], "label_column": "title"},
    "jurisdiction": {
        "facets": ["kind", "state"],
        "label_column": "name",
        "sortable_columns": ["name", "kind", "state", "fips", "population", "ocd_id"],
    },
    "policy_status": {
        "facets": ["status", "source_id", "jurisdiction_id"],
        "sortable_columns": ["status", "effective", "observed", "recorded_at"],
    },
    "federal_action": {"facets": ["kind", "agency"], "label_column": "title"},
    "list_entry": {"facets": ["action_id"], "label_column": "name"},
    "list_entry_fate": {"facets": ["fate"]},
    "grant_amount": {
        "facets": ["amount_type", "fiscal_year", "program", "scope"],
        "sortable_columns": ["fiscal_year", "amount_cents", "program", "amount_type"],
    },
    "legal_case": {"facets": ["status", "court"], "label_column": "caption"},
    "case_party": {"facets": ["role"]},
    "ruling": {"facets": ["kind", "scope"]},
    "ruling_event": {"facets": ["event"]},
    "registry_place": {"facets": ["kind", "state"], "label_column": "name"},
    "change_log": {"hidden": True},
    "status_periods": {"hidden": True},
    "status_periods_stale": {"hidden": True},
}


def _column_about(table: sa.Table, column: sa.Column) -> str | None:
    own = COLUMN_ABOUT.get(f"{table.name}.{column.name}") or COLUMN_ABOUT.get(column.name)
    if own is not None:
        return own
    if column.foreign_keys:
        (fk,) = column.foreign_keys
        return f"the {fk.column.table.name.replace('_', ' ')} it refers to ({fk.target_fullname})"
    entity = TABLES[table.name]
    if entity is None:
        return None
    found = [c for c in ENTITIES[entity].fields if c.name == column.name]
    if not found:
        return None
    about = found[0].about
    if found[0].choices is not None:
        about += "; one of: " + ", ".join(m.value for m in found[0].choices)
    return about


def datasette_metadata() -> dict:
    """``metadata.json`` for ``datasette tracker.db -m metadata.json``."""
    tables = {}
    for table in metadata.sorted_tables:
        entity = TABLES[table.name]
        about = TABLE_ABOUT.get(table.name) or ENTITIES[entity].about
        columns = {c.name: _column_about(table, c) for c in table.c}
        tables[table.name] = {
            "description": about,
            "columns": {k: v for k, v in columns.items() if v is not None},
            **_TABLE_OPTIONS.get(table.name, {}),
        }
    tables["alembic_version"] = {"description": "tracker's schema revision", "hidden": True}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": "tracker",
        "databases": {
            "tracker": {
                "tables": tables,
                "queries": {
                    "status_as_of": {
                        "title": "Status in force on a date",
                        "description": (
                            "Each jurisdiction's policy status in force on :date (YYYY-MM-DD; "
                            "YYYY or YYYY-MM: its first day; empty: today), by tracker's rule: "
                            "of the assertions started by then (effective, else observed, "
                            "else the source's published date), the newest; since when, and "
                            "the other sources that disagree. As `tracker report status "
                            "--as-of DATE` gives it."
                        ),
                        "sql": STATUS_AS_OF,
                    }
                },
            }
        },
    }


# --- all of it ----------------------------------------------------------------------


def _write_json(path: Path, data: dict) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def write(conn: sa.Connection, data_dir: Path) -> dict[str, int]:
    """Write the release into ``data_dir``: every entity's CSV file,
    datapackage.json, tracker.db and metadata.json. Returns each file's rows
    (tracker.db: all its tables'; the JSON files: the files or tables they
    describe).

    Everything is read through ``conn``: on PostgreSQL, open it with
    ``db.connect(url, snapshot=True)`` so every file shows the same moment.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    counts = {ENTITIES[name].filename: n for name, n in transfer.export_dir(conn, data_dir).items()}
    package = datapackage(data_dir, last_change(conn))
    _write_json(data_dir / "datapackage.json", package)
    counts["datapackage.json"] = len(package["resources"])
    counts["tracker.db"] = copy_database(conn, data_dir / "tracker.db")
    about = datasette_metadata()
    _write_json(data_dir / "metadata.json", about)
    counts["metadata.json"] = len(about["databases"]["tracker"]["tables"])
    return counts
