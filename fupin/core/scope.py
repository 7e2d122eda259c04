"""The shape of a user's region scope. The rules that decide a user's scope live in
`fupin.accounts.scoping`; this module only holds the mechanism so that every app, low or
high in the layers, can filter by it."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from fupin.core.errors import PermissionDeniedError

ModelT = TypeVar("ModelT", bound=models.Model)

# Length of a region code at each level: province, city, county, town, village.
CODE_LENGTHS = (2, 4, 6, 9, 12)


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

    def contains(self, region_code: str) -> bool:
        return region_code.startswith(self.prefix)

    def contains_root(self, region_code: str) -> bool:
        return region_code.startswith(self.root_prefix)

    def filter(
        self, queryset: models.QuerySet[ModelT], *, region_field: str
    ) -> models.QuerySet[ModelT]:
        if not self.prefix:
            return queryset
        if len(self.prefix) == CODE_LENGTHS[-1]:
            # A village code has no descendants, so its prefix match is an equality, which
            # PostgreSQL answers from the (village, number) index in list order; a LIKE
            # prefix made it walk a million households by number (load test, issue #17).
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

    def require_region(self, region_code: str) -> None:
        if not self.contains(region_code):
            raise PermissionDeniedError(_("该区划不在您的管辖范围内。"))
