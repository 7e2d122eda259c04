"""Shared fixtures for monitoring tests: a registered household and helpers that carry a
case through its steps with the real services, as the three levels would."""

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from fupin.monitoring import services, steps
from fupin.monitoring.models import CaseState, MonitoringCase
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors, scope_of

# A Monday well clear of holidays, so working-day arithmetic is plain in these tests.
TODAY = date(2025, 11, 10)


@pytest.fixture(autouse=True)
def _seeded_calendar(holiday_calendar: None) -> None:
    """Every monitoring test counts deadlines on the seeded official calendar."""


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def register_household(actors: Actors, number: str = "220122101201001", **extra: Any) -> Household:
    return household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household(number, VILLAGE, group_name="三组", **extra),
        members=factories.family(),
    )


@pytest.fixture
def household(actors: Actors) -> Household:
    return register_household(actors)


def head_id_number(household: Household) -> str:
    return household.members.get(relation=codes.Relation.HEAD).id_number


def self_apply(household: Household) -> MonitoringCase:
    clue = services.clue_self_apply(
        name="张建国",
        id_number=head_id_number(household),
        phone="13800001111",
        village_code=VILLAGE,
        risk_types=[codes.RiskType.ILLNESS],
        description="妻子住院，医疗费用高",
        has_consent=True,
    )
    assert clue.case is not None
    return clue.case


def performers(actors: Actors) -> list[steps.Performer]:
    """The village officer, township reviewer and county admin, who own the steps."""
    users = [actors.village_officer, actors.township_reviewer, actors.county_admin]
    return [steps.Performer(user, scope_of(user)) for user in users]


def advance(case: MonitoringCase, actors: Actors, until: CaseState, traveller: Any) -> None:
    """Carry a case with the real services until it waits for `until`; a publicity's days
    pass on the clock."""
    steps.walk_case(
        case,
        until=until,
        performers=performers(actors),
        after_publicity_start=lambda notice: traveller.move_to(notice.ends_on + timedelta(days=1)),
    )
