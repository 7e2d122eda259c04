"""member_bulk_upsert: apply a validated members ledger, all or nothing and idempotently."""

import datetime
from types import ModuleType

import polars as pl
import pytest
from django.db import connection

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.imports.tests.support import FEMALE, MALE, SON, household_rows
from fupin.imports.validation import validate_members
from fupin.registry.models import Household, HouseholdLevel, Member
from fupin.registry.selectors import HouseholdFilters, household_list
from fupin.registry.services import BulkResult, bulk_staged, member_bulk_upsert
from fupin.registry.services import bulk as bulk_module
from fupin.registry.tests import factories
from tests.support import Actors, nothing_changes

pytestmark = pytest.mark.django_db

VILLAGE = "220122101201"
OTHER_VILLAGE = "220112100201"
ACTION = "registry.member_bulk_upsert"


def _scope(prefix: str = "") -> RegionScope:
    return RegionScope(
        role="system", role_label="", prefix=prefix, root_prefix=prefix, region_name=""
    )


def _rows(rows: list[dict[str, str]] | None = None, village: str = VILLAGE) -> pl.DataFrame:
    rows = rows if rows is not None else household_rows()
    for row in rows:
        row["行政区划代码"] = village
        row.setdefault("主要致贫原因", "因病")
    result = validate_members(
        pl.DataFrame(rows), scope_prefix="", existing_people={}, today=datetime.date(2025, 6, 1)
    )
    assert result.ok, result.errors
    return result.valid


def _apply_module() -> ModuleType:
    """The module whose functions write: set-based SQL on PostgreSQL, Polars on SQLite."""
    return bulk_staged if connection.vendor == "postgresql" else bulk_module


def test_first_import_creates_households_and_members(regions: None, actors: Actors) -> None:
    result = member_bulk_upsert(actor=actors.county_admin, scope=_scope("220122"), rows=_rows())
    assert result == BulkResult(1, 0, 3, 0, 0)
    household = Household.objects.get(number="H001")
    assert household.village_id == VILLAGE
    assert household.household_type == "exited"
    assert household.status == "exited"
    assert household.phone == "13800000000"
    assert household.primary_cause == "01"
    assert household.version == 1
    assert household.created_at is not None
    members = {m.id_number: m for m in Member.objects.filter(household=household)}
    assert set(members) == {MALE, FEMALE, SON}
    head = members[MALE]
    assert (head.name, head.sex, head.relation, head.ethnicity) == ("张三", "1", "01", "01")
    assert head.birth_date == datetime.date(1980, 1, 1)
    assert head.is_active
    assert head.receives_dibao is False
    assert members[FEMALE].relation == "02"
    assert members[SON].relation == "03"
    assert members[SON].birth_date == datetime.date(2010, 5, 5)
    event = AuditEvent.objects.get(action=ACTION)
    assert event.actor_id == actors.county_admin.pk
    assert event.changes["members_created"] == 3


def test_reimporting_the_same_file_changes_nothing(regions: None) -> None:
    member_bulk_upsert(actor=None, scope=_scope(), rows=_rows())
    before = {m.id_number: (m.version, m.updated_at) for m in Member.objects.all()}
    household_before = Household.objects.get().updated_at
    result = member_bulk_upsert(actor=None, scope=_scope(), rows=_rows())
    assert result == BulkResult(0, 0, 0, 0, 3)
    assert {m.id_number: (m.version, m.updated_at) for m in Member.objects.all()} == before
    household = Household.objects.get()
    assert (household.version, household.updated_at) == (1, household_before)
    assert Member.objects.count() == 3
    assert AuditEvent.objects.filter(action=ACTION).count() == 2


