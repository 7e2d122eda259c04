"""The standard statistics tables offices send upward (统计报表), one row per region below
the report's region and a totals row.

Current figures come from the tallies. A report as of a past date folds the append-only
status history up to that date instead (`registry.status.derive_status`, the same rules that
derive the current status), so it reads the same whenever it is run again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from fupin.assessment.models import RiskLevel
from fupin.assistance.selectors import CoverageFigure, sees_whole_region
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import CODE_LENGTHS, RegionScope
from fupin.registry.codes import EliminationMethod, HouseholdType, MonitoringCategory, RiskType
from fupin.registry.models import HouseholdStatusEvent, Region
from fupin.registry.selectors import region_children, region_get
from fupin.registry.status import EventFacts, derive_status
from fupin.reports.models import (
    CoverageTally,
    EventTally,
    HouseholdTally,
    IncomeTally,
    RiskTypeTally,
)
from fupin.reports.selectors.dashboard import UNRATED, tally_filter, tally_rows

Value = int | Decimal


class ReportKind(StrEnum):
    MONITORED = "monitored"
    RISK_TYPES = "risk-types"
    ELIMINATION = "elimination"
    INCOME = "income"
    COVERAGE = "coverage"


def report_titles() -> dict[ReportKind, str]:
    return {
        ReportKind.MONITORED: _("监测对象分类统计表"),
        ReportKind.RISK_TYPES: _("监测对象风险类型统计表"),
        ReportKind.ELIMINATION: _("风险消除情况统计表"),
        ReportKind.INCOME: _("收入构成统计表"),
        ReportKind.COVERAGE: _("帮扶措施覆盖统计表"),
    }


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    columns: list[str]


@dataclass(frozen=True)
class ReportRow:
    code: str
    name: str
    values: list[Value]


@dataclass(frozen=True)
class Report:
    kind: ReportKind
    title: str
    region_code: str
    region_name: str
    year: int
    as_of: date | None
    row_heading: str
    groups: list[ColumnGroup]
    rows: list[ReportRow]
    totals: list[Value]
    notes: list[str]

    @property
    def column_count(self) -> int:
        return sum(len(group.columns) for group in self.groups)


@dataclass(frozen=True)
class _Frame:
    """The region and its children, and how to map a village code to a child."""

    region: Region | None
    children: list[Region]
    child_length: int

    def child_of(self, village_code: str) -> str:
        return village_code[: self.child_length]


def _frame(scope: RegionScope, region_code: str) -> _Frame:
    code = region_code or scope.prefix
    region = region_get(scope=scope, code=code) if code else None
    if region is not None and region.level == RegionLevel.VILLAGE:
        return _Frame(region=region, children=[region], child_length=len(code))
    children = list(region_children(scope=scope, parent_code=code or None).order_by("code"))
    child_length = CODE_LENGTHS[CODE_LENGTHS.index(len(code)) + 1] if code else 2
    return _Frame(region=region, children=children, child_length=child_length)


def _rows(
    frame: _Frame, counts: dict[str, list[Value]], width: int
) -> tuple[list[ReportRow], list[Value]]:
    rows = [
        ReportRow(child.code, child.name, counts.get(child.code, [0] * width))
        for child in frame.children
    ]
    totals: list[Value] = [sum((row.values[index] for row in rows), 0) for index in range(width)]
    return rows, totals


def _add(counts: dict[str, list[Value]], child: str, index: int, value: Value, width: int) -> None:
    row = counts.setdefault(child, [0] * width)
    row[index] += value


# --- 监测对象 by category and colour ---------------------------------------------------------


def _monitored_groups(*, with_colours: bool) -> list[ColumnGroup]:
    groups = [
        ColumnGroup(_("监测户"), [_("户数"), _("人数")]),
        ColumnGroup(
            _("监测对象类别（户）"), [str(label) for _v, label in MonitoringCategory.choices]
        ),
    ]
    if with_colours:
        groups.append(
            ColumnGroup(_("风险等级（户）"), [_("红色"), _("橙色"), _("蓝色"), _("未评估")])
        )
    return groups


_CATEGORIES = [value for value, _label in MonitoringCategory.choices]
_COLOURS = [*(level.value for level in RiskLevel), UNRATED]


def _monitored_current(frame: _Frame, code: str) -> dict[str, list[Value]]:
    width = 2 + len(_CATEGORIES) + len(_COLOURS)
    counts: dict[str, list[Value]] = {}
    for row in (
        HouseholdTally.objects.filter(tally_rows(code), household_type=HouseholdType.MONITORED)
        .annotate(child=Substr("village_code", 1, frame.child_length))
        .values("child", "monitoring_category", "risk_level")
        .annotate(households=Sum("households"), people=Sum("people"))
        .order_by()
    ):
        child = row["child"]
        _add(counts, child, 0, row["households"], width)
        _add(counts, child, 1, row["people"], width)
        if row["monitoring_category"] in _CATEGORIES:
            index = 2 + _CATEGORIES.index(row["monitoring_category"])
            _add(counts, child, index, row["households"], width)
        colour = row["risk_level"] or UNRATED
        _add(counts, child, 2 + len(_CATEGORIES) + _COLOURS.index(colour), row["households"], width)
    return counts


@dataclass(frozen=True)
class PastStatus:
    village_code: str
    household_type: str
    monitoring_category: str
    risk_types: list[str]
    household_id: int


def statuses_as_of(code: str, as_of: date) -> list[PastStatus]:
    """Each household's status on `as_of`, folded from the events up to that day."""
    events = (
        HouseholdStatusEvent.objects.filter(
            tally_filter(code, "household__village__code"), occurred_on__lte=as_of
        )
        .order_by("household_id", "occurred_on", "id")
        .values_list(
            "household_id",
            "household__village_id",
            "kind",
            "year",
            "monitoring_category",
            "risk_types",
        )
    )
    statuses: list[PastStatus] = []
    current: int | None = None
    village = ""
    facts: list[EventFacts] = []
    risk_types: list[str] = []

    def close() -> None:
        if current is not None:
            derived = derive_status(facts)
            statuses.append(
                PastStatus(
                    village,
                    derived.household_type,
                    derived.monitoring_category,
                    risk_types,
                    current,
                )
            )

    for household_id, village_code, kind, year, category, types in events.iterator(chunk_size=5000):
        if household_id != current:
            close()
            current, village, facts, risk_types = household_id, village_code, [], []
        facts.append(EventFacts(kind, year, category))
        if kind == HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED:
            risk_types = [str(value) for value in types or []]
    close()
    return statuses


