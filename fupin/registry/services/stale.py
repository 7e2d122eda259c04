"""Marking households whose assessment facts changed (`StaleHousehold`, ADR 0016).

The assessment app sits above the registry and assistance in the layers, so their writes
cannot re-assess a household themselves. They mark it instead, inside their own
transaction: the mark commits with the change or not at all, and the assessment's
catch-up (a worker command polling every second) re-assesses the marked households in
small batches. The marks are derived data and carry no audit event of their own: the
write that caused them is audited.
"""

import datetime
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from fupin.core.lookups import in_chunks
from fupin.registry.models import StaleHousehold

_TABLE = StaleHousehold._meta.db_table


def household_stale_mark(*, household_ids: Iterable[int]) -> int:
    """Mark these households as waiting for re-assessment; call it inside the write's
    transaction. One statement per chunk however many households a batch touches (an
    import of 100,000 rows marks them set-based, and the catch-up takes them as batches).
    Returns how many households were marked."""
    ids = sorted({int(household_id) for household_id in household_ids})
    if not ids:
        return 0
    now = timezone.now()
    columns = f"{_TABLE} (household_id, version, assessed_version, marked_at)"
    upsert = (
        f"ON CONFLICT (household_id) DO UPDATE SET version = {_TABLE}.version + 1, "
        "marked_at = excluded.marked_at"
    )
    with connection.cursor() as cursor:
        for chunk in in_chunks(ids):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {columns} SELECT id, 1, 0, %s "  # noqa: S608 - model table
                    f"FROM unnest(%s::bigint[]) AS id {upsert}",
                    [now, chunk],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {columns} VALUES (%s, 1, 0, %s) {upsert}",  # noqa: S608
                    [(household_id, now) for household_id in chunk],
                )
    return len(ids)


def household_stale_mark_selected(*, select_sql: str, now: datetime.datetime) -> None:
    """`household_stale_mark` for the household ids `select_sql` selects, in one statement
    (PostgreSQL: a set-based write marks what its staging tables name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (household_id, version, assessed_version, marked_at) "  # noqa: S608
            f"SELECT id, 1, 0, %s FROM ({select_sql}) AS marked ORDER BY id "
            f"ON CONFLICT (household_id) DO UPDATE SET version = {_TABLE}.version + 1, "
            "marked_at = excluded.marked_at",
            [now],
        )


def household_stale_resolve(*, seen: Iterable[tuple[int, int]]) -> None:
    """Record that the households were assessed with the facts of these mark versions
    (household id, version read before the facts). A household marked again meanwhile
    has a higher version and stays pending. Called by the assessment inside the
    transaction that writes the outcomes."""
    rows = sorted(seen)
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(rows), 200_000):
                chunk = rows[start : start + 200_000]
                cursor.execute(
                    f"UPDATE {_TABLE} AS mark SET assessed_version = seen.version "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::bigint[]) AS seen (household_id, version) "
                    "WHERE mark.household_id = seen.household_id "
                    "AND mark.assessed_version < seen.version",
                    [[row[0] for row in chunk], [row[1] for row in chunk]],
                )
        else:
            cursor.executemany(
                f"UPDATE {_TABLE} SET assessed_version = %s "  # noqa: S608 - model table
                "WHERE household_id = %s AND assessed_version < %s",
                [(version, household_id, version) for household_id, version in rows],
            )
