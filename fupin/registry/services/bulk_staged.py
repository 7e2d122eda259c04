"""The members ledger's apply on PostgreSQL, set-based over the whole file (ADR 0026).

The valid rows are COPYed, a chunk at a time, into a temporary staging table; every read,
check and write of the apply is then one SQL statement over the whole file: the file's
households and their registered rows in one join, the new members in one INSERT … SELECT,
member counts and names computed by the server, stale marks in one INSERT … SELECT. No list
of keys travels back and forth per chunk, and no registry row is read into Python.

The statements keep the Polars apply's answers (`bulk._apply`, still SQLite's path):
households and members matched by 户编号 and (户编号, 证件号码), empty cells keep stored
values, a household's rows applied as a set (members who stop being head first, new heads
last) and the same messages. The staging tables are dropped at commit, and with the rest
of the transaction at a rollback.
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.registry import codes
from fupin.registry.models import MEMBER_NAMES_SEPARATOR, Household, Member
from fupin.registry.services import bulk_sql
from fupin.registry.services.assessment_results import household_level_villages_follow
from fupin.registry.services.bulk import (
    EXAMPLES_SHOWN,
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    STATUS_FOR_TYPE,
    BulkResult,
    serialize_counties,
    villages_check,
)
from fupin.registry.services.member_counts import active_members_refresh
from fupin.registry.services.stale import household_stale_mark_selected

ROWS = "fupin_import_rows"
HOUSEHOLDS = "fupin_import_households"
MEMBERS = "fupin_import_members"
_HEAD = codes.Relation.HEAD.value
_BOOLEANS = tuple(name for name in MEMBER_COLUMNS if name.startswith(("has_", "receives_")))
_INTEGERS = ("migrant_months",)
# The staging table's columns, in COPY order, and their SQL types.
_STAGED: dict[str, str] = {
    "household_number": "text",
    "id_number": "text",
    **dict.fromkeys(HOUSEHOLD_COLUMNS, "text"),
    **{
        name: "boolean" if name in _BOOLEANS else "integer" if name in _INTEGERS else "text"
        for name in MEMBER_COLUMNS
    },
}
_STAGED["birth_date"] = "date"


def staged_apply(
    scope: RegionScope,
    chunks: Sequence[pl.LazyFrame],
    *,
    now: datetime.datetime,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[BulkResult, int]:
    """Stage the chunks and apply them; return the counts and the number of rows."""
    with connection.cursor() as cursor:
        rows = _stage(cursor, chunks, progress=progress)
        if not rows:
            return BulkResult(0, 0, 0, 0, 0), 0
        _gather_households(cursor)
        _check_villages(cursor, scope)
        _check_people_elsewhere(cursor)
        created_households, updated_households = _write_households(cursor, now=now)
        if updated_households:
            household_level_villages_follow(
                household_ids_sql=f"SELECT id FROM {HOUSEHOLDS} WHERE existed AND changed"  # noqa: S608
            )
        created, updated, unchanged = _write_members(cursor, now=now)
        _refresh_counts(cursor)
        if created_households or updated_households or created or updated:
            household_stale_mark_selected(
                select_sql=(
                    f"SELECT id FROM {HOUSEHOLDS} WHERE NOT existed OR changed "  # noqa: S608
                    f"OR id IN (SELECT household_id FROM {MEMBERS} "
                    "WHERE member_id IS NULL OR changed)"
                ),
                now=now,
            )
    return BulkResult(created_households, updated_households, created, updated, unchanged), rows


def _stage(
    cursor: CursorWrapper,
    chunks: Sequence[pl.LazyFrame],
    *,
    progress: Callable[[int, int], None] | None,
) -> int:
    """COPY the chunks' rows into the staging table, one chunk in memory at a time."""
    columns = ", ".join(f"{name} {kind}" for name, kind in _STAGED.items())
    for table in (MEMBERS, HOUSEHOLDS, ROWS):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMP TABLE {ROWS} ({columns}) ON COMMIT DROP")
    rows = 0
    for done, chunk in enumerate(chunks, start=1):
        frame = chunk.collect()
        if frame.height:
            _copy(cursor, _staged_frame(frame))
        rows += frame.height
        del frame
        if progress:
            progress(done, len(chunks))
    # The joins' keys only: statistics of every column cost more than the joins save.
    cursor.execute(f"ANALYZE {ROWS} (household_number, id_number)")
    return rows


