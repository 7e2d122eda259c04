import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.jobs.models import Job
from tests.browser.conftest import login, run_worker_once, screenshot, wait_for_htmx
from tests.support import OTHER_VILLAGE, TOWN, Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_officer_sees_only_their_village(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    base = live_server.url
    login(page, base, "village_officer")
    expect(page.get_by_test_id("home-scope")).to_contain_text("村级信息员 · 东榛柴村委会")
    # no administration in the menu
    expect(page.locator("#sidebar")).not_to_contain_text("审计日志")
    expect(page.locator("#sidebar")).not_to_contain_text("用户与角色")
    screenshot(page, "village-officer-home")

    page.get_by_role("link", name="行政区划").first.click()
    expect(page.get_by_test_id("region-children")).to_contain_text("没有下级区划")
    expect(page.get_by_test_id("region-picker")).to_contain_text("东榛柴村委会")
    expect(page.locator("body")).not_to_contain_text("兴隆村委会")

    # guessing URLs shows nothing outside the village
    page.goto(f"{base}/regions/?code={TOWN}")
    expect(page.locator("body")).not_to_contain_text("兴隆村委会")
    page.goto(f"{base}/regions/search/?q=村委会")
    expect(page.locator("body")).to_contain_text("东榛柴村委会")
    expect(page.locator("body")).not_to_contain_text("兴隆村委会")
    response = page.goto(f"{base}/audit/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_test_id("forbidden")).to_contain_text("无权访问")
    response = page.goto(f"{base}/api/v1/regions/{OTHER_VILLAGE[:9]}/children")
    assert response is not None
    assert response.status == 404
    screenshot(page, "village-officer-forbidden")

    # on a phone the menu folds away behind a button and nothing overflows sideways
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/")
    expect(page.locator("#sidebar")).not_to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "village-officer-phone")
    page.get_by_label("打开菜单").click()
    expect(page.locator("#sidebar")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#sidebar")).to_be_in_viewport(ratio=1)
    page.wait_for_timeout(400)  # let the slide-in transition finish before the screenshot
    screenshot(page, "village-officer-phone-menu")


def test_county_administrator_drills_down_and_switches_language(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    base = live_server.url
    login(page, base, "county_admin")
    # the home page is the county's dashboard, a row per town
    expect(page.get_by_test_id("children-table")).to_contain_text("伏龙泉镇")
    expect(page.get_by_test_id("children-table")).to_contain_text("哈拉海镇")
    screenshot(page, "county-admin-home")

    # the cascading picker loads the villages of a town without a page load
    page.goto(f"{base}/regions/")
    expect(page.get_by_test_id("region-children")).to_contain_text("伏龙泉镇")
    expect(page.locator("body")).not_to_contain_text("奢岭街道")
    wait_for_htmx(page)
    page.get_by_test_id("region-level-2").select_option(TOWN)
    expect(page.get_by_test_id("region-children")).to_contain_text("兴隆村委会")
    expect(page).to_have_url(re.compile(rf"code={TOWN}"))
    page.get_by_test_id("region-search").fill("兴隆")
    expect(page.get_by_test_id("region-search-results")).to_contain_text("220122101202")
    screenshot(page, "county-admin-regions")

    # drill down: look at one town only
    page.get_by_role("row", name=re.compile("兴隆村委会")).get_by_role("button").click()
    expect(page.get_by_test_id("home-scope")).to_contain_text("兴隆村委会")
    expect(page.get_by_test_id("scope-switcher")).to_contain_text("兴隆村委会")

    # the audit log shows the county's own events
    page.get_by_role("link", name="审计日志").click()
    expect(page.get_by_test_id("audit-table")).to_be_visible()
    page.get_by_test_id("scope-switcher").click()
    page.get_by_role("button", name="返回农安县").click()
    page.goto(f"{base}/audit/")
    expect(page.get_by_test_id("audit-table")).to_contain_text("登录")
    expect(page.get_by_test_id("audit-table")).not_to_contain_text("accounts.user_login")
    screenshot(page, "county-admin-audit")

    # switch to English and back
    page.get_by_test_id("language-select").select_option("en")
    expect(page.locator("h1")).to_have_text("Audit log")
    expect(page.locator("#sidebar")).to_contain_text("Administrative divisions")
    screenshot(page, "county-admin-english")
    page.get_by_test_id("language-select").select_option("zh-hans")
    expect(page.locator("h1")).to_have_text("审计日志")


def test_system_administrator_watches_a_region_load_job(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    base = live_server.url
    login(page, base, "system_admin")
    page.goto(f"{base}/regions/load/")
    page.get_by_test_id("province-select").select_option("11")
    page.get_by_test_id("region-load-submit").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    # queued until a worker picks it up
    expect(page.get_by_test_id("job-status")).to_have_text("排队中")
    expect(page.get_by_test_id("job-percent")).to_have_text("0%")
    screenshot(page, "job-queued")

    worker = run_worker_once()
    # the page polls and shows the job finishing with its figures
    expect(page.get_by_test_id("job-status")).to_have_text("已完成", timeout=60_000)
    expect(page.get_by_test_id("job-percent")).to_have_text("100%")
    expect(page.get_by_test_id("job-message")).to_contain_text("新增 7901")
    worker.join(timeout=30)
    screenshot(page, "job-finished")
    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (Job.Status.SUCCEEDED, 7902, 7902)


def test_county_administrator_creates_a_village_officer_with_the_region_picker(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    base = live_server.url
    login(page, base, "county_admin")
    page.goto(f"{base}/accounts/users/new/")
    page.get_by_label("用户名").fill("zhou_qi")
    page.get_by_label("姓名").fill("周七")
    page.get_by_label("初始密码").fill("A-strong-passphrase-1")
    page.get_by_label("角色").select_option("village_officer")
    # the picker starts at the county and cascades down to a village
    expect(page.get_by_test_id("region-picker-chosen")).to_contain_text("农安县")
    wait_for_htmx(page)
    page.get_by_test_id("region-level-2").select_option(TOWN)
    expect(page.get_by_test_id("region-picker-chosen")).to_contain_text("伏龙泉镇")
    wait_for_htmx(page)
    page.get_by_test_id("region-level-3").select_option(OTHER_VILLAGE)
    expect(page.get_by_test_id("region-picker-chosen")).to_contain_text("兴隆村委会")
    screenshot(page, "county-admin-user-create")
    page.get_by_role("button", name="创建").click()
    expect(page.locator("h1")).to_contain_text("周七（zhou_qi）")
    expect(page.locator("main")).to_contain_text("村级信息员 · 兴隆村委会")
    screenshot(page, "county-admin-user-detail")
