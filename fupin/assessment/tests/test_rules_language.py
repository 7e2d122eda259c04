"""The condition language: what parses, what is refused (with positions), and the checker."""

from collections.abc import Mapping
from typing import Any

import polars as pl
import pytest

from fupin.assessment.rules.compiler import compile_condition, compile_value
from fupin.assessment.rules.language import (
    Arithmetic,
    Call,
    Comparison,
    FactReference,
    ListLiteral,
    Logical,
    Membership,
    Not,
    NullCheck,
    NumberLiteral,
    ParameterReference,
    RuleSyntaxError,
    StringLiteral,
    ValueType,
    check,
    parse,
    referenced_facts,
    referenced_parameters,
)

FACTS = {
    "income": ValueType.NUMBER,
    "members": ValueType.NUMBER,
    "kind": ValueType.STRING,
    "month": ValueType.STRING,
    "risks": ValueType.LIST,
    "unsafe": ValueType.BOOLEAN,
    "flooded": ValueType.BOOLEAN,
}
PARAMETERS = {"line": ValueType.NUMBER, "region": ValueType.STRING}


def _syntax_error(text: str) -> RuleSyntaxError:
    with pytest.raises(RuleSyntaxError) as caught:
        parse(text)
    return caught.value


def _problems(text: str) -> list[str]:
    return [
        problem.message_zh
        for problem in check(text, parse(text), facts=FACTS, parameters=PARAMETERS)
    ]


def _value(text: str, rows: Mapping[str, Any], params: dict[str, float] | None = None) -> list[Any]:
    frame = pl.DataFrame(rows)
    return frame.select(compile_value(parse(text), params or {}).alias("v"))["v"].to_list()


def _fires(text: str, rows: Mapping[str, Any], params: dict[str, float] | None = None) -> list[Any]:
    frame = pl.DataFrame(rows)
    return frame.select(compile_condition(parse(text), params or {}).alias("v"))["v"].to_list()


# --- accepted syntax ------------------------------------------------------------------------


def test_parses_comparison_of_fact_and_parameter() -> None:
    assert parse("income < param.line") == Comparison(
        "<", FactReference("income", 0), ParameterReference("line", 9), 7
    )


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    tree = parse("unsafe or not flooded and income > 1")
    assert isinstance(tree, Logical)
    assert tree.operator == "or"
    assert isinstance(tree.right, Logical)
    assert tree.right.operator == "and"
    assert isinstance(tree.right.left, Not)


def test_multiplication_binds_tighter_than_addition_and_parentheses_override() -> None:
    flat = parse("1 + 2 * 3 == 7")
    grouped = parse("(1 + 2) * 3 == 9")
    assert isinstance(flat, Comparison)
    assert isinstance(flat.left, Arithmetic)
    assert flat.left.operator == "+"
    assert isinstance(grouped, Comparison)
    assert isinstance(grouped.left, Arithmetic)
    assert grouped.left.operator == "*"


@pytest.mark.parametrize(
    "text",
    [
        "income >= 7000.5",
        "income <= -3",
        'kind == "exited"',
        'kind != "ordinary"',
        "unsafe == true or flooded == false",
        '"因病" in risks',
        '"因病" not in risks',
        'kind in ["ordinary", "poor"]',
        "month is null",
        "month is not null",
        "len(risks) > 0",
        "min(income, 100) < max(members, 2)",
        'months_between(month, "2024-12") < 3',
        "any_true(unsafe, flooded)",
        "count_true(unsafe, flooded, income < param.line) >= 2",
        "coalesce(members, 1) > 0",
        "income / members * 2 - 1 + 3 > param.line",
        "not (income < param.line)",
        'param.region == "22"',
        "income\n  < param.line\n  and unsafe",
    ],
)
def test_accepts(text: str) -> None:
    parse(text)
    assert _problems(text) == []


def test_string_escapes_are_decoded() -> None:
    tree = parse('kind == "a\\"b\\\\c"')
    assert isinstance(tree, Comparison)
    assert tree.right == StringLiteral('a"b\\c', 8)


