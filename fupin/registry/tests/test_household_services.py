from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fupin.audit.models import AppendOnlyError, AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent, Member
from fupin.registry.services import (
    ConcurrentEditError,
    MemberData,
    household_conditions_record,
    household_register,
    household_status_record,
    household_update,
    household_year_record,
    member_add,
    member_move,
    member_remove,
    member_reveal_id_number,
    member_update,
)
from fupin.registry.tests import factories
from tests.support import OTHER_VILLAGE, VILLAGE, Actors, nothing_changes, scope_of

Kind = HouseholdStatusEvent.Kind


def _register(actors: Actors, number: str = "H001", village: str = VILLAGE) -> Household:
    officer = actors.village_officer if village == VILLAGE else actors.other_village_officer
    return household_register(
        actor=officer,
        scope=scope_of(officer),
        data=factories.household(number, village),
        members=factories.family(),
    )


def test_register_creates_household_members_and_audit(actors: Actors) -> None:
    household = _register(actors)
    assert household.village_id == VILLAGE
    members = list(household.members.order_by("relation"))
    assert [m.name for m in members] == ["张建国", "李秀兰", "张小明"]
    head = members[0]
    assert (head.sex, head.birth_date) == (codes.Sex.MALE, date(1970, 5, 1))
    assert members[1].sex == codes.Sex.FEMALE
    event = AuditEvent.objects.get(action="registry.household_register")
    assert (event.region_code, event.changes["members"]) == (VILLAGE, 3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"relation_of_all": codes.Relation.SON}, "有且只有一名户主，现在有 0 名"),
        ({"second_head": True}, "有且只有一名户主，现在有 2 名"),
        ({"bad_id": "220122197005010011"}, "校验"),
        ({"sex": codes.Sex.FEMALE}, "性别与身份证号码不一致"),
        ({"birth_date": date(1971, 5, 1)}, "出生日期与身份证号码不一致"),
        ({"duplicate": True}, "重复出现"),
    ],
)
def test_register_refuses_bad_members_and_writes_nothing(
    actors: Actors, change: dict[str, object], message: str
) -> None:
    members = factories.family()
    head = members[0]
    if "relation_of_all" in change:
        members = [replace(m, relation=codes.Relation.SON) for m in members]
    if "second_head" in change:
        members[1] = replace(members[1], relation=codes.Relation.HEAD)
    if "bad_id" in change:
        members[0] = replace(head, id_number=str(change["bad_id"]))
    if "sex" in change:
        members[0] = replace(head, sex=str(change["sex"]))
    if "birth_date" in change:
        members[0] = replace(head, birth_date=change["birth_date"])  # type: ignore[arg-type]
    if "duplicate" in change:
        members[2] = replace(members[2], id_number=members[1].id_number)
    with nothing_changes(), pytest.raises(ApplicationError, match=message):
        household_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            data=factories.household("H001", VILLAGE),
            members=members,
        )
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()


def test_a_person_active_in_another_household_is_a_conflict(actors: Actors) -> None:
    first = _register(actors)
    someone = first.members.get(relation=codes.Relation.SPOUSE)
    with nothing_changes(), pytest.raises(ApplicationError, match="已是户编号 H001 的在册成员"):
        household_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            data=factories.household("H002", VILLAGE),
            members=[MemberData(someone.name, someone.id_number, codes.Relation.HEAD)],
        )
    assert Household.objects.count() == 1


def test_database_enforces_one_head_and_one_active_household_per_person(actors: Actors) -> None:
    household = _register(actors)
    head = household.members.get(relation=codes.Relation.HEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=household.members.get(relation="02").pk).update(relation="01")
    other = _register(actors, "H002")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=other,
            name=head.name,
            id_number=head.id_number,
            sex=head.sex,
            birth_date=head.birth_date,
            relation=codes.Relation.OTHER,
        )


def test_a_race_past_the_checks_is_explained_in_chinese(
    actors: Actors, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given two cadres who passed the "already active elsewhere" check at the same moment
    first = _register(actors)
    spouse = first.members.get(relation=codes.Relation.SPOUSE)
    monkeypatch.setattr(
        "fupin.registry.services.households._check_not_active_elsewhere",
        lambda *args, **kwargs: None,
    )
    # when the second one saves, the database constraint decides
    with nothing_changes(), pytest.raises(ApplicationError, match="一人只能属于一户"):
        household_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            data=factories.household("H002", VILLAGE),
            members=[MemberData(spouse.name, spouse.id_number, codes.Relation.HEAD)],
        )
    # then nothing of the second household was kept
    assert list(Household.objects.values_list("number", flat=True)) == ["H001"]


