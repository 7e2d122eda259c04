import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.accounts.scoping import scope_for
from fupin.registry.services import HouseholdData, household_register, household_update
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot
from tests.support import VILLAGE, Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _events(actors: Actors) -> None:
    scope = scope_for(actors.village_officer)
    assert scope is not None
    household = household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=factories.family(),
    )
    household_update(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        expected_version=household.version,
        data=HouseholdData(
            number=household.number,
            village_code=VILLAGE,
            primary_cause=household.primary_cause,
            phone="13800001111",
            bank_account=household.bank_account,
            address="吉林省长春市农安县伏龙泉镇东榛柴村三组" * 4,
        ),
    )


def test_audit_log_reads_in_chinese_on_a_desk_and_a_phone(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    _events(actors)
    login(page, live_server.url, "county_admin")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/audit/")
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("修改农户信息")
    expect(table).to_contain_text("联系电话")
    expect(table).to_contain_text("138****1111")
    expect(table).not_to_contain_text("13800001111")
    # a long address is folded until asked for
    expect(table.get_by_text("展开").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    screenshot(page, "audit-log-1440")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_test_id("audit-table")).to_contain_text("修改农户信息")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "audit-log-390")
