"""Measure a department comparison end to end on PostgreSQL: a 1,000,000-row 医保 feed
matched against the registered people of a region, against a per-row ORM lookup baseline
measured in the same run.

    FUPIN_DATABASE_URL=postgresql://USER@HOST:5432/DB \
        .venv/bin/python benchmarks/department_bench.py [--rows 1000000] [--region 220421]

The database must already hold the region's people (about a million; not timed here):
either generate them with `fupin generate_county --county 220421 --households 320000`, or
take a copy of the load test's database (`benchmarks/load_test.py` prepares ten counties
of 吉林省 with 100,000 households each; `CREATE DATABASE copy TEMPLATE original`, then
`fupin migrate` on the copy) and name a region that holds about a million people, such as
长春市 `--region 2201` (three counties, 965,476 people). `--region` is a county or above
(feeds are delivered there).
The feed is written as a CSV file: about 70 % of its rows name registered people (several
结算月份 rows for some), the rest valid numbers of people not registered; 合规自付费用
follows a log-normal spread, so a few hundred people pass the 20,000 元 rule.

Timed end to end: read the CSV, validate every row with the feed's declaration, store the
rows (COPY), match them with the registry by ID number in Polars, apply the rules and open
or merge the department clues, and run the constraint checks deferred to the commit.
Then the same period is delivered again (it must create nothing). Everything runs in one
transaction that is rolled back at the end, so the database is left as it was. The
baseline asks the ORM for each row's active member, one query per row, on a sample, and
is extrapolated to the whole feed (printed as such).
Goals: end to end ≤ 20 s, ≥ 20× the baseline.

Each delivery's phases are printed with their seconds and share of the whole, so a run
on a busy machine still shows where the time goes: read (CSV to frame), validate (every
cell, the ID numbers column-wise), registry (the region's active people, by COPY), key
(each row's digest), store (COPY of the new rows), rules (matches and what each rule
already made), clues (opened or merged in bulk), findings, finish (batch row, audit),
checks (the foreign-key checks PostgreSQL defers to the commit, run before the rollback so
that they are measured).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FUPIN_DEMO", "1")

GOAL_SECONDS = 20.0
GOAL_RATIO = 20.0
PERIOD = "2026-01"
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def _valid_number(rng: random.Random, county: str) -> str:
    first17 = f"{county}{rng.randint(1940, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 += f"{rng.randint(0, 999):03d}"
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return first17 + CHECK_CHARACTERS[total % 11]


def _load() -> str:
    """The machine's load average (1, 5, 15 minutes): the figures mean little without it."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _write_feed(path: Path, registered: list[tuple[str, str]], rows: int) -> int:
    """Write the feed CSV; return how many rows name registered people."""
    rng = random.Random(13)  # noqa: S311 - made-up benchmark data
    named = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("证件号码,姓名,结算月份,住院次数,医疗总费用,合规自付费用\n")
        for _row in range(rows):
            if rng.random() < 0.7:
                number, name = registered[rng.randrange(len(registered))]
                named += 1
            else:
                # A county code of the region, so the number passes validation.
                county = registered[rng.randrange(len(registered))][0][:6]
                number, name = _valid_number(rng, county), "外县人员"
            self_paid = min(rng.lognormvariate(6.5, 1.0), 400_000.0)
            total = self_paid * rng.uniform(2.0, 6.0)
            out.write(f"{number},{name},{PERIOD},{rng.randint(0, 3)},{total:.2f},{self_paid:.2f}\n")
    return named


