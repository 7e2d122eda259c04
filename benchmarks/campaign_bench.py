"""Measure a 回头看 campaign over a county of 100,000 households on SQLite and PostgreSQL.

Each database is migrated, the regions of 吉林省 are loaded and 100,000 bare households are
placed in the villages of 榆树市 (220182), once. Then: opening a campaign over the whole
county (one visit task per household), the live progress by township and village, the
campaign list's totals, one phone submission with two bad answers, and finishing. Prints
seconds, households per second and the ratio to the goals.

    .venv/bin/python benchmarks/campaign_bench.py \
        [--postgres postgresql://postgres@127.0.0.1:5432/fupin_dev] [--households 100000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "220182"
# A county office waits for the campaign to open; the progress page refreshes every 30 s.
GOAL_OPEN_SECONDS = 10.0
GOAL_PROGRESS_SECONDS = 1.0


def child(households: int) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fupin.accounts.models import RegionAssignment, Role, User
    from fupin.accounts.scoping import scope_for
    from fupin.rectification import selectors, services
    from fupin.rectification.models import CampaignKind, Questionnaire, VisitTask
    from fupin.rectification.questionnaires import MOPAI_2023_CODE
    from fupin.registry import codes
    from fupin.registry.models import Household, Region
    from fupin.registry.services import region_bulk_load

    call_command("migrate", "--no-input", "-v", "0")
    if not Region.objects.filter(code=COUNTY).exists():
        region_bulk_load(actor=None, scope=None, province_code="22")
    villages = list(
        Region.objects.filter(code__startswith=COUNTY, level=5).values_list("code", flat=True)
    )
    have = Household.objects.filter(village__code__startswith=COUNTY).count()
    if have < households:
        started = time.perf_counter()
        Household.objects.bulk_create(
            (
                Household(
                    number=f"BENCH{COUNTY}{index:07d}",
                    village_id=villages[index % len(villages)],
                    primary_cause=codes.PovertyCause.ILLNESS,
                    household_type=codes.HouseholdType.EXITED
                    if index % 3
                    else codes.HouseholdType.MONITORED,
                )
                for index in range(have, households)
            ),
            batch_size=5000,
        )
        print(f"  placed {households - have:,} households in {time.perf_counter() - started:.1f} s")
    user = User.objects.filter(username="campaign_bench").first()
    if user is None:
        user = User.objects.create_user(username="campaign_bench", password="x-Bench-2026-x")
        RegionAssignment.objects.create(user=user, role=Role.COUNTY_ADMIN, region_id=COUNTY)
    village_user = User.objects.filter(username="campaign_bench_village").first()
    if village_user is None:
        village_user = User.objects.create_user(
            username="campaign_bench_village", password="x-Bench-2026-x"
        )
        RegionAssignment.objects.create(
            user=village_user, role=Role.VILLAGE_OFFICER, region_id=villages[0]
        )
    scope = scope_for(user)
    village_scope = scope_for(village_user)
    assert scope is not None and village_scope is not None
    vendor = connection.vendor

    started = time.perf_counter()
    campaign = services.campaign_open(
        actor=user,
        scope=scope,
        name="基准测试回头看",
        kind=CampaignKind.REVIEW,
        region_code=COUNTY,
        region_codes=[],
        household_types=[],
        questionnaire_id=Questionnaire.objects.get(code=MOPAI_2023_CODE).pk,
        due_on=timezone.localdate() + timedelta(days=30),
    )
    opened = time.perf_counter() - started
    print(
        f"{vendor:<10} open campaign   {opened:7.2f} s  {campaign.task_count:>8,} visits  "
        f"{campaign.task_count / opened:10,.0f} households/s  goal ratio {opened / GOAL_OPEN_SECONDS:.2f}"
    )
    started = time.perf_counter()
    progress = selectors.campaign_progress(scope=scope, campaign=campaign)
    seconds = time.perf_counter() - started
    print(
        f"{vendor:<10} county progress {seconds:7.3f} s  {len(progress.townships)} townships, "
        f"{len(progress.villages)} villages  goal ratio {seconds / GOAL_PROGRESS_SECONDS:.2f}"
    )
    started = time.perf_counter()
    selectors.campaign_totals(scope=scope, campaigns=[campaign])
    seconds = time.perf_counter() - started
    print(f"{vendor:<10} list totals     {seconds:7.3f} s")
    started = time.perf_counter()
    progress = selectors.campaign_progress(scope=village_scope, campaign=campaign)
    seconds = time.perf_counter() - started
    print(f"{vendor:<10} village progress {seconds:6.3f} s  {progress.total.total} visits")
    visit = VisitTask.objects.filter(campaign=campaign, village_id=villages[0]).first()
    assert visit is not None
    answers = {
        "housing_unsafe": "yes",
        "school_dropout": "no",
        "water_unsafe": "yes",
        "medical_uninsured": "no",
        "main_risk": "无明显风险",
        "measures_in_place": "yes",
    }
    started = time.perf_counter()
    result = services.visit_record(
        actor=village_user, scope=village_scope, visit_id=visit.pk, answers=answers
    )
    seconds = time.perf_counter() - started
    print(
        f"{vendor:<10} phone submit    {seconds:7.3f} s  {len(result.problem_numbers)} problems raised"
    )
    started = time.perf_counter()
    services.campaign_finish(actor=user, scope=scope, campaign_id=campaign.pk)
    print(f"{vendor:<10} finish          {time.perf_counter() - started:7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--child", action="store_true")
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.households)
        return
    with tempfile.TemporaryDirectory() as folder:
        targets = [f"sqlite:///{Path(folder) / 'bench.sqlite3'}"]
        if arguments.postgres:
            targets.append(arguments.postgres)
        for url in targets:
            env = {**os.environ, "FUPIN_DEMO": "1", "FUPIN_DATABASE_URL": url}
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--households",
                    str(arguments.households),
                ],
                cwd=ROOT,
                env=env,
                check=True,
            )


if __name__ == "__main__":
    main()
