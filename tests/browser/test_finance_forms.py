"""A county official on a phone registers a loan, records a repayment and a 展期, enters
an allocation, releases it to a project with its arrival and spending, and registers the
asset of an accepted project and shares out a 光伏 station's income; every entry form is
also looked at 1440 px wide."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from fupin.finance import services
from fupin.finance.defaults import seed_defaults, seed_legacy_loan_policies
from fupin.finance.models import (
    IncomeRule,
    Loan,
    LoanPolicy,
    NoticeKind,
    NoticeSetting,
    Project,
)
from fupin.finance.tests.conftest import (
    approve_through,
    head_of,
    project_data,
    register_household,
)
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot
from tests.support import VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = ViewportSize(width=1440, height=900)


def _phone(browser: Browser) -> Page:
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    page.set_default_timeout(15_000)
    return page


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _both_widths(phone: Page, wide: Page, url: str, name: str) -> None:
    """The form as the phone shows it (the test fills it there) and 1440 px wide."""
    wide.goto(url)
    expect(wide.get_by_test_id("entry-form")).to_be_visible()
    screenshot(wide, f"{name}-wide")
    _fits(phone)
    screenshot(phone, f"{name}-phone")


def _save(phone: Page) -> None:
    phone.get_by_test_id("entry-submit").click()
    expect(phone.locator(".alert-success")).to_be_visible()


def _accepted_project(actors: Actors, name: str) -> Project:
    project = services.project_propose(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=project_data(name=name, meeting_on=timezone.localdate() - timedelta(days=30)),
    )
    project = approve_through(actors, project)
    county = scope_of(actors.county_admin)
    services.project_progress_report(
        actor=actors.county_admin,
        scope=county,
        project=project,
        month=timezone.localdate(),
        percent=100,
        note="完工",
    )
    return services.project_accept(
        actor=actors.county_admin,
        scope=county,
        project=project,
        accepted_on=timezone.localdate(),
        opinion="合格",
    )


def test_county_enters_loans_funds_and_assets_on_a_phone(
    page: Page, browser: Browser, live_server: LiveServer, actors: Actors
) -> None:
    seed_defaults(LoanPolicy, NoticeSetting, list(NoticeKind.values))
    seed_legacy_loan_policies(LoanPolicy)
    household = household_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=factories.family(),
    )
    Household.objects.filter(pk=household.pk).update(household_type=codes.HouseholdType.EXITED)
    household.refresh_from_db()
    head = household.members.get(relation=codes.Relation.HEAD)
    today = timezone.localdate()
    base = live_server.url
    phone = _phone(browser)
    login(phone, base, actors.county_admin.username)
    page.set_viewport_size(WIDE)
    login(page, base, actors.county_admin.username)

    # a loan, refused first for a wrong name, then registered
    phone.goto(f"{base}/finance/loans/")
    phone.get_by_test_id("loan-new").click()
    phone.get_by_label("借款人证件号码").fill(head.id_number)
    phone.get_by_label("借款人姓名").fill("王五")
    phone.get_by_label("贷款银行").fill("农安县农村信用合作联社")
    phone.get_by_label("合同编号").fill("NX-WEB-1")
    phone.get_by_label("贷款金额（元）").fill("30000")
    phone.get_by_label("放款日期").fill((today - timedelta(days=200)).isoformat())
    phone.get_by_label("到期日期").fill((today + timedelta(days=500)).isoformat())
    phone.get_by_label("年利率（%）").fill("3.45")
    phone.get_by_label("贷款用途").fill("养殖肉牛")
    phone.get_by_test_id("entry-submit").click()
    expect(phone.locator(".invalid-feedback")).to_contain_text("姓名与证件号码不符")
    screenshot(phone, "finance-loan-form-refused-phone")
    phone.get_by_label("借款人姓名").fill(head.name)
    _both_widths(phone, page, f"{base}/finance/loans/new/", "finance-loan-form")
    _save(phone)
    loan = Loan.objects.get(contract_number="NX-WEB-1")

    # a repayment, then a 展期 of what is left
    phone.get_by_test_id("loan-repayment").click()
    phone.get_by_label("还款日期").fill(today.isoformat())
    phone.get_by_label("归还本金（元）").fill("10000")
    phone.get_by_label("支付利息（元）").fill("300")
    _both_widths(
        phone, page, f"{base}/finance/loans/{loan.pk}/repayment/", "finance-repayment-form"
    )
    _save(phone)
    phone.get_by_test_id("loan-renewal").click()
    phone.get_by_text("展期", exact=True).click()
    phone.get_by_label("新合同编号").fill("NX-WEB-1-ZQ")
    phone.get_by_label("起始日期").fill(today.isoformat())
    phone.get_by_label("到期日期").fill((today + timedelta(days=700)).isoformat())
    _both_widths(phone, page, f"{base}/finance/loans/{loan.pk}/renewal/", "finance-renewal-form")
    _save(phone)
    expect(phone.get_by_test_id("loan-history")).to_contain_text("NX-WEB-1")
    expect(phone.get_by_test_id("loan-history")).to_contain_text("展期")
    _fits(phone)
    screenshot(phone, "finance-loan-extended-phone")
    page.goto(f"{base}/finance/loans/{loan.pk}/default/")
    screenshot(page, "finance-default-form-wide")

    # funds: an allocation, released to a project, arrival and spending
    project = _accepted_project(actors, "东榛柴村肉牛养殖小区")
    phone.goto(f"{base}/finance/funds/")
    phone.get_by_test_id("allocation-new").click()
    phone.get_by_label("资金来源").select_option(label="中央衔接资金")
    phone.get_by_label("文号").fill("吉财农〔2026〕12号")
    phone.get_by_label("分配金额（元）").fill("500000")
    _both_widths(phone, page, f"{base}/finance/funds/new/", "finance-allocation-form")
    _save(phone)
    phone.goto(f"{base}/finance/projects/{project.pk}/")
    phone.get_by_test_id("project-release").click()
    phone.get_by_label("资金分配").select_option(index=1)
    phone.get_by_label("下达金额（元）").fill("300000")
    _both_widths(
        phone, page, f"{base}/finance/projects/{project.pk}/release/", "finance-release-form"
    )
    _save(phone)
    for kind, amount in (("到账", "300000"), ("支出", "120000")):
        phone.get_by_test_id("project-fund-entry").click()
        phone.get_by_label("资金下达").select_option(index=1)
        phone.get_by_text(kind, exact=True).click()
        phone.get_by_label("金额（元）").fill(amount)
        if kind == "支出":
            _both_widths(
                phone,
                page,
                f"{base}/finance/projects/{project.pk}/fund-entry/",
                "finance-fund-entry-form",
            )
        _save(phone)
    phone.goto(f"{base}/finance/funds/?year={today.year}")
    expect(phone.get_by_test_id("fund-percent")).to_have_text("40.0%")

    # the asset the accepted project formed
    phone.goto(f"{base}/finance/projects/{project.pk}/")
    phone.get_by_test_id("asset-new").click()
    phone.get_by_label("资产类别").select_option(label="经营性资产")
    phone.get_by_label("权属层级").select_option(label="村级")
    phone.get_by_label("所有权人").fill("东榛柴村股份经济合作社")
    phone.get_by_label("管护主体").fill("东榛柴村村民委员会")
    phone.get_by_label("资产原值（元）").fill("1200000")
    phone.get_by_label("确权日期").fill(today.isoformat())
    _both_widths(phone, page, f"{base}/finance/projects/{project.pk}/asset/", "finance-asset-form")
    _save(phone)
    expect(phone.get_by_test_id("asset-facts")).to_contain_text("东榛柴村股份经济合作社")
    for action, name in (("asset-transfer", "transfer"), ("asset-disposal", "disposal")):
        page.goto(phone.url)
        page.get_by_test_id(action).click()
        screenshot(page, f"finance-asset-{name}-form-wide")

    # the yearly adjustment form and the 户贷企用 form of a legacy loan
    page.goto(f"{base}/finance/projects/adjustments/new/")
    screenshot(page, "finance-pool-adjustment-form-wide")
    phone.goto(f"{base}/finance/projects/adjustments/new/")
    _fits(phone)
    screenshot(phone, "finance-pool-adjustment-form-phone")
    legacy = services.loan_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        borrower=head,
        bank="农安县农村信用合作联社",
        contract_number="NX-2016-WEB",
        amount=Decimal(20000),
        issued_on=date(2016, 5, 1),
        due_on=date(2019, 4, 30),
        annual_rate=Decimal("4.35"),
        purpose="入股合作社",
        is_household_use=True,
    )
    phone.goto(f"{base}/finance/loans/{legacy.pk}/")
    phone.get_by_test_id("loan-enterprise-use-edit").click()
    phone.get_by_label("使用企业").fill("农安县宏达肉牛养殖专业合作社")
    phone.get_by_label("企业使用金额（元）").fill("20000")
    phone.get_by_label("累计分红（元）").fill("2400")
    phone.get_by_label("借款人同意").check()
    _both_widths(
        phone, page, f"{base}/finance/loans/{legacy.pk}/enterprise-use/", "finance-enterprise-form"
    )
    _save(phone)
    expect(phone.get_by_test_id("loan-enterprise-use")).to_contain_text("农安县宏达")


def test_county_enters_a_solar_distribution_on_a_phone(
    page: Page, browser: Browser, live_server: LiveServer, actors: Actors
) -> None:
    """收益分配 of a 光伏 station's month: refused below the rule's 80 % for 公益岗位, then
    entered with a row added on the page, and seen on the asset's page."""
    head = head_of(register_household(actors))
    today = timezone.localdate()
    asset = services.asset_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        project=_accepted_project(actors, "东榛柴村 100 千瓦光伏电站"),
        name="东榛柴村 100 千瓦光伏电站",
        category="operating",
        owner_level="village",
        owner="东榛柴村股份经济合作社",
        custodian="东榛柴村村民委员会",
        value=Decimal(680000),
        confirmed_on=today,
        income_rule=IncomeRule.objects.create(
            region_code="22", name="光伏收益分配", min_post_percent=Decimal(80)
        ),
    )
    base = live_server.url
    phone = _phone(browser)
    login(phone, base, actors.county_admin.username)
    page.set_viewport_size(WIDE)
    login(page, base, actors.county_admin.username)

    phone.goto(f"{base}/finance/assets/{asset.pk}/")
    phone.get_by_test_id("asset-distribution").click()
    expect(phone.get_by_test_id("entry-facts")).to_contain_text("公益岗位工资不少于 80%")
    phone.get_by_label("本次收益（元）").fill("8000")
    rows = [
        ("post_wage", f"{head.name}（护林员）", head.id_number, "1700"),
        ("post_wage", "李秀兰（保洁员）", "", "1700"),
        ("post_wage", "王德福（水管员）", "", "1700"),
        ("post_wage", "赵桂芝（保洁员）", "", "1400"),
        ("public_works", "村内道路维护", "", "1000"),
        ("public_works", "村内路灯维修", "", "500"),
    ]
    phone.get_by_test_id("share-add").click()
    for index, (kind, recipient, id_number, amount) in enumerate(rows):
        row = phone.get_by_test_id(f"share-{index}")
        row.get_by_label("分配类别").select_option(kind)
        row.get_by_label("领取人或用途").fill(recipient)
        row.get_by_label("证件号码").fill(id_number)
        row.get_by_label("金额（元）").fill(amount)
    # 赵桂芝's wage booked as public works: 5100 of 8000 is 63.8 %, below the rule
    phone.get_by_test_id("share-3").get_by_label("分配类别").select_option("public_works")
    phone.get_by_test_id("entry-submit").click()
    expect(phone.get_by_test_id("form-errors")).to_contain_text(
        "公益岗位工资不得少于收益的 80%（本次 63.8%）"
    )
    _fits(phone)
    screenshot(phone, "finance-distribution-form-refused-phone")
    phone.get_by_test_id("share-3").get_by_label("分配类别").select_option("post_wage")
    _both_widths(
        phone, page, f"{base}/finance/assets/{asset.pk}/distribution/", "finance-distribution-form"
    )
    _save(phone)

    expect(phone.get_by_test_id("asset-income")).to_have_text("8000.00")
    events = phone.get_by_test_id("asset-events")
    expect(events).to_contain_text("收益分配")
    expect(events).to_contain_text(f"{head.name}（护林员） · 1700.00")
    expect(events).to_contain_text("村内路灯维修 · 500.00")
    _fits(phone)
    screenshot(phone, "finance-distribution-done-phone")
    page.goto(phone.url)
    screenshot(page, "finance-distribution-done-wide")
