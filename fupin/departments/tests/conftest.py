"""Shared fixtures: the baseline rules as the migration stores them, department accounts
of two counties and a registered family in the test village."""

from datetime import date
from typing import Any

import pytest
import time_machine

from fupin.accounts.models import Role, User
from fupin.departments.baseline import seed_baseline_rules
from fupin.departments.models import ComparisonRule, QualityRule
from fupin.registry.models import Household, HouseholdStatus
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import COUNTY, OTHER_COUNTY, VILLAGE, Actors, make_user, scope_of

TODAY = date(2026, 11, 10)


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _baseline_rules(db: None) -> None:
    seed_baseline_rules(ComparisonRule, QualityRule)


@pytest.fixture
def department_user(actors: Actors) -> User:
    return make_user("yibao", Role.DEPARTMENT_USER, COUNTY)


@pytest.fixture
def other_department_user(actors: Actors) -> User:
    return make_user("other_yibao", Role.DEPARTMENT_USER, OTHER_COUNTY)


def register(actors: Actors, number: str, status: str = HouseholdStatus.EXITED) -> Household:
    household = household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household(number, VILLAGE),
        members=factories.family(),
    )
    Household.objects.filter(pk=household.pk).update(status=status)
    household.refresh_from_db()
    return household


@pytest.fixture
def household(actors: Actors) -> Household:
    return register(actors, "220122101201001")