def _monitored_as_of(frame: _Frame, code: str, as_of: date) -> dict[str, list[Value]]:
    width = 2 + len(_CATEGORIES)
    counts: dict[str, list[Value]] = {}
    for status in statuses_as_of(code, as_of):
        if status.household_type != HouseholdType.MONITORED:
            continue
        child = frame.child_of(status.village_code)
        _add(counts, child, 0, 1, width)
        if status.monitoring_category in _CATEGORIES:
            _add(counts, child, 2 + _CATEGORIES.index(status.monitoring_category), 1, width)
    return counts


# --- 风险类型 -----------------------------------------------------------------------------

_RISK_TYPES = [value for value, _label in RiskType.choices]


def _risk_type_current(frame: _Frame, code: str) -> dict[str, list[Value]]:
    width = len(_RISK_TYPES)
    counts: dict[str, list[Value]] = {}
    for row in (
        RiskTypeTally.objects.filter(tally_rows(code))
        .annotate(child=Substr("village_code", 1, frame.child_length))
        .values("child", "risk_type")
        .annotate(households=Sum("households"))
        .order_by()
    ):
        if row["risk_type"] in _RISK_TYPES:
            _add(
                counts, row["child"], _RISK_TYPES.index(row["risk_type"]), row["households"], width
            )
    return counts


def _risk_type_as_of(frame: _Frame, code: str, as_of: date) -> dict[str, list[Value]]:
    width = len(_RISK_TYPES)
    counts: dict[str, list[Value]] = {}
    for status in statuses_as_of(code, as_of):
        if status.household_type != HouseholdType.MONITORED:
            continue
        for risk_type in dict.fromkeys(status.risk_types):
            if risk_type in _RISK_TYPES:
                _add(
                    counts,
                    frame.child_of(status.village_code),
                    _RISK_TYPES.index(risk_type),
                    1,
                    width,
                )
    return counts