def test_status_events_are_append_only(actors: Actors) -> None:
    household = _register(actors)
    event = household_status_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        kind=Kind.REGISTERED_POOR,
        occurred_on=date(2015, 1, 1),
    )
    event.note = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_register_outside_scope_is_refused(actors: Actors) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="不在您的管辖范围内"):
        household_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            data=factories.household("H009", OTHER_VILLAGE),
            members=factories.family(),
        )
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        household_register(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            data=factories.household("H009", VILLAGE),
            members=factories.family(),
        )
    assert not Household.objects.exists()


def test_update_with_a_stale_version_is_refused(actors: Actors) -> None:
    household = _register(actors)
    scope = scope_of(actors.village_officer)
    data = factories.household("H001", VILLAGE, address="东榛柴村三组")
    updated = household_update(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        expected_version=1,
        data=data,
    )
    assert (updated.address, updated.version) == ("东榛柴村三组", 2)
    with nothing_changes(), pytest.raises(ConcurrentEditError, match="已被其他人修改"):
        household_update(
            actor=actors.village_officer,
            scope=scope,
            household=household,
            expected_version=1,
            data=factories.household("H001", VILLAGE, address="被覆盖"),
        )
    household.refresh_from_db()
    assert household.address == "东榛柴村三组"
    change = AuditEvent.objects.get(action="registry.household_update").changes
    assert change["address"] == ["", "东榛柴村三组"]


def test_other_village_officer_cannot_touch_the_household(actors: Actors) -> None:
    household = _register(actors)
    with nothing_changes(), pytest.raises(NotFoundError):
        household_update(
            actor=actors.other_village_officer,
            scope=scope_of(actors.other_village_officer),
            household=household,
            expected_version=1,
            data=factories.household("H001", VILLAGE, address="x"),
        )


def test_member_update_corrects_fields_and_masks_the_id_in_the_audit(actors: Actors) -> None:
    household = _register(actors)
    child = household.members.get(relation=codes.Relation.SON)
    data = MemberData(
        name="张晓明",
        id_number=child.id_number.lower(),
        relation=codes.Relation.SON,
        schooling=codes.Schooling.GRADE_8,
    )
    updated = member_update(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        member=child,
        expected_version=child.version,
        data=data,
    )
    assert (updated.name, updated.schooling, updated.version) == ("张晓明", "05", 2)
    changes = AuditEvent.objects.get(action="registry.member_update").changes
    assert changes["name"] == ["张小明", "张晓明"]
    assert child.id_number not in str(changes)
    with nothing_changes(), pytest.raises(ConcurrentEditError):
        member_update(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            member=child,
            expected_version=1,
            data=data,
        )


def test_member_add_refuses_a_second_head(actors: Actors) -> None:
    household = _register(actors)
    with nothing_changes(), pytest.raises(ApplicationError, match="已有户主"):
        member_add(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            data=factories.member("王五", codes.Relation.HEAD, date(1990, 1, 1)),
        )
    added = member_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        data=factories.member("张奶奶", codes.Relation.MOTHER, date(1945, 1, 1), male=False),
    )
    assert added.household_id == household.pk
    assert household.members.filter(is_active=True).count() == 4


def test_removing_the_head_requires_a_new_head(actors: Actors) -> None:
    household = _register(actors)
    head = household.members.get(relation=codes.Relation.HEAD)
    spouse = household.members.get(relation=codes.Relation.SPOUSE)
    scope = scope_of(actors.village_officer)
    with nothing_changes(), pytest.raises(ApplicationError, match="指定新户主"):
        member_remove(
            actor=actors.village_officer,
            scope=scope,
            member=head,
            expected_version=head.version,
            reason=codes.RemovalReason.DEATH,
            removal_date=date(2025, 3, 1),
        )
    head.refresh_from_db()
    assert head.is_active
    member_remove(
        actor=actors.village_officer,
        scope=scope,
        member=head,
        expected_version=head.version,
        reason=codes.RemovalReason.DEATH,
        removal_date=date(2025, 3, 1),
        new_head_id=spouse.pk,
    )
    spouse.refresh_from_db()
    head.refresh_from_db()
    assert (head.is_active, head.removal_reason) == (False, "death")
    assert spouse.relation == codes.Relation.HEAD


