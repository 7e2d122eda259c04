"""Project assets: 登记 from an accepted project, 移交, 收益分配 by the asset's rule, 处置."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.finance.models import (
    Asset,
    AssetCategory,
    AssetEvent,
    Distribution,
    IncomeRule,
    OwnerLevel,
    Project,
    ProjectState,
)
from fupin.finance.services.common import Actor, actor_id, require
from fupin.registry.models import Household

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Share:
    """One share of a distribution: a 公益岗位 wage (with the worker's household) or an
    amount for a 小型公益事业 purpose."""

    kind: str
    recipient: str
    amount: Decimal
    household: Household | None = None


def _locked(scope: RegionScope, asset: Asset) -> Asset:
    require(scope, Capability.MANAGE_FUNDS, asset.region_id, _("未找到该资产。"))
    locked = (
        Asset.objects.select_for_update(of=("self",)).select_related("income_rule").get(pk=asset.pk)
    )
    if locked.is_disposed:
        raise ApplicationError(_("该资产已处置。"), code="disposed")
    return locked


def _event(
    *, actor: Actor, asset: Asset, kind: str, on: date, amount: Decimal, note: str, field: str
) -> AssetEvent:
    """The event row; `field` names the caller's date argument, so a form shows the
    refusal of a future date beside its own date field."""
    if on > timezone.localdate():
        raise ApplicationError(_("日期不能晚于今天。"), code="date", field=field)
    return AssetEvent.objects.create(
        asset=asset,
        kind=kind,
        occurred_on=on,
        amount=amount,
        note=note,
        recorded_by_id=actor_id(actor),
    )


@transaction.atomic
def asset_register(
    *,
    actor: Actor,
    scope: RegionScope,
    project: Project,
    name: str,
    category: str,
    owner_level: str,
    owner: str,
    custodian: str,
    value: Decimal,
    confirmed_on: date,
    income_rule: IncomeRule | None = None,
) -> Asset:
    """登记 an asset of an accepted project (谁主管、谁负责): its owner, custodian, value and
    确权 date. Audit action: "finance.asset_register"."""
    require(scope, Capability.MANAGE_FUNDS, project.village_id, _("未找到该项目。"))
    if project.state != ProjectState.ACCEPTED or project.accepted_on is None:
        raise ApplicationError(_("项目验收后才能登记资产。"), code="not_accepted")
    if category not in AssetCategory.values or owner_level not in OwnerLevel.values:
        raise ApplicationError(_("请选择资产类别和权属层级。"), code="category")
    if value <= 0:
        raise ApplicationError(_("资产原值必须大于 0。"), code="value", field="value")
    if not owner.strip() or not custodian.strip():
        raise ApplicationError(_("请填写所有权人和管护主体。"), code="owner", field="owner")
    if confirmed_on < project.accepted_on:
        raise ApplicationError(
            _("确权日期不能早于验收日期。"), code="confirmed_on", field="confirmed_on"
        )
    asset = Asset.objects.create(
        project=project,
        region_id=project.village_id,
        name=name.strip() or project.name,
        category=category,
        owner_level=owner_level,
        owner=owner.strip(),
        custodian=custodian.strip(),
        value=value,
        formed_on=project.accepted_on,
        confirmed_on=confirmed_on,
        income_rule=income_rule,
    )
    _event(
        actor=actor,
        asset=asset,
        kind=AssetEvent.Kind.REGISTER,
        on=confirmed_on,
        amount=value,
        note="",
        field="confirmed_on",
    )
    audit_record(
        actor=actor,
        action="finance.asset_register",
        subject=asset,
        region_code=asset.region_id,
        changes={"name": asset.name, "value": str(value), "owner": asset.owner},
    )
    return asset


@transaction.atomic
def asset_transfer(
    *,
    actor: Actor,
    scope: RegionScope,
    asset: Asset,
    owner: str,
    custodian: str,
    transferred_on: date,
) -> Asset:
    """移交 an asset to a new owner and custodian. Audit action: "finance.asset_transfer"."""
    asset = _locked(scope, asset)
    if not owner.strip() or not custodian.strip():
        raise ApplicationError(_("请填写所有权人和管护主体。"), code="owner", field="owner")
    note = f"{asset.owner} → {owner.strip()}"
    _event(
        actor=actor,
        asset=asset,
        kind=AssetEvent.Kind.TRANSFER,
        on=transferred_on,
        amount=asset.value,
        note=note,
        field="transferred_on",
    )
    asset.owner, asset.custodian = owner.strip(), custodian.strip()
    asset.save(update_fields=["owner", "custodian"])
    audit_record(
        actor=actor,
        action="finance.asset_transfer",
        subject=asset,
        region_code=asset.region_id,
        changes={"owner": asset.owner, "custodian": asset.custodian},
    )
    return asset


@transaction.atomic
def asset_income_distribute(
    *,
    actor: Actor,
    scope: RegionScope,
    asset: Asset,
    income: Decimal,
    distributed_on: date,
    period: str,
    shares: list[Share],
) -> AssetEvent:
    """收益分配 of one period's income: the shares must add up to the income exactly, and
    公益岗位 wages must reach the asset's rule (光伏: ≥ 80 %).

    Audit action: "finance.asset_income_distribute"."""
    asset = _locked(scope, asset)
    if income <= 0:
        raise ApplicationError(_("收益金额必须大于 0。"), code="income", field="income")
    if any(share.amount <= 0 or share.kind not in Distribution.Kind.values for share in shares):
        raise ApplicationError(_("每一笔分配金额必须大于 0，并注明用途。"), code="shares")
    total = sum((share.amount for share in shares), Decimal(0))
    if total != income:
        raise ApplicationError(
            _("分配合计 %(total)s 元与收益 %(income)s 元不一致。")
            % {"total": total, "income": income},
            code="unbalanced",
        )
    wages = sum((s.amount for s in shares if s.kind == Distribution.Kind.POST_WAGE), Decimal(0))
    rule = asset.income_rule
    if rule is not None and wages * HUNDRED < rule.min_post_percent * income:
        raise ApplicationError(
            _("按“%(rule)s”，公益岗位工资不得少于收益的 %(percent)s%%（本次 %(actual)s%%）。")
            % {
                "rule": rule.name,
                "percent": format(rule.min_post_percent.normalize(), "f"),
                "actual": (wages * HUNDRED / income).quantize(Decimal("0.1")),
            },
            code="post_share",
        )
    for share in shares:
        if share.household is not None:
            scope.require_visible(share.household.village_id, _("未找到该农户。"))
    event = _event(
        actor=actor,
        asset=asset,
        kind=AssetEvent.Kind.DISTRIBUTION,
        on=distributed_on,
        amount=income,
        note=period,
        field="distributed_on",
    )
    Distribution.objects.bulk_create(
        Distribution(
            event=event,
            kind=share.kind,
            recipient=share.recipient,
            household=share.household,
            amount=share.amount,
        )
        for share in shares
    )
    audit_record(
        actor=actor,
        action="finance.asset_income_distribute",
        subject=asset,
        region_code=asset.region_id,
        changes={
            "income": str(income),
            "period": period,
            "post_wages": str(wages),
            "shares": len(shares),
        },
    )
    return event


@transaction.atomic
def asset_dispose(
    *,
    actor: Actor,
    scope: RegionScope,
    asset: Asset,
    disposed_on: date,
    proceeds: Decimal,
    reason: str,
) -> Asset:
    """处置 an asset; a village's proceeds return to its collective (DOMAIN §9).

    Audit action: "finance.asset_dispose"."""
    asset = _locked(scope, asset)
    if not reason.strip():
        raise ApplicationError(_("请填写处置原因。"), code="reason", field="reason")
    if proceeds < 0:
        raise ApplicationError(_("处置收入不能为负数。"), code="proceeds", field="proceeds")
    _event(
        actor=actor,
        asset=asset,
        kind=AssetEvent.Kind.DISPOSAL,
        on=disposed_on,
        amount=proceeds,
        note=reason.strip(),
        field="disposed_on",
    )
    asset.is_disposed = True
    asset.save(update_fields=["is_disposed"])
    audit_record(
        actor=actor,
        action="finance.asset_dispose",
        subject=asset,
        region_code=asset.region_id,
        changes={"proceeds": str(proceeds), "reason": reason.strip()},
    )
    return asset
