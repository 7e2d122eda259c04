"""Feeds matched against the registry: the clues and 疑点 each rule makes, exactly once."""

import re
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from django.db import connection

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.departments.models import FeedBatch, FeedResult, FeedRow, Finding
from fupin.departments.services import feeds
from fupin.imports.feed_services import feed_import
from fupin.imports.parsing import read_table
from fupin.monitoring.models import Channel, RiskClue
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus
from tests.support import Actors, scope_of

from .conftest import register


def _csv(header: str, *lines: str) -> pl.DataFrame:
    return read_table("\n".join([header, *lines]).encode(), "feed.csv")


def _push(user: User, kind: str, period: str, frame: pl.DataFrame):  # type: ignore[no-untyped-def]
    return feed_import(actor=user, scope=scope_of(user), kind=kind, period=period, frame=frame)


def _head(household: Household) -> tuple[str, str]:
    head = household.members.get(relation=codes.Relation.HEAD)
    return head.id_number, head.name


def test_medical_costs_add_up_over_the_year_into_one_department_clue(
    department_user: User, household: Household
) -> None:
    number, name = _head(household)
    header = "证件号码,姓名,结算月份,合规自付费用"
    first = _push(
        department_user, "medical", "2026-09", _csv(header, f"{number},{name},2026-09,12000")
    )
    assert first.result is not None
    assert (first.result.rows_matched, first.result.clues_opened) == (1, 0)

    second = _push(
        department_user, "medical", "2026-10", _csv(header, f"{number},{name},2026-10,9000.50")
    )

    assert second.result is not None
    assert second.result.clues_opened == 1
    clue = RiskClue.objects.get()
    assert (clue.channel, clue.household_id, clue.source) == (
        Channel.DEPARTMENT,
        household.pk,
        "医保",
    )
    assert clue.risk_types == [codes.RiskType.ILLNESS]
    assert "21000.5" in clue.description
    assert "第 2 行" in clue.description
    result = FeedResult.objects.get()
    assert (result.rule_code, result.clue_id) == ("medical.self_paid", clue.pk)
    assert result.feed_row.period == "2026-10"


def test_repeating_a_period_creates_nothing(department_user: User, household: Household) -> None:
    number, name = _head(household)
    frame = _csv("证件号码,姓名,救助类型,起始日期", f"{number},{name},低保,2026-10-08")
    first = _push(department_user, "civil_affairs", "2026-10", frame)
    assert first.result is not None
    assert first.result.clues_opened == 1

    again = _push(department_user, "civil_affairs", "2026-10", frame)

    assert again.result is not None
    assert (again.result.rows_new, again.result.clues_opened, again.result.clues_merged) == (
        0,
        0,
        0,
    )
    assert (RiskClue.objects.count(), FeedRow.objects.count(), FeedResult.objects.count()) == (
        1,
        1,
        1,
    )
    assert FeedBatch.objects.count() == 2


def test_a_second_department_warning_merges_into_the_open_clue(
    department_user: User, household: Household
) -> None:
    number, name = _head(household)
    _push(
        department_user,
        "civil_affairs",
        "2026-10",
        _csv("证件号码,姓名,救助类型,起始日期", f"{number},{name},特困,2026-10-01"),
    )

    outcome = _push(
        department_user,
        "disability",
        "2026-10",
        _csv("证件号码,姓名,残疾类别,残疾等级", f"{number},{name},肢体,二级"),
    )

    assert outcome.result is not None
    assert (outcome.result.clues_opened, outcome.result.clues_merged) == (0, 1)
    merged = RiskClue.objects.get(merged_into__isnull=False)
    assert merged.risk_types == [codes.RiskType.DISABILITY]


