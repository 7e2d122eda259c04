"""Helpers for 统计用区划代码 (NBS statistical region codes).

Codes are strings of their natural length: province 2, city 4, county 6, town 9, village 12
digits (`PP CC AA TTT VVV`). The natural length, not a 12-digit zero-padded form, is what we
store, because padding is ambiguous: 东莞 4419 (city) and its synthesised county 441900 would
both pad to 441900000000.
"""

from enum import IntEnum

from fupin.core.scope import CODE_LENGTHS


class RegionLevel(IntEnum):
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWN = 4
    VILLAGE = 5


class InvalidRegionCodeError(ValueError):
    """Raised for a string that is not a region code of any level."""


def level_of(code: str) -> RegionLevel:
    """Return the level of a code from its length; raise InvalidRegionCodeError otherwise."""
    if not code.isascii() or not code.isdigit() or len(code) not in CODE_LENGTHS:
        raise InvalidRegionCodeError(code)
    return RegionLevel(CODE_LENGTHS.index(len(code)) + 1)


def prefix_for_level(code: str, level: RegionLevel) -> str:
    """Return the code of the ancestor (or the code itself) at `level`."""
    own = level_of(code)
    if level > own:
        raise InvalidRegionCodeError(f"{code} has no prefix at level {level.name}")
    return code[: CODE_LENGTHS[level - 1]]


def parent_of(code: str) -> str | None:
    """Return the parent's code, or None for a province."""
    own = level_of(code)
    if own == RegionLevel.PROVINCE:
        return None
    return code[: CODE_LENGTHS[own - 2]]


def ancestors_of(code: str) -> list[str]:
    """Return the codes from the province down to the parent, in that order."""
    own = level_of(code)
    return [code[: CODE_LENGTHS[level]] for level in range(own - 1)]


def to_full_code(code: str) -> str:
    """Return the 12-digit display form used on national forms (zero-padded)."""
    level_of(code)
    return code.ljust(12, "0")
