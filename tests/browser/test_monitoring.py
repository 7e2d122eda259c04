"""A farmer applies on a phone and follows the receipt; the village, township and county
carry the case to a monitored household; the public notice prints with a QR code that
leads back to it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.monitoring.models import CaseState, MonitoringCase, Notice
from fupin.monitoring.qr import qr_svg
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot
from tests.support import VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _household(actors: Actors) -> Household:
    scope = scope_of(actors.village_officer)
    return household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=factories.family(),
    )


def _step(page: Page, state_after: str) -> None:
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("case-state")).to_have_text(state_after)


def _farmer_applies(browser: Browser, base: str, id_number: str) -> tuple[Page, str]:
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{base}/apply/?village={VILLAGE}")
    expect(phone.get_by_test_id("apply-village")).to_contain_text("东榛柴村委会")
    phone.get_by_label("姓名").fill("张建国")
    phone.get_by_label("身份证号码").fill(id_number)
    phone.get_by_label("手机号码").fill("13800001111")
    phone.get_by_label("因病").check()
    phone.get_by_label("家庭遇到的困难").fill("妻子住院，医疗费用高，家里收入减少")
    phone.get_by_label(re.compile("本人承诺")).check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "monitoring-apply-phone")
    phone.get_by_test_id("apply-submit").click()
    receipt = phone.get_by_test_id("receipt-number").inner_text().strip()
    assert re.fullmatch(r"SQ\d{8}[A-Z0-9]{6}", receipt)
    screenshot(phone, "monitoring-apply-receipt")
    phone.get_by_role("link", name="查询办理进度").click()
    phone.get_by_label("身份证号后四位").fill(id_number[-4:])
    phone.get_by_test_id("receipt-submit").click()
    expect(phone.get_by_test_id("receipt-state")).to_have_text("待入户核实")
    screenshot(phone, "monitoring-receipt-progress")
    return phone, receipt


def test_self_application_to_monitored_household_with_public_notice(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    actors: Actors,
    holiday_calendar: None,
) -> None:
    household = _household(actors)
    head = household.members.get(relation=codes.Relation.HEAD)
    base = live_server.url
    # approvals and the announcement ask for a confirmation, which the officers give
    confirmations: list[str] = []

    def confirm(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)

    # a farmer applies on a phone and checks the progress with the receipt
    phone, receipt = _farmer_applies(browser, base, head.id_number)
    case = MonitoringCase.objects.get()

    # the village officer finds it in the to-do list and does the village steps
    login(page, base, "village_officer")
    page.get_by_role("link", name="我的待办").click()
    expect(page.get_by_test_id(f"case-{case.pk}")).to_contain_text("待入户核实")
    page.get_by_role("link", name=f"监测对象识别 #{case.pk}").click()
    screenshot(page, "monitoring-case-visit")
    page.get_by_label("核实人员").fill("王书记、李队员")
    page.get_by_label("核实情况").fill("妻子患病住院，自付费用较高，情况属实")
    page.get_by_label("已签订承诺授权书").check()
    _step(page, "待信息比对")
    page.get_by_label("比对结果").fill("无车辆、商品房、工商登记和财政供养人员")
    _step(page, "待民主评议")
    page.get_by_label("参加人员").fill("村两委、驻村工作队、村民代表 12 人")
    page.get_by_label("拟纳入类别").select_option(codes.MonitoringCategory.MARGINAL.value)
    _step(page, "村内公示")
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("publicity-card")).to_be_visible()
    # closing the publicity waits for its last day, and the page says until when
    expect(page.get_by_test_id("step-submit")).to_be_disabled()
    expect(page.get_by_test_id("step-wait-reason")).to_contain_text("期满后才能提交乡镇审核")
    screenshot(page, "monitoring-case-publicity")

    # the public notice renders and its QR code encodes its own address
    notice = Notice.objects.get(kind=Notice.Kind.PUBLICITY)
    notice_url = f"{base}/notices/{notice.token}/"
    page.goto(notice_url)
    expect(page.get_by_test_id("notice")).to_contain_text("拟纳入防止返贫监测对象公示")
    expect(page.get_by_test_id("notice-table")).to_contain_text("张建国")
    expect(page.get_by_test_id("notice")).not_to_contain_text(head.id_number)
    qr = page.get_by_test_id("notice-qr")
    encoded = qr.get_attribute("data-url")
    assert encoded == notice_url
    # the drawn modules are exactly segno's symbol for that address
    expected_path = re.search(r' d="([^"]+)"', qr_svg(notice_url))
    assert expected_path is not None
    assert qr.locator("svg path").get_attribute("d") == expected_path.group(1)
    page.emulate_media(media="print")
    screenshot(page, "monitoring-notice-print")
    page.emulate_media(media="screen")
    phone.goto(encoded)
    expect(phone.get_by_test_id("notice-table")).to_contain_text("张建国")
    screenshot(phone, "monitoring-notice-phone")

    # six days later the publicity is over; the session has long idled out
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=True):
        login(page, base, "village_officer")
        page.goto(f"{base}/monitoring/cases/{case.pk}/")
        page.get_by_label("意见").fill("公示期满，无异议")
        _step(page, "待乡镇审核")

        page.context.clear_cookies()
        login(page, base, "township")
        page.get_by_role("link", name="我的待办").click()
        page.get_by_role("link", name=f"监测对象识别 #{case.pk}").click()
        page.get_by_label("意见").fill("经审核，同意纳入")
        _step(page, "待县级审定")

        page.context.clear_cookies()
        login(page, base, "county_admin")
        page.get_by_role("link", name="我的待办").click()
        page.get_by_role("link", name=f"监测对象识别 #{case.pk}").click()
        page.get_by_label("意见").fill("审定同意")
        _step(page, "待公告")
        _step(page, "已办结")
        assert len(confirmations) == 3
        assert all("不能撤回" in message for message in confirmations)
        done = page.get_by_test_id("case-step").filter(has_text="已完成")
        expect(done).to_have_count(7)
        expect(page.get_by_test_id("case-timeline")).to_contain_text("乡镇审核")
        expect(page.get_by_test_id("case-notices")).to_contain_text("公告")
        screenshot(page, "monitoring-case-completed")

        page.goto(f"{base}/households/{household.pk}/")
        expect(page.get_by_test_id("household-title")).to_contain_text("监测中")
        expect(page.get_by_test_id("status-timeline")).to_contain_text("纳入监测对象")

        phone.goto(f"{base}/apply/receipt/?number={receipt}&id_tail={head.id_number[-4:]}")
        expect(phone.get_by_test_id("receipt-state")).to_have_text("已办结")
    household.refresh_from_db()
    assert household.status == HouseholdStatus.MONITORED
    assert MonitoringCase.objects.get().state == CaseState.COMPLETED
    phone.context.close()
