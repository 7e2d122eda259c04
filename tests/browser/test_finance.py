"""A village proposes a project on a phone, the township and the county approve it, and
the 入库公告 renders with its QR code; the county sees the due-loan warnings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.finance import services
from fupin.finance.defaults import seed_defaults
from fupin.finance.models import LoanPolicy, NoticeKind, NoticeSetting, Project, ProjectState
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot
from tests.support import VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser: Browser) -> Page:
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    page.set_default_timeout(10_000)
    return page


def _step(page: Page, state_after: str) -> None:
    page.get_by_test_id("project-step-submit").click()
    expect(page.get_by_test_id("project-state")).to_have_text(state_after)


def test_project_from_village_proposal_to_public_notice(
    page: Page, browser: Browser, live_server: LiveServer, actors: Actors
) -> None:
    seed_defaults(LoanPolicy, NoticeSetting, list(NoticeKind.values))
    base = live_server.url
    today = timezone.localdate()

    # the village officer proposes on a phone after the 村民代表大会
    phone = _phone(browser)
    login(phone, base, actors.village_officer.username)
    phone.goto(f"{base}/finance/projects/")
    phone.get_by_test_id("project-new").click()
    phone.get_by_label("项目名称").fill("东榛柴村肉牛养殖小区")
    phone.get_by_label("项目类别").select_option(label="产业发展")
    phone.get_by_label("建设地点").fill("东榛柴村三组")
    phone.get_by_label("主管部门").fill("农安县农业农村局")
    phone.get_by_label("责任人").fill("王振华")
    phone.get_by_label("建设内容").fill("新建牛舍 2,000 平方米及青贮窖")
    phone.get_by_label("开工日期").fill(f"{today.year + 1}-04-01")
    phone.get_by_label("完工日期").fill(f"{today.year + 1}-10-31")
    phone.get_by_label("概算投资（元）").fill("1200000")
    phone.get_by_label("补助标准").fill("按实际投资全额补助")
    phone.get_by_label("联农带农机制").fill("资产归村集体，租赁收益的 60% 用于脱贫户分红")
    phone.get_by_label("绩效目标").fill("带动 35 户脱贫户年增收 1,500 元")
    phone.get_by_label("村民代表大会日期").fill((today - timedelta(days=3)).isoformat())
    phone.get_by_label("四议两公开记录").fill("村民代表大会应到 41 人、实到 38 人，同意 36 人")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "finance-project-form-phone")
    phone.get_by_test_id("project-submit").click()
    expect(phone.get_by_test_id("project-state")).to_have_text("待乡镇审核")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "finance-project-proposed-phone")
    project = Project.objects.get(name="东榛柴村肉牛养殖小区")

    # the township reviews
    login(page, base, actors.township_reviewer.username)
    page.goto(f"{base}/finance/projects/")
    page.get_by_test_id("project-todo").get_by_role("link", name="东榛柴村肉牛养殖小区").click()
    page.get_by_label("意见").fill("符合乡镇产业规划")
    _step(page, "待县级论证")

    # the county assesses and decides
    page.context.clear_cookies()
    login(page, base, actors.county_admin.username)
    page.goto(f"{base}/finance/projects/{project.pk}/")
    page.get_by_label("可行性论证").fill("选址、规模可行，概算合理")
    page.get_by_label("资金来源").fill("中央衔接资金")
    _step(page, "待县级审定")
    page.set_viewport_size({"width": 1440, "height": 900})
    screenshot(page, "finance-project-decision")
    _step(page, "已入库")
    assert Project.objects.get(pk=project.pk).state == ProjectState.APPROVED

    page.goto(f"{base}/finance/projects/")
    expect(page.get_by_test_id("project-table")).to_contain_text("已入库")
    screenshot(page, "finance-project-list")
    page.goto(f"{base}/finance/funds/")
    expect(page.get_by_test_id("fund-percent")).to_have_text("0.0%")
    screenshot(page, "finance-fund-progress")
    page.goto(f"{base}/finance/projects/{project.pk}/")

    # the notice renders with a QR code of its own address
    page.get_by_test_id("project-notice-link").click()
    expect(page.get_by_test_id("notice-table")).to_contain_text("东榛柴村肉牛养殖小区")
    qr = page.get_by_test_id("notice-qr")
    expect(qr.locator("svg")).to_be_visible()
    assert qr.get_attribute("data-url") == page.url
    screenshot(page, "finance-project-notice")
    phone.goto(page.url)
    expect(phone.get_by_test_id("notice-qr").locator("svg")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "finance-project-notice-phone")


def _borrower(actors: Actors) -> Household:
    household = household_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=factories.family(),
    )
    Household.objects.filter(pk=household.pk).update(household_type=codes.HouseholdType.EXITED)
    household.refresh_from_db()
    return household


def test_county_sees_the_due_loan_warnings(
    page: Page, browser: Browser, live_server: LiveServer, actors: Actors
) -> None:
    seed_defaults(LoanPolicy, NoticeSetting, list(NoticeKind.values))
    today = timezone.localdate()
    household = _borrower(actors)
    head = household.members.get(relation=codes.Relation.HEAD)
    for number, days, bank in (
        ("NX-OVERDUE", -12, "农安县农村信用合作联社"),
        ("NX-25", 25, "农安县农村信用合作联社"),
        ("NX-75", 75, "中国邮政储蓄银行农安县支行"),
    ):
        services.loan_register(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            borrower=head,
            bank=bank,
            contract_number=number,
            amount=Decimal("30000"),
            issued_on=today - timedelta(days=700),
            due_on=today + timedelta(days=days),
            annual_rate=Decimal("3.45"),
            purpose="养殖肉牛",
            is_household_use=True,
        )
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, base, actors.county_admin.username)
    page.goto(f"{base}/finance/loans/")
    page.get_by_test_id("loan-warnings-link").click()
    expect(page.get_by_test_id("count-overdue")).to_have_text("1")
    expect(page.get_by_test_id("count-30")).to_have_text("1")
    expect(page.get_by_test_id("count-90")).to_have_text("1")
    expect(page.get_by_test_id("by-bank")).to_contain_text("中国邮政储蓄银行农安县支行")
    expect(page.get_by_test_id("warning-loans")).to_contain_text("逾期 12 天")
    screenshot(page, "finance-loan-warnings")
    page.get_by_test_id("warning-loans").get_by_role("link", name="张建国").first.click()
    expect(page.get_by_test_id("loan-history")).to_contain_text("NX-OVERDUE")
    screenshot(page, "finance-loan-detail")
    page.goto(f"{base}/finance/loans/")
    expect(page.get_by_test_id("loan-table")).to_contain_text("NX-75")
    screenshot(page, "finance-loan-list")
    page.goto(f"{base}/finance/loans/warnings/")
    with page.expect_download() as download:
        page.get_by_test_id("warnings-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    phone = _phone(browser)
    login(phone, base, actors.county_admin.username)
    phone.goto(f"{base}/finance/loans/warnings/")
    expect(phone.get_by_test_id("count-overdue")).to_have_text("1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "finance-loan-warnings-phone")