def test_membership_of_a_list_literal_keeps_its_items() -> None:
    tree = parse('kind in ["a", 2]')
    assert tree == Membership(
        FactReference("kind", 0),
        ListLiteral((StringLiteral("a", 9), NumberLiteral(2, 14)), 8),
        negated=False,
        position=5,
    )


def test_is_not_null_is_one_negated_check() -> None:
    assert parse("month is not null") == NullCheck(FactReference("month", 0), True, 6)


def test_function_call_keeps_arguments() -> None:
    assert parse("len(risks)") == Call("len", (FactReference("risks", 4),), 0)


def test_referenced_names_are_listed_once_in_order() -> None:
    tree = parse("income < param.line and income * members > param.line or unsafe")
    assert referenced_facts(tree) == ["income", "members", "unsafe"]
    assert referenced_parameters(tree) == ["line"]


# --- rejected syntax, with positions --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("(income < 1", 11, "第 1 行第 12 列：缺少右括号（与第 1 行第 1 列的左括号配对）"),
        ("income < 1)", 10, "第 1 行第 11 列：多余的右括号"),
        ("len(risks", 9, "第 1 行第 10 列：缺少右括号（与第 1 行第 4 列的左括号配对）"),
        ("()", 1, "第 1 行第 2 列：括号内缺少表达式"),
        ("income = 1", 7, "第 1 行第 8 列：未知运算符“=”，请写“==”"),
        ("income === 1", 7, "第 1 行第 8 列：未知运算符“===”，相等比较请写“==”"),
        ("unsafe && flooded", 7, "第 1 行第 8 列：未知运算符“&&”，请写“and”"),
        ("unsafe || flooded", 7, "第 1 行第 8 列：未知运算符“||”，请写“or”"),
        ("!unsafe", 0, "第 1 行第 1 列：未知运算符“!”，请写“not”"),
        ("income <> 1", 7, "第 1 行第 8 列：未知运算符“<>”，请写“!=”"),
        ("income % 2 == 0", 7, "第 1 行第 8 列：未知运算符“%”"),
        ('kind == "exited', 8, "第 1 行第 9 列：字符串缺少结束的双引号"),
        ('kind == "a\nb"', 8, "第 1 行第 9 列：字符串缺少结束的双引号"),
        ("kind == 'exited'", 8, "第 1 行第 9 列：字符串请用英文双引号括起"),
        ('kind == "a\\n"', 10, '第 1 行第 11 列：字符串中只允许 \\" 和 \\\\ 两种转义'),
        ("income < 1 unsafe", 11, "第 1 行第 12 列：条件在此处应已结束，却出现了多余的 “unsafe”"),
        ("income < 1 2", 11, "第 1 行第 12 列：条件在此处应已结束，却出现了多余的 “2”"),
        ("", 0, "第 1 行第 1 列：条件为空"),
        ("   \n  ", 6, "第 2 行第 3 列：条件为空"),
        ("income <", 8, "第 1 行第 9 列：条件不完整，此处缺少运算对象"),
        ("income < < 1", 9, "第 1 行第 10 列：此处应为数值、字符串、事实或参数，却出现了 “<”"),
        ("1 < income < 3", 11, "第 1 行第 12 列：比较运算不能连用，请用 and 连接两个比较"),
        ("income == null", 7, "第 1 行第 8 列：与 null 比较请写“is null”"),
        ("income != null", 7, "第 1 行第 8 列：与 null 比较请写“is not null”"),
        ("income is 3", 10, "第 1 行第 11 列：“is” 后只能跟 “null” 或 “not null”"),
        ("1.", 0, "第 1 行第 1 列：数字的小数点后缺少数字"),
        ("12abc > 1", 0, "第 1 行第 1 列：无效的数字“12a”"),
        ("income > 1\n  and 收入 > 2", 17, "第 2 行第 7 列：无法识别的字符“收”"),
        ("[1, 2]", 0, "第 1 行第 1 列：列表只能写在 in 的右边"),
        ('kind in ["a", income]', 14, "第 1 行第 15 列：列表中只能写字符串或数字常量"),
        ('kind in ["a"', 12, "第 1 行第 13 列：列表缺少右方括号“]”"),
        ('kind in ["a" "b"]', 13, "第 1 行第 14 列：列表元素之间应为逗号"),
    ],
)
def test_rejects_with_position(text: str, position: int, message: str) -> None:
    error = _syntax_error(text)
    assert (error.message_zh, error.position) == (message, position)


