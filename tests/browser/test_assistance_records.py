"""The county ends a pairing from the cadre's page and a work-team stay from the village's
roster at a desk; on a phone, the cadre opens a visit's photos as thumbnails and one at
full size, and the county ends a pairing from the household. Screenshots at 1440 and 390 px."""

import struct
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.accounts.models import Role
from fupin.assistance import services as assistance
from fupin.assistance.models import CadreAssignment, CadreLevel, TeamPost, WorkTeamMember
from fupin.assistance.tests.conftest import monitored_household
from fupin.audit.models import AuditEvent
from tests.browser.conftest import login, screenshot, wait_for_htmx
from tests.support import VILLAGE, Actors, make_user, scope_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _picture(width: int, height: int, tint: int) -> bytes:
    """A PNG with a soft gradient: something to look at in the screenshots."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, tint)) for x in range(width))
        for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_ending_pairings_and_stays_and_viewing_visit_photos(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    actors: Actors,
    assistance_tables: None,
) -> None:
    today = timezone.localdate()
    county = scope_of(actors.county_admin)
    household = monitored_household(actors)
    second = monitored_household(actors, "220122101201002")
    cadre_user = make_user("cadre_wang", Role.RESPONSIBLE_CADRE, VILLAGE)
    cadre = assistance.cadre_create(
        actor=actors.county_admin,
        scope=county,
        name="王志强",
        unit="农安县农业农村局",
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
        households=[household, second],
        started_on=today - timedelta(days=200),
    )
    assistance.work_team_member_add(
        actor=actors.county_admin,
        scope=county,
        village_code=VILLAGE,
        name="赵晓东",
        unit="吉林省财政厅",
        post=TeamPost.FIRST_SECRETARY,
        phone="13500001111",
        started_on=today - timedelta(days=500),
    )
    visit, _created = assistance.visit_record(
        actor=cadre_user,
        scope=scope_of(cadre_user),
        household=household,
        client_token="browser-photos",
        visited_on=today - timedelta(days=3),
        met_person="张建国",
        photos=[
            assistance.PhotoUpload(f"照片{index}.png", "image/png", _picture(320, 240, tint))
            for index, tint in enumerate((40, 140, 240), start=1)
        ],
    )
    base = live_server.url

    # at a desk, the county opens the cadre's page from the list and ends one pairing
    login(page, base, "county_admin")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{base}/assistance/cadres/")
    page.get_by_role("link", name="王志强").click()
    expect(page.get_by_test_id("cadre-current")).to_contain_text(second.number)
    screenshot(page, "assistance-cadre-desk")
    page.get_by_test_id("cadre-current").locator("li", has_text=second.number).get_by_test_id(
        "end-assignment"
    ).click()
    expect(page.get_by_test_id("end-subject")).to_contain_text(second.number)
    page.get_by_label("结束原因").fill("帮扶责任人工作调动")
    screenshot(page, "assistance-assignment-end-desk")
    page.get_by_test_id("end-save").click()
    expect(page.get_by_test_id("cadre-history")).to_contain_text("帮扶责任人工作调动")
    expect(page.get_by_test_id("cadre-current")).not_to_contain_text(second.number)
    _fits(page, 1440)
    screenshot(page, "assistance-cadre-history-desk")
    ended = CadreAssignment.objects.get(household=second)
    assert (ended.ended_on, ended.end_reason) == (today, "帮扶责任人工作调动")

    # … and records that the first secretary left the village
    page.goto(f"{base}/assistance/teams/?village={VILLAGE}")
    page.get_by_test_id("end-team-member").click()
    expect(page.get_by_test_id("end-subject")).to_contain_text("赵晓东")
    screenshot(page, "assistance-team-member-end-desk")
    page.get_by_test_id("end-save").click()
    expect(page.get_by_test_id("work-team")).to_contain_text(f"{today:%Y-%m-%d}")
    expect(page.get_by_test_id("end-team-member")).to_have_count(0)
    assert WorkTeamMember.objects.get().ended_on == today

    # on a phone, the cadre opens the visit's photos from the household page
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone.set_default_timeout(10_000)
    login(phone, base, "cadre_wang")
    phone.goto(f"{base}/households/{household.pk}/")
    wait_for_htmx(phone)
    phone.get_by_test_id("visit-photos-link").click()
    thumbnails = phone.get_by_test_id("photo-thumbnails").locator("img")
    expect(thumbnails).to_have_count(3)
    for index in range(3):
        expect(thumbnails.nth(index)).to_have_js_property("complete", True)
        assert thumbnails.nth(index).evaluate("img => img.naturalWidth") == 320
    _fits(phone, 390)
    screenshot(phone, "assistance-visit-photos-phone")
    thumbnails.nth(1).click()
    expect(phone.get_by_role("heading", name="走访照片 2 / 3")).to_be_visible()
    expect(phone.get_by_test_id("photo-full")).to_have_js_property("complete", True)
    _fits(phone, 390)
    screenshot(phone, "assistance-visit-photo-phone")
    phone.get_by_test_id("photo-next").click()
    expect(phone.get_by_role("heading", name="走访照片 3 / 3")).to_be_visible()
    # The fifth audited view is the third photo's own request: count once it has loaded.
    expect(phone.get_by_test_id("photo-full")).to_have_js_property("complete", True)
    assert phone.get_by_test_id("photo-full").evaluate("img => img.naturalWidth") > 0
    assert (
        AuditEvent.objects.filter(
            action="assistance.visit_photo_view", actor_id=cadre_user.pk
        ).count()
        == 5
    )
    assert visit.photos.count() == 3

    # the county, on a phone, ends the other pairing from the household page
    phone_county = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone_county.set_default_timeout(10_000)
    login(phone_county, base, "county_admin")
    phone_county.goto(f"{base}/households/{household.pk}/")
    wait_for_htmx(phone_county)
    phone_county.get_by_test_id("end-assignment").click()
    phone_county.get_by_label("结束原因").fill("农户迁出本村")
    _fits(phone_county, 390)
    screenshot(phone_county, "assistance-assignment-end-phone")
    phone_county.get_by_test_id("end-save").click()
    wait_for_htmx(phone_county)
    expect(phone_county.get_by_test_id("no-cadre")).to_be_visible()
    expect(phone_county.get_by_test_id("assistance-section")).to_contain_text("农户迁出本村")
    screenshot(phone_county, "assistance-household-after-end-phone")
