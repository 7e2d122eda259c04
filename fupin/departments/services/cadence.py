"""Comparisons on the region's monthly cadence (DOMAIN §10.1: departments deliver last
month's data by the 4th; "按月分析、双月调度"). The cadence is configuration per region
(`ComparisonCadence`); `fupin run_comparisons`, run daily, starts each region's run of the
month once it is due."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fupin.audit.services import audit_record
from fupin.departments import selectors
from fupin.departments.models import ComparisonRun, FeedBatch
from fupin.departments.services.feeds import Actor, feed_period_compare
from fupin.registry.models import Region

# A kind delivered in any of this many months before is expected again.
EXPECTED_FROM_MONTHS = 12


@dataclass(frozen=True)
class DueComparison:
    period: str
    is_dispatch: bool


def _month_index(period: str) -> int:
    year, month = (int(part) for part in period.split("-"))
    return year * 12 + month - 1


def _period(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def comparison_due(*, region_code: str, today: datetime.date) -> DueComparison | None:
    """The month a region compares on `today` under its cadence, or None: last month's
    data, once the due day has come, in the months its interval falls on."""
    cadence = selectors.comparison_cadence_for(region_code=region_code)
    if cadence is None or today.day < cadence.due_day:
        return None
    index = today.year * 12 + today.month - 2
    if index % cadence.every_months:
        return None
    return DueComparison(_period(index), index % cadence.dispatch_every_months == 0)


@transaction.atomic
def comparison_run(
    *, actor: Actor, region_code: str, period: str, is_dispatch: bool = False
) -> ComparisonRun:
    """Compare every feed the region received for `period` with today's registry again,
    and record which of the feeds it received in the year before are missing; once per
    region and period (a second call returns the first run).

    Audit action: "departments.comparison_run" (clues are audited by monitoring).
    """
    region = Region.objects.get(code=region_code)
    existing = ComparisonRun.objects.filter(region=region, period=period).first()
    if existing is not None:
        return existing
    batches = FeedBatch.objects.filter(region=region)
    latest: dict[str, FeedBatch] = {}
    for batch in batches.filter(period=period).order_by("created_at", "id"):
        latest[batch.kind] = batch
    index = _month_index(period)
    earlier = [_period(index - back) for back in range(1, EXPECTED_FROM_MONTHS + 1)]
    expected = set(batches.filter(period__in=earlier).values_list("kind", flat=True))
    run = ComparisonRun(
        region=region,
        period=period,
        is_dispatch=is_dispatch,
        kinds_compared=sorted(latest),
        kinds_missing=sorted(expected - set(latest)),
    )
    for kind in sorted(latest):
        result = feed_period_compare(batch=latest[kind])
        run.rows_compared += result.rows_received
        run.clues_opened += result.clues_opened
        run.clues_merged += result.clues_merged
        run.findings_opened += result.findings_opened
    run.save()
    audit_record(
        actor=actor,
        action="departments.comparison_run",
        subject=run,
        region_code=region.code,
        changes={
            "period": period,
            "kinds_compared": run.kinds_compared,
            "kinds_missing": run.kinds_missing,
            "rows_compared": run.rows_compared,
            "clues_opened": run.clues_opened,
            "clues_merged": run.clues_merged,
            "findings_opened": run.findings_opened,
        },
        context={"is_dispatch": is_dispatch},
    )
    return run


def comparison_runs_due(*, today: datetime.date | None = None) -> list[ComparisonRun]:
    """Run the comparison of every region that receives feeds and whose cadence makes one
    due today, unless it ran already; return the runs made. Each region's run is its own
    transaction, so one region's failure leaves the others' done (the next day retries)."""
    today = today or timezone.localdate()
    made: list[ComparisonRun] = []
    regions = FeedBatch.objects.values_list("region_id", flat=True).distinct().order_by()
    for region_code in sorted(set(regions)):
        due = comparison_due(region_code=region_code, today=today)
        if due is None:
            continue
        if ComparisonRun.objects.filter(region_id=region_code, period=due.period).exists():
            continue
        made.append(
            comparison_run(
                actor=None,
                region_code=region_code,
                period=due.period,
                is_dispatch=due.is_dispatch,
            )
        )
    return made
