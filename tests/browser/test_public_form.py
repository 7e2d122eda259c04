"""The farmer's form on a phone and at a desk: the village already chosen in the picker,
a counter under the long field, every problem at once, and the receipt's dated steps."""

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.support import VILLAGE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
DESK = ViewportSize(width=1440, height=900)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_farmer_fills_the_form_and_follows_dated_progress(
    page: Page, live_server: LiveServer, regions: None, viewport: ViewportSize
) -> None:
    name = "phone" if viewport is PHONE else "desk"
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/apply/?village={VILLAGE}")
    # the QR code's village is chosen in the picker, level by level
    expect(page.get_by_test_id("region-picker-chosen")).to_contain_text("东榛柴村委会")
    expect(page.get_by_test_id("region-level-5")).to_have_value(VILLAGE)
    page.get_by_label("家庭遇到的困难").fill("家中失火")
    expect(page.get_by_test_id("counter-description")).to_have_text("已输入 4 / 1000 字")
    # a name with markup and a short phone: both reported at once, nothing sent
    page.get_by_label("姓名").fill("<b>张三</b>")
    page.get_by_label("手机号码").fill("1380")
    page.get_by_test_id("apply-submit").click()
    errors = page.locator(".invalid-feedback")
    expect(errors.filter(has_text="姓名只能填写汉字")).to_be_visible()
    expect(errors.filter(has_text="请填写 11 位手机号码")).to_be_visible()
    expect(errors.filter(has_text="请填写身份证号码")).to_be_visible()
    expect(errors.filter(has_text="请至少选择一种遇到的困难")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"{name}-apply-errors")

    page.get_by_label("姓名").fill("张三")
    page.get_by_label("身份证号码").fill("11010519491231002X")
    page.get_by_label("手机号码").fill("13800001111")
    page.get_by_label("因意外事故").check()
    page.get_by_label(re.compile("本人承诺")).check()
    page.get_by_test_id("apply-submit").click()
    receipt = page.get_by_test_id("receipt-number").inner_text().strip()
    page.goto(f"{live_server.url}/apply/receipt/?number={receipt}&id_tail=002X")
    steps = page.get_by_test_id("receipt-step")
    expect(steps.first).to_contain_text("办理中")
    expect(steps.nth(1)).to_contain_text("未开始")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"{name}-apply-receipt-steps")
