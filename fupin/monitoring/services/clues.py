"""Risk clues from the four channels (self-application, cadre registration, department
data, assessment warnings), merged into the open case of the same household or applicant."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope
from fupin.core.text import clean_text, is_person_name
from fupin.monitoring import selectors
from fupin.monitoring.models import (
    CaseKind,
    CaseState,
    Channel,
    ClueStatus,
    IdentityCheck,
    MonitoringCase,
    RiskClue,
)
from fupin.monitoring.services.common import (
    _actor_id,
    _check_risk_types,
    _village,
    case_opening_record,
    lock_household_status,
    one_open_case_per_household,
)
from fupin.registry.idnumbers import InvalidIdNumber, parse_id_number
from fupin.registry.models import Household, HouseholdStatus, Region

# Receipt numbers are read aloud over the phone: no 0/O or 1/I to confuse.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_RECEIPT_RANDOM_LENGTH = 6


def _receipt_number(received_on: date) -> str:
    while True:
        number = _receipt_candidate(received_on)
        if not RiskClue.objects.filter(receipt_number=number).exists():
            return number


def _receipt_candidate(received_on: date) -> str:
    tail = "".join(secrets.choice(_RECEIPT_ALPHABET) for _position in range(_RECEIPT_RANDOM_LENGTH))
    return f"SQ{received_on:%Y%m%d}{tail}"


def _receipt_numbers(received_on: date, count: int) -> list[str]:
    """`count` receipt numbers no clue holds, asking the database once per round of
    candidates rather than once per number."""
    numbers: set[str] = set()
    while len(numbers) < count:
        candidates = {_receipt_candidate(received_on) for _index in range(count - len(numbers))}
        candidates -= numbers
        taken = set(
            RiskClue.objects.filter(receipt_number__in=candidates).values_list(
                "receipt_number", flat=True
            )
        )
        numbers |= candidates - taken
    return sorted(numbers)


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


# Namespace (first key) of the PostgreSQL advisory locks that take a farmer's own
# applications naming no registered household one at a time per ID number (ADR 0032);
# ledger imports use 20.
_APPLICANT_LOCK_NAMESPACE = 21


def _lock_applicant(id_number: str) -> None:
    """Make applications by the same person without a household wait for each other until
    commit, as the household lock does for a household's clues: the second then finds the
    first's open clue and merges into it. SQLite needs nothing: its IMMEDIATE
    transactions already let one writer in at a time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [_APPLICANT_LOCK_NAMESPACE, id_number],
        )


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
    """Register a clue: merge it into an open duplicate, or open an identification case.

    The household is locked first, so two clues for it registered at the same moment
    (a cadre and a department feed, two cadres) are taken one after the other: the second
    merges into the case the first opened. An application naming no household locks its
    ID number instead.
    """
    received_on = received_on or timezone.localdate()
    if household is not None:
        household.status = lock_household_status(household.pk)
    elif id_number:
        _lock_applicant(id_number)
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
    with one_open_case_per_household():
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
    case_opening_record(actor=actor, case=case, opinion=description)
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
    name = clean_text(name)
    if not name:
        raise ApplicationError(_("请填写姓名。"), code="name_required", field="name")
    if not is_person_name(name):
        raise ApplicationError(
            _("姓名只能填写汉字（少数民族姓名可用间隔号“·”）。"), code="name_invalid", field="name"
        )
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
    scope.require_visible(household.village_id, _("农户不存在或不在您的管辖范围内。"))
    if not scope.can(Capability.REGISTER_CLUES):
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
        if not scope.can(Capability.GENERATE_WARNINGS):
            raise PermissionDeniedError(_("系统预警线索由县级人员生成。"))
    households = (
        Household.objects.filter(
            village__code__startswith=region_code, level__is_monitoring_eligible=True
        )
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


REVEALABLE_CLUE_FIELDS = frozenset({"phone", "id_number"})


def clue_reveal_contact(
    *, actor: AbstractBaseUser, scope: RegionScope, clue: RiskClue, field: str
) -> str:
    """Return an applicant's full phone or ID number to a role that needs it (the village
    cadre arranging the visit), audited. Audit action: "monitoring.clue_reveal_contact".
    Raises PermissionDeniedError, NotFoundError or ApplicationError."""
    scope.require(Capability.VIEW_PERSONAL_DATA)
    if field not in REVEALABLE_CLUE_FIELDS:
        raise ApplicationError(_("该项不可查看。"), code="field")
    scope.require_visible(clue.village_id, _("风险线索不存在或不在您的管辖范围内。"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="monitoring.clue_reveal_contact",
            subject=clue,
            region_code=clue.village_id,
            changes={"field": field},
        )
    return str(getattr(clue, field))
