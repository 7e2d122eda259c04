"""What-if comparison of two evaluations, grouped by region level or fact."""

from typing import Any

import polars as pl
import pytest

from fupin.assessment.rules.definition import default_rule_set
from fupin.assessment.rules.engine import evaluate
from fupin.assessment.rules.facts import facts_frame
from fupin.assessment.rules.simulation import COMPARISON_COLUMNS, SimulationError, compare

FACTS = facts_frame(
    [
        {
            "household_id": number,
            "region_code": region_code,
            "year": 2024,
            "household_type": household_type,
            "members": 2,
            "per_capita_net_income": income,
            "food_insecure": False,
            "clothing_insecure": False,
            "housing_unsafe": False,
            "dropout_child": False,
            "water_unsafe": False,
            "member_uninsured": False,
            "months_income_above_line": 12,
            "development_measures": 1,
            "labor_members": 1,
            "identified_month": "2023-01",
            # Eligibility needs a risk; the monitored household's is resolved.
            "risk_types": [] if household_type == "monitored" else ["因病"],
        }
        for number, region_code, household_type, income in [
            (1, "220421100201", "exited", 8_300.0),
            (2, "220421100201", "ordinary", 9_000.0),
            (3, "220421100202", "monitored", 8_300.0),
            (4, "220421101203", "exited", 5_000.0),
            (5, "220421101203", "exited", 6_500.0),
        ]
    ]
)


# 监测范围 and 扶贫标准 have no default: a region sets them per year.
LINES = {"monitoring_line": 7_000, "poverty_line": 4_000}


def _what_if(group_by: list[str]) -> list[dict[str, Any]]:
    rule_set = default_rule_set()
    before = evaluate(rule_set, FACTS, {**LINES, "monitoring_line": 8_000})
    after = evaluate(rule_set, FACTS, {**LINES, "monitoring_line": 8_600})
    rows: list[dict[str, Any]] = compare(before, after, FACTS, group_by).to_dicts()
    return rows


def test_counts_changes_per_town() -> None:
    assert _what_if(["town"]) == [
        {
            "town": "220421100",
            "households": 3,
            "monitoring_eligible_before": 0,
            "monitoring_eligible_after": 1,
            "entering_monitoring": 1,
            "leaving_monitoring": 0,
            "risk_level_changed": 1,
            "risk_level_raised": 1,
            "risk_level_lowered": 0,
            "becoming_elimination_eligible": 0,
            "leaving_elimination_eligible": 1,
        },
        {
            "town": "220421101",
            "households": 2,
            "monitoring_eligible_before": 2,
            "monitoring_eligible_after": 2,
            "entering_monitoring": 0,
            "leaving_monitoring": 0,
            "risk_level_changed": 1,
            "risk_level_raised": 1,
            "risk_level_lowered": 0,
            "becoming_elimination_eligible": 0,
            "leaving_elimination_eligible": 0,
        },
    ]


def test_groups_by_village_and_by_a_fact() -> None:
    by_village = _what_if(["village", "household_type"])
    assert [(row["village"], row["household_type"], row["households"]) for row in by_village] == [
        ("220421100201", "exited", 1),
        ("220421100201", "ordinary", 1),
        ("220421100202", "monitored", 1),
        ("220421101203", "exited", 2),
    ]


def test_without_groups_gives_one_total_row() -> None:
    (total,) = _what_if([])
    assert list(total) == list(COMPARISON_COLUMNS)
    assert (total["households"], total["entering_monitoring"]) == (5, 1)


def test_same_evaluation_changes_nothing() -> None:
    outcome = evaluate(default_rule_set(), FACTS, LINES)
    (total,) = compare(outcome, outcome, FACTS, []).to_dicts()
    assert total["households"] == 5
    changes = [
        name for name in COMPARISON_COLUMNS if not name.startswith(("households", "monitoring"))
    ]
    assert len(changes) == 7
    assert [total[name] for name in changes] == [0] * 7


def test_rejects_an_unknown_group_and_missing_households() -> None:
    outcome = evaluate(default_rule_set(), FACTS, LINES)
    with pytest.raises(SimulationError, match="不能按 township 分组"):
        compare(outcome, outcome, FACTS, ["township"])
    with pytest.raises(SimulationError, match="有 1 户在比较前后的评估结果中缺失"):
        compare(outcome, outcome.filter(pl.col("household_id") != 3), FACTS, ["town"])
