"""Validation in chunks of households (`FUPIN_IMPORT_CHUNK_ROWS`) gives what validating the
whole file at once gives, and a problem in any chunk still leaves nothing written."""

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fupin.imports.kinds import MEMBERS_LEDGER
from fupin.imports.parsing import ROW_NUMBER_COLUMN, read_table
from fupin.imports.tests.support import interleaved_households, members_file, run_import
from fupin.imports.validation import ValidationResult, _household_chunks, validate
from fupin.registry.models import Household, Member

pytestmark = pytest.mark.django_db

HOUSEHOLDS = 8
SMALL_CHUNK = 4


def _interleaved() -> list[dict[str, str]]:
    return interleaved_households(HOUSEHOLDS)


def _chunks(path: Path, chunks: int) -> list[pl.DataFrame]:
    """The file's rows as validation splits them into `chunks` parts."""
    frame = read_table(path, path.name).rename({"户编号": "household_number"})
    return list(_household_chunks(frame, chunks))


def _validate(path: Path, chunk_rows: int) -> ValidationResult:
    frame = read_table(path, path.name)
    return validate(
        frame,
        MEMBERS_LEDGER,
        scope_prefix="",
        lookups=MEMBERS_LEDGER.lookups,
        chunk_rows=chunk_rows,
    )


def _registry() -> list[tuple[object, ...]]:
    return sorted(
        Member.objects.values_list(
            "household__number",
            "household__village_id",
            "household__phone",
            "id_number",
            "name",
            "sex",
            "relation",
            "birth_date",
        )
    )


def test_chunks_validate_as_the_whole_file(regions: None, tmp_path: Path) -> None:
    rows = _interleaved()
    # Errors in several chunks, one of them a person repeated in another household.
    rows[3]["性别"] = "女"
    rows[-1]["证件号码"] = rows[0]["证件号码"]
    rows[10]["与户主关系"] = "户主"
    path = members_file(tmp_path, rows)

    whole = _validate(path, chunk_rows=10_000)
    chunked = _validate(path, chunk_rows=SMALL_CHUNK)

    parts = _chunks(path, -(-len(rows) // SMALL_CHUNK))
    assert sum(1 for part in parts if part.height) > 1
    assert whole.errors
    assert chunked.errors == whole.errors
    assert chunked.summary == whole.summary
    assert chunked.valid.sort(ROW_NUMBER_COLUMN).equals(whole.valid.sort(ROW_NUMBER_COLUMN))


def test_chunked_import_stores_what_the_whole_file_import_stores(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    path = members_file(tmp_path, _interleaved())
    _output, error = run_import("members", str(path))
    assert error is None
    whole = _registry()
    Member.objects.all().delete()
    Household.objects.all().delete()

    settings.IMPORT_CHUNK_ROWS = SMALL_CHUNK
    output, error = run_import("members", str(path))

    assert error is None, output
    assert _registry() == whole
    assert Household.objects.count() == HOUSEHOLDS
    assert Member.objects.filter(relation="01").count() == HOUSEHOLDS


def test_error_in_the_last_chunk_leaves_nothing_written(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_CHUNK_ROWS = SMALL_CHUNK
    rows = _interleaved()
    path = members_file(tmp_path, rows)
    chunks = -(-len(rows) // SMALL_CHUNK)
    last = _chunks(path, chunks)[-1]
    assert last.height
    bad_row = int(last.get_column(ROW_NUMBER_COLUMN)[0])
    rows[bad_row - 2]["性别"] = "女" if rows[bad_row - 2]["性别"] == "男" else "男"
    path = members_file(tmp_path, rows)

    output, error = run_import("members", str(path))

    assert error is not None
    assert f"第 {bad_row} 行" in output
    assert not Member.objects.exists()
    assert not Household.objects.exists()
