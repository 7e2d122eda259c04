"""The 收益分配 entry form of an asset: saves through the service with an audit event and
links a 公益岗位 wage to the worker's household; refuses bad input in Chinese (the
service's messages included) and changes nothing; the county's alone, in its region."""

import re
from datetime import date
from decimal import Decimal

from fupin.audit.models import AuditEvent
from fupin.finance import services
from fupin.finance.models import AssetEvent, Distribution
from fupin.finance.tests.conftest import head_of, solar_asset
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import Actors, client_for, nothing_changes, scope_of

ROWS = 5


def _form(*rows: dict[str, str], **changes: str) -> dict[str, str]:
    """The form as the page posts it: the income, then five rows (unused ones as offered)."""
    form = {
        "income": "8000",
        "distributed_on": "2025-11-05",
        "period": "2025年10月",
        "shares-TOTAL_FORMS": str(max(ROWS, len(rows))),
        "shares-INITIAL_FORMS": "0",
        "shares-MIN_NUM_FORMS": "0",
        "shares-MAX_NUM_FORMS": "100",
    }
    for index in range(max(ROWS, len(rows))):
        row = {"kind": "post_wage", "recipient": "", "id_number": "", "amount": ""}
        if index < len(rows):
            row.update(rows[index])
        form.update({f"shares-{index}-{name}": value for name, value in row.items()})
    form.update(changes)
    return form


def _wage(recipient: str, amount: str, id_number: str = "") -> dict[str, str]:
    return {"kind": "post_wage", "recipient": recipient, "amount": amount, "id_number": id_number}


def _works(purpose: str, amount: str) -> dict[str, str]:
    return {"kind": "public_works", "recipient": purpose, "amount": amount}


