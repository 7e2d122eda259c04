"""Measure the assessment rules engine on synthetic households held in memory.

Prints, for the shipped national baseline rule set:

* `evaluate` over 1,000,000 households (goal: at least 1,000,000 households/s);
* a what-if: evaluate with monitoring_line 8000 and 8600, then `compare` by town
  (goal: at most 2 s in all);
* a naive evaluator that interprets the parsed conditions in plain Python, one household
  at a time, on a 20,000-household sample, and the per-household speed-up of `evaluate`
  over it (goal: at least 50×). The naive evaluator exists only here, as the yardstick.

    .venv/bin/python benchmarks/assessment_engine_bench.py [--households 1000000] [--seed 7]
"""

import argparse
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import polars as pl

from fupin.assessment.rules.compiler import ParameterValue
from fupin.assessment.rules.definition import (
    ELIMINATION_METHODS,
    RISK_LEVELS,
    DecisionKind,
    RuleSet,
    default_rule_set,
    resolve_parameters,
)
from fupin.assessment.rules.engine import evaluate
from fupin.assessment.rules.facts import NATIONAL_RISK_TYPES, prepare_facts
from fupin.assessment.rules.language import (
    Arithmetic,
    BooleanLiteral,
    Call,
    Comparison,
    Expression,
    FactReference,
    ListLiteral,
    Logical,
    Membership,
    Negation,
    Not,
    NullCheck,
    NullLiteral,
    NumberLiteral,
    ParameterReference,
    StringLiteral,
)
from fupin.assessment.rules.simulation import compare

DEFAULT_HOUSEHOLDS = 1_000_000
NAIVE_SAMPLE = 20_000
EVALUATE_GOAL_PER_SECOND = 1_000_000
WHAT_IF_GOAL_SECONDS = 2.0
SPEED_UP_GOAL = 50.0
COUNTY = "220421"
TOWNS = 20
VILLAGES_PER_TOWN = 15
UNIFORM_RESOLUTION = 1_000_000

# Share of households carrying each national risk type, in NATIONAL_RISK_TYPES order.
RISK_TYPE_SHARES = (0.12, 0.04, 0.04, 0.02, 0.01, 0.01, 0.03, 0.03, 0.01)

T = TypeVar("T")


# --- synthetic facts ------------------------------------------------------------------------


def _uniform(stream: int, seed: int) -> pl.Expr:
    """Return a pseudo-random number in [0, 1) per row, independent per `stream`."""
    # Hashing the row number is vectorized and reproducible, and needs no numpy.
    hashed = pl.col("row").hash(seed * 1_000 + stream) % UNIFORM_RESOLUTION
    return hashed.cast(pl.Float64) / UNIFORM_RESOLUTION


