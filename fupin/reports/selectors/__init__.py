"""Report reads, split by sub-domain: the dashboards, the module figures, the standard
reports, exit indicators and multidimensional poverty."""

from fupin.reports.selectors.dashboard import (
    ChildRow,
    Dashboard,
    Figure,
    dashboard_for,
)

__all__ = [
    "ChildRow",
    "Dashboard",
    "Figure",
    "dashboard_for",
]
