"""登记为农户: an applicant no registered household matched becomes a household from the
case, pre-filled from the application, with a 户编号 the system generates; the household
page then shows its case under way."""

import dataclasses
from datetime import date

import pytest
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.monitoring import services
from fupin.monitoring.models import MonitoringCase, RiskClue
from fupin.monitoring.tests.conftest import register_household
from fupin.registry import codes
from fupin.registry.models import Household, Member, Region
from fupin.registry.services import MemberData, household_number_next
from fupin.registry.tests import factories
from tests.support import (
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    nothing_changes,
    scope_of,
)

APPLICANT_ID = factories.id_number(date(1985, 6, 15), male=True)


def _unregistered_application(
    name: str = "刘长山", id_number: str = APPLICANT_ID
) -> MonitoringCase:
    clue = services.clue_self_apply(
        name=name,
        id_number=id_number,
        phone="13700001234",
        village_code=VILLAGE,
        risk_types=[codes.RiskType.ILLNESS],
        description="父亲住院，医疗费用高",
        has_consent=True,
    )
    assert clue.case is not None
    assert clue.case.household_id is None
    return clue.case


def _head(name: str = "刘长山", id_number: str = APPLICANT_ID) -> MemberData:
    head = factories.member(name, codes.Relation.HEAD, date(1985, 6, 15), male=True)
    return dataclasses.replace(head, id_number=id_number)


def _register(actors: Actors, case: MonitoringCase) -> Household:
    return services.case_household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        case=case,
        data=factories.household("ignored", "ignored"),
        members=[_head()],
    )


def test_registering_the_applicant_generates_the_number_and_links_the_case(actors: Actors) -> None:
    case = _unregistered_application()
    household = _register(actors, case)
    # the number is the village code and the first running number, not what was passed
    assert household.number == f"{VILLAGE}00001"
    assert household.village_id == VILLAGE
    case.refresh_from_db()
    assert case.household_id == household.pk
    assert RiskClue.objects.get(case=case).household_id == household.pk
    assert Member.objects.get(household=household).id_number == APPLICANT_ID
    event = AuditEvent.objects.get(action="monitoring.case_household_register")
    assert event.changes == {"household": household.number}
    assert event.region_code == VILLAGE
    assert AuditEvent.objects.filter(action="registry.household_register").count() == 1


def test_generated_numbers_run_on_in_the_village_and_ignore_other_forms(actors: Actors) -> None:
    # given a household with a national-system number and one generated in another village
    register_household(actors, number="H-2016-001")
    register_household(actors, number="22012210120200007")
    first = _register(actors, _unregistered_application())
    second_id = factories.id_number(date(1990, 1, 2), male=False)
    second = services.case_household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        case=_unregistered_application("王桂芝", second_id),
        data=factories.household("", VILLAGE),
        members=[
            dataclasses.replace(
                factories.member("王桂芝", codes.Relation.HEAD, date(1990, 1, 2), male=False),
                id_number=second_id,
            )
        ],
    )
    assert (first.number, second.number) == (f"{VILLAGE}00001", f"{VILLAGE}00002")
    assert household_number_next(village=Region.objects.get(code=VILLAGE)) == f"{VILLAGE}00003"


def test_a_case_already_linked_is_refused(actors: Actors) -> None:
    case = _unregistered_application()
    _register(actors, case)
    case.refresh_from_db()
    with nothing_changes(case), pytest.raises(ApplicationError, match="已关联农户"):
        _register(actors, case)


def test_outside_the_scope_or_without_registry_rights_nothing_changes(actors: Actors) -> None:
    case = _unregistered_application()
    for actor, error in [
        (actors.other_village_officer, NotFoundError),
        (actors.township_reviewer, PermissionDeniedError),
    ]:
        with nothing_changes(case), pytest.raises(error):
            services.case_household_register(
                actor=actor,
                scope=scope_of(actor),
                case=case,
                data=factories.household("", VILLAGE),
                members=[_head()],
            )


def test_the_registry_refusal_changes_nothing(actors: Actors) -> None:
    # the person is already an active member of a registered household
    household = register_household(actors)
    head = household.members.get(relation=codes.Relation.HEAD)
    case = _unregistered_application("李四", APPLICANT_ID)
    with nothing_changes(case), pytest.raises(ApplicationError):
        services.case_household_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            case=case,
            data=factories.household("", VILLAGE),
            members=[_head(head.name, head.id_number)],
        )


def test_the_page_is_prefilled_and_personal_data_stays_masked(actors: Actors) -> None:
    case = _unregistered_application()
    url = reverse("monitoring:case-household-register", args=[case.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.village_officer: Expectation(
                200,
                shows=("刘长山", "137****1234"),
                hides=(APPLICANT_ID, "13700001234", 'name="number"'),
            ),
            actors.other_village_officer: Expectation(404, hides=("刘长山",)),
            actors.township_reviewer: Expectation(403, hides=("刘长山",)),
        },
    )
    # the case page offers it to the village
    detail = client_for(actors.village_officer).get(
        reverse("monitoring:case-detail", args=[case.pk])
    )
    assert url in detail.content.decode()


def test_saving_the_prefilled_page_keeps_the_applicants_numbers(actors: Actors) -> None:
    case = _unregistered_application()
    client = client_for(actors.village_officer)
    page = client.get(
        reverse("monitoring:case-household-register", args=[case.pk])
    ).content.decode()
    masked_id = page.split('name="head-id_number"')[1].split('value="')[1].split('"')[0]
    assert "*" in masked_id
    response = client.post(
        reverse("monitoring:case-household-register", args=[case.pk]),
        {
            "primary_cause": codes.PovertyCause.ILLNESS,
            "phone": "137****1234",
            "head-name": "刘长山",
            "head-id_number": masked_id,
            "head-relation": codes.Relation.HEAD,
            "head-ethnicity": codes.Ethnicity.HAN,
            "head-schooling": codes.Schooling.NOT_IN_SCHOOL,
            "head-health": codes.Health.HEALTHY,
            "head-migrant_work": codes.MigrantWork.NONE,
            "head-migrant_months": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get()
    assert household.number == f"{VILLAGE}00001"
    assert household.phone == "13700001234"
    assert household.members.get().id_number == APPLICANT_ID
    follow = client.get(response["Location"]).content.decode()
    assert f"已登记为农户，户编号 {VILLAGE}00001" in follow
    assert "case-household-register" not in follow


def test_the_household_page_shows_its_case_under_way(actors: Actors) -> None:
    case = _unregistered_application()
    household = _register(actors, case)
    url = reverse("monitoring:household-cases", args=[household.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.village_officer: Expectation(200, shows=("识别中", f"#{case.pk}", "待入户核实")),
            actors.township_reviewer: Expectation(200, shows=("识别中",)),
            actors.other_village_officer: Expectation(404, hides=("识别中",)),
        },
    )
    page = client_for(actors.village_officer).get(
        reverse("registry:household-detail", args=[household.pk])
    )
    assert url in page.content.decode()


def test_a_household_without_cases_shows_nothing_under_way(actors: Actors) -> None:
    household = register_household(actors)
    body = (
        client_for(actors.village_officer)
        .get(reverse("monitoring:household-cases", args=[household.pk]))
        .content.decode()
    )
    assert "识别中" not in body
    assert "风险消除中" not in body
