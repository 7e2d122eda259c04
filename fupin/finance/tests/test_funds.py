"""Funds: allocation, 下达, 到账 and 支出, and 支出进度 against the milestones."""

from datetime import date
from decimal import Decimal

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.finance import selectors, services
from fupin.finance.models import FundEntry, Project, SpendingMilestone
from fupin.finance.tests.conftest import approve_through, propose
from tests.support import COUNTY, Actors, nothing_changes, scope_of


def _funded(actors: Actors) -> tuple[Project, Project]:
    """Two projects: 1,000,000 released to each, 600,000 and 200,000 spent."""
    county = scope_of(actors.county_admin)
    first = approve_through(actors, propose(actors))
    second = approve_through(actors, propose(actors, name="东榛柴村道路硬化"))
    central = services.fund_allocate(
        actor=actors.county_admin,
        scope=county,
        county_code=COUNTY,
        year=2025,
        source="central",
        document_number="吉财农〔2025〕1号",
        amount=Decimal("1500000"),
        allocated_on=date(2025, 3, 1),
    )
    province = services.fund_allocate(
        actor=actors.county_admin,
        scope=county,
        county_code=COUNTY,
        year=2025,
        source="province",
        document_number="吉财农〔2025〕9号",
        amount=Decimal("500000"),
        allocated_on=date(2025, 4, 1),
    )
    for project, allocation, spent in ((first, central, "600000"), (second, province, "200000")):
        release = services.fund_release(
            actor=actors.county_admin,
            scope=county,
            allocation=allocation,
            project=project,
            amount=Decimal("500000") if allocation == province else Decimal("1000000"),
            released_on=date(2025, 5, 1),
        )
        services.fund_entry_record(
            actor=actors.county_admin,
            scope=county,
            release=release,
            kind=FundEntry.Kind.ARRIVAL,
            amount=release.amount,
            entered_on=date(2025, 5, 10),
        )
        services.fund_entry_record(
            actor=actors.county_admin,
            scope=county,
            release=release,
            kind=FundEntry.Kind.SPENDING,
            amount=Decimal(spent),
            entered_on=date(2025, 9, 1),
        )
    return first, second


def test_spending_progress_by_project_source_and_county(actors: Actors) -> None:
    first, second = _funded(actors)

    progress = selectors.spending_progress(
        scope=scope_of(actors.county_admin), year=2025, as_of=date(2025, 11, 10)
    )

    assert (progress.total.released, progress.total.spent) == (Decimal(1500000), Decimal(800000))
    assert progress.total.percent == Decimal("53.3")
    assert progress.allocated == Decimal(2000000)
    assert [(row.name, row.percent) for row in progress.by_source] == [
        ("中央衔接资金", Decimal("60.0")),
        ("省级衔接资金", Decimal("40.0")),
    ]
    assert [(row.project_id, row.percent) for row in progress.by_project] == [
        (second.pk, Decimal("40.0")),
        (first.pk, Decimal("60.0")),
    ]
    assert [(row.name, row.percent) for row in progress.by_county] == [("农安县", Decimal("53.3"))]


def test_milestones_warn_when_behind(actors: Actors) -> None:
    _funded(actors)
    for due_on, percent in (
        (date(2025, 6, 30), "50"),
        (date(2025, 9, 30), "55"),
        (date(2025, 11, 30), "90"),
    ):
        SpendingMilestone.objects.create(
            region_code="22", year=2025, due_on=due_on, percent=Decimal(percent)
        )

    progress = selectors.spending_progress(
        scope=scope_of(actors.county_admin), year=2025, as_of=date(2025, 11, 10)
    )

    assert progress.passed is not None
    assert progress.passed.due_on == date(2025, 9, 30)
    assert progress.is_behind
    assert progress.warnings == [
        "按要求 2025-09-30 前支出进度应达到 55%，目前为 53.3%。",
        "2025-11-30 前须达到 90%，还差 36.7 个百分点。",
    ]
    assert [row.is_behind for row in progress.by_project] == [True, False]


def test_no_more_released_than_allocated_nor_spent_than_arrived(actors: Actors) -> None:
    county = scope_of(actors.county_admin)
    project = approve_through(actors, propose(actors))
    allocation = services.fund_allocate(
        actor=actors.county_admin,
        scope=county,
        county_code=COUNTY,
        year=2025,
        source="east_west",
        document_number="协作〔2025〕3号",
        amount=Decimal("100000"),
        allocated_on=date(2025, 3, 1),
    )
    with (
        nothing_changes(allocation),
        pytest.raises(ApplicationError, match=r"剩余额度 100000\.00 元"),
    ):
        services.fund_release(
            actor=actors.county_admin,
            scope=county,
            allocation=allocation,
            project=project,
            amount=Decimal("100000.01"),
            released_on=date(2025, 4, 1),
        )
    release = services.fund_release(
        actor=actors.county_admin,
        scope=county,
        allocation=allocation,
        project=project,
        amount=Decimal("100000"),
        released_on=date(2025, 4, 1),
    )
    with nothing_changes(release), pytest.raises(ApplicationError, match="超过到账金额"):
        services.fund_entry_record(
            actor=actors.county_admin,
            scope=county,
            release=release,
            kind=FundEntry.Kind.SPENDING,
            amount=Decimal("1"),
            entered_on=date(2025, 4, 2),
        )
    assert AuditEvent.objects.filter(action__startswith="finance.fund_").count() == 2


def test_funds_are_kept_by_the_county_in_scope(actors: Actors) -> None:
    with nothing_changes(), pytest.raises(NotFoundError):
        services.fund_allocate(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            county_code=COUNTY,
            year=2025,
            source="central",
            document_number="X",
            amount=Decimal("1"),
            allocated_on=date(2025, 3, 1),
        )
