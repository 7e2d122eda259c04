"""Rule sets as data: rules, parameters, the DRAFT → PUBLISHED → RETIRED life cycle, JSON.

Every edit returns a new frozen `RuleSet`; only drafts may be edited, so a published rule
set (which outcomes cite as `code@version`) can never change under a recorded decision.
"""

import datetime
import enum
import functools
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from types import MappingProxyType
from typing import Any, TypeVar

from fupin.assessment.rules.compiler import ParameterValue
from fupin.assessment.rules.facts import FACT_NAMES, FACT_TYPES, MONITORING_CATEGORIES
from fupin.assessment.rules.language import (
    PARAMETER_PREFIX,
    Expression,
    RuleSyntaxError,
    ValueType,
    check,
    parse,
)

RISK_LEVELS = ("red", "orange", "blue")  # most severe first
RULE_CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")
_REGION_CODE_LENGTHS = (0, 2, 4, 6, 9, 12)
# The shipped national baseline's current version. Earlier versions stay as files beside it
# (default_ruleset.json is national-baseline@1), so that the migration that stored each one
# and the outcomes that cite it keep their exact text.
DEFAULT_RULE_SET_FILE = "national_baseline_2.json"

T = TypeVar("T")
E = TypeVar("E", bound=enum.StrEnum)


class RuleSetStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class DecisionKind(enum.StrEnum):
    MONITORING_ELIGIBLE = "monitoring_eligible"
    MONITORING_CATEGORY = "monitoring_category"
    RISK_LEVEL = "risk_level"
    ELIMINATION_CANDIDATE = "elimination_candidate"
    ELIMINATION_BLOCK = "elimination_block"
    EXIT_BLOCK = "exit_block"
    FLAG = "flag"


# 风险消除方式: an elimination block may apply to one of them only (DOMAIN §5.8: the
# minimum time after identification is a guard of 帮扶消除, not of 自然消除).
ELIMINATION_METHODS = ("assisted", "natural")
# The values a decision kind takes; kinds not listed take no value.
DECISION_VALUES: Mapping[DecisionKind, tuple[str, ...]] = {
    DecisionKind.MONITORING_CATEGORY: MONITORING_CATEGORIES,
    DecisionKind.RISK_LEVEL: RISK_LEVELS,
    DecisionKind.ELIMINATION_BLOCK: ELIMINATION_METHODS,
}
# Kinds whose value may be left out: an elimination block without one blocks every method.
OPTIONAL_VALUE_KINDS = frozenset({DecisionKind.ELIMINATION_BLOCK})


class RuleSetError(ValueError):
    """A rule set operation that the rule set's state or content does not allow."""


class ImmutableRuleSetError(RuleSetError):
    """An edit of a rule set that is no longer a draft."""


class RuleSetStatusError(RuleSetError):
    """A life-cycle step from the wrong status (e.g. publishing a retired set)."""


class RuleSetFormatError(RuleSetError):
    """A rule-set document whose shape is wrong (missing key, wrong type)."""


class UnknownParameterError(RuleSetError):
    """A parameter override that the rule set does not declare, or of the wrong type."""


class MissingParameterError(RuleSetError):
    """A parameter without a default (set per region and year) that was given no value."""

    def __init__(self, rule_set: "RuleSet", names: list[str]) -> None:
        labels = "、".join(
            f"{rule_set.parameters[name].label_or(name)}（{name}）" for name in names
        )
        super().__init__(
            f"规则集 {rule_set.label} 的参数 {labels} 没有取值：这些参数按区划和年度设置，"
            "没有默认值，请先设置后再评估"
        )
        self.names = names


