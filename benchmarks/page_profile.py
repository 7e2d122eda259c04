"""Profile the load test's pages in-process, endpoint by endpoint and role by role.

benchmarks/load_test.py measures the whole server under 50 users, which on a shared
machine says little about any one page. This script asks the same pages the load test's
users ask (benchmarks/load_users.py), as the same accounts, through Django's test client
(every middleware, the session, the templates; production settings: no debug, persistent
connection), one request at a time, and prints per endpoint and role:

- the number of SQL queries per request (the last request's; they should not vary),
- p50 and p95 of the request's time, the time spent waiting for the database and the
  CPU time of this process (Python: middleware, ORM, templates), the figure that a busy
  machine inflates least,
- the slowest query of the last request, and with --explain its EXPLAIN (ANALYZE, BUFFERS).

Writes (登记风险线索 and the 入户核实 that follows it) each use another household of the
officer's village, so run it on a copy of the load test's database, never a shared one:

    createdb -h 127.0.0.1 -U postgres -T fupin_load fupin_profile
    .venv/bin/python benchmarks/page_profile.py --database fupin_profile [--requests 20] \\
        [--only 农户列表] [--explain]

The accounts are those of benchmarks/load_test.py (made when missing, with the data).
Each line carries the load average, since the machine may be shared: compare runs by the
ratio of a page to the `基准` line (a signed-in request of the smallest page) measured in
the same run, not by milliseconds alone.
"""

import argparse
import itertools
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 300.0
_HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)/"')
_CASE_LINK = re.compile(r'href="/monitoring/cases/(\d+)/"')
_CASE_URL = re.compile(r"/monitoring/cases/(\d+)/$")
# The load test's roles (benchmarks/load_test.py); the first account of each is used.
ROLES = ("village_officer", "township_reviewer", "county_staff", "county_admin")


def configure(url: str) -> None:
    """Production settings as make serve-prod and the load test set them, in this process
    (FUPIN_REDIS_URL empty: the database cache and sessions)."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "FUPIN_DATABASE_URL": url,
            "FUPIN_SECRET_KEY": secrets.token_urlsafe(50),
            "FUPIN_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "FUPIN_SECURE_SSL_REDIRECT": "0",
            "FUPIN_DATABASE_CONN_MAX_AGE": "60",
            "FUPIN_REDIS_URL": os.environ.get("FUPIN_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "FUPIN_LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    os.environ.pop("FUPIN_DEMO", None)
    os.environ.pop("FUPIN_DEBUG", None)


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:4.1f}/{five:4.1f}"


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


@dataclass
class Measured:
    """Requests of one endpoint by one role."""

    total_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    database_ms: list[float] = field(default_factory=list)
    queries: int = 0
    statuses: set[int] = field(default_factory=set)
    slowest: tuple[float, str] = (0.0, "")
    last: list[tuple[float, str]] = field(default_factory=list)


def measure(requests: int, call: Callable[[], Any], *, expect: set[int] | None = None) -> Measured:
    """Run `call` (one or more test-client requests) `requests` times, capturing queries."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    measured = Measured()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            cpu_started = time.process_time()
            response = call()
            measured.cpu_ms.append((time.process_time() - cpu_started) * 1000)
            measured.total_ms.append((time.perf_counter() - started) * 1000)
        if response is not None:
            measured.statuses.add(response.status_code)
        timings = [(float(query["time"]) * 1000, query["sql"]) for query in captured]
        measured.database_ms.append(sum(ms for ms, _sql in timings))
        measured.queries = len(timings)
        measured.slowest = max(timings, default=(0.0, ""))
        measured.last = timings
    if expect is not None and not measured.statuses <= expect:
        print(f"    unexpected status {sorted(measured.statuses)} (expected {sorted(expect)})")
    return measured


def line(name: str, role: str, measured: Measured, baseline: float) -> str:
    label = f"{name} {role}"
    width = 40 - sum(1 for char in label if ord(char) > 0x2E80)
    total = measured.total_ms
    return (
        f"{label:<{width}} q {measured.queries:3d}  p50 {statistics.median(total):7.1f}  "
        f"p95 {p95(total):7.1f} ms  db p50 {statistics.median(measured.database_ms):6.1f}  "
        f"cpu p50 {statistics.median(measured.cpu_ms):6.1f}  "
        f"×基准 {statistics.median(total) / baseline:5.1f}  {load()}"
    )


def explain(sql: str) -> None:
    from django.db import connection  # noqa: PLC0415

    if not sql.lstrip().upper().startswith("SELECT"):
        print("    (not a SELECT: no EXPLAIN)")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        for (row,) in cursor.fetchall():
            print("    " + row)


class Role:
    """One load-test account signed in through a test client."""

    def __init__(self, role: str, username: str) -> None:
        from django.test import Client  # noqa: PLC0415

        from fupin.accounts.models import User  # noqa: PLC0415

        self.role = role
        self.client = Client()
        self.client.force_login(User.objects.get(username=username))
        self.household_ids: list[int] = []
        self.case_ids: list[int] = []

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def text(self, path: str) -> str:
        return str(self.get(path).content.decode())


