"""Risk elimination: blocked by each assessment guard with its reason, allowed when none
applies, and carried through the same chain to the registry's 风险消除 event."""

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection

from fupin.assessment.models import AssessmentOutcome, AssessmentRun, RuleSetRecord
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.monitoring import services
from fupin.monitoring.models import CaseKind, CaseState, MonitoringCase
from fupin.monitoring.tests.conftest import advance
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent
from fupin.registry.services import household_status_record
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors, nothing_changes, scope_of

# A monitored household whose latest assessment passes every elimination guard.
GOOD_FACTS: dict[str, Any] = {
    "region_code": VILLAGE,
    "year": 2025,
    "household_type": "monitored",
    "members": 3,
    "per_capita_net_income": 15000.0,
    "compliant_out_of_pocket": 0.0,
    "food_insecure": False,
    "clothing_insecure": False,
    "housing_unsafe": False,
    "dropout_child": False,
    "water_unsafe": False,
    "member_uninsured": False,
    "risk_types": [],
    "whole_household_no_labor": False,
    "labor_members": 2,
    "sudden_hardship": False,
    "identified_month": "2024-03",
    "months_income_above_line": 12,
    "development_measures": 1,
    "monitoring_category": "marginal",
    "as_of_month": "2025-10",
}


@pytest.fixture
def monitored(actors: Actors, household: Household) -> Household:
    household_status_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=date(2024, 3, 15),
        monitoring_category=codes.MonitoringCategory.MARGINAL,
        identified_month="202403",
        risk_types=[codes.RiskType.ILLNESS],
    )
    household.refresh_from_db()
    return household


def assessed(household: Household, baseline: RuleSetRecord, **facts: Any) -> None:
    # 监测范围 and 扶贫标准 as a run records them for the region (test values).
    lines = {"monitoring_line": 7000, "poverty_line": 4000}
    run = AssessmentRun.objects.create(
        rule_set=baseline, region_code=VILLAGE, year=2025, parameters={"": lines}, households=1
    )
    AssessmentOutcome.objects.create(
        run=run,
        household=household,
        monitoring_eligible=False,
        elimination_eligible=False,
        exit_ok=True,
        facts={**GOOD_FACTS, "household_id": household.pk, **facts},
    )


def _propose(actors: Actors, household: Household, method: str = "assisted") -> MonitoringCase:
    return services.elimination_propose(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        elimination_method=method,
        reason="务工收入稳定，医疗费用已报销",
    )


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"whole_household_no_labor": True}, "整户无劳动能力兜底保障户"),
        ({"identified_month": "2025-09"}, "识别后帮扶消除过快"),
        ({"months_income_above_line": 3}, "收入稳定超过监测范围的时间不足"),
        ({"per_capita_net_income": 5000.0}, "人均纯收入未超过监测范围"),
        ({"housing_unsafe": True}, "“两不愁三保障”或饮水安全问题未解决"),
        ({"food_insecure": None}, "“两不愁三保障”和饮水安全情况未核实"),
    ],
)
def test_elimination_is_blocked_by_each_guard_with_its_reason(
    actors: Actors, monitored: Household, baseline: RuleSetRecord, facts: Any, reason: str
) -> None:
    assessed(monitored, baseline, **facts)
    with nothing_changes(), pytest.raises(ApplicationError, match=reason) as error:
        _propose(actors, monitored)
    assert error.value.code == "elimination_blocked"
    assert MonitoringCase.objects.count() == 0


def test_too_soon_after_identification_blocks_assisted_but_not_natural_elimination(
    actors: Actors, monitored: Household, baseline: RuleSetRecord
) -> None:
    # identified a month before the assessment month: too soon for 帮扶消除 only
    assessed(monitored, baseline, identified_month="2025-09", months_income_above_line=12)
    with nothing_changes(), pytest.raises(ApplicationError, match="识别后帮扶消除过快"):
        _propose(actors, monitored, method="assisted")
    case = _propose(actors, monitored, method="natural")
    assert (case.kind, case.elimination_method) == (CaseKind.ELIMINATION, "natural")


def test_elimination_needs_an_assessment(actors: Actors, monitored: Household) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="尚无监测评估结果"):
        _propose(actors, monitored)


def test_only_monitored_households_are_eliminated(
    actors: Actors, household: Household, baseline: RuleSetRecord
) -> None:
    assessed(household, baseline)
    with nothing_changes(), pytest.raises(ApplicationError, match="只有监测对象"):
        _propose(actors, household)


def test_township_cannot_propose(
    actors: Actors, monitored: Household, baseline: RuleSetRecord
) -> None:
    assessed(monitored, baseline)
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        services.elimination_propose(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            household=monitored,
            elimination_method="natural",
            reason="稳定",
        )


def test_elimination_without_guards_goes_through_the_chain_to_the_status_event(
    actors: Actors, monitored: Household, baseline: RuleSetRecord, clock: Any
) -> None:
    assessed(monitored, baseline)
    case = _propose(actors, monitored, method="natural")
    assert (case.kind, case.state) == (CaseKind.ELIMINATION, CaseState.VISIT)
    with nothing_changes(), pytest.raises(ApplicationError, match="已有办理中"):
        _propose(actors, monitored)
    # elimination has no 信息比对: visit → review
    services.case_visit_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        case=case,
        visited_on=date(2025, 11, 10),
        visitors="王书记",
        findings="收入稳定",
        has_consent=False,
    )
    case.refresh_from_db()
    assert case.state == CaseState.REVIEW
    advance(case, actors, CaseState.COMPLETED, clock)
    monitored.refresh_from_db()
    assert monitored.status == HouseholdStatus.RISK_ELIMINATED
    event = monitored.status_events.get(kind=HouseholdStatusEvent.Kind.RISK_ELIMINATED)
    assert event.elimination_method == codes.EliminationMethod.NATURAL


def test_eliminations_from_assessment_skip_guarded_and_open_ones(
    actors: Actors, monitored: Household, baseline: RuleSetRecord
) -> None:
    assessed(monitored, baseline)
    factories.assessed_level([monitored.pk], is_elimination_eligible=True)
    county = scope_of(actors.county_admin)
    assert (
        services.eliminations_from_assessment(
            actor=actors.county_admin, scope=county, region_code=VILLAGE, method="assisted"
        )
        == 1
    )
    assert (
        services.eliminations_from_assessment(
            actor=actors.county_admin, scope=county, region_code=VILLAGE, method="assisted"
        )
        == 0
    )


@pytest.mark.django_db(transaction=True)
def test_two_proposals_at_once_open_one_elimination_case(
    actors: Actors, monitored: Household, baseline: RuleSetRecord
) -> None:
    # Given a monitored household that may be eliminated
    assessed(monitored, baseline)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def propose() -> None:
        try:
            start.wait()
            _propose(actors, monitored)
            outcomes.append("opened")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    # When two cadres propose it at the same moment
    threads = [threading.Thread(target=propose) for _index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then the second waits for the first and is refused as a duplicate: one case
    assert sorted(outcomes) == sorted(["opened", "该户已有办理中的风险消除事项。"])
    assert MonitoringCase.objects.filter(kind=CaseKind.ELIMINATION).count() == 1
