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


@pytest.mark.django_db
def test_in_chunks_yields_each_distinct_value_once() -> None:
    values = [str(number) for number in range(25_000)] * 2
    chunks = list(in_chunks(values))
    assert sorted(value for chunk in chunks for value in chunk) == sorted(set(values))
