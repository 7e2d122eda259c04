"""A 12317 call registered by the county is investigated and answered by the township,
becomes a problem with two tasks that the village closes with evidence and the township
signs off; a cadre fills a campaign questionnaire on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.accounts.models import Role
from fupin.rectification import services
from fupin.rectification.models import (
    CampaignKind,
    Complaint,
    ComplaintState,
    Problem,
    ProblemState,
    Question,
    Questionnaire,
    TaskState,
)
from fupin.rectification.questionnaires import MOPAI_2023_CODE, seed_questionnaires
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot, wait_for_htmx
from tests.support import COUNTY, TOWN, VILLAGE, Actors, make_user, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser: Browser, base: str, username: str, *, phone: bool = False) -> Page:
    width, height = (390, 844) if phone else (1440, 900)
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, base, username)
    return page


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_12317_call_to_a_problem_closed_with_evidence(
    browser: Browser, live_server: LiveServer, actors: Actors
) -> None:
    base = live_server.url

    # the county registers a call to 12317 about a village
    county = _as(browser, base, "county_admin")
    county.goto(f"{base}/rectification/complaints/new/")
    expect(county.get_by_test_id("region-picker-chosen")).to_contain_text("农安县")
    wait_for_htmx(county)
    county.get_by_test_id("region-level-2").select_option(TOWN)
    expect(county.get_by_test_id("region-picker-chosen")).to_contain_text("伏龙泉镇")
    wait_for_htmx(county)
    county.get_by_test_id("region-level-3").select_option(VILLAGE)
    expect(county.get_by_test_id("region-picker-chosen")).to_contain_text("东榛柴村委会")
    county.get_by_label("举报类别").select_option("funds")
    county.get_by_label("反映内容").fill("村里光伏收益分配没有公示，有三户脱贫户没拿到。")
    county.get_by_label("举报人姓名").fill("王举报")
    county.get_by_label("举报人电话").fill("13612345678")
    screenshot(county, "rectification-complaint-register")
    county.get_by_test_id("complaint-save").click()
    expect(county.get_by_test_id("handling-region")).to_contain_text("伏龙泉镇")
    expect(county.get_by_test_id("complaint-state")).to_have_text("待签收")
    complaint = Complaint.objects.get()
    assert complaint.due_on == complaint.received_on + timedelta(days=15)
    screenshot(county, "rectification-complaint-detail-county")

    # the township acknowledges, investigates, turns it into a problem and replies
    township = _as(browser, base, "township")
    detail = f"{base}/rectification/complaints/{complaint.pk}/"
    township.goto(detail)
    expect(township.get_by_test_id("complainant-name")).to_contain_text("王举报")
    township.get_by_test_id("complaint-step-submit").click()
    expect(township.get_by_test_id("complaint-state")).to_have_text("调查中")
    township.get_by_label("调查核实情况").fill("核实属实：2024 年光伏收益 3 户未发放。")
    township.get_by_label("反映属实", exact=True).check()
    township.get_by_test_id("complaint-step-submit").click()
    expect(township.get_by_test_id("complaint-state")).to_have_text("待答复")
    township.get_by_label("答复内容").fill("已责成村委会十日内补发并公示，请留意。")
    township.get_by_test_id("complaint-step-submit").click()
    expect(township.get_by_test_id("complaint-state")).to_have_text("待回访")
    township.get_by_label("问题概要").fill("光伏收益未按时分配")
    township.get_by_test_id("to-problem-submit").click()
    expect(township.get_by_test_id("problem-state")).to_have_text("待分解")
    problem = Problem.objects.get()
    for lead, owner, measures in (
        ("伏龙泉镇人民政府", "东榛柴村委会", "十日内补发三户光伏收益"),
        ("伏龙泉镇人民政府", "东榛柴村委会", "收益分配结果在村务公开栏公示"),
    ):
        township.get_by_label("牵头单位").fill(lead)
        township.get_by_label("责任单位").fill(owner)
        township.get_by_label("整改措施（核定措施）").fill(measures)
        township.get_by_label("整改时限").fill(
            (timezone.localdate() + timedelta(days=10)).isoformat()
        )
        township.get_by_test_id("task-save").click()
        expect(township.locator(".alert-success")).to_contain_text("已添加整改任务")
    expect(township.get_by_test_id("problem-state")).to_have_text("整改中")

    # the village asks for 销号 with evidence; without evidence it is refused
    village = _as(browser, base, "village_officer")
    village.goto(f"{base}/rectification/problems/{problem.pk}/")
    first = village.get_by_test_id("task-1")
    first.get_by_label("整改成果（议定成果）").fill("三户收益已补发")
    first.get_by_test_id("closure-submit").click()
    expect(village.locator(".alert-danger")).to_contain_text("销号须有佐证材料")
    for number, evidence in ((1, "银行转账凭证 3 张"), (2, "公示照片 2 张")):
        task = village.get_by_test_id(f"task-{number}")
        task.get_by_label("整改成果（议定成果）").fill("已完成")
        task.get_by_label("佐证材料").fill(evidence)
        task.get_by_test_id("closure-submit").click()
        expect(village.get_by_test_id(f"task-{number}").get_by_test_id("task-state")).to_have_text(
            "待销号审核"
        )
    # the village cannot close its own tasks: the review form is not offered
    expect(village.get_by_test_id("review-submit")).to_have_count(0)

    # the township, the level above, closes both
    township.goto(f"{base}/rectification/problems/{problem.pk}/")
    for _number in (1, 2):
        township.get_by_test_id("review-submit").first.click()
        expect(township.locator(".alert-success")).to_contain_text("已销号")
    expect(township.get_by_test_id("problem-state")).to_have_text("已销号")
    screenshot(township, "rectification-problem-closed")
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED
    assert [task.state for task in problem.tasks.all()] == [TaskState.CLOSED] * 2
    assert all(task.closure_evidence for task in problem.tasks.all())

    # the complainant's satisfaction closes the complaint
    township.goto(detail)
    township.get_by_label("满意", exact=True).check()
    township.get_by_test_id("complaint-step-submit").click()
    expect(township.get_by_test_id("complaint-state")).to_have_text("已办结")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.problem) == (ComplaintState.CLOSED, problem)
    for page in (county, township, village):
        page.context.close()


def test_cadre_completes_a_campaign_questionnaire_on_a_phone(
    browser: Browser, live_server: LiveServer, actors: Actors
) -> None:
    base = live_server.url
    make_user("cadre", Role.RESPONSIBLE_CADRE, VILLAGE)
    household = household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=factories.family(),
    )
    seed_questionnaires(Questionnaire, Question)
    campaign = services.campaign_open(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        name="2025年防返贫集中排查",
        kind=CampaignKind.SCREENING,
        region_code=COUNTY,
        region_codes=[],
        household_types=[],
        questionnaire_id=Questionnaire.objects.get(code=MOPAI_2023_CODE).pk,
        due_on=timezone.localdate() + timedelta(days=30),
    )

    phone = _as(browser, base, "cadre", phone=True)
    phone.goto(f"{base}/rectification/campaigns/")
    phone.get_by_test_id(f"campaign-{campaign.pk}").click()
    expect(phone.get_by_test_id("campaign-total")).to_contain_text("1")
    _fits(phone, 390)
    screenshot(phone, "rectification-campaign-phone")
    phone.get_by_test_id("visit-list").click()
    phone.get_by_test_id(f"visit-{household.number}").click()
    expect(phone.get_by_test_id("visit-household")).to_contain_text(household.number)
    form = phone.get_by_test_id("visit-form")
    for question, answer in (
        ("是否住房出现安全问题", "否"),
        ("是否义务教育阶段适龄儿童少年失学辍学", "否"),
        ("是否饮水出现安全问题", "是"),
        ("是否有家庭成员未参加城乡居民（职工）基本医疗保险", "否"),
        ("是否落实开发式帮扶措施", "是"),
    ):
        form.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
            answer, exact=True
        ).check()
    form.get_by_role("group", name=re.compile("主要致贫返贫风险")).get_by_label(
        "无明显风险"
    ).check()
    _fits(phone, 390)
    screenshot(phone, "rectification-questionnaire-phone")
    phone.get_by_test_id("visit-submit").click()
    expect(phone.locator(".alert-warning")).to_contain_text("发现问题 1 个")
    screenshot(phone, "rectification-visits-phone")
    problem = Problem.objects.get()
    assert (problem.title, problem.region_id) == ("饮水出现安全问题", VILLAGE)
    assert list(problem.households.all()) == [household]

    # the county sees the progress by township and village at a desk
    desk = _as(browser, base, "county_admin")
    desk.goto(f"{base}/rectification/campaigns/{campaign.pk}/")
    expect(desk.get_by_test_id("total-done")).to_have_text("1")
    expect(desk.get_by_test_id("total-problems")).to_have_text("1")
    screenshot(desk, "rectification-campaign-desk")
    desk.goto(f"{base}/rectification/problems/")
    expect(desk.get_by_test_id("problem-table")).to_contain_text("饮水出现安全问题")
    screenshot(desk, "rectification-problem-list-desk")
    desk.goto(f"{base}/rectification/report/")
    expect(desk.get_by_test_id("report-total")).to_contain_text("1")
    screenshot(desk, "rectification-report-desk")
    for page in (phone, desk):
        page.context.close()


def test_public_complaint_and_office_pages_on_a_phone(
    browser: Browser, live_server: LiveServer, actors: Actors
) -> None:
    base = live_server.url
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    farmer = context.new_page()
    farmer.set_default_timeout(10_000)
    farmer.goto(f"{base}/complaint/?region={VILLAGE}")
    expect(farmer.get_by_test_id("complaint-region")).to_contain_text("东榛柴村委会")
    farmer.get_by_label("反映类别").select_option("projects")
    farmer.get_by_label("反映的问题").fill("村里修路项目质量差，刚修好就开裂。")
    farmer.get_by_label("联系电话").fill("13700001234")
    farmer.get_by_label(re.compile("匿名反映")).check()
    _fits(farmer, 390)
    screenshot(farmer, "rectification-public-complaint-phone")
    farmer.get_by_test_id("public-complaint-submit").click()
    receipt = farmer.get_by_test_id("receipt-number").inner_text().strip()
    assert re.fullmatch(r"JB\d{8}[A-Z2-9]{6}", receipt)
    farmer.get_by_role("link", name="查询办理进度").click()
    farmer.get_by_label("联系电话后四位").fill("1234")
    farmer.get_by_test_id("receipt-submit").click()
    expect(farmer.get_by_test_id("receipt-state")).to_have_text("待签收")
    screenshot(farmer, "rectification-public-receipt-phone")
    context.close()

    # the township reviewer works the lists and the complaint on a phone
    township = _as(browser, base, "township", phone=True)
    township.goto(f"{base}/rectification/complaints/")
    expect(township.get_by_test_id("complaint-table")).to_contain_text(receipt)
    _fits(township, 390)
    screenshot(township, "rectification-complaint-list-phone")
    township.get_by_role("link", name=receipt).click()
    expect(township.get_by_test_id("complainant-name")).to_contain_text("匿名")
    _fits(township, 390)
    screenshot(township, "rectification-complaint-detail-phone")
    problem = services.problem_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        source="inspection",
        region_code=VILLAGE,
        category="funds",
        title="到户产业补助资金滞留村账户",
        description="督查发现 3 户补助资金滞留两个月。",
        found_on=timezone.localdate() - timedelta(days=20),
    )
    services.task_add(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        problem_id=problem.pk,
        lead_unit="伏龙泉镇人民政府",
        owner_unit="东榛柴村委会",
        measures="一周内拨付到户",
        expected_effect="3 户全部到账",
        due_on=timezone.localdate() - timedelta(days=1),
    )
    township.goto(f"{base}/rectification/problems/")
    # on a phone the overdue badge sits under the title (the state column is hidden)
    expect(township.locator("[data-testid=deadline-overdue]:visible")).to_have_count(1)
    _fits(township, 390)
    screenshot(township, "rectification-problem-list-phone")
    township.goto(f"{base}/rectification/problems/{problem.pk}/")
    _fits(township, 390)
    screenshot(township, "rectification-problem-detail-phone")
    township.context.close()
