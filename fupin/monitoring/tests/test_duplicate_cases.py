"""Monitoring migration 0008 and `fupin resolve_duplicate_cases`: a database in which two
clues registered at the same moment each opened a case for one household is told which
households they are, they are merged with the command (audited), and the index that keeps
one open case of each kind per household is built."""

import importlib
import io
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from fupin.audit.models import AuditEvent
from fupin.monitoring import services
from fupin.monitoring.models import (
    ApprovalRecord,
    CaseKind,
    CaseState,
    Channel,
    ClueStatus,
    Decision,
    MonitoringCase,
    RiskClue,
    Step,
)
from fupin.monitoring.tests.conftest import TODAY, register_household
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import Actors, scope_of

CONSTRAINT = "monitoring_case_one_open_per_household_kind"
migration = importlib.import_module("fupin.monitoring.migrations.0008_one_open_case_per_household")


def _constraints() -> dict[str, dict[str, object]]:
    with connection.cursor() as cursor:
        found: dict[str, dict[str, object]] = connection.introspection.get_constraints(
            cursor, "monitoring_monitoringcase"
        )
    return found


def _add_index() -> None:
    model = apps.get_model("monitoring", "MonitoringCase")
    constraint = next(c for c in model._meta.constraints if c.name == CONSTRAINT)
    with connection.schema_editor() as editor:
        migration.refuse_duplicates(apps, editor)
        editor.add_constraint(model, constraint)


@pytest.fixture
def without_index(transactional_db: None, actors: Actors) -> Iterator[None]:
    """The database as it was before 0008: no index over the open cases."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {CONSTRAINT}")
    yield
    if CONSTRAINT not in _constraints():
        MonitoringCase.objects.update(state=CaseState.REJECTED)
        _add_index()


def _race_leftover(household: Household, actors: Actors) -> tuple[MonitoringCase, RiskClue]:
    """A second open case with its own clue, as a clue registered at the same moment as
    the first one left it before the fix."""
    second = MonitoringCase.objects.create(
        kind=CaseKind.IDENTIFICATION,
        village_id=household.village_id,
        household=household,
        channel=Channel.DEPARTMENT,
        opened_on=TODAY,
        due_on=TODAY,
    )
    clue = RiskClue.objects.create(
        channel=Channel.DEPARTMENT,
        receipt_number="SQ20251110DUPL02",
        village_id=household.village_id,
        household=household,
        source="医保",
        received_on=TODAY,
        case=second,
    )
    return second, clue


def test_migration_names_the_households_then_the_command_merges_them(
    without_index: None, actors: Actors
) -> None:
    # Given a household that holds two open identification cases, and one that holds one
    twice = register_household(actors, "220122101201001")
    once = register_household(actors, "220122101201002")
    officer = actors.village_officer
    first = services.clue_register(
        actor=officer,
        scope=scope_of(officer),
        household=twice,
        risk_types=[codes.RiskType.ILLNESS],
        description="走访发现",
    )
    services.clue_register(
        actor=officer,
        scope=scope_of(officer),
        household=once,
        risk_types=[codes.RiskType.ILLNESS],
        description="走访发现",
    )
    second, late_clue = _race_leftover(twice, actors)
    assert first.case is not None
    kept = first.case

    # When the migration runs, then it refuses, naming the household and the command,
    # and builds nothing
    with pytest.raises(RuntimeError) as refused, connection.schema_editor() as editor:
        migration.refuse_duplicates(apps, editor)
    assert "有 1 户同时有两件或多件办理中的同类监测工作事项（户编号 220122101201001）" in str(
        refused.value
    )
    assert "fupin resolve_duplicate_cases --merge" in str(refused.value)
    assert CONSTRAINT not in _constraints()

    # When the command lists them, nothing changes
    listed = io.StringIO()
    call_command("resolve_duplicate_cases", stdout=listed)
    assert (
        f"户编号 220122101201001（监测对象识别）：保留事项 #{kept.pk}；较晚：#{second.pk}"
        in listed.getvalue()
    )
    assert "共 1 户有重复的办理中事项。" in listed.getvalue()
    assert MonitoringCase.objects.filter(state=CaseState.VISIT).count() == 3

    # When it merges them, the earliest case keeps both clues and the later one closes,
    # each change audited
    merged = io.StringIO()
    call_command("resolve_duplicate_cases", "--merge", stdout=merged)
    assert "已把 1 件重复事项并入最早的事项。" in merged.getvalue()
    late_clue.refresh_from_db()
    assert (late_clue.case_id, late_clue.status, late_clue.merged_into_id) == (
        kept.pk,
        ClueStatus.MERGED,
        first.pk,
    )
    second.refresh_from_db()
    assert second.state == CaseState.REJECTED
    assert second.rejection_reason == f"与同户的监测工作事项 #{kept.pk} 重复，线索已并入该事项。"
    assert second.closed_on == TODAY
    kept.refresh_from_db()
    assert kept.state == CaseState.VISIT
    record = ApprovalRecord.objects.get(subject_id=str(second.pk))
    assert (record.step, record.decision) == (Step.VISIT, Decision.REJECT)
    merge_event = AuditEvent.objects.get(action="monitoring.case_duplicate_merge")
    assert merge_event.subject_id == str(second.pk)
    assert merge_event.changes["kept_case"] == kept.pk
    clue_event = AuditEvent.objects.get(
        action="monitoring.clue_merge", subject_id=str(late_clue.pk)
    )
    assert clue_event.changes["merged_into"] == first.receipt_number

    # Then the migration builds the index, and the database refuses a new duplicate
    _add_index()
    assert _constraints()[CONSTRAINT]["unique"] is True
    with pytest.raises(IntegrityError), transaction.atomic():
        _race_leftover(twice, actors)
    call_command("resolve_duplicate_cases", stdout=(out := io.StringIO()))
    assert "没有重复的办理中事项。" in out.getvalue()


def test_the_constraint_is_in_the_live_schema(db: None) -> None:
    # The suite's own database (built from the models) has it as a partial unique index
    # over (household, kind); the schema-drift test checks the migrated one.
    found = _constraints()[CONSTRAINT]
    assert found["unique"] is True
    assert found["columns"] == ["household_id", "kind"]
