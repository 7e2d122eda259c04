"""Storing a department feed and comparing it with the registry (DOMAIN §10.1).

A feed period is matched against the registry's active members by normalized ID number
with Polars; each comparison rule (configuration, `ComparisonRule`) turns its matches into
department-channel risk clues (merged with open clues by the monitoring services) or into
疑点 for the township to verify, each citing the feed row. A rule never acts twice on one
row, so delivering a period again creates nothing.
"""

import datetime
import hashlib
import io
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import FloatField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import CODE_LENGTHS, Capability, RegionScope
from fupin.departments import selectors
from fupin.departments.models import (
    ComparisonRule,
    FeedBatch,
    FeedChannel,
    FeedKind,
    FeedResult,
    FeedRow,
    Finding,
    HouseholdsAffected,
    RuleOperator,
    RuleOutcome,
)
from fupin.monitoring.services import DepartmentWarning, clues_from_department_bulk
from fupin.registry.models import Household, HouseholdStatus, Region

Actor = AbstractBaseUser | AnonymousUser | None

# The first year of the monitoring mechanism's records; feeds from before it are typos.
FIRST_FEED_YEAR = 2013
_PERIOD = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
_ROW_NUMBER = "_row"
_BATCH_ROWS = 5_000
_COPY_BLOCK = 1 << 20
ROW_KEY_LENGTH = 32
# 脱贫户 and households being monitored or once monitored: whom the exclusion checks look at.
AIDED_STATUSES = frozenset(
    {
        HouseholdStatus.POOR,
        HouseholdStatus.EXITED,
        HouseholdStatus.MONITORED,
        HouseholdStatus.RISK_ELIMINATED,
        HouseholdStatus.RETURNED,
    }
)
# A monitored household's risks are followed in its case; a cancelled one is gone. Neither
# takes a new identification clue (monitoring refuses it).
_NO_CLUE_STATUSES = frozenset({HouseholdStatus.MONITORED, HouseholdStatus.CANCELLED})


@dataclass(frozen=True)
class FeedApplyResult:
    rows_received: int
    rows_new: int
    rows_matched: int
    clues_opened: int
    clues_merged: int
    findings_opened: int


class _Phases:
    """Seconds per phase of a comparison, kept when the caller asks for them (the
    benchmark): where the time of a province's month goes."""

    def __init__(self, phases: dict[str, float] | None) -> None:
        self.phases = phases
        self.clock = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.phases is not None:
            self.phases[name] = self.phases.get(name, 0.0) + now - self.clock
        self.clock = now


def period_check(period: str, *, today: datetime.date | None = None) -> str:
    """Return `period` (YYYY-MM) or raise ApplicationError: a real month, not in the future."""
    today = today or timezone.localdate()
    match = _PERIOD.fullmatch(period.strip())
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise ApplicationError(
            _("数据期别应写作“年-月”，例如 2026-11。"), code="period", field="period"
        )
    year, month = int(match["year"]), int(match["month"])
    if year < FIRST_FEED_YEAR or (year, month) > (today.year, today.month):
        raise ApplicationError(
            _("数据期别 %(period)s 不在 %(first)d 年 1 月至本月之间。")
            % {"period": period, "first": FIRST_FEED_YEAR},
            code="period",
            field="period",
        )
    return f"{year:04d}-{month:02d}"


def _feed_region(scope: RegionScope) -> Region:
    region = Region.objects.filter(code=scope.prefix).first() if scope.prefix else None
    if region is None or len(region.code) > CODE_LENGTHS[2]:
        raise ApplicationError(
            _("部门数据按县级及以上区划报送，请在县、市或省级账号下操作。"), code="feed_region"
        )
    return region


