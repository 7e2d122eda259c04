"""Complaints: routing to the level above the place, configured deadlines, the handling
steps, the turn into a problem or a risk clue, and who sees the complainant."""

from datetime import timedelta
from typing import Any

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.monitoring.models import Channel, RiskClue
from fupin.rectification import selectors, services
from fupin.rectification.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintState,
    ProblemSource,
    RectificationSetting,
    Satisfaction,
)
from fupin.rectification.tests.conftest import TODAY, place_households
from fupin.registry import codes
from tests.support import COUNTY, TOWN, VILLAGE, Actors, nothing_changes, scope_of


def _register(actors: Actors, *, region: str = VILLAGE, **extra: object) -> Complaint:
    values: dict[str, object] = {
        "channel": ComplaintChannel.HOTLINE_12317,
        "category": ComplaintCategory.FUNDS,
        "region_code": region,
        "content": "村里的光伏收益分配没有公示，部分脱贫户没有拿到。",
        "name": "王举报",
        "phone": "13612345678",
    }
    values.update(extra)
    return services.complaint_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        **values,  # type: ignore[arg-type]
    )


def test_village_complaint_goes_to_its_township_with_the_default_fifteen_days(
    actors: Actors,
) -> None:
    complaint = _register(actors)
    assert complaint.handling_region_id == TOWN
    assert complaint.due_on == TODAY + timedelta(days=15)
    assert complaint.receipt_number.startswith("JB20251110")
    event = AuditEvent.objects.get(action="rectification.complaint_register")
    assert event.region_code == VILLAGE
    assert "13612345678" not in str(event.changes)


def test_province_configuration_sets_twenty_days_and_township_complaints_go_to_the_county(
    actors: Actors,
) -> None:
    RectificationSetting.objects.create(region_code="22", complaint_days=20)
    complaint = _register(actors, region=TOWN)
    assert complaint.handling_region_id == COUNTY
    assert complaint.due_on == TODAY + timedelta(days=20)


def test_working_day_deadlines_skip_weekends(actors: Actors, holiday_calendar: None) -> None:
    RectificationSetting.objects.create(
        region_code="22", complaint_days=15, complaint_days_are_working_days=True
    )
    complaint = _register(actors)
    # 15 working days from Monday 10 November 2025: Monday 1 December
    assert complaint.due_on == TODAY + timedelta(days=21)


def test_township_handles_the_complaint_to_a_problem_and_a_clue(actors: Actors) -> None:
    (household,) = place_households(VILLAGE, 1, household_type=codes.HouseholdType.EXITED)
    complaint = _register(actors)
    township = scope_of(actors.township_reviewer)
    services.complaint_acknowledge(
        actor=actors.township_reviewer, scope=township, complaint_id=complaint.pk
    )
    services.complaint_investigate(
        actor=actors.township_reviewer,
        scope=township,
        complaint_id=complaint.pk,
        findings="核实属实：2024 年光伏收益 3 户未发放。",
        is_substantiated=True,
    )
    problem = services.complaint_to_problem(
        actor=actors.township_reviewer,
        scope=township,
        complaint_id=complaint.pk,
        title="光伏收益未按时分配",
    )
    services.complaint_to_clue(
        actor=actors.township_reviewer,
        scope=township,
        complaint_id=complaint.pk,
        household=household,
    )
    services.complaint_reply(
        actor=actors.township_reviewer,
        scope=township,
        complaint_id=complaint.pk,
        reply="已责成村委会十日内补发并公示。",
    )
    services.complaint_close(
        actor=actors.township_reviewer,
        scope=township,
        complaint_id=complaint.pk,
        satisfaction=Satisfaction.SATISFIED,
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED
    assert complaint.problem == problem
    assert (problem.source, problem.region_id) == (ProblemSource.HOTLINE_12317, VILLAGE)
    clue = RiskClue.objects.get()
    assert (clue.channel, clue.household) == (Channel.DEPARTMENT, household)
    assert complaint.clue == clue
    assert list(
        AuditEvent.objects.filter(action__startswith="rectification.complaint_")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "rectification.complaint_register",
        "rectification.complaint_acknowledge",
        "rectification.complaint_investigate",
        "rectification.complaint_to_problem",
        "rectification.complaint_to_clue",
        "rectification.complaint_reply",
        "rectification.complaint_close",
    ]


def test_steps_out_of_order_or_by_the_wrong_level_change_nothing(actors: Actors) -> None:
    complaint = _register(actors)
    with nothing_changes(complaint), pytest.raises(ApplicationError, match="待签收"):
        services.complaint_reply(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            complaint_id=complaint.pk,
            reply="x",
        )
    # the village complained about neither sees nor handles it
    with nothing_changes(complaint), pytest.raises(NotFoundError):
        services.complaint_acknowledge(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            complaint_id=complaint.pk,
        )
    with nothing_changes(complaint), pytest.raises(NotFoundError):
        services.complaint_acknowledge(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            complaint_id=complaint.pk,
        )
    # an auditor sees it but does not handle it
    with nothing_changes(complaint), pytest.raises(PermissionDeniedError):
        services.complaint_acknowledge(
            actor=actors.auditor, scope=scope_of(actors.auditor), complaint_id=complaint.pk
        )
    # a complaint not found true does not become a problem
    township = scope_of(actors.township_reviewer)
    services.complaint_acknowledge(
        actor=actors.township_reviewer, scope=township, complaint_id=complaint.pk
    )
    services.complaint_investigate(
        actor=actors.township_reviewer,
        scope=township,
        complaint_id=complaint.pk,
        findings="经核实，收益已按时发放。",
        is_substantiated=False,
    )
    complaint.refresh_from_db()
    with nothing_changes(complaint), pytest.raises(ApplicationError, match="属实"):
        services.complaint_to_problem(
            actor=actors.township_reviewer, scope=township, complaint_id=complaint.pk, title="x"
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content", "  "),
        ("channel", "pigeon"),
        ("category", "x"),
        ("region_code", "123"),
        ("phone", "12ab"),
        ("received_on", TODAY + timedelta(days=1)),
    ],
)
def test_bad_complaint_input_changes_nothing(actors: Actors, field: str, value: object) -> None:
    bad: dict[str, Any] = {field: value}
    with nothing_changes(), pytest.raises(ApplicationError) as refused:
        _register(actors, **bad)
    assert refused.value.message


