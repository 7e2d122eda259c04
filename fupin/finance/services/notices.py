"""Public notices (公告公示, DOMAIN §9) of projects, fund allocations and loan subsidies:
rows of allow-listed fields only, free text scrubbed of long numbers, for at least the
configured number of days."""

import re
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.masking import mask_middle
from fupin.core.scope import Capability, RegionScope
from fupin.finance import rules, selectors
from fupin.finance.models import (
    FundRelease,
    Loan,
    LoanStatus,
    NoticeKind,
    Project,
    PublicNotice,
    SubsidyApplication,
    SubsidyState,
)
from fupin.finance.services.common import Actor, actor_id
from fupin.registry.models import Region

# The fields each notice kind may show (DOMAIN §5.6 and §9): never ID numbers, phones,
# bank accounts or health. Column labels come from here too, so a page cannot add one.
NOTICE_COLUMNS: dict[str, tuple[tuple[str, Promise], ...]] = {
    # 名称、地点、建设任务、补助标准、资金来源及规模、期限、实施单位及责任人、绩效目标、带贫减贫机制
    NoticeKind.PROJECT: (
        ("name", _lazy("项目名称")),
        ("location", _lazy("建设地点")),
        ("content", _lazy("建设内容")),
        ("subsidy_standard", _lazy("补助标准")),
        ("funds", _lazy("资金来源及规模")),
        ("period", _lazy("实施期限")),
        ("department", _lazy("主管部门及责任人")),
        ("performance_target", _lazy("绩效目标")),
        ("benefit_mechanism", _lazy("联农带农机制")),
    ),
    # 对象、用途、额度、期限、利率 and the 贴息 (DOMAIN §9).
    NoticeKind.LOAN_SUBSIDY: (
        ("village", _lazy("村")),
        ("borrower", _lazy("借款人")),
        ("purpose", _lazy("贷款用途")),
        ("amount", _lazy("贷款金额（元）")),
        ("period", _lazy("贷款期限")),
        ("rate", _lazy("年利率（%）")),
        ("bank", _lazy("贷款银行")),
        ("subsidy", _lazy("贴息金额（元）")),
    ),
    NoticeKind.INDUSTRY_SUBSIDY: (
        ("village", _lazy("村")),
        ("household_head", _lazy("户主")),
        ("industry", _lazy("产业")),
        ("scale", _lazy("规模")),
        ("amount", _lazy("奖补金额（元）")),
    ),
    NoticeKind.FUND_ALLOCATION: (
        ("project", _lazy("项目名称")),
        ("location", _lazy("建设地点")),
        ("source", _lazy("资金来源")),
        ("document", _lazy("文号")),
        ("amount", _lazy("下达金额（元）")),
    ),
}

# An ID number, a phone or a bank account typed into free text: 11 digits or more.
_LONG_NUMBER = re.compile(r"\d[\d -]{9,}[\dXx]")


