"""A responsible cadre on a phone records a visit with a photo and adds a measure; the
county sees the plan without gaps, and the household helped out of risk is proposed for
风险消除 and carried through the workflow (帮扶消除)."""

import re
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.accounts.models import Role
from fupin.assessment.models import RuleSetRecord
from fupin.assistance import services as assistance
from fupin.assistance.models import CadreLevel, Measure, MeasureStatus, Visit
from fupin.assistance.tests.conftest import able_family
from fupin.monitoring import steps
from fupin.monitoring.models import CaseState, MonitoringCase
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent
from fupin.registry.services import (
    household_conditions_record,
    household_register,
    household_status_record,
    household_year_record,
)
from fupin.registry.tests import factories
from tests.browser.conftest import login, screenshot, wait_for_htmx
from tests.support import VILLAGE, Actors, make_user, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    """A 2×2 white PNG: a real image for the photo upload."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _monitored_household(actors: Actors, today: date) -> Household:
    officer = actors.village_officer
    scope = scope_of(officer)
    household = household_register(
        actor=officer,
        scope=scope,
        data=factories.household("220122101201001", VILLAGE, group_name="三组"),
        members=able_family(),
    )
    household_year_record(
        actor=officer,
        scope=scope,
        household=household,
        year=today.year,
        amounts={"wage_income": Decimal(45000)},
    )
    household_conditions_record(
        actor=officer,
        scope=scope,
        household=household,
        year=today.year,
        values={
            "is_housing_unsafe": False,
            "has_dropout_child": False,
            "is_water_unsafe": False,
            "has_uninsured_member": False,
        },
    )
    identified = today - timedelta(days=240)
    household_status_record(
        actor=officer,
        scope=scope,
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=identified,
        monitoring_category=codes.MonitoringCategory.MARGINAL,
        identified_month=f"{identified:%Y%m}",
        risk_types=[codes.RiskType.UNSTABLE_EMPLOYMENT],
    )
    household.refresh_from_db()
    return household


def _months_before(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


def test_cadre_helps_a_household_out_of_risk(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    actors: Actors,
    holiday_calendar: None,
    assistance_tables: None,
    baseline: RuleSetRecord,
) -> None:
    today = timezone.localdate()
    household = _monitored_household(actors, today)
    county = scope_of(actors.county_admin)
    cadre_user = make_user("cadre_wang", Role.RESPONSIBLE_CADRE, VILLAGE)
    cadre = assistance.cadre_create(
        actor=actors.county_admin,
        scope=county,
        name="王志强",
        unit="农安县人社局",
        post="科员",
        phone="13700001234",
        level=CadreLevel.COUNTY,
        region_code=VILLAGE,
        user=cadre_user,
    )
    assistance.cadre_assign(
        actor=actors.county_admin,
        scope=county,
        cadre=cadre,
        households=[household],
        started_on=today - timedelta(days=230),
    )
    assistance.plan_draft(
        actor=actors.county_admin, scope=county, household=household, year=today.year
    )
    # the county's own 保障式 measure; the cadre adds the 开发式 one below
    assistance.measure_add(
        actor=actors.county_admin,
        scope=county,
        household=household,
        year=today.year,
        category_code="100A52",
        subtype="消费帮扶（农产品代销）",
        responsible_unit="农安县供销社",
        started_on=today - timedelta(days=200),
        status=MeasureStatus.IN_PLACE,
    )
    # five earlier months of income above the line (3 members: 1,750 元 a month)
    for month in _months_before(today, 5):
        assistance.monthly_income_record(
            actor=actors.county_admin,
            scope=county,
            household=household,
            month=month,
            amount=Decimal(3000),
        )
    base = live_server.url

    # the cadre logs in on a phone and opens 我的帮扶户
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone.set_default_timeout(10_000)
    login(phone, base, "cadre_wang")
    phone.get_by_role("button", name="打开菜单").click()
    phone.get_by_role("link", name="我的帮扶户").click()
    expect(phone.get_by_test_id("my-households")).to_contain_text(household.number)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "assistance-my-households-phone")
    phone.get_by_role("link", name=household.number).click()
    wait_for_htmx(phone)
    expect(phone.get_by_test_id("assistance-section")).to_contain_text("王志强")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # records this month's visit with a photo
    phone.get_by_test_id("record-visit").click()
    phone.get_by_label("见到的人").fill("张建国")
    phone.get_by_label("本月家庭收入（元）").fill("3200")
    phone.get_by_label("本月就业变化").fill("在县内企业稳定务工")
    phone.locator("#visit-photos").set_input_files(
        files=[FilePayload(name="门口.png", mimeType="image/png", buffer=_png())]
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "assistance-visit-form-phone")
    phone.get_by_test_id("visit-save").click()
    expect(phone.get_by_test_id("my-households")).to_be_visible()
    visit = Visit.objects.get()
    assert (visit.met_person, visit.photos.count(), visit.household_income) == (
        "张建国",
        1,
        Decimal("3200.00"),
    )
    assert phone.evaluate("localStorage.length") == 0

    # adds a 开发式 measure for the head, in place, and resolves the risk
    phone.goto(f"{base}/assistance/households/{household.pk}/measures/new/")
    phone.get_by_label("受益成员").select_option(label="张建国")
    phone.get_by_label("措施类别").select_option("100A40")
    phone.get_by_label("具体措施").fill("县内企业稳定就业")
    phone.get_by_label("责任单位").fill("农安县人社局")
    phone.get_by_label("状态").select_option(MeasureStatus.IN_PLACE.value)
    screenshot(phone, "assistance-measure-form-phone")
    phone.get_by_test_id("measure-save").click()
    wait_for_htmx(phone)
    expect(phone.get_by_test_id("measure-table")).to_contain_text("县内企业稳定就业")
    phone.get_by_test_id("resolve-risk").click()
    phone.get_by_label("消除方式及情况").fill("县内企业稳定务工，收入稳定")
    phone.get_by_test_id("form-save").click()
    wait_for_htmx(phone)
    expect(phone.get_by_test_id("risk-list")).to_contain_text("已消除")
    screenshot(phone, "assistance-household-phone")
    assert Measure.objects.get(subtype="县内企业稳定就业").is_development

    # the county sees the plan without gaps, assesses and proposes 风险消除
    login(page, base, "county_admin")
    page.set_viewport_size({"width": 1440, "height": 900})
    # The sidebar's link, not the dashboard's 有帮扶责任人 figure (the icon comes first).
    page.get_by_role("link", name=re.compile(r"^\W*帮扶责任人$")).click()
    expect(page.get_by_test_id("cadre-table")).to_contain_text("王志强")
    expect(page.get_by_test_id("cadre-table")).not_to_contain_text("13700001234")
    screenshot(page, "assistance-cadres-desk")
    page.goto(f"{base}/households/{household.pk}/")
    wait_for_htmx(page)
    expect(page.get_by_test_id("plan-complete")).to_be_visible()
    expect(page.get_by_test_id("plan-gaps")).to_have_count(0)
    screenshot(page, "assistance-household-county")
    page.get_by_test_id("assess-household").click()
    wait_for_htmx(page)
    expect(page.get_by_test_id("assessment-outcome")).to_contain_text("可风险消除")
    page.get_by_test_id("propose-elimination").click()
    page.get_by_label("风险消除方式").select_option(codes.EliminationMethod.ASSISTED.value)
    page.get_by_label("理由").fill("务工收入稳定，风险已消除")
    page.get_by_test_id("elimination-save").click()
    case = MonitoringCase.objects.get(kind="elimination")
    assert case.elimination_method == codes.EliminationMethod.ASSISTED

    # the village, township and county carry it through
    performers = [
        steps.Performer(user, scope_of(user))
        for user in (actors.village_officer, actors.township_reviewer, actors.county_admin)
    ]
    steps.walk_case(
        case,
        until=CaseState.COMPLETED,
        performers=performers,
        data={steps.PUBLICITY_START: {"starts_on": today - timedelta(days=10)}},
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.RISK_ELIMINATED
    page.goto(f"{base}/households/{household.pk}/")
    expect(page.get_by_test_id("household-title")).to_contain_text("风险已消除")
    screenshot(page, "assistance-household-eliminated")
