"""Household and member writes (建档立卡 and 防返贫监测 records).

Every service here is keyword-only, takes the actor and their scope, runs in one
transaction, checks the scope and the domain rules before writing anything, and writes its
audit event in the same transaction. Households and members carry a version number: a write
names the version it was based on, and fails with ConcurrentEditError when someone else
saved in between, so two cadres cannot silently overwrite each other.
"""

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import Capability, RegionScope
from fupin.registry import codes
from fupin.registry.idnumbers import InvalidIdNumber, parse_id_number
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
    Region,
)
from fupin.registry.status import EventFacts, derive_status, transition_error

MAX_RISK_TYPES = 5
_SEX_FROM_ID = {"male": codes.Sex.MALE, "female": codes.Sex.FEMALE}


class ConcurrentEditError(ApplicationError):
    """Someone saved the record after the actor loaded it; nothing was changed."""

    def __init__(self) -> None:
        super().__init__(
            _("该记录已被其他人修改，您的修改未保存。请刷新页面，核对最新内容后再提交。"),
            code="concurrent_edit",
        )


@dataclass(frozen=True)
class HouseholdData:
    """The editable household header (户基本信息)."""

    number: str
    village_code: str
    primary_cause: str
    group_name: str = ""
    address: str = ""
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    identification_standard: str = ""
    poverty_attribute: str = ""
    other_cause_1: str = ""
    other_cause_2: str = ""
    is_whole_household_without_labor: bool = False
    is_relocated: bool = False
    resettlement_site: str = ""
    is_military_family: bool = False
    is_family_planning: bool = False
    is_only_child_family: bool = False
    is_two_daughter_family: bool = False
    planned_exit_year: int | None = None


@dataclass(frozen=True)
class MemberData:
    """The editable member fields. `sex` and `birth_date`, when entered, must agree with
    the ID number; when left empty they are taken from it."""

    name: str
    id_number: str
    relation: str
    sex: str = ""
    birth_date: date | None = None
    ethnicity: str = codes.Ethnicity.HAN
    political_status: str = codes.PoliticalStatus.MASSES
    education: str = ""
    schooling: str = codes.Schooling.NOT_IN_SCHOOL
    dropout_reason: str = ""
    health: str = codes.Health.HEALTHY
    labor_skill: str = ""
    migrant_work: str = codes.MigrantWork.NONE
    migrant_months: int = 0
    has_resident_medical_insurance: bool = True
    has_serious_illness_insurance: bool = True
    has_resident_pension_insurance: bool = False
    receives_dibao: bool = False
    receives_destitute_support: bool = False
    has_employee_medical_insurance: bool = False
    has_commercial_medical_insurance: bool = False
    receives_medical_assistance: bool = False
    has_employee_pension_insurance: bool = False
    is_active_military: bool = False
    is_relocated_person: bool = False
    public_welfare_post_months: int = 0


# ---------------------------------------------------------------- checks


def _require_edit(scope: RegionScope, region_code: str) -> None:
    scope.require(Capability.EDIT_REGISTRY)
    scope.require_visible(region_code, _("农户不存在或不在您的管辖范围内。"))


def _village(scope: RegionScope, code: str) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise ApplicationError(
            _("村级区划代码“%(code)s”不存在，请填写 12 位村级代码。") % {"code": code},
            code="unknown_village",
        )
    if not scope.contains(code):
        raise ApplicationError(
            _("%(name)s 不在您的管辖范围内。") % {"name": village.name}, code="out_of_scope"
        )
    return village


def _check_codes(value: str, choices: type[Any], label: str, *, required: bool) -> None:
    if not value and not required:
        return
    if value not in choices.values:
        raise ApplicationError(
            _("“%(label)s”的取值“%(value)s”不在代码表中。") % {"label": label, "value": value},
            code="unknown_code",
        )


