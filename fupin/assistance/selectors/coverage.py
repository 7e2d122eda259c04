"""How far assistance reaches the monitored households of a region (帮扶措施覆盖): the
dashboard's four figures and the household list behind each, from one definition so the
figure and its list cannot disagree."""

from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from fupin.assistance.models import CadreAssignment, HelpPlan, Measure, MeasureStatus, Visit
from fupin.assistance.selectors import access as access_selectors
from fupin.assistance.selectors import rules as rule_selectors
from fupin.core.scope import RegionScope
from fupin.registry.models import Household, HouseholdStatus


class CoverageFigure(StrEnum):
    WITH_PLAN = "with_plan"
    WITH_DEVELOPMENT = "with_development"
    WITH_CADRE = "with_cadre"
    VISIT_OVERDUE = "visit_overdue"


def _current_assignment() -> QuerySet[CadreAssignment]:
    return CadreAssignment.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)


def _visit_cutoff(today: date) -> Case | Value:
    """The day before which a household's last visit (or assignment) makes it overdue: the
    most specific region setting and the household's risk colour decide the interval,
    as `visit_interval_days` does for the 待办 page."""
    conditions: list[When] = []
    settings = sorted(
        rule_selectors.all_settings(), key=lambda setting: len(setting.region_code), reverse=True
    )
    for setting in settings:
        region = Q(village__code__startswith=setting.region_code)
        for level in setting.visit_days_by_level:
            if level:
                days = rule_selectors.visit_interval_days(setting, level)
                conditions.append(
                    When(
                        region & Q(level__risk_level=level),
                        then=Value(today - timedelta(days=days)),
                    )
                )
        days = rule_selectors.visit_interval_days(setting, "")
        conditions.append(When(region, then=Value(today - timedelta(days=days))))
    if not conditions:
        # No visit rule anywhere: nothing is overdue. A typed far-past day, not NULL, which a
        # PostgreSQL subquery would type as text and then refuse to compare with a date.
        return Value(date.min, output_field=DateField())
    return Case(*conditions, default=None, output_field=DateField())


def _annotate(households: QuerySet[Household], today: date) -> QuerySet[Household]:
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    return households.annotate(
        has_plan=Exists(HelpPlan.objects.filter(household=OuterRef("pk"), year=today.year)),
        has_development=Exists(
            Measure.objects.filter(
                household=OuterRef("pk"),
                is_development=True,
                status=MeasureStatus.IN_PLACE,
                started_on__lte=today,
            ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        ),
        has_cadre=Exists(_current_assignment()),
        visit_from=Coalesce(last_visit, _current_assignment().values("started_on")[:1]),
        visit_cutoff=_visit_cutoff(today),
    )


def _annotated(*, scope: RegionScope, user: AbstractBaseUser, today: date) -> QuerySet[Household]:
    households = access_selectors.visible_households(
        scope=scope,
        user=user,
        households=Household.objects.filter(status=HouseholdStatus.MONITORED),
    )
    return _annotate(households, today)


def _condition(figure: CoverageFigure) -> Q:
    conditions = {
        CoverageFigure.WITH_PLAN: Q(has_plan=True),
        CoverageFigure.WITH_DEVELOPMENT: Q(has_development=True),
        CoverageFigure.WITH_CADRE: Q(has_cadre=True),
        # Only a household with a cadre is due a visit; its clock starts at the assignment.
        CoverageFigure.VISIT_OVERDUE: Q(has_cadre=True, visit_from__lt=F("visit_cutoff")),
    }
    return conditions[figure]


def _counts() -> dict[str, Count]:
    return {
        "monitored": Count("pk"),
        **{figure.value: Count("pk", filter=_condition(figure)) for figure in CoverageFigure},
    }


def coverage_counts(*, scope: RegionScope, user: AbstractBaseUser, today: date) -> dict[str, int]:
    """The monitored households visible to the user ("monitored") and how many of them
    each coverage figure counts, in one query."""
    counts: dict[str, int] = _annotated(scope=scope, user=user, today=today).aggregate(**_counts())
    return counts


def coverage_counts_by_village(*, scope: RegionScope, villages: Q, today: date) -> QuerySet[Any]:
    """`coverage_counts` for every village of `villages` (a condition on ``village__code``)
    inside the scope, one row each: ``village_id``, ``monitored`` and one count per figure,
    in that order (the reports app copies them into its tallies with INSERT … SELECT).
    The whole region's households, as an office sees them, not a cadre's own."""
    households = scope.filter(
        Household.objects.filter(villages, status=HouseholdStatus.MONITORED),
        region_field="village__code",
    )
    return _annotate(households, today).order_by().values("village_id").annotate(**_counts())


def coverage_households(
    *, scope: RegionScope, user: AbstractBaseUser, figure: CoverageFigure, today: date
) -> QuerySet[Household]:
    """The monitored households one coverage figure counts, by 户编号."""
    return (
        _annotated(scope=scope, user=user, today=today)
        .filter(_condition(figure))
        .select_related("village")
        .order_by("number", "pk")
    )
