"""Apply a validated members ledger to the registry in one set-based transaction.

The existing households and active members of the file's households are read with a few
queries into Polars, diffed there, and written in batches: COPY (PostgreSQL) or
``executemany`` (SQLite) for new rows, and ``UPDATE … FROM`` a COPYed staging table
(PostgreSQL) or ``executemany`` (SQLite) for changed rows. Nothing is saved row by row.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.bulk import bulk_work_memory
from fupin.core.errors import ApplicationError
from fupin.core.lookups import in_chunks
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import RegionScope
from fupin.registry import codes
from fupin.registry.models import (
    MEMBER_NAMES_SEPARATOR,
    Household,
    HouseholdConditions,
    HouseholdStatus,
    HouseholdYear,
    Member,
    Region,
)
from fupin.registry.services import bulk_sql
from fupin.registry.services.assessment_results import household_level_villages_follow
from fupin.registry.services.households import constraint_error
from fupin.registry.services.member_counts import active_members_refresh
from fupin.registry.services.stale import household_stale_mark

EXAMPLES_SHOWN = 5

# Household-level ledger columns and the Household field each one writes.
HOUSEHOLD_COLUMNS = {
    "region_code": "village_id",
    "household_type": "household_type",
    "poverty_attribute": "poverty_attribute",
    "primary_cause": "primary_cause",
    "phone": "phone",
}
MEMBER_COLUMNS = (
    "name",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labor_skill",
    "migrant_work",
    "migrant_months",
    "has_resident_medical_insurance",
    "has_serious_illness_insurance",
    "has_resident_pension_insurance",
    "receives_dibao",
    "receives_destitute_support",
)
STATUS_FOR_TYPE = {
    codes.HouseholdType.EXITED: HouseholdStatus.EXITED,
    codes.HouseholdType.MONITORED: HouseholdStatus.MONITORED,
    codes.HouseholdType.ORDINARY: HouseholdStatus.UNREGISTERED,
    codes.HouseholdType.POOR: HouseholdStatus.POOR,
}
_NEW = "__new"
YEAR_AMOUNT_COLUMNS = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_expense",
    "insurance_claims",
    "compliant_out_of_pocket",
)
CONDITION_COLUMNS = (
    "housing_grade",
    "housing_structure",
    "housing_area",
    "water_standard",
    "has_electricity",
    "road_type",
    "has_sanitary_toilet",
    "main_fuel",
    "is_housing_unsafe",
    "has_dropout_child",
    "is_water_unsafe",
    "has_uninsured_member",
)


@dataclass(frozen=True)
class BulkResult:
    """What one ledger import did; `unchanged` counts member rows that were already equal."""

    households_created: int
    households_updated: int
    members_created: int
    members_updated: int
    unchanged: int


def member_bulk_upsert(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    scope: RegionScope,
    rows: pl.DataFrame | Sequence[pl.LazyFrame],
    progress: Callable[[int, int], None] | None = None,
) -> BulkResult:
    """Create or update the households and members of a validated ledger, all or nothing.

    `rows` is `ValidationResult.valid`, or its `valid_chunks`: chunks that each hold whole
    households, read and applied one at a time in the one transaction, so a ledger of any
    size is applied in bounded memory (`progress(done, total)` after each chunk).
    Households are matched by 户编号, members by (户编号, 证件号码) among active members;
    identical rows are left untouched, so importing the same file twice changes nothing
    the second time. Empty cells keep stored values.
    """
    chunks = [rows.lazy()] if isinstance(rows, pl.DataFrame) else list(rows)
    try:
        with transaction.atomic():
            # Every county of the file is locked, in code order, before any chunk is written:
            # chunk by chunk, two imports could take them in different orders and deadlock.
            serialize_counties(_file_villages(chunks))
            if connection.vendor == "postgresql":
                # The module imports this one's columns and checks.
                from fupin.registry.services.bulk_staged import staged_apply  # noqa: PLC0415

                # The file's million rows are grouped, sorted and joined in whole statements:
                # with the default work_mem each of those spilled to disk (ADR 0033).
                with bulk_work_memory():
                    totals, row_count = staged_apply(
                        scope, chunks, now=timezone.now(), progress=progress
                    )
            else:
                totals, row_count = _apply_chunks(scope, chunks, progress=progress)
            audit_record(
                actor=actor,
                action="registry.member_bulk_upsert",
                subject_type="registry.household",
                region_code=scope.prefix,
                changes=dataclasses.asdict(totals),
                context={"rows": row_count},
            )
    except IntegrityError as error:
        raise _not_written(error) from error
    return totals


def _apply_chunks(
    scope: RegionScope,
    chunks: Sequence[pl.LazyFrame],
    *,
    progress: Callable[[int, int], None] | None,
) -> tuple[BulkResult, int]:
    """SQLite's apply: each chunk read, diffed in Polars and written in turn."""
    totals = BulkResult(0, 0, 0, 0, 0)
    row_count = 0
    for done, chunk in enumerate(chunks, start=1):
        frame = chunk.collect()
        row_count += frame.height
        totals = _added(totals, _apply(scope, frame))
        del frame
        if progress:
            progress(done, len(chunks))
    return totals, row_count