def _keyed(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows with their values as JSON and a digest of them: the row's identity within
    its period. Values are kept as text, as cleaned."""
    value_columns = [c for c in rows.columns if c not in {_ROW_NUMBER, "id_number", "name"}]
    if _ROW_NUMBER not in rows.columns:
        rows = rows.with_row_index(_ROW_NUMBER, offset=2)
    text = rows.select(
        pl.col(_ROW_NUMBER).cast(pl.Int64),
        pl.col("id_number").cast(pl.String),
        pl.col("name").cast(pl.String).fill_null("") if "name" in rows.columns else pl.lit(""),
        *(pl.col(c).cast(pl.String) for c in value_columns),
    )
    encoded = text.select(
        pl.struct(value_columns).struct.json_encode().alias("values")
        if value_columns
        else pl.lit("{}").alias("values")
    ).get_column("values")
    text = text.with_columns(encoded.alias("values"))
    digest_source = text.select(pl.concat_str(["id_number", "values"], separator="|")).to_series()
    # 128 bits: a collision among a period's rows is far less likely than a disk error.
    keys = [
        hashlib.sha256(value.encode()).hexdigest()[:ROW_KEY_LENGTH]
        for value in digest_source.to_list()
    ]
    return text.with_columns(pl.Series("row_key", keys, dtype=pl.String))


_ROW_IDS_SCHEMA = {"row_key": pl.String, "row_id": pl.Int64}


def _copy_out(sql: str, params: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A query's rows as a frame, streamed by COPY as CSV (PostgreSQL): no Python object
    per row."""
    buffer = io.BytesIO()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
    ):
        for block in copy:
            buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=schema)


# Guards the reservation of a block of feed row ids (any fixed number shared by the callers).
_ID_BLOCK_LOCK = 0x46454544


def _reserve_ids(table_name: str, count: int) -> int:
    """Reserve `count` consecutive ids of the table's sequence; return the first. The COPY
    then carries the ids, so no stored row has to be looked up afterwards. `_store` is the
    only writer of feed rows on PostgreSQL and takes ids only here, under a short advisory
    lock, so no other caller can draw an id between the two statements."""
    if count == 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_ID_BLOCK_LOCK])
        try:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table_name])
            first_id = int(cursor.fetchone()[0])
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [table_name, first_id + count - 1],
            )
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_ID_BLOCK_LOCK])
    return first_id


