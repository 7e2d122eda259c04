"""Draw a county's households as rows: one seeded ``random.Random`` draws everything in a
fixed order, household after household, so the same seed and arguments give the same data
whatever the batch size. The rows are mappings keyed by column (see `writer`)."""

import calendar
import datetime
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from django.db import connection
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.registry import codes
from fupin.registry.idnumbers import check_character
from fupin.registry.models import MEMBER_NAMES_SEPARATOR
from fupin.registry.status import EventFacts, derive_status
from fupin.registry.synthetic.history import History, draw_history
from fupin.registry.synthetic.income import MemberFacts, conditions_row, year_rows
from fupin.registry.synthetic.profile import (
    BANKS,
    DROPOUT_SHARE,
    EDUCATION_BY_COHORT,
    ETHNICITIES,
    FEMALE_GIVEN,
    FUNDS_WITH_SKILLS_SHARE,
    GROUP_NUMERALS,
    HEALTH_BY_AGE,
    HIGHER_VOCATIONAL_GRADES,
    IDENTIFICATION_STANDARDS,
    JUNIOR_GRADES,
    LABOR_CHRONIC,
    LABOR_ELDERLY,
    LABOR_HEALTHY,
    LABOR_ILL,
    LABOR_YOUNG_OLD,
    MALE_GIVEN,
    MIGRANT_PLACES,
    MIGRANT_SHARE,
    MILITARY_FAMILY_SHARE,
    MONITORED_SIZES,
    NO_LABOR_SKILLS,
    OLD_HEAD_AGES,
    OTHER_CAUSE_COUNT,
    OTHER_CAUSES,
    PHONE_PREFIXES,
    POVERTY_ATTRIBUTES_WITH_LABOR,
    POVERTY_ATTRIBUTES_WITHOUT_LABOR,
    PRIMARY_CAUSES,
    REFERENCE_DATE,
    RELOCATED_SHARE,
    SENIOR_GRADES,
    SEQUENCES_PER_DATE,
    SEVEN_PERSON_SHARE,
    SEX_FEMALE,
    SEX_MALE,
    SIZES,
    SKIPPED_GENERATION_SHARE,
    SURNAMES,
    THREE_GENERATION_SHARES,
    TWO_CHARACTER_GIVEN_SHARE,
    UNINSURED_SHARE,
    VOCATIONAL_GRADES,
    WORKING_SKILLS,
    YOUNG_HEAD_AGES,
    YOUNG_HEAD_SHARES,
    Cause,
    Education,
    Health,
    Labor,
    Relation,
    School,
)
from fupin.registry.synthetic.writer import (
    GENERATOR_PREFIX,
    ConditionRow,
    EventRow,
    HouseholdRow,
    MemberRow,
    Value,
    YearRow,
)

# The running number has five digits.
MAX_HOUSEHOLDS_PER_VILLAGE: Final = 99_999


@dataclass(frozen=True)
class Village:
    code: str
    # The name as it appears in an address: 东榛柴村委会 → 东榛柴村.
    address_name: str
    groups: int = 0


