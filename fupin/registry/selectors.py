from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Collate, Left
from django.db.models.lookups import IsNull
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.models import AuditEvent
from fupin.core.errors import NotFoundError
from fupin.core.lookups import in_chunks
from fupin.core.region_codes import InvalidRegionCodeError, ancestors_of
from fupin.core.scope import CODE_LENGTHS, RegionScope
from fupin.registry import codes
from fupin.registry.models import (
    COUNTY_CODE_LENGTH,
    MEMBER_NAMES_SEPARATOR,
    Household,
    HouseholdConditions,
    HouseholdLevel,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
    Region,
    StaleHousehold,
)

REGION_SEARCH_LIMIT = 50


def region_list(*, scope: RegionScope) -> QuerySet[Region]:
    """Regions inside the scope (the scope's own region included)."""
    return scope.filter(Region.objects.all(), region_field="code")


def region_get(*, scope: RegionScope, code: str) -> Region:
    """One region in scope; NotFoundError when unknown or outside the scope."""
    region = region_list(scope=scope).filter(code=code).first()
    if region is None:
        raise NotFoundError(_("区划不存在或不在您的管辖范围内。"))
    return region


def region_children(*, scope: RegionScope, parent_code: str | None) -> QuerySet[Region]:
    """Direct children of a region in scope; None lists the scope's top regions."""
    regions = region_list(scope=scope)
    if parent_code is None:
        if not scope.prefix:
            return regions.filter(level=Region.Level.PROVINCE)
        return regions.filter(code=scope.prefix)
    return regions.filter(parent_id=parent_code)


def region_search(*, scope: RegionScope, query: str) -> list[Region]:
    """Regions in scope whose name contains the query (or whose code starts with it)."""
    query = query.strip()
    if not query:
        return []
    regions = region_list(scope=scope).select_related("parent__parent")
    if query.isdigit():
        regions = regions.filter(code__startswith=query)
    else:
        regions = regions.filter(name__contains=query)
    return list(regions.order_by("level", "code")[:REGION_SEARCH_LIMIT])


def region_path(*, scope: RegionScope, code: str) -> list[Region]:
    """The chain from the scope's root region down to `code`, for breadcrumbs and pickers."""
    try:
        codes = [*ancestors_of(code), code]
    except InvalidRegionCodeError:
        return []
    visible = [c for c in codes if scope.contains_root(c)]
    by_code = {region.code: region for region in Region.objects.filter(code__in=visible)}
    return [by_code[c] for c in visible if c in by_code]


def region_counts_by_level(*, scope: RegionScope) -> dict[int, int]:
    """How many regions of each level lie in the scope, below its own region."""
    rows = (
        region_list(scope=scope)
        .exclude(code=scope.prefix)
        .values("level")
        .annotate(count=Count("code"))
        .order_by("level")
    )
    return {row["level"]: row["count"] for row in rows}


# ---------------------------------------------------------------- households


@dataclass(frozen=True)
class HouseholdFilters:
    """What the household list can be narrowed by; empty values do not filter."""

    region_code: str = ""
    household_type: str = ""
    monitoring_category: str = ""
    poverty_attribute: str = ""
    cause: str = ""
    income_below: Decimal | None = None
    income_at_least: Decimal | None = None
    income_year: int | None = None
    has_disabled_or_seriously_ill: bool = False
    risk_level: str = ""
    monitoring_eligible: bool | None = None
    search: str = ""
    sort: str = "number"


HOUSEHOLD_SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "village": ("village_id", "number"),
    "income": ("latest_income", "number"),
    "-income": ("-latest_income", "number"),
    "members": ("member_count", "number"),
    "-members": ("-member_count", "number"),
}


