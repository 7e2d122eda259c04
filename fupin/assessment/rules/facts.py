"""Facts contract v1: the columns a rule may read, one row per household.

The Django side builds these rows (a selector that aggregates members in SQL); this module
only states the contract and checks it. `docs/rules/facts.md` explains every fact.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from fupin.assessment.rules.language import ValueType

FACTS_VERSION = 1
HOUSEHOLD_TYPES = ("exited", "monitored", "ordinary", "poor")
MONITORING_CATEGORIES = ("unstable_exited", "marginal", "sudden_hardship")
# 致贫/返贫风险 [100A27], in national code order. Local extensions (e.g. the "五防") are
# mapped onto these by the facts selector, so the engine does not reject other labels.
NATIONAL_RISK_TYPES = (
    "因病",
    "因学",
    "因残",
    "因自然灾害",
    "因意外事故",
    "因产业项目失败",
    "因务工就业不稳",
    "缺劳动力",
    "其他",
)
# DOMAIN §5.1: 脱贫不稳定户 only for 脱贫户, 边缘易致贫户 only for 一般农户, 突发严重困难户 for
# either. A 贫困户 (pre-2021 data) is still in the poverty registry, not a monitoring object.
# A monitored household is placed by whether it had exited (`exited_household`).
CATEGORIES_FOR_HOUSEHOLD: Mapping[str, tuple[str, ...]] = {
    "exited": ("unstable_exited", "sudden_hardship"),
    "ordinary": ("marginal", "sudden_hardship"),
    "poor": (),
}
# 监测对象类别 labels by the year they were used (DOMAIN §4.2): the 2020 mechanism had two
# categories, mapped onto the 2021 ones; a label of either period reads as its 2021 code.
CATEGORY_LABELS_2020: Mapping[str, str] = {
    "脱贫监测户": "unstable_exited",
    "边缘户": "marginal",
}
CATEGORY_LABELS_2021: Mapping[str, str] = {
    "脱贫不稳定户": "unstable_exited",
    "边缘易致贫户": "marginal",
    "突发严重困难户": "sudden_hardship",
}
FIRST_YEAR_OF_2021_CATEGORIES = 2021
# Local risk types mapped onto the national ones [100A27] (DOMAIN §7): the project's "五防"
# (自然灾害, 市场波动, 带动断链, 失业, 家庭变故) and the common 因失业, 家庭变故 variants.
LOCAL_RISK_TYPES: Mapping[str, str] = {
    "自然灾害": "因自然灾害",
    "市场波动": "因产业项目失败",
    "带动断链": "因产业项目失败",
    "失业": "因务工就业不稳",
    "因失业": "因务工就业不稳",
    "家庭变故": "其他",
    "因家庭变故": "其他",
}
# 自然灾害子项 [100A271]: recorded beside 因自然灾害, never a risk type of their own.
NATURAL_DISASTER_SUBTYPES = ("洪涝", "地质", "旱灾", "生物", "气象", "地震", "其他")
# Every label the facts accept besides the national ones, with its national type: local
# types and 因自然灾害 written with its subtype, e.g. 因自然灾害（洪涝）.
RISK_TYPE_ALIASES: Mapping[str, str] = {
    **LOCAL_RISK_TYPES,
    **{f"因自然灾害（{subtype}）": "因自然灾害" for subtype in NATURAL_DISASTER_SUBTYPES},
}
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
REGION_CODE_PATTERN = r"^[0-9]{12}$"
_INT32_RANGE = (-(2**31), 2**31 - 1)
_MAX_LISTED_HOUSEHOLDS = 5
_MAX_REPORTED_ERRORS = 20


@dataclass(frozen=True)
class FactSpec:
    dtype: pl.DataType
    value_type: ValueType
    meaning_zh: str
    required: bool = False
    # Used when the fact is missing or null; None keeps it null, meaning "unknown".
    default: bool | int | float | str | tuple[str, ...] | None = None


FACTS: Mapping[str, FactSpec] = {
    "household_id": FactSpec(pl.Int64(), ValueType.NUMBER, "户标识", required=True),
    "region_code": FactSpec(pl.String(), ValueType.STRING, "所在村的 12 位区划代码", required=True),
    "year": FactSpec(pl.Int32(), ValueType.NUMBER, "年度", required=True),
    "household_type": FactSpec(pl.String(), ValueType.STRING, "户类型", required=True),
    "members": FactSpec(pl.Int32(), ValueType.NUMBER, "家庭人口数", required=True),
    "per_capita_net_income": FactSpec(pl.Float64(), ValueType.NUMBER, "人均纯收入（元）"),
    "previous_per_capita_net_income": FactSpec(
        pl.Float64(), ValueType.NUMBER, "上年人均纯收入（元）"
    ),
    "compliant_out_of_pocket": FactSpec(
        pl.Float64(), ValueType.NUMBER, "家庭合规自付支出合计（元）", default=0.0
    ),
    "food_insecure": FactSpec(pl.Boolean(), ValueType.BOOLEAN, "“不愁吃”未达标"),
    "clothing_insecure": FactSpec(pl.Boolean(), ValueType.BOOLEAN, "“不愁穿”未达标"),
    "housing_unsafe": FactSpec(pl.Boolean(), ValueType.BOOLEAN, "住房出现安全问题"),
    "dropout_child": FactSpec(pl.Boolean(), ValueType.BOOLEAN, "义务教育阶段适龄儿童少年失学辍学"),
    "water_unsafe": FactSpec(pl.Boolean(), ValueType.BOOLEAN, "饮水出现安全问题"),
    "member_uninsured": FactSpec(pl.Boolean(), ValueType.BOOLEAN, "有家庭成员未参加基本医疗保险"),
    "risk_types": FactSpec(
        pl.List(pl.String()), ValueType.LIST, "尚未消除的致贫/返贫风险类型", default=()
    ),
    "whole_household_no_labor": FactSpec(
        pl.Boolean(), ValueType.BOOLEAN, "整户无劳动能力兜底保障户", default=False
    ),
    "labor_members": FactSpec(pl.Int32(), ValueType.NUMBER, "有劳动能力的成员数"),
    "sudden_hardship": FactSpec(
        pl.Boolean(), ValueType.BOOLEAN, "因病、灾、意外等突发严重困难", default=False
    ),
    "identified_month": FactSpec(pl.String(), ValueType.STRING, "识别为监测对象的月份"),
    "months_income_above_line": FactSpec(
        pl.Int32(), ValueType.NUMBER, "收入连续稳定超过监测范围的月数", default=0
    ),
    "development_measures": FactSpec(
        pl.Int32(), ValueType.NUMBER, "已落实的开发式帮扶措施数", default=0
    ),
    "monitoring_category": FactSpec(pl.String(), ValueType.STRING, "当前监测对象类别"),
    "exited_household": FactSpec(
        pl.Boolean(), ValueType.BOOLEAN, "是否脱贫户（曾脱贫，无论当前户类型）", default=False
    ),
    "as_of_month": FactSpec(pl.String(), ValueType.STRING, "评估时点（默认为年度的 12 月）"),
}

DERIVED_FACTS: Mapping[str, FactSpec] = {
    "per_capita_after_rigid": FactSpec(
        pl.Float64(), ValueType.NUMBER, "扣除合规自付支出后的人均纯收入（元）"
    ),
    "guarantee_problems": FactSpec(
        pl.List(pl.String()), ValueType.LIST, "存在的“两不愁三保障”和饮水安全问题"
    ),
    "unverified_checks": FactSpec(
        pl.List(pl.String()), ValueType.LIST, "尚未核实的“两不愁三保障”和饮水安全情况"
    ),
}
# The 两不愁三保障 + 饮水 flags (DOMAIN §4.5, §6) with the words messages use for a problem
# and for its check. Each is one problem, counted once.
GUARANTEE_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("food_insecure", "“不愁吃”未达标", "不愁吃"),
    ("clothing_insecure", "“不愁穿”未达标", "不愁穿"),
    ("housing_unsafe", "住房不安全", "住房安全"),
    ("dropout_child", "义务教育阶段有失学辍学", "义务教育"),
    ("water_unsafe", "饮水不安全", "饮水安全"),
    ("member_uninsured", "有成员未参加基本医保", "基本医疗保险"),
)

FACT_TYPES: Mapping[str, ValueType] = {
    name: spec.value_type for name, spec in {**FACTS, **DERIVED_FACTS}.items()
}
FACT_NAMES = frozenset(FACT_TYPES)
FACTS_INPUT_SCHEMA: Mapping[str, pl.DataType] = {name: spec.dtype for name, spec in FACTS.items()}
SCHEMA: Mapping[str, pl.DataType] = {
    name: spec.dtype for name, spec in {**FACTS, **DERIVED_FACTS}.items()
}


class FactsError(ValueError):
    """Facts that break the contract; `errors` holds one Chinese message per problem."""

    def __init__(self, errors: list[str]) -> None:
        shown = errors[:_MAX_REPORTED_ERRORS]
        hidden = len(errors) - len(shown)
        summary = "\n".join(shown) + (f"\n……另有 {hidden} 处错误" if hidden else "")
        super().__init__(summary)
        self.errors = errors


def facts_frame(records: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    """Check household records against the contract and return the typed facts frame."""
    columns: dict[str, list[object]] = {name: [] for name in FACTS}
    errors: list[str] = []
    for index, record in enumerate(records):
        label = _record_label(record, index)
        unknown = sorted(set(record) - set(FACTS))
        if unknown:
            derived = [name for name in unknown if name in DERIVED_FACTS]
            detail = f"{label}含有未知的事实字段：{'、'.join(unknown)}"
            if derived:
                detail += f"（{'、'.join(derived)} 由系统计算，不能直接提供）"
            errors.append(detail)
        for name, spec in FACTS.items():
            value = record.get(name)
            problem = None if value is None else _type_problem(spec, value)
            if problem:
                errors.append(f"{label}的字段 {name}（{spec.meaning_zh}）{problem}")
                value = None
            elif isinstance(value, int) and spec.dtype == pl.Float64():
                value = float(value)
            elif isinstance(value, tuple):
                value = list(value)
            columns[name].append(value)
    if errors:
        raise FactsError(errors)
    return prepare_facts(pl.DataFrame(columns, schema=dict(FACTS_INPUT_SCHEMA)))


def prepare_facts(frame: pl.DataFrame) -> pl.DataFrame:
    """Check a facts frame column by column, fill defaults and add the derived facts."""
    unknown = sorted(set(frame.columns) - set(FACTS))
    if unknown:
        raise FactsError([f"含有未知的事实字段：{'、'.join(unknown)}"])
    missing = [name for name, spec in FACTS.items() if spec.required and name not in frame]
    if missing:
        raise FactsError([f"缺少必填的事实字段：{'、'.join(missing)}"])
    typed = frame.select(
        _typed_column(frame, name, spec) for name, spec in FACTS.items()
    ).with_columns(
        pl.col("monitoring_category").replace({**CATEGORY_LABELS_2020, **CATEGORY_LABELS_2021}),
        pl.col("risk_types")
        .list.eval(pl.element().replace(dict(RISK_TYPE_ALIASES)))
        .list.unique(maintain_order=True),
    )
    errors = _domain_errors(typed)
    if errors:
        raise FactsError(errors)
    return typed.with_columns(
        as_of_month=pl.coalesce(pl.col("as_of_month"), pl.format("{}-12", pl.col("year"))),
        # A 脱贫户 is one by definition; the fact matters for monitored households.
        exited_household=pl.col("exited_household") | (pl.col("household_type") == "exited"),
        per_capita_after_rigid=(
            pl.col("per_capita_net_income") - pl.col("compliant_out_of_pocket") / pl.col("members")
        ),
        guarantee_problems=_labels_where(
            [(pl.col(flag), problem) for flag, problem, _check in GUARANTEE_CHECKS]
        ),
        unverified_checks=_labels_where(
            [(pl.col(flag).is_null(), check) for flag, _problem, check in GUARANTEE_CHECKS]
        ),
    )


def categories_for_household(household_type: str, *, exited_household: bool) -> tuple[str, ...]:
    """The 监测对象类别 a household of this type may be given (a monitored household's by
    whether it had exited)."""
    if household_type == "monitored":
        household_type = "exited" if exited_household else "ordinary"
    return CATEGORIES_FOR_HOUSEHOLD.get(household_type, ())


def category_label(category: str, year: int) -> str:
    """The Chinese label of a category code in the year's terms (2020 labels before 2021)."""
    labels = CATEGORY_LABELS_2021 if year >= FIRST_YEAR_OF_2021_CATEGORIES else CATEGORY_LABELS_2020
    return next((label for label, code in labels.items() if code == category), "")


