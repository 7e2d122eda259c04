"""Matching a column against many values at once.

`field__in=[...]` writes one placeholder per value, and building and parsing a query with
10,000 placeholders costs more than running it. On PostgreSQL `field__any=[...]` sends the
values as one parameter: text or integer values joined into one string that the server
splits (`= ANY(string_to_array(...)::type[])`), anything else as an array; elsewhere it is an
ordinary IN list, so callers still cut long lists with `in_chunks`.
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
# The unit separator: not a character a ledger's cleaned keys can hold.
_SEPARATOR = "\x1f"


@Field.register_lookup
class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            joined = _joined(values)
            array_type = self.lhs.output_field.db_type(connection)
            if joined is None or array_type is None:
                return f"{lhs} = ANY(%s)", [*lhs_params, values]
            # One text parameter split by the server: psycopg quotes a list's items one by
            # one in Python, which for a million ID numbers costs more than the query.
            return (
                f"{lhs} = ANY(string_to_array(%s, %s)::{array_type}[])",
                [*lhs_params, joined, _SEPARATOR],
            )
        if not values:
            return "1 = 0", list(lhs_params)
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *values]


def _joined(values: list[Any]) -> str | None:
    """The values as one separated string, or None when they cannot be (a null, another
    type than text or integer, or a value holding the separator)."""
    if not values:
        return None
    if all(type(value) is int for value in values):
        return _SEPARATOR.join(map(str, values))
    if not all(type(value) is str for value in values):
        return None
    joined = _SEPARATOR.join(values)
    if joined.count(_SEPARATOR) != len(values) - 1:
        return None
    return joined


def in_chunks(values: Iterable[T]) -> Iterator[list[T]]:
    """Yield the distinct values in lists short enough for one `__any` query."""
    unique: Sequence[T] = list(dict.fromkeys(values))
    size = POSTGRESQL_CHUNK if connection.vendor == "postgresql" else OTHER_CHUNK
    for start in range(0, len(unique), size):
        yield list(unique[start : start + size])
