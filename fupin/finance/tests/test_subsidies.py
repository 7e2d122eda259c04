"""到户产业奖补: amount from the configured standard, village check, township review,
county payment, scope and audit."""

from datetime import date
from decimal import Decimal

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.finance import services
from fupin.finance.models import SubsidyApplication, SubsidyStandard, SubsidyState
from fupin.registry.models import Household
from tests.support import Actors, nothing_changes, scope_of


def cattle_standard() -> SubsidyStandard:
    return SubsidyStandard.objects.create(
        region_code="220122",
        year=2025,
        industry="肉牛养殖",
        unit="头",
        amount_per_unit=Decimal("1000"),
        max_per_household=Decimal("5000"),
    )


def apply(actors: Actors, household: Household, scale: str = "3") -> SubsidyApplication:
    return services.subsidy_apply(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        standard=cattle_standard(),
        scale=Decimal(scale),
        evidence="入户核实存栏肉牛 3 头，有购牛票据和照片",
        checked_on=date(2025, 11, 3),
    )


def test_amount_follows_the_standard_up_to_the_cap(actors: Actors, household: Household) -> None:
    assert apply(actors, household).amount == Decimal("3000.00")
    SubsidyApplication.objects.all().delete()
    assert apply(actors, household, scale="8").amount == Decimal("5000.00")


def test_village_township_county_carry_it_to_payment(actors: Actors, household: Household) -> None:
    application = apply(actors, household)
    with nothing_changes(application), pytest.raises(PermissionDeniedError):
        services.subsidy_pay(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            application=application,
            paid_on=date(2025, 11, 9),
        )

    services.subsidy_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        application=application,
        approve=True,
        opinion="属实",
    )
    paid = services.subsidy_pay(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        application=application,
        paid_on=date(2025, 11, 9),
    )

    assert (paid.state, paid.paid_on) == (SubsidyState.PAID, date(2025, 11, 9))
    actions = list(
        AuditEvent.objects.filter(action__startswith="finance.subsidy")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["finance.subsidy_apply", "finance.subsidy_review", "finance.subsidy_pay"]


def test_refusals_change_nothing(actors: Actors, household: Household) -> None:
    application = apply(actors, household)
    with nothing_changes(application), pytest.raises(ApplicationError, match="已申请"):
        services.subsidy_apply(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            standard=application.standard,
            scale=Decimal("1"),
            evidence="再次申请",
            checked_on=date(2025, 11, 3),
        )
    with nothing_changes(application), pytest.raises(NotFoundError):
        services.subsidy_review(
            actor=actors.other_village_officer,
            scope=scope_of(actors.other_village_officer),
            application=application,
            approve=True,
            opinion="",
        )
    with nothing_changes(application), pytest.raises(ApplicationError, match="理由"):
        services.subsidy_review(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            application=application,
            approve=False,
            opinion=" ",
        )
