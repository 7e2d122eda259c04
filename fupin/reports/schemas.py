from datetime import date

from ninja import Schema


class FigureOut(Schema):
    key: str
    label: str
    value: int
    # The household list's filter that lists exactly these households (None: not a list).
    household_filter: dict[str, str] | None


class CoverageOut(Schema):
    figure: str
    label: str
    value: int


class ChildRowOut(Schema):
    code: str
    name: str
    households: int
    monitored: int
    colours: list[FigureOut]
    identified_this_year: int
    eliminated_this_year: int
    below_line: int | None
    overdue_cases: int
    # 帮扶措施覆盖 of the region (empty for a responsible cadre, who sees their own only).
    coverage: list[CoverageOut]


class DashboardOut(Schema):
    region_code: str
    region_name: str
    households: int
    people: int
    types: list[FigureOut]
    categories: list[FigureOut]
    colours: list[FigureOut]
    events: list[FigureOut]
    overdue_cases: int
    income_year: int | None
    income: list[FigureOut]
    children: list[ChildRowOut]
    # 帮扶措施覆盖: the monitored households the caller may see and each coverage figure.
    assistance_monitored: int
    coverage: list[CoverageOut]
    # The day the coverage counts as of (today, unless today's recount is still running).
    coverage_counted_on: date
    quality_index: float


class ReportOut(Schema):
    kind: str
    title: str
    region_code: str
    region_name: str
    year: int
    as_of: str | None
    columns: list[str]
    rows: list[dict[str, object]]
    totals: list[str]
