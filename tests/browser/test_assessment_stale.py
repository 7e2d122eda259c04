"""A changed household says its level is waiting for re-assessment until the catch-up has
run, and a large region's what-if gathers its facts in a job (ADR 0016); at phone and
desktop width."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.selectors import rulesets as ruleset_selectors
from fupin.assessment.services import (
    assessment_catch_up,
    assessment_run,
    simulation_prepare_job_run,
)
from fupin.assessment.tests.rulesets import household_with_income
from fupin.jobs.models import Job
from fupin.registry.services import household_year_record
from tests.browser.conftest import login, screenshot
from tests.support import COUNTY, VILLAGE, Actors, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (390, 844), "desktop": (1440, 900)}


def _at_both_widths(page: Page, url: str, name: str) -> None:
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{name}-{label}")


def test_a_changed_household_says_its_level_is_waiting_until_reassessed(
    page: Page, live_server: LiveServer, actors: Actors, baseline: RuleSetRecord
) -> None:
    household = household_with_income(actors, "220122101201001", VILLAGE, 3000)
    household_with_income(actors, "220122101201002", VILLAGE, 30000)
    admin = actors.county_admin
    assessment_run(actor=admin, scope=scope_of(admin), region_code=COUNTY, year=2025)
    household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=2025,
        amounts={"wage_income": Decimal("90000")},
    )
    base = live_server.url
    login(page, base, "county_admin")
    listing = f"{base}{reverse('registry:household-list')}?q=220122101201"
    _at_both_widths(page, listing, "stale-household-list")
    expect(page.get_by_test_id("assessment-stale")).to_have_count(1)
    detail = f"{base}{reverse('registry:household-detail', args=[household.pk])}"
    _at_both_widths(page, detail, "stale-household-detail")
    expect(
        page.get_by_test_id("assessment-outcome").get_by_test_id("assessment-stale")
    ).to_be_visible()
    assessment_catch_up()
    page.goto(detail)
    expect(page.get_by_test_id("assessment-outcome")).to_be_visible()
    expect(page.get_by_test_id("assessment-stale")).to_have_count(0)
    expect(page.get_by_test_id("risk-level")).to_have_text("无风险等级")


def test_a_large_simulation_gathers_facts_in_a_job_and_returns_to_the_results(
    page: Page,
    live_server: LiveServer,
    actors: Actors,
    baseline: RuleSetRecord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    household_with_income(actors, "220122101201001", VILLAGE, 8300)
    household_with_income(actors, "220122101201002", VILLAGE, 30000)
    monkeypatch.setattr(ruleset_selectors, "SIMULATION_HOUSEHOLD_LIMIT", 1)
    base = live_server.url
    login(page, base, "county_admin")
    url = (
        f"{base}{reverse('assessment:ruleset-simulate', args=[baseline.pk])}"
        f"?region={COUNTY}&year=2025&before={baseline.pk}&p_monitoring_line=8600"
    )
    _at_both_widths(page, url, "simulation-needs-job")
    expect(page.get_by_test_id("simulation-needs-job")).to_contain_text("后台汇总农户事实")
    page.get_by_test_id("simulation-prepare").click()
    job = Job.objects.get()
    job_url = f"{base}{reverse('jobs:job-detail', args=[job.pk])}"
    page.wait_for_url(job_url)
    simulation_prepare_job_run(job_id=job.pk)
    _at_both_widths(page, job_url, "simulation-job-done")
    page.get_by_test_id("job-next").click()
    expect(page.get_by_test_id("stat-households")).to_have_text("2")
    expect(page.get_by_test_id("stat-entering_monitoring")).to_have_text("1")
    screenshot(page, "simulation-after-job-desktop")
