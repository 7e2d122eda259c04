"""Every exported members ledger imports back with zero changes, for any household state
the registry allows (a property test over generated states)."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import TextChoices
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.core.scope import RegionScope
from fupin.core.text import clean_text
from fupin.imports.declarations import MEMBERS
from fupin.imports.exports import ledger_workbook
from fupin.imports.ledgers import apply_rows, validate_table
from fupin.imports.parsing import read_table
from fupin.registry import codes
from fupin.registry.idnumbers import check_character
from fupin.registry.models import Household, Member

pytestmark = pytest.mark.django_db

VILLAGE = "220122101201"
SCOPE = RegionScope(role="system", role_label="", prefix="", root_prefix="", region_name="")
# Chinese and Latin letters, the middle dot of transliterated names, and spaces (repeated
# spaces included): what the registry's forms and imports store after cleaning.
NAME_ALPHABET = "张王李赵阿卜杜热合曼·ABCxyz 　"


def _values(choices: type[TextChoices]) -> st.SearchStrategy[str]:
    return st.sampled_from([str(value) for value in choices.values])


def _optional(choices: type[TextChoices]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), _values(choices))


names = st.text(NAME_ALPHABET, min_size=1, max_size=12).map(clean_text).filter(bool)
members = st.fixed_dictionaries(
    {
        "name": names,
        "birth": st.dates(datetime.date(1930, 1, 1), datetime.date(2020, 12, 31)),
        "male": st.booleans(),
        "relation": _values(codes.Relation).filter(lambda code: code != codes.Relation.HEAD),
        "ethnicity": _values(codes.Ethnicity),
        "education": _optional(codes.Education),
        "schooling": _values(codes.Schooling),
        "health": _values(codes.Health),
        "labor_skill": _optional(codes.LaborSkill),
        "migrant_work": _values(codes.MigrantWork),
        "migrant_months": st.integers(0, 12),
        "has_resident_medical_insurance": st.booleans(),
        "has_serious_illness_insurance": st.booleans(),
        "has_resident_pension_insurance": st.booleans(),
        "receives_dibao": st.booleans(),
        "receives_destitute_support": st.booleans(),
        "is_active": st.booleans(),
    }
)
households = st.fixed_dictionaries(
    {
        "household_type": _values(codes.HouseholdType),
        "poverty_attribute": _optional(codes.PovertyAttribute),
        "primary_cause": _values(codes.PovertyCause),
        "phone": st.one_of(st.just(""), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
        # None: no active head (the head died or moved); otherwise which member is head.
        "head": st.one_of(st.none(), st.integers(0, 3)),
        "members": st.lists(members, min_size=1, max_size=4),
    }
)


def _register(index: int, state: dict[str, Any]) -> None:
    household = Household.objects.create(
        number=f"R{index:03d}",
        village_id=VILLAGE,
        household_type=state["household_type"],
        poverty_attribute=state["poverty_attribute"],
        primary_cause=state["primary_cause"],
        phone=state["phone"],
    )
    for position, person in enumerate(state["members"]):
        values = dict(person)
        birth, male, active = values.pop("birth"), values.pop("male"), values.pop("is_active")
        sequence = index * 20 + position * 2 + (1 if male else 0)
        body = f"220122{birth:%Y%m%d}{sequence:03d}"
        if state["head"] == position:
            values["relation"] = codes.Relation.HEAD
            active = True
        Member.objects.create(
            household=household,
            id_number=body + check_character(body),
            sex=codes.Sex.MALE if male else codes.Sex.FEMALE,
            birth_date=birth,
            is_active=active,
            removal_reason="" if active else codes.RemovalReason.DEATH,
            **values,
        )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(states=st.lists(households, min_size=1, max_size=4))
def test_export_then_import_changes_nothing(
    regions: None, tmp_path: Path, states: list[dict[str, Any]]
) -> None:
    with transaction.atomic():
        # Given households in any state the registry allows
        for index, state in enumerate(states):
            _register(index, state)
        active = Member.objects.filter(is_active=True).count()
        # When the ledger is exported and imported again
        path = tmp_path / "members.xlsx"
        exported = ledger_workbook(MEMBERS, Household.objects.all(), path)
        assert exported.rows == active
        if active:
            result = validate_table(read_table(path, path.name), MEMBERS, scope_prefix="")
            # Then every row is valid and nothing changes
            assert result.errors == []
            counts = apply_rows(MEMBERS, actor=None, scope=SCOPE, rows=result.valid)
            assert counts == {
                "households_created": 0,
                "households_updated": 0,
                "members_created": 0,
                "members_updated": 0,
                "unchanged": active,
            }
        transaction.set_rollback(True)
