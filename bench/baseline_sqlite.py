"""Baselines in plain stdlib: what the engine does with no tracker in between.

python bench/baseline_sqlite.py load DB CSV TABLE         # csv.reader + executemany into a bare table
python bench/baseline_sqlite.py export DB OUT             # csv.writer over a plain cursor (status columns)
python bench/baseline_sqlite.py dump DB TABLE OUT         # a tracker table's stored values, as CSV
python bench/baseline_sqlite.py load-schema DB CSV TABLE  # those values back into tracker's table
python bench/baseline_sqlite.py report-rows DB            # the status report's rows, jurisdictions only, to stdout

load-schema is the floor of tracker's own schema: the values exactly as
tracker stores them (nothing left to check, derive or look up), inserted
into the real table with its constraints and foreign keys on, its indexes
dropped first and built once at the end, as tracker's bulk import does.
"""

import csv
import sqlite3
import sys


def load(db: str, path: str, table: str) -> None:
    con = sqlite3.connect(db)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = ", ".join(f'"{c}" TEXT' for c in header)
        con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({cols})')
        marks = ", ".join("?" for _ in header)
        con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', reader)
    con.commit()
    con.close()


EXPORT_SQL = """
SELECT j.ocd_id, p.status, s.key, p.effective, p.observed, p.citation, p.quote, p.note, p.recorded_at
FROM policy_status p JOIN jurisdiction j ON j.id = p.jurisdiction_id JOIN source s ON s.id = p.source_id
ORDER BY j.ocd_id, coalesce(p.effective, ''), p.recorded_at, p.id
"""


def export(db: str, out: str) -> None:
    con = sqlite3.connect(db)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "jurisdiction",
                "status",
                "source",
                "effective",
                "observed",
                "citation",
                "quote",
                "note",
                "recorded_at",
            ]
        )
        w.writerows(con.execute(EXPORT_SQL))
    con.close()


def dump(db: str, table: str, out: str) -> None:
    con = sqlite3.connect(db)
    cur = con.execute(f'SELECT * FROM "{table}" ORDER BY id')
    columns = [d[0] for d in cur.description]
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns[1:])
        w.writerows(row[1:] for row in cur)
    con.close()


def load_schema(db: str, path: str, table: str) -> None:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("BEGIN IMMEDIATE")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _sql in indexes:
        con.execute(f'DROP INDEX "{name}"')
    # Triggers set aside too, as tracker's bulk load sets aside its own.
    triggers = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).fetchall()
    for name, _sql in triggers:
        con.execute(f'DROP TRIGGER "{name}"')
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        names = ", ".join(f'"{c}"' for c in header)
        marks = ", ".join("nullif(?, '')" for _ in header)
        con.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', reader)
    for _name, sql in [*indexes, *triggers]:
        con.execute(sql)
    con.execute("COMMIT")
    con.close()


REPORT_SQL = """
SELECT ocd_id, name, kind, state, NULL, NULL, NULL, NULL FROM jurisdiction
ORDER BY state, name_folded, ocd_id
"""


def report_rows(db: str) -> None:
    """The floor of `tracker report status --format csv`: the same columns,
    rows and order, the jurisdictions alone (no status looked up). What
    printing the report costs by itself."""
    con = sqlite3.connect(db)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(
        ["jurisdiction", "name", "kind", "state", "status", "since", "source", "disagreement"]
    )
    w.writerows(con.execute(REPORT_SQL))
    con.close()


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(*sys.argv[2:5])
    elif sys.argv[1] == "export":
        export(*sys.argv[2:4])
    elif sys.argv[1] == "dump":
        dump(*sys.argv[2:5])
    elif sys.argv[1] == "load-schema":
        load_schema(*sys.argv[2:5])
    elif sys.argv[1] == "report-rows":
        report_rows(sys.argv[2])
    else:
        sys.exit(__doc__)
