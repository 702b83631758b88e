"""Baselines in plain stdlib: what the engine does with no tracker in between.

python bench/baseline_sqlite.py load DB CSV TABLE    # csv.reader + executemany into a bare table
python bench/baseline_sqlite.py export DB OUT        # csv.writer over a plain cursor (status columns)
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


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(*sys.argv[2:5])
    elif sys.argv[1] == "export":
        export(*sys.argv[2:4])
    else:
        sys.exit(__doc__)
