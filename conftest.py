from datetime import date

import pytest

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules.definition import default_rule_set, to_dict
from fupin.assistance.categories import seed_categories, seed_nationwide_setting
from fupin.assistance.models import AssistanceSetting, MeasureCategory
from fupin.monitoring.calendar_data import seed_calendar
from fupin.monitoring.models import CalendarDay
from tests.support import Actors, make_actors, make_regions


@pytest.fixture
def regions(db: None) -> None:
    make_regions()


@pytest.fixture
def actors(regions: None) -> Actors:
    return make_actors()


@pytest.fixture
def baseline(db: None) -> RuleSetRecord:
    """The shipped national baseline, stored as the migrations store it."""
    rule_set = default_rule_set()
    return RuleSetRecord.objects.create(
        code=rule_set.code,
        version=rule_set.version,
        status=RuleSetRecord.Status.PUBLISHED,
        effective_from=date(2021, 1, 1),
        definition=to_dict(rule_set),
    )


@pytest.fixture
def holiday_calendar(db: None) -> None:
    """The holiday table as the seeding migration fills it (tests run without migrations)."""
    seed_calendar(CalendarDay)


@pytest.fixture
def assistance_tables(db: None) -> None:
    """The measure categories and nationwide assistance rules as the migration seeds them."""
    seed_categories(MeasureCategory)
    seed_nationwide_setting(AssistanceSetting)


@pytest.fixture
def seeded_tables(assistance_tables: None) -> None:
    """Every code table the migrations seed, for tests that walk the pages of all modules."""
