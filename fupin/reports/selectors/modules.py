"""The dashboard's figures from the other modules: assistance coverage (帮扶措施覆盖) and the
数据质量指数.

Coverage comes from the coverage tally, counted per village as of a day through the
assistance app's own definition (ADR 0022); a responsible cadre, who sees only their own
households, has them counted live. The quality index takes its households from the
household tally and counts the open 疑点 (a small, indexed table) through the departments
app."""

import dataclasses
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from fupin.assistance.selectors import (
    CoverageFigure,
    coverage_counts,
    coverage_households,
    sees_whole_region,
)
from fupin.core.scope import RegionScope
from fupin.departments.selectors import QualityIndex, quality_index_from
from fupin.registry.models import Household, HouseholdStatus
from fupin.registry.selectors import region_get
from fupin.reports.models import CoverageTally, HouseholdTally, TallyCursor
from fupin.reports.selectors.dashboard import tally_rows


@dataclass(frozen=True)
class CoverageItem:
    figure: CoverageFigure
    label: str
    value: int

    @property
    def is_alert(self) -> bool:
        return self.figure == CoverageFigure.VISIT_OVERDUE and self.value > 0


@dataclass(frozen=True)
class ModuleFigures:
    region_code: str
    monitored: int
    coverage: list[CoverageItem]
    quality: QualityIndex
    # The day the coverage counts as of: today, or an earlier day while today's recount
    # waits for the job (the page says so).
    coverage_counted_on: date


def coverage_tally_counts(region_code: str) -> dict[str, int]:
    """The coverage tally of a region ("" = everywhere): "monitored" and one count per
    figure, like `coverage_counts`."""
    fields = ["monitored", *(figure.value for figure in CoverageFigure)]
    sums = CoverageTally.objects.filter(tally_rows(region_code)).aggregate(
        **{field: Sum(field) for field in fields}
    )
    return {field: sums[field] or 0 for field in fields}


def registered_households(region_code: str) -> int:
    """Households of the region still in the registry (not cancelled), from the tally."""
    total: int | None = (
        HouseholdTally.objects.filter(tally_rows(region_code))
        .exclude(status=HouseholdStatus.CANCELLED)
        .aggregate(total=Sum("households"))["total"]
    )
    return total or 0


def coverage_counted_on() -> date | None:
    """The day the coverage tally counts as of (None before the first count)."""
    return TallyCursor.objects.order_by("pk").values_list("coverage_counted_on", flat=True).first()


def coverage_label(figure: CoverageFigure) -> str:
    labels = {
        CoverageFigure.WITH_PLAN: _("有本年帮扶计划"),
        CoverageFigure.WITH_DEVELOPMENT: _("有已落实的开发式措施"),
        CoverageFigure.WITH_CADRE: _("有帮扶责任人"),
        CoverageFigure.VISIT_OVERDUE: _("走访逾期"),
    }
    return labels[figure]


def focus_scope(*, scope: RegionScope, region_code: str) -> RegionScope:
    """The scope narrowed to a region inside it (drill-down); NotFoundError outside."""
    if not region_code or region_code == scope.prefix:
        return scope
    region = region_get(scope=scope, code=region_code)
    return dataclasses.replace(scope, prefix=region.code, region_name=region.name)


def module_figures(
    *, scope: RegionScope, user: AbstractBaseUser, region_code: str, today: date
) -> ModuleFigures:
    """Coverage and quality of `region_code` (default: the scope's region) as the user may
    see them; NotFoundError when the region lies outside the scope."""
    focused = focus_scope(scope=scope, region_code=region_code)
    counted_on = coverage_counted_on()
    if sees_whole_region(focused) and counted_on is not None:
        counts = coverage_tally_counts(focused.prefix)
    else:
        counts, counted_on = coverage_counts(scope=focused, user=user, today=today), today
    return ModuleFigures(
        region_code=focused.prefix,
        monitored=counts["monitored"],
        coverage=[
            CoverageItem(figure, coverage_label(figure), counts[figure.value])
            for figure in CoverageFigure
        ],
        quality=quality_index_from(focused, households=registered_households(focused.prefix)),
        coverage_counted_on=counted_on,
    )


def coverage_list(
    *,
    scope: RegionScope,
    user: AbstractBaseUser,
    region_code: str,
    figure: CoverageFigure,
    today: date,
) -> QuerySet[Household]:
    """The households one coverage figure of the dashboard counts."""
    focused = focus_scope(scope=scope, region_code=region_code)
    return coverage_households(scope=focused, user=user, figure=figure, today=today)
