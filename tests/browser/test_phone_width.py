"""Every page of the URL smoke test fits a 390 px phone: no sideways page scroll."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from fupin.assessment.models import RuleSetRecord
from tests.browser.conftest import login, screenshot
from tests.smoke_pages import smoke_pages
from tests.support import Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
# How far the page is wider than the window, in CSS pixels (0 when it fits).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# Elements that stick out of the window on the right, to name the culprit.
CULPRITS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
               && !e.closest('.table-responsive, .offcanvas, .dropdown-menu, .visually-hidden'))
  .slice(0, 3)
  .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30))"""


def test_no_page_scrolls_sideways_on_a_phone(
    page: Page,
    live_server: LiveServer,
    actors: Actors,
    baseline: RuleSetRecord,
    seeded_tables: None,
) -> None:
    pages = smoke_pages(actors, baseline)
    page.set_viewport_size(PHONE)
    login(page, live_server.url, "system_admin")
    wide: dict[str, str] = {}
    skipped: dict[str, str] = {}
    visited = 0
    for smoke in pages:
        # Asked first without the browser, with its cookies: POST-only addresses (405),
        # redirects and downloads are not pages, and a download in the tab only slows it.
        probe = page.request.get(live_server.url + smoke.url, max_redirects=0)
        content_type = probe.headers.get("content-type") or ""
        if probe.status != 200 or not content_type.startswith("text/html"):
            skipped[smoke.name] = f"{probe.status} {content_type}"
            continue
        try:
            response = page.goto(live_server.url + smoke.url)
        except PlaywrightError as error:
            skipped[smoke.name] = str(error).splitlines()[0][:200]
            continue
        if response is None or response.status != 200:
            skipped[smoke.name] = str(response.status if response else None)
            continue
        visited += 1
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            wide[smoke.name] = f"{overflow}px {page.evaluate(CULPRITS)}"
            screenshot(page, f"phone-wide-{smoke.name.replace(':', '-')}")
    # Most named URLs are pages; the rest are POST-only actions and downloads.
    assert visited >= 30, f"only {visited} pages; not pages: {skipped}"
    assert wide == {}, "\n".join(f"{name}: {why}" for name, why in wide.items())
