"""Monitoring writes: risk clues from the four channels, the identification and
elimination state machine, public notices and the daily deadline check.

Every service is keyword-only and atomic, takes the actor (None for the public form and
the command line) and their scope, checks that the actor's role owns the step and that the
case lies in their region before changing anything, and writes its audit event in the same
transaction. Refusals raise ApplicationError (or its PermissionDeniedError / NotFoundError
subclasses) with a Chinese message and leave the database as it was.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import Capability, RegionScope
from fupin.monitoring import selectors, workflow
from fupin.monitoring.calendar_files import CalendarEntry
from fupin.monitoring.deadlines import WorkingCalendar
from fupin.monitoring.models import (
    ApprovalRecord,
    Attachment,
    CalendarDay,
    CaseKind,
    CaseState,
    Channel,
    ClueStatus,
    DeadlineEvent,
    Decision,
    IdentityCheck,
    MonitoringCase,
    Notice,
    Objection,
    ReviewMeeting,
    RiskClue,
    Step,
    VisitRecord,
)
from fupin.registry import codes
from fupin.registry.idnumbers import InvalidIdNumber, parse_id_number
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent, Region
from fupin.registry.services import household_status_record

MAX_RISK_TYPES = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Receipt numbers are read aloud over the phone: no 0/O or 1/I to confuse.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_RECEIPT_RANDOM_LENGTH = 6
# The only case facts a notice may show (DOMAIN §5.6: never ID numbers, phones, bank
# accounts or health). Risk types are left out too: 因病/因残 would disclose health.
NOTICE_FIELDS = (
    "village",
    "group",
    "household_head",
    "household_size",
    "monitoring_category",
    "elimination_method",
)


@dataclass(frozen=True)
class UploadedFile:
    """A file as a service receives it, independent of Django's upload classes."""

    name: str
    content_type: str
    content: bytes


# ---------------------------------------------------------------- checks


def _actor_id(actor: AbstractBaseUser | None) -> Any:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _check_risk_types(risk_types: Sequence[str], *, required: bool) -> list[str]:
    chosen = list(dict.fromkeys(risk_types))
    if required and not chosen:
        raise ApplicationError(_("请至少选择一项风险类型。"), code="risk_types", field="risk_types")
    if len(chosen) > MAX_RISK_TYPES:
        raise ApplicationError(_("风险类型最多选择 5 项。"), code="risk_types", field="risk_types")
    for risk in chosen:
        if risk not in codes.RiskType.values:
            raise ApplicationError(
                _("未知的风险类型“%(value)s”。") % {"value": risk}, code="risk_types"
            )
    return chosen


def _village(code: str) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise ApplicationError(
            _("请选择所在村（12 位村级区划代码）。"), code="unknown_village", field="village_code"
        )
    return village


def _require_owner(scope: RegionScope, case: MonitoringCase, state: CaseState) -> None:
    """The actor's role must own the step and the case must lie in their region."""
    if not scope.contains(case.village_id):
        raise NotFoundError(_("事项不存在或不在您的管辖范围内。"))
    if not workflow.owns(scope.role, state):
        raise PermissionDeniedError(
            _("“%(step)s”环节不由%(role)s办理。")
            % {"step": workflow.STEP_OF[state].label, "role": scope.role_label}
        )


def _locked_case(case: MonitoringCase, *, expected: CaseState | None = None) -> MonitoringCase:
    """The case row, locked, after checking it still waits for `expected`."""
    locked = MonitoringCase.objects.select_for_update().get(pk=case.pk)
    if expected is not None and locked.state != expected:
        raise ApplicationError(
            _("该事项当前为“%(state)s”，不能办理“%(step)s”。请刷新页面。")
            % {"state": locked.get_state_display(), "step": workflow.STEP_OF[expected].label},
            code="wrong_state",
        )
    return locked


def _open_step(scope: RegionScope, case: MonitoringCase, expected: CaseState) -> MonitoringCase:
    _require_owner(scope, case, expected)
    return _locked_case(case, expected=expected)


def _store_files(actor: AbstractBaseUser | None, files: Sequence[UploadedFile]) -> list[Attachment]:
    stored = []
    for upload in files:
        if len(upload.content) > MAX_ATTACHMENT_BYTES:
            raise ApplicationError(
                _("附件“%(name)s”超过 5 MB。") % {"name": upload.name}, code="attachment_size"
            )
        stored.append(
            Attachment.objects.create(
                name=upload.name[:200],
                content_type=upload.content_type[:100] or "application/octet-stream",
                size=len(upload.content),
                content=upload.content,
                uploaded_by_id=_actor_id(actor),
            )
        )
    return stored