def _check_household_data(data: HouseholdData) -> None:
    if not data.number.strip():
        raise ApplicationError(_("请填写户编号。"), code="number_required")
    _check_codes(data.primary_cause, codes.PovertyCause, _("主要致贫原因"), required=True)
    for other in (data.other_cause_1, data.other_cause_2):
        _check_codes(other, codes.PovertyCause, _("其他致贫原因"), required=False)
        if other and other == data.primary_cause:
            raise ApplicationError(
                _("其他致贫原因不能与主要致贫原因相同。"), code="duplicate_cause"
            )
    if data.other_cause_1 and data.other_cause_1 == data.other_cause_2:
        raise ApplicationError(_("两项其他致贫原因不能相同。"), code="duplicate_cause")
    _check_codes(
        data.identification_standard,
        codes.IdentificationStandard,
        _("识别标准"),
        required=False,
    )
    _check_codes(data.poverty_attribute, codes.PovertyAttribute, _("贫困户属性"), required=False)
    if data.phone and not re.fullmatch(r"[0-9+\-]{7,20}", data.phone):
        raise ApplicationError(_("联系电话格式不正确。"), code="invalid_phone", field="phone")
    if data.bank_account and not re.fullmatch(r"[0-9]{8,30}", data.bank_account):
        raise ApplicationError(
            _("银行账号应为 8 到 30 位数字。"), code="invalid_bank_account", field="bank_account"
        )


def _member_values(data: MemberData) -> dict[str, Any]:
    """Validate a member's fields and return the values to store."""
    name = data.name.strip()
    if not name:
        raise ApplicationError(_("请填写成员姓名。"), code="name_required", field="name")
    try:
        info = parse_id_number(data.id_number)
    except InvalidIdNumber as error:
        raise ApplicationError(
            _("%(name)s：%(reason)s") % {"name": name, "reason": error.message},
            code=f"id_{error.code}",
            field="id_number",
        ) from error
    sex = _SEX_FROM_ID[info.sex]
    if data.sex and data.sex != sex:
        raise ApplicationError(
            _("%(name)s：填写的性别与身份证号码不一致（号码显示为%(sex)s）。")
            % {"name": name, "sex": codes.Sex(sex).label},
            code="sex_mismatch",
            field="sex",
        )
    if data.birth_date and data.birth_date != info.birth_date:
        raise ApplicationError(
            _("%(name)s：填写的出生日期与身份证号码不一致（号码显示为 %(date)s）。")
            % {"name": name, "date": info.birth_date.isoformat()},
            code="birth_date_mismatch",
            field="birth_date",
        )
    _check_codes(data.relation, codes.Relation, _("与户主关系"), required=True)
    _check_codes(data.ethnicity, codes.Ethnicity, _("民族"), required=True)
    _check_codes(data.political_status, codes.PoliticalStatus, _("政治面貌"), required=True)
    _check_codes(data.dropout_reason, codes.DropoutReason, _("失辍学原因"), required=False)
    if data.dropout_reason and data.schooling != codes.Schooling.NOT_IN_SCHOOL:
        raise ApplicationError(
            _("%(name)s 在校就读，不应填写失辍学原因。") % {"name": name},
            code="dropout_in_school",
            field="dropout_reason",
        )
    if not 0 <= data.public_welfare_post_months <= 12:
        raise ApplicationError(
            _("公益岗位聘用月数应在 0 到 12 个月之间。"),
            code="public_welfare_months",
            field="public_welfare_post_months",
        )
    _check_codes(data.education, codes.Education, _("文化程度"), required=False)
    _check_codes(data.schooling, codes.Schooling, _("在校生状况"), required=True)
    _check_codes(data.health, codes.Health, _("健康状况"), required=True)
    _check_codes(data.labor_skill, codes.LaborSkill, _("劳动技能"), required=False)
    _check_codes(data.migrant_work, codes.MigrantWork, _("务工状况"), required=True)
    if not 0 <= data.migrant_months <= 12:
        raise ApplicationError(
            _("务工时间应在 0 到 12 个月之间。"), code="migrant_months", field="migrant_months"
        )
    values = dataclasses.asdict(data)
    values.update(
        name=name,
        id_number=info.number,
        id_needs_review=info.needs_review,
        sex=sex,
        birth_date=info.birth_date,
    )
    return values


def _check_not_active_elsewhere(id_number: str, name: str, *, except_member: int | None) -> None:
    other = (
        Member.objects.filter(id_number=id_number, is_active=True)
        .exclude(pk=except_member or 0)
        .select_related("household")
        .first()
    )
    if other is not None:
        raise ApplicationError(
            _(
                "%(name)s（证件号码尾号 %(tail)s）已是户编号 %(number)s 的在册成员，"
                "一人只能属于一户。"
            )
            % {"name": name, "tail": id_number[-4:], "number": other.household.number},
            code="person_in_other_household",
            field="id_number",
        )