def _latest_year_income(year: int | None) -> Subquery:
    years = HouseholdYear.objects.filter(household=OuterRef("pk"))
    if year is not None:
        years = years.filter(year=year)
    # The explicit output field makes SQLite's value a two-place Decimal, as on PostgreSQL.
    return Subquery(
        years.order_by("-year").values("per_capita_net_income")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def household_list(*, scope: RegionScope, filters: HouseholdFilters) -> QuerySet[Household]:
    """Households in scope matching the filters, with head name, size and latest per-capita
    net income annotated, sorted as asked."""
    households = scope.filter(Household.objects.all(), region_field="village__code")
    if filters.region_code:
        households = households.filter(village__code__startswith=filters.region_code)
    if filters.household_type:
        households = households.filter(household_type=filters.household_type)
    if filters.monitoring_category:
        households = households.filter(monitoring_category=filters.monitoring_category)
    if filters.poverty_attribute:
        households = households.filter(poverty_attribute=filters.poverty_attribute)
    if filters.risk_level:
        households = households.filter(level__risk_level=filters.risk_level)
        households = _colour_in_region(households, scope=scope, filters=filters)
    if filters.monitoring_eligible is not None:
        households = households.filter(level__is_monitoring_eligible=filters.monitoring_eligible)
    if filters.cause:
        households = households.filter(
            Q(primary_cause=filters.cause)
            | Q(other_cause_1=filters.cause)
            | Q(other_cause_2=filters.cause)
        )
    if filters.has_disabled_or_seriously_ill:
        households = households.filter(
            Exists(
                Member.objects.filter(
                    household=OuterRef("pk"),
                    is_active=True,
                    health__in=[codes.Health.DISABLED, codes.Health.SERIOUS_ILLNESS],
                )
            )
        )
    households = households.annotate(latest_income=_latest_year_income(filters.income_year))
    if filters.income_below is not None:
        households = households.filter(latest_income__lt=filters.income_below)
    if filters.income_at_least is not None:
        households = households.filter(latest_income__gte=filters.income_at_least)
    if filters.search.strip():
        households = households.filter(_search_condition(filters.search.strip()))
    head = Member.objects.filter(household=OuterRef("pk"), is_active=True, relation="01")
    return (
        households.annotate(
            head_name=Subquery(head.values("name")[:1]),
            member_count=F("active_member_count"),
            # None for a household not assessed yet (no HouseholdLevel row).
            risk_level=F("level__risk_level"),
            # Its level predates a change the assessment has not caught up with yet.
            is_assessment_stale=Exists(
                StaleHousehold.objects.filter(
                    household=OuterRef("pk"), version__gt=F("assessed_version")
                )
            ),
        )
        .select_related("village__parent")
        .order_by(*_ordering(filters.sort))
    )


def _colour_in_region(
    households: QuerySet[Household], *, scope: RegionScope, filters: HouseholdFilters
) -> QuerySet[Household]:
    """The region condition again, on the level row's copy of the village: PostgreSQL then
    reads a county's households of the colour from the levels' (colour, village) index
    and probes or joins their households, instead of joining the county's 100,000
    households with every level of the colour in the province (ADR 0029, "Colour by
    region"). The household's own condition stays: this one only narrows the levels."""
    region = scope.prefix
    if filters.region_code.isdigit() and len(filters.region_code) > len(region):
        region = filters.region_code
    if not region:
        return households
    last = region.ljust(CODE_LENGTHS[-1], "9")
    return households.filter(level__village_code__range=(region, last))


def household_list_numbers(
    households: QuerySet[Household], *, scope: RegionScope, filters: HouseholdFilters
) -> QuerySet[Household]:
    """`households` (a `household_list`) for picking a page's 户编号 in the list's order.

    A county's list also names its county as the county index's expression
    (registry_household_county_no), so that PostgreSQL reads the first pages from that
    index in 户编号 order and stops after them, instead of sorting the county's 100,000
    户编号 per page (issue #17). Only here: the totals read the index of village, type and
    size, and the same condition there costs a function call per household."""
    region = max(scope.prefix, filters.region_code, key=len)
    if len(region) != COUNTY_CODE_LENGTH:
        return households
    return households.alias(county=Left("village_id", COUNTY_CODE_LENGTH)).filter(county=region)


def _ordering(sort: str) -> list[str | OrderBy]:
    """The list's sort keys. On PostgreSQL 户编号 is compared byte by byte (COLLATE "C",
    SQLite's order too), which the unique index on 户编号 cannot serve: given that index, the
    planner walked it from the first 户编号 and filtered by county, reading 900,000 rows
    (4 s) for a county whose numbers sort last. Without it a county's 100,000 households
    are taken through the village index and the first page picked from them (issue #17)."""
    keys = HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS["number"])
    if connection.vendor != "postgresql":
        return list(keys)
    by_bytes = Collate(F("number"), "C")
    ordering: list[str | OrderBy] = []
    for key in keys:
        if key.lstrip("-") == "number":
            ordering.append(by_bytes.desc() if key.startswith("-") else by_bytes.asc())
        else:
            ordering.append(key)
    return ordering


