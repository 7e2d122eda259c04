"""The dashboard of one region: its figures from the tallies and a row per child region.

Every figure carries the household-list filter that lists exactly the households it counts,
so a click lands on a list whose count is the figure (tests check both sides agree).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment.models import RiskLevel
from fupin.assistance.selectors import CoverageFigure, sees_whole_region
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import CODE_LENGTHS, RegionScope
from fupin.monitoring.selectors import CaseFilters, case_list
from fupin.registry.codes import HouseholdType, MonitoringCategory
from fupin.registry.models import HouseholdStatusEvent, Region
from fupin.registry.selectors import region_children, region_get, region_path
from fupin.reports.models import (
    CoverageTally,
    EventTally,
    HouseholdTally,
    IncomeTally,
    TallyCursor,
)

UNRATED = "unrated"


def tally_filter(region_code: str, field_name: str = "village_code") -> Q:
    """The rows of villages inside `region_code` ("" = everywhere)."""
    if not region_code:
        return Q()
    if len(region_code) == CODE_LENGTHS[-1]:
        return Q(**{field_name: region_code})
    return Q(**{f"{field_name}__range": (region_code, region_code.ljust(CODE_LENGTHS[-1], "9"))})


def tally_rows(region_code: str) -> Q:
    """The tally rows whose sum is the figures of `region_code` ("" = everywhere): the
    counties' totals rows for a province, a city or everywhere, which add up a few hundred
    rows where the villages' would be a hundred thousand (ADR 0028); the village rows for
    a county or a region inside one."""
    is_above_county = len(region_code) < CODE_LENGTHS[2]
    return tally_filter(region_code) & Q(is_county_total=is_above_county)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int
    # The household list's query that lists exactly these households; None: not a list.
    query: dict[str, str] | None = None
    colour: str = ""

    @property
    def query_string(self) -> str:
        return urlencode(self.query) if self.query is not None else ""


@dataclass(frozen=True)
class CoverageCell:
    """One 帮扶措施覆盖 figure of a region's row; it opens the coverage list of the region."""

    figure: CoverageFigure
    label: str
    value: int


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    households: int
    monitored: int
    colours: list[Figure]
    identified_year: int
    eliminated_year: int
    below_line: Figure | None
    overdue: int
    coverage: list[CoverageCell]


@dataclass(frozen=True)
class Dashboard:
    region: Region | None
    path: list[Region]
    today: date
    households: int
    people: int
    types: list[Figure]
    categories: list[Figure]
    colours: list[Figure]
    matrix: list[tuple[Figure, list[Figure]]]
    events: list[Figure]
    overdue: int
    income_year: int | None
    income: list[Figure]
    child_level: str
    children: list[ChildRow]
    totals: ChildRow | None
    refreshed_at: datetime | None


def _colour_keys() -> list[tuple[str, str]]:
    # Short names: the tables put four colours side by side on a phone.
    short = {
        RiskLevel.RED.value: _("红色"),
        RiskLevel.ORANGE.value: _("橙色"),
        RiskLevel.BLUE.value: _("蓝色"),
    }
    return [*((level.value, short[level.value]) for level in RiskLevel), (UNRATED, _("未评估"))]


def _child_heading(level: RegionLevel | None) -> str:
    headings = {
        None: _("各省"),
        RegionLevel.PROVINCE: _("各市"),
        RegionLevel.CITY: _("各县"),
        RegionLevel.COUNTY: _("各乡镇"),
        RegionLevel.TOWN: _("各村"),
    }
    return headings.get(level, "")


def _coverage_headings() -> dict[CoverageFigure, str]:
    # Short names: the region table is already wide (the cards above have the long ones).
    return {
        CoverageFigure.WITH_PLAN: _("有本年计划"),
        CoverageFigure.WITH_DEVELOPMENT: _("有开发式措施"),
        CoverageFigure.WITH_CADRE: _("有责任人"),
        CoverageFigure.VISIT_OVERDUE: _("走访逾期"),
    }


