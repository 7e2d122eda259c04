"""Risk clues from the four channels, and duplicates merged instead of opened twice."""

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.monitoring import services
from fupin.monitoring.models import Channel, ClueStatus, MonitoringCase, RiskClue
from fupin.monitoring.tests.conftest import (
    head_id_number,
    register_household,
    self_apply,
)
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors, nothing_changes, scope_of


def test_receipt_numbers_are_dated_and_random(household: Household) -> None:
    case = self_apply(household)
    receipt = case.clues.get().receipt_number
    assert receipt.startswith("SQ20251110")
    assert len(receipt) == 16


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "220122197005010000", "校验"),
        ("phone", "1234", "手机号码"),
        ("has_consent", False, "授权"),
        ("risk_types", [], "风险类型"),
        ("village_code", "220122101", "所在村"),
    ],
)
def test_self_application_checks_its_input(
    regions: None, field: str, value: object, message: str
) -> None:
    values: dict[str, object] = {
        "name": "刘桂芝",
        "id_number": "11010519491231002X",
        "phone": "13800001111",
        "village_code": VILLAGE,
        "risk_types": [codes.RiskType.ACCIDENT],
        "description": "家中失火",
        "has_consent": True,
        field: value,
    }
    with nothing_changes(), pytest.raises(ApplicationError, match=message):
        services.clue_self_apply(**values)  # type: ignore[arg-type]
    assert RiskClue.objects.count() == 0


def test_an_unregistered_applicant_opens_a_case_without_a_household(regions: None) -> None:
    clue = services.clue_self_apply(
        name="刘桂芝",
        id_number="11010519491231002X",
        phone="13800001111",
        village_code=VILLAGE,
        risk_types=[codes.RiskType.ACCIDENT],
        description="家中失火",
        has_consent=True,
    )
    assert clue.household is None
    assert clue.case is not None
    assert clue.case.applicant_name == "刘桂芝"


def test_duplicate_clues_are_merged_into_the_open_one(actors: Actors, household: Household) -> None:
    # given a farmer's application in progress
    case = self_apply(household)
    # when a cadre, a department and the farmer again report the same household
    cadre = services.clue_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        risk_types=[codes.RiskType.ILLNESS],
        description="走访发现",
    )
    department = services.clue_from_department(
        actor=None,
        department="县医保局",
        household=household,
        risk_types=[codes.RiskType.ILLNESS],
        description="年度自付医疗费用超过 2 万元",
    )
    again = services.clue_self_apply(
        name="张建国",
        id_number=head_id_number(household),
        phone="13800001111",
        village_code=VILLAGE,
        risk_types=[codes.RiskType.ILLNESS],
        description="再次申请",
        has_consent=True,
    )
    # then they all join the one case
    assert MonitoringCase.objects.count() == 1
    original = case.clues.get(merged_into__isnull=True)
    for clue in (cadre, department, again):
        assert clue.status == ClueStatus.MERGED
        assert clue.merged_into == original
        assert clue.case == case
    assert AuditEvent.objects.filter(action="monitoring.clue_merge").count() == 3


def test_system_warnings_open_clues_once_and_merge_into_open_cases(
    actors: Actors, household: Household
) -> None:
    eligible_new = register_household(actors, "220122101201002")
    already_applied = register_household(actors, "220122101201003")
    not_eligible = register_household(actors, "220122101201004")
    factories.assessed_level(
        [household.pk, eligible_new.pk, already_applied.pk], is_monitoring_eligible=True
    )
    factories.assessed_level([not_eligible.pk], is_monitoring_eligible=False)
    self_apply(already_applied)
    county = scope_of(actors.county_admin)

    first = services.clues_from_assessment(
        actor=actors.county_admin, scope=county, region_code=VILLAGE
    )
    again = services.clues_from_assessment(
        actor=actors.county_admin, scope=county, region_code=VILLAGE
    )

    assert (first.opened, first.merged) == (2, 1)
    assert (again.opened, again.merged) == (0, 0)
    assert MonitoringCase.objects.count() == 3
    assert RiskClue.objects.filter(channel=Channel.SYSTEM).count() == 3
    assert not RiskClue.objects.filter(household=not_eligible).exists()


def test_only_county_staff_generate_system_warnings(actors: Actors, household: Household) -> None:
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        services.clues_from_assessment(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            region_code=VILLAGE,
        )


def test_cadre_clues_belong_to_the_village(actors: Actors, household: Household) -> None:
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        services.clue_register(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            household=household,
            risk_types=[codes.RiskType.ILLNESS],
            description="",
        )
    with nothing_changes(), pytest.raises(ApplicationError):
        services.clue_register(
            actor=actors.other_village_officer,
            scope=scope_of(actors.other_village_officer),
            household=household,
            risk_types=[codes.RiskType.ILLNESS],
            description="",
        )
    assert RiskClue.objects.count() == 0