def _staged_frame(frame: pl.DataFrame) -> pl.DataFrame:
    birth_date = pl.coalesce(
        pl.col("birth_date"),
        pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False),
    )
    return frame.select(
        birth_date.alias(name) if name == "birth_date" else pl.col(name) for name in _STAGED
    )


def _copy(cursor: CursorWrapper, frame: pl.DataFrame) -> None:
    names = ", ".join(_STAGED)
    # Quoted text keeps '' apart from NULL (an unquoted empty field); the raw psycopg COPY
    # needs Django's error translation, or a lost connection escapes as psycopg's error.
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {ROWS} ({names}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        for part in frame.iter_slices(bulk_sql.COPY_SLICE_ROWS):
            copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))


def _gather_households(cursor: CursorWrapper) -> None:
    """One row per household of the file: the first non-empty value of each household
    column, its rows and names, and the registered household it matches."""
    table = Household._meta.db_table
    # Validation leaves one value (or none) per household column in a household's rows, so
    # any aggregate is its first non-empty value; max() is the cheapest.
    firsts = ", ".join(f"max({column}) AS {field}" for column, field in HOUSEHOLD_COLUMNS.items())
    changed = " OR ".join(
        f"(a.{field} IS NOT NULL AND a.{field} IS DISTINCT FROM h.{field})"
        for field in HOUSEHOLD_COLUMNS.values()
    )
    olds = ", ".join(f"h.{field} AS old_{field}" for field in HOUSEHOLD_COLUMNS.values())
    cursor.execute(
        f"CREATE TEMP TABLE {HOUSEHOLDS} ON COMMIT DROP AS "  # noqa: S608 - our own names
        # New households get their id here, so the members can be joined to them without
        # reading the inserted ids back.
        f"SELECT a.*, coalesce(h.id, nextval(pg_get_serial_sequence('{table}', 'id'))) AS id, "
        "h.id IS NOT NULL AS existed, "
        f"h.id IS NOT NULL AND ({changed}) AS changed, {olds} "
        f"FROM (SELECT household_number AS number, {firsts}, count(*) AS members, "
        f"string_agg(name, %s) AS names "
        f"FROM {ROWS} GROUP BY household_number) AS a "
        f"LEFT JOIN {table} AS h ON h.number = a.number",
        [MEMBER_NAMES_SEPARATOR],
    )
    cursor.execute(f"ANALYZE {HOUSEHOLDS} (number, id)")


def _sample(values: Sequence[Any]) -> str:
    return "、".join(sorted({str(value) for value in values})[:EXAMPLES_SHOWN])


def _check_villages(cursor: CursorWrapper, scope: RegionScope) -> None:
    cursor.execute(
        f"SELECT DISTINCT village_id, old_village_id FROM {HOUSEHOLDS}"  # noqa: S608
    )
    pairs = cursor.fetchall()
    villages = sorted({village for village, _old in pairs if village})
    current = sorted({old for _village, old in pairs if old})
    # The counties the file's households are registered in now: an import moving a
    # household waits for imports into its old county too.
    serialize_counties(current)
    villages_check(
        scope,
        villages=villages,
        current=current,
        has_missing=any(village is None for village, _old in pairs),
    )


