"""The households' assessment levels (HouseholdLevel, ADR 0029): the writer and the
migration that moved them off the household row."""

import importlib
from datetime import UTC, datetime

import polars as pl
from django.db import connection

from fupin.audit.models import AuditEvent
from fupin.core.scope import RegionScope
from fupin.registry.models import Household, HouseholdLevel
from fupin.registry.selectors import HouseholdFilters, household_list
from fupin.registry.services import (
    household_assessment_bulk_update,
    household_register,
    household_update,
)
from fupin.registry.tests import factories
from tests.support import OTHER_VILLAGE, TOWN, VILLAGE, Actors, scope_of

FIRST = datetime(2026, 3, 1, tzinfo=UTC)
LATER = datetime(2026, 4, 1, tzinfo=UTC)
MIGRATION = importlib.import_module("fupin.registry.migrations.0015_householdlevel")
VILLAGES_MIGRATION = importlib.import_module("fupin.registry.migrations.0016_level_village_code")


def _households(actors: Actors, count: int) -> list[Household]:
    officer = actors.village_officer
    return [
        household_register(
            actor=officer,
            scope=scope_of(officer),
            data=factories.household(f"H00{index}", VILLAGE),
            members=factories.family(),
        )
        for index in range(1, count + 1)
    ]


def _results(rows: list[tuple[int, str | None, bool, bool]]) -> pl.DataFrame:
    villages = dict(Household.objects.values_list("pk", "village_id"))
    return pl.DataFrame(
        [(*row, villages.get(row[0], VILLAGE)) for row in rows],
        schema={
            "household_id": pl.Int64,
            "risk_level": pl.String,
            "monitoring_eligible": pl.Boolean,
            "elimination_eligible": pl.Boolean,
            "village_id": pl.String,
        },
        orient="row",
    )


def _levels() -> dict[int, tuple[str, bool | None, bool | None, datetime]]:
    return {
        row.household_id: (
            row.risk_level,
            row.is_monitoring_eligible,
            row.is_elimination_eligible,
            row.assessed_at,
        )
        for row in HouseholdLevel.objects.all()
    }


def test_levels_are_written_once_and_only_where_they_changed(actors: Actors) -> None:
    one, two, three, four = (household.pk for household in _households(actors, 4))
    # when three households are assessed for the first time (one without a colour)
    written = household_assessment_bulk_update(
        actor=None,
        results=_results(
            [(one, "red", True, False), (two, None, False, False), (three, "blue", True, False)]
        ),
        assessed_at=FIRST,
        region_code=VILLAGE,
    )
    # then each gets its row
    assert written == 3
    assert _levels() == {
        one: ("red", True, False, FIRST),
        two: ("", False, False, FIRST),
        three: ("blue", True, False, FIRST),
    }
    # when a later run decides the same for two, changes the third and assesses a fourth
    written = household_assessment_bulk_update(
        actor=None,
        results=_results(
            [
                (one, "red", True, False),
                (two, None, False, False),
                (three, "orange", True, True),
                (four, None, False, False),
            ]
        ),
        assessed_at=LATER,
        region_code=VILLAGE,
    )
    # then only the third is rewritten and the fourth added; the others keep when their
    # result was decided
    assert written == 2
    assert _levels() == {
        one: ("red", True, False, FIRST),
        two: ("", False, False, FIRST),
        three: ("orange", True, True, LATER),
        four: ("", False, False, LATER),
    }
    events = AuditEvent.objects.filter(action="registry.household_assessment_bulk_update")
    assert [event.changes for event in events.order_by("pk")] == [
        {"households": 3, "changed": 3},
        {"households": 4, "changed": 2},
    ]
    # and an empty result writes nothing and records nothing
    assert (
        household_assessment_bulk_update(
            actor=None, results=_results([]), assessed_at=LATER, region_code=VILLAGE
        )
        == 0
    )
    assert events.count() == 2


def test_a_household_without_a_level_row_is_listed_as_not_assessed(actors: Actors) -> None:
    assessed, unassessed = _households(actors, 2)
    factories.assessed_level([assessed.pk], risk_level="red")
    assert HouseholdLevel.objects.filter(household=unassessed).exists() is False
    assert list(Household.objects.filter(level__risk_level="red").values_list("pk", flat=True)) == [
        assessed.pk
    ]
    # and deleting a household through Django takes its level row along
    assert HouseholdLevel.objects.filter(household=assessed).exists()


