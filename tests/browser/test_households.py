import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatusEvent
from fupin.registry.services import household_register, household_status_record
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot, wait_for_htmx
from tests.support import VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _household(actors: Actors) -> Household:
    scope = scope_of(actors.village_officer)
    household = household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=factories.family(),
    )
    for kind, year in [
        (HouseholdStatusEvent.Kind.REGISTERED_POOR, 2015),
        (HouseholdStatusEvent.Kind.EXITED, 2019),
    ]:
        household_status_record(
            actor=actors.village_officer,
            scope=scope,
            household=household,
            kind=kind,
            occurred_on=date(year, 12, 1),
        )
    return household


def test_village_officer_corrects_a_member_and_sees_the_trail(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    household = _household(actors)
    base = live_server.url
    login(page, base, "village_officer")
    page.get_by_role("link", name="农户").first.click()
    expect(page.get_by_test_id("household-counts")).to_contain_text("共 1 户 3 人")
    screenshot(page, "households-list")
    page.get_by_role("link", name=household.number).click()
    expect(page.get_by_test_id("household-title")).to_contain_text(household.number)
    expect(page.get_by_test_id("status-timeline")).to_contain_text("识别为贫困户")
    expect(page.get_by_test_id("status-timeline")).to_contain_text("脱贫")
    # ID numbers are masked until revealed, and revealing is audited
    child = household.members.get(relation=codes.Relation.SON)
    row = page.get_by_test_id(f"member-{child.pk}")
    expect(row).not_to_contain_text(child.id_number)
    # The sections above the members arrive after the page and move the table down.
    wait_for_htmx(page)
    row.get_by_role("button", name="显示").click()
    expect(row.get_by_test_id("revealed-id")).to_have_text(child.id_number)

    row.get_by_role("link", name="修改").click()
    page.get_by_label("姓名").fill("张晓明")
    page.get_by_label("在校生状况").select_option(codes.Schooling.GRADE_8)
    screenshot(page, "member-edit")
    page.get_by_test_id("member-save").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存 张晓明 的信息")
    expect(page.get_by_test_id(f"member-{child.pk}")).to_contain_text("八年级")
    expect(page.get_by_test_id("household-audit")).to_contain_text("修改成员信息")
    expect(page.get_by_test_id("household-audit")).to_contain_text("查看完整证件号码")
    expect(page.get_by_test_id("household-audit")).not_to_contain_text("registry.")
    screenshot(page, "household-detail")

    # a wrong ID number is explained in Chinese and nothing changes
    page.get_by_test_id(f"member-{child.pk}").get_by_role("link", name="修改").click()
    page.get_by_label("证件号码").fill(child.id_number[:-1] + "Y")
    page.get_by_test_id("member-save").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("最后一位只能是数字或 X")
    screenshot(page, "member-edit-error")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/households/{household.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "household-detail-phone")


def test_township_reviewer_reads_and_another_village_cannot_reach(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    household = _household(actors)
    base = live_server.url
    login(page, base, "township")
    page.goto(f"{base}/households/{household.pk}/")
    expect(page.get_by_test_id("member-table")).to_contain_text("张建国")
    expect(page.locator("main")).not_to_contain_text("修改户信息")
    expect(page.get_by_test_id("member-table").get_by_role("link", name="修改")).to_have_count(0)
    screenshot(page, "household-township-readonly")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    login(page, base, "other_village")
    response = page.goto(f"{base}/households/{household.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("张建国")
    page.goto(f"{base}/households/?q=张建国")
    expect(page.get_by_test_id("household-counts")).to_contain_text("共 0 户")
    expect(page).to_have_url(re.compile("q="))
