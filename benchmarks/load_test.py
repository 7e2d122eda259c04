"""Load test: 50 signed-in users of mixed roles against `make serve-prod` on PostgreSQL
with 1,000,000 households, driven headless by Locust on the loopback interface only.

It prepares its own database (default `fupin_load` on the server of --postgres): migrated,
ten counties of 吉林省 with 100,000 generated households each, and one account per simulated
user (village officers, township reviewers, county staff and county administrators). A
database that already holds the data is reused, so a second run starts in seconds.
It then starts gunicorn and the job worker exactly as `make serve-prod` does, waits for
/readyz, runs Locust (benchmarks/load_users.py) for --run-time seconds with every user
capped at a number of tasks, stops the server and prints p50/p95/p99 and errors per
endpoint and overall, with the ratio p95 / 300 ms (goal: at most 1.00, and no errors).

    make load-test          # installs Locust (the `load` extra) and runs this
    .venv/bin/python benchmarks/load_test.py [--postgres URL] [--run-time 150] [--users 50]
        [--redis redis://127.0.0.1:6379/0]
"""

import argparse
import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "fupin_load"
COUNTIES = (
    "220122",
    "220182",
    "220183",
    "220221",
    "220281",
    "220282",
    "220283",
    "220284",
    "220322",
    "220421",
)
HOUSEHOLDS_PER_COUNTY = 100_000
SEED = 7
# Shared by every load-test account; the database is for measuring only.
PASSWORD = "Fupin-load-2026"  # noqa: S105
# How many accounts of each role (Locust spreads the users over the roles by weight).
ACCOUNTS_PER_ROLE = {
    "village_officer": 20,
    "township_reviewer": 10,
    "county_staff": 15,
    "county_admin": 5,
}
GOAL_P95_MS = 300.0
HOST = "127.0.0.1"


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def ensure_database(server_url: str, name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"not a plain database name: {name!r}")
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # noqa: S608 - checked above
    exists = subprocess.run(
        ["psql", server_url, "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", server_url, "-qc", f"CREATE DATABASE {name}"], check=True)


def prepare(url: str) -> dict[str, list[str]]:
    """Migrate, generate what is missing and create the accounts; return them by role."""
    os.environ["FUPIN_DATABASE_URL"] = url
    os.environ["FUPIN_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django  # noqa: PLC0415 - configured by the environment just set

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from fupin.accounts.models import Role, User  # noqa: PLC0415
    from fupin.accounts.services import user_create  # noqa: PLC0415
    from fupin.registry.models import Household  # noqa: PLC0415
    from fupin.registry.synthetic import generated_prefix  # noqa: PLC0415

    call_command("migrate", "--no-input", verbosity=0)
    for county in COUNTIES:
        existing = Household.objects.filter(number__startswith=generated_prefix(county)).count()
        if existing == HOUSEHOLDS_PER_COUNTY:
            continue
        print(f"generating {HOUSEHOLDS_PER_COUNTY:,} households in {county} …", flush=True)
        call_command(
            "generate_county",
            county=county,
            households=HOUSEHOLDS_PER_COUNTY,
            seed=SEED,
            replace=existing > 0,
            no_progress=True,
        )
    total = Household.objects.count()
    print(f"database {urlsplit(url).path[1:]}: {total:,} households", flush=True)

    # Village officers in the first two villages of each county, the reviewers of their towns,
    # and county staff and administrators spread over the ten counties.
    villages: list[str] = []
    for county in COUNTIES:
        villages += list(
            Household.objects.filter(village__code__startswith=county)
            .values_list("village_id", flat=True)
            .distinct()
            .order_by("village_id")[:2]
        )
    regions = {
        "village_officer": villages,
        "township_reviewer": sorted({village[:9] for village in villages}),
        "county_staff": list(COUNTIES),
        "county_admin": list(COUNTIES),
    }
    accounts: dict[str, list[str]] = {}
    for role, count in ACCOUNTS_PER_ROLE.items():
        accounts[role] = []
        for number in range(count):
            username = f"load_{role}_{number:02d}"
            accounts[role].append(username)
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                actor=None,
                scope=None,
                username=username,
                password=PASSWORD,
                full_name=f"负载测试{number:02d}",
                role=Role(role),
                region_code=regions[role][number % len(regions[role])],
            )
    return accounts