def test_syntax_error_carries_line_and_column() -> None:
    error = _syntax_error("income > 1\nand (unsafe")
    assert (error.position, error.line, error.column) == (22, 2, 12)
    assert str(error) == error.message_zh


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sqrt(income) > 1",
            "第 1 行第 1 列：未知函数“sqrt”，可用的函数："
            "len、min、max、months_between、any_true、count_true、coalesce",
        ),
        ("len(risks, risks) > 1", "第 1 行第 1 列：函数 len 需要 1 个参数，实际给了 2 个"),
        ("min(income) > 1", "第 1 行第 1 列：函数 min 需要 2 个参数，实际给了 1 个"),
        ("any_true()", "第 1 行第 1 列：函数 any_true 需要 至少 1 个参数，实际给了 0 个"),
        ("min(income 1) > 1", "第 1 行第 12 列：函数参数之间应为逗号，却出现了 “1”"),
    ],
)
def test_rejects_unknown_functions_and_wrong_arity(text: str, message: str) -> None:
    assert _syntax_error(text).message_zh == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('__import__("os")', "第 1 行第 1 列：未知函数“__import__”"),
        ('eval("1")', "第 1 行第 1 列：未知函数“eval”"),
        ("income.__class__", "第 1 行第 7 列：不支持属性访问"),
        ("param.line.real > 1", "第 1 行第 11 列：不支持属性访问"),
        ("params.line > 1", "第 1 行第 1 列：参数请写作 param.参数名（不是 params.）"),
        ("param > 1", "第 1 行第 1 列：参数请写作 param.参数名"),
        ("param.1 > 1", "第 1 行第 7 列：“param.” 后缺少参数名"),
        ("risks[0] == 1", "第 1 行第 6 列：条件在此处应已结束，却出现了多余的 “[”"),
        ("lambda: 1", "第 1 行第 7 列：未知运算符“:”"),
        ("income; 1", "第 1 行第 7 列：未知运算符“;”"),
    ],
)
def test_rejects_code_injection_and_attribute_access(text: str, message: str) -> None:
    assert _syntax_error(text).message_zh.startswith(message)


def test_refuses_deep_nesting_and_very_long_conditions_without_recursion_errors() -> None:
    deep = "(" * 33 + "unsafe" + ")" * 33
    assert _syntax_error(deep).message_zh == "第 1 行第 33 列：嵌套层数过多（最多 32 层）"
    assert _syntax_error("not " * 40 + "unsafe").position == 128
    assert _syntax_error("income" + " + 1" * 200 + " > 0").message_zh.startswith(
        "第 1 行第 806 列：条件过长（最多 400 个记号）"
    )
    longest = "income" + " + 1" * 197 + " > 0"
    assert _problems(longest) == []
    assert _fires(longest, {"income": [1.0]}) == [True]


# --- the name and type check ----------------------------------------------------------------


def test_check_reports_unknown_fact_and_parameter_with_positions() -> None:
    text = "incme < param.lin and unsafe"
    problems = check(text, parse(text), facts=FACTS, parameters=PARAMETERS)
    assert [(problem.message_zh, problem.position) for problem in problems] == [
        ("第 1 行第 1 列：未知的事实“incme”", 0),
        ("第 1 行第 9 列：未知的参数“param.lin”", 8),
    ]


