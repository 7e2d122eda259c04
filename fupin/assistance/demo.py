"""Demo assistance for the demo county: cadres and village work teams, a responsible cadre,
a plan and measures for every monitored household, a year of visits with monthly income
(some visits overdue, a few households still waiting for a cadre). Plans, measures and
assignments go through the services as the county would enter them; the past year's visits
and incomes are history, written in bulk (used by `setup_demo`)."""

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.assistance import selectors, services
from fupin.assistance.models import (
    Cadre,
    CadreAssignment,
    CadreLevel,
    MeasureStatus,
    MonthlyIncome,
    RiskRecord,
    TeamPost,
    Visit,
)
from fupin.assistance.selectors.plans import WORKING_SKILLS
from fupin.assistance.synthetic import FILLER_MEASURE, SECURITY_MEASURES
from fupin.core.scope import RegionScope
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent, HouseholdYear

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ["建华", "海燕", "志强", "秀梅", "国庆", "晓东", "春雨", "立新", "玉兰", "德胜"]
_UNITS = [
    ("农安县农业农村局", "科员", CadreLevel.COUNTY),
    ("农安县人力资源和社会保障局", "副科长", CadreLevel.COUNTY),
    ("农安县教育局", "干事", CadreLevel.COUNTY),
    ("乡镇人民政府", "副镇长", CadreLevel.TOWN),
    ("吉林省财政厅", "四级调研员", CadreLevel.PROVINCE),
]
# (category, sub-type, responsible unit, amount): a realistic mix of 开发式 help for
# members able to work …
_DEVELOPMENT = [
    ("100A39", "庭院经济（肉牛养殖）奖补", "县农业农村局", Decimal(3000)),
    ("100A40", "县内企业稳定就业", "县人社局", None),
    ("100A42", "村级公益岗位（保洁员）", "乡镇人民政府", Decimal(6000)),
    ("100A40", "外出务工交通补贴", "县人社局", Decimal(500)),
    ("100A41", "脱贫人口小额信贷", "县农商银行", Decimal(50000)),
]
# … and a 保障式 measure for each risk, by the first category that addresses it
# (SECURITY_MEASURES, shared with the synthetic generator).
# Every seventh household's visits stop 40 to 70 days ago: their next visit is overdue.
OVERDUE_EVERY = 7
# The last few households of the county wait for a cadre (the 待办 shows their deadline).
WITHOUT_CADRE = 3
HOUSEHOLDS_PER_CADRE = 5


@dataclass(frozen=True)
class DemoAssistance:
    cadres: int
    households: int
    measures: int
    visits: int


def _identified_on(household: Household) -> date | None:
    return (
        HouseholdStatusEvent.objects.filter(
            household=household, kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
        )
        .order_by("-occurred_on")
        .values_list("occurred_on", flat=True)
        .first()
    )


def _cadre(
    actor: User, scope: RegionScope, rng: random.Random, village: str, user: User | None
) -> Cadre:
    unit, post, level = rng.choice(_UNITS)
    return services.cadre_create(
        actor=actor,
        scope=scope,
        name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
        unit=unit,
        post=post,
        phone=f"139{rng.randrange(10**8):08d}",
        level=level,
        region_code=village,
        user=user,
    )


def _work_team(actor: User, scope: RegionScope, rng: random.Random, village: str) -> None:
    started = date(2024, 6, 1)
    for post in (TeamPost.FIRST_SECRETARY, TeamPost.MEMBER):
        services.work_team_member_add(
            actor=actor,
            scope=scope,
            village_code=village,
            name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            unit=rng.choice(_UNITS)[0],
            post=post,
            phone=f"137{rng.randrange(10**8):08d}",
            started_on=started,
        )


def _measures(
    actor: User,
    scope: RegionScope,
    rng: random.Random,
    household: Household,
    *,
    year: int,
    start: date,
) -> int:
    """One 开发式 measure for each member able to work and one 保障式 for each open
    risk, all in place since `start` (which may lie before the plan's year)."""
    added = 0
    able = household.members.filter(is_active=True, labor_skill__in=WORKING_SKILLS).order_by("id")
    for member in able:
        category, subtype, unit, amount = rng.choice(_DEVELOPMENT)
        services.measure_add(
            actor=actor,
            scope=scope,
            household=household,
            year=year,
            member=member,
            category_code=category,
            subtype=subtype,
            responsible_unit=unit,
            funding_source="衔接推进乡村振兴补助资金",
            amount=amount,
            started_on=start,
            status=MeasureStatus.IN_PLACE,
            evidence="帮扶手册登记",
        )
        added += 1
    setting = selectors.setting_for(household.village_id)
    used: set[str] = set()
    for risk in RiskRecord.objects.filter(household=household, resolved_on__isnull=True):
        options = [
            c for c in setting.risk_coverage.get(risk.risk_type, []) if c in SECURITY_MEASURES
        ]
        security = next((c for c in options if c not in used), None)
        if security is None:
            continue
        used.add(security)
        subtype, unit = SECURITY_MEASURES[security]
        services.measure_add(
            actor=actor,
            scope=scope,
            household=household,
            year=year,
            category_code=security,
            subtype=subtype,
            responsible_unit=unit,
            started_on=start,
            status=MeasureStatus.IN_PLACE,
        )
        added += 1
    if added < setting.min_measures_per_household:
        services.measure_add(
            actor=actor,
            scope=scope,
            household=household,
            year=year,
            category_code=FILLER_MEASURE[0],
            subtype=FILLER_MEASURE[1],
            responsible_unit=FILLER_MEASURE[2],
            started_on=start,
            status=MeasureStatus.IN_PLACE,
        )
        added += 1
    return added