def test_a_death_of_an_active_member_is_a_finding_citing_the_feed_row(
    department_user: User, household: Household
) -> None:
    number, name = _head(household)
    frame = _csv(
        "证件号码,姓名,变动类型,日期",
        "11010519491231002X,王某,死亡,2026-10-02",
        f"{number},{name},死亡,2026-10-03",
    )

    outcome = _push(department_user, "police", "2026-10", frame)

    assert outcome.result is not None
    assert (outcome.result.rows_matched, outcome.result.findings_opened) == (1, 1)
    finding = Finding.objects.get()
    assert finding.rule_code == "police.death_active"
    assert finding.member is not None
    assert finding.member.id_number == number
    assert finding.feed_row is not None
    assert finding.feed_row.row_number == 3
    assert "公安 2026-10 第 3 行" in finding.detail
    assert RiskClue.objects.count() == 0
    _push(department_user, "police", "2026-10", frame)
    assert Finding.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "header", "row"),
    [
        ("vehicle", "证件号码,姓名,号牌号码", "{number},{name},吉A12345"),
        ("real_estate", "证件号码,权利人,坐落", "{number},{name},农安县城关镇某小区"),
        ("enterprise", "证件号码,姓名,企业名称", "{number},{name},农安某商贸有限公司"),
        ("public_payroll", "证件号码,姓名,工作单位", "{number},{name},某乡镇卫生院"),
    ],
)
def test_exclusion_feeds_flag_aided_households_only(
    actors: Actors, department_user: User, kind: str, header: str, row: str
) -> None:
    aided = register(actors, "220122101201011", status=HouseholdStatus.EXITED)
    ordinary = register(actors, "220122101201012", status=HouseholdStatus.UNREGISTERED)
    lines = [row.format(number=n, name=m) for n, m in (_head(aided), _head(ordinary))]

    outcome = _push(department_user, kind, "2026-11", _csv(header, *lines))

    assert outcome.result is not None
    assert (outcome.result.rows_matched, outcome.result.findings_opened) == (2, 1)
    assert Finding.objects.get().household_id == aided.pk


def test_housing_education_and_employment_feeds_open_clues(
    actors: Actors, department_user: User
) -> None:
    households = [
        register(actors, f"22012210120102{i}", status=HouseholdStatus.UNREGISTERED)
        for i in range(3)
    ]
    (h_number, h_name), (e_number, e_name), (r_number, r_name) = (_head(h) for h in households)

    housing = _push(
        department_user,
        "housing",
        "2026-11",
        _csv(
            "户主证件号码,户主姓名,房屋安全等级",
            f"{h_number},{h_name},D级",
            f"{e_number},{e_name},B",
        ),
    )
    schooling = _push(
        department_user,
        "education",
        "2026-11",
        _csv("学生证件号码,姓名,学段,在校状态", f"{e_number},{e_name},初中,辍学"),
    )
    jobs = _push(
        department_user,
        "human_resources",
        "2026-11",
        _csv("证件号码,姓名,就业状态", f"{r_number},{r_name},失业"),
    )

    assert [o.result.clues_opened for o in (housing, schooling, jobs) if o.result] == [1, 1, 1]
    assert sorted(RiskClue.objects.values_list("household_id", "risk_types")) == [
        (households[0].pk, []),
        (households[1].pk, [codes.RiskType.SCHOOLING]),
        (households[2].pk, [codes.RiskType.UNSTABLE_EMPLOYMENT]),
    ]


def test_another_countys_department_matches_nobody_here(
    other_department_user: User, household: Household
) -> None:
    number, name = _head(household)

    outcome = _push(
        other_department_user,
        "civil_affairs",
        "2026-10",
        _csv("证件号码,姓名,救助类型,起始日期", f"{number},{name},低保,2026-10-08"),
    )

    assert outcome.result is not None
    assert (outcome.result.rows_matched, outcome.result.clues_opened) == (0, 0)
    assert FeedRow.objects.count() == 0
    assert FeedBatch.objects.get().rows_received == 1


def test_a_high_total_below_threshold_opens_nothing(
    department_user: User, household: Household
) -> None:
    number, name = _head(household)
    outcome = _push(
        department_user,
        "medical",
        "2026-10",
        _csv("证件号码,姓名,医疗总费用,合规自付费用", f"{number},{name},80000,19999.99"),
    )
    assert outcome.result is not None
    assert outcome.result.rows_matched == 1
    assert RiskClue.objects.count() == 0
    assert FeedRow.objects.get().values["compliant_self_paid"] == str(Decimal("19999.99"))


