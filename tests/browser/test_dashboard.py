from datetime import UTC, date, datetime

import polars as pl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.assistance.models import Cadre, CadreAssignment, CadreLevel, HelpPlan
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatusEvent
from fupin.registry.services import (
    household_assessment_bulk_update,
    household_register,
    household_status_record,
)
from fupin.registry.tests import factories
from fupin.reports.models import (
    CountyExitStandard,
    MultidimensionalSetting,
    VillageExitIndicatorSet,
)
from fupin.reports.seeds import seed_exit_standards, seed_indicator_settings
from tests.browser.conftest import login, screenshot
from tests.support import COUNTY, OTHER_VILLAGE, TOWN, VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Kind = HouseholdStatusEvent.Kind


def _monitored_households(actors: Actors) -> None:
    """Five monitored households in the township: three red, one orange, one blue."""
    scope = scope_of(actors.county_admin)
    ids = []
    for index, (village, category) in enumerate(
        [
            (VILLAGE, codes.MonitoringCategory.UNSTABLE_EXITED),
            (VILLAGE, codes.MonitoringCategory.MARGINAL),
            (OTHER_VILLAGE, codes.MonitoringCategory.SUDDEN_HARDSHIP),
            (OTHER_VILLAGE, codes.MonitoringCategory.MARGINAL),
            (VILLAGE, codes.MonitoringCategory.MARGINAL),
        ]
    ):
        household = household_register(
            actor=actors.county_admin,
            scope=scope,
            data=factories.household(f"{village}{index:03d}", village),
            members=[factories.member(f"户主{index}", "01", date(1960, 1, 1 + index))],
        )
        household_status_record(
            actor=actors.county_admin,
            scope=scope,
            household=household,
            kind=Kind.MONITORING_IDENTIFIED,
            occurred_on=date(2026, 3, 1),
            monitoring_category=category,
            identified_month="202603",
            risk_types=["1"],
        )
        ids.append(household.pk)
    household_assessment_bulk_update(
        actor=actors.county_admin,
        results=pl.DataFrame(
            {
                "household_id": ids,
                "risk_level": ["red", "red", "orange", "blue", "red"],
                "monitoring_eligible": [True] * 5,
                "elimination_eligible": [False] * 5,
                "village_id": [Household.objects.get(pk=pk).village_id for pk in ids],
            }
        ),
        assessed_at=datetime(2026, 3, 2, tzinfo=UTC),
        region_code=COUNTY,
    )


@pytest.mark.parametrize(("width", "height", "name"), [(1440, 900, "desk"), (390, 844, "phone")])
def test_county_leader_drills_from_the_dashboard_to_the_red_households_of_a_township(
    page: Page, live_server: LiveServer, actors: Actors, width: int, height: int, name: str
) -> None:
    _monitored_households(actors)
    page.set_viewport_size({"width": width, "height": height})
    base = live_server.url
    login(page, base, "county_admin")
    expect(page.get_by_test_id("stat-type-monitored")).to_have_text("5")
    expect(page.locator("#children-chart svg")).to_be_visible()
    screenshot(page, f"dashboard-county-{name}")

    page.get_by_test_id(f"child-{TOWN}").get_by_role("link", name="伏龙泉镇").click()
    expect(page.get_by_test_id("dashboard-path")).to_contain_text("伏龙泉镇")
    expect(page.get_by_test_id("colour-red")).to_contain_text("3")
    screenshot(page, f"dashboard-township-{name}")

    page.get_by_test_id("colour-red").click()
    expect(page.get_by_test_id("household-counts")).to_contain_text("共 3 户")
    assert "risk_level=red" in page.url
    assert f"region_code={TOWN}" in page.url
    screenshot(page, f"dashboard-red-list-{name}")


