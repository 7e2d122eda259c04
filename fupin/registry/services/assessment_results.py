"""Keep the latest assessment results of households (HouseholdLevel) for fast list filters."""

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction

from fupin.audit.services import audit_record
from fupin.registry.models import Household, HouseholdLevel

RESULT_COLUMNS = [
    "household_id",
    "risk_level",
    "monitoring_eligible",
    "elimination_eligible",
    "village_id",
]
_LEVEL_COLUMNS = (
    "household_id, risk_level, is_monitoring_eligible, is_elimination_eligible, village_code"
)
_STAGING = "fupin_assessment_staging"


@transaction.atomic
def household_assessment_bulk_update(
    *,
    actor: AbstractBaseUser | None,
    results: pl.DataFrame,
    assessed_at: datetime,
    region_code: str,
) -> int:
    """Write risk level and eligibility of many households at once (set-based), only for
    the households where one of them differs or that had none, and return how many.

    `results` has the columns of RESULT_COLUMNS, `village_id` being the household's village
    as the run read it: it is kept on the row for the colour filter's index (ADR 0029,
    "Colour by region"), read from the caller's frame because joining the households
    here cost a first run's million levels 1.2 s more. `assessed_at` records when the household's
    current result was decided: a run that confirms an unchanged result leaves the row
    alone, so a province's run does not rewrite a million rows to say nothing changed.
    Audit action: "registry.household_assessment_bulk_update" (one event per call).
    """
    frame = results.select(RESULT_COLUMNS).with_columns(
        pl.col("risk_level").fill_null(""), pl.col("village_id").fill_null("")
    )
    if frame.is_empty():
        return 0
    table = connection.ops.quote_name(HouseholdLevel._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            changed = _write_postgresql(cursor, table, frame, assessed_at)
        else:
            _stage(cursor, frame)
            changed = _write_from_staging(cursor, table, assessed_at)
            cursor.execute(f"DELETE FROM {_STAGING}")  # noqa: S608 - a constant name
    audit_record(
        actor=actor,
        action="registry.household_assessment_bulk_update",
        subject_type="registry.household",
        subject_label=str(frame.height),
        region_code=region_code,
        changes={"households": frame.height, "changed": changed},
    )
    return changed


def _write_postgresql(cursor: Any, table: str, frame: pl.DataFrame, assessed_at: datetime) -> int:
    # Writers of the levels take turns (readers do not wait): a run then sees the rows a
    # concurrent run committed and updates them instead of inserting the same household
    # twice, without an ON CONFLICT that costs a speculative insertion per row (ADR 0029).
    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    low, high = frame["household_id"].min(), frame["household_id"].max()
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE household_id BETWEEN %s AND %s)",  # noqa: S608
        [low, high],
    )
    if not cursor.fetchone()[0]:
        # None of these households has a level yet (a region's first run): one COPY
        # straight into the table, the cheapest write there is.
        buffer = io.BytesIO()
        frame.with_columns(pl.lit(assessed_at.isoformat()).alias("assessed_at")).write_csv(
            buffer, include_header=False
        )
        with cursor.cursor.copy(
            f"COPY {table} ({_LEVEL_COLUMNS}, assessed_at) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(buffer.getvalue())
        return frame.height
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} "
        "(household_id bigint, risk_level varchar(10), monitoring_eligible boolean, "
        "elimination_eligible boolean, village_id varchar(12)) ON COMMIT DELETE ROWS"
    )
    _stage(cursor, frame)
    changed = _write_from_staging(cursor, table, assessed_at)
    # Emptied now, not only at commit: a second call in the same transaction (a test, or
    # a caller writing several groups) must not write this call's rows again.
    cursor.execute(f"TRUNCATE {_STAGING}")
    return changed


def _stage(cursor: Any, frame: pl.DataFrame) -> None:
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False)
        with cursor.cursor.copy(f"COPY {_STAGING} FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        return
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} "
        "(household_id integer, risk_level varchar(10), monitoring_eligible bool, "
        "elimination_eligible bool, village_id varchar(12))"
    )
    cursor.executemany(
        f"INSERT INTO {_STAGING} VALUES (%s, %s, %s, %s, %s)",  # noqa: S608 - a constant name
        list(frame.iter_rows()),
    )


def _write_from_staging(cursor: Any, table: str, assessed_at: datetime) -> int:
    """Rewrite the rows whose values differ (an unchanged row keeps its assessed_at and is
    not written), then add the households without a row; return how many of both."""
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    cursor.execute(
        f"""
        UPDATE {table} SET
            risk_level = staged.risk_level,
            is_monitoring_eligible = staged.monitoring_eligible,
            is_elimination_eligible = staged.elimination_eligible,
            village_code = staged.village_id,
            assessed_at = %s
        FROM {_STAGING} AS staged
        WHERE {table}.household_id = staged.household_id
          AND ({table}.risk_level {differs} staged.risk_level
               OR {table}.is_monitoring_eligible {differs} staged.monitoring_eligible
               OR {table}.is_elimination_eligible {differs} staged.elimination_eligible)
        """,  # noqa: S608 - names come from the model and this module
        [assessed_at],
    )
    updated = max(int(cursor.rowcount), 0)
    cursor.execute(
        f"""
        INSERT INTO {table} ({_LEVEL_COLUMNS}, assessed_at)
        SELECT household_id, risk_level, monitoring_eligible, elimination_eligible,
               village_id, %s
        FROM {_STAGING} AS staged
        WHERE NOT EXISTS (
            SELECT 1 FROM {table} AS level WHERE level.household_id = staged.household_id
        )
        """,  # noqa: S608 - names come from the model and this module
        [assessed_at],
    )
    return updated + max(int(cursor.rowcount), 0)


def household_level_villages_follow(*, household_ids_sql: str, params: Sequence[Any] = ()) -> None:
    """Copy the village of the households selected by `household_ids_sql` (SQL selecting
    household ids) onto their level rows where it differs. Every service that moves
    households to another village calls it, so that the colour filter (ADR 0029, "Colour
    by region") never looks for a household under its old village."""
    table = connection.ops.quote_name(HouseholdLevel._meta.db_table)
    households = connection.ops.quote_name(Household._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET village_code = household.village_id
            FROM {households} AS household
            WHERE household.id = {table}.household_id
              AND {table}.village_code <> household.village_id
              AND household.id IN ({household_ids_sql})
            """,  # noqa: S608 - names from the models; the ids' SQL from the callers
            params,
        )