class RuleSetInvalidError(RuleSetError):
    """A rule set with problems, refused at publication."""

    def __init__(self, problems: list["Problem"]) -> None:
        super().__init__("\n".join(f"{p.rule_code or '规则集'}：{p.message_zh}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    value: str | None = None
    # Only monitoring_category uses it: the highest priority fired category wins.
    priority: int = 0


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    condition: str
    message: str
    decides: Decision

    @property
    def expression(self) -> Expression:
        """Return the parsed condition (parsing is cached per text)."""
        return parse(self.condition)


@dataclass(frozen=True)
class ParameterSpec:
    # None: no default at all; the value must be set for each region and year (监测范围,
    # 扶贫标准), so that a year without one is refused instead of decided on an example.
    default: ParameterValue | None
    unit: str
    description_zh: str
    # Who may set the value (DOMAIN §13: parameters are configuration, never constants).
    set_by: str = ""
    # The short Chinese name pages show (监测范围); the identifier is for the rule language.
    label_zh: str = ""

    def label_or(self, name: str) -> str:
        """The Chinese name, or the identifier for a parameter a draft added without one."""
        return self.label_zh or name

    @property
    def is_set_per_year(self) -> bool:
        """True when the parameter has no default and must be set per region and year."""
        return self.default is None


@dataclass(frozen=True)
class RuleSet:
    code: str
    version: int
    status: RuleSetStatus
    effective_from: datetime.date
    effective_to: datetime.date | None
    region_code: str
    parameters: Mapping[str, ParameterSpec] = field(hash=False)
    rules: tuple[Rule, ...]
    title: str = ""

    def __post_init__(self) -> None:
        # A read-only copy: mutating the caller's dict afterwards cannot edit a published set.
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "rules", tuple(self.rules))

    @property
    def label(self) -> str:
        """Return `code@version`, the name outcomes record."""
        return f"{self.code}@{self.version}"

    def rule(self, code: str) -> Rule:
        """Return the rule with `code`; raise KeyError when there is none."""
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)


@dataclass(frozen=True)
class Problem:
    rule_code: str  # "" for a problem of the rule set itself
    message_zh: str
    position: int | None = None  # 0-based offset in the condition (or message) text
    field: str = "condition"


# --- life cycle and edits -------------------------------------------------------------------


def publish(rule_set: RuleSet, fact_names: Collection[str] = FACT_NAMES) -> RuleSet:
    """Return the draft as PUBLISHED; raise RuleSetInvalidError if it has problems."""
    if rule_set.status is not RuleSetStatus.DRAFT:
        raise RuleSetStatusError(
            f"只有草稿可以发布，规则集 {rule_set.label} 的状态为 {rule_set.status}"
        )
    problems = validate(rule_set, fact_names)
    if problems:
        raise RuleSetInvalidError(problems)
    return replace(rule_set, status=RuleSetStatus.PUBLISHED)


def retire(rule_set: RuleSet, *, effective_to: datetime.date | None = None) -> RuleSet:
    """Return the published set as RETIRED, optionally closing its effective period."""
    if rule_set.status is not RuleSetStatus.PUBLISHED:
        raise RuleSetStatusError(
            f"只有已发布的规则集可以停用，{rule_set.label} 的状态为 {rule_set.status}"
        )
    closing = effective_to if effective_to is not None else rule_set.effective_to
    if closing is not None and closing < rule_set.effective_from:
        raise RuleSetError("停用日期不能早于生效日期")
    return replace(rule_set, status=RuleSetStatus.RETIRED, effective_to=closing)


def clone_as_draft(rule_set: RuleSet, new_version: int) -> RuleSet:
    """Return an editable DRAFT copy of any rule set under a higher version number."""
    if new_version <= rule_set.version:
        raise RuleSetError(f"新版本号 {new_version} 应大于原版本号 {rule_set.version}")
    return replace(rule_set, version=new_version, status=RuleSetStatus.DRAFT)


def _require_draft(rule_set: RuleSet) -> None:
    if rule_set.status is not RuleSetStatus.DRAFT:
        state = "发布" if rule_set.status is RuleSetStatus.PUBLISHED else "停用"
        raise ImmutableRuleSetError(
            f"规则集 {rule_set.label} 已{state}，不能修改；请先复制为新版本草稿"
        )


def with_rule(rule_set: RuleSet, rule: Rule) -> RuleSet:
    """Return the draft with `rule` added, or replacing the rule of the same code in place."""
    _require_draft(rule_set)
    codes = [existing.code for existing in rule_set.rules]
    if rule.code in codes:
        rules = tuple(
            rule if existing.code == rule.code else existing for existing in rule_set.rules
        )
    else:
        rules = (*rule_set.rules, rule)
    return replace(rule_set, rules=rules)


def without_rule(rule_set: RuleSet, code: str) -> RuleSet:
    """Return the draft without the rule `code`."""
    _require_draft(rule_set)
    if all(rule.code != code for rule in rule_set.rules):
        raise RuleSetError(f"规则集中没有规则 {code}")
    return replace(rule_set, rules=tuple(rule for rule in rule_set.rules if rule.code != code))


def with_parameter(rule_set: RuleSet, name: str, spec: ParameterSpec) -> RuleSet:
    """Return the draft with parameter `name` declared (or redeclared) as `spec`."""
    _require_draft(rule_set)
    return replace(rule_set, parameters={**rule_set.parameters, name: spec})


