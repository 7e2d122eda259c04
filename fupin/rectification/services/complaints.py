"""Complaints (12317 and others): intake by the county or the public form, handling by the
level above the place complained about, and the turn into a problem or a risk clue."""

import secrets
from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope
from fupin.monitoring.selectors import working_calendar
from fupin.monitoring.services import clue_from_department
from fupin.rectification import workflow
from fupin.rectification.models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintState,
    Problem,
    ProblemCategory,
    ProblemSource,
    Satisfaction,
)
from fupin.rectification.services.common import actor_id, region_get, required_text, setting_for
from fupin.rectification.services.problems import problem_create_record
from fupin.registry.models import Household

# Receipt numbers are read aloud over the phone: no 0/O or 1/I to confuse.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_RECEIPT_RANDOM_LENGTH = 6
_NOT_FOUND = _("举报不存在或不在您的管辖范围内。")
# A complaint about fund misuse or embezzlement is a problem of the same kind.
_PROBLEM_CATEGORY = {
    ComplaintCategory.FUNDS: ProblemCategory.FUNDS,
    ComplaintCategory.EMBEZZLEMENT: ProblemCategory.FUNDS,
    ComplaintCategory.PROJECTS: ProblemCategory.PROJECTS,
    ComplaintCategory.POLICY: ProblemCategory.POLICY,
    ComplaintCategory.CONDUCT: ProblemCategory.CONDUCT,
    ComplaintCategory.OTHER: ProblemCategory.OTHER,
}


def _receipt_number(received_on: date) -> str:
    while True:
        tail = "".join(secrets.choice(_RECEIPT_ALPHABET) for _i in range(_RECEIPT_RANDOM_LENGTH))
        number = f"JB{received_on:%Y%m%d}{tail}"
        if not Complaint.objects.filter(receipt_number=number).exists():
            return number


def complaint_due_on(subject_code: str, received_on: date) -> date:
    """The time limit of a complaint received on `received_on`, from the configuration of
    the province it concerns (15 days in one, 20 in another)."""
    setting = setting_for(subject_code)
    if setting.complaint_days_are_working_days:
        return working_calendar().add_working_days(received_on, setting.complaint_days)
    return received_on + timedelta(days=setting.complaint_days)


def _clean_phone(phone: str, *, required: bool) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if not phone:
        if required:
            raise ApplicationError(
                _("请留下联系电话，以便答复和回访。"), code="phone_required", field="phone"
            )
        return ""
    if not phone.isdigit() or not 7 <= len(phone) <= 12:
        raise ApplicationError(_("请填写正确的电话号码。"), code="invalid_phone", field="phone")
    return phone


def _intake(
    *,
    actor: AbstractBaseUser | None,
    channel: str,
    category: str,
    subject_code: str,
    content: str,
    name: str,
    phone: str,
    is_anonymous: bool,
    received_on: date,
) -> Complaint:
    if channel not in ComplaintChannel.values:
        raise ApplicationError(_("请选择受理渠道。"), code="channel", field="channel")
    if category not in ComplaintCategory.values:
        raise ApplicationError(_("请选择举报类别。"), code="category", field="category")
    content = required_text(content, _("请填写反映的问题。"), field="content", max_length=2000)
    name = (name or "").strip()
    if len(name) > 50:
        raise ApplicationError(_("姓名过长。"), code="name_too_long", field="name")
    if is_anonymous:
        name = ""
    subject = region_get(subject_code, field="region_code")
    handling_code = workflow.handling_region_code(subject.code)
    return Complaint.objects.create(
        receipt_number=_receipt_number(received_on),
        channel=channel,
        category=category,
        subject_region=subject,
        handling_region_id=handling_code,
        content=content,
        complainant_name=name,
        complainant_phone=phone,
        is_anonymous=is_anonymous,
        received_on=received_on,
        due_on=complaint_due_on(subject.code, received_on),
        created_by_id=actor_id(actor),
    )


