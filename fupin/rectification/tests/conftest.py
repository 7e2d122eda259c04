"""Shared fixtures for rectification tests: a fixed clock, the shipped questionnaire and
households placed straight in the registry (tests of campaigns need many)."""

from datetime import date
from typing import Any

import pytest
import time_machine

from fupin.rectification.models import Question, Questionnaire
from fupin.rectification.questionnaires import MOPAI_2023_CODE, seed_questionnaires
from fupin.registry import codes
from fupin.registry.models import Household

# A Monday well clear of holidays.
TODAY = date(2025, 11, 10)


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def questionnaire(db: None) -> Questionnaire:
    seed_questionnaires(Questionnaire, Question)
    return Questionnaire.objects.get(code=MOPAI_2023_CODE)


def place_households(
    village: str, count: int, *, household_type: str, start: int = 1
) -> list[Household]:
    return Household.objects.bulk_create(
        [
            Household(
                number=f"{village}{start + offset:04d}",
                village_id=village,
                primary_cause=codes.PovertyCause.ILLNESS,
                household_type=household_type,
            )
            for offset in range(count)
        ]
    )


GOOD_ANSWERS = {
    "housing_unsafe": "no",
    "school_dropout": "no",
    "water_unsafe": "no",
    "medical_uninsured": "no",
    "main_risk": "无明显风险",
    "measures_in_place": "yes",
    "other_notes": "",
}