def scrub(text: str) -> str:
    """Free text for a notice, with any long number masked as the audit masks it."""

    def masked(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        return mask_middle(digits, keep_start=3, keep_end=2)

    return _LONG_NUMBER.sub(masked, text)


def _rows(kind: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    names = [name for name, _label in NOTICE_COLUMNS[kind]]
    return [{name: scrub(str(row.get(name, ""))) for name in names} for row in rows]


def _min_days(region_code: str, kind: str) -> int:
    return selectors.notice_min_days(region_code, kind)


def _publish(
    *,
    actor: Actor,
    kind: str,
    region: Region,
    subject_id: str,
    title: str,
    issuer: str,
    lead: str,
    rows: list[dict[str, str]],
    starts_on: date,
    days: int | None,
) -> PublicNotice:
    minimum = _min_days(region.code, kind)
    days = days or minimum
    if days < minimum:
        raise ApplicationError(
            _("公示期不得少于 %(days)s 天。") % {"days": minimum}, code="too_short", field="days"
        )
    if not rows:
        raise ApplicationError(_("没有可公示的内容。"), code="empty")
    return PublicNotice.objects.create(
        kind=kind,
        token=secrets.token_urlsafe(12),
        region=region,
        subject_id=subject_id,
        title=scrub(title),
        issuer=issuer,
        lead=lead,
        columns=[str(label) for _name, label in NOTICE_COLUMNS[kind]],
        rows=_rows(kind, rows),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        published_by_id=actor_id(actor),
    )


def _county_of(region: Region) -> Region:
    while region.level > Region.Level.COUNTY and region.parent is not None:
        region = region.parent
    return region


def project_notice_publish(
    *, actor: Actor, project: Project, starts_on: date, days: int | None = None
) -> PublicNotice:
    """The 项目入库公告 of an approved project, issued by its county. Called inside the
    审定 service's transaction, which audits it."""
    county = _county_of(project.village)
    funds = project.fund_plan or _("待下达")
    return _publish(
        actor=actor,
        kind=NoticeKind.PROJECT,
        region=project.village,
        subject_id=str(project.pk),
        title=_("%(county)s%(year)s年度巩固拓展脱贫攻坚成果和乡村振兴项目入库公告")
        % {"county": county.name, "year": project.year},
        issuer=county.name,
        lead=_("经村级申报、乡镇审核、县级论证和审定，以下项目纳入项目库，现予公告。"),
        rows=[
            {
                "name": project.name,
                "location": project.location,
                "content": project.content,
                "subsidy_standard": project.subsidy_standard,
                "funds": _("%(plan)s，概算 %(budget)s 元")
                % {"plan": funds, "budget": project.budget},
                "period": f"{project.starts_on:%Y-%m-%d} — {project.ends_on:%Y-%m-%d}",
                "department": f"{project.department} {project.responsible_person}",
                "performance_target": project.performance_target,
                "benefit_mechanism": project.benefit_mechanism,
            }
        ],
        starts_on=starts_on,
        days=days,
    )


@transaction.atomic
def loan_subsidy_notice_publish(
    *,
    actor: Actor,
    scope: RegionScope,
    region: Region,
    year: int,
    starts_on: date | None = None,
    days: int | None = None,
) -> PublicNotice:
    """公示 the loans of `region` that earn 贴息 in `year`: who, for what, how much, how
    long, at what rate, and the subsidy.

    Audit action: "finance.loan_subsidy_notice_publish"."""
    scope.require_visible(region.code, _("未找到该区划。"))
    scope.require(Capability.MANAGE_LOANS)
    loans = (
        scope.filter(Loan.objects.all(), region_field="village__code")
        .filter(
            village__code__startswith=region.code, issued_on__year__lte=year, due_on__year__gte=year
        )
        .exclude(status=LoanStatus.DEFAULTED)
        .select_related("borrower", "village")
        .prefetch_related("repayments")
        .order_by("village_id", "id")
    )
    rates = selectors.subsidy_rates_for(region.code)
    rows = []
    for loan in loans:
        lines = rules.interest_subsidy(
            amount=loan.amount,
            annual_rate=loan.annual_rate,
            issued_on=loan.issued_on,
            due_on=loan.due_on,
            repayments=[(r.paid_on, r.principal) for r in loan.repayments.all()],
            rates=rates,
            until=date(year + 1, 1, 1),
        )
        subsidy = sum((line.subsidy for line in lines if line.year == year), Decimal(0))
        if subsidy <= 0:
            continue
        rows.append(
            {
                "village": loan.village.name,
                "borrower": loan.borrower.name,
                "purpose": loan.purpose,
                "amount": str(loan.amount),
                "period": f"{loan.issued_on:%Y-%m-%d} — {loan.due_on:%Y-%m-%d}",
                "rate": format(loan.annual_rate.normalize(), "f"),
                "bank": loan.bank,
                "subsidy": str(subsidy),
            }
        )
    notice = _publish(
        actor=actor,
        kind=NoticeKind.LOAN_SUBSIDY,
        region=region,
        subject_id=str(year),
        title=_("%(region)s%(year)s年度脱贫人口小额信贷贴息公示")
        % {"region": region.name, "year": year},
        issuer=_county_of(region).name,
        lead=_("以下脱贫人口小额信贷享受财政贴息，现予公示，接受群众监督。"),
        rows=rows,
        starts_on=starts_on or timezone.localdate(),
        days=days,
    )
    audit_record(
        actor=actor,
        action="finance.loan_subsidy_notice_publish",
        subject=notice,
        region_code=region.code,
        changes={"year": year, "rows": len(rows), "ends_on": str(notice.ends_on)},
    )
    return notice


@transaction.atomic
def fund_notice_publish(
    *,
    actor: Actor,
    scope: RegionScope,
    county: Region,
    year: int,
    starts_on: date | None = None,
    days: int | None = None,
) -> PublicNotice:
    """公告 the year's 资金分配结果 of a county: each release to a project with its source.

    Audit action: "finance.fund_notice_publish"."""
    scope.require_visible(county.code, _("未找到该区划。"))
    scope.require(Capability.MANAGE_FUNDS)
    releases = (
        FundRelease.objects.filter(allocation__county=county, allocation__year=year)
        .select_related("allocation", "project")
        .order_by("project_id", "id")
    )
    rows = [
        {
            "project": release.project.name,
            "location": release.project.location,
            "source": release.allocation.get_source_display(),
            "document": release.allocation.document_number,
            "amount": str(release.amount),
        }
        for release in releases
    ]
    notice = _publish(
        actor=actor,
        kind=NoticeKind.FUND_ALLOCATION,
        region=county,
        subject_id=str(year),
        title=_("%(county)s%(year)s年度衔接资金分配结果公告")
        % {"county": county.name, "year": year},
        issuer=county.name,
        lead=_("按照“谁分配、谁使用、谁公开”的原则，现将本年度资金分配结果公告如下。"),
        rows=rows,
        starts_on=starts_on or timezone.localdate(),
        days=days,
    )
    audit_record(
        actor=actor,
        action="finance.fund_notice_publish",
        subject=notice,
        region_code=county.code,
        changes={"year": year, "rows": len(rows), "ends_on": str(notice.ends_on)},
    )
    return notice


@transaction.atomic
def subsidy_notice_publish(
    *,
    actor: Actor,
    scope: RegionScope,
    region: Region,
    year: int,
    starts_on: date | None = None,
    days: int | None = None,
) -> PublicNotice:
    """公示 the year's approved 到户产业奖补 of a region: household head, industry, scale and
    amount, nothing else. Audit action: "finance.subsidy_notice_publish"."""
    scope.require_visible(region.code, _("未找到该区划。"))
    scope.require(Capability.MANAGE_FUNDS)
    applications = (
        scope.filter(SubsidyApplication.objects.all(), region_field="village__code")
        .filter(
            village__code__startswith=region.code,
            standard__year=year,
            state__in=[SubsidyState.APPROVED, SubsidyState.PAID],
        )
        .select_related("village", "standard")
        .order_by("village_id", "id")
    )
    heads = selectors.household_head_names([a.household_id for a in applications])
    rows = [
        {
            "village": application.village.name,
            "household_head": heads.get(application.household_id, ""),
            "industry": application.standard.industry,
            "scale": f"{application.scale.normalize():f}{application.standard.unit}",
            "amount": str(application.amount),
        }
        for application in applications
    ]
    notice = _publish(
        actor=actor,
        kind=NoticeKind.INDUSTRY_SUBSIDY,
        region=region,
        subject_id=str(year),
        title=_("%(region)s%(year)s年度到户产业奖补公示") % {"region": region.name, "year": year},
        issuer=_county_of(region).name,
        lead=_("以下农户发展产业经村级核实、乡镇审核，拟享受到户产业奖补，现予公示。"),
        rows=rows,
        starts_on=starts_on or timezone.localdate(),
        days=days,
    )
    audit_record(
        actor=actor,
        action="finance.subsidy_notice_publish",
        subject=notice,
        region_code=region.code,
        changes={"year": year, "rows": len(rows), "ends_on": str(notice.ends_on)},
    )
    return notice