@transaction.atomic
def complaint_register(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    channel: str,
    category: str,
    region_code: str,
    content: str,
    name: str = "",
    phone: str = "",
    is_anonymous: bool = False,
    received_on: date | None = None,
) -> Complaint:
    """Register a complaint taken by phone (12317), letter or visit, routed to the level
    above the place it concerns with the configured time limit.

    Audit action: "rectification.complaint_register" (the complainant's phone is masked in
    it). Raises PermissionDeniedError for a role without REGISTER_COMPLAINTS or a region
    outside the scope, ApplicationError for bad input.
    """
    scope.require(Capability.REGISTER_COMPLAINTS)
    scope.require_region((region_code or "").strip())
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ApplicationError(_("受理日期不能晚于今天。"), code="future_date", field="received_on")
    complaint = _intake(
        actor=actor,
        channel=channel,
        category=category,
        subject_code=region_code,
        content=content,
        name=name,
        phone=_clean_phone(phone, required=False),
        is_anonymous=is_anonymous,
        received_on=received_on,
    )
    audit_record(
        actor=actor,
        action="rectification.complaint_register",
        subject=complaint,
        region_code=complaint.subject_region_id,
        changes={
            "receipt_number": complaint.receipt_number,
            "channel": channel,
            "handling_region": complaint.handling_region_id,
            "due_on": complaint.due_on.isoformat(),
        },
    )
    return complaint


@transaction.atomic
def complaint_submit_public(
    *, region_code: str, category: str, content: str, name: str, phone: str, is_anonymous: bool
) -> Complaint:
    """A complaint sent through the public form (no login); a phone number is needed to
    follow it with the receipt number and to be answered.

    Audit action: "rectification.complaint_submit_public".
    """
    complaint = _intake(
        actor=None,
        channel=ComplaintChannel.ONLINE,
        category=category,
        subject_code=region_code,
        content=content,
        name=name,
        phone=_clean_phone(phone, required=True),
        is_anonymous=is_anonymous,
        received_on=timezone.localdate(),
    )
    audit_record(
        actor=None,
        action="rectification.complaint_submit_public",
        subject=complaint,
        region_code=complaint.subject_region_id,
        changes={
            "receipt_number": complaint.receipt_number,
            "handling_region": complaint.handling_region_id,
        },
    )
    return complaint


