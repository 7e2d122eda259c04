"""Funds: allocations by source and level, 下达 to projects in the pool, 到账 and 支出."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import CODE_LENGTHS, Capability, RegionScope
from fupin.finance.models import (
    FundAllocation,
    FundEntry,
    FundRelease,
    FundSource,
    Project,
    ProjectState,
)
from fupin.finance.services.common import Actor, require

COUNTY_CODE_LENGTH = CODE_LENGTHS[2]


def _positive(amount: Decimal) -> None:
    if amount <= 0:
        raise ApplicationError(_("金额必须大于 0。"), code="amount", field="amount")


def _total(queryset: "object") -> Decimal:
    value = queryset.aggregate(total=Sum("amount"))["total"]  # type: ignore[attr-defined]
    return value if value is not None else Decimal(0)


@transaction.atomic
def fund_allocate(
    *,
    actor: Actor,
    scope: RegionScope,
    county_code: str,
    year: int,
    source: str,
    document_number: str,
    amount: Decimal,
    allocated_on: date,
) -> FundAllocation:
    """Record money allocated to a county for a year from one source (资金分配).

    Audit action: "finance.fund_allocate"."""
    require(scope, Capability.MANAGE_FUNDS, county_code, _("未找到该县。"))
    if len(county_code) != COUNTY_CODE_LENGTH:
        raise ApplicationError(_("资金分配到县（市、区）。"), code="county", field="county_code")
    if source not in FundSource.values:
        raise ApplicationError(_("请选择资金来源。"), code="source", field="source")
    _positive(amount)
    if not document_number.strip():
        raise ApplicationError(_("请填写文号。"), code="document", field="document_number")
    allocation = FundAllocation.objects.create(
        county_id=county_code,
        year=year,
        source=source,
        document_number=document_number.strip(),
        amount=amount,
        allocated_on=allocated_on,
    )
    audit_record(
        actor=actor,
        action="finance.fund_allocate",
        subject=allocation,
        region_code=county_code,
        changes={"source": source, "amount": str(amount), "year": year},
    )
    return allocation


@transaction.atomic
def fund_release(
    *,
    actor: Actor,
    scope: RegionScope,
    allocation: FundAllocation,
    project: Project,
    amount: Decimal,
    released_on: date,
) -> FundRelease:
    """下达 part of an allocation to a project of the pool in the same county, never more
    than the allocation has left. Audit action: "finance.fund_release"."""
    require(scope, Capability.MANAGE_FUNDS, project.village_id, _("未找到该项目。"))
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    scope.require_visible(allocation.county_id, _("未找到该资金分配。"))
    if not project.village_id.startswith(allocation.county_id):
        raise ApplicationError(_("只能下达到本县的项目。"), code="county", field="project")
    if project.state not in (ProjectState.APPROVED, ProjectState.ACCEPTED):
        raise ApplicationError(_("只能向已入库的项目下达资金。"), code="state", field="project")
    _positive(amount)
    left = allocation.amount - _total(allocation.releases.all())
    if amount > left:
        raise ApplicationError(
            _("下达金额超过该笔资金的剩余额度 %(left)s 元。") % {"left": left},
            code="over_allocation",
            field="amount",
        )
    release = FundRelease.objects.create(
        allocation=allocation, project=project, amount=amount, released_on=released_on
    )
    audit_record(
        actor=actor,
        action="finance.fund_release",
        subject=project,
        region_code=project.village_id,
        changes={"allocation": allocation.pk, "amount": str(amount)},
    )
    return release


@transaction.atomic
def fund_entry_record(
    *,
    actor: Actor,
    scope: RegionScope,
    release: FundRelease,
    kind: str,
    amount: Decimal,
    entered_on: date,
    note: str = "",
) -> FundEntry:
    """到账 (never more than released) or 支出 (never more than arrived).

    Audit action: "finance.fund_entry_record"."""
    release = (
        FundRelease.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=release.pk)
    )
    require(scope, Capability.MANAGE_FUNDS, release.project.village_id, _("未找到该项目。"))
    _positive(amount)
    arrived = _total(release.entries.filter(kind=FundEntry.Kind.ARRIVAL))
    if kind == FundEntry.Kind.ARRIVAL:
        if arrived + amount > release.amount:
            raise ApplicationError(
                _("到账金额累计超过下达金额 %(amount)s 元。") % {"amount": release.amount},
                code="over_release",
                field="amount",
            )
    elif kind == FundEntry.Kind.SPENDING:
        spent = _total(release.entries.filter(kind=FundEntry.Kind.SPENDING))
        if spent + amount > arrived:
            raise ApplicationError(
                _("支出金额累计超过到账金额 %(amount)s 元。") % {"amount": arrived},
                code="over_arrival",
                field="amount",
            )
    else:
        raise ApplicationError(_("请选择到账或支出。"), code="kind", field="kind")
    if entered_on < release.released_on:
        raise ApplicationError(_("日期不能早于下达日期。"), code="date", field="entered_on")
    entry = FundEntry.objects.create(
        release=release, kind=kind, amount=amount, entered_on=entered_on, note=note.strip()
    )
    audit_record(
        actor=actor,
        action="finance.fund_entry_record",
        subject=release.project,
        region_code=release.project.village_id,
        changes={"kind": kind, "amount": str(amount), "entered_on": str(entered_on)},
    )
    return entry
