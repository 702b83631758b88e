"""tracker's benchmark: tracker and its baselines side by side, interleaved.

    python bench/run.py [--quick] [--rounds N] [--data DIR] [--no-postgres] [--only BLOCK,...]

Each operation is timed as a whole process (start-up included), round after
round with tracker and the baselines interleaved; the table gives the median,
min-max, the ratio of medians to the first baseline, and peak memory (max RSS
of the process). Data comes from bench/generate.py and is cached in bench/data/.
``--only`` runs some of the blocks (and only the set-up they need), by name:
jurisdictions, status, export, report, reimport, startup, postgres.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
BIN = Path(PY).parent
TRACKER = [str(BIN / "tracker")] if (BIN / "tracker").exists() else [PY, "-m", "tracker"]
SQLITE_UTILS = BIN / "sqlite-utils"
PG_ADMIN = os.environ.get("TRACKER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BLOCKS = ("jurisdictions", "status", "export", "report", "reimport", "startup", "postgres")


def run(cmd, *, stdout=None, env=None) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of one process."""
    start = time.perf_counter()
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err = proc.stderr.read().decode(errors="replace")
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


class Bench:
    def __init__(self, rounds: int, blocks: set[str]):
        self.rounds = rounds
        self.blocks = blocks
        self.results: list[tuple[str, list[tuple[str, list[float], int]]]] = []

    def compare(self, block: str, title: str, contenders: list[tuple[str, callable]]) -> None:
        """contenders: (label, fn) where fn() prepares and returns (cmd, stdout or None)."""
        if block not in self.blocks:
            return
        times: dict[str, list[float]] = {label: [] for label, _ in contenders}
        peak: dict[str, int] = {label: 0 for label, _ in contenders}
        for _ in range(self.rounds):
            for label, prepare in contenders:
                cmd, stdout = prepare()
                t, rss = run(cmd, stdout=stdout)
                times[label].append(t)
                peak[label] = max(peak[label], rss)
        self.results.append(
            (title, [(label, times[label], peak[label]) for label, _ in contenders])
        )
        self.print_one(title, self.results[-1][1])

    @staticmethod
    def print_one(title, rows) -> None:
        base = statistics.median(rows[-1][1]) if rows else 1
        print(f"\n{title}")
        print(f"  {'':44} {'median':>8} {'min-max':>15} {'ratio':>7} {'peak MiB':>9}")
        tracker_median = statistics.median(rows[0][1])
        for label, ts, rss in rows:
            med = statistics.median(ts)
            ratio = med / statistics.median(rows[1][1]) if len(rows) > 1 else 1.0
            print(f"  {label:44} {med:8.3f} {min(ts):7.3f}-{max(ts):<7.3f} {ratio:7.2f} {rss:9d}")
        del base, tracker_median