def _store(batch: FeedBatch, keyed: pl.DataFrame) -> tuple[int, pl.DataFrame]:
    """Insert the rows the period does not hold yet; return how many, and `keyed` with
    each row's stored id (`row_id`), so the results can cite it without a query per row."""
    first = keyed.unique("row_key", keep="first", maintain_order=True)
    columns = ("batch_id", "kind", "period", "region_code", "row_number", "id_number", "name")
    fixed = (batch.pk, batch.kind, batch.period, batch.region_id)
    table_name = FeedRow._meta.db_table
    if connection.vendor == "postgresql":
        existing = _copy_out(
            f"SELECT row_key, id FROM {table_name} "  # noqa: S608 - the table's name only
            "WHERE kind = %s AND region_code = %s AND period = %s",
            [batch.kind, batch.region_id, batch.period],
            _ROW_IDS_SCHEMA,
        )
        # In key order, with ids drawn in that order: both indexes then grow at their right
        # edge instead of at random pages; this took about 60 % off the COPY's CPU.
        new = first.join(existing, on="row_key", how="anti").sort("row_key")
        first_id = _reserve_ids(table_name, new.height)
        new = new.with_columns(
            pl.int_range(first_id, first_id + new.height, dtype=pl.Int64).alias("row_id")
        )
        # COPY of the table written by Polars as CSV: no Python object per row, and about
        # twelve times faster than batched INSERTs. Strings are quoted, so an empty name
        # stays an empty string rather than NULL.
        table = new.select(
            pl.col("row_id").alias("id"),
            *(pl.lit(value).alias(name) for name, value in zip(columns[:4], fixed, strict=True)),
            pl.col(_ROW_NUMBER).alias("row_number"),
            "id_number",
            pl.col("name").str.slice(0, 50),
            "values",
            "row_key",
        )
        content = table.write_csv(include_header=False, quote_style="non_numeric").encode()
        sql = (
            f"COPY {table_name} (id, {', '.join(columns)}, values, row_key) "
            "FROM STDIN WITH (FORMAT csv)"
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for start in range(0, len(content), _COPY_BLOCK):
                copy.write(content[start : start + _COPY_BLOCK])
    else:
        existing = pl.DataFrame(
            list(
                FeedRow.objects.filter(
                    kind=batch.kind, region_code=batch.region_id, period=batch.period
                ).values_list("row_key", "id")
            ),
            schema=_ROW_IDS_SCHEMA,
            orient="row",
        )
        new = first.join(existing, on="row_key", how="anti")
        created: list[FeedRow] = []
        for chunk in new.select(_ROW_NUMBER, "id_number", "name", "values", "row_key").iter_slices(
            _BATCH_ROWS
        ):
            created.extend(
                FeedRow.objects.bulk_create(
                    FeedRow(
                        batch_id=batch.pk,
                        kind=batch.kind,
                        period=batch.period,
                        region_code=batch.region_id,
                        row_number=row_number,
                        id_number=id_number,
                        name=name[:50],
                        values=json.loads(values),
                        row_key=row_key,
                    )
                    for row_number, id_number, name, values, row_key in chunk.iter_rows()
                )
            )
        new = pl.DataFrame(
            [(row.row_key, row.pk) for row in created], schema=_ROW_IDS_SCHEMA, orient="row"
        )
    row_ids = pl.concat([existing, new.select(list(_ROW_IDS_SCHEMA))])
    return new.height, keyed.join(row_ids, on="row_key", how="left")


_PEOPLE_SCHEMA = {
    "id_number": pl.String,
    "member_id": pl.Int64,
    "household_id": pl.Int64,
    "village_id": pl.String,
    "status": pl.String,
}
# Below this many distinct numbers the registry is asked for them by number; above, the
# region's members are read in one range scan, which is cheaper than a huge IN list.
_ASK_BY_NUMBER_UP_TO = 20_000
# The hash of 300,000 households (a city) takes about 25 MB; a larger region spills to
# disk, which is only slower.
_PEOPLE_WORK_MEM = "256MB"


def registered_people(region_code: str, id_numbers: pl.Series) -> pl.DataFrame:
    """The active members in the region whose ID numbers are given, with household, village
    and household status."""
    numbers = id_numbers.drop_nulls().unique()
    member = "registry_member"
    household = Household._meta.db_table
    base = (
        f"SELECT m.id_number, m.id, m.household_id, h.village_id, h.status FROM {member} m "  # noqa: S608 - table names only
        f"JOIN {household} h ON h.id = m.household_id WHERE m.is_active "
        "AND h.village_id >= %s AND h.village_id <= %s"
    )
    last = region_code.ljust(CODE_LENGTHS[-1], "9")
    if numbers.len() > _ASK_BY_NUMBER_UP_TO and connection.vendor == "postgresql":
        # A county's million members come back as one CSV stream read by Polars. The join
        # hashes the region's households: with the default work_mem (4 MB) the hash of a
        # city's 300,000 spills to disk in four batches, which took about a third of the
        # query's time; the setting is raised for this statement only.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)",
                [_PEOPLE_WORK_MEM],
            )
            before = cursor.fetchone()[0]
            try:
                return _copy_out(base, [region_code, last], _PEOPLE_SCHEMA)
            finally:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [before])
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if numbers.len() <= _ASK_BY_NUMBER_UP_TO:
            asked = numbers.sort().to_list()
            for start in range(0, len(asked), 900):
                chunk = asked[start : start + 900]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"{base} AND m.id_number IN ({placeholders})", [region_code, last, *chunk]
                )
                rows.extend(cursor.fetchall())
        else:
            cursor.execute(base, [region_code, last])
            rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=_PEOPLE_SCHEMA, orient="row")


def _field(frame: pl.DataFrame, rule: ComparisonRule) -> pl.Expr:
    if rule.field not in frame.columns:
        return pl.lit(None, dtype=pl.String)
    return pl.col(rule.field)