def national_risk_type(label: str) -> str:
    """The national risk type [100A27] of a national or local label (RISK_TYPE_ALIASES)."""
    return RISK_TYPE_ALIASES.get(label, label)


def _labels_where(items: list[tuple[pl.Expr, str]]) -> pl.Expr:
    """The labels whose condition is true, in order (an unknown condition counts as not)."""
    return pl.concat_list(
        [
            pl.when(condition.fill_null(False)).then(pl.lit(label)).otherwise(None)
            for condition, label in items
        ]
    ).list.drop_nulls()


def _record_label(record: Mapping[str, object], index: int) -> str:
    household_id = record.get("household_id")
    if isinstance(household_id, int) and not isinstance(household_id, bool):
        return f"户 {household_id} "
    return f"第 {index + 1} 条记录"


def _describe(value: object) -> str:  # noqa: PLR0911 - one case per Python type
    match value:
        case bool():
            return f"真假值 {str(value).lower()}"
        case int():
            return f"整数 {value}"
        case float():
            return f"小数 {value}"
        case str():
            return f"字符串“{value}”"
        case list() | tuple():
            return "列表"
        case None:
            return "空值"
        case _:
            return type(value).__name__


def _type_problem(spec: FactSpec, value: object) -> str | None:
    """Return why `value` cannot be stored as the fact, or None when it can."""
    dtype = spec.dtype
    if dtype in (pl.Int64(), pl.Int32()):
        return _integer_problem(value, dtype)
    if dtype == pl.Float64():
        return _number_problem(value)
    if dtype == pl.Boolean():
        return None if isinstance(value, bool) else f"应为真假值，实际为{_describe(value)}"
    if dtype == pl.String():
        return None if isinstance(value, str) else f"应为字符串，实际为{_describe(value)}"
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        return f"应为字符串列表，实际为{_describe(value)}"
    return None