def with_parameter_default(rule_set: RuleSet, name: str, default: ParameterValue) -> RuleSet:
    """Return the draft with a new default value for an existing parameter."""
    _require_draft(rule_set)
    if name not in rule_set.parameters:
        raise UnknownParameterError(f"规则集中没有参数 {name}")
    spec = replace(rule_set.parameters[name], default=default)
    return replace(rule_set, parameters={**rule_set.parameters, name: spec})


def with_effective_period(
    rule_set: RuleSet, effective_from: datetime.date, effective_to: datetime.date | None
) -> RuleSet:
    """Return the draft with a new effective period."""
    _require_draft(rule_set)
    return replace(rule_set, effective_from=effective_from, effective_to=effective_to)


def resolve_parameters(
    rule_set: RuleSet, overrides: Mapping[str, ParameterValue] | None = None
) -> dict[str, ParameterValue]:
    """Return every parameter's value: the set's defaults overridden by `overrides`.

    Raises UnknownParameterError for an undeclared or mistyped override and
    MissingParameterError when a parameter without a default got no value.
    """
    values: dict[str, ParameterValue | None] = {
        name: spec.default for name, spec in rule_set.parameters.items()
    }
    for name, value in (overrides or {}).items():
        if name not in values:
            known = "、".join(values)
            raise UnknownParameterError(
                f"规则集 {rule_set.label} 没有参数 {name}；可用参数：{known}"
            )
        wanted = parameter_type(rule_set.parameters[name])
        if _value_type(value) is not wanted:
            raise UnknownParameterError(f"参数 {name} 应为{wanted.value}，实际为 {value!r}")
        values[name] = value
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise MissingParameterError(rule_set, missing)
    return {name: value for name, value in values.items() if value is not None}


def parameter_type(spec: ParameterSpec) -> ValueType:
    """The type of a parameter's values; one without a default is a number (a line, an
    amount)."""
    return ValueType.NUMBER if spec.default is None else _value_type(spec.default)


def _value_type(value: object) -> ValueType:
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int | float):
        return ValueType.NUMBER
    if isinstance(value, str):
        return ValueType.STRING
    return ValueType.ANY


# --- validation -----------------------------------------------------------------------------


def validate(rule_set: RuleSet, fact_names: Collection[str] = FACT_NAMES) -> list[Problem]:
    """Return every problem of a rule set: syntax, unknown names, types, decisions, metadata."""
    problems = _rule_set_problems(rule_set)
    fact_types = {name: FACT_TYPES.get(name, ValueType.ANY) for name in fact_names}
    parameter_types = {name: parameter_type(spec) for name, spec in rule_set.parameters.items()}
    seen: set[str] = set()
    for rule in rule_set.rules:
        if rule.code in seen:
            problems.append(Problem(rule.code, f"规则代码 {rule.code} 重复", None, "code"))
        seen.add(rule.code)
        problems.extend(_rule_problems(rule, fact_types, parameter_types))
    return problems


def _rule_set_problems(rule_set: RuleSet) -> list[Problem]:
    problems: list[Problem] = []
    if not rule_set.code.strip():
        problems.append(Problem("", "规则集代码不能为空", None, "code"))
    if rule_set.version < 1:
        problems.append(Problem("", "版本号应为正整数", None, "version"))
    region = rule_set.region_code
    if len(region) not in _REGION_CODE_LENGTHS or not (
        (region.isascii() and region.isdigit()) or region == ""
    ):
        problems.append(
            Problem("", "适用区划应为空（全国）或 2/4/6/9/12 位数字区划代码", None, "region_code")
        )
    if rule_set.effective_to is not None and rule_set.effective_to < rule_set.effective_from:
        problems.append(Problem("", "失效日期不能早于生效日期", None, "effective_to"))
    for name, spec in rule_set.parameters.items():
        if not NAME_PATTERN.match(name):
            problems.append(
                Problem("", f"参数名 {name} 只能由字母、数字和下划线组成", None, "parameters")
            )
        if spec.default is not None and _value_type(spec.default) not in {
            ValueType.NUMBER,
            ValueType.STRING,
        }:
            problems.append(
                Problem("", f"参数 {name} 的默认值应为数值或字符串", None, "parameters")
            )
    if not rule_set.rules:
        problems.append(Problem("", "规则集中没有规则", None, "rules"))
    return problems


