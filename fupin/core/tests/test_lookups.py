"""The `__any` lookup matches like `__in`, on SQLite and PostgreSQL alike."""

import pytest

from fupin.core.lookups import in_chunks
from fupin.registry.models import Region
from tests.support import COUNTY, OTHER_COUNTY, VILLAGE


@pytest.mark.usefixtures("regions")
def test_any_matches_the_listed_values_only() -> None:
    found = set(
        Region.objects.filter(code__any=[COUNTY, VILLAGE, "999"]).values_list("code", flat=True)
    )
    assert found == {COUNTY, VILLAGE}
    assert not Region.objects.filter(code__any=[]).exists()
    assert Region.objects.exclude(code__any=[COUNTY]).filter(code=OTHER_COUNTY).exists()


@pytest.mark.usefixtures("regions")
def test_any_matches_integers_and_values_holding_the_separator() -> None:
    county = Region.objects.get(code=COUNTY)
    same_level = Region.objects.filter(level__any=[county.level, 99]).values_list("code", flat=True)
    assert COUNTY in set(same_level)
    assert not Region.objects.filter(level__any=[99]).exists()
    # The PostgreSQL path joins text values with the unit separator; one holding it falls
    # back to the array parameter and still matches exactly.
    odd = Region.objects.filter(code__any=[COUNTY, "1\x1f2", None]).values_list("code", flat=True)
    assert list(odd) == [COUNTY]


@pytest.mark.django_db
def test_in_chunks_yields_each_distinct_value_once() -> None:
    values = [str(number) for number in range(25_000)] * 2
    chunks = list(in_chunks(values))
    assert sorted(value for chunk in chunks for value in chunk) == sorted(set(values))
