"""Problems broken into tasks, progress, deadlines and 销号 by the level above."""

from datetime import date, timedelta
from typing import Any

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.rectification import selectors, services
from fupin.rectification.models import (
    Problem,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    RectificationTask,
    TaskState,
)
from fupin.rectification.tests.conftest import TODAY
from tests.support import OTHER_VILLAGE, TOWN, VILLAGE, Actors, nothing_changes, scope_of


def _problem(actors: Actors, *, region: str = VILLAGE, **extra: Any) -> Problem:
    values: dict[str, Any] = {
        "source": ProblemSource.INSPECTION,
        "region_code": region,
        "category": ProblemCategory.FUNDS,
        "title": "到户产业资金未及时拨付",
        "description": "督查发现 3 户到户产业补助资金滞留村账户两个月。",
        "evidence": "督查反馈意见第 4 条",
    }
    values.update(extra)
    return services.problem_register(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), **values
    )


def _task(actors: Actors, problem: Problem, *, due_on: date | None = None) -> RectificationTask:
    return services.task_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        problem_id=problem.pk,
        lead_unit="伏龙泉镇人民政府",
        owner_unit="东榛柴村委会",
        measures="一周内将补助资金拨付到户，公示拨付结果。",
        expected_effect="3 户补助全部到账",
        due_on=due_on or TODAY + timedelta(days=20),
    )


def _submit(actors: Actors, task: RectificationTask, evidence: str = "银行转账凭证 3 张") -> None:
    services.task_submit_closure(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        task_id=task.pk,
        outcome="补助已全部到账",
        evidence=evidence,
    )


def test_problem_with_two_tasks_closes_when_both_are_closed_by_the_township(
    actors: Actors,
) -> None:
    # given a village problem broken into two tasks
    problem = _problem(actors)
    first, second = _task(actors, problem), _task(actors, problem)
    problem.refresh_from_db()
    assert problem.state == ProblemState.RECTIFYING
    # when both are reported, submitted with evidence and closed by the township
    services.task_progress_report(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        task_id=first.pk,
        content="已拨付 2 户",
    )
    for task in (first, second):
        _submit(actors, task)
        services.task_review_closure(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            task_id=task.pk,
            approve=True,
            opinion="凭证齐全，同意销号",
        )
        problem.refresh_from_db()
    # then the problem is closed, and every write was audited in the region
    assert problem.state == ProblemState.CLOSED
    assert problem.closed_on == TODAY
    first.refresh_from_db()
    assert (first.state, first.reviewed_by, first.reviewer_region) == (
        TaskState.CLOSED,
        actors.township_reviewer,
        TOWN,
    )
    actions = list(
        AuditEvent.objects.filter(region_code=VILLAGE)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "rectification.problem_register",
        "rectification.task_add",
        "rectification.task_add",
        "rectification.task_progress_report",
        "rectification.task_submit_closure",
        "rectification.task_close",
        "rectification.task_submit_closure",
        "rectification.task_close",
    ]


