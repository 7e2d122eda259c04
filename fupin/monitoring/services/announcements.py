"""公告 as offices issue them: one notice per village or township listing every household
whose case the county approved in a period, then 标注 of each household and the end of
its case (DOMAIN §5.5: 县级审定 → 公告 → 标注)."""

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.region_codes import RegionLevel, prefix_for_level
from fupin.core.scope import RegionScope
from fupin.monitoring import selectors, workflow
from fupin.monitoring.models import (
    CaseKind,
    CaseState,
    ClueStatus,
    MonitoringCase,
    Notice,
    RiskClue,
    Step,
)
from fupin.monitoring.services.common import _approve, _open_step
from fupin.monitoring.services.publicity import publish_notice
from fupin.registry.models import HouseholdStatusEvent, Region
from fupin.registry.services import household_status_record


def announcement_issuer(region: Region) -> str:
    """Who signs a 公告 unless the office writes its own name: the government of the
    county whose 县级审定 decided the cases listed."""
    county = Region.objects.filter(code=prefix_for_level(region.code, RegionLevel.COUNTY)).first()
    return _("%(county)s人民政府") % {"county": county.name if county else ""}


def _announce_case(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    notice: Notice,
    opinion: str,
) -> None:
    """标注 one listed household through the registry (纳入监测 with category, month and
    risk types, or 风险消除 with its method), close its case and clues."""
    household = case.household
    if household is None:
        raise ApplicationError(
            _("事项 #%(id)s 未关联农户，不能公告。") % {"id": case.pk}, code="household_required"
        )
    today = timezone.localdate()
    note = _("监测工作事项 #%(id)s") % {"id": case.pk}
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
            note=note,
        )
    else:
        household_status_record(
            actor=actor,
            scope=scope,
            household=household,
            kind=HouseholdStatusEvent.Kind.RISK_ELIMINATED,
            occurred_on=today,
            elimination_method=case.elimination_method,
            note=note,
        )
    case.closed_on = today
    _approve(
        actor=actor,
        scope=scope,
        case=case,
        step=Step.ANNOUNCEMENT,
        opinion=opinion.strip() or notice.title,
        action="monitoring.case_announce",
        changes={"notice": notice.pk},
    )
    RiskClue.objects.filter(case=case).exclude(status=ClueStatus.MERGED).update(
        status=ClueStatus.CLOSED
    )


def _announced_region(scope: RegionScope, region_code: str) -> Region:
    region = Region.objects.filter(
        code=region_code, level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE]
    ).first()
    if region is None:
        raise ApplicationError(
            _("请逐级选择到乡镇或村：公告按村或乡镇发布。"),
            code="announcement_region",
            field="region_code",
        )
    if not scope.contains(region.code):
        raise ApplicationError(
            _("所选区划不在您的管辖范围内。"), code="announcement_region", field="region_code"
        )
    return region


@transaction.atomic
def announcement_publish(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    region_code: str,
    case_kind: str,
    approved_from: date | None = None,
    approved_to: date | None = None,
    issuer: str = "",
    opinion: str = "",
) -> Notice:
    """公告: one notice for a village or township listing every household whose case of
    `case_kind` the county approved between the two days (either open) and that waits for
    its announcement; then 标注 each household and close its case.

    Refused unless the actor's role owns 公告, when the region is not a village or township
    in scope, or when no case qualifies. Signed by `issuer`, or by the approving county's
    government. Audit action: "monitoring.case_announce" for each case (and the registry's
    status events).
    """
    if not workflow.owns(scope, CaseState.ANNOUNCEMENT):
        raise PermissionDeniedError(
            _("“%(step)s”环节不由%(role)s办理。")
            % {"step": Step.ANNOUNCEMENT.label, "role": scope.role_label}
        )
    region = _announced_region(scope, region_code)
    if case_kind not in CaseKind.values:
        raise ApplicationError(_("请选择公告类型。"), code="case_kind", field="case_kind")
    if approved_from and approved_to and approved_from > approved_to:
        raise ApplicationError(
            _("审定日期的起始日不能晚于截止日。"), code="period", field="approved_to"
        )
    listed = selectors.announcement_candidates(
        scope=scope,
        region_code=region.code,
        case_kind=case_kind,
        approved_from=approved_from,
        approved_to=approved_to,
    )
    if not listed:
        raise ApplicationError(
            _("所选范围和审定日期内没有待公告的事项。"), code="nothing_to_announce"
        )
    # Each case locked and checked again: another office may have returned one meanwhile.
    cases = [_open_step(scope, case, CaseState.ANNOUNCEMENT) for case in listed]
    notice = publish_notice(
        actor=actor,
        kind=Notice.Kind.ANNOUNCEMENT,
        region=region,
        case_kind=case_kind,
        cases=listed,
        issuer=issuer.strip() or announcement_issuer(region),
        starts_on=timezone.localdate(),
        days=selectors.workflow_setting_for(region.code).publicity_days,
    )
    for case in cases:
        _announce_case(actor=actor, scope=scope, case=case, notice=notice, opinion=opinion)
    return notice


@transaction.atomic
def case_announce(
    *, actor: AbstractBaseUser, scope: RegionScope, case: MonitoringCase, opinion: str = ""
) -> Notice:
    """公告 from a case's page: the 公告 of the case's village, listing it with every other
    case of its kind there that waits for its announcement (`announcement_publish`)."""
    case = _open_step(scope, case, CaseState.ANNOUNCEMENT)
    return announcement_publish(
        actor=actor,
        scope=scope,
        region_code=case.village_id,
        case_kind=case.kind,
        opinion=opinion,
    )
