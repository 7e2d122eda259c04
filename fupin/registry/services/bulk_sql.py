"""Set-based reads and writes shared by the ledger upserts: Polars frames from querysets
(COPY … TO on PostgreSQL), inserts (one CSV COPY, or ``executemany`` on SQLite) and
updates from a staged table. Nothing here knows a ledger's columns."""

import datetime
import io
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Field, Model, QuerySet

from fupin.core.lookups import in_chunks

COPY_SLICE_ROWS = 50_000


def polars_type(model_field: Any) -> Any:
    internal = model_field.get_internal_type()
    if internal == "DecimalField":
        return pl.Decimal(12, model_field.decimal_places)
    if internal == "BooleanField":
        return pl.Boolean
    if internal in {"PositiveSmallIntegerField", "IntegerField", "PositiveIntegerField"}:
        return pl.Int64
    return pl.String


def frame(queryset: QuerySet[Any, Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a `values_list` query as a frame with `schema` (one name per value).

    PostgreSQL streams them with COPY … TO STDOUT into Polars, so a million members never
    become a million Python tuples (about 1 GB); SQLite goes through the ORM.
    """
    if connection.vendor != "postgresql":
        return pl.DataFrame(list(queryset), schema=schema, orient="row")
    sql, params = queryset.query.sql_with_params()
    buffer = io.BytesIO()
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
    ):
        for data in copy:
            buffer.write(data)
    booleans = [name for name, kind in schema.items() if kind == pl.Boolean]
    as_text = {name: pl.String if name in booleans else kind for name, kind in schema.items()}
    frame = pl.read_csv(buffer.getvalue(), has_header=False, schema=as_text)
    return frame.with_columns(pl.col(name) == "t" for name in booleans)


def frames(
    values: Sequence[Any], query: Callable[[list[Any]], QuerySet[Any, Any]], schema: dict[str, Any]
) -> pl.DataFrame:
    """`frame` of `query(chunk)` for each chunk of `values`, concatenated."""
    parts = [frame(query(chunk), schema) for chunk in in_chunks(values)]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def concrete_fields(model: type[Model]) -> list[Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    ]


def column(model: type[Model], name: str) -> str:
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return model_field.column


def insert(model: type[Model], rows: pl.DataFrame, *, now: datetime.datetime) -> None:
    """Insert rows whose columns are field attnames; nulls and missing columns get the
    field's default. PostgreSQL gets one CSV COPY written by Polars; SQLite executemany."""
    if rows.is_empty():
        return
    fields = concrete_fields(model)
    stamps = {"created_at", "updated_at", "recorded_at"}
    columns: list[pl.Expr] = []
    for field in fields:
        name = field.attname
        default = field.get_default()
        if name in stamps:
            columns.append(pl.lit(now).alias(name))
        elif name in rows.columns:
            value = pl.col(name)
            columns.append(value if default is None else value.fill_null(default))
        else:
            columns.append(pl.lit(default).alias(name))
    frame = rows.select(columns)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Quoting every text value keeps '' apart from NULL (an unquoted empty field).
            # The raw psycopg COPY bypasses Django's error translation; without it a
            # constraint violation would escape as psycopg's error, not IntegrityError.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy,
            ):
                # In slices, so the CSV text of a million rows is never held at once.
                for part in frame.iter_slices(COPY_SLICE_ROWS):
                    copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
            frame.rows(),
        )


def update(
    model: type[Model],
    attnames: list[str],
    rows: list[tuple[Any, ...]],
    *,
    now: datetime.datetime,
) -> None:
    """Set `attnames` from rows of (id, *values), bump the version (where the model has
    one) and stamp updated_at (or recorded_at)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    meta = model._meta
    names = {field.name for field in meta.concrete_fields}
    columns = [quote(column(model, name.removesuffix("_id"))) for name in attnames]
    pk = quote(column(model, "id"))
    updated_at = quote(column(model, "updated_at" if "updated_at" in names else "recorded_at"))
    version = quote(column(model, "version")) if "version" in names else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = quote(f"fupin_bulk_stage_{meta.model_name}")
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(
                f"CREATE TEMP TABLE {stage} AS SELECT {pk}, {', '.join(columns)} "  # noqa: S608
                f"FROM {table} WITH NO DATA"
            )
            # As in insert: the raw COPY needs Django's error translation, or a dropped
            # connection escapes as psycopg's error instead of DatabaseError.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {stage} ({pk}, {', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{column} = s.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments}, "  # noqa: S608
                f"{f'{version} = t.{version} + 1, ' if version else ''}{updated_at} = %s "
                f"FROM {stage} AS s WHERE t.{pk} = s.{pk}",
                [now],
            )
            cursor.execute(f"DROP TABLE {stage}")
            return
        assignments = ", ".join(f"{column} = %s" for column in columns)
        cursor.executemany(
            f"UPDATE {table} SET {assignments}, "  # noqa: S608
            f"{f'{version} = {version} + 1, ' if version else ''}"
            f"{updated_at} = %s WHERE {pk} = %s",
            [(*row[1:], now, row[0]) for row in rows],
        )
