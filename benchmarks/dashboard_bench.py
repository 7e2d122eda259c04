"""Measure the dashboards and the main report on PostgreSQL against a plain GROUP BY.

A generated province (吉林省: --counties counties of --households-per-county households
each; what is already there is reused, so a database made by `benchmarks/load_test.py` is
the first ten counties) gets assistance records for its monitored households (plans,
measures, cadres, visits: the generator makes none) and is tallied once (timed: the
nightly full rebuild). A county without households is filled by copying a complete one in
SQL (`benchmarks/grow_province.py`, a minute or two a county), a partly filled one by the
synthetic generator. Then, in one run and in-process through Django's test client
(middleware, sessions, templates and all), after one request of each page that prints
its queries (count, database time, the slowest):

- the county dashboard (a county administrator's home page),
- the province dashboard (a province administrator's home page),
- the main report (监测对象分类统计表 of the province, by city),

each requested --requests times, p50/p95 printed with the ratio to the 300 ms goal, beside
the same figures computed by a plain GROUP BY over the registry (households by city, type,
category and colour) and the province's 帮扶措施覆盖 counted live over its households (as
before ADR 0022), also --requests times. Each line carries the load average, since the
machine may be shared. Last, the incremental path: one household's status changes and the
next page view recounts its village (timed).

The issue's goal is 3,000,000 households: --counties 30 --households-per-county 100000
(a copy of the load test's 1,000,000-household database grows by twenty counties; or grow
it first with `benchmarks/grow_province.py`, which this run then reuses).

    FUPIN_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fupin_bench \\
        .venv/bin/python benchmarks/dashboard_bench.py [--counties 30] \\
        [--households-per-county 100000] [--requests 50]
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 300.0
SEED = 7


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("FUPIN_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django  # noqa: PLC0415 - after the settings are chosen

    django.setup()


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:4.1f}/{five:4.1f}"


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def report(label: str, samples: list[float], baseline: list[float], baseline_label: str) -> None:
    print(
        f"{label:<32} p50 {statistics.median(samples):7.1f} ms  p95 {p95(samples):7.1f} ms  "
        f"goal ratio {p95(samples) / GOAL_MS:5.2f} | {baseline_label} p95 "
        f"{p95(baseline):7.1f} ms (ratio {p95(samples) / p95(baseline):5.2f})  {load()}",
        flush=True,
    )


def queries(label: str, request: Callable[[], object]) -> None:
    """One request's queries: how many, their time and the slowest, so that a slow page
    under load can be told from a loaded machine."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as captured:
        request()
    times = [float(query["time"]) * 1000 for query in captured.captured_queries]
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    print(
        f"{label:<32} {len(times)} queries, {sum(times):.1f} ms in the database; slowest "
        f"{max(times):.1f} ms: {slowest['sql'][:160]}",
        flush=True,
    )


def province_counties(count: int) -> list[str]:
    """The load test's ten counties first (so its database is reused), then the other
    counties of 吉林省 that have 村委会 and an ID address code, in code order."""
    from benchmarks.load_test import COUNTIES  # noqa: PLC0415 - after sys.path is set
    from fupin.registry import region_data  # noqa: PLC0415
    from fupin.registry.idnumbers import is_known_county_code  # noqa: PLC0415

    villages = region_data.read_level(region_data.LEVEL_FILES[-1], province_code="22")
    with_committees = {
        code[:6] for code in villages["code"].to_list() if "200" <= code[9:12] <= "399"
    }
    others = sorted(
        code
        for code in with_committees
        if code not in COUNTIES and is_known_county_code(code) and code[4:6] != "00"
    )
    return [*COUNTIES, *others][:count]


