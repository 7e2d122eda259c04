"""The identification and elimination steps before and after publicity: visit, comparison,
review meeting, township and county review, rejection and return (the announcement is in
`announcements`)."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment.rules.facts import categories_for_household, category_label
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.monitoring import selectors, workflow
from fupin.monitoring.models import (
    Attachment,
    CaseKind,
    CaseState,
    ClueStatus,
    Decision,
    MonitoringCase,
    Notice,
    ReviewMeeting,
    RiskClue,
    Step,
    VisitRecord,
)
from fupin.monitoring.services.common import (
    StepFile,
    UploadedFile,
    _approve,
    _check_risk_types,
    _open_step,
    _store_files,
    approval_record,
    lock_household_status,
)
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus


@transaction.atomic
def case_visit_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    visited_on: date,
    visitors: str,
    findings: str,
    has_consent: bool,
    consent_signed_on: date | None = None,
    household: Household | None = None,
    risk_types: Sequence[str] | None = None,
    files: Sequence[StepFile] = (),
) -> MonitoringCase:
    """入户核实: record the visit and the 承诺授权, link the household, move on.

    An identification case needs the household's signed consent before any check of its
    assets or department records (DOMAIN §5.5), and a registered household to be
    identified. Audit action: "monitoring.case_visit_record".
    """
    case = _open_step(scope, case, CaseState.VISIT)
    if not visitors.strip() or not findings.strip():
        raise ApplicationError(_("请填写核实人员和核实情况。"), code="visit_incomplete")
    if visited_on > timezone.localdate():
        raise ApplicationError(_("核实日期不能晚于今天。"), code="future_date")
    if case.kind == CaseKind.IDENTIFICATION and not has_consent:
        raise ApplicationError(
            _("未签订承诺授权书，不能进入信息比对。请先取得农户的承诺授权。"),
            code="consent_required",
            field="has_consent",
        )
    if household is not None and case.household_id not in {None, household.pk}:
        raise ApplicationError(_("该事项已关联其他农户。"), code="household_mismatch")
    if household is not None and household.village_id != case.village_id:
        raise ApplicationError(
            _("农户 %(number)s 不在本村。") % {"number": household.number},
            code="household_village",
        )
    if household is not None and case.household_id is None:
        _check_no_other_open_case(case, household)
    linked = household or case.household
    if (
        linked is not None
        and case.kind == CaseKind.IDENTIFICATION
        and linked.status in {HouseholdStatus.MONITORED, HouseholdStatus.CANCELLED}
    ):
        raise ApplicationError(
            _("该户当前状态为“%(status)s”，不能登记监测识别线索。")
            % {"status": linked.get_status_display()},
            code="household_status",
        )
    if linked is None:
        raise ApplicationError(
            _("请先在农户信息中登记该户，再填写户编号关联。"),
            code="household_required",
            field="household_number",
        )
    if risk_types is not None:
        case.risk_types = _check_risk_types(
            risk_types, required=case.kind == CaseKind.IDENTIFICATION
        )
    case.household = linked
    case.applicant_name = case.applicant_name or selectors.household_head_name(linked)
    VisitRecord.objects.create(
        case=case,
        visited_on=visited_on,
        visitors=visitors.strip(),
        findings=findings.strip(),
        has_consent=has_consent,
        consent_signed_on=(consent_signed_on or visited_on) if has_consent else None,
        recorded_by_id=actor.pk,
    )
    RiskClue.objects.filter(case=case, household__isnull=True).update(household=linked)
    return _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.VISIT,
        opinion=findings.strip(),
        files=files,
        action="monitoring.case_visit_record",
        changes={"household": linked.number, "has_consent": has_consent},
    )


def _check_no_other_open_case(case: MonitoringCase, household: Household) -> None:
    """Refuse to link a household that already has an open case of the case's kind (an
    application that named no registered household, found at the visit to be one that a
    cadre or a department had already reported). The household is locked first, as
    every writer that opens a case for it does."""
    household.status = lock_household_status(household.pk)
    other = (
        MonitoringCase.objects.filter(
            household=household, kind=case.kind, state__in=selectors.OPEN_STATES
        )
        .exclude(pk=case.pk)
        .order_by("id")
        .first()
    )
    if other is not None:
        raise ApplicationError(
            _(
                "农户 %(number)s 已有办理中的监测工作事项 #%(id)s，不能再关联到本事项。"
                "请在该事项中办理；本事项可驳回并注明“已由事项 #%(id)s 办理”。"
            )
            % {"number": household.number, "id": other.pk},
            code="case_already_open",
            field="household_number",
        )


@transaction.atomic
def case_comparison_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    findings: str,
    files: Sequence[StepFile] = (),
) -> MonitoringCase:
    """信息比对: record what the checks of 车辆, 房产, 工商, 财政供养 found (DOMAIN §5.7).

    Refused without a visit that recorded the household's consent. Audit action:
    "monitoring.case_comparison_record".
    """
    case = _open_step(scope, case, CaseState.COMPARISON)
    if not case.visits.filter(has_consent=True).exists():
        raise ApplicationError(_("没有承诺授权记录，不能进行信息比对。"), code="consent_required")
    if not findings.strip():
        raise ApplicationError(_("请填写比对结果。"), code="findings_required", field="findings")
    return _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.COMPARISON,
        opinion=findings.strip(),
        files=files,
        action="monitoring.case_comparison_record",
    )


def _check_category_fits_household(case: MonitoringCase, category: str) -> None:
    """Refuse a category that contradicts the household type (DOMAIN §5.1): 脱贫不稳定户
    only for a 脱贫户, 边缘易致贫户 only for an 一般农户, none for a 贫困户. A case without a
    registered household yet is an 一般农户's application."""
    household = case.household
    household_type = household.household_type if household else codes.HouseholdType.ORDINARY
    exited = household is not None and household.exit_year is not None
    allowed = categories_for_household(household_type, exited_household=exited)
    if category in allowed:
        return
    year = timezone.localdate().year
    if household_type == codes.HouseholdType.MONITORED:
        household_type = codes.HouseholdType.EXITED if exited else codes.HouseholdType.ORDINARY
    shown_type = codes.HouseholdType(household_type).label
    if not allowed:
        message = _("%(type)s不纳入防止返贫监测对象，不能评议为“%(category)s”。")
    else:
        message = _("拟纳入类别“%(category)s”与户类型“%(type)s”不符，%(type)s只能纳入%(allowed)s。")
    raise ApplicationError(
        message
        % {
            "category": category_label(category, year),
            "type": shown_type,
            "allowed": "或".join(f"“{category_label(code, year)}”" for code in allowed),
        },
        code="category_contradicts_household",
        field="monitoring_category",
    )


