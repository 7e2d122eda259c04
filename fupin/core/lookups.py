"""Matching a column against many values at once.

`field__in=[...]` writes one placeholder per value, and building and parsing a query with
10,000 placeholders costs more than running it. On PostgreSQL `field__any=[...]` sends the
values as one array parameter (`= ANY(%s)`); elsewhere it is an ordinary IN list, so callers
still cut long lists with `in_chunks`.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Lookup
from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")

POSTGRESQL_CHUNK = 200_000
# SQLite allows 32,766 host parameters per statement.
OTHER_CHUNK = 10_000


@Field.register_lookup
class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *values]


def in_chunks(values: Iterable[T]) -> Iterator[list[T]]:
    """Yield the distinct values in lists short enough for one `__any` query."""
    unique: Sequence[T] = list(dict.fromkeys(values))
    size = POSTGRESQL_CHUNK if connection.vendor == "postgresql" else OTHER_CHUNK
    for start in range(0, len(unique), size):
        yield list(unique[start : start + size])