# Two cadres saving at the same moment can pass the checks above together; the database
# constraints then decide, and the loser gets the same explanation in Chinese.
_CONSTRAINT_MESSAGES = {
    ("registry_member_one_active_household_per_person", "registry_member.id_number"): _lazy(
        "该证件号码已是其他农户的在册成员，一人只能属于一户。"
    ),
    ("registry_member_one_head_per_household", "registry_member.household_id"): _lazy(
        "一户只能有一名户主。"
    ),
    ("registry_household_number_key", "registry_household.number"): _lazy("户编号已存在。"),
}


def constraint_error(error: IntegrityError) -> ApplicationError:
    """The Chinese explanation of a database constraint a write ran into."""
    text = str(error)
    for names, message in _CONSTRAINT_MESSAGES.items():
        if any(name in text for name in names):
            return ApplicationError(message, code="constraint")
    return ApplicationError(_("保存失败：数据与已有记录冲突，请刷新后重试。"), code="constraint")


@contextmanager
def _constraints_explained() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise constraint_error(error) from error


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def _snapshot(instance: Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def _bump(model: type[Household] | type[Member], pk: int, expected_version: int) -> None:
    updated = model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1)
    if updated != 1:
        raise ConcurrentEditError


def _locked_household(household_id: int) -> Household:
    return Household.objects.select_for_update().get(pk=household_id)


# ---------------------------------------------------------------- households


@transaction.atomic
def household_register(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    data: HouseholdData,
    members: list[MemberData],
) -> Household:
    """Register a household with its members (exactly one 户主).

    Audit action: "registry.household_register". Raises ApplicationError for bad data,
    a missing or second head, a person listed twice or already active in another household,
    a duplicate 户编号, or a village outside the scope.
    """
    scope.require(Capability.EDIT_REGISTRY)
    village = _village(scope, data.village_code)
    _check_household_data(data)
    member_values = [_member_values(member) for member in members]
    heads = [values for values in member_values if values["relation"] == codes.Relation.HEAD]
    if len(heads) != 1:
        raise ApplicationError(
            _("一户必须有且只有一名户主，现在有 %(count)s 名。") % {"count": len(heads)},
            code="head_count",
        )
    seen: set[str] = set()
    for values in member_values:
        if values["id_number"] in seen:
            raise ApplicationError(
                _("%(name)s 的证件号码在本户中重复出现。") % {"name": values["name"]},
                code="duplicate_person",
            )
        seen.add(values["id_number"])
        _check_not_active_elsewhere(values["id_number"], values["name"], except_member=None)
    if Household.objects.filter(number=data.number.strip()).exists():
        raise ApplicationError(
            _("户编号 %(number)s 已存在。") % {"number": data.number},
            code="duplicate_number",
            field="number",
        )
    header = dataclasses.asdict(data)
    header.pop("village_code")
    header["number"] = data.number.strip()
    with _constraints_explained():
        household = Household.objects.create(village=village, **header)
        Member.objects.bulk_create(
            [Member(household=household, **values) for values in member_values]
        )
    audit_record(
        actor=actor,
        action="registry.household_register",
        subject=household,
        region_code=village.code,
        changes={"members": len(member_values), **_changes({}, header)},
    )
    return household


_HOUSEHOLD_FIELDS = [field.name for field in dataclasses.fields(HouseholdData)]


@transaction.atomic
def household_update(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    expected_version: int,
    data: HouseholdData,
) -> Household:
    """Change a household's header. Audit action: "registry.household_update".

    Raises ConcurrentEditError when the household changed since `expected_version`.
    """
    _require_edit(scope, household.village_id)
    _check_household_data(data)
    village = _village(scope, data.village_code)
    if (
        data.number.strip() != household.number
        and Household.objects.filter(number=data.number.strip()).exists()
    ):
        raise ApplicationError(
            _("户编号 %(number)s 已存在。") % {"number": data.number},
            code="duplicate_number",
            field="number",
        )
    _bump(Household, household.pk, expected_version)
    current = _locked_household(household.pk)
    before = _snapshot(current, [name for name in _HOUSEHOLD_FIELDS if name != "village_code"])
    before["village_code"] = current.village_id
    after = dataclasses.asdict(data)
    after["number"] = data.number.strip()
    for name, value in after.items():
        if name != "village_code":
            setattr(current, name, value)
    current.village = village
    current.save()
    audit_record(
        actor=actor,
        action="registry.household_update",
        subject=current,
        region_code=village.code,
        changes=_changes(before, after),
    )
    return current


