"""Office tools at a 390 px phone and a 1440 px desk (issue #18 items 5–7): the region
picker as the filter of every list, the household list's selection (export, print), the
printable case file, a step form that keeps its file after a refusal, the to-do list by
urgency, and one 公告 per township issued from its page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Dialog, FilePayload, Page, Route, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from fupin.jobs.models import Job
from fupin.monitoring import services
from fupin.monitoring.models import CaseState, MonitoringCase, Notice
from fupin.monitoring.tests.samples import cadre_case
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot, wait_for_htmx
from tests.support import OTHER_VILLAGE, TOWN, VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
DESK = ViewportSize(width=1440, height=900)
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])


def _name(viewport: ViewportSize) -> str:
    return "phone" if viewport is PHONE else "desk"


def _fits_the_window(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _household(actors: Actors, number: str, village: str = VILLAGE) -> Household:
    return household_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        data=factories.household(number, village, group_name="三组"),
        members=factories.family(),
    )


def _publicity_over(notice: Notice) -> None:
    """Let a publicity's days pass by moving them back, the clock of the live server being
    the real one."""
    days = notice.ends_on - notice.starts_on + timedelta(days=1)
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=notice.starts_on - days, ends_on=notice.ends_on - days
    )


def _case(actors: Actors, household: Household, until: CaseState) -> MonitoringCase:
    return cadre_case(actors, household, until=until, after_publicity_start=_publicity_over)


def _open_filters(page: Page, testid: str, viewport: ViewportSize) -> None:
    if viewport is PHONE:
        page.get_by_test_id(f"{testid}-toggle").click()


def _choose_region(page: Page, *codes_in_order: str) -> None:
    for level, code in enumerate(codes_in_order, start=1):
        wait_for_htmx(page)
        page.get_by_test_id(f"region-level-{level}").select_option(code)
    wait_for_htmx(page)


@VIEWPORTS
def test_every_list_filters_by_the_region_picker(
    page: Page, live_server: LiveServer, actors: Actors, viewport: ViewportSize
) -> None:
    own = _household(actors, "220122101201001")
    other = _household(actors, "220122101202001", OTHER_VILLAGE)
    own_case = _case(actors, own, CaseState.VISIT)
    other_case = _case(actors, other, CaseState.VISIT)
    Job.objects.create(kind=Job.Kind.REGION_LOAD, region_code=OTHER_VILLAGE, params={})
    Job.objects.create(kind=Job.Kind.ASSESSMENT_RUN, region_code=VILLAGE, params={})
    base = live_server.url
    name = _name(viewport)
    page.set_viewport_size(viewport)
    login(page, base, "county_admin")

    # households: no code typed, the township and village chosen by name
    page.goto(f"{base}/households/")
    _open_filters(page, "household-filters", viewport)
    _choose_region(page, "220122", TOWN, OTHER_VILLAGE)
    expect(page.get_by_test_id("household-table")).to_contain_text(other.number)
    expect(page.get_by_test_id("household-table")).not_to_contain_text(own.number)
    # the address keeps the region to share, not the picker's own selects
    expect(page).to_have_url(re.compile(rf"[?&]region_code={OTHER_VILLAGE}(&|$)"))
    assert "&code=" not in page.url
    assert _fits_the_window(page)
    screenshot(page, f"{name}-household-list-region-filter")

    # cases
    page.goto(f"{base}/monitoring/cases/")
    _open_filters(page, "case-filters", viewport)
    _choose_region(page, "220122", TOWN, VILLAGE)
    expect(page.get_by_test_id(f"case-{own_case.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"case-{other_case.pk}")).to_have_count(0)
    assert _fits_the_window(page)
    screenshot(page, f"{name}-case-list-region-filter")

    # jobs
    page.goto(f"{base}/jobs/")
    _open_filters(page, "job-filters", viewport)
    _choose_region(page, "220122", TOWN, OTHER_VILLAGE)
    expect(page.get_by_test_id("job-table")).to_contain_text("加载区划代码")
    expect(page.get_by_test_id("job-table")).not_to_contain_text("监测评估")
    assert _fits_the_window(page)
    screenshot(page, f"{name}-job-list-region-filter")

    # audit, as the county's auditor
    page.context.clear_cookies()
    login(page, base, "auditor")
    page.goto(f"{base}/audit/")
    _choose_region(page, "220122", TOWN, OTHER_VILLAGE)
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text(OTHER_VILLAGE)
    expect(table).not_to_contain_text(VILLAGE)
    assert _fits_the_window(page)
    screenshot(page, f"{name}-audit-region-filter")


@VIEWPORTS
def test_selected_households_are_exported_and_printed(
    page: Page, live_server: LiveServer, actors: Actors, viewport: ViewportSize
) -> None:
    first = _household(actors, "220122101201001")
    _household(actors, "220122101201002")
    third = _household(actors, "220122101201003")
    base = live_server.url
    name = _name(viewport)
    page.set_viewport_size(viewport)
    login(page, base, "village_officer")
    # The region picker arrives after the page: held back here, the table must not move
    # when it comes, or a tick given meanwhile lands on another row.
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/regions/picker/**", hold)
    page.goto(f"{base}/households/")
    table = page.get_by_test_id("household-table")
    before = table.bounding_box()
    expect(page.get_by_test_id("region-filter-loading")).to_have_count(1)
    screenshot(page, f"{name}-household-list-picker-loading")
    for route in held:
        route.continue_()
    page.unroute("**/regions/picker/**")
    expect(page.get_by_test_id("region-picker")).to_have_count(1)
    assert held
    assert table.bounding_box() == before
    page.get_by_label(f"选择 {first.number}").check()
    page.get_by_label(f"选择 {third.number}").check()
    assert _fits_the_window(page)
    screenshot(page, f"{name}-household-list-selected")
    with page.expect_download() as download:
        page.get_by_test_id("export-selected").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with page.context.expect_page() as opened:
        page.get_by_test_id("print-selected").click()
    cards = opened.value
    cards.set_viewport_size(viewport)
    expect(cards.get_by_test_id("household-card")).to_have_count(2)
    expect(cards.get_by_test_id("household-cards-count")).to_contain_text("选中的 2 户")
    head = first.members.get(relation=codes.Relation.HEAD)
    expect(cards.locator("main")).not_to_contain_text(head.id_number)
    assert _fits_the_window(cards)
    screenshot(cards, f"{name}-household-cards")
    cards.emulate_media(media="print")
    expect(cards.locator("header")).to_be_hidden()
    screenshot(cards, f"{name}-household-cards-print")


@VIEWPORTS
def test_a_refused_step_keeps_its_file_and_the_case_file_prints(
    page: Page, live_server: LiveServer, actors: Actors, viewport: ViewportSize
) -> None:
    household = _household(actors, "220122101201001")
    case = _case(actors, household, CaseState.COMPARISON)
    base = live_server.url
    name = _name(viewport)
    page.set_viewport_size(viewport)
    login(page, base, "village_officer")
    page.goto(f"{base}/monitoring/cases/{case.pk}/")
    scan: FilePayload = {"name": "比对结果.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}
    page.get_by_label("附件").set_input_files(files=[scan])
    # the findings are forgotten: the form comes back with the file kept
    page.get_by_label("比对结果").fill("")
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("held-attachment")).to_contain_text("已上传：比对结果.pdf")
    assert _fits_the_window(page)
    screenshot(page, f"{name}-case-step-file-kept")
    page.get_by_label("比对结果").fill("无车辆、商品房和工商登记")
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("case-state")).to_have_text("待民主评议")
    expect(page.get_by_test_id("case-timeline")).to_contain_text("比对结果.pdf")
    done = page.get_by_test_id("case-step").filter(has_text="已完成")
    expect(done).to_have_count(2)

    page.get_by_test_id("case-file-link").click()
    sheet = page.get_by_test_id("case-file")
    expect(sheet).to_contain_text("防止返贫监测工作事项档案")
    expect(sheet.get_by_test_id("case-file-timeline")).to_contain_text("比对结果.pdf")
    assert _fits_the_window(page)
    screenshot(page, f"{name}-case-file")
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    screenshot(page, f"{name}-case-file-print")


@VIEWPORTS
def test_todo_lists_the_step_due_first_with_whole_household_numbers(
    page: Page, live_server: LiveServer, actors: Actors, viewport: ViewportSize
) -> None:
    # a case waiting for its review (15 days) and a farmer's application, whose visit is
    # due in two working days
    later = _case(actors, _household(actors, "220122101201001"), CaseState.REVIEW)
    applicant = _household(actors, "220122101201002")
    clue = services.clue_self_apply(
        name="张建国",
        id_number=applicant.members.get(relation=codes.Relation.HEAD).id_number,
        phone="13800001111",
        village_code=VILLAGE,
        risk_types=[codes.RiskType.ILLNESS],
        description="妻子住院",
        has_consent=True,
    )
    sooner = clue.case
    assert sooner is not None
    page.set_viewport_size(viewport)
    login(page, live_server.url, "village_officer")
    page.goto(f"{live_server.url}/monitoring/todo/")
    rows = page.get_by_test_id("case-table").locator("tbody tr")
    expect(rows.nth(0)).to_have_attribute("data-testid", f"case-{sooner.pk}")
    expect(rows.nth(1)).to_have_attribute("data-testid", f"case-{later.pk}")
    number = rows.nth(0).get_by_text("220122101201002").locator("visible=true")
    expect(number).to_be_visible()
    assert number.evaluate("e => e.getBoundingClientRect().right <= window.innerWidth")
    assert _fits_the_window(page)
    screenshot(page, f"{_name(viewport)}-todo-by-urgency")


@VIEWPORTS
def test_county_issues_one_announcement_for_a_township(
    page: Page, live_server: LiveServer, actors: Actors, viewport: ViewportSize
) -> None:
    approved = [
        _case(actors, _household(actors, number, village), CaseState.ANNOUNCEMENT)
        for number, village in (
            ("220122101201001", VILLAGE),
            ("220122101201002", VILLAGE),
            ("220122101202001", OTHER_VILLAGE),
        )
    ]
    base = live_server.url
    name = _name(viewport)
    confirmations: list[str] = []

    def confirm(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    page.set_viewport_size(viewport)
    login(page, base, "county_admin")
    page.goto(f"{base}/monitoring/cases/{approved[0].pk}/")
    expect(page.get_by_test_id("announcement-note")).to_contain_text("待公告的 2 户")
    page.get_by_test_id("announcement-note").get_by_role("link", name="按乡镇发布").click()
    expect(page.get_by_test_id("announcement-listed").locator("tbody tr")).to_have_count(3)
    # the township is shown by name in the picker, not as a code
    expect(page.get_by_test_id("region-level-2")).to_have_value(TOWN)
    wait_for_htmx(page)
    assert _fits_the_window(page)
    screenshot(page, f"{name}-announcement-compose")
    page.get_by_test_id("announcement-publish").click()
    expect(page.locator(".alert-success")).to_contain_text("共 3 户")
    assert confirmations
    assert "不能撤回" in confirmations[0]
    screenshot(page, f"{name}-announcement-list")

    notice = Notice.objects.get(kind=Notice.Kind.ANNOUNCEMENT)
    page.goto(f"{base}/notices/{notice.token}/")
    expect(page.get_by_test_id("notice-title")).to_have_text("农安县伏龙泉镇防止返贫监测对象公告")
    expect(page.get_by_test_id("notice-row")).to_have_count(3)
    expect(page.get_by_test_id("notice-issuer")).to_contain_text("农安县人民政府")
    expect(page.get_by_test_id("notice")).to_contain_text("特此公告")
    expect(page.get_by_test_id("notice")).not_to_contain_text("现予公示")
    assert _fits_the_window(page)
    screenshot(page, f"{name}-announcement-public")
    page.emulate_media(media="print")
    screenshot(page, f"{name}-announcement-print")
    for case in approved:
        case.refresh_from_db()
        assert case.state == CaseState.COMPLETED