def _search_condition(text: str) -> Q:
    """户编号 prefix, a member's name, or an ID number (full, or its last digits)."""
    normalized = text.upper()
    # Names are matched in the household's stored list of active members' names: probing
    # each household's members cost 0.65 s for one letter over a county of 100,000
    # households (issue #17). The separator is not a character anyone types.
    by_name = Q(active_member_names__contains=text.replace(MEMBER_NAMES_SEPARATOR, ""))
    if not (normalized[:-1].isdigit() and normalized[-1:] in set("0123456789X")):
        return Q(number__startswith=text) | by_name
    members = Member.objects.filter(household=OuterRef("pk"), is_active=True)
    if len(normalized) == 18:
        by_member = members.filter(id_number=normalized)
    elif len(normalized) >= 4:
        by_member = members.filter(id_number__endswith=normalized)
    else:
        return Q(number__startswith=text) | by_name
    # A scalar subquery, not EXISTS: PostgreSQL turns an EXISTS beside the OR into a hash of
    # every matching member in the table (a scan of all 3.2 million, 1.5 s at province
    # scale), while this one is probed per household through the members' index and stops
    # at the first match (issue #17).
    first_match = Subquery(by_member.order_by().values("household")[:1])
    return Q(number__startswith=text) | by_name | Q(IsNull(first_match, False))


def household_counts(households: QuerySet[Household]) -> dict[str, int]:
    """Households and people in a filtered list, and how many households of each type."""
    # One pass over the households, summing their stored member counts: counting the
    # members of a county's 100,000 households per request cost 0.2 s of database time
    # and saturated the server at 20 county users (load test, issue #17).
    rows = (
        households.order_by()
        .values_list("household_type")
        .annotate(count=Count("*"), people=Sum("active_member_count"))
    )
    by_type: dict[str, int] = {}
    people = 0
    for household_type, count, type_people in rows:
        by_type[household_type] = count
        people += type_people or 0
    return {"households": sum(by_type.values()), "people": people, **by_type}


def household_counts_capped(households: QuerySet[Household], *, limit: int) -> dict[str, int]:
    """`household_counts` of a list read no further than `limit` + 1 households: a search
    matching thousands of a county's households stops there instead of reading all of them
    to count (issue #17). Past the limit, "capped_at" gives it and no other count is known;
    within it, the counts are exact ("capped_at" 0)."""
    rows = list(
        households.order_by().values_list("household_type", "active_member_count")[: limit + 1]
    )
    if len(rows) > limit:
        return {"households": limit, "capped_at": limit}
    by_type: dict[str, int] = {}
    for household_type, _members in rows:
        by_type[household_type] = by_type.get(household_type, 0) + 1
    people = sum(members or 0 for _type, members in rows)
    return {"households": len(rows), "people": people, "capped_at": 0, **by_type}


