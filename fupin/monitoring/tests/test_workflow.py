"""The identification state machine walked by village, township and county users."""

from datetime import timedelta
from typing import Any

import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.monitoring import selectors, services, steps
from fupin.monitoring.models import (
    ApprovalRecord,
    CaseState,
    ClueStatus,
    Decision,
    MonitoringCase,
    Notice,
    ReviewMeeting,
    Step,
)
from fupin.monitoring.tests.conftest import TODAY, advance, self_apply
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent
from tests.support import COUNTY, Actors, make_user, nothing_changes, scope_of


def _snapshot(case: MonitoringCase) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.state,
        case.is_returned,
        ApprovalRecord.objects.count(),
        AuditEvent.objects.count(),
        Notice.objects.count(),
        case.visits.count(),
    )


def test_self_application_walked_by_three_levels_becomes_a_monitored_household(
    actors: Actors, household: Household, clock: Any
) -> None:
    # given a farmer's own application, matched to the registered household
    case = self_apply(household)
    assert case.household == household
    assert case.state == CaseState.VISIT
    assert case.visit_due_on == TODAY + timedelta(days=2)  # Monday → Wednesday
    # when village, township and county each do their steps
    advance(case, actors, CaseState.ANNOUNCEMENT, clock)
    services.case_announce(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), case=case
    )
    # then the household is monitored through the registry's status event
    case.refresh_from_db()
    household.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert household.status == HouseholdStatus.MONITORED
    assert household.monitoring_category == codes.MonitoringCategory.MARGINAL
    event = household.status_events.get(kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED)
    assert event.risk_types == [codes.RiskType.ILLNESS]
    assert event.identified_month == f"{case.closed_on:%Y%m}"
    steps = [
        (record.step, record.decision, record.actor_role)
        for record in selectors.case_approvals(case)
    ]
    assert steps == [
        (Step.CLUE, Decision.APPROVE, ""),
        (Step.VISIT, Decision.APPROVE, "village_officer"),
        (Step.COMPARISON, Decision.APPROVE, "village_officer"),
        (Step.REVIEW, Decision.APPROVE, "village_officer"),
        (Step.PUBLICITY, Decision.APPROVE, "village_officer"),
        (Step.TOWNSHIP, Decision.APPROVE, "township_reviewer"),
        (Step.COUNTY, Decision.APPROVE, "county_admin"),
        (Step.ANNOUNCEMENT, Decision.APPROVE, "county_admin"),
    ]
    # its own 公示, and the village's 公告 that lists it
    assert [notice.kind for notice in case.listed_in_notices.order_by("id")] == [
        Notice.Kind.PUBLICITY,
        Notice.Kind.ANNOUNCEMENT,
    ]
    assert case.clues.get().status == ClueStatus.CLOSED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "monitoring.clue_self_apply",
        "monitoring.case_visit_record",
        "monitoring.case_comparison_record",
        "monitoring.case_review_record",
        "monitoring.case_publicity_start",
        "monitoring.case_publicity_close",
        "monitoring.case_township_review",
        "monitoring.case_county_review",
        "monitoring.case_announce",
        "registry.household_status_record",
    } <= actions
    # and the applicant's receipt shows the outcome
    receipt = selectors.receipt_lookup(
        receipt_number=case.clues.get().receipt_number,
        id_tail=household.members.get(relation=codes.Relation.HEAD).id_number[-4:],
    )
    assert receipt.state == CaseState.COMPLETED
    assert all(step.is_done for step in receipt.steps)
    # every step passed carries the day it was decided: the visit today, the publicity
    # and what follows after its days
    days = [step.done_on for step in receipt.steps]
    assert days[0] == TODAY
    assert None not in days
    assert days == sorted(days)  # type: ignore[type-var]
    assert days[-1] > TODAY  # type: ignore[operator]
    assert not any(step.is_current for step in receipt.steps)


