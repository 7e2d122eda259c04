"""The national baseline of comparison and data-quality rules (DOMAIN §10), stored by
migration; provinces and counties add rows of their own region to change a threshold, a
weight or switch a rule off."""

from typing import Any

# code, feed, label, field, operator, value, per year, outcome, risk type, households, weight
COMPARISON_RULES = [
    (
        "medical.self_paid",
        "medical",
        "合规自付医疗费用年度累计不低于 2 万元",
        "compliant_self_paid",
        "gte",
        "20000",
        True,
        "clue",
        "1",
        "any",
        1.0,
    ),
    (
        "civil_affairs.new_support",
        "civil_affairs",
        "新纳入低保或特困供养",
        "assistance_type",
        "in",
        "dibao,destitute",
        False,
        "clue",
        "",
        "any",
        1.0,
    ),
    (
        "disability.severe",
        "disability",
        "新办重度残疾（一级、二级）",
        "grade",
        "in",
        "1,2",
        False,
        "clue",
        "3",
        "any",
        1.0,
    ),
    (
        "housing.unsafe",
        "housing",
        "住房鉴定为 C 级或 D 级危房",
        "safety_grade",
        "in",
        "C,D",
        False,
        "clue",
        "",
        "any",
        1.0,
    ),
    (
        "education.dropout",
        "education",
        "学生辍学",
        "status",
        "in",
        "dropout",
        False,
        "clue",
        "2",
        "any",
        1.0,
    ),
    (
        "human_resources.unemployed",
        "human_resources",
        "登记失业",
        "status",
        "in",
        "unemployed",
        False,
        "clue",
        "7",
        "any",
        1.0,
    ),
    (
        "police.death_active",
        "police",
        "公安登记死亡，档案中仍为在册成员",
        "change",
        "in",
        "death",
        False,
        "finding",
        "",
        "any",
        1.0,
    ),
    (
        "police.moved_out_active",
        "police",
        "户籍已迁出，档案中仍为在册成员",
        "change",
        "in",
        "moved_out",
        False,
        "finding",
        "",
        "any",
        0.5,
    ),
    (
        "vehicle.aided_owner",
        "vehicle",
        "脱贫户或监测户成员名下有车辆，待核实",
        "",
        "any",
        "",
        False,
        "finding",
        "",
        "aided",
        0.5,
    ),
    (
        "real_estate.aided_owner",
        "real_estate",
        "脱贫户或监测户成员名下有不动产，待核实",
        "",
        "any",
        "",
        False,
        "finding",
        "",
        "aided",
        0.5,
    ),
    (
        "enterprise.aided_owner",
        "enterprise",
        "脱贫户或监测户成员经商办企业，待核实",
        "",
        "any",
        "",
        False,
        "finding",
        "",
        "aided",
        0.5,
    ),
    (
        "public_payroll.aided_member",
        "public_payroll",
        "脱贫户或监测户有财政供养人员，待核实",
        "",
        "any",
        "",
        False,
        "finding",
        "",
        "aided",
        0.5,
    ),
]

QUALITY_RULES = [
    ("registry.head_missing", "户主缺失", 1.0),
    ("registry.birth_date_vs_id", "出生日期与证件号码不符", 1.0),
    ("registry.school_age", "年龄与在校生状况不符", 0.5),
    ("4_11_013", "享受低保或特困但转移性收入为 0", 1.0),
    ("5_15_023", "监测户工资性收入不足 100 元", 0.5),
    ("1111_07", "全部成员无劳动力但未标整户无劳动能力", 1.0),
    ("1_11_011", "风险消除户无联系电话", 0.5),
]


_COMPARISON_FIELDS = (
    "code",
    "feed_kind",
    "label",
    "field",
    "operator",
    "value",
    "per_year_total",
    "outcome",
    "risk_type",
    "households",
    "weight",
)


def seed_baseline_rules(comparison: Any, quality: Any) -> None:
    """Store the baseline with the given models (historical ones in the migration)."""
    comparison.objects.bulk_create(
        comparison(region_code="", **dict(zip(_COMPARISON_FIELDS, rule, strict=True)))
        for rule in COMPARISON_RULES
    )
    quality.objects.bulk_create(
        quality(code=code, region_code="", label=label, weight=weight)
        for code, label, weight in QUALITY_RULES
    )


# Departments deliver last month's data by the 4th (烟台), analysed monthly and dispatched
# every second month (峨山: 按月分析、双月调度); DOMAIN §10.1.
CADENCE = {
    "due_day": 4,
    "every_months": 1,
    "dispatch_every_months": 2,
    "source": "烟台：每月4日推送上月数据；峨山：按月分析、双月调度",
}


def seed_baseline_cadence(cadence: Any) -> None:
    """Store the nationwide cadence with the given model (a historical one in the migration)."""
    cadence.objects.create(region_code="", **CADENCE)
