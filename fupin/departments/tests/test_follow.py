"""The data-quality rules re-checked after a save: the follower reads the registry's audit
events, re-checks the households they name, and keeps one run of itself scheduled."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fupin.audit.models import AuditEvent
from fupin.departments.models import Finding, QualityFollower
from fupin.departments.services import (
    quality_follow_catch_up,
    quality_follow_run,
    quality_follow_start,
)
from fupin.departments.services.follow import FOLLOW_INTERVAL
from fupin.departments.tasks import quality_follow_task
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.registry.services import household_register, member_add
from fupin.registry.tests import factories
from tests.browser.conftest import run_worker_once
from tests.support import VILLAGE, Actors, scope_of

from .conftest import register


def _with_pupil_out_of_school(actors: Actors, number: str) -> Household:
    """A household registered through the registry service (so audited) whose 14-year-old
    is recorded as not in school: rule registry.school_age fires on the child."""
    family = factories.family()
    family[2] = factories.member(
        "张小明",
        codes.Relation.SON,
        date(2012, 3, 4),
        schooling=codes.Schooling.NOT_IN_SCHOOL,
        labor_skill=codes.LaborSkill.NONE,
    )
    return household_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        data=factories.household(number, VILLAGE),
        members=family,
    )


def _runs() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.filter(task_path=quality_follow_task.module_path))


def test_a_saved_household_is_rechecked_and_an_unsaved_one_is_not(actors: Actors) -> None:
    # Given the follower started after a household whose data went wrong without a save
    untouched = register(actors, "220122101201001")
    Member.objects.filter(household=untouched, relation=codes.Relation.SON).update(
        schooling=codes.Schooling.NOT_IN_SCHOOL
    )
    quality_follow_start()

    # When a cadre saves a household with the same mistake
    saved = _with_pupil_out_of_school(actors, "220122101201002")
    result = quality_follow_catch_up()

    # Then only the saved household has a 疑点, audited in its village
    finding = Finding.objects.get()
    assert (finding.rule_code, finding.household_id) == ("registry.school_age", saved.pk)
    assert finding.member == saved.members.get(relation=codes.Relation.SON)
    assert result.findings_opened == 1
    assert result.households == 1
    event = AuditEvent.objects.filter(action="departments.findings_check").get()
    assert event.region_code == VILLAGE
    assert event.context == {"after_save": [saved.pk]}
    # And the next run reads only the check's own event, which changes no household
    again = quality_follow_catch_up()
    assert (again.events, again.households, again.findings_opened) == (1, 0, 0)
    assert Finding.objects.count() == 1


def test_a_member_added_is_rechecked_through_its_household(
    actors: Actors, household: Household
) -> None:
    quality_follow_start()
    member_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        data=factories.member(
            "张老三", codes.Relation.FATHER, date(1940, 1, 2), schooling=codes.Schooling.GRADE_7
        ),
    )

    assert quality_follow_catch_up().findings_opened == 1
    assert Finding.objects.get().member == Member.objects.get(name="张老三")


def _event_for(household: Household, event_id: int) -> None:
    """An audit event with a chosen id, as a save of `household` writes it."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                id=event_id,
                action="registry.household_update",
                subject_type="registry.household",
                subject_id=str(household.pk),
                region_code=household.village_id,
            )
        ]
    )


def test_a_write_committed_late_is_not_skipped(actors: Actors) -> None:
    # Given two households with the same mistake and the follower at the newest event
    late, early = (register(actors, f"22012210120100{n}") for n in (1, 2))
    Member.objects.filter(relation=codes.Relation.SON).update(
        schooling=codes.Schooling.NOT_IN_SCHOOL
    )
    quality_follow_start()
    cursor = QualityFollower.objects.get().last_event_id
    # When a save's event becomes visible after a later one was read (ids are drawn at
    # insert, seen at commit): the test writes the later one first, with a higher id
    _event_for(early, cursor + 1000)
    assert quality_follow_catch_up().findings_opened == 1
    assert str(cursor + 999) in QualityFollower.objects.get().waiting_ids
    _event_for(late, cursor + 999)

    # Then the next run still re-checks the household saved late
    assert quality_follow_catch_up().findings_opened == 1
    assert set(Finding.objects.values_list("household_id", flat=True)) == {late.pk, early.pk}
    follower = QualityFollower.objects.get()
    assert follower.last_event_id >= cursor + 1000
    assert str(cursor + 999) not in follower.waiting_ids


def test_the_follower_keeps_exactly_one_run_scheduled(actors: Actors) -> None:
    # Starting twice schedules one run
    assert quality_follow_start() is True
    assert quality_follow_start() is False
    (first,) = _runs()
    assert first.status == TaskResultStatus.READY

    # A run schedules its successor FOLLOW_INTERVAL later, before it checks anything
    quality_follow_run(run_id=str(first.id))
    follower = QualityFollower.objects.get()
    (successor,) = [run for run in _runs() if run.id != first.id]
    assert follower.next_task_id == str(successor.id)
    assert successor.run_after == timezone.now() + FOLLOW_INTERVAL

    # A stray run (not the one scheduled) does nothing and schedules nothing
    assert quality_follow_run(run_id=str(first.id)) is None
    assert len(_runs()) == 2
    assert QualityFollower.objects.get().next_task_id == str(successor.id)


def test_old_finished_runs_are_cleared_from_the_task_table(actors: Actors) -> None:
    quality_follow_start()
    first = _runs()[0]
    DBTaskResult.objects.filter(pk=first.pk).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - timedelta(hours=2)
    )
    # A finished run's successor restarts the chain from the nightly command's call
    assert quality_follow_start() is True
    current = QualityFollower.objects.get().next_task_id

    quality_follow_run(run_id=current)

    remaining = {str(run.id) for run in _runs()}
    assert str(first.id) not in remaining
    assert current in remaining


@pytest.mark.django_db(transaction=True)
def test_the_job_worker_runs_the_follower_and_keeps_it_going(actors: Actors) -> None:
    # Given the follower started and a household saved with a mistake
    quality_follow_start()
    saved = _with_pupil_out_of_school(actors, "220122101201002")

    # When the real job worker runs what is due
    run_worker_once().join(timeout=60)

    # Then the saved household has its 疑点 and the next run waits FOLLOW_INTERVAL away
    assert Finding.objects.get().household_id == saved.pk
    statuses = sorted(run.status for run in _runs())
    assert statuses == [TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL]
    (waiting,) = [run for run in _runs() if run.status == TaskResultStatus.READY]
    assert waiting.run_after == timezone.now() + FOLLOW_INTERVAL
