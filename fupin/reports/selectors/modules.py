"""The dashboard's figures from the other modules: assistance coverage (帮扶措施覆盖) and the
数据质量指数. Both are counted live through the owning app's selectors: coverage depends
on the clock (a visit falls overdue without any write) and on the plans of this year, and
the quality index is one indexed count over the open 疑点."""

import dataclasses
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fupin.assistance.selectors import CoverageFigure, coverage_counts, coverage_households
from fupin.core.scope import RegionScope
from fupin.departments.selectors import QualityIndex, quality_index_for
from fupin.registry.models import Household
from fupin.registry.selectors import region_get


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
    counts = coverage_counts(scope=focused, user=user, today=today)
    return ModuleFigures(
        region_code=focused.prefix,
        monitored=counts["monitored"],
        coverage=[
            CoverageItem(figure, coverage_label(figure), counts[figure.value])
            for figure in CoverageFigure
        ],
        quality=quality_index_for(focused),
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
