"""Working-day deadlines with the official holiday calendar, deadline states and the
daily overdue check."""

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from fupin.monitoring import selectors
from fupin.monitoring.deadlines import DeadlineState, current_deadline
from fupin.monitoring.models import DeadlineEvent, WorkflowSetting
from fupin.monitoring.tests.conftest import self_apply
from fupin.registry.models import Household
from tests.support import COUNTY, Actors, scope_of


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 国庆/中秋 2025: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are 调休 workdays.
        (date(2025, 9, 26), date(2025, 9, 29)),  # Fri → Sun 09-28 (workday), Mon 09-29
        (date(2025, 9, 29), date(2025, 10, 9)),  # Mon → Tue 09-30, then Thu 10-09
        (date(2025, 9, 30), date(2025, 10, 10)),  # Tue → Thu 10-09, Fri 10-10
        (date(2025, 10, 9), date(2025, 10, 11)),  # Thu → Fri 10-10, Sat 10-11 (workday)
        (date(2025, 10, 3), date(2025, 10, 10)),  # received during the holiday
    ],
)
def test_visit_deadline_counts_official_working_days(received: date, due: date) -> None:
    assert selectors.working_calendar().add_working_days(received, 2) == due


def test_a_self_application_before_the_holiday_is_due_after_it(
    actors: Actors, household: Household, clock: Any
) -> None:
    clock.move_to(date(2025, 9, 30))
    case = self_apply(household)
    assert case.visit_due_on == date(2025, 10, 10)
    assert case.due_on == date(2025, 10, 15)
    setting = selectors.workflow_setting_for(case.village_id)
    calendar = selectors.working_calendar()
    deadline = current_deadline(
        case, today=date(2025, 10, 8), warning_working_days=2, calendar=calendar
    )
    assert deadline is not None
    assert (deadline.is_visit, deadline.state) == (True, DeadlineState.APPROACHING)
    # Over the holiday no working day passes: still on time a week before
    early = current_deadline(
        case,
        today=date(2025, 9, 30),
        warning_working_days=setting.warning_working_days,
        calendar=calendar,
    )
    assert early is not None
    assert early.working_days_left == 2
    late = current_deadline(
        case, today=date(2025, 10, 11), warning_working_days=2, calendar=calendar
    )
    assert late is not None
    assert late.state == DeadlineState.OVERDUE


def test_a_province_sets_its_own_time_limits(
    actors: Actors, household: Household, clock: Any
) -> None:
    WorkflowSetting.objects.create(region_code="", case_days=15)
    WorkflowSetting.objects.create(
        region_code="22", visit_working_days=3, case_days=20, case_days_are_working_days=True
    )
    clock.move_to(date(2025, 9, 30))
    case = self_apply(household)
    assert case.visit_due_on == date(2025, 10, 11)
    assert case.due_on == selectors.working_calendar().add_working_days(date(2025, 9, 30), 20)
    assert selectors.workflow_setting_for(COUNTY).case_days == 20
    assert selectors.workflow_setting_for("11").case_days == 15


def test_check_deadlines_records_overdue_cases_once(
    actors: Actors, household: Household, clock: Any
) -> None:
    clock.move_to(date(2025, 9, 30))
    case = self_apply(household)
    clock.move_to(date(2025, 10, 13))
    out = StringIO()
    call_command("check_deadlines", stdout=out)
    call_command("check_deadlines", stdout=out)
    assert list(DeadlineEvent.objects.values_list("case_id", "kind", "due_on")) == [
        (case.pk, DeadlineEvent.Kind.VISIT, date(2025, 10, 10))
    ]
    clock.move_to(date(2025, 10, 16))
    call_command("check_deadlines", stdout=out)
    assert set(DeadlineEvent.objects.values_list("kind", flat=True)) == {
        DeadlineEvent.Kind.VISIT,
        DeadlineEvent.Kind.CASE,
    }
    rows = selectors.case_list(
        scope=scope_of(actors.county_admin), filters=selectors.CaseFilters(is_overdue=True)
    )
    assert list(rows) == [case]
