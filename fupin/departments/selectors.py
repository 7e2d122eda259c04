"""Reads of department data, 疑点 and the data-quality index, always within a scope."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, FloatField, Max, QuerySet, Sum, Value
from django.db.models.functions import Least
from django.utils.translation import gettext as _

from fupin.accounts.models import RegionAssignment, User
from fupin.accounts.scoping import ROLE_RULES, scope_for
from fupin.accounts.selectors import user_list
from fupin.core.errors import NotFoundError
from fupin.core.region_codes import RegionLevel, level_of
from fupin.core.scope import CODE_LENGTHS, Capability, RegionScope, region_path_codes
from fupin.departments.models import (
    ComparisonCadence,
    ComparisonRule,
    ComparisonRun,
    DepartmentToken,
    DuplicateCandidate,
    DuplicateStatus,
    FeedBatch,
    FeedRow,
    Finding,
    FindingStatus,
    QualityRule,
)
from fupin.registry.models import Household, HouseholdStatus, Member, Region

OPEN_FINDING_STATUSES = (FindingStatus.VILLAGE, FindingStatus.TOWNSHIP)
# Households that a quality index counts: every registered household still in the registry.
_INDEXED_STATUSES = [s for s in HouseholdStatus.values if s != HouseholdStatus.CANCELLED]


def feed_row_values(
    household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[FeedRow, dict[str, Any]]:
    """The feed rows about the active members of some households, as `values(*fields)`."""
    id_numbers = Member.objects.filter(household_id__in=household_ids, is_active=True).values(
        "id_number"
    )
    records: QuerySet[FeedRow, dict[str, Any]] = FeedRow.objects.filter(
        id_number__in=id_numbers
    ).values(*fields)
    return records


def effective_rules(queryset: QuerySet[Any, Any], *, region_code: str) -> list[Any]:
    """The rules that reach `region_code`, the most specific region's row of each code."""
    chosen: dict[str, Any] = {}
    for rule in queryset.filter(region_code__in=region_path_codes(region_code)).order_by(
        "code", "region_code"
    ):
        chosen[rule.code] = rule
    return list(chosen.values())


def comparison_rules_for(*, kind: str, region_code: str) -> list[ComparisonRule]:
    """The active comparison rules of a feed kind in a region."""
    rules = effective_rules(ComparisonRule.objects.filter(feed_kind=kind), region_code=region_code)
    return [rule for rule in rules if rule.is_active]


def quality_rules_for(*, region_code: str) -> list[QualityRule]:
    """Every quality rule in a region, active or not (the most specific region's row)."""
    return effective_rules(QualityRule.objects.all(), region_code=region_code)


def comparison_cadence_for(*, region_code: str) -> ComparisonCadence | None:
    """The cadence of a region: its own row, else the nearest region's above it (the
    nationwide row last); None when that row is switched off."""
    rows = ComparisonCadence.objects.filter(region_code__in=region_path_codes(region_code))
    nearest = max(rows, key=lambda row: len(row.region_code), default=None)
    return nearest if nearest is not None and nearest.is_active else None


def comparison_run_list(*, scope: RegionScope) -> QuerySet[ComparisonRun]:
    """The scheduled comparisons of the regions in the scope, newest period first."""
    return scope.filter(ComparisonRun.objects.select_related("region"), region_field="region__code")


def feed_batch_list(*, scope: RegionScope) -> QuerySet[FeedBatch]:
    """Feed deliveries for the scope's region and the regions inside it."""
    return scope.filter(
        FeedBatch.objects.select_related("region", "sent_by"), region_field="region__code"
    )


def finding_list(*, scope: RegionScope, status: str = "", rule_code: str = "") -> QuerySet[Finding]:
    """疑点 in the scope, newest first; `status` "open" means not closed."""
    findings = scope.filter(
        Finding.objects.select_related("household", "member", "village", "feed_row"),
        region_field="village__code",
    )
    if status == "open":
        findings = findings.filter(status__in=OPEN_FINDING_STATUSES)
    elif status:
        findings = findings.filter(status=status)
    if rule_code:
        findings = findings.filter(rule_code=rule_code)
    return findings


def finding_get(*, scope: RegionScope, finding_id: int) -> Finding:
    """One 疑点 in the scope, or NotFoundError."""
    finding = (
        Finding.objects.select_related("household", "member", "village", "feed_row")
        .filter(pk=finding_id)
        .first()
    )
    message = _("疑点不存在或不在您的管辖范围内。")
    if finding is None:
        raise NotFoundError(message)
    scope.require_visible(finding.village_id, message)
    return finding


@dataclass(frozen=True)
class QualityIndex:
    """数据质量指数 of one region: the weighted share of households without an open 疑点."""

    region_code: str
    region_name: str
    households: int
    households_with_findings: int
    open_findings: int
    index: float


def _index(households: int, penalty: float) -> float:
    if households == 0:
        return 100.0
    return round(100.0 * (1.0 - min(penalty, households) / households), 1)