def household_get(*, scope: RegionScope, household_id: int) -> Household:
    """One household in scope with its village chain; NotFoundError otherwise."""
    household = (
        scope.filter(Household.objects.all(), region_field="village__code")
        .select_related("village__parent__parent")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise NotFoundError(_("农户不存在或不在您的管辖范围内。"))
    return household


def household_latest_year(household: Household) -> int | None:
    """The latest year with an income record (收支), or None."""
    return household.years.order_by("-year").values_list("year", flat=True).first()


def household_year_record(
    household: Household, related_name: str, year: str
) -> HouseholdYear | HouseholdConditions | None:
    """The household's per-year record (`years` or `conditions`) of `year`, or None when
    there is none or `year` is not a number."""
    if not year.isdigit():
        return None
    records: QuerySet[HouseholdYear] | QuerySet[HouseholdConditions] = getattr(
        household, related_name
    ).all()
    return records.filter(year=int(year)).first()


def member_others(member: Member) -> list[Member]:
    """The other active members of the member's household."""
    return list(member.household.members.filter(is_active=True).exclude(pk=member.pk))


def member_get(*, scope: RegionScope, member_id: int) -> Member:
    """One member of a household in scope; NotFoundError otherwise."""
    member = (
        scope.filter(Member.objects.all(), region_field="household__village__code")
        .select_related("household")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise NotFoundError(_("成员不存在或不在您的管辖范围内。"))
    return member


@dataclass(frozen=True)
class GuaranteeState:
    """One line of 两不愁三保障 + 饮水 on the household page: what is checked, and what is
    wrong with it ("" when it is met)."""

    label: str
    problem: str


# (label, the HouseholdConditions flag that is set when it is not met, what the page then
# says), in the order of 两不愁三保障 and then 饮水.
GUARANTEE_FLAGS = (
    (gettext_lazy("不愁吃"), "is_food_insecure", gettext_lazy("有问题")),
    (gettext_lazy("不愁穿"), "is_clothing_insecure", gettext_lazy("有问题")),
    (gettext_lazy("住房安全"), "is_housing_unsafe", gettext_lazy("有问题")),
    (gettext_lazy("义务教育"), "has_dropout_child", gettext_lazy("有失学辍学")),
    (gettext_lazy("基本医疗"), "has_uninsured_member", gettext_lazy("有成员未参保")),
    (gettext_lazy("饮水安全"), "is_water_unsafe", gettext_lazy("有问题")),
)


def guarantee_states(conditions: HouseholdConditions) -> list[GuaranteeState]:
    return [
        GuaranteeState(str(label), str(problem) if getattr(conditions, flag) else "")
        for label, flag, problem in GUARANTEE_FLAGS
    ]


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    members: list[Member]
    former_members: list[Member]
    years: list[HouseholdYear]
    conditions: list[HouseholdConditions]
    events: list[HouseholdStatusEvent]
    audit_events: list[AuditEvent]
    # The latest year's conditions, line by line; empty when none are recorded.
    guarantees: list[GuaranteeState]


def household_risk_level(*, household_id: int) -> str:
    """The household's risk colour from its latest assessment; "" when it has none or was
    not assessed yet. The caller has already checked the household is in scope."""
    level: str | None = (
        HouseholdLevel.objects.filter(household_id=household_id)
        .values_list("risk_level", flat=True)
        .first()
    )
    return level or ""


def household_detail(*, scope: RegionScope, household_id: int) -> HouseholdDetail:
    """Everything the household page shows, in a fixed number of queries."""
    household = household_get(scope=scope, household_id=household_id)
    members = list(household.members.order_by("-is_active", "relation", "birth_date"))
    member_ids = [str(member.pk) for member in members]
    audit_events = AuditEvent.objects.filter(
        Q(subject_type="registry.household", subject_id=str(household.pk))
        | Q(subject_type="registry.member", subject_id__in=member_ids)
    ).select_related("actor")[:AUDIT_HISTORY_LIMIT]
    conditions = list(household.conditions.order_by("-year"))
    return HouseholdDetail(
        household=household,
        members=[member for member in members if member.is_active],
        former_members=[member for member in members if not member.is_active],
        years=list(household.years.order_by("year")),
        conditions=conditions,
        guarantees=guarantee_states(conditions[0]) if conditions else [],
        events=list(
            household.status_events.select_related("recorded_by").order_by("occurred_on", "id")
        ),
        audit_events=list(audit_events),
    )


AUDIT_HISTORY_LIMIT = 50


@dataclass(frozen=True)
class DuplicatePerson:
    """A person active in more than one household; `memberships` oldest first."""

    id_number: str
    memberships: list[Member]


def member_duplicate_list(*, scope: RegionScope) -> list[DuplicatePerson]:
    """People active in two or more households with any membership inside the scope.

    Only a database that lost the one-active-household constraint can hold them (see
    registry migration 0006); the oldest membership is listed first.
    """
    in_scope = scope.filter(
        Member.objects.filter(is_active=True), region_field="household__village_id"
    )
    numbers = (
        Member.objects.filter(is_active=True, id_number__in=in_scope.values("id_number"))
        .values("id_number")
        .annotate(households=Count("id"))
        .filter(households__gt=1)
        .values_list("id_number", flat=True)
    )
    found: dict[str, list[Member]] = {}
    for member in (
        Member.objects.filter(is_active=True, id_number__in=list(numbers))
        .select_related("household")
        .order_by("id_number", "created_at", "id")
    ):
        found.setdefault(member.id_number, []).append(member)
    return [DuplicatePerson(number, members) for number, members in found.items()]


# --- lookups of many keys, for ledger imports and exports -----------------------------------
# Unscoped on purpose: a ledger's checks must see a person or household registered anywhere
# (another county's household is an error, not an unknown). One query per chunk of keys
# (see `core.lookups.in_chunks`).


def member_households_by_id_number(id_numbers: Iterable[str]) -> dict[str, str]:
    """Return {ID number: 户编号} for the people among `id_numbers` active in the registry."""
    found: dict[str, str] = {}
    for chunk in in_chunks(id_numbers):
        found.update(
            Member.objects.filter(is_active=True, id_number__any=chunk).values_list(
                "id_number", "household__number"
            )
        )
    return found


def member_households_frame(id_numbers: Sequence[str]) -> pl.DataFrame:
    """`member_households_by_id_number` as a frame (`key`: ID number, `value`: 户编号) for
    a whole file's keys: one query, streamed by COPY on PostgreSQL, so a re-import's
    million answers never become Python objects and the members are read once, not once
    per slice of keys (ADR 0033)."""
    return _frame_for_keys(
        id_numbers,
        lambda chunk: (
            Member.objects.filter(is_active=True, id_number__any=chunk)
            .order_by()
            .values_list("id_number", "household__number")
        ),
        {"key": pl.String, "value": pl.String},
    )


def household_heads_frame(numbers: Sequence[str]) -> pl.DataFrame:
    """`household_heads_by_number` as a frame (`key`: 户编号, `value`: the ID numbers of
    its active heads, an empty list for none), read as `member_households_frame` is."""
    households = _frame_for_keys(
        numbers,
        lambda chunk: Household.objects.filter(number__any=chunk).order_by().values_list("number"),
        {"key": pl.String},
    )
    heads = _frame_for_keys(
        numbers,
        lambda chunk: (
            Member.objects.filter(
                is_active=True, relation=codes.Relation.HEAD, household__number__any=chunk
            )
            .order_by()
            .values_list("household__number", "id_number")
        ),
        {"key": pl.String, "value": pl.String},
    )
    listed = heads.group_by("key").agg(pl.col("value"))
    return households.join(listed, on="key", how="left").with_columns(
        pl.col("value").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )


def _frame_for_keys(
    keys: Sequence[str],
    query: Callable[[list[str]], QuerySet[Any, Any]],
    schema: dict[str, Any],
) -> pl.DataFrame:
    """`query` for all `keys` in one statement on PostgreSQL (its `= ANY` takes one array
    parameter however long); SQLite's parameter limit needs the keys in chunks."""
    # The services package imports this module.
    from fupin.registry.services import bulk_sql  # noqa: PLC0415

    if connection.vendor == "postgresql":
        return bulk_sql.frame(query(list(keys)), schema)
    return bulk_sql.frames(keys, query, schema)


def region_names(*, scope: RegionScope, codes: Iterable[str]) -> dict[str, str]:
    """Return {code: full name} of the regions among `codes` inside the scope."""
    wanted = [code for code in codes if code and scope.contains(code)]
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))