def wait_ready(port: int, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"the server on port {port} did not become ready in {seconds:.0f} s")


def start_server(url: str, port: int, log_path: Path, redis_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in {"FUPIN_DEMO", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            # The shared cache a production server runs with (README, Production): rate
            # limits and the sessions read from it (ADR 0027).
            "FUPIN_REDIS_URL": redis_url,
            "FUPIN_DATABASE_URL": url,
            "FUPIN_SECRET_KEY": secrets.token_urlsafe(50),
            "FUPIN_LOG_LEVEL": "WARNING",
            "HOST": HOST,
            "PORT": str(port),
        }
    )
    with log_path.open("wb") as log:
        return subprocess.Popen(
            ["make", "--no-print-directory", "serve-prod"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_locust(
    *, port: int, users: int, run_time: int, accounts: dict[str, list[str]], folder: Path
) -> Path:
    env = {
        **os.environ,
        "FUPIN_LOAD_ACCOUNTS": json.dumps(accounts),
        "FUPIN_LOAD_PASSWORD": PASSWORD,
        "FUPIN_LOAD_USERS": str(users),
    }
    prefix = folder / "locust"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "benchmarks" / "load_users.py"),
            "--headless",
            "--host",
            f"http://{HOST}:{port}",
            "--users",
            str(users),
            # The figures are reset once every user has signed in (benchmarks/load_users.py).
            "--spawn-rate",
            "5",
            "--run-time",
            f"{run_time}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
    )
    return Path(f"{prefix}_stats.csv")


def report(stats_csv: Path) -> None:
    with stats_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print()
    header = ("requests", "errors", "p50 ms", "p95 ms", "p99 ms")
    print(
        f"{'endpoint':<24} {header[0]:>8} {header[1]:>6} " + " ".join(f"{h:>7}" for h in header[2:])
    )
    overall = None
    for row in rows:
        if row["Name"] == "Aggregated":
            overall = row
            continue
        print(_line(f"{row['Type']} {row['Name']}", row))
    if overall is None:
        raise SystemExit("Locust wrote no summary")
    print(_line("overall", overall))
    p95 = float(overall["95%"])
    print(
        f"\ngoal: p95 ≤ {GOAL_P95_MS:.0f} ms and 0 errors; p95 {p95:.0f} ms, "
        f"ratio {p95 / GOAL_P95_MS:.2f}, errors {overall['Failure Count']}"
    )


def _line(label: str, row: dict[str, str]) -> str:
    # East Asian characters are two columns wide on a terminal.
    width = 24 - sum(1 for char in label if ord(char) > 0x2E80)
    return (
        f"{label:<{width}} {row['Request Count']:>8} {row['Failure Count']:>6} "
        f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "FUPIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server URL; the load database is created beside the named one",
    )
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--run-time", type=int, default=150, help="seconds of load, sign-ins included"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--redis",
        default=os.environ.get("FUPIN_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="the server's shared cache; an empty value measures the database cache instead",
    )
    args = parser.parse_args()
    if urlsplit(args.postgres).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("the load test runs against a local PostgreSQL only")

    ensure_database(args.postgres, args.database)
    url = database_url(args.postgres, args.database)
    accounts = prepare(url)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        server = start_server(url, args.port, folder / "server.log", args.redis)
        try:
            wait_ready(args.port, seconds=180)
            print(
                f"server ready on http://{HOST}:{args.port}; {args.users} users for "
                f"{args.run_time} s …",
                flush=True,
            )
            stats = run_locust(
                port=args.port,
                users=args.users,
                run_time=args.run_time,
                accounts=accounts,
                folder=folder,
            )
        finally:
            stop_server(server)
        errors = [
            line
            for line in (folder / "server.log").read_text(errors="replace").splitlines()
            if "Traceback" in line or " ERROR " in line
        ]
        report(stats)
        print(f"server log: {len(errors)} error lines")
        for line in errors[:10]:
            print("  " + line)


if __name__ == "__main__":
    main()
