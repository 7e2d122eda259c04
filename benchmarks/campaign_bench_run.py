"""The measuring half of benchmarks/campaign_bench.py, run inside `manage.py shell` against
the database the driver names."""

import secrets
import time
from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from fupin.accounts.models import RegionAssignment, Role, User
from fupin.accounts.scoping import scope_for
from fupin.core.scope import RegionScope
from fupin.rectification import selectors, services
from fupin.rectification.models import Campaign, CampaignKind, Questionnaire, VisitTask
from fupin.rectification.questionnaires import MOPAI_2023_CODE
from fupin.registry import codes
from fupin.registry.models import Household, Region
from fupin.registry.services import region_bulk_load

COUNTY = "220182"
# A county office waits for the campaign to open; the progress page refreshes every 30 s.
GOAL_OPEN_SECONDS = 10.0
GOAL_PROGRESS_SECONDS = 1.0
BAD_ANSWERS = {
    "housing_unsafe": "yes",
    "school_dropout": "no",
    "water_unsafe": "yes",
    "medical_uninsured": "no",
    "main_risk": "无明显风险",
    "measures_in_place": "yes",
}


def _prepare(households: int) -> list[str]:
    """Regions and bare households, once; returns the county's village codes."""
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
        seconds = time.perf_counter() - started
        print(f"  placed {households - have:,} households in {seconds:.1f} s (setup)")
    return villages


def _user(username: str, role: Role, region: str) -> tuple[User, RegionScope]:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=secrets.token_urlsafe(16))
        RegionAssignment.objects.create(user=user, role=role, region_id=region)
    scope = scope_for(user)
    assert scope is not None
    return user, scope


def _open(user: User, scope: RegionScope, vendor: str) -> Campaign:
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
    seconds = time.perf_counter() - started
    print(
        f"{vendor:<10} open campaign     {seconds:7.2f} s  {campaign.task_count:>8,} visits  "
        f"{campaign.task_count / seconds:8,.0f} households/s  "
        f"goal ratio {seconds / GOAL_OPEN_SECONDS:.2f}"
    )
    return campaign


def measure(households: int) -> None:
    villages = _prepare(households)
    vendor = connection.vendor
    user, scope = _user("campaign_bench", Role.COUNTY_ADMIN, COUNTY)
    village_user, village_scope = _user("campaign_bench_village", Role.VILLAGE_OFFICER, villages[0])
    campaign = _open(user, scope, vendor)
    started = time.perf_counter()
    progress = selectors.campaign_progress(scope=scope, campaign=campaign)
    seconds = time.perf_counter() - started
    print(
        f"{vendor:<10} county progress  {seconds:7.3f} s  {len(progress.townships)} townships, "
        f"{len(progress.villages)} villages  goal ratio {seconds / GOAL_PROGRESS_SECONDS:.2f}"
    )
    started = time.perf_counter()
    selectors.campaign_totals(scope=scope, campaigns=[campaign])
    print(f"{vendor:<10} list totals      {time.perf_counter() - started:7.3f} s")
    started = time.perf_counter()
    progress = selectors.campaign_progress(scope=village_scope, campaign=campaign)
    seconds = time.perf_counter() - started
    print(f"{vendor:<10} village progress {seconds:7.3f} s  {progress.total.total} visits")
    visit = VisitTask.objects.filter(campaign=campaign, village_id=villages[0]).first()
    assert visit is not None
    started = time.perf_counter()
    result = services.visit_record(
        actor=village_user, scope=village_scope, visit_id=visit.pk, answers=BAD_ANSWERS
    )
    seconds = time.perf_counter() - started
    print(
        f"{vendor:<10} phone submit     {seconds:7.3f} s  "
        f"{len(result.problem_numbers)} problems raised"
    )
    started = time.perf_counter()
    services.campaign_finish(actor=user, scope=scope, campaign_id=campaign.pk)
    print(f"{vendor:<10} finish           {time.perf_counter() - started:7.3f} s")