def _risk_filter(colour: str) -> dict[str, str]:
    # Unrated households have no list filter of their own: the figure stays a plain number.
    return {} if colour == UNRATED else {"risk_level": colour}


def _household_figures(code: str, base_query: dict[str, str]) -> dict[str, Any]:
    rows = (
        HouseholdTally.objects.filter(tally_rows(code))
        .values("household_type", "monitoring_category", "risk_level")
        .annotate(households=Sum("households"), people=Sum("people"))
        .order_by()
    )
    by_type: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_colour: dict[str, int] = {}
    by_cell: dict[tuple[str, str], int] = {}
    people = 0
    for row in rows:
        count = row["households"] or 0
        people += row["people"] or 0
        by_type[row["household_type"]] = by_type.get(row["household_type"], 0) + count
        if row["household_type"] != HouseholdType.MONITORED:
            continue
        colour = row["risk_level"] or UNRATED
        category = row["monitoring_category"]
        by_category[category] = by_category.get(category, 0) + count
        by_colour[colour] = by_colour.get(colour, 0) + count
        by_cell[(category, colour)] = by_cell.get((category, colour), 0) + count
    monitored_query = {**base_query, "household_type": HouseholdType.MONITORED.value}
    types = [
        Figure(
            f"type-{value}",
            str(label),
            by_type.get(value, 0),
            {**base_query, "household_type": value},
        )
        for value, label in HouseholdType.choices
    ]
    categories = [
        Figure(
            f"category-{value}",
            str(label),
            by_category.get(value, 0),
            {**monitored_query, "monitoring_category": value},
        )
        for value, label in MonitoringCategory.choices
    ]
    colours = [
        Figure(
            f"colour-{value}",
            label,
            by_colour.get(value, 0),
            {**monitored_query, **_risk_filter(value)} if value != UNRATED else None,
            colour=value,
        )
        for value, label in _colour_keys()
    ]
    matrix = [
        (
            category,
            [
                Figure(
                    f"cell-{category.key}-{colour.colour}",
                    colour.label,
                    by_cell.get((category.key.removeprefix("category-"), colour.colour), 0),
                    {**(category.query or {}), **_risk_filter(colour.colour)}
                    if colour.colour != UNRATED
                    else None,
                    colour=colour.colour,
                )
                for colour in colours
            ],
        )
        for category in categories
    ]
    return {
        "households": sum(by_type.values()),
        "people": people,
        "types": types,
        "categories": categories,
        "colours": colours,
        "matrix": matrix,
    }


def _event_figures(code: str, today: date) -> list[Figure]:
    rows = (
        EventTally.objects.filter(
            tally_rows(code),
            year=today.year,
            kind__in=[
                HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
                HouseholdStatusEvent.Kind.RISK_ELIMINATED,
            ],
        )
        .values("kind", "month")
        .annotate(events=Sum("events"))
        .order_by()
    )
    year_counts: dict[str, int] = {}
    month_counts: dict[str, int] = {}
    for row in rows:
        year_counts[row["kind"]] = year_counts.get(row["kind"], 0) + row["events"]
        if row["month"] == today.month:
            month_counts[row["kind"]] = month_counts.get(row["kind"], 0) + row["events"]
    identified = HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
    eliminated = HouseholdStatusEvent.Kind.RISK_ELIMINATED
    return [
        Figure("identified-month", _("本月新识别"), month_counts.get(identified, 0)),
        Figure("identified-year", _("本年新识别"), year_counts.get(identified, 0)),
        Figure("eliminated-month", _("本月风险消除"), month_counts.get(eliminated, 0)),
        Figure("eliminated-year", _("本年风险消除"), year_counts.get(eliminated, 0)),
    ]


def income_latest_year(code: str) -> int | None:
    """The latest year with income records (收支) in the region."""
    year: int | None = IncomeTally.objects.filter(tally_rows(code)).aggregate(year=Max("year"))[
        "year"
    ]
    return year