@pytest.mark.parametrize(
    ("state", "wrong_user"),
    [
        (CaseState.VISIT, "township_reviewer"),
        (CaseState.VISIT, "county_admin"),
        (CaseState.VISIT, "other_village_officer"),
        (CaseState.TOWNSHIP, "village_officer"),
        (CaseState.TOWNSHIP, "county_admin"),
        (CaseState.COUNTY, "township_reviewer"),
        (CaseState.COUNTY, "other_county_admin"),
        (CaseState.ANNOUNCEMENT, "village_officer"),
        (CaseState.ANNOUNCEMENT, "auditor"),
    ],
)
def test_a_step_by_the_wrong_role_or_region_is_refused_and_changes_nothing(
    actors: Actors, household: Household, clock: Any, state: CaseState, wrong_user: str
) -> None:
    case = self_apply(household)
    advance(case, actors, state, clock)
    user = getattr(actors, wrong_user)
    scope = scope_of(user)
    before = _snapshot(case)
    with nothing_changes(), pytest.raises((PermissionDeniedError, NotFoundError)):
        steps.step_run(actor=user, scope=scope, case=case, data=steps.routine_data(TODAY)[state])
    with nothing_changes(), pytest.raises((PermissionDeniedError, NotFoundError)):
        services.case_reject(actor=user, scope=scope, case=case, reason="不符合")
    with nothing_changes(), pytest.raises((PermissionDeniedError, NotFoundError)):
        services.case_return(actor=user, scope=scope, case=case, opinion="请补充")
    assert _snapshot(case) == before


def test_a_step_out_of_order_is_refused(actors: Actors, household: Household) -> None:
    case = self_apply(household)
    with nothing_changes(), pytest.raises(ApplicationError, match="待入户核实"):
        services.case_comparison_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            case=case,
            findings="无",
        )


def test_no_comparison_without_consent(actors: Actors, household: Household) -> None:
    case = self_apply(household)
    before = _snapshot(case)
    with nothing_changes(), pytest.raises(ApplicationError, match="承诺授权"):
        services.case_visit_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            case=case,
            visited_on=TODAY,
            visitors="王书记",
            findings="已核实",
            has_consent=False,
        )
    assert _snapshot(case) == before


def test_township_rejects_with_a_reason_and_the_receipt_shows_it(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.TOWNSHIP, clock)
    township = scope_of(actors.township_reviewer)
    with nothing_changes(), pytest.raises(ApplicationError, match="理由"):
        services.case_reject(actor=actors.township_reviewer, scope=township, case=case, reason=" ")
    services.case_reject(
        actor=actors.township_reviewer,
        scope=township,
        case=case,
        reason="家庭收入高于监测范围，且有商品房",
    )
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED
    assert case.rejection_reason == "家庭收入高于监测范围，且有商品房"
    household.refresh_from_db()
    assert household.status == HouseholdStatus.UNREGISTERED
    last = selectors.case_approvals(case)[-1]
    assert (last.step, last.decision) == (Step.TOWNSHIP, Decision.REJECT)
    receipt = selectors.receipt_lookup(
        receipt_number=case.clues.get().receipt_number,
        id_tail=household.members.get(relation=codes.Relation.HEAD).id_number[-4:],
    )
    assert receipt.rejection_reason == "家庭收入高于监测范围，且有商品房"
    # a closed case takes no more steps
    with nothing_changes(), pytest.raises(ApplicationError):
        services.case_township_review(
            actor=actors.township_reviewer, scope=township, case=case, opinion="同意"
        )
    with nothing_changes(case), pytest.raises(ApplicationError, match="已结束"):
        steps.step_run(actor=actors.township_reviewer, scope=township, case=case, data={})


def test_a_returned_case_goes_back_to_the_village_and_is_publicized_again(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.TOWNSHIP, clock)
    services.case_return(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        case=case,
        opinion="评议记录缺少村民代表签字",
    )
    case.refresh_from_db()
    assert case.state == CaseState.REVIEW
    assert case.is_returned
    todo = selectors.case_todo(scope=scope_of(actors.village_officer))
    assert list(todo) == [case]
    # the village corrects it and the case moves on again
    advance(case, actors, CaseState.TOWNSHIP, clock)
    case = MonitoringCase.objects.get(pk=case.pk)
    assert not case.is_returned
    assert case.notices.filter(kind=Notice.Kind.PUBLICITY).count() == 2
    assert case.review_meetings.count() == 2


def test_the_first_step_cannot_be_returned(actors: Actors, household: Household) -> None:
    case = self_apply(household)
    with nothing_changes(), pytest.raises(ApplicationError, match="第一个环节"):
        services.case_return(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            case=case,
            opinion="请补充",
        )


def test_a_disagreeing_review_rejects_the_case(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.REVIEW, clock)
    services.case_review_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        case=case,
        held_on=TODAY,
        participants="村民代表 10 人",
        result=ReviewMeeting.Result.DISAGREED,
        opinion="多数代表认为该户有稳定务工收入",
    )
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED
    assert case.rejection_reason == "多数代表认为该户有稳定务工收入"


