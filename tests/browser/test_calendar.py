"""A system administrator sees next year's holiday schedule missing, the provisional
deadline it causes, enters the schedule from a file and sees the deadline settle."""

from datetime import date
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.accounts.scoping import scope_for
from fupin.monitoring import services
from fupin.registry import codes
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot
from tests.support import VILLAGE, Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# TEST FIXTURE, not the official 2027 schedule (see fupin/monitoring/tests/test_calendar.py).
FIXTURE_2027 = "日期,类型,名称\n2027-01-01,法定节假日,元旦\n2027-01-02,法定节假日,元旦\n"


def _open_case(actors: Actors) -> None:
    scope = scope_for(actors.village_officer)
    assert scope is not None
    household = household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=factories.family(),
    )
    head = household.members.get(relation=codes.Relation.HEAD)
    services.clue_self_apply(
        name=head.name,
        id_number=head.id_number,
        phone="13800001111",
        village_code=VILLAGE,
        risk_types=[codes.RiskType.ILLNESS],
        description="妻子住院",
        has_consent=True,
    )


def _phone(browser: Browser, base: str, path: str, name: str) -> Page:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    login(phone, base, "system_admin")
    phone.goto(f"{base}{path}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, name)
    context.close()
    return phone


def test_entering_next_years_schedule_settles_provisional_deadlines(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    actors: Actors,
    holiday_calendar: None,
    tmp_path: Path,
) -> None:
    base = live_server.url
    with time_machine.travel(date(2026, 12, 30), tick=True):
        _open_case(actors)
        page.set_viewport_size({"width": 1440, "height": 900})
        login(page, base, "system_admin")
        expect(page.get_by_test_id("calendar-missing-warning")).to_contain_text("2027")
        screenshot(page, "calendar-home-warning")
        _phone(browser, base, "/", "calendar-home-warning-phone")
        page.goto(f"{base}/monitoring/cases/")
        expect(page.locator("[data-testid=deadline-provisional]:visible")).to_have_count(1)
        screenshot(page, "calendar-provisional-case-list")
        _phone(browser, base, "/monitoring/cases/", "calendar-provisional-case-list-phone")
        page.get_by_role("link", name="放假安排").click()
        expect(page.get_by_test_id("calendar-missing")).to_contain_text("2027")
        path = tmp_path / "2027.csv"
        path.write_text(FIXTURE_2027, encoding="utf-8")
        page.get_by_label("放假安排文件").set_input_files(str(path))
        page.get_by_label("依据").fill("测试用放假安排（非正式文件）")
        screenshot(page, "calendar-page")
        page.get_by_test_id("calendar-submit").click()
        expect(page.get_by_test_id("calendar-days")).to_contain_text("2027-01-01")
        expect(page.locator(".alert-success")).to_contain_text("2027")
        screenshot(page, "calendar-page-entered")
        _phone(browser, base, "/monitoring/calendar/?year=2027", "calendar-page-phone")
        page.goto(f"{base}/monitoring/cases/")
        expect(page.get_by_test_id("deadline-provisional")).to_have_count(0)
        page.goto(f"{base}/")
        expect(page.get_by_test_id("calendar-missing-warning")).to_have_count(0)
