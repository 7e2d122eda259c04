"""Measure `fupin generate_assistance` after `fupin generate_county` (70,000 households of
东丰县 220421) on SQLite and PostgreSQL.

Each database starts empty and migrated. The household generator is the baseline in the
same run; the figures are seconds, households per second (all the county's households,
and those with assistance records), the assistance run's share of the household run, and
both together against the household generator's goal (60 s on PostgreSQL, 120 s on
SQLite; a ratio below 1.00 meets it). The load average is printed with every figure: on a
busy machine the absolute times are inflated, the ratios much less.

    .venv/bin/python benchmarks/generate_assistance_bench.py [--households 70000] \
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_county_bench import (  # noqa: E402
    COUNTY,
    DEFAULT_HOUSEHOLDS,
    POSTGRES_GOAL_SECONDS,
    SEED,
    SQLITE_GOAL_SECONDS,
    fupin,
    postgres_bench_url,
)

BENCH_DATABASE = "fupin_assistance_bench"
# A fixed day, so every run writes the same rows.
AS_OF = "2026-11-30"


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def timed(database_url: str, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    output = fupin(database_url, *args)
    return time.perf_counter() - started, output


def measure(label: str, database_url: str, *, households: int, goal_seconds: float) -> None:
    fupin(database_url, "migrate", "--no-input", "-v", "0")
    before = load()
    county_seconds, _output = timed(
        database_url,
        "generate_county",
        "--county",
        COUNTY,
        "--households",
        str(households),
        "--seed",
        SEED,
        "--no-progress",
    )
    between = load()
    assistance_seconds, output = timed(
        database_url,
        "generate_assistance",
        "--county",
        COUNTY,
        "--seed",
        SEED,
        "--as-of",
        AS_OF,
        "--no-progress",
    )
    after = load()
    # The command's summary: "… 共 %(county_households)s 户，其中 %(households)s 户有帮扶记录 …".
    figures = re.search(r"其中 ([0-9]+) 户有帮扶记录", output)
    helped = int(figures.group(1)) if figures else 0
    visits = re.search(r"走访 ([0-9]+) 次", output)
    total = county_seconds + assistance_seconds
    print(
        f"{label:<10} generate_county     {households:,} households  {county_seconds:7.2f} s  "
        f"{households / county_seconds:8,.0f} households/s  ({before})"
    )
    print(
        f"{label:<10} generate_assistance {households:,} households, {helped:,} helped, "
        f"{int(visits.group(1)) if visits else 0:,} visits  {assistance_seconds:7.2f} s  "
        f"{households / assistance_seconds:8,.0f} households/s  "
        f"{helped / assistance_seconds:6,.0f} helped/s  "
        f"{assistance_seconds / county_seconds:.2f} × generate_county  ({between})"
    )
    print(
        f"{label:<10} both                {total:7.2f} s  goal {goal_seconds:.0f} s, "
        f"ratio {total / goal_seconds:.2f}  ({after})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("FUPIN_TEST_POSTGRES"))
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            measure(
                "SQLite",
                f"sqlite:///{folder}/bench.sqlite3",
                households=args.households,
                goal_seconds=SQLITE_GOAL_SECONDS,
            )
    if args.postgres:
        try:
            measure(
                "PostgreSQL",
                postgres_bench_url(args.postgres, BENCH_DATABASE),
                households=args.households,
                goal_seconds=POSTGRES_GOAL_SECONDS,
            )
        finally:
            subprocess.run(
                ["psql", args.postgres, "-q", "-c", f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"],
                check=True,
            )
    else:
        print("PostgreSQL: skipped (pass --postgres URL or set FUPIN_TEST_POSTGRES)")


if __name__ == "__main__":
    main()
