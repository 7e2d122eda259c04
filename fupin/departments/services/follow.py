"""The data-quality rules re-checked a few seconds after a household or member is saved.

The registry sits below this app and may not call it, but every registry write records an
audit event in its own transaction naming what it changed (ARCHITECTURE §10). As the
dashboard tallies do (ADR 0013), the follower reads that trail: a job on the task worker
reads the events after its cursor, re-runs the rules of the households they name, and
schedules its next run `FOLLOW_INTERVAL` later (ADR 0021). The nightly `fupin
check_quality` stays the safety net for what the follower leaves (a batch over a region
larger than `REGION_RECHECK_LIMIT`).
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult

from fupin.audit.models import AuditEvent
from fupin.audit.services import audit_record
from fupin.core.scope import CODE_LENGTHS
from fupin.departments.models import QualityFollower
from fupin.departments.services.findings import findings_open
from fupin.departments.tasks import quality_follow_task
from fupin.registry.models import Household, Member

logger = logging.getLogger(__name__)

# "Within seconds" of a save; an idle run is one indexed query on the audit trail.
FOLLOW_INTERVAL: Final = datetime.timedelta(seconds=5)
# A hole in the audit ids is waited for this long, then taken for a rolled-back write.
GAP_GRACE: Final = datetime.timedelta(hours=1)
# Writes whose households change what the rules test. Reveals and exports change nothing.
FOLLOWED_ACTIONS: Final = ("registry.household", "registry.member")
UNFOLLOWED_ACTIONS: Final = frozenset(
    {
        "registry.household_reveal_contact",
        "registry.household_export",
        "registry.member_reveal_id_number",
    }
)
# A batch event names a region, not households (an import, the generator). Up to this many
# households are re-checked at once; a bigger batch waits for the nightly check.
REGION_RECHECK_LIMIT: Final = 20_000
EVENT_PAGE: Final = 5_000
# A hole wider than this is a bulk write rolled back, not transactions still running.
WIDEST_HOLE: Final = 10_000
# Finished runs of the follower are deleted after this long: one run every few seconds
# would otherwise leave thousands of rows a day in the task table.
KEEP_FINISHED_RUNS: Final = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class FollowResult:
    events: int
    households: int
    findings_opened: int
    last_event_id: int


def _follower() -> QualityFollower:
    """The follower's row, locked; made on first use with its cursor at the newest event
    (what came before is the nightly check's)."""
    follower = QualityFollower.objects.select_for_update().order_by("pk").first()
    if follower is None:
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        follower = QualityFollower.objects.create(last_event_id=newest or 0)
    return follower


def _schedule(*, delay: datetime.timedelta) -> str:
    return str(quality_follow_task.using(run_after=timezone.now() + delay).enqueue().id)


def _is_pending(run_id: str) -> bool:
    if not run_id:
        return False
    try:
        status = quality_follow_task.get_result(run_id).status
    except TaskResultDoesNotExist:
        return False
    return status in {TaskResultStatus.READY, TaskResultStatus.RUNNING}


@transaction.atomic
def quality_follow_start() -> bool:
    """Schedule the follower unless a run of it is already waiting or running; return
    whether one was scheduled. `fupin check_quality` calls it, so the nightly run restarts
    a follower that stopped (its task table emptied, say)."""
    follower = _follower()
    if _is_pending(follower.next_task_id):
        return False
    follower.next_task_id = _schedule(delay=datetime.timedelta(0))
    follower.save(update_fields=["next_task_id"])
    return True


def quality_follow_run(*, run_id: str) -> FollowResult | None:
    """One run of the follower: schedule the next run, then re-check what changed.

    The next run is scheduled first and committed on its own, so a failure while checking
    never stops the follower; a run that is not the one scheduled (started twice by hand)
    does nothing and schedules nothing, so there is only ever one chain of runs.
    """
    with transaction.atomic():
        follower = _follower()
        if follower.next_task_id != run_id:
            return None
        follower.next_task_id = _schedule(delay=FOLLOW_INTERVAL)
        follower.save(update_fields=["next_task_id"])
        DBTaskResult.objects.filter(
            task_path=quality_follow_task.module_path,
            finished_at__lt=timezone.now() - KEEP_FINISHED_RUNS,
        ).delete()
    try:
        return quality_follow_catch_up()
    except Exception:
        # Logged with its trace for the operators; the next run tries the same events again.
        logger.exception("data-quality follower failed; retrying at its next run")
        return None


@dataclass
class _Changes:
    households: set[int]
    members: set[int]
    regions: set[str]


def _events(follower: QualityFollower) -> tuple[_Changes, int, int]:
    """What the events after the cursor (and the holes it waits on) changed; the number
    of events read; the id the cursor moves to. Holes found are added to the follower."""
    changes = _Changes(set(), set(), set())
    now = timezone.now().timestamp()
    waiting = {int(key): float(value) for key, value in follower.waiting_ids.items()}
    after = follower.last_event_id
    read = 0
    while True:
        page = list(
            AuditEvent.objects.filter(Q(id__gt=after) | Q(id__in=sorted(waiting)))
            .order_by("id")
            .values_list("id", "action", "subject_type", "subject_id", "region_code")[:EVENT_PAGE]
        )
        for event_id, action, subject_type, subject_id, region_code in page:
            read += 1
            if event_id in waiting:
                del waiting[event_id]
            elif event_id > after:
                if event_id - after <= WIDEST_HOLE:
                    waiting.update(dict.fromkeys(range(after + 1, event_id), now))
                after = event_id
            if not action.startswith(FOLLOWED_ACTIONS) or action in UNFOLLOWED_ACTIONS:
                continue
            if subject_type == "registry.household" and subject_id.isdigit():
                changes.households.add(int(subject_id))
            elif subject_type == "registry.member" and subject_id.isdigit():
                changes.members.add(int(subject_id))
            elif region_code:
                changes.regions.add(region_code)
        waiting = {key: value for key, value in waiting.items() if key < after}
        if len(page) < EVENT_PAGE:
            break
    expired = now - GAP_GRACE.total_seconds()
    follower.waiting_ids = {
        str(key): noticed for key, noticed in waiting.items() if noticed > expired
    }
    return changes, read, after


def _households_of(changes: _Changes) -> dict[str, list[int]]:
    """The changed households by village: those named, those of the members named, and
    those of the regions named by batch events, when not too many."""
    ids = set(changes.households)
    ids.update(
        Member.objects.filter(pk__in=sorted(changes.members)).values_list("household_id", flat=True)
    )
    by_village: dict[str, list[int]] = defaultdict(list)
    for pk, village in Household.objects.filter(pk__in=sorted(ids)).values_list("pk", "village_id"):
        by_village[village].append(pk)
    for region in changes.regions:
        last = region.ljust(CODE_LENGTHS[-1], "9")
        in_region = Household.objects.filter(village__code__range=(region, last))
        if in_region.count() > REGION_RECHECK_LIMIT:
            continue
        for pk, village in in_region.values_list("pk", "village_id"):
            if pk not in ids:
                ids.add(pk)
                by_village[village].append(pk)
    return by_village


@transaction.atomic
def quality_follow_catch_up(*, today: datetime.date | None = None) -> FollowResult:
    """Re-check the data-quality rules of the households changed since the cursor, open a
    疑点 for each new hit and move the cursor.

    Audit action: "departments.findings_check" for each village where 疑点 were opened
    (a check that opens nothing changes nothing and records nothing).
    """
    today = today or timezone.localdate()
    follower = _follower()
    changes, read, last_event_id = _events(follower)
    by_village = _households_of(changes)
    opened = 0
    for village, household_ids in sorted(by_village.items()):
        rules, created = findings_open(
            region_code=village, household_ids=sorted(household_ids), today=today
        )
        if not created:
            continue
        opened += len(created)
        audit_record(
            actor=None,
            action="departments.findings_check",
            subject_type="registry.region",
            subject_id=village,
            region_code=village,
            changes={"rules": rules, "findings_opened": len(created)},
            context={"after_save": sorted(household_ids)[:100]},
        )
    follower.last_event_id = last_event_id
    follower.checked_at = timezone.now()
    follower.save()
    return FollowResult(
        events=read,
        households=sum(len(ids) for ids in by_village.values()),
        findings_opened=opened,
        last_event_id=last_event_id,
    )
