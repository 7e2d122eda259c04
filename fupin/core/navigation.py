"""The sidebar as data: each entry's page, icon, the capability it needs and which pages
highlight it. `core.templatetags.navigation` turns it into the menu for the current request."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.core.scope import Capability, RegionScope


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    # Pages whose view name starts with one of these also highlight the entry.
    prefixes: tuple[str, ...] = ()
    capability: Capability | None = None

    def is_active(self, view_name: str) -> bool:
        return view_name == self.url_name or view_name.startswith(self.prefixes)

    def is_visible(self, scope: RegionScope) -> bool:
        return self.capability is None or scope.can(self.capability)


NAVIGATION: tuple[NavItem, ...] = (
    # Daily work first (to-dos, households, cases, help), then the modules, then the
    # office's settings and records.
    NavItem(_("首页"), "reports:home", "bi-house"),
    NavItem(_("我的待办"), "monitoring:todo", "bi-list-check"),
    NavItem(
        _("我的帮扶户"),
        "assistance:my-households",
        "bi-person-heart",
        prefixes=("assistance:my-", "assistance:visit-"),
        capability=Capability.HELP_ASSIGNED_HOUSEHOLDS,
    ),
    NavItem(
        _("农户"),
        "registry:household-list",
        "bi-house-heart",
        prefixes=("registry:household-", "registry:member-"),
    ),
    NavItem(
        _("监测工作"),
        "monitoring:case-list",
        "bi-shield-exclamation",
        prefixes=("monitoring:case-", "monitoring:announcements"),
    ),
    NavItem(
        _("帮扶责任人"),
        "assistance:cadre-list",
        "bi-person-badge",
        prefixes=("assistance:cadre-", "assistance:work-team"),
        capability=Capability.MANAGE_ASSISTANCE,
    ),
    NavItem(
        _("部门数据"),
        "feeds:upload",
        "bi-database-check",
        prefixes=("feeds:",),
        capability=Capability.UPLOAD_FEEDS,
    ),
    NavItem(_("数据质量"), "departments:quality", "bi-patch-check", prefixes=("departments:",)),
    NavItem(
        _("问题整改"),
        "rectification:problem-list",
        "bi-clipboard-check",
        prefixes=("rectification:problem-", "rectification:progress-", "rectification:ledger-"),
    ),
    NavItem(
        _("举报投诉"),
        "rectification:complaint-list",
        "bi-telephone-inbound",
        prefixes=("rectification:complaint-",),
        capability=Capability.HANDLE_COMPLAINTS,
    ),
    NavItem(
        _("排查回头看"),
        "rectification:campaign-list",
        "bi-card-checklist",
        prefixes=("rectification:campaign-", "rectification:visit-"),
    ),
    NavItem(
        _("项目库"),
        "finance:project-list",
        "bi-kanban",
        prefixes=("finance:project-", "finance:fund-", "finance:asset-", "finance:subsidy-"),
    ),
    NavItem(_("小额信贷"), "finance:loan-list", "bi-cash-coin", prefixes=("finance:loan-",)),
    NavItem(_("统计报表"), "reports:report", "bi-table", prefixes=("reports:report",)),
    NavItem(
        _("退出指标"),
        "reports:exit-overview",
        "bi-flag",
        prefixes=("reports:exit-", "reports:village-exit"),
    ),
    NavItem(
        _("批量导入"),
        "imports:upload",
        "bi-upload",
        prefixes=("imports:",),
        capability=Capability.EDIT_REGISTRY,
    ),
    NavItem(
        _("行政区划"), "registry:region-browse", "bi-diagram-3", prefixes=("registry:region-",)
    ),
    NavItem(_("监测评估"), "assessment:run-list", "bi-activity"),
    NavItem(_("政策参数"), "assessment:parameter-list", "bi-sliders"),
    NavItem(
        _("规则集"), "assessment:ruleset-list", "bi-journal-code", prefixes=("assessment:ruleset-",)
    ),
    NavItem(_("放假安排"), "monitoring:calendar", "bi-calendar3"),
    NavItem(_("后台任务"), "jobs:job-list", "bi-hourglass-split", prefixes=("jobs:",)),
    NavItem(
        _("用户与角色"),
        "accounts:user-list",
        "bi-people",
        prefixes=("accounts:user-",),
        capability=Capability.MANAGE_USERS,
    ),
    NavItem(
        _("部门接口密钥"),
        "department-keys:list",
        "bi-key",
        prefixes=("department-keys:",),
        capability=Capability.MANAGE_USERS,
    ),
    NavItem(
        _("审计日志"),
        "audit:event-list",
        "bi-journal-check",
        prefixes=("audit:",),
        capability=Capability.VIEW_AUDIT,
    ),
)


@dataclass(frozen=True)
class NavEntry:
    item: NavItem
    is_active: bool


def navigation_for(scope: RegionScope, view_name: str) -> list[NavEntry]:
    """The entries the scope may use, with the one for the current page marked."""
    return [
        NavEntry(item, item.is_active(view_name)) for item in NAVIGATION if item.is_visible(scope)
    ]
