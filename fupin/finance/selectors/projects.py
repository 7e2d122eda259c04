"""Project pool reads: the list, a project with its decisions, progress, funds and notice,
the projects waiting for the user's step, and the 到户产业奖补 applications."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError
from fupin.core.scope import RegionScope
from fupin.finance import workflow
from fupin.finance.models import (
    FundRelease,
    NoticeKind,
    PoolAdjustment,
    Project,
    ProjectDecision,
    ProjectProgress,
    ProjectState,
    PublicNotice,
    SubsidyApplication,
)


def project_list(
    *, scope: RegionScope, state: str = "", year: int | None = None, query: str = ""
) -> QuerySet[Project]:
    """Projects in scope, newest year first."""
    projects = scope.filter(Project.objects.all(), region_field="village__code")
    if state:
        projects = projects.filter(state=state)
    if year:
        projects = projects.filter(year=year)
    if query:
        projects = projects.filter(name__icontains=query)
    return projects.select_related("village", "village__parent").order_by("-year", "-id")


def project_todo(*, scope: RegionScope) -> QuerySet[Project]:
    """Projects waiting at a step the scope owns (the pool's part of 我的待办)."""
    states = [state for state in workflow.states_owned_by(scope) if state in workflow.STEPS]
    states += [state for state in workflow.states_owned_by(scope) if state == "returned"]
    return project_list(scope=scope).filter(state__in=states)


def project_get(*, scope: RegionScope, project_id: int) -> Project:
    project = (
        Project.objects.select_related("village", "village__parent").filter(pk=project_id).first()
    )
    if project is None or not scope.contains(project.village_id):
        raise NotFoundError(_("未找到该项目。"))
    return project


@dataclass(frozen=True)
class ProjectDetail:
    project: Project
    decisions: list[ProjectDecision]
    progress: list[ProjectProgress]
    releases: list[FundRelease]
    notice: PublicNotice | None
    can_act: bool
    adjustments: list[PoolAdjustment]


def project_detail(*, scope: RegionScope, project_id: int) -> ProjectDetail:
    project = project_get(scope=scope, project_id=project_id)
    return ProjectDetail(
        project=project,
        decisions=list(project.decisions.select_related("actor")),
        progress=list(project.progress_reports.all()),
        releases=list(project.releases.select_related("allocation")),
        notice=PublicNotice.objects.filter(
            kind=NoticeKind.PROJECT, subject_id=str(project.pk)
        ).first(),
        can_act=workflow.owns(scope, project.state),
        adjustments=list(
            PoolAdjustment.objects.filter(Q(project=project) | Q(replacement=project))
            .select_related("project", "replacement")
            .order_by("proposed_at", "id")
        ),
    )


def project_state_counts(*, scope: RegionScope) -> dict[str, Any]:
    """How many projects in scope wait in each state."""
    counts: dict[str, Any] = {}
    for row in scope.filter(Project.objects.all(), region_field="village__code").values("state"):
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return counts


def subsidy_list(*, scope: RegionScope) -> QuerySet[SubsidyApplication]:
    """到户产业奖补 applications in scope, by village."""
    return scope.filter(
        SubsidyApplication.objects.all(), region_field="village__code"
    ).select_related("village", "standard")


def pool_adjustment_list(*, scope: RegionScope) -> QuerySet[PoolAdjustment]:
    """The 年度调整 of the pool in scope, waiting ones first, then newest."""
    return (
        scope.filter(PoolAdjustment.objects.all(), region_field="project__village__code")
        .select_related("project", "replacement", "proposed_by", "decided_by")
        .order_by(
            Case(When(state=PoolAdjustment.State.PROPOSED, then=0), default=1),
            "-proposed_at",
            "-id",
        )
    )


def pool_adjustment_get(*, scope: RegionScope, adjustment_id: int) -> PoolAdjustment:
    adjustment = pool_adjustment_list(scope=scope).filter(pk=adjustment_id).first()
    if adjustment is None:
        raise NotFoundError(_("未找到该调整。"))
    return adjustment


def pool_candidates(*, scope: RegionScope) -> QuerySet[Project]:
    """Projects in scope a yearly adjustment may name: those that passed 审定 and are in a
    year's pool, or were taken out of it."""
    return project_list(scope=scope).filter(state__in=[ProjectState.APPROVED, ProjectState.REMOVED])
