"""Every rule of the shipped national baseline, at its boundary (fires / does not fire)."""

from collections.abc import Mapping
from typing import Any

import pytest

from fupin.assessment.rules.definition import (
    MissingParameterError,
    RuleSetStatus,
    default_rule_set,
    validate,
)
from fupin.assessment.rules.engine import evaluate
from fupin.assessment.rules.facts import facts_frame

RULE_SET = default_rule_set()
# The values a region sets per year; the boundaries below are written against them.
PARAMS = {"monitoring_line": 7000, "poverty_line": 4000}

# An exited household with income well above both lines in this year and the last, every
# check verified and passed, no risk and no rigid expenditure: only its colour fires.
EXITED: Mapping[str, Any] = {
    "household_id": 1,
    "region_code": "220421100201",
    "year": 2024,
    "household_type": "exited",
    "members": 3,
    "per_capita_net_income": 10_000.0,
    "previous_per_capita_net_income": 10_000.0,
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
    "months_income_above_line": 12,
    "development_measures": 1,
}
ORDINARY = {**EXITED, "household_type": "ordinary"}
POOR = {**EXITED, "household_type": "poor"}
# A monitored household that meets every elimination criterion.
MONITORED = {
    **EXITED,
    "household_type": "monitored",
    "exited_household": False,
    "monitoring_category": "marginal",
    "identified_month": "2024-01",
    "as_of_month": "2024-12",
    "months_income_above_line": 6,
}
RISK = {"risk_types": ["因病"]}

