"""Campaigns: one visit per household in scope, answers that raise exactly the problems
they imply, and live progress by township and village."""

from datetime import timedelta

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.rectification import selectors, services
from fupin.rectification.models import (
    Campaign,
    CampaignKind,
    Problem,
    ProblemSource,
    Questionnaire,
    VisitState,
    VisitTask,
)
from fupin.rectification.tests.conftest import GOOD_ANSWERS, TODAY, place_households
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus
from tests.support import (
    COUNTY,
    OTHER_COUNTY,
    OTHER_VILLAGE,
    TOWN,
    VILLAGE,
    Actors,
    nothing_changes,
    scope_of,
)


def _open(
    actors: Actors,
    questionnaire: Questionnaire,
    *,
    region_codes: list[str] | None = None,
    household_types: list[str] | None = None,
) -> Campaign:
    return services.campaign_open(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        name="2025年防返贫集中排查",
        kind=CampaignKind.SCREENING,
        region_code=COUNTY,
        region_codes=region_codes or [],
        household_types=household_types
        if household_types is not None
        else [codes.HouseholdType.EXITED, codes.HouseholdType.MONITORED],
        questionnaire_id=questionnaire.pk,
        due_on=TODAY + timedelta(days=30),
    )


@pytest.fixture
def county_households(actors: Actors) -> dict[str, list[Household]]:
    exited = place_households(VILLAGE, 3, household_type=codes.HouseholdType.EXITED)
    monitored = place_households(
        OTHER_VILLAGE, 2, household_type=codes.HouseholdType.MONITORED, start=1
    )
    ordinary = place_households(VILLAGE, 2, household_type=codes.HouseholdType.ORDINARY, start=10)
    cancelled = place_households(VILLAGE, 1, household_type=codes.HouseholdType.EXITED, start=20)
    Household.objects.filter(pk=cancelled[0].pk).update(status=HouseholdStatus.CANCELLED)
    elsewhere = place_households(
        "220112100201", 2, household_type=codes.HouseholdType.EXITED, start=1
    )
    return {"exited": exited, "monitored": monitored, "ordinary": ordinary, "elsewhere": elsewhere}


def test_one_visit_per_household_in_scope(
    actors: Actors, questionnaire: Questionnaire, county_households: dict[str, list[Household]]
) -> None:
    campaign = _open(actors, questionnaire)
    expected = {h.pk for h in county_households["exited"] + county_households["monitored"]}
    visits = VisitTask.objects.filter(campaign=campaign)
    assert {visit.household_id for visit in visits} == expected
    assert campaign.task_count == 5
    assert {visit.state for visit in visits} == {VisitState.PENDING}
    assert {visit.problems_found for visit in visits} == {0}
    event = AuditEvent.objects.get(action="rectification.campaign_open")
    assert event.changes["visits"] == 5


def test_regions_and_all_types_narrow_or_widen_the_scope(
    actors: Actors, questionnaire: Questionnaire, county_households: dict[str, list[Household]]
) -> None:
    campaign = _open(actors, questionnaire, region_codes=[OTHER_VILLAGE], household_types=[])
    assert {v.household_id for v in campaign.visits.all()} == {
        h.pk for h in county_households["monitored"]
    }
    whole_county = _open(actors, questionnaire, household_types=[])
    assert whole_county.task_count == 7


def test_answers_raise_exactly_the_problems_they_imply(
    actors: Actors, questionnaire: Questionnaire, county_households: dict[str, list[Household]]
) -> None:
    campaign = _open(actors, questionnaire)
    household = county_households["exited"][0]
    visit = VisitTask.objects.get(campaign=campaign, household=household)
    answers = {
        **GOOD_ANSWERS,
        "housing_unsafe": "yes",
        "measures_in_place": "no",
        "main_risk": "因病",
    }
    result = services.visit_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        visit_id=visit.pk,
        answers=answers,
    )
    problems = Problem.objects.filter(visit=visit).order_by("question_code")
    assert [p.question_code for p in problems] == [
        "housing_unsafe",
        "main_risk",
        "measures_in_place",
    ]
    assert result.problem_numbers == [
        p.number for p in Problem.objects.filter(visit=visit).order_by("id")
    ]
    assert {p.source for p in problems} == {ProblemSource.SELF_CHECK}
    assert {p.region_id for p in problems} == {VILLAGE}
    assert [list(p.households.all()) for p in problems] == [[household]] * 3
    visit.refresh_from_db()
    assert (visit.state, visit.problems_found, visit.visited_by) == (
        VisitState.DONE,
        3,
        actors.village_officer,
    )
    # a household with good answers raises none
    good = VisitTask.objects.get(campaign=campaign, household=county_households["exited"][1])
    assert (
        services.visit_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            visit_id=good.pk,
            answers=GOOD_ANSWERS,
        ).problem_numbers
        == []
    )
    assert Problem.objects.count() == 3
    # and a visit cannot be recorded twice
    with nothing_changes(visit), pytest.raises(ApplicationError, match="已走访"):
        services.visit_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            visit_id=visit.pk,
            answers=answers,
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"housing_unsafe": ""}, "housing_unsafe"),
        ({"housing_unsafe": "maybe"}, "housing_unsafe"),
        ({"main_risk": "因懒"}, "main_risk"),
    ],
)
def test_bad_answers_change_nothing(
    actors: Actors,
    questionnaire: Questionnaire,
    county_households: dict[str, list[Household]],
    changes: dict[str, str],
    field: str,
) -> None:
    campaign = _open(actors, questionnaire)
    visit = VisitTask.objects.filter(campaign=campaign, village_id=VILLAGE).first()
    assert visit is not None
    with nothing_changes(visit), pytest.raises(ApplicationError) as refused:
        services.visit_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            visit_id=visit.pk,
            answers={**GOOD_ANSWERS, **changes},
        )
    assert refused.value.field == field


