"""A paid 到户产业奖补 counts as a 开发式 产业帮扶 measure of the household's plan, once: a
measure the village entered for the same 奖补 is put in place instead of doubled."""

from datetime import date
from decimal import Decimal

from fupin.assistance.models import Measure, MeasureStatus
from fupin.assistance.selectors import development_measures_in_place
from fupin.assistance.services import measure_add
from fupin.audit.models import AuditEvent
from fupin.finance import services
from fupin.finance.models import SubsidyApplication, SubsidyStandard
from fupin.finance.tests.test_subsidies import apply
from fupin.registry.models import Household
from tests.support import Actors, scope_of


def _pay(actors: Actors, application: SubsidyApplication) -> SubsidyApplication:
    services.subsidy_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        application=application,
        approve=True,
        opinion="属实",
    )
    return services.subsidy_pay(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        application=application,
        paid_on=date(2025, 11, 9),
    )


def _in_place(household: Household) -> int:
    rows: dict[int, int] = dict(
        development_measures_in_place([household.pk], as_of=date(2025, 11, 10))
    )
    return rows.get(household.pk, 0)


def test_payment_adds_an_industry_measure_in_place(actors: Actors, household: Household) -> None:
    paid = _pay(actors, apply(actors, household))

    measure = Measure.objects.get()
    assert paid.measure_id == measure.pk
    assert (measure.category_id, measure.is_development, measure.status) == (
        "100A39",
        True,
        MeasureStatus.IN_PLACE,
    )
    assert (measure.plan.year, measure.amount, measure.quantity) == (
        2025,
        Decimal("3000.00"),
        "3头",
    )
    assert measure.subtype == "到户产业奖补（肉牛养殖）"
    assert _in_place(household) == 1
    assert AuditEvent.objects.filter(action="assistance.measure_add").count() == 1


def test_a_measure_entered_for_the_same_subsidy_is_not_doubled(
    actors: Actors, household: Household
) -> None:
    planned = measure_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=2025,
        category_code="100A39",
        subtype="发展肉牛养殖，申请产业奖补",
        responsible_unit="村委会",
        started_on=date(2025, 4, 1),
    )

    paid = _pay(actors, apply(actors, household))

    assert paid.measure_id == planned.pk
    assert Measure.objects.count() == 1
    assert Measure.objects.get().status == MeasureStatus.IN_PLACE
    assert _in_place(household) == 1


def test_two_industries_are_two_measures(actors: Actors, household: Household) -> None:
    _pay(actors, apply(actors, household))
    goats = SubsidyStandard.objects.create(
        region_code="220122",
        year=2025,
        industry="肉羊养殖",
        unit="只",
        amount_per_unit=Decimal("200"),
        max_per_household=Decimal("2000"),
    )
    second = services.subsidy_apply(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        standard=goats,
        scale=Decimal("5"),
        evidence="存栏肉羊 5 只",
        checked_on=date(2025, 11, 3),
    )

    _pay(actors, second)

    assert sorted(Measure.objects.values_list("subtype", flat=True)) == [
        "到户产业奖补（肉牛养殖）",
        "到户产业奖补（肉羊养殖）",
    ]
    assert _in_place(household) == 2
