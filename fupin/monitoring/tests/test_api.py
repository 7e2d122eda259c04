"""The monitoring REST endpoints: scoped, with deadlines, and without personal data."""

from typing import Any

from fupin.monitoring.models import CaseState
from fupin.monitoring.tests.conftest import advance, head_id_number, self_apply
from fupin.registry.models import Household
from tests.support import Actors, client_for


def test_case_list_and_detail_are_scoped_and_carry_no_personal_data(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.TOWNSHIP, clock)
    officer = client_for(actors.village_officer)

    rows = officer.get("/api/v1/monitoring/cases").json()
    assert [row["id"] for row in rows] == [case.pk]
    assert rows[0]["state"] == CaseState.TOWNSHIP
    assert rows[0]["state_label"] == "待乡镇审核"
    assert rows[0]["deadline"]["is_visit"] is False
    assert officer.get("/api/v1/monitoring/cases?state=county").json() == []
    assert client_for(actors.other_village_officer).get("/api/v1/monitoring/cases").json() == []

    detail = officer.get(f"/api/v1/monitoring/cases/{case.pk}")
    assert detail.status_code == 200
    steps = [approval["step"] for approval in detail.json()["approvals"]]
    assert steps[:2] == ["clue", "visit"]
    assert head_id_number(household) not in detail.content.decode()
    assert "13800001111" not in detail.content.decode()
    other = client_for(actors.other_county_admin).get(f"/api/v1/monitoring/cases/{case.pk}")
    assert other.status_code == 404
    assert client_for(None).get("/api/v1/monitoring/cases").status_code == 401


def test_todo_lists_what_the_callers_role_must_do(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.TOWNSHIP, clock)
    township = client_for(actors.township_reviewer).get("/api/v1/monitoring/todo").json()
    assert [row["id"] for row in township] == [case.pk]
    assert client_for(actors.village_officer).get("/api/v1/monitoring/todo").json() == []
