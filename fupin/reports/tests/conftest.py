from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

import polars as pl
import pytest

from fupin.assessment.models import PolicyParameter
from fupin.core.scope import Capability, RegionScope
from fupin.registry import region_data
from fupin.registry.models import Household, Region
from fupin.registry.services import household_assessment_bulk_update
from fupin.registry.synthetic import household_bulk_generate

GENERATED_COUNTY = "220421"  # 吉林省辽源市东丰县
GENERATED_HOUSEHOLDS = 600
COLOURS = ("red", "orange", "blue", "")


@lru_cache(maxsize=2)
def _shipped_regions(county: str) -> tuple[tuple[str, str, int, str | None], ...]:
    rows = []
    for level_file in region_data.LEVEL_FILES:
        frame = region_data.read_level(level_file, province_code=county[:2])
        for code, name, level, parent in frame.iter_rows():
            if county.startswith(code) or code.startswith(county):
                rows.append((code, name, level, parent))
    return tuple(rows)


def county_scope(prefix: str = GENERATED_COUNTY) -> RegionScope:
    return RegionScope(
        role="county_admin",
        role_label="县级管理员",
        prefix=prefix,
        root_prefix=prefix,
        region_name="东丰县",
        capabilities=frozenset({Capability.EDIT_REGISTRY}),
    )


@pytest.fixture
def generated_county(db: None) -> str:
    """A generated county with every fourth household in each colour and two monitoring
    lines: the nationwide one and a county's own for the latest year."""
    Region.objects.bulk_create(
        Region(code=code, name=name, level=level, parent_id=parent, table_year=2023)
        for code, name, level, parent in _shipped_regions(GENERATED_COUNTY)
    )
    for year, amount in ((2024, "7300"), (2025, "7500")):
        PolicyParameter.objects.create(
            name="monitoring_line", region_code="", year=year, value=Decimal(amount)
        )
    PolicyParameter.objects.create(
        name="monitoring_line", region_code=GENERATED_COUNTY, year=2025, value=Decimal("8000")
    )
    household_bulk_generate(county_code=GENERATED_COUNTY, households=GENERATED_HOUSEHOLDS, seed=11)
    households = sorted(Household.objects.values_list("pk", "village_id"))
    ids = [pk for pk, _village in households]
    household_assessment_bulk_update(
        actor=None,
        results=pl.DataFrame(
            {
                "household_id": ids,
                "risk_level": [COLOURS[index % 4] for index in range(len(ids))],
                "monitoring_eligible": [True] * len(ids),
                "elimination_eligible": [False] * len(ids),
                "village_id": [village for _pk, village in households],
            }
        ),
        assessed_at=datetime(2025, 12, 1, tzinfo=UTC),
        region_code=GENERATED_COUNTY,
    )
    return GENERATED_COUNTY