def test_changed_phone_and_relation_update_exactly_those_rows(regions: None) -> None:
    member_bulk_upsert(actor=None, scope=_scope(), rows=_rows())
    rows = household_rows()
    for row in rows:
        row["联系电话"] = "13900000000"
    rows[2]["与户主关系"] = "之女"
    rows[2]["证件号码"] = SON
    result = member_bulk_upsert(actor=None, scope=_scope(), rows=_rows(rows))
    assert result == BulkResult(0, 1, 0, 1, 2)
    household = Household.objects.get()
    assert (household.phone, household.version) == ("13900000000", 2)
    versions = dict(Member.objects.values_list("id_number", "version"))
    assert versions == {MALE: 1, FEMALE: 1, SON: 2}
    assert Member.objects.get(id_number=SON).relation == "04"


def test_failure_mid_apply_leaves_nothing(regions: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        assert Household.objects.filter(number="H001").exists()
        raise RuntimeError("boom")

    monkeypatch.setattr(_apply_module(), "_write_members", explode)
    with pytest.raises(RuntimeError):
        member_bulk_upsert(actor=None, scope=_scope(), rows=_rows())
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_village_outside_scope_is_refused(regions: None) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="不在您的管辖范围内"):
        member_bulk_upsert(actor=None, scope=_scope("220122"), rows=_rows(village=OTHER_VILLAGE))
    assert not Household.objects.exists()


def test_unknown_village_is_refused(regions: None) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="村级区划代码不存在"):
        member_bulk_upsert(actor=None, scope=_scope(), rows=_rows(village="220122101299"))
    assert not Household.objects.exists()


def test_new_household_without_primary_cause_is_refused(regions: None) -> None:
    rows = household_rows()
    for row in rows:
        row["主要致贫原因"] = ""
    with nothing_changes(), pytest.raises(ApplicationError, match="主要致贫原因"):
        member_bulk_upsert(actor=None, scope=_scope(), rows=_rows(rows))
    assert not Household.objects.exists()


def test_person_active_in_another_household_is_refused(regions: None) -> None:
    member_bulk_upsert(actor=None, scope=_scope(), rows=_rows())
    rows = household_rows()
    for row in rows:
        row["户编号"] = "H002"
    with nothing_changes(), pytest.raises(ApplicationError, match="已在另一户在册"):
        member_bulk_upsert(actor=None, scope=_scope(), rows=_rows(rows))
    assert list(Household.objects.values_list("number", flat=True)) == ["H001"]


def test_a_constraint_hit_by_a_concurrent_save_is_explained_in_chinese(
    regions: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    member_bulk_upsert(actor=None, scope=_scope(), rows=_rows())
    # Another user registers the same person between this import's check and its write.
    monkeypatch.setattr(_apply_module(), "_check_people_elsewhere", lambda rows: None)
    moved = household_rows()
    for row in moved:
        row["户编号"] = "H002"
    with nothing_changes(), pytest.raises(ApplicationError) as caught:
        member_bulk_upsert(actor=None, scope=_scope(), rows=_rows(moved))
    assert caught.value.message == (
        "该证件号码已是其他农户的在册成员，一人只能属于一户。未写入任何数据。"
    )
    assert not Household.objects.filter(number="H002").exists()
    assert AuditEvent.objects.filter(action=ACTION).count() == 1


def test_an_import_moving_a_household_moves_its_level_row_too(regions: None) -> None:
    # given an imported household with a red level (its row names its village)
    member_bulk_upsert(actor=None, scope=_scope(), rows=_rows())
    household = Household.objects.get()
    factories.assessed_level([household.pk], risk_level="red")
    # when the file is imported again with the household in another county's village
    member_bulk_upsert(actor=None, scope=_scope(), rows=_rows(village=OTHER_VILLAGE))
    # then the level row follows it, so the colour filter finds it where it lives now
    assert HouseholdLevel.objects.get(household=household).village_code == OTHER_VILLAGE
    in_new_county = household_list(
        scope=_scope(OTHER_VILLAGE[:6]), filters=HouseholdFilters(risk_level="red")
    )
    assert list(in_new_county.values_list("pk", flat=True)) == [household.pk]