def _rule_problems(
    rule: Rule, fact_types: Mapping[str, ValueType], parameter_types: Mapping[str, ValueType]
) -> list[Problem]:
    problems: list[Problem] = []
    if not RULE_CODE_PATTERN.match(rule.code):
        problems.append(
            Problem(
                rule.code,
                "规则代码应由大写字母、数字和连字符组成，如 MON-INCOME-BELOW-LINE",
                None,
                "code",
            )
        )
    if not rule.title.strip():
        problems.append(Problem(rule.code, "规则标题不能为空", None, "title"))
    problems.extend(_decision_problems(rule))
    try:
        expression = parse(rule.condition)
    except RuleSyntaxError as error:
        problems.append(Problem(rule.code, error.message_zh, error.position))
    else:
        problems.extend(
            Problem(rule.code, problem.message_zh, problem.position)
            for problem in check(
                rule.condition, expression, facts=fact_types, parameters=parameter_types
            )
        )
    problems.extend(_message_problems(rule, fact_types, parameter_types))
    return problems


def _decision_problems(rule: Rule) -> list[Problem]:
    decides = rule.decides
    allowed = DECISION_VALUES.get(decides.kind)
    if allowed is None and decides.value is not None:
        return [
            Problem(
                rule.code, f"{decides.kind} 类规则不取值，却给了 {decides.value}", None, "decides"
            )
        ]
    if decides.value is None and decides.kind in OPTIONAL_VALUE_KINDS:
        return []
    if allowed is not None and decides.value not in allowed:
        return [
            Problem(
                rule.code,
                f"{decides.kind} 类规则的取值应为 {'、'.join(allowed)} 之一，"
                f"实际为 {decides.value}",
                None,
                "decides",
            )
        ]
    return []


def _message_problems(
    rule: Rule, fact_types: Mapping[str, ValueType], parameter_types: Mapping[str, ValueType]
) -> list[Problem]:
    problems: list[Problem] = []
    if not rule.message.strip():
        problems.append(Problem(rule.code, "提示信息不能为空", None, "message"))
    for match in _PLACEHOLDER_PATTERN.finditer(rule.message):
        name = match.group(1)
        prefix = f"{PARAMETER_PREFIX}."
        if name.startswith(prefix) and name.removeprefix(prefix) in parameter_types:
            continue
        if name in fact_types:
            continue
        # Anything else is a value expression of the rule language, e.g. a count.
        try:
            expression = parse(name)
        except RuleSyntaxError:
            expression = None
        found = (
            None
            if expression is None
            else check(
                name, expression, facts=fact_types, parameters=parameter_types, as_value=True
            )
        )
        if found == []:
            continue
        detail = found[0].message_zh if found else "不是已知的事实、参数或表达式"
        problems.append(
            Problem(
                rule.code,
                f"提示信息中的占位符 {{{name}}}：{detail}",
                match.start(),
                "message",
            )
        )
    leftover = _PLACEHOLDER_PATTERN.sub("", rule.message)
    if "{" in leftover or "}" in leftover:
        problems.append(Problem(rule.code, "提示信息中有不成对的花括号", None, "message"))
    return problems


