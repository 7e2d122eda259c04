"""Finance fixtures: the nationwide defaults as the migration seeds them, a registered
脱贫户 and a loan-keeping county."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from fupin.finance import services
from fupin.finance.defaults import seed_defaults
from fupin.finance.models import Loan, LoanPolicy, NoticeKind, NoticeSetting, SubsidyRate
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
