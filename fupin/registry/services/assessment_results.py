"""Keep the latest assessment results of households (HouseholdLevel) for fast list filters."""

import io
from datetime import datetime

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction

from fupin.audit.services import audit_record
from fupin.registry.models import HouseholdLevel

RESULT_COLUMNS = ["household_id", "risk_level", "monitoring_eligible", "elimination_eligible"]


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

    `results` has the columns of RESULT_COLUMNS. `assessed_at` records when the household's
    current result was decided: a run that confirms an unchanged result leaves the row
    alone, so a province's run does not rewrite a million rows to say nothing changed.
    Audit action: "registry.household_assessment_bulk_update" (one event per call).
    """
    frame = results.select(RESULT_COLUMNS).with_columns(pl.col("risk_level").fill_null(""))
    if frame.is_empty():
        return 0
    table = connection.ops.quote_name(HouseholdLevel._meta.db_table)
    # One statement inserts the households assessed for the first time and rewrites the
    # rows whose values differ; a row whose values are unchanged keeps its assessed_at and
    # is not written (the WHERE of DO UPDATE). The count covers both. "WHERE true" tells
    # SQLite where the SELECT ends and ON CONFLICT begins.
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(
        f"level.{column} {differs} excluded.{column}"
        for column in ("risk_level", "is_monitoring_eligible", "is_elimination_eligible")
    )
    upsert = f"""
        INSERT INTO {table} AS level
            (household_id, risk_level, is_monitoring_eligible, is_elimination_eligible,
             assessed_at)
        SELECT household_id, risk_level, monitoring_eligible, elimination_eligible, %s
        FROM fupin_assessment_staging WHERE true
        ON CONFLICT (household_id) DO UPDATE SET
            risk_level = excluded.risk_level,
            is_monitoring_eligible = excluded.is_monitoring_eligible,
            is_elimination_eligible = excluded.is_elimination_eligible,
            assessed_at = excluded.assessed_at
        WHERE {changed}
        """  # noqa: S608 - names come from the model and this function
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False)
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS fupin_assessment_staging "
                "(household_id bigint, risk_level varchar(10), monitoring_eligible boolean, "
                "elimination_eligible boolean) ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy(
                "COPY fupin_assessment_staging FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
        else:
            # SQLite: the same statement from a temporary table filled by executemany.
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS fupin_assessment_staging "
                "(household_id integer, risk_level varchar(10), monitoring_eligible bool, "
                "elimination_eligible bool)"
            )
            cursor.executemany(
                "INSERT INTO fupin_assessment_staging VALUES (%s, %s, %s, %s)",
                list(frame.iter_rows()),
            )
        cursor.execute(upsert, [assessed_at])
        updated = int(cursor.rowcount)
        # Emptied now, not only at commit: a second call in the same transaction (a test,
        # or a caller writing several groups) must not write this call's rows again.
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE fupin_assessment_staging")
        else:
            cursor.execute("DELETE FROM fupin_assessment_staging")
    audit_record(
        actor=actor,
        action="registry.household_assessment_bulk_update",
        subject_type="registry.household",
        subject_label=str(frame.height),
        region_code=region_code,
        changes={"households": frame.height, "changed": updated},
    )
    return updated