@transaction.atomic
def case_review_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    held_on: date,
    participants: str,
    result: str,
    monitoring_category: str = "",
    opinion: str = "",
    minutes: StepFile | None = None,
) -> MonitoringCase:
    """民主评议: record the meeting. Agreed moves on to 公示; disagreed rejects the case
    with the meeting as the reason. Identification needs the proposed category.

    Audit action: "monitoring.case_review_record".
    """
    case = _open_step(scope, case, CaseState.REVIEW)
    if result not in ReviewMeeting.Result.values:
        raise ApplicationError(_("请选择评议结果。"), code="result_required", field="result")
    if not participants.strip():
        raise ApplicationError(
            _("请填写参加评议的人员。"), code="participants_required", field="participants"
        )
    if held_on > timezone.localdate():
        raise ApplicationError(_("评议日期不能晚于今天。"), code="future_date")
    agreed = result == ReviewMeeting.Result.AGREED
    if agreed and case.kind == CaseKind.IDENTIFICATION:
        if monitoring_category not in codes.MonitoringCategory.values:
            raise ApplicationError(
                _("请选择拟纳入的监测对象类别。"),
                code="category_required",
                field="monitoring_category",
            )
        _check_category_fits_household(case, monitoring_category)
        _check_risk_types(case.risk_types, required=True)
        case.monitoring_category = monitoring_category
    stored = _store_files(actor, [minutes] if minutes is not None else [])
    ReviewMeeting.objects.create(
        case=case,
        held_on=held_on,
        participants=participants.strip(),
        result=result,
        minutes=stored[0] if stored else None,
        recorded_by_id=actor.pk,
    )
    if not agreed:
        return _close_rejected(
            actor=actor,
            scope=scope,
            case=case,
            step=Step.REVIEW,
            reason=opinion.strip() or _("民主评议未通过"),
            action="monitoring.case_review_record",
        )
    return _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.REVIEW,
        opinion=opinion.strip(),
        action="monitoring.case_review_record",
        changes={"monitoring_category": case.monitoring_category},
    )