def region_village_codes(region_codes: Iterable[str]) -> set[str]:
    """Return the codes among `region_codes` that are registered villages."""
    found: set[str] = set()
    for chunk in in_chunks(region_codes):
        found.update(
            Region.objects.filter(code__any=chunk, level=Region.Level.VILLAGE).values_list(
                "code", flat=True
            )
        )
    return found


def household_heads_by_number(numbers: Iterable[str]) -> dict[str, list[str]]:
    """Return {户编号: ID numbers of its active heads} for the registered households among
    `numbers` (an empty list for a household without a head)."""
    found: dict[str, list[str]] = {}
    for chunk in in_chunks(numbers):
        found.update(
            (number, [])
            for number in Household.objects.filter(number__any=chunk).values_list(
                "number", flat=True
            )
        )
        heads = Member.objects.filter(
            is_active=True, relation=codes.Relation.HEAD, household__number__any=chunk
        ).values_list("household__number", "id_number")
        for number, id_number in heads:
            found[number].append(id_number)
    return found


def household_villages_by_number(numbers: Iterable[str]) -> dict[str, str]:
    """Return {户编号: village code} for the registered households among `numbers`."""
    found: dict[str, str] = {}
    for chunk in in_chunks(numbers):
        found.update(
            Household.objects.filter(number__any=chunk).values_list("number", "village_id")
        )
    return found