def data_dir(quick: bool, given: Path | None) -> Path:
    sizes = (10_000, 100_000, 20_000) if quick else (100_000, 1_000_000, 200_000)
    d = given or HERE / "data" / ("quick" if quick else "full")
    if not (d / "status.csv").exists():
        print(f"generating data in {d} ...", file=sys.stderr)
        subprocess.run(
            [PY, str(HERE / "generate.py"), str(d), "--jurisdictions", str(sizes[0]),
             "--statuses", str(sizes[1]), "--grants", str(sizes[2])],
            check=True,
        )  # fmt: skip
    return d


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="10k jurisdictions, 100k statuses")
    p.add_argument("--rounds", type=int, default=None)
    p.add_argument("--data", type=Path)
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--only", type=lambda s: set(s.split(",")), help="blocks, comma-separated")
    args = p.parse_args()
    if args.only and args.only - set(BLOCKS):
        p.error(f"--only: no block {', '.join(sorted(args.only - set(BLOCKS)))}; see --help")
    blocks = args.only or set(BLOCKS)
    rounds = args.rounds or (3 if args.quick else 3)
    data = data_dir(args.quick, args.data)
    # tracker as installed: its modules compiled once, as pip does for an
    # install (an editable one compiles on first import, unless
    # PYTHONDONTWRITEBYTECODE says not to: then every run would compile them).
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1] / "tracker")],
        check=True,
    )
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    env = dict(os.environ, TRACKER_HOME=str(work / "home"))
    os.environ.update(env)
    bench = Bench(rounds, blocks)
    n = sum(1 for _ in open(data / "jurisdictions.csv", encoding="utf-8")) - 1
    m = sum(1 for _ in open(data / "status.csv", encoding="utf-8")) - 1
    print(
        f"tracker benchmark: {n:,} jurisdictions, {m:,} status rows, {rounds} rounds, data {data}"
    )
    try:
        # Template databases, built once outside the timings.
        empty = work / "empty.db"
        subprocess.run(
            [*TRACKER, "--db", f"sqlite:///{empty}", "db", "upgrade"],
            check=True,
            capture_output=True,
        )
        with_j = work / "with_jurisdictions.db"
        shutil.copy(empty, with_j)
        subprocess.run(
            [*TRACKER, "--db", f"sqlite:///{with_j}", "import", str(data / "sources.csv")],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*TRACKER, "--db", f"sqlite:///{with_j}", "import", str(data / "jurisdictions.csv")],
            check=True,
            capture_output=True,
        )
        full = work / "full.db"
        shutil.copy(with_j, full)
        # Statuses only for the blocks that read or re-import them.
        need_full = bool(blocks & {"status", "export", "report", "reimport"})
        if need_full:
            subprocess.run(
                [*TRACKER, "--db", f"sqlite:///{full}", "import", str(data / "status.csv")],
                check=True,
                capture_output=True,
            )

        # tracker's stored values, for the floor of its own schema (load-schema).
        stored_j, stored_s = work / "stored_jurisdiction.csv", work / "stored_status.csv"
        baseline = [PY, str(HERE / "baseline_sqlite.py")]
        subprocess.run([*baseline, "dump", str(with_j), "jurisdiction", str(stored_j)], check=True)
        if need_full:
            subprocess.run(
                [*baseline, "dump", str(full), "policy_status", str(stored_s)], check=True
            )

        def fresh(template: Path | None, name: str) -> Path:
            target = work / name
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            if template:
                shutil.copy(template, target)
            return target

        jcsv, scsv = str(data / "jurisdictions.csv"), str(data / "status.csv")
        bench.compare(
            "jurisdictions",
            f"import {n:,} jurisdictions (SQLite)",
            [
                ("tracker import", lambda: ([*TRACKER, "--db", f"sqlite:///{fresh(empty, 't.db')}", "import", jcsv], None)),
                ("stdlib sqlite3 executemany", lambda: ([PY, str(HERE / "baseline_sqlite.py"), "load", str(fresh(None, 'b.db')), jcsv, "j"], None)),
                ("sqlite3 shell .import", lambda: (["sqlite3", str(fresh(None, 's.db')), f".import --csv {jcsv} j"], None)),
                *([("sqlite-utils insert", lambda: ([str(SQLITE_UTILS), "insert", str(fresh(None, 'u.db')), "j", jcsv, "--csv"], None))] if SQLITE_UTILS.exists() else []),
                ("floor: stored values into tracker's table", lambda: ([*baseline, "load-schema", str(fresh(empty, 'f.db')), str(stored_j), "jurisdiction"], None)),
            ],
        )  # fmt: skip
        bench.compare(
            "status",
            f"import {m:,} status assertions (SQLite)",
            [
                ("tracker import", lambda: ([*TRACKER, "--db", f"sqlite:///{fresh(with_j, 't.db')}", "import", scsv], None)),
                ("stdlib sqlite3 executemany", lambda: ([PY, str(HERE / "baseline_sqlite.py"), "load", str(fresh(None, 'b.db')), scsv, "s"], None)),
                ("sqlite3 shell .import", lambda: (["sqlite3", str(fresh(None, 's.db')), f".import --csv {scsv} s"], None)),
                ("floor: stored values into tracker's table", lambda: ([*baseline, "load-schema", str(fresh(with_j, 'f.db')), str(stored_s), "policy_status"], None)),
            ],
        )  # fmt: skip
        out = str(work / "out.csv")
        bench.compare(
            "export",
            f"export {m:,} status assertions (SQLite)",
            [
                ("tracker export status", lambda: ([*TRACKER, "--db", f"sqlite:///{full}", "export", "status"], out)),
                ("stdlib csv.writer over a cursor", lambda: ([PY, str(HERE / "baseline_sqlite.py"), "export", str(full), out], None)),
            ],
        )  # fmt: skip
        # The floor of the report is printing it: the same columns and order,
        # the jurisdiction rows alone, by csv.writer over a plain cursor.
        report_floor = [PY, str(HERE / "baseline_sqlite.py"), "report-rows", str(full)]
        for label, as_of in (("today", []), ("as of 2018-01-24", ["--as-of", "2018-01-24"])):
            bench.compare(
                "report",
                f"report status {label}, {n:,} jurisdictions, {m:,} assertions (SQLite)",
                [
                    ("tracker report status --format csv", lambda as_of=as_of: ([*TRACKER, "--db", f"sqlite:///{full}", "report", "status", *as_of, "--format", "csv"], out)),
                    ("csv.writer of the jurisdiction rows", lambda: (report_floor, out)),
                ],
            )  # fmt: skip
        # Re-import: an export of the whole database with 1% of its rows changed,
        # into the database that holds it, against a first import of the same files.
        exported, changed = work / "exported", work / "changed"
        if "reimport" in blocks:
            subprocess.run(
                [*TRACKER, "--db", f"sqlite:///{full}", "export", "--out", str(exported)],
                check=True,
                capture_output=True,
            )
            change_one_percent(exported, changed)
        bench.compare(
            "reimport",
            f"re-import {n:,} jurisdictions and {m:,} assertions, 1% changed (SQLite)",
            [
                ("tracker import into the database holding them", lambda: ([*TRACKER, "--db", f"sqlite:///{fresh(full, 't.db')}", "import", str(changed)], None)),
                ("tracker import into an empty database", lambda: ([*TRACKER, "--db", f"sqlite:///{fresh(empty, 'e.db')}", "import", str(changed)], None)),
            ],
        )  # fmt: skip
        seeded = work / "seeded.db"
        subprocess.run(
            [*TRACKER, "--db", f"sqlite:///{seeded}", "seed"], check=True, capture_output=True
        )
        bench.compare(
            "startup",
            "start-up",
            [
                ("tracker --help", lambda: ([*TRACKER, "--help"], None)),
                ('python -c "import sqlmodel"', lambda: ([PY, "-c", "import sqlmodel"], None)),
                ("tracker --version", lambda: ([*TRACKER, "--version"], None)),
                ("tracker jurisdictions show 'Chicago, IL'", lambda: ([*TRACKER, "--db", f"sqlite:///{seeded}", "jurisdictions", "show", "Chicago, IL"], None)),
            ],
        )  # fmt: skip
        if "postgres" in blocks and not args.no_postgres and shutil.which("psql"):
            pg_bench(bench, work, jcsv, n, stored_j)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def change_one_percent(exported: Path, changed: Path) -> None:
    """A copy of an export with every 100th jurisdiction's population and every
    100th status row's note changed (the same rows every run)."""
    import csv

    changed.mkdir()
    for name in sorted(p.name for p in exported.glob("*.csv")):
        column = {"jurisdictions.csv": "population", "status.csv": "note"}.get(name)
        # Row by row: this process's memory is what each timed child starts from.
        with (
            (exported / name).open(newline="", encoding="utf-8") as src,
            (changed / name).open("w", newline="", encoding="utf-8") as out,
        ):
            reader, writer = csv.reader(src), csv.writer(out, lineterminator="\n")
            header = next(reader)
            writer.writerow(header)
            at = header.index(column) if column else None
            for i, row in enumerate(reader, 1):
                if at is not None and i % 100 == 1:
                    row[at] = str(i) if column == "population" else f"changed {i}"
                writer.writerow(row)


