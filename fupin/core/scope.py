"""The shape of a user's region scope. The rules that decide a user's scope live in
`fupin.accounts.scoping`; this module only holds the mechanism so that every app, low or
high in the layers, can filter by it."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError, PermissionDeniedError

ModelT = TypeVar("ModelT", bound=models.Model)

# Length of a region code at each level: province, city, county, town, village.
CODE_LENGTHS = (2, 4, 6, 9, 12)


def region_path_codes(region_code: str) -> list[str]:
    """The codes from nationwide ("") down to `region_code` itself: the regions whose rules
    and parameters apply to it."""
    return ["", *(region_code[:length] for length in CODE_LENGTHS if length <= len(region_code))]


class Capability(StrEnum):
    """What a role may do beyond seeing its region. Roles get them in accounts.scoping."""

    VIEW_AUDIT = "audit.view"
    MANAGE_USERS = "accounts.manage_users"
    LOAD_REGIONS = "registry.load_regions"
    EDIT_REGISTRY = "registry.edit"
    VIEW_PERSONAL_DATA = "registry.view_personal_data"
    RUN_ASSESSMENT = "assessment.run"
    MANAGE_POLICY = "assessment.manage_policy"
    MANAGE_CALENDAR = "monitoring.manage_calendar"
    # Monitoring duties: the steps a post performs at its own level (accounts.scoping).
    REGISTER_CLUES = "monitoring.register_clues"
    PROPOSE_ELIMINATION = "monitoring.propose_elimination"
    GENERATE_WARNINGS = "monitoring.generate_warnings"
    HANDLE_VILLAGE_STEPS = "monitoring.handle_village_steps"
    HANDLE_TOWNSHIP_STEPS = "monitoring.handle_township_steps"
    HANDLE_COUNTY_STEPS = "monitoring.handle_county_steps"
    WATCH_CALENDAR = "monitoring.watch_calendar"
    # Assistance (帮扶): offices manage cadres, plans and measures in their region; a
    # responsible cadre helps, and sees, only the households assigned to them.
    MANAGE_ASSISTANCE = "assistance.manage"
    HELP_ASSIGNED_HOUSEHOLDS = "assistance.help_assigned_households"
    # Rectification (issue #16): seeing who complained is a right; the rest are duties.
    VIEW_COMPLAINANT = "rectification.view_complainant"
    RECTIFY = "rectification.rectify"
    REVIEW_RECTIFICATION = "rectification.review"
    REGISTER_COMPLAINTS = "rectification.register_complaints"
    HANDLE_COMPLAINTS = "rectification.handle_complaints"
    MANAGE_CAMPAIGNS = "rectification.manage_campaigns"
    VISIT_HOUSEHOLDS = "rectification.visit_households"
    # Finance duties (issue #15): the county keeps loans and funds and decides projects,
    # the village proposes them and the township reviews them.
    MANAGE_LOANS = "finance.manage_loans"
    MANAGE_FUNDS = "finance.manage_funds"
    PROPOSE_PROJECTS = "finance.propose_projects"
    REVIEW_PROJECTS = "finance.review_projects"
    DECIDE_PROJECTS = "finance.decide_projects"
    # Department data and its 疑点 (fupin.departments).
    UPLOAD_FEEDS = "departments.upload_feeds"
    ANSWER_FINDINGS = "departments.answer_findings"
    REVIEW_FINDINGS = "departments.review_findings"
    RECORD_EXIT_INDICATORS = "reports.record_exit_indicators"


@dataclass(frozen=True)
class RegionScope:
    """What one user, acting in one role, may see and do.

    `prefix` is the region-code prefix of everything visible ("" means the whole country);
    `root_prefix` is the assignment's own region, which `prefix` may narrow (drill-down).
    """

    role: str
    role_label: str
    prefix: str
    root_prefix: str
    region_name: str
    capabilities: frozenset[Capability] = field(default_factory=frozenset)
    assignment_id: int | None = None

    @classmethod
    def for_command(
        cls, region: str, *, capabilities: frozenset[Capability] = frozenset()
    ) -> "RegionScope":
        """The scope of a management command an operator runs on the server: everything
        inside `region` ("" for the whole country), as no signed-in user."""
        return cls(
            role="system",
            role_label="",
            prefix=region,
            root_prefix=region,
            region_name="",
            capabilities=capabilities,
        )

    def contains(self, region_code: str) -> bool:
        return region_code.startswith(self.prefix)

    def contains_root(self, region_code: str) -> bool:
        return region_code.startswith(self.root_prefix)

    def applies_or_inside(self, region_code: str, *, root: bool = False) -> bool:
        """Whether a region's rules reach the scope (nationwide, an ancestor or the region
        itself) or the region lies inside it; `root` asks about the assignment's own region
        instead of the drill-down focus."""
        own = self.root_prefix if root else self.prefix
        return own.startswith(region_code) or region_code.startswith(own)

    def filter_applies_or_inside(
        self, queryset: models.QuerySet[ModelT], *, region_field: str
    ) -> models.QuerySet[ModelT]:
        """`applies_or_inside` as a query filter."""
        if not self.prefix:
            return queryset
        return queryset.filter(
            models.Q(**{f"{region_field}__in": region_path_codes(self.prefix)})
            | models.Q(**{f"{region_field}__startswith": self.prefix})
        )

    def filter(
        self, queryset: models.QuerySet[ModelT], *, region_field: str
    ) -> models.QuerySet[ModelT]:
        if not self.prefix:
            return queryset
        if len(self.prefix) == CODE_LENGTHS[-1]:
            # A village code has no descendants, so its prefix match is an equality, which
            # PostgreSQL answers from the village's index; a LIKE prefix made it walk a
            # million households by number (load test, issue #17).
            return queryset.filter(**{region_field: self.prefix})
        # Region codes are digits, at most twelve, so the codes under a prefix are exactly
        # those between it and the prefix padded with nines. PostgreSQL estimates a range
        # from its histogram; a LIKE prefix it guessed at 90 rows for a township of 746,
        # and walked a million households in 户编号 order to fill the first page (issue #17).
        last = self.prefix.ljust(CODE_LENGTHS[-1], "9")
        return queryset.filter(**{f"{region_field}__range": (self.prefix, last)})

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def require(self, capability: Capability) -> None:
        if not self.can(capability):
            raise PermissionDeniedError(_("您的角色无权执行此操作。"))

    def require_visible(self, region_code: str, message: str) -> None:
        """Refuse an object outside the scope as not found (`message` names what), so a
        guessed id does not even confirm that the object exists."""
        if not self.contains(region_code):
            raise NotFoundError(message)

    def require_region(self, region_code: str) -> None:
        if not self.contains(region_code):
            raise PermissionDeniedError(_("该区划不在您的管辖范围内。"))
