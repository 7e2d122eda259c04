"""A ledger read and validated in batches and chunks (`streaming.validated_file`) gives what
validating the whole file gives, wherever a household's rows or a repeated person fall in
the file, and a problem found in the last rows, or in the last chunk applied, leaves
nothing written."""

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import connection

from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.imports.declarations import MEMBERS
from fupin.imports.kinds import MEMBERS_LEDGER
from fupin.imports.ledgers import apply_rows
from fupin.imports.parsing import ROW_NUMBER_COLUMN, open_table, read_table
from fupin.imports.streaming import validated_file
from fupin.imports.tests.support import interleaved_households, members_file, run_import
from fupin.imports.validation import validate
from fupin.registry.models import Household, Member

pytestmark = pytest.mark.django_db

HOUSEHOLDS = 30
CHUNK_ROWS = 8
SCOPE = RegionScope(role="system", role_label="", prefix="", root_prefix="", region_name="")


def _scattered() -> list[dict[str, str]]:
    """Each household's head near the top of the file and its other members far below, so
    every household is split across the batches the file is read in."""
    return interleaved_households(HOUSEHOLDS)


def _whole(path: Path) -> Any:
    return validate(
        read_table(path, path.name),
        MEMBERS_LEDGER,
        scope_prefix="",
        lookups=MEMBERS_LEDGER.lookups,
        chunk_rows=10_000,
    )


def test_file_is_read_in_batches_that_add_up_to_the_whole_table(tmp_path: Path) -> None:
    path = members_file(tmp_path, _scattered())

    table = open_table(path, path.name, batch_rows=CHUNK_ROWS)
    batches = list(table.batches)

    assert len(batches) > 1
    assert all(batch.height <= CHUNK_ROWS for batch in batches)
    assert pl.concat(batches).equals(read_table(path, path.name))


def test_split_households_and_people_repeated_across_chunks_validate_as_the_whole_file(
    regions: None, tmp_path: Path
) -> None:
    # Given households split across read batches, a person listed again in a household far
    # down the file, and a second head in another household
    rows = _scattered()
    rows[-1]["证件号码"] = rows[0]["证件号码"]
    rows[-1]["性别"] = "男"
    rows[40]["与户主关系"] = "户主"
    path = members_file(tmp_path, rows)
    whole = _whole(path)

    # When validated in chunks of a few rows
    with validated_file(
        path, path.name, MEMBERS_LEDGER, scope_prefix="", chunk_rows=CHUNK_ROWS
    ) as streamed:
        result = streamed.result
        chunks = len(result.valid_chunks)
        valid = pl.concat(result.valid_chunks).collect()

    # Then the errors, counts and valid rows are the whole file's
    assert chunks > 1
    found = {(error.row_number, error.field) for error in whole.errors}
    assert {(40 + 2, "与户主关系"), (len(rows) + 1, "证件号码")} <= found
    assert result.errors == whole.errors
    assert result.summary == whole.summary
    assert valid.sort(ROW_NUMBER_COLUMN).equals(whole.valid.sort(ROW_NUMBER_COLUMN))


def test_error_rows_are_the_uploaded_rows_with_errors(regions: None, tmp_path: Path) -> None:
    rows = _scattered()
    rows[-1]["证件号码"] = rows[0]["证件号码"]
    path = members_file(tmp_path, rows)

    with validated_file(
        path, path.name, MEMBERS_LEDGER, scope_prefix="", chunk_rows=CHUNK_ROWS
    ) as streamed:
        error_rows = streamed.error_rows()

    assert error_rows.get_column(ROW_NUMBER_COLUMN).to_list() == [len(rows) + 1]
    assert error_rows.get_column("证件号码").to_list() == [rows[0]["证件号码"]]
    assert error_rows.columns[1:] == list(read_table(path, path.name).columns[1:])


def test_bad_last_row_of_a_file_read_in_many_chunks_leaves_nothing_written(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_CHUNK_ROWS = CHUNK_ROWS
    rows = _scattered()
    rows[-1]["性别"] = "女"
    path = members_file(tmp_path, rows)

    output, error = run_import("members", str(path))

    assert error is not None
    assert error.returncode == 2
    assert f"第 {len(rows) + 1} 行 性别：性别与证件号码不符" in output
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def test_failure_in_a_later_chunk_of_the_apply_undoes_the_chunks_before_it(
    regions: None, tmp_path: Path
) -> None:
    # Given a valid file whose last household is new but names no 主要致贫原因 (which only
    # the apply can refuse: an existing household may leave it empty)
    rows = _scattered()
    last = rows[-1]["户编号"]
    for row in rows:
        if row["户编号"] == last:
            row["主要致贫原因"] = ""
    path = members_file(tmp_path, rows)
    applied: list[int] = []

    with validated_file(
        path, path.name, MEMBERS_LEDGER, scope_prefix="", chunk_rows=CHUNK_ROWS
    ) as streamed:
        assert streamed.result.errors == []
        chunks = streamed.result.valid_chunks
        failing = next(
            index
            for index, chunk in enumerate(chunks)
            if last in chunk.collect().get_column("household_number").to_list()
        )
        # The failing household's chunk comes last, after chunks that are written first
        ordered = [*chunks[:failing], *chunks[failing + 1 :], chunks[failing]]

        # When applied chunk by chunk
        with pytest.raises(ApplicationError) as raised:
            apply_rows(
                MEMBERS,
                actor=None,
                scope=SCOPE,
                rows=ordered,
                progress=lambda done, _total: applied.append(done),
            )

    # Then the chunks already written (PostgreSQL: staged, the writes come after the last
    # chunk) are undone with it
    assert "新建农户必须填写主要致贫原因" in raised.value.message
    done_before_failing = len(chunks) if connection.vendor == "postgresql" else len(chunks) - 1
    assert applied == list(range(1, done_before_failing + 1))
    assert len(applied) > 1
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def test_streamed_import_stores_what_the_whole_file_import_stores(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    path = members_file(tmp_path, _scattered())
    settings.IMPORT_CHUNK_ROWS = CHUNK_ROWS

    output, error = run_import("members", str(path), "--json")

    assert error is None, output
    assert Household.objects.count() == HOUSEHOLDS
    assert Member.objects.filter(relation="01").count() == HOUSEHOLDS
    assert Member.objects.count() == 3 * HOUSEHOLDS
    # And importing it again changes nothing
    output, error = run_import("members", str(path), "--json")
    assert error is None, output
    assert '"members_created": 0, "members_updated": 0' in output