def _year_totals(batch: FeedBatch, keyed: pl.DataFrame, field: str) -> pl.DataFrame:
    """Each person's total of `field` over the year's periods, this delivery included.
    The earlier periods are added up by the database: a county's year holds millions of
    rows, which must not come back one by one."""
    current = keyed.select(
        "id_number", "row_key", pl.col(field).cast(pl.Float64, strict=False).alias("amount")
    ).unique("row_key")
    year = batch.period[:4]
    # Two ranges of the (kind, region, period, key) index around this period: a filter
    # that excluded it would read this delivery's own rows (a province's month: 700,000)
    # only to drop them.
    other_months = Q(period__gte=f"{year}-01", period__lt=batch.period) | Q(
        period__gt=batch.period, period__lte=f"{year}-12"
    )
    earlier = list(
        FeedRow.objects.filter(other_months, kind=batch.kind, region_code=batch.region_id)
        .values("id_number")
        .annotate(amount=Sum(Cast(KeyTextTransform(field, "values"), FloatField())))
        .order_by()
        .values_list("id_number", "amount")
    )
    parts = [current.select("id_number", "amount")]
    if earlier:
        parts.append(
            pl.DataFrame(
                earlier, schema={"id_number": pl.String, "amount": pl.Float64}, orient="row"
            )
        )
    return pl.concat(parts).group_by("id_number").agg(pl.col("amount").sum().alias("total"))


def _rule_hits(
    rule: ComparisonRule, batch: FeedBatch, keyed: pl.DataFrame, matched: pl.DataFrame
) -> pl.DataFrame:
    """The matched rows the rule fires on, with the value it fired on as `shown`."""
    value = _field(matched, rule)
    # Coded values need no showing: the rule's label names them.
    shown: pl.Expr = pl.lit(None, dtype=pl.String)
    if rule.operator == RuleOperator.AT_LEAST and rule.per_year_total:
        totals = _year_totals(batch, keyed, rule.field)
        fired = matched.join(totals, on="id_number", how="left").filter(
            pl.col("total") >= float(rule.value)
        )
        shown = pl.format(_("本年累计 {}"), pl.col("total").round(2).cast(pl.String))
    elif rule.operator == RuleOperator.AT_LEAST:
        fired = matched.filter(value.cast(pl.Float64, strict=False) >= float(rule.value))
        shown = pl.format(_("本期 {}"), value)
    elif rule.operator == RuleOperator.ONE_OF:
        accepted = [part.strip() for part in rule.value.split(",") if part.strip()]
        fired = matched.filter(value.is_in(accepted))
    else:
        fired = matched
    if rule.households == HouseholdsAffected.AIDED:
        fired = fired.filter(pl.col("status").is_in(sorted(AIDED_STATUSES)))
    if rule.outcome == RuleOutcome.CLUE:
        fired = fired.filter(~pl.col("status").is_in(sorted(_NO_CLUE_STATUSES)))
    return fired.select(
        "row_id", _ROW_NUMBER, "member_id", "household_id", "village_id", shown.alias("shown")
    ).unique("row_id", keep="first", maintain_order=True)


def _detail(rule: ComparisonRule, batch: FeedBatch, row_number: int, shown: str | None) -> str:
    where = _("%(kind)s %(period)s 第 %(row)d 行") % {
        "kind": FeedKind(batch.kind).label,
        "period": batch.period,
        "row": row_number,
    }
    text = f"{rule.label}（{where}）"
    return f"{text}：{shown}"[:300] if shown else text[:300]


@dataclass
class _Tally:
    matched: int = 0
    clues_opened: int = 0
    clues_merged: int = 0
    findings_opened: int = 0


