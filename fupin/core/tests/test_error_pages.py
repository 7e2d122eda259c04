"""Friendly Chinese error pages, in production and in the demo (debug) alike."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from config import urls as project_urls
from tests.support import Actors, client_for


def _failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


# The project's own patterns and error handlers, plus one view that fails.
urlpatterns = [path("boom/", _failing_view), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def test_unknown_address_is_a_chinese_page(actors: Actors) -> None:
    response = client_for(actors.village_officer).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到您要的内容" in body
    assert "返回首页" in body


@override_settings(DEBUG=True)
def test_unknown_address_in_debug_mode_never_lists_the_url_patterns(actors: Actors) -> None:
    response = client_for(actors.village_officer).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到您要的内容" in body
    assert "URLconf" not in body
    assert "Page not found" not in body


@override_settings(DEBUG=True)
def test_a_missing_object_in_debug_mode_is_the_chinese_page(actors: Actors) -> None:
    response = client_for(actors.county_admin).get("/jobs/999999/")
    assert response.status_code == 404
    assert "URLconf" not in response.content.decode()
    assert 'data-testid="not-found"' in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_failure_is_a_chinese_page(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=True)
def test_a_failure_in_debug_mode_shows_no_traceback(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错了" in body
    assert "Traceback" not in body
    assert "boom" not in body
    assert "boom" in caplog.text


def test_a_stale_form_token_is_explained_in_chinese(actors: Actors) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.village_officer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_an_unknown_host_name_is_a_chinese_page(db: None) -> None:
    response = Client().get("/", headers={"host": "unknown.example"})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
