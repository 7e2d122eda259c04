"""Measure `fupin load_regions --all` (665,276 rows) on SQLite and PostgreSQL.

Each database starts empty and migrated; the load runs twice (the second run must change
nothing). Prints seconds, rows per second and the ratio to the 60-second goal.

    .venv/bin/python benchmarks/region_load_bench.py [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
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
GOAL_SECONDS = 60.0
BENCH_DATABASE = "fupin_region_bench"


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


def measure(label: str, database_url: str) -> None:
    fupin(database_url, "migrate", "--no-input", "-v", "0")
    for run in ("first load", "second load"):
        started = time.perf_counter()
        output = fupin(database_url, "load_regions", "--all", "--no-progress")
        seconds = time.perf_counter() - started
        figures = re.search(r"新增 (\d+)，更新 (\d+)，未变 (\d+)", output)
        inserted, updated, unchanged = figures.groups() if figures else ("?", "?", "?")
        print(
            f"{label:<10} {run:<11} {seconds:7.2f} s  {665_276 / seconds:10,.0f} rows/s  "
            f"inserted {inserted:>7} updated {updated:>3} unchanged {unchanged:>7}  "
            f"goal ratio {seconds / GOAL_SECONDS:.2f}"
        )


def postgres_bench_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    admin = ["psql", server_url, "-q", "-c"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {BENCH_DATABASE}"], check=True)
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("FUPIN_TEST_POSTGRES"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{folder}/bench.sqlite3")
    if args.postgres:
        measure("PostgreSQL", postgres_bench_url(args.postgres))
        subprocess.run(
            ["psql", args.postgres, "-q", "-c", f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"],
            check=True,
        )
    else:
        print("PostgreSQL: skipped (pass --postgres URL or set FUPIN_TEST_POSTGRES)")


if __name__ == "__main__":
    main()