@transaction.atomic
def case_township_review(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    opinion: str,
    files: Sequence[StepFile] = (),
) -> MonitoringCase:
    """乡镇审核: the township agrees and sends the case to the county.

    Audit action: "monitoring.case_township_review"."""
    case = _open_step(scope, case, CaseState.TOWNSHIP)
    return _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.TOWNSHIP,
        opinion=opinion.strip(),
        files=files,
        action="monitoring.case_township_review",
    )


@transaction.atomic
def case_county_review(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    opinion: str,
    monitoring_category: str = "",
    files: Sequence[StepFile] = (),
) -> MonitoringCase:
    """县级审定: the county approves (and may correct the category); 公告 follows.

    Audit action: "monitoring.case_county_review"."""
    case = _open_step(scope, case, CaseState.COUNTY)
    changes: dict[str, Any] = {}
    if monitoring_category and case.kind == CaseKind.IDENTIFICATION:
        if monitoring_category not in codes.MonitoringCategory.values:
            raise ApplicationError(_("未知的监测对象类别。"), code="category")
        _check_category_fits_household(case, monitoring_category)
        changes["monitoring_category"] = [case.monitoring_category, monitoring_category]
        case.monitoring_category = monitoring_category
    return _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.COUNTY,
        opinion=opinion.strip(),
        files=files,
        action="monitoring.case_county_review",
        changes=changes,
    )


def _close_rejected(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    step: Step,
    reason: str,
    action: str,
) -> MonitoringCase:
    before = case.state
    approval_record(
        actor=actor,
        scope=scope,
        subject_type=selectors.CASE_SUBJECT,
        subject_id=str(case.pk),
        step=step,
        decision=Decision.REJECT,
        opinion=reason,
    )
    case.state = CaseState.REJECTED
    case.rejection_reason = reason
    case.closed_on = timezone.localdate()
    case.is_returned = False
    case.save()
    case.notices.filter(closed_on__isnull=True, kind=Notice.Kind.PUBLICITY).update(
        closed_on=case.closed_on
    )
    RiskClue.objects.filter(case=case).exclude(status=ClueStatus.MERGED).update(
        status=ClueStatus.CLOSED
    )
    audit_record(
        actor=actor,
        action=action,
        subject=case,
        region_code=case.village_id,
        changes={"state": [before, case.state], "reason": reason},
    )
    return case


@transaction.atomic
def case_reject(
    *, actor: AbstractBaseUser, scope: RegionScope, case: MonitoringCase, reason: str
) -> MonitoringCase:
    """驳回 at the current step, by its owner, with a reason; the case ends and the
    applicant's receipt shows the reason. Audit action: "monitoring.case_reject"."""
    state = CaseState(case.state)
    if state not in workflow.OWNERS:
        raise ApplicationError(_("该事项已办结。"), code="closed")
    case = _open_step(scope, case, state)
    if not reason.strip():
        raise ApplicationError(_("驳回必须填写理由。"), code="reason_required", field="opinion")
    return _close_rejected(
        actor=actor,
        scope=scope,
        case=case,
        step=workflow.STEP_OF[state],
        reason=reason.strip(),
        action="monitoring.case_reject",
    )


