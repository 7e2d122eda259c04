"""The nationwide defaults the seeding migration writes (and the test fixtures, whose
database is built without migrations). Provinces and counties override them with rows of
their own region; nothing here is read at run time."""

from decimal import Decimal
from typing import Any

# 银保监发〔2021〕6号 (DOMAIN §8): ≤ 5 万元, ≤ 3 years; 18–65 as most counties (师宗).
NATIONWIDE_LOAN_POLICY: dict[str, Any] = {
    "max_amount": Decimal("50000"),
    "max_term_months": 36,
    "min_age": 18,
    "max_age": 65,
    "eligible_household_types": ["exited", "monitored"],
    "warning_days": [30, 60, 90],
    "default_stops_subsidy": True,
    "source": "银保监发〔2021〕6号：5万元以下、3年以内，脱贫人口和边缘易致贫户",
}
NATIONWIDE_LOAN_POLICY_FROM = "2021-01-01"

# Loans before 2021 (DOMAIN §8, 师宗 2019): the same caps under 扶贫小额信贷, for 贫困户 and
# 脱贫户. 户贷企用 was banned for new loans from 2017-12-08 (gov.cn), so only loans issued
# before then may be kept on the 户贷企用台账 as legacy loans.
_LEGACY_LOAN_POLICY: dict[str, Any] = {
    "max_amount": Decimal("50000"),
    "max_term_months": 36,
    "min_age": 18,
    "max_age": 65,
    "eligible_household_types": ["poor", "exited"],
    "warning_days": [30, 60, 90],
    "default_stops_subsidy": True,
}
LEGACY_LOAN_POLICIES: list[tuple[str, dict[str, Any]]] = [
    (
        "2014-01-01",
        {
            **_LEGACY_LOAN_POLICY,
            "allows_enterprise_use": True,
            "source": "扶贫小额信贷：5万元以下、3年以内、免担保免抵押、基准利率、财政贴息",
        },
    ),
    (
        "2017-12-08",
        {
            **_LEGACY_LOAN_POLICY,
            "allows_enterprise_use": False,
            "source": "2017年12月起扶贫小额信贷不得“户贷企用”、不得用于入股分红",
        },
    ),
]

# 乡村公示栏 ≥ 10 days (国务院扶贫办、财政部 资金项目公告公示指导意见, DOMAIN §9).
NOTICE_MIN_DAYS = 10
NOTICE_SOURCE = "国务院扶贫办、财政部关于完善扶贫资金项目公告公示制度的指导意见：公示栏不少于10天"


def seed_defaults(loan_policy: Any, notice_setting: Any, notice_kinds: list[str]) -> None:
    """Write the nationwide rows through the given models (historical or real)."""
    loan_policy.objects.get_or_create(
        region_code="", effective_from=NATIONWIDE_LOAN_POLICY_FROM, defaults=NATIONWIDE_LOAN_POLICY
    )
    for kind in notice_kinds:
        notice_setting.objects.get_or_create(
            region_code="",
            kind=kind,
            defaults={"min_days": NOTICE_MIN_DAYS, "source": NOTICE_SOURCE},
        )


def seed_legacy_loan_policies(loan_policy: Any) -> None:
    """Write the nationwide pre-2021 rows (the 户贷企用 ban among them) through the model."""
    for effective_from, values in LEGACY_LOAN_POLICIES:
        loan_policy.objects.get_or_create(
            region_code="", effective_from=effective_from, defaults=values
        )
