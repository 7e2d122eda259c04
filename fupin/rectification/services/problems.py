"""Problems and their tasks: registration, the "五定" of each task, progress reports and
销号 reviewed by the level above."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope
from fupin.rectification import workflow
from fupin.rectification.models import (
    Problem,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    RectificationTask,
    TaskProgress,
    TaskState,
)
from fupin.rectification.services.common import actor_id, region_get, required_text, setting_for
from fupin.registry.models import Household

_NOT_FOUND = _("问题不存在或不在您的管辖范围内。")


def _check_households(
    scope: RegionScope | None, region_code: str, households: Sequence[Household]
) -> None:
    for household in households:
        if not household.village_id.startswith(region_code) or (
            scope is not None and not scope.contains(household.village_id)
        ):
            raise ApplicationError(
                _("农户 %(number)s 不在问题所在区划内。") % {"number": household.number},
                code="household_outside_region",
                field="households",
            )


def problem_create_record(
    *,
    actor: AbstractBaseUser | None,
    source: str,
    region_code: str,
    category: str,
    title: str,
    description: str,
    evidence: str,
    found_on: date,
    is_immediate: bool = False,
    households: Sequence[Household] = (),
    linked_projects: str = "",
    linked_cadres: str = "",
    visit_id: int | None = None,
    question_code: str = "",
) -> Problem:
    """Write a checked problem; the caller holds the transaction and writes the audit event
    (complaints and campaigns raise problems through it too)."""
    problem = Problem.objects.create(
        source=source,
        region_id=region_code,
        category=category,
        title=title,
        description=description,
        evidence=evidence,
        found_on=found_on,
        is_immediate=is_immediate,
        linked_projects=linked_projects,
        linked_cadres=linked_cadres,
        visit_id=visit_id,
        question_code=question_code,
        created_by_id=actor_id(actor),
    )
    if households:
        problem.households.set(households)
    return problem


@transaction.atomic
def problem_register(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    source: str,
    region_code: str,
    category: str,
    title: str,
    description: str,
    evidence: str = "",
    found_on: date | None = None,
    is_immediate: bool = False,
    households: Sequence[Household] = (),
    linked_projects: str = "",
    linked_cadres: str = "",
) -> Problem:
    """Register a problem found by an inspection, audit, visit or data comparison.

    Audit action: "rectification.problem_register". Raises PermissionDeniedError for a role
    without RECTIFY or a region outside the scope, ApplicationError for bad input.
    """
    scope.require(Capability.RECTIFY)
    region = region_get(region_code)
    scope.require_region(region.code)
    if source not in ProblemSource.values:
        raise ApplicationError(_("请选择问题来源。"), code="source", field="source")
    if category not in ProblemCategory.values:
        raise ApplicationError(_("请选择问题类别。"), code="category", field="category")
    title = required_text(title, _("请填写问题概要。"), field="title", max_length=200)
    description = required_text(description, _("请填写问题描述。"), field="description")
    today = timezone.localdate()
    found_on = found_on or today
    if found_on > today:
        raise ApplicationError(_("发现日期不能晚于今天。"), code="future_date", field="found_on")
    _check_households(scope, region.code, households)
    problem = problem_create_record(
        actor=actor,
        source=source,
        region_code=region.code,
        category=category,
        title=title,
        description=description,
        evidence=evidence.strip(),
        found_on=found_on,
        is_immediate=is_immediate,
        households=households,
        linked_projects=linked_projects.strip(),
        linked_cadres=linked_cadres.strip(),
    )
    audit_record(
        actor=actor,
        action="rectification.problem_register",
        subject=problem,
        region_code=region.code,
        changes={
            "source": source,
            "category": category,
            "title": title,
            "is_immediate": is_immediate,
            "households": [household.number for household in households],
        },
    )
    return problem


def _locked_problem(scope: RegionScope, problem_id: int) -> Problem:
    problem = Problem.objects.select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise NotFoundError(_NOT_FOUND)
    scope.require_visible(problem.region_id, _NOT_FOUND)
    return problem


def _locked_task(scope: RegionScope, task_id: int) -> RectificationTask:
    task = (
        RectificationTask.objects.select_for_update()
        .select_related("problem")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFoundError(_("整改任务不存在或不在您的管辖范围内。"))
    scope.require_visible(task.problem.region_id, _("整改任务不存在或不在您的管辖范围内。"))
    return task


def immediate_due_on(problem: Problem) -> date:
    """The default time limit of a 立行立改 problem's task."""
    return problem.found_on + timedelta(days=setting_for(problem.region_id).immediate_days)


@transaction.atomic
def task_add(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    problem_id: int,
    lead_unit: str,
    owner_unit: str,
    measures: str,
    expected_effect: str,
    due_on: date | None,
) -> RectificationTask:
    """Break a problem into a task with its 牵头单位, 责任单位, 措施, 目标 and 时限.

    A 立行立改 problem's task may leave the time limit out: the configured days apply.
    Audit action: "rectification.task_add".
    """
    scope.require(Capability.RECTIFY)
    problem = _locked_problem(scope, problem_id)
    if problem.is_closed:
        raise ApplicationError(_("问题已销号，不能再添加整改任务。"), code="problem_closed")
    lead_unit = required_text(lead_unit, _("请填写牵头单位。"), field="lead_unit", max_length=100)
    owner_unit = required_text(
        owner_unit, _("请填写责任单位。"), field="owner_unit", max_length=200
    )
    measures = required_text(measures, _("请填写整改措施。"), field="measures")
    if due_on is None:
        if not problem.is_immediate:
            raise ApplicationError(_("请填写整改时限。"), code="due_required", field="due_on")
        due_on = immediate_due_on(problem)
    if due_on < problem.found_on:
        raise ApplicationError(
            _("整改时限不能早于问题发现日期。"), code="due_before_found", field="due_on"
        )
    task = RectificationTask.objects.create(
        problem=problem,
        lead_unit=lead_unit,
        owner_unit=owner_unit,
        measures=measures,
        expected_effect=expected_effect.strip(),
        due_on=due_on,
        created_by_id=actor_id(actor),
    )
    if problem.state == ProblemState.PENDING:
        problem.state = ProblemState.RECTIFYING
        problem.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="rectification.task_add",
        subject=task,
        region_code=problem.region_id,
        changes={
            "problem": problem.number,
            "lead_unit": lead_unit,
            "owner_unit": owner_unit,
            "due_on": due_on.isoformat(),
        },
    )
    return task