def test_removing_the_last_member_cancels_the_household(actors: Actors) -> None:
    household = household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household("H005", VILLAGE),
        members=[factories.member("孤老", codes.Relation.HEAD, date(1940, 2, 2))],
    )
    only = household.members.get()
    member_remove(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        member=only,
        expected_version=only.version,
        reason=codes.RemovalReason.DEATH,
        removal_date=date(2025, 6, 1),
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CANCELLED
    assert household.status_events.get().kind == Kind.CANCELLED


def test_member_move_keeps_history_in_both_households(actors: Actors) -> None:
    source = _register(actors)
    target = _register(actors, "H002")
    # the second household needs a distinct family: replace its members' IDs
    daughter = member_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=source,
        data=factories.member("张小红", codes.Relation.DAUGHTER, date(2000, 1, 1), male=False),
    )
    moved = member_move(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        member=daughter,
        expected_version=daughter.version,
        target_household=target,
        relation=codes.Relation.DAUGHTER_IN_LAW,
        reason=codes.RemovalReason.MARRIAGE,
        moved_on=date(2025, 5, 1),
    )
    daughter.refresh_from_db()
    assert (daughter.is_active, daughter.removal_reason) == (False, "marriage")
    assert (moved.household_id, moved.relation, moved.is_active) == (target.pk, "05", True)
    assert moved.id_number == daughter.id_number


def test_member_move_to_a_household_outside_scope_is_refused(actors: Actors) -> None:
    source = _register(actors)
    target = _register(actors, "H009", OTHER_VILLAGE)
    child = source.members.get(relation=codes.Relation.SON)
    with nothing_changes(), pytest.raises(NotFoundError):
        member_move(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            member=child,
            expected_version=child.version,
            target_household=target,
            relation=codes.Relation.GRANDSON,
            reason=codes.RemovalReason.MIGRATION,
            moved_on=date(2025, 5, 1),
        )
    child.refresh_from_db()
    assert child.is_active


def test_year_record_derives_incomes_in_the_database(actors: Actors) -> None:
    household = _register(actors)
    record = household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=2024,
        amounts={
            "wage_income": Decimal("20000"),
            "business_income": Decimal("8000"),
            "property_income": Decimal("500"),
            "transfer_income": Decimal("3000"),
            "business_expense": Decimal("2500"),
            "compliant_out_of_pocket": Decimal("6000"),
        },
    )
    assert record.member_count == 3
    assert record.net_income == Decimal("29000.00")
    assert record.per_capita_net_income == Decimal("9666.67")
    assert record.per_capita_after_rigid == Decimal("7666.67")
    again = household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=2024,
        amounts={"wage_income": Decimal("23000")},
    )
    assert again.pk == record.pk
    assert again.net_income == Decimal("32000.00")
    with nothing_changes(), pytest.raises(ApplicationError, match="不能为负数"):
        household_year_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            year=2024,
            amounts={"wage_income": Decimal("-1")},
        )


def test_conditions_record_marks_c_and_d_houses_unsafe(actors: Actors) -> None:
    household = _register(actors)
    record = household_conditions_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=2025,
        values={"housing_grade": "C", "is_water_unsafe": False},
    )
    assert record.is_housing_unsafe is True
    assert record.has_guarantee_problem is True


def test_status_events_follow_the_allowed_path(actors: Actors) -> None:
    household = _register(actors)
    scope = scope_of(actors.village_officer)

    def record(kind: str, **extra: object) -> None:
        household_status_record(
            actor=actors.village_officer,
            scope=scope,
            household=household,
            kind=kind,
            occurred_on=date(2025, 1, 1),
            **extra,  # type: ignore[arg-type]
        )
        household.refresh_from_db()

    record(Kind.REGISTERED_POOR, year=2015)
    assert (household.status, household.household_type) == ("poor", "poor")
    with nothing_changes(), pytest.raises(ApplicationError, match="不能登记“风险消除”"):
        record(Kind.RISK_ELIMINATED, elimination_method="assisted")
    record(Kind.EXITED, year=2019)
    assert (household.status, household.household_type, household.exit_year) == (
        "exited",
        "exited",
        2019,
    )
    with nothing_changes(), pytest.raises(ApplicationError, match="六位年月"):
        record(
            Kind.MONITORING_IDENTIFIED,
            monitoring_category="unstable_exited",
            identified_month="2024-3",
            risk_types=["1"],
        )
    with nothing_changes(), pytest.raises(ApplicationError, match="1 至 5 项"):
        record(
            Kind.MONITORING_IDENTIFIED,
            monitoring_category="unstable_exited",
            identified_month="202403",
            risk_types=["1", "2", "3", "4", "5", "7"],
        )
    record(
        Kind.MONITORING_IDENTIFIED,
        monitoring_category="unstable_exited",
        identified_month="202403",
        risk_types=["1", "7"],
    )
    assert (household.status, household.household_type, household.monitoring_category) == (
        "monitored",
        "monitored",
        "unstable_exited",
    )
    record(Kind.RISK_ELIMINATED, elimination_method="assisted")
    assert (household.status, household.household_type, household.monitoring_category) == (
        "risk_eliminated",
        "exited",
        "",
    )
    assert household.status_events.count() == 4
    assert AuditEvent.objects.filter(action="registry.household_status_record").count() == 4