def _check_people_elsewhere(cursor: CursorWrapper) -> None:
    """Refuse people active in another household than the one the file puts them in."""
    cursor.execute(
        f"SELECT count(*), (array_agg(DISTINCT h.number))[1:%s] "  # noqa: S608
        f"FROM {ROWS} AS s JOIN {Member._meta.db_table} AS m "
        "ON m.id_number = s.id_number AND m.is_active "
        f"JOIN {Household._meta.db_table} AS h ON h.id = m.household_id "
        "WHERE h.number <> s.household_number",
        [EXAMPLES_SHOWN],
    )
    count, numbers = cursor.fetchone()
    if count:
        raise ApplicationError(
            _("%(count)d 人已在另一户在册（户编号 %(numbers)s）；请先在原户办理成员减少。")
            % {"count": count, "numbers": _sample(numbers)},
            field="id_number",
        )


def _defaults(
    model: type[Household] | type[Member],
    given: dict[str, tuple[str, list[Any]]],
    *,
    now: datetime.datetime,
) -> tuple[str, list[Any]]:
    """The column list and SELECT list of an INSERT … SELECT: `given` maps a field's attname
    to its SQL and parameters (the primary key too, when given); the stamps are `now`, the
    other fields their default."""
    names: list[str] = []
    expressions: list[str] = []
    params: list[Any] = []
    if "id" in given:
        names.append(connection.ops.quote_name("id"))
        expressions.append(given["id"][0])
    for field in bulk_sql.concrete_fields(model):
        names.append(connection.ops.quote_name(field.column))
        if field.attname in {"created_at", "updated_at"}:
            sql, values = "%s", [now]
        elif field.attname in given:
            sql, values = given[field.attname]
        else:
            sql, values = "%s", [field.get_db_prep_save(field.get_default(), connection)]
        expressions.append(sql)
        params.extend(values)
    return f"({', '.join(names)}) SELECT {', '.join(expressions)}", params


def _write_households(cursor: CursorWrapper, *, now: datetime.datetime) -> tuple[int, int]:
    """Insert new households and update those whose household columns differ."""
    cursor.execute(
        f"SELECT number FROM {HOUSEHOLDS} "  # noqa: S608
        "WHERE NOT existed AND primary_cause IS NULL ORDER BY number LIMIT %s",
        [EXAMPLES_SHOWN],
    )
    missing_cause = [number for (number,) in cursor.fetchall()]
    if missing_cause:
        raise ApplicationError(
            _("新建农户必须填写主要致贫原因：户编号 %(numbers)s；未写入任何数据。")
            % {"numbers": _sample(missing_cause)},
            field="primary_cause",
        )
    table = Household._meta.db_table
    fields = list(HOUSEHOLD_COLUMNS.values())
    assignments = ", ".join(f"{field} = coalesce(a.{field}, t.{field})" for field in fields)
    cursor.execute(
        f"SELECT count(*) FILTER (WHERE changed), count(*) FILTER (WHERE NOT existed) "  # noqa: S608
        f"FROM {HOUSEHOLDS}"
    )
    changed, new = cursor.fetchone()
    updated = 0
    if changed:
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments}, version = t.version + 1, "  # noqa: S608
            f"updated_at = %s FROM {HOUSEHOLDS} AS a WHERE t.id = a.id AND a.changed",
            [now],
        )
        updated = cursor.rowcount
    if not new:
        return 0, updated
    ordinary = str(codes.HouseholdType.ORDINARY.value)
    household_type = f"coalesce(a.household_type, '{ordinary}')"
    statuses = " ".join(
        f"WHEN '{kind}' THEN '{status}'" for kind, status in STATUS_FOR_TYPE.items()
    )
    given = {
        "id": "a.id",
        "number": "a.number",
        "village_id": "a.village_id",
        "household_type": household_type,
        "status": f"CASE {household_type} {statuses} END",
        "poverty_attribute": "coalesce(a.poverty_attribute, '')",
        "primary_cause": "a.primary_cause",
        "phone": "coalesce(a.phone, '')",
        "active_member_count": "a.members",
        "active_member_names": "a.names",
    }
    insert, params = _defaults(Household, {name: (sql, []) for name, sql in given.items()}, now=now)
    cursor.execute(
        f"INSERT INTO {table} {insert} FROM {HOUSEHOLDS} AS a WHERE NOT a.existed",
        params,
    )
    return cursor.rowcount, updated