# ---------------------------------------------------------------- members


_MEMBER_FIELDS = [field.name for field in dataclasses.fields(MemberData)]


@transaction.atomic
def member_add(
    *, actor: AbstractBaseUser, scope: RegionScope, household: Household, data: MemberData
) -> Member:
    """Add a member to a household. Audit action: "registry.member_add"."""
    _require_edit(scope, household.village_id)
    current = _locked_household(household.pk)
    values = _member_values(data)
    if (
        values["relation"] == codes.Relation.HEAD
        and current.members.filter(is_active=True, relation=codes.Relation.HEAD).exists()
    ):
        raise ApplicationError(_("该户已有户主。"), code="head_count")
    _check_not_active_elsewhere(values["id_number"], values["name"], except_member=None)
    with _constraints_explained():
        member = Member.objects.create(household=current, **values)
    Household.objects.filter(pk=current.pk).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action="registry.member_add",
        subject=member,
        region_code=current.village_id,
        changes=_changes({}, values),
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    member: Member,
    expected_version: int,
    data: MemberData,
) -> Member:
    """Correct a member's fields. Audit action: "registry.member_update".

    The head's relation cannot be changed here and nobody else can become head here
    (a household always has exactly one 户主); raises ConcurrentEditError on a stale edit.
    """
    household = member.household
    _require_edit(scope, household.village_id)
    values = _member_values(data)
    if (values["relation"] == codes.Relation.HEAD) != member.is_head:
        raise ApplicationError(
            _("不能在此更改户主。户主去世或迁出时，请在减少成员时指定新户主。"),
            code="head_change",
        )
    if values["id_number"] != member.id_number:
        _check_not_active_elsewhere(values["id_number"], values["name"], except_member=member.pk)
    _bump(Member, member.pk, expected_version)
    current = Member.objects.select_for_update().get(pk=member.pk)
    before = _snapshot(current, list(values))
    for name, value in values.items():
        setattr(current, name, value)
    with _constraints_explained():
        current.save()
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action="registry.member_update",
        subject=current,
        region_code=household.village_id,
        changes=_changes(before, values),
    )
    return current


def _promote_new_head(household: Household, new_head_id: int | None, leaving: Member) -> None:
    others = household.members.filter(is_active=True).exclude(pk=leaving.pk)
    if not others.exists():
        return
    new_head = others.filter(pk=new_head_id).first() if new_head_id else None
    if new_head is None:
        raise ApplicationError(
            _("%(name)s 是户主，请先从其他在册成员中指定新户主。") % {"name": leaving.name},
            code="new_head_required",
        )
    # The old head leaves the active set first, so the one-head constraint holds throughout.
    Member.objects.filter(pk=new_head.pk).update(
        relation=codes.Relation.HEAD, version=F("version") + 1
    )


@transaction.atomic
def member_remove(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    member: Member,
    expected_version: int,
    reason: str,
    removal_date: date,
    note: str = "",
    new_head_id: int | None = None,
) -> Member:
    """Record a member's natural decrease (自然减少: death, migration, marriage, …).

    Removing the head names a new head among the others; removing the last member cancels
    the household (注销) with the same reason. Audit action: "registry.member_remove".
    """
    household = member.household
    _require_edit(scope, household.village_id)
    if reason not in codes.RemovalReason.values:
        raise ApplicationError(_("请选择减少原因。"), code="reason_required")
    if not member.is_active:
        raise ApplicationError(_("该成员已不在册。"), code="already_removed")
    _bump(Member, member.pk, expected_version)
    Member.objects.filter(pk=member.pk).update(
        is_active=False, removal_reason=reason, removal_date=removal_date, removal_note=note
    )
    if member.is_head:
        _promote_new_head(household, new_head_id, member)
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action="registry.member_remove",
        subject=member,
        region_code=household.village_id,
        changes={"reason": reason, "date": removal_date.isoformat(), "note": note},
    )
    if not household.members.filter(is_active=True).exists():
        _record_status(
            actor=actor,
            household=household,
            kind=HouseholdStatusEvent.Kind.CANCELLED,
            occurred_on=removal_date,
            year=removal_date.year,
            removal_reason=reason,
            note=_("最后一名成员减少，整户注销。"),
        )
    member.refresh_from_db()
    return member