def _locked(scope: RegionScope, complaint_id: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundError(_NOT_FOUND)
    # The handling level and those above it see the complaint; the place complained about
    # and the levels below it do not (selectors.complaint_list says the same).
    scope.require_visible(complaint.handling_region_id, _NOT_FOUND)
    return complaint


def _require_handler(scope: RegionScope, complaint: Complaint) -> None:
    if not workflow.handles_complaint(scope, complaint.handling_region_id):
        raise PermissionDeniedError(
            _("该举报由%(region)s办理。") % {"region": complaint.handling_region.name},
            code="not_handler",
        )


def _require_state(complaint: Complaint, *states: ComplaintState) -> None:
    if complaint.state not in states:
        raise ApplicationError(
            _("该举报当前为“%(state)s”，不能办理此环节。")
            % {"state": complaint.get_state_display()},
            code="wrong_state",
        )


@transaction.atomic
def complaint_acknowledge(
    *, actor: AbstractBaseUser, scope: RegionScope, complaint_id: int
) -> Complaint:
    """签收 by the handling level. Audit action: "rectification.complaint_acknowledge"."""
    complaint = _locked(scope, complaint_id)
    _require_handler(scope, complaint)
    _require_state(complaint, ComplaintState.RECEIVED)
    complaint.state = ComplaintState.ACKNOWLEDGED
    complaint.acknowledged_on = timezone.localdate()
    complaint.save(update_fields=["state", "acknowledged_on"])
    audit_record(
        actor=actor,
        action="rectification.complaint_acknowledge",
        subject=complaint,
        region_code=complaint.subject_region_id,
    )
    return complaint


@transaction.atomic
def complaint_investigate(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    complaint_id: int,
    findings: str,
    is_substantiated: bool,
) -> Complaint:
    """调查核实: what the handling level found and whether the complaint is true.
    Audit action: "rectification.complaint_investigate"."""
    complaint = _locked(scope, complaint_id)
    _require_handler(scope, complaint)
    _require_state(complaint, ComplaintState.ACKNOWLEDGED)
    complaint.investigation = required_text(findings, _("请填写调查核实情况。"), field="findings")
    complaint.is_substantiated = is_substantiated
    complaint.investigated_on = timezone.localdate()
    complaint.state = ComplaintState.INVESTIGATED
    complaint.save(update_fields=["investigation", "is_substantiated", "investigated_on", "state"])
    audit_record(
        actor=actor,
        action="rectification.complaint_investigate",
        subject=complaint,
        region_code=complaint.subject_region_id,
        changes={"is_substantiated": is_substantiated},
    )
    return complaint


@transaction.atomic
def complaint_reply(
    *, actor: AbstractBaseUser, scope: RegionScope, complaint_id: int, reply: str
) -> Complaint:
    """答复 the complainant. Audit action: "rectification.complaint_reply"."""
    complaint = _locked(scope, complaint_id)
    _require_handler(scope, complaint)
    _require_state(complaint, ComplaintState.INVESTIGATED)
    complaint.reply = required_text(reply, _("请填写答复内容。"), field="reply")
    complaint.replied_on = timezone.localdate()
    complaint.state = ComplaintState.REPLIED
    complaint.save(update_fields=["reply", "replied_on", "state"])
    audit_record(
        actor=actor,
        action="rectification.complaint_reply",
        subject=complaint,
        region_code=complaint.subject_region_id,
    )
    return complaint


@transaction.atomic
def complaint_close(
    *, actor: AbstractBaseUser, scope: RegionScope, complaint_id: int, satisfaction: str
) -> Complaint:
    """回访: the complainant's satisfaction, and the complaint is closed.
    Audit action: "rectification.complaint_close"."""
    complaint = _locked(scope, complaint_id)
    _require_handler(scope, complaint)
    _require_state(complaint, ComplaintState.REPLIED)
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(
            _("请选择举报人的满意度。"), code="satisfaction", field="satisfaction"
        )
    complaint.satisfaction = satisfaction
    complaint.closed_on = timezone.localdate()
    complaint.state = ComplaintState.CLOSED
    complaint.save(update_fields=["satisfaction", "closed_on", "state"])
    audit_record(
        actor=actor,
        action="rectification.complaint_close",
        subject=complaint,
        region_code=complaint.subject_region_id,
        changes={"satisfaction": satisfaction},
    )
    return complaint


@transaction.atomic
def complaint_to_problem(
    *, actor: AbstractBaseUser, scope: RegionScope, complaint_id: int, title: str
) -> Problem:
    """Turn an investigated, substantiated complaint into a rectification problem. Its
    source is 12317, the national line for such reports, whatever channel brought it.

    Audit action: "rectification.complaint_to_problem".
    """
    complaint = _locked(scope, complaint_id)
    _require_handler(scope, complaint)
    scope.require(Capability.RECTIFY)
    if complaint.problem_id is not None:
        raise ApplicationError(_("该举报已转为整改问题。"), code="already_problem")
    if complaint.is_substantiated is not True:
        raise ApplicationError(
            _("调查核实反映属实后，才能转为整改问题。"), code="not_substantiated"
        )
    title = required_text(title, _("请填写问题概要。"), field="title", max_length=200)
    problem = problem_create_record(
        actor=actor,
        source=ProblemSource.HOTLINE_12317,
        region_code=complaint.subject_region_id,
        category=_PROBLEM_CATEGORY[ComplaintCategory(complaint.category)],
        title=title,
        description=complaint.content,
        evidence=_("举报 %(number)s 调查核实：%(findings)s")
        % {"number": complaint.receipt_number, "findings": complaint.investigation},
        found_on=complaint.investigated_on or timezone.localdate(),
    )
    complaint.problem = problem
    complaint.save(update_fields=["problem"])
    audit_record(
        actor=actor,
        action="rectification.complaint_to_problem",
        subject=complaint,
        region_code=complaint.subject_region_id,
        changes={"problem": problem.number, "title": title},
    )
    return problem


@transaction.atomic
def complaint_to_clue(
    *, actor: AbstractBaseUser, scope: RegionScope, complaint_id: int, household: Household
) -> Complaint:
    """Register a risk clue for a household the complaint shows at risk, through the
    monitoring app's clue intake (merged into its open case if it has one).

    Audit action: "rectification.complaint_to_clue" (and the clue's own).
    """
    complaint = _locked(scope, complaint_id)
    _require_handler(scope, complaint)
    if complaint.clue_id is not None:
        raise ApplicationError(_("该举报已转为风险线索。"), code="already_clue")
    if not household.village_id.startswith(complaint.subject_region_id) or not scope.contains(
        household.village_id
    ):
        raise ApplicationError(
            _("农户不在被反映地区内。"), code="household_outside_region", field="household"
        )
    clue = clue_from_department(
        actor=actor,
        department=_("12317 举报 %(number)s") % {"number": complaint.receipt_number},
        household=household,
        risk_types=[],
        description=complaint.investigation or complaint.content,
    )
    complaint.clue = clue
    complaint.save(update_fields=["clue"])
    audit_record(
        actor=actor,
        action="rectification.complaint_to_clue",
        subject=complaint,
        region_code=complaint.subject_region_id,
        changes={"clue": clue.receipt_number, "household": household.number},
    )
    return complaint