def _file_villages(chunks: Sequence[pl.LazyFrame]) -> list[str]:
    villages = pl.concat([chunk.select("region_code") for chunk in chunks]).unique().collect()
    return villages.get_column("region_code").drop_nulls().to_list()


def _added(total: BulkResult, chunk: BulkResult) -> BulkResult:
    return BulkResult(
        *(
            getattr(total, counter.name) + getattr(chunk, counter.name)
            for counter in dataclasses.fields(BulkResult)
        )
    )


def _apply(scope: RegionScope, rows: pl.DataFrame) -> BulkResult:
    if rows.is_empty():
        return BulkResult(0, 0, 0, 0, 0)
    now = timezone.now()
    households = _household_frame(rows)
    serialize_counties(households.get_column("village_id").drop_nulls().to_list())
    existing_households = _existing_households(households.get_column("number").to_list())
    serialize_counties(existing_households.get_column("village_id").drop_nulls().to_list())
    _check_villages(scope, households, existing_households)
    _check_people_elsewhere(rows)
    created_households, updated_households = _write_households(
        households, existing_households, now=now
    )
    ids = _households_of(households.get_column("number").to_list()).drop("village_id")
    created_members, updated_members, unchanged, gained = _write_members(rows, ids, now=now)
    # New households were inserted with their count and names; those that existed and
    # gained or renamed members are refreshed.
    existed = existing_households.select(pl.col("number").alias("household_number"))
    active_members_refresh(
        gained.join(existed, on="household_number", how="semi").get_column("household_id").to_list()
    )
    if created_households or updated_households or created_members or updated_members:
        # The whole file's households, in one statement: re-assessing one whose facts did
        # not change writes nothing, and tracing each member row back costs more.
        household_stale_mark(household_ids=ids.get_column("household_id").to_list())
    return BulkResult(
        created_households, updated_households, created_members, updated_members, unchanged
    )


@dataclass(frozen=True)
class RecordBulkResult:
    """What one household-year ledger import did."""

    created: int
    updated: int
    unchanged: int


def household_year_bulk_upsert(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    scope: RegionScope,
    rows: pl.DataFrame,
) -> RecordBulkResult:
    """Create or update household-year income records (收支情况), all or nothing.

    `rows` holds household_number, year, member_count and the amount columns. Records are
    matched by (户编号, 年度); empty cells keep stored values (new records: 0, and the
    household's active members for member_count). Audit action:
    "registry.household_year_bulk_upsert".
    """
    counted = _with_member_counts(rows)
    return _records_bulk_upsert(
        HouseholdYear,
        ("member_count", *YEAR_AMOUNT_COLUMNS),
        counted,
        actor=actor,
        scope=scope,
        action="registry.household_year_bulk_upsert",
    )


