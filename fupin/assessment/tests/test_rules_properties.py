"""Properties over random households: batch equals one by one; one colour per household,
for every 脱贫户 and 监测户; adding a problem or a risk never lowers the level."""

from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.assessment.rules.definition import DecisionKind, default_rule_set
from fupin.assessment.rules.engine import evaluate
from fupin.assessment.rules.facts import HOUSEHOLD_TYPES, NATIONAL_RISK_TYPES, facts_frame

RULE_SET = default_rule_set()
# The values a region sets per year (no defaults), as a test stands them in.
PARAMS = {"monitoring_line": 7000, "poverty_line": 4000}
RISK_RANK = {None: 0, "blue": 1, "orange": 2, "red": 3}
FLAGS = (
    "food_insecure",
    "clothing_insecure",
    "housing_unsafe",
    "dropout_child",
    "water_unsafe",
    "member_uninsured",
)
LEVEL_RULES = {rule.code for rule in RULE_SET.rules if rule.decides.kind is DecisionKind.RISK_LEVEL}
# No example database: the suite must not write files into the project.
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, database=None)

months = st.builds(
    lambda year, month: f"{year}-{month:02d}",
    st.integers(2021, 2025),
    st.integers(1, 12),
)
money = st.floats(min_value=-2_000, max_value=60_000, allow_nan=False).map(lambda x: round(x, 2))
flag = st.one_of(st.none(), st.booleans())


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    members = draw(st.integers(1, 8))
    household_type = draw(st.sampled_from(HOUSEHOLD_TYPES))
    return {
        "household_id": draw(st.integers(1, 10**12)),
        "region_code": draw(st.sampled_from(["220421100201", "220421101203", "530328100200"])),
        "year": 2024,
        "household_type": household_type,
        "members": members,
        "per_capita_net_income": draw(st.one_of(st.none(), money)),
        "previous_per_capita_net_income": draw(st.one_of(st.none(), money)),
        "exited_household": draw(st.booleans()),
        "compliant_out_of_pocket": draw(st.one_of(st.none(), money.map(abs))),
        **{name: draw(flag) for name in FLAGS},
        "risk_types": draw(st.lists(st.sampled_from(NATIONAL_RISK_TYPES), max_size=5, unique=True)),
        "whole_household_no_labor": draw(st.booleans()),
        "labor_members": draw(st.one_of(st.none(), st.integers(0, members))),
        "sudden_hardship": draw(st.booleans()),
        "identified_month": draw(st.one_of(st.none(), months)),
        "months_income_above_line": draw(st.integers(0, 24)),
        "development_measures": draw(st.integers(0, 4)),
        "monitoring_category": draw(
            st.one_of(
                st.none(), st.sampled_from(["unstable_exited", "marginal", "sudden_hardship"])
            )
        ),
        "as_of_month": draw(st.one_of(st.none(), months)),
    }


def _risk_level(record: dict[str, Any]) -> str | None:
    outcome = evaluate(RULE_SET, facts_frame([record]), PARAMS)
    level: str | None = outcome.get_column("risk_level")[0]
    return level


@PROPERTY_SETTINGS
@given(st.lists(households(), min_size=1, max_size=25))
def test_batch_evaluation_equals_one_household_at_a_time(records: list[dict[str, Any]]) -> None:
    batch = evaluate(RULE_SET, facts_frame(records), PARAMS)
    one_by_one = pl.concat(
        [evaluate(RULE_SET, facts_frame([record]), PARAMS) for record in records]
    )
    assert batch.to_dicts() == one_by_one.to_dicts()


@PROPERTY_SETTINGS
@given(households(), st.sampled_from(FLAGS))
def test_adding_a_problem_never_lowers_the_risk_level(record: dict[str, Any], problem: str) -> None:
    worse = {**record, problem: True}
    assert RISK_RANK[_risk_level(worse)] >= RISK_RANK[_risk_level(record)]


@PROPERTY_SETTINGS
@given(households(), st.sampled_from(NATIONAL_RISK_TYPES))
def test_adding_a_risk_never_lowers_the_risk_level(record: dict[str, Any], risk: str) -> None:
    worse = {**record, "risk_types": list(dict.fromkeys([*record["risk_types"], risk]))}
    assert RISK_RANK[_risk_level(worse)] >= RISK_RANK[_risk_level(record)]


@PROPERTY_SETTINGS
@given(st.lists(households(), min_size=1, max_size=25))
def test_every_exited_or_monitored_household_gets_exactly_one_colour(
    records: list[dict[str, Any]],
) -> None:
    outcomes = evaluate(RULE_SET, facts_frame(records), PARAMS).iter_rows(named=True)
    for record, outcome in zip(records, outcomes, strict=True):
        colours = [code for code in outcome["fired"] if code in LEVEL_RULES]
        coloured = record["household_type"] in {"exited", "monitored"}
        assert len(colours) == (1 if coloured else 0)
        assert (outcome["risk_level"] is not None) is coloured
        if colours:
            assert RULE_SET.rule(colours[0]).decides.value == outcome["risk_level"]


@PROPERTY_SETTINGS
@given(households(), st.floats(min_value=0.01, max_value=20_000))
def test_lowering_income_never_lowers_the_risk_level(record: dict[str, Any], drop: float) -> None:
    income = record["per_capita_net_income"]
    lower = {**record, "per_capita_net_income": None if income is None else income - drop}
    assert RISK_RANK[_risk_level(lower)] >= RISK_RANK[_risk_level(record)]


@PROPERTY_SETTINGS
@given(st.lists(households(), min_size=1, max_size=10))
def test_outcomes_are_consistent_with_their_decisions(records: list[dict[str, Any]]) -> None:
    outcomes = evaluate(RULE_SET, facts_frame(records), PARAMS).iter_rows(named=True)
    for record, outcome in zip(records, outcomes, strict=True):
        categories = [code for code in outcome["fired"] if code.startswith("CAT-")]
        assert len(categories) == (0 if outcome["monitoring_category"] is None else 1)
        if outcome["monitoring_eligible"] and record["household_type"] == "exited":
            assert outcome["monitoring_category"] in {"unstable_exited", "sudden_hardship"}
        if outcome["monitoring_eligible"] and record["household_type"] == "ordinary":
            assert outcome["monitoring_category"] in {"marginal", "sudden_hardship"}
        assert not (record["household_type"] == "poor" and outcome["monitoring_eligible"])
        if outcome["monitoring_category"] is not None:
            assert outcome["monitoring_eligible"]
        # A monitored household keeps the category it has; only one without it has none.
        if outcome["monitoring_eligible"] and record["household_type"] != "monitored":
            assert outcome["monitoring_category"] is not None
        assert outcome["exit_ok"] == (outcome["exit_blocked_by"] == [])
        if outcome["elimination_eligible"]:
            # Only a guard of one method (帮扶消除) may remain: the other method is open.
            blocked = outcome["elimination_blocked_by"]
            assert all(RULE_SET.rule(code).decides.value for code in blocked)
            assert "ELIM-CANDIDATE" in outcome["fired"]
        assert set(outcome["elimination_blocked_by"]) <= set(outcome["fired"])
        assert set(outcome["exit_blocked_by"]) <= set(outcome["fired"])
