"""Rule sets as data: life cycle, immutability, JSON round trip and validation."""

import datetime
import json
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from fupin.assessment.rules.definition import (
    Decision,
    DecisionKind,
    ImmutableRuleSetError,
    ParameterSpec,
    Problem,
    Rule,
    RuleSet,
    RuleSetError,
    RuleSetFormatError,
    RuleSetInvalidError,
    RuleSetStatus,
    RuleSetStatusError,
    UnknownParameterError,
    clone_as_draft,
    default_rule_set,
    fill_message,
    format_value,
    from_dict,
    message_placeholders,
    publish,
    resolve_parameters,
    retire,
    to_dict,
    validate,
    with_effective_period,
    with_parameter,
    with_parameter_default,
    with_rule,
    without_rule,
)

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "rules" / "default_ruleset.json"
NEW_RULE = Rule(
    code="MON-LARGE-FAMILY-LOW-INCOME",
    title="人口多且收入低",
    condition="members >= param.large_family and per_capita_net_income < param.monitoring_line",
    message="{members} 人的家庭人均纯收入 {per_capita_net_income} 元",
    decides=Decision(DecisionKind.MONITORING_ELIGIBLE),
)


def _draft() -> RuleSet:
    return clone_as_draft(default_rule_set(), 3)


def test_default_file_round_trips_through_from_dict_and_to_dict() -> None:
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    assert to_dict(from_dict(document)) == document


@pytest.mark.parametrize(
    "edit",
    [
        lambda rule_set: with_rule(rule_set, NEW_RULE),
        lambda rule_set: without_rule(rule_set, "MON-INCOME-BELOW-LINE"),
        lambda rule_set: with_parameter_default(rule_set, "monitoring_line", 8600),
        lambda rule_set: with_parameter(rule_set, "large_family", ParameterSpec(6, "人", "大家庭")),
        lambda rule_set: with_effective_period(rule_set, datetime.date(2025, 1, 1), None),
    ],
)
def test_published_and_retired_rule_sets_cannot_be_edited(edit: object) -> None:
    published = default_rule_set()
    retired = retire(published)
    assert callable(edit)
    for rule_set in (published, retired):
        with pytest.raises(ImmutableRuleSetError, match="不能修改；请先复制为新版本草稿"):
            edit(rule_set)


def test_published_rule_set_cannot_be_changed_in_place() -> None:
    rule_set = default_rule_set()
    with pytest.raises(FrozenInstanceError):
        rule_set.version = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        rule_set.parameters["monitoring_line"] = ParameterSpec(1, "元", "")  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        rule_set.rules[0].condition = "true"  # type: ignore[misc]


def test_changing_the_callers_dict_does_not_change_the_rule_set() -> None:
    parameters = {"line": ParameterSpec(1, "元", "线")}
    rule_set = replace(_draft(), parameters=parameters)
    parameters["line"] = ParameterSpec(2, "元", "线")
    assert rule_set.parameters["line"].default == 1


def test_clone_as_draft_then_edit_then_publish() -> None:
    draft = _draft()
    assert (draft.status, draft.version, draft.code) == (
        RuleSetStatus.DRAFT,
        3,
        "national-baseline",
    )

    edited = with_parameter_default(draft, "rigid_expenditure_threshold", 30000)
    edited = with_parameter(edited, "large_family", ParameterSpec(6, "人", "大家庭人口数", "县级"))
    edited = with_rule(edited, NEW_RULE)
    published = publish(edited)

    assert published.status is RuleSetStatus.PUBLISHED
    assert published.parameters["rigid_expenditure_threshold"].default == 30000
    assert published.rules[-1] == NEW_RULE
    assert default_rule_set().parameters["rigid_expenditure_threshold"].default == 20000


def test_with_rule_replaces_a_rule_of_the_same_code_in_place() -> None:
    draft = _draft()
    changed = replace(draft.rules[0], condition="per_capita_net_income < 1")
    edited = with_rule(draft, changed)
    assert edited.rules[0] == changed
    assert len(edited.rules) == len(draft.rules)


def test_without_rule_requires_an_existing_code() -> None:
    with pytest.raises(RuleSetError, match="规则集中没有规则 NOPE"):
        without_rule(_draft(), "NOPE")


def test_clone_requires_a_higher_version() -> None:
    with pytest.raises(RuleSetError, match="新版本号 2 应大于原版本号 2"):
        clone_as_draft(default_rule_set(), 2)


def test_life_cycle_steps_require_the_right_status() -> None:
    with pytest.raises(RuleSetStatusError, match="只有草稿可以发布"):
        publish(default_rule_set())
    with pytest.raises(RuleSetStatusError, match="只有已发布的规则集可以停用"):
        retire(_draft())


def test_retire_closes_the_effective_period() -> None:
    retired = retire(default_rule_set(), effective_to=datetime.date(2025, 12, 31))
    assert retired.status is RuleSetStatus.RETIRED
    assert retired.effective_to == datetime.date(2025, 12, 31)
    with pytest.raises(RuleSetError, match="停用日期不能早于生效日期"):
        retire(default_rule_set(), effective_to=datetime.date(2019, 12, 31))


def test_publish_refuses_a_draft_with_problems() -> None:
    broken = with_rule(_draft(), replace(NEW_RULE, condition="members >= 6 and"))
    with pytest.raises(RuleSetInvalidError) as caught:
        publish(broken)
    assert caught.value.problems == [
        Problem("MON-LARGE-FAMILY-LOW-INCOME", "第 1 行第 17 列：条件不完整，此处缺少运算对象", 16),
    ]


