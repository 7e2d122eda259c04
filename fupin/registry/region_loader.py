"""Set-based upsert of region rows: COPY + INSERT … ON CONFLICT on PostgreSQL, batched
executemany upserts on SQLite. Both report inserted/updated counts so a second load of the
same data can be shown to change nothing."""

import io
from dataclasses import dataclass

import polars as pl
from django.db import connection

from fupin.registry.models import Region


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0

    def add(self, other: "UpsertCounts") -> None:
        self.inserted += other.inserted
        self.updated += other.updated


def upsert_regions(frame: pl.DataFrame, *, table_year: int) -> UpsertCounts:
    """Insert new codes and update changed ones; must run inside a transaction."""
    if frame.is_empty():
        return UpsertCounts()
    if connection.vendor == "postgresql":
        return _upsert_postgresql(frame, table_year=table_year)
    return _upsert_sqlite(frame, table_year=table_year)


def _names() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "table": quote(Region._meta.db_table),
        "code": quote("code"),
        "name": quote("name"),
        "level": quote("level"),
        "parent": quote("parent_id"),
        "year": quote("table_year"),
    }


def _upsert_postgresql(frame: pl.DataFrame, *, table_year: int) -> UpsertCounts:
    names = _names()
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS fupin_region_staging "
            "(code varchar(12), name varchar(100), level smallint, parent_code varchar(12)) "
            "ON COMMIT DELETE ROWS"
        )
        raw_cursor = cursor.cursor  # psycopg's own cursor, for COPY
        with raw_cursor.copy(
            "COPY fupin_region_staging (code, name, level, parent_code) "
            "FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO {names["table"]}
                    ({names["code"]}, {names["name"]}, {names["level"]}, {names["parent"]},
                     {names["year"]})
                SELECT code, name, level, NULLIF(parent_code, ''), %s FROM fupin_region_staging
                ON CONFLICT ({names["code"]}) DO UPDATE SET
                    {names["name"]} = EXCLUDED.{names["name"]},
                    {names["level"]} = EXCLUDED.{names["level"]},
                    {names["parent"]} = EXCLUDED.{names["parent"]},
                    {names["year"]} = EXCLUDED.{names["year"]}
                WHERE ({names["table"]}.{names["name"]}, {names["table"]}.{names["level"]},
                       {names["table"]}.{names["parent"]}, {names["table"]}.{names["year"]})
                    IS DISTINCT FROM
                      (EXCLUDED.{names["name"]}, EXCLUDED.{names["level"]},
                       EXCLUDED.{names["parent"]}, EXCLUDED.{names["year"]})
                RETURNING (xmax = 0) AS is_insert
            )
            SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert)
            FROM written
            """,  # noqa: S608 - identifiers come from the model, values are parameters
            [table_year],
        )
        inserted, updated = cursor.fetchone()
    return UpsertCounts(inserted=inserted, updated=updated)


def _upsert_sqlite(frame: pl.DataFrame, *, table_year: int) -> UpsertCounts:
    names = _names()
    sql = f"""
        INSERT INTO {names["table"]}
            ({names["code"]}, {names["name"]}, {names["level"]}, {names["parent"]}, {names["year"]})
        VALUES (%s, %s, %s, %s, %s)
        ON CONFLICT ({names["code"]}) DO UPDATE SET
            {names["name"]} = excluded.{names["name"]},
            {names["level"]} = excluded.{names["level"]},
            {names["parent"]} = excluded.{names["parent"]},
            {names["year"]} = excluded.{names["year"]}
        WHERE {names["name"]} IS NOT excluded.{names["name"]}
           OR {names["level"]} IS NOT excluded.{names["level"]}
           OR {names["parent"]} IS NOT excluded.{names["parent"]}
           OR {names["year"]} IS NOT excluded.{names["year"]}
    """  # noqa: S608 - identifiers come from the model, values are parameters
    rows = [
        (code, name, level, parent or None, table_year)
        for code, name, level, parent in frame.iter_rows()
    ]
    count_sql = f"SELECT count(*) FROM {names['table']}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(count_sql)
        before_count = cursor.fetchone()[0]
        cursor.execute("SELECT total_changes()")
        before_changes = cursor.fetchone()[0]
        cursor.executemany(sql, rows)
        cursor.execute("SELECT total_changes()")
        changed = cursor.fetchone()[0] - before_changes
        cursor.execute(count_sql)
        after_count = cursor.fetchone()[0]
    inserted = after_count - before_count
    return UpsertCounts(inserted=inserted, updated=changed - inserted)