def test_the_migration_copies_the_household_columns_and_back(actors: Actors) -> None:
    """The migration's copy, run against the household columns as they were before it."""
    red, blank, untouched = _households(actors, 3)
    decided = datetime(2026, 2, 1, tzinfo=UTC)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL alters no table with reference checks still pending in the
            # transaction (those of the households just registered).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The columns as migration 0013 left them (removed again when the test rolls back).
        for column in (
            "risk_level varchar(10) NOT NULL DEFAULT ''",
            "is_monitoring_eligible boolean NULL",
            "is_elimination_eligible boolean NULL",
            "assessed_at timestamp with time zone NULL"
            if connection.vendor == "postgresql"
            else "assessed_at datetime NULL",
        ):
            cursor.execute(f"ALTER TABLE registry_household ADD COLUMN {column}")
        cursor.execute(
            "UPDATE registry_household SET risk_level = 'red', is_monitoring_eligible = %s, "
            "is_elimination_eligible = %s, assessed_at = %s WHERE id = %s",
            [True, False, decided, red.pk],
        )
        # Set by hand without a time: it takes the household's last change.
        cursor.execute(
            "UPDATE registry_household SET is_monitoring_eligible = %s WHERE id = %s",
            [False, blank.pk],
        )
        cursor.execute(MIGRATION.COPY_LEVELS)
        copied = _levels()
        assert copied[red.pk] == ("red", True, False, decided)
        blank.refresh_from_db()
        assert copied[blank.pk] == ("", False, None, blank.updated_at)
        assert untouched.pk not in copied
        # reversed: the columns are emptied first, then filled back from the rows
        cursor.execute(
            "UPDATE registry_household SET risk_level = '', is_monitoring_eligible = NULL, "
            "is_elimination_eligible = NULL, assessed_at = NULL"
        )
        cursor.execute(MIGRATION.COPY_LEVELS_BACK)
        cursor.execute(
            "SELECT id, risk_level, is_monitoring_eligible, is_elimination_eligible "
            "FROM registry_household ORDER BY id"
        )
        back = {
            row[0]: (row[1], *(None if value is None else bool(value) for value in row[2:]))
            for row in cursor.fetchall()
        }
    assert back == {
        red.pk: ("red", True, False),
        blank.pk: ("", False, None),
        untouched.pk: ("", None, None),
    }


def test_the_level_row_keeps_the_village_and_follows_a_moved_household(actors: Actors) -> None:
    one, two = _households(actors, 2)
    # when both are assessed red (the run passes each household's village)
    household_assessment_bulk_update(
        actor=None,
        results=_results([(one.pk, "red", True, False), (two.pk, "orange", True, False)]),
        assessed_at=FIRST,
        region_code=VILLAGE,
    )
    # then each row names its household's village
    assert dict(HouseholdLevel.objects.values_list("household_id", "village_code")) == {
        one.pk: VILLAGE,
        two.pk: VILLAGE,
    }
    # when the village officer's county moves the first household to the other village
    admin = actors.county_admin
    one.refresh_from_db()
    household_update(
        actor=admin,
        scope=scope_of(admin),
        household=one,
        expected_version=one.version,
        data=factories.household(one.number, OTHER_VILLAGE),
    )
    # then its level row follows, and the red list of each village is right
    assert HouseholdLevel.objects.get(household=one).village_code == OTHER_VILLAGE
    assert HouseholdLevel.objects.get(household=two).village_code == VILLAGE

    def red_in(village: str) -> list[int]:
        scope = RegionScope(
            role="system", role_label="", prefix=village, root_prefix=village, region_name=""
        )
        households = household_list(scope=scope, filters=HouseholdFilters(risk_level="red"))
        return list(households.values_list("pk", flat=True))

    assert red_in(OTHER_VILLAGE) == [one.pk]
    assert red_in(VILLAGE) == []
    # and a town's list filtered by a region code finds it through the moved row too
    town = RegionScope(role="system", role_label="", prefix=TOWN, root_prefix=TOWN, region_name="")
    assert list(
        household_list(
            scope=town, filters=HouseholdFilters(risk_level="red", region_code=OTHER_VILLAGE)
        ).values_list("pk", flat=True)
    ) == [one.pk]


def test_the_village_migration_fills_the_rows_already_there(actors: Actors) -> None:
    one, two = _households(actors, 2)
    factories.assessed_level([one.pk, two.pk], risk_level="red")
    # the rows as migration 0015 left them: no village
    HouseholdLevel.objects.update(village_code="")
    with connection.cursor() as cursor:
        cursor.execute(VILLAGES_MIGRATION.FILL_VILLAGES)
    assert dict(HouseholdLevel.objects.values_list("household_id", "village_code")) == {
        one.pk: VILLAGE,
        two.pk: VILLAGE,
    }
