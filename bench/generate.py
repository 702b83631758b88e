"""Deterministic benchmark data in tracker's import format.

    python bench/generate.py OUT_DIR [--jurisdictions N] [--statuses N] [--grants N] [--seed S]

Writes sources.csv, jurisdictions.csv (name,kind,state,fips,population),
status.csv (jurisdiction,status,source,effective,observed,quote) and
grants.csv, spread over every state and kind, with accented, quoted and
bracketed names. The same arguments always give the same bytes.
"""

import argparse
import csv
import random
from pathlib import Path

import us

STATES = [s for s in us.states.STATES_AND_TERRITORIES if not s.is_territory or s.abbr == "PR"]
STATES = [s for s in STATES if s.abbr != "DC"]
LOCAL_KINDS = ["county", "city", "town", "village", "township", "borough", "city_county"]
WORDS = [
    "Springfield", "Franklin", "Greenville", "Doña Ana", "Cañon", "O'Fallon", "Española",
    "Mount Pleasant", "Fairview", "Salem", "Madison", "Georgetown", "Clinton", "Arlington",
    "Peñasco", "Coeur d'Alene", "La Cañada", "[Old] Town", 'The "Heights"', "Bel Air",
    "Riverside", "Oak Grove", "Lakewood", "Milford", "Ashland", "Dover", "Kingston",
]  # fmt: skip
STATUSES = ["sanctuary", "partial", "cooperative", "anti_sanctuary", "unknown"]
AMOUNT_TYPES = ["awarded", "threatened", "withheld", "restored", "repayment_demanded"]
PROGRAMS = [
    "Edward Byrne Memorial Justice Assistance Grant",
    "Community Oriented Policing Services",
    "State Criminal Alien Assistance Program",
]


def jurisdictions(rng: random.Random, n: int):
    """Yield (name, kind, state, fips, population); names and FIPS are unique per state and kind."""
    # One serial per state keeps names (so OCD ids) and FIPS codes unique.
    counters: dict[str, int] = {}
    for i in range(n):
        state = STATES[i % len(STATES)]
        kind = LOCAL_KINDS[rng.randrange(len(LOCAL_KINDS))]
        n_here = counters.get(state.abbr, 0)
        counters[state.abbr] = n_here + 1
        base = f"{WORDS[rng.randrange(len(WORDS))]} {n_here + 1}"
        if kind == "county":
            name = f"{base} County"
            fips = f"{state.fips}{n_here + 1:03d}" if n_here < 999 else ""
        else:
            name = base
            fips = f"{state.fips}{n_here + 1:05d}" if kind != "city_county" else ""
        population = str(rng.randrange(50, 2_000_000)) if rng.random() < 0.8 else ""
        yield name, kind, state.abbr, fips, population


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("out", type=Path)
    p.add_argument("--jurisdictions", type=int, default=100_000)
    p.add_argument("--statuses", type=int, default=1_000_000)
    p.add_argument("--grants", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=20180124)
    args = p.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)

    sources = [f"https://example.org/bench/source-{i}" for i in range(20)]
    with (args.out / "sources.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["key", "title", "url", "published", "kind"])
        for i, url in enumerate(sources):
            w.writerow(
                [url, f"Benchmark source {i}", url, f"20{10 + i % 10}-0{1 + i % 9}", "dataset"]
            )

    with (args.out / "jurisdictions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "kind", "state", "fips", "population"])
        for row in jurisdictions(rng, args.jurisdictions):
            w.writerow(row)

    # Status rows refer to jurisdictions by OCD id, as an export does.
    from tracker.jurisdictions import derive_ocd_id

    ocd = [
        derive_ocd_id(k, st, n)
        for n, k, st, _f, _p in jurisdictions(random.Random(args.seed), args.jurisdictions)
    ]
    with (args.out / "status.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["jurisdiction", "status", "source", "effective", "observed", "quote"])
        seen = set()
        written = 0
        while written < args.statuses:
            j = rng.randrange(len(ocd))
            year = 2010 + rng.randrange(15)
            month = 1 + rng.randrange(12)
            effective = (
                f"{year}-{month:02d}"
                if rng.random() < 0.5
                else f"{year}-{month:02d}-{1 + rng.randrange(28):02d}"
            )
            src = sources[rng.randrange(len(sources))]
            status = STATUSES[rng.randrange(len(STATUSES))]
            key = (j, src, status, effective)
            if key in seen:
                continue
            seen.add(key)
            quote = (
                'Council voted 7-2, "limiting cooperation", per minutes'
                if rng.random() < 0.1
                else ""
            )
            w.writerow([ocd[j], status, src, effective, "", quote])
            written += 1

    with (args.out / "grants.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["program", "fiscal_year", "amount", "amount_type", "jurisdictions", "source"])
        seen = set()
        written = 0
        while written < args.grants:
            j = rng.randrange(len(ocd))
            key = (
                j,
                rng.randrange(len(PROGRAMS)),
                2010 + rng.randrange(15),
                rng.randrange(len(AMOUNT_TYPES)),
            )
            if key in seen:
                continue
            seen.add(key)
            cents = rng.randrange(1, 10**10)
            w.writerow(
                [
                    PROGRAMS[key[1]],
                    key[2],
                    f"{cents // 100}.{cents % 100:02d}",
                    AMOUNT_TYPES[key[3]],
                    ocd[j],
                    sources[0],
                ]
            )
            written += 1


if __name__ == "__main__":
    main()