def test_registering_needs_the_duty_and_the_region(actors: Actors) -> None:
    for user, region in (
        (actors.village_officer, VILLAGE),
        (actors.other_county_admin, VILLAGE),
        (actors.auditor, VILLAGE),
    ):
        with nothing_changes(), pytest.raises(PermissionDeniedError):
            services.complaint_register(
                actor=user,
                scope=scope_of(user),
                channel=ComplaintChannel.HOTLINE_12317,
                category=ComplaintCategory.FUNDS,
                region_code=region,
                content="x",
            )


def test_public_complaint_needs_a_phone_and_is_followed_by_receipt(actors: Actors) -> None:
    with nothing_changes(), pytest.raises(ApplicationError) as refused:
        services.complaint_submit_public(
            region_code=VILLAGE,
            category=ComplaintCategory.PROJECTS,
            content="道路项目质量差",
            name="",
            phone="",
            is_anonymous=True,
        )
    assert refused.value.field == "phone"
    complaint = services.complaint_submit_public(
        region_code=VILLAGE,
        category=ComplaintCategory.PROJECTS,
        content="道路项目质量差",
        name="赵某",
        phone="13700001234",
        is_anonymous=True,
    )
    assert complaint.complainant_name == ""
    receipt = selectors.complaint_receipt(
        receipt_number=complaint.receipt_number.lower(), phone_tail="1234"
    )
    assert receipt.state_label == "待签收"
    with pytest.raises(NotFoundError):
        selectors.complaint_receipt(receipt_number=complaint.receipt_number, phone_tail="9999")


def test_complainant_shown_only_to_the_handling_level_and_above_with_the_right(
    actors: Actors,
) -> None:
    complaint = _register(actors)
    seen = {}
    for user in (
        actors.township_reviewer,
        actors.county_admin,
        actors.auditor,
        actors.province_admin,
    ):
        scope = scope_of(user)
        view = selectors.complaint_view(
            scope, selectors.complaint_get(scope=scope, complaint_id=complaint.pk)
        )
        seen[user.username] = (view.complainant_name, view.complainant_phone)
    assert seen == {
        "township": ("王举报", "13612345678"),
        "county_admin": ("王举报", "13612345678"),
        "auditor": ("（不予显示）", "（不予显示）"),
        "province_admin": ("（不予显示）", "（不予显示）"),
    }
    for user in (actors.village_officer, actors.other_village_officer, actors.other_county_admin):
        with pytest.raises(NotFoundError):
            selectors.complaint_get(scope=scope_of(user), complaint_id=complaint.pk)
