"""Keep the tallies (`reports.models`) equal to the registry (ADR 0013).

The audit trail is the change feed: every write to the registry, the monitoring workflow and
the assessment results records an audit event with the region it touched, in the write's own
transaction. `tally_catch_up` reads the events after its cursor, collects their regions and
recounts exactly those regions from the registry, with one INSERT … SELECT … GROUP BY per
tally. A recount replaces a region's rows, so running it twice changes nothing.

The assistance coverage tally (帮扶措施覆盖) also depends on the day: it is counted as of the
cursor's `coverage_counted_on`, and the first catch-up of another day recounts all of it
(ADR 0022). Assistance writes recount only its rows of their village.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from fupin.assessment.selectors import parameter_list
from fupin.assistance.selectors import coverage_counts_by_village
from fupin.audit.models import AuditEvent
from fupin.core.scope import CODE_LENGTHS, RegionScope
from fupin.registry.codes import HouseholdType
from fupin.registry.models import (
    Household,
    HouseholdStatus,
    HouseholdStatusEvent,
    HouseholdYear,
)
from fupin.registry.selectors import household_tally_rows
from fupin.reports.models import (
    CoverageTally,
    EventTally,
    HouseholdTally,
    IncomeTally,
    RiskTypeTally,
    TallyCursor,
)
from fupin.reports.tasks import tally_catch_up_task

logger = logging.getLogger(__name__)

MONITORING_LINE: Final = "monitoring_line"
# An audit id missing below the newest one belongs to a transaction still running (ids are
# drawn at insert, rows become visible at commit) or to one rolled back. The cursor waits at
# such a gap until the events after it are this old; then the gap counts as rolled back.
GAP_GRACE: Final = timedelta(hours=1)
# Only writes that change what the tallies count name regions to recount: households,
# members, their yearly records and status events, and the monitoring lines (income bands).
# Sign-ins, reveals, exports and other apps' work leave the figures as they are.
TALLIED_ACTIONS: Final = ("registry.household", "registry.member", "assessment.policy_parameter")
UNTALLIED_ACTIONS: Final = frozenset(
    {
        "registry.household_reveal_contact",
        "registry.household_export",
        "registry.member_reveal_id_number",
    }
)
# Assistance writes that change a coverage figure: they recount the coverage of their village
# only (a cadre's creation or a work team changes none of them).
COVERAGE_ACTIONS: Final = frozenset(
    {
        "assistance.cadre_assign",
        "assistance.cadre_assignment_end",
        "assistance.measure_add",
        "assistance.measure_status_set",
        "assistance.plan_draft",
        "assistance.visit_record",
    }
)
# Events are read in pages so that a bulk import's thousands of events do not fill memory.
EVENT_PAGE: Final = 5000
# A page view recounts at most this many households itself; a larger change (a county's
# import) is left to the job, and the page says how old its figures are.
PAGE_RECOUNT_LIMIT: Final = 20_000
REQUEST_AGAIN_AFTER: Final = timedelta(minutes=10)

# System work (the tallies, the `report` command) reads everywhere; no user stands behind it.
NATIONWIDE = RegionScope(role="", role_label="", prefix="", root_prefix="", region_name="")


@dataclass(frozen=True)
class CatchUp:
    regions: tuple[str, ...]
    last_event_id: int
    is_pending: bool


@dataclass(frozen=True)
class _Pending:
    """What the audit events after the cursor ask to recount."""

    regions: list[str]
    coverage_regions: list[str]
    safe_id: int


def _code_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix.ljust(CODE_LENGTHS[-1], "9")


def _village_filter(field: str, prefixes: Iterable[str]) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field}__range": _code_range(prefix)})
    return condition


def _insert_select(model: type[Any], columns: list[str], rows: QuerySet[Any]) -> None:
    select_sql, params = rows.query.sql_with_params()
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({quoted}) {select_sql}", params)


def _household_rows(prefixes: list[str]) -> QuerySet[Any]:
    return household_tally_rows(_village_filter("village__code", prefixes))


def monitoring_lines() -> list[tuple[str, int, Decimal]]:
    """Every configured monitoring line as (region code, year, amount), most specific first."""
    rows = [
        (parameter.region_code, parameter.year, parameter.effective_value)
        for parameter in parameter_list(scope=NATIONWIDE)
        if parameter.name == MONITORING_LINE
    ]
    return sorted(rows, key=lambda row: -len(row[0]))


def _line_expression(lines: list[tuple[str, int, Decimal]]) -> Case:
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=4)
    whens = [
        When(
            Q(year=year, household__village__code__startswith=code) if code else Q(year=year),
            then=Value(amount, output_field=money),
        )
        for code, year, amount in lines
    ]
    return Case(*whens, default=Value(None, output_field=money), output_field=money)


def _income_rows(prefixes: list[str]) -> QuerySet[Any]:
    lines = monitoring_lines()
    band = Case(
        When(line__isnull=True, then=Value(IncomeTally.Band.NO_LINE.value)),
        When(per_capita_net_income__lt=F("line"), then=Value(IncomeTally.Band.BELOW.value)),
        default=Value(IncomeTally.Band.ABOVE.value),
        output_field=CharField(),
    )
    return (
        HouseholdYear.objects.filter(_village_filter("household__village__code", prefixes))
        .annotate(line=_line_expression(lines))
        .annotate(band=band)
        .order_by()
        .values("household__village_id", "year", "band", "line")
        .annotate(
            households=Count("pk"),
            people=Sum("member_count"),
            wage=Sum("wage_income"),
            business=Sum("business_income"),
            property=Sum("property_income"),
            transfer=Sum("transfer_income"),
            expense=Sum("business_expense"),
        )
    )


def _event_rows(prefixes: list[str]) -> QuerySet[Any]:
    return (
        HouseholdStatusEvent.objects.filter(_village_filter("household__village__code", prefixes))
        .order_by()
        .annotate(month=ExtractMonth("occurred_on"))
        .values(
            "household__village_id",
            "kind",
            "year",
            "month",
            "monitoring_category",
            "elimination_method",
        )
        .annotate(events=Count("pk"))
    )


def _risk_type_counts(prefixes: list[str]) -> dict[tuple[str, str], int]:
    """Risk types of the identification that put each monitored household under monitoring.

    Risk types are a JSON list, which SQLite and PostgreSQL unnest differently; the monitored
    households are a few per cent of the registry, so they are counted here instead.
    """
    monitored = Household.objects.filter(
        _village_filter("village__code", prefixes), household_type=HouseholdType.MONITORED
    )
    latest = (
        HouseholdStatusEvent.objects.filter(
            household_id__in=monitored.values("pk"),
            kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        )
        .order_by("household_id", "occurred_on", "id")
        .values_list("household_id", "household__village_id", "risk_types")
    )
    last_by_household: dict[int, tuple[str, list[str]]] = {}
    for household_id, village_code, risk_types in latest.iterator(chunk_size=5000):
        last_by_household[household_id] = (village_code, list(risk_types or []))
    counts: dict[tuple[str, str], int] = {}
    for village_code, risk_types in last_by_household.values():
        for risk_type in dict.fromkeys(risk_types):
            key = (village_code, str(risk_type))
            counts[key] = counts.get(key, 0) + 1
    return counts


# What a county's totals row keeps of each tally (ADR 0028): the columns its rows are
# counted by besides the village, and the counts added up over the county's villages.
COUNTY_TOTALS: Final[dict[type[Model], tuple[tuple[str, ...], tuple[str, ...]]]] = {
    HouseholdTally: (
        ("household_type", "monitoring_category", "risk_level", "status"),
        ("households", "people"),
    ),
    IncomeTally: (
        ("year", "band", "line"),
        (
            "households",
            "people",
            "wage_income",
            "business_income",
            "property_income",
            "transfer_income",
            "business_expense",
        ),
    ),
    EventTally: (
        ("kind", "year", "month", "monitoring_category", "elimination_method"),
        ("events",),
    ),
    RiskTypeTally: (("risk_type",), ("households",)),
    CoverageTally: (
        (),
        ("monitored", "with_plan", "with_development", "with_cadre", "visit_overdue"),
    ),
}
COUNTY_LENGTH: Final = CODE_LENGTHS[2]


def _county_totals_recount(models: Iterable[type[Model]], regions: Iterable[str]) -> None:
    """Replace the totals rows of the counties `regions` lie in (or, for a province, a city
    or "", of every county inside them) by the sums of their village rows, which the caller
    has just recounted in the same transaction."""
    counties = _outermost(region[:COUNTY_LENGTH] for region in regions)
    quote = connection.ops.quote_name
    for model in models:
        grouped, summed = COUNTY_TOTALS[model]
        table = quote(model._meta.db_table)
        county = f"substr({quote('village_code')}, 1, {COUNTY_LENGTH})"
        columns = ", ".join(quote(column) for column in grouped)
        sums = ", ".join(f"SUM({quote(column)})" for column in summed)
        with connection.cursor() as cursor:
            for prefix in counties:
                model._default_manager.filter(
                    is_county_total=True, village_code__range=_code_range(prefix)
                ).delete()
                cursor.execute(
                    f"INSERT INTO {table} ({quote('village_code')}, "  # noqa: S608 - model names
                    f"{', '.join(quote(column) for column in (*grouped, *summed))}, "
                    f"{quote('is_county_total')}) "
                    f"SELECT {county}, {columns + ', ' if grouped else ''}{sums}, %s "
                    f"FROM {table} WHERE {quote('is_county_total')} = %s "
                    f"AND {quote('village_code')} BETWEEN %s AND %s "
                    f"GROUP BY {county}{', ' + columns if grouped else ''}",
                    [True, False, *_code_range(prefix)],
                )


@transaction.atomic
def coverage_recount(*, prefixes: Iterable[str], today: date) -> None:
    """Replace the coverage tally of the regions under `prefixes` ("" = everywhere) by
    counts as of `today`, through the assistance app's own definition of each figure."""
    regions = _outermost(prefixes)
    if not regions:
        return
    CoverageTally.objects.filter(_village_filter("village_code", regions)).delete()
    _insert_select(
        CoverageTally,
        [
            "village_code",
            "monitored",
            "with_plan",
            "with_development",
            "with_cadre",
            "visit_overdue",
        ],
        coverage_counts_by_village(
            scope=NATIONWIDE, villages=_village_filter("village__code", regions), today=today
        ),
    )
    _county_totals_recount([CoverageTally], regions)


