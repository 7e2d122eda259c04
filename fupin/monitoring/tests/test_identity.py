"""A farmer's own application joins a registered household only when ID number and name
match a member of that county; anything else is a case for the village to verify. The
anonymous applicant learns nothing about the household from any answer."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.monitoring import services
from fupin.monitoring.models import CaseState, IdentityCheck, MonitoringCase, RiskClue
from fupin.monitoring.selectors import person_name_key
from fupin.monitoring.tests.conftest import advance, head_id_number, self_apply
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus
from tests.support import OTHER_VILLAGE, VILLAGE, Actors, Expectation, assert_scope_matrix

OTHER_COUNTY_VILLAGE = "220112100201"


def _apply(household: Household, *, name: str, village_code: str = VILLAGE) -> RiskClue:
    return services.clue_self_apply(
        name=name,
        id_number=head_id_number(household),
        phone="13800002222",
        village_code=village_code,
        risk_types=[codes.RiskType.ACCIDENT],
        description="家中失火",
        has_consent=True,
    )


@pytest.mark.parametrize(
    ("name", "village_code", "check"),
    [
        ("王小二", VILLAGE, IdentityCheck.NAME_MISMATCH),
        ("王小二", OTHER_VILLAGE, IdentityCheck.NAME_MISMATCH),
        ("张建国", OTHER_COUNTY_VILLAGE, IdentityCheck.OTHER_COUNTY),
        ("王小二", OTHER_COUNTY_VILLAGE, IdentityCheck.NAME_AND_COUNTY),
    ],
)
def test_someone_elses_id_number_opens_a_case_to_verify_never_joins_the_household(
    household: Household, name: str, village_code: str, check: IdentityCheck
) -> None:
    # given the household's own case in progress
    own_case = self_apply(household)
    # when someone applies with the head's ID number but another name or county
    clue = _apply(household, name=name, village_code=village_code)
    # then the application is neither linked to the household nor merged into its case
    assert clue.household is None
    assert clue.merged_into is None
    assert clue.case is not None
    assert clue.case != own_case
    assert clue.case.household is None
    assert clue.case.village_id == village_code
    assert clue.case.applicant_name == name
    assert clue.identity_check == check
    assert clue.registered_member == household.members.get(relation=codes.Relation.HEAD)
    assert own_case.clues.count() == 1
    event = AuditEvent.objects.get(action="monitoring.clue_self_apply", subject_id=str(clue.pk))
    assert event.changes["identity_check"] == check


@pytest.mark.parametrize("written", ["张建国", " 张 建国 ", "张建国\u3000", "张\u00a0建国"])
def test_the_same_name_written_with_spaces_matches(household: Household, written: str) -> None:
    clue = _apply(household, name=written)
    assert clue.identity_check == IdentityCheck.MATCHED
    assert clue.household == household


def test_minority_names_match_whatever_middle_dot_is_typed() -> None:
    assert person_name_key("阿依古丽·买买提") == person_name_key("阿依古丽•买买提")
    assert person_name_key("阿依古丽·买买提") == person_name_key("阿依古丽．买买提")
    assert person_name_key("阿依古丽·买买提") != person_name_key("阿依古丽")


def test_the_same_impostor_twice_joins_their_own_case_not_the_household(
    household: Household,
) -> None:
    first = _apply(household, name="王小二")
    again = _apply(household, name="王 小二")
    assert again.merged_into == first
    assert MonitoringCase.objects.filter(household=household).count() == 0


@pytest.mark.parametrize("status", [HouseholdStatus.MONITORED, HouseholdStatus.CANCELLED])
def test_a_household_that_cannot_be_identified_again_is_left_for_the_village(
    household: Household, status: HouseholdStatus
) -> None:
    Household.objects.filter(pk=household.pk).update(status=status)
    clue = _apply(household, name="张建国")
    assert clue.household is None
    assert clue.case is not None
    assert clue.case.household is None
    assert clue.identity_check == IdentityCheck.HOUSEHOLD_STATUS


def _public_answers(*, name: str, id_number: str) -> str:
    """Every page an anonymous applicant sees after applying, with the receipt number and
    the receipt's date removed. Each applicant comes from an address of their own, so the
    rate limit does not answer instead."""
    client = Client(
        REMOTE_ADDR=f"10.9.{RiskClue.objects.count() // 200}.{RiskClue.objects.count() % 200}"
    )
    response = client.post(
        reverse("monitoring:apply") + f"?village={VILLAGE}",
        {
            "name": name,
            "id_number": id_number,
            "phone": "13800002222",
            "village_code": VILLAGE,
            "risk_types": [codes.RiskType.ACCIDENT],
            "description": "家中失火",
            "has_consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    done = client.get(response["Location"]).content.decode()
    number = re.search(r"SQ\d{8}[A-Z0-9]{6}", done)
    assert number is not None
    receipt = client.get(
        reverse("monitoring:receipt"), {"number": number.group(), "id_tail": id_number[-4:]}
    )
    assert receipt.status_code == 200
    pages = f"{response.status_code}|{done}|{receipt.content.decode()}"
    pages = re.sub(r"[A-Za-z0-9]{64}", "", pages)  # CSRF tokens
    pages = pages.replace(f"id_tail={id_number[-4:]}", "").replace(f'"{id_number[-4:]}"', "")
    return re.sub(r"SQ\d{8}[A-Z0-9]{6}|\d{4}-\d{2}-\d{2}", "…", pages)


def test_the_applicant_learns_nothing_about_the_households_status(
    actors: Actors, household: Household, clock: Any
) -> None:
    id_number = head_id_number(household)
    # the answer for an ID number nobody registered is the reference
    reference = _public_answers(name="刘桂芝", id_number="11010519491231002X")
    assert "待入户核实" in reference
    answers: dict[str, str] = {}
    for status in HouseholdStatus:
        Household.objects.filter(pk=household.pk).update(status=status)
        for name in ("张建国", "王小二"):
            answers[f"{status}/{name}"] = _public_answers(name=name, id_number=id_number)
            # each situation starts without an open case to join
            MonitoringCase.objects.update(state=CaseState.REJECTED)
    # and while the household's own case is far along
    Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.EXITED)
    case = self_apply(household)
    advance(case, actors, CaseState.COUNTY, clock)
    answers["case-at-county"] = _public_answers(name="张建国", id_number=id_number)
    assert RiskClue.objects.filter(id_number=id_number, merged_into__isnull=False).exists()
    for label in HouseholdStatus.labels:
        assert all(str(label) not in answer for answer in answers.values()), label
    for situation, answer in answers.items():
        assert answer == reference, situation


def test_the_case_shows_the_mismatch_to_those_who_may_see_personal_data(
    actors: Actors, household: Household
) -> None:
    clue = _apply(household, name="王小二")
    assert clue.case is not None
    url = reverse("monitoring:case-detail", args=[clue.case.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.village_officer: Expectation(
                200,
                shows=("clue-identity-detail", "姓名与登记不符", "王小二", household.number),
            ),
            actors.county_admin: Expectation(
                200, shows=("clue-identity-detail", "姓名与登记不符", household.number)
            ),
            # the auditor sees the case but not whose identity was used
            actors.auditor: Expectation(
                200, shows=("clue-identity",), hides=("clue-identity-detail", household.number)
            ),
            actors.other_village_officer: Expectation(404),
        },
    )


def test_a_mismatch_from_another_county_does_not_show_that_countys_household(
    actors: Actors, household: Household
) -> None:
    clue = _apply(household, name="王小二", village_code=OTHER_COUNTY_VILLAGE)
    assert clue.case is not None
    url = reverse("monitoring:case-detail", args=[clue.case.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.other_county_admin: Expectation(
                200,
                shows=("clue-identity-detail", "管辖范围以外"),
                hides=(household.number, "张建国"),
            ),
            actors.county_admin: Expectation(404),
        },
    )