def _income_figures(code: str, year: int | None, base_query: dict[str, str]) -> list[Figure]:
    if year is None:
        return []
    rows = (
        IncomeTally.objects.filter(tally_rows(code), year=year)
        .values("band", "line")
        .annotate(households=Sum("households"))
        .order_by()
    )
    counts: dict[str, int] = {}
    lines: dict[str, set[Decimal]] = {}
    for row in rows:
        counts[row["band"]] = counts.get(row["band"], 0) + row["households"]
        if row["line"] is not None:
            lines.setdefault(row["band"], set()).add(row["line"])
    figures = []
    for band, label in IncomeTally.Band.choices:
        if band == IncomeTally.Band.NO_LINE and not counts.get(band):
            continue
        band_lines = lines.get(band, set())
        query: dict[str, str] | None = None
        # One line in the region: the list can filter by it. Counties with different
        # lines are compared on their own rows below.
        if band != IncomeTally.Band.NO_LINE and len(band_lines) == 1:
            line = format(next(iter(band_lines)).normalize(), "f")
            bound = "income_below" if band == IncomeTally.Band.BELOW else "income_at_least"
            query = {**base_query, "income_year": str(year), bound: line}
        figures.append(Figure(f"income-{band}", str(label), counts.get(band, 0), query))
    return figures


def _overdue_cases(scope: RegionScope, code: str, today: date) -> QuerySet[Any]:
    return case_list(
        scope=scope, filters=CaseFilters(region_code=code, is_overdue=True), today=today
    ).order_by()


def _child_rows(
    scope: RegionScope, code: str, child_length: int, year: int | None, today: date
) -> tuple[list[ChildRow], ChildRow | None]:
    children = list(region_children(scope=scope, parent_code=code or None).order_by("code"))
    if not children:
        return [], None
    child = Substr("village_code", 1, child_length)
    households: dict[str, dict[str, int]] = {}
    for row in (
        HouseholdTally.objects.filter(tally_rows(code))
        .annotate(child=child)
        .values("child", "household_type", "risk_level")
        .annotate(households=Sum("households"))
        .order_by()
    ):
        counts = households.setdefault(row["child"], {})
        counts["all"] = counts.get("all", 0) + row["households"]
        if row["household_type"] == HouseholdType.MONITORED:
            colour = row["risk_level"] or UNRATED
            counts["monitored"] = counts.get("monitored", 0) + row["households"]
            counts[colour] = counts.get(colour, 0) + row["households"]
    events: dict[tuple[str, str], int] = {}
    for row in (
        EventTally.objects.filter(tally_rows(code), year=today.year)
        .annotate(child=child)
        .values("child", "kind")
        .annotate(events=Sum("events"))
        .order_by()
    ):
        events[(row["child"], row["kind"])] = row["events"]
    below: dict[str, tuple[int, set[Decimal]]] = {}
    if year is not None:
        for row in (
            IncomeTally.objects.filter(tally_rows(code), year=year, band=IncomeTally.Band.BELOW)
            .annotate(child=child)
            .values("child", "line")
            .annotate(households=Sum("households"))
            .order_by()
        ):
            count, lines = below.get(row["child"], (0, set()))
            below[row["child"]] = (count + row["households"], lines | {row["line"]})
    overdue = {
        row["child"]: row["cases"]
        for row in _overdue_cases(scope, code, today)
        .annotate(child=Substr("village_id", 1, child_length))
        .values("child")
        .annotate(cases=Count("pk"))
    }
    # A responsible cadre sees the assistance of their own households only: no region rows.
    coverage = (
        {
            row["child"]: row
            for row in CoverageTally.objects.filter(tally_rows(code))
            .annotate(child=child)
            .values("child")
            .annotate(**{figure.value: Sum(figure.value) for figure in CoverageFigure})
            .order_by()
        }
        if sees_whole_region(scope)
        else None
    )
    rows = [
        _child_row(region.code, region.name, households, events, below, overdue, coverage, year)
        for region in children
    ]
    total = ChildRow(
        code=code,
        name=_("合计"),
        households=sum(row.households for row in rows),
        monitored=sum(row.monitored for row in rows),
        colours=[
            Figure(
                colour.key,
                colour.label,
                sum(row.colours[index].value for row in rows),
                colour=colour.colour,
            )
            for index, colour in enumerate(rows[0].colours)
        ],
        identified_year=sum(row.identified_year for row in rows),
        eliminated_year=sum(row.eliminated_year for row in rows),
        below_line=Figure("below", "", sum(row.below_line.value for row in rows if row.below_line)),
        overdue=sum(row.overdue for row in rows),
        coverage=[
            CoverageCell(cell.figure, cell.label, sum(row.coverage[index].value for row in rows))
            for index, cell in enumerate(rows[0].coverage)
        ],
    )
    return rows, total


