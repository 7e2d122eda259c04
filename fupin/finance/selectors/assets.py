"""Asset reads: the county 总账 (totals by category and owner level), the 明细台账 of
assets, and one asset with its events and distributions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import RegionScope, region_path_codes
from fupin.finance.models import Asset, AssetCategory, AssetEvent, IncomeRule, OwnerLevel
from fupin.finance.selectors.loans import member_in_scope
from fupin.registry.models import Household

# SQLite's SUM drops the scale of decimals: fen as everywhere else.
FEN = Decimal("0.01")


def asset_list(*, scope: RegionScope) -> QuerySet[Asset]:
    """The 明细台账: assets in scope, by village."""
    return scope.filter(Asset.objects.all(), region_field="region__code").select_related(
        "region", "region__parent", "project"
    )


def income_rules_for(region_code: str) -> QuerySet[IncomeRule]:
    """The income distribution rules that apply to a region (its own and its ancestors')."""
    return IncomeRule.objects.filter(region_code__in=region_path_codes(region_code)).order_by(
        "name", "id"
    )


@dataclass(frozen=True)
class LedgerLine:
    label: str
    count: int
    value: Decimal


@dataclass(frozen=True)
class AssetLedger:
    """The 总账: assets and their value by category and by owner level, and the total."""

    by_category: list[LedgerLine]
    by_owner_level: list[LedgerLine]
    count: int
    value: Decimal
    income_distributed: Decimal


def asset_ledger(*, scope: RegionScope) -> AssetLedger:
    assets = asset_list(scope=scope).filter(is_disposed=False)

    def lines(field: str, labels: type[AssetCategory] | type[OwnerLevel]) -> list[LedgerLine]:
        rows = {
            row[field]: row
            for row in assets.order_by()
            .values(field)
            .annotate(count=Count("id"), value=Sum("value"))
        }
        return [
            LedgerLine(str(label), rows[code]["count"], rows[code]["value"].quantize(FEN))
            for code, label in labels.choices
            if code in rows
        ]

    totals = assets.aggregate(count=Count("id"), value=Sum("value"))
    distributed = scope.filter(
        AssetEvent.objects.filter(kind=AssetEvent.Kind.DISTRIBUTION),
        region_field="asset__region__code",
    ).aggregate(total=Sum("amount"))["total"]
    return AssetLedger(
        by_category=lines("category", AssetCategory),
        by_owner_level=lines("owner_level", OwnerLevel),
        count=totals["count"] or 0,
        value=(totals["value"] or Decimal(0)).quantize(FEN),
        income_distributed=(distributed or Decimal(0)).quantize(FEN),
    )


@dataclass(frozen=True)
class AssetDetail:
    asset: Asset
    events: list[AssetEvent]
    income_distributed: Decimal
    post_wages: Decimal


def asset_detail(*, scope: RegionScope, asset_id: int) -> AssetDetail:
    asset = asset_list(scope=scope).select_related("income_rule").filter(pk=asset_id).first()
    if asset is None:
        raise NotFoundError(_("未找到该资产。"))
    events = list(asset.events.prefetch_related("shares"))
    distributed = sum(
        (e.amount for e in events if e.kind == AssetEvent.Kind.DISTRIBUTION), Decimal(0)
    )
    wages = sum(
        (s.amount for e in events for s in e.shares.all() if s.kind == "post_wage"), Decimal(0)
    )
    return AssetDetail(asset, events, distributed, wages)


def share_worker_household(*, scope: RegionScope, id_number: str, recipient: str) -> Household:
    """The household of the 公益岗位 worker a distribution row names by ID number.

    Raises ApplicationError for a number not registered in scope (said alike for one
    outside it, so the form confirms nobody elsewhere), or a recipient that does not name
    the registered person."""
    member = member_in_scope(scope=scope, id_number=id_number)
    if member is None:
        raise ApplicationError(
            _("证件号码 %(number)s 不是您管辖范围内的在册人员。") % {"number": id_number},
            code="worker",
            field="id_number",
        )
    if member.name not in recipient:
        raise ApplicationError(
            _("领取人应写在册姓名 %(name)s。") % {"name": member.name},
            code="worker_name",
            field="recipient",
        )
    return member.household
