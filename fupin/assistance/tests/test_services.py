"""Assistance writes: cadres and their assignments with history, plans and measures, risks,
income and visits — each audited, scoped, and refused with a Chinese message that leaves
everything as it was."""

from datetime import date
from decimal import Decimal

import pytest

from fupin.accounts.models import User
from fupin.assistance import selectors, services
from fupin.assistance.models import (
    AssistanceSetting,
    Cadre,
    CadreAssignment,
    CadreLevel,
    Measure,
    MeasureCategory,
    MeasureStatus,
    MonthlyIncome,
    RiskRecord,
    RiskSource,
    TeamPost,
    Visit,
)
from fupin.assistance.tests.conftest import monitored_household
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import VILLAGE, Actors, nothing_changes, scope_of


def _second_cadre(actors: Actors) -> Cadre:
    return services.cadre_create(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        name="刘海燕",
        unit="伏龙泉镇人民政府",
        post="副镇长",
        phone="13600005678",
        level=CadreLevel.TOWN,
        region_code="220122101",
    )


def test_cadre_is_registered_with_its_phone_masked_in_the_audit(
    actors: Actors, cadre: Cadre
) -> None:
    # given the cadre fixture registered by the county
    event = AuditEvent.objects.get(action="assistance.cadre_create")
    # then the trail names the cadre and keeps only a masked phone
    assert event.changes["name"] == "王志强"
    assert event.changes["phone"] != "13700001234"
    assert event.changes["phone"].endswith("1234")
    assert cadre.user is not None


def test_reassigning_keeps_the_previous_cadre_as_history(
    actors: Actors, cadre: Cadre, assigned: Household
) -> None:
    # when the county gives the household to another cadre
    other = _second_cadre(actors)
    services.cadre_assign(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        cadre=other,
        households=[assigned],
        started_on=date(2025, 9, 1),
        reason="工作调动",
    )
    # then the first assignment ended that day and the second is current
    rows = list(CadreAssignment.objects.filter(household=assigned).order_by("started_on"))
    assert [(row.cadre.name, row.ended_on, row.end_reason) for row in rows] == [
        ("王志强", date(2025, 9, 1), "工作调动"),
        ("刘海燕", None, ""),
    ]
    assert AuditEvent.objects.filter(action="assistance.cadre_assign").count() == 2


def test_assignment_refuses_more_households_than_the_region_allows(
    actors: Actors, cadre: Cadre, household: Household, other_household: Household
) -> None:
    # given a county rule of one household per cadre
    AssistanceSetting.objects.create(
        region_code="220122",
        max_households_per_cadre=1,
        assign_working_days=5,
        min_measures_per_household=2,
        min_development_measures=1,
        visit_days_by_level={"": 30},
        risk_coverage={},
    )
    # when two households are assigned at once, nothing is written
    with nothing_changes(), pytest.raises(ApplicationError, match="最多联系 1 户") as error:
        services.cadre_assign(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            cadre=cadre,
            households=[household, other_household],
            started_on=date(2025, 4, 1),
        )
    assert error.value.code == "too_many_households"


def test_bulk_assignment_is_all_or_nothing_outside_the_scope(
    actors: Actors, cadre: Cadre, household: Household, other_household: Household
) -> None:
    # the village officer may not assign the other village's household: neither is assigned
    with nothing_changes(), pytest.raises(NotFoundError):
        services.cadre_assign(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            cadre=cadre,
            households=[household, other_household],
            started_on=date(2025, 4, 1),
        )


def test_cadre_cannot_assign_households(
    actors: Actors, cadre: Cadre, cadre_user: User, assigned: Household
) -> None:
    other = _second_cadre(actors)
    with nothing_changes(), pytest.raises(PermissionDeniedError, match="县、村两级"):
        services.cadre_assign(
            actor=cadre_user,
            scope=scope_of(cadre_user),
            cadre=other,
            households=[assigned],
            started_on=date(2025, 4, 1),
        )


def test_work_team_refuses_an_end_before_the_start(actors: Actors) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="结束日期不能早于开始日期"):
        services.work_team_member_add(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            village_code=VILLAGE,
            name="赵晓东",
            unit="吉林省财政厅",
            post=TeamPost.FIRST_SECRETARY,
            phone="",
            started_on=date(2025, 5, 1),
            ended_on=date(2025, 4, 1),
        )