def household_conditions_bulk_upsert(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    scope: RegionScope,
    rows: pl.DataFrame,
) -> RecordBulkResult:
    """Create or update living conditions and 三保障 + 饮水 flags per household-year.

    A C or D grade house is recorded as unsafe (DOMAIN §4.5). Audit action:
    "registry.household_conditions_bulk_upsert".
    """
    unsafe_grade = pl.col("housing_grade").is_in([codes.HousingGrade.C, codes.HousingGrade.D])
    rows = rows.with_columns(
        pl.when(unsafe_grade)
        .then(pl.lit(True))
        .otherwise(pl.col("is_housing_unsafe"))
        .alias("is_housing_unsafe")
    )
    return _records_bulk_upsert(
        HouseholdConditions,
        CONDITION_COLUMNS,
        rows,
        actor=actor,
        scope=scope,
        action="registry.household_conditions_bulk_upsert",
    )


def _with_member_counts(rows: pl.DataFrame) -> pl.DataFrame:
    """Add `active_members` (per household number) used when member_count is empty."""
    counts: list[tuple[str, int]] = []
    for chunk in in_chunks(rows.get_column("household_number").to_list()):
        counts.extend(
            Household.objects.filter(number__any=chunk).values_list("number", "active_member_count")
        )
    frame = pl.DataFrame(
        counts, schema={"household_number": pl.String, "active_members": pl.Int64}, orient="row"
    )
    return rows.join(frame, on="household_number", how="left")


