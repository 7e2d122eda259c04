"""What every monitoring service shares: the checks that the actor owns a step and the case
lies in their region, locking, attachments and approval records."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import RegionScope
from fupin.monitoring import selectors, workflow
from fupin.monitoring.models import (
    ApprovalRecord,
    Attachment,
    CaseState,
    Decision,
    MonitoringCase,
    ReviewMeeting,
    Step,
)
from fupin.registry import codes
from fupin.registry.models import Household, Region

MAX_RISK_TYPES = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


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
    scope.require_visible(case.village_id, _("事项不存在或不在您的管辖范围内。"))
    if not workflow.owns(scope, state):
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


# ---------------------------------------------------------------- one open case per household
# Issue #20 (data integrity under concurrency): every writer that may open a case for a
# household, or link one to it, locks the household row before it looks for the open case
# of the same kind, so a second writer waits for the first to commit and then finds its
# case. The partial unique index is the last guard, for a path that skips the lock.

ONE_OPEN_CASE = "monitoring_case_one_open_per_household_kind"
# How each database names the index in its error: PostgreSQL by name, SQLite by columns.
_ONE_OPEN_CASE_ERRORS = (
    ONE_OPEN_CASE,
    "monitoring_monitoringcase.household_id, monitoring_monitoringcase.kind",
)

_DEADLOCK_DETECTED = "40P01"


def lock_household_status(household_id: int) -> str:
    """Lock the household row until the transaction ends and return its status as the
    lock found it (another writer may have changed it while this one waited).

    SQLite takes no row locks; its IMMEDIATE transactions already run one writer at a time.
    """
    with deadlock_explained():
        status: str = (
            Household.objects.select_for_update()
            .filter(pk=household_id)
            .values_list("status", flat=True)
            .get()
        )
    return status


@contextmanager
def deadlock_explained() -> Iterator[None]:
    """Turn PostgreSQL's deadlock error on a household lock into a Chinese refusal.

    Each call locks its households in id order, but a transaction that makes clues more
    than once (a comparison run with several rules, the assessment's warnings) holds the
    first call's locks while it waits for the next; two of them over the same households
    can each wait for the other, and PostgreSQL then aborts one. Its transaction cannot go
    on, so the service is refused whole and can simply be run again.
    """
    try:
        yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != _DEADLOCK_DETECTED:
            raise
        raise ApplicationError(
            _("另一项登记正在处理同一批农户，本次未写入任何数据，请稍后重试。"),
            code="household_busy",
        ) from error


@contextmanager
def one_open_case_per_household() -> Iterator[None]:
    """Turn a write that runs into the one-open-case index into a Chinese refusal.

    The savepoint keeps the surrounding transaction usable on PostgreSQL until the
    ApplicationError rolls the whole service back, so nothing is left half-written.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not any(name in str(error) for name in _ONE_OPEN_CASE_ERRORS):
            raise
        raise ApplicationError(
            _("该户已有办理中的同类监测工作事项，未写入任何数据。请刷新页面后重试。"),
            code="case_already_open",
        ) from error


# What a step takes as a document: a file just sent, or one the user sent with a form that
# was refused and that was kept for them (`attachment_hold`).
StepFile = UploadedFile | Attachment


def is_held_by(attachment: Attachment, actor: AbstractBaseUser | None) -> bool:
    """Whether `attachment` is a kept upload of `actor` not yet part of any step."""
    return (
        actor is not None
        and attachment.uploaded_by_id == _actor_id(actor)
        and not attachment.approvals.exists()
        and not ReviewMeeting.objects.filter(minutes=attachment).exists()
    )


def _store_files(actor: AbstractBaseUser | None, files: Sequence[StepFile]) -> list[Attachment]:
    stored = []
    for upload in files:
        if isinstance(upload, Attachment):
            # A kept upload joins the step only for the user who sent it, and only once.
            if not is_held_by(upload, actor):
                raise ApplicationError(
                    _("附件“%(name)s”已失效，请重新上传。") % {"name": upload.name},
                    code="attachment_held",
                )
            stored.append(upload)
            continue
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


def case_opening_record(
    *, actor: AbstractBaseUser | None, case: MonitoringCase, opinion: str
) -> ApprovalRecord:
    """The first entry of a case's trail: the clue or proposal that opened it."""
    return approval_record(
        actor=actor,
        scope=None,
        subject_type=selectors.CASE_SUBJECT,
        subject_id=str(case.pk),
        step=Step.CLUE,
        decision=Decision.APPROVE,
        opinion=opinion,
    )


def _approve(
    *,
    actor: AbstractBaseUser | None,
    scope: RegionScope | None,
    case: MonitoringCase,
    step: Step,
    opinion: str,
    files: Sequence[StepFile] = (),
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
