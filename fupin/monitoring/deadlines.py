"""Working days and deadline states for monitoring cases.

Working days follow the State Council's holiday calendar (放假 and 调休 workdays) as
published in the `chinesecalendar` package. Its data covers 2004 to 2026 only: for a year
it does not know, a working day is simply Monday to Friday, so deadlines in those years
ignore holidays (and 调休 Saturdays) until the package is updated with the new notice.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar

from fupin.monitoring.models import CaseState, MonitoringCase, WorkflowSetting

_SATURDAY = 5


def is_working_day(day: date) -> bool:
    """True on an official working day (weekdays only for years the calendar lacks)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < _SATURDAY


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (the day of receipt does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(offset))
    )


def case_due_on(opened_on: date, setting: WorkflowSetting) -> date:
    """When the whole case must be finished."""
    if setting.case_days_are_working_days:
        return add_working_days(opened_on, setting.case_days)
    return opened_on + timedelta(days=setting.case_days)


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    APPROACHING = "approaching"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Deadline:
    """The deadline a case is currently measured against, and how close it is."""

    due_on: date
    is_visit: bool
    state: DeadlineState
    working_days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.state == DeadlineState.OVERDUE

    @property
    def is_approaching(self) -> bool:
        return self.state == DeadlineState.APPROACHING


def current_deadline(
    case: MonitoringCase, *, today: date, warning_working_days: int
) -> Deadline | None:
    """The visit deadline while the visit is pending, else the case deadline; None once
    the case is closed."""
    if not case.is_open:
        return None
    is_visit = case.state == CaseState.VISIT and case.visit_due_on is not None
    due_on = case.visit_due_on if is_visit and case.visit_due_on else case.due_on
    left = working_days_between(today, due_on)
    if today > due_on:
        state = DeadlineState.OVERDUE
    elif left <= warning_working_days:
        state = DeadlineState.APPROACHING
    else:
        state = DeadlineState.ON_TIME
    return Deadline(due_on=due_on, is_visit=is_visit, state=state, working_days_left=left)