def _integer_problem(value: object, dtype: pl.DataType) -> str | None:
    # bool is an int in Python, but a flag where a count belongs is a mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        return f"应为整数，实际为{_describe(value)}"
    if dtype == pl.Int32() and not _INT32_RANGE[0] <= value <= _INT32_RANGE[1]:
        return f"超出范围：{value}"
    return None


def _number_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"应为数值，实际为{_describe(value)}"
    if not math.isfinite(value):
        return f"应为有限的数值，实际为 {value}"
    return None


def _typed_column(frame: pl.DataFrame, name: str, spec: FactSpec) -> pl.Expr:
    if name not in frame:
        column = pl.lit(None, dtype=spec.dtype)
    else:
        actual = frame.schema[name]
        if actual != spec.dtype and actual != pl.Null() and not _castable(actual, spec.dtype):
            raise FactsError(
                [f"字段 {name}（{spec.meaning_zh}）的类型应为 {spec.dtype}，实际为 {actual}"]
            )
        column = pl.col(name).cast(spec.dtype)
    if spec.default is not None:
        default = list(spec.default) if isinstance(spec.default, tuple) else spec.default
        column = column.fill_null(pl.lit(default, dtype=spec.dtype))
    return column.alias(name)


def _castable(actual: pl.DataType, wanted: pl.DataType) -> bool:
    """Allow only lossless widening (Int32 → Int64, integers → Float64), never parsing text."""
    if wanted == pl.Float64():
        return actual.is_numeric()
    if wanted in (pl.Int64(), pl.Int32()):
        return actual.is_integer()
    if isinstance(wanted, pl.List):
        return isinstance(actual, pl.List) and actual.inner in (pl.String(), pl.Null())
    return False


