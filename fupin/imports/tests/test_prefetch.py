"""A file validated in several chunks asks the registry each prefetched lookup once for the
whole file, and gets the answers asking it chunk by chunk gives."""

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fupin.imports.kinds import MEMBERS_LEDGER
from fupin.imports.prefetch import prefetched
from fupin.imports.streaming import validated_file
from fupin.imports.tests.support import interleaved_households, members_file, run_import

CHUNK_ROWS = 8


def _counted(answers: Mapping[str, Any], asked: list[list[str]]) -> Callable[[list[str]], Any]:
    def lookup(values: list[str]) -> dict[str, Any]:
        asked.append(sorted(values))
        return {value: answers[value] for value in values if value in answers}

    return lookup


def test_prefetched_answers_are_the_lookups_and_unforeseen_keys_are_asked_again() -> None:
    registry = {"A": ["1", "2"], "B": [], "C": ["3"]}
    asked: list[list[str]] = []
    lookup = prefetched(_counted(registry, asked), pl.Series(["A", "B", "D", None, "A"]))

    answer = lookup(["A", "B", "C", "D"])

    assert answer == {"A": ["1", "2"], "B": [], "C": ["3"]}
    # Once for the file's keys, then only the key the file's cleaning did not foresee.
    assert asked == [["A", "B", "D"], ["C"]]


def test_prefetched_lookup_with_no_answers_answers_nothing() -> None:
    asked: list[list[str]] = []
    lookup = prefetched(_counted({}, asked), pl.Series(["A"], dtype=pl.String))

    assert lookup(["A"]) == {}
    assert asked == [["A"]]


@pytest.mark.django_db
def test_chunked_validation_asks_each_prefetched_lookup_once(regions: None, tmp_path: Path) -> None:
    # Given a registered household and a file of many chunks that lists one of its people
    # under another household
    rows = interleaved_households(30)
    registered = members_file(tmp_path, rows[:1] + rows[30:31] + rows[60:61])
    _output, error = run_import("members", str(registered), "--no-progress")
    assert error is None
    moved = dict(rows[0], 户编号="H900")
    path = members_file(tmp_path, [*rows[1:30], moved, *rows[31:60], *rows[61:]])
    asked: dict[str, int] = {}

    def counting(name: str) -> Callable[[list[str]], Any]:
        real = getattr(MEMBERS_LEDGER.lookups, name)

        def lookup(values: list[str]) -> Any:
            asked[name] = asked.get(name, 0) + 1
            return real(values)

        return lookup

    ledger = dataclasses.replace(
        MEMBERS_LEDGER,
        lookups=dataclasses.replace(
            MEMBERS_LEDGER.lookups,
            existing_people=counting("existing_people"),
            registered_heads=counting("registered_heads"),
        ),
    )

    # When it is validated in chunks, and again without prefetching
    with validated_file(path, path.name, ledger, scope_prefix="", chunk_rows=CHUNK_ROWS) as one:
        chunks = len(one.result.valid_chunks)
        errors = one.result.errors
    asked_once = dict(asked)
    unprefetched = dataclasses.replace(ledger, prefetched=())
    with validated_file(
        path, path.name, unprefetched, scope_prefix="", chunk_rows=CHUNK_ROWS
    ) as each:
        errors_each = each.result.errors

    # Then each lookup was asked once for the file, not once per chunk, with the same
    # answers: the moved person is refused on their row
    assert chunks > 2
    assert asked_once == {"existing_people": 1, "registered_heads": 1}
    assert asked == {"existing_people": 1 + chunks, "registered_heads": 1 + chunks}
    assert errors == errors_each
    assert [error.message for error in errors] == [
        "此人已在另一户（户编号 H000）在册；请先在原户办理成员减少，再导入。"
    ]
