"""Two clues for the same household registered at the same moment open one identification
case: the second writer waits for the first and merges its clue into the first's case.

Real threads with their own database connections (issue #20's theme: data integrity under
concurrency). On PostgreSQL the household row lock serializes them; on SQLite the IMMEDIATE
transactions do. The partial unique index `monitoring_case_one_open_per_household_kind`
is the last guard: a writer that still runs into it gets a Chinese error and writes
nothing.
"""

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from fupin.core.errors import ApplicationError
from fupin.monitoring import services
from fupin.monitoring.models import (
    CaseKind,
    CaseState,
    Channel,
    ClueStatus,
    MonitoringCase,
    RiskClue,
)
from fupin.monitoring.services import DepartmentWarning, clues_from_department_bulk
from fupin.monitoring.tests.conftest import TODAY, register_household
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors, nothing_changes, scope_of

pytestmark = pytest.mark.django_db(transaction=True)

# Several households raced at once, so that a race lost by chance on one still shows.
HOUSEHOLDS = 4
CONSTRAINT = "monitoring_case_one_open_per_household_kind"


def _households(actors: Actors) -> list[Household]:
    return [register_household(actors, f"2201221012010{index:02d}") for index in range(HOUSEHOLDS)]


def _at_once(writers: dict[str, Callable[[], object]]) -> dict[str, str]:
    """Run each writer in its own thread and connection, all released together."""
    start = threading.Barrier(len(writers))
    outcomes: dict[str, str] = {}

    def run(label: str, write: Callable[[], object]) -> None:
        try:
            start.wait()
            write()
            outcomes[label] = "written"
        except ApplicationError as error:
            outcomes[label] = error.message
        # Whatever else a writer hits is reported as the outcome, so the assertion shows it.
        except Exception as error:
            outcomes[label] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in writers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _assert_one_case_each_with_the_other_clue_merged(households: list[Household]) -> None:
    for household in households:
        cases = MonitoringCase.objects.filter(household=household)
        assert [(case.kind, case.state) for case in cases] == [
            (CaseKind.IDENTIFICATION, CaseState.VISIT)
        ], household.number
        case = cases.get()
        clues = list(RiskClue.objects.filter(household=household).order_by("id"))
        assert len(clues) == 2
        first, second = clues
        assert (first.status, first.case_id, first.merged_into_id) == (
            ClueStatus.OPEN,
            case.pk,
            None,
        )
        assert (second.status, second.case_id, second.merged_into_id) == (
            ClueStatus.MERGED,
            case.pk,
            first.pk,
        )


def test_a_cadre_and_a_department_at_once_open_one_case(actors: Actors) -> None:
    # Given households without any clue
    households = _households(actors)
    officer = actors.village_officer

    def cadre() -> None:
        for household in households:
            services.clue_register(
                actor=officer,
                scope=scope_of(officer),
                household=household,
                risk_types=[codes.RiskType.ILLNESS],
                description="走访发现",
            )

    def department() -> None:
        for household in households:
            services.clue_from_department(
                actor=None,
                department="医保",
                household=household,
                risk_types=[],
                description="本年累计自付 21000 元",
            )

    # When a cadre and a department feed register clues for them at the same moment
    outcomes = _at_once({"cadre": cadre, "department": department})

    # Then both are written, each household has one open case, and the later clue of each
    # household is merged into the earlier one's case
    assert outcomes == {"cadre": "written", "department": "written"}
    _assert_one_case_each_with_the_other_clue_merged(households)


def test_a_department_comparison_and_a_cadre_at_once_open_one_case(actors: Actors) -> None:
    households = _households(actors)
    officer = actors.village_officer

    def comparison() -> None:
        clues_from_department_bulk(
            actor=None,
            department="医保",
            warnings=[
                DepartmentWarning(
                    household_id=household.pk, risk_types=[], description="本年累计自付"
                )
                # The comparison's order is not the id order: the lock must still be taken
                # in one order by every writer.
                for household in reversed(households)
            ],
        )

    def cadre() -> None:
        for household in households:
            services.clue_register(
                actor=officer,
                scope=scope_of(officer),
                household=household,
                risk_types=[codes.RiskType.ILLNESS],
                description="走访发现",
            )

    outcomes = _at_once({"comparison": comparison, "cadre": cadre})

    assert outcomes == {"comparison": "written", "cadre": "written"}
    _assert_one_case_each_with_the_other_clue_merged(households)


