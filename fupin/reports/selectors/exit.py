"""Exit indicators (退出, DOMAIN §6): 贫困发生率 per village, township and county, and each
village's 出列 indicator set (configuration per province) with the values entered for it.

贫困发生率 = 建档立卡贫困人口 / 乡村总人口. The poor are the households whose status on
31 December of the year, folded from the status history, was 贫困户; each counts with the
家庭人口数 of its income record for that year (its active members when it has none). The
rural population is entered per village with its exit record.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import CODE_LENGTHS, RegionScope
from fupin.registry.codes import HouseholdType
from fupin.registry.models import HouseholdYear, Member, Region
from fupin.registry.selectors import region_children, region_get, region_list
from fupin.reports.models import VillageExitIndicatorSet, VillageExitRecord
from fupin.reports.selectors.dashboard import tally_filter
from fupin.reports.selectors.standard import statuses_as_of

RATE_ITEM = "poverty_rate"


def exit_indicator_set_for(region_code: str, year: int) -> VillageExitIndicatorSet | None:
    """The most specific indicator set whose region covers `region_code` in `year`."""
    candidates = [
        row
        for row in VillageExitIndicatorSet.objects.filter(first_year__lte=year, last_year__gte=year)
        if region_code.startswith(row.region_code)
    ]
    return max(candidates, key=lambda row: len(row.region_code), default=None)


def poor_people_by_village(code: str, year: int) -> dict[str, int]:
    """建档立卡贫困人口 of each village under `code` at the end of `year`."""
    poor = {
        status.household_id: status.village_code
        for status in statuses_as_of(code, date(year, 12, 31))
        if status.household_type == HouseholdType.POOR
    }
    sizes = dict(
        HouseholdYear.objects.filter(household_id__in=list(poor), year=year).values_list(
            "household_id", "member_count"
        )
    )
    missing = [household for household in poor if household not in sizes]
    if missing:
        sizes.update(
            Member.objects.filter(household_id__in=missing, is_active=True)
            .values("household_id")
            .annotate(count=Count("pk"))
            .values_list("household_id", "count")
        )
    people: dict[str, int] = {}
    for household, village in poor.items():
        people[village] = people.get(village, 0) + sizes.get(household, 0)
    return people


def poverty_rate(poor: int, population: int) -> Decimal | None:
    """贫困发生率 in per cent, two places; None without a population."""
    if population <= 0:
        return None
    return (Decimal(poor) * 100 / Decimal(population)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ExitRow:
    code: str
    name: str
    villages: int
    recorded: int
    population: int
    poor: int
    rate: Decimal | None
    qualified: int  # villages whose every indicator is met, the rate included


@dataclass(frozen=True)
class ExitOverview:
    region: Region | None
    year: int
    rows: list[ExitRow]
    total: ExitRow


def _is_qualified(
    record: VillageExitRecord, indicator_set: VillageExitIndicatorSet | None, poor: int
) -> bool:
    if indicator_set is None:
        return False
    rate = poverty_rate(poor, record.rural_population)
    if rate is None or rate >= indicator_set.poverty_rate_threshold:
        return False
    return all(
        bool(record.values.get(item["code"], {}).get("met"))
        for item in indicator_set.items
        if item["code"] != RATE_ITEM
    )


def exit_overview(*, scope: RegionScope, region_code: str, year: int) -> ExitOverview:
    """贫困发生率 and 出列 readiness of each region below `region_code` (NotFoundError
    outside the scope)."""
    code = region_code or scope.prefix
    region = region_get(scope=scope, code=code) if code else None
    if region is not None and region.level == RegionLevel.VILLAGE:
        children = [region]
        child_length = CODE_LENGTHS[-1]
    else:
        children = list(region_children(scope=scope, parent_code=code or None).order_by("code"))
        child_length = CODE_LENGTHS[CODE_LENGTHS.index(len(code)) + 1] if code else 2
    poor = poor_people_by_village(code, year)
    villages: dict[str, int] = {}
    for village in (
        region_list(scope=scope)
        .filter(tally_filter(code, "code"), level=Region.Level.VILLAGE)
        .values_list("code", flat=True)
    ):
        villages[village[:child_length]] = villages.get(village[:child_length], 0) + 1
    sums: dict[str, dict[str, int]] = {}
    sets: dict[str, VillageExitIndicatorSet | None] = {}
    for record in VillageExitRecord.objects.filter(tally_filter(code), year=year):
        child = record.village_code[:child_length]
        counts = sums.setdefault(child, {"recorded": 0, "population": 0, "poor": 0, "qualified": 0})
        village_poor = poor.get(record.village_code, 0)
        counts["recorded"] += 1
        counts["population"] += record.rural_population
        counts["poor"] += village_poor
        province = record.village_code[:2]
        if province not in sets:
            sets[province] = exit_indicator_set_for(record.village_code, year)
        counts["qualified"] += _is_qualified(record, sets[province], village_poor)
    rows = []
    for child_region in children:
        counts = sums.get(child_region.code, {})
        rows.append(
            ExitRow(
                code=child_region.code,
                name=child_region.name,
                villages=villages.get(child_region.code, 0),
                recorded=counts.get("recorded", 0),
                population=counts.get("population", 0),
                poor=counts.get("poor", 0),
                rate=poverty_rate(counts.get("poor", 0), counts.get("population", 0)),
                qualified=counts.get("qualified", 0),
            )
        )
    population = sum(row.population for row in rows)
    poor_total = sum(row.poor for row in rows)
    total = ExitRow(
        code=code,
        name=_("合计"),
        villages=sum(row.villages for row in rows),
        recorded=sum(row.recorded for row in rows),
        population=population,
        poor=poor_total,
        rate=poverty_rate(poor_total, population),
        qualified=sum(row.qualified for row in rows),
    )
    return ExitOverview(region=region, year=year, rows=rows, total=total)


@dataclass(frozen=True)
class VillageExit:
    village: Region
    year: int
    indicator_set: VillageExitIndicatorSet | None
    record: VillageExitRecord | None
    poor: int
    rate: Decimal | None
    items: list[dict[str, Any]]
    is_qualified: bool


def village_exit_get(*, scope: RegionScope, village_code: str, year: int) -> VillageExit:
    """A village's exit data for a year; NotFoundError when not a village in scope."""
    village = region_get(scope=scope, code=village_code)
    if village.level != RegionLevel.VILLAGE:
        raise NotFoundError(_("只有村可以录入出列指标。"))
    indicator_set = exit_indicator_set_for(village.code, year)
    record = VillageExitRecord.objects.filter(village_code=village.code, year=year).first()
    poor = poor_people_by_village(village.code, year).get(village.code, 0)
    rate = poverty_rate(poor, record.rural_population) if record else None
    values = record.values if record else {}
    items = []
    for item in indicator_set.items if indicator_set else []:
        entered = values.get(item["code"], {})
        is_rate = item["code"] == RATE_ITEM
        met = (
            rate is not None
            and indicator_set is not None
            and rate < indicator_set.poverty_rate_threshold
            if is_rate
            else bool(entered.get("met"))
        )
        items.append(
            {
                "code": item["code"],
                "label": item["label"],
                "is_computed": is_rate,
                "met": met,
                "evidence": entered.get("evidence", ""),
            }
        )
    return VillageExit(
        village=village,
        year=year,
        indicator_set=indicator_set,
        record=record,
        poor=poor,
        rate=rate,
        items=items,
        is_qualified=record is not None and _is_qualified(record, indicator_set, poor),
    )
