"""Report reads, split by sub-domain: the home page's counters, the dashboards, the standard
reports, exit indicators and multidimensional poverty."""

from fupin.reports.selectors.dashboard import (
    ChildRow,
    Dashboard,
    Figure,
    dashboard_for,
)
from fupin.reports.selectors.home import StatCard, home_stats

__all__ = [
    "ChildRow",
    "Dashboard",
    "Figure",
    "StatCard",
    "dashboard_for",
    "home_stats",
]