def test_work_team_keeps_one_first_secretary_at_a_time(actors: Actors) -> None:
    def add(started_on: date) -> None:
        services.work_team_member_add(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            village_code=VILLAGE,
            name="赵晓东",
            unit="吉林省财政厅",
            post=TeamPost.FIRST_SECRETARY,
            phone="13500001111",
            started_on=started_on,
        )

    add(date(2024, 5, 1))
    with nothing_changes(), pytest.raises(ApplicationError, match="已有在任的第一书记"):
        add(date(2025, 5, 1))
    assert [
        member.post
        for member in selectors.work_team(scope=scope_of(actors.county_admin), village_code=VILLAGE)
    ] == [TeamPost.FIRST_SECRETARY]


def test_plan_is_drafted_from_the_identification_risks(
    actors: Actors, household: Household
) -> None:
    plan = services.plan_draft(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=2025,
    )
    risks = RiskRecord.objects.filter(household=household).order_by("risk_type")
    assert [(risk.risk_type, risk.found_on, risk.source) for risk in risks] == [
        (codes.RiskType.ILLNESS, date(2025, 3, 15), RiskSource.IDENTIFICATION),
        (codes.RiskType.UNSTABLE_EMPLOYMENT, date(2025, 3, 15), RiskSource.IDENTIFICATION),
    ]
    assert AuditEvent.objects.get(action="assistance.plan_draft").subject_id == str(plan.pk)


def _add_measure(actor: User, household: Household, **extra: object) -> Measure:
    values: dict[str, object] = {
        "year": 2025,
        "category_code": "100A40",
        "subtype": "县内企业务工",
        "responsible_unit": "农安县人社局",
        "started_on": date(2025, 4, 1),
        **extra,
    }
    return services.measure_add(
        actor=actor,
        scope=scope_of(actor),
        household=household,
        **values,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"category_code": "100A99"}, "未知的帮扶措施类别“100A99”"),
        ({"ended_on": date(2025, 3, 1)}, "结束日期不能早于开始日期"),
        ({"subtype": "  "}, "请填写具体措施"),
        ({"amount": Decimal("-1")}, "金额不能为负数"),
    ],
)
def test_measure_bad_input_is_refused_and_nothing_written(
    actors: Actors, household: Household, extra: dict[str, object], message: str
) -> None:
    with nothing_changes(household), pytest.raises(ApplicationError, match=message):
        _add_measure(actors.village_officer, household, **extra)


def test_measure_for_a_member_of_another_household_is_refused(
    actors: Actors, household: Household, other_household: Household
) -> None:
    stranger = other_household.members.get(relation=codes.Relation.HEAD)
    with nothing_changes(), pytest.raises(ApplicationError, match="不是户 220122101201001 的成员"):
        _add_measure(actors.county_admin, household, member=stranger)


def test_measure_takes_development_from_its_category_and_is_audited(
    actors: Actors, household: Household
) -> None:
    head = household.members.get(relation=codes.Relation.HEAD)
    measure = _add_measure(actors.village_officer, household, member=head, amount=Decimal(3000))
    health = _add_measure(
        actors.village_officer, household, category_code="100A45", subtype="家庭医生签约"
    )
    assert measure.is_development is True
    assert health.is_development is False
    events = AuditEvent.objects.filter(action="assistance.measure_add")
    assert sorted(event.changes["category"] for event in events) == sorted(
        MeasureCategory.objects.filter(code__in=["100A40", "100A45"]).values_list("name", flat=True)
    )