def test_a_feed_of_many_households_opens_merges_and_skips_as_one_by_one_warnings_would(
    actors: Actors, department_user: User
) -> None:
    # given households with two 低保 rows each: plain, one whose case is open, one monitored
    plain, applied, monitored = (register(actors, f"22012210120103{index}") for index in range(3))
    _push(
        department_user,
        "disability",
        "2026-10",
        _csv("证件号码,姓名,残疾类别,残疾等级", ",".join([*_head(applied), "肢体,二级"])),
    )
    Household.objects.filter(pk=monitored.pk).update(status=HouseholdStatus.MONITORED)
    header = "证件号码,姓名,救助类型,起始日期"
    rows = [
        f"{number},{name},{kind},2026-11-0{day}"
        for household in (plain, applied, monitored)
        for (number, name), (kind, day) in zip(
            [_head(household)] * 2, [("低保", 1), ("特困", 2)], strict=True
        )
    ]
    frame = _csv(header, *rows)
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]

    # when the month's 民政 feed comes
    first = _push(department_user, "civil_affairs", "2026-11", frame)

    # then the plain household opens a case, the applied one merges, the monitored none;
    # each clue cites its household's rows
    assert first.result is not None
    assert (first.result.clues_opened, first.result.clues_merged) == (1, 1)
    new = RiskClue.objects.filter(source="民政").order_by("household_id")
    assert [(clue.household_id, clue.status) for clue in new] == [
        (plain.pk, "open"),
        (applied.pk, "merged"),
    ]
    assert re.search("第 2 行.*第 3 行", new[0].description)
    assert re.search("第 4 行.*第 5 行", new[1].description)
    assert sorted(
        FeedResult.objects.filter(clue__in=new).values_list(
            "clue__household_id", "feed_row__row_number"
        )
    ) == [(plain.pk, 2), (plain.pk, 3), (applied.pk, 4), (applied.pk, 5)]
    assert sorted(
        AuditEvent.objects.filter(pk__gt=last_event, action__startswith="monitoring.").values_list(
            "action", flat=True
        )
    ) == [
        "monitoring.clue_from_department",
        "monitoring.clue_from_department",
        "monitoring.clue_merge",
    ]

    # and the same month again creates nothing
    again = _push(department_user, "civil_affairs", "2026-11", frame)
    assert again.result is not None
    assert (again.result.rows_new, again.result.clues_opened, again.result.clues_merged) == (
        0,
        0,
        0,
    )
    assert RiskClue.objects.filter(source="民政").count() == 2


def test_a_delivery_reports_the_seconds_of_each_phase_when_asked(
    department_user: User, household: Household
) -> None:
    number, name = _head(household)
    phases: dict[str, float] = {}

    feed_import(
        actor=department_user,
        scope=scope_of(department_user),
        kind="civil_affairs",
        period="2026-10",
        frame=_csv("证件号码,姓名,救助类型,起始日期", f"{number},{name},低保,2026-10-08"),
        phases=phases,
    )

    assert list(phases) == ["validate", "registry", "key", "store", "rules", "clues", "finish"]
    assert all(seconds >= 0 for seconds in phases.values())


def test_a_large_delivery_reads_the_regions_people_in_one_scan(
    monkeypatch: pytest.MonkeyPatch, household: Household
) -> None:
    # given more numbers than are asked one by one (on PostgreSQL, a COPY with more
    # work_mem for its hash join)
    monkeypatch.setattr(feeds, "_ASK_BY_NUMBER_UP_TO", 0)
    number, _name = _head(household)
    with connection.cursor() as cursor:
        work_mem = _work_mem(cursor)

    people = feeds.registered_people("220122", pl.Series([number, "220122199001010000"]))

    # then every active member of the region comes back, and the setting is as it was
    assert people.filter(pl.col("id_number") == number).select(
        "member_id", "household_id", "village_id", "status"
    ).rows() == [
        (
            household.members.get(relation=codes.Relation.HEAD).pk,
            household.pk,
            household.village_id,
            household.status,
        )
    ]
    assert people.height == household.members.filter(is_active=True).count()
    with connection.cursor() as cursor:
        assert _work_mem(cursor) == work_mem


def _work_mem(cursor: Any) -> str:
    if connection.vendor != "postgresql":
        return ""
    cursor.execute("SHOW work_mem")
    return str(cursor.fetchone()[0])