def approval_record(
    *,
    actor: AbstractBaseUser | None,
    scope: RegionScope | None,
    subject_type: str,
    subject_id: str,
    step: str,
    decision: str,
    opinion: str = "",
    attachments: Sequence[Attachment] = (),
) -> ApprovalRecord:
    """Append one approval to any workflow's subject. Callers audit their own change."""
    record = ApprovalRecord.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        step=step,
        decision=decision,
        opinion=opinion,
        actor_id=_actor_id(actor),
        actor_role=scope.role if scope is not None else "",
    )
    if attachments:
        record.attachments.set(attachments)
    return record


def _approve(
    *,
    actor: AbstractBaseUser | None,
    scope: RegionScope | None,
    case: MonitoringCase,
    step: Step,
    opinion: str,
    files: Sequence[UploadedFile] = (),
    action: str,
    changes: dict[str, Any] | None = None,
) -> MonitoringCase:
    """Record the approval of the current step and move to the next one."""
    before = case.state
    approval_record(
        actor=actor,
        scope=scope,
        subject_type=selectors.CASE_SUBJECT,
        subject_id=str(case.pk),
        step=step,
        decision=Decision.APPROVE,
        opinion=opinion,
        attachments=_store_files(actor, files),
    )
    case.state = workflow.next_state(case.kind, CaseState(case.state))
    case.is_returned = False
    case.return_note = ""
    case.save()
    audit_record(
        actor=actor,
        action=action,
        subject=case,
        region_code=case.village_id,
        changes={"state": [before, case.state], **(changes or {})},
    )
    return case


def _receipt_number(received_on: date) -> str:
    while True:
        tail = "".join(
            secrets.choice(_RECEIPT_ALPHABET) for _position in range(_RECEIPT_RANDOM_LENGTH)
        )
        number = f"SQ{received_on:%Y%m%d}{tail}"
        if not RiskClue.objects.filter(receipt_number=number).exists():
            return number


# ---------------------------------------------------------------- clues


def _open_clue_for(
    household: Household | None, id_number: str, applicant_name: str = ""
) -> RiskClue | None:
    """The open clue an incoming one duplicates: same household, or same applicant (ID
    number and name), with an identification case still in progress."""
    if household is None and not id_number:
        return None
    clues = RiskClue.objects.filter(
        status=ClueStatus.OPEN,
        merged_into__isnull=True,
        case__kind=CaseKind.IDENTIFICATION,
        case__state__in=selectors.OPEN_STATES,
    )
    if household is not None:
        match = clues.filter(household=household).order_by("id").first()
        if match is not None:
            return match
    if id_number:
        # Only applications no household was linked to: one that uses a member's ID number
        # joins that household's case only through the household, after the checks of
        # `_self_application_match`, never through the number alone.
        name = selectors.person_name_key(applicant_name)
        return next(
            (
                clue
                for clue in clues.filter(id_number=id_number, household__isnull=True).order_by("id")
                if selectors.person_name_key(clue.applicant_name) == name
            ),
            None,
        )
    return None


def _intake(
    *,
    actor: AbstractBaseUser | None,
    channel: Channel,
    village: Region,
    household: Household | None,
    applicant_name: str = "",
    id_number: str = "",
    phone: str = "",
    risk_types: Sequence[str] = (),
    description: str = "",
    has_consent: bool = False,
    source: str = "",
    received_on: date | None = None,
    identity: selectors.IdentityMatch | None = None,
) -> RiskClue:
    """Register a clue: merge it into an open duplicate, or open an identification case."""
    received_on = received_on or timezone.localdate()
    if household is not None and household.status in {
        HouseholdStatus.MONITORED,
        HouseholdStatus.CANCELLED,
    }:
        raise ApplicationError(
            _("该户当前状态为“%(status)s”，不能登记监测识别线索。")
            % {"status": household.get_status_display()},
            code="household_status",
        )
    duplicate = _open_clue_for(household, id_number, applicant_name)
    clue = RiskClue.objects.create(
        channel=channel,
        receipt_number=_receipt_number(received_on),
        village=household.village if household is not None else village,
        household=household,
        applicant_name=applicant_name,
        id_number=id_number,
        phone=phone,
        risk_types=list(risk_types),
        description=description,
        has_consent=has_consent,
        identity_check=identity.check if identity is not None else "",
        registered_member=identity.member if identity is not None else None,
        source=source,
        received_on=received_on,
        created_by_id=_actor_id(actor),
    )
    if duplicate is not None:
        clue.status = ClueStatus.MERGED
        clue.merged_into = duplicate
        clue.case = duplicate.case
        clue.save(update_fields=["status", "merged_into", "case"])
        audit_record(
            actor=actor,
            action="monitoring.clue_merge",
            subject=clue,
            region_code=clue.village_id,
            changes={"channel": channel, "merged_into": duplicate.receipt_number},
        )
        return clue
    setting = selectors.workflow_setting_for(clue.village_id)
    calendar = selectors.working_calendar()
    case = MonitoringCase.objects.create(
        kind=CaseKind.IDENTIFICATION,
        state=CaseState.VISIT,
        village_id=clue.village_id,
        household=household,
        applicant_name=applicant_name
        or (selectors.household_head_name(household) if household else ""),
        channel=channel,
        risk_types=list(risk_types),
        opened_on=received_on,
        # DOMAIN §5.5: a farmer's own application is visited within N working days.
        visit_due_on=calendar.add_working_days(received_on, setting.visit_working_days)
        if channel == Channel.SELF_APPLICATION
        else None,
        due_on=calendar.case_due_on(received_on, setting),
        created_by_id=_actor_id(actor),
    )
    clue.case = case
    clue.save(update_fields=["case"])
    approval_record(
        actor=actor,
        scope=None,
        subject_type=selectors.CASE_SUBJECT,
        subject_id=str(case.pk),
        step=Step.CLUE,
        decision=Decision.APPROVE,
        opinion=description,
    )
    return clue


