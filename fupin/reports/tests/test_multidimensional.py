"""Alkire–Foster measures over the registry (DOMAIN §11 mapping, configured weights and k)."""

from fractions import Fraction

import pytest
from django.urls import reverse

from fupin.registry.codes import HousingGrade
from fupin.registry.models import HouseholdConditions, HouseholdYear
from fupin.reports.models import MultidimensionalSetting, VillageExitIndicatorSet
from fupin.reports.seeds import seed_indicator_settings
from fupin.reports.selectors.multidimensional import multidimensional_for
from fupin.reports.tests.conftest import county_scope
from tests.support import OTHER_COUNTY, Actors, Expectation, assert_scope_matrix, client_for


@pytest.fixture
def settings_seeded(db: None) -> None:
    seed_indicator_settings(MultidimensionalSetting, VillageExitIndicatorSet)


def _deprivations(year: int) -> list[tuple[int, Fraction]]:
    """Each household's size and weighted score, computed here from the records directly."""
    line = {2025: 8000}[year]
    scores = []
    for record in HouseholdYear.objects.filter(year=year).select_related("household"):
        conditions = (
            HouseholdConditions.objects.filter(household=record.household, year__lte=year)
            .order_by("-year")
            .first()
        )
        score = Fraction(0)
        if record.per_capita_net_income < line:
            score += Fraction(1, 5)
        if conditions is not None:
            score += Fraction(1, 5) if conditions.has_dropout_child else 0
            score += Fraction(1, 10) if conditions.has_uninsured_member else 0
            unsafe = conditions.is_housing_unsafe or conditions.housing_grade in (
                HousingGrade.C,
                HousingGrade.D,
            )
            score += Fraction(1, 10) if unsafe else 0
            score += Fraction(1, 10) if conditions.is_water_unsafe else 0
        scores.append((record.member_count, score))
    return scores


@pytest.mark.parametrize("k", [None, Fraction(1, 5)])
def test_headcounts_equal_a_direct_count_for_k_and_the_veto_rule(
    generated_county: str, settings_seeded: None, k: Fraction | None
) -> None:
    result = multidimensional_for(
        scope=county_scope(), region_code=generated_county, year=2025, k=k
    )
    scores = _deprivations(2025)
    people = sum(size for size, _score in scores)
    poor = sum(size for size, score in scores if score >= (k or Fraction(3, 10)))
    any_failure = sum(size for size, score in scores if score > 0)
    assert result.households == len(scores)
    assert result.measures.headcount_ratio == Fraction(poor, people)
    assert result.veto.union_headcount == Fraction(any_failure, people)
    assert result.veto.both + result.veto.only_union == result.veto.union_headcount
    assert result.measures.headcount_ratio < result.veto.union_headcount
    if k is not None:
        # the generated county has single deprivations (income alone) but few double ones
        assert result.measures.headcount_ratio > 0
        assert sum(row.contribution for row in result.indicators) == 1
        assert sum(group.contribution for group in result.by_region) == 1
    assert "不愁吃" in result.unassessed


def test_k_equal_to_the_smallest_weight_is_the_veto_rule(
    generated_county: str, settings_seeded: None
) -> None:
    result = multidimensional_for(
        scope=county_scope(), region_code=generated_county, year=2025, k=Fraction(1, 10)
    )
    assert result.measures.headcount_ratio == result.veto.union_headcount
    assert result.veto.only_union == 0


def test_a_province_setting_overrides_the_nationwide_one(
    generated_county: str, settings_seeded: None
) -> None:
    MultidimensionalSetting.objects.create(
        region_code="22", first_year=2024, k="1/5", weights={"income": "1", "water": "1"}
    )
    result = multidimensional_for(scope=county_scope(), region_code=generated_county, year=2025)
    assert result.setting.k == Fraction(1, 5)
    assert [row.indicator.code for row in result.indicators] == ["income", "water"]


def test_multidimensional_page_scope_and_bad_k(actors: Actors, settings_seeded: None) -> None:
    url = reverse("reports:report-multidimensional")
    assert_scope_matrix(
        lambda client: client.get(url, {"year": "2025"}),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403),
            actors.county_admin: Expectation(200, shows=("农安县", "一票否决")),
        },
    )
    client = client_for(actors.county_admin)
    assert client.get(url, {"year": "2025", "region": OTHER_COUNTY}).status_code == 404
    body = client.get(url, {"year": "2025", "k": "2"}).content.decode()
    assert "临界值应大于 0 且不超过 1。" in body