def test_publicity_runs_its_full_period_and_objections_must_be_resolved(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.PUBLICITY, clock)
    village = scope_of(actors.village_officer)
    officer = actors.village_officer
    with nothing_changes(), pytest.raises(ApplicationError, match="不得少于 5 天"):
        services.case_publicity_start(actor=officer, scope=village, case=case, days=3)
    notice = services.case_publicity_start(actor=officer, scope=village, case=case)
    assert (notice.ends_on - notice.starts_on).days + 1 == 5
    objection = services.objection_record(
        actor=officer, scope=village, notice=notice, received_on=TODAY, content="该户有私家车"
    )
    clock.move_to(notice.ends_on)
    with nothing_changes(), pytest.raises(ApplicationError, match="期满后"):
        services.case_publicity_close(actor=officer, scope=village, case=case)
    clock.move_to(notice.ends_on + timedelta(days=1))
    with nothing_changes(), pytest.raises(ApplicationError, match="未处理的异议"):
        services.case_publicity_close(actor=officer, scope=village, case=case)
    services.objection_resolve(
        actor=officer,
        scope=village,
        objection=objection,
        resolution="经核实车辆为农用三轮车，不影响识别",
    )
    services.case_publicity_close(actor=officer, scope=village, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.TOWNSHIP


def test_an_unregistered_applicant_is_linked_to_a_registered_household_at_the_visit(
    actors: Actors, household: Household, clock: Any
) -> None:
    clue = services.clue_self_apply(
        name="李秀兰",
        id_number="11010519491231002X",
        phone="13800001111",
        village_code=household.village_id,
        risk_types=[codes.RiskType.ILLNESS],
        description="医疗费用高",
        has_consent=True,
    )
    assert clue.case is not None
    case = clue.case

    def visit(linked: Household | None) -> MonitoringCase:
        return services.case_visit_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            case=case,
            visited_on=TODAY,
            visitors="王书记",
            findings="属实",
            has_consent=True,
            household=linked,
        )

    with nothing_changes(), pytest.raises(ApplicationError, match="请先在农户信息中登记该户"):
        visit(None)
    other = self_apply(household)
    advance(other, actors, CaseState.COMPLETED, clock)
    household.refresh_from_db()
    with nothing_changes(), pytest.raises(ApplicationError, match="不能登记监测识别线索"):
        visit(household)
    clue.case.refresh_from_db()
    assert clue.case.household is None
    assert clue.case.state == CaseState.VISIT


def test_a_household_with_an_open_case_is_not_linked_to_another_at_the_visit(
    actors: Actors, household: Household
) -> None:
    # Given an application that named no registered household, and a cadre's clue that
    # opened a case for the household the applicant turns out to live in
    clue = services.clue_self_apply(
        name="李秀兰",
        id_number="11010519491231002X",
        phone="13800001111",
        village_code=household.village_id,
        risk_types=[codes.RiskType.ILLNESS],
        description="医疗费用高",
        has_consent=True,
    )
    assert clue.case is not None
    officer = actors.village_officer
    open_case = services.clue_register(
        actor=officer,
        scope=scope_of(officer),
        household=household,
        risk_types=[codes.RiskType.ILLNESS],
        description="走访发现",
    ).case
    assert open_case is not None

    # When the visit links that household, then it is refused, naming the open case, and
    # nothing changes
    with (
        nothing_changes(clue.case),
        pytest.raises(ApplicationError, match=f"已有办理中的监测工作事项 #{open_case.pk}"),
    ):
        services.case_visit_record(
            actor=officer,
            scope=scope_of(officer),
            case=clue.case,
            visited_on=TODAY,
            visitors="王书记",
            findings="属实",
            has_consent=True,
            household=household,
        )


def test_village_work_teams_and_county_staff_own_their_steps_too(
    actors: Actors, household: Household, clock: Any
) -> None:
    team = make_user("village_team", Role.VILLAGE_TEAM, household.village_id)
    staff = make_user("county_staff", Role.COUNTY_STAFF, COUNTY)
    case = self_apply(household)
    services.case_visit_record(
        actor=team,
        scope=scope_of(team),
        case=case,
        visited_on=TODAY,
        visitors="驻村工作队",
        findings="属实",
        has_consent=True,
    )
    advance(case, actors, CaseState.COUNTY, clock)
    services.case_county_review(actor=staff, scope=scope_of(staff), case=case, opinion="同意")
    case.refresh_from_db()
    assert case.state == CaseState.ANNOUNCEMENT
    roles = [record.actor_role for record in selectors.case_approvals(case)]
    assert roles[1] == "village_team"
    assert roles[-1] == "county_staff"