def member_ledger_values(
    household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[Any, dict[str, Any]]:
    """The active members of `household_ids` as `values(*fields)`, household by household,
    the head first."""
    records: QuerySet[Any, dict[str, Any]] = (
        Member.objects.filter(household_id__in=household_ids, is_active=True)
        .order_by("household_id", "relation", "id")
        .values(*fields)
    )
    return records


def household_year_ledger_values(
    household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[Any, dict[str, Any]]:
    """The income records (收支) of `household_ids` as `values(*fields)`, by household and year."""
    return _yearly_values(HouseholdYear.objects.all(), household_ids, fields)


def household_conditions_ledger_values(
    household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[Any, dict[str, Any]]:
    """The living conditions of `household_ids` as `values(*fields)`, by household and year."""
    return _yearly_values(HouseholdConditions.objects.all(), household_ids, fields)


def _yearly_values(
    records: QuerySet[Any], household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[Any, dict[str, Any]]:
    values: QuerySet[Any, dict[str, Any]] = (
        records.filter(household_id__in=household_ids)
        .order_by("household_id", "year")
        .values(*fields)
    )
    return values


def household_tally_rows(villages: Q) -> QuerySet[Any, dict[str, Any]]:
    """Households of the villages `villages` selects (a condition on `village__code`) counted
    per village and household type, monitoring category, risk colour and status, with their
    active members: the rows the reports app's household tally keeps. Read here so that the
    tally follows wherever the registry keeps these attributes."""
    rows: QuerySet[Any, dict[str, Any]] = (
        Household.objects.filter(villages)
        .order_by()
        # A household not assessed yet has no level row: counted without a colour.
        .annotate(risk_level=Coalesce(F("level__risk_level"), Value("")))
        .values("village_id", "household_type", "monitoring_category", "risk_level", "status")
        .annotate(households=Count("pk"), people=Coalesce(Sum("active_member_count"), 0))
    )
    return rows
