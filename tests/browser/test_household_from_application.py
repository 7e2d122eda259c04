"""A farmer nobody registered applies on a phone; the village officer registers the
household from the case without retyping, and the household page shows it 识别中."""

from datetime import date

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot
from tests.browser.test_monitoring import _farmer_applies
from tests.support import VILLAGE, Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
DESK = ViewportSize(width=1440, height=900)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_an_unregistered_applicant_becomes_a_household_without_retyping(
    page: Page, browser: Browser, live_server: LiveServer, actors: Actors, viewport: ViewportSize
) -> None:
    base = live_server.url
    id_number = factories.id_number(date(1970, 5, 1), male=True)
    farmer, _receipt = _farmer_applies(browser, base, id_number)
    farmer.context.close()
    name = "phone" if viewport is PHONE else "desk"

    page.set_viewport_size(viewport)
    login(page, base, "village_officer")
    page.goto(f"{base}/monitoring/todo/")
    page.get_by_role("link", name="监测对象识别").first.click()
    expect(page.get_by_test_id("case-state")).to_have_text("待入户核实")
    page.get_by_test_id("case-household-register").click()
    # the applicant's name is there, the numbers masked, and no 户编号 to invent
    expect(page.get_by_label("姓名")).to_have_value("张建国")
    expect(page.get_by_label("证件号码")).to_have_value(f"{id_number[:6]}********{id_number[-4:]}")
    expect(page.get_by_label("户编号")).to_have_count(0)
    expect(page.get_by_test_id("household-register-intro")).to_contain_text("东榛柴村委会")
    page.get_by_label("主要致贫原因").select_option(codes.PovertyCause.ILLNESS.value)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"{name}-case-household-register")
    page.get_by_test_id("household-register-save").click()

    number = f"{VILLAGE}00001"
    expect(page.locator(".alert-success")).to_contain_text(f"已登记为农户，户编号 {number}")
    expect(page.get_by_test_id("case-household-register")).to_have_count(0)
    household = Household.objects.get(number=number)
    assert household.members.get().id_number == id_number
    page.get_by_role("link", name=number).click()
    expect(page.get_by_test_id("household-case-status")).to_have_text("识别中")
    expect(page.get_by_test_id("household-cases")).to_contain_text("待入户核实")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"{name}-household-being-identified")