# (condition that makes a row wrong, field, message), checked over the whole frame at once.
_DOMAIN_CHECKS: tuple[tuple[pl.Expr, str, str], ...] = (
    (pl.col("household_id").is_null(), "household_id", "不能为空"),
    (pl.col("region_code").is_null(), "region_code", "不能为空"),
    (
        ~pl.col("region_code").str.contains(REGION_CODE_PATTERN),
        "region_code",
        "应为 12 位数字的村级区划代码",
    ),
    (pl.col("year").is_null(), "year", "不能为空"),
    (pl.col("household_type").is_null(), "household_type", "不能为空"),
    (
        ~pl.col("household_type").is_in(HOUSEHOLD_TYPES),
        "household_type",
        f"应为 {'、'.join(HOUSEHOLD_TYPES)} 之一",
    ),
    (pl.col("members").is_null(), "members", "不能为空"),
    (pl.col("members") < 1, "members", "应不小于 1"),
    (pl.col("compliant_out_of_pocket") < 0, "compliant_out_of_pocket", "不能为负数"),
    (pl.col("labor_members") < 0, "labor_members", "不能为负数"),
    (pl.col("labor_members") > pl.col("members"), "labor_members", "不能大于家庭人口数"),
    (pl.col("months_income_above_line") < 0, "months_income_above_line", "不能为负数"),
    (pl.col("development_measures") < 0, "development_measures", "不能为负数"),
    (
        ~pl.col("identified_month").str.contains(MONTH_PATTERN),
        "identified_month",
        "应为“YYYY-MM”格式的月份",
    ),
    (
        ~pl.col("as_of_month").str.contains(MONTH_PATTERN),
        "as_of_month",
        "应为“YYYY-MM”格式的月份",
    ),
    (
        ~pl.col("monitoring_category").is_in(MONITORING_CATEGORIES),
        "monitoring_category",
        f"应为 {'、'.join(MONITORING_CATEGORIES)} 之一或为空",
    ),
)


