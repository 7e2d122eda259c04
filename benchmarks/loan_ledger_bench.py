"""Measure the loan ledger import and the 到期预警台账 of a county on SQLite and PostgreSQL.

Each database is migrated and gets a synthetic county (东丰县 220421); every head of a
脱贫户 or 监测户 gets one loan in a generated ledger, due within the next two years. Prints
rows per second of `fupin loans import` and the seconds of `fupin loans warnings --days 90
--json` (both as commands, Django's start included), each with its ratio to the goal
(below 1.00 meets it), beside the same warnings command on a region without loans (Django's
start-up alone, the plain baseline) and the load average.

    .venv/bin/python benchmarks/loan_ledger_bench.py [--households 20000] \
        [--postgres postgresql://USER@HOST:5432/EMPTY_DATABASE]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "220421"
DEFAULT_HOUSEHOLDS = 20_000
IMPORT_GOAL_ROWS_PER_SECOND = 1_000.0
WARNINGS_GOAL_SECONDS = 3.0
# A county code with no villages: the warnings command there does no work.
EMPTY_REGION = "999999"
RUNS = 3

# Writes the ledger: one loan per eligible head, due 1 to 730 days from today.
LEDGER_SCRIPT = """
import csv
from datetime import timedelta
from django.utils import timezone
from fupin.registry.models import Member
today = timezone.localdate()
heads = Member.objects.filter(
    is_active=True, relation="01", household__village__code__startswith="{county}",
    household__household_type__in=["exited", "monitored"],
).values_list("id_number", "name").order_by("id")
with open("{path}", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["借款人证件号码", "借款人姓名", "贷款银行", "合同编号", "放款日期", "到期日期",
                "贷款金额", "年利率", "贷款用途", "已还本金"])
    for i, (number, name) in enumerate(heads):
        due = today + timedelta(days=1 + i % 730)
        w.writerow([number, name, "农村信用合作联社", f"BENCH{{i:07d}}",
                    (due - timedelta(days=1000)).isoformat(), due.isoformat(),
                    "30000", "3.45", "养殖", "0"])
print(len(heads))
"""


def fupin(database_url: str, *args: str) -> str:
    env = {**os.environ, "FUPIN_DEMO": "1", "FUPIN_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0,):
        raise SystemExit(result.stdout[-2000:] + result.stderr[-2000:])
    return result.stdout


def measure(label: str, database_url: str, *, households: int, work: Path) -> None:
    fupin(database_url, "migrate", "--no-input", "-v", "0")
    fupin(
        database_url,
        "generate_county",
        "--county",
        COUNTY,
        "--households",
        str(households),
        "--seed",
        "7",
        "--no-progress",
    )
    ledger = work / f"{label}-loans.csv"
    rows = int(
        fupin(
            database_url,
            "shell",
            "-c",
            LEDGER_SCRIPT.format(county=COUNTY, path=ledger),
        ).split()[-1]
    )
    started = time.perf_counter()
    fupin(database_url, "loans", "import", str(ledger), "--json")
    import_seconds = time.perf_counter() - started
    # The same command on a region without loans is Django's start plus one policy query:
    # the plain baseline that tells start-up from the warnings' own work. Best of three
    # each, since the shared machine's load comes and goes.
    runs = []
    for region in (COUNTY, EMPTY_REGION) * RUNS:
        started = time.perf_counter()
        output = fupin(
            database_url, "loans", "warnings", "--days", "90", "--region", region, "--json"
        )
        runs.append((region, time.perf_counter() - started, output))
    warnings_seconds = min(seconds for region, seconds, _out in runs if region == COUNTY)
    start_seconds = min(seconds for region, seconds, _out in runs if region == EMPTY_REGION)
    report = json.loads(next(out for region, _s, out in runs if region == COUNTY))
    rate = rows / import_seconds
    import_ratio = IMPORT_GOAL_ROWS_PER_SECOND / rate
    warnings_ratio = warnings_seconds / WARNINGS_GOAL_SECONDS
    print(
        f"{label:<10} import {rows:,} loans {import_seconds:6.2f} s {rate:8,.0f} rows/s "
        f"(goal {IMPORT_GOAL_ROWS_PER_SECOND:,.0f}/s, ratio {import_ratio:.2f})  "
        f"warnings {len(report['loans']):,} loans due in 90 days {warnings_seconds:5.2f} s "
        f"(goal {WARNINGS_GOAL_SECONDS:.0f} s, ratio {warnings_ratio:.2f}); "
        f"start-up baseline {start_seconds:5.2f} s, the warnings' own work "
        f"{warnings_seconds - start_seconds:5.2f} s; load average {load_average()}"
    )


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="", help="an empty PostgreSQL database")
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        measure(
            "sqlite", f"sqlite:///{work / 'bench.sqlite3'}", households=args.households, work=work
        )
        if args.postgres:
            measure("postgresql", args.postgres, households=args.households, work=work)


if __name__ == "__main__":
    main()
