"""Measure region assessment runs on PostgreSQL: the phases (facts, evaluate, persist) and
totals of a first run, of a second run after 1 % of the households changed, and of a
plain baseline in the same run, plus a what-if simulation before and after its facts are
kept (ADR 0016).

    .venv/bin/python benchmarks/assessment_bench.py --postgres URL \\
        --database fupin_assess_1m --template fupin_bench_1m --sizes 220421:100000 22:1000000

`--postgres` names the server (any database on it; default FUPIN_TEST_POSTGRES). The
measured database is `--database`: created from `--template` when given and missing (a
copy of a generated database, e.g. the load test's ten counties of 吉林省), else generated
here (`--generate N` households in county 220421), and migrated with this checkout. It is
kept for the next run with `--keep`, else dropped at the end (a database that existed
before is never dropped). `--sizes` lists
REGION:EXPECTED pairs, each measured in turn after the assessment tables are emptied and
the households' levels cleared (so each first run starts from nothing).

Printed per size: households, phase seconds and total of the first run, of the second run
after 1 % of the households' incomes changed (marked as the registry's services mark
them), the baseline (one `UPDATE … FROM` setting every household's level from a `CASE`
over its income in SQL, rolled back), the ratios, and a what-if (monitoring line +10 %)
with its facts read from the registry (snapshots deleted first), then kept (as another
worker process finds them: a fresh process of this machine mapping the facts' file and
finding both sides' results saved beside it), another question in a fresh process (a
second parameter changed: only that side evaluated), the same what-if again in the same
process, another question in the same process, and as another machine finds them (decoded
from the database, both sides evaluated). Goals
(issue #21): first run ≤ 30 s for 1,000,000 households, second run ≤ 5 s, second
simulation ≤ 1 s. The load average is printed with every figure: the machine may be shared.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PROTECTED_DATABASES = {"fupin_bench_1m", "fupin_load", "postgres"}
GENERATED_COUNTY = "220421"
CHANGED_SHARE = 0.01
FIRST_RUN_GOAL = 30.0
SECOND_RUN_GOAL = 5.0
SIMULATION_GOAL = 1.0


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def manage(database_url: str, *args: str) -> str:
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


def prepare_database(args: argparse.Namespace) -> tuple[str, bool]:
    """Create (from the template, or generated) when missing, migrate; return the database
    URL and whether it was created here."""
    name = args.database
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in PROTECTED_DATABASES:
        sys.exit(f"refusing to measure on database {name!r}: pass a copy of your own")
    server = args.postgres
    exists = subprocess.run(
        ["psql", server, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    if not exists:
        started = time.perf_counter()
        if args.template:
            create = f"CREATE DATABASE {name} TEMPLATE {args.template}"
            for _attempt in range(30):
                done = subprocess.run(["psql", server, "-qc", create], check=False)
                if done.returncode == 0:
                    break
                time.sleep(10)  # the template is in use; try again
            else:
                sys.exit(f"could not copy {args.template}")
            print(f"setup: copied {args.template} in {time.perf_counter() - started:.0f} s")
        else:
            subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name}"], check=True)
    manage(url, "migrate", "--no-input", "-v", "0")
    if not exists and not args.template:
        manage(
            url, "generate_county", "--county", GENERATED_COUNTY, "--households",
            str(args.generate), "--seed", "7", "--no-progress",
        )  # fmt: skip
        print(f"setup: generated {args.generate:,} households")
    return url, not exists


def measure(url: str, sizes: list[tuple[str, int]], year: int) -> None:
    os.environ["FUPIN_DEMO"] = "1"
    os.environ["FUPIN_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415 - configured for the measured database above

    django.setup()
    from fupin.assessment.synthetic import synthetic_parameters_set  # noqa: PLC0415

    for region, _expected in sizes:
        # Generated counties have no 监测范围 seeded: store the generator's assumptions.
        synthetic_parameters_set(region_code=region)
    for region, expected in sizes:
        print(f"\n== region {region} (about {expected:,} households), year {year} ==")
        _reset()
        first = _run(region, year, "first run")
        changed = _change_some(region, year)
        print(f"changed: {changed:,} households' wage income ({CHANGED_SHARE:.0%}), marked")
        second = _run(region, year, "1 % changed")
        baseline = _baseline(region, year)
        print(
            f"baseline UPDATE … FROM (levels by CASE in SQL): {baseline:7.2f} s   {load()}\n"
            f"ratio first run / baseline {first / baseline:.2f}, "
            f"1 % run / baseline {second / baseline:.2f}; "
            f"goals: first ≤ {FIRST_RUN_GOAL:.0f} s at 1,000,000 "
            f"(ratio {first / FIRST_RUN_GOAL * 1_000_000 / max(expected, 1):.2f} scaled), "
            f"1 % run ≤ {SECOND_RUN_GOAL:.0f} s at 1,000,000 "
            f"(ratio {second / SECOND_RUN_GOAL * 1_000_000 / max(expected, 1):.2f} scaled)"
        )
        _simulate(region, year)


def _reset() -> None:
    from django.db import connection, transaction  # noqa: PLC0415

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE assessment_currentoutcome, assessment_factssnapshot, "
            "assessment_assessmentoutcome, registry_stalehousehold, registry_householdlevel"
        )
        cursor.execute("DELETE FROM assessment_assessmentrun")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_household, registry_householdlevel")
    print(f"setup: assessment tables emptied in {time.perf_counter() - started:.0f} s")


def _run(region: str, year: int, label: str) -> float:
    from fupin.assessment.services import assessment_run  # noqa: PLC0415

    phases: dict[str, float] = {}
    started = time.perf_counter()
    run = assessment_run(actor=None, scope=None, region_code=region, year=year, phases=phases)
    total = time.perf_counter() - started
    from fupin.audit.models import AuditEvent  # noqa: PLC0415

    event = AuditEvent.objects.filter(action="assessment.assessment_run", subject_id=str(run.pk))
    levels = event.values_list("changes", flat=True).first() or {}
    steps = ", ".join(
        f"{name.removeprefix('persist.')} {seconds:.2f}"
        for name, seconds in phases.items()
        if name.startswith("persist.")
    )
    print(
        f"{label:<12} {run.households:>9,} households  facts {phases['facts']:6.2f} s  "
        f"evaluate {phases['evaluate']:5.2f} s  persist {phases['persist']:6.2f} s ({steps})  "
        f"total {total:6.2f} s  ({run.households / total:,.0f}/s)  "
        f"compared {levels.get('households_compared', run.households):,}, "
        f"outcomes written {run.outcomes_written:,}, levels changed "
        f"{levels.get('levels_changed', 0):,}   {load()}"
    )
    return total


def _change_some(region: str, year: int) -> int:
    """Lower the wage income of every hundredth household of the region (by id) and mark
    it, as the registry's services do; returns how many."""
    from django.db import connection, transaction  # noqa: PLC0415

    from fupin.registry.services import household_stale_mark  # noqa: PLC0415

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_householdyear AS y SET wage_income = y.wage_income * 0.4 "
            "FROM registry_household AS h WHERE h.id = y.household_id AND y.year = %s "
            "AND h.village_id LIKE %s AND h.id %% %s = 0 RETURNING y.household_id",
            [year, f"{region}%", round(1 / CHANGED_SHARE)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        household_stale_mark(household_ids=ids)
    return len(ids)


def _baseline(region: str, year: int) -> float:
    """Set every household's level in one UPDATE … FROM, the levels computed in SQL from
    the income against the monitoring line, and roll it back. The levels live in their own
    table since ADR 0029, whose rows the two runs before have written, so this updates
    those rows (before, it updated the household table and was several times slower)."""
    from django.db import connection, transaction  # noqa: PLC0415

    from fupin.assessment.selectors import policy_parameters  # noqa: PLC0415

    line = float(policy_parameters(region_code=region, year=year).get("monitoring_line", 7000))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE registry_householdlevel AS h SET
                risk_level = b.level, is_monitoring_eligible = b.eligible, assessed_at = now()
            FROM (
                SELECT y.household_id,
                    CASE WHEN y.per_capita_net_income < %(line)s * 0.5 THEN 'red'
                         WHEN y.per_capita_net_income < %(line)s THEN 'orange'
                         WHEN y.per_capita_net_income < %(line)s * 1.5 THEN 'blue'
                         ELSE '' END AS level,
                    y.per_capita_net_income < %(line)s AS eligible
                FROM registry_householdyear AS y
                JOIN registry_household AS inner_h ON inner_h.id = y.household_id
                WHERE y.year = %(year)s AND inner_h.village_id LIKE %(region)s
            ) AS b
            WHERE h.household_id = b.household_id
            """,
            {"line": line, "year": year, "region": f"{region}%"},
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def _what_if(region: str, year: int, overrides: dict[str, float]) -> int:
    """One what-if as the simulation page asks it: the region's marks read once, both
    sides evaluated (each found already evaluated where it was), compared by county;
    returns how many counties."""
    from fupin.assessment.rules import definition, simulation  # noqa: PLC0415
    from fupin.assessment.selectors import rule_set_get, stale_versions  # noqa: PLC0415
    from fupin.assessment.services import assessment_evaluate  # noqa: PLC0415

    rule_set = definition.from_dict(rule_set_get(code="national-baseline").definition)
    marks = stale_versions(region_code=region)
    facts, before, _used = assessment_evaluate(
        rule_set=rule_set, region_code=region, year=year, marks=marks, simulated=True
    )
    _facts, after, _used = assessment_evaluate(
        rule_set=rule_set,
        region_code=region,
        year=year,
        overrides=overrides,
        marks=marks,
        simulated=True,
    )
    return simulation.compare(before, after, facts, group_by=["county"]).height


def _what_if_elsewhere(region: str, year: int, overrides: dict[str, float]) -> float:
    """The what-if in a fresh process of this machine (nothing decoded or evaluated in
    it: it finds what the others left in the database and the machine's files), timed
    inside it once Django is set up and connected, as a worker that serves pages."""
    done = subprocess.run(
        [sys.executable, __file__, "--what-if", region, str(year), json.dumps(overrides)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _what_if_here(region: str, year: int, overrides: dict[str, float]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415 - configured by the parent's environment

    django.setup()
    from django.db import connection  # noqa: PLC0415

    # As a worker that has served a page: the code imported and connected, no data kept.
    import fupin.assessment.rules.simulation  # noqa: PLC0415
    import fupin.assessment.services  # noqa: PLC0415, F401

    connection.ensure_connection()
    started = time.perf_counter()
    _what_if(region, year, overrides)
    print(f"{time.perf_counter() - started:.4f}")
    from fupin.assessment.services import facts_snapshot  # noqa: PLC0415

    # Not timed: the answer is out; the process ends once its evaluation is on disk.
    facts_snapshot.results_written()


def _simulate(region: str, year: int) -> None:
    from fupin.assessment.models import FactsSnapshot  # noqa: PLC0415
    from fupin.assessment.selectors import policy_parameters  # noqa: PLC0415
    from fupin.assessment.services import facts_snapshot  # noqa: PLC0415
    from fupin.assessment.services import runs as run_services  # noqa: PLC0415

    line = float(policy_parameters(region_code=region, year=year).get("monitoring_line", 7000))
    figures: list[tuple[str, float]] = []
    FactsSnapshot.objects.all().delete()
    facts_snapshot.local_files_remove()
    changed_line = {"monitoring_line": round(line * 1.1, 2)}
    # Other questions on the same facts: only their new side is evaluated.
    elsewhere_question = {**changed_line, "rigid_expenditure_threshold": 15000}
    here_question = {**changed_line, "rigid_expenditure_threshold": 12000}

    def forget_in_process() -> None:
        facts_snapshot._DECODED.clear()
        facts_snapshot._WITHOUT_MARKS.clear()
        run_services._EVALUATED.clear()

    def here(label: str, overrides: dict[str, float]) -> None:
        started = time.perf_counter()
        _what_if(region, year, overrides)
        figures.append((label, time.perf_counter() - started))

    forget_in_process()
    here("first (facts read)", changed_line)
    # The user reads the answer before asking again: the sides are on disk by then.
    facts_snapshot.results_written()
    figures.append(("second (other process)", _what_if_elsewhere(region, year, changed_line)))
    figures.append(
        ("another (other process)", _what_if_elsewhere(region, year, elsewhere_question))
    )
    here("same again (same process)", changed_line)
    here("another (same process)", here_question)
    # As another machine finds it: the frames decoded from the database, nothing evaluated.
    forget_in_process()
    facts_snapshot.local_files_remove()
    here("other machine", changed_line)
    for label, seconds in figures:
        print(
            f"what-if {label:<26} {seconds:6.2f} s   goal {SIMULATION_GOAL:.0f} s (second), "
            f"ratio {seconds / SIMULATION_GOAL:.2f}   {load()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=os.environ.get("FUPIN_TEST_POSTGRES"))
    parser.add_argument("--database", default="fupin_assessment_bench")
    parser.add_argument("--template", default="", help="copy this database when missing")
    parser.add_argument("--generate", type=int, default=100_000, help="households if generated")
    parser.add_argument("--sizes", nargs="+", default=[f"{GENERATED_COUNTY}:100000"])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the database for next time")
    parser.add_argument(
        "--what-if", nargs=3, metavar=("REGION", "YEAR", "OVERRIDES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.what_if:
        # The bench's "other process": FUPIN_DATABASE_URL comes from the parent.
        region, year, overrides = args.what_if
        _what_if_here(region, int(year), json.loads(overrides))
        return
    if not args.postgres:
        sys.exit("Pass --postgres URL or set FUPIN_TEST_POSTGRES.")
    sizes = [(pair.split(":")[0], int(pair.split(":")[1])) for pair in args.sizes]
    url, created = prepare_database(args)
    try:
        measure(url, sizes, args.year)
    finally:
        if created and not args.keep:
            subprocess.run(
                [
                    "psql",
                    args.postgres,
                    "-qc",
                    f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)",
                ],
                check=True,
            )


if __name__ == "__main__":
    main()