def _visit_history(
    rng: random.Random,
    household: Household,
    cadre: Cadre,
    recorder: User,
    start: date,
    today: date,
    *,
    overdue: bool,
) -> int:
    """Monthly visits from `start` (at most a year and a half back) with that month's
    income, written in bulk as history."""
    latest = (
        HouseholdYear.objects.filter(household=household)
        .order_by("-year")
        .values_list("per_capita_net_income", "member_count")
        .first()
    )
    per_capita, size = latest if latest else (Decimal(6000), 1)
    monthly = Decimal(per_capita or 0) * size / 12
    last_day = today - timedelta(days=rng.randrange(40, 70) if overdue else rng.randrange(0, 20))
    head = household.members.filter(relation="01").values_list("name", flat=True).first() or ""
    visits = []
    day = max(start, today - timedelta(days=540)).replace(day=10)
    while day <= last_day:
        amount = (monthly * Decimal(rng.uniform(0.9, 1.15))).quantize(Decimal("0.01"))
        visits.append(
            Visit(
                household=household,
                cadre=cadre,
                visited_on=day,
                met_person=head,
                household_income=amount,
                measures_checked="措施已落实",
                client_token=uuid.uuid4().hex,
                recorded_by=recorder,
            )
        )
        day = (day + timedelta(days=31)).replace(day=10)
    Visit.objects.bulk_create(visits)
    MonthlyIncome.objects.bulk_create(
        MonthlyIncome(
            household=household,
            month=visit.visited_on.replace(day=1),
            amount=visit.household_income or Decimal(0),
            visit=visit,
        )
        for visit in Visit.objects.filter(household=household)
    )
    return len(visits)


def _next_cadre(
    actor: User,
    scope: RegionScope,
    rng: random.Random,
    village: str,
    current: dict[str, tuple[Cadre, int]],
    linked_to: dict[str, User],
) -> Cadre:
    """The village's cadre with room for one more household, or a new one (the first of a
    village comes with the village's work team)."""
    cadre, load = current.get(village, (None, HOUSEHOLDS_PER_CADRE))
    if cadre is None or load >= HOUSEHOLDS_PER_CADRE:
        if cadre is None:
            _work_team(actor, scope, rng, village)
        cadre, load = _cadre(actor, scope, rng, village, linked_to.pop(village, None)), 0
    current[village] = (cadre, load + 1)
    return cadre


def demo_assistance_create(
    *, county_code: str, county_user: str, cadre_user: str, today: date, seed: int = 2026
) -> DemoAssistance | None:
    """Create the demo assistance once (None when the county already has cadres)."""
    if Cadre.objects.filter(region__code__startswith=county_code).exists():
        return None
    actor = User.objects.get(username=county_user)
    scope = scope_for(actor)
    assert scope is not None
    cadre_account = User.objects.get(username=cadre_user)
    cadre_scope = scope_for(cadre_account)
    assert cadre_scope is not None
    # Demo data only: a seeded generator makes the demo the same on every machine.
    rng = random.Random(seed)  # noqa: S311
    households = list(
        Household.objects.filter(
            village__code__startswith=county_code, status=HouseholdStatus.MONITORED
        ).order_by("village_id", "number")
    )
    # The cadre's own account helps the households of the village it is assigned to.
    households.sort(key=lambda row: (row.village_id != cadre_scope.prefix, row.village_id))
    measures = visits = 0
    current: dict[str, tuple[Cadre, int]] = {}
    # The demo cadre account is linked to the first cadre of its own village.
    linked_to = {cadre_scope.prefix: cadre_account}
    with transaction.atomic():
        for index, household in enumerate(households):
            identified = _identified_on(household) or today - timedelta(days=400)
            start = min(max(identified + timedelta(days=3), today - timedelta(days=400)), today)
            if index < len(households) - WITHOUT_CADRE:
                cadre = _next_cadre(actor, scope, rng, household.village_id, current, linked_to)
                services.cadre_assign(
                    actor=actor, scope=scope, cadre=cadre, households=[household], started_on=start
                )
                visits += _visit_history(
                    rng,
                    household,
                    cadre,
                    cadre.user or actor,
                    start,
                    today,
                    overdue=index % OVERDUE_EVERY == OVERDUE_EVERY - 1,
                )
            services.plan_draft(actor=actor, scope=scope, household=household, year=today.year)
            measures += _measures(actor, scope, rng, household, year=today.year, start=start)
    return DemoAssistance(
        cadres=Cadre.objects.filter(region__code__startswith=county_code).count(),
        households=CadreAssignment.objects.filter(ended_on__isnull=True).count(),
        measures=measures,
        visits=visits,
    )