@transaction.atomic
def member_move(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    member: Member,
    expected_version: int,
    target_household: Household,
    relation: str,
    reason: str,
    moved_on: date,
) -> Member:
    """Move a person to another household (分户, marriage): the old record leaves with the
    reason and a new one joins the target with the given relation to its head.

    Both households must be in scope. The head moves only when nobody else remains.
    Audit action: "registry.member_move".
    """
    source = member.household
    _require_edit(scope, source.village_id)
    _require_edit(scope, target_household.village_id)
    if target_household.pk == source.pk:
        raise ApplicationError(_("目标户与原户相同。"), code="same_household")
    if reason not in codes.RemovalReason.values:
        raise ApplicationError(_("请选择迁出原因。"), code="reason_required")
    if relation == codes.Relation.HEAD:
        raise ApplicationError(
            _("迁入已有户主的农户时不能作为户主，请选择与户主关系。"), code="head_count"
        )
    _check_codes(relation, codes.Relation, _("与户主关系"), required=True)
    if member.is_head and source.members.filter(is_active=True).exclude(pk=member.pk).exists():
        raise ApplicationError(
            _("%(name)s 是户主，原户还有其他成员，请先减少或变更户主后再迁出。")
            % {"name": member.name},
            code="head_moves",
        )
    _bump(Member, member.pk, expected_version)
    Member.objects.filter(pk=member.pk).update(
        is_active=False,
        removal_reason=reason,
        removal_date=moved_on,
        removal_note=_("迁入户编号 %(number)s") % {"number": target_household.number},
    )
    values = _snapshot(member, [*_MEMBER_FIELDS, "id_needs_review"])
    values["relation"] = relation
    with _constraints_explained():
        moved = Member.objects.create(household=target_household, **values)
    Household.objects.filter(pk__in=[source.pk, target_household.pk]).update(
        version=F("version") + 1
    )
    audit_record(
        actor=actor,
        action="registry.member_move",
        subject=moved,
        region_code=target_household.village_id,
        changes={
            "from": source.number,
            "to": target_household.number,
            "reason": reason,
            "relation": relation,
        },
    )
    if not source.members.filter(is_active=True).exists():
        _record_status(
            actor=actor,
            household=source,
            kind=HouseholdStatusEvent.Kind.CANCELLED,
            occurred_on=moved_on,
            year=moved_on.year,
            removal_reason=reason,
            note=_("成员全部迁出，整户注销。"),
        )
    return moved


@transaction.atomic
def member_reveal_id_number(*, actor: AbstractBaseUser, scope: RegionScope, member: Member) -> str:
    """Return a member's full ID number for a role that needs it, and audit the viewing.

    Audit action: "registry.member_reveal_id_number".
    """
    scope.require(Capability.VIEW_PERSONAL_DATA)
    scope.require_visible(member.household.village_id, _("农户不存在或不在您的管辖范围内。"))
    audit_record(
        actor=actor,
        action="registry.member_reveal_id_number",
        subject=member,
        region_code=member.household.village_id,
    )
    return member.id_number


REVEALABLE_HOUSEHOLD_FIELDS = ("phone", "bank_account")


@transaction.atomic
def household_reveal_contact(
    *, actor: AbstractBaseUser, scope: RegionScope, household: Household, field: str
) -> str:
    """Return a household's full phone or bank account for a role that needs it, audited.

    Audit action: "registry.household_reveal_contact".
    """
    scope.require(Capability.VIEW_PERSONAL_DATA)
    scope.require_visible(household.village_id, _("农户不存在或不在您的管辖范围内。"))
    if field not in REVEALABLE_HOUSEHOLD_FIELDS:
        raise ApplicationError(_("该项不可查看。"), code="field")
    audit_record(
        actor=actor,
        action="registry.household_reveal_contact",
        subject=household,
        region_code=household.village_id,
        changes={"field": field},
    )
    return str(getattr(household, field))