# --- 风险消除 -----------------------------------------------------------------------------

_METHODS = [value for value, _label in EliminationMethod.choices]


def _elimination(frame: _Frame, code: str, year: int, as_of: date | None) -> dict[str, list[Value]]:
    width = 1 + len(_METHODS)
    counts: dict[str, list[Value]] = {}
    kind = HouseholdStatusEvent.Kind.RISK_ELIMINATED
    if as_of is None:
        rows = (
            EventTally.objects.filter(tally_rows(code), kind=kind, year=year)
            .annotate(child=Substr("village_code", 1, frame.child_length))
            .values("child", "elimination_method")
            .annotate(events=Sum("events"))
            .order_by()
        )
        pairs = [(row["child"], row["elimination_method"], row["events"]) for row in rows]
    else:
        events = (
            HouseholdStatusEvent.objects.filter(
                tally_filter(code, "household__village__code"),
                kind=kind,
                occurred_on__year=year,
                occurred_on__lte=as_of,
            )
            .annotate(child=Substr("household__village_id", 1, frame.child_length))
            .values("child", "elimination_method")
            .annotate(events=Count("pk"))
            .order_by()
        )
        pairs = [(row["child"], row["elimination_method"], row["events"]) for row in events]
    for child, method, number in pairs:
        _add(counts, child, 0, number, width)
        if method in _METHODS:
            _add(counts, child, 1 + _METHODS.index(method), number, width)
    return counts


# --- 收入 ---------------------------------------------------------------------------------

_SOURCES = [
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_expense",
]


def _income(frame: _Frame, code: str, year: int) -> dict[str, list[Value]]:
    width = 3 + len(_SOURCES) + 1
    counts: dict[str, list[Value]] = {}
    for row in (
        IncomeTally.objects.filter(tally_rows(code), year=year)
        .annotate(child=Substr("village_code", 1, frame.child_length))
        .values("child")
        .annotate(
            household_count=Sum("households"),
            people_count=Sum("people"),
            below=Sum("households", filter=Q(band=IncomeTally.Band.BELOW)),
            **{f"sum_{source}": Sum(source) for source in _SOURCES},
        )
        .order_by()
    ):
        child = row["child"]
        _add(counts, child, 0, row["household_count"] or 0, width)
        _add(counts, child, 1, row["people_count"] or 0, width)
        _add(counts, child, 2, row["below"] or 0, width)
        for index, source in enumerate(_SOURCES):
            _add(counts, child, 3 + index, row[f"sum_{source}"] or Decimal(0), width)
        net = sum((row[f"sum_{source}"] or Decimal(0) for source in _SOURCES[:4]), Decimal(0)) - (
            row["sum_business_expense"] or Decimal(0)
        )
        _add(counts, child, 3 + len(_SOURCES), net, width)
    return counts


def _income_groups() -> list[ColumnGroup]:
    return [
        ColumnGroup(_("有收支记录"), [_("户数"), _("人数"), _("低于监测范围（户）")]),
        ColumnGroup(
            _("收入构成（元）"),
            [_("工资性收入"), _("生产经营性收入"), _("财产性收入"), _("转移性收入")],
        ),
        ColumnGroup(_("支出与纯收入（元）"), [_("生产经营性支出"), _("家庭纯收入")]),
    ]


# --- 帮扶措施覆盖 ---------------------------------------------------------------------------

_COVERAGE_FIELDS = ["monitored", *(figure.value for figure in CoverageFigure)]


def _coverage_groups() -> list[ColumnGroup]:
    return [
        ColumnGroup(_("监测中"), [_("户数")]),
        ColumnGroup(
            _("帮扶措施覆盖（户）"),
            [_("有本年帮扶计划"), _("有已落实的开发式措施"), _("有帮扶责任人"), _("走访逾期")],
        ),
    ]


def _coverage(frame: _Frame, code: str) -> dict[str, list[Value]]:
    width = len(_COVERAGE_FIELDS)
    counts: dict[str, list[Value]] = {}
    for row in (
        CoverageTally.objects.filter(tally_rows(code))
        .annotate(child=Substr("village_code", 1, frame.child_length))
        .values("child")
        .annotate(**{f"sum_{field}": Sum(field) for field in _COVERAGE_FIELDS})
        .order_by()
    ):
        for index, field in enumerate(_COVERAGE_FIELDS):
            _add(counts, row["child"], index, row[f"sum_{field}"] or 0, width)
    return counts