def _write_members(cursor: CursorWrapper, *, now: datetime.datetime) -> tuple[int, int, int]:
    """Insert new members and update changed ones, a household's rows as a set."""
    member_table = Member._meta.db_table
    compared = " OR ".join(
        f"(s.{name} IS NOT NULL AND s.{name} IS DISTINCT FROM m.{name})" for name in MEMBER_COLUMNS
    )
    values = ", ".join(f"s.{name}" for name in MEMBER_COLUMNS)
    cursor.execute(
        f"CREATE TEMP TABLE {MEMBERS} ON COMMIT DROP AS "  # noqa: S608 - our own names
        f"SELECT s.id_number, {values}, a.id AS household_id, a.existed, "
        "m.id AS member_id, coalesce(s.relation, m.relation) AS final_relation, "
        f"m.id IS NOT NULL AND ({compared}) AS changed, "
        "m.id IS NOT NULL AND s.name IS NOT NULL AND s.name IS DISTINCT FROM m.name AS renamed "
        f"FROM {ROWS} AS s JOIN {HOUSEHOLDS} AS a ON a.number = s.household_number "
        f"LEFT JOIN {member_table} AS m ON m.household_id = a.id AND a.existed "
        "AND m.id_number = s.id_number AND m.is_active"
    )
    cursor.execute(
        "SELECT count(*) FILTER (WHERE member_id IS NULL), "  # noqa: S608
        "count(*) FILTER (WHERE changed), "
        f"count(*) FILTER (WHERE member_id IS NOT NULL AND NOT changed) FROM {MEMBERS}"
    )
    created, updated, unchanged = cursor.fetchone()
    assignments = ", ".join(f"{name} = coalesce(s.{name}, t.{name})" for name in MEMBER_COLUMNS)
    update = (
        f"UPDATE {member_table} AS t SET {assignments}, version = t.version + 1, "  # noqa: S608
        f"updated_at = %s FROM {MEMBERS} AS s WHERE t.id = s.member_id AND s.changed "
        "AND (s.final_relation = %s) = %s"
    )
    # Members who stop being head are written first and new heads last, so the one-head
    # index holds after every statement, whatever the order of the rows in the file. A
    # statement with nothing to write is not sent: the planner, not knowing how few rows
    # changed, joined the whole members table to find none.
    if updated:
        cursor.execute(update, [now, _HEAD, False])
    # Empty cells of a new member get the field's default.
    given: dict[str, tuple[str, list[Any]]] = {
        "household_id": ("s.household_id", []),
        "id_number": ("s.id_number", []),
    }
    for field in bulk_sql.concrete_fields(Member):
        if field.attname in MEMBER_COLUMNS:
            default = field.get_db_prep_save(field.get_default(), connection)
            given[field.attname] = (
                (f"s.{field.attname}", [])
                if default is None
                else (f"coalesce(s.{field.attname}, %s)", [default])
            )
    insert, params = _defaults(Member, given, now=now)
    if created:
        cursor.execute(
            f"INSERT INTO {member_table} {insert} FROM {MEMBERS} AS s WHERE s.member_id IS NULL",
            params,
        )
    if updated:
        cursor.execute(update, [now, _HEAD, True])
    return created, updated, unchanged


def _refresh_counts(cursor: CursorWrapper) -> None:
    """New households were inserted with their count and names; those that existed and
    gained or renamed members are recounted."""
    cursor.execute(
        f"SELECT DISTINCT household_id FROM {MEMBERS} "  # noqa: S608
        "WHERE existed AND (member_id IS NULL OR renamed)"
    )
    active_members_refresh([household_id for (household_id,) in cursor.fetchall()])
