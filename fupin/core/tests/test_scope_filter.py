"""RegionScope.filter: the same rows at every level, an index-friendly equality for a
village, whose code has no descendants, and a range of codes above it (a LIKE prefix made
PostgreSQL misjudge how many households a town has and scan every household)."""

import pytest

from fupin.core.scope import RegionScope
from fupin.registry.models import Region
from tests.support import COUNTY, TOWN, VILLAGE


def _scope(prefix: str) -> RegionScope:
    return RegionScope(
        role="village_officer", role_label="", prefix=prefix, root_prefix=prefix, region_name=""
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("regions")
@pytest.mark.parametrize("prefix", ["", "22", COUNTY, TOWN, VILLAGE])
def test_filter_keeps_the_region_and_everything_below_it(prefix: str) -> None:
    codes = set(
        _scope(prefix)
        .filter(Region.objects.all(), region_field="code")
        .values_list("code", flat=True)
    )
    everything = set(Region.objects.values_list("code", flat=True))
    assert codes == {code for code in everything if code.startswith(prefix)}
    assert codes


def test_a_village_scope_is_an_equality_and_a_town_scope_a_range() -> None:
    village = str(_scope(VILLAGE).filter(Region.objects.all(), region_field="code").query)
    town = str(_scope(TOWN).filter(Region.objects.all(), region_field="code").query)
    assert f'"registry_region"."code" = {VILLAGE}' in village
    assert "LIKE" not in village
    assert f'"registry_region"."code" BETWEEN {TOWN} AND {TOWN}999' in town
    assert "LIKE" not in town
