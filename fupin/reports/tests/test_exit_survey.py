"""三率一度: the formulas against hand-computed cases, the stratified draw and the survey."""

from datetime import date
from fractions import Fraction

import pytest
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.registry.models import Household, HouseholdStatusEvent
from fupin.registry.services import household_register, household_status_record
from fupin.registry.tests import factories
from fupin.reports.exit_rates import Population, SurveyCounts, Thresholds, three_rates, wilson
from fupin.reports.models import (
    CountyExitStandard,
    ExitSurvey,
    ExitSurveyEntry,
    VillageExitRecord,
)
from fupin.reports.seeds import seed_exit_standards
from fupin.reports.selectors.exit_survey import exit_survey_result, exit_thresholds
from fupin.reports.services import exit_survey_draw, exit_survey_entry_record
from tests.support import COUNTY, OTHER_VILLAGE, VILLAGE, Actors, client_for, scope_of

NATIONAL = Thresholds(Fraction(2, 100), Fraction(2, 100), Fraction(2, 100), Fraction(90, 100))
POPULATION = Population(rural=100_000, registered=12_000, remaining_poor=800, exited=11_200)


def test_the_three_rates_and_the_comprehensive_rate_by_hand() -> None:
    survey = SurveyCounts(
        sampled_exited_people=1000,
        wrong_exit_people=10,
        sampled_outside_people=1000,
        missed_people=5,
        surveyed_households=600,
        approving_households=570,
    )
    result = three_rates(POPULATION, survey, NATIONAL)
    assert result.wrong_exit.value == 0.01
    assert result.missed.value == 0.005
    assert result.approval.value == 0.95
    # (800 + 0.5 % × 88,000 + 1 % × 11,200) / 100,000 = (800 + 440 + 112) / 100,000
    assert result.comprehensive == pytest.approx(0.01352)
    assert result.passes
    # Wilson 95 % for 10 of 1,000 is 0.54 %–1.83 %
    assert (round(result.wrong_exit.low, 4), round(result.wrong_exit.high, 4)) == (0.0054, 0.0183)
    bounds = (result.comprehensive_low, result.comprehensive, result.comprehensive_high)
    low, middle, high = (value or 0.0 for value in bounds)
    assert 0 < low < middle < high


def test_each_failed_limit_is_named() -> None:
    survey = SurveyCounts(
        sampled_exited_people=100,
        wrong_exit_people=2,
        sampled_outside_people=100,
        missed_people=3,
        surveyed_households=100,
        approving_households=90,
    )
    poor = Population(rural=10_000, registered=1_500, remaining_poor=200, exited=1_300)
    result = three_rates(poor, survey, NATIONAL)
    # 2 % wrong exits and 90 % approval sit on the limits, which must be beaten
    assert result.failures == ["comprehensive", "wrong_exit", "missed", "approval"]
    # (200 + 3 % × 8,500 + 2 % × 1,300) / 10,000 = 4.81 %
    assert result.comprehensive == pytest.approx(0.0481)


def test_an_empty_sample_has_the_widest_interval() -> None:
    rate = wilson(0, 0)
    assert (rate.value, rate.low, rate.high) == (None, 0.0, 1.0)
    assert round(wilson(0, 50).high, 4) == 0.0713


@pytest.fixture
def county_households(actors: Actors) -> list[Household]:
    seed_exit_standards(CountyExitStandard)
    scope = scope_of(actors.county_admin)
    households = []
    for index in range(8):
        village = VILLAGE if index % 2 else OTHER_VILLAGE
        household = household_register(
            actor=actors.county_admin,
            scope=scope,
            data=factories.household(f"S{index}", village),
            members=[factories.member(f"户主{index}", "01", date(1960, 1, 1 + index))],
        )
        if index < 5:
            for kind in (
                HouseholdStatusEvent.Kind.REGISTERED_POOR,
                HouseholdStatusEvent.Kind.EXITED,
            ):
                household_status_record(
                    actor=actors.county_admin,
                    scope=scope,
                    household=household,
                    kind=kind,
                    occurred_on=date(2018, 6 if kind == "registered_poor" else 11, 1),
                )
        households.append(household)
    for village in (VILLAGE, OTHER_VILLAGE):
        VillageExitRecord.objects.create(
            village_code=village, year=2020, indicator_set="two_percent", rural_population=500
        )
    return households


