"""Re-assess the households whose facts changed (ADR 0016).

Registry and assistance writes mark the households they change (`registry.StaleHousehold`);
`fupin assess_changed --follow`, started beside the job worker, calls
`assessment_catch_up` every second. Each call takes the oldest marked households, up to a
batch, and re-assesses them as small runs (one per county and year, with the rule set that
applies there), so a cadre's edit is reflected about a second later and an import of
100,000 rows is a few batches, not 100,000 jobs.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from fupin.assessment.models import CurrentOutcome
from fupin.assessment.selectors import runs as selectors
from fupin.assessment.services.runs import assessment_run
from fupin.core.errors import ApplicationError
from fupin.registry.models import Household, HouseholdYear
from fupin.registry.services import household_stale_resolve

logger = logging.getLogger(__name__)

CATCH_UP_BATCH = 5_000
# A group that failed (e.g. no parameters for its year) is tried again after this long, so
# it cannot hold up the households behind it.
RETRY_AFTER_SECONDS = 300.0
_failed_until: dict[int, float] = {}


@dataclass(frozen=True)
class CatchUp:
    """What one catch-up did: households re-assessed, runs made, households left pending."""

    households: int
    runs: int
    failed: int


def assessment_catch_up(*, limit: int = CATCH_UP_BATCH) -> CatchUp:
    """Re-assess up to `limit` households whose facts changed since their last assessment,
    oldest change first, in the year of their current outcome (or of their latest income
    record if never assessed). A household with nothing to assess (no income record, or
    cancelled) is recorded as seen. Runs are audited as "assessment.assessment_run" with
    no actor. A group whose run fails stays pending and is retried later."""
    now = time.monotonic()
    for household_id in [key for key, until in _failed_until.items() if until <= now]:
        del _failed_until[household_id]
    pending = [
        (household_id, version)
        for household_id, version in selectors.stale_households_pending(
            limit=limit + len(_failed_until)
        )
        if household_id not in _failed_until
    ][:limit]
    if not pending:
        return CatchUp(households=0, runs=0, failed=0)
    ids = [household_id for household_id, _version in pending]
    groups = _groups(ids)
    runs = failed = 0
    failed_ids: set[int] = set()
    for (county, year), members in sorted(groups.items()):
        try:
            assessment_run(
                actor=None, scope=None, region_code=county, year=year, household_ids=members
            )
        except (ApplicationError, ValueError) as error:
            # ValueError: facts that break the engine's contract (FactsError).
            logger.warning("assessment catch-up %s %s failed: %s", county, year, error)
            failed += len(members)
            failed_ids.update(members)
            for household_id in members:
                _failed_until[household_id] = now + RETRY_AFTER_SECONDS
            continue
        runs += 1
        for household_id in members:
            _failed_until.pop(household_id, None)
    # Households the runs did not read (cancelled, or nothing to assess) are seen as well;
    # those the runs read are already recorded with the same versions.
    with transaction.atomic():
        household_stale_resolve(
            seen=[(household_id, version) for household_id, version in pending
                  if household_id not in failed_ids]
        )  # fmt: skip
    return CatchUp(households=len(ids) - failed, runs=runs, failed=failed)


def _groups(household_ids: list[int]) -> dict[tuple[str, int], list[int]]:
    """The households by county and the year to assess them in."""
    assessed_year = dict(
        CurrentOutcome.objects.filter(household_id__in=household_ids).values_list(
            "household_id", "outcome__run__year"
        )
    )
    latest_year = dict(
        HouseholdYear.objects.filter(household_id__in=household_ids)
        .values("household_id")
        .annotate(latest=Max("year"))
        .values_list("household_id", "latest")
    )
    villages = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "village_id"))
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for household_id in household_ids:
        year = assessed_year.get(household_id) or latest_year.get(household_id)
        village = villages.get(household_id)
        if year is None or village is None:
            continue
        groups[(village[:6], int(year))].append(household_id)
    return groups
