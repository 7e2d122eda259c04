"""支出进度 = spent / released, by project, source and county, against the region's
milestones for the year."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from fupin.core.scope import CODE_LENGTHS, RegionScope, region_path_codes
from fupin.finance.models import (
    FundAllocation,
    FundEntry,
    FundRelease,
    FundSource,
    Project,
    SpendingMilestone,
)

COUNTY_CODE_LENGTH = CODE_LENGTHS[2]

HUNDRED = Decimal(100)
FEN = Decimal("0.01")


def percent_text(value: Decimal) -> str:
    """90.00 as "90", 36.70 as "36.7"."""
    return format(value.normalize(), "f")


@dataclass
class ProgressRow:
    """Released, arrived and spent money of one project, source or county."""

    name: str
    released: Decimal = Decimal(0)
    arrived: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    project_id: int | None = None
    is_behind: bool = False

    @property
    def percent(self) -> Decimal:
        if not self.released:
            return Decimal("0.0")
        return (self.spent * HUNDRED / self.released).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class SpendingProgress:
    year: int
    as_of: date
    total: ProgressRow
    allocated: Decimal
    by_source: list[ProgressRow]
    by_county: list[ProgressRow]
    by_project: list[ProgressRow]
    passed: SpendingMilestone | None
    upcoming: SpendingMilestone | None
    warnings: list[str] = field(default_factory=list)

    @property
    def is_behind(self) -> bool:
        return self.passed is not None and self.total.percent < self.passed.percent


def milestones_for(region_code: str, year: int) -> list[SpendingMilestone]:
    """The year's milestones of the most specific region that has any."""
    rows = list(
        SpendingMilestone.objects.filter(region_code__in=region_path_codes(region_code), year=year)
    )
    if not rows:
        return []
    most_specific = max(len(row.region_code) for row in rows)
    return sorted(
        (row for row in rows if len(row.region_code) == most_specific), key=lambda row: row.due_on
    )


def allocation_list(*, scope: RegionScope, year: int) -> QuerySet[FundAllocation]:
    return scope.filter(
        FundAllocation.objects.filter(year=year), region_field="county__code"
    ).select_related("county")


def allocations_for_project(*, scope: RegionScope, project: Project) -> QuerySet[FundAllocation]:
    """The allocations in scope a project's county may 下达 from, newest year first."""
    return (
        scope.filter(FundAllocation.objects.all(), region_field="county__code")
        .filter(county_id=project.village_id[:COUNTY_CODE_LENGTH])
        .order_by("-year", "source", "id")
    )


def project_releases(*, scope: RegionScope, project: Project) -> QuerySet[FundRelease]:
    """The money released to a project in scope, with its allocation."""
    return (
        scope.filter(
            FundRelease.objects.filter(project=project), region_field="project__village__code"
        )
        .select_related("allocation")
        .order_by("released_on", "id")
    )


def spending_progress(*, scope: RegionScope, year: int, as_of: date) -> SpendingProgress:
    """支出进度 of the year's released funds in scope on `as_of`, with the milestone that
    has passed (a warning when behind it) and the next one."""
    releases = list(
        scope.filter(
            FundRelease.objects.filter(allocation__year=year), region_field="project__village__code"
        )
        .filter(released_on__lte=as_of)
        .select_related("allocation", "allocation__county", "project")
    )
    sums: dict[tuple[int, str], Decimal] = {
        (row["release_id"], row["kind"]): row["total"]
        for row in FundEntry.objects.filter(release__in=releases, entered_on__lte=as_of)
        .values("release_id", "kind")
        .annotate(total=Sum("amount"))
    }
    total = ProgressRow(_("合计"))
    sources: dict[str, ProgressRow] = {}
    counties: dict[str, ProgressRow] = {}
    projects: dict[int, ProgressRow] = defaultdict(lambda: ProgressRow(""))
    for release in releases:
        # SQLite's SUM drops the scale of decimals: fen as everywhere else.
        arrived = sums.get((release.pk, FundEntry.Kind.ARRIVAL), Decimal(0)).quantize(FEN)
        spent = sums.get((release.pk, FundEntry.Kind.SPENDING), Decimal(0)).quantize(FEN)
        source = sources.setdefault(
            release.allocation.source, ProgressRow(str(FundSource(release.allocation.source).label))
        )
        county = counties.setdefault(
            release.allocation.county_id, ProgressRow(release.allocation.county.name)
        )
        project = projects[release.project_id]
        project.name, project.project_id = release.project.name, release.project_id
        for row in (total, source, county, project):
            row.released += release.amount
            row.arrived += arrived
            row.spent += spent
    milestones = milestones_for(scope.prefix, year)
    passed = next((m for m in reversed(milestones) if m.due_on <= as_of), None)
    upcoming = next((m for m in milestones if m.due_on > as_of), None)
    warnings: list[str] = []
    by_project = sorted(projects.values(), key=lambda row: row.percent)
    if passed is not None:
        for row in by_project:
            row.is_behind = row.percent < passed.percent
        if total.percent < passed.percent:
            warnings.append(
                _("按要求 %(date)s 前支出进度应达到 %(target)s%%，目前为 %(actual)s%%。")
                % {
                    "date": passed.due_on,
                    "target": percent_text(passed.percent),
                    "actual": total.percent,
                }
            )
    if upcoming is not None and total.percent < upcoming.percent:
        warnings.append(
            _("%(date)s 前须达到 %(target)s%%，还差 %(gap)s 个百分点。")
            % {
                "date": upcoming.due_on,
                "target": percent_text(upcoming.percent),
                "gap": percent_text(upcoming.percent - total.percent),
            }
        )
    allocated = sum((a.amount for a in allocation_list(scope=scope, year=year)), Decimal(0))
    return SpendingProgress(
        year=year,
        as_of=as_of,
        total=total,
        allocated=allocated,
        by_source=sorted(sources.values(), key=lambda row: row.name),
        by_county=sorted(counties.values(), key=lambda row: row.name),
        by_project=by_project,
        passed=passed,
        upcoming=upcoming,
        warnings=warnings,
    )