def test_county_enters_a_distribution_through_the_form(
    actors: Actors, household: Household
) -> None:
    asset = solar_asset(actors)
    county = client_for(actors.county_admin)
    url = f"/finance/assets/{asset.pk}/"
    page = county.get(url).content.decode()
    assert f'href="{url}distribution/"' in page

    offered = county.get(f"{url}distribution/").content.decode()
    assert len(re.findall(r'data-testid="share-\d+"', offered)) == ROWS
    assert "光伏收益分配：公益岗位工资不少于 80%" in offered
    response = county.post(
        f"{url}distribution/",
        _form(
            _wage("张建国（护林员）", "3500", head_of(household).id_number.lower()),
            _wage("王德福（水管员）", "3000"),
            _works("村内路灯维修", "1500"),
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == url
    event = AssetEvent.objects.get(asset=asset, kind=AssetEvent.Kind.DISTRIBUTION)
    assert (event.amount, event.occurred_on, event.note) == (
        Decimal("8000.00"),
        date(2025, 11, 5),
        "2025年10月",
    )
    assert list(event.shares.values_list("kind", "recipient", "household_id", "amount")) == [
        ("post_wage", "张建国（护林员）", household.pk, Decimal("3500.00")),
        ("post_wage", "王德福（水管员）", None, Decimal("3000.00")),
        ("public_works", "村内路灯维修", None, Decimal("1500.00")),
    ]
    audit = AuditEvent.objects.get(action="finance.asset_income_distribute")
    assert (audit.subject_id, audit.actor_id, audit.changes["post_wages"]) == (
        str(asset.pk),
        actors.county_admin.pk,
        "6500",
    )
    shown = county.get(url).content.decode()
    assert "收益分配已登记。" in shown
    assert "公益岗位工资 · 张建国（护林员） · 3500.00" in shown


def test_bad_input_is_refused_in_chinese_and_changes_nothing(
    actors: Actors, household: Household
) -> None:
    asset = solar_asset(actors)
    county = client_for(actors.county_admin)
    url = f"/finance/assets/{asset.pk}/distribution/"
    head = head_of(household)
    other = factories.id_number(date(1980, 1, 1), male=True)
    wages, works = _wage("张建国（护林员）", "6500"), _works("村内路灯维修", "1500")
    cases: dict[str, tuple[dict[str, str], str]] = {
        "no income": (_form(wages, works, income="0"), "确保该值大于或等于0.01"),
        "future date": (_form(wages, works, distributed_on="2025-11-11"), "日期不能晚于今天。"),
        "no period": (_form(wages, works, period=" "), "这个字段是必填项。"),
        "no rows": (_form(), "请至少填写一笔分配。"),
        "row amount": (_form(wages, _works("路灯", "0")), "确保该值大于或等于0.01"),
        "row recipient": (_form(wages, _works("", "1500")), "请按提示修改分配明细。"),
        "unbalanced": (
            _form(wages, _works("村内路灯维修", "1499.99")),
            "分配合计 7999.99 元与收益 8000 元不一致。",
        ),
        "rule": (
            _form(_wage("张建国", "6000"), _works("路灯", "2000")),
            "按“光伏收益分配”，公益岗位工资不得少于收益的 80%（本次 75.0%）。",
        ),
        "bad id": (_form(_wage("张建国", "6500", "12345"), works), "身份证号码应为 18 位"),
        "unknown id": (
            _form(_wage("张建国", "6500", other), works),
            f"第 1 笔：证件号码 {other} 不是您管辖范围内的在册人员。",
        ),
        "wrong name": (
            _form(works, _wage("王德福（水管员）", "6500", head.id_number)),
            "第 2 笔：领取人应写在册姓名 张建国。",
        ),
        "id on works": (
            _form(wages, {**works, "id_number": head.id_number}),
            "只有公益岗位工资填写证件号码。",
        ),
    }
    for case, (form, message) in cases.items():
        with nothing_changes(asset):
            response = county.post(url, form)
        assert response.status_code == 200, case
        assert message in response.content.decode(), case
    assert not Distribution.objects.exists()


def test_a_worker_of_another_county_is_not_confirmed(actors: Actors) -> None:
    asset = solar_asset(actors)
    elsewhere = household_register(
        actor=actors.other_county_admin,
        scope=scope_of(actors.other_county_admin),
        data=factories.household("220112100201001", "220112100201"),
        members=factories.family(),
    )
    worker = head_of(elsewhere)
    county = client_for(actors.county_admin)
    with nothing_changes(asset):
        response = county.post(
            f"/finance/assets/{asset.pk}/distribution/",
            _form(
                _wage(f"{worker.name}（护林员）", "6500", worker.id_number),
                _works("路灯", "1500"),
            ),
        )
    page = response.content.decode()
    assert f"证件号码 {worker.id_number} 不是您管辖范围内的在册人员。" in page
    assert "在册姓名" not in page


def test_other_regions_get_not_found_and_other_roles_are_sent_back(actors: Actors) -> None:
    asset = solar_asset(actors)
    url = f"/finance/assets/{asset.pk}/distribution/"
    form = _form(_wage("张建国", "6500"), _works("路灯", "1500"))
    elsewhere = client_for(actors.other_county_admin)
    with nothing_changes(asset):
        assert elsewhere.get(url).status_code == 404
        assert elsewhere.post(url, form).status_code == 404
    for user in (actors.village_officer, actors.township_reviewer, actors.auditor):
        client = client_for(user)
        with nothing_changes(asset):
            refused = client.post(url, form)
        assert refused.status_code == 302, user.username
        assert refused["Location"] == f"/finance/assets/{asset.pk}/", user.username
        page = client.get(f"/finance/assets/{asset.pk}/").content.decode()
        assert "资金和资产由县级登记。" in page, user.username
        assert 'data-testid="asset-distribution"' not in page, user.username
    assert not AuditEvent.objects.filter(action="finance.asset_income_distribute").exists()


def test_a_disposed_asset_takes_no_distribution(actors: Actors) -> None:
    asset = solar_asset(actors)
    services.asset_dispose(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        asset=asset,
        disposed_on=date(2025, 11, 6),
        proceeds=Decimal(0),
        reason="电站损毁",
    )
    county = client_for(actors.county_admin)
    assert (
        'data-testid="asset-distribution"'
        not in county.get(f"/finance/assets/{asset.pk}/").content.decode()
    )
    with nothing_changes():
        refused = county.post(
            f"/finance/assets/{asset.pk}/distribution/",
            _form(_wage("张建国", "6500"), _works("路灯", "1500")),
        )
    assert "该资产已处置。" in refused.content.decode()
