"""Shared fixtures for assistance tests: the seeded code table and rules, a monitored
household with one member able to work, and a responsible cadre who logs in."""

from datetime import date
from typing import Any

import pytest
import time_machine

from fupin.accounts.models import Role, User
from fupin.assistance import services
from fupin.assistance.models import Cadre, CadreLevel
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatusEvent
from fupin.registry.services import household_register, household_status_record
from fupin.registry.tests import factories
from tests.support import OTHER_VILLAGE, VILLAGE, Actors, make_user, scope_of

# A Monday well clear of holidays.
TODAY = date(2025, 11, 10)


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _seeded_tables(assistance_tables: None) -> None:
    """Every assistance test has the code table and nationwide rules."""


def able_family() -> list[Any]:
    """A head able to work, a spouse who cannot and a school child."""
    return [
        factories.member(
            "张建国",
            codes.Relation.HEAD,
            date(1970, 5, 1),
            labor_skill=codes.LaborSkill.ORDINARY,
        ),
        factories.member(
            "李秀兰",
            codes.Relation.SPOUSE,
            date(1972, 8, 9),
            male=False,
            labor_skill=codes.LaborSkill.LOST,
        ),
        factories.member(
            "张小明",
            codes.Relation.SON,
            date(2012, 3, 4),
            schooling=codes.Schooling.GRADE_7,
            labor_skill=codes.LaborSkill.NONE,
        ),
    ]


def monitored_household(
    actors: Actors, number: str = "220122101201001", village: str = VILLAGE
) -> Household:
    officer = actors.village_officer if village == VILLAGE else actors.other_village_officer
    household = household_register(
        actor=officer,
        scope=scope_of(officer),
        data=factories.household(number, village, group_name="三组"),
        members=able_family(),
    )
    household_status_record(
        actor=officer,
        scope=scope_of(officer),
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=date(2025, 3, 15),
        monitoring_category=codes.MonitoringCategory.MARGINAL,
        identified_month="202503",
        risk_types=[codes.RiskType.ILLNESS, codes.RiskType.UNSTABLE_EMPLOYMENT],
    )
    household.refresh_from_db()
    return household


@pytest.fixture
def household(actors: Actors) -> Household:
    return monitored_household(actors)


@pytest.fixture
def other_household(actors: Actors) -> Household:
    """A monitored household of the other village of the same town."""
    return monitored_household(actors, "220122101202001", OTHER_VILLAGE)


@pytest.fixture
def cadre_user(actors: Actors) -> User:
    return make_user("cadre_wang", Role.RESPONSIBLE_CADRE, VILLAGE)


@pytest.fixture
def cadre(actors: Actors, cadre_user: User) -> Cadre:
    return services.cadre_create(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        name="王志强",
        unit="农安县农业农村局",
        post="科员",
        phone="13700001234",
        level=CadreLevel.COUNTY,
        region_code="220122",
        user=cadre_user,
    )


@pytest.fixture
def assigned(actors: Actors, cadre: Cadre, household: Household) -> Household:
    services.cadre_assign(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        cadre=cadre,
        households=[household],
        started_on=date(2025, 3, 20),
    )
    return household
