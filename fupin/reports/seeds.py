"""The shipped configuration of the reports app: the nationwide Alkire–Foster setting
(DOMAIN §11) and the village exit (出列) indicator sets (DOMAIN §6). Provinces add or
replace rows of their own; the migration and the tests seed the same rows."""

from typing import Any

WEST = ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")

AF_WEIGHTS = {
    "income": "1/5",
    "food": "1/10",
    "clothing": "1/10",
    "education": "1/5",
    "insurance": "1/10",
    "medical_burden": "1/10",
    "housing": "1/10",
    "water": "1/10",
}


def _items(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"code": code, "label": label} for code, label in pairs]


RATE = ("poverty_rate", "贫困发生率低于标准")
SETS: list[tuple[str, str, str, str, list[dict[str, str]], str]] = [
    (
        "two_percent",
        "2% 版（十项）",
        "",
        "2.00",
        _items(
            RATE,
            ("hardened_road", "通硬化路"),
            ("bus", "通客运班车"),
            ("water", "饮水安全达标"),
            ("electricity", "生产生活用电有保障"),
            ("broadcast", "通广播电视"),
            ("culture_center", "有综合文化服务中心"),
            ("clinic", "有标准化卫生室和村医"),
            ("broadband", "通宽带网络"),
            ("industry", "有增收产业"),
            ("collective_income", "有村集体经济收入"),
        ),
        "地方出列标准（贫困发生率 2%），非西部省份默认",
    ),
    (
        "one_down_five_seven",
        "一降五通七有（13 项）",
        "",
        "3.00",
        _items(
            RATE,
            ("water", "通水"),
            ("electricity", "通电"),
            ("road", "通路"),
            ("broadcast", "通广播电视"),
            ("broadband", "通宽带/通讯"),
            ("committees", "有两委班子"),
            ("industry", "有增收产业"),
            ("collective_income", "有集体经济收入"),
            ("party_venue", "有党组织阵地"),
            ("kindergarten", "有幼儿园"),
            ("service_center", "有便民服务中心"),
            ("clinic", "有卫生室"),
        ),
        "地方出列标准（贫困发生率 3%），西部省份默认",
    ),
    (
        "gansu_577",
        "577（村级七项）",
        "62",
        "3.00",
        _items(
            RATE,
            ("exited_income_share", "脱贫户收入占比上升"),
            ("collective_economy", "有集体经济或互助资金"),
            ("hardened_road", "通硬化路"),
            ("water", "饮水安全"),
            ("electricity", "动力电 100%"),
            ("clinic", "有卫生室"),
        ),
        "甘肃“577”退出标准的村级指标",
    ),
]


def seed_indicator_settings(setting: Any, indicator_set: Any) -> None:
    """Create the seeded rows that are missing (migrations pass their historical models)."""
    setting.objects.get_or_create(
        region_code="",
        first_year=2021,
        defaults={
            "k": "3/10",
            "weights": AF_WEIGHTS,
            "basis": "两不愁三保障 + 饮水 + 收入，五个维度等权（阿尔基尔—福斯特方法）",
        },
    )
    code, name, region, threshold, items, basis = SETS[0]
    indicator_set.objects.get_or_create(
        region_code=region,
        first_year=2016,
        defaults={
            "code": code,
            "name": name,
            "last_year": 2020,
            "poverty_rate_threshold": threshold,
            "items": items,
            "basis": basis,
        },
    )
    west = SETS[1]
    for province in WEST:
        indicator_set.objects.get_or_create(
            region_code=province,
            first_year=2016,
            defaults={
                "code": west[0],
                "name": west[1],
                "last_year": 2020,
                "poverty_rate_threshold": west[3],
                "items": west[4],
                "basis": west[5],
            },
        )
    gansu = SETS[2]
    indicator_set.objects.filter(region_code="62", first_year=2016).update(
        code=gansu[0], name=gansu[1], items=gansu[4], basis=gansu[5]
    )


def seed_exit_standards(standard: Any) -> None:
    """The national limits of 三率一度, and 3 % poverty in the western provinces."""
    limits = {"wrong_exit_max": "2.00", "missed_max": "2.00", "approval_min": "90.00"}
    standard.objects.get_or_create(
        region_code="",
        first_year=2016,
        defaults={"poverty_rate_max": "2.00", "basis": "贫困县退出专项评估检查", **limits},
    )
    for province in WEST:
        standard.objects.get_or_create(
            region_code=province,
            first_year=2016,
            defaults={"poverty_rate_max": "3.00", "basis": "西部地区综合贫困发生率 3%", **limits},
        )
