"""待办: households still without a responsible cadre, counted in working days from their
identification, and visits coming due or overdue, orange and red."""

from datetime import date

import pytest
from django.urls import reverse

from fupin.accounts.models import User
from fupin.assistance import services
from fupin.assistance.models import AssistanceSetting
from fupin.assistance.tests.conftest import monitored_household
from fupin.registry.models import Household, HouseholdStatusEvent
from tests.support import Actors, Expectation, assert_scope_matrix, client_for, scope_of


def test_missing_cadre_is_red_after_the_working_days_allowed(
    actors: Actors, household: Household, holiday_calendar: None
) -> None:
    # identified on 2025-03-15 (a Saturday): five working days end on 2025-03-21
    assert_scope_matrix(
        lambda client: client.get(reverse("monitoring:todo")),
        {
            actors.village_officer: Expectation(
                200, shows=("待落实帮扶责任人", "落实责任人已超期 · 2025-03-21")
            ),
            actors.county_admin: Expectation(200, shows=("220122101201001",)),
            actors.township_reviewer: Expectation(200, hides=("待落实帮扶责任人",)),
            actors.other_county_admin: Expectation(200, hides=("220122101201001",)),
        },
    )


def test_province_rule_changes_the_days(
    actors: Actors, household: Household, holiday_calendar: None
) -> None:
    AssistanceSetting.objects.create(
        region_code="22",
        max_households_per_cadre=10,
        assign_working_days=300,
        min_measures_per_household=2,
        min_development_measures=1,
        visit_days_by_level={"": 30},
        risk_coverage={},
    )
    body = Expectation(200, shows=("待落实帮扶责任人",), hides=("落实责任人已超期",))
    assert_scope_matrix(
        lambda client: client.get(reverse("monitoring:todo")), {actors.village_officer: body}
    )


def test_visits_overdue_and_approaching_show_for_the_cadre(
    actors: Actors, cadre_user: User, assigned: Household, holiday_calendar: None
) -> None:
    url = reverse("monitoring:todo")
    # assigned on 2025-03-20 with no visit since: far past the monthly visit
    assert_scope_matrix(
        lambda client: client.get(url),
        {cadre_user: Expectation(200, shows=("走访已超期 · 2025-04-19",))},
    )
    services.visit_record(
        actor=cadre_user,
        scope=scope_of(cadre_user),
        household=assigned,
        client_token="v-1",
        visited_on=date(2025, 10, 13),
        met_person="张建国",
    )
    # due 2025-11-12, two days from today: orange
    assert_scope_matrix(
        lambda client: client.get(url),
        {cadre_user: Expectation(200, shows=("走访临期 · 2025-11-12",), hides=("走访已超期",))},
    )


def test_overdue_visits_show_on_the_township_s_list_but_not_another_county_s(
    actors: Actors, assigned: Household, holiday_calendar: None
) -> None:
    overdue = "走访已超期 · 2025-04-19"
    assert_scope_matrix(
        lambda client: client.get(reverse("monitoring:todo")),
        {
            actors.township_reviewer: Expectation(200, shows=(overdue, assigned.number)),
            actors.county_admin: Expectation(200, shows=(overdue,)),
            actors.other_county_admin: Expectation(200, hides=(overdue, assigned.number)),
        },
    )


def test_a_long_wait_list_shows_the_most_urgent_and_counts_the_rest(
    actors: Actors, household: Household, holiday_calendar: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given two households waiting for a cadre, the other identified two months earlier
    earlier = monitored_household(actors, "220122101201002")
    HouseholdStatusEvent.objects.filter(
        household=earlier, kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
    ).update(occurred_on=date(2025, 1, 10))
    # and a page that lists one of each kind
    monkeypatch.setattr("fupin.monitoring.assistance_todo.AGENDA_ROWS", 1)
    body = client_for(actors.county_admin).get(reverse("monitoring:todo")).content.decode()
    # then it lists the earlier one, due first, and counts both
    assert "共 2 户，其中已超期 2 户。" in body
    assert "按期限先后列出最紧迫的 1 户。" in body
    assert "220122101201002" in body
    assert household.number not in body
