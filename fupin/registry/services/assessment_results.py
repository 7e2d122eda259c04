"""Denormalize the latest assessment results onto households for fast list filters."""

import io
from datetime import datetime

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction

from fupin.audit.services import audit_record
from fupin.registry.models import Household

RESULT_COLUMNS = ["household_id", "risk_level", "monitoring_eligible", "elimination_eligible"]


@transaction.atomic
def household_assessment_bulk_update(
    *,
    actor: AbstractBaseUser | None,
    results: pl.DataFrame,
    assessed_at: datetime,
    region_code: str,
) -> int:
    """Write risk level and eligibility of many households at once (set-based), only on
    the households where one of them differs, and return how many changed.

    `results` has the columns of RESULT_COLUMNS. `assessed_at` records when the household's
    current result was decided: a run that confirms an unchanged result leaves the row
    alone, so a province's run does not rewrite a million rows to say nothing changed.
    Audit action: "registry.household_assessment_bulk_update" (one event per call).
    """
    frame = results.select(RESULT_COLUMNS).with_columns(pl.col("risk_level").fill_null(""))
    if frame.is_empty():
        return 0
    table = connection.ops.quote_name(Household._meta.db_table)
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS fupin_assessment_staging "
                "(household_id bigint, risk_level varchar(10), monitoring_eligible boolean, "
                "elimination_eligible boolean) ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy(
                "COPY fupin_assessment_staging FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
            cursor.execute(
                f"""
                UPDATE {table} AS household SET
                    risk_level = staging.risk_level,
                    is_monitoring_eligible = staging.monitoring_eligible,
                    is_elimination_eligible = staging.elimination_eligible,
                    assessed_at = %s
                FROM fupin_assessment_staging AS staging
                WHERE household.id = staging.household_id
                  AND (household.risk_level, household.is_monitoring_eligible,
                       household.is_elimination_eligible)
                      IS DISTINCT FROM
                      (staging.risk_level, staging.monitoring_eligible,
                       staging.elimination_eligible)
                """,  # noqa: S608 - the table name comes from the model
                [assessed_at],
            )
            updated = int(cursor.rowcount)
    else:
        rows = [
            (risk, eligible, elimination, assessed_at, household_id, risk, eligible, elimination)
            for household_id, risk, eligible, elimination in frame.iter_rows()
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET risk_level = %s, is_monitoring_eligible = %s, "  # noqa: S608
                "is_elimination_eligible = %s, assessed_at = %s WHERE id = %s "
                "AND (risk_level IS NOT %s OR is_monitoring_eligible IS NOT %s "
                "OR is_elimination_eligible IS NOT %s)",
                rows,
            )
            # executemany reports the rows changed by all its statements together.
            updated = max(int(cursor.rowcount), 0)
    audit_record(
        actor=actor,
        action="registry.household_assessment_bulk_update",
        subject_type="registry.household",
        subject_label=str(frame.height),
        region_code=region_code,
        changes={"households": frame.height, "changed": updated},
    )
    return updated
