"""The loop closes: the assessment's facts come from assistance records, so measures in
place, resolved risks and recorded months of income decide elimination."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fupin.accounts.models import User
from fupin.assessment.rules.definition import default_rule_set
from fupin.assessment.services import assessment_evaluate
from fupin.assistance import services
from fupin.assistance.models import MeasureStatus, RiskRecord
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.services import household_year_record
from tests.support import Actors, scope_of

# The tests' monitoring line 7,000 元/人·年; three members: 1,750 元 a month is the line.
ABOVE = Decimal(2000)
BELOW = Decimal(1000)


@pytest.fixture(autouse=True)
def _lines(policy_lines: None) -> None:
    """The 监测范围 and 扶贫标准 a region sets for the year (test values)."""


def _outcome(household: Household) -> dict[str, Any]:
    facts, results, _used = assessment_evaluate(
        rule_set=default_rule_set(),
        region_code=household.village_id,
        year=2025,
        household_ids=[household.pk],
    )
    return {**facts.row(0, named=True), **results.row(0, named=True)}


def _blocked_by(household: Household) -> list[str]:
    return list(_outcome(household)["elimination_blocked_by"])


def _development_measure(actor: User, household: Household, status: str) -> Any:
    return services.measure_add(
        actor=actor,
        scope=scope_of(actor),
        household=household,
        year=2025,
        member=household.members.get(relation=codes.Relation.HEAD),
        category_code="100A40",
        subtype="县内企业务工",
        responsible_unit="农安县人社局",
        started_on=date(2025, 4, 1),
        status=status,
    )


def _months(actor: User, household: Household, amounts: list[tuple[date, Decimal]]) -> None:
    for month, amount in amounts:
        services.monthly_income_record(
            actor=actor, scope=scope_of(actor), household=household, month=month, amount=amount
        )


def test_the_run_month_is_the_month_of_the_run(actors: Actors, household: Household) -> None:
    # the clock stands in November 2025, so a 2025 run refers to November, not December
    assert _outcome(household)["as_of_month"] == "2025-11"


def test_a_development_measure_in_place_lifts_the_guard(
    actors: Actors, household: Household
) -> None:
    assert "ELIM-DEVELOPMENT-MEASURES-MISSING" in _blocked_by(household)
    measure = _development_measure(actors.village_officer, household, MeasureStatus.PLANNED)
    # a planned measure is not yet help
    assert "ELIM-DEVELOPMENT-MEASURES-MISSING" in _blocked_by(household)
    services.measure_status_set(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        measure=measure,
        status=MeasureStatus.IN_PLACE,
    )
    outcome = _outcome(household)
    assert outcome["development_measures"] == 1
    assert "ELIM-DEVELOPMENT-MEASURES-MISSING" not in outcome["elimination_blocked_by"]


@pytest.mark.parametrize("status", [MeasureStatus.FINISHED, MeasureStatus.STOPPED])
def test_a_finished_or_stopped_measure_does_not_lift_the_guard(
    actors: Actors, household: Household, status: str
) -> None:
    measure = _development_measure(actors.village_officer, household, MeasureStatus.IN_PLACE)
    services.measure_status_set(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        measure=measure,
        status=status,
        ended_on=date(2025, 10, 31),
    )
    outcome = _outcome(household)
    assert outcome["development_measures"] == 0
    assert "ELIM-DEVELOPMENT-MEASURES-MISSING" in outcome["elimination_blocked_by"]


def test_resolving_the_last_risk_lifts_the_unresolved_risk_guard(
    actors: Actors, household: Household
) -> None:
    scope = scope_of(actors.village_officer)
    # the identification's two risks, before any record exists
    assert _outcome(household)["risk_types"] == ["因病", "因务工就业不稳"]
    services.plan_draft(actor=actors.village_officer, scope=scope, household=household, year=2025)
    illness, employment = RiskRecord.objects.filter(household=household).order_by("risk_type")
    services.risk_resolve(
        actor=actors.village_officer,
        scope=scope,
        risk=illness,
        resolved_on=date(2025, 9, 1),
        resolution="大病保险报销后自付可承受",
    )
    outcome = _outcome(household)
    assert outcome["risk_types"] == ["因务工就业不稳"]
    assert "ELIM-RISK-UNRESOLVED" in outcome["elimination_blocked_by"]
    services.risk_resolve(
        actor=actors.village_officer,
        scope=scope,
        risk=employment,
        resolved_on=date(2025, 10, 1),
        resolution="县内企业稳定务工",
    )
    outcome = _outcome(household)
    assert outcome["risk_types"] == []
    assert "ELIM-RISK-UNRESOLVED" not in outcome["elimination_blocked_by"]


def test_a_yearly_figure_alone_gives_no_stable_months(actors: Actors, household: Household) -> None:
    household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=2025,
        amounts={"wage_income": Decimal(60000)},
    )
    outcome = _outcome(household)
    assert outcome["per_capita_net_income"] == 20000.0
    assert outcome["months_income_above_line"] == 0
    assert "ELIM-INCOME-NOT-STABLE" in outcome["elimination_blocked_by"]


def test_six_recorded_months_above_the_line_are_needed(
    actors: Actors, household: Household
) -> None:
    officer = actors.village_officer
    # May below, June to October above: five months ending with the month before the run
    _months(officer, household, [(date(2025, 5, 1), BELOW)])
    _months(officer, household, [(date(2025, month, 1), ABOVE) for month in range(6, 11)])
    outcome = _outcome(household)
    assert outcome["months_income_above_line"] == 5
    assert "ELIM-INCOME-NOT-STABLE" in outcome["elimination_blocked_by"]
    # November's visit records the sixth month
    _months(officer, household, [(date(2025, 11, 1), ABOVE)])
    outcome = _outcome(household)
    assert outcome["months_income_above_line"] == 6
    assert "ELIM-INCOME-NOT-STABLE" not in outcome["elimination_blocked_by"]


def test_a_missing_month_breaks_the_streak(actors: Actors, household: Household) -> None:
    months = [date(2025, month, 1) for month in (3, 4, 5, 6, 8, 9, 10)]
    _months(actors.village_officer, household, [(month, ABOVE) for month in months])
    # July was never recorded: only August to October count
    assert _outcome(household)["months_income_above_line"] == 3


def test_an_old_streak_does_not_count_without_recent_months(
    actors: Actors, household: Household
) -> None:
    months = [date(2025, month, 1) for month in range(1, 9)]
    _months(actors.village_officer, household, [(month, ABOVE) for month in months])
    # nothing recorded for September and October: the streak is not current
    assert _outcome(household)["months_income_above_line"] == 0
