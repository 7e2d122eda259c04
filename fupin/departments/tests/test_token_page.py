"""The department API key page: administrators of a region issue a key to one of its
department accounts (shown once), see the keys of their region and revoke them."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.departments.models import DepartmentToken
from fupin.departments.selectors import department_caller
from fupin.departments.services import department_token_issue, key_digest
from tests.support import Actors, Expectation, assert_scope_matrix, client_for, nothing_changes

URL = "/departments/keys/"
_SHOWN_KEY = re.compile(r'data-testid="issued-key">([^<]+)<')


def _issue(client: Client, username: str, label: str = "县医保局月度结算数据") -> str:
    response = client.post(f"{URL}issue/", {"username": username, "label": label})
    assert response.status_code == 200
    return response.content.decode()


def test_keys_are_listed_for_the_administrators_of_their_region_only(
    actors: Actors, department_user: User, other_department_user: User
) -> None:
    department_token_issue(
        actor=actors.county_admin,
        scope=None,
        username=department_user.username,
        label="农安县医保接口",
    )
    own = Expectation(200, shows=("农安县医保接口", department_user.username))
    assert_scope_matrix(
        lambda client: client.get(URL),
        {
            actors.county_admin: own,
            actors.province_admin: own,
            actors.system_admin: own,
            actors.other_county_admin: Expectation(200, hides=("农安县医保接口",)),
            actors.village_officer: Expectation(403, hides=("农安县医保接口",)),
            department_user: Expectation(403, hides=("农安县医保接口",)),
            actors.no_role: Expectation(403),
            None: Expectation(302),
        },
    )


def test_a_key_is_shown_once_and_only_its_digest_is_kept(
    actors: Actors, department_user: User, other_department_user: User
) -> None:
    # Given a county administrator on the key page, offered their own department accounts
    admin = client_for(actors.county_admin)
    page = admin.get(URL).content.decode()
    assert f'value="{department_user.username}"' in page
    assert f'value="{other_department_user.username}"' not in page

    # When they issue a key
    response = admin.post(f"{URL}issue/", {"username": department_user.username, "label": "月报"})

    # Then the page shows it this once, not cached, and it works for pushing
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "新密钥只显示这一次" in body
    match = _SHOWN_KEY.search(body)
    assert match is not None
    key = match.group(1)
    token = DepartmentToken.objects.get()
    assert token.key_digest == key_digest(key)
    assert token.issued_by == actors.county_admin
    assert key not in DepartmentToken.objects.values_list("key_digest", "key_prefix").get()
    caller = department_caller(key)
    assert caller is not None
    assert caller.token == token
    event = AuditEvent.objects.get(action="departments.department_token_issue")
    assert (event.actor, event.region_code) == (actors.county_admin, "220122")
    assert key not in str(event.changes) + str(event.context)
    # And the list never shows it again
    assert key not in admin.get(URL).content.decode()


def test_bad_input_is_refused_in_chinese_and_issues_nothing(
    actors: Actors, department_user: User, other_department_user: User
) -> None:
    admin = client_for(actors.county_admin)

    with nothing_changes():
        missing_label = _issue(admin, department_user.username, label="  ")
        other_county = _issue(admin, other_department_user.username)
        not_a_department = _issue(admin, actors.village_officer.username)

    assert "新密钥只显示这一次" not in missing_label
    assert 'name="label"' in missing_label
    # Accounts outside the region, or not delivering data, are not among the choices.
    for refused in (other_county, not_a_department):
        assert 'name="username"' in refused
        assert "is-invalid" in refused
        assert "新密钥只显示这一次" not in refused


def test_a_revoked_key_no_longer_pushes_and_the_revocation_is_audited(
    actors: Actors, department_user: User
) -> None:
    admin = client_for(actors.county_admin)
    match = _SHOWN_KEY.search(_issue(admin, department_user.username))
    assert match is not None
    token = DepartmentToken.objects.get()

    response = admin.post(f"{URL}{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert department_caller(match.group(1)) is None
    assert AuditEvent.objects.filter(
        action="departments.department_token_revoke", actor=actors.county_admin
    ).exists()
    assert "已吊销" in admin.get(URL).content.decode()


def test_another_countys_administrator_cannot_revoke_a_key(
    actors: Actors, department_user: User
) -> None:
    token, _key = department_token_issue(
        actor=None, scope=None, username=department_user.username, label="农安县医保接口"
    )

    outside_client = client_for(actors.other_county_admin)
    village_client = client_for(actors.village_officer)
    with nothing_changes(token):
        outside = outside_client.post(f"{URL}{token.pk}/revoke/")
        village = village_client.post(f"{URL}{token.pk}/revoke/")
        anonymous = Client().post(f"{URL}{token.pk}/revoke/")

    assert (outside.status_code, village.status_code, anonymous.status_code) == (404, 403, 302)


def test_the_key_list_asks_the_same_queries_however_many_keys(
    actors: Actors, department_user: User
) -> None:
    def issue() -> None:
        department_token_issue(
            actor=actors.county_admin, scope=None, username=department_user.username, label="月报"
        )

    issue()
    client = client_for(actors.county_admin)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    issue()
    issue()
    with CaptureQueriesContext(connection) as three:
        client.get(URL)
    assert len(three.captured_queries) == len(one.captured_queries)
