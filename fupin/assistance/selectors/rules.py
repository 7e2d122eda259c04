"""The assistance rules that apply to a region (AssistanceSetting rows, most specific
first)."""

from django.utils.translation import gettext as _

from fupin.assistance.models import AssistanceSetting
from fupin.core.errors import NotFoundError


def setting_for(region_code: str) -> AssistanceSetting:
    """The most specific setting whose region code prefixes `region_code`. The seeding
    migration writes the nationwide row; without it the rules are unknown, which is refused
    rather than guessed."""
    rows = AssistanceSetting.objects.all()
    found = max(
        (row for row in rows if region_code.startswith(row.region_code)),
        key=lambda row: len(row.region_code),
        default=None,
    )
    if found is None:
        raise NotFoundError(_("尚未配置帮扶规则。"))
    return found


def visit_interval_days(setting: AssistanceSetting, risk_level: str) -> int:
    """Days allowed between two visits for a household of `risk_level`."""
    days = setting.visit_days_by_level
    return int(days.get(risk_level, days.get("", 30)))
