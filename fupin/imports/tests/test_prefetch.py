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
from fupin.registry import codes
from fupin.registry.models import Member
from fupin.registry.selectors import (
    household_heads_by_number,
    household_heads_frame,
    member_households_by_id_number,
    member_households_frame,
)

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

    # (The lookups themselves are asked: without the readers of whole-file frames.)
    ledger = dataclasses.replace(
        MEMBERS_LEDGER,
        lookups=dataclasses.replace(
            MEMBERS_LEDGER.lookups,
            existing_people=counting("existing_people"),
            registered_heads=counting("registered_heads"),
        ),
        prefetched_frames={},
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


def test_prefetched_frame_answers_instead_of_the_lookup() -> None:
    asked: list[list[str]] = []
    framed: list[list[str]] = []

    def frame(keys: list[str]) -> pl.DataFrame:
        framed.append(sorted(keys))
        return pl.DataFrame({"key": ["A"], "value": ["H1"]})

    lookup = prefetched(_counted({"C": "H3"}, asked), pl.Series(["A", "B", None]), frame)

    assert lookup(["A", "B", "C"]) == {"A": "H1", "C": "H3"}
    # The frame was asked for the file's keys; the lookup only for the unforeseen one.
    assert framed == [["A", "B"]]
    assert asked == [["C"]]


@pytest.mark.django_db
def test_frame_readers_answer_as_the_lookups_do(regions: None, tmp_path: Path) -> None:
    # Given three registered households, one of them without a head any more
    rows = interleaved_households(3)
    _output, error = run_import("members", str(members_file(tmp_path, rows)), "--no-progress")
    assert error is None
    removed = Member.objects.filter(household__number="H002", relation=codes.Relation.HEAD)
    assert removed.update(is_active=False, removal_reason=codes.RemovalReason.values[0]) == 1
    people = [row["证件号码"] for row in rows] + ["110101199001011237"]
    numbers = ["H000", "H001", "H002", "H999"]

    # When the file's keys are asked as frames and through the lookups
    members = member_households_frame(people)
    heads = household_heads_frame(numbers)

    # Then both say the same: who is registered where, each household's heads (none for
    # the headless one, nothing for the unknown number)
    assert dict(members.iter_rows()) == member_households_by_id_number(people)
    assert len(members) == len(rows) - 1
    assert dict(heads.iter_rows()) == household_heads_by_number(numbers)
    assert dict(heads.iter_rows())["H002"] == []
    assert sorted(dict(heads.iter_rows())) == ["H000", "H001", "H002"]
    assert member_households_frame([]).is_empty()


@pytest.mark.django_db
def test_chunked_validation_with_frames_answers_as_without(regions: None, tmp_path: Path) -> None:
    # Given a registered household and a file that lists one of its people elsewhere
    rows = interleaved_households(30)
    registered = members_file(tmp_path, rows[:1] + rows[30:31] + rows[60:61])
    _output, error = run_import("members", str(registered), "--no-progress")
    assert error is None
    moved = dict(rows[0], 户编号="H900")
    path = members_file(tmp_path, [*rows[1:30], moved, *rows[31:60], *rows[61:]])
    without_frames = dataclasses.replace(MEMBERS_LEDGER, prefetched_frames={})

    # When it is validated in chunks with the whole-file frames and without them
    with validated_file(
        path, path.name, MEMBERS_LEDGER, scope_prefix="", chunk_rows=CHUNK_ROWS
    ) as framed:
        errors = framed.result.errors
    with validated_file(
        path, path.name, without_frames, scope_prefix="", chunk_rows=CHUNK_ROWS
    ) as plain:
        errors_plain = plain.result.errors

    # Then the errors are the same: the moved person is refused
    assert errors == errors_plain
    assert [error.message for error in errors] == [
        "此人已在另一户（户编号 H000）在册；请先在原户办理成员减少，再导入。"
    ]
