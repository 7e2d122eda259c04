from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.jobs.models import Job
from fupin.monitoring.models import CalendarDay
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import (
    COUNTY,
    OTHER_VILLAGE,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    scope_of,
)


def test_home_scope_matrix_shows_counts_for_the_scope(actors: Actors) -> None:
    url = reverse("reports:home")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403, shows=("尚未分配角色",)),
            actors.village_officer: Expectation(
                200, shows=("村级信息员", "东榛柴村委会"), hides=("stat-level-4",)
            ),
            actors.county_admin: Expectation(
                200, shows=('data-testid="stat-level-4">2<', 'data-testid="stat-level-5">2<')
            ),
            actors.province_admin: Expectation(
                200, shows=('data-testid="stat-level-3">2<', 'data-testid="stat-level-5">3<')
            ),
        },
    )


def test_home_counts_running_jobs_and_users_for_administrators(actors: Actors) -> None:
    Job.objects.create(kind=Job.Kind.REGION_LOAD, region_code=COUNTY, params={})
    body = client_for(actors.county_admin).get(reverse("reports:home")).content.decode()
    assert 'data-testid="stat-jobs">1<' in body
    # village officer, other village, township, county admin, auditor
    assert 'data-testid="stat-users">5<' in body


def test_home_counts_households_people_and_monitored_in_scope(actors: Actors) -> None:
    officer_scope = scope_of(actors.village_officer)
    other_scope = scope_of(actors.other_village_officer)
    household_register(
        actor=actors.village_officer,
        scope=officer_scope,
        data=factories.household("H001", VILLAGE),
        members=factories.family(),
    )
    household_register(
        actor=actors.other_village_officer,
        scope=other_scope,
        data=factories.household("H002", OTHER_VILLAGE),
        members=[factories.member("独居", "01", date(1950, 1, 1))],
    )
    officer = client_for(actors.village_officer).get(reverse("reports:home")).content.decode()
    assert 'data-testid="stat-households">1<' in officer
    assert 'data-testid="stat-people">3<' in officer
    county = client_for(actors.county_admin).get(reverse("reports:home")).content.decode()
    assert 'data-testid="stat-households">2<' in county
    assert 'data-testid="stat-people">4<' in county
    assert 'data-testid="stat-monitored">0<' in county


def test_home_query_count_is_pinned(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    client.get(reverse("reports:home"))
    # In November a county administrator's home page also asks whether next year's
    # holiday calendar is entered: one query more. The finance warnings ask for the loan
    # policy and the loans due, and the projects waiting are counted: three more.
    with (
        time_machine.travel(date(2026, 11, 20), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get(reverse("reports:home"))
    assert len(queries) == 15, "\n".join(query["sql"][:120] for query in queries.captured_queries)


@pytest.mark.parametrize(
    ("today", "warned"),
    [(date(2026, 10, 31), False), (date(2026, 11, 1), True), (date(2026, 12, 31), True)],
)
def test_next_years_missing_calendar_is_announced_from_1_november(
    actors: Actors, today: date, warned: bool
) -> None:
    CalendarDay.objects.create(
        day=date(2026, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节", source="通知"
    )
    url = reverse("reports:home")
    marker = 'data-testid="calendar-missing-warning"'
    with time_machine.travel(today, tick=False):
        for user in (actors.system_admin, actors.county_admin):
            assert (marker in client_for(user).get(url).content.decode()) is warned
        for user in (actors.village_officer, actors.province_admin, actors.auditor):
            assert marker not in client_for(user).get(url).content.decode()


def test_the_warning_ends_once_next_years_calendar_is_entered(actors: Actors) -> None:
    url = reverse("reports:home")
    with time_machine.travel(date(2026, 11, 20), tick=False):
        body = client_for(actors.system_admin).get(url).content.decode()
        assert "2027 年的放假安排尚未录入" in body
        assert "录入放假安排" in body
        county = client_for(actors.county_admin).get(url).content.decode()
        assert "请联系系统管理员" in county
        CalendarDay.objects.create(
            day=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦", source="通知"
        )
        body = client_for(actors.system_admin).get(url).content.decode()
        assert 'data-testid="calendar-missing-warning"' not in body