def test_validate_reports_unknown_names_with_positions() -> None:
    rule = replace(
        NEW_RULE,
        condition="member >= 6\n  and per_capita_net_income < param.monitoring_lin",
        message="{member} 人，{param.large_family}",
    )
    assert validate(with_rule(_draft(), rule)) == [
        Problem("MON-LARGE-FAMILY-LOW-INCOME", "第 1 行第 1 列：未知的事实“member”", 0),
        Problem(
            "MON-LARGE-FAMILY-LOW-INCOME", "第 2 行第 31 列：未知的参数“param.monitoring_lin”", 42
        ),
        Problem(
            "MON-LARGE-FAMILY-LOW-INCOME",
            "提示信息中的占位符 {member}：第 1 行第 1 列：未知的事实“member”",
            0,
            "message",
        ),
        Problem(
            "MON-LARGE-FAMILY-LOW-INCOME",
            "提示信息中的占位符 {param.large_family}："
            "第 1 行第 1 列：未知的参数“param.large_family”",
            11,
            "message",
        ),
    ]


def test_validate_checks_names_against_the_given_facts() -> None:
    problems = validate(_draft(), fact_names={"household_id", "per_capita_net_income"})
    assert "第 1 行第 1 列：未知的事实“household_type”" in {p.message_zh for p in problems}


def test_validate_reports_decisions_codes_and_metadata() -> None:
    draft = replace(
        _draft(),
        code=" ",
        version=0,
        region_code="2204",
        effective_to=datetime.date(2019, 12, 31),
        rules=(
            replace(NEW_RULE, code="bad code", decides=Decision(DecisionKind.RISK_LEVEL, "green")),
            replace(NEW_RULE, code="DUP", title=" ", decides=Decision(DecisionKind.FLAG, "x")),
            replace(NEW_RULE, code="DUP", message="{", condition="members + 1"),
        ),
        parameters={
            "large_family": ParameterSpec(6, "人", ""),
            "monitoring_line": ParameterSpec(1, "元", ""),
        },
    )
    assert [(p.rule_code, p.field, p.message_zh) for p in validate(draft)] == [
        ("", "code", "规则集代码不能为空"),
        ("", "version", "版本号应为正整数"),
        ("", "effective_to", "失效日期不能早于生效日期"),
        ("bad code", "code", "规则代码应由大写字母、数字和连字符组成，如 MON-INCOME-BELOW-LINE"),
        ("bad code", "decides", "risk_level 类规则的取值应为 red、orange、blue 之一，实际为 green"),
        ("DUP", "title", "规则标题不能为空"),
        ("DUP", "decides", "flag 类规则不取值，却给了 x"),
        ("DUP", "code", "规则代码 DUP 重复"),
        ("DUP", "condition", "第 1 行第 1 列：条件的结果应为真假值，实际为数值"),
        ("DUP", "message", "提示信息中有不成对的花括号"),
    ]


def test_validate_reports_a_bad_region_code() -> None:
    draft = replace(_draft(), region_code="22x")
    assert [p.message_zh for p in validate(draft)] == [
        "适用区划应为空（全国）或 2/4/6/9/12 位数字区划代码"
    ]


@pytest.mark.parametrize(
    ("document_change", "message"),
    [
        ({"version": "1"}, "规则集文档中 version 的类型不对"),
        ({"version": True}, "规则集文档中 version 的类型不对"),
        (
            {"status": "live"},
            "规则集文档中 status 应为 draft、published、retired 之一，实际为 live",
        ),
        (
            {"effective_from": "2021-13-01"},
            "规则集文档中 effective_from 应为 YYYY-MM-DD 格式的日期",
        ),
        ({"rules": [{"code": "A"}]}, "规则集文档缺少 rules[0].decides"),
        (
            {"parameters": {"x": {"default": True}}},
            "parameters.x.default 应为数值、字符串或 null",
        ),
    ],
)
def test_from_dict_names_the_bad_key(document_change: dict[str, object], message: str) -> None:
    document = {**to_dict(default_rule_set()), **document_change}
    with pytest.raises(RuleSetFormatError) as caught:
        from_dict(document)
    assert str(caught.value) == message


def test_resolve_parameters_overrides_defaults_and_refuses_unknown_names() -> None:
    values = resolve_parameters(default_rule_set(), {"monitoring_line": 8600, "poverty_line": 4000})
    assert values["monitoring_line"] == 8600
    assert values["rigid_expenditure_threshold"] == 20000
    with pytest.raises(UnknownParameterError, match="没有参数 monitoring_lin；可用参数"):
        resolve_parameters(default_rule_set(), {"monitoring_lin": 8600})
    with pytest.raises(UnknownParameterError, match="参数 monitoring_line 应为数值"):
        resolve_parameters(default_rule_set(), {"monitoring_line": "8600"})


def test_messages_are_filled_with_display_values() -> None:
    template = "{a} {b} {c} {d} {e} {f} {param.g} {missing}"
    values = {
        "a": 7000.0,
        "b": 6999.99,
        "c": True,
        "d": None,
        "e": ["因病", "因残"],
        "f": [],
        "param.g": 0.8,
    }
    assert fill_message(template, values) == "7000 6999.99 是 未知 因病、因残 无 0.8 {missing}"
    assert message_placeholders(template)[-2:] == ["param.g", "missing"]
    assert format_value(1.5) == "1.5"
    assert format_value(False) == "否"