@transaction.atomic
def tally_recount(*, prefixes: Iterable[str], today: date) -> None:
    """Replace the tallies of the regions under `prefixes` ("" = everywhere) by fresh counts,
    the coverage as of `today`."""
    coverage_recount(prefixes=prefixes, today=today)
    _registry_recount(_outermost(prefixes))


def _registry_recount(regions: list[str]) -> None:
    """Replace the tallies counted from the registry alone (all but the coverage)."""
    if not regions:
        return
    for model in (HouseholdTally, IncomeTally, EventTally, RiskTypeTally):
        model.objects.filter(_village_filter("village_code", regions)).delete()
    _insert_select(
        HouseholdTally,
        [
            "village_code",
            "household_type",
            "monitoring_category",
            "risk_level",
            "status",
            "households",
            "people",
        ],
        _household_rows(regions),
    )
    _insert_select(
        IncomeTally,
        [
            "village_code",
            "year",
            "band",
            "line",
            "households",
            "people",
            "wage_income",
            "business_income",
            "property_income",
            "transfer_income",
            "business_expense",
        ],
        _income_rows(regions),
    )
    _insert_select(
        EventTally,
        [
            "village_code",
            "kind",
            "year",
            "month",
            "monitoring_category",
            "elimination_method",
            "events",
        ],
        _event_rows(regions),
    )
    RiskTypeTally.objects.bulk_create(
        RiskTypeTally(village_code=village, risk_type=risk_type, households=count)
        for (village, risk_type), count in _risk_type_counts(regions).items()
    )
    _county_totals_recount([HouseholdTally, IncomeTally, EventTally, RiskTypeTally], regions)


