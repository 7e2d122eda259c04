"""The project pool: 申报 → 乡镇审核 → 县级论证 → 审定 + 公告, returns, progress, 验收."""

from datetime import date

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.finance import selectors, services
from fupin.finance.models import ProjectState, PublicNotice
from fupin.finance.tests.conftest import approve_through, project_data, propose
from tests.support import OTHER_VILLAGE, Actors, nothing_changes, scope_of


def test_village_proposes_and_the_county_approves_with_a_notice(actors: Actors) -> None:
    project = propose(actors)
    assert project.state == ProjectState.TOWNSHIP

    project = approve_through(actors, project)

    assert project.state == ProjectState.APPROVED
    detail = selectors.project_detail(scope=scope_of(actors.county_admin), project_id=project.pk)
    assert [(d.step, d.decision) for d in detail.decisions] == [
        ("township", "approve"),
        ("assessment", "approve"),
        ("decision", "approve"),
    ]
    notice = detail.notice
    assert notice is not None
    assert (notice.ends_on - notice.starts_on).days + 1 == 10
    assert notice.rows[0]["name"] == "东榛柴村肉牛养殖小区"
    assert notice.rows[0]["funds"] == "中央衔接资金，概算 1200000.00 元"
    assert [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="finance.project").order_by("id")
    ] == [
        "finance.project_propose",
        "finance.project_review",
        "finance.project_assess",
        "finance.project_decide",
    ]


def test_proposal_needs_the_village_meeting_record(actors: Actors) -> None:
    with nothing_changes(), pytest.raises(ApplicationError) as refused:
        propose(actors, meeting_record="  ")
    assert refused.value.message == "请填写四议两公开记录。"
    assert refused.value.field == "meeting_record"


def test_only_the_owner_of_a_step_acts(actors: Actors) -> None:
    project = propose(actors)
    with nothing_changes(project), pytest.raises(PermissionDeniedError):
        services.project_review(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            project=project,
            approve=True,
            opinion="",
        )
    with nothing_changes(project), pytest.raises(NotFoundError):
        services.project_review(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            project=project,
            approve=True,
            opinion="",
        )
    with nothing_changes(), pytest.raises(NotFoundError):
        services.project_propose(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            data=project_data(village_code=OTHER_VILLAGE),
        )


def test_a_return_goes_back_to_the_village_which_resubmits(actors: Actors) -> None:
    project = propose(actors)
    with nothing_changes(project), pytest.raises(ApplicationError):
        services.project_review(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            project=project,
            approve=False,
            opinion=" ",
        )
    project = services.project_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        project=project,
        approve=False,
        opinion="绩效目标不具体",
    )
    assert (project.state, project.returned_from) == (ProjectState.RETURNED, "township")

    project = services.project_resubmit(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        project=project,
        data=project_data(performance_target="带动 35 户脱贫户每户年增收 1,500 元以上"),
    )

    assert project.state == ProjectState.TOWNSHIP
    assert project.performance_target.startswith("带动 35 户")


def test_progress_reports_then_acceptance(actors: Actors) -> None:
    project = approve_through(actors, propose(actors))
    county = scope_of(actors.county_admin)
    services.project_progress_report(
        actor=actors.county_admin,
        scope=county,
        project=project,
        month=date(2025, 10, 1),
        percent=60,
        note="主体完工",
    )
    with pytest.raises(ApplicationError, match="验收"):
        services.project_accept(
            actor=actors.county_admin,
            scope=county,
            project=project,
            accepted_on=date(2025, 11, 1),
            opinion="合格",
        )
    with nothing_changes(project), pytest.raises(ApplicationError, match="不能低于上月"):
        services.project_progress_report(
            actor=actors.county_admin,
            scope=county,
            project=project,
            month=date(2025, 11, 1),
            percent=50,
            note="",
        )
    services.project_progress_report(
        actor=actors.county_admin,
        scope=county,
        project=project,
        month=date(2025, 11, 1),
        percent=100,
        note="全部完工",
    )

    project = services.project_accept(
        actor=actors.county_admin,
        scope=county,
        project=project,
        accepted_on=date(2025, 11, 8),
        opinion="验收合格",
    )

    assert (project.state, project.accepted_on) == (ProjectState.ACCEPTED, date(2025, 11, 8))
    assert AuditEvent.objects.filter(action="finance.project_accept").count() == 1


def test_the_notice_lasts_at_least_the_configured_days(actors: Actors) -> None:
    project = propose(actors)
    services.project_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        project=project,
        approve=True,
        opinion="",
    )
    county = scope_of(actors.county_admin)
    services.project_assess(
        actor=actors.county_admin,
        scope=county,
        project=project,
        approve=True,
        opinion="",
        feasibility="可行",
        fund_plan="省级衔接资金",
    )
    with nothing_changes(project), pytest.raises(ApplicationError, match="不得少于 10 天"):
        services.project_decide(
            actor=actors.county_admin,
            scope=county,
            project=project,
            approve=True,
            opinion="",
            notice_days=7,
        )
    assert not PublicNotice.objects.exists()
