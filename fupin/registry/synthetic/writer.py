"""The rows the generator writes, one TypedDict per table, and how they are written: COPY on
PostgreSQL and batched ``executemany`` on SQLite, with household ids reserved up front."""

import datetime
from collections.abc import Sequence
from operator import itemgetter
from typing import Any, Final, TypedDict

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdLevel,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
)

GENERATOR_PREFIX: Final = "SYN"

# What the rows hold: text, numbers, flags, NULL and (PostgreSQL) the timestamps.
Value = str | int | bool | datetime.datetime | None


class HouseholdRow(TypedDict):
    id: int
    number: str
    village: str
    group_name: str
    address: str
    phone: str
    bank_name: str
    bank_account: str
    identification_standard: str
    poverty_attribute: str
    primary_cause: str
    other_cause_1: str
    other_cause_2: str
    is_whole_household_without_labor: bool
    is_relocated: bool
    resettlement_site: str
    is_military_family: bool
    is_family_planning: bool
    is_only_child_family: bool
    is_two_daughter_family: bool
    planned_exit_year: int | None
    status: str
    household_type: str
    monitoring_category: str
    exit_year: int | None
    version: int
    created_at: Value
    updated_at: Value
    active_member_count: int
    active_member_names: str


class MemberRow(TypedDict):
    household: int
    name: str
    id_number: str
    id_needs_review: bool
    sex: str
    birth_date: str
    relation: str
    ethnicity: str
    education: str
    schooling: str
    health: str
    labor_skill: str
    migrant_work: str
    migrant_months: int
    has_resident_medical_insurance: bool
    has_serious_illness_insurance: bool
    has_resident_pension_insurance: bool
    receives_dibao: bool
    receives_destitute_support: bool
    is_active: bool
    removal_reason: str
    removal_date: str | None
    removal_note: str
    version: int
    created_at: Value
    updated_at: Value
    political_status: str
    dropout_reason: str
    has_employee_medical_insurance: bool
    has_commercial_medical_insurance: bool
    receives_medical_assistance: bool
    has_employee_pension_insurance: bool
    is_active_military: bool
    is_relocated_person: bool
    public_welfare_post_months: int


# The database computes net_income and the per-capita figures (generated columns).
class YearRow(TypedDict):
    household: int
    year: int
    member_count: int
    wage_income: str
    business_income: str
    property_income: str
    transfer_income: str
    business_expense: str
    insurance_claims: str
    compliant_out_of_pocket: str
    recorded_at: Value


class ConditionRow(TypedDict):
    household: int
    year: int
    housing_grade: str
    housing_structure: str
    housing_area: str
    water_standard: str
    has_electricity: bool
    road_type: str
    has_sanitary_toilet: bool
    main_fuel: str
    is_food_insecure: bool
    is_clothing_insecure: bool
    is_housing_unsafe: bool
    has_dropout_child: bool
    is_water_unsafe: bool
    has_uninsured_member: bool
    recorded_at: Value


class EventRow(TypedDict):
    household: int
    kind: str
    occurred_on: str
    year: int
    monitoring_category: str
    identified_month: str
    risk_types: str
    elimination_method: str
    removal_reason: str
    note: str
    recorded_by: int | None
    recorded_at: Value


# The columns written, in the order of each row type.
HOUSEHOLD_FIELDS: Final = tuple(HouseholdRow.__annotations__)
MEMBER_FIELDS: Final = tuple(MemberRow.__annotations__)
YEAR_FIELDS: Final = tuple(YearRow.__annotations__)
CONDITION_FIELDS: Final = tuple(ConditionRow.__annotations__)
EVENT_FIELDS: Final = tuple(EventRow.__annotations__)


def generated_prefix(county_code: str) -> str:
    """Return the 户编号 prefix of the county's generated households."""
    return f"{GENERATOR_PREFIX}{county_code}"


def reserve_household_ids(count: int) -> list[int]:
    """Return `count` unused household ids; must run inside the batch's transaction."""
    return reserve_ids(Household, count)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Return `count` unused ids of `model`'s table, so that rows written in bulk can name
    each other without reading anything back; must run inside the batch's transaction."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so nobody can take these
        # ids before we insert them; AUTOINCREMENT's high-water mark keeps deleted ids unused.
        cursor.execute(f"SELECT coalesce(max({quote(pk)}), 0) FROM {quote(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        highest = max(highest, cursor.fetchone()[0])
    return list(range(highest + 1, highest + 1 + count))


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Any]) -> None:
    """Insert rows (mappings with the `fields` as keys): COPY on PostgreSQL, one
    executemany on SQLite."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    in_order = itemgetter(*fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(in_order(row))
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            [in_order(row) for row in rows],
        )


def _column(model: type[Model], name: str) -> str:
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return model_field.column


def delete_generated(county_code: str) -> None:
    """Delete the county's generated households and everything recorded for them."""
    quote = connection.ops.quote_name
    households = quote(Household._meta.db_table)
    number = quote("number")
    pattern = generated_prefix(county_code) + "%"
    selected = f"SELECT {quote('id')} FROM {households} WHERE {number} LIKE %s"  # noqa: S608
    deleted: dict[str, int] = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Raw deletes: the ORM would load every household to look for protected rows.
            # HouseholdLevel has no database constraint to refuse a household's delete: its
            # rows go first, like the others (ADR 0029).
            for model in (
                HouseholdStatusEvent,
                HouseholdConditions,
                HouseholdYear,
                Member,
                HouseholdLevel,
            ):
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                    f"WHERE {quote('household_id')} IN ({selected})",
                    [pattern],
                )
                deleted[model._meta.model_name or ""] = cursor.rowcount
            cursor.execute(f"DELETE FROM {households} WHERE {number} LIKE %s", [pattern])  # noqa: S608
            deleted["household"] = cursor.rowcount
            audit_record(
                actor=None,
                action="registry.household_bulk_generate_replace",
                subject_type="registry.household",
                subject_id=generated_prefix(county_code),
                subject_label=_("删除原有模拟农户"),
                region_code=county_code,
                changes={"households": deleted["household"], "members": deleted["member"]},
            )
    except IntegrityError as error:
        raise ApplicationError(
            _("原有模拟农户已被其他记录引用，无法替换：%(error)s") % {"error": error},
            code="generated_in_use",
        ) from error
