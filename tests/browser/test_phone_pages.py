"""The pages village cadres open on a phone, at 390 px and at a 1440 px desk: lists become
cards with every column, full household and ID numbers, filters folded behind a button."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from fupin.assessment.tests.rulesets import household_with_income
from fupin.monitoring.tests.samples import sample_case
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot, wait_for_htmx
from tests.support import VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
DESK = ViewportSize(width=1440, height=900)
NUMBER = "220122101201007"


def _household(actors: Actors) -> Household:
    return household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household(NUMBER, VILLAGE),
        members=factories.family(),
    )


def _fits_the_window(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _whole(page: Page, selector: str) -> bool:
    """The element's text is not cut: nothing hidden inside it, nothing past the window."""
    return bool(
        page.eval_on_selector(
            selector,
            "e => e.scrollWidth <= e.clientWidth + 1"
            " && e.getBoundingClientRect().right <= window.innerWidth",
        )
    )


def test_household_list_and_detail_on_a_phone(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    household = _household(actors)
    base = live_server.url
    page.set_viewport_size(PHONE)
    login(page, base, "village_officer")
    page.goto(f"{base}/households/")
    table = page.get_by_test_id("household-table")
    # every column is on the card, labelled, and the household number is whole
    for label in ["户主", "所在村", "人口", "户类型", "主要致贫原因", "人均纯收入"]:
        expect(table).to_contain_text(label)
    expect(
        table.get_by_text("伏龙泉镇东榛柴村委会").or_(table.get_by_text("东榛柴村委会"))
    ).to_be_visible()
    link = table.get_by_role("link", name=NUMBER)
    expect(link).to_be_visible()
    assert _whole(page, f"text={NUMBER}")
    # the filters are folded: the search is in sight, the rest behind the button
    expect(page.locator("#f-q")).to_be_visible()
    household_type = page.get_by_label("户类型", exact=True)
    expect(household_type).to_be_hidden()
    screenshot(page, "phone-household-list")
    page.get_by_test_id("household-filters-toggle").click()
    expect(household_type).to_be_visible()
    expect(page.locator("#household-filters-more.show")).to_have_count(1)
    screenshot(page, "phone-household-filters-open")
    assert _fits_the_window(page)
    # the language selector shows its whole text
    assert page.eval_on_selector(
        "#language-select",
        """e => { const probe = document.createElement('span');
                  probe.style.font = getComputedStyle(e).font;
                  probe.textContent = e.options[e.selectedIndex].text;
                  document.body.appendChild(probe);
                  const fits = probe.getBoundingClientRect().width
                    <= e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft)
                       - parseFloat(getComputedStyle(e).paddingRight) + 1;
                  probe.remove(); return fits; }""",
    )

    link.click()
    members = page.get_by_test_id("member-table")
    head = household.members.get(name="张建国")
    row = page.get_by_test_id(f"member-{head.pk}")
    expect(row.locator('td[data-label="证件号码"]')).to_be_visible()
    # The sections above the members arrive after the page and move the table down.
    wait_for_htmx(page)
    row.get_by_role("button", name="显示").click()
    expect(row.get_by_test_id("revealed-id")).to_have_text(head.id_number)
    assert _whole(page, f"[data-testid=member-{head.pk}] [data-testid=revealed-id]")
    expect(members.locator('td[data-label="健康状况"]').first).to_be_visible()
    assert _fits_the_window(page)
    screenshot(page, "phone-household-detail")


def test_household_list_at_a_desk_keeps_its_table(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    _household(actors)
    page.set_viewport_size(DESK)
    login(page, live_server.url, "village_officer")
    page.goto(f"{live_server.url}/households/")
    # a real table with its header row, and every filter open without a button
    expect(page.get_by_test_id("household-table").locator("thead")).to_be_visible()
    expect(page.get_by_label("户类型", exact=True)).to_be_visible()
    expect(page.get_by_test_id("household-filters-toggle")).to_be_hidden()
    screenshot(page, "desk-household-list")


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_case_pages_fit(
    page: Page, live_server: LiveServer, actors: Actors, viewport: ViewportSize
) -> None:
    monitoring = sample_case(actors, _household(actors))
    page.set_viewport_size(viewport)
    login(page, live_server.url, "village_officer")
    name = "phone" if viewport is PHONE else "desk"
    for path, shot in [
        ("/monitoring/todo/", "todo"),
        ("/monitoring/cases/", "case-list"),
        (f"/monitoring/cases/{monitoring.case.pk}/", "case-detail"),
        ("/audit/", "audit"),
    ]:
        page.goto(live_server.url + path)
        assert _fits_the_window(page), path
        screenshot(page, f"{name}-{shot}")


def test_a_long_list_jumps_to_a_page_and_the_income_chart_has_a_legend(
    page: Page, live_server: LiveServer, actors: Actors
) -> None:
    scope = scope_of(actors.village_officer)
    for index in range(1, 28):
        household_register(
            actor=actors.village_officer,
            scope=scope,
            data=factories.household(f"2201221012010{index:02d}", VILLAGE),
            members=[factories.member(f"户主{index}", "01", date(1970, 1, index))],
        )
    with_income = household_with_income(actors, "220122101201099", VILLAGE, 5000)
    page.set_viewport_size(PHONE)
    login(page, live_server.url, "village_officer")
    page.goto(f"{live_server.url}/households/?household_type=ordinary")
    jump = page.get_by_test_id("page-jump")
    jump.get_by_label("跳至").fill("2")
    jump.get_by_role("button", name="确定").click()
    expect(page).to_have_url(re.compile(r"household_type=ordinary&page=2"))
    expect(page.get_by_test_id("household-table")).to_contain_text("220122101201099")
    assert _fits_the_window(page)
    screenshot(page, "phone-household-list-page-2")

    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/households/{with_income.pk}/")
    chart = page.locator("#income-chart")
    expect(chart).to_contain_text("人均纯收入")
    expect(chart).to_contain_text("扣除刚性支出后人均纯收入")
    screenshot(page, "desk-household-income-legend")


def test_the_household_card_prints_on_a4_without_personal_numbers(
    page: Page, live_server: LiveServer, actors: Actors, assistance_tables: None
) -> None:
    household = _household(actors)
    head = household.members.get(name="张建国")
    page.set_viewport_size(DESK)
    login(page, live_server.url, "village_officer")
    page.goto(f"{live_server.url}/households/{household.pk}/")
    page.get_by_test_id("household-card-link").click()
    card = page.get_by_test_id("household-card")
    expect(card).to_contain_text(NUMBER)
    expect(card.get_by_test_id("card-members")).to_contain_text("张建国")
    # The assistance part (responsible cadre, this year's measures) is loaded into the card.
    expect(card.get_by_test_id("card-cadre")).to_contain_text("尚未落实帮扶责任人")
    expect(card.get_by_test_id("card-measures")).to_contain_text("尚无帮扶措施")
    expect(card).not_to_contain_text(head.id_number)
    expect(card).not_to_contain_text("13912345678")
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    screenshot(page, "desk-household-card-print")
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    assert _fits_the_window(page)
    screenshot(page, "phone-household-card")