def test_revealing_an_id_number_is_audited_and_needs_the_right(actors: Actors) -> None:
    household = _register(actors)
    head = household.members.get(relation=codes.Relation.HEAD)
    number = member_reveal_id_number(
        actor=actors.township_reviewer, scope=scope_of(actors.township_reviewer), member=head
    )
    assert number == head.id_number
    assert AuditEvent.objects.filter(action="registry.member_reveal_id_number").count() == 1
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        member_reveal_id_number(actor=actors.auditor, scope=scope_of(actors.auditor), member=head)
    with nothing_changes(), pytest.raises(NotFoundError):
        member_reveal_id_number(
            actor=actors.other_village_officer,
            scope=scope_of(actors.other_village_officer),
            member=head,
        )


def test_dropout_reason_only_for_children_out_of_school(actors: Actors) -> None:
    household = _register(actors)
    child = household.members.get(relation=codes.Relation.SON)
    data = MemberData(
        name=child.name,
        id_number=child.id_number,
        relation=child.relation,
        schooling=codes.Schooling.GRADE_7,
        dropout_reason=codes.DropoutReason.WEARINESS,
    )
    with (
        nothing_changes(),
        pytest.raises(ApplicationError, match="在校就读，不应填写失辍学原因") as refused,
    ):
        member_update(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            member=child,
            expected_version=child.version,
            data=data,
        )
    assert refused.value.field == "dropout_reason"
    updated = member_update(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        member=child,
        expected_version=child.version,
        data=replace(data, schooling=codes.Schooling.NOT_IN_SCHOOL),
    )
    assert (updated.schooling, updated.dropout_reason) == ("01", "3")


def test_conditions_record_refuses_unknown_items_and_foreign_households(actors: Actors) -> None:
    household = _register(actors)
    with nothing_changes(), pytest.raises(ApplicationError, match="未知的条件项目"):
        household_conditions_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            year=2025,
            values={"swimming_pool": True},
        )
    with nothing_changes(), pytest.raises(ApplicationError, match="不在代码表中"):
        household_conditions_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            year=2025,
            values={"housing_grade": "E"},
        )
    with nothing_changes(), pytest.raises(NotFoundError):
        household_conditions_record(
            actor=actors.other_village_officer,
            scope=scope_of(actors.other_village_officer),
            household=household,
            year=2025,
            values={"housing_grade": "A"},
        )
    assert not household.conditions.exists()


def test_year_record_refuses_years_out_of_range(actors: Actors) -> None:
    household = _register(actors)
    with nothing_changes(), pytest.raises(ApplicationError, match="不在 2013 年至今的范围内"):
        household_year_record(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            year=2099,
            amounts={"wage_income": Decimal(1)},
        )
    assert not household.years.exists()


@pytest.mark.parametrize(
    ("who", "relation", "reason", "message"),
    [
        ("son", codes.Relation.HEAD, codes.RemovalReason.MARRIAGE, "不能作为户主"),
        ("son", codes.Relation.SON_IN_LAW, "eloped", "请选择迁出原因"),
        ("head", codes.Relation.SON_IN_LAW, codes.RemovalReason.MARRIAGE, "请先减少或变更户主"),
        ("same", codes.Relation.SON, codes.RemovalReason.MIGRATION, "目标户与原户相同"),
    ],
)
def test_member_move_domain_errors(
    actors: Actors, who: str, relation: str, reason: str, message: str
) -> None:
    source = _register(actors)
    target = household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household("H002", VILLAGE),
        members=[factories.member("王大", codes.Relation.HEAD, date(1965, 6, 6))],
    )
    member = source.members.get(
        relation=codes.Relation.HEAD if who == "head" else codes.Relation.SON
    )
    with nothing_changes(), pytest.raises(ApplicationError, match=message):
        member_move(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            member=member,
            expected_version=member.version,
            target_household=source if who == "same" else target,
            relation=relation,
            reason=reason,
            moved_on=date(2025, 5, 1),
        )
    assert target.members.count() == 1
    assert source.members.filter(is_active=True).count() == 3
