"""The daily deadline check and the working-day calendar's import, which recomputes the
open cases' deadlines it moves."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.monitoring import selectors
from fupin.monitoring.calendar_files import CalendarEntry
from fupin.monitoring.deadlines import WorkingCalendar
from fupin.monitoring.models import (
    CalendarDay,
    CaseState,
    DeadlineEvent,
    MonitoringCase,
)


@transaction.atomic
def deadlines_check(*, today: date | None = None) -> int:
    """Record a DeadlineEvent for every open case past its visit or case deadline; a
    deadline already recorded is not recorded again, so the daily run is idempotent.

    Audit action: "monitoring.deadlines_check". Returns the number of new events.
    """
    today = today or timezone.localdate()
    open_cases = MonitoringCase.objects.filter(state__in=selectors.OPEN_STATES)
    found: list[tuple[MonitoringCase, str, date]] = []
    for case in open_cases.filter(state=CaseState.VISIT, visit_due_on__lt=today):
        assert case.visit_due_on is not None
        found.append((case, DeadlineEvent.Kind.VISIT, case.visit_due_on))
    for case in open_cases.filter(due_on__lt=today):
        found.append((case, DeadlineEvent.Kind.CASE, case.due_on))
    recorded = set(
        DeadlineEvent.objects.filter(case__in=[case for case, *_rest in found]).values_list(
            "case_id", "kind", "due_on"
        )
    )
    new = [
        DeadlineEvent(case=case, kind=kind, due_on=due_on, state=case.state, recorded_on=today)
        for case, kind, due_on in found
        if (case.pk, kind, due_on) not in recorded
    ]
    DeadlineEvent.objects.bulk_create(new)
    audit_record(
        actor=None,
        action="monitoring.deadlines_check",
        subject_type="monitoring.deadlineevent",
        changes={"recorded": len(new), "date": today.isoformat()},
    )
    return len(new)


@dataclass(frozen=True)
class CalendarImportResult:
    years: list[int]
    changed_days: int
    recomputed_deadlines: int


@transaction.atomic
def calendar_import(
    *,
    actor: AbstractBaseUser | None,
    scope: RegionScope | None,
    entries: Sequence[CalendarEntry],
    source: str,
) -> CalendarImportResult:
    """Enter the 放假安排 of the years the entries cover, replacing those years' rows, and
    recompute the open cases' deadlines the change moves.

    `scope` is None only for the command line. Audit actions: "monitoring.calendar_import"
    (one per year) and "monitoring.case_deadline_recompute" (one per changed deadline).
    Raises PermissionDeniedError or ApplicationError; nothing changes then.
    """
    if scope is not None:
        scope.require(Capability.MANAGE_CALENDAR)
    source = source.strip()
    if not source:
        raise ApplicationError(
            _("请填写依据（如国务院办公厅通知的文号）。"), code="source", field="source"
        )
    if not entries:
        raise ApplicationError(_("没有要录入的放假安排。"), code="empty", field="file")
    if len({entry.day for entry in entries}) != len(entries):
        raise ApplicationError(_("同一日期出现了两次。"), code="duplicate", field="file")
    before = selectors.working_calendar()
    years = sorted({entry.day.year for entry in entries})
    CalendarDay.objects.filter(day__year__in=years).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(day=entry.day, kind=entry.kind, name=entry.name, source=source)
        for entry in entries
    )
    after = selectors.working_calendar()
    changed: list[date] = []
    for year in years:
        days = [
            date(year, 1, 1) + timedelta(n)
            for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
        ]
        year_changed = [d for d in days if before.is_working_day(d) != after.is_working_day(d)]
        changed += year_changed
        year_entries = [entry for entry in entries if entry.day.year == year]
        audit_record(
            actor=actor,
            action="monitoring.calendar_import",
            subject_type="monitoring.calendarday",
            subject_id=str(year),
            changes={
                "year": year,
                "source": source,
                "holidays": sum(e.kind == CalendarDay.Kind.HOLIDAY for e in year_entries),
                "workdays": sum(e.kind == CalendarDay.Kind.WORKDAY for e in year_entries),
                "was_known": before.knows(year),
                "changed_days": [d.isoformat() for d in year_changed],
            },
        )
    recomputed = _deadlines_recompute(actor=actor, before=before, after=after, changed=changed)
    return CalendarImportResult(
        years=years, changed_days=len(changed), recomputed_deadlines=recomputed
    )


def _deadlines_recompute(
    *,
    actor: AbstractBaseUser | None,
    before: WorkingCalendar,
    after: WorkingCalendar,
    changed: list[date],
) -> int:
    """Count again the working-day deadlines of open cases whose counting passes a changed
    day; one "monitoring.case_deadline_recompute" event per deadline that moves."""
    if not changed:
        return 0
    first, last = min(changed), max(changed)
    settings = selectors.workflow_settings()
    cases = (
        MonitoringCase.objects.select_for_update()
        .filter(state__in=selectors.OPEN_STATES, opened_on__lt=last)
        .filter(Q(due_on__gte=first) | Q(visit_due_on__gte=first))
        .order_by("id")
    )
    moved = 0
    for case in cases:
        setting = selectors.most_specific_setting(settings, case.village_id)
        updates: dict[str, tuple[date, date]] = {}
        if case.state == CaseState.VISIT and case.visit_due_on is not None:
            new_visit = after.moved(case.opened_on, case.visit_due_on, before=before)
            if new_visit != case.visit_due_on:
                updates["visit_due_on"] = (case.visit_due_on, new_visit)
        if setting.case_days_are_working_days:
            new_due = after.moved(case.opened_on, case.due_on, before=before)
            if new_due != case.due_on:
                updates["due_on"] = (case.due_on, new_due)
        for field, (old, new) in updates.items():
            setattr(case, field, new)
            audit_record(
                actor=actor,
                action="monitoring.case_deadline_recompute",
                subject=case,
                region_code=case.village_id,
                changes={field: [old.isoformat(), new.isoformat()]},
            )
        if updates:
            case.save(update_fields=[*updates, "updated_at"])
            moved += len(updates)
    return moved