@transaction.atomic
def clue_self_apply(
    *,
    name: str,
    id_number: str,
    phone: str,
    village_code: str,
    risk_types: Sequence[str],
    description: str,
    has_consent: bool,
) -> RiskClue:
    """A farmer's own application (农户自主申报) from the public form; no login.

    Links the household only when the ID number and the name match a member registered in
    the same county (see `_self_application_household`). Audit action:
    "monitoring.clue_self_apply". Raises ApplicationError for a bad ID number or phone, no
    consent, an unknown village or bad risk types.
    """
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写姓名。"), code="name_required", field="name")
    try:
        info = parse_id_number(id_number)
    except InvalidIdNumber as error:
        raise ApplicationError(error.message, code=f"id_{error.code}", field="id_number") from error
    phone = phone.strip()
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        raise ApplicationError(_("请填写 11 位手机号码。"), code="invalid_phone", field="phone")
    if not has_consent:
        raise ApplicationError(
            _("请阅读并同意授权查询核对家庭经济状况，否则无法受理。"),
            code="consent_required",
            field="has_consent",
        )
    village = _village(village_code)
    chosen = _check_risk_types(risk_types, required=True)
    if not description.strip():
        raise ApplicationError(
            _("请简要说明家庭遇到的困难。"), code="description_required", field="description"
        )
    identity = _self_application_match(id_number=info.number, name=name, village=village)
    clue = _intake(
        actor=None,
        channel=Channel.SELF_APPLICATION,
        village=village,
        household=identity.member.household
        if identity.check == IdentityCheck.MATCHED and identity.member is not None
        else None,
        identity=identity,
        applicant_name=name,
        id_number=info.number,
        phone=phone,
        risk_types=chosen,
        description=description.strip(),
        has_consent=True,
    )
    audit_record(
        actor=None,
        action="monitoring.clue_self_apply",
        subject=clue,
        region_code=clue.village_id,
        changes={
            "receipt_number": clue.receipt_number,
            "merged": clue.merged_into_id is not None,
            "identity_check": identity.check,
        },
    )
    return clue


def _self_application_match(
    *, id_number: str, name: str, village: Region
) -> selectors.IdentityMatch:
    """How a farmer's own application compares with the registry. It joins the member's
    household by itself only as MATCHED: ID number and name of a member registered in the
    village's county, of a household that may still be identified. Any other application
    opens a case of its own for the village to verify at the visit, where a cadre links the
    household by hand; the applicant is told the same in every case."""
    identity = selectors.self_application_identity(
        id_number=id_number, name=name, village_code=village.code
    )
    if (
        identity.check == IdentityCheck.MATCHED
        and identity.member is not None
        and identity.member.household.status
        in {HouseholdStatus.MONITORED, HouseholdStatus.CANCELLED}
    ):
        return replace(identity, check=IdentityCheck.HOUSEHOLD_STATUS)
    return identity


@transaction.atomic
def clue_register(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    risk_types: Sequence[str],
    description: str,
    received_on: date | None = None,
) -> RiskClue:
    """A clue found by village cadres (基层干部排查) for a registered household.

    Only village officers and work teams of the household's village. Audit action:
    "monitoring.clue_register" (or "monitoring.clue_merge" for a duplicate).
    """
    if not scope.contains(household.village_id):
        raise NotFoundError(_("农户不存在或不在您的管辖范围内。"))
    if scope.role not in workflow.VILLAGE_ROLES:
        raise PermissionDeniedError(_("风险线索由村级信息员或驻村工作队登记。"))
    chosen = _check_risk_types(risk_types, required=True)
    if received_on is not None and received_on > timezone.localdate():
        raise ApplicationError(_("受理日期不能晚于今天。"), code="future_date")
    clue = _intake(
        actor=actor,
        channel=Channel.CADRE,
        village=household.village,
        household=household,
        risk_types=chosen,
        description=description.strip(),
        received_on=received_on,
    )
    audit_record(
        actor=actor,
        action="monitoring.clue_register",
        subject=clue,
        region_code=clue.village_id,
        changes={"household": household.number, "risk_types": chosen},
    )
    return clue


