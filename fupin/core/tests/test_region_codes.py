import pytest

from fupin.core.region_codes import (
    InvalidRegionCodeError,
    RegionLevel,
    ancestors_of,
    level_of,
    parent_of,
    prefix_for_level,
    to_full_code,
)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("22", RegionLevel.PROVINCE),
        ("2201", RegionLevel.CITY),
        ("220122", RegionLevel.COUNTY),
        ("220122101", RegionLevel.TOWN),
        ("220122101201", RegionLevel.VILLAGE),
    ],
)
def test_level_of_reads_the_level_from_the_length(code: str, level: RegionLevel) -> None:
    assert level_of(code) == level


@pytest.mark.parametrize("code", ["", "2", "220", "22012210120", "2201221012011", "22a1", "２２"])
def test_level_of_rejects_codes_of_no_level(code: str) -> None:
    with pytest.raises(InvalidRegionCodeError):
        level_of(code)


def test_parent_and_ancestors_follow_the_prefix_structure() -> None:
    assert parent_of("220122101201") == "220122101"
    assert parent_of("220122") == "2201"
    assert parent_of("22") is None
    assert ancestors_of("220122101201") == ["22", "2201", "220122", "220122101"]
    assert ancestors_of("22") == []


def test_prefix_for_level_cuts_to_the_ancestor_at_that_level() -> None:
    assert prefix_for_level("220122101201", RegionLevel.COUNTY) == "220122"
    assert prefix_for_level("220122", RegionLevel.COUNTY) == "220122"
    with pytest.raises(InvalidRegionCodeError):
        prefix_for_level("2201", RegionLevel.TOWN)


def test_full_code_pads_to_twelve_digits_for_national_forms() -> None:
    assert to_full_code("220122") == "220122000000"
    assert to_full_code("220122101201") == "220122101201"
