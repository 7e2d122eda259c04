"""Session settings for set-based work over a region's million rows."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

# Enough for a hash of a million households' ids and a few columns; the server's default
# (4 MB) splits such joins and aggregates into batches spilled to disk.
BULK_WORK_MEM = "256MB"


@contextmanager
def bulk_work_memory() -> Iterator[None]:
    """Let this session's sorts, hashes and aggregates use BULK_WORK_MEM on PostgreSQL
    (nothing on SQLite), restoring the previous value afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('work_mem'), set_config('work_mem', %s, false)", [BULK_WORK_MEM]
        )
        row = cursor.fetchone()
    previous = str(row[0]) if row else ""
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, false)", [previous])
        except DatabaseError:
            # The transaction failed: its rollback restores the setting made inside it.
            pass
