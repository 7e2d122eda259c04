"""The checks done in Polars over whole columns say what the one-value-at-a-time functions
say, for any cell: ID numbers (`registry.idnumbers.id_number_facts` against
`parse_id_number`), and the dates and amounts `normalizing` casts in Polars (against
`normalizing._normalize_value`, which every other cell goes through)."""

import dataclasses
import datetime

import polars as pl
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.imports.declarations import INCOME, MEMBERS, Column
from fupin.imports.normalizing import ERROR_SUFFIX, _normalize_value, normalize_columns
from fupin.registry.idnumbers import (
    CHECK_CHARACTERS,
    CHECK_WEIGHTS,
    InvalidIdNumber,
    id_number_facts,
    known_county_codes,
    parse_id_number,
)

TODAY = datetime.date(2025, 6, 1)
COUNTIES = sorted(known_county_codes())[:50]


def _check(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


@st.composite
def id_cells(draw: st.DrawFn) -> str:
    """Cells near a real ID number: well-formed ones, impossible birth dates, wrong check
    characters, unknown counties, lower-case x, spaces, other lengths and characters."""
    county = draw(st.sampled_from([*COUNTIES, "000000", "110000", "999999"]))
    year = draw(st.integers(1780, 2030))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    sequence = draw(st.integers(0, 999))
    first17 = f"{county}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    check = draw(st.sampled_from([_check(first17), *"0123456789Xx"]))
    number = first17 + check
    cell: str = draw(
        st.sampled_from(
            [
                number,
                f" {number} ",
                number[:15],
                number[:17],
                number + "1",
                number.replace("1", "１"),
                number[:10] + "A" + number[11:],
            ]
        )
    )
    return cell


def _one_by_one(raw: str) -> tuple[object, ...]:
    try:
        info = parse_id_number(raw, today=TODAY)
    except InvalidIdNumber as error:
        return (None, None, None, error.message)
    return (info.number, info.sex, info.birth_date, None)


@settings(max_examples=100, deadline=None)
@given(st.lists(id_cells(), min_size=1, max_size=20))
def test_id_number_facts_agree_with_parsing_each_number(cells: list[str]) -> None:
    facts = id_number_facts(pl.Series(cells, dtype=pl.String), today=TODAY)
    by_raw = {row["raw"]: row for row in facts.iter_rows(named=True)}
    assert set(by_raw) == set(cells)
    for cell in cells:
        row = by_raw[cell]
        assert (row["number"], row["sex"], row["birth_date"], row["error"]) == _one_by_one(cell)


def _cells_normalized(column: Column, cells: list[str]) -> list[tuple[object, object]]:
    """(value, error) of each cell as `normalize_columns` gives them for a whole column."""
    template = dataclasses.replace(MEMBERS, columns=(column,))
    table = pl.DataFrame({column.name: cells}, schema={column.name: pl.String})
    normalized = normalize_columns(table, template, scope_prefix="", today=TODAY)
    return list(
        zip(
            normalized.get_column(column.name).to_list(),
            normalized.get_column(column.name + ERROR_SUFFIX).to_list(),
            strict=True,
        )
    )


def _cell_alone(column: Column, cell: str) -> tuple[object, object]:
    result = _normalize_value(column, cell, scope_prefix="", today=TODAY)
    if result.value is None and result.error is None and column.required:
        return (None, f"请填写{column.header}。")
    return (result.value, result.error)


@st.composite
def date_cells(draw: st.DrawFn) -> str:
    year = draw(st.integers(990, 2999))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    shape = draw(st.sampled_from(["{}-{:02d}-{:02d}", "{}-{}-{}", "{}/{}/{}", "{}{:02d}{:02d}"]))
    return shape.format(year, month, day)


@settings(max_examples=60, deadline=None)
@given(st.lists(date_cells(), min_size=1, max_size=20))
def test_dates_cast_in_polars_agree_with_each_date_alone(cells: list[str]) -> None:
    column = MEMBERS.column("birth_date")
    assert _cells_normalized(column, cells) == [_cell_alone(column, cell) for cell in cells]


@st.composite
def amount_cells(draw: st.DrawFn) -> str:
    whole = draw(st.integers(0, 10**12))
    shape = draw(st.sampled_from(["{}", "{}.{}", "{}.{}0", "¥{}", "{},000", "-{}", "{}元"]))
    return shape.format(whole, draw(st.integers(0, 999)))


@override_settings(IMPORT_MAX_AMOUNT=10_000_000)
@settings(max_examples=60, deadline=None)
@given(st.lists(amount_cells(), min_size=1, max_size=20))
def test_amounts_cast_in_polars_agree_with_each_amount_alone(cells: list[str]) -> None:
    column = next(column for column in INCOME.columns if column.kind == "money")
    assert _cells_normalized(column, cells) == [_cell_alone(column, cell) for cell in cells]
