import datetime

import polars as pl
import pytest

from fupin.registry.idnumbers import (
    IdNumberInfo,
    InvalidIdNumber,
    check_character,
    id_number_facts,
    is_known_county_code,
    normalize_id_number,
    parse_id_number,
)

TODAY = datetime.date(2025, 6, 30)


def _valid(first17: str) -> str:
    return first17 + check_character(first17)


def _error(raw: str, *, today: datetime.date = TODAY) -> InvalidIdNumber:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(raw, today=today)
    return caught.value


def test_accepts_the_official_1949_example_as_a_woman() -> None:
    assert parse_id_number("11010519491231002X", today=TODAY) == IdNumberInfo(
        number="11010519491231002X",
        birth_date=datetime.date(1949, 12, 31),
        sex="female",
        address_code="110105",
        needs_review=False,
        upgraded_from_15=False,
    )


def test_accepts_the_historical_1880_example() -> None:
    assert parse_id_number("440524188001010014", today=TODAY) == IdNumberInfo(
        number="440524188001010014",
        birth_date=datetime.date(1880, 1, 1),
        sex="male",
        address_code="440524",
        needs_review=False,
        upgraded_from_15=False,
    )


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("36042619910101007", "1"),
        ("13050319670401001", "6"),
    ],
)
def test_check_character_follows_iso_7064_mod_11_2(first17: str, expected: str) -> None:
    assert check_character(first17) == expected


def test_check_character_refuses_anything_but_17_digits() -> None:
    with pytest.raises(ValueError, match="expected 17 ASCII digits"):
        check_character("1101051949123100X")


@pytest.mark.parametrize(
    ("old", "upgraded"),
    [
        ("110105491231002", "11010519491231002X"),
        ("360426910101007", "360426199101010071"),
        ("440524800101001", "440524198001010013"),
        ("130503670401001", "130503196704010016"),
    ],
)
def test_upgrades_15_digit_numbers_to_18(old: str, upgraded: str) -> None:
    assert normalize_id_number(old, today=TODAY) == upgraded


def test_upgraded_number_keeps_the_derived_facts_and_says_it_was_upgraded() -> None:
    assert parse_id_number("360426910101007", today=TODAY) == IdNumberInfo(
        number="360426199101010071",
        birth_date=datetime.date(1991, 1, 1),
        sex="male",
        address_code="360426",
        needs_review=False,
        upgraded_from_15=True,
    )


def test_strips_whitespace_and_accepts_full_width_characters() -> None:
    assert (
        normalize_id_number("\u3000 １１０１０５１９４９１２３１００２Ｘ\t\n", today=TODAY)
        == "11010519491231002X"
    )


def test_stores_lower_case_x_as_upper_case() -> None:
    assert normalize_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"
    assert normalize_id_number("11010519491231002ｘ", today=TODAY) == "11010519491231002X"


def test_rejects_x_anywhere_but_the_last_position() -> None:
    error = _error("1101051949123100X2")

    assert (error.code, str(error)) == (
        "characters",
        "身份证号码前 17 位只能是数字，最后一位只能是数字或 X。",
    )


def test_rejects_letters_in_a_15_digit_number() -> None:
    error = _error("11010549123100X")

    assert (error.code, error.message) == ("characters", "旧版 15 位身份证号码只能由数字组成。")


@pytest.mark.parametrize(
    ("raw", "length"),
    [("1101051949123100", 16), ("11010519491231002X1", 19), ("11010549123100", 14), ("1", 1)],
)
def test_rejects_other_lengths(raw: str, length: int) -> None:
    error = _error(raw)

    assert (error.code, str(error)) == (
        "length",
        f"身份证号码应为 18 位（或旧版 15 位），现在是 {length} 位。",
    )


def test_rejects_an_empty_or_blank_number() -> None:
    error = _error(" \u3000 ")

    assert (error.code, str(error)) == ("empty", "请填写身份证号码。")


def test_rejects_a_wrong_check_character() -> None:
    error = _error("110105194912310021")

    assert (error.code, str(error)) == ("checksum", "身份证号码校验位不正确，请核对最后一位。")


def test_rejects_29_february_1900_because_1900_is_not_a_leap_year() -> None:
    error = _error(_valid("11010519000229002"))

    assert (error.code, str(error)) == (
        "birth_date",
        "身份证号码中的出生日期 1900-02-29 不是有效日期。",
    )


def test_accepts_29_february_2000_because_2000_is_a_leap_year() -> None:
    assert parse_id_number(_valid("11010520000229002"), today=TODAY).birth_date == datetime.date(
        2000, 2, 29
    )


def test_rejects_an_impossible_date_in_a_15_digit_number() -> None:
    error = _error("110105491331002")

    assert (error.code, str(error)) == (
        "birth_date",
        "身份证号码中的出生日期 1949-13-31 不是有效日期。",
    )


def test_rejects_a_birth_date_after_today() -> None:
    error = _error(_valid("11010520250701002"), today=datetime.date(2025, 6, 30))

    assert (error.code, str(error)) == (
        "future_birth_date",
        "身份证号码中的出生日期 2025-07-01 晚于今天。",
    )


