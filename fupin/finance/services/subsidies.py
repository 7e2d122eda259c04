"""到户产业奖补: the village registers a household's application after its on-site check,
the township reviews it, the county pays it at the standard in force and publishes the
list; a paid 奖补 counts as a 开发式 measure of the household's plan (assistance)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance import selectors as assistance_selectors
from fupin.assistance import services as assistance_services
from fupin.assistance.models import Measure, MeasureStatus
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope
from fupin.finance.models import SubsidyApplication, SubsidyStandard, SubsidyState
from fupin.finance.services.common import Actor, require
from fupin.registry.models import Household


def _amount(standard: SubsidyStandard, scale: Decimal) -> Decimal:
    return min(scale * standard.amount_per_unit, standard.max_per_household).quantize(
        Decimal("0.01")
    )


@transaction.atomic
def subsidy_apply(
    *,
    actor: Actor,
    scope: RegionScope,
    household: Household,
    standard: SubsidyStandard,
    scale: Decimal,
    evidence: str,
    checked_on: date,
) -> SubsidyApplication:
    """Register a household's application after the village checked it on site; the amount
    is the standard's per unit times the scale, at most its cap per household.

    Audit action: "finance.subsidy_apply"."""
    require(scope, Capability.PROPOSE_PROJECTS, household.village_id, _("未找到该农户。"))
    if not household.village_id.startswith(standard.region_code):
        raise ApplicationError(_("该奖补标准不适用于此村。"), code="standard", field="standard")
    if scale <= 0:
        raise ApplicationError(_("规模必须大于 0。"), code="scale", field="scale")
    if not evidence.strip():
        raise ApplicationError(_("请说明佐证材料。"), code="evidence", field="evidence")
    if checked_on > timezone.localdate():
        raise ApplicationError(_("核实日期不能晚于今天。"), code="checked_on", field="checked_on")
    if (
        SubsidyApplication.objects.filter(household=household, standard=standard)
        .exclude(state=SubsidyState.REJECTED)
        .exists()
    ):
        raise ApplicationError(_("该户本年度此项奖补已申请。"), code="duplicate")
    application = SubsidyApplication.objects.create(
        household=household,
        village_id=household.village_id,
        standard=standard,
        scale=scale,
        evidence=evidence.strip(),
        checked_on=checked_on,
        amount=_amount(standard, scale),
    )
    audit_record(
        actor=actor,
        action="finance.subsidy_apply",
        subject=application,
        region_code=application.village_id,
        changes={
            "industry": standard.industry,
            "scale": str(scale),
            "amount": str(application.amount),
        },
    )
    return application


def _locked(
    scope: RegionScope, application: SubsidyApplication, capability: Capability, state: str
) -> SubsidyApplication:
    require(scope, capability, application.village_id, _("未找到该奖补申请。"))
    locked = SubsidyApplication.objects.select_for_update().get(pk=application.pk)
    if locked.state != state:
        raise ApplicationError(
            _("该申请当前为“%(state)s”，不能办理此环节。") % {"state": locked.get_state_display()},
            code="wrong_state",
        )
    return locked


@transaction.atomic
def subsidy_review(
    *,
    actor: Actor,
    scope: RegionScope,
    application: SubsidyApplication,
    approve: bool,
    opinion: str,
) -> SubsidyApplication:
    """乡镇审核: approve for payment or reject with the reason.

    Audit action: "finance.subsidy_review"."""
    application = _locked(scope, application, Capability.REVIEW_PROJECTS, SubsidyState.TOWNSHIP)
    if not approve and not opinion.strip():
        raise ApplicationError(_("不通过时请写明理由。"), code="opinion", field="opinion")
    application.state = SubsidyState.APPROVED if approve else SubsidyState.REJECTED
    application.review_opinion = opinion.strip()
    application.save(update_fields=["state", "review_opinion"])
    audit_record(
        actor=actor,
        action="finance.subsidy_review",
        subject=application,
        region_code=application.village_id,
        changes={"state": application.state},
    )
    return application


@transaction.atomic
def subsidy_pay(
    *, actor: Actor, scope: RegionScope, application: SubsidyApplication, paid_on: date
) -> SubsidyApplication:
    """Record the county's payment of an approved 奖补 (to the household's account, which
    only the bank file shows). Audit action: "finance.subsidy_pay"."""
    application = _locked(scope, application, Capability.MANAGE_FUNDS, SubsidyState.APPROVED)
    if paid_on > timezone.localdate() or paid_on < application.checked_on:
        raise ApplicationError(
            _("发放日期应在核实之后、今天之前。"), code="paid_on", field="paid_on"
        )
    application.state = SubsidyState.PAID
    application.paid_on = paid_on
    application.measure = _counted_as_measure(actor=actor, scope=scope, application=application)
    application.save(update_fields=["state", "paid_on", "measure"])
    audit_record(
        actor=actor,
        action="finance.subsidy_pay",
        subject=application,
        region_code=application.village_id,
        changes={
            "amount": str(application.amount),
            "paid_on": str(paid_on),
            "measure": application.measure.pk,
        },
    )
    return application


def _same_subsidy_measure(application: SubsidyApplication) -> Measure | None:
    """A 产业帮扶 measure of the payment year's plan that records this 奖补: one naming its
    industry, else one naming a 奖补, in either case not yet counted for another payment."""
    assert application.paid_on is not None
    counted = set(
        SubsidyApplication.objects.filter(
            household_id=application.household_id, measure__isnull=False
        ).values_list("measure_id", flat=True)
    )
    candidates = [
        measure
        for measure in assistance_selectors.industry_measures_of_year(
            household=application.household, year=application.paid_on.year
        )
        if measure.pk not in counted
    ]
    industry = application.standard.industry
    # Matched against what the village typed, in Chinese whatever the page's language.
    for wanted in (industry, "奖补"):
        for measure in candidates:
            if wanted in f"{measure.subtype}{measure.funding_source}":
                return measure
    return None


def _counted_as_measure(
    *, actor: Actor, scope: RegionScope, application: SubsidyApplication
) -> Measure:
    """The paid 奖补 as a 开发式 产业帮扶 measure in place in the household's plan of the
    payment's year (一户一方案). A measure the village entered for the same 奖补 before the
    money came is set in place rather than doubled, so the household's 开发式 count sees
    the help once."""
    if not isinstance(actor, AbstractBaseUser):
        raise PermissionDeniedError(_("请先登录。"))
    assert application.paid_on is not None
    household = application.household
    standard = application.standard
    evidence = _("到户产业奖补 %(amount)s 元，%(day)s 发放") % {
        "amount": application.amount,
        "day": application.paid_on.isoformat(),
    }
    existing = _same_subsidy_measure(application)
    if existing is None:
        return assistance_services.measure_add(
            actor=actor,
            scope=scope,
            household=household,
            year=application.paid_on.year,
            category_code=assistance_selectors.INDUSTRY_CATEGORY,
            subtype=_("到户产业奖补（%(industry)s）") % {"industry": standard.industry},
            responsible_unit=_("县级财政和行业部门"),
            started_on=application.checked_on,
            amount=application.amount,
            quantity=f"{application.scale.normalize():f}{standard.unit}",
            funding_source=_("到户产业奖补"),
            status=MeasureStatus.IN_PLACE,
            evidence=evidence,
        )
    if existing.status == MeasureStatus.PLANNED:
        return assistance_services.measure_status_set(
            actor=actor,
            scope=scope,
            measure=existing,
            status=MeasureStatus.IN_PLACE,
            evidence=evidence,
        )
    return existing
