from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.accounts.models import Role
from fupin.departments.baseline import seed_baseline_rules
from fupin.departments.models import ComparisonRule, Finding, FindingStatus, QualityRule
from fupin.departments.services import duplicate_candidates_find
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, Member
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot
from tests.support import COUNTY, VILLAGE, Actors, make_user, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _household(actors: Actors, number: str) -> Household:
    household = household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household(number, VILLAGE),
        members=factories.family(),
    )
    Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.EXITED)
    return household


def _both_widths(page: Page, name: str) -> None:
    screenshot(page, f"{name}-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    page.set_viewport_size({"width": 1440, "height": 900})


def _as(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    login(page, base, username)


def test_a_department_feed_becomes_a_finding_the_village_and_township_settle(
    page: Page, live_server: LiveServer, actors: Actors, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    seed_baseline_rules(ComparisonRule, QualityRule)
    make_user("yibao", Role.DEPARTMENT_USER, COUNTY)
    deceased = _household(actors, "220122101201001").members.get(relation=codes.Relation.HEAD)
    _household(actors, "220122101201002")
    feed = tmp_path / "公安户籍变动2026年10月.csv"
    feed.write_text(
        f"证件号码,姓名,变动类型,日期\n{deceased.id_number},{deceased.name},死亡,2026-10-03\n",
        encoding="utf-8-sig",
    )
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})

    # The department delivers a month of 公安 data.
    login(page, base, "yibao")
    page.get_by_role("link", name="部门数据").click()
    expect(page.get_by_role("heading", name="报送部门数据")).to_be_visible()
    page.get_by_label("数据类别").select_option(label="公安")
    page.get_by_label("数据期别").fill("2026-10")
    page.get_by_label("数据文件").set_input_files(str(feed))
    page.get_by_test_id("feed-upload").click()
    expect(page.get_by_test_id("feed-result")).to_contain_text("新增疑点 1 条")
    _both_widths(page, "departments-feed-upload")

    # The county sees its quality index drop.
    _as(page, base, "county_admin")
    page.goto(f"{base}/quality/")
    expect(page.get_by_test_id("stat-quality-index")).to_have_text("50.0%")
    _both_widths(page, "departments-quality")

    # The village confirms the death; the member is removed through the normal forms.
    _as(page, base, "village_officer")
    page.goto(f"{base}/quality/findings/")
    page.get_by_role("link", name="公安登记死亡，档案中仍为在册成员").click()
    expect(page.get_by_test_id("finding-detail")).to_contain_text("公安 2026-10 第 2 行")
    _both_widths(page, "departments-finding-village")
    page.get_by_label("核实属实").check()
    page.get_by_label("核实说明").fill("已核实死亡，已在成员页办理自然减少")
    page.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("待乡镇审核")

    # The township reviews the answer and closes the 疑点.
    _as(page, base, "township")
    page.goto(f"{base}/quality/findings/")
    page.get_by_role("link", name="公安登记死亡，档案中仍为在册成员").click()
    expect(page.get_by_test_id("finding-verdict")).to_have_text("核实属实")
    _both_widths(page, "departments-finding-township")
    page.get_by_label("同意销号").check()
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已销号")
    assert Finding.objects.get().status == FindingStatus.CLOSED

    _as(page, base, "county_admin")
    page.goto(f"{base}/quality/")
    expect(page.get_by_test_id("stat-quality-index")).to_have_text("100.0%")


def test_a_county_user_confirms_a_duplicate_in_the_queue(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    # The same family registered twice in one village: head, spouse and child are each
    # proposed once.
    _household(actors, "220122101201011")
    _household(actors, "220122101201012")
    duplicate_candidates_find(actor=None, scope=None, region_code=COUNTY)
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, base, "county_admin")
    page.goto(f"{base}/quality/duplicates/")
    expect(page.get_by_test_id("duplicate-count")).to_contain_text("共 3 对待审查")
    _both_widths(page, "departments-duplicates")
    spouses = page.locator("div.card", has_text="李秀兰")
    spouses.get_by_role("button", name="确认合并").click()
    expect(page.get_by_test_id("duplicate-count")).to_contain_text("共 2 对待审查")
    assert Member.objects.filter(is_active=False).count() == 1