def test_first_task_closed_leaves_the_problem_rectifying(actors: Actors) -> None:
    problem = _problem(actors)
    first, _second = _task(actors, problem), _task(actors, problem)
    _submit(actors, first)
    services.task_review_closure(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        task_id=first.pk,
        approve=True,
        opinion="",
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.RECTIFYING


def test_closure_refused_without_evidence(actors: Actors) -> None:
    task = _task(actors, _problem(actors))
    with nothing_changes(task), pytest.raises(ApplicationError) as refused:
        _submit(actors, task, evidence="  ")
    assert refused.value.field == "evidence"
    # and a task not submitted with evidence cannot be closed at all
    with nothing_changes(task), pytest.raises(ApplicationError, match="尚未申请销号"):
        services.task_review_closure(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            task_id=task.pk,
            approve=True,
            opinion="",
        )


def test_closure_refused_by_the_same_level(actors: Actors) -> None:
    # given a township's own problem, submitted with evidence
    problem = _problem(actors, region=TOWN)
    task = services.task_add(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        problem_id=problem.pk,
        lead_unit="伏龙泉镇人民政府",
        owner_unit="镇农业农村办",
        measures="整改",
        expected_effect="",
        due_on=TODAY + timedelta(days=5),
    )
    services.task_submit_closure(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        task_id=task.pk,
        outcome="已整改",
        evidence="整改报告",
    )
    # the township cannot close it, nor can a village officer close a village task
    with nothing_changes(task), pytest.raises(PermissionDeniedError, match="上一级"):
        services.task_review_closure(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            task_id=task.pk,
            approve=True,
            opinion="",
        )
    village_task = _task(actors, _problem(actors))
    _submit(actors, village_task)
    with nothing_changes(village_task), pytest.raises(PermissionDeniedError):
        services.task_review_closure(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            task_id=village_task.pk,
            approve=True,
            opinion="",
        )
    # the county, one level above the township, can
    services.task_review_closure(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        task_id=task.pk,
        approve=True,
        opinion="同意",
    )
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED


def test_returned_closure_goes_back_to_rectifying_with_the_reason(actors: Actors) -> None:
    task = _task(actors, _problem(actors))
    _submit(actors, task)
    with nothing_changes(task), pytest.raises(ApplicationError) as refused:
        services.task_review_closure(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            task_id=task.pk,
            approve=False,
            opinion="",
        )
    assert refused.value.field == "opinion"
    services.task_review_closure(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        task_id=task.pk,
        approve=False,
        opinion="缺少公示照片",
    )
    task.refresh_from_db()
    assert (task.state, task.review_opinion, task.submitted_on) == (
        TaskState.RECTIFYING,
        "缺少公示照片",
        None,
    )


def test_overdue_and_approaching_tasks(actors: Actors, clock: Any) -> None:
    problem = _problem(actors)
    late = _task(actors, problem, due_on=TODAY + timedelta(days=10))
    near = _task(actors, problem, due_on=TODAY + timedelta(days=14))
    done = _task(actors, problem, due_on=TODAY + timedelta(days=11))
    _submit(actors, done)
    services.task_review_closure(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        task_id=done.pk,
        approve=True,
        opinion="",
    )
    # when twelve days pass: one task is overdue, one is within the three warning days
    clock.move_to(TODAY + timedelta(days=12))
    rows = {
        row.task.pk: row.deadline
        for row in selectors.task_rows(scope=scope_of(actors.county_admin), problem_id=problem.pk)
    }
    late_deadline, near_deadline = rows[late.pk], rows[near.pk]
    assert late_deadline is not None
    assert late_deadline.is_overdue
    assert near_deadline is not None
    assert near_deadline.is_approaching
    assert rows[done.pk] is None
    overdue = selectors.problem_list(
        scope=scope_of(actors.county_admin), filters=selectors.ProblemFilters(is_overdue=True)
    )
    assert [row.pk for row in overdue] == [problem.pk]


def test_immediate_problem_task_takes_the_configured_days(actors: Actors) -> None:
    problem = _problem(actors, is_immediate=True)
    task = services.task_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        problem_id=problem.pk,
        lead_unit="东榛柴村委会",
        owner_unit="东榛柴村委会",
        measures="当天补发",
        expected_effect="",
        due_on=None,
    )
    assert task.due_on == TODAY + timedelta(days=7)
    ordinary = _problem(actors)
    with nothing_changes(ordinary), pytest.raises(ApplicationError) as refused:
        services.task_add(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            problem_id=ordinary.pk,
            lead_unit="x",
            owner_unit="x",
            measures="x",
            expected_effect="",
            due_on=None,
        )
    assert refused.value.field == "due_on"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", " "),
        ("description", ""),
        ("source", "rumour"),
        ("category", "nothing"),
        ("region_code", "999999"),
        ("found_on", date(2030, 1, 1)),
    ],
)
def test_bad_problem_input_changes_nothing(actors: Actors, field: str, value: Any) -> None:
    with nothing_changes(), pytest.raises(ApplicationError) as refused:
        _problem(actors, **{field: value})
    assert refused.value.message


def test_scope_is_enforced_for_every_write(actors: Actors) -> None:
    problem = _problem(actors)
    task = _task(actors, problem)
    # a problem outside the registering user's region
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        services.problem_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            source=ProblemSource.SELF_CHECK,
            region_code=OTHER_VILLAGE,
            category=ProblemCategory.OTHER,
            title="x",
            description="x",
        )
    # other villages and counties do not even see it
    for user in (actors.other_village_officer, actors.other_county_admin):
        with nothing_changes(task), pytest.raises(NotFoundError):
            services.task_progress_report(
                actor=user, scope=scope_of(user), task_id=task.pk, content="x"
            )
    # roles without the duty cannot write
    with nothing_changes(task), pytest.raises(PermissionDeniedError):
        services.task_progress_report(
            actor=actors.auditor, scope=scope_of(actors.auditor), task_id=task.pk, content="x"
        )
    assert list(selectors.problem_list(scope=scope_of(actors.other_county_admin))) == []
