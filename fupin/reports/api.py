from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from fupin.core.api import api_scope
from fupin.reports.schemas import ChildRowOut, CoverageOut, DashboardOut, FigureOut, ReportOut
from fupin.reports.selectors import Figure, dashboard_for
from fupin.reports.selectors.modules import module_figures
from fupin.reports.selectors.standard import ReportKind, report_as_dict, report_build
from fupin.reports.tallies import PAGE_RECOUNT_LIMIT, tally_catch_up

router = Router(tags=["reports"])


def _figure(figure: Figure) -> FigureOut:
    return FigureOut(
        key=figure.key, label=figure.label, value=figure.value, household_filter=figure.query
    )


@router.get("/dashboard", response=DashboardOut)
def dashboard(request: HttpRequest, region: str = "") -> DashboardOut:
    """The dashboard figures of a region in the caller's scope (default: the scope's own)."""
    tally_catch_up(recount_limit=PAGE_RECOUNT_LIMIT)
    scope = api_scope(request)
    # django_auth has let only a signed-in account through; the check tells the type.
    user = request.user
    if not isinstance(user, AbstractBaseUser):
        raise HttpError(401, _("请先登录。"))
    board = dashboard_for(scope=scope, region_code=region)
    modules = module_figures(scope=scope, user=user, region_code=region, today=board.today)
    return DashboardOut(
        region_code=board.region.code if board.region else "",
        region_name=board.region.name if board.region else "",
        households=board.households,
        people=board.people,
        types=[_figure(figure) for figure in board.types],
        categories=[_figure(figure) for figure in board.categories],
        colours=[_figure(figure) for figure in board.colours],
        events=[_figure(figure) for figure in board.events],
        overdue_cases=board.overdue,
        income_year=board.income_year,
        income=[_figure(figure) for figure in board.income],
        children=[
            ChildRowOut(
                code=row.code,
                name=row.name,
                households=row.households,
                monitored=row.monitored,
                colours=[_figure(figure) for figure in row.colours],
                identified_this_year=row.identified_year,
                eliminated_this_year=row.eliminated_year,
                below_line=row.below_line.value if row.below_line else None,
                overdue_cases=row.overdue,
                coverage=[
                    CoverageOut(figure=cell.figure.value, label=cell.label, value=cell.value)
                    for cell in row.coverage
                ],
            )
            for row in board.children
        ],
        assistance_monitored=modules.monitored,
        coverage=[
            CoverageOut(figure=item.figure.value, label=item.label, value=item.value)
            for item in modules.coverage
        ],
        coverage_counted_on=modules.coverage_counted_on,
        quality_index=modules.quality.index,
    )


@router.get("/reports/{kind}", response=ReportOut)
def report(
    request: HttpRequest, kind: ReportKind, year: int, region: str = "", as_of: date | None = None
) -> ReportOut:
    """A standard report by region with totals; `as_of` rebuilds it from the status history."""
    tally_catch_up(recount_limit=PAGE_RECOUNT_LIMIT)
    built = report_build(
        scope=api_scope(request), kind=kind, region_code=region, year=year, as_of=as_of
    )
    return ReportOut(**report_as_dict(built))
