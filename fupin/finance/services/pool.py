"""年度调整 of the project pool: a county official proposes taking one project in (调入),
out (调出) or replacing it by another (替换) for a year; a second county official approves
or rejects it (ADR 0018). Approved adjustments change the projects; every proposal stays
as the pool's history."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.scope import CODE_LENGTHS, Capability, RegionScope
from fupin.finance.models import PoolAdjustment, Project, ProjectState
from fupin.finance.services.common import Actor, actor_id, require

COUNTY_CODE_LENGTH = CODE_LENGTHS[2]
# Projects that passed 审定 and may be in a year's pool; 已调出 ones may come back.
_MAY_COME_IN = (ProjectState.APPROVED, ProjectState.REMOVED)


def _check_out(project: Project, year: int) -> None:
    """A project may leave the year's pool while it is in it and no money reached it."""
    if project.state != ProjectState.APPROVED or project.year != year:
        raise ApplicationError(
            _("“%(name)s”不在 %(year)s 年度项目库中（已入库、未验收的项目才能调出）。")
            % {"name": project.name, "year": year},
            code="not_in_pool",
            field="project",
        )
    if project.releases.exists():
        raise ApplicationError(
            _("“%(name)s”已下达资金，不能调出。") % {"name": project.name},
            code="funded",
            field="project",
        )


def _check_in(project: Project, year: int, field: str) -> None:
    """A project may come into the year's pool once it passed 审定, from another year's
    pool or back after being taken out."""
    if project.state not in _MAY_COME_IN or (
        project.state == ProjectState.APPROVED and project.year == year
    ):
        raise ApplicationError(
            _("“%(name)s”不能调入 %(year)s 年度项目库：须是已审定的其他年度项目或已调出的项目。")
            % {"name": project.name, "year": year},
            code="cannot_come_in",
            field=field,
        )


def _projects_of(adjustment: PoolAdjustment) -> list[Project]:
    return [p for p in (adjustment.project, adjustment.replacement) if p is not None]


@transaction.atomic
def pool_adjustment_propose(
    *,
    actor: Actor,
    scope: RegionScope,
    year: int,
    action: str,
    project: Project,
    reason: str,
    replacement: Project | None = None,
) -> PoolAdjustment:
    """Propose one adjustment of the county's pool for `year`. Refuses a project of another
    county, one that cannot leave or enter the pool, a project already in a proposal
    waiting for approval, and an empty reason.

    Audit action: "finance.pool_adjustment_propose"."""
    require(scope, Capability.DECIDE_PROJECTS, project.village_id, _("未找到该项目。"))
    county_code = project.village_id[:COUNTY_CODE_LENGTH]
    if action not in PoolAdjustment.Action.values:
        raise ApplicationError(_("请选择调整方式。"), code="action", field="action")
    if not reason.strip():
        raise ApplicationError(_("请填写调整理由。"), code="reason", field="reason")
    if action == PoolAdjustment.Action.REPLACE:
        if replacement is None:
            raise ApplicationError(
                _("替换时请选择替换为的项目。"), code="replacement", field="replacement"
            )
        scope.require_visible(replacement.village_id, _("未找到该项目。"))
        if not replacement.village_id.startswith(county_code):
            raise ApplicationError(_("只能用本县的项目替换。"), code="county", field="replacement")
    else:
        replacement = None
    locked = {
        p.pk: p
        for p in Project.objects.select_for_update().filter(
            pk__in=[p.pk for p in (project, replacement) if p is not None]
        )
    }
    project = locked[project.pk]
    if action == PoolAdjustment.Action.ADD:
        _check_in(project, year, "project")
    else:
        _check_out(project, year)
    if replacement is not None:
        replacement = locked[replacement.pk]
        _check_in(replacement, year, "replacement")
    ids = [p.pk for p in (project, replacement) if p is not None]
    if PoolAdjustment.objects.filter(
        Q(project_id__in=ids) | Q(replacement_id__in=ids), state=PoolAdjustment.State.PROPOSED
    ).exists():
        raise ApplicationError(
            _("该项目已有待审批的调整，请先审批。"), code="pending", field="project"
        )
    adjustment = PoolAdjustment.objects.create(
        county_id=county_code,
        year=year,
        action=action,
        project=project,
        replacement=replacement,
        reason=reason.strip(),
        proposed_by_id=actor_id(actor),
    )
    audit_record(
        actor=actor,
        action="finance.pool_adjustment_propose",
        subject=adjustment,
        region_code=project.village_id,
        changes={
            "year": year,
            "action": action,
            "project": project.name,
            "replacement": replacement.name if replacement else "",
        },
    )
    return adjustment


@transaction.atomic
def pool_adjustment_decide(
    *,
    actor: Actor,
    scope: RegionScope,
    adjustment: PoolAdjustment,
    approve: bool,
    opinion: str,
) -> PoolAdjustment:
    """Approve (the projects change: 调出 → 已调出项目库, 调入 → in the year's pool) or
    reject an adjustment. The proposer may not decide their own proposal; a rejection
    needs the reason. The projects are checked again, since they may have changed.

    Audit action: "finance.pool_adjustment_decide"."""
    require(scope, Capability.DECIDE_PROJECTS, adjustment.county_id, _("未找到该调整。"))
    adjustment = PoolAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.state != PoolAdjustment.State.PROPOSED:
        raise ApplicationError(
            _("该调整已%(state)s。") % {"state": adjustment.get_state_display()},
            code="decided",
        )
    if not isinstance(actor, AbstractBaseUser) or actor.pk == adjustment.proposed_by_id:
        raise PermissionDeniedError(_("调整须由提出人以外的县级人员审批。"))
    opinion = opinion.strip()
    if not approve and not opinion:
        raise ApplicationError(_("不批准时请写明理由。"), code="opinion", field="opinion")
    projects = {
        p.pk: p
        for p in Project.objects.select_for_update().filter(
            pk__in=[p.pk for p in _projects_of(adjustment)]
        )
    }
    if approve:
        project = projects[adjustment.project_id]
        if adjustment.action == PoolAdjustment.Action.ADD:
            _check_in(project, adjustment.year, "project")
            project.state, project.year = ProjectState.APPROVED, adjustment.year
        else:
            _check_out(project, adjustment.year)
            project.state = ProjectState.REMOVED
        project.save(update_fields=["state", "year", "updated_at"])
        if adjustment.replacement_id is not None:
            replacement = projects[adjustment.replacement_id]
            _check_in(replacement, adjustment.year, "replacement")
            replacement.state, replacement.year = ProjectState.APPROVED, adjustment.year
            replacement.save(update_fields=["state", "year", "updated_at"])
    adjustment.state = PoolAdjustment.State.APPROVED if approve else PoolAdjustment.State.REJECTED
    adjustment.decided_by_id = actor.pk
    adjustment.decided_at = timezone.now()
    adjustment.opinion = opinion
    adjustment.save(update_fields=["state", "decided_by", "decided_at", "opinion"])
    audit_record(
        actor=actor,
        action="finance.pool_adjustment_decide",
        subject=adjustment,
        region_code=adjustment.county_id,
        changes={"state": adjustment.state, "opinion": opinion},
    )
    return adjustment
