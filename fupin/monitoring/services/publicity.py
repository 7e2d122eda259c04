"""Public notices: publicity (村内公示) with its objections, and the notice's allow-listed
content."""

import secrets
from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.monitoring import selectors
from fupin.monitoring.models import (
    CaseKind,
    CaseState,
    MonitoringCase,
    Notice,
    Objection,
    Step,
)
from fupin.monitoring.services.common import _approve, _open_step
from fupin.registry import codes
from fupin.registry.models import Region

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


def _region_chain(village: Region) -> tuple[str, str]:
    """(town name, county name) above a village."""
    town = village.parent
    county = town.parent if town is not None else None
    return (town.name if town else "", county.name if county else "")


def notice_content(case: MonitoringCase) -> dict[str, str]:
    """One household's row of a notice, built from NOTICE_FIELDS only."""
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


def notice_place(region: Region) -> str:
    """A notice's place as the board names it: 镇 + 村 for a village, 县 + 镇 for a township."""
    parent = region.parent
    return f"{parent.name if parent else ''}{region.name}"


def notice_title(*, place: str, kind: str, case_kind: str) -> str:
    """公示 and 公告 titled as DOMAIN §5.6 words them: a 公示 says 拟 (proposed, open to
    objection), a 公告 states the decision."""
    if case_kind == CaseKind.ELIMINATION:
        if kind == Notice.Kind.PUBLICITY:
            return _("%(place)s拟标注风险消除农户公示") % {"place": place}
        return _("%(place)s风险消除农户公告") % {"place": place}
    if kind == Notice.Kind.PUBLICITY:
        return _("%(place)s拟纳入防止返贫监测对象公示") % {"place": place}
    return _("%(place)s防止返贫监测对象公告") % {"place": place}


def publish_notice(
    *,
    actor: AbstractBaseUser,
    kind: str,
    region: Region,
    case_kind: str,
    cases: list[MonitoringCase],
    issuer: str,
    starts_on: date,
    days: int,
) -> Notice:
    """Store a notice listing `cases` (one row each, in the order given). Callers audit."""
    notice = Notice.objects.create(
        case=cases[0] if kind == Notice.Kind.PUBLICITY else None,
        region=region,
        kind=kind,
        token=secrets.token_urlsafe(12),
        title=notice_title(place=notice_place(region), kind=kind, case_kind=case_kind),
        issuer=issuer,
        content={"case_kind": case_kind, "rows": [notice_content(case) for case in cases]},
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        published_by_id=actor.pk,
    )
    notice.cases.set(cases)
    return notice


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
    # 公示 is signed by the village committee that holds it (DOMAIN §5.6).
    notice = publish_notice(
        actor=actor,
        kind=Notice.Kind.PUBLICITY,
        region=case.village,
        case_kind=case.kind,
        cases=[case],
        issuer=case.village.name,
        starts_on=starts_on,
        days=days,
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
    if notice.case is None:
        raise ApplicationError(_("公告不接受异议。"), code="not_publicity")
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
    waiting = selectors.publicity_wait_reason(notice, today=today)
    if waiting:
        raise ApplicationError(waiting, code="publicity_running")
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