# ---------------------------------------------------------------- yearly records


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
    audit_record(
        actor=actor,
        action="registry.household_conditions_record",
        subject=household,
        region_code=household.village_id,
        changes={"year": year, **_changes(before, values)},
    )
    return record


# ---------------------------------------------------------------- status


def _record_status(
    *,
    actor: AbstractBaseUser | None,
    household: Household,
    kind: str,
    occurred_on: date,
    year: int,
    monitoring_category: str = "",
    identified_month: str = "",
    risk_types: list[str] | None = None,
    elimination_method: str = "",
    removal_reason: str = "",
    note: str = "",
) -> HouseholdStatusEvent:
    locked = _locked_household(household.pk)
    problem = transition_error(locked.status, kind)
    if problem:
        raise ApplicationError(problem, code="transition")
    event = HouseholdStatusEvent.objects.create(
        household=locked,
        kind=kind,
        occurred_on=occurred_on,
        year=year,
        monitoring_category=monitoring_category,
        identified_month=identified_month,
        risk_types=risk_types or [],
        elimination_method=elimination_method,
        removal_reason=removal_reason,
        note=note,
        recorded_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    derived = derive_status(
        EventFacts(e.kind, e.year, e.monitoring_category)
        for e in locked.status_events.order_by("occurred_on", "id")
    )
    Household.objects.filter(pk=locked.pk).update(
        status=derived.status,
        household_type=derived.household_type,
        monitoring_category=derived.monitoring_category,
        exit_year=derived.exit_year,
        version=F("version") + 1,
    )
    audit_record(
        actor=actor,
        action="registry.household_status_record",
        subject=locked,
        region_code=locked.village_id,
        changes={"kind": kind, "status": [locked.status, derived.status], "note": note},
    )
    return event


def _check_status_details(
    kind: str,
    *,
    monitoring_category: str,
    identified_month: str,
    risk_types: list[str],
    elimination_method: str,
    removal_reason: str,
) -> None:
    kinds = HouseholdStatusEvent.Kind
    if kind not in kinds.values:
        raise ApplicationError(_("未知的状态事件。"), code="unknown_kind")
    if kind == kinds.MONITORING_IDENTIFIED:
        _check_codes(
            monitoring_category, codes.MonitoringCategory, _("监测对象类别"), required=True
        )
        if not re.fullmatch(r"20\d\d(0[1-9]|1[0-2])", identified_month):
            raise ApplicationError(
                _("识别监测时间应为六位年月，例如 202403。"), code="identified_month"
            )
        if not 1 <= len(risk_types) <= MAX_RISK_TYPES:
            raise ApplicationError(_("请选择 1 至 5 项致贫/返贫风险。"), code="risk_type_count")
        for risk in risk_types:
            _check_codes(risk, codes.RiskType, _("风险类型"), required=True)
    if kind == kinds.RISK_ELIMINATED:
        _check_codes(elimination_method, codes.EliminationMethod, _("风险消除方式"), required=True)
    if kind == kinds.CANCELLED:
        _check_codes(removal_reason, codes.RemovalReason, _("注销原因"), required=True)


@transaction.atomic
def household_status_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    kind: str,
    occurred_on: date,
    year: int | None = None,
    monitoring_category: str = "",
    identified_month: str = "",
    risk_types: list[str] | None = None,
    elimination_method: str = "",
    removal_reason: str = "",
    note: str = "",
) -> HouseholdStatusEvent:
    """Append a status event (识别, 脱贫, 纳入监测, 风险消除, 返贫, 注销) and update the
    derived status. Refuses events that may not follow the current status.

    Audit action: "registry.household_status_record".
    """
    _require_edit(scope, household.village_id)
    risk_types = risk_types or []
    _check_status_details(
        kind,
        monitoring_category=monitoring_category,
        identified_month=identified_month,
        risk_types=risk_types,
        elimination_method=elimination_method,
        removal_reason=removal_reason,
    )
    return _record_status(
        actor=actor,
        household=household,
        kind=kind,
        occurred_on=occurred_on,
        year=year or occurred_on.year,
        monitoring_category=monitoring_category,
        identified_month=identified_month,
        risk_types=risk_types,
        elimination_method=elimination_method,
        removal_reason=removal_reason,
        note=note,
    )