# (rule code, household, changes, fires?) — each pair straddles the rule's boundary.
CASES: list[tuple[str, Mapping[str, Any], dict[str, Any], bool]] = [
    ("MON-INCOME-BELOW-LINE", EXITED, {"per_capita_net_income": 6_999.99, **RISK}, True),
    (
        "MON-INCOME-BELOW-LINE",
        EXITED,
        {"per_capita_net_income": 6_999.99, "water_unsafe": True},
        True,
    ),
    ("MON-INCOME-BELOW-LINE", EXITED, {"per_capita_net_income": 6_999.99}, False),
    ("MON-INCOME-BELOW-LINE", EXITED, {"per_capita_net_income": 7_000.0, **RISK}, False),
    ("MON-INCOME-BELOW-LINE", POOR, {"per_capita_net_income": 3_000.0, **RISK}, False),
    # 10,000 − 9,000.03 / 3 = 6,999.99 and 10,000 − 9,000 / 3 = 7,000.
    (
        "MON-INCOME-AFTER-RIGID-BELOW-LINE",
        EXITED,
        {"compliant_out_of_pocket": 9_000.03, **RISK},
        True,
    ),
    ("MON-INCOME-AFTER-RIGID-BELOW-LINE", EXITED, {"compliant_out_of_pocket": 9_000.03}, False),
    (
        "MON-INCOME-AFTER-RIGID-BELOW-LINE",
        EXITED,
        {"compliant_out_of_pocket": 9_000.0, **RISK},
        False,
    ),
    # 30,000 − 20,000.01 / 1 < 7,000 only with one member.
    (
        "MON-SUDDEN-RIGID-ABOVE-THRESHOLD",
        ORDINARY,
        {
            "members": 4,
            "labor_members": 2,
            "compliant_out_of_pocket": 20_000.01,
            "previous_per_capita_net_income": None,
        },
        True,
    ),
    (
        "MON-SUDDEN-RIGID-ABOVE-THRESHOLD",
        ORDINARY,
        {"members": 4, "labor_members": 2, "compliant_out_of_pocket": 20_000.0},
        False,
    ),
    # a large bill that leaves income above the range is not eligibility
    (
        "MON-SUDDEN-RIGID-ABOVE-THRESHOLD",
        ORDINARY,
        {"per_capita_net_income": 30_000.0, "compliant_out_of_pocket": 25_000.0},
        False,
    ),
    # half of last year's household income (3 × 10,000) is 15,000
    (
        "MON-SUDDEN-RIGID-ABOVE-PREVIOUS-INCOME",
        ORDINARY,
        {"compliant_out_of_pocket": 15_000.01},
        True,
    ),
    (
        "MON-SUDDEN-RIGID-ABOVE-PREVIOUS-INCOME",
        ORDINARY,
        {"compliant_out_of_pocket": 15_000.0},
        False,
    ),
    (
        "MON-SUDDEN-RIGID-ABOVE-PREVIOUS-INCOME",
        ORDINARY,
        {"compliant_out_of_pocket": 15_000.01, "previous_per_capita_net_income": None},
        False,
    ),
    # 30 % below last year's 10,000 is 7,000 or less; below the line after expenditure too
    ("MON-SUDDEN-INCOME-DROP", ORDINARY, {"per_capita_net_income": 6_999.99}, True),
    (
        "MON-SUDDEN-INCOME-DROP",
        ORDINARY,
        {"per_capita_net_income": 7_000.0, "compliant_out_of_pocket": 3.0},
        True,
    ),
    ("MON-SUDDEN-INCOME-DROP", ORDINARY, {"per_capita_net_income": 7_000.0}, False),
    (
        "MON-SUDDEN-INCOME-DROP",
        ORDINARY,
        {"per_capita_net_income": 6_999.99, "previous_per_capita_net_income": 9_999.0},
        False,
    ),
    ("CAT-SUDDEN-HARDSHIP", EXITED, {"per_capita_net_income": 6_999.99}, True),
    ("CAT-SUDDEN-HARDSHIP", ORDINARY, {"compliant_out_of_pocket": 15_000.01}, True),
    (
        "CAT-SUDDEN-HARDSHIP",
        ORDINARY,
        {"per_capita_net_income": 6_999.99, "previous_per_capita_net_income": 9_000.0, **RISK},
        False,
    ),
    ("CAT-SUDDEN-HARDSHIP", MONITORED, {"compliant_out_of_pocket": 15_000.01}, False),
    (
        "CAT-UNSTABLE-EXITED",
        EXITED,
        {"per_capita_net_income": 9_000.0, "compliant_out_of_pocket": 9_000.03, **RISK},
        True,
    ),
    ("CAT-UNSTABLE-EXITED", EXITED, {"per_capita_net_income": 7_000.0, **RISK}, False),
    (
        "CAT-UNSTABLE-EXITED",
        ORDINARY,
        {"per_capita_net_income": 9_000.0, "compliant_out_of_pocket": 9_000.03, **RISK},
        False,
    ),
    (
        "CAT-MARGINAL",
        ORDINARY,
        {"per_capita_net_income": 9_000.0, "compliant_out_of_pocket": 9_000.03, **RISK},
        True,
    ),
    ("CAT-MARGINAL", POOR, {"per_capita_net_income": 3_000.0, **RISK}, False),
    (
        "CAT-MARGINAL",
        EXITED,
        {"per_capita_net_income": 9_000.0, "compliant_out_of_pocket": 9_000.03, **RISK},
        False,
    ),
    (
        "CAT-KEEP-UNSTABLE-EXITED",
        MONITORED,
        {
            "monitoring_category": "unstable_exited",
            "per_capita_net_income": 9_999.99,
            "compliant_out_of_pocket": 9_000.03,
            **RISK,
        },
        True,
    ),
    ("CAT-KEEP-UNSTABLE-EXITED", MONITORED, {"monitoring_category": "unstable_exited"}, False),
    (
        "CAT-KEEP-MARGINAL",
        MONITORED,
        {"per_capita_net_income": 6_999.99, "water_unsafe": True},
        True,
    ),
    ("CAT-KEEP-MARGINAL", MONITORED, {"water_unsafe": True}, False),
    (
        "CAT-KEEP-SUDDEN-HARDSHIP",
        MONITORED,
        {"monitoring_category": "sudden_hardship", "compliant_out_of_pocket": 15_000.01},
        True,
    ),
    ("CAT-KEEP-SUDDEN-HARDSHIP", MONITORED, {"monitoring_category": "sudden_hardship"}, False),
    ("FLAG-REFER-HOUSING", ORDINARY, {"housing_unsafe": True}, True),
    (
        "FLAG-REFER-HOUSING",
        ORDINARY,
        {"housing_unsafe": True, "per_capita_net_income": 6_999.99},
        False,
    ),
    ("FLAG-REFER-HOUSING", MONITORED, {"housing_unsafe": True}, False),
    ("FLAG-REFER-EDUCATION", EXITED, {"dropout_child": True}, True),
    ("FLAG-REFER-EDUCATION", EXITED, {}, False),
    ("FLAG-REFER-WATER", EXITED, {"water_unsafe": True}, True),
    ("FLAG-REFER-WATER", EXITED, {"water_unsafe": None}, False),
    ("FLAG-REFER-INSURANCE", ORDINARY, {"member_uninsured": True}, True),
    (
        "FLAG-REFER-INSURANCE",
        ORDINARY,
        {"member_uninsured": True, "compliant_out_of_pocket": 9_000.03},
        False,
    ),
    (
        "FLAG-REFER-RIGID-EXPENDITURE",
        ORDINARY,
        {
            "per_capita_net_income": 30_000.0,
            "previous_per_capita_net_income": 30_000.0,
            "compliant_out_of_pocket": 20_000.01,
        },
        True,
    ),
    (
        "FLAG-REFER-RIGID-EXPENDITURE",
        ORDINARY,
        {"per_capita_net_income": 30_000.0, "compliant_out_of_pocket": 20_000.0},
        False,
    ),
    # 0.8 × 7,000 = 5,600.
    ("RISK-RED-INCOME", EXITED, {"per_capita_net_income": 5_599.99}, True),
    ("RISK-RED-INCOME", EXITED, {"per_capita_net_income": 5_600.0}, False),
    ("RISK-RED-INCOME", ORDINARY, {"per_capita_net_income": 5_599.99}, False),
    ("RISK-RED-PROBLEMS", EXITED, {"housing_unsafe": True, "water_unsafe": True, **RISK}, True),
    (
        "RISK-RED-PROBLEMS",
        MONITORED,
        {"per_capita_net_income": 6_999.99, "food_insecure": True, **RISK},
        True,
    ),
    ("RISK-RED-PROBLEMS", EXITED, {"housing_unsafe": True, **RISK}, False),
    # income and risk count once each, however many risks there are
    ("RISK-RED-PROBLEMS", EXITED, {"risk_types": ["因病", "因学", "因残"]}, False),
    ("RISK-ORANGE", EXITED, {"housing_unsafe": True, **RISK}, True),
    ("RISK-ORANGE", EXITED, {"per_capita_net_income": 6_999.99, **RISK}, True),
    ("RISK-ORANGE", EXITED, {"housing_unsafe": True}, False),
    ("RISK-ORANGE", EXITED, {"housing_unsafe": True, "water_unsafe": True, **RISK}, False),
    ("RISK-BLUE", EXITED, {}, True),
    ("RISK-BLUE", MONITORED, {"dropout_child": True}, True),
    ("RISK-BLUE", ORDINARY, {"dropout_child": True}, False),
    ("RISK-BLUE", EXITED, {"per_capita_net_income": 5_599.99}, False),
    ("ELIM-CANDIDATE", MONITORED, {}, True),
    ("ELIM-CANDIDATE", MONITORED, {"months_income_above_line": 5}, False),
    ("ELIM-CANDIDATE", MONITORED, {"per_capita_net_income": 6_999.99}, False),
    ("ELIM-CANDIDATE", EXITED, {}, False),
    ("ELIM-INCOME-NOT-STABLE", MONITORED, {"months_income_above_line": 5}, True),
    ("ELIM-INCOME-NOT-STABLE", MONITORED, {"months_income_above_line": 6}, False),
    ("ELIM-INCOME-NOT-STABLE", EXITED, {"months_income_above_line": 0}, False),
    ("ELIM-INCOME-BELOW-LINE", MONITORED, {"per_capita_net_income": 6_999.99}, True),
    ("ELIM-INCOME-BELOW-LINE", MONITORED, {"per_capita_net_income": None}, False),
    ("ELIM-INCOME-BELOW-LINE", MONITORED, {"per_capita_net_income": 7_000.0}, False),
    ("ELIM-INCOME-UNKNOWN", MONITORED, {"per_capita_net_income": None}, True),
    ("ELIM-INCOME-UNKNOWN", EXITED, {"per_capita_net_income": None}, False),
    ("ELIM-RIGID-EXPENDITURE", MONITORED, {"compliant_out_of_pocket": 9_000.03}, True),
    ("ELIM-RIGID-EXPENDITURE", MONITORED, {"compliant_out_of_pocket": 9_000.0}, False),
    ("ELIM-RIGID-EXPENDITURE", MONITORED, {"per_capita_net_income": 5_000.0}, False),
    (
        "ELIM-RIGID-ABOVE-THRESHOLD",
        MONITORED,
        {
            "members": 10,
            "labor_members": 2,
            "per_capita_net_income": 20_000.0,
            "compliant_out_of_pocket": 20_000.01,
        },
        True,
    ),
    ("ELIM-RIGID-ABOVE-THRESHOLD", MONITORED, {"compliant_out_of_pocket": 20_000.0}, False),
    ("ELIM-CONDITIONS-PROBLEM", MONITORED, {"dropout_child": True}, True),
    ("ELIM-CONDITIONS-PROBLEM", MONITORED, {"clothing_insecure": True}, True),
    ("ELIM-CONDITIONS-PROBLEM", MONITORED, {}, False),
    ("ELIM-CONDITIONS-UNVERIFIED", MONITORED, {"water_unsafe": None}, True),
    ("ELIM-CONDITIONS-UNVERIFIED", MONITORED, {"food_insecure": None}, True),
    ("ELIM-CONDITIONS-UNVERIFIED", MONITORED, {}, False),
    ("ELIM-CONDITIONS-UNVERIFIED", EXITED, {"water_unsafe": None}, False),
    ("ELIM-RISK-UNRESOLVED", MONITORED, RISK, True),
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
    ("ELIM-TOO-SOON-AFTER-IDENTIFICATION", MONITORED, {"identified_month": None}, False),
    ("ELIM-IDENTIFICATION-MONTH-UNKNOWN", MONITORED, {"identified_month": None}, True),
    ("ELIM-IDENTIFICATION-MONTH-UNKNOWN", MONITORED, {}, False),
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
    ("EXIT-INCOME-NOT-ABOVE-LINE", POOR, {"per_capita_net_income": 4_000.0}, True),
    ("EXIT-INCOME-NOT-ABOVE-LINE", EXITED, {"per_capita_net_income": 4_000.01}, False),
    ("EXIT-INCOME-NOT-ABOVE-LINE", ORDINARY, {"per_capita_net_income": 4_000.0}, False),
    ("EXIT-INCOME-UNKNOWN", POOR, {"per_capita_net_income": None}, True),
    (
        "EXIT-INCOME-UNKNOWN",
        MONITORED,
        {"per_capita_net_income": None, "exited_household": True},
        True,
    ),
    ("EXIT-INCOME-UNKNOWN", MONITORED, {"per_capita_net_income": None}, False),
    ("EXIT-INCOME-NOT-STABLE", POOR, {"previous_per_capita_net_income": 4_000.0}, True),
    ("EXIT-INCOME-NOT-STABLE", POOR, {"previous_per_capita_net_income": 4_000.01}, False),
    ("EXIT-PREVIOUS-INCOME-UNKNOWN", POOR, {"previous_per_capita_net_income": None}, True),
    ("EXIT-PREVIOUS-INCOME-UNKNOWN", POOR, {}, False),
    ("EXIT-CONDITIONS-PROBLEM", EXITED, {"member_uninsured": True}, True),
    ("EXIT-CONDITIONS-PROBLEM", EXITED, {"food_insecure": True}, True),
    ("EXIT-CONDITIONS-PROBLEM", EXITED, {}, False),
    ("EXIT-CONDITIONS-UNVERIFIED", EXITED, {"housing_unsafe": None}, True),
    ("EXIT-CONDITIONS-UNVERIFIED", EXITED, {"clothing_insecure": None}, True),
    ("EXIT-CONDITIONS-UNVERIFIED", EXITED, {}, False),
]


