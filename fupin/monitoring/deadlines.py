"""Working days and deadline states for monitoring cases.

Working days follow the State Council's holiday calendar (放假 and 调休 workdays) as kept
in the `CalendarDay` table: seeded from `chinesecalendar` for the years it covers and
entered by administrators for the years after. A `WorkingCalendar` is one snapshot of that
table. A year without rows is an explicit state, not an assumption: days in it are counted
Monday to Friday only so that a deadline exists at all, and every deadline counted through
such a year is provisional (暂定) until the year's schedule is entered, which recomputes it.
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from fupin.monitoring.models import CalendarDay, CaseState, MonitoringCase, WorkflowSetting

_SATURDAY = 5


@dataclass(frozen=True)
class WorkingCalendar:
    """The exceptions to the Monday–Friday week and the years they are complete for.

    `exceptions` maps a date to True for a 调休 working weekend day and False for a
    statutory holiday; `years` are the years that have a schedule.
    """

    exceptions: Mapping[date, bool] = field(default_factory=dict)
    years: frozenset[int] = frozenset()

    @classmethod
    def from_days(cls, days: Iterable[tuple[date, str]]) -> "WorkingCalendar":
        exceptions = {day: kind == CalendarDay.Kind.WORKDAY for day, kind in days}
        return cls(exceptions=exceptions, years=frozenset(day.year for day in exceptions))

    def knows(self, year: int) -> bool:
        return year in self.years

    def covers(self, start: date, end: date) -> bool:
        """True when every year from `start` to `end` has a schedule."""
        low, high = min(start, end), max(start, end)
        return all(year in self.years for year in range(low.year, high.year + 1))

    def is_working_day(self, day: date) -> bool:
        """True on an official working day; Monday to Friday in a year without a schedule
        (see `covers` for telling such a result apart)."""
        special = self.exceptions.get(day)
        if special is not None:
            return special
        return day.weekday() < _SATURDAY

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (the day of receipt does not count)."""
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def add_working_days_each(self, starts: Iterable[date], days: int) -> dict[date, date]:
        """`add_working_days` of every start at once, by one walk over the calendar from the
        earliest: a county's 3,000 households waiting for a cadre were counted day by day
        each, most of the 待办 page's time (issue #17)."""
        ordered = sorted(set(starts))
        if days <= 0:
            return {start: start for start in ordered}
        found: dict[date, date] = {}
        working: list[date] = []  # the working days after the earliest start, in order
        day = ordered[0] if ordered else date.min
        for start in ordered:
            while day < start:
                day += timedelta(days=1)
                if self.is_working_day(day):
                    working.append(day)
            after = bisect_right(working, start)
            while len(working) < after + days:
                day += timedelta(days=1)
                if self.is_working_day(day):
                    working.append(day)
            found[start] = working[after + days - 1]
        return found

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(offset))
        )

    def case_due_on(self, opened_on: date, setting: WorkflowSetting) -> date:
        """When the whole case must be finished."""
        if setting.case_days_are_working_days:
            return self.add_working_days(opened_on, setting.case_days)
        return opened_on + timedelta(days=setting.case_days)

    def moved(self, start: date, due_on: date, *, before: "WorkingCalendar") -> date:
        """A deadline counted from `start` under `before`, counted again under this
        calendar with the same number of working days (so a later change of the time
        limits does not leak into a recomputation)."""
        return self.add_working_days(start, before.working_days_between(start, due_on))


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    APPROACHING = "approaching"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Deadline:
    """The deadline a case is currently measured against, and how close it is.

    `is_provisional` marks a working-day deadline counted through a year without a
    schedule (暂定)."""

    due_on: date
    is_visit: bool
    state: DeadlineState
    working_days_left: int
    is_provisional: bool = False

    @property
    def is_overdue(self) -> bool:
        return self.state == DeadlineState.OVERDUE

    @property
    def is_approaching(self) -> bool:
        return self.state == DeadlineState.APPROACHING


def current_deadline(
    case: MonitoringCase,
    *,
    today: date,
    warning_working_days: int,
    calendar: WorkingCalendar,
    case_days_are_working_days: bool = False,
) -> Deadline | None:
    """The visit deadline while the visit is pending, else the case deadline; None once
    the case is closed."""
    if not case.is_open:
        return None
    is_visit = case.state == CaseState.VISIT and case.visit_due_on is not None
    due_on = case.visit_due_on if is_visit and case.visit_due_on else case.due_on
    left = calendar.working_days_between(today, due_on)
    if today > due_on:
        state = DeadlineState.OVERDUE
    elif left <= warning_working_days:
        state = DeadlineState.APPROACHING
    else:
        state = DeadlineState.ON_TIME
    counted_in_working_days = is_visit or case_days_are_working_days
    return Deadline(
        due_on=due_on,
        is_visit=is_visit,
        state=state,
        working_days_left=left,
        is_provisional=counted_in_working_days and not calendar.covers(case.opened_on, due_on),
    )
