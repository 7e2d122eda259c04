from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.accounts.models import Role
from fupin.departments.baseline import seed_baseline_cadence, seed_baseline_rules
from fupin.departments.models import (
    ComparisonCadence,
    ComparisonRule,
    DepartmentToken,
    Finding,
    FindingStatus,
    QualityRule,
)
from fupin.departments.selectors import department_caller
from fupin.departments.services import comparison_run, duplicate_candidates_find
from fupin.imports.feed_services import feed_import
from fupin.imports.parsing import read_table
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


def test_a_county_administrator_issues_a_key_once_and_revokes_it(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    make_user("yibao", Role.DEPARTMENT_USER, COUNTY)
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, base, "county_admin")

    # The administrator issues a key to the county's 医保 account and sees it this once.
    page.get_by_role("link", name="部门接口密钥").click()
    expect(page.get_by_role("heading", name="部门接口密钥")).to_be_visible()
    page.get_by_label("部门账号").select_option("yibao")
    page.get_by_label("用途").fill("县医保局月度结算数据推送")
    page.get_by_test_id("token-issue").click()
    key = page.get_by_test_id("issued-key").inner_text().strip()
    caller = department_caller(key)
    assert caller is not None
    assert caller.token.user.username == "yibao"
    _both_widths(page, "departments-keys-issued")

    # Reloading the list does not show it again; revoking stops it at once.
    page.goto(f"{base}/departments/keys/")
    expect(page.get_by_test_id("issued-key")).to_have_count(0)
    token = DepartmentToken.objects.get()
    page.get_by_test_id(f"revoke-{token.pk}").click()
    expect(page.get_by_test_id(f"token-{token.pk}")).to_contain_text("已吊销")
    assert department_caller(key) is None
    _both_widths(page, "departments-keys")


def test_the_feed_page_shows_the_cadence_and_the_months_compared(
    page: Page, live_server: LiveServer, actors: Actors, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    seed_baseline_rules(ComparisonRule, QualityRule)
    seed_baseline_cadence(ComparisonCadence)
    user = make_user("yibao", Role.DEPARTMENT_USER, COUNTY)
    head = _household(actors, "220122101201001").members.get(relation=codes.Relation.HEAD)
    period = f"{timezone.localdate().replace(day=1) - timedelta(days=1):%Y-%m}"
    feed_import(
        actor=user,
        scope=scope_of(user),
        kind="vehicle",
        period=period,
        frame=read_table(
            f"证件号码,车主姓名,号牌号码\n{head.id_number},{head.name},吉A12345\n".encode(), "f.csv"
        ),
    )
    comparison_run(actor=None, region_code=COUNTY, period=period, is_dispatch=True)

    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, base, "yibao")
    page.goto(f"{base}/imports/feeds/")
    expect(page.get_by_test_id("feed-cadence")).to_contain_text("每月 4 日前报送上月数据")
    expect(page.get_by_test_id("comparison-runs")).to_contain_text("调度月")
    _both_widths(page, "departments-feed-cadence")