def random_facts(households: int, seed: int) -> pl.DataFrame:
    """Build a facts frame of synthetic households (DOMAIN §12 proportions, roughly)."""
    u = [_uniform(stream, seed) for stream in range(40)]
    members = (1 + (u[0] * u[0] * 6)).floor().cast(pl.Int32)
    town = 100 + (u[1] * TOWNS).floor().cast(pl.Int32)
    village = 200 + (u[2] * VILLAGES_PER_TOWN).floor().cast(pl.Int32)
    household_type = (
        pl.when(u[3] < 0.55)
        .then(pl.lit("exited"))
        .when(u[3] < 0.62)
        .then(pl.lit("monitored"))
        .otherwise(pl.lit("ordinary"))
    )
    income = 2_500 + u[4] * 9_000 + u[5] * u[5] * 25_000
    out_of_pocket = pl.when(u[6] < 0.7).then(0.0).otherwise(u[7] * u[7] * 45_000)

    def flag(stream: int, probability: float) -> pl.Expr:
        # About 1 % unknown (not yet checked), the rest true with `probability`.
        return pl.when(u[stream + 1] < 0.01).then(None).otherwise(u[stream] < probability)

    risk_types = pl.concat_list(
        [
            pl.when(u[20 + index] < probability).then(pl.lit(label))
            for index, (label, probability) in enumerate(
                zip(NATIONAL_RISK_TYPES, RISK_TYPE_SHARES, strict=True)
            )
        ]
    ).list.drop_nulls()
    monitored = household_type == "monitored"
    identified = 2022 * 12 + (u[30] * 35).floor().cast(pl.Int32)
    identified_month = pl.format(
        "{}-{}",
        (identified // 12).cast(pl.String),
        (identified % 12 + 1).cast(pl.String).str.zfill(2),
    )
    rows = pl.DataFrame({"row": pl.int_range(households, dtype=pl.Int64, eager=True)})
    frame = rows.select(
        household_id=pl.col("row") + 1,
        region_code=pl.concat_str([pl.lit(COUNTY), town.cast(pl.String), village.cast(pl.String)]),
        year=pl.lit(2024, dtype=pl.Int32),
        household_type=household_type,
        members=members,
        per_capita_net_income=income.round(2),
        compliant_out_of_pocket=out_of_pocket.round(2),
        housing_unsafe=flag(8, 0.02),
        dropout_child=flag(10, 0.005),
        water_unsafe=flag(12, 0.01),
        member_uninsured=flag(14, 0.02),
        risk_types=pl.when(monitored | (u[31] < 0.1)).then(risk_types).otherwise(pl.lit([])),
        whole_household_no_labor=u[16] < 0.05,
        labor_members=pl.when(u[16] < 0.05)
        .then(0)
        .otherwise((u[17] * (members + 1)).floor().clip(0, members))
        .cast(pl.Int32),
        sudden_hardship=u[18] < 0.01,
        identified_month=pl.when(monitored).then(identified_month),
        months_income_above_line=(u[19] * 13).floor().cast(pl.Int32),
        development_measures=(u[32] * 3).floor().cast(pl.Int32),
        monitoring_category=pl.when(monitored).then(
            pl.when(u[33] < 0.4)
            .then(pl.lit("unstable_exited"))
            .when(u[33] < 0.9)
            .then(pl.lit("marginal"))
            .otherwise(pl.lit("sudden_hardship"))
        ),
        as_of_month=pl.lit("2024-12"),
    )
    return prepare_facts(frame)


# --- the naive yardstick: interpret the AST in Python, household by household ----------------


def _naive_value(node: Expression, row: Mapping[str, Any], params: Mapping[str, Any]) -> Any:  # noqa: PLR0911, PLR0912 - an interpreter is one big dispatch
    """Interpret one condition for one household, with the engine's null semantics."""
    match node:
        case NumberLiteral(value=value) | StringLiteral(value=value):
            return value
        case BooleanLiteral(value=value):
            return value
        case NullLiteral():
            return None
        case ListLiteral(items=items):
            return [item.value for item in items]
        case FactReference(name=name):
            return row[name]
        case ParameterReference(name=name):
            return params[name]
        case Negation(operand=operand):
            value = _naive_value(operand, row, params)
            return None if value is None else -value
        case Not(operand=operand):
            value = _naive_value(operand, row, params)
            return None if value is None else not value
        case Logical(operator="and", left=left, right=right):
            first = _naive_value(left, row, params)
            if first is False:
                return False
            second = _naive_value(right, row, params)
            if second is False:
                return False
            return None if first is None or second is None else True
        case Logical(left=left, right=right):
            first = _naive_value(left, row, params)
            if first is True:
                return True
            second = _naive_value(right, row, params)
            if second is True:
                return True
            return None if first is None or second is None else False
        case Arithmetic(operator=operator, left=left, right=right):
            first = _naive_value(left, row, params)
            second = _naive_value(right, row, params)
            if first is None or second is None:
                return None
            return _ARITHMETIC[operator](first, second)
        case Comparison(operator=operator, left=left, right=right):
            first = _naive_value(left, row, params)
            second = _naive_value(right, row, params)
            if first is None or second is None:
                return None
            return _COMPARISONS[operator](first, second)
        case Membership(item=item, container=container, negated=negated):
            value = _naive_value(item, row, params)
            values = _naive_value(container, row, params)
            if value is None or values is None:
                return None
            return (value in values) != negated
        case NullCheck(operand=operand, negated=negated):
            return (_naive_value(operand, row, params) is None) != negated
        case Call(function=function, arguments=arguments):
            return _naive_call(function, [_naive_value(a, row, params) for a in arguments])


def _naive_call(function: str, values: list[Any]) -> Any:  # noqa: PLR0911 - one case per function
    match function:
        case "len":
            return None if values[0] is None else len(values[0])
        case "min" | "max":
            if values[0] is None or values[1] is None:
                return None
            return min(values) if function == "min" else max(values)
        case "months_between":
            if values[0] is None or values[1] is None:
                return None
            start, end = (int(value[:4]) * 12 + int(value[5:7]) for value in values)
            return end - start
        case "any_true":
            return any(value is True for value in values)
        case "count_true":
            return sum(value is True for value in values)
        case _:
            return values[0] if values[0] is not None else values[1]


def _divide(first: float, second: float) -> float | None:
    return None if second == 0 else first / second


_ARITHMETIC: Mapping[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
}
_COMPARISONS: Mapping[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def naive_evaluate(
    rule_set: RuleSet, facts: pl.DataFrame, params: Mapping[str, ParameterValue] | None = None
) -> list[dict[str, Any]]:
    """Evaluate household by household in Python: the baseline `evaluate` is measured against."""
    parameters = resolve_parameters(rule_set, params)
    rules = [(rule, rule.expression) for rule in rule_set.rules]
    severity = {level: rank for rank, level in enumerate(RISK_LEVELS)}
    outcomes: list[dict[str, Any]] = []
    for row in facts.iter_rows(named=True):
        fired = {rule.code for rule, tree in rules if _naive_value(tree, row, parameters) is True}
        by_kind: dict[DecisionKind, list[Any]] = {kind: [] for kind in DecisionKind}
        for rule, _ in rules:
            if rule.code in fired:
                by_kind[rule.decides.kind].append(rule)
        eligible = bool(by_kind[DecisionKind.MONITORING_ELIGIBLE])
        categories = sorted(
            by_kind[DecisionKind.MONITORING_CATEGORY], key=lambda rule: -rule.decides.priority
        )
        if not eligible:
            categories = []
        levels = sorted(
            by_kind[DecisionKind.RISK_LEVEL], key=lambda rule: severity[str(rule.decides.value)]
        )
        # Only the category rule and the level rule that decided stay fired.
        fired -= {rule.code for rule in [*categories[1:], *levels[1:]]}
        fired -= {rule.code for rule in by_kind[DecisionKind.MONITORING_CATEGORY]} - {
            rule.code for rule in categories[:1]
        }
        block_rules = by_kind[DecisionKind.ELIMINATION_BLOCK]
        blocks = [rule.code for rule in block_rules]
        general = any(rule.decides.value is None for rule in block_rules)
        method_blocked = {rule.decides.value for rule in block_rules} - {None}
        some_method_open = bool(set(ELIMINATION_METHODS) - method_blocked)
        exit_blocks = [rule.code for rule in by_kind[DecisionKind.EXIT_BLOCK]]
        outcomes.append(
            {
                "household_id": row["household_id"],
                "monitoring_eligible": eligible,
                "monitoring_category": categories[0].decides.value if categories else None,
                "risk_level": levels[0].decides.value if levels else None,
                "elimination_eligible": bool(by_kind[DecisionKind.ELIMINATION_CANDIDATE])
                and not general
                and some_method_open,
                "elimination_blocked_by": blocks,
                "exit_ok": not exit_blocks,
                "exit_blocked_by": exit_blocks,
                "fired": [rule.code for rule, _ in rules if rule.code in fired],
            }
        )
    return outcomes


# --- measurements ---------------------------------------------------------------------------


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rule_set = default_rule_set()
    # 监测范围 and 扶贫标准 have no default; the synthetic households are drawn around these.
    params: dict[str, ParameterValue] = {"monitoring_line": 7000, "poverty_line": 4000}

    facts, seconds = _timed(lambda: random_facts(args.households, args.seed))
    print(f"generate    {args.households:,} households  {seconds:6.2f} s")

    evaluate(rule_set, facts.head(1_000), params)  # warm up the thread pool and the parse cache
    outcome, seconds = _timed(lambda: evaluate(rule_set, facts, params))
    rate = args.households / seconds
    print(
        f"evaluate    {args.households:,} households  {seconds:6.2f} s  {rate:12,.0f} households/s"
        f"  goal {EVALUATE_GOAL_PER_SECOND:,}/s, ratio {rate / EVALUATE_GOAL_PER_SECOND:.2f}"
    )
    eligible = outcome.get_column("monitoring_eligible").sum()
    print(f"            monitoring eligible {eligible:,}, levels {_level_counts(outcome)}")

    def what_if() -> pl.DataFrame:
        before = evaluate(rule_set, facts, {**params, "monitoring_line": 8000})
        after = evaluate(rule_set, facts, {**params, "monitoring_line": 8600})
        return compare(before, after, facts, ["town"])

    changes, seconds = _timed(what_if)
    print(
        f"what-if     8000 → 8600 元, {changes.height} towns  {seconds:6.2f} s"
        f"  goal {WHAT_IF_GOAL_SECONDS:.0f} s, ratio {seconds / WHAT_IF_GOAL_SECONDS:.2f}"
        f"  (entering {changes.get_column('entering_monitoring').sum():,},"
        f" leaving {changes.get_column('leaving_monitoring').sum():,})"
    )

    sample = facts.head(min(NAIVE_SAMPLE, args.households))
    naive, naive_seconds = _timed(lambda: naive_evaluate(rule_set, sample, params))
    naive_rate = sample.height / naive_seconds
    speed_up = rate / naive_rate
    print(
        f"naive loop  {sample.height:,} households  {naive_seconds:6.2f} s"
        f"  {naive_rate:12,.0f} households/s"
    )
    print(
        f"speed-up    evaluate / naive = {speed_up:,.0f}×  goal {SPEED_UP_GOAL:.0f}×,"
        f" ratio {speed_up / SPEED_UP_GOAL:.2f}"
    )
    columnar = evaluate(rule_set, sample, params).to_dicts()
    agreement = "agree" if columnar == naive else "DISAGREE"
    print(f"check       naive and columnar outcomes {agreement} on the sample")


def _level_counts(outcome: pl.DataFrame) -> str:
    counts = dict(outcome.get_column("risk_level").value_counts().iter_rows())
    return ", ".join(f"{level} {counts.get(level, 0):,}" for level in (*RISK_LEVELS, None))


if __name__ == "__main__":
    main()
