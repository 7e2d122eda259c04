"""Reads for assessment: policy parameters by region and year, and facts v1 built from the
registry in SQL (members aggregated by the database), one row per household."""

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg
from django.db import connection
from django.db.models import CharField, Count, F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.assessment.models import (
    AssessmentOutcome,
    AssessmentRun,
    CurrentOutcome,
    PolicyParameter,
    RuleSetRecord,
)
from fupin.assessment.rules import definition, engine
from fupin.assessment.rules.facts import facts_frame, prepare_facts
from fupin.assistance import selectors as assistance_selectors
from fupin.core.errors import NotFoundError
from fupin.core.scope import RegionScope, region_path_codes
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
    Region,
    StaleHousehold,
)

# Facts speak the national risk labels, whatever language the user interface is in.
RISK_TYPE_LABELS = {
    "1": "因病",
    "2": "因学",
    "3": "因残",
    "4": "因自然灾害",
    "5": "因意外事故",
    "6": "因产业项目失败",
    "7": "因务工就业不稳",
    "8": "缺劳动力",
    "9": "其他",
}
# months_income_above_line looks back this many years of monthly records at most: enough
# for any stability window policy uses (six months to a year).
INCOME_STREAK_YEARS = 3
WORKING_SKILLS = [codes.LaborSkill.ORDINARY, codes.LaborSkill.SKILLED, codes.LaborSkill.WEAK]


