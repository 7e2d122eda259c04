"""Measure `fupin generate_county` (70,000 households of 东丰县 220421) on SQLite and PostgreSQL.

Each database starts empty and migrated, so the run includes loading the province's regions.
Prints seconds, households and members per second and the ratio to the goal (60 s on
PostgreSQL, 120 s on SQLite; below 1.00 meets it).

    .venv/bin/python benchmarks/generate_county_bench.py [--households 70000] \
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
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "220421"
SEED = "7"
DEFAULT_HOUSEHOLDS = 70_000
SQLITE_GOAL_SECONDS = 120.0
POSTGRES_GOAL_SECONDS = 60.0
BENCH_DATABASE = "fupin_generate_bench"


def fupin(database_url: str, *args: str) -> str:
    env = {**os.environ, "FUPIN_DEMO": "1", "FUPIN_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def measure(label: str, database_url: str, *, households: int, goal_seconds: float) -> None:
    fupin(database_url, "migrate", "--no-input", "-v", "0")
    started = time.perf_counter()
    output = fupin(
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
    seconds = time.perf_counter() - started
    # The command's own summary: "… %(households)s 户，%(members)s 人，用时 …".
    figures = re.search(r"([0-9]+) 户，([0-9]+) 人", output)
    members = int(figures.group(2)) if figures else 0
    print(
        f"{label:<10} {households:,} households {members:,} members  {seconds:7.2f} s  "
        f"{households / seconds:8,.0f} households/s  {members / seconds:9,.0f} members/s  "
        f"goal {goal_seconds:.0f} s, ratio {seconds / goal_seconds:.2f}"
    )


def postgres_bench_url(server_url: str, database: str = BENCH_DATABASE) -> str:
    """A new, empty database `database` on the server; its URL."""
    parts = urlsplit(server_url)
    admin = ["psql", server_url, "-q", "-c"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {database}"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {database}"], check=True)
    return urlunsplit(parts._replace(path=f"/{database}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("FUPIN_TEST_POSTGRES"))
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    args = parser.parse_args()
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
                postgres_bench_url(args.postgres),
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
