"""年度调整 of the project pool: 调出, 调入 and 替换 proposed by one county official and
approved by another, refused when the project cannot move, history kept, scoped."""

from datetime import date
from decimal import Decimal

import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.finance import services
from fupin.finance.models import PoolAdjustment, Project, ProjectState
from fupin.finance.tests.conftest import approve_through, propose
from tests.support import COUNTY, Actors, client_for, make_user, nothing_changes, scope_of


@pytest.fixture
def second_county_official(actors: Actors) -> object:
    return make_user("county_staff", Role.COUNTY_STAFF, COUNTY)


def _approved(actors: Actors, name: str, year: int = 2025) -> Project:
    return approve_through(actors, propose(actors, name=name, year=year))


def _propose(actors: Actors, **values: object) -> PoolAdjustment:
    return services.pool_adjustment_propose(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        **{"year": 2025, "reason": "群众需求变化，按“缺什么、补什么”调整", **values},  # type: ignore[arg-type]
    )


def _decide(user: object, adjustment: PoolAdjustment, approve: bool = True) -> PoolAdjustment:
    return services.pool_adjustment_decide(
        actor=user,  # type: ignore[arg-type]
        scope=scope_of(user),  # type: ignore[arg-type]
        adjustment=adjustment,
        approve=approve,
        opinion="" if approve else "理由不充分",
    )


def test_replace_takes_one_out_and_another_in_once_approved(
    actors: Actors, second_county_official: object
) -> None:
    leaving = _approved(actors, "村道硬化")
    coming = _approved(actors, "肉牛养殖小区", year=2026)
    adjustment = _propose(actors, action="replace", project=leaving, replacement=coming)
    assert Project.objects.get(pk=leaving.pk).state == ProjectState.APPROVED

    _decide(second_county_official, adjustment)

    leaving.refresh_from_db()
    coming.refresh_from_db()
    assert leaving.state == ProjectState.REMOVED
    assert (coming.state, coming.year) == (ProjectState.APPROVED, 2025)
    assert PoolAdjustment.objects.get().state == PoolAdjustment.State.APPROVED
    assert list(
        AuditEvent.objects.filter(action__startswith="finance.pool_adjustment")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["finance.pool_adjustment_propose", "finance.pool_adjustment_decide"]

    # a project taken out may come back by the next adjustment, which history keeps too
    back = _propose(actors, action="add", project=leaving)
    _decide(second_county_official, back)
    assert Project.objects.get(pk=leaving.pk).state == ProjectState.APPROVED
    assert PoolAdjustment.objects.filter(project=leaving).count() == 2


def test_the_proposer_may_not_approve_and_a_rejection_changes_no_project(
    actors: Actors, second_county_official: object
) -> None:
    project = _approved(actors, "村道硬化")
    adjustment = _propose(actors, action="remove", project=project)
    with nothing_changes(adjustment, project), pytest.raises(PermissionDeniedError):
        _decide(actors.county_admin, adjustment)

    _decide(second_county_official, adjustment, approve=False)

    assert Project.objects.get(pk=project.pk).state == ProjectState.APPROVED
    assert PoolAdjustment.objects.get().state == PoolAdjustment.State.REJECTED


def test_refuses_what_cannot_move(actors: Actors) -> None:
    funded = _approved(actors, "村道硬化")
    allocation = services.fund_allocate(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        county_code="220122",
        year=2025,
        source="central",
        document_number="吉财农〔2025〕1号",
        amount=Decimal(1000),
        allocated_on=date(2025, 3, 1),
    )
    services.fund_release(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        allocation=allocation,
        project=funded,
        amount=Decimal(500),
        released_on=date(2025, 4, 1),
    )
    proposed = propose(actors, name="未审定项目")
    in_pool = _approved(actors, "光伏电站")
    refusals = [
        ({"action": "remove", "project": funded}, "已下达资金"),
        ({"action": "remove", "project": proposed}, "不在 2025 年度项目库中"),
        ({"action": "add", "project": in_pool}, "不能调入 2025 年度项目库"),
        ({"action": "replace", "project": in_pool}, "请选择替换为的项目"),
        ({"action": "remove", "project": in_pool, "reason": " "}, "请填写调整理由"),
    ]
    for values, message in refusals:
        with nothing_changes(), pytest.raises(ApplicationError, match=message):
            _propose(actors, **values)
    _propose(actors, action="remove", project=in_pool)
    with nothing_changes(), pytest.raises(ApplicationError, match="待审批"):
        _propose(actors, action="remove", project=in_pool)
    with nothing_changes(), pytest.raises(NotFoundError):
        services.pool_adjustment_propose(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            year=2025,
            action="remove",
            project=in_pool,
            reason="越权",
        )
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        services.pool_adjustment_propose(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            year=2025,
            action="remove",
            project=in_pool,
            reason="越权",
        )


def test_pages_propose_and_decide(actors: Actors, second_county_official: object) -> None:
    project = _approved(actors, "村道硬化")
    county = client_for(actors.county_admin)
    with nothing_changes():
        refused = county.post(
            "/finance/projects/adjustments/new/",
            {"year": "2025", "action": "remove", "project": project.pk, "reason": ""},
        )
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()

    response = county.post(
        "/finance/projects/adjustments/new/",
        {"year": "2025", "action": "remove", "project": project.pk, "reason": "村民另有安排"},
    )

    adjustment = PoolAdjustment.objects.get()
    assert response["Location"] == "/finance/projects/adjustments/"
    own = county.get("/finance/projects/adjustments/").content.decode()
    assert "村民另有安排" in own
    assert 'data-testid="adjustment-decide-form"' not in own
    staff = client_for(second_county_official)  # type: ignore[arg-type]
    assert (
        'data-testid="adjustment-decide-form"'
        in staff.get("/finance/projects/adjustments/").content.decode()
    )
    assert (
        client_for(actors.village_officer).get("/finance/projects/adjustments/new/")["Location"]
        == "/finance/projects/adjustments/"
    )
    other_county = client_for(actors.other_county_admin)
    with nothing_changes(adjustment):
        other = other_county.post(
            f"/finance/projects/adjustments/{adjustment.pk}/decide/", {"approve": "1"}
        )
    assert other.status_code == 404

    staff.post(f"/finance/projects/adjustments/{adjustment.pk}/decide/", {"approve": "1"})

    assert Project.objects.get(pk=project.pk).state == ProjectState.REMOVED
    detail = county.get(f"/finance/projects/{project.pk}/").content.decode()
    assert 'data-testid="project-adjustments"' in detail
    assert "已调出项目库" in detail
