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
