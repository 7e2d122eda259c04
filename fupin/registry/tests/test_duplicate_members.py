"""Registry migration 0006 and `fupin resolve_duplicate_members`: a database that lost the
one-active-household index is told about people active in two households, they are
resolved with the command (audited), and the index comes back."""

import importlib
import io
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from fupin.audit.models import AuditEvent
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.registry.services.member_counts import active_members_refresh
from tests.support import make_regions

CONSTRAINT = "registry_member_one_active_household_per_person"
VILLAGE = "220122101201"
PERSON = "220122197005010011"
restore = importlib.import_module(
    "fupin.registry.migrations.0006_restore_one_active_household_per_person"
).restore_constraint


def _constraints() -> dict[str, dict[str, object]]:
    with connection.cursor() as cursor:
        found: dict[str, dict[str, object]] = connection.introspection.get_constraints(
            cursor, "registry_member"
        )
    return found


def _member(number: str, **values: object) -> Member:
    household = Household.objects.create(
        number=number, village_id=VILLAGE, primary_cause=codes.PovertyCause.ILLNESS
    )
    fields: dict[str, object] = {
        "name": "张建国",
        "id_number": PERSON,
        "sex": codes.Sex.MALE,
        "birth_date": "1970-05-01",
        "relation": codes.Relation.HEAD,
    }
    fields.update(values)
    return Member.objects.create(household=household, **fields)


@pytest.fixture
def without_index(transactional_db: None) -> Iterator[None]:
    """The database as 0005 left it on PostgreSQL: the partial unique index is gone."""
    make_regions()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {CONSTRAINT}")
    yield
    if CONSTRAINT not in _constraints():
        Member.objects.filter(household__number="H2").update(
            is_active=False, removal_reason=codes.RemovalReason.OTHER
        )
        with connection.schema_editor() as editor:
            restore(apps, editor)


def test_migration_refuses_duplicates_then_restores_the_index(without_index: None) -> None:
    # Given one person active in two households while the index was missing
    first = _member("H1")
    second = _member("H2")
    # Written past the services, as the old database held them: counted as the services do.
    with transaction.atomic():
        active_members_refresh([first.household_id, second.household_id])

    # When the migration runs, then it refuses and names the command
    with (
        pytest.raises(RuntimeError, match="resolve_duplicate_members"),
        connection.schema_editor() as editor,
    ):
        restore(apps, editor)
    assert CONSTRAINT not in _constraints()

    # When the command lists them, nothing changes
    listed = io.StringIO()
    call_command("resolve_duplicate_members", stdout=listed)
    assert "保留户编号 H1（张建国）；多余：H2" in listed.getvalue()
    assert "共 1 人同时在多户在册。" in listed.getvalue()
    assert Member.objects.filter(is_active=True).count() == 2

    # When it ends the extra memberships, the oldest stays and the other is audited
    ended = io.StringIO()
    call_command("resolve_duplicate_members", "--end-extra", stdout=ended)
    assert "已结束 1 条多余的成员记录。" in ended.getvalue()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_active
    assert not second.is_active
    assert second.removal_reason == codes.RemovalReason.OTHER
    assert second.removal_note == "同一人同时在户编号 H1 在册，保留该户的记录。"
    assert dict(Household.objects.values_list("number", "active_member_count")) == {
        "H1": 1,
        "H2": 0,
    }
    event = AuditEvent.objects.get(action="registry.member_duplicates_end")
    assert event.subject_id == str(second.pk)

    # Then the migration builds the index, and the database refuses a new duplicate
    with connection.schema_editor() as editor:
        restore(apps, editor)
    assert _constraints()[CONSTRAINT]["unique"] is True
    with pytest.raises(IntegrityError), transaction.atomic():
        _member("H3")
    call_command("resolve_duplicate_members", stdout=(out := io.StringIO()))
    assert "没有同时在多户在册的人。" in out.getvalue()
