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
        raise InvalidIdNumber("checksum", _("身份证号码校验位不正确，请核对最后一位。"))
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
        raise InvalidIdNumber(
            "birth_date", _("身份证号码中的出生日期 %(date)s 不是有效日期。") % {"date": shown}
        ) from None
    if birth_date > today:
        raise InvalidIdNumber(
            "future_birth_date",
            _("身份证号码中的出生日期 %(date)s 晚于今天。") % {"date": shown},
        )
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise InvalidIdNumber(
            "too_old",
            _("身份证号码中的出生日期 %(date)s 早于 %(year)d 年，请核对。")
            % {"date": shown, "year": EARLIEST_BIRTH_YEAR},
        )
    return birth_date


def _check_address_code(code: str) -> None:
    """Raise InvalidIdNumber unless `code` is a known county-level address code."""
    if code.endswith("0000") and code[:2] in _province_prefixes():
        raise InvalidIdNumber(
            "province_only",
            _("身份证号码前六位 %(code)s 只到省级，不是县级行政区划代码。") % {"code": code},
        )
    if not is_known_county_code(code):
        raise InvalidIdNumber(
            "address_code",
            _("身份证号码前六位 %(code)s 不是已知的县级行政区划代码。") % {"code": code},
        )


def _sex(sequence_digit: str) -> Literal["male", "female"]:
    """Return the sex the last sequence digit encodes: odd for men, even for women."""
    return "male" if int(sequence_digit) % 2 else "female"


def id_number_facts(raw: pl.Series, *, today: datetime.date | None = None) -> pl.DataFrame:
    """Validate many numbers at once: one row per distinct non-null input with `raw`,
    `number`, `sex` ("male"/"female"), `birth_date`, `needs_review` and `error` (the
    message, or null).

    Numbers that are plainly well-formed 18-character numbers are checked with Polars
    expressions (characters, check digit, birth date, known county code), the rest one by
    one with `parse_id_number`, so every message is the same as for a single number.
    """
    today = today if today is not None else timezone.localdate()
    values = pl.DataFrame({"raw": raw.drop_nulls().unique()}, schema={"raw": pl.String})
    text = pl.col("raw").str.strip_chars().str.to_uppercase()
    digits = [text.str.slice(index, 1).cast(pl.Int64, strict=False) for index in range(17)]
    total = pl.sum_horizontal(
        digit * weight for digit, weight in zip(digits, CHECK_WEIGHTS, strict=True)
    )
    expected = (total % 11).replace_strict(
        dict(enumerate(CHECK_CHARACTERS)), default=None, return_dtype=pl.String
    )
    birth = text.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    fast = (
        text.str.contains(r"^[0-9]{17}[0-9X]$")
        & (expected == text.str.slice(17, 1))
        & birth.is_not_null()
        & (birth <= pl.lit(today))
        & (birth.dt.year() >= EARLIEST_BIRTH_YEAR)
        & text.str.slice(0, 6).is_in(sorted(known_county_codes()))
    ).fill_null(False)
    checked = values.with_columns(fast.alias("fast"))
    quick = checked.filter("fast").select(
        "raw",
        text.alias("number"),
        pl.when(text.str.slice(16, 1).cast(pl.Int64) % 2 == 1)
        .then(pl.lit("male"))
        .otherwise(pl.lit("female"))
        .alias("sex"),
        birth.alias("birth_date"),
        pl.lit(False).alias("needs_review"),
        pl.lit(None, dtype=pl.String).alias("error"),
    )
    slow_rows: list[dict[str, object]] = []
    for value in checked.filter(~pl.col("fast")).get_column("raw").to_list():
        try:
            info = parse_id_number(value, today=today)
        except InvalidIdNumber as error:
            slow_rows.append({"raw": value, "error": error.message})
            continue
        slow_rows.append(
            {
                "raw": value,
                "number": info.number,
                "sex": info.sex,
                "birth_date": info.birth_date,
                "needs_review": info.needs_review,
            }
        )
    slow = pl.DataFrame(slow_rows, schema=quick.schema)
    return pl.concat([quick, slow])