@pytest.mark.parametrize(("width", "height", "name"), [(1440, 900, "desk"), (390, 844, "phone")])
def test_county_leader_reads_the_reports_and_exit_pages(
    page: Page, live_server: LiveServer, actors: Actors, width: int, height: int, name: str
) -> None:
    _monitored_households(actors)
    seed_indicator_settings(MultidimensionalSetting, VillageExitIndicatorSet)
    seed_exit_standards(CountyExitStandard)
    page.set_viewport_size({"width": width, "height": height})
    base = live_server.url
    login(page, base, "county_admin")
    page.get_by_role("link", name="统计报表").first.click()
    expect(page.get_by_test_id("report-title")).to_contain_text("农安县监测对象分类统计表")
    expect(page.get_by_test_id("report-totals")).to_contain_text("5")
    screenshot(page, f"report-monitored-{name}")
    with page.expect_download() as download:
        page.get_by_test_id("report-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(f"{base}/reports/multidimensional/?year=2026")
    expect(page.get_by_test_id("af-veto")).to_contain_text("一票否决")
    screenshot(page, f"report-multidimensional-{name}")

    page.goto(f"{base}/reports/exit/?year=2020")
    expect(page.get_by_test_id("exit-table")).to_contain_text("伏龙泉镇")
    screenshot(page, f"exit-overview-{name}")
    page.goto(f"{base}/reports/exit/{VILLAGE}/2020/")
    page.get_by_label("乡村总人口").fill("400")
    page.get_by_label("通硬化路").check()
    page.get_by_test_id("exit-save").click()
    expect(page.get_by_test_id("exit-verdict")).to_contain_text("贫困发生率 0.00%")
    screenshot(page, f"village-exit-{name}")


@pytest.mark.parametrize(("width", "height", "name"), [(1440, 900, "desk"), (390, 844, "phone")])
def test_county_leader_opens_the_households_behind_a_coverage_figure(
    page: Page,
    live_server: LiveServer,
    actors: Actors,
    assistance_tables: None,
    width: int,
    height: int,
    name: str,
) -> None:
    _monitored_households(actors)
    cadre = Cadre.objects.create(
        name="王志强",
        unit="农业农村局",
        phone="13700001234",
        level=CadreLevel.COUNTY,
        region_id=COUNTY,
    )
    for household in Household.objects.filter(village_id=VILLAGE).order_by("number")[:2]:
        CadreAssignment.objects.create(
            cadre=cadre, household=household, started_on=date(2026, 3, 5)
        )
        HelpPlan.objects.create(
            household=household, year=timezone.localdate().year, drafted_on=date(2026, 3, 5)
        )
    page.set_viewport_size({"width": width, "height": height})
    login(page, live_server.url, "county_admin")
    expect(page.get_by_test_id("coverage-card")).to_contain_text("监测中 5 户")
    expect(page.get_by_test_id("coverage-with_cadre")).to_have_text("2")
    expect(page.get_by_test_id("quality-index")).to_have_text("100.0")
    page.get_by_test_id("coverage-card").scroll_into_view_if_needed()
    screenshot(page, f"dashboard-coverage-{name}")

    page.get_by_test_id("coverage-with_cadre").click()
    expect(page.get_by_test_id("coverage-count")).to_contain_text("共 2 户")
    expect(page.get_by_test_id("coverage-table").locator("tbody tr")).to_have_count(2)
    screenshot(page, f"dashboard-coverage-list-{name}")

    # The township's row carries the same figure, and opens the township's list.
    page.go_back()
    township = page.get_by_test_id(f"child-{TOWN}")
    township.scroll_into_view_if_needed()
    expect(township.get_by_test_id("child-coverage-with_cadre")).to_have_text("2")
    expect(township.get_by_test_id("child-coverage-with_plan")).to_have_text("2")
    screenshot(page, f"dashboard-coverage-rows-{name}")
    township.get_by_test_id("child-coverage-with_cadre").click()
    expect(page.get_by_test_id("coverage-count")).to_contain_text("共 2 户")
    assert f"region={TOWN}" in page.url


@pytest.mark.parametrize(("width", "height", "name"), [(1440, 900, "desk"), (390, 844, "phone")])
def test_county_staff_meet_a_capped_search_and_a_short_wait_list(
    page: Page,
    live_server: LiveServer,
    actors: Actors,
    assistance_tables: None,
    holiday_calendar: None,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    height: int,
    name: str,
) -> None:
    # given five monitored households without a cadre, and limits small enough to reach
    _monitored_households(actors)
    monkeypatch.setattr("fupin.registry.views.households.SEARCH_LIMIT", 3)
    monkeypatch.setattr("fupin.monitoring.assistance_todo.AGENDA_ROWS", 2)
    page.set_viewport_size({"width": width, "height": height})
    login(page, live_server.url, "county_admin")
    page.goto(f"{live_server.url}/households/?q=户主")
    expect(page.get_by_test_id("household-counts-capped")).to_contain_text("找到超过 3 户")
    screenshot(page, f"household-search-capped-{name}")
    page.goto(f"{live_server.url}/monitoring/todo/")
    expect(page.get_by_test_id("cadre-deadlines-count")).to_contain_text("共 5 户")
    expect(page.get_by_test_id("cadre-deadlines").locator("li")).to_have_count(2)
    screenshot(page, f"todo-cadre-wait-list-{name}")