def _records_bulk_upsert(
    model: type[HouseholdYear] | type[HouseholdConditions],
    columns: tuple[str, ...],
    rows: pl.DataFrame,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    scope: RegionScope,
    action: str,
) -> RecordBulkResult:
    try:
        with transaction.atomic():
            result = _apply_records(model, columns, rows, scope=scope)
            audit_record(
                actor=actor,
                action=action,
                subject_type=f"registry.{model._meta.model_name}",
                region_code=scope.prefix,
                changes={
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
                context={"rows": rows.height},
            )
    except IntegrityError as error:
        raise _not_written(error) from error
    return result


def _apply_records(
    model: type[HouseholdYear] | type[HouseholdConditions],
    columns: tuple[str, ...],
    rows: pl.DataFrame,
    *,
    scope: RegionScope,
) -> RecordBulkResult:
    if rows.is_empty():
        return RecordBulkResult(0, 0, 0)
    households = _households_of(rows.get_column("household_number").to_list())
    unknown = set(rows.get_column("household_number").to_list()) - set(
        households.get_column("household_number").to_list()
    )
    if unknown:
        raise ApplicationError(
            _("以下户编号不在册：%(numbers)s；未写入任何数据。") % {"numbers": _sample(unknown)},
            field="household_number",
        )
    outside = [
        code
        for code in households.get_column("village_id").unique().to_list()
        if not scope.contains(code)
    ]
    if outside:
        raise ApplicationError(
            _("以下行政区划不在您的管辖范围内：%(codes)s；未写入任何数据。")
            % {"codes": _sample(outside)},
            field="household_number",
        )
    keyed = rows.join(households, on="household_number").drop("village_id")
    existing = _existing_records(model, columns, keyed.get_column("household_id").to_list())
    joined = keyed.join(existing, on=["household_id", "year"], how="left", suffix=_NEW + "old")
    new = joined.filter(pl.col("id").is_null())
    compared = joined.filter(pl.col("id").is_not_null()).select(
        "id",
        "household_id",
        *(pl.coalesce(pl.col(c), pl.col(c + _NEW + "old")).alias(c) for c in columns),
        pl.any_horizontal(
            pl.col(c).is_not_null() & pl.col(c).ne_missing(pl.col(c + _NEW + "old"))
            for c in columns
        ).alias("changed"),
    )
    changed = compared.filter("changed").drop("changed")
    touched = pl.concat([new.get_column("household_id"), changed.get_column("household_id")])
    changed = changed.drop("household_id")
    if "member_count" in columns:
        without_members = new.filter(
            pl.col("member_count").is_null() & pl.col("active_members").fill_null(0).eq(0)
        )
        if without_members.height:
            raise ApplicationError(
                _("以下农户没有在册成员，请填写家庭人口数：户编号 %(numbers)s；未写入任何数据。")
                % {"numbers": _sample(without_members.get_column("household_number").to_list())},
                field="member_count",
            )
        new = new.with_columns(pl.coalesce("member_count", "active_members").alias("member_count"))
    now = timezone.now()
    bulk_sql.insert(model, new.select("household_id", "year", *columns), now=now)
    bulk_sql.update(model, list(columns), changed.rows(), now=now)
    household_stale_mark(household_ids=touched.to_list())
    return RecordBulkResult(new.height, changed.height, compared.height - changed.height)


def _households_of(numbers: Sequence[str]) -> pl.DataFrame:
    return bulk_sql.frames(
        numbers,
        lambda chunk: (
            Household.objects.filter(number__any=chunk)
            .order_by()
            .values_list("id", "number", "village_id")
        ),
        {"household_id": pl.Int64, "household_number": pl.String, "village_id": pl.String},
    )


def _existing_records(
    model: type[HouseholdYear] | type[HouseholdConditions],
    columns: tuple[str, ...],
    household_ids: Sequence[int],
) -> pl.DataFrame:
    fields = ["id", "household_id", "year", *columns]
    records: list[tuple[Any, ...]] = []
    for chunk in in_chunks(household_ids):
        records.extend(model.objects.filter(household__id__any=chunk).values_list(*fields))
    schema: dict[str, Any] = {"id": pl.Int64, "household_id": pl.Int64, "year": pl.Int64}
    for name in columns:
        schema[name] = bulk_sql.polars_type(model._meta.get_field(name))
    return pl.DataFrame(records, schema=schema, orient="row")


# Namespace (first key) of the PostgreSQL advisory locks that ledger imports take per county.
_IMPORT_LOCK_NAMESPACE = 20


def serialize_counties(village_codes: Iterable[str]) -> None:
    """Make imports into the same county wait for each other until commit.

    Two imports that read the registry before either writes would each find a person
    unregistered and both add them; waiting here means the second one reads what the
    first committed and refuses with a clear message. Locks are taken in code order, so
    two imports cannot wait on each other. SQLite needs nothing: its IMMEDIATE
    transactions already let one writer in at a time.
    """
    if connection.vendor != "postgresql":
        return
    counties = sorted({code[:6] for code in village_codes if code[:6].isdigit()})
    with connection.cursor() as cursor:
        for county in counties:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK_NAMESPACE, int(county)]
            )


# --- reading -------------------------------------------------------------------------------


