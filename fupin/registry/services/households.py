"""Household writes (建档立卡) and the checks every registry write shares; members, yearly
records and status events have their own modules beside this one.

Every service of the registry is keyword-only, takes the actor and their scope, runs in one
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import Capability, RegionScope
from fupin.core.text import clean_text
from fupin.registry import codes
from fupin.registry.idnumbers import InvalidIdNumber, parse_id_number
from fupin.registry.models import (
    Household,
    Member,
    Region,
)
from fupin.registry.services.assessment_results import household_level_villages_follow
from fupin.registry.services.member_counts import active_members_refresh
from fupin.registry.services.stale import household_stale_mark

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
    name = clean_text(data.name)
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

    An empty 户编号 is generated (`household_number_next`); a number the national system
    already gave the household is kept. Audit action: "registry.household_register".
    Raises ApplicationError for bad data, a missing or second head, a person listed twice
    or already active in another household, a duplicate 户编号, or a village outside the
    scope.
    """
    scope.require(Capability.EDIT_REGISTRY)
    village = _village(scope, data.village_code)
    if not data.number.strip():
        data = dataclasses.replace(data, number=household_number_next(village=village))
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
    active_members_refresh([household.pk])
    household.refresh_from_db(fields=["active_member_count"])
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="registry.household_register",
        subject=household,
        region_code=village.code,
        changes={"members": len(member_values), **_changes({}, header)},
    )
    return household


# A generated 户编号 is the 12-digit village code and a running number of this many digits.
GENERATED_NUMBER_DIGITS = 5


def household_number_next(*, village: Region) -> str:
    """The next generated 户编号 of a village: its 12-digit code and a five-digit running
    number one above the highest generated one (220122101201 00001, 00002, ...), so the
    number says where the household was registered and is never typed by hand. Locks the
    village's row until the caller's transaction ends, so two registrations in one village
    cannot draw the same number."""
    list(Region.objects.select_for_update().filter(code=village.code).values_list("pk"))
    length = len(village.code) + GENERATED_NUMBER_DIGITS
    taken = Household.objects.filter(number__startswith=village.code).values_list(
        "number", flat=True
    )
    running = [
        int(number[len(village.code) :])
        for number in taken
        if len(number) == length and number.isdigit()
    ]
    return f"{village.code}{max(running, default=0) + 1:0{GENERATED_NUMBER_DIGITS}d}"


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
    moved = current.village_id != village.code
    current.village = village
    current.save()
    if moved:
        household_level_villages_follow(household_ids_sql="%s", params=[current.pk])
    household_stale_mark(household_ids=[current.pk])
    audit_record(
        actor=actor,
        action="registry.household_update",
        subject=current,
        region_code=village.code,
        changes=_changes(before, after),
    )
    return current


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
