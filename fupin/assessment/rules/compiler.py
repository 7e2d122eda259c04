"""Compile a parsed condition into one Polars expression over the facts frame.

Null semantics (documented in docs/rules/language.md, "Missing values"):

* A fact may be null (unknown). Arithmetic, comparisons, `in`, `len`, `min`, `max` and
  `months_between` with a null operand give null, and `and`/`or`/`not` follow Kleene
  three-valued logic, as in SQL: `null and false` is false, `null or true` is true.
* `is null` / `is not null` are never null; `any_true` and `count_true` count an unknown
  argument as not true, so they are never null either; `coalesce(a, b)` replaces a null.
* Division by zero gives null rather than infinity, so it cannot make a comparison true.
* A rule fires only where its condition is true: the final boolean is `fill_null(False)`.
  Missing data therefore never fires a rule by itself; a rule that must fire on missing data
  says so with `is null` (the shipped elimination and exit guards do).
"""

from collections.abc import Mapping

import polars as pl

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

ParameterValue = int | float | str


class RuleCompileError(ValueError):
    """A condition refers to a parameter that has no value."""


def compile_condition(expression: Expression, parameters: Mapping[str, ParameterValue]) -> pl.Expr:
    """Compile a condition to a boolean expression that is false wherever it is unknown."""
    return compile_value(expression, parameters).fill_null(False)


def compile_value(expression: Expression, parameters: Mapping[str, ParameterValue]) -> pl.Expr:
    """Compile any sub-expression to a Polars expression, nulls left as nulls."""
    return _Compiler(parameters).compile(expression)


class _Compiler:
    def __init__(self, parameters: Mapping[str, ParameterValue]) -> None:
        self.parameters = parameters

    def compile(self, node: Expression) -> pl.Expr:  # noqa: PLR0911, PLR0912 - one case per node
        match node:
            case NumberLiteral(value=value) | StringLiteral(value=value):
                return pl.lit(value)
            case BooleanLiteral(value=value):
                return pl.lit(value, dtype=pl.Boolean)
            case NullLiteral():
                return pl.lit(None)
            case ListLiteral():
                raise RuleCompileError("列表只能写在 in 的右边")
            case FactReference(name=name):
                return pl.col(name)
            case ParameterReference(name=name):
                if name not in self.parameters:
                    raise RuleCompileError(f"参数“param.{name}”没有取值")
                return pl.lit(self.parameters[name])
            case Negation(operand=operand):
                return -self.compile(operand)
            case Not(operand=operand):
                return ~self.compile(operand)
            case Arithmetic():
                return self.arithmetic(node)
            case Comparison():
                return self.comparison(node)
            case Logical(operator=operator, left=left, right=right):
                if operator == "and":
                    return self.compile(left) & self.compile(right)
                return self.compile(left) | self.compile(right)
            case Membership():
                return self.membership(node)
            case NullCheck(operand=operand, negated=negated):
                compiled = self.compile(operand)
                return compiled.is_not_null() if negated else compiled.is_null()
            case Call():
                return self.call(node)

    def arithmetic(self, node: Arithmetic) -> pl.Expr:
        left = self.compile(node.left)
        right = self.compile(node.right)
        match node.operator:
            case "+":
                return left + right
            case "-":
                return left - right
            case "*":
                return left * right
            case _:
                return pl.when(right == 0).then(None).otherwise(left / right)

    def comparison(self, node: Comparison) -> pl.Expr:
        left = self.compile(node.left)
        right = self.compile(node.right)
        match node.operator:
            case "<":
                return left < right
            case "<=":
                return left <= right
            case ">":
                return left > right
            case ">=":
                return left >= right
            case "==":
                return left == right
            case _:
                return left != right

    def membership(self, node: Membership) -> pl.Expr:
        item = self.compile(node.item)
        if isinstance(node.container, ListLiteral):
            values = [literal.value for literal in node.container.items]
            found = item.is_in(values) if values else pl.when(item.is_not_null()).then(False)
        else:
            found = self.compile(node.container).list.contains(item)
        return ~found if node.negated else found

    def call(self, node: Call) -> pl.Expr:
        arguments = [self.compile(argument) for argument in node.arguments]
        match node.function:
            case "len":
                return arguments[0].list.len().cast(pl.Int64)
            case "min" | "max":
                first, second = arguments
                combined = (
                    pl.min_horizontal(first, second)
                    if node.function == "min"
                    else pl.max_horizontal(first, second)
                )
                # The horizontal functions skip nulls; the language keeps unknown unknown.
                return pl.when(first.is_null() | second.is_null()).then(None).otherwise(combined)
            case "months_between":
                start, end = arguments
                return _month_number(end) - _month_number(start)
            case "any_true":
                return pl.any_horizontal([argument.fill_null(False) for argument in arguments])
            case "count_true":
                return pl.sum_horizontal(
                    [argument.fill_null(False).cast(pl.Int32) for argument in arguments]
                )
            case _:
                return pl.coalesce(arguments)


def _month_number(month: pl.Expr) -> pl.Expr:
    """Map "YYYY-MM" to year × 12 + month; anything else becomes null."""
    year = month.str.slice(0, 4).cast(pl.Int32, strict=False)
    month_of_year = month.str.slice(5, 2).cast(pl.Int32, strict=False)
    return year * 12 + month_of_year