def test_visits_are_scoped_to_the_village_and_the_duty(
    actors: Actors, questionnaire: Questionnaire, county_households: dict[str, list[Household]]
) -> None:
    campaign = _open(actors, questionnaire)
    visit = VisitTask.objects.filter(campaign=campaign, village_id=VILLAGE).first()
    assert visit is not None
    with nothing_changes(visit), pytest.raises(NotFoundError):
        services.visit_record(
            actor=actors.other_village_officer,
            scope=scope_of(actors.other_village_officer),
            visit_id=visit.pk,
            answers=GOOD_ANSWERS,
        )
    with nothing_changes(visit), pytest.raises(PermissionDeniedError):
        services.visit_record(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            visit_id=visit.pk,
            answers=GOOD_ANSWERS,
        )


def test_opening_needs_the_duty_a_region_in_scope_and_good_input(
    actors: Actors, questionnaire: Questionnaire
) -> None:
    scope = scope_of(actors.county_admin)
    base = {
        "name": "排查",
        "kind": CampaignKind.REVIEW,
        "region_code": COUNTY,
        "region_codes": [],
        "household_types": [],
        "questionnaire_id": questionnaire.pk,
        "due_on": TODAY + timedelta(days=10),
    }
    for changes in (
        {"name": " "},
        {"kind": "party"},
        {"region_codes": ["220112100"]},
        {"household_types": ["rich"]},
        {"questionnaire_id": 0},
        {"due_on": TODAY - timedelta(days=1)},
    ):
        with nothing_changes(), pytest.raises(ApplicationError):
            services.campaign_open(actor=actors.county_admin, scope=scope, **{**base, **changes})  # type: ignore[arg-type]
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        services.campaign_open(
            actor=actors.county_admin,
            scope=scope,
            **{**base, "region_code": OTHER_COUNTY},  # type: ignore[arg-type]
        )
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        services.campaign_open(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            **base,  # type: ignore[arg-type]
        )


def test_progress_by_township_and_village_is_live(
    actors: Actors, questionnaire: Questionnaire, county_households: dict[str, list[Household]]
) -> None:
    campaign = _open(actors, questionnaire)
    visit = VisitTask.objects.get(campaign=campaign, household=county_households["exited"][0])
    services.visit_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        visit_id=visit.pk,
        answers={**GOOD_ANSWERS, "water_unsafe": "yes"},
    )
    progress = selectors.campaign_progress(scope=scope_of(actors.county_admin), campaign=campaign)
    assert [(line.code, line.total, line.done, line.problems) for line in progress.villages] == [
        (VILLAGE, 3, 1, 1),
        (OTHER_VILLAGE, 2, 0, 0),
    ]
    assert [(line.code, line.total, line.done, line.pending) for line in progress.townships] == [
        (TOWN, 5, 1, 4)
    ]
    assert (progress.total.total, progress.total.done, progress.total.problems) == (5, 1, 1)
    village_view = selectors.campaign_progress(
        scope=scope_of(actors.village_officer), campaign=campaign
    )
    assert [line.code for line in village_view.villages] == [VILLAGE]


def test_finished_campaign_takes_no_more_answers(
    actors: Actors, questionnaire: Questionnaire, county_households: dict[str, list[Household]]
) -> None:
    campaign = _open(actors, questionnaire)
    services.campaign_finish(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), campaign_id=campaign.pk
    )
    visit = VisitTask.objects.filter(campaign=campaign, village_id=VILLAGE).first()
    assert visit is not None
    with nothing_changes(visit), pytest.raises(ApplicationError, match="已结束"):
        services.visit_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            visit_id=visit.pk,
            answers=GOOD_ANSWERS,
        )
