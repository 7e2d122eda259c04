"""The national code tables of assistance: the 14 measure categories [100A39…100A55]
(DOMAIN §7) and the nationwide rule row. The seeding migrations and the test fixtures both
write them through `seed_categories` / `seed_nationwide_setting`."""

from typing import Any

# (code, name, is_development): 开发式 categories help a household earn its own income;
# the others (保障式) secure a floor. 产业, 就业, 金融 and 公益岗位 are 开发式 by the
# 国新办 2024-10-25 wording ("产业或就业等开发式帮扶").
MEASURE_CATEGORIES: list[tuple[str, str, bool]] = [
    ("100A39", "产业帮扶", True),
    ("100A40", "就业帮扶", True),
    ("100A41", "金融帮扶", True),
    ("100A42", "公益岗位帮扶", True),
    ("100A45", "健康帮扶", False),
    ("100A46", "义务教育保障", False),
    ("100A47", "其他教育帮扶", False),
    ("100A48", "综合保障", False),
    ("100A50", "住房安全保障", False),
    ("100A51", "饮水安全保障", False),
    ("100A52", "社会帮扶", False),
    ("100A53", "搬迁", False),
    ("100A54", "生产生活条件改善", False),
    ("100A55", "基础设施建设", False),
]

# Which categories address each risk type [100A27], nationwide; provinces override it in
# their own AssistanceSetting row. 缺劳动力 is met by 保障 or by 公益岗位 for the weak.
NATIONWIDE_RISK_COVERAGE: dict[str, list[str]] = {
    "1": ["100A45", "100A48"],
    "2": ["100A46", "100A47"],
    "3": ["100A48", "100A42", "100A45"],
    "4": ["100A50", "100A54", "100A39", "100A48"],
    "5": ["100A48", "100A45", "100A52"],
    "6": ["100A39", "100A41"],
    "7": ["100A40", "100A42"],
    "8": ["100A48", "100A42"],
    "9": [code for code, _name, _development in MEASURE_CATEGORIES],
}

NATIONWIDE_SETTING: dict[str, Any] = {
    "max_households_per_cadre": 10,
    "assign_working_days": 5,
    "min_measures_per_household": 2,
    "min_development_measures": 1,
    "visit_days_by_level": {"red": 7, "orange": 30, "blue": 30, "": 30},
    "visit_warning_days": 3,
    "risk_coverage": NATIONWIDE_RISK_COVERAGE,
    "basis": (
        "国新办 2024-10-25：有劳动能力的监测对象至少落实一项开发式帮扶；N+2 每户不少于 2 项措施"
    ),
}


def seed_categories(model: Any) -> None:
    """Write the 14 categories through `model` (the migration's historical model or the
    real one); existing codes are kept."""
    for order, (code, name, is_development) in enumerate(MEASURE_CATEGORIES):
        model.objects.get_or_create(
            code=code, defaults={"name": name, "is_development": is_development, "order": order}
        )


def seed_nationwide_setting(model: Any) -> None:
    model.objects.get_or_create(region_code="", defaults=NATIONWIDE_SETTING)
