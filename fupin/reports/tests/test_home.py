from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.monitoring.models import CalendarDay
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import (
    COUNTY,
    OTHER_COUNTY,
    OTHER_VILLAGE,
    TOWN,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    scope_of,
)


def test_home_scope_matrix_shows_each_official_the_dashboard_of_their_region(
    actors: Actors,
) -> None:
    url = reverse("reports:home")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403, shows=("尚未分配角色",)),
            actors.village_officer: Expectation(
                200, shows=("东榛柴村委会监测看板",), hides=("children-table", "兴隆村委会")
            ),
            actors.township_reviewer: Expectation(
                200, shows=("伏龙泉镇监测看板", "child-220122101201", "child-220122101202")
            ),
            actors.county_admin: Expectation(
                200,
                shows=("农安县监测看板", "child-220122101", "child-220122102"),
                hides=("双阳区", "奢岭"),
            ),
            actors.province_admin: Expectation(200, shows=("吉林省监测看板", "child-2201")),
        },
    )


def test_drilling_down_to_a_region_outside_the_scope_is_not_found(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    assert client.get(reverse("reports:home"), {"region": TOWN}).status_code == 200
    response = client.get(reverse("reports:home"), {"region": OTHER_COUNTY})
    assert response.status_code == 404
    assert "奢岭" not in response.content.decode()
    township = client_for(actors.township_reviewer)
    assert township.get(reverse("reports:home"), {"region": COUNTY}).status_code == 404


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
    assert 'data-testid="stat-type-monitored">0<' in county


def test_home_query_count_is_pinned(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    with time_machine.travel(date(2026, 11, 20), tick=False):
        # the first page of the day has counted the tallies (and the day's coverage)
        client.get(reverse("reports:home"))
    # The dashboard reads tallies, never households: the tally cursor and audit trail
    # (catch-up), the region, its path and children, the tallies by type, income, events
    # and child, and the overdue cases. In November a county administrator's home page
    # also asks whether next year's holiday calendar is entered: one query more. The finance
    # warnings ask for the loan policy and the loans due, and the projects waiting are
    # counted: three more. Assistance coverage reads the day its tally counts and sums the
    # tally, once for the region and once by child region; the quality index sums the
    # household tally and groups the open 疑点: five more (ADR 0022).
    with (
        time_machine.travel(date(2026, 11, 20), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get(reverse("reports:home"))
    assert len(queries) == 28, "\n".join(query["sql"][:120] for query in queries.captured_queries)


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