def quality_index_list(
    *, scope: RegionScope, level: RegionLevel | None = None
) -> list[QualityIndex]:
    """The quality index of every region one level below the scope (or at `level`), worst
    first. A household with open 疑点 counts the largest weight among them (weights come
    from the rules, so a province can make some checks count less)."""
    own_level = level_of(scope.prefix) if scope.prefix else None
    if level is None:
        level = RegionLevel(min(int(own_level or 0) + 1, int(RegionLevel.VILLAGE)))
    length = CODE_LENGTHS[int(level) - 1]
    households = scope.filter(
        Household.objects.filter(status__in=_INDEXED_STATUSES), region_field="village__code"
    )
    counts: dict[str, int] = {}
    for village, count in (
        households.values_list("village_id").annotate(n=Count("id")).values_list("village_id", "n")
    ):
        counts[village[:length]] = counts.get(village[:length], 0) + count
    open_findings = scope.filter(
        Finding.objects.filter(status__in=OPEN_FINDING_STATUSES), region_field="village__code"
    )
    penalty: dict[str, float] = {}
    flagged: dict[str, int] = {}
    finding_counts: dict[str, int] = {}
    for village, weight, number in (
        open_findings.values("household_id", "village_id")
        .annotate(weight=Max("weight"), number=Count("id"))
        .values_list("village_id", "weight", "number")
    ):
        key = village[:length]
        penalty[key] = penalty.get(key, 0.0) + min(float(weight), 1.0)
        flagged[key] = flagged.get(key, 0) + 1
        finding_counts[key] = finding_counts.get(key, 0) + number
    codes = sorted(set(counts) | set(finding_counts))
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = [
        QualityIndex(
            region_code=code,
            region_name=names.get(code, code),
            households=counts.get(code, 0),
            households_with_findings=flagged.get(code, 0),
            open_findings=finding_counts.get(code, 0),
            index=_index(counts.get(code, 0), penalty.get(code, 0.0)),
        )
        for code in codes
    ]
    return sorted(rows, key=lambda row: (row.index, row.region_code))


def quality_index_for(scope: RegionScope) -> QualityIndex:
    """The quality index of the scope's own region (nationwide for an empty prefix)."""
    households = scope.filter(
        Household.objects.filter(status__in=_INDEXED_STATUSES), region_field="village__code"
    ).count()
    return quality_index_from(scope, households=households)


def quality_index_from(scope: RegionScope, *, households: int) -> QualityIndex:
    """The quality index of the scope's own region given its count of households still in
    the registry (not cancelled): the home page takes it from its tallies instead of
    counting a province's millions of households per request (ADR 0022)."""
    # Added up in the database: a province's open 疑点 may touch a hundred thousand
    # households, which the page should not fetch one row each to add up.
    totals = (
        scope.filter(
            Finding.objects.filter(status__in=OPEN_FINDING_STATUSES), region_field="village__code"
        )
        .values("household_id")
        .annotate(weight=Max("weight"), number=Count("id"))
        .aggregate(
            households=Count("household_id"),
            findings=Sum("number"),
            penalty=Sum(Least("weight", Value(1.0, output_field=FloatField()))),
        )
    )
    return QualityIndex(
        region_code=scope.prefix,
        region_name=scope.region_name,
        households=households,
        households_with_findings=totals["households"] or 0,
        open_findings=totals["findings"] or 0,
        index=_index(households, float(totals["penalty"] or 0.0)),
    )


@dataclass(frozen=True)
class DepartmentCaller:
    """Who pushes with an API key: the department account and the scope it acts in."""

    token: DepartmentToken
    scope: RegionScope


def department_caller(key: str) -> DepartmentCaller | None:
    """The account behind an API key that is not revoked, whose account is active and still
    assigned to deliver department data; None otherwise."""
    token = (
        DepartmentToken.objects.select_related("user")
        .filter(
            key_digest=hashlib.sha256(key.encode()).hexdigest(),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    scope = scope_for(token.user)
    if scope is None or not scope.can(Capability.UPLOAD_FEEDS):
        return None
    return DepartmentCaller(token=token, scope=scope)


def department_token_list(*, scope: RegionScope) -> QuerySet[DepartmentToken]:
    """The API keys of the accounts inside the scope, revoked ones too, newest first."""
    return (
        DepartmentToken.objects.filter(user__in=user_list(scope=scope).values("pk"))
        .select_related("user", "issued_by")
        .order_by("-created_at", "-id")
    )


def feed_account_list(*, scope: RegionScope) -> QuerySet[User]:
    """The active accounts inside the scope whose role delivers department data: those an
    API key may be issued to."""
    roles = [
        role
        for role, rule in ROLE_RULES.items()
        if Capability.UPLOAD_FEEDS in rule.capabilities | rule.duties
    ]
    # Feeds are delivered for a region, so a nationwide account has nothing to push.
    assignments = scope.filter(
        RegionAssignment.objects.filter(
            is_active=True, role__in=roles, user__is_active=True, region__isnull=False
        ),
        region_field="region__code",
    )
    return User.objects.filter(pk__in=assignments.values("user_id")).order_by("username")


def duplicate_candidate_list(
    *, scope: RegionScope, status: str = DuplicateStatus.PENDING
) -> QuerySet[DuplicateCandidate]:
    """Duplicate candidates with both records inside the scope, oldest proposal first."""
    candidates = DuplicateCandidate.objects.select_related(
        "kept__household__village", "other__household__village"
    ).filter(status=status)
    both = scope.filter(
        scope.filter(candidates, region_field="kept__household__village__code"),
        region_field="other__household__village__code",
    )
    return both.order_by("created_at", "id")
