"""What each data-quality (疑点) rule tests in the registry. Whether a rule runs, its label
and its weight are configuration (`QualityRule` rows, seeded by migration); the codes of
DOMAIN §10.2 are kept so a finding cites the national rule it stands for."""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from fupin.core.scope import CODE_LENGTHS
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdYear, Member

# Ages of compulsory education (义务教育): six to fifteen full years.
_SCHOOL_AGES = (6, 15)
# Beyond this age a member recorded as a pupil is a data error, not a late student.
_OLDEST_PUPIL = 30
_PUPIL_CODES = [code for code in codes.Schooling.values if code != codes.Schooling.NOT_IN_SCHOOL]
_NOT_ELIMINATED = [HouseholdStatus.MONITORED, HouseholdStatus.RETURNED]


@dataclass(frozen=True)
class Hit:
    """A household (and maybe one member) a rule fires on, with what it found."""

    household_id: int
    village_id: str
    detail: str
    member_id: int | None = None

    @property
    def subject_key(self) -> str:
        if self.member_id is not None:
            return f"member:{self.member_id}"
        return f"household:{self.household_id}"


def _households(region_code: str, household_ids: list[int] | None) -> QuerySet[Household]:
    households = Household.objects.exclude(status=HouseholdStatus.CANCELLED)
    if region_code:
        last = region_code.ljust(CODE_LENGTHS[-1], "9")
        households = households.filter(village__code__range=(region_code, last))
    if household_ids is not None:
        households = households.filter(pk__in=household_ids)
    return households


def _members(region_code: str, household_ids: list[int] | None) -> QuerySet[Member]:
    return Member.objects.filter(
        is_active=True, household__in=_households(region_code, household_ids)
    )


def _age(birth_date: datetime.date, today: datetime.date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def head_missing(region_code: str, ids: list[int] | None, today: datetime.date) -> Iterator[Hit]:
    heads = Member.objects.filter(household=OuterRef("pk"), is_active=True, relation="01")
    for pk, village in (
        _households(region_code, ids).filter(~Exists(heads)).values_list("pk", "village_id")
    ):
        yield Hit(pk, village, _("没有在册的户主。"))


def birth_date_vs_id(
    region_code: str, ids: list[int] | None, today: datetime.date
) -> Iterator[Hit]:
    for pk, household, village, number, born in _members(region_code, ids).values_list(
        "pk", "household_id", "household__village_id", "id_number", "birth_date"
    ):
        if len(number) == 18 and number[6:14] != f"{born:%Y%m%d}":
            yield Hit(
                household,
                village,
                _("出生日期 %(recorded)s 与证件号码中的 %(encoded)s 不一致。")
                % {"recorded": f"{born:%Y-%m-%d}", "encoded": number[6:14]},
                member_id=pk,
            )


def school_age(region_code: str, ids: list[int] | None, today: datetime.date) -> Iterator[Hit]:
    youngest, oldest = _SCHOOL_AGES
    for pk, household, village, born, schooling in _members(region_code, ids).values_list(
        "pk", "household_id", "household__village_id", "birth_date", "schooling"
    ):
        age = _age(born, today)
        if youngest <= age <= oldest and schooling == codes.Schooling.NOT_IN_SCHOOL:
            detail = _("%(age)d 岁，处于义务教育阶段，在校生状况却为“非在校生”。") % {"age": age}
        elif age > _OLDEST_PUPIL and schooling in _PUPIL_CODES:
            detail = _("%(age)d 岁，在校生状况却为“%(schooling)s”。") % {
                "age": age,
                "schooling": codes.Schooling(schooling).label,
            }
        else:
            continue
        yield Hit(household, village, detail, member_id=pk)


def _latest_years(households: QuerySet[Household]) -> QuerySet[HouseholdYear]:
    latest = HouseholdYear.objects.filter(household=OuterRef("household")).order_by("-year")
    return HouseholdYear.objects.filter(
        household__in=households, pk=latest.values("pk")[:1]
    ).select_related("household")


def transfer_income_missing(
    region_code: str, ids: list[int] | None, today: datetime.date
) -> Iterator[Hit]:
    """4_11_013: an eliminated or exited household on 低保/特困 without 转移性收入."""
    supported = Member.objects.filter(household=OuterRef("pk"), is_active=True).filter(
        Q(receives_dibao=True) | Q(receives_destitute_support=True)
    )
    households = _households(region_code, ids).filter(
        Exists(supported),
        status__in=[HouseholdStatus.EXITED, HouseholdStatus.RISK_ELIMINATED],
    )
    for record in _latest_years(households).filter(transfer_income=0):
        yield Hit(
            record.household_id,
            record.household.village_id,
            _("享受低保或特困供养，但 %(year)d 年转移性收入为 0。") % {"year": record.year},
        )


def token_wage_income(
    region_code: str, ids: list[int] | None, today: datetime.date
) -> Iterator[Hit]:
    """5_15_023: a household under monitoring with 工资性收入 between 0 and 100 元."""
    households = _households(region_code, ids).filter(status__in=_NOT_ELIMINATED)
    for record in _latest_years(households).filter(wage_income__gt=0, wage_income__lt=100):
        yield Hit(
            record.household_id,
            record.household.village_id,
            _("%(year)d 年工资性收入仅 %(amount)s 元。")
            % {"year": record.year, "amount": record.wage_income},
        )


def without_labor_unmarked(
    region_code: str, ids: list[int] | None, today: datetime.date
) -> Iterator[Hit]:
    """1111_07: not eliminated, no member able to work, yet not marked 整户无劳动能力."""
    able = Member.objects.filter(household=OuterRef("pk"), is_active=True).exclude(
        labor_skill__in=[codes.LaborSkill.LOST, codes.LaborSkill.NONE]
    )
    anyone = Member.objects.filter(household=OuterRef("pk"), is_active=True)
    households = _households(region_code, ids).filter(
        Exists(anyone),
        ~Exists(able),
        status__in=_NOT_ELIMINATED,
        is_whole_household_without_labor=False,
    )
    for pk, village in households.values_list("pk", "village_id"):
        yield Hit(pk, village, _("全部成员无劳动力或丧失劳动力，但未标为整户无劳动能力。"))


def no_contact_phone(
    region_code: str, ids: list[int] | None, today: datetime.date
) -> Iterator[Hit]:
    """1_11_011: a household whose risk was eliminated has no phone to reach it."""
    households = _households(region_code, ids).filter(
        status=HouseholdStatus.RISK_ELIMINATED, phone=""
    )
    for pk, village in households.values_list("pk", "village_id"):
        yield Hit(pk, village, _("风险已消除，但没有联系电话。"))


RuleTest = Callable[[str, list[int] | None, datetime.date], Iterator[Hit]]

REGISTRY_RULES: dict[str, RuleTest] = {
    "registry.head_missing": head_missing,
    "registry.birth_date_vs_id": birth_date_vs_id,
    "registry.school_age": school_age,
    "4_11_013": transfer_income_missing,
    "5_15_023": token_wage_income,
    "1111_07": without_labor_unmarked,
    "1_11_011": no_contact_phone,
}
