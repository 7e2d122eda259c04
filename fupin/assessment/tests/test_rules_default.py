"""Every rule of the shipped national baseline, at its boundary (fires / does not fire)."""

from collections.abc import Mapping
from typing import Any

import pytest

from fupin.assessment.rules.definition import RuleSetStatus, default_rule_set, validate
from fupin.assessment.rules.engine import evaluate
from fupin.assessment.rules.facts import facts_frame

RULE_SET = default_rule_set()

# An exited household that fires no rule at all: income well above both lines, every
# 三保障/饮水 check verified and passed, no risk, no rigid expenditure.
EXITED: Mapping[str, Any] = {
    "household_id": 1,
    "region_code": "220421100201",
    "year": 2024,
    "household_type": "exited",
    "members": 3,
    "per_capita_net_income": 10_000.0,
    "compliant_out_of_pocket": 0.0,
    "housing_unsafe": False,
    "dropout_child": False,
    "water_unsafe": False,
    "member_uninsured": False,
    "risk_types": [],
    "whole_household_no_labor": False,
    "labor_members": 2,
    "sudden_hardship": False,
    "months_income_above_line": 12,
    "development_measures": 1,
}
ORDINARY = {**EXITED, "household_type": "ordinary"}
# A monitored household that meets every elimination criterion.
MONITORED = {
    **EXITED,
    "household_type": "monitored",
    "monitoring_category": "marginal",
    "identified_month": "2024-01",
    "as_of_month": "2024-12",
    "months_income_above_line": 6,
}
FLAGS = ("housing_unsafe", "dropout_child", "water_unsafe", "member_uninsured")

