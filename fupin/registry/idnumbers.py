"""Validate and normalize citizen ID numbers (公民身份号码, GB 11643-1999).

An 18-character number is a 6-digit address code (the county-level GB/T 2260 code at the time
of issue), the birth date `YYYYMMDD`, a 3-digit sequence (odd for men, even for women) and an
ISO 7064 MOD 11-2 check character (`0`-`9` or `X` for 10). Old 15-digit numbers omit the
century (always 19) and the check character; we upgrade them to 18 characters.

Address codes are checked against every county-level code GB/T 2260 has ever listed (from the
history python-stdnum ships as `stdnum/cn/loc.dat`) plus our shipped 2023 NBS county table,
because a number keeps the code of the county that issued it even after that county is gone.
"""

import csv
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.text import clean_text

AREAS_CSV = Path(__file__).parent / "data" / "regions" / "areas.csv"

CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1800
# Old 15-digit numbers used these sequences for people born in the 1800s, so the assumed
# 19xx century may be wrong.
REVIEW_SEQUENCES_15 = frozenset({"996", "997", "998", "999"})
# NBS gives development zones and similar statistics-only units county codes whose last two
# digits are 71-80; GB/T 2260 never lists them, so no ID number can carry one.
STATISTICS_ONLY_SUFFIXES = frozenset(str(suffix) for suffix in range(71, 81))

# `[0-9]`, not `\d`: `\d` also matches non-ASCII digits such as Arabic-Indic ones.
NUMBER_18_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
NUMBER_15_PATTERN = re.compile(r"[0-9]{15}")
FIRST_17_PATTERN = re.compile(r"[0-9]{17}")
CODE_PATTERN = re.compile(r"[0-9]{6}")


class InvalidIdNumber(ValueError):  # noqa: N818 - the name the callers were promised
    """Raised for a string that is not a valid citizen ID number under our policy."""

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: datetime.date
    sex: Literal["male", "female"]
    address_code: str
    needs_review: bool
    upgraded_from_15: bool


