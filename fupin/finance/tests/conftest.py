"""Finance fixtures: the nationwide defaults as the migration seeds them, a registered
脱贫户 and a loan-keeping county."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from fupin.assistance.categories import seed_categories
from fupin.assistance.models import MeasureCategory
from fupin.finance import services
from fupin.finance.defaults import seed_defaults, seed_legacy_loan_policies
from fupin.finance.models import (
    Asset,
    IncomeRule,
    Loan,
    LoanPolicy,
    NoticeKind,
    NoticeSetting,
    Project,
    SubsidyRate,
)
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors, scope_of

TODAY = date(2025, 11, 10)


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _defaults(db: None) -> None:
    seed_defaults(LoanPolicy, NoticeSetting, list(NoticeKind.values))
    seed_legacy_loan_policies(LoanPolicy)
    seed_categories(MeasureCategory)


def register_household(
    actors: Actors, number: str = "220122101201001", village: str = VILLAGE
) -> Household:
    household = household_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        data=factories.household(number, village, group_name="三组"),
        members=factories.family(),
    )
    Household.objects.filter(pk=household.pk).update(household_type=codes.HouseholdType.EXITED)
    household.refresh_from_db()
    return household


@pytest.fixture
def household(actors: Actors) -> Household:
    return register_household(actors)


def head_of(household: Household) -> Member:
    return household.members.get(relation=codes.Relation.HEAD)


def qingyang_rates() -> None:
    """青阳 (DOMAIN §8): loans from 2021 get full 贴息 to 2023, 70 % in 2024–2025."""
    for year_from, year_to, percent in ((2021, 2023, "100"), (2024, 2025, "70")):
        SubsidyRate.objects.create(
            region_code="220122",
            issued_from=date(2021, 1, 1),
            issued_to=date(2099, 12, 31),
            year_from=year_from,
            year_to=year_to,
            percent=Decimal(percent),
        )


def make_loan(
    actors: Actors,
    household: Household,
    *,
    contract_number: str = "NX-2023-001",
    amount: str = "50000",
    issued_on: date = date(2023, 7, 1),
    due_on: date = date(2026, 6, 30),
    annual_rate: str = "3.65",
    bank: str = "农安县农村信用合作联社",
) -> Loan:
    return services.loan_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        borrower=head_of(household),
        bank=bank,
        contract_number=contract_number,
        amount=Decimal(amount),
        issued_on=issued_on,
        due_on=due_on,
        annual_rate=Decimal(annual_rate),
        purpose="养殖肉牛",
        is_household_use=True,
    )


def project_data(**changes: Any) -> services.ProjectData:
    values: dict[str, Any] = {
        "village_code": VILLAGE,
        "year": 2026,
        "name": "东榛柴村肉牛养殖小区",
        "category": "industry",
        "location": "东榛柴村三组",
        "department": "农安县农业农村局",
        "responsible_person": "王振华",
        "content": "新建牛舍 2,000 平方米及青贮窖",
        "starts_on": date(2026, 4, 1),
        "ends_on": date(2026, 10, 31),
        "budget": Decimal("1200000"),
        "subsidy_standard": "按实际投资全额补助",
        "benefit_mechanism": "资产归村集体，租赁收益的 60% 用于脱贫户分红",
        "performance_target": "带动 35 户脱贫户年增收 1,500 元",
        "meeting_on": date(2025, 11, 3),
        "meeting_record": "2025年11月3日村民代表大会，应到 41 人、实到 38 人，同意 36 人",
    }
    values.update(changes)
    return services.ProjectData(**values)


def propose(actors: Actors, **changes: Any) -> Project:
    return services.project_propose(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=project_data(**changes),
    )


def approve_through(actors: Actors, project: Project) -> Project:
    """Carry a proposed project through 审核, 论证 and 审定 with the real services."""
    services.project_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        project=project,
        approve=True,
        opinion="符合乡镇产业规划",
    )
    county = scope_of(actors.county_admin)
    services.project_assess(
        actor=actors.county_admin,
        scope=county,
        project=project,
        approve=True,
        opinion="论证通过",
        feasibility="选址、规模可行，概算合理",
        fund_plan="中央衔接资金",
    )
    return services.project_decide(
        actor=actors.county_admin, scope=county, project=project, approve=True, opinion="审定入库"
    )


def accepted_project(
    actors: Actors, *, name: str = "东榛柴村肉牛养殖小区", accepted_on: date = date(2025, 11, 1)
) -> Project:
    """A project carried through the pool, completed the month before and accepted."""
    project = approve_through(actors, propose(actors, name=name))
    county = scope_of(actors.county_admin)
    services.project_progress_report(
        actor=actors.county_admin,
        scope=county,
        project=project,
        month=(accepted_on.replace(day=1) - timedelta(days=1)).replace(day=1),
        percent=100,
        note="完工",
    )
    return services.project_accept(
        actor=actors.county_admin,
        scope=county,
        project=project,
        accepted_on=accepted_on,
        opinion="验收合格",
    )


def solar_asset(actors: Actors) -> Asset:
    """The station registered as the village's asset under a 光伏 rule (≥ 80 % to posts)."""
    rule = IncomeRule.objects.create(
        region_code="22", name="光伏收益分配", min_post_percent=Decimal(80)
    )
    return services.asset_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        project=accepted_project(
            actors, name="东榛柴村 100 千瓦光伏电站", accepted_on=date(2025, 10, 8)
        ),
        name="东榛柴村 100 千瓦光伏电站",
        category="operating",
        owner_level="village",
        owner="东榛柴村股份经济合作社",
        custodian="东榛柴村村民委员会",
        value=Decimal("680000"),
        confirmed_on=date(2025, 10, 20),
        income_rule=rule,
    )