def _deferred_checks(connection: Any) -> float:
    """Run the constraint checks PostgreSQL defers to the commit (Django's foreign keys
    are INITIALLY DEFERRED) and return their seconds: the run is rolled back, so without
    this they would never run, and a real delivery pays them when it commits."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return time.perf_counter() - started


def _phase_line(label: str, phases: dict[str, float], total: float) -> str:
    """Seconds and share of the total of each phase, in the order they ran; what is not
    in a phase (reading the rules, the batch row) shows as "other"."""
    other = total - sum(phases.values())
    parts = [
        f"{name} {seconds:.2f} s ({seconds / total:.0%})"
        for name, seconds in [*phases.items(), ("other", other)]
    ]
    return f"{label}: " + ", ".join(parts)


def main() -> None:  # noqa: PLR0915 - one measured story, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--region", "--county", dest="region", default="220421", help="county or above"
    )
    parser.add_argument("--baseline-sample", type=int, default=5_000)
    args = parser.parse_args()
    if not os.environ.get("FUPIN_DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set FUPIN_DATABASE_URL to the PostgreSQL database holding the region.")

    import django  # noqa: PLC0415 - settings come from the environment set above

    django.setup()
    import polars as pl  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415

    from fupin.core.scope import Capability, RegionScope  # noqa: PLC0415
    from fupin.departments.models import ComparisonRule, FeedRow  # noqa: PLC0415
    from fupin.imports.feed_services import feed_import  # noqa: PLC0415
    from fupin.imports.parsing import read_table  # noqa: PLC0415
    from fupin.registry.models import Member  # noqa: PLC0415

    county = args.region
    print(f"load average before: {_load()}")
    last = county.ljust(12, "9")
    registered = list(
        Member.objects.filter(
            is_active=True, household__village__code__range=(county, last)
        ).values_list("id_number", "name")
    )
    if len(registered) < 1000:
        sys.exit(f"Region {county} has {len(registered)} people; run fupin generate_county first.")
    print(f"registry: {len(registered):,} active people in region {county} ({connection.vendor})")
    threshold = float(ComparisonRule.objects.get(code="medical.self_paid", region_code="").value)
    scope = RegionScope(
        role="system",
        role_label="",
        prefix=county,
        root_prefix=county,
        region_name="",
        capabilities=frozenset({Capability.UPLOAD_FEEDS}),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "yibao.csv"
        named = _write_feed(path, registered, args.rows)
        size = path.stat().st_size / 1024 / 1024
        print(f"feed: {args.rows:,} rows ({named:,} naming registered people), {size:.0f} MB CSV")

        with transaction.atomic():
            started = time.perf_counter()
            frame = read_table(path, path.name, max_bytes=sys.maxsize, max_rows=sys.maxsize)
            read = time.perf_counter() - started
            phases: dict[str, float] = {"read": read}
            outcome = feed_import(
                actor=None, scope=scope, kind="medical", period=PERIOD, frame=frame, phases=phases
            )
            phases["checks"] = _deferred_checks(connection)
            total = time.perf_counter() - started
            result = outcome.result
            if result is None:
                sys.exit(f"feed refused: {outcome.errors[:5]}")
            print(
                f"end to end (PostgreSQL): {total:.2f} s (read {read:.2f} s, validate, store, "
                f"compare {total - read:.2f} s); {args.rows / total:,.0f} rows/s; "
                f"{result.rows_matched:,} rows matched, {result.clues_opened:,} clues opened, "
                f"{result.clues_merged:,} merged; goal {GOAL_SECONDS:.0f} s, "
                f"ratio {total / GOAL_SECONDS:.2f}"
            )
            print(_phase_line("  phases", phases, total))
            started = time.perf_counter()
            again_phases: dict[str, float] = {}
            again = feed_import(
                actor=None,
                scope=scope,
                kind="medical",
                period=PERIOD,
                frame=frame,
                phases=again_phases,
            )
            again_phases["checks"] = _deferred_checks(connection)
            repeat = time.perf_counter() - started
            assert again.result is not None
            print(
                f"same period again: {repeat:.2f} s, {again.result.rows_new} new rows, "
                f"{again.result.clues_opened} clues opened, {again.result.clues_merged} merged"
            )
            print(_phase_line("  phases", again_phases, repeat))
            assert FeedRow.objects.filter(period=PERIOD, kind="medical").count() > 0

            numbers = frame.get_column("证件号码").to_list()
            amounts = frame.get_column("合规自付费用").cast(pl.Float64).to_list()
            sampler = random.Random(5)  # noqa: S311 - which rows to sample, not a secret
            sample = sampler.sample(range(len(numbers)), args.baseline_sample)
            started = time.perf_counter()
            fired = 0
            for index in sample:
                member = (
                    Member.objects.filter(
                        id_number=numbers[index],
                        is_active=True,
                        household__village__code__range=(county, last),
                    )
                    .select_related("household")
                    .first()
                )
                if member is not None and amounts[index] >= threshold:
                    fired += 1
            per_row = (time.perf_counter() - started) / len(sample)
            baseline = per_row * args.rows
            print(
                f"baseline (per-row ORM lookup, measured on {len(sample):,} sampled rows and "
                f"extrapolated to {args.rows:,}; lookups only, no validation, storage or "
                f"clues): {per_row * 1000:.3f} ms/row, {baseline:.1f} s"
            )
            print(
                f"speed-up: {baseline / total:.1f}x the baseline; goal {GOAL_RATIO:.0f}x, "
                f"ratio {GOAL_RATIO / (baseline / total):.2f}"
            )
            transaction.set_rollback(True)
    print("rolled back: the database is as it was")
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