def _compare(
    batch: FeedBatch,
    keyed: pl.DataFrame,
    people: pl.DataFrame,
    *,
    actor: Actor,
    timer: _Phases | None = None,
) -> _Tally:
    timer = timer or _Phases(None)
    tally = _Tally()
    rules = selectors.comparison_rules_for(kind=batch.kind, region_code=batch.region_id)
    matched = keyed.join(people, on="id_number", how="inner")
    tally.matched = matched.height
    if matched.is_empty():
        return tally
    for rule in rules:
        hits = _rule_hits(rule, batch, keyed, matched)
        if hits.is_empty():
            continue
        # What the rule already made of these rows, asked by the (rule, row) index in
        # blocks of row ids rather than once per row.
        row_ids = hits.get_column("row_id").to_list()
        done: set[int] = set()
        for start in range(0, len(row_ids), _BATCH_ROWS):
            done.update(
                FeedResult.objects.filter(
                    rule_code=rule.code, feed_row_id__in=row_ids[start : start + _BATCH_ROWS]
                ).values_list("feed_row_id", flat=True)
            )
        fresh = list(hits.filter(~pl.col("row_id").is_in(sorted(done))).iter_rows())
        timer.lap("rules")
        if rule.outcome == RuleOutcome.CLUE:
            _clues(rule, batch, fresh, actor=actor, tally=tally)
            timer.lap("clues")
        else:
            _findings(rule, batch, fresh, tally=tally)
            timer.lap("findings")
    return tally


def _clues(
    rule: ComparisonRule,
    batch: FeedBatch,
    fresh: list[tuple[Any, ...]],
    *,
    actor: Actor,
    tally: _Tally,
) -> None:
    """One department clue per household (merged into its open clue by monitoring), each
    of its rows recorded against it; the clues are made together, not one by one."""
    by_household: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for hit in fresh:
        by_household[hit[3]].append(hit)
    if not by_household:
        return
    made = clues_from_department_bulk(
        actor=actor if isinstance(actor, AbstractBaseUser) else None,
        department=str(FeedKind(batch.kind).label),
        warnings=[
            DepartmentWarning(
                household_id=household_id,
                risk_types=[rule.risk_type] if rule.risk_type else [],
                description="；".join(_detail(rule, batch, hit[1], hit[5]) for hit in hits)[:1000],
            )
            for household_id, hits in by_household.items()
        ],
    )
    tally.clues_opened += made.opened
    tally.clues_merged += made.merged
    # A household whose status changed since the registry was read takes no clue; nothing
    # to record for its rows.
    FeedResult.objects.bulk_create(
        [
            FeedResult(
                rule_code=rule.code, feed_row_id=hit[0], household_id=household_id, clue=clue
            )
            for (household_id, hits), clue in zip(by_household.items(), made.clues, strict=True)
            if clue is not None
            for hit in hits
        ],
        batch_size=_BATCH_ROWS,
    )


def _findings(
    rule: ComparisonRule, batch: FeedBatch, fresh: list[tuple[Any, ...]], *, tally: _Tally
) -> None:
    """One 疑点 per feed row, for the village of the member it names (an exclusion feed
    can fire on most of its rows: stored in batches, not one by one)."""
    findings = Finding.objects.bulk_create(
        [
            Finding(
                rule_code=rule.code,
                rule_label=rule.label,
                subject_key=f"row:{row_id}",
                household_id=household_id,
                member_id=member_id,
                village_id=village_id,
                feed_row_id=row_id,
                detail=_detail(rule, batch, row_number, shown),
                weight=rule.weight,
            )
            for row_id, row_number, member_id, household_id, village_id, shown in fresh
        ],
        batch_size=_BATCH_ROWS,
    )
    tally.findings_opened += len(findings)
    FeedResult.objects.bulk_create(
        [
            FeedResult(
                rule_code=rule.code, feed_row_id=hit[0], household_id=hit[3], finding=finding
            )
            for hit, finding in zip(fresh, findings, strict=True)
        ],
        batch_size=_BATCH_ROWS,
    )


def _stored(batch: FeedBatch) -> pl.DataFrame:
    """The rows stored for the batch's kind, region and period, shaped as `_keyed` shapes
    a delivery (values as text columns)."""
    stored = list(
        FeedRow.objects.filter(
            kind=batch.kind, region_code=batch.region_id, period=batch.period
        ).values_list("row_number", "id_number", "name", "row_key", "id", "values")
    )
    frame = pl.DataFrame(
        [row[:5] for row in stored],
        schema={
            _ROW_NUMBER: pl.Int64,
            "id_number": pl.String,
            "name": pl.String,
            "row_key": pl.String,
            "row_id": pl.Int64,
        },
        orient="row",
    )
    if not stored:
        return frame
    values = pl.DataFrame([row[5] for row in stored], infer_schema_length=None)
    return pl.concat([frame, values.select(pl.all().cast(pl.String))], how="horizontal")