@transaction.atomic
def clue_from_department(
    *,
    actor: AbstractBaseUser | None,
    department: str,
    household: Household,
    risk_types: Sequence[str],
    description: str,
) -> RiskClue:
    """A department's screening warning (部门筛查预警) about a registered household, pushed
    by the data checks. Audit action: "monitoring.clue_from_department"."""
    if not department.strip():
        raise ApplicationError(_("请注明预警部门。"), code="department_required")
    chosen = _check_risk_types(risk_types, required=False)
    clue = _intake(
        actor=actor,
        channel=Channel.DEPARTMENT,
        village=household.village,
        household=household,
        risk_types=chosen,
        description=description.strip(),
        source=department.strip(),
    )
    audit_record(
        actor=actor,
        action="monitoring.clue_from_department",
        subject=clue,
        region_code=clue.village_id,
        changes={"department": department.strip(), "household": household.number},
    )
    return clue


@dataclass(frozen=True)
class ClueBatch:
    opened: int
    merged: int


@transaction.atomic
def clues_from_assessment(
    *, actor: AbstractBaseUser | None, scope: RegionScope | None, region_code: str
) -> ClueBatch:
    """Turn the latest assessment's eligible households (系统预警) into clues.

    Households already monitored are skipped; a household with an identification case in
    progress gets the warning merged into it once, never a second case. Safe to rerun.
    `scope` None means the command line. Audit action: "monitoring.clues_from_assessment".
    """
    if scope is not None:
        scope.require_region(region_code)
        if scope.role not in workflow.COUNTY_ROLES:
            raise PermissionDeniedError(_("系统预警线索由县级人员生成。"))
    households = (
        Household.objects.filter(village__code__startswith=region_code, is_monitoring_eligible=True)
        .exclude(status__in=[HouseholdStatus.MONITORED, HouseholdStatus.CANCELLED])
        .select_related("village")
        .order_by("id")
    )
    already_warned = set(
        RiskClue.objects.filter(
            channel=Channel.SYSTEM,
            household__in=households,
            case__state__in=selectors.OPEN_STATES,
        ).values_list("household_id", flat=True)
    )
    opened = merged = 0
    for household in households:
        if household.pk in already_warned:
            continue
        clue = _intake(
            actor=actor,
            channel=Channel.SYSTEM,
            village=household.village,
            household=household,
            description=_("监测评估：符合监测条件"),
            source=_("监测评估"),
        )
        if clue.merged_into_id is None:
            opened += 1
        else:
            merged += 1
    audit_record(
        actor=actor,
        action="monitoring.clues_from_assessment",
        subject_type="registry.region",
        subject_id=region_code,
        region_code=region_code,
        changes={"opened": opened, "merged": merged},
    )
    return ClueBatch(opened=opened, merged=merged)


# ---------------------------------------------------------------- steps


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
    files: Sequence[UploadedFile] = (),
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


@transaction.atomic
def case_comparison_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    findings: str,
    files: Sequence[UploadedFile] = (),
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
    minutes: UploadedFile | None = None,
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


def _region_chain(village: Region) -> tuple[str, str]:
    """(town name, county name) above a village."""
    town = village.parent
    county = town.parent if town is not None else None
    return (town.name if town else "", county.name if county else "")


def notice_content(case: MonitoringCase) -> dict[str, str]:
    """The notice's facts, built from NOTICE_FIELDS only."""
    household = case.household
    town, _county = _region_chain(case.village)
    values = {
        "village": f"{town}{case.village.name}",
        "group": household.group_name if household else "",
        "household_head": selectors.household_head_name(household) if household else "",
        "household_size": str(household.members.filter(is_active=True).count())
        if household
        else "",
        "monitoring_category": str(codes.MonitoringCategory(case.monitoring_category).label)
        if case.monitoring_category
        else "",
        "elimination_method": str(codes.EliminationMethod(case.elimination_method).label)
        if case.elimination_method
        else "",
    }
    return {name: values[name] for name in NOTICE_FIELDS}


def _notice_title(case: MonitoringCase, kind: str) -> str:
    town, _county = _region_chain(case.village)
    place = f"{town}{case.village.name}"
    if case.kind == CaseKind.ELIMINATION:
        if kind == Notice.Kind.PUBLICITY:
            return _("%(place)s拟标注风险消除农户公示") % {"place": place}
        return _("%(place)s风险消除农户公告") % {"place": place}
    if kind == Notice.Kind.PUBLICITY:
        return _("%(place)s拟纳入防止返贫监测对象公示") % {"place": place}
    return _("%(place)s防止返贫监测对象公告") % {"place": place}


