"""Multidimensional poverty of a region's households (Alkire–Foster, DOMAIN §11).

Each household with an income record for the year is one unit, weighted by its size. The
indicators map 两不愁三保障 + 饮水 + income onto the registry; the weights and k come from
`MultidimensionalSetting` (configuration). Households share a handful of deprivation
profiles, so they are grouped by profile before the exact (fraction) arithmetic.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.registry.codes import HouseholdType, HousingGrade
from fupin.registry.models import HouseholdConditions, HouseholdYear, Region
from fupin.registry.selectors import region_get
from fupin.reports.alkire_foster import Measures, Subgroup, measure, measure_by_subgroup
from fupin.reports.models import MultidimensionalSetting
from fupin.reports.selectors.dashboard import tally_filter
from fupin.reports.tallies import monitoring_lines


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    dimension: str
    # How a household's facts show the deprivation; None: the registry has no such record.
    is_deprived: Callable[[dict[str, Any], "Setting"], bool] | None


@dataclass(frozen=True)
class Setting:
    k: Fraction
    weights: dict[str, Fraction]
    medical_burden_share: Decimal | None
    basis: str


def _income(facts: dict[str, Any], setting: Setting) -> bool:
    line = facts["line"]
    return line is not None and facts["per_capita_net_income"] < line


def _medical(facts: dict[str, Any], setting: Setting) -> bool:
    share = setting.medical_burden_share
    if share is None:
        return False
    return bool(facts["compliant_out_of_pocket"] > share * max(facts["net_income"], Decimal(0)))


def _housing(facts: dict[str, Any], setting: Setting) -> bool:
    return bool(facts["is_housing_unsafe"]) or facts["housing_grade"] in (
        HousingGrade.C,
        HousingGrade.D,
    )


def _deprived(indicator: Indicator, facts: dict[str, Any], setting: Setting) -> bool:
    return indicator.is_deprived is not None and indicator.is_deprived(facts, setting)


def indicators() -> list[Indicator]:
    """The DOMAIN §11 mapping, in the order the tables show it."""
    return [
        Indicator("income", _("人均纯收入低于监测范围"), _("收入"), _income),
        Indicator("food", _("不愁吃"), _("两不愁"), None),
        Indicator("clothing", _("不愁穿"), _("两不愁"), None),
        Indicator(
            "education",
            _("义务教育阶段失学辍学"),
            _("义务教育"),
            lambda facts, _s: bool(facts["has_dropout_child"]),
        ),
        Indicator(
            "insurance",
            _("有成员未参加基本医疗保险"),
            _("基本医疗"),
            lambda facts, _s: bool(facts["has_uninsured_member"]),
        ),
        Indicator("medical_burden", _("合规自付医疗负担过重"), _("基本医疗"), _medical),
        Indicator("housing", _("住房不安全（C/D 级危房）"), _("住房和饮水"), _housing),
        Indicator(
            "water",
            _("饮水不安全"),
            _("住房和饮水"),
            lambda facts, _s: bool(facts["is_water_unsafe"]),
        ),
    ]


def setting_for(region_code: str, year: int) -> Setting:
    """The most specific setting for the region that applies in `year`."""
    rows = [
        row
        for row in MultidimensionalSetting.objects.filter(first_year__lte=year)
        if region_code.startswith(row.region_code)
    ]
    if not rows:
        raise ApplicationError(_("尚未配置多维贫困测量的权重和临界值。"))
    row = max(rows, key=lambda item: (len(item.region_code), item.first_year))
    return Setting(
        k=Fraction(row.k),
        weights={code: Fraction(value) for code, value in row.weights.items()},
        medical_burden_share=row.medical_burden_share,
        basis=row.basis,
    )


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    weight: Fraction
    uncensored: Fraction
    censored: Fraction
    contribution: Fraction


@dataclass(frozen=True)
class DimensionRow:
    dimension: str
    contribution: Fraction


@dataclass(frozen=True)
class VetoComparison:
    """The official rule (poor when any indicator fails: k = the smallest weight) beside
    the configured k, in people."""

    union_headcount: Fraction
    configured_headcount: Fraction
    both: Fraction
    only_union: Fraction


@dataclass(frozen=True)
class Multidimensional:
    region: Region | None
    year: int
    setting: Setting
    households: int
    measures: Measures
    indicators: list[IndicatorRow]
    dimensions: list[DimensionRow]
    by_type: list[Subgroup]
    by_region: list[Subgroup]
    veto: VetoComparison
    unassessed: list[str]


def _household_facts(code: str, year: int) -> list[dict[str, Any]]:
    conditions = HouseholdConditions.objects.filter(
        household=OuterRef("household_id"), year__lte=year
    ).order_by("-year")
    fields = ("is_housing_unsafe", "has_dropout_child", "is_water_unsafe", "has_uninsured_member")
    rows = (
        HouseholdYear.objects.filter(tally_filter(code, "household__village__code"), year=year)
        .annotate(
            housing_grade=Subquery(conditions.values("housing_grade")[:1]),
            **{field: Subquery(conditions.values(field)[:1]) for field in fields},
        )
        .values(
            "household__village_id",
            "household__household_type",
            "member_count",
            "per_capita_net_income",
            "net_income",
            "compliant_out_of_pocket",
            "housing_grade",
            *fields,
        )
    )
    lines = [
        (region, amount) for region, line_year, amount in monitoring_lines() if line_year == year
    ]
    facts = []
    for row in rows.iterator(chunk_size=5000):
        village = row["household__village_id"]
        row["line"] = next((amount for region, amount in lines if village.startswith(region)), None)
        facts.append(row)
    return facts


def multidimensional_for(
    *, scope: RegionScope, region_code: str, year: int, k: Fraction | None = None
) -> Multidimensional:
    """AF measures of the region's households for `year`, by household type and by child
    region, and the comparison with 一票否决. NotFoundError outside the scope."""
    code = region_code or scope.prefix
    region = region_get(scope=scope, code=code) if code else None
    setting = setting_for(code, year)
    if k is not None:
        setting = Setting(k, setting.weights, setting.medical_burden_share, setting.basis)
    table = indicators()
    weights = [setting.weights.get(indicator.code, Fraction(0)) for indicator in table]
    used = [index for index, weight in enumerate(weights) if weight > 0]
    child_length = {2: 4, 4: 6, 6: 9, 9: 12}.get(len(code), len(code) or 2)
    # One unit per (profile, type, child region), sized by the people it stands for.
    profiles: dict[tuple[tuple[int, ...], str, str], int] = {}
    households = 0
    for facts in _household_facts(code, year):
        households += 1
        profile = tuple(0 if _deprived(table[index], facts, setting) else 1 for index in used)
        key = (
            profile,
            facts["household__household_type"],
            facts["household__village_id"][:child_length],
        )
        profiles[key] = profiles.get(key, 0) + facts["member_count"]
    keys = list(profiles)
    achievements = [list(key[0]) for key in keys]
    sizes = [profiles[key] for key in keys]
    used_weights = [weights[index] for index in used]
    cutoffs = [1] * len(used)
    whole, type_groups = measure_by_subgroup(
        achievements,
        [key[1] for key in keys],
        cutoffs=cutoffs,
        weights=used_weights,
        k=setting.k,
        sizes=sizes,
    )
    _whole, region_groups = measure_by_subgroup(
        achievements,
        [key[2] for key in keys],
        cutoffs=cutoffs,
        weights=used_weights,
        k=setting.k,
        sizes=sizes,
    )
    type_labels = dict(HouseholdType.choices)
    by_type = [
        Subgroup(
            str(type_labels.get(group.name, group.name)),
            group.share,
            group.measures,
            group.contribution,
        )
        for group in sorted(type_groups, key=lambda group: group.name)
    ]
    names = dict(
        Region.objects.filter(code__in=[group.name for group in region_groups]).values_list(
            "code", "name"
        )
    )
    by_region = [
        Subgroup(names.get(group.name, group.name), group.share, group.measures, group.contribution)
        for group in sorted(region_groups, key=lambda group: group.name)
    ]
    union = measure(
        achievements, cutoffs=cutoffs, weights=used_weights, k=min(used_weights), sizes=sizes
    )
    both = Fraction(0)
    only_union = Fraction(0)
    for profile_row, size in zip(achievements, sizes, strict=True):
        score = sum(
            (w for w, value in zip(used_weights, profile_row, strict=True) if value == 0),
            Fraction(0),
        )
        if score > 0:
            if score >= setting.k:
                both += size
            else:
                only_union += size
    indicator_rows = [
        IndicatorRow(
            indicator=table[index],
            weight=weights[index],
            uncensored=whole.uncensored_headcounts[position],
            censored=whole.censored_headcounts[position],
            contribution=whole.contributions[position],
        )
        for position, index in enumerate(used)
    ]
    dimensions: dict[str, Fraction] = {}
    for indicator_row in indicator_rows:
        dimension = indicator_row.indicator.dimension
        dimensions[dimension] = dimensions.get(dimension, Fraction(0)) + indicator_row.contribution
    population = whole.population or Fraction(1)
    return Multidimensional(
        region=region,
        year=year,
        setting=setting,
        households=households,
        measures=whole,
        indicators=indicator_rows,
        dimensions=[DimensionRow(name, value) for name, value in dimensions.items()],
        by_type=by_type,
        by_region=by_region,
        veto=VetoComparison(
            union_headcount=union.headcount_ratio,
            configured_headcount=whole.headcount_ratio,
            both=both / population,
            only_union=only_union / population,
        ),
        unassessed=[
            indicator.label
            for indicator in table
            if indicator.is_deprived is None
            or (indicator.code == "medical_burden" and setting.medical_burden_share is None)
        ],
    )