@dataclass
class Batch:
    households: list[HouseholdRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    years: list[YearRow] = field(default_factory=list)
    conditions: list[ConditionRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    first_number: str = ""
    last_number: str = ""


@dataclass(frozen=True)
class _Person:
    relation: str
    male: bool
    age: int
    surname: str


class CountyGenerator:
    """Draw households for a county, slot after slot, from one seeded random generator."""

    def __init__(
        self,
        *,
        seed: int,
        county_code: str,
        county_name: str,
        villages: list[Village],
        households: int,
    ) -> None:
        # Reproducible synthetic data, not secrets: a seeded Mersenne Twister is the point.
        self._rng = random.Random(seed)  # noqa: S311
        self._county_code = county_code
        self._county_name = county_name
        self._slots = self._plan_slots(villages, households)
        self._next_slot = 0
        self._taken: set[str] = set()
        self._used_sequences: dict[tuple[int, bool], int] = {}

    def exclude_id_numbers(self, taken: set[str]) -> None:
        """Never hand out these ID numbers (other members hold them)."""
        self._taken = taken

    def _plan_slots(self, villages: list[Village], households: int) -> list[tuple[Village, int]]:
        """Spread the households over the villages: (village, running number) per household."""
        rng = self._rng
        weights = [rng.uniform(0.5, 1.5) for _village in villages]
        total = sum(weights)
        shares = [households * weight / total for weight in weights]
        counts = [int(share) for share in shares]
        # Largest remainders get the households left over by rounding down.
        by_remainder = sorted(range(len(villages)), key=lambda i: counts[i] - shares[i])
        for index in by_remainder[: households - sum(counts)]:
            counts[index] += 1
        if max(counts) > MAX_HOUSEHOLDS_PER_VILLAGE:
            raise ApplicationError(
                _("户数过多：每个村最多生成 %(limit)s 户。")
                % {"limit": MAX_HOUSEHOLDS_PER_VILLAGE},
                code="households",
            )
        slots: list[tuple[Village, int]] = []
        for village, count in zip(villages, counts, strict=True):
            with_groups = Village(village.code, village.address_name, rng.randint(4, 12))
            slots.extend((with_groups, number) for number in range(1, count + 1))
        return slots

    def next_batch(self, household_ids: Sequence[int], *, now: datetime.datetime) -> Batch:
        """Draw the next len(household_ids) households as rows ready for insertion."""
        stamp = connection.ops.adapt_datetimefield_value(now)
        batch = Batch()
        for household_id in household_ids:
            village, running_number = self._slots[self._next_slot]
            self._next_slot += 1
            number = f"{GENERATOR_PREFIX}{village.code}{running_number:05d}"
            self._household(batch, household_id, number, village, stamp)
            batch.first_number = batch.first_number or number
            batch.last_number = number
        return batch

    # ------------------------------------------------------------ one household

    def _household(
        self, batch: Batch, household_id: int, number: str, village: Village, stamp: Value
    ) -> None:
        rng = self._rng
        history = draw_history(self._rng)
        monitored = history.identified_year is not None
        size = (MONITORED_SIZES if monitored else SIZES).draw(rng)
        if size == 6 and rng.random() < SEVEN_PERSON_SHARE:
            size = 7
        people = self._composition(size)
        ethnicity = ETHNICITIES.draw(rng)
        facts = []
        member_rows = []
        for person in people:
            row, member_facts = self._member(household_id, person, ethnicity, stamp)
            member_rows.append(row)
            facts.append(member_facts)
        without_labor = all(fact.labor in NO_LABOR_SKILLS for fact in facts)
        attribute = ""
        if history.registration_year is not None:
            attributes = (
                POVERTY_ATTRIBUTES_WITHOUT_LABOR if without_labor else POVERTY_ATTRIBUTES_WITH_LABOR
            )
            attribute = attributes.draw(rng)
            if attribute == codes.PovertyAttribute.TEKUN and any(
                fact.labor in WORKING_SKILLS for fact in facts
            ):
                # 特困供养 is for people who cannot work and have no one obliged to support them.
                attribute = codes.PovertyAttribute.DIBAO
        dibao = attribute == codes.PovertyAttribute.DIBAO
        tekun = attribute == codes.PovertyAttribute.TEKUN
        for row in member_rows:
            row["receives_dibao"] = dibao
            row["receives_destitute_support"] = tekun
            row["receives_medical_assistance"] = dibao or tekun
        batch.members.extend(member_rows)
        batch.households.append(
            self._header(
                household_id=household_id,
                number=number,
                village=village,
                history=history,
                attribute=attribute,
                # 整户无劳动能力兜底保障: nobody can work and the household is small.
                whole_without_labor=without_labor and size <= 3,
                active_names=[row["name"] for row in member_rows if row["is_active"]],
                stamp=stamp,
            )
        )
        if batch.households[-1]["is_relocated"]:
            for row in member_rows:
                row["is_relocated_person"] = True
        for kind, occurred_on, category, month, risks, method in history.events:
            batch.events.append(
                {
                    "household": household_id,
                    "kind": kind,
                    "occurred_on": occurred_on.isoformat(),
                    "year": occurred_on.year,
                    "monitoring_category": category,
                    "identified_month": month,
                    "risk_types": json.dumps(risks),
                    "elimination_method": method,
                    "removal_reason": "",
                    "note": "",
                    "recorded_by": None,
                    "recorded_at": stamp,
                }
            )
        year_rows(self._rng, batch.years, household_id, size, facts, history, dibao or tekun, stamp)
        batch.conditions.append(conditions_row(self._rng, household_id, facts, stamp))

    def _header(
        self,
        *,
        household_id: int,
        number: str,
        village: Village,
        history: History,
        attribute: str,
        whole_without_labor: bool,
        active_names: list[str],
        stamp: Value,
    ) -> HouseholdRow:
        rng = self._rng
        primary = PRIMARY_CAUSES.draw(rng)
        others: list[str] = []
        wanted = OTHER_CAUSE_COUNT.draw(rng)
        while len(others) < wanted:
            chosen = (primary, *others)
            if (
                Cause.LACK_OF_SKILLS in chosen
                and Cause.LACK_OF_FUNDS not in chosen
                and rng.random() < FUNDS_WITH_SKILLS_SHARE
            ):
                cause: str = Cause.LACK_OF_FUNDS
            else:
                cause = OTHER_CAUSES.draw(rng)
            if cause not in chosen:
                others.append(cause)
        others += ["", ""]
        group = GROUP_NUMERALS[rng.randrange(village.groups)] + "组"
        phone = f"{PHONE_PREFIXES[rng.randrange(3)]}{rng.randrange(10**9):09d}"
        bank_name = bank_account = ""
        if rng.random() < 0.92:
            bank_name, bank_prefix = BANKS[0] if rng.random() < 0.7 else BANKS[1]
            bank_account = f"{bank_prefix}{rng.randrange(10**15):015d}"
        relocated = rng.random() < RELOCATED_SHARE
        derived = derive_status(
            EventFacts(kind, occurred_on.year, category)
            for kind, occurred_on, category, _month, _risks, _method in history.events
        )
        poor = history.registration_year is not None
        return {
            "id": household_id,
            "number": number,
            "village": village.code,
            "group_name": group,
            "address": f"{village.address_name}{group}",
            "phone": phone,
            "bank_name": bank_name,
            "bank_account": bank_account,
            "identification_standard": IDENTIFICATION_STANDARDS.draw(rng) if poor else "",
            "poverty_attribute": attribute,
            "primary_cause": primary,
            "other_cause_1": others[0],
            "other_cause_2": others[1],
            "is_whole_household_without_labor": whole_without_labor,
            "is_relocated": relocated,
            "resettlement_site": f"{self._county_name}集中安置区" if relocated else "",
            "is_military_family": rng.random() < MILITARY_FAMILY_SHARE,
            "is_family_planning": False,
            "is_only_child_family": False,
            "is_two_daughter_family": False,
            "planned_exit_year": derived.exit_year,
            "status": derived.status,
            "household_type": derived.household_type,
            "monitoring_category": derived.monitoring_category,
            "exit_year": derived.exit_year,
            "active_member_count": len(active_names),
            "active_member_names": MEMBER_NAMES_SEPARATOR.join(active_names),
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }

    def _composition(self, size: int) -> list[_Person]:
        """Draw relations, sexes and ages: a head, often a spouse, children or three
        generations, now and then a parent of the head."""
        rng = self._rng
        young = rng.random() < YOUNG_HEAD_SHARES[min(size, 5)]
        head_age = int(rng.triangular(*(YOUNG_HEAD_AGES if young else OLD_HEAD_AGES[min(size, 5)])))
        head_male = rng.random() < (0.6 if size == 1 else 0.86)
        surname = SURNAMES.draw(rng)
        people = [_Person(Relation.HEAD, head_male, head_age, surname)]
        remaining = size - 1
        spouse_chance = 0.55 if size == 2 else 0.9
        if remaining and head_age >= 25 and rng.random() < spouse_chance:
            gap = rng.randint(0, 5)
            spouse_age = max(20, head_age - gap if head_male else head_age + gap)
            people.append(_Person(Relation.SPOUSE, not head_male, spouse_age, SURNAMES.draw(rng)))
            remaining -= 1
        if remaining and head_age <= 62 and rng.random() < (0.1 if size <= 3 else 0.2):
            father = rng.random() < 0.35
            parent_age = min(head_age + rng.randint(22, 34), 96)
            parent_surname = surname if father else SURNAMES.draw(rng)
            relation = Relation.FATHER if father else Relation.MOTHER
            people.append(_Person(relation, father, parent_age, parent_surname))
            remaining -= 1
        if remaining and head_age >= 50 and rng.random() < THREE_GENERATION_SHARES[size]:
            self._three_generations(people, head_age, surname, remaining)
            return people
        for _child in range(remaining):
            male = rng.random() < 0.52
            child_age = head_age - rng.randint(20, min(32, head_age))
            relation = Relation.SON if male else Relation.DAUGHTER
            people.append(_Person(relation, male, child_age, surname))
        return people

    def _three_generations(
        self, people: list[_Person], head_age: int, surname: str, remaining: int
    ) -> None:
        """Fill `remaining` with grandchildren and, unless the generation between lives
        elsewhere, their parent (the head's child) and usually that parent's spouse."""
        rng = self._rng
        son = rng.random() < 0.8
        child_age = max(22, head_age - rng.randint(22, 32))
        parent_age = child_age
        in_law_surname = SURNAMES.draw(rng)
        skipped = remaining == 1 or rng.random() < SKIPPED_GENERATION_SHARE
        if not skipped:
            relation = Relation.SON if son else Relation.DAUGHTER
            people.append(_Person(relation, son, child_age, surname))
            remaining -= 1
        if not skipped and remaining >= 2 and rng.random() < 0.85:
            in_law_age = max(20, child_age + rng.randint(-3, 3))
            parent_age = min(child_age, in_law_age)
            if son:
                people.append(_Person(Relation.DAUGHTER_IN_LAW, False, in_law_age, in_law_surname))
            else:
                people.append(_Person(Relation.SON_IN_LAW, True, in_law_age, in_law_surname))
            remaining -= 1
        # Grandchildren take their father's surname.
        grandchild_surname = surname if son else in_law_surname
        for _grandchild in range(remaining):
            male = rng.random() < 0.52
            age = max(0, parent_age - rng.randint(20, 32))
            if son:
                relation = Relation.GRANDSON if male else Relation.GRANDDAUGHTER
            else:
                relation = Relation.DAUGHTERS_SON if male else Relation.DAUGHTERS_DAUGHTER
            people.append(_Person(relation, male, age, grandchild_surname))

    def _member(
        self, household_id: int, person: _Person, ethnicity: str, stamp: Value
    ) -> tuple[MemberRow, MemberFacts]:
        """Return the member's row and the facts the household needs; the caller sets the
        低保/特困 flags."""
        rng = self._rng
        age = person.age
        given = MALE_GIVEN if person.male else FEMALE_GIVEN
        first = given[rng.randrange(len(given))]
        second = ""
        if rng.random() < TWO_CHARACTER_GIVEN_SHARE:
            second = given[rng.randrange(len(given))]
            # 国国, 兰兰: doubled characters are nicknames, not registered names.
            second = "" if second == first else second
        name = person.surname + first + second
        birth_year = REFERENCE_DATE.year - age
        first_day = datetime.date(birth_year, 1, 1).toordinal()
        days = 366 if calendar.isleap(birth_year) else 365
        birth, id_number = self._id_number(first_day + rng.randrange(days), person.male)
        dropout = 6 <= age <= 15 and rng.random() < DROPOUT_SHARE
        education, schooling = self._schooling(age, birth.year, dropout=dropout)
        health = next(weights for limit, weights in HEALTH_BY_AGE if age < limit).draw(rng)
        student = schooling != School.NOT_IN_SCHOOL
        labor = self._labor(age, health, student=student)
        migrant = ""
        months = 0
        if labor in WORKING_SKILLS and age < 60 and rng.random() < MIGRANT_SHARE:
            migrant = MIGRANT_PLACES.draw(rng)
            months = rng.randint(3, 12)
        medical = rng.random() >= UNINSURED_SHARE
        pension = age >= 16 and not student and rng.random() < 0.9
        row: MemberRow = {
            "household": household_id,
            "name": name,
            "id_number": id_number,
            "id_needs_review": False,
            "sex": SEX_MALE if person.male else SEX_FEMALE,
            "birth_date": birth.isoformat(),
            "relation": person.relation,
            "ethnicity": ethnicity,
            "education": education,
            "schooling": schooling,
            "health": health,
            "labor_skill": labor,
            "migrant_work": migrant or codes.MigrantWork.NONE,
            "migrant_months": months,
            "has_resident_medical_insurance": medical,
            "has_serious_illness_insurance": medical,
            "has_resident_pension_insurance": pension,
            # The household sets these once its poverty attribute is drawn.
            "receives_dibao": False,
            "receives_destitute_support": False,
            "is_active": True,
            "removal_reason": "",
            "removal_date": None,
            "removal_note": "",
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
            "political_status": codes.PoliticalStatus.MASSES,
            "dropout_reason": "",
            "has_employee_medical_insurance": False,
            "has_commercial_medical_insurance": False,
            "receives_medical_assistance": False,
            "has_employee_pension_insurance": False,
            "is_active_military": False,
            "is_relocated_person": False,
            "public_welfare_post_months": 0,
        }
        facts = MemberFacts(
            labor=labor,
            health=health,
            migrant=bool(migrant),
            has_medical_insurance=medical,
            dropout=dropout,
        )
        return row, facts

    def _id_number(self, birth_ordinal: int, male: bool) -> tuple[datetime.date, str]:
        """Return the birth date and a number unique in the run and the database.

        When a date's sequences are used up the birth moves to the next day of the same
        year, so the age (as of 31 December) stays the same.
        """
        while True:
            birth = datetime.date.fromordinal(birth_ordinal)
            key = (birth_ordinal, male)
            used = self._used_sequences.get(key, 0)
            while used < SEQUENCES_PER_DATE[male]:
                sequence = 2 * used + (1 if male else 2)
                used += 1
                first17 = (
                    f"{self._county_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}"
                    f"{sequence:03d}"
                )
                number = first17 + check_character(first17)
                if number not in self._taken:
                    self._used_sequences[key] = used
                    return birth, number
            self._used_sequences[key] = used
            following = birth + datetime.timedelta(days=1)
            if following.year != birth.year:
                following = datetime.date(birth.year, 1, 1)
            birth_ordinal = following.toordinal()

    def _schooling(  # noqa: PLR0911 - one return per age band reads best
        self, age: int, birth_year: int, *, dropout: bool
    ) -> tuple[str, str]:
        """Return 文化程度 and 在校生状况 consistent with the age."""
        rng = self._rng
        if dropout:
            education = Education.PRIMARY if age >= 8 else Education.PRESCHOOL
            return education, School.NOT_IN_SCHOOL
        if age < 6:
            in_preschool = age >= 3 and rng.random() < 0.85
            return Education.PRESCHOOL, School.PRESCHOOL if in_preschool else School.NOT_IN_SCHOOL
        if age <= 11:
            return Education.PRIMARY, School.PRIMARY
        if age <= 14:
            return Education.JUNIOR, JUNIOR_GRADES[age - 12]
        if age <= 17:
            draw = rng.random()
            if draw < 0.65:
                return Education.SENIOR, SENIOR_GRADES[age - 15]
            if draw < 0.85:
                return Education.SENIOR, VOCATIONAL_GRADES[age - 15]
            return Education.JUNIOR, School.NOT_IN_SCHOOL
        if age <= 20:
            draw = rng.random()
            if draw < 0.12:
                return Education.SENIOR, HIGHER_VOCATIONAL_GRADES[age - 18]
            if draw < 0.27:
                return Education.COLLEGE, School.COLLEGE
        elif age <= 22 and rng.random() < 0.15:
            return Education.COLLEGE, School.COLLEGE
        cohort = next(weights for limit, weights in EDUCATION_BY_COHORT if birth_year <= limit)
        return cohort.draw(rng), School.NOT_IN_SCHOOL

    def _labor(self, age: int, health: str, *, student: bool) -> str:
        """Return 劳动技能: children and students have none, the very old none or lost."""
        rng = self._rng
        if age < 16 or student:
            return Labor.NONE
        if age >= 75:
            return LABOR_ELDERLY.draw(rng)
        if age >= 65:
            return LABOR_YOUNG_OLD.draw(rng)
        if health in {Health.SERIOUS_ILLNESS, Health.DISABLED}:
            return LABOR_ILL.draw(rng)
        if health == Health.CHRONIC:
            return LABOR_CHRONIC.draw(rng)
        return LABOR_HEALTHY.draw(rng)
