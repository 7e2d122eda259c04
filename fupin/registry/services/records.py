"""The yearly records of a household: income (收支) and living conditions (生产生活条件)."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdYear,
)
from fupin.registry.services.households import _changes, _check_codes, _require_edit, _snapshot
from fupin.registry.services.stale import household_stale_mark

_AMOUNT_LABELS = {
    "wage_income": _lazy("工资性收入"),
    "business_income": _lazy("生产经营性收入"),
    "property_income": _lazy("财产性收入"),
    "transfer_income": _lazy("转移性收入"),
    "business_expense": _lazy("生产经营性支出"),
    "insurance_claims": _lazy("理赔收入"),
    "compliant_out_of_pocket": _lazy("合规自付支出"),
}
_AMOUNT_FIELDS = [
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_expense",
    "insurance_claims",
    "compliant_out_of_pocket",
]


@transaction.atomic
def household_year_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    year: int,
    amounts: dict[str, Decimal],
    member_count: int | None = None,
) -> HouseholdYear:
    """Record (or correct) one year's income and expenditure (收支情况).

    `member_count` defaults to the active members now. The derived incomes are computed by
    the database. Audit action: "registry.household_year_record".
    """
    _require_edit(scope, household.village_id)
    if not 2013 <= year <= timezone.localdate().year:
        raise ApplicationError(
            _("年度 %(year)s 不在 2013 年至今的范围内。") % {"year": year}, code="year"
        )
    unknown = set(amounts) - set(_AMOUNT_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的收支项目：%(names)s") % {"names": ", ".join(unknown)})
    for name, value in amounts.items():
        if value < 0:
            raise ApplicationError(
                _("%(label)s 不能为负数。") % {"label": _AMOUNT_LABELS[name]},
                code="negative_amount",
            )
    count = member_count or household.members.filter(is_active=True).count()
    if count < 1:
        raise ApplicationError(_("该户没有在册成员，无法计算人均收入。"), code="no_members")
    record = HouseholdYear.objects.filter(household=household, year=year).first()
    before = _snapshot(record, [*_AMOUNT_FIELDS, "member_count"]) if record else {}
    defaults = {**amounts, "member_count": count}
    record, _created = HouseholdYear.objects.update_or_create(
        household=household, year=year, defaults=defaults
    )
    record.refresh_from_db()
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="registry.household_year_record",
        subject=household,
        region_code=household.village_id,
        changes={"year": year, **_changes(before, defaults)},
    )
    return record


_CONDITION_FIELDS = [
    field.name
    for field in HouseholdConditions._meta.get_fields()
    if field.name not in {"id", "household", "year", "recorded_at"}
]


@transaction.atomic
def household_conditions_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    year: int,
    values: dict[str, Any],
) -> HouseholdConditions:
    """Record one year's living conditions and 三保障 + 饮水 flags.

    Audit action: "registry.household_conditions_record".
    """
    _require_edit(scope, household.village_id)
    unknown = set(values) - set(_CONDITION_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的条件项目：%(names)s") % {"names": ", ".join(unknown)})
    grade = values.get("housing_grade", "")
    _check_codes(grade, codes.HousingGrade, _("危房等级"), required=False)
    if grade in {codes.HousingGrade.C, codes.HousingGrade.D}:
        # A C/D house is unsafe by definition until renovated (DOMAIN §4.5).
        values = {**values, "is_housing_unsafe": True}
    record = HouseholdConditions.objects.filter(household=household, year=year).first()
    before = _snapshot(record, list(values)) if record else {}
    record, _created = HouseholdConditions.objects.update_or_create(
        household=household, year=year, defaults=values
    )
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="registry.household_conditions_record",
        subject=household,
        region_code=household.village_id,
        changes={"year": year, **_changes(before, values)},
    )
    return record