def _outermost(prefixes: Iterable[str]) -> list[str]:
    """The prefixes without those inside another one ("" covers all)."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(outer) for outer in kept):
            kept.append(prefix)
    return kept


def _pending_events(after: int) -> _Pending:
    """The regions of the audit events after `after` (all tallies, and the coverage tally
    only), and the id the cursor may move to: the last event before the first gap that may
    still fill (see GAP_GRACE)."""
    regions: set[str] = set()
    coverage_regions: set[str] = set()
    safe_id = after
    waiting_at_gap = False
    old_enough = timezone.now() - GAP_GRACE
    while True:
        page = list(
            AuditEvent.objects.filter(id__gt=after)
            .order_by("id")
            .values_list("id", "region_code", "occurred_at", "action")[:EVENT_PAGE]
        )
        for event_id, region_code, occurred_at, action in page:
            if event_id != after + 1 and occurred_at > old_enough:
                waiting_at_gap = True
            if not waiting_at_gap:
                safe_id = event_id
            if action.startswith(TALLIED_ACTIONS) and action not in UNTALLIED_ACTIONS:
                regions.add(region_code)
            elif action in COVERAGE_ACTIONS:
                coverage_regions.add(region_code)
            after = event_id
        if len(page) < EVENT_PAGE:
            return _Pending(sorted(regions), sorted(coverage_regions), safe_id)


def _cursor() -> TallyCursor:
    cursor = TallyCursor.objects.select_for_update().order_by("pk").first()
    if cursor is None:
        cursor = TallyCursor.objects.create()
    return cursor


def _request_job(cursor: TallyCursor) -> None:
    """Queue the job once per REQUEST_AGAIN_AFTER, however many pages ask meanwhile."""
    now = timezone.now()
    if cursor.recount_requested_at and now - cursor.recount_requested_at < REQUEST_AGAIN_AFTER:
        return
    cursor.recount_requested_at = now
    cursor.save(update_fields=["recount_requested_at"])
    transaction.on_commit(tally_catch_up_task.enqueue)


def _household_count(prefixes: list[str]) -> int:
    if not prefixes:
        return 0
    return Household.objects.filter(_village_filter("village__code", prefixes)).count()


def _monitored_count(prefixes: list[str]) -> int:
    """The households a coverage recount of `prefixes` reads (those under monitoring)."""
    if not prefixes:
        return 0
    return Household.objects.filter(
        _village_filter("village__code", prefixes), status=HouseholdStatus.MONITORED
    ).count()


def _inside_none_of(prefixes: list[str], outer: list[str]) -> list[str]:
    return [prefix for prefix in prefixes if not any(prefix.startswith(o) for o in outer)]


@transaction.atomic
def tally_catch_up(*, recount_limit: int | None = None) -> CatchUp:
    """Recount the regions changed since the cursor and move the cursor; on the first run
    of a day, recount the whole coverage tally as of today.

    With `recount_limit`, a change touching more households than that (or a day's coverage
    recount over more monitored households) is left for the job (`tally_catch_up_task`),
    and the result says it is pending. The first run counts everything.
    """
    cursor = _cursor()
    today = timezone.localdate()
    if not cursor.is_complete:
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if recount_limit is not None and Household.objects.count() > recount_limit:
            _request_job(cursor)
            return CatchUp(regions=(), last_event_id=cursor.last_event_id, is_pending=True)
        tally_recount(prefixes=[""], today=today)
        cursor.last_event_id, cursor.is_complete = newest, True
        cursor.coverage_counted_on = today
        cursor.refreshed_at = timezone.now()
        cursor.save()
        return CatchUp(regions=("",), last_event_id=newest, is_pending=False)
    pending = _pending_events(cursor.last_event_id)
    outermost = _outermost(pending.regions)
    is_new_day = cursor.coverage_counted_on != today
    coverage_only = [""] if is_new_day else _inside_none_of(pending.coverage_regions, outermost)
    coverage_only = _outermost(coverage_only)
    if not outermost and not coverage_only:
        if pending.safe_id != cursor.last_event_id:
            cursor.last_event_id = pending.safe_id
            cursor.save(update_fields=["last_event_id"])
        return CatchUp(regions=(), last_event_id=pending.safe_id, is_pending=False)
    if recount_limit is not None and (
        _household_count(outermost) > recount_limit
        or _monitored_count(coverage_only) > recount_limit
    ):
        _request_job(cursor)
        return CatchUp(
            regions=tuple(outermost), last_event_id=cursor.last_event_id, is_pending=True
        )
    # On a new day every village's coverage is recounted as of today, the changed ones too.
    coverage_recount(prefixes=[*outermost, *coverage_only], today=today)
    _registry_recount(outermost)
    cursor.coverage_counted_on = today
    cursor.last_event_id = pending.safe_id
    cursor.refreshed_at = timezone.now()
    cursor.save()
    return CatchUp(
        regions=tuple(_outermost([*outermost, *coverage_only])),
        last_event_id=pending.safe_id,
        is_pending=False,
    )


@transaction.atomic
def tally_rebuild() -> None:
    """Recount everything and move the cursor to the newest event (the nightly safety net,
    run after midnight so that the coverage counts the new day)."""
    cursor = _cursor()
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    today = timezone.localdate()
    tally_recount(prefixes=[""], today=today)
    cursor.last_event_id, cursor.is_complete = newest, True
    cursor.coverage_counted_on = today
    cursor.refreshed_at = timezone.now()
    cursor.save()
