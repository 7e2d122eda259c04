import re

import pytest
from playwright.sync_api import Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.assessment.models import AssessmentRun, RuleSetRecord
from fupin.assessment.selectors import rule_set_get
from fupin.assessment.tests.rulesets import household_with_income
from tests.browser.conftest import login, screenshot, wait_for_htmx
from tests.support import OTHER_VILLAGE, TOWN, VILLAGE, Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


BASELINE_CONDITION = (
    'household_type != "poor" and per_capita_net_income < param.monitoring_line'
    " and (len(risk_types) > 0 or len(guarantee_problems) > 0)"
)
COUNTY_CONDITION = BASELINE_CONDITION.replace(
    "param.monitoring_line", "param.monitoring_line + 1600"
)
COUNTY_MESSAGE = (
    "人均纯收入 {per_capita_net_income} 元低于本县监测标准 {param.monitoring_line + 1600} 元，"
    "存在问题：{guarantee_problems}"
)


def _accept(dialog: Dialog) -> None:
    dialog.accept()


def _shot(page: Page, name: str) -> None:
    """A full-page screenshot from the top (a saved draft returns to the edited rule)."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def test_county_administrator_raises_the_line_in_a_draft_simulates_and_publishes(
    page: Page, live_server: LiveServer, actors: Actors, baseline: RuleSetRecord
) -> None:
    # per person: 3,000 (monitored at any line), 8,300 and 8,500 (enter at 8,600), 30,000
    household_with_income(actors, "220122101201001", VILLAGE, 3000)
    near = household_with_income(actors, "220122101201002", VILLAGE, 8300)
    household_with_income(actors, "220122101201003", VILLAGE, 30000)
    household_with_income(actors, "220122101202001", OTHER_VILLAGE, 8500)
    base = live_server.url
    login(page, base, "county_admin")

    # the list: the nationwide baseline, read-only for a county
    page.goto(f"{base}/assessment/rule-sets/")
    expect(page.get_by_test_id("ruleset-table")).to_contain_text("national-baseline")
    expect(page.get_by_test_id("ruleset-table")).to_contain_text("全国")
    _shot(page, "ruleset-list")
    page.get_by_role("link", name="全国基线规则集").click()
    expect(page.get_by_test_id("ruleset-title")).to_contain_text("第 2 版")
    expect(page.get_by_test_id("ruleset-status")).to_have_text("已发布")
    expect(page.get_by_test_id("ruleset-parameters-save")).to_have_count(0)
    _shot(page, "ruleset-baseline")

    # clone it: version 3, a draft for the county
    page.get_by_test_id("ruleset-clone").click()
    expect(page.get_by_test_id("ruleset-title")).to_contain_text("第 3 版")
    expect(page.get_by_test_id("ruleset-status")).to_have_text("草稿")
    expect(page.get_by_test_id("ruleset-region")).to_have_text("农安县")
    draft = RuleSetRecord.objects.get(version=3)
    assert (draft.code, draft.region_code) == ("national-baseline", "220122")

    # an identical draft changes nothing
    page.get_by_test_id("ruleset-simulate").click()
    expect(page.get_by_test_id("stat-households")).to_have_text("4")
    expect(page.get_by_test_id("stat-entering_monitoring")).to_have_text("0")

    # the 监测范围 has no default in a rule set (it is set per region and year) …
    page.go_back()
    expect(page.get_by_test_id("parameter-monitoring_line")).to_contain_text("无默认值")
    expect(
        page.get_by_test_id("parameter-monitoring_line").get_by_role("spinbutton")
    ).to_have_count(0)
    # … the county's own thresholds are: the warning threshold from 20,000 to 30,000
    threshold = page.get_by_test_id("parameter-rigid_expenditure_threshold").get_by_role(
        "spinbutton"
    )
    expect(threshold).to_have_value("20000")
    threshold.fill("30000")
    page.get_by_test_id("ruleset-parameters-save").click()
    expect(page.locator(".alert-success")).to_contain_text("校验通过")
    expect(threshold).to_have_value("30000")

    # a mistake in a condition is shown with its position, and then corrected
    rule = page.get_by_test_id("rule-MON-INCOME-BELOW-LINE")
    wait_for_htmx(page)
    rule.get_by_test_id("rule-edit-MON-INCOME-BELOW-LINE").click()
    condition = rule.get_by_label("条件")
    expect(condition).to_have_value(BASELINE_CONDITION)
    condition.fill("per_capita_net_income < param.monitoring_lin")
    _shot(page, "ruleset-rule-edit")
    rule.get_by_test_id("rule-save").click()
    expect(page.locator(".alert-warning")).to_contain_text("校验发现 1 个问题")
    expect(page.get_by_test_id("ruleset-problems")).to_contain_text("MON-INCOME-BELOW-LINE")
    expect(page.get_by_test_id("ruleset-problems")).to_contain_text("未知的参数")
    _shot(page, "ruleset-draft-problems")
    page.once("dialog", _accept)
    page.get_by_test_id("ruleset-publish").click()
    expect(page.locator(".alert-danger").first).to_contain_text("不能发布")
    wait_for_htmx(page)
    page.get_by_test_id("rule-edit-MON-INCOME-BELOW-LINE").click()
    # the county monitors households up to 1,600 元 above the region's 监测范围
    edited = page.get_by_test_id("rule-MON-INCOME-BELOW-LINE")
    edited.get_by_label("条件").fill(COUNTY_CONDITION)
    edited.get_by_label("提示信息").fill(COUNTY_MESSAGE)
    page.get_by_test_id("rule-save").click()
    expect(page.locator(".alert-success")).to_contain_text("校验通过")
    wait_for_htmx(page)
    page.get_by_test_id("ruleset-validate").click()
    expect(page.get_by_test_id("ruleset-problems")).to_contain_text("校验通过")
    _shot(page, "ruleset-draft")

    # the simulation of the county: two households enter monitoring, both in one town
    page.get_by_test_id("ruleset-simulate").click()
    expect(page.get_by_test_id("stat-entering_monitoring")).to_have_text("2")
    expect(page.get_by_test_id("stat-leaving_monitoring")).to_have_text("0")
    expect(page.get_by_test_id("simulation-summary")).to_contain_text("20000 → 30000")
    expect(page.get_by_test_id(f"simulation-row-{TOWN}")).to_contain_text("伏龙泉镇")
    _shot(page, "ruleset-simulation-county")
    # a temporary override for this simulation only: a 监测范围 of 6,800 puts the county's
    # line at 8,400, and only one enters
    wait_for_htmx(page)
    page.get_by_test_id("simulation-overrides").locator("summary").click()
    page.get_by_test_id("override-monitoring_line").fill("6800")
    page.get_by_test_id("simulation-run").click()
    expect(page.get_by_test_id("stat-entering_monitoring")).to_have_text("1")
    expect(page).to_have_url(re.compile("p_monitoring_line=6800"))
    page.get_by_test_id("override-monitoring_line").fill("")
    page.get_by_test_id("simulation-run").click()
    expect(page.get_by_test_id("stat-entering_monitoring")).to_have_text("2")
    # drill down: the town's villages, then the village's changed household
    page.get_by_test_id(f"simulation-row-{TOWN}").get_by_role("link").click()
    expect(page.get_by_test_id(f"simulation-row-{VILLAGE}")).to_contain_text("东榛柴村委会")
    expect(page.get_by_test_id(f"simulation-row-{OTHER_VILLAGE}")).to_contain_text("兴隆村委会")
    page.get_by_test_id(f"simulation-row-{VILLAGE}").get_by_role("link").click()
    changes = page.get_by_test_id("simulation-changes")
    expect(changes.locator("tbody tr")).to_have_count(1)
    expect(changes).to_contain_text(near.number)
    expect(changes).to_contain_text("否 → 是")
    _shot(page, "ruleset-simulation-village")

    # the phone: nothing overflows sideways
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "ruleset-simulation-phone")
    page.goto(f"{base}/assessment/rule-sets/{draft.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "ruleset-draft-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    # publish: version 3 is the newest published version from now on
    page.once("dialog", _accept)
    wait_for_htmx(page)
    page.get_by_test_id("ruleset-publish").click()
    expect(page.get_by_test_id("ruleset-status")).to_have_text("已发布")
    expect(page.get_by_test_id("ruleset-parameters-save")).to_have_count(0)
    assert rule_set_get(code="national-baseline", region_code=near.village_id).pk == draft.pk

    # the household is assessed again with the new line, and the reasons say so
    page.goto(f"{base}/households/{near.pk}/")
    outcome = page.get_by_test_id("assessment-outcome")
    expect(outcome).to_contain_text("尚未评估")
    outcome.get_by_test_id("assess-household").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成评估")
    outcome = page.get_by_test_id("assessment-outcome")
    # an 一般农户 gets no colour; it enters as 边缘易致贫户, and the reasons say why
    expect(outcome.get_by_test_id("risk-level")).to_have_text("无风险等级")
    expect(outcome).to_contain_text("符合监测条件")
    expect(outcome.get_by_test_id("monitoring-category")).to_have_text("边缘易致贫户")
    # the rule set by its title and version, its code only for those who hover
    expect(outcome.get_by_test_id("outcome-rule-set")).to_have_text("全国基线规则集 第 3 版")
    expect(outcome.get_by_test_id("outcome-rule-set")).to_have_attribute(
        "title", "national-baseline@3"
    )
    expect(outcome.get_by_test_id("assessment-reasons")).to_contain_text(
        "人均纯收入 8300 元低于本县监测标准 8600 元"
    )
    _shot(page, "ruleset-household-assessed")
    assert AssessmentRun.objects.get().rule_set_id == draft.pk


def test_village_officer_tries_a_household_and_cannot_change_rule_sets(
    page: Page, live_server: LiveServer, actors: Actors, baseline: RuleSetRecord
) -> None:
    near = household_with_income(actors, "220122101201002", VILLAGE, 8300)
    household_with_income(actors, "220122101202001", OTHER_VILLAGE, 8500)
    base = live_server.url
    login(page, base, "village_officer")
    page.goto(f"{base}/assessment/rule-sets/{baseline.pk}/")
    expect(page.get_by_test_id("ruleset-clone")).to_have_count(0)
    expect(page.get_by_test_id("ruleset-publish")).to_have_count(0)
    page.get_by_role("link", name="单户试算").click()
    page.get_by_test_id("trial-search").fill("2201221012")
    page.get_by_role("button", name="查找农户").click()
    candidates = page.get_by_test_id("trial-candidates")
    expect(candidates).to_contain_text(near.number)
    expect(candidates).not_to_contain_text("220122101202001")
    candidates.get_by_role("link", name="试算").click()
    expect(page.get_by_test_id("trial-result")).to_contain_text(near.number)
    expect(page.get_by_test_id("trial-outcome")).to_contain_text("不符合监测条件")
    _shot(page, "ruleset-try")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "ruleset-try-phone")
    # the simulation of another village is refused
    response = page.goto(f"{base}/assessment/rule-sets/{baseline.pk}/simulate/?region={TOWN}")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("兴隆村委会")