def _fired(household: Mapping[str, Any], changes: Mapping[str, Any], **params: float) -> list[str]:
    frame = facts_frame([{**household, **changes}])
    fired: list[str] = (
        evaluate(RULE_SET, frame, {**PARAMS, **params}).get_column("fired")[0].to_list()
    )
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
    assert _fired(EXITED, {}) == ["RISK-BLUE"]
    assert _fired(ORDINARY, {}) == []
    assert _fired(POOR, {}) == []
    assert _fired(MONITORED, {}) == ["RISK-BLUE", "ELIM-CANDIDATE"]


def test_boundaries_move_with_the_parameters() -> None:
    low = {"per_capita_net_income": 8_599.99, **RISK}
    assert "MON-INCOME-BELOW-LINE" in _fired(EXITED, low, monitoring_line=8_600)
    at_line = {"per_capita_net_income": 8_600.0, **RISK}
    assert "MON-INCOME-BELOW-LINE" not in _fired(EXITED, at_line, monitoring_line=8_600)
    assert "ELIM-INCOME-NOT-STABLE" in _fired(MONITORED, {}, stable_income_months=7)
    assert "ELIM-TOO-SOON-AFTER-IDENTIFICATION" in _fired(
        MONITORED, {"identified_month": "2024-09"}, min_months_before_assisted_elimination=4
    )
    drop = {"per_capita_net_income": 7_999.0}
    assert "MON-SUDDEN-INCOME-DROP" not in _fired(ORDINARY, drop)
    assert "MON-SUDDEN-INCOME-DROP" in _fired(
        ORDINARY, drop, monitoring_line=8_000, income_drop_share=0.2
    )