def fill_message(template: str, values: Mapping[str, object]) -> str:
    """Fill `{fact}` and `{param.name}` placeholders with display text of `values`."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        return format_value(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER_PATTERN.sub(substitute, template)


def message_placeholders(template: str) -> list[str]:
    """Return the placeholder names of a message template, in order."""
    return list(dict.fromkeys(_PLACEHOLDER_PATTERN.findall(template)))


def format_value(value: object) -> str:
    """Render a fact or parameter value for a Chinese message."""
    match value:
        case None:
            return "未知"
        case bool():
            return "是" if value else "否"
        case float() if value.is_integer():
            return str(int(value))
        case float():
            return f"{value:.2f}".rstrip("0").rstrip(".")
        case list() | tuple():
            return "、".join(format_value(item) for item in value) if value else "无"
        case _:
            return str(value)


# --- JSON -----------------------------------------------------------------------------------


def to_dict(rule_set: RuleSet) -> dict[str, Any]:
    """Return the rule set as a JSON-ready dict (the shape `from_dict` reads)."""
    return {
        "code": rule_set.code,
        "version": rule_set.version,
        "title": rule_set.title,
        "status": str(rule_set.status),
        "effective_from": rule_set.effective_from.isoformat(),
        "effective_to": rule_set.effective_to.isoformat() if rule_set.effective_to else None,
        "region_code": rule_set.region_code,
        "parameters": {
            name: {
                "default": spec.default,
                "unit": spec.unit,
                "description_zh": spec.description_zh,
                "set_by": spec.set_by,
                "label_zh": spec.label_zh,
            }
            for name, spec in rule_set.parameters.items()
        },
        "rules": [_rule_to_dict(rule) for rule in rule_set.rules],
    }


def _rule_to_dict(rule: Rule) -> dict[str, Any]:
    decides: dict[str, Any] = {"kind": str(rule.decides.kind)}
    if rule.decides.value is not None:
        decides["value"] = rule.decides.value
    if rule.decides.priority:
        decides["priority"] = rule.decides.priority
    return {
        "code": rule.code,
        "title": rule.title,
        "condition": rule.condition,
        "message": rule.message,
        "decides": decides,
    }


def from_dict(data: Mapping[str, Any]) -> RuleSet:
    """Build a rule set from its JSON shape; raise RuleSetFormatError naming the bad key."""
    parameters = _get(data, "parameters", dict, "")
    rules = _get(data, "rules", list, "")
    effective_to = data.get("effective_to")
    return RuleSet(
        code=_get(data, "code", str, ""),
        version=_get(data, "version", int, ""),
        status=_enum(RuleSetStatus, _get(data, "status", str, ""), "status"),
        effective_from=_date(_get(data, "effective_from", str, ""), "effective_from"),
        effective_to=None if effective_to is None else _date(effective_to, "effective_to"),
        region_code=_get(data, "region_code", str, ""),
        parameters={
            name: _parameter_from_dict(_expect(spec, dict, f"parameters.{name}"), name)
            for name, spec in parameters.items()
        },
        rules=tuple(
            _rule_from_dict(_expect(rule, dict, f"rules[{index}]"), f"rules[{index}]")
            for index, rule in enumerate(rules)
        ),
        title=_expect(data.get("title") or "", str, "title"),
    )


def _parameter_from_dict(data: Mapping[str, Any], name: str) -> ParameterSpec:
    path = f"parameters.{name}"
    default = data.get("default")
    if default is not None and (
        isinstance(default, bool) or not isinstance(default, int | float | str)
    ):
        raise RuleSetFormatError(f"{path}.default 应为数值、字符串或 null")
    return ParameterSpec(
        default=default,
        unit=_get(data, "unit", str, path),
        description_zh=_get(data, "description_zh", str, path),
        set_by=_expect(data.get("set_by") or "", str, f"{path}.set_by"),
        label_zh=_expect(data.get("label_zh") or "", str, f"{path}.label_zh"),
    )


def _rule_from_dict(data: Mapping[str, Any], path: str) -> Rule:
    decides = _get(data, "decides", dict, path)
    value = decides.get("value")
    priority = decides.get("priority", 0)
    if value is not None and not isinstance(value, str):
        raise RuleSetFormatError(f"{path}.decides.value 应为字符串")
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise RuleSetFormatError(f"{path}.decides.priority 应为整数")
    return Rule(
        code=_get(data, "code", str, path),
        title=_get(data, "title", str, path),
        condition=_get(data, "condition", str, path),
        message=_get(data, "message", str, path),
        decides=Decision(
            kind=_enum(
                DecisionKind, _get(decides, "kind", str, f"{path}.decides"), f"{path}.decides.kind"
            ),
            value=value,
            priority=priority,
        ),
    )


def _get(data: Mapping[str, Any], key: str, kind: type[T], path: str) -> T:
    where = f"{path}.{key}" if path else key
    if key not in data:
        raise RuleSetFormatError(f"规则集文档缺少 {where}")
    return _expect(data[key], kind, where)


def _expect(value: object, kind: type[T], where: str) -> T:
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise RuleSetFormatError(f"规则集文档中 {where} 的类型不对")
    return value


def _enum(kind: type[E], value: str, where: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = "、".join(member.value for member in kind)
        raise RuleSetFormatError(
            f"规则集文档中 {where} 应为 {allowed} 之一，实际为 {value}"
        ) from None


def _date(value: object, where: str) -> datetime.date:
    if not isinstance(value, str):
        raise RuleSetFormatError(f"规则集文档中 {where} 应为 YYYY-MM-DD 格式的日期")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RuleSetFormatError(f"规则集文档中 {where} 应为 YYYY-MM-DD 格式的日期") from None


@functools.cache
def default_rule_set() -> RuleSet:
    """Return the shipped national baseline rule set (DEFAULT_RULE_SET_FILE)."""
    text = (
        resources.files("fupin.assessment.rules").joinpath(DEFAULT_RULE_SET_FILE).read_text("utf-8")
    )
    return from_dict(json.loads(text))