def _publish(
    *, actor: AbstractBaseUser, case: MonitoringCase, kind: str, starts_on: date, days: int
) -> Notice:
    _town, county = _region_chain(case.village)
    issuer = case.village.name if kind == Notice.Kind.PUBLICITY else county
    return Notice.objects.create(
        case=case,
        kind=kind,
        token=secrets.token_urlsafe(12),
        title=_notice_title(case, kind),
        issuer=issuer,
        content=notice_content(case),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        published_by_id=actor.pk,
    )


@transaction.atomic
def case_publicity_start(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    starts_on: date | None = None,
    days: int | None = None,
) -> Notice:
    """村内公示: publish the village notice for at least the configured number of days.

    Held once, in the village (DOMAIN §5.6). Audit action: "monitoring.case_publicity_start".
    """
    case = _open_step(scope, case, CaseState.PUBLICITY)
    setting = selectors.workflow_setting_for(case.village_id)
    days = days or setting.publicity_days
    if days < setting.publicity_days:
        raise ApplicationError(
            _("公示期不得少于 %(days)s 天。") % {"days": setting.publicity_days},
            code="publicity_too_short",
            field="days",
        )
    starts_on = starts_on or timezone.localdate()
    if starts_on > timezone.localdate():
        raise ApplicationError(_("公示开始日期不能晚于今天。"), code="future_date")
    if case.notices.filter(kind=Notice.Kind.PUBLICITY, closed_on__isnull=True).exists():
        raise ApplicationError(_("公示正在进行中。"), code="publicity_open")
    notice = _publish(
        actor=actor, case=case, kind=Notice.Kind.PUBLICITY, starts_on=starts_on, days=days
    )
    audit_record(
        actor=actor,
        action="monitoring.case_publicity_start",
        subject=case,
        region_code=case.village_id,
        changes={"notice": notice.pk, "starts_on": str(starts_on), "ends_on": str(notice.ends_on)},
    )
    return notice


def _open_publicity(scope: RegionScope, notice: Notice) -> tuple[MonitoringCase, Notice]:
    case = _open_step(scope, notice.case, CaseState.PUBLICITY)
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.kind != Notice.Kind.PUBLICITY or locked.closed_on is not None:
        raise ApplicationError(_("该公示已结束。"), code="publicity_closed")
    return case, locked


@transaction.atomic
def objection_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    notice: Notice,
    received_on: date,
    content: str,
) -> Objection:
    """Record an objection raised during the publicity period.

    Audit action: "monitoring.objection_record"."""
    case, notice = _open_publicity(scope, notice)
    if not content.strip():
        raise ApplicationError(_("请填写异议内容。"), code="content_required", field="content")
    objection = Objection.objects.create(
        notice=notice, received_on=received_on, content=content.strip(), recorded_by_id=actor.pk
    )
    audit_record(
        actor=actor,
        action="monitoring.objection_record",
        subject=case,
        region_code=case.village_id,
        changes={"objection": objection.pk},
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: AbstractBaseUser, scope: RegionScope, objection: Objection, resolution: str
) -> Objection:
    """Record how an objection was checked and resolved.

    Audit action: "monitoring.objection_resolve"."""
    case, _notice = _open_publicity(scope, objection.notice)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.is_resolved:
        raise ApplicationError(_("该异议已处理。"), code="already_resolved")
    if not resolution.strip():
        raise ApplicationError(
            _("请填写处理结果。"), code="resolution_required", field="resolution"
        )
    objection.resolution = resolution.strip()
    objection.resolved_on = timezone.localdate()
    objection.resolved_by_id = actor.pk
    objection.save()
    audit_record(
        actor=actor,
        action="monitoring.objection_resolve",
        subject=case,
        region_code=case.village_id,
        changes={"objection": objection.pk},
    )
    return objection


@transaction.atomic
def case_publicity_close(
    *, actor: AbstractBaseUser, scope: RegionScope, case: MonitoringCase, opinion: str = ""
) -> MonitoringCase:
    """End the publicity after its last day with every objection resolved; the case goes
    to the township. Audit action: "monitoring.case_publicity_close"."""
    case = _open_step(scope, case, CaseState.PUBLICITY)
    notice = (
        case.notices.select_for_update()
        .filter(kind=Notice.Kind.PUBLICITY, closed_on__isnull=True)
        .first()
    )
    if notice is None:
        raise ApplicationError(_("尚未发布公示。"), code="publicity_missing")
    today = timezone.localdate()
    if today <= notice.ends_on:
        raise ApplicationError(
            _("公示期至 %(date)s 结束，期满后才能提交乡镇审核。")
            % {"date": notice.ends_on.isoformat()},
            code="publicity_running",
        )
    if notice.objections.filter(resolved_on__isnull=True).exists():
        raise ApplicationError(_("还有未处理的异议。"), code="objections_open")
    notice.closed_on = today
    notice.save(update_fields=["closed_on"])
    return _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.PUBLICITY,
        opinion=opinion.strip() or _("公示期满，无异议或异议已处理"),
        action="monitoring.case_publicity_close",
        changes={"notice": notice.pk},
    )