def test_the_minimum_time_after_identification_blocks_assisted_elimination_only() -> None:
    frame = facts_frame([{**MONITORED, "identified_month": "2024-11"}])
    outcome = evaluate(RULE_SET, frame, {**PARAMS, "stable_income_months": 1}).row(0, named=True)
    assert outcome["elimination_blocked_by"] == ["ELIM-TOO-SOON-AFTER-IDENTIFICATION"]
    assert RULE_SET.rule("ELIM-TOO-SOON-AFTER-IDENTIFICATION").decides.value == "assisted"
    # 自然消除 stays open, so the household may be proposed for it
    assert outcome["elimination_eligible"] is True


def test_a_run_without_a_monitoring_range_or_poverty_line_is_refused() -> None:
    frame = facts_frame([EXITED])
    with pytest.raises(MissingParameterError, match="监测范围（monitoring_line）"):
        evaluate(RULE_SET, frame, {"poverty_line": 4000})
    with pytest.raises(MissingParameterError, match="扶贫标准（poverty_line）"):
        evaluate(RULE_SET, frame, {"monitoring_line": 7000})


def test_default_rule_set_is_the_published_national_baseline() -> None:
    assert RULE_SET.label == "national-baseline@2"
    assert RULE_SET.status is RuleSetStatus.PUBLISHED
    assert RULE_SET.region_code == ""
    assert RULE_SET.effective_from.isoformat() == "2020-01-01"
    assert RULE_SET.effective_to is None
    assert validate(RULE_SET) == []


def test_lines_have_no_default_and_every_parameter_says_who_sets_it() -> None:
    defaults = {name: spec.default for name, spec in RULE_SET.parameters.items()}
    assert defaults["monitoring_line"] is None
    assert defaults["poverty_line"] is None
    assert {name for name, spec in RULE_SET.parameters.items() if spec.is_set_per_year} == {
        "monitoring_line",
        "poverty_line",
    }
    for spec in RULE_SET.parameters.values():
        assert spec.unit
        assert spec.description_zh
        assert spec.set_by
    for name in ("red_problem_count", "orange_problem_count", "red_income_ratio", "strategy_red"):
        assert "地方做法" in RULE_SET.parameters[name].description_zh
    assert [
        RULE_SET.parameters[f"strategy_{level}"].default for level in ("red", "orange", "blue")
    ] == [
        "帮：集中力量重点帮扶",
        "扶：针对风险扶持巩固",
        "引：引导自主发展",
    ]