def check_character(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if not FIRST_17_PATTERN.fullmatch(first17):
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def is_known_county_code(code: str) -> bool:
    """Return whether `code` is a current or historical county-level address code."""
    return code in known_county_codes()


@lru_cache(maxsize=1)
def known_county_codes() -> frozenset[str]:
    """Return every county-level code from the GB/T 2260 history and the 2023 NBS table."""
    return _loc_dat_county_codes() | _nbs_county_codes()


@lru_cache(maxsize=1)
def _loc_dat_codes() -> frozenset[str]:
    """Return every full code in stdnum's `cn/loc.dat`, provinces and prefectures included."""
    # The file is stdnum's numdb format: each line is a code fragment then `key="value"`
    # attributes; an indented line's fragment extends the fragment of the line it is nested
    # under (`44 province=...` then `  0524 county="[1983-1993]潮阳县"` gives 440524).
    text = (files("stdnum.cn") / "loc.dat").read_text(encoding="utf-8")
    codes: set[str] = set()
    parents: list[tuple[int, str]] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        fragment = line.split()[0]
        if not fragment.isascii() or not fragment.isdigit():
            # Fail loudly: silently skipping a changed format would reject real people.
            raise ValueError(f"loc.dat line {line_number}: unexpected code {fragment!r}")
        while parents and parents[-1][0] >= indent:
            parents.pop()
        code = (parents[-1][1] if parents else "") + fragment
        parents.append((indent, code))
        codes.add(code)
    return frozenset(codes)


def _loc_dat_county_codes() -> frozenset[str]:
    """Return the county-level codes of loc.dat, dropping province and prefecture entries."""
    # A loc.dat code ending in 00 is a province or prefecture heading (110100 市辖区, 440500
    # 汕头市); the few prefectures without counties (东莞 441900) come from the NBS table.
    return frozenset(
        code for code in _loc_dat_codes() if len(code) == 6 and not code.endswith("00")
    )


@lru_cache(maxsize=1)
def _province_prefixes() -> frozenset[str]:
    """Return the 2-digit province codes GB/T 2260 has listed."""
    return frozenset(code for code in _loc_dat_codes() if len(code) == 2)


def _nbs_county_codes() -> frozenset[str]:
    """Return the county codes of the shipped 2023 NBS table, minus statistics-only units."""
    with AREAS_CSV.open(encoding="utf-8", newline="") as areas:
        codes = {row["code"].strip() for row in csv.DictReader(areas)}
    return frozenset(
        code
        for code in codes
        if CODE_PATTERN.fullmatch(code)
        and not code.endswith("0000")
        and code[4:] not in STATISTICS_ONLY_SUFFIXES
    )


def normalize_id_number(raw: str, *, today: datetime.date | None = None) -> str:
    """Return the canonical 18-character number or raise InvalidIdNumber."""
    return parse_id_number(raw, today=today).number


def parse_id_number(number: str, *, today: datetime.date | None = None) -> IdNumberInfo:
    """Validate (normalizing first) and return the derived facts; raises InvalidIdNumber."""
    today = today if today is not None else timezone.localdate()
    # NFKC before strip so full-width spaces and digits (１２３, Ｘ) become ASCII first.
    text = clean_text(number).upper()
    if not text:
        raise InvalidIdNumber("empty", _("请填写身份证号码。"))
    if len(text) == 18:
        return _parse_18(text, today=today)
    if len(text) == 15:
        return _parse_15(text, today=today)
    raise InvalidIdNumber(
        "length",
        _("身份证号码应为 18 位（或旧版 15 位），现在是 %(length)d 位。") % {"length": len(text)},
    )


def _parse_18(text: str, *, today: datetime.date) -> IdNumberInfo:
    """Validate an 18-character number already normalized to ASCII upper case."""
    if not NUMBER_18_PATTERN.fullmatch(text):
        raise InvalidIdNumber(
            "characters", _("身份证号码前 17 位只能是数字，最后一位只能是数字或 X。")
        )
    if check_character(text[:17]) != text[17]:
        raise InvalidIdNumber("checksum", _checksum_wrong())
    birth_date = _birth_date(text[6:14], today=today)
    _check_address_code(text[:6])
    return IdNumberInfo(
        number=text,
        birth_date=birth_date,
        sex=_sex(text[16]),
        address_code=text[:6],
        needs_review=False,
        upgraded_from_15=False,
    )


def _parse_15(text: str, *, today: datetime.date) -> IdNumberInfo:
    """Validate an old 15-digit number and upgrade it to 18 characters."""
    if not NUMBER_15_PATTERN.fullmatch(text):
        raise InvalidIdNumber("characters", _("旧版 15 位身份证号码只能由数字组成。"))
    body = text[:6] + "19" + text[6:]
    birth_date = _birth_date(body[6:14], today=today)
    _check_address_code(text[:6])
    return IdNumberInfo(
        number=body + check_character(body),
        birth_date=birth_date,
        sex=_sex(text[14]),
        address_code=text[:6],
        needs_review=text[12:15] in REVIEW_SEQUENCES_15,
        upgraded_from_15=True,
    )


def _birth_date(digits: str, *, today: datetime.date) -> datetime.date:
    """Return the birth date encoded as `YYYYMMDD`, or raise InvalidIdNumber."""
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        birth_date = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidIdNumber("birth_date", _invalid_birth_date(shown)) from None
    if birth_date > today:
        raise InvalidIdNumber("future_birth_date", _future_birth_date(shown))
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise InvalidIdNumber("too_old", _too_old(shown))
    return birth_date


def _check_address_code(code: str) -> None:
    """Raise InvalidIdNumber unless `code` is a known county-level address code."""
    if code.endswith("0000") and code[:2] in _province_prefixes():
        raise InvalidIdNumber("province_only", _province_only(code))
    if not is_known_county_code(code):
        raise InvalidIdNumber("address_code", _unknown_address_code(code))


# The messages, each written once for `parse_id_number` and for `id_number_columns`.
def _checksum_wrong() -> str:
    return _("身份证号码校验位不正确，请核对最后一位。")


def _invalid_birth_date(shown: str) -> str:
    return _("身份证号码中的出生日期 %(date)s 不是有效日期。") % {"date": shown}


def _future_birth_date(shown: str) -> str:
    return _("身份证号码中的出生日期 %(date)s 晚于今天。") % {"date": shown}


def _too_old(shown: str) -> str:
    return _("身份证号码中的出生日期 %(date)s 早于 %(year)d 年，请核对。") % {
        "date": shown,
        "year": EARLIEST_BIRTH_YEAR,
    }


def _province_only(code: str) -> str:
    return _("身份证号码前六位 %(code)s 只到省级，不是县级行政区划代码。") % {"code": code}


def _unknown_address_code(code: str) -> str:
    return _("身份证号码前六位 %(code)s 不是已知的县级行政区划代码。") % {"code": code}


def _sex(sequence_digit: str) -> Literal["male", "female"]:
    """Return the sex the last sequence digit encodes: odd for men, even for women."""
    return "male" if int(sequence_digit) % 2 else "female"


def id_number_facts(raw: pl.Series, *, today: datetime.date | None = None) -> pl.DataFrame:
    """Validate many numbers at once: one row per distinct non-null input with `raw`,
    `number`, `sex` ("male"/"female"), `birth_date`, `needs_review` and `error` (the
    message, or null), as `id_number_columns` gives them."""
    values = raw.drop_nulls().unique()
    return id_number_columns(values, today=today).insert_column(0, values.alias("raw"))


_FACTS_SCHEMA = {
    "number": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "needs_review": pl.Boolean,
    "error": pl.String,
}
# Numbers of these shapes are checked column-wise; they are what `clean_text` and upper
# case leave unchanged (but for the x), so the result is `parse_id_number`'s by design.
_SHAPED_18 = r"^[0-9]{17}[0-9Xx]$"
_SHAPED_15 = r"^[0-9]{15}$"
# Stands for the variable part of a message while its translation is split around it.
_HOLE = "\x00"
# What is wrong with a well-shaped number, in the order `parse_id_number` checks it.
_CHECKSUM, _BAD_DATE, _FUTURE, _TOO_OLD, _PROVINCE_ONLY, _UNKNOWN_CODE = range(1, 7)


def _message(message_of: Callable[[str], str], value: pl.Expr) -> pl.Expr:
    """The message `message_of` makes, with `value` (an expression) as its variable part."""
    before, after = message_of(_HOLE).split(_HOLE)
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


def id_number_columns(raw: pl.Series, *, today: datetime.date | None = None) -> pl.DataFrame:
    """Validate a column of numbers: one row per value of `raw`, in its order, with
    `number` (18 characters, upgraded from 15), `sex` ("male"/"female"), `birth_date`,
    `needs_review` and `error` (the message, or null); all null for a null value.

    Every value of 18 ASCII digits (the last may be X or x) or 15 digits is checked with
    Polars expressions over the whole column, with the messages of `parse_id_number`;
    any other value (spaces, full-width digits, a wrong length) goes to `parse_id_number`
    once per distinct value.
    """
    today = today if today is not None else timezone.localdate()
    source = pl.col("raw")
    frame = pl.DataFrame({"raw": raw}, schema={"raw": pl.String}).with_columns(
        source.str.contains(_SHAPED_18).fill_null(False).alias("_18"),
        source.str.contains(_SHAPED_15).fill_null(False).alias("_15"),
    )
    has_15 = bool(frame.get_column("_15").any())
    body = source.str.slice(0, 17)
    if has_15:
        # The old numbers omit the century, always 19.
        body = (
            pl.when("_15")
            .then(pl.concat_str([source.str.slice(0, 6), pl.lit("19"), source.str.slice(6)]))
            .otherwise(body)
        )
    frame = frame.with_columns(body.alias("_body")).with_columns(
        pl.col("_body").str.to_integer(strict=False).alias("_digits"),
        # The ISO 7064 MOD 11-2 weights are 2**17 ... 2**1 modulo 11, and 13 is 2 modulo
        # 11: read in base 13, the 17 digits give a number whose double is the weighted
        # sum modulo 11, with no digit taken out one by one (13**17 fits in 64 bits).
        (pl.col("_body").str.to_integer(base=13, strict=False) % 11 * 2 % 11).alias("_sum"),
    )
    digits = pl.col("_digits")
    frame = frame.with_columns(
        (digits // 10**7 % 10**4).cast(pl.Int32).alias("_year"),
        (digits // 10**5 % 100).cast(pl.Int32).alias("_month"),
        (digits // 10**3 % 100).cast(pl.Int32).alias("_day"),
        (digits // 10**11).cast(pl.Int32).alias("_code"),
        # The check character as its value: 0-9, or 10 for X.
        source.str.slice(17, 1).str.to_integer(strict=False).fill_null(10).alias("_given"),
    )
    year, month, day = pl.col("_year"), pl.col("_month"), pl.col("_day")
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    frame = frame.with_columns(
        ((year >= 1) & month.is_between(1, 12) & day.is_between(1, month_days)).alias("_real")
    ).with_columns(_civil_date(year, month, day).alias("_birth_date"))
    code = pl.col("_code")
    expected = (12 - pl.col("_sum")) % 11
    provinces = [int(prefix) for prefix in _province_prefixes()]
    problem = (
        pl.when(pl.col("_18") & (pl.col("_given") != expected))
        .then(_CHECKSUM)
        .when(~pl.col("_real"))
        .then(_BAD_DATE)
        .when(pl.col("_birth_date") > pl.lit(today))
        .then(_FUTURE)
        .when(year < EARLIEST_BIRTH_YEAR)
        .then(_TOO_OLD)
        .when((code % 10_000 == 0) & (code // 10_000).is_in(provinces))
        .then(_PROVINCE_ONLY)
        .when(~code.is_in(_known_county_numbers()))
        .then(_UNKNOWN_CODE)
        .otherwise(0)
    )
    frame = frame.with_columns(
        pl.when(pl.col("_18") | pl.col("_15")).then(problem).alias("_problem")
    )
    number = source
    if has_15:
        check = expected.replace_strict(
            dict(enumerate("0123456789X")), default=None, return_dtype=pl.String
        )
        number = pl.when("_15").then(pl.col("_body") + check).otherwise(number)
    if frame.get_column("raw").str.ends_with("x").any():
        number = number.str.to_uppercase()
    valid = pl.col("_problem") == 0
    checked = frame.select(
        "raw",
        "_problem",
        pl.when(valid).then(number).alias("number"),
        pl.when(valid)
        .then(pl.when(digits % 2 == 1).then(pl.lit("male")).otherwise(pl.lit("female")))
        .alias("sex"),
        pl.when(valid).then("_birth_date").alias("birth_date"),
        pl.when(valid)
        .then(
            pl.col("_15") & source.str.slice(12, 3).is_in(sorted(REVIEW_SEQUENCES_15))
            if has_15
            else pl.lit(value=False)
        )
        .alias("needs_review"),
        pl.lit(None, dtype=pl.String).alias("error"),
        "_body",
    )
    if checked.get_column("_problem").gt(0).any():
        checked = _with_messages(checked)
    others = checked.filter(pl.col("_problem").is_null() & pl.col("raw").is_not_null())
    if others.is_empty():
        return checked.select(*_FACTS_SCHEMA)
    one_by_one = _parsed_one_by_one(others.get_column("raw").unique(), today=today)
    return checked.join(
        one_by_one, on="raw", how="left", maintain_order="left", suffix="_one"
    ).select(
        pl.when(pl.col("_problem").is_not_null()).then(name).otherwise(f"{name}_one").alias(name)
        for name in _FACTS_SCHEMA
    )


def _with_messages(checked: pl.DataFrame) -> pl.DataFrame:
    """`checked` with the message of each well-shaped number's problem, written only for
    the rows that have one."""
    body = pl.col("_body")
    shown = pl.concat_str(
        [body.str.slice(6, 4), body.str.slice(10, 2), body.str.slice(12, 2)], separator="-"
    )
    code = body.str.slice(0, 6)
    problem = pl.col("_problem")
    message = (
        pl.when(problem == _CHECKSUM)
        .then(pl.lit(_checksum_wrong()))
        .when(problem == _BAD_DATE)
        .then(_message(_invalid_birth_date, shown))
        .when(problem == _FUTURE)
        .then(_message(_future_birth_date, shown))
        .when(problem == _TOO_OLD)
        .then(_message(_too_old, shown))
        .when(problem == _PROVINCE_ONLY)
        .then(_message(_province_only, code))
        .when(problem == _UNKNOWN_CODE)
        .then(_message(_unknown_address_code, code))
    )
    wrong = checked.with_row_index("_index").filter(problem > 0)
    messages = wrong.select(message).to_series()
    errors = checked.get_column("error").scatter(wrong.get_column("_index"), messages)
    return checked.with_columns(errors.alias("error"))


def _civil_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The date of a real (year, month, day), by arithmetic on the columns (the days
    since 1970-01-01 of the proleptic Gregorian calendar, as in H. Hinnant's
    `days_from_civil`): `pl.date` raises on an impossible date even in a row that a
    `when` leaves out."""
    shifted = year - (month <= 2).cast(pl.Int32)
    era = shifted // 400
    year_of_era = shifted - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return (era * 146_097 + day_of_era - 719_468).cast(pl.Date)


@lru_cache(maxsize=1)
def _known_county_numbers() -> list[int]:
    return sorted(int(code) for code in known_county_codes())


def _parsed_one_by_one(values: pl.Series, *, today: datetime.date) -> pl.DataFrame:
    rows: list[dict[str, object]] = []
    for value in values.to_list():
        try:
            info = parse_id_number(value, today=today)
        except InvalidIdNumber as error:
            rows.append({"raw": value, "error": error.message})
            continue
        rows.append(
            {
                "raw": value,
                "number": info.number,
                "sex": info.sex,
                "birth_date": info.birth_date,
                "needs_review": info.needs_review,
            }
        )
    return pl.DataFrame(rows, schema={"raw": pl.String, **_FACTS_SCHEMA})