# (rule code, household, changes, fires?) — each pair straddles the rule's boundary.
CASES: list[tuple[str, Mapping[str, Any], dict[str, Any], bool]] = [
    ("MON-INCOME-BELOW-LINE", EXITED, {"per_capita_net_income": 6_999.99}, True),
    ("MON-INCOME-BELOW-LINE", EXITED, {"per_capita_net_income": 7_000.0}, False),
    ("MON-INCOME-BELOW-LINE", EXITED, {"per_capita_net_income": None}, False),
    # 10,000 − 9,000.03 / 3 = 6,999.99 and 10,000 − 9,000 / 3 = 7,000.
    ("MON-INCOME-AFTER-RIGID-BELOW-LINE", EXITED, {"compliant_out_of_pocket": 9_000.03}, True),
    ("MON-INCOME-AFTER-RIGID-BELOW-LINE", EXITED, {"compliant_out_of_pocket": 9_000.0}, False),
    ("MON-RIGID-ABOVE-THRESHOLD", EXITED, {"compliant_out_of_pocket": 20_000.01}, True),
    ("MON-RIGID-ABOVE-THRESHOLD", EXITED, {"compliant_out_of_pocket": 20_000.0}, False),
    # Household net income 2 × 10,000; half of it is 10,000.
    (
        "MON-RIGID-SHARE-OF-INCOME",
        EXITED,
        {"members": 2, "compliant_out_of_pocket": 10_000.01},
        True,
    ),
    (
        "MON-RIGID-SHARE-OF-INCOME",
        EXITED,
        {"members": 2, "compliant_out_of_pocket": 10_000.0},
        False,
    ),
    ("MON-RIGID-SHARE-OF-INCOME", EXITED, {"per_capita_net_income": -100.0}, False),
    ("MON-CONDITIONS-PROBLEM", EXITED, {"housing_unsafe": True}, True),
    ("MON-CONDITIONS-PROBLEM", EXITED, {"dropout_child": True}, True),
    ("MON-CONDITIONS-PROBLEM", EXITED, {"water_unsafe": True}, True),
    ("MON-CONDITIONS-PROBLEM", EXITED, {"member_uninsured": True}, True),
    ("MON-CONDITIONS-PROBLEM", EXITED, {}, False),
    ("MON-CONDITIONS-PROBLEM", EXITED, dict.fromkeys(FLAGS), False),
    ("MON-SUDDEN-HARDSHIP", EXITED, {"sudden_hardship": True}, True),
    ("MON-SUDDEN-HARDSHIP", EXITED, {}, False),
    ("CAT-SUDDEN-HARDSHIP", EXITED, {"sudden_hardship": True}, True),
    (
        "CAT-SUDDEN-HARDSHIP",
        ORDINARY,
        {"per_capita_net_income": 7_000.0, "members": 10, "compliant_out_of_pocket": 20_000.01},
        True,
    ),
    (
        "CAT-SUDDEN-HARDSHIP",
        ORDINARY,
        {"per_capita_net_income": 6_999.99, "members": 10, "compliant_out_of_pocket": 20_000.01},
        False,
    ),
    ("CAT-SUDDEN-HARDSHIP", ORDINARY, {"compliant_out_of_pocket": 9_000.03}, True),
    ("CAT-SUDDEN-HARDSHIP", ORDINARY, {"members": 2, "compliant_out_of_pocket": 10_000.01}, True),
    ("CAT-SUDDEN-HARDSHIP", ORDINARY, {"housing_unsafe": True}, False),
    ("CAT-UNSTABLE-EXITED", EXITED, {"per_capita_net_income": 6_999.99}, True),
    ("CAT-UNSTABLE-EXITED", EXITED, {"per_capita_net_income": 7_000.0}, False),
    ("CAT-UNSTABLE-EXITED", ORDINARY, {"per_capita_net_income": 6_999.99}, False),
    ("CAT-MARGINAL", ORDINARY, {"per_capita_net_income": 6_999.99}, True),
    ("CAT-MARGINAL", ORDINARY, {"household_type": "poor", "dropout_child": True}, True),
    ("CAT-MARGINAL", ORDINARY, {"per_capita_net_income": 7_000.0}, False),
    ("CAT-MARGINAL", EXITED, {"per_capita_net_income": 6_999.99}, False),
    (
        "CAT-KEEP-UNSTABLE-EXITED",
        MONITORED,
        {"monitoring_category": "unstable_exited", "per_capita_net_income": 6_999.99},
        True,
    ),
    ("CAT-KEEP-UNSTABLE-EXITED", MONITORED, {"monitoring_category": "unstable_exited"}, False),
    ("CAT-KEEP-MARGINAL", MONITORED, {"water_unsafe": True}, True),
    ("CAT-KEEP-MARGINAL", MONITORED, {}, False),
    (
        "CAT-KEEP-SUDDEN-HARDSHIP",
        MONITORED,
        {"monitoring_category": "sudden_hardship", "per_capita_net_income": 6_999.99},
        True,
    ),
    ("CAT-KEEP-SUDDEN-HARDSHIP", MONITORED, {"monitoring_category": "sudden_hardship"}, False),
    (
        "RISK-RED",
        EXITED,
        {"housing_unsafe": True, "water_unsafe": True, "member_uninsured": True},
        True,
    ),
    ("RISK-RED", EXITED, {"housing_unsafe": True, "water_unsafe": True}, False),
    # 0.8 × 7,000 = 5,600.
    ("RISK-RED", EXITED, {"per_capita_net_income": 5_599.99}, True),
    ("RISK-RED", EXITED, {"per_capita_net_income": 5_600.0}, False),
    ("RISK-ORANGE", EXITED, {"housing_unsafe": True, "sudden_hardship": True}, True),
    (
        "RISK-ORANGE",
        EXITED,
        {"per_capita_net_income": 6_999.99, "compliant_out_of_pocket": 20_000.01},
        True,
    ),
    ("RISK-ORANGE", EXITED, {"housing_unsafe": True}, False),
    ("RISK-BLUE", EXITED, {"dropout_child": True}, True),
    ("RISK-BLUE", EXITED, {"per_capita_net_income": 6_999.99}, True),
    ("RISK-BLUE", MONITORED, {}, True),
    ("RISK-BLUE", EXITED, {"per_capita_net_income": 7_000.0}, False),
    ("ELIM-CANDIDATE", MONITORED, {}, True),
    ("ELIM-CANDIDATE", MONITORED, {"months_income_above_line": 5}, False),
    ("ELIM-CANDIDATE", MONITORED, {"per_capita_net_income": 6_999.99}, False),
    ("ELIM-CANDIDATE", EXITED, {}, False),
    ("ELIM-INCOME-NOT-STABLE", MONITORED, {"months_income_above_line": 5}, True),
    ("ELIM-INCOME-NOT-STABLE", MONITORED, {"months_income_above_line": 6}, False),
    ("ELIM-INCOME-NOT-STABLE", EXITED, {"months_income_above_line": 0}, False),
    ("ELIM-INCOME-BELOW-LINE", MONITORED, {"per_capita_net_income": 6_999.99}, True),
    ("ELIM-INCOME-BELOW-LINE", MONITORED, {"per_capita_net_income": None}, True),
    ("ELIM-INCOME-BELOW-LINE", MONITORED, {"per_capita_net_income": 7_000.0}, False),
    ("ELIM-INCOME-BELOW-LINE", EXITED, {"per_capita_net_income": 6_999.99}, False),
    ("ELIM-RIGID-EXPENDITURE", MONITORED, {"compliant_out_of_pocket": 9_000.03}, True),
    ("ELIM-RIGID-EXPENDITURE", MONITORED, {"compliant_out_of_pocket": 9_000.0}, False),
    (
        "ELIM-RIGID-EXPENDITURE",
        MONITORED,
        {"members": 10, "per_capita_net_income": 20_000.0, "compliant_out_of_pocket": 20_000.01},
        True,
    ),
    (
        "ELIM-RIGID-EXPENDITURE",
        MONITORED,
        {"members": 10, "per_capita_net_income": 20_000.0, "compliant_out_of_pocket": 20_000.0},
        False,
    ),
    ("ELIM-RIGID-EXPENDITURE", MONITORED, {"per_capita_net_income": 5_000.0}, False),
    ("ELIM-CONDITIONS-PROBLEM", MONITORED, {"dropout_child": True}, True),
    ("ELIM-CONDITIONS-PROBLEM", MONITORED, {}, False),
    ("ELIM-CONDITIONS-UNVERIFIED", MONITORED, {"water_unsafe": None}, True),
    ("ELIM-CONDITIONS-UNVERIFIED", MONITORED, {}, False),
    ("ELIM-CONDITIONS-UNVERIFIED", EXITED, {"water_unsafe": None}, False),
    ("ELIM-RISK-UNRESOLVED", MONITORED, {"risk_types": ["因病"]}, True),
    ("ELIM-RISK-UNRESOLVED", MONITORED, {"risk_types": []}, False),
    ("ELIM-RISK-UNRESOLVED", MONITORED, {"risk_types": None}, False),
    (
        "ELIM-NO-LABOR-SAFETY-NET",
        MONITORED,
        {"whole_household_no_labor": True, "labor_members": 0},
        True,
    ),
    ("ELIM-NO-LABOR-SAFETY-NET", MONITORED, {"whole_household_no_labor": False}, False),
    # 帮扶消除 in the identification month or the two after it is flagged (month_diff ≤ 2).
    ("ELIM-TOO-SOON-AFTER-IDENTIFICATION", MONITORED, {"identified_month": "2024-10"}, True),
    ("ELIM-TOO-SOON-AFTER-IDENTIFICATION", MONITORED, {"identified_month": "2024-09"}, False),
    (
        "ELIM-TOO-SOON-AFTER-IDENTIFICATION",
        MONITORED,
        {"identified_month": "2023-11", "as_of_month": "2024-01"},
        True,
    ),
    (
        "ELIM-TOO-SOON-AFTER-IDENTIFICATION",
        MONITORED,
        {"identified_month": "2023-10", "as_of_month": "2024-01"},
        False,
    ),
    ("ELIM-TOO-SOON-AFTER-IDENTIFICATION", MONITORED, {"identified_month": None}, True),
    ("ELIM-DEVELOPMENT-MEASURES-MISSING", MONITORED, {"development_measures": 0}, True),
    (
        "ELIM-DEVELOPMENT-MEASURES-MISSING",
        MONITORED,
        {"development_measures": 0, "labor_members": None},
        True,
    ),
    ("ELIM-DEVELOPMENT-MEASURES-MISSING", MONITORED, {"development_measures": 1}, False),
    (
        "ELIM-DEVELOPMENT-MEASURES-MISSING",
        MONITORED,
        {"development_measures": 0, "labor_members": 0},
        False,
    ),
    ("EXIT-INCOME-NOT-ABOVE-LINE", EXITED, {"per_capita_net_income": 4_000.0}, True),
    ("EXIT-INCOME-NOT-ABOVE-LINE", EXITED, {"per_capita_net_income": None}, True),
    ("EXIT-INCOME-NOT-ABOVE-LINE", EXITED, {"per_capita_net_income": 4_000.01}, False),
    ("EXIT-CONDITIONS-PROBLEM", EXITED, {"member_uninsured": True}, True),
    ("EXIT-CONDITIONS-PROBLEM", EXITED, {}, False),
    ("EXIT-CONDITIONS-UNVERIFIED", EXITED, {"housing_unsafe": None}, True),
    ("EXIT-CONDITIONS-UNVERIFIED", EXITED, {}, False),
    ("FLAG-EXITED-BELOW-POVERTY-LINE", EXITED, {"per_capita_net_income": 4_000.0}, True),
    ("FLAG-EXITED-BELOW-POVERTY-LINE", EXITED, {"per_capita_net_income": 4_000.01}, False),
    ("FLAG-EXITED-BELOW-POVERTY-LINE", ORDINARY, {"per_capita_net_income": 4_000.0}, False),
]