def seed_assistance(year: int) -> None:
    """Plans, measures, a cadre per county and visits for the monitored households of each
    county that has no bench cadre yet, spread by id so each coverage figure counts some and
    misses some (a county grown or generated after an earlier run gets them too)."""
    from django.db import connection, transaction  # noqa: PLC0415

    from fupin.accounts.models import User  # noqa: PLC0415
    from fupin.assistance.models import Cadre, CadreLevel  # noqa: PLC0415
    from fupin.registry.models import Household, HouseholdStatus  # noqa: PLC0415

    monitored = Household.objects.filter(status=HouseholdStatus.MONITORED)
    recorder, _created = User.objects.get_or_create(
        username="bench_recorder", defaults={"full_name": "bench_recorder"}
    )
    counties = sorted(
        {code[:6] for code in monitored.order_by().values_list("village_id", flat=True).distinct()}
    )
    for county in counties:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cadre, created = Cadre.objects.get_or_create(
                name="测试干部",
                region_id=county,
                defaults={"unit": "农业农村局", "phone": "13700000000", "level": CadreLevel.COUNTY},
            )
            if not created:
                continue
            bounds = [county, county.ljust(12, "9")]
            cursor.execute(
                "INSERT INTO assistance_helpplan (household_id, year, drafted_on, note) "
                "SELECT h.id, %s, make_date(%s, 3, 1), '' FROM registry_household h "
                "WHERE h.status = 'monitored' AND h.id %% 5 <> 0 "
                "AND h.village_id BETWEEN %s AND %s",
                [year, year, *bounds],
            )
            cursor.execute(
                "INSERT INTO assistance_measure (plan_id, household_id, category_id, subtype, "
                "is_development, quantity, funding_source, responsible_unit, started_on, "
                "status, evidence, updated_at) "
                "SELECT p.id, p.household_id, c.code, '产业帮扶', p.household_id %% 3 <> 0, '', "
                "'', '农业农村局', make_date(%s, 4, 1), 'in_place', '', now() "
                "FROM assistance_helpplan p JOIN registry_household h ON h.id = p.household_id, "
                "(SELECT code FROM assistance_measurecategory "
                "WHERE is_development ORDER BY code LIMIT 1) c WHERE p.year = %s "
                "AND h.village_id BETWEEN %s AND %s",
                [year, year, *bounds],
            )
            cursor.execute(
                "INSERT INTO assistance_cadreassignment (cadre_id, household_id, started_on, "
                "end_reason, created_at) "
                "SELECT %s, h.id, make_date(%s, 3, 20), '', now() FROM registry_household h "
                "WHERE h.status = 'monitored' AND h.id %% 10 <> 0 "
                "AND h.village_id BETWEEN %s AND %s",
                [cadre.pk, year, *bounds],
            )
            cursor.execute(
                "INSERT INTO assistance_visit (household_id, cadre_id, visited_on, met_person, "
                "employment_change, problems, measures_checked, client_token, recorded_by_id, "
                "recorded_at) "
                "SELECT a.household_id, a.cadre_id, current_date - (a.household_id %% 45)::int, "
                "'户主', '', '', '', 'bench-' || a.household_id, %s, now() "
                "FROM assistance_cadreassignment a WHERE a.cadre_id = %s "
                "AND a.household_id %% 4 <> 0",
                [recorder.pk, cadre.pk],
            )
        print(
            f"assistance records for the monitored households of {county} in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )


def main() -> None:  # noqa: PLR0915 - one measuring script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--households-per-county", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    if not os.environ.get("FUPIN_DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set FUPIN_DATABASE_URL to a PostgreSQL database (it is filled and reused).")
    django_setup()

    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from benchmarks.grow_province import grow_county, households_in  # noqa: PLC0415
    from fupin.accounts.models import RegionAssignment, Role, User  # noqa: PLC0415
    from fupin.accounts.scoping import scope_for  # noqa: PLC0415
    from fupin.assistance.selectors import coverage_counts  # noqa: PLC0415
    from fupin.registry.models import Household, HouseholdStatusEvent, Member  # noqa: PLC0415
    from fupin.registry.synthetic import household_bulk_generate  # noqa: PLC0415
    from fupin.reports.tallies import tally_catch_up, tally_rebuild  # noqa: PLC0415

    print(f"start: {load()}", flush=True)
    call_command("migrate", "--no-input", verbosity=0)
    counties = province_counties(args.counties)
    sizes = {county: households_in(county) for county in counties}
    complete = [county for county in counties if sizes[county] >= args.households_per_county]
    filled = False
    for county in counties:
        have = sizes[county]
        filled = filled or have < args.households_per_county
        if have < args.households_per_county and not have and complete:
            # Copying a county in SQL takes a minute where the generator takes twenty.
            grown = grow_county(
                target=county,
                source=complete[counties.index(county) % len(complete)],
                progress=lambda message: print(message, flush=True),
            )
            print(
                f"grown {county} from {grown.source}: {grown.households:,} households in "
                f"{grown.seconds:.0f} s  {load()}",
                flush=True,
            )
        elif have < args.households_per_county:
            started = time.perf_counter()
            household_bulk_generate(
                county_code=county,
                households=args.households_per_county,
                seed=SEED,
                replace=bool(have),
            )
            print(
                f"generated {county}: {args.households_per_county:,} households in "
                f"{time.perf_counter() - started:.0f} s  {load()}",
                flush=True,
            )
    # The generator leaves the colours empty; the assessment would set them. Spread them
    # by id so the colour figures have something to count.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_householdlevel AS level "
            "(household_id, risk_level, village_code, assessed_at) "
            "SELECT id, (ARRAY['red','orange','blue',''])[1 + id % 4], village_id, now() "
            "FROM registry_household WHERE household_type = 'monitored' "
            "ON CONFLICT (household_id) DO UPDATE SET risk_level = excluded.risk_level "
            "WHERE level.risk_level = ''"
        )
    today = timezone.localdate()
    seed_assistance(today.year)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if filled:
            cursor.execute("ANALYZE")
        else:
            # Only the colours and the assistance records changed: the 30 million yearly
            # records of a grown province need not be sampled again.
            cursor.execute(
                "ANALYZE registry_household, registry_householdlevel, assistance_helpplan, "
                "assistance_measure, assistance_cadreassignment, assistance_visit"
            )
    print(f"ANALYZE in {time.perf_counter() - started:.0f} s", flush=True)
    households = Household.objects.count()
    people = Member.objects.count()
    print(
        f"database: {households:,} households, {people:,} members, "
        f"{len(counties)} counties of 吉林省",
        flush=True,
    )

    started = time.perf_counter()
    tally_rebuild()
    print(
        f"full tally rebuild (nightly safety net): {time.perf_counter() - started:.1f} s  {load()}",
        flush=True,
    )

    def account(username: str, role: Role, region: str) -> Client:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"full_name": username}
        )
        RegionAssignment.objects.get_or_create(user=user, role=role, region_id=region)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client

    county_client = account("bench_county", Role.COUNTY_ADMIN, counties[0])
    province_client = account("bench_province", Role.PROVINCE_ADMIN, "22")
    province_user = User.objects.get(username="bench_province")
    province_scope = scope_for(province_user)
    assert province_scope is not None

    def get(client: Client, url: str) -> Callable[[], object]:
        def request() -> object:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        return request

    def plain_group_by(prefix: str, length: int) -> Callable[[], object]:
        def query() -> object:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT substr(h.village_id, 1, %s), h.household_type, "
                    "h.monitoring_category, coalesce(level.risk_level, ''), count(*) "
                    "FROM registry_household h LEFT JOIN registry_householdlevel level "
                    "ON level.household_id = h.id "
                    "WHERE h.village_id BETWEEN %s AND %s GROUP BY 1, 2, 3, 4",
                    [length, prefix, prefix.ljust(12, "9")],
                )
                return cursor.fetchall()

        return query

    def live_coverage() -> object:
        return coverage_counts(scope=province_scope, user=province_user, today=today)

    runs = args.requests
    county_baseline = timed(plain_group_by(counties[0], 9), runs)
    province_baseline = timed(plain_group_by("22", 4), runs)
    coverage_baseline = timed(live_coverage, runs)
    print(
        f"{'province coverage counted live':<32} p50 "
        f"{statistics.median(coverage_baseline):7.1f} ms  p95 {p95(coverage_baseline):7.1f} ms"
        f"  (the home page's way before ADR 0022)  {load()}",
        flush=True,
    )
    get(county_client, "/")()
    get(province_client, "/")()
    queries("county dashboard (/)", get(county_client, "/"))
    queries("province dashboard (/)", get(province_client, "/"))
    report(
        "county dashboard (/)",
        timed(get(county_client, "/"), runs),
        county_baseline,
        "GROUP BY",
    )
    report(
        "province dashboard (/)",
        timed(get(province_client, "/"), runs),
        province_baseline,
        "GROUP BY",
    )
    main_report = f"/reports/?kind=monitored&year={today.year}"
    get(province_client, main_report)()
    queries("main report, province by city", get(province_client, main_report))
    report(
        "main report, province by city",
        timed(get(province_client, main_report), runs),
        province_baseline,
        "GROUP BY",
    )
    coverage_report = f"/reports/?kind=coverage&year={today.year}"
    get(province_client, coverage_report)()
    report(
        "coverage report, province",
        timed(get(province_client, coverage_report), runs),
        coverage_baseline,
        "live coverage",
    )

    household = Household.objects.filter(
        village__code__startswith=counties[0], household_type="exited"
    ).first()
    if household is not None:
        from fupin.registry.services import household_status_record  # noqa: PLC0415

        clerk = User.objects.get(username="bench_county")
        clerk_scope = scope_for(clerk)
        assert clerk_scope is not None
        household_status_record(
            actor=clerk,
            scope=clerk_scope,
            household=household,
            kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
            occurred_on=today,
            monitoring_category="marginal",
            identified_month=today.strftime("%Y%m"),
            risk_types=["1"],
        )
        started = time.perf_counter()
        result = tally_catch_up()
        print(
            f"incremental catch-up after one household changed: "
            f"{(time.perf_counter() - started) * 1000:.1f} ms (recounted {result.regions})  "
            f"{load()}",
            flush=True,
        )
    # The first page of a new day recounts the coverage of every village (here in-process,
    # as the job does it); moved back one day so that the next catch-up sees a new day.
    from fupin.reports.models import TallyCursor  # noqa: PLC0415

    TallyCursor.objects.update(coverage_counted_on=today - timedelta(days=1))
    started = time.perf_counter()
    tally_catch_up()
    print(
        f"new day's coverage recount (the job after midnight): "
        f"{time.perf_counter() - started:.1f} s  {load()}",
        flush=True,
    )


if __name__ == "__main__":
    main()
