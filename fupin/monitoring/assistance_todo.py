"""What assistance adds to each user's 待办: monitored households still without a
responsible cadre (due N working days after identification, counted on the official
calendar) and visits coming due or overdue. Assistance knows the rules and the dates;
the working days are counted here, where the calendar lives (ADR 0009)."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser

from fupin.assistance import selectors as assistance_selectors
from fupin.core.scope import Capability, RegionScope
from fupin.monitoring import selectors
from fupin.monitoring.deadlines import DeadlineState
from fupin.registry.models import Household


@dataclass(frozen=True)
class CadreDeadline:
    household: Household
    identified_on: date
    due_on: date
    state: DeadlineState
    is_provisional: bool


def cadre_deadlines(*, scope: RegionScope, today: date) -> list[CadreDeadline]:
    """Households waiting for a responsible cadre, most urgent first (offices only)."""
    waiting = assistance_selectors.households_without_cadre(scope=scope)
    if not waiting:
        return []
    calendar = selectors.working_calendar()
    settings = selectors.workflow_settings()
    rows = []
    for missing in waiting:
        due_on = calendar.add_working_days(missing.identified_on, missing.allowed_working_days)
        warning = selectors.most_specific_setting(
            settings, missing.household.village_id
        ).warning_working_days
        if today > due_on:
            state = DeadlineState.OVERDUE
        elif calendar.working_days_between(today, due_on) <= warning:
            state = DeadlineState.APPROACHING
        else:
            state = DeadlineState.ON_TIME
        rows.append(
            CadreDeadline(
                household=missing.household,
                identified_on=missing.identified_on,
                due_on=due_on,
                state=state,
                is_provisional=not calendar.covers(missing.identified_on, due_on),
            )
        )
    return sorted(rows, key=lambda row: row.due_on)


def visits_needing_attention(
    *, scope: RegionScope, user: AbstractBaseUser, today: date
) -> list[assistance_selectors.VisitDue]:
    """Visits overdue (red) or coming due (orange): a cadre's own, an office's whole region."""
    rows = assistance_selectors.visits_due(
        scope=scope, user=user, today=today, only_mine=not _is_office(scope)
    )
    return [row for row in rows if row.state != "ok"]


def _is_office(scope: RegionScope) -> bool:
    return scope.can(Capability.MANAGE_ASSISTANCE)