def _household_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per household: the first non-empty value of each household-level column."""
    return (
        rows.group_by("household_number", maintain_order=True)
        .agg(
            *(pl.col(column).drop_nulls().first() for column in HOUSEHOLD_COLUMNS),
            pl.len().alias("members"),
            pl.col("name").str.join(MEMBER_NAMES_SEPARATOR).alias("names"),
        )
        .rename({"household_number": "number", **HOUSEHOLD_COLUMNS})
    )


def _not_written(error: IntegrityError) -> ApplicationError:
    """A constraint the import ran into (another user saving at the same moment), told in
    Chinese; the transaction has rolled back."""
    reason = constraint_error(error).message
    return ApplicationError(_("%(reason)s未写入任何数据。") % {"reason": reason}, code="constraint")


def _existing_households(numbers: Sequence[str]) -> pl.DataFrame:
    fields = ["id", "number", *HOUSEHOLD_COLUMNS.values()]
    schema = dict.fromkeys(fields, pl.String) | {"id": pl.Int64}
    return bulk_sql.frames(
        numbers,
        lambda chunk: Household.objects.filter(number__any=chunk).order_by().values_list(*fields),
        schema,
    )


def _existing_members(numbers: Sequence[str]) -> pl.DataFrame:
    fields = ["id", "household__number", "id_number", *MEMBER_COLUMNS]
    schema: dict[str, Any] = dict.fromkeys(fields, pl.String)
    schema |= {"id": pl.Int64, "birth_date": pl.Date, "migrant_months": pl.Int64}
    schema |= {name: pl.Boolean for name in MEMBER_COLUMNS if name.startswith(("has_", "rec"))}
    return bulk_sql.frames(
        numbers,
        lambda chunk: (
            Member.objects.filter(is_active=True, household__number__any=chunk)
            .order_by()
            .values_list(*fields)
        ),
        schema,
    ).rename({"household__number": "household_number"})


# --- checks --------------------------------------------------------------------------------


def _sample(values: Iterable[str]) -> str:
    return "、".join(sorted(set(values))[:EXAMPLES_SHOWN])


def _check_villages(scope: RegionScope, households: pl.DataFrame, existing: pl.DataFrame) -> None:
    villages_check(
        scope,
        villages=households.get_column("village_id").drop_nulls().unique().to_list(),
        current=existing.get_column("village_id").drop_nulls().unique().to_list(),
        has_missing=households.get_column("village_id").null_count() > 0,
    )


def villages_check(
    scope: RegionScope, *, villages: list[str], current: list[str], has_missing: bool
) -> None:
    """Refuse a file whose households are, or would be put, outside the user's scope, or
    name a village code that is not a registered 村; both apply paths ask it."""
    outside = [code for code in {*villages, *current} if not scope.contains(code)]
    if outside:
        raise ApplicationError(
            _("以下行政区划不在您的管辖范围内：%(codes)s；未写入任何数据。")
            % {"codes": _sample(outside)},
            field="region_code",
        )
    known: set[str] = set()
    for chunk in in_chunks(villages):
        known.update(
            Region.objects.filter(code__any=chunk, level=RegionLevel.VILLAGE).values_list(
                "code", flat=True
            )
        )
    unknown = [code for code in villages if code not in known]
    if unknown or has_missing:
        raise ApplicationError(
            _("以下村级区划代码不存在：%(codes)s；未写入任何数据。")
            % {"codes": _sample(unknown) or "—"},
            field="region_code",
        )


def _check_people_elsewhere(rows: pl.DataFrame) -> None:
    """Refuse people active in another household than the one the file puts them in."""
    registered = bulk_sql.frames(
        rows.get_column("id_number").unique().to_list(),
        lambda chunk: (
            Member.objects.filter(is_active=True, id_number__any=chunk)
            .order_by()
            .values_list("id_number", "household__number")
        ),
        {"id_number": pl.String, "registered": pl.String},
    )
    clashes = rows.join(registered, on="id_number").filter(
        pl.col("registered") != pl.col("household_number")
    )
    if clashes.height:
        raise ApplicationError(
            _("%(count)d 人已在另一户在册（户编号 %(numbers)s）；请先在原户办理成员减少。")
            % {
                "count": clashes.height,
                "numbers": _sample(clashes.get_column("registered").to_list()),
            },
            field="id_number",
        )


# --- writing -------------------------------------------------------------------------------


def _write_households(
    households: pl.DataFrame, existing: pl.DataFrame, *, now: datetime.datetime
) -> tuple[int, int]:
    """Insert new households and update those whose household-level columns differ."""
    joined = households.join(existing, on="number", how="left", suffix=_NEW + "old")
    new = joined.filter(pl.col("id").is_null())
    old = joined.filter(pl.col("id").is_not_null())
    columns = list(HOUSEHOLD_COLUMNS.values())
    # Empty cells keep what is stored.
    merged = old.select(
        "id",
        *(pl.coalesce(pl.col(c), pl.col(c + _NEW + "old")).alias(c) for c in columns),
        pl.any_horizontal(
            pl.col(c).is_not_null() & pl.col(c).ne_missing(pl.col(c + _NEW + "old"))
            for c in columns
        ).alias("changed"),
    ).filter("changed")
    missing_cause = new.filter(pl.col("primary_cause").is_null()).get_column("number")
    if missing_cause.len():
        raise ApplicationError(
            _("新建农户必须填写主要致贫原因：户编号 %(numbers)s；未写入任何数据。")
            % {"numbers": _sample(missing_cause.to_list())},
            field="primary_cause",
        )
    household_type = pl.col("household_type").fill_null(codes.HouseholdType.ORDINARY.value)
    statuses = {str(kind): str(status) for kind, status in STATUS_FOR_TYPE.items()}
    bulk_sql.insert(
        Household,
        new.select(
            "number",
            "village_id",
            household_type,
            household_type.replace_strict(statuses, return_dtype=pl.String).alias("status"),
            "poverty_attribute",
            "primary_cause",
            "phone",
            # Every member of a new household is in this file and is new.
            pl.col("members").alias("active_member_count"),
            pl.col("names").alias("active_member_names"),
        ),
        now=now,
    )
    bulk_sql.update(Household, columns, merged.drop("changed").rows(), now=now)
    # A household moved to another village takes its level row's village along.
    for ids in in_chunks(merged.get_column("id").to_list()):
        household_level_villages_follow(household_ids_sql=", ".join(["%s"] * len(ids)), params=ids)
    return new.height, merged.height


def _write_members(
    rows: pl.DataFrame, household_ids: pl.DataFrame, *, now: datetime.datetime
) -> tuple[int, int, int, pl.DataFrame]:
    """Insert new members, update changed ones; return (created, updated, unchanged) and
    the households (number, id) that gained or renamed members."""
    existing = _existing_members(rows.get_column("household_number").unique().to_list())
    file_rows = rows.select("household_number", "id_number", *MEMBER_COLUMNS).with_columns(
        pl.coalesce(
            pl.col("birth_date"),
            pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False),
        ).alias("birth_date")
    )
    joined = file_rows.join(
        existing, on=["household_number", "id_number"], how="left", suffix=_NEW + "old"
    )
    new = joined.filter(pl.col("id").is_null())
    old = joined.filter(pl.col("id").is_not_null())
    compared = old.select(
        "id",
        *(pl.coalesce(pl.col(c), pl.col(c + _NEW + "old")).alias(c) for c in MEMBER_COLUMNS),
        pl.any_horizontal(
            pl.col(c).is_not_null() & pl.col(c).ne_missing(pl.col(c + _NEW + "old"))
            for c in MEMBER_COLUMNS
        ).alias("changed"),
    )
    changed = compared.filter("changed").drop("changed")
    # A household's rows are applied as a set: members who stop being head are written
    # first and new heads last, so the one-head constraint holds at every step, whatever
    # the order of the rows in the file.
    becomes_head = pl.col("relation") == codes.Relation.HEAD.value
    bulk_sql.update(Member, list(MEMBER_COLUMNS), changed.filter(~becomes_head).rows(), now=now)
    new = new.join(household_ids, on="household_number")
    bulk_sql.insert(Member, new.select("household_id", "id_number", *MEMBER_COLUMNS), now=now)
    bulk_sql.update(Member, list(MEMBER_COLUMNS), changed.filter(becomes_head).rows(), now=now)
    renamed = old.filter(
        pl.col("name").is_not_null() & pl.col("name").ne_missing(pl.col("name" + _NEW + "old"))
    ).select("household_number")
    gained = (
        pl.concat([new.select("household_number"), renamed])
        .unique()
        .join(household_ids, on="household_number")
    )
    return new.height, changed.height, compared.height - changed.height, gained
