"""Departments push feeds with their own API key: revocable, audited, scoped."""

import json
from typing import Any

import pytest
from django.test import Client

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.core.errors import NotFoundError
from fupin.departments.models import DepartmentToken, FeedBatch, FeedRow
from fupin.departments.services import department_token_issue, department_token_revoke
from fupin.monitoring.models import RiskClue
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import Actors, nothing_changes, scope_of

URL = "/api/v1/feeds/civil_affairs/"


def _key(user: User, actors: Actors) -> tuple[int, str]:
    token, key = department_token_issue(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        username=user.username,
        label="民政局数据接口",
    )
    return token.pk, key


def _push(key: str, rows: list[dict[str, Any]], period: str = "2026-10") -> Any:
    return Client().post(
        URL,
        data=json.dumps({"period": period, "rows": rows}),
        content_type="application/json",
        headers={"X-Department-Key": key},
    )


def _row(household: Household, kind: str = "低保") -> dict[str, Any]:
    head = household.members.get(relation=codes.Relation.HEAD)
    return {
        "证件号码": head.id_number,
        "name": head.name,
        "救助类型": kind,
        "starts_on": "2026-10-08",
    }


def test_a_push_is_compared_and_audited(
    actors: Actors, department_user: User, household: Household
) -> None:
    _token_id, key = _key(department_user, actors)

    response = _push(key, [_row(household)])

    assert response.status_code == 200
    body = response.json()
    assert body["result"]["clues_opened"] == 1
    assert body["errors"] == []
    assert RiskClue.objects.get().household_id == household.pk
    event = AuditEvent.objects.get(action="departments.feed_rows_apply")
    assert event.actor_id == department_user.pk
    assert event.context["channel"] == "api"


def test_bad_rows_are_answered_with_their_errors_and_nothing_is_stored(
    actors: Actors, department_user: User, household: Household
) -> None:
    _token_id, key = _key(department_user, actors)
    rows = [_row(household), {**_row(household), "救助类型": "不知道"}]

    response = _push(key, rows)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 3, "column": "救助类型", "message": response.json()["errors"][0]["message"]}
    ]
    assert "不知道" in response.json()["errors"][0]["message"]
    assert FeedRow.objects.count() == 0
    assert RiskClue.objects.count() == 0
    assert AuditEvent.objects.filter(action="imports.feed_push_refused").count() == 1


def test_a_revoked_key_is_refused(
    actors: Actors, department_user: User, household: Household
) -> None:
    token_id, key = _key(department_user, actors)
    department_token_revoke(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), token_id=token_id
    )

    with nothing_changes(household):
        response = _push(key, [_row(household)])

    assert response.status_code == 401


def test_no_key_or_a_wrong_key_is_refused(actors: Actors, household: Household) -> None:
    with nothing_changes(household):
        assert Client().post(URL, data="{}", content_type="application/json").status_code == 401
        assert _push("not-a-key", [_row(household)]).status_code == 401


def test_another_countys_department_cannot_reach_or_see_this_county(
    actors: Actors, department_user: User, other_department_user: User, household: Household
) -> None:
    _own, key = _key(department_user, actors)
    _push(key, [_row(household)])
    _other, other_key = department_token_issue(
        actor=actors.other_county_admin,
        scope=scope_of(actors.other_county_admin),
        username=other_department_user.username,
        label="双阳区民政",
    )

    pushed = _push(other_key, [_row(household, "特困")])
    listed = Client().get("/api/v1/feed-batches/", headers={"X-Department-Key": other_key})

    assert pushed.status_code == 200
    assert pushed.json()["result"]["rows_matched"] == 0
    assert RiskClue.objects.count() == 1
    assert [batch["region_code"] for batch in listed.json()] == ["220112"]
    own = Client().get("/api/v1/feed-batches/", headers={"X-Department-Key": key}).json()
    assert [batch["region_code"] for batch in own] == ["220122"]
    assert FeedBatch.objects.count() == 2


def test_another_countys_admin_cannot_issue_or_revoke_keys_here(
    actors: Actors, department_user: User
) -> None:
    token_id, _key_text = _key(department_user, actors)
    other = actors.other_county_admin
    token = DepartmentToken.objects.get(pk=token_id)

    with nothing_changes(token), pytest.raises(NotFoundError):
        department_token_issue(
            actor=other, scope=scope_of(other), username=department_user.username, label="x"
        )
    with nothing_changes(token), pytest.raises(NotFoundError):
        department_token_revoke(actor=other, scope=scope_of(other), token_id=token_id)
