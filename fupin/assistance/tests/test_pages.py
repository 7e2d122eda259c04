"""Assistance pages: the household section, 我的帮扶户, the visit form (with the phone's
JSON retries), measures and risks, and assignment of one household or a selection — each
for the actors who may and may not use it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.accounts.models import User
from fupin.assistance import services
from fupin.assistance.models import (
    Cadre,
    CadreAssignment,
    Measure,
    MonthlyIncome,
    RiskRecord,
    Visit,
)
from fupin.assistance.tests.conftest import monitored_household
from fupin.audit.models import AuditEvent
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import Actors, Expectation, assert_scope_matrix, client_for, scope_of


def _section(household: Household) -> str:
    return reverse("assistance:household-section", args=[household.pk])


def test_household_section_scope_matrix(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    assert_scope_matrix(
        lambda client: client.get(_section(assigned)),
        {
            actors.village_officer: Expectation(200, shows=("王志强", "落实帮扶责任人")),
            cadre_user: Expectation(200, shows=("王志强", "记录走访"), hides=("落实帮扶责任人",)),
            actors.township_reviewer: Expectation(200, shows=("王志强",), hides=("记录走访",)),
            actors.other_village_officer: Expectation(404, hides=("王志强",)),
            actors.other_county_admin: Expectation(404, hides=("王志强",)),
            actors.no_role: Expectation(403),
            None: Expectation(302),
        },
    )


def test_cadre_sees_nothing_of_a_household_not_theirs(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    neighbour = monitored_household(actors, "220122101201002")
    response = client_for(cadre_user).get(_section(neighbour))
    assert (response.status_code, response.content) == (200, b"")
    visit = client_for(cadre_user).get(reverse("assistance:visit-create", args=[neighbour.pk]))
    assert visit.status_code == 404


def test_plan_gaps_show_in_red_until_the_plan_is_complete(
    actors: Actors, assigned: Household
) -> None:
    client = client_for(actors.village_officer)
    body = client.get(_section(assigned)).content.decode()
    assert 'data-testid="plan-gaps"' in body
    assert "有劳动能力的张建国尚无开发式帮扶措施" in body
    scope = scope_of(actors.village_officer)
    head = assigned.members.get(relation=codes.Relation.HEAD)
    for category, member in (("100A40", head), ("100A45", None)):
        services.measure_add(
            actor=actors.village_officer,
            scope=scope,
            household=assigned,
            year=2025,
            member=member,
            category_code=category,
            subtype="措施",
            responsible_unit="县人社局",
            started_on=date(2025, 4, 1),
        )
    body = client.get(_section(assigned)).content.decode()
    assert 'data-testid="plan-gaps"' not in body
    assert 'data-testid="plan-complete"' in body


def test_my_households_lists_the_cadre_households_only(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    monitored_household(actors, "220122101201002")
    url = reverse("assistance:my-households")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            cadre_user: Expectation(
                200, shows=("220122101201001", "走访已超期"), hides=("220122101201002",)
            ),
            actors.village_officer: Expectation(
                200, shows=("尚未关联帮扶责任人",), hides=("220122101201001",)
            ),
            None: Expectation(302),
        },
    )


def _visit_data(draft: str = "t-1") -> dict[str, object]:
    return {
        "client_token": draft,
        "visited_on": "2025-11-08",
        "met_person": "李秀兰",
        "household_income": "2100",
        "problems": "",
        "photos": SimpleUploadedFile("门口.jpg", b"\xff\xd8\xff0000", content_type="image/jpeg"),
    }


def test_visit_form_answers_the_phone_script_in_json_and_is_idempotent(
    cadre_user: User, assigned: Household
) -> None:
    client = client_for(cadre_user)
    url = reverse("assistance:visit-create", args=[assigned.pk])
    assert "visit_form.js" in client.get(url).content.decode()
    first = client.post(url, _visit_data(), HTTP_X_FUPIN_DRAFT="1")
    again = client.post(url, _visit_data(), HTTP_X_FUPIN_DRAFT="1")
    assert first.json() == {"saved": True, "url": reverse("assistance:my-households")}
    assert again.json() == first.json()
    visit = Visit.objects.get()
    assert (visit.met_person, visit.photos.count()) == ("李秀兰", 1)


def test_visit_form_errors_come_back_by_field(cadre_user: User, assigned: Household) -> None:
    client = client_for(cadre_user)
    url = reverse("assistance:visit-create", args=[assigned.pk])
    data = {**_visit_data(), "met_person": "", "visited_on": "2025-12-01"}
    response = client.post(url, data, HTTP_X_FUPIN_DRAFT="1")
    assert response.status_code == 400
    assert response.json()["errors"]["met_person"]
    assert Visit.objects.count() == 0


def test_visit_form_without_script_redirects(cadre_user: User, assigned: Household) -> None:
    response = client_for(cadre_user).post(
        reverse("assistance:visit-create", args=[assigned.pk]), _visit_data("t-2")
    )
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("assistance:my-households"),
    )


def test_measure_form_refuses_an_end_before_the_start(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    url = reverse("assistance:measure-create", args=[assigned.pk])
    data = {
        "category_code": "100A39",
        "subtype": "肉牛养殖",
        "responsible_unit": "农安县畜牧站",
        "started_on": "2025-05-01",
        "ended_on": "2025-04-01",
        "status": "in_place",
    }
    response = client_for(cadre_user).post(url, data)
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert Measure.objects.count() == 0
    response = client_for(cadre_user).post(url, {**data, "ended_on": ""})
    assert response.status_code == 302
    assert Measure.objects.get().is_development is True
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.township_reviewer: Expectation(403),
            actors.other_county_admin: Expectation(404),
            None: Expectation(302),
        },
    )


def test_risk_is_resolved_from_its_page(actors: Actors, assigned: Household) -> None:
    client = client_for(actors.village_officer)
    response = client.post(
        reverse("assistance:risk-create", args=[assigned.pk]),
        {"risk_type": "5", "found_on": "2025-06-01", "source": "visit"},
    )
    assert response.status_code == 302
    risk = RiskRecord.objects.get(risk_type="5")
    response = client.post(
        reverse("assistance:risk-resolve", args=[risk.pk]),
        {"resolved_on": "2025-07-01", "resolution": "保险理赔到位"},
    )
    risk.refresh_from_db()
    assert (response.status_code, risk.resolved_on) == (302, date(2025, 7, 1))


@pytest.mark.parametrize("count", [1, 2])
def test_assign_one_household_or_a_selection(
    actors: Actors, cadre: Cadre, household: Household, count: int
) -> None:
    households = [household, monitored_household(actors, "220122101201002")][:count]
    query = "&".join(f"household={row.pk}" for row in households)
    url = reverse("assistance:assign") + "?" + query
    client: Client = client_for(actors.county_admin)
    assert "落实帮扶责任人" in client.get(url).content.decode()
    response = client.post(
        reverse("assistance:assign"),
        {
            "household": [row.pk for row in households],
            "cadre": cadre.pk,
            "started_on": "2025-04-01",
        },
    )
    assert response.status_code == 302
    assert CadreAssignment.objects.filter(cadre=cadre).count() == count
    assert AuditEvent.objects.filter(action="assistance.cadre_assign").count() == count


def test_assign_is_refused_to_the_township_and_outside_the_scope(
    actors: Actors, household: Household
) -> None:
    url = reverse("assistance:assign") + f"?household={household.pk}"
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.township_reviewer: Expectation(403),
            actors.other_county_admin: Expectation(404),
            None: Expectation(302),
        },
    )


def test_household_list_offers_the_assignment_to_offices_only(
    actors: Actors, household: Household
) -> None:
    # every role may tick households (to export or print them); only offices assign
    url = reverse("registry:household-list")
    checkbox = f"选择 {household.number}"
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.county_admin: Expectation(200, shows=(checkbox, "为选中农户落实帮扶责任人")),
            actors.township_reviewer: Expectation(
                200, shows=(checkbox,), hides=("为选中农户落实帮扶责任人",)
            ),
        },
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_households_and_the_section_read_a_fixed_number_of_queries(
    actors: Actors, cadre: Cadre, cadre_user: User, assigned: Household
) -> None:
    scope = scope_of(actors.county_admin)

    def add_measure() -> None:
        services.measure_add(
            actor=actors.county_admin,
            scope=scope,
            household=assigned,
            year=2025,
            category_code="100A45",
            subtype="家庭医生签约",
            responsible_unit="县卫健局",
            started_on=date(2025, 4, 1),
        )

    add_measure()
    client = client_for(cadre_user)
    mine = reverse("assistance:my-households")
    section = _section(assigned)
    client.get(mine)  # warm the session
    before = (_queries(client, mine), _queries(client, section))
    # two more households and three more measures
    for number in ("220122101201002", "220122101201003"):
        more = monitored_household(actors, number)
        services.cadre_assign(
            actor=actors.county_admin,
            scope=scope,
            cadre=cadre,
            households=[more],
            started_on=date(2025, 4, 1),
        )
    for _ in range(3):
        add_measure()
    after = (_queries(client, mine), _queries(client, section))
    assert after == before
    # the visit dates from plain values, then the households shown: one query each
    assert before[0] <= 10


def test_county_registers_a_cadre_linked_to_a_login(actors: Actors, cadre_user: User) -> None:
    url = reverse("assistance:cadre-list")
    data = {
        "name": "刘海燕",
        "unit": "伏龙泉镇人民政府",
        "post": "副镇长",
        "phone": "13600005678",
        "level": "town",
        "region_code": "220122101",
        "username": "cadre_wang",
    }
    client = client_for(actors.county_admin)
    # an account that is not a cadre's is refused with the reason, nothing written
    refused = client.post(url, {**data, "username": "township"})
    assert "不是本区域的帮扶责任人账号" in refused.content.decode()
    assert not Cadre.objects.exists()
    assert client.post(url, data).status_code == 302
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.user) == ("刘海燕", cadre_user)
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.county_admin: Expectation(
                200, shows=("刘海燕", "136****5678"), hides=("13600005678",)
            ),
            actors.village_officer: Expectation(200, hides=("刘海燕",)),
            actors.township_reviewer: Expectation(403),
            actors.other_county_admin: Expectation(200, hides=("刘海燕",)),
            None: Expectation(302),
        },
    )


def test_village_work_team_roster(actors: Actors) -> None:
    url = reverse("assistance:work-team")
    data = {
        "region_code": "220122101201",
        "name": "赵晓东",
        "unit": "吉林省财政厅",
        "post": "first_secretary",
        "phone": "13500001111",
        "started_on": "2025-05-01",
    }
    response = client_for(actors.village_officer).post(url, data)
    assert response.status_code == 302
    assert_scope_matrix(
        lambda client: client.get(url, {"village": "220122101201"}),
        {
            actors.county_admin: Expectation(200, shows=("赵晓东", "第一书记", "在任")),
            actors.other_county_admin: Expectation(200, hides=("赵晓东",)),
            actors.township_reviewer: Expectation(403),
        },
    )


def test_monthly_income_is_entered_from_its_page(actors: Actors, assigned: Household) -> None:
    url = reverse("assistance:income-create", args=[assigned.pk])
    client = client_for(actors.village_officer)
    future = client.post(url, {"month": "2026-01", "amount": "2000"})
    assert "不能登记未来月份的收入" in future.content.decode()
    assert client.post(url, {"month": "2025-10", "amount": "2000"}).status_code == 302
    assert list(MonthlyIncome.objects.values_list("month", "amount")) == [
        (date(2025, 10, 1), Decimal("2000.00"))
    ]
    assert_scope_matrix(
        lambda client: client.get(url),
        {actors.township_reviewer: Expectation(403), actors.other_county_admin: Expectation(404)},
    )


def test_the_printed_card_shows_the_cadre_and_this_year_s_measures_to_those_in_scope(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    url = reverse("assistance:household-card-section", args=[assigned.pk])
    card = client_for(actors.village_officer).get(
        reverse("registry:household-card", args=[assigned.pk])
    )
    assert url in card.content.decode()
    services.measure_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=assigned,
        year=2025,
        member=None,
        category_code="100A45",
        subtype="光伏收益分配",
        responsible_unit="县乡村振兴局",
        started_on=date(2025, 4, 1),
    )
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.village_officer: Expectation(
                200, shows=("王志强", "光伏收益分配", "县乡村振兴局")
            ),
            actors.township_reviewer: Expectation(200, shows=("王志强", "光伏收益分配")),
            actors.other_county_admin: Expectation(404, hides=("王志强", "光伏收益分配")),
            None: Expectation(302),
        },
    )