def pg_bench(bench: Bench, work: Path, jcsv: str, n: int, stored_j: Path) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    base = sa.engine.make_url(PG_ADMIN)
    # Named by this process: another run on the same server keeps its own.
    t, b, f, tmpl = (f"tracker_bench_{os.getpid()}_{x}" for x in ("t", "b", "f", "tmpl"))
    names = [t, b, f, tmpl]

    def sql(statement: str) -> None:
        with admin.connect() as c:
            c.exec_driver_sql(statement)

    for name in names:
        sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    sql(f"CREATE DATABASE {tmpl}")
    tmpl_url = base.set(database=tmpl).render_as_string(hide_password=False)
    subprocess.run([*TRACKER, "--db", tmpl_url, "db", "upgrade"], check=True, capture_output=True)
    t_url = base.set(database=t).render_as_string(hide_password=False)
    b_url = base.set(database=b).render_as_string(hide_password=False)

    def tracker_run():
        sql(f"DROP DATABASE IF EXISTS {t} WITH (FORCE)")
        sql(f"CREATE DATABASE {t} TEMPLATE {tmpl}")
        return [*TRACKER, "--db", t_url, "import", jcsv], None

    def psql_run():
        sql(f"DROP DATABASE IF EXISTS {b} WITH (FORCE)")
        sql(f"CREATE DATABASE {b}")
        with sa.create_engine(b_url.replace("postgresql://", "postgresql+psycopg://")).begin() as c:
            c.exec_driver_sql(
                "CREATE TABLE j (name text, kind text, state text, fips text, population text)"
            )
        return [
            "psql",
            "-q",
            b_url,
            "-c",
            f"\\copy j FROM '{jcsv}' WITH (FORMAT csv, HEADER true)",
        ], None

    f_url = base.set(database=f).render_as_string(hide_password=False)

    def floor_run():
        # tracker's stored values into tracker's own table: its constraints and indexes.
        sql(f"DROP DATABASE IF EXISTS {f} WITH (FORCE)")
        sql(f"CREATE DATABASE {f} TEMPLATE {tmpl}")
        with stored_j.open(encoding="utf-8") as fh:
            columns = fh.readline().strip()
        return [
            "psql",
            "-q",
            f_url,
            "-c",
            f"\\copy jurisdiction ({columns}) FROM '{stored_j}' WITH (FORMAT csv, HEADER true)",
        ], None

    bench.compare(
        "postgres",
        f"import {n:,} jurisdictions (PostgreSQL)",
        [
            ("tracker import", tracker_run),
            ("floor: psql \\copy of the stored values into tracker's table", floor_run),
            ("psql \\copy into a bare table", psql_run),
        ],
    )
    for name in names:
        sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