def test_accepts_a_birth_date_of_today() -> None:
    info = parse_id_number(_valid("11010520250630002"), today=datetime.date(2025, 6, 30))

    assert info.birth_date == datetime.date(2025, 6, 30)


def test_rejects_a_birth_year_before_1800() -> None:
    error = _error(_valid("11010517991231002"))

    assert (error.code, str(error)) == (
        "too_old",
        "身份证号码中的出生日期 1799-12-31 早于 1800 年，请核对。",
    )


def test_rejects_a_province_only_address_code() -> None:
    error = _error(_valid("11000019491231002"))

    assert (error.code, str(error)) == (
        "province_only",
        "身份证号码前六位 110000 只到省级，不是县级行政区划代码。",
    )


def test_rejects_a_province_only_code_in_a_15_digit_number() -> None:
    assert _error("110000491231002").code == "province_only"


@pytest.mark.parametrize("code", ["123456", "990000", "110100", "220100"])
def test_rejects_unknown_and_prefecture_placeholder_address_codes(code: str) -> None:
    error = _error(_valid(code + "19491231002"))

    assert (error.code, str(error)) == (
        "address_code",
        f"身份证号码前六位 {code} 不是已知的县级行政区划代码。",
    )


def test_rejects_a_statistics_only_county_code() -> None:
    error = _error(_valid("13017119491231002"))

    assert (error.code, str(error)) == (
        "address_code",
        "身份证号码前六位 130171 不是已知的县级行政区划代码。",
    )


@pytest.mark.parametrize("code", ["441900", "442000", "460400"])
def test_accepts_prefecture_cities_that_are_county_level_units(code: str) -> None:
    assert parse_id_number(_valid(code + "19900101001"), today=TODAY).address_code == code


def test_accepts_a_county_that_no_longer_exists() -> None:
    assert normalize_id_number(_valid("41272319700101001"), today=TODAY) == _valid(
        "41272319700101001"
    )


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("440524", True),
        ("412723", True),
        ("542621", True),
        ("110105", True),
        ("220122", True),
        ("441900", True),
        ("110000", False),
        ("110100", False),
        ("130171", False),
        ("11010", False),
    ],
)
def test_knows_current_and_historical_county_codes(code: str, known: bool) -> None:
    assert is_known_county_code(code) is known


@pytest.mark.parametrize("sequence", ["996", "997", "998", "999"])
def test_flags_15_digit_numbers_with_sequence_996_to_999_for_review(sequence: str) -> None:
    info = parse_id_number("110105491231" + sequence, today=TODAY)

    assert (info.number, info.needs_review, info.upgraded_from_15) == (
        _valid("11010519491231" + sequence),
        True,
        True,
    )


def test_does_not_flag_18_digit_numbers_with_sequence_996() -> None:
    assert parse_id_number(_valid("11010519491231996"), today=TODAY).needs_review is False


@pytest.mark.parametrize(
    ("first17", "sex"),
    [("11010519491231001", "male"), ("11010519491231002", "female")],
)
def test_derives_sex_from_the_parity_of_the_sequence(first17: str, sex: str) -> None:
    assert parse_id_number(_valid(first17), today=TODAY).sex == sex


def test_derives_sex_from_the_last_digit_of_a_15_digit_number() -> None:
    assert parse_id_number("440524800101001", today=TODAY).sex == "male"
    assert parse_id_number("440524800101002", today=TODAY).sex == "female"


def test_derives_birth_date_from_digits_7_to_14() -> None:
    info = parse_id_number(_valid("22012219830715003"), today=TODAY)

    assert (info.birth_date, info.address_code) == (datetime.date(1983, 7, 15), "220122")


def test_defaults_today_to_the_local_date() -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        normalize_id_number(_valid("11010599991231002"))

    assert caught.value.code == "future_birth_date"


BULK_SAMPLES = [
    "110105198001010019",  # valid
    "11010519800101001x",  # lower-case x, maybe invalid check digit
    " 110105198001010019 ",  # stray spaces
    "１１０１０５１９８００１０１００１９",  # full width
    "110105198001010018",  # wrong check digit
    "110105198002300013",  # 2月30日
    "110105209901010015",  # born in the future
    "999999198001010011",  # unknown county
    "110000198001010012",  # province only
    "110105800101001",  # 15 digits
    "1.10105E+17",  # Excel
    "",
    "abc",
]


def test_bulk_facts_agree_with_one_by_one_parsing() -> None:
    today = datetime.date(2025, 6, 1)
    samples = [*BULK_SAMPLES, *(_generated(index) for index in range(50))]
    facts = id_number_facts(pl.Series(samples), today=today)
    by_raw = {row["raw"]: row for row in facts.iter_rows(named=True)}
    assert set(by_raw) == set(samples)
    for sample in samples:
        row = by_raw[sample]
        assert (row["number"], row["sex"], row["birth_date"], row["error"]) == _one_by_one(
            sample, today
        )


def _one_by_one(sample: str, today: datetime.date) -> tuple[object, ...]:
    try:
        info = parse_id_number(sample, today=today)
    except InvalidIdNumber as error:
        return (None, None, None, error.message)
    return (info.number, info.sex, info.birth_date, None)


def _generated(index: int) -> str:
    return _valid(f"2201221970{(index % 12) + 1:02d}{(index % 28) + 1:02d}{index:03d}")