def _fired(household: Mapping[str, Any], changes: Mapping[str, Any], **params: float) -> list[str]:
    frame = facts_frame([{**household, **changes}])
    fired: list[str] = evaluate(RULE_SET, frame, params).get_column("fired")[0].to_list()
    return fired


@pytest.mark.parametrize(("code", "household", "changes", "fires"), CASES)
def test_default_rule_at_its_boundary(
    code: str, household: Mapping[str, Any], changes: dict[str, Any], fires: bool
) -> None:
    assert (code in _fired(household, changes)) is fires


def test_every_default_rule_has_a_firing_and_a_silent_case() -> None:
    codes = {rule.code for rule in RULE_SET.rules}
    assert {code for code, _, _, fires in CASES if fires} == codes
    assert {code for code, _, _, fires in CASES if not fires} == codes


def test_baseline_households_fire_only_what_they_should() -> None:
    assert _fired(EXITED, {}) == []
    assert _fired(ORDINARY, {}) == []
    assert _fired(MONITORED, {}) == ["RISK-BLUE", "ELIM-CANDIDATE"]


def test_boundaries_move_with_the_parameters() -> None:
    assert "MON-INCOME-BELOW-LINE" in _fired(
        EXITED, {"per_capita_net_income": 8_599.99}, monitoring_line=8_600
    )
    assert "MON-INCOME-BELOW-LINE" not in _fired(
        EXITED, {"per_capita_net_income": 8_600.0}, monitoring_line=8_600
    )
    assert "ELIM-INCOME-NOT-STABLE" in _fired(MONITORED, {}, stable_income_months=7)
    assert "ELIM-TOO-SOON-AFTER-IDENTIFICATION" in _fired(
        MONITORED, {"identified_month": "2024-09"}, min_months_before_assisted_elimination=4
    )