@transaction.atomic
def case_township_review(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    opinion: str,
    files: Sequence[UploadedFile] = (),
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
    files: Sequence[UploadedFile] = (),
) -> MonitoringCase:
    """县级审定: the county approves (and may correct the category); 公告 follows.

    Audit action: "monitoring.case_county_review"."""
    case = _open_step(scope, case, CaseState.COUNTY)
    changes: dict[str, Any] = {}
    if monitoring_category and case.kind == CaseKind.IDENTIFICATION:
        if monitoring_category not in codes.MonitoringCategory.values:
            raise ApplicationError(_("未知的监测对象类别。"), code="category")
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


@transaction.atomic
def case_announce(
    *, actor: AbstractBaseUser, scope: RegionScope, case: MonitoringCase, opinion: str = ""
) -> Notice:
    """公告, then 标注: publish the county's notice and write the household's status event
    through the registry (纳入监测 with category, 识别监测时间 and risk types, or 风险消除
    with its method). Audit action: "monitoring.case_announce" (and the registry's)."""
    case = _open_step(scope, case, CaseState.ANNOUNCEMENT)
    household = case.household
    if household is None:
        raise ApplicationError(_("事项未关联农户。"), code="household_required")
    today = timezone.localdate()
    if case.kind == CaseKind.IDENTIFICATION:
        household_status_record(
            actor=actor,
            scope=scope,
            household=household,
            kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
            occurred_on=today,
            monitoring_category=case.monitoring_category,
            identified_month=f"{today:%Y%m}",
            risk_types=list(case.risk_types),
            note=_("监测工作事项 #%(id)s") % {"id": case.pk},
        )
    else:
        household_status_record(
            actor=actor,
            scope=scope,
            household=household,
            kind=HouseholdStatusEvent.Kind.RISK_ELIMINATED,
            occurred_on=today,
            elimination_method=case.elimination_method,
            note=_("监测工作事项 #%(id)s") % {"id": case.pk},
        )
    setting = selectors.workflow_setting_for(case.village_id)
    notice = _publish(
        actor=actor,
        case=case,
        kind=Notice.Kind.ANNOUNCEMENT,
        starts_on=today,
        days=setting.publicity_days,
    )
    case.closed_on = today
    _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.ANNOUNCEMENT,
        opinion=opinion.strip(),
        action="monitoring.case_announce",
        changes={"notice": notice.pk},
    )
    RiskClue.objects.filter(case=case).exclude(status=ClueStatus.MERGED).update(
        status=ClueStatus.CLOSED
    )
    return notice


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


# ---------------------------------------------------------------- elimination


def _elimination_checks(household: Household, method: str) -> None:
    if household.status != HouseholdStatus.MONITORED:
        raise ApplicationError(
            _("只有监测对象才能提出风险消除（该户为“%(status)s”）。")
            % {"status": household.get_status_display()},
            code="not_monitored",
        )
    if method not in codes.EliminationMethod.values:
        raise ApplicationError(
            _("请选择风险消除方式。"), code="method_required", field="elimination_method"
        )
    if MonitoringCase.objects.filter(
        household=household, kind=CaseKind.ELIMINATION, state__in=selectors.OPEN_STATES
    ).exists():
        raise ApplicationError(_("该户已有办理中的风险消除事项。"), code="duplicate_case")
    guards = selectors.elimination_guards(household)
    if guards is None:
        raise ApplicationError(
            _("该户尚无监测评估结果，请先评估再提出风险消除。"), code="not_assessed"
        )
    if guards:
        reasons = "；".join(f"{guard.title}（{guard.message}）" for guard in guards)
        raise ApplicationError(
            _("不能提出风险消除：%(reasons)s") % {"reasons": reasons}, code="elimination_blocked"
        )


def _open_elimination(
    *,
    actor: AbstractBaseUser | None,
    household: Household,
    method: str,
    reason: str,
    channel: Channel,
) -> MonitoringCase:
    today = timezone.localdate()
    setting = selectors.workflow_setting_for(household.village_id)
    case = MonitoringCase.objects.create(
        kind=CaseKind.ELIMINATION,
        state=CaseState.VISIT,
        village_id=household.village_id,
        household=household,
        applicant_name=selectors.household_head_name(household),
        channel=channel,
        elimination_method=method,
        opened_on=today,
        due_on=selectors.working_calendar().case_due_on(today, setting),
        created_by_id=_actor_id(actor),
    )
    approval_record(
        actor=actor,
        scope=None,
        subject_type=selectors.CASE_SUBJECT,
        subject_id=str(case.pk),
        step=Step.CLUE,
        decision=Decision.APPROVE,
        opinion=reason,
    )
    return case


