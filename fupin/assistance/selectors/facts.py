"""What the assessment's facts read from assistance records, as plain rows for the facts
builder: measures in place, risks still open and monthly incomes, each as of a day."""

from datetime import date
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from fupin.assistance.models import Measure, MeasureStatus, MonthlyIncome, RiskRecord


def development_measures_in_place(household_ids: Any, *, as_of: date) -> QuerySet[Any, Any]:
    """(household_id, count) of 开发式 measures in place on `as_of`: status 已落实, started
    by then and not ended before. Finished and stopped measures no longer count."""
    return (
        Measure.objects.filter(
            household__in=household_ids,
            is_development=True,
            status=MeasureStatus.IN_PLACE,
            started_on__lte=as_of,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=as_of))
        .values("household_id")
        .annotate(count=Count("pk"))
        .values_list("household_id", "count")
    )


def risk_rows(household_ids: Any, *, as_of: date) -> QuerySet[Any, Any]:
    """(household_id, risk_type, is_open) of every risk found by `as_of`: a risk is open
    unless it was resolved on or before that day. A household with rows has its risks
    tracked here; one without keeps the risks of its identification."""
    return (
        RiskRecord.objects.filter(household__in=household_ids, found_on__lte=as_of)
        .annotate(
            is_open=ExpressionWrapper(
                Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of),
                output_field=BooleanField(),
            ),
        )
        .order_by("household_id", "found_on", "id")
        .values_list("household_id", "risk_type", "is_open")
    )


def monthly_income_rows(household_ids: Any, *, since: date, until: date) -> QuerySet[Any, Any]:
    """(household_id, month, amount) recorded for the months from `since` to `until`."""
    return (
        MonthlyIncome.objects.filter(
            household__in=household_ids, month__gte=since, month__lte=until
        )
        .order_by("household_id", "month")
        .values_list("household_id", "month", "amount")
    )