def feed_period_compare(*, batch: FeedBatch) -> FeedApplyResult:
    """Compare the rows stored for the batch's kind, region and period with today's
    registry again: a household that became aided or monitored since the delivery now
    meets its rules. What a rule already made of a row is not made again. Runs inside the
    caller's transaction (`cadence.comparison_run`), which audits."""
    keyed = _stored(batch)
    people = registered_people(batch.region_id, keyed.get_column("id_number"))
    tally = _compare(batch, keyed, people, actor=None)
    return FeedApplyResult(
        rows_received=keyed.height,
        rows_new=0,
        rows_matched=tally.matched,
        clues_opened=tally.clues_opened,
        clues_merged=tally.clues_merged,
        findings_opened=tally.findings_opened,
    )


@transaction.atomic
def feed_rows_apply(
    *,
    actor: Actor,
    scope: RegionScope,
    rows: pl.DataFrame,
    kind: str = "",
    period: str = "",
    channel: str = FeedChannel.UPLOAD,
    filename: str = "",
    today: datetime.date | None = None,
    phases: dict[str, float] | None = None,
) -> FeedApplyResult:
    """Store a validated feed's rows about the people registered in the scope's region for
    the period, and compare them with the registry; all or nothing. `rows` are a feed
    template's cleaned rows (`id_number`, `name`, the kind's columns, `_row` the
    spreadsheet row). `phases` (if given) receives the seconds of each phase.

    Raises PermissionDeniedError or ApplicationError (kind, period, region). Audit action:
    "departments.feed_rows_apply" (clues are audited by monitoring).
    """
    scope.require(Capability.UPLOAD_FEEDS)
    if kind not in FeedKind.values:
        raise ApplicationError(_("没有这种部门数据：%(kind)s。") % {"kind": kind}, code="kind")
    period = period_check(period, today=today)
    region = _feed_region(scope)
    timer = _Phases(phases)
    batch = FeedBatch.objects.create(
        kind=kind,
        period=period,
        region=region,
        channel=channel,
        filename=filename[:200],
        sent_by_id=actor.pk if isinstance(actor, AbstractBaseUser) else None,
        rows_received=rows.height,
    )
    if _ROW_NUMBER not in rows.columns:
        rows = rows.with_row_index(_ROW_NUMBER, offset=2)
    people = registered_people(region.code, rows.get_column("id_number"))
    # A row about someone not registered here leads to nothing; keeping it would only hold
    # another person's data (the minimum necessary of PIPL), so it is counted, not stored
    # (nor even keyed).
    about_registered = rows.join(people.select("id_number").unique(), on="id_number", how="semi")
    timer.lap("registry")
    keyed = _keyed(about_registered)
    timer.lap("key")
    batch.rows_new, keyed = _store(batch, keyed)
    timer.lap("store")
    tally = _compare(batch, keyed, people, actor=actor, timer=timer)
    batch.rows_matched = tally.matched
    batch.clues_opened = tally.clues_opened
    batch.clues_merged = tally.clues_merged
    batch.findings_opened = tally.findings_opened
    batch.save()
    result = FeedApplyResult(
        rows_received=batch.rows_received,
        rows_new=batch.rows_new,
        rows_matched=batch.rows_matched,
        clues_opened=batch.clues_opened,
        clues_merged=batch.clues_merged,
        findings_opened=batch.findings_opened,
    )
    audit_record(
        actor=actor,
        action="departments.feed_rows_apply",
        subject=batch,
        region_code=region.code,
        changes={"kind": kind, "period": period, **result.__dict__},
        context={"channel": channel, "filename": filename},
    )
    timer.lap("finish")
    return result
