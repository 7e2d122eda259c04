"""一户一方案、一人一措施: plans, measures, risk records and monthly income."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.models import (
    HelpPlan,
    Measure,
    MeasureCategory,
    MeasureStatus,
    MonthlyIncome,
    RiskRecord,
    RiskSource,
    Visit,
)
from fupin.assistance.selectors import access as access_selectors
from fupin.assistance.services.common import check_period, required_text
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent, Member
from fupin.registry.services.stale import household_stale_mark

# DOMAIN §7: a household carries at most five risk types at a time.
MAX_OPEN_RISKS = 5


def _require_help(scope: RegionScope, actor: AbstractBaseUser, household: Household) -> None:
    access_selectors.require_access(
        scope=scope, user=actor, household=household, needed=access_selectors.Access.HELP
    )


def _seed_risks_from_identification(household: Household) -> list[RiskRecord]:
    """The risks the identification found, as open records, for a household that has none
    yet: the plan is drafted from them."""
    if household.status != HouseholdStatus.MONITORED or household.risk_records.exists():
        return []
    event = (
        HouseholdStatusEvent.objects.filter(
            household=household, kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
        )
        .order_by("-occurred_on", "-id")
        .first()
    )
    if event is None:
        return []
    return [
        RiskRecord.objects.create(
            household=household,
            risk_type=str(risk_type),
            found_on=event.occurred_on,
            source=RiskSource.IDENTIFICATION,
        )
        for risk_type in dict.fromkeys(event.risk_types or [])
        if str(risk_type) in codes.RiskType.values
    ]


def _plan_for(
    *, actor: AbstractBaseUser, household: Household, year: int, note: str = ""
) -> HelpPlan:
    plan = HelpPlan.objects.filter(household=household, year=year).first()
    if plan is not None:
        return plan
    seeded = _seed_risks_from_identification(household)
    plan = HelpPlan.objects.create(
        household=household, year=year, drafted_on=timezone.localdate(), note=note.strip()
    )
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="assistance.plan_draft",
        subject=plan,
        region_code=household.village_id,
        changes={
            "household": household.number,
            "year": year,
            "risk_types": [risk.risk_type for risk in seeded],
        },
    )
    return plan


@transaction.atomic
def plan_draft(
    *, actor: AbstractBaseUser, scope: RegionScope, household: Household, year: int, note: str = ""
) -> HelpPlan:
    """Draft the household's plan for `year`, starting from its unresolved risks (a
    monitored household without risk records gets those of its identification). Returns
    the existing plan when there is one. Audit action: "assistance.plan_draft"."""
    _require_help(scope, actor, household)
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ApplicationError(_("年度不正确。"), code="year", field="year")
    return _plan_for(actor=actor, household=household, year=year, note=note)


@transaction.atomic
def measure_add(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    year: int,
    category_code: str,
    subtype: str,
    responsible_unit: str,
    started_on: date,
    member: Member | None = None,
    ended_on: date | None = None,
    amount: Decimal | None = None,
    quantity: str = "",
    funding_source: str = "",
    status: str = MeasureStatus.PLANNED,
    evidence: str = "",
) -> Measure:
    """Add a measure to the household's plan for `year` (drafting the plan if needed), for
    the whole household or one of its members. Whether it is 开发式 follows the national
    category. Refuses an unknown category code, a member of another household and an end
    before the start. Audit action: "assistance.measure_add"."""
    _require_help(scope, actor, household)
    category = MeasureCategory.objects.filter(code=category_code).first()
    if category is None:
        raise ApplicationError(
            _("未知的帮扶措施类别“%(code)s”。") % {"code": category_code},
            code="unknown_category",
            field="category_code",
        )
    if member is not None and member.household_id != household.pk:
        raise ApplicationError(
            _("成员%(name)s不是户 %(number)s 的成员。")
            % {"name": member.name, "number": household.number},
            code="member_of_other_household",
            field="member",
        )
    if member is not None and not member.is_active:
        raise ApplicationError(
            _("成员%(name)s已不在册。") % {"name": member.name},
            code="member_inactive",
            field="member",
        )
    check_period(started_on, ended_on)
    if status not in MeasureStatus.values:
        raise ApplicationError(_("请选择措施状态。"), code="status", field="status")
    if amount is not None and amount < 0:
        raise ApplicationError(_("金额不能为负数。"), code="amount", field="amount")
    plan = _plan_for(actor=actor, household=household, year=year)
    measure = Measure.objects.create(
        plan=plan,
        household=household,
        member=member,
        category=category,
        subtype=required_text(subtype, field="subtype", label=_("具体措施")),
        is_development=category.is_development,
        amount=amount,
        quantity=quantity.strip(),
        funding_source=funding_source.strip(),
        responsible_unit=required_text(
            responsible_unit, field="responsible_unit", label=_("责任单位")
        ),
        started_on=started_on,
        ended_on=ended_on,
        status=status,
        evidence=evidence.strip(),
    )
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="assistance.measure_add",
        subject=measure,
        region_code=household.village_id,
        changes={
            "household": household.number,
            "member": member.name if member else "",
            "category": category.name,
            "subtype": measure.subtype,
            "status": status,
            "amount": str(amount) if amount is not None else "",
        },
    )
    return measure


@transaction.atomic
def measure_status_set(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    measure: Measure,
    status: str,
    ended_on: date | None = None,
    evidence: str = "",
) -> Measure:
    """Move a measure to 已落实, 已完成 or 已终止 (the last two end it, today unless given).
    Audit action: "assistance.measure_status_set"."""
    _require_help(scope, actor, measure.household)
    if status not in MeasureStatus.values:
        raise ApplicationError(_("请选择措施状态。"), code="status", field="status")
    if measure.status in (MeasureStatus.FINISHED, MeasureStatus.STOPPED):
        raise ApplicationError(_("该措施已经结束，不能再变更状态。"), code="measure_ended")
    before = measure.status
    if status in (MeasureStatus.FINISHED, MeasureStatus.STOPPED):
        ended_on = ended_on or timezone.localdate()
    check_period(measure.started_on, ended_on or measure.ended_on)
    measure.status = status
    if ended_on is not None:
        measure.ended_on = ended_on
    if evidence.strip():
        measure.evidence = evidence.strip()
    measure.save(update_fields=["status", "ended_on", "evidence", "updated_at"])
    household_stale_mark(household_ids=[measure.household.pk])
    audit_record(
        actor=actor,
        action="assistance.measure_status_set",
        subject=measure,
        region_code=measure.household.village_id,
        changes={"status": [before, status], "ended_on": str(measure.ended_on or "")},
    )
    return measure


@transaction.atomic
def risk_add(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    risk_type: str,
    found_on: date,
    source: str,
    description: str = "",
) -> RiskRecord:
    """Record a risk found in a household. Audit action: "assistance.risk_add"."""
    _require_help(scope, actor, household)
    if risk_type not in codes.RiskType.values:
        raise ApplicationError(
            _("未知的风险类型“%(value)s”。") % {"value": risk_type},
            code="risk_type",
            field="risk_type",
        )
    if source not in RiskSource.values:
        raise ApplicationError(_("请选择发现来源。"), code="source", field="source")
    if found_on > timezone.localdate():
        raise ApplicationError(_("发现日期不能晚于今天。"), code="future", field="found_on")
    open_risks = RiskRecord.objects.filter(household=household, resolved_on__isnull=True)
    if open_risks.filter(risk_type=risk_type).exists():
        raise ApplicationError(_("该户已有未消除的同类风险。"), code="duplicate_risk")
    if open_risks.count() >= MAX_OPEN_RISKS:
        raise ApplicationError(_("一户未消除的风险最多 5 项。"), code="too_many_risks")
    risk = RiskRecord.objects.create(
        household=household,
        risk_type=risk_type,
        found_on=found_on,
        source=source,
        description=description.strip(),
    )
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="assistance.risk_add",
        subject=risk,
        region_code=household.village_id,
        changes={"household": household.number, "risk_type": risk_type, "source": source},
    )
    return risk


@transaction.atomic
def risk_resolve(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    risk: RiskRecord,
    resolved_on: date,
    resolution: str,
    evidence: str = "",
) -> RiskRecord:
    """Record that a risk was resolved, how, and on what evidence. Audit action:
    "assistance.risk_resolve"."""
    _require_help(scope, actor, risk.household)
    if risk.resolved_on is not None:
        raise ApplicationError(_("该风险已经消除。"), code="already_resolved")
    check_period(risk.found_on, resolved_on, end_field="resolved_on")
    if resolved_on > timezone.localdate():
        raise ApplicationError(_("消除日期不能晚于今天。"), code="future", field="resolved_on")
    risk.resolved_on = resolved_on
    risk.resolution = required_text(resolution, field="resolution", label=_("消除方式及情况"))
    risk.evidence = evidence.strip()
    risk.save(update_fields=["resolved_on", "resolution", "evidence"])
    household_stale_mark(household_ids=[risk.household.pk])
    audit_record(
        actor=actor,
        action="assistance.risk_resolve",
        subject=risk,
        region_code=risk.household.village_id,
        changes={"resolved_on": resolved_on.isoformat(), "resolution": risk.resolution},
    )
    return risk


def record_month(
    *, household: Household, month: date, amount: Decimal, visit: Visit | None = None
) -> MonthlyIncome:
    """Write one month's income (inside the caller's transaction and audit)."""
    first = month.replace(day=1)
    if first > timezone.localdate():
        raise ApplicationError(_("不能登记未来月份的收入。"), code="future", field="month")
    if amount < 0:
        raise ApplicationError(_("收入不能为负数。"), code="amount", field="amount")
    income, _created = MonthlyIncome.objects.update_or_create(
        household=household, month=first, defaults={"amount": amount, "visit": visit}
    )
    return income


@transaction.atomic
def monthly_income_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    month: date,
    amount: Decimal,
) -> MonthlyIncome:
    """Record (or correct) the household's income of one month. Audit action:
    "assistance.monthly_income_record"."""
    _require_help(scope, actor, household)
    before = MonthlyIncome.objects.filter(household=household, month=month.replace(day=1)).first()
    income = record_month(household=household, month=month, amount=amount)
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="assistance.monthly_income_record",
        subject=income,
        region_code=household.village_id,
        changes={
            "month": f"{income.month:%Y-%m}",
            "amount": [str(before.amount) if before else "", str(amount)],
        },
    )
    return income