def pages(user: Role) -> list[tuple[str, Callable[[], Any]]]:
    """The reads the load test's users of this role make (benchmarks/load_users.py)."""
    found: list[tuple[str, Callable[[], Any]]] = [
        ("农户列表 p1", lambda: user.get("/households/?page=1")),
        ("农户列表 p3", lambda: user.get("/households/?page=3")),
    ]
    if user.role.startswith("county"):
        found.append(("农户列表 搜索 王", lambda: user.get("/households/?q=王&page=1")))
        # The assessment's levels as a filter (ADR 0029): the rarest colour and the commonest.
        found.append(("农户列表 红色", lambda: user.get("/households/?risk_level=red&page=1")))
        found.append(("农户列表 蓝色", lambda: user.get("/households/?risk_level=blue&page=1")))
    if user.household_ids:
        households = itertools.cycle(user.household_ids)
        found.append(("农户详情", lambda: user.get(f"/households/{next(households)}/")))
    found.append(("待办", lambda: user.get("/monitoring/todo/")))
    if user.role != "village_officer":
        found.append(("监测事项列表", lambda: user.get("/monitoring/cases/")))
    if user.case_ids:
        cases = itertools.cycle(user.case_ids)
        found.append(("监测事项详情", lambda: user.get(f"/monitoring/cases/{next(cases)}/")))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "FUPIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server URL; --database names the database on it",
    )
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", default="", help="endpoints whose name contains this")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest query")
    parser.add_argument(
        "--queries", action="store_true", help="list the last request's queries and times"
    )
    args = parser.parse_args()
    if urlsplit(args.postgres).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("the profile runs against a local PostgreSQL only")
    url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{args.database}"))

    # The load test's data and accounts, made in a process of their own: it sets up Django
    # with the demo's settings, this one with production's.
    subprocess.run(
        [sys.executable, "-c", f"from benchmarks.load_test import prepare; prepare({url!r})"],
        cwd=ROOT,
        check=True,
    )
    configure(url)
    import django  # noqa: PLC0415
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    django.setup()
    if not (Path(str(settings.STATIC_ROOT)) / "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)

    n = args.requests
    users = {role: Role(role, f"load_{role}_00") for role in ROLES}
    for user in users.values():
        user.household_ids = [int(i) for i in _HOUSEHOLD_LINK.findall(user.text("/households/"))]
        user.case_ids = [int(i) for i in _CASE_LINK.findall(user.text("/monitoring/todo/"))]
    print(
        f"database {args.database}, {n} requests each, one at a time; "
        f"q: queries per request, ×基准: p50 over the 基准 line's p50",
        flush=True,
    )
    # A small signed-in page: middleware, session and layout around a one-field form (a
    # township's poster page before a village is chosen).
    township = users["township_reviewer"]
    base = measure(n, lambda: township.get("/monitoring/apply-poster/"), expect={200})
    baseline = statistics.median(base.total_ms)
    print(line("基准", "township_reviewer", base, baseline), flush=True)

    def report(name: str, role: str, measured: Measured) -> None:
        print(line(name, role, measured, baseline), flush=True)
        if args.queries:
            for ms, sql in measured.last:
                print(f"    {ms:7.1f} ms  {sql[:220]}")
        if args.explain and measured.slowest[1]:
            print(f"    slowest query {measured.slowest[0]:.1f} ms: {measured.slowest[1][:300]}")
            explain(measured.slowest[1])

    def wanted(name: str) -> bool:
        return args.only in name

    for role, user in users.items():
        for name, call in pages(user):
            if wanted(name):
                report(name, role, measure(n, call, expect={200}))

    if wanted("登记风险线索") or wanted("入户核实"):
        clue_and_visit(users["village_officer"], n, report)


def clue_and_visit(village: Role, n: int, report: Callable[[str, str, Measured], None]) -> None:
    """登记风险线索 (the form, then the POST and the case page it leads to) and 入户核实 of
    the case it opened, each on a household of the officer's village without a clue yet."""
    from django.utils import timezone  # noqa: PLC0415

    from fupin.monitoring.models import RiskClue  # noqa: PLC0415
    from fupin.registry.models import Household, HouseholdStatus  # noqa: PLC0415

    first = Household.objects.get(pk=village.household_ids[0])
    fresh = list(
        Household.objects.filter(village_id=first.village_id)
        .exclude(status=HouseholdStatus.MONITORED)
        .exclude(pk__in=RiskClue.objects.filter(household__isnull=False).values("household_id"))
        .order_by("id")
        .values_list("id", flat=True)[:n]
    )
    if len(fresh) < n:
        print(f"only {len(fresh)} households of {first.village_id} without a clue left")
        return
    today = timezone.localdate().isoformat()
    forms = iter(fresh)
    report(
        "登记风险线索（表单）",
        village.role,
        measure(
            n,
            lambda: village.get(f"/monitoring/households/{next(forms)}/clue/"),
            expect={200},
        ),
    )
    cases: list[int] = []
    posts = iter(fresh)
    report(
        "登记风险线索 POST+详情",
        village.role,
        measure(n, lambda: _clue_post(village, next(posts), today, cases), expect={200}),
    )
    if not cases:
        print("no case waiting for 入户核实")
        return
    visits = iter(cases)
    report(
        "入户核实 POST+详情",
        village.role,
        measure(len(cases), lambda: _visit_post(village, next(visits), today), expect={200}),
    )


def _clue_post(village: Role, household_id: int, today: str, cases: list[int]) -> Any:
    response = village.client.post(
        f"/monitoring/households/{household_id}/clue/",
        data={
            "risk_types": "1",
            "description": "负载测试：家庭成员突发重病，医疗支出大。",
            "received_on": today,
        },
        follow=True,
    )
    case = _CASE_URL.search(response.request["PATH_INFO"])
    if case is not None and 'name="visitors"' in response.content.decode():
        cases.append(int(case.group(1)))
    return response


def _visit_post(village: Role, case_id: int, today: str) -> Any:
    return village.client.post(
        f"/monitoring/cases/{case_id}/step/",
        data={
            "visited_on": today,
            "visitors": "负载测试员",
            "findings": "入户核实：情况属实。",
            "risk_types": "1",
            "has_consent": "on",
        },
        follow=True,
    )


if __name__ == "__main__":
    main()