def _child_row(
    code: str,
    name: str,
    households: dict[str, dict[str, int]],
    events: dict[tuple[str, str], int],
    below: dict[str, tuple[int, set[Decimal]]],
    overdue: dict[str, int],
    coverage: dict[str, dict[str, Any]] | None,
    year: int | None,
) -> ChildRow:
    counts = households.get(code, {})
    monitored_query = {"region_code": code, "household_type": HouseholdType.MONITORED.value}
    colours = [
        Figure(
            f"colour-{value}",
            label,
            counts.get(value, 0),
            {**monitored_query, **_risk_filter(value)} if value != UNRATED else None,
            colour=value,
        )
        for value, label in _colour_keys()
    ]
    below_count, lines = below.get(code, (0, set()))
    below_figure = None
    if year is not None:
        query = None
        if len(lines) == 1 and None not in lines:
            line = format(next(iter(lines)).normalize(), "f")
            query = {"region_code": code, "income_year": str(year), "income_below": line}
        below_figure = Figure("below", "", below_count, query)
    return ChildRow(
        code=code,
        name=name,
        households=counts.get("all", 0),
        monitored=counts.get("monitored", 0),
        colours=colours,
        identified_year=events.get((code, HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED), 0),
        eliminated_year=events.get((code, HouseholdStatusEvent.Kind.RISK_ELIMINATED), 0),
        below_line=below_figure,
        overdue=overdue.get(code, 0),
        coverage=[
            CoverageCell(figure, label, coverage.get(code, {}).get(figure.value) or 0)
            for figure, label in _coverage_headings().items()
        ]
        if coverage is not None
        else [],
    )


def dashboard_for(
    *, scope: RegionScope, region_code: str = "", today: date | None = None
) -> Dashboard:
    """The dashboard of `region_code` (default: the scope's own region); NotFoundError
    when the region lies outside the scope."""
    today = today or timezone.localdate()
    code = region_code or scope.prefix
    region = region_get(scope=scope, code=code) if code else None
    base_query = {"region_code": code} if code else {}
    household_figures = _household_figures(code, base_query)
    year = income_latest_year(code)
    level = RegionLevel(region.level) if region else None
    child_length = (
        CODE_LENGTHS[CODE_LENGTHS.index(len(code)) + 1]
        if level != RegionLevel.VILLAGE and code
        else 2
    )
    children, totals = (
        _child_rows(scope, code, child_length, year, today)
        if level != RegionLevel.VILLAGE
        else ([], None)
    )
    child_level = _child_heading(level)
    cursor = TallyCursor.objects.order_by("pk").first()
    return Dashboard(
        region=region,
        path=region_path(scope=scope, code=code) if code else [],
        today=today,
        households=household_figures["households"],
        people=household_figures["people"],
        types=household_figures["types"],
        categories=household_figures["categories"],
        colours=household_figures["colours"],
        matrix=household_figures["matrix"],
        events=_event_figures(code, today),
        overdue=_overdue_cases(scope, code, today).count(),
        income_year=year,
        income=_income_figures(code, year, base_query),
        child_level=child_level,
        children=children,
        totals=totals,
        refreshed_at=cursor.refreshed_at if cursor else None,
    )
