"""The project pool: 申报 by the village, 乡镇审核, 县级论证, 审定 with its 公告, monthly
progress and 验收 (workflow.py says who acts when)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.scope import CODE_LENGTHS, Capability, RegionScope
from fupin.finance import workflow
from fupin.finance.models import (
    Project,
    ProjectCategory,
    ProjectDecision,
    ProjectProgress,
    ProjectState,
)
from fupin.finance.services.common import Actor, actor_id
from fupin.finance.services.notices import project_notice_publish

VILLAGE_CODE_LENGTH = CODE_LENGTHS[-1]


@dataclass(frozen=True)
class ProjectData:
    """What the village fills in when it proposes a project (DOMAIN §9's record)."""

    village_code: str
    year: int
    name: str
    category: str
    location: str
    department: str
    responsible_person: str
    content: str
    starts_on: date
    ends_on: date
    budget: Decimal
    subsidy_standard: str
    benefit_mechanism: str
    performance_target: str
    meeting_on: date
    meeting_record: str


def _require_text(value: str, field: str, label: str) -> str:
    text = value.strip()
    if not text:
        raise ApplicationError(
            _("请填写%(label)s。") % {"label": label}, code="required", field=field
        )
    return text


def _checked(data: ProjectData) -> dict[str, object]:
    if len(data.village_code) != VILLAGE_CODE_LENGTH:
        raise ApplicationError(_("项目须由村申报。"), code="village", field="village_code")
    if data.category not in ProjectCategory.values:
        raise ApplicationError(_("请选择项目类别。"), code="category", field="category")
    if data.ends_on < data.starts_on:
        raise ApplicationError(_("完工日期不能早于开工日期。"), code="dates", field="ends_on")
    if data.budget <= 0:
        raise ApplicationError(_("概算投资必须大于 0。"), code="budget", field="budget")
    if data.meeting_on > timezone.localdate():
        raise ApplicationError(
            _("村民代表大会日期不能晚于今天。"), code="meeting_on", field="meeting_on"
        )
    return {
        "village_id": data.village_code,
        "year": data.year,
        "name": _require_text(data.name, "name", _("项目名称")),
        "category": data.category,
        "location": _require_text(data.location, "location", _("建设地点")),
        "department": _require_text(data.department, "department", _("主管部门")),
        "responsible_person": _require_text(
            data.responsible_person, "responsible_person", _("责任人")
        ),
        "content": _require_text(data.content, "content", _("建设内容")),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "budget": data.budget,
        "subsidy_standard": _require_text(data.subsidy_standard, "subsidy_standard", _("补助标准")),
        "benefit_mechanism": _require_text(
            data.benefit_mechanism, "benefit_mechanism", _("联农带农机制")
        ),
        "performance_target": _require_text(
            data.performance_target, "performance_target", _("绩效目标")
        ),
        "meeting_on": data.meeting_on,
        # 四议两公开: the village proposes only after its 村民代表大会 decided it.
        "meeting_record": _require_text(data.meeting_record, "meeting_record", _("四议两公开记录")),
    }


@transaction.atomic
def project_propose(*, actor: Actor, scope: RegionScope, data: ProjectData) -> Project:
    """申报: the village proposes a project after its 村民代表大会; it waits for the township.

    Audit action: "finance.project_propose"."""
    scope.require_visible(data.village_code, _("未找到该村。"))
    scope.require(Capability.PROPOSE_PROJECTS)
    values = _checked(data)
    project = Project.objects.create(**values, proposed_by_id=actor_id(actor))
    audit_record(
        actor=actor,
        action="finance.project_propose",
        subject=project,
        region_code=project.village_id,
        changes={"name": project.name, "budget": str(project.budget), "year": project.year},
    )
    return project


def _open(scope: RegionScope, project: Project, state: ProjectState) -> Project:
    """The project locked, after checking it is visible, waits at `state` and the scope
    owns that step."""
    scope.require_visible(project.village_id, _("未找到该项目。"))
    locked = (
        Project.objects.select_for_update(of=("self",)).select_related("village").get(pk=project.pk)
    )
    if locked.state != state:
        raise ApplicationError(
            _("该项目当前为“%(state)s”，不能办理此环节。") % {"state": locked.get_state_display()},
            code="wrong_state",
        )
    if not workflow.owns(scope, state):
        raise PermissionDeniedError(_("您的角色不办理此环节。"))
    return locked


def _decide(
    *,
    actor: Actor,
    scope: RegionScope,
    project: Project,
    state: ProjectState,
    approve: bool,
    opinion: str,
    action: str,
) -> Project:
    opinion = opinion.strip()
    if not approve and not opinion:
        raise ApplicationError(_("退回时请写明理由。"), code="opinion", field="opinion")
    ProjectDecision.objects.create(
        project=project,
        step=state,
        decision=ProjectDecision.Decision.APPROVE if approve else ProjectDecision.Decision.RETURN,
        opinion=opinion or _("同意"),
        actor_id=actor_id(actor),
    )
    project.state = workflow.next_state(state) if approve else ProjectState.RETURNED
    project.returned_from = "" if approve else state
    project.save()
    audit_record(
        actor=actor,
        action=action,
        subject=project,
        region_code=project.village_id,
        changes={"state": project.state, "approve": approve},
    )
    return project


@transaction.atomic
def project_resubmit(
    *, actor: Actor, scope: RegionScope, project: Project, data: ProjectData
) -> Project:
    """The village corrects a returned project and submits it to the township again.

    Audit action: "finance.project_resubmit"."""
    project = _open(scope, project, ProjectState.RETURNED)
    if data.village_code != project.village_id:
        raise ApplicationError(_("不能更改申报村。"), code="village", field="village_code")
    for name, value in _checked(data).items():
        setattr(project, name, value)
    project.state = ProjectState.TOWNSHIP
    project.returned_from = ""
    project.save()
    audit_record(
        actor=actor,
        action="finance.project_resubmit",
        subject=project,
        region_code=project.village_id,
        changes={"state": project.state},
    )
    return project


@transaction.atomic
def project_review(
    *, actor: Actor, scope: RegionScope, project: Project, approve: bool, opinion: str
) -> Project:
    """乡镇审核: approve to the county's 论证, or return to the village.

    Audit action: "finance.project_review"."""
    project = _open(scope, project, ProjectState.TOWNSHIP)
    return _decide(
        actor=actor,
        scope=scope,
        project=project,
        state=ProjectState.TOWNSHIP,
        approve=approve,
        opinion=opinion,
        action="finance.project_review",
    )


@transaction.atomic
def project_assess(
    *,
    actor: Actor,
    scope: RegionScope,
    project: Project,
    approve: bool,
    opinion: str,
    feasibility: str = "",
    fund_plan: str = "",
) -> Project:
    """县级论证 of 可行性, 概算, 资金来源, 联农带农机制 and 绩效目标; an approval records
    the feasibility and the funding plan.

    Audit action: "finance.project_assess"."""
    project = _open(scope, project, ProjectState.ASSESSMENT)
    if approve:
        project.feasibility = _require_text(feasibility, "feasibility", _("可行性论证"))
        project.fund_plan = _require_text(fund_plan, "fund_plan", _("资金来源"))
    return _decide(
        actor=actor,
        scope=scope,
        project=project,
        state=ProjectState.ASSESSMENT,
        approve=approve,
        opinion=opinion,
        action="finance.project_assess",
    )


@transaction.atomic
def project_decide(
    *,
    actor: Actor,
    scope: RegionScope,
    project: Project,
    approve: bool,
    opinion: str,
    notice_days: int | None = None,
) -> Project:
    """县级审定: an approved project enters the pool and its 公告 is published for at least
    the configured days (三公示一公告).

    Audit action: "finance.project_decide"."""
    project = _open(scope, project, ProjectState.DECISION)
    project = _decide(
        actor=actor,
        scope=scope,
        project=project,
        state=ProjectState.DECISION,
        approve=approve,
        opinion=opinion,
        action="finance.project_decide",
    )
    if approve:
        project_notice_publish(
            actor=actor, project=project, starts_on=timezone.localdate(), days=notice_days
        )
    return project


@transaction.atomic
def project_progress_report(
    *, actor: Actor, scope: RegionScope, project: Project, month: date, percent: int, note: str
) -> ProjectProgress:
    """项目月报 of a project in the pool: one per month, progress never going back.

    Audit action: "finance.project_progress_report"."""
    project = _open(scope, project, ProjectState.APPROVED)
    month = month.replace(day=1)
    if not 0 <= percent <= 100:
        raise ApplicationError(_("形象进度应在 0 到 100 之间。"), code="percent", field="percent")
    if project.progress_reports.filter(month=month).exists():
        raise ApplicationError(
            _("%(month)s 的月报已填报。") % {"month": f"{month:%Y-%m}"}, code="month", field="month"
        )
    earlier = project.progress_reports.filter(month__lt=month).order_by("-month").first()
    if earlier is not None and percent < earlier.percent:
        raise ApplicationError(
            _("形象进度不能低于上月的 %(percent)s%%。") % {"percent": earlier.percent},
            code="percent",
            field="percent",
        )
    report = ProjectProgress.objects.create(
        project=project,
        month=month,
        percent=percent,
        note=_require_text(note, "note", _("进展情况")),
        reported_by_id=actor_id(actor),
    )
    audit_record(
        actor=actor,
        action="finance.project_progress_report",
        subject=project,
        region_code=project.village_id,
        changes={"month": f"{month:%Y-%m}", "percent": percent},
    )
    return report


@transaction.atomic
def project_accept(
    *, actor: Actor, scope: RegionScope, project: Project, accepted_on: date, opinion: str
) -> Project:
    """验收 of a finished project (its last monthly report at 100 %).

    Audit action: "finance.project_accept"."""
    project = _open(scope, project, ProjectState.APPROVED)
    last = project.progress_reports.order_by("-month").first()
    if last is None or last.percent < 100:
        raise ApplicationError(_("项目形象进度达到 100% 后才能验收。"), code="unfinished")
    if accepted_on > timezone.localdate():
        raise ApplicationError(_("验收日期不能晚于今天。"), code="accepted_on", field="accepted_on")
    project.state = ProjectState.ACCEPTED
    project.accepted_on = accepted_on
    project.acceptance_opinion = _require_text(opinion, "opinion", _("验收意见"))
    project.save()
    ProjectDecision.objects.create(
        project=project,
        step=ProjectState.ACCEPTED,
        decision=ProjectDecision.Decision.APPROVE,
        opinion=project.acceptance_opinion,
        actor_id=actor_id(actor),
    )
    audit_record(
        actor=actor,
        action="finance.project_accept",
        subject=project,
        region_code=project.village_id,
        changes={"accepted_on": str(accepted_on)},
    )
    return project