def test_default_rule_set_is_the_published_national_baseline() -> None:
    assert RULE_SET.label == "national-baseline@1"
    assert RULE_SET.status is RuleSetStatus.PUBLISHED
    assert RULE_SET.region_code == ""
    assert RULE_SET.effective_from.isoformat() == "2021-01-01"
    assert RULE_SET.effective_to is None
    assert validate(RULE_SET) == []


def test_default_parameters_carry_units_and_who_sets_them() -> None:
    assert {name: spec.default for name, spec in RULE_SET.parameters.items()} == {
        "monitoring_line": 7000,
        "poverty_line": 4000,
        "rigid_expenditure_threshold": 20000,
        "rigid_expenditure_share": 0.5,
        "stable_income_months": 6,
        "min_months_before_assisted_elimination": 3,
        "min_development_measures": 1,
        "red_problem_count": 3,
        "orange_problem_count": 2,
        "red_income_ratio": 0.8,
    }
    for spec in RULE_SET.parameters.values():
        assert spec.unit
        assert spec.description_zh
        assert spec.set_by
    assert "示例" in RULE_SET.parameters["monitoring_line"].description_zh
    for name in ("red_problem_count", "orange_problem_count", "red_income_ratio"):
        assert "地方做法" in RULE_SET.parameters[name].description_zh
