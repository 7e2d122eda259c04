"""evaluate() and explain() with small hand-made rule sets and the default set."""

import datetime
from typing import Any

import polars as pl
import pytest

from fupin.assessment.rules.definition import (
    Decision,
    DecisionKind,
    ParameterSpec,
    Rule,
    RuleSet,
    RuleSetStatus,
    UnknownParameterError,
    default_rule_set,
)
from fupin.assessment.rules.engine import OUTCOME_SCHEMA, evaluate, explain, required_facts
from fupin.assessment.rules.facts import FactsError, facts_frame

HOUSEHOLDS: list[dict[str, Any]] = [
    {
        "household_id": number,
        "region_code": "220421100201",
        "year": 2024,
        "household_type": household_type,
        "members": 2,
        "per_capita_net_income": income,
    }
    for number, household_type, income in [
        (1, "exited", 3_000.0),
        (2, "ordinary", 6_000.0),
        (3, "exited", 9_000.0),
        (4, "exited", None),
    ]
]


def _rule(
    code: str, condition: str, kind: DecisionKind, value: str | None = None, priority: int = 0
) -> Rule:
    return Rule(
        code, code, condition, f"{code} {{per_capita_net_income}}", Decision(kind, value, priority)
    )


def _rule_set(*rules: Rule) -> RuleSet:
    return RuleSet(
        code="test",
        version=1,
        status=RuleSetStatus.DRAFT,
        effective_from=datetime.date(2024, 1, 1),
        effective_to=None,
        region_code="22",
        parameters={"line": ParameterSpec(7_000, "元", "线")},
        rules=rules,
    )


# 监测范围 and 扶贫标准 have no default: a region sets them per year.
LINES = {"monitoring_line": 7000, "poverty_line": 4000}


def _column(rule_set: RuleSet, name: str, params: dict[str, Any] | None = None) -> list[Any]:
    values: list[Any] = (
        evaluate(rule_set, facts_frame(HOUSEHOLDS), params).get_column(name).to_list()
    )
    return values


def test_outcome_has_one_row_per_household_in_order_with_the_schema() -> None:
    outcome = evaluate(default_rule_set(), facts_frame(HOUSEHOLDS), LINES)
    assert dict(outcome.schema) == dict(OUTCOME_SCHEMA)
    assert outcome.get_column("household_id").to_list() == [1, 2, 3, 4]


def test_empty_frame_gives_an_empty_outcome() -> None:
    outcome = evaluate(default_rule_set(), facts_frame([]), LINES)
    assert outcome.height == 0
    assert dict(outcome.schema) == dict(OUTCOME_SCHEMA)


def test_monitoring_is_eligible_when_any_eligibility_rule_fires() -> None:
    rule_set = _rule_set(
        _rule("A", "per_capita_net_income < 4000", DecisionKind.MONITORING_ELIGIBLE),
        _rule("B", 'household_type == "ordinary"', DecisionKind.MONITORING_ELIGIBLE),
    )
    assert _column(rule_set, "monitoring_eligible") == [True, True, False, False]


def test_highest_priority_category_wins_and_ties_keep_rule_order() -> None:
    rule_set = _rule_set(
        _rule("ELIGIBLE", "per_capita_net_income < param.line", DecisionKind.MONITORING_ELIGIBLE),
        _rule("LOW", "true", DecisionKind.MONITORING_CATEGORY, "marginal", 1),
        _rule(
            "TIE-FIRST",
            'household_type == "exited"',
            DecisionKind.MONITORING_CATEGORY,
            "unstable_exited",
            5,
        ),
        _rule("TIE-SECOND", "true", DecisionKind.MONITORING_CATEGORY, "sudden_hardship", 5),
    )
    assert _column(rule_set, "monitoring_category") == [
        "unstable_exited",
        "sudden_hardship",
        None,
        None,
    ]
    assert _column(rule_set, "fired")[2:] == [[], []]


def test_most_severe_risk_level_wins() -> None:
    rule_set = _rule_set(
        _rule("BLUE", "true", DecisionKind.RISK_LEVEL, "blue"),
        _rule("RED", "per_capita_net_income < 4000", DecisionKind.RISK_LEVEL, "red"),
        _rule("ORANGE", "per_capita_net_income < param.line", DecisionKind.RISK_LEVEL, "orange"),
    )
    assert _column(rule_set, "risk_level") == ["red", "orange", "blue", "blue"]


def test_risk_level_is_null_when_no_level_rule_fires() -> None:
    rule_set = _rule_set(
        _rule("RED", "per_capita_net_income < 4000", DecisionKind.RISK_LEVEL, "red")
    )
    assert _column(rule_set, "risk_level") == ["red", None, None, None]