def _domain_errors(frame: pl.DataFrame) -> list[str]:
    flags = frame.select(
        condition.fill_null(False).alias(str(index))
        for index, (condition, _, _) in enumerate(_DOMAIN_CHECKS)
    )
    totals = flags.select(pl.all().sum()).row(0)
    errors: list[str] = []
    for index, total in enumerate(totals):
        if not total:
            continue
        _, field, detail = _DOMAIN_CHECKS[index]
        offenders = (
            frame.with_row_index("row")
            .filter(flags.get_column(str(index)))
            .head(_MAX_LISTED_HOUSEHOLDS)
        )
        offending = list(
            zip(
                offenders.get_column("household_id"),
                offenders.get_column("row"),
                offenders.get_column(field),
                strict=True,
            )
        )
        subject = f"{field}（{FACTS[field].meaning_zh}）{detail}"
        if total == 1:
            household_id, row, value = offending[0]
            actual = "" if value is None else f"，实际为{_describe(value)}"
            errors.append(f"{_row_label(household_id, row)} 的字段 {subject}{actual}")
            continue
        labels = "、".join(
            f"{_row_label(household_id, row)}（{_describe(value)}）"
            for household_id, row, value in offending
        )
        more = f"等 {total} 户" if total > len(offending) else ""
        errors.append(f"{labels}{more}的字段 {subject}")
    return errors


def _row_label(household_id: int | None, row: int) -> str:
    return f"第 {row + 1} 行" if household_id is None else f"户 {household_id}"