def test_check_reports_positions_on_later_lines() -> None:
    assert _problems("unsafe\nand colour == 1") == ["第 2 行第 5 列：未知的事实“colour”"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("len(income) > 0", "第 1 行第 5 列：此处应为列表，实际为数值"),
        ('income < "7000"', "第 1 行第 1 列：不能比较数值和字符串"),
        ("income + kind > 1", "第 1 行第 10 列：此处应为数值，实际为字符串"),
        ("unsafe < flooded", "第 1 行第 1 列：真假值只能用 == 或 != 比较"),
        ("risks == risks", "第 1 行第 1 列：列表不能直接比较，请用 in 或 len()"),
        ('"因病" in kind', "第 1 行第 9 列：此处应为列表，实际为字符串"),
        ("income and unsafe", "第 1 行第 1 列：此处应为真假值，实际为数值"),
        ("income + 1", "第 1 行第 1 列：条件的结果应为真假值，实际为数值"),
        ("any_true(income)", "第 1 行第 10 列：此处应为真假值，实际为数值"),
        ("months_between(income, month) > 1", "第 1 行第 16 列：此处应为字符串，实际为数值"),
        (
            "coalesce(income, kind) == 1",
            "第 1 行第 1 列：coalesce 的两个参数类型不同：数值和字符串",
        ),
    ],
)
def test_check_reports_mistyped_operands(text: str, message: str) -> None:
    assert _problems(text) == [message]


# --- compiled semantics ---------------------------------------------------------------------


def test_comparison_with_null_is_null_and_the_rule_does_not_fire() -> None:
    rows = {"income": [1.0, None]}
    assert _value("income < 5", rows) == [True, None]
    assert _fires("income < 5", rows) == [True, False]
    assert _fires("not (income < 5)", rows) == [False, False]


def test_and_or_follow_three_valued_logic() -> None:
    rows = {"income": [None, None], "unsafe": [True, False]}
    assert _value("income < 5 or unsafe", rows) == [True, None]
    assert _value("income < 5 and unsafe", rows) == [None, False]


def test_is_null_makes_missing_data_fire_explicitly() -> None:
    assert _fires("income is null or income < 5", {"income": [None, 3.0, 9.0]}) == [
        True,
        True,
        False,
    ]


def test_membership_in_list_fact_and_list_literal() -> None:
    rows = {"risks": [["因病"], [], None], "kind": ["poor", "exited", None]}
    assert _value('"因病" in risks', rows) == [True, False, None]
    assert _value('"因病" not in risks', rows) == [False, True, None]
    assert _value('kind in ["ordinary", "poor"]', rows) == [True, False, None]
    assert _value("kind in []", rows) == [False, False, None]


def test_len_min_max_propagate_null() -> None:
    rows = {"risks": [["a", "b"], None], "income": [3.0, None]}
    assert _value("len(risks)", rows) == [2, None]
    assert _value("min(income, 5)", rows) == [3.0, None]
    assert _value("max(income, 5)", rows) == [5.0, None]


def test_months_between_counts_months_across_years_and_is_null_when_missing() -> None:
    rows = {"month": ["2023-11", "2024-12", None]}
    assert _value('months_between(month, "2024-01")', rows) == [2, -11, None]


def test_any_true_and_count_true_treat_unknown_as_not_true() -> None:
    rows = {"unsafe": [True, None, None], "flooded": [True, False, None]}
    assert _value("count_true(unsafe, flooded)", rows) == [2, 0, 0]
    assert _value("any_true(unsafe, flooded)", rows) == [True, False, False]


def test_division_by_zero_is_null() -> None:
    rows = {"income": [10.0, 10.0], "members": [2, 0]}
    assert _value("income / members", rows) == [5.0, None]


def test_coalesce_replaces_null() -> None:
    assert _value("coalesce(members, 1)", {"members": [3, None]}) == [3, 1]


def test_parameters_compile_to_their_values() -> None:
    assert _fires("income < param.line", {"income": [7999.99, 8000.0]}, {"line": 8000}) == [
        True,
        False,
    ]