def report_build(
    *,
    scope: RegionScope,
    kind: ReportKind,
    region_code: str,
    year: int,
    as_of: date | None = None,
) -> Report:
    """One standard report for a region in scope (NotFoundError outside it). `as_of` reads
    the status history up to that day instead of today's figures. The coverage report has
    current figures only (ApplicationError with `as_of`) and is for the offices that see
    every household's assistance (PermissionDeniedError for a responsible cadre)."""
    if kind == ReportKind.COVERAGE:
        if as_of is not None:
            raise ApplicationError(coverage_as_of_refusal(), code="as_of")
        if not sees_whole_region(scope):
            raise PermissionDeniedError(_("帮扶责任人只能查看自己帮扶户的帮扶情况。"))
    frame = _frame(scope, region_code)
    code = frame.region.code if frame.region else ""
    notes: list[str] = []
    builders: dict[ReportKind, Callable[[], tuple[list[ColumnGroup], dict[str, list[Value]]]]] = {
        ReportKind.MONITORED: lambda: (
            _monitored_groups(with_colours=as_of is None),
            _monitored_as_of(frame, code, as_of) if as_of else _monitored_current(frame, code),
        ),
        ReportKind.RISK_TYPES: lambda: (
            [
                ColumnGroup(
                    _("致贫返贫风险类型（户，可多选）"),
                    [str(label) for _v, label in RiskType.choices],
                )
            ],
            _risk_type_as_of(frame, code, as_of) if as_of else _risk_type_current(frame, code),
        ),
        ReportKind.ELIMINATION: lambda: (
            [
                ColumnGroup(
                    _("风险消除（户次）"),
                    [_("合计"), *(str(label) for _v, label in EliminationMethod.choices)],
                )
            ],
            _elimination(frame, code, year, as_of),
        ),
        ReportKind.INCOME: lambda: (_income_groups(), _income(frame, code, year)),
        ReportKind.COVERAGE: lambda: (_coverage_groups(), _coverage(frame, code)),
    }
    groups, counts = builders[kind]()
    if kind == ReportKind.MONITORED and as_of is not None:
        notes.append(
            _("按状态变更历史还原到截止日期；风险等级和人数只有当前值，历史报表不含这两项。")
        )
        counts = {child: [values[0], *values[2:]] for child, values in counts.items()}
        groups[0] = ColumnGroup(_("监测户"), [_("户数")])
    if kind == ReportKind.INCOME:
        notes.append(_("收入按年度收支记录统计，纯收入 = 四项收入 − 生产经营性支出。"))
    if kind == ReportKind.COVERAGE:
        notes.append(
            _("帮扶措施覆盖按当前情况统计（本年帮扶计划指当年的计划），不按所选年度还原。")
        )
    width = sum(len(group.columns) for group in groups)
    rows, totals = _rows(frame, counts, width)
    level = frame.region.level if frame.region else None
    return Report(
        kind=kind,
        title=report_titles()[kind],
        region_code=code,
        region_name=frame.region.name if frame.region else _("全国"),
        year=year,
        as_of=as_of,
        row_heading=_("村") if level in (RegionLevel.TOWN, RegionLevel.VILLAGE) else _("区划"),
        groups=groups,
        rows=rows,
        totals=totals,
        notes=notes,
    )


def coverage_as_of_refusal() -> str:
    return _("帮扶措施覆盖统计表只有当前情况，不能按截止日期还原，请清空截止日期。")


def report_as_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data (`fupin report --json`)."""
    columns = [f"{group.label}/{column}" for group in report.groups for column in group.columns]
    return {
        "kind": report.kind.value,
        "title": report.title,
        "region_code": report.region_code,
        "region_name": report.region_name,
        "year": report.year,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "columns": columns,
        "rows": [
            {"code": row.code, "name": row.name, "values": [str(value) for value in row.values]}
            for row in report.rows
        ],
        "totals": [str(value) for value in report.totals],
    }
