"""The assistance rules that apply to a region (AssistanceSetting rows, most specific
first)."""

from django.utils.translation import gettext as _

from fupin.assistance.models import AssistanceSetting
from fupin.core.errors import NotFoundError


def setting_for(
    region_code: str, *, rows: list[AssistanceSetting] | None = None
) -> AssistanceSetting:
    """The most specific setting whose region code prefixes `region_code` (among `rows`,
    already read for a loop, or the table). The seeding migration writes the nationwide
    row; without it the rules are unknown, which is refused rather than guessed."""
    rows = rows if rows is not None else list(AssistanceSetting.objects.all())
    found = max(
        (row for row in rows if region_code.startswith(row.region_code)),
        key=lambda row: len(row.region_code),
        default=None,
    )
    if found is None:
        raise NotFoundError(_("尚未配置帮扶规则。"))
    return found


def all_settings() -> list[AssistanceSetting]:
    """Every setting row (a handful: nationwide and the provinces or counties that differ)."""
    return list(AssistanceSetting.objects.all())


def visit_interval_days(setting: AssistanceSetting, risk_level: str) -> int:
    """Days allowed between two visits for a household of `risk_level`."""
    days = setting.visit_days_by_level
    return int(days.get(risk_level, days.get("", 30)))