@pytest.mark.usefixtures("actors")
def test_two_applications_of_an_unregistered_person_at_once_open_one_case() -> None:
    # Given people no household of the registry knows, in a village with its officers
    applicants = [
        factories.id_number(date(1980 + index, 3, 1), male=True) for index in range(HOUSEHOLDS)
    ]

    def applications() -> None:
        for id_number in applicants:
            services.clue_self_apply(
                name="张建国",
                id_number=id_number,
                phone="13800001111",
                village_code=VILLAGE,
                risk_types=[codes.RiskType.ILLNESS],
                description="妻子住院，医疗费用高",
                has_consent=True,
            )

    # When each of them sends the same application twice at the same moment
    outcomes = _at_once({"first": applications, "second": applications})

    # Then both are received, each person has one open case, and the later application
    # is merged into the earlier one's case (there is no household row to lock)
    assert outcomes == {"first": "written", "second": "written"}
    for id_number in applicants:
        clues = list(RiskClue.objects.filter(id_number=id_number).order_by("id"))
        assert len(clues) == 2
        first, second = clues
        assert first.case is not None
        assert first.household_id is None
        assert MonitoringCase.objects.filter(clues__id_number=id_number).distinct().count() == 1
        assert (first.status, second.status) == (ClueStatus.OPEN, ClueStatus.MERGED)
        assert (second.merged_into_id, second.case_id) == (first.pk, first.case_id)


def test_the_database_refuses_a_second_open_case_of_a_kind(actors: Actors) -> None:
    # Given a household with an open identification case
    household = register_household(actors)
    fields = {
        "village_id": household.village_id,
        "household": household,
        "channel": Channel.CADRE,
        "opened_on": TODAY,
        "due_on": TODAY,
    }
    MonitoringCase.objects.create(kind=CaseKind.IDENTIFICATION, **fields)

    # Then a second open identification case is refused by the database itself
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringCase.objects.create(kind=CaseKind.IDENTIFICATION, **fields)
    # And cases of the other kind, or closed ones, are not counted
    MonitoringCase.objects.create(kind=CaseKind.ELIMINATION, **fields)
    for state in (CaseState.COMPLETED, CaseState.REJECTED):
        MonitoringCase.objects.create(kind=CaseKind.IDENTIFICATION, state=state, **fields)
    assert MonitoringCase.objects.filter(household=household).count() == 4


def test_a_writer_that_still_meets_the_constraint_gets_chinese_and_writes_nothing(
    actors: Actors,
) -> None:
    # Given a household whose open case has no clue to merge into (written past the
    # services, as a path without the household lock could leave it)
    household = register_household(actors)
    MonitoringCase.objects.create(
        kind=CaseKind.IDENTIFICATION,
        village_id=household.village_id,
        household=household,
        channel=Channel.CADRE,
        opened_on=TODAY,
        due_on=TODAY,
    )

    # When a clue is registered for it, then the case the clue would open is refused in
    # Chinese and neither the clue nor any audit event is left behind
    with nothing_changes(), pytest.raises(ApplicationError, match="已有办理中的"):
        services.clue_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=household,
            risk_types=[codes.RiskType.ILLNESS],
            description="走访发现",
        )
    with nothing_changes(), pytest.raises(ApplicationError, match="已有办理中的"):
        clues_from_department_bulk(
            actor=None,
            department="医保",
            warnings=[DepartmentWarning(household_id=household.pk, risk_types=[], description="")],
        )


def test_two_comparisons_that_lock_in_crossed_order_end_cleanly(actors: Actors) -> None:
    # Given two households, and two comparison runs that each warn one of them and then,
    # in the same transaction, the other (as two rules of one run would)
    first, second, *_others = _households(actors)
    holding = {"one": threading.Event(), "two": threading.Event()}

    def comparison(label: str, other: str, warned: list[Household]) -> Callable[[], None]:
        def write() -> None:
            with transaction.atomic():
                for index, household in enumerate(warned):
                    clues_from_department_bulk(
                        actor=None,
                        department="医保",
                        warnings=[
                            DepartmentWarning(
                                household_id=household.pk, risk_types=[], description=label
                            )
                        ],
                    )
                    if index == 0:
                        # On PostgreSQL both now hold their first household and wait for
                        # the other's. SQLite runs one transaction at a time: the other
                        # run has not begun, and the wait simply ends.
                        holding[label].set()
                        holding[other].wait(timeout=3)

        return write

    # When they run at the same moment
    outcomes = _at_once(
        {
            "one": comparison("one", "two", [first, second]),
            "two": comparison("two", "one", [second, first]),
        }
    )

    # Then neither hangs or fails obscurely: on PostgreSQL one is refused in Chinese and
    # leaves nothing; each household has one open case whatever happened
    busy = "另一项登记正在处理同一批农户，本次未写入任何数据，请稍后重试。"
    if connection.vendor == "postgresql":
        assert sorted(outcomes.values()) == sorted([busy, "written"])
    else:
        assert outcomes == {"one": "written", "two": "written"}
    written = [label for label, outcome in outcomes.items() if outcome == "written"]
    for household in (first, second):
        assert MonitoringCase.objects.filter(household=household).count() == 1
        assert sorted(
            RiskClue.objects.filter(household=household).values_list("description", flat=True)
        ) == sorted(written)