@transaction.atomic
def task_progress_report(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    task_id: int,
    content: str,
    reported_on: date | None = None,
) -> TaskProgress:
    """Report a task's progress (整改情况). Audit action: "rectification.task_progress_report"."""
    scope.require(Capability.RECTIFY)
    task = _locked_task(scope, task_id)
    if task.is_closed:
        raise ApplicationError(_("任务已销号，无需再报告进展。"), code="task_closed")
    content = required_text(content, _("请填写整改进展。"), field="content")
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise ApplicationError(_("报告日期不能晚于今天。"), code="future_date", field="reported_on")
    report = TaskProgress.objects.create(
        task=task, reported_on=reported_on, content=content, reported_by_id=actor_id(actor)
    )
    audit_record(
        actor=actor,
        action="rectification.task_progress_report",
        subject=task,
        region_code=task.problem.region_id,
        changes={"content": content, "reported_on": reported_on.isoformat()},
    )
    return report


@transaction.atomic
def task_submit_closure(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    task_id: int,
    outcome: str,
    evidence: str,
) -> RectificationTask:
    """Ask for 销号: the result reached (议定成果) and the evidence that shows it.

    Refused without evidence. Audit action: "rectification.task_submit_closure".
    """
    scope.require(Capability.RECTIFY)
    task = _locked_task(scope, task_id)
    if task.state != TaskState.RECTIFYING:
        raise ApplicationError(_("该任务已申请销号或已销号。"), code="not_rectifying")
    outcome = required_text(outcome, _("请填写整改成果。"), field="outcome")
    evidence = required_text(
        evidence, _("销号须有佐证材料：请说明整改完成的证据。"), field="evidence"
    )
    task.outcome = outcome
    task.closure_evidence = evidence
    task.submitted_on = timezone.localdate()
    task.state = TaskState.SUBMITTED
    task.save(update_fields=["outcome", "closure_evidence", "submitted_on", "state"])
    audit_record(
        actor=actor,
        action="rectification.task_submit_closure",
        subject=task,
        region_code=task.problem.region_id,
        changes={"outcome": outcome, "evidence": evidence},
    )
    return task


@transaction.atomic
def task_review_closure(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    task_id: int,
    approve: bool,
    opinion: str,
) -> RectificationTask:
    """审定结果 and 认定销号 by the level above the problem's region, or a return for more
    work (with the reason). A problem whose every task is closed is closed with it.

    Audit action: "rectification.task_close" or "rectification.task_return". Raises
    PermissionDeniedError for a reviewer not above the problem's level.
    """
    task = _locked_task(scope, task_id)
    if not workflow.may_review_closure(scope, task.problem.region_id):
        raise PermissionDeniedError(
            _("销号须由问题所在区划的上一级审核，本级不能为自己的任务销号。"),
            code="reviewer_level",
        )
    if task.state != TaskState.SUBMITTED:
        raise ApplicationError(_("该任务尚未申请销号。"), code="not_submitted")
    today = timezone.localdate()
    task.review_opinion = opinion.strip()
    task.reviewed_by_id = actor_id(actor)
    task.reviewer_region = scope.root_prefix
    if approve:
        if not task.closure_evidence.strip():
            raise ApplicationError(_("没有佐证材料，不能销号。"), code="evidence_required")
        task.state = TaskState.CLOSED
        task.closed_on = today
    else:
        if not task.review_opinion:
            raise ApplicationError(
                _("退回时请写明需要补充的整改内容。"), code="opinion_required", field="opinion"
            )
        task.state = TaskState.RECTIFYING
        task.submitted_on = None
    task.save(
        update_fields=[
            "review_opinion",
            "reviewed_by",
            "reviewer_region",
            "state",
            "closed_on",
            "submitted_on",
        ]
    )
    problem = task.problem
    problem_closed = False
    if approve and not problem.tasks.exclude(state=TaskState.CLOSED).exists():
        problem.state = ProblemState.CLOSED
        problem.closed_on = today
        problem.save(update_fields=["state", "closed_on"])
        problem_closed = True
    audit_record(
        actor=actor,
        action="rectification.task_close" if approve else "rectification.task_return",
        subject=task,
        region_code=problem.region_id,
        changes={"opinion": task.review_opinion, "problem_closed": problem_closed},
    )
    return task


@transaction.atomic
def ledger_export_record(*, actor: AbstractBaseUser, scope: RegionScope, rows: int) -> None:
    """Record that a user downloaded the 整改台账 of their region (it names households'
    problems and the cadres responsible). Audit action: "rectification.ledger_export"."""
    audit_record(
        actor=actor,
        action="rectification.ledger_export",
        subject_type="registry.region",
        subject_id=scope.prefix,
        region_code=scope.prefix,
        changes={"rows": rows},
    )
