"""The county exit survey (三率一度): its sample and the rates it gives."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import RegionScope
from fupin.registry.codes import HouseholdType
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.reports.exit_rates import Population, SurveyCounts, ThreeRates, Thresholds, three_rates
from fupin.reports.models import CountyExitStandard, ExitSurvey, ExitSurveyEntry, VillageExitRecord
from fupin.reports.selectors.dashboard import tally_filter
from fupin.reports.selectors.standard import statuses_as_of


def exit_thresholds(region_code: str, year: int) -> Thresholds:
    """The most specific configured limits for the county in `year`."""
    rows = [
        row
        for row in CountyExitStandard.objects.filter(first_year__lte=year)
        if region_code.startswith(row.region_code)
    ]
    if not rows:
        raise ApplicationError(_("尚未配置县退出标准（三率一度）。"))
    row = max(rows, key=lambda item: (len(item.region_code), item.first_year))

    def share(percent: Decimal) -> Fraction:
        return Fraction(percent) / 100

    return Thresholds(
        poverty_rate_max=share(row.poverty_rate_max),
        wrong_exit_max=share(row.wrong_exit_max),
        missed_max=share(row.missed_max),
        approval_min=share(row.approval_min),
    )


def exit_survey_get(*, scope: RegionScope, survey_id: int) -> ExitSurvey:
    survey = (
        scope.filter(ExitSurvey.objects.all(), region_field="county_code")
        .filter(pk=survey_id)
        .first()
    )
    if survey is None:
        raise NotFoundError(_("抽样调查不存在或不在您的管辖范围内。"))
    return survey


def exit_survey_list(*, scope: RegionScope, year: int) -> list[ExitSurvey]:
    """The surveys of counties in scope for a year, newest first."""
    return list(
        scope.filter(ExitSurvey.objects.filter(year=year), region_field="county_code").order_by(
            "-created_at"
        )
    )


def exit_survey_entries(survey: ExitSurvey) -> QuerySet[ExitSurveyEntry]:
    return survey.entries.select_related("household").order_by("stratum", "village_code", "id")


def household_sample_frame(county_code: str, household_type: str) -> list[tuple[int, str, int]]:
    """(household id, village code, active members) of the county's households of a type."""
    rows = (
        Household.objects.filter(
            tally_filter(county_code, "village__code"), household_type=household_type
        )
        .annotate(people=Count("members", filter=Q(members__is_active=True)))
        .values_list("pk", "village_id", "people")
    )
    return [(pk, village, people) for pk, village, people in rows]


def county_population(county_code: str, year: int) -> Population:
    """乡村总人口 from the villages' exit records; the registered, remaining poor and exited
    people from the status history at the end of the year (家庭人口数 of that year's income
    record, else the active members)."""
    rural = (
        VillageExitRecord.objects.filter(tally_filter(county_code), year=year).aggregate(
            total=Sum("rural_population")
        )["total"]
        or 0
    )
    types = {
        status.household_id: status.household_type
        for status in statuses_as_of(county_code, date(year, 12, 31))
        if status.household_type in (HouseholdType.POOR, HouseholdType.EXITED)
    }
    sizes = dict(
        HouseholdYear.objects.filter(household_id__in=list(types), year=year).values_list(
            "household_id", "member_count"
        )
    )
    missing = [household for household in types if household not in sizes]
    sizes.update(
        Member.objects.filter(household_id__in=missing, is_active=True)
        .values("household_id")
        .annotate(count=Count("pk"))
        .values_list("household_id", "count")
    )
    poor = sum(sizes.get(h, 0) for h, kind in types.items() if kind == HouseholdType.POOR)
    exited = sum(sizes.get(h, 0) for h, kind in types.items() if kind == HouseholdType.EXITED)
    return Population(rural=rural, registered=poor + exited, remaining_poor=poor, exited=exited)


@dataclass(frozen=True)
class SurveyResult:
    survey: ExitSurvey
    population: Population
    counts: SurveyCounts
    rates: ThreeRates
    thresholds: Thresholds
    sampled: int
    surveyed: int


def exit_survey_result(*, scope: RegionScope, survey_id: int) -> SurveyResult:
    """The rates of the households surveyed so far, with intervals and the verdict."""
    survey = exit_survey_get(scope=scope, survey_id=survey_id)
    entries = survey.entries.all()
    done = entries.filter(is_surveyed=True)
    registered = done.filter(stratum=ExitSurveyEntry.Stratum.REGISTERED)
    outside = done.filter(stratum=ExitSurveyEntry.Stratum.OUTSIDE)
    totals = registered.aggregate(
        sampled=Sum("people"), wrong=Sum("people", filter=Q(is_wrong_exit=True))
    )
    outside_totals = outside.aggregate(sampled=Sum("people"), missed=Sum("missed_people"))
    counts = SurveyCounts(
        sampled_exited_people=totals["sampled"] or 0,
        wrong_exit_people=totals["wrong"] or 0,
        sampled_outside_people=outside_totals["sampled"] or 0,
        missed_people=outside_totals["missed"] or 0,
        surveyed_households=done.exclude(approves__isnull=True).count(),
        approving_households=done.filter(approves=True).count(),
    )
    population = county_population(survey.county_code, survey.year)
    thresholds = exit_thresholds(survey.county_code, survey.year)
    return SurveyResult(
        survey=survey,
        population=population,
        counts=counts,
        rates=three_rates(population, counts, thresholds),
        thresholds=thresholds,
        sampled=entries.count(),
        surveyed=done.count(),
    )