@transaction.atomic
def elimination_propose(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    elimination_method: str,
    reason: str,
) -> MonitoringCase:
    """提出风险消除 for a monitored household, unless an assessment guard blocks it (its
    reasons are the message). Village or county staff. Audit action:
    "monitoring.elimination_propose"."""
    if not scope.contains(household.village_id):
        raise NotFoundError(_("农户不存在或不在您的管辖范围内。"))
    if scope.role not in workflow.VILLAGE_ROLES | workflow.COUNTY_ROLES:
        raise PermissionDeniedError(_("风险消除由村级或县级人员提出。"))
    _elimination_checks(household, elimination_method)
    if not reason.strip():
        raise ApplicationError(_("请说明风险消除的理由。"), code="reason_required", field="reason")
    case = _open_elimination(
        actor=actor,
        household=household,
        method=elimination_method,
        reason=reason.strip(),
        channel=Channel.CADRE,
    )
    audit_record(
        actor=actor,
        action="monitoring.elimination_propose",
        subject=case,
        region_code=case.village_id,
        changes={"household": household.number, "elimination_method": elimination_method},
    )
    return case


@transaction.atomic
def eliminations_from_assessment(
    *, actor: AbstractBaseUser | None, scope: RegionScope | None, region_code: str, method: str
) -> int:
    """Propose elimination for every monitored household the latest assessment finds
    eligible and without an open elimination case. Audit action:
    "monitoring.eliminations_from_assessment"."""
    if scope is not None:
        scope.require_region(region_code)
        if scope.role not in workflow.COUNTY_ROLES:
            raise PermissionDeniedError(_("批量提出风险消除由县级人员办理。"))
    households = (
        Household.objects.filter(
            village__code__startswith=region_code,
            status=HouseholdStatus.MONITORED,
            is_elimination_eligible=True,
        )
        .exclude(
            monitoring_cases__kind=CaseKind.ELIMINATION,
            monitoring_cases__state__in=selectors.OPEN_STATES,
        )
        .order_by("id")
    )
    opened = 0
    for household in households:
        try:
            _elimination_checks(household, method)
        except ApplicationError:
            # The denormalized flag may predate a newer guard; the guard wins.
            continue
        _open_elimination(
            actor=actor,
            household=household,
            method=method,
            reason=_("监测评估：符合风险消除条件"),
            channel=Channel.SYSTEM,
        )
        opened += 1
    audit_record(
        actor=actor,
        action="monitoring.eliminations_from_assessment",
        subject_type="registry.region",
        subject_id=region_code,
        region_code=region_code,
        changes={"opened": opened},
    )
    return opened


# ---------------------------------------------------------------- deadlines


@transaction.atomic
def deadlines_check(*, today: date | None = None) -> int:
    """Record a DeadlineEvent for every open case past its visit or case deadline; a
    deadline already recorded is not recorded again, so the daily run is idempotent.

    Audit action: "monitoring.deadlines_check". Returns the number of new events.
    """
    today = today or timezone.localdate()
    open_cases = MonitoringCase.objects.filter(state__in=selectors.OPEN_STATES)
    found: list[tuple[MonitoringCase, str, date]] = []
    for case in open_cases.filter(state=CaseState.VISIT, visit_due_on__lt=today):
        assert case.visit_due_on is not None
        found.append((case, DeadlineEvent.Kind.VISIT, case.visit_due_on))
    for case in open_cases.filter(due_on__lt=today):
        found.append((case, DeadlineEvent.Kind.CASE, case.due_on))
    recorded = set(
        DeadlineEvent.objects.filter(case__in=[case for case, *_rest in found]).values_list(
            "case_id", "kind", "due_on"
        )
    )
    new = [
        DeadlineEvent(case=case, kind=kind, due_on=due_on, state=case.state, recorded_on=today)
        for case, kind, due_on in found
        if (case.pk, kind, due_on) not in recorded
    ]
    DeadlineEvent.objects.bulk_create(new)
    audit_record(
        actor=None,
        action="monitoring.deadlines_check",
        subject_type="monitoring.deadlineevent",
        changes={"recorded": len(new), "date": today.isoformat()},
    )
    return len(new)


# ---------------------------------------------------------------- holiday calendar


@dataclass(frozen=True)
class CalendarImportResult:
    years: list[int]
    changed_days: int
    recomputed_deadlines: int


