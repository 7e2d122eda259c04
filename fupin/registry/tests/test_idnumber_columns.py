"""`id_number_columns` checks a whole column with Polars expressions; for any value it must
say what `parse_id_number` says of that value alone (a property test over generated
numbers: valid ones, lower-case x, old 15-digit numbers, wrong check characters,
impossible, future and too early dates, unknown and province-only address codes, and
values of other shapes that go one by one)."""

import datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.registry.idnumbers import (
    CHECK_CHARACTERS,
    InvalidIdNumber,
    check_character,
    id_number_columns,
    id_number_facts,
    known_county_codes,
    parse_id_number,
)

TODAY = datetime.date(2025, 6, 30)
COUNTIES = sorted(known_county_codes())
# Codes no number may carry: a province (110000), a prefecture heading, unknown ones, and
# a statistics-only unit (220171).
OTHER_CODES = ["110000", "220000", "220100", "999999", "000000", "220171", "123456"]


def _one_by_one(value: str | None) -> tuple[object, ...]:
    if value is None:
        return (None, None, None, None, None)
    try:
        info = parse_id_number(value, today=TODAY)
    except InvalidIdNumber as error:
        return (None, None, None, None, error.message)
    return (info.number, info.sex, info.birth_date, info.needs_review, None)


@st.composite
def _first17(draw: st.DrawFn, *, century: bool = True) -> str:
    code = draw(st.one_of(st.sampled_from(COUNTIES), st.sampled_from(OTHER_CODES)))
    # Real and impossible dates alike: month 0-13, day 0-32, 29 February of any year.
    year = draw(st.integers(1790, 2030) if century else st.integers(0, 99))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    sequence = draw(st.integers(0, 999))
    year_text = f"{year:04d}" if century else f"{year:02d}"
    return f"{code}{year_text}{month:02d}{day:02d}{sequence:03d}"


@st.composite
def _number_18(draw: st.DrawFn) -> str:
    first17 = draw(_first17())
    right = check_character(first17)
    last = draw(st.one_of(st.just(right), st.sampled_from(CHECK_CHARACTERS + "x")))
    return first17 + (last.lower() if draw(st.booleans()) else last)


@st.composite
def _number_15(draw: st.DrawFn) -> str:
    first = draw(_first17(century=False))
    return first[:15]


_OTHER_SHAPES = st.one_of(
    st.text(alphabet="0123456789Xx １２Ｘ\u200b-", min_size=0, max_size=20),
    _number_18().map(lambda number: f" {number}"),
    _number_18().map(lambda number: number[:17]),
    _number_18().map(lambda number: f"{number}0"),
    st.none(),
)
VALUES = st.lists(st.one_of(_number_18(), _number_15(), _OTHER_SHAPES), max_size=60)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_the_column_check_says_what_parsing_each_number_says(values: list[str | None]) -> None:
    checked = id_number_columns(pl.Series(values, dtype=pl.String), today=TODAY)

    assert checked.columns == ["number", "sex", "birth_date", "needs_review", "error"]
    assert list(checked.iter_rows()) == [_one_by_one(value) for value in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(_number_18(), _number_15()), min_size=1, max_size=40))
def test_the_distinct_facts_are_the_column_check_of_each_distinct_value(
    values: list[str],
) -> None:
    facts = id_number_facts(pl.Series(values), today=TODAY)

    assert sorted(facts.get_column("raw").to_list()) == sorted(set(values))
    for row in facts.iter_rows(named=True):
        expected = _one_by_one(row["raw"])
        assert (row["number"], row["sex"], row["birth_date"], row["needs_review"]) == expected[:4]
        assert row["error"] == expected[4]


def test_the_check_character_of_every_weighting_is_found() -> None:
    """Each of the eleven check characters, from numbers whose weighted sums cover every
    remainder, in upper and lower case."""
    numbers = [f"{220102198001010000 + index:018d}"[:17] for index in range(200)]
    values = [first17 + check_character(first17) for first17 in numbers]
    assert {value[-1] for value in values} == set(CHECK_CHARACTERS)
    values += [value.lower() for value in values if value.endswith("X")]

    checked = id_number_columns(pl.Series(values), today=TODAY)

    assert checked.get_column("error").null_count() == len(values)
    assert checked.get_column("number").to_list() == [value.upper() for value in values]


def test_a_number_of_nines_does_not_overflow_the_column_check() -> None:
    """The largest digits make the largest intermediate sums."""
    first17 = "99999919991231999"
    values = [first17 + check_character(first17), "999999991231999"]

    checked = id_number_columns(pl.Series(values), today=TODAY)

    assert list(checked.iter_rows()) == [_one_by_one(value) for value in values]