@transaction.atomic
def case_return(
    *, actor: AbstractBaseUser, scope: RegionScope, case: MonitoringCase, opinion: str
) -> MonitoringCase:
    """退回修改: send the case back to the step that must correct it, with the opinion.

    Audit action: "monitoring.case_return"."""
    state = CaseState(case.state)
    if state not in workflow.OWNERS:
        raise ApplicationError(_("该事项已办结。"), code="closed")
    case = _open_step(scope, case, state)
    target = workflow.return_target(case.kind, state)
    if target is None:
        raise ApplicationError(_("这是第一个环节，不能退回；可以驳回。"), code="first_step")
    if not opinion.strip():
        raise ApplicationError(
            _("退回必须写明需要修改的内容。"), code="opinion_required", field="opinion"
        )
    approval_record(
        actor=actor,
        scope=scope,
        subject_type=selectors.CASE_SUBJECT,
        subject_id=str(case.pk),
        step=workflow.STEP_OF[state],
        decision=Decision.RETURN,
        opinion=opinion.strip(),
    )
    # A case returned to or before 民主评议 will be publicized afresh.
    case.notices.filter(closed_on__isnull=True, kind=Notice.Kind.PUBLICITY).update(
        closed_on=timezone.localdate()
    )
    case.state = target
    case.is_returned = True
    case.return_note = opinion.strip()[:500]
    case.save()
    audit_record(
        actor=actor,
        action="monitoring.case_return",
        subject=case,
        region_code=case.village_id,
        changes={"state": [state, target], "opinion": opinion.strip()},
    )
    return case


def attachment_download_record(
    *, actor: AbstractBaseUser, case: MonitoringCase, attachment: Attachment
) -> None:
    """Audit that a user downloaded a case document (they hold personal data).

    Audit action: "monitoring.attachment_download"."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="monitoring.attachment_download",
            subject=case,
            region_code=case.village_id,
            changes={"attachment": attachment.pk, "name": attachment.name},
        )


@transaction.atomic
def attachment_hold(
    *, actor: AbstractBaseUser, scope: RegionScope, case: MonitoringCase, upload: UploadedFile
) -> Attachment:
    """Keep a file sent with a step form that was refused, so the form shown again says
    "已上传" instead of asking for it again; it joins the step when the form is sent again
    (`StepFile`). Files kept but never used are removed by `attachments_held_cleanup`.

    Audit action: "monitoring.attachment_hold"."""
    scope.require_visible(case.village_id, _("事项不存在或不在您的管辖范围内。"))
    if not workflow.owns(scope, CaseState(case.state)):
        raise ApplicationError(_("您不办理该事项的当前环节。"), code="not_owner")
    held = _store_files(actor, [upload])[0]
    audit_record(
        actor=actor,
        action="monitoring.attachment_hold",
        subject=case,
        region_code=case.village_id,
        changes={"attachment": held.pk, "name": held.name},
    )
    return held


# A kept upload waits this long for its form to be sent again.
HELD_ATTACHMENT_HOURS = 24


@transaction.atomic
def attachments_held_cleanup(*, now: datetime | None = None) -> int:
    """Delete the kept uploads no step used within HELD_ATTACHMENT_HOURS (they may hold
    personal data nobody needs); returns how many. Run daily with `check_deadlines`.

    Audit action: "monitoring.attachments_held_cleanup" (one event for the batch)."""
    cutoff = (now or timezone.now()) - timedelta(hours=HELD_ATTACHMENT_HOURS)
    unused = (
        Attachment.objects.filter(uploaded_at__lt=cutoff, approvals__isnull=True)
        .exclude(pk__in=ReviewMeeting.objects.filter(minutes__isnull=False).values("minutes"))
        .values_list("pk", flat=True)
    )
    removed = list(unused)
    if not removed:
        return 0
    Attachment.objects.filter(pk__in=removed).delete()
    audit_record(
        actor=None,
        action="monitoring.attachments_held_cleanup",
        subject_type="monitoring.attachment",
        subject_id="held",
        region_code="",
        changes={"removed": len(removed)},
    )
    return len(removed)
