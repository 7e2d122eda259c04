"""Project assets: registration from an accepted project, 光伏 income shared by its rule
(≥ 80 % to 公益岗位), the distribution adding up to the income, transfer, disposal, the
county 总账 and scope."""

from datetime import date
from decimal import Decimal

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.finance import selectors, services
from fupin.finance.models import Distribution
from fupin.finance.services import Share
from fupin.finance.tests.conftest import approve_through, propose, solar_asset
from fupin.registry.models import Household
from tests.support import Actors, nothing_changes, scope_of

POST = Distribution.Kind.POST_WAGE
WORKS = Distribution.Kind.PUBLIC_WORKS


def test_solar_income_is_shared_by_its_rule_and_adds_up(
    actors: Actors, household: Household
) -> None:
    asset = solar_asset(actors)
    shares = [
        Share(POST, "张建国（护林员）", Decimal("1700"), household),
        Share(POST, "李秀兰（保洁员）", Decimal("1700"), household),
        Share(POST, "王德福（水管员）", Decimal("1700"), None),
        Share(POST, "赵桂芝（保洁员）", Decimal("1400"), None),
        Share(WORKS, "村内路灯维修", Decimal("1500")),
    ]

    event = services.asset_income_distribute(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        asset=asset,
        income=Decimal("8000"),
        distributed_on=date(2025, 11, 5),
        period="2025年10月",
        shares=shares,
    )

    assert sum(share.amount for share in event.shares.all()) == event.amount == Decimal("8000")
    detail = selectors.asset_detail(scope=scope_of(actors.village_officer), asset_id=asset.pk)
    assert (detail.income_distributed, detail.post_wages) == (Decimal("8000"), Decimal("6500"))
    assert [e.kind for e in detail.events] == ["register", "distribution"]
    assert (
        AuditEvent.objects.get(action="finance.asset_income_distribute").changes["post_wages"]
        == "6500"
    )


def test_less_than_the_rules_share_for_posts_is_refused(actors: Actors) -> None:
    asset = solar_asset(actors)
    with nothing_changes(asset), pytest.raises(ApplicationError) as refused:
        services.asset_income_distribute(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            asset=asset,
            income=Decimal("8000"),
            distributed_on=date(2025, 11, 5),
            period="2025年10月",
            shares=[Share(POST, "张建国", Decimal("6000")), Share(WORKS, "路灯", Decimal("2000"))],
        )
    assert (
        refused.value.message == "按“光伏收益分配”，公益岗位工资不得少于收益的 80%（本次 75.0%）。"
    )


def test_shares_must_add_up_to_the_income(actors: Actors) -> None:
    asset = solar_asset(actors)
    with nothing_changes(asset), pytest.raises(ApplicationError, match="不一致"):
        services.asset_income_distribute(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            asset=asset,
            income=Decimal("8000"),
            distributed_on=date(2025, 11, 5),
            period="2025年10月",
            shares=[Share(POST, "张建国", Decimal("7999.99"))],
        )


def test_only_accepted_projects_form_assets_and_the_county_in_scope_keeps_them(
    actors: Actors,
) -> None:
    project = approve_through(actors, propose(actors))
    with nothing_changes(project), pytest.raises(ApplicationError, match="验收后"):
        services.asset_register(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            project=project,
            name="牛舍",
            category="operating",
            owner_level="village",
            owner="村集体",
            custodian="村委会",
            value=Decimal("1"),
            confirmed_on=date(2025, 11, 1),
        )
    asset = solar_asset(actors)
    with nothing_changes(asset), pytest.raises(NotFoundError):
        services.asset_transfer(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            asset=asset,
            owner="x",
            custodian="y",
            transferred_on=date(2025, 11, 1),
        )


def test_transfer_dispose_and_the_county_ledger(actors: Actors) -> None:
    asset = solar_asset(actors)
    county = scope_of(actors.county_admin)
    services.asset_transfer(
        actor=actors.county_admin,
        scope=county,
        asset=asset,
        owner="东榛柴村股份经济合作社",
        custodian="农安县光伏运维公司",
        transferred_on=date(2025, 11, 1),
    )

    ledger = selectors.asset_ledger(scope=county)
    assert (ledger.count, ledger.value) == (1, Decimal("680000"))
    assert [(line.label, line.count) for line in ledger.by_category] == [("经营性资产", 1)]
    assert [(line.label, line.count) for line in ledger.by_owner_level] == [("村级", 1)]

    services.asset_dispose(
        actor=actors.county_admin,
        scope=county,
        asset=asset,
        disposed_on=date(2025, 11, 9),
        proceeds=Decimal(0),
        reason="雹灾损毁",
    )
    assert selectors.asset_ledger(scope=county).count == 0
    assert selectors.asset_ledger(scope=scope_of(actors.other_county_admin)).income_distributed == 0
