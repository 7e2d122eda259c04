"""Golden cases: facts in, the full explain() outcome out, compared exactly."""

import json
from pathlib import Path
from typing import Any

import pytest

from fupin.assessment.rules.definition import DecisionKind, default_rule_set
from fupin.assessment.rules.engine import explain

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_explain_matches_the_golden_outcome(path: Path) -> None:
    case = _load(path)
    assert explain(default_rule_set(), case["facts"], case.get("params")) == [case["expected"]]


def test_golden_cases_cover_every_outcome() -> None:
    outcomes = [_load(path)["expected"] for path in CASES]
    rule_set = default_rule_set()
    blocks = {
        rule.code for rule in rule_set.rules if rule.decides.kind is DecisionKind.ELIMINATION_BLOCK
    }
    assert 6 <= len(outcomes) <= 10
    assert {o["monitoring"]["category"] for o in outcomes} == {
        "unstable_exited",
        "marginal",
        "sudden_hardship",
        None,
    }
    assert {o["risk_level"] for o in outcomes} == {"red", "orange", "blue", None}
    assert any(o["elimination"]["eligible"] for o in outcomes)
    assert {code for o in outcomes for code in o["elimination"]["blocked_by"]} == blocks
    assert {o["exit"]["ok"] for o in outcomes} == {True, False}
    assert {code for o in outcomes for code in o["exit"]["blocked_by"]} == {
        "EXIT-INCOME-NOT-ABOVE-LINE",
        "EXIT-CONDITIONS-PROBLEM",
        "EXIT-CONDITIONS-UNVERIFIED",
    }