def test_the_draw_is_stratified_reproducible_and_audited(
    actors: Actors, county_households: list[Household]
) -> None:
    scope = scope_of(actors.county_admin)

    def draw(seed: int) -> list[tuple[str, int]]:
        survey = exit_survey_draw(
            actor=actors.county_admin,
            scope=scope,
            county_code=COUNTY,
            year=2020,
            households_per_stratum=2,
            seed=seed,
        )
        return list(survey.entries.order_by("id").values_list("stratum", "household_id"))

    first = draw(1)
    assert [stratum for stratum, _id in first].count("registered") == 2
    assert [stratum for stratum, _id in first].count("outside") == 2
    exited = {h.pk for h in county_households[:5]}
    assert all((household in exited) == (stratum == "registered") for stratum, household in first)
    assert draw(1) == first
    assert AuditEvent.objects.filter(action="reports.exit_survey_draw").count() == 2


def test_survey_results_give_the_rates_against_the_configured_limits(
    actors: Actors, county_households: list[Household]
) -> None:
    scope = scope_of(actors.county_admin)
    survey = exit_survey_draw(
        actor=actors.county_admin,
        scope=scope,
        county_code=COUNTY,
        year=2020,
        households_per_stratum=5,
        seed=3,
    )
    for entry in survey.entries.order_by("id"):
        registered = entry.stratum == ExitSurveyEntry.Stratum.REGISTERED
        exit_survey_entry_record(
            actor=actors.county_admin,
            scope=scope,
            entry_id=entry.pk,
            method="phone",
            is_wrong_exit=registered and entry.household_id == county_households[0].pk,
            missed_people=0,
            approves=True,
        )
    result = exit_survey_result(scope=scope, survey_id=survey.pk)
    # five one-person 脱贫户 sampled, one wrongly exited: 20 %
    assert (result.counts.sampled_exited_people, result.counts.wrong_exit_people) == (5, 1)
    assert result.rates.wrong_exit.value == 0.2
    assert result.population.rural == 1000
    assert result.population.exited == 5
    # (0 poor + 0 % × 995 + 20 % × 5) / 1,000 = 0.1 %
    assert result.rates.comprehensive == pytest.approx(0.001)
    assert result.rates.failures == ["wrong_exit"]
    assert result.surveyed == result.sampled == 8


def test_west_limits_and_bad_survey_input(
    actors: Actors, county_households: list[Household]
) -> None:
    assert exit_thresholds("520102", 2020).poverty_rate_max == Fraction(3, 100)
    assert exit_thresholds(COUNTY, 2020).poverty_rate_max == Fraction(2, 100)
    scope = scope_of(actors.county_admin)
    with pytest.raises(PermissionDeniedError):
        exit_survey_draw(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            county_code=COUNTY,
            year=2020,
            households_per_stratum=2,
            seed=1,
        )
    with pytest.raises(ApplicationError, match="每层抽样户数"):
        exit_survey_draw(
            actor=actors.county_admin,
            scope=scope,
            county_code=COUNTY,
            year=2020,
            households_per_stratum=0,
            seed=1,
        )
    survey = exit_survey_draw(
        actor=actors.county_admin,
        scope=scope,
        county_code=COUNTY,
        year=2020,
        households_per_stratum=2,
        seed=1,
    )
    outside = survey.entries.filter(stratum="outside").first()
    assert outside is not None
    with pytest.raises(ApplicationError, match="只有脱贫户才可能错退"):
        exit_survey_entry_record(
            actor=actors.county_admin,
            scope=scope,
            entry_id=outside.pk,
            method="visit",
            is_wrong_exit=True,
            missed_people=0,
            approves=None,
        )
    outside.refresh_from_db()
    assert not outside.is_surveyed


def test_survey_pages_draw_record_and_show_the_rates(
    actors: Actors, county_households: list[Household]
) -> None:
    county = client_for(actors.county_admin)
    overview = county.get(reverse("reports:exit-overview"), {"region": COUNTY, "year": "2020"})
    assert "抽取样本" in overview.content.decode()
    response = county.post(
        reverse("reports:exit-survey-start"),
        {"county": COUNTY, "year": "2020", "households_per_stratum": "2", "seed": "4"},
    )
    assert response.status_code == 302
    survey = ExitSurvey.objects.get()
    page = reverse("reports:exit-survey", args=[survey.pk])
    entry = survey.entries.filter(stratum="registered").first()
    assert entry is not None
    saved = county.post(
        page, {"entry": entry.pk, "method": "visit", "is_wrong_exit": "on", "approval": "no"}
    )
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert (entry.is_surveyed, entry.is_wrong_exit, entry.approves) == (True, True, False)
    body = county.get(page).content.decode()
    assert "错退率" in body
    assert "100.00%" in body  # the one surveyed 脱贫户 was wrongly exited
    assert client_for(actors.other_county_admin).get(page).status_code == 404
    officer = client_for(actors.village_officer)
    assert officer.post(page, {"entry": entry.pk, "method": "phone"}).status_code == 403
    assert (
        officer.post(
            reverse("reports:exit-survey-start"),
            {"county": COUNTY, "year": "2020", "households_per_stratum": "2", "seed": "4"},
        ).status_code
        == 403
    )