def test_elimination_needs_a_candidate_and_no_block() -> None:
    rule_set = _rule_set(
        _rule("CANDIDATE", "per_capita_net_income >= 5000", DecisionKind.ELIMINATION_CANDIDATE),
        _rule("BLOCK", 'household_type == "ordinary"', DecisionKind.ELIMINATION_BLOCK),
        _rule("ALSO-BLOCK", "per_capita_net_income < 7000", DecisionKind.ELIMINATION_BLOCK),
    )
    assert _column(rule_set, "elimination_eligible") == [False, False, True, False]
    assert _column(rule_set, "elimination_blocked_by") == [
        ["ALSO-BLOCK"],
        ["BLOCK", "ALSO-BLOCK"],
        [],
        [],
    ]


def test_exit_is_ok_unless_a_block_fires_and_flags_are_only_listed() -> None:
    rule_set = _rule_set(
        _rule("EXIT", "per_capita_net_income <= 4000", DecisionKind.EXIT_BLOCK),
        _rule("NOTE", "per_capita_net_income is null", DecisionKind.FLAG),
    )
    assert _column(rule_set, "exit_ok") == [False, True, True, True]
    assert _column(rule_set, "exit_blocked_by") == [["EXIT"], [], [], []]
    assert _column(rule_set, "fired") == [["EXIT"], [], [], ["NOTE"]]


def test_a_rule_set_without_rules_of_a_kind_gives_neutral_outcomes() -> None:
    rule_set = _rule_set(_rule("NOTE", "true", DecisionKind.FLAG))
    outcome = evaluate(rule_set, facts_frame(HOUSEHOLDS[:1])).row(0, named=True)
    assert outcome == {
        "household_id": 1,
        "monitoring_eligible": False,
        "monitoring_category": None,
        "risk_level": None,
        "elimination_eligible": False,
        "elimination_blocked_by": [],
        "exit_ok": True,
        "exit_blocked_by": [],
        "fired": ["NOTE"],
    }


def test_more_than_sixty_four_rules_are_listed_in_order() -> None:
    rules = [
        _rule(f"R{index}", f"per_capita_net_income > {index * 100}", DecisionKind.FLAG)
        for index in range(70)
    ]
    fired = _column(_rule_set(*rules), "fired")
    assert fired[0] == [f"R{index}" for index in range(30)]
    assert fired[2] == [f"R{index}" for index in range(70) if index * 100 < 9_000]
    assert fired[3] == []


def test_parameters_override_defaults() -> None:
    rule_set = _rule_set(
        _rule("A", "per_capita_net_income < param.line", DecisionKind.MONITORING_ELIGIBLE)
    )
    assert _column(rule_set, "monitoring_eligible") == [True, True, False, False]
    assert _column(rule_set, "monitoring_eligible", {"line": 10_000}) == [True, True, True, False]


def test_unknown_parameter_is_an_error() -> None:
    with pytest.raises(UnknownParameterError, match="规则集 test@1 没有参数 lines"):
        _column(_rule_set(), "fired", {"lines": 1})


def test_missing_fact_columns_are_an_error() -> None:
    frame = pl.DataFrame({"household_id": [1]})
    with pytest.raises(
        FactsError, match="事实表缺少规则集 national-baseline@2 需要的字段：household_type"
    ):
        evaluate(default_rule_set(), frame, LINES)


def test_required_facts_lists_what_the_rules_read() -> None:
    rule_set = _rule_set(
        _rule("A", "members > 1 and per_capita_net_income < param.line", DecisionKind.FLAG)
    )
    assert required_facts(rule_set) == ["household_id", "members", "per_capita_net_income"]


def test_explain_accepts_one_record_and_records_values_and_parameters() -> None:
    rule_set = _rule_set(
        _rule("LOW", "per_capita_net_income < param.line", DecisionKind.MONITORING_ELIGIBLE)
    )
    assert explain(rule_set, HOUSEHOLDS[0], {"line": 5_000}) == [
        {
            "household_id": 1,
            "rule_set": "test@1",
            "parameters": {"line": 5_000},
            "monitoring": {"eligible": True, "category": None},
            "risk_level": None,
            "elimination": {"eligible": False, "blocked_by": []},
            "exit": {"ok": True, "blocked_by": []},
            "fired": [
                {
                    "code": "LOW",
                    "title": "LOW",
                    "kind": "monitoring_eligible",
                    "value": None,
                    "message": "LOW 3000",
                    "values": {"per_capita_net_income": 3_000.0, "param.line": 5_000},
                }
            ],
        }
    ]


def test_explain_of_a_frame_agrees_with_evaluate() -> None:
    frame = facts_frame(HOUSEHOLDS)
    explained = explain(default_rule_set(), frame, LINES)
    outcome = evaluate(default_rule_set(), frame, LINES)
    assert [item["household_id"] for item in explained] == [1, 2, 3, 4]
    assert [[rule["code"] for rule in item["fired"]] for item in explained] == outcome.get_column(
        "fired"
    ).to_list()
    assert [item["risk_level"] for item in explained] == outcome.get_column("risk_level").to_list()