def _frame(rows: QuerySet[Any, Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Read a values_list queryset into a frame; on PostgreSQL through COPY … TO STDOUT,
    which is several times faster than fetching rows one by one at a million rows."""
    if connection.vendor != "postgresql":
        return pl.DataFrame(list(rows), schema=schema, orient="row")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        query = psycopg.ClientCursor(cursor.connection).mogrify(sql, params)
        buffer = io.BytesIO()
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    buffer.seek(0)
    csv_schema = {name: pl.Utf8 if dtype == pl.Boolean else dtype for name, dtype in schema.items()}
    frame = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=csv_schema)
    # PostgreSQL writes booleans as t/f in CSV.
    return frame.with_columns(
        (pl.col(name) == "t").alias(name) for name, dtype in schema.items() if dtype == pl.Boolean
    )


def policy_parameters(*, region_code: str, year: int) -> dict[str, Decimal]:
    """Each parameter's value for a region and year, from the most specific region that
    sets it (a county over its province over the nationwide value)."""
    rows = PolicyParameter.objects.filter(year=year).order_by("name", "region_code")
    resolved: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        if not region_code.startswith(row.region_code):
            continue
        specificity = len(row.region_code)
        if row.name not in resolved or specificity > resolved[row.name][0]:
            resolved[row.name] = (specificity, row.effective_value)
    return {name: value for name, (_specificity, value) in resolved.items()}


def region_label(region_code: str) -> str:
    """A region as messages name it: "农安县（220122）", or 全国 for the empty code."""
    if not region_code:
        return _("全国")
    name = Region.objects.filter(code=region_code).values_list("name", flat=True).first()
    return f"{name}（{region_code}）" if name else _("区划 %(code)s") % {"code": region_code}


def households_remain(
    household_ids: list[int] | None, *, region_code: str, evaluated: Iterable[str]
) -> bool:
    """Whether the region has households (of `household_ids`, if given) outside the
    already `evaluated` sub-regions."""
    households = Household.objects.filter(village__code__startswith=region_code).exclude(
        status="cancelled"
    )
    if household_ids is not None:
        households = households.filter(pk__in=household_ids)
    for code in evaluated:
        households = households.exclude(village__code__startswith=code)
    return households.exists()


def parameter_regions(*, region_code: str, year: int) -> list[str]:
    """Regions below `region_code` that set a parameter of their own for the year: each
    is evaluated with its own parameters (longest prefix first)."""
    codes_below = (
        PolicyParameter.objects.filter(year=year, region_code__startswith=region_code)
        .exclude(region_code=region_code)
        .values_list("region_code", flat=True)
        .distinct()
    )
    return sorted(set(codes_below), key=len, reverse=True)


def rule_set_get(*, code: str, version: int | None = None, region_code: str = "") -> RuleSetRecord:
    """A stored rule set: the given version, or the published one that applies to the
    region: the most specific region that covers it (a county's own version over the
    province's over the nationwide one), then the newest version there."""
    rule_sets = RuleSetRecord.objects.filter(code=code)
    if version is not None:
        found = rule_sets.filter(version=version).first()
    else:
        published = [
            record
            for record in rule_sets.filter(status=RuleSetRecord.Status.PUBLISHED)
            if region_code.startswith(record.region_code)
        ]
        found = max(
            published, key=lambda record: (len(record.region_code), record.version), default=None
        )
    if found is None:
        raise NotFoundError(
            _("规则集 %(code)s@%(version)s 不存在或不适用于该区划。")
            % {"code": code, "version": version or _("最新")}
        )
    return found


def facts_as_of(year: int, *, today: date | None = None) -> date:
    """The day an assessment of `year` refers to: today during the year itself, the year's
    last day once it is over (and its first day for a year still to come)."""
    today = today or timezone.localdate()
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 1, 1)


def facts_for_households(
    households: Iterable[int] | None,
    *,
    region_code: str,
    year: int,
    monitoring_line: Decimal,
    as_of: date | None = None,
) -> pl.DataFrame:
    """Facts v1 for the households of a region (or the given ids), as one frame, as of a
    day (`facts_as_of(year)` unless given)."""
    as_of = as_of or facts_as_of(year)
    base = Household.objects.filter(village__code__startswith=region_code).exclude(
        status="cancelled"
    )
    ids: Any = base.values("pk")
    if households is not None:
        listed = list(households)
        base = base.filter(pk__in=listed)
        # The rows of listed households are found by their ids (each table's household
        # index), not by the region's subquery, which made PostgreSQL scan a million
        # members to patch ten thousand; the left joins onto the header below keep only
        # the region's uncancelled households.
        ids = listed
    # `order_by()`: the model's order (by number) sorted a million rows for nothing; the
    # facts are sorted by id at the end. The same holds for the reads below.
    header = _frame(
        base.order_by().values_list(
            "pk",
            "village_id",
            "household_type",
            "monitoring_category",
            "is_whole_household_without_labor",
            "exit_year",
        ),
        {
            "household_id": pl.Int64,
            "region_code": pl.Utf8,
            "household_type": pl.Utf8,
            "monitoring_category": pl.Utf8,
            "whole_household_no_labor": pl.Boolean,
            "exit_year": pl.Int32,
        },
    )
    own = _household_rows(households, header=header, region_households=ids)
    members = _frame(
        Member.objects.filter(own, is_active=True)
        .values("household_id")
        .annotate(
            members=Count("pk"),
            labor_members=Count("pk", filter=Q(labor_skill__in=WORKING_SKILLS)),
        )
        .values_list("household_id", "members", "labor_members"),
        {"household_id": pl.Int64, "members": pl.Int32, "labor_members": pl.Int32},
    )
    # Both years in one pass over the yearly table (ten years of a million households):
    # it was read twice, once per year.
    years = _frame(
        HouseholdYear.objects.filter(own, year__in=[year, year - 1])
        .order_by()
        .values_list("household_id", "year", "per_capita_net_income", "compliant_out_of_pocket"),
        {
            "household_id": pl.Int64,
            "year": pl.Int32,
            "per_capita_net_income": pl.Float64,
            "compliant_out_of_pocket": pl.Float64,
        },
    )
    this_year = years.filter(pl.col("year") == year).drop("year")
    previous_year = years.filter(pl.col("year") == year - 1).select(
        "household_id",
        pl.col("per_capita_net_income").alias("previous_per_capita_net_income"),
    )
    conditions = _condition_facts(own, year=year)
    monitoring = _monitoring_facts(own)
    facts = (
        header.join(members, on="household_id", how="left")
        .join(this_year, on="household_id", how="left")
        .join(previous_year, on="household_id", how="left")
        .join(conditions, on="household_id", how="left")
        .join(monitoring, on="household_id", how="left")
        .join(_recorded_risk_facts(ids, as_of=as_of), on="household_id", how="left")
        .join(_development_facts(ids, as_of=as_of), on="household_id", how="left")
        .with_columns(pl.col("members").fill_null(0))
    )
    income_streak = _income_streak_facts(
        ids,
        members=facts.select("household_id", "members"),
        as_of=as_of,
        line=float(monitoring_line),
    )
    as_of_index = as_of.year * 12 + as_of.month
    identified_index = pl.col("identified_month").str.slice(0, 4).cast(pl.Int32) * 12 + pl.col(
        "identified_month"
    ).str.slice(5, 2).cast(pl.Int32)
    facts = facts.join(income_streak, on="household_id", how="left").with_columns(
        pl.lit(year, dtype=pl.Int32).alias("year"),
        pl.col("exit_year").is_not_null().alias("exited_household"),
        # A monitored household's stability counts from after its identification: months
        # before it show the income it had then, not that assistance made it stable.
        pl.when(
            (pl.col("household_type") == codes.HouseholdType.MONITORED)
            & pl.col("identified_month").is_not_null()
        )
        .then(
            pl.min_horizontal(
                pl.col("months_income_above_line").fill_null(0),
                (pl.lit(as_of_index) - identified_index).clip(lower_bound=0),
            )
        )
        .otherwise(pl.col("months_income_above_line").fill_null(0))
        .cast(pl.Int32)
        .alias("months_income_above_line"),
        pl.col("monitoring_category").replace("", None),
        (pl.col("monitoring_category") == codes.MonitoringCategory.SUDDEN_HARDSHIP)
        .fill_null(False)
        .alias("sudden_hardship"),
        pl.col("labor_members").fill_null(0),
        # Recorded risks, once a household has any, replace those of its identification.
        pl.when(pl.col("has_risk_records").fill_null(False))
        .then(pl.col("open_risk_types"))
        .otherwise(pl.col("risk_types"))
        .fill_null(pl.lit([], dtype=pl.List(pl.Utf8)))
        .alias("risk_types"),
        pl.col("development_measures").fill_null(0),
        pl.lit(f"{as_of:%Y-%m}").alias("as_of_month"),
    )
    facts = facts.drop("has_risk_records", "open_risk_types", "exit_year")
    # The engine's own checks and derived facts (e.g. per_capita_after_rigid) apply here too.
    return prepare_facts(facts.sort("household_id"))


# A region's households fill at least this share of the span of their ids: its rows in
# the other tables are then read by that range of household ids. Reading the span costs
# at most twice the region's own rows, while matching each table against the region's
# households (the subquery) built a hash of a million households once per table.
DENSE_IDS = 0.5


def _household_rows(
    households: Iterable[int] | None, *, header: pl.DataFrame, region_households: Any
) -> Q:
    """How the registry's per-household tables are narrowed to the facts' households: the
    listed ids, the region's id range when its ids are dense, else the region's subquery.
    Rows of other households in the range are dropped by the left joins onto the header."""
    if households is not None:
        return Q(household_id__in=region_households)
    if header.is_empty():
        return Q(household__in=region_households)
    low, high = int(header["household_id"].min()), int(header["household_id"].max())  # type: ignore[arg-type]
    if header.height >= DENSE_IDS * (high - low + 1):
        return Q(household_id__gte=low, household_id__lte=high)
    return Q(household__in=region_households)


def _recorded_risk_facts(ids: object, *, as_of: date) -> pl.DataFrame:
    """Whether a household's risks are tracked as records, and the labels of those still
    open on `as_of` (assistance's risk records)."""
    frame = _frame(
        assistance_selectors.risk_rows(ids, as_of=as_of),
        {"household_id": pl.Int64, "risk_type": pl.Utf8, "is_open": pl.Boolean},
    )
    return frame.group_by("household_id", maintain_order=True).agg(
        pl.lit(True).alias("has_risk_records"),
        pl.col("risk_type")
        .filter(pl.col("is_open"))
        .replace_strict(RISK_TYPE_LABELS, default="其他")
        .unique(maintain_order=True)
        .alias("open_risk_types"),
    )


def _development_facts(ids: object, *, as_of: date) -> pl.DataFrame:
    return _frame(
        assistance_selectors.development_measures_in_place(ids, as_of=as_of),
        {"household_id": pl.Int64, "development_measures": pl.Int32},
    )


def _income_streak_facts(
    ids: object, *, members: pl.DataFrame, as_of: date, line: float
) -> pl.DataFrame:
    """Consecutive recorded months, ending with `as_of`'s month or the one before (a month
    still running may not be recorded yet), whose income, per member and per year
    (month × 12 / members), is at or above the line. A missing month breaks the streak."""
    last = as_of.replace(day=1)
    since = date(last.year - INCOME_STREAK_YEARS, last.month, 1)
    rows = _frame(
        assistance_selectors.monthly_income_rows(ids, since=since, until=last),
        {"household_id": pl.Int64, "month": pl.Date, "amount": pl.Float64},
    )
    index = pl.col("month").dt.year() * 12 + pl.col("month").dt.month()
    last_index = last.year * 12 + last.month
    return (
        rows.join(members, on="household_id", how="inner")
        .with_columns(
            index.alias("month_index"),
            (pl.col("amount") * 12 / pl.col("members").clip(lower_bound=1) >= line).alias("above"),
        )
        .sort("household_id", "month_index", descending=[False, True])
        .group_by("household_id", maintain_order=True)
        .agg(
            # Walking back from the newest month: its gap to the month before must be one.
            pl.when(pl.col("month_index").first() >= last_index - 1)
            .then(
                (
                    pl.col("above")
                    & ((pl.col("month_index").shift(1) - pl.col("month_index")).fill_null(1).eq(1))
                )
                .cum_min()
                .sum()
            )
            .otherwise(0)
            .cast(pl.Int32)
            .alias("months_income_above_line")
        )
    )


def _condition_facts(own: Q, *, year: int) -> pl.DataFrame:
    rows = (
        HouseholdConditions.objects.filter(own, year__lte=year)
        # Sorted here, not by the server: Polars sorts a million rows on every core.
        .order_by()
        .values_list(
            "household_id",
            "year",
            "is_food_insecure",
            "is_clothing_insecure",
            "is_housing_unsafe",
            "has_dropout_child",
            "is_water_unsafe",
            "has_uninsured_member",
        )
    )
    frame = _frame(
        rows,
        {
            "household_id": pl.Int64,
            "year": pl.Int32,
            "food_insecure": pl.Boolean,
            "clothing_insecure": pl.Boolean,
            "housing_unsafe": pl.Boolean,
            "dropout_child": pl.Boolean,
            "water_unsafe": pl.Boolean,
            "member_uninsured": pl.Boolean,
        },
    )
    # The latest record up to the year stands until a newer one replaces it.
    return (
        frame.sort("household_id", "year")
        .drop("year")
        .group_by("household_id", maintain_order=True)
        .last()
    )


def _monitoring_facts(own: Q) -> pl.DataFrame:
    events = HouseholdStatusEvent.objects.filter(
        own, kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
    ).order_by("household_id", "occurred_on", "id")
    schema: dict[str, Any] = {
        "household_id": pl.Int64,
        "identified_month": pl.Utf8,
        "risk_types": pl.List(pl.Utf8),
    }
    if connection.vendor == "postgresql":
        frame = _identifications(events)
    else:
        records = [
            (
                household_id,
                f"{month[:4]}-{month[4:]}" if len(month) == 6 else None,
                [RISK_TYPE_LABELS.get(str(code), "其他") for code in risk_types or []],
            )
            for household_id, month, risk_types in events.values_list(
                "household_id", "identified_month", "risk_types"
            )
        ]
        frame = pl.DataFrame(records, schema=schema, orient="row")
    return frame.group_by("household_id", maintain_order=True).last()


# A status event's risk type codes as one text, "1,7" (codes are digits): read by COPY
# and split by Polars, where decoding each event's JSON in Python cost about a second per
# 70,000 events.
_RISK_CODES_TEXT = (
    "CASE WHEN jsonb_typeof(%(expressions)s) = 'array' THEN "
    "array_to_string(ARRAY(SELECT jsonb_array_elements_text(%(expressions)s)), ',') "
    "ELSE '' END"
)


def _identifications(events: QuerySet[HouseholdStatusEvent]) -> pl.DataFrame:
    """Identification events as facts (PostgreSQL): the month as YYYY-MM, the risk types
    by their national labels, as the Python reading above does."""
    rows = events.annotate(
        risk_codes=Func(F("risk_types"), template=_RISK_CODES_TEXT, output_field=CharField())
    ).values_list("household_id", "identified_month", "risk_codes")
    raw = _frame(
        rows, {"household_id": pl.Int64, "identified_month": pl.Utf8, "risk_codes": pl.Utf8}
    )
    month = pl.col("identified_month").fill_null("")
    codes_text = pl.col("risk_codes").fill_null("")
    return raw.select(
        "household_id",
        pl.when(month.str.len_chars() == 6)
        .then(pl.concat_str(month.str.slice(0, 4), pl.lit("-"), month.str.slice(4, 2)))
        .alias("identified_month"),
        pl.when(codes_text == "")
        .then(pl.lit([], dtype=pl.List(pl.Utf8)))
        .otherwise(
            codes_text.str.split(",").list.eval(
                pl.element().replace_strict(RISK_TYPE_LABELS, default="其他")
            )
        )
        .alias("risk_types"),
    )


def outcome_history(*, scope: RegionScope, household_id: int) -> list[AssessmentOutcome]:
    """A household's assessment outcomes, newest first, with their runs and rule sets."""
    return list(
        scope.filter(AssessmentOutcome.objects.all(), region_field="household__village__code")
        .filter(household_id=household_id)
        .select_related("run__rule_set")
        .order_by("-run_id")[:20]
    )


def outcome_explanation(
    outcome: AssessmentOutcome, *, run: AssessmentRun | None = None
) -> dict[str, Any]:
    """Rebuild an outcome's explanation (rules fired with their messages and values) from
    its stored facts, the rule set of its run (or of a later `run` that found it
    unchanged) and the parameters of that run's most specific region group that holds the
    household."""
    run = run or outcome.run
    facts = outcome_facts(outcome)
    rule_set = definition.from_dict(run.rule_set.definition)
    groups = run.parameters
    region = str(facts.get("region_code", ""))
    group = max((code for code in groups if region.startswith(code)), key=len, default="")
    return engine.explain(rule_set, facts_frame([facts]), groups.get(group, {}))[0]


# The order and headings in which a household page shows the rules that decided its
# outcome: each rule under what it decided, its code apart as a tag.
EXPLANATION_SECTIONS: tuple[tuple[str, Promise], ...] = (
    ("monitoring_eligible", gettext_lazy("监测条件")),
    ("monitoring_category", gettext_lazy("监测对象类别")),
    ("risk_level", gettext_lazy("风险等级和帮扶策略")),
    ("flag", gettext_lazy("转部门跟进")),
    ("elimination_candidate", gettext_lazy("风险消除")),
    ("elimination_block", gettext_lazy("风险消除")),
    ("exit_block", gettext_lazy("脱贫退出核验")),
)


def explanation_sections(explanation: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The fired rules of an explanation grouped under their headings, in page order
    (a heading shared by two kinds, such as 风险消除, holds both)."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for kind, heading in EXPLANATION_SECTIONS:
        rules = [rule for rule in explanation["fired"] if rule.get("kind") == kind]
        if rules:
            sections.setdefault(str(heading), []).extend(rules)
    return list(sections.items())


def household_latest_outcome(household: Household) -> AssessmentOutcome | None:
    """The household's latest outcome with its run and rule set; the caller has already
    found the household in its scope."""
    return (
        AssessmentOutcome.objects.filter(household=household)
        .select_related("run__rule_set")
        .order_by("-run_id")
        .first()
    )


def run_list(*, scope: RegionScope) -> list[AssessmentRun]:
    """Assessment runs in scope, newest first."""
    return list(
        scope.filter(AssessmentRun.objects.all(), region_field="region_code")
        .select_related("rule_set", "started_by")
        .order_by("-started_at")[:100]
    )


# Policy values stored for reference beside the ones rules read: the two national poverty
# line series of DOMAIN §6 (`poverty_line` is the one the exit check reads, per year).
REFERENCE_PARAMETERS: dict[str, Any] = {
    "poverty_line_nbs": gettext_lazy("扶贫标准 A 序列（国家统计局当年价）"),
    "poverty_line_2800": gettext_lazy("扶贫标准 B 序列（2014 年 2800 元起每年 × 1.06）"),
}


@dataclass(frozen=True)
class ParameterGap:
    """A parameter the rules need for every year, and the years the region lacks it."""

    name: str
    label: str
    missing_years: list[int]
    set_years: list[int]


def parameter_gaps(
    *, scope: RegionScope, rule_set: definition.RuleSet, until_year: int
) -> list[ParameterGap]:
    """For each parameter without a default (监测范围, 扶贫标准), the years from the rule
    set's first effective year to `until_year` for which no value applies to the scope's
    own region (its own, an ancestor's or the nationwide value): runs there are refused."""
    region_code = scope.prefix
    years = list(range(rule_set.effective_from.year, until_year + 1))
    names = [name for name, spec in rule_set.parameters.items() if spec.is_set_per_year]
    rows = PolicyParameter.objects.filter(name__in=names, year__in=years).values_list(
        "name", "region_code", "year"
    )
    covered: dict[str, set[int]] = {name: set() for name in names}
    for name, code, year in rows:
        if region_code.startswith(code):
            covered[name].add(year)
    return [
        ParameterGap(
            name=name,
            label=rule_set.parameters[name].label_or(name),
            missing_years=[year for year in years if year not in covered[name]],
            set_years=sorted(covered[name]),
        )
        for name in names
    ]


def parameter_list(*, scope: RegionScope, year: int | None = None) -> list[PolicyParameter]:
    """Parameters that apply inside the scope: nationwide and the scope's ancestors'
    (read-only context) and the scope's own subtree's."""
    parameters = PolicyParameter.objects.select_related("set_by").order_by(
        "name", "-year", "region_code"
    )
    if year is not None:
        parameters = parameters.filter(year=year)
    return [parameter for parameter in parameters if scope.applies_or_inside(parameter.region_code)]


def stale_versions(
    *, region_code: str, household_ids: Iterable[int] | None = None, assessed: bool = False
) -> pl.DataFrame:
    """The change mark versions (`registry.StaleHousehold`) of a region's households, or of
    the given ones: household_id, mark_version, and with `assessed` the version last
    assessed (assessed_version; pending where lower). Read before the facts they vouch for."""
    marks = StaleHousehold.objects.filter(household__village__code__startswith=region_code)
    if household_ids is not None:
        marks = marks.filter(household_id__in=list(household_ids))
    if assessed:
        return _frame(
            marks.values_list("household_id", "version", "assessed_version"),
            {"household_id": pl.Int64, "mark_version": pl.Int64, "assessed_version": pl.Int64},
        )
    return _frame(
        marks.values_list("household_id", "version"),
        {"household_id": pl.Int64, "mark_version": pl.Int64},
    )


def stale_households_pending(*, limit: int) -> list[tuple[int, int]]:
    """Households whose facts changed after their last assessment, oldest change first:
    (household id, mark version), at most `limit`."""
    return list(
        StaleHousehold.objects.filter(version__gt=F("assessed_version"))
        .order_by("marked_at", "household_id")
        .values_list("household_id", "version")[:limit]
    )


def household_is_stale(household_id: int) -> bool:
    """Whether the household's facts changed after its last assessment (待重新评估)."""
    return StaleHousehold.objects.filter(
        household_id=household_id, version__gt=F("assessed_version")
    ).exists()


def current_outcome_hashes(
    *, household_ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None
) -> pl.DataFrame:
    """Current outcome fingerprints of the given households, or of every household whose
    id lies in `id_range` (a region run's households: a range scan of this narrow table,
    cheaper than joining a million households to find the region's): household_id,
    facts_hash_before, decision_hash_before. Households never assessed are absent."""
    rows = CurrentOutcome.objects.all()
    if household_ids is not None and connection.vendor == "postgresql":
        # One array parameter: PostgreSQL plans a list of 10,000 literals several times
        # slower than it reads their rows.
        rows = rows.filter(
            household_id__in=RawSQL("SELECT unnest(%s::bigint[])", (list(household_ids),))
        )
    elif household_ids is not None:
        rows = rows.filter(household_id__in=list(household_ids))
    if id_range is not None:
        rows = rows.filter(household_id__gte=id_range[0], household_id__lte=id_range[1])
    return _frame(
        rows.values_list("household_id", "facts_hash", "decision_hash"),
        {
            "household_id": pl.Int64,
            "facts_hash_before": pl.Int64,
            "decision_hash_before": pl.Int64,
        },
    )


def outcome_facts(outcome: AssessmentOutcome) -> dict[str, Any]:
    """The facts an outcome stored, by name (arrays follow their run's `fact_names`):
    the JSON text of an array (ADR 0030), or, in older outcomes, an array or an object."""
    if outcome.facts_text:
        values = json.loads(outcome.facts_text)
    elif isinstance(outcome.facts, dict):
        return outcome.facts
    else:
        values = outcome.facts
    return dict(zip(outcome.run.fact_names, values, strict=True))


def outcome_confirming_run(outcome: AssessmentOutcome, *, region_code: str) -> AssessmentRun:
    """The newest run that found this outcome unchanged for a household of `region_code`
    (a region run over it after the outcome's own run, none writing a newer one), else
    the outcome's own run."""
    newer = (
        AssessmentRun.objects.filter(
            pk__gt=outcome.run_id,
            is_listed_households=False,
            region_code__in=region_path_codes(region_code),
        )
        .select_related("rule_set")
        .order_by("-pk")
        .first()
    )
    return newer or outcome.run
