from datetime import datetime, timedelta

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fupin.accounts.middleware import SESSION_ASSIGNMENT_KEY, SESSION_FOCUS_KEY
from fupin.accounts.models import RegionAssignment, Role, User
from fupin.audit.models import AuditEvent
from tests.support import (
    COUNTY,
    PASSWORD,
    TOWN,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
)


def test_login_page_signs_in_and_redirects_home(actors: Actors) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "village_officer", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:home")
    assert client.get(reverse("reports:home")).status_code == 200


def test_login_page_shows_a_chinese_error_for_wrong_password(actors: Actors) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": "village_officer", "password": "nope"}
    )
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.content.decode()


def test_login_ignores_an_external_next_url(actors: Actors) -> None:
    response = Client().post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "village_officer", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("reports:home")


def test_logout_is_a_post_that_ends_the_session(actors: Actors) -> None:
    client = client_for(actors.village_officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("reports:home")).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user_logout").count() == 1


def test_sessions_expire_after_thirty_idle_minutes(actors: Actors) -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(reverse("accounts:login"), {"username": "auditor", "password": PASSWORD})
    # each request renews the idle timer
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        assert client.get(reverse("reports:home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert client.get(reverse("reports:home")).status_code == 200
    # half an hour without a request ends the session
    with time_machine.travel(start + timedelta(minutes=81), tick=False):
        assert client.get(reverse("reports:home")).status_code == 302


def test_a_session_is_written_once_a_minute_at_most(actors: Actors) -> None:
    client = Client()
    start = timezone.now()

    def expiry() -> datetime:
        return Session.objects.get(session_key=client.session.session_key).expire_date

    def session_writes(minutes: float, status: int = 200) -> int:
        with (
            time_machine.travel(start + timedelta(minutes=minutes), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            assert client.get(reverse("monitoring:apply-poster")).status_code == status
        return sum(
            1
            for query in queries.captured_queries
            if "django_session" in query["sql"] and not query["sql"].startswith("SELECT")
        )

    with time_machine.travel(start, tick=False):
        client.post(reverse("accounts:login"), {"username": "auditor", "password": PASSWORD})
    # the first page keeps the chosen language in the session and starts the idle timer
    assert session_writes(0) == 1
    signed_in = expiry()
    # within the minute: pages read the session and write nothing
    assert session_writes(0.5) == 0
    assert session_writes(0.9) == 0
    assert expiry() == signed_in
    # later: the idle timer is renewed, once
    assert session_writes(2) == 1
    assert expiry() == signed_in + timedelta(minutes=2)
    assert session_writes(2.5) == 0
    # an anonymous visitor gets no session written at all
    client.logout()
    assert session_writes(3, status=302) == 0
    assert not Session.objects.exists()


def test_password_change_page(actors: Actors) -> None:
    client = client_for(actors.auditor)
    mismatch = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password": "New-pass-1234x", "new_password_again": "other"},
    )
    assert mismatch.status_code == 400
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    done = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password": "New-pass-1234x",
            "new_password_again": "New-pass-1234x",
        },
    )
    assert done.status_code == 302
    actors.auditor.refresh_from_db()
    assert actors.auditor.check_password("New-pass-1234x")
    # the session survives the change
    assert client.get(reverse("reports:home")).status_code == 200


def test_user_list_scope_matrix(actors: Actors) -> None:
    url = reverse("accounts:user-list")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403, shows=("尚未分配角色",)),
            actors.village_officer: Expectation(403, hides=("other_village",)),
            actors.auditor: Expectation(403),
            actors.county_admin: Expectation(
                200,
                shows=("village_officer", "other_village", "township"),
                hides=("other_county_admin",),
            ),
            actors.other_county_admin: Expectation(200, hides=("village_officer", "township")),
            actors.province_admin: Expectation(
                200, shows=("other_county_admin", "village_officer")
            ),
        },
    )


def test_user_detail_scope_matrix(actors: Actors) -> None:
    url = reverse("accounts:user-detail", args=[actors.village_officer.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.other_village_officer: Expectation(403, hides=("东榛柴",)),
            actors.other_county_admin: Expectation(404, hides=("东榛柴",)),
            actors.county_admin: Expectation(200, shows=("village_officer", "东榛柴村委会")),
        },
    )


def test_tampered_role_grant_outside_scope_changes_nothing(actors: Actors) -> None:
    # given a county administrator posting a region of another county
    client = client_for(actors.county_admin)
    response = client.post(
        reverse("accounts:user-detail", args=[actors.village_officer.pk]),
        {"action": "assign", "role": Role.VILLAGE_OFFICER, "region_code": "220112100201"},
        follow=True,
    )
    assert "只能在本级及下级区划内分配角色" in response.content.decode()
    assert RegionAssignment.objects.filter(user=actors.village_officer).count() == 1


def test_user_create_page_creates_a_user_in_scope(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "wang_wu",
            "full_name": "王五",
            "password": "A-strong-passphrase-1",
            "role": Role.VILLAGE_OFFICER,
            "region_code": VILLAGE,
        },
    )
    created = User.objects.get(username="wang_wu")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", args=[created.pk])


def test_user_create_page_shows_errors_and_creates_nothing(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "wang_wu",
            "full_name": "王五",
            "password": "A-strong-passphrase-1",
            "role": Role.VILLAGE_OFFICER,
            "region_code": "abc",
        },
    )
    assert response.status_code == 400
    assert "区划代码应为 2、4、6、9 或 12 位数字" in response.content.decode()
    assert not User.objects.filter(username="wang_wu").exists()


def test_switching_to_someone_elses_assignment_is_refused(actors: Actors) -> None:
    client = client_for(actors.village_officer)
    foreign = RegionAssignment.objects.get(user=actors.county_admin)
    client.post(reverse("accounts:assignment-switch"), {"assignment": foreign.pk})
    assert client.session.get(SESSION_ASSIGNMENT_KEY) is None
    home = client.get(reverse("reports:home")).content.decode()
    assert "村级信息员" in home
    assert "县级管理员" not in home


def test_focus_narrows_the_view_and_refuses_regions_outside_scope(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    client.post(reverse("accounts:scope-focus"), {"code": TOWN})
    assert client.session[SESSION_FOCUS_KEY] == TOWN
    assert "伏龙泉镇" in client.get(reverse("reports:home")).content.decode()
    client.post(reverse("accounts:scope-focus"), {"code": "220112100"})
    assert client.session[SESSION_FOCUS_KEY] == TOWN
    client.post(reverse("accounts:scope-focus"), {"code": ""})
    assert SESSION_FOCUS_KEY not in client.session
    officer = client_for(actors.village_officer)
    officer.post(reverse("accounts:scope-focus"), {"code": COUNTY})
    assert SESSION_FOCUS_KEY not in officer.session
