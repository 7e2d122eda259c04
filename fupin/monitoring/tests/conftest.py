"""Shared fixtures for monitoring tests: a registered household and helpers that carry a
case through its steps with the real services, as the three levels would."""

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.core.scope import RegionScope
from fupin.monitoring import services
from fupin.monitoring.models import CaseState, MonitoringCase, ReviewMeeting
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors

# A Monday well clear of holidays, so working-day arithmetic is plain in these tests.
TODAY = date(2025, 11, 10)


@pytest.fixture(autouse=True)
def _seeded_calendar(holiday_calendar: None) -> None:
    """Every monitoring test counts deadlines on the seeded official calendar."""


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def scope_of(user: User) -> RegionScope:
    scope = scope_for(user)
    assert scope is not None
    return scope


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


def advance(case: MonitoringCase, actors: Actors, until: CaseState, traveller: Any) -> None:
    """Carry a case with the real services until it waits for `until`."""
    village = scope_of(actors.village_officer)
    while True:
        case.refresh_from_db()
        if case.state == until:
            return
        officer = actors.village_officer
        if case.state == CaseState.VISIT:
            services.case_visit_record(
                actor=officer,
                scope=village,
                case=case,
                visited_on=TODAY,
                visitors="王书记、李队员",
                findings="家中确有大病医疗支出",
                has_consent=True,
            )
        elif case.state == CaseState.COMPARISON:
            services.case_comparison_record(
                actor=officer, scope=village, case=case, findings="无车辆、商品房和工商登记"
            )
        elif case.state == CaseState.REVIEW:
            services.case_review_record(
                actor=officer,
                scope=village,
                case=case,
                held_on=TODAY,
                participants="村两委、驻村工作队、村民代表 12 人",
                result=ReviewMeeting.Result.AGREED,
                monitoring_category=codes.MonitoringCategory.MARGINAL,
            )
        elif case.state == CaseState.PUBLICITY:
            notice = services.case_publicity_start(actor=officer, scope=village, case=case)
            traveller.move_to(notice.ends_on + timedelta(days=1))
            services.case_publicity_close(actor=officer, scope=village, case=case)
        elif case.state == CaseState.TOWNSHIP:
            services.case_township_review(
                actor=actors.township_reviewer,
                scope=scope_of(actors.township_reviewer),
                case=case,
                opinion="同意",
            )
        elif case.state == CaseState.COUNTY:
            services.case_county_review(
                actor=actors.county_admin,
                scope=scope_of(actors.county_admin),
                case=case,
                opinion="审定同意",
            )
        elif case.state == CaseState.ANNOUNCEMENT:
            services.case_announce(
                actor=actors.county_admin, scope=scope_of(actors.county_admin), case=case
            )
        else:
            raise AssertionError(f"cannot advance from {case.state}")
