"""Measure a region assessment end to end on PostgreSQL (facts from the database,
evaluation, outcomes persisted) and a what-if simulation over the same region.

    .venv/bin/python benchmarks/assessment_bench.py --postgres URL [--households 1000000]

A fresh database is migrated and filled with the synthetic generator first (not timed
against the goals). Goals: region run ≤ 60 s for 1,000,000 households; simulation ≤ 2 s
after the facts are loaded. The engine's in-memory throughput and its ratio to a naive
per-household loop are measured by benchmarks/assessment_engine_bench.py.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "fupin_assessment_bench"
COUNTY = "220421"
RUN_GOAL_SECONDS = 60.0
SIMULATION_GOAL_SECONDS = 2.0

SIMULATION_SCRIPT = """
import time
import polars as pl
from fupin.assessment.rules import definition, engine, simulation
from fupin.assessment.selectors import rule_set_get
from fupin.assessment.services import assessment_evaluate
rule_set = definition.from_dict(rule_set_get(code="national-baseline").definition)
started = time.perf_counter()
facts, before, used = assessment_evaluate(rule_set=rule_set, region_code="{county}", year=2025)
loaded = time.perf_counter() - started
started = time.perf_counter()
params = dict(used["{county}"], monitoring_line=8600.0)
after = engine.evaluate(rule_set, facts, params)
summary = simulation.compare(before, after, facts, group_by=["town"])
simulated = time.perf_counter() - started
print(f"FIGURES {{facts.height}} {{loaded:.2f}} {{simulated:.3f}} {{summary.height}}")
"""


def run(database_url: str, *args: str) -> tuple[str, float]:
    env = {**os.environ, "FUPIN_DEMO": "1", "FUPIN_DATABASE_URL": database_url}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("FUPIN_TEST_POSTGRES"))
    parser.add_argument("--households", type=int, default=1_000_000)
    args = parser.parse_args()
    if not args.postgres:
        sys.exit("Pass --postgres URL or set FUPIN_TEST_POSTGRES.")
    admin = ["psql", args.postgres, "-q", "-c"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {BENCH_DATABASE}"], check=True)
    url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{BENCH_DATABASE}"))
    try:
        run(url, "migrate", "--no-input", "-v", "0")
        _out, seconds = run(
            url, "generate_county", "--county", COUNTY, "--households", str(args.households),
            "--seed", "7", "--no-progress",
        )  # fmt: skip
        print(f"setup: generated {args.households:,} households in {seconds:.1f} s")
        # No 监测范围 is seeded for the generated county: store the generator's assumptions.
        run(url, "set_synthetic_parameters", "--region", COUNTY)
        output, seconds = run(url, "assess", "--region", COUNTY, "--year", "2025", "--no-progress")
        match = re.search(r"(\d+) 户，用时 ([0-9.]+) 秒", output)
        households = int(match.group(1)) if match else 0
        inner = float(match.group(2)) if match else seconds
        print(
            f"region run (PostgreSQL): {households:,} households, {inner:.2f} s in the service, "
            f"{seconds:.2f} s with process start; {households / inner:,.0f} households/s; "
            f"goal {RUN_GOAL_SECONDS:.0f} s, ratio {inner / RUN_GOAL_SECONDS:.2f}"
        )
        script = SIMULATION_SCRIPT.format(county=COUNTY)
        output, _seconds = run(url, "shell", "-c", script)
        figures = re.search(r"FIGURES (\d+) ([0-9.]+) ([0-9.]+) (\d+)", output)
        if figures:
            count, loaded, simulated, towns = figures.groups()
            print(
                f"what-if (monitoring line 8600): {int(count):,} households, facts loaded in "
                f"{loaded} s, simulation {simulated} s over {towns} towns; "
                f"goal {SIMULATION_GOAL_SECONDS:.0f} s, "
                f"ratio {float(simulated) / SIMULATION_GOAL_SECONDS:.2f}"
            )
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"], check=True)


if __name__ == "__main__":
    main()
