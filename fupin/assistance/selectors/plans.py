"""Reads of one household's assistance: who helps it, its plan with the gaps, measures,
risks, visits and monthly income."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch
from django.utils import timezone

from fupin.assistance.models import (
    AssistanceSetting,
    CadreAssignment,
    HelpPlan,
    Measure,
    MeasureCategory,
    MeasureStatus,
    MonthlyIncome,
    RiskRecord,
    Visit,
    VisitPhoto,
)
from fupin.assistance.selectors import access as access_selectors
from fupin.assistance.selectors import rules as rule_selectors
from fupin.core.scope import RegionScope
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.registry.selectors import household_risk_level

WORKING_SKILLS = (codes.LaborSkill.ORDINARY, codes.LaborSkill.SKILLED, codes.LaborSkill.WEAK)
# A stopped measure helps nobody; planned, in place and finished ones answer a need.
ANSWERING_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PLACE, MeasureStatus.FINISHED)


@dataclass(frozen=True)
class PlanGaps:
    """What a plan still lacks under the region's rules; empty lists and zeros mean none."""

    uncovered_risks: list[RiskRecord] = field(default_factory=list)
    able_members_without_development: list[Member] = field(default_factory=list)
    missing_measures: int = 0
    missing_development_measures: int = 0

    @property
    def is_complete(self) -> bool:
        return not (
            self.uncovered_risks
            or self.able_members_without_development
            or self.missing_measures
            or self.missing_development_measures
        )


def plan_gaps(
    *,
    setting: AssistanceSetting,
    measures: list[Measure],
    open_risks: list[RiskRecord],
    members: list[Member],
) -> PlanGaps:
    """Gaps of a plan: open risks no answering measure of a covering category addresses,
    members able to work without a 开发式 measure of their own, and the shortfall against
    the minimum number of measures (and of 开发式 measures when someone can work)."""
    answering = [measure for measure in measures if measure.status in ANSWERING_STATUSES]
    categories = {measure.category_id for measure in answering}
    coverage: dict[str, list[str]] = setting.risk_coverage
    uncovered = [
        risk for risk in open_risks if not categories & set(coverage.get(risk.risk_type, []))
    ]
    developed = {
        measure.member_id
        for measure in answering
        if measure.is_development and measure.member_id is not None
    }
    able = [
        member for member in members if member.is_active and member.labor_skill in WORKING_SKILLS
    ]
    development_count = sum(1 for measure in answering if measure.is_development)
    return PlanGaps(
        uncovered_risks=uncovered,
        able_members_without_development=[m for m in able if m.pk not in developed],
        missing_measures=max(0, setting.min_measures_per_household - len(answering)),
        missing_development_measures=(
            max(0, setting.min_development_measures - development_count) if able else 0
        ),
    )


@dataclass(frozen=True)
class HouseholdAssistance:
    household: Household
    access: access_selectors.Access
    current: CadreAssignment | None
    history: list[CadreAssignment]
    year: int
    plan: HelpPlan | None
    measures: list[Measure]
    risks: list[RiskRecord]
    open_risks: list[RiskRecord]
    gaps: PlanGaps
    visits: list[Visit]
    incomes: list[MonthlyIncome]
    members: list[Member]
    next_visit_due: date | None


def household_assistance(
    *, scope: RegionScope, user: AbstractBaseUser, household: Household, year: int | None = None
) -> HouseholdAssistance:
    """Everything the household page shows about assistance, for a user who may see it
    (raises NotFoundError otherwise)."""
    access = access_selectors.require_access(
        scope=scope, user=user, household=household, needed=access_selectors.Access.READ
    )
    today = timezone.localdate()
    year = year or today.year
    setting = rule_selectors.setting_for(household.village_id)
    assignments = list(CadreAssignment.objects.filter(household=household).select_related("cadre"))
    current = next((row for row in assignments if row.ended_on is None), None)
    plan = HelpPlan.objects.filter(household=household, year=year).first()
    measures = (
        list(
            Measure.objects.filter(plan=plan)
            .select_related("category", "member")
            .order_by("started_on", "id")
        )
        if plan is not None
        else []
    )
    risks = list(RiskRecord.objects.filter(household=household))
    open_risks = [risk for risk in risks if risk.resolved_on is None]
    members = list(Member.objects.filter(household=household, is_active=True).order_by("id"))
    visits = list(
        Visit.objects.filter(household=household)
        .select_related("cadre")
        # The count and the links need no photo bytes, which run to megabytes each.
        .prefetch_related(Prefetch("photos", queryset=VisitPhoto.objects.defer("content")))[:12]
    )
    interval = rule_selectors.visit_interval_days(
        setting, household_risk_level(household_id=household.pk)
    )
    next_due = visits[0].visited_on + timedelta(days=interval) if visits else None
    return HouseholdAssistance(
        household=household,
        access=access,
        current=current,
        history=[row for row in assignments if row.ended_on is not None],
        year=year,
        plan=plan,
        measures=measures,
        risks=risks,
        open_risks=open_risks,
        gaps=plan_gaps(setting=setting, measures=measures, open_risks=open_risks, members=members),
        visits=visits,
        incomes=list(MonthlyIncome.objects.filter(household=household)[:12]),
        members=members,
        next_visit_due=next_due,
    )


def measure_categories() -> list[MeasureCategory]:
    return list(MeasureCategory.objects.all())


# 到户产业奖补 is an 产业帮扶 measure (DOMAIN §7, "产业奖补 → 产业").
INDUSTRY_CATEGORY = "100A39"


def industry_measures_of_year(*, household: Household, year: int) -> list[Measure]:
    """The 产业帮扶 measures of the household's plan for `year` that answer a need (not
    stopped), oldest first: what a paid 到户产业奖补 may already be recorded as."""
    return list(
        Measure.objects.filter(
            household=household,
            plan__year=year,
            category_id=INDUSTRY_CATEGORY,
            status__in=ANSWERING_STATUSES,
        ).order_by("id")
    )