def test_cadre_records_for_their_household_only(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    # given a neighbour in the cadre's own village whom another cadre helps
    neighbour = monitored_household(actors, "220122101201002")
    # the assigned cadre may add a measure to their household
    _add_measure(cadre_user, assigned)
    # but the neighbour's does not exist for them
    with nothing_changes(), pytest.raises(NotFoundError):
        _add_measure(cadre_user, neighbour)


def test_cadre_loses_the_household_when_the_assignment_ends(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    assignment = CadreAssignment.objects.get(household=assigned)
    services.cadre_assignment_end(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        assignment=assignment,
        ended_on=date(2025, 10, 1),
        reason="该干部退休",
    )
    with nothing_changes(), pytest.raises(NotFoundError):
        _add_measure(cadre_user, assigned)
    assert selectors.my_households(user=cadre_user) == []


def test_township_reads_but_does_not_write(actors: Actors, household: Household) -> None:
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        _add_measure(actors.township_reviewer, household)


def test_measure_status_finishes_with_a_date(actors: Actors, household: Household) -> None:
    measure = _add_measure(actors.village_officer, household, status=MeasureStatus.IN_PLACE)
    finished = services.measure_status_set(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        measure=measure,
        status=MeasureStatus.FINISHED,
    )
    assert (finished.status, finished.ended_on) == (MeasureStatus.FINISHED, date(2025, 11, 10))
    with nothing_changes(), pytest.raises(ApplicationError, match="已经结束"):
        services.measure_status_set(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            measure=finished,
            status=MeasureStatus.IN_PLACE,
        )


def test_risk_is_resolved_once_with_how(actors: Actors, household: Household) -> None:
    risk = services.risk_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        risk_type=codes.RiskType.ACCIDENT,
        found_on=date(2025, 6, 1),
        source=RiskSource.VISIT,
    )
    scope = scope_of(actors.village_officer)
    with nothing_changes(risk), pytest.raises(ApplicationError, match="结束日期不能早于开始日期"):
        services.risk_resolve(
            actor=actors.village_officer,
            scope=scope,
            risk=risk,
            resolved_on=date(2025, 5, 1),
            resolution="医保报销",
        )
    services.risk_resolve(
        actor=actors.village_officer,
        scope=scope,
        risk=risk,
        resolved_on=date(2025, 8, 1),
        resolution="医保报销后自付 800 元，已无负担",
    )
    risk.refresh_from_db()
    assert risk.resolved_on == date(2025, 8, 1)
    assert AuditEvent.objects.filter(action__startswith="assistance.risk_").count() == 2


def test_risk_type_must_exist(actors: Actors, household: Household) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="未知的风险类型“12”"):
        services.risk_add(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            risk_type="12",
            found_on=date(2025, 6, 1),
            source=RiskSource.VISIT,
        )


def test_visit_is_saved_once_however_often_the_phone_retries(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    def send() -> tuple[Visit, bool]:
        return services.visit_record(
            actor=cadre_user,
            scope=scope_of(cadre_user),
            household=assigned,
            client_token="draft-7f3a",
            visited_on=date(2025, 11, 8),
            met_person="张建国",
            household_income=Decimal("3200"),
            photos=[services.PhotoUpload("门口.jpg", "image/jpeg", b"\xff\xd8\xff" + b"0" * 50)],
            latitude=Decimal("44.43"),
            longitude=Decimal("125.17"),
        )

    visit, created = send()
    again, created_again = send()
    assert (created, created_again, again.pk) == (True, False, visit.pk)
    assert visit.cadre is not None
    assert visit.cadre.name == "王志强"
    assert visit.photos.count() == 1
    income = MonthlyIncome.objects.get(household=assigned)
    assert (income.month, income.amount, income.visit_id) == (
        date(2025, 11, 1),
        Decimal("3200.00"),
        visit.pk,
    )
    assert AuditEvent.objects.filter(action="assistance.visit_record").count() == 1


def test_visit_refuses_a_file_that_is_not_a_photo(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="不是 JPG、PNG 或 WebP 图片"):
        services.visit_record(
            actor=cadre_user,
            scope=scope_of(cadre_user),
            household=assigned,
            client_token="draft-1",
            visited_on=date(2025, 11, 8),
            met_person="张建国",
            photos=[services.PhotoUpload("a.exe", "application/octet-stream", b"MZ")],
        )


def test_monthly_income_is_corrected_not_duplicated(actors: Actors, household: Household) -> None:
    scope = scope_of(actors.village_officer)
    for amount in (Decimal(2000), Decimal(2500)):
        services.monthly_income_record(
            actor=actors.village_officer,
            scope=scope,
            household=household,
            month=date(2025, 10, 17),
            amount=amount,
        )
    assert list(MonthlyIncome.objects.values_list("month", "amount")) == [
        (date(2025, 10, 1), Decimal("2500.00"))
    ]
    with nothing_changes(), pytest.raises(ApplicationError, match="未来月份"):
        services.monthly_income_record(
            actor=actors.village_officer,
            scope=scope,
            household=household,
            month=date(2025, 12, 1),
            amount=Decimal(1),
        )