@transaction.atomic
def calendar_import(
    *,
    actor: AbstractBaseUser | None,
    scope: RegionScope | None,
    entries: Sequence[CalendarEntry],
    source: str,
) -> CalendarImportResult:
    """Enter the 放假安排 of the years the entries cover, replacing those years' rows, and
    recompute the open cases' deadlines the change moves.

    `scope` is None only for the command line. Audit actions: "monitoring.calendar_import"
    (one per year) and "monitoring.case_deadline_recompute" (one per changed deadline).
    Raises PermissionDeniedError or ApplicationError; nothing changes then.
    """
    if scope is not None:
        scope.require(Capability.MANAGE_CALENDAR)
    source = source.strip()
    if not source:
        raise ApplicationError(
            _("请填写依据（如国务院办公厅通知的文号）。"), code="source", field="source"
        )
    if not entries:
        raise ApplicationError(_("没有要录入的放假安排。"), code="empty", field="file")
    if len({entry.day for entry in entries}) != len(entries):
        raise ApplicationError(_("同一日期出现了两次。"), code="duplicate", field="file")
    before = selectors.working_calendar()
    years = sorted({entry.day.year for entry in entries})
    CalendarDay.objects.filter(day__year__in=years).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(day=entry.day, kind=entry.kind, name=entry.name, source=source)
        for entry in entries
    )
    after = selectors.working_calendar()
    changed: list[date] = []
    for year in years:
        days = [
            date(year, 1, 1) + timedelta(n)
            for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
        ]
        year_changed = [d for d in days if before.is_working_day(d) != after.is_working_day(d)]
        changed += year_changed
        year_entries = [entry for entry in entries if entry.day.year == year]
        audit_record(
            actor=actor,
            action="monitoring.calendar_import",
            subject_type="monitoring.calendarday",
            subject_id=str(year),
            changes={
                "year": year,
                "source": source,
                "holidays": sum(e.kind == CalendarDay.Kind.HOLIDAY for e in year_entries),
                "workdays": sum(e.kind == CalendarDay.Kind.WORKDAY for e in year_entries),
                "was_known": before.knows(year),
                "changed_days": [d.isoformat() for d in year_changed],
            },
        )
    recomputed = _deadlines_recompute(actor=actor, before=before, after=after, changed=changed)
    return CalendarImportResult(
        years=years, changed_days=len(changed), recomputed_deadlines=recomputed
    )


def _deadlines_recompute(
    *,
    actor: AbstractBaseUser | None,
    before: WorkingCalendar,
    after: WorkingCalendar,
    changed: list[date],
) -> int:
    """Count again the working-day deadlines of open cases whose counting passes a changed
    day; one "monitoring.case_deadline_recompute" event per deadline that moves."""
    if not changed:
        return 0
    first, last = min(changed), max(changed)
    settings = selectors.workflow_settings()
    cases = (
        MonitoringCase.objects.select_for_update()
        .filter(state__in=selectors.OPEN_STATES, opened_on__lt=last)
        .filter(Q(due_on__gte=first) | Q(visit_due_on__gte=first))
        .order_by("id")
    )
    moved = 0
    for case in cases:
        setting = selectors.most_specific_setting(settings, case.village_id)
        updates: dict[str, tuple[date, date]] = {}
        if case.state == CaseState.VISIT and case.visit_due_on is not None:
            new_visit = after.moved(case.opened_on, case.visit_due_on, before=before)
            if new_visit != case.visit_due_on:
                updates["visit_due_on"] = (case.visit_due_on, new_visit)
        if setting.case_days_are_working_days:
            new_due = after.moved(case.opened_on, case.due_on, before=before)
            if new_due != case.due_on:
                updates["due_on"] = (case.due_on, new_due)
        for field, (old, new) in updates.items():
            setattr(case, field, new)
            audit_record(
                actor=actor,
                action="monitoring.case_deadline_recompute",
                subject=case,
                region_code=case.village_id,
                changes={field: [old.isoformat(), new.isoformat()]},
            )
        if updates:
            case.save(update_fields=[*updates, "updated_at"])
            moved += len(updates)
    return moved


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


REVEALABLE_CLUE_FIELDS = frozenset({"phone", "id_number"})


def clue_reveal_contact(
    *, actor: AbstractBaseUser, scope: RegionScope, clue_id: int, field: str
) -> str:
    """Return an applicant's full phone or ID number to a role that needs it (the village
    cadre arranging the visit), audited. Audit action: "monitoring.clue_reveal_contact".
    Raises PermissionDeniedError, NotFoundError or ApplicationError."""
    scope.require(Capability.VIEW_PERSONAL_DATA)
    if field not in REVEALABLE_CLUE_FIELDS:
        raise ApplicationError(_("该项不可查看。"), code="field")
    clue = RiskClue.objects.filter(pk=clue_id).first()
    if clue is None or not scope.contains(clue.village_id):
        raise NotFoundError(_("风险线索不存在或不在您的管辖范围内。"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="monitoring.clue_reveal_contact",
            subject=clue,
            region_code=clue.village_id,
            changes={"field": field},
        )
    return str(getattr(clue, field))
