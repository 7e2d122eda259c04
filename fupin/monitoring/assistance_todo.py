"""What assistance adds to each user's 待办: monitored households still without a
responsible cadre (due N working days after identification, counted on the official
calendar) and visits coming due or overdue. Assistance knows the rules and the dates;
the working days are counted here, where the calendar lives (ADR 0009)."""

from dataclasses import dataclass
from datetime import date
from typing import Final

from django.contrib.auth.base_user import AbstractBaseUser

from fupin.assistance import selectors as assistance_selectors
from fupin.core.scope import RegionScope
from fupin.monitoring import selectors
from fupin.monitoring.deadlines import DeadlineState

# The 待办 page lists this many of each kind, the most urgent first, and counts the rest: a
# county waiting for its first assignments has thousands, and drawing them all took seconds
# of every county user's page (load test, issue #17).
AGENDA_ROWS: Final = 20


@dataclass(frozen=True)
class CadreDeadline:
    household_id: int
    number: str
    identified_on: date
    due_on: date
    state: DeadlineState
    is_provisional: bool


@dataclass(frozen=True)
class CadreDeadlines:
    rows: list[CadreDeadline]  # the most urgent, at most AGENDA_ROWS
    total: int
    overdue: int


def cadre_deadlines(*, scope: RegionScope, today: date) -> CadreDeadlines:
    """Households waiting for a responsible cadre (offices only): the most urgent first,
    with how many wait and how many are past their day."""
    waiting = assistance_selectors.households_without_cadre(scope=scope)
    if not waiting:
        return CadreDeadlines(rows=[], total=0, overdue=0)
    calendar = selectors.working_calendar()
    # A county waits with thousands of households: their deadlines are counted in one walk
    # over the calendar per time limit (usually one), not household by household.
    due_on_by_start: dict[tuple[date, int], date] = {}
    for allowed in {missing.allowed_working_days for missing in waiting}:
        starts = (m.identified_on for m in waiting if m.allowed_working_days == allowed)
        for start, due_on in calendar.add_working_days_each(starts, allowed).items():
            due_on_by_start[(start, allowed)] = due_on
    due = sorted(
        (
            (due_on_by_start[(missing.identified_on, missing.allowed_working_days)], missing)
            for missing in waiting
        ),
        key=lambda pair: (pair[0], pair[1].number),
    )
    settings = selectors.workflow_settings()
    rows = []
    for due_on, missing in due[:AGENDA_ROWS]:
        warning = selectors.most_specific_setting(settings, missing.village_id).warning_working_days
        if today > due_on:
            state = DeadlineState.OVERDUE
        elif calendar.working_days_between(today, due_on) <= warning:
            state = DeadlineState.APPROACHING
        else:
            state = DeadlineState.ON_TIME
        rows.append(
            CadreDeadline(
                household_id=missing.household_id,
                number=missing.number,
                identified_on=missing.identified_on,
                due_on=due_on,
                state=state,
                is_provisional=not calendar.covers(missing.identified_on, due_on),
            )
        )
    return CadreDeadlines(
        rows=rows, total=len(due), overdue=sum(1 for due_on, _missing in due if today > due_on)
    )


@dataclass(frozen=True)
class VisitsNeedingAttention:
    rows: list[assistance_selectors.VisitDue]  # the soonest due, at most AGENDA_ROWS
    total: int


def visits_needing_attention(
    *, scope: RegionScope, user: AbstractBaseUser, today: date
) -> VisitsNeedingAttention:
    """Visits overdue (red) or coming due (orange), soonest first: a cadre's own; the
    whole region for an office and for those who oversee it, such as the township."""
    rows, total = assistance_selectors.visits_due_first(
        scope=scope,
        user=user,
        today=today,
        only_mine=not assistance_selectors.sees_whole_region(scope),
        attention_only=True,
        limit=AGENDA_ROWS,
    )
    return VisitsNeedingAttention(rows=rows, total=total)
