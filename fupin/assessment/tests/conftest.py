"""Fixtures shared by the assessment tests."""

from typing import Any

import polars as pl
import pytest

from fupin.assessment.rules import engine
from fupin.assessment.tests.rulesets import household_with_income
from fupin.registry.models import Household
from tests.support import OTHER_VILLAGE, VILLAGE, Actors


@pytest.fixture
def households(actors: Actors) -> dict[str, Household]:
    """Four households of one town: at a line of 7,000 only the poorest is monitored; at
    8,600 the two with 8,300 and 8,500 per person enter monitoring."""
    return {
        "poor": household_with_income(actors, "H001", VILLAGE, 3000),
        "near": household_with_income(actors, "H002", VILLAGE, 8300),
        "comfortable": household_with_income(actors, "H003", VILLAGE, 30000),
        "other_village": household_with_income(actors, "H004", OTHER_VILLAGE, 8500),
    }


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per evaluation of a rule set by the engine, from here on."""
    calls: list[int] = []
    evaluate = engine.evaluate

    def counted(*args: Any, **kwargs: Any) -> pl.DataFrame:
        calls.append(1)
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(engine, "evaluate", counted)
    return calls
