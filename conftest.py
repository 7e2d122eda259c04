import re
from collections.abc import Generator
from decimal import Decimal

import pytest

from fupin.assessment.models import PolicyParameter, RuleSetRecord
from fupin.assessment.rules.definition import default_rule_set, to_dict
from fupin.assistance.categories import seed_categories, seed_nationwide_setting
from fupin.assistance.models import AssistanceSetting, MeasureCategory
from fupin.audit.models import AuditEvent
from fupin.audit.presentation import describe
from fupin.monitoring.calendar_data import seed_calendar
from fupin.monitoring.models import CalendarDay
from tests.support import Actors, make_actors, make_regions


@pytest.fixture
def regions(db: None) -> None:
    make_regions()


@pytest.fixture
def actors(regions: None) -> Actors:
    return make_actors()


# 监测范围 and 扶贫标准 have no default: a region sets them per year. Tests that assess
# stand in a nationwide value for the years they use (test values, not policy).
TEST_POLICY_LINES = {"monitoring_line": Decimal(7000), "poverty_line": Decimal(4000)}
TEST_POLICY_YEARS = range(2019, 2027)


def set_test_policy_lines(years: range = TEST_POLICY_YEARS) -> None:
    """Store the test stand-ins for 监测范围 and 扶贫标准, nationwide, for `years`."""
    PolicyParameter.objects.bulk_create(
        PolicyParameter(name=name, region_code="", year=year, value=value, basis="测试用取值")
        for name, value in TEST_POLICY_LINES.items()
        for year in years
    )


@pytest.fixture
def baseline(db: None) -> RuleSetRecord:
    """The shipped national baseline, stored as the migrations store it, with the test
    stand-ins for the values a region sets per year (TEST_POLICY_LINES)."""
    rule_set = default_rule_set()
    set_test_policy_lines()
    return RuleSetRecord.objects.create(
        code=rule_set.code,
        version=rule_set.version,
        status=RuleSetRecord.Status.PUBLISHED,
        effective_from=rule_set.effective_from,
        definition=to_dict(rule_set),
    )


@pytest.fixture
def policy_lines(db: None) -> None:
    """Only the test stand-ins for 监测范围 and 扶贫标准 (for tests that bring their own
    rule set)."""
    set_test_policy_lines()


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


# A code or key left as written in the code: lowercase ASCII words joined by "_", or one
# such word. Labels under which people's own ASCII text is shown are not checked.
_RAW_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ASCII_VALUES = frozenset({"用户名", "账号", "部门账号", "文件名", "户编号"})
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server"})


def _audit_lines_not_in_chinese() -> list[str]:
    """The changed fields of the test's audit events that the audit page would show with
    an English key for a label or a raw code for a value."""
    found: list[str] = []
    for event in AuditEvent.objects.order_by("pk"):
        for line in describe(event).changes:
            if not _CJK.search(line.label):
                found.append(f"{event.action}: label {line.label!r}")
            if line.label in _ASCII_VALUES:
                continue
            for value in (line.before, line.after):
                if value is not None and _RAW_CODE.fullmatch(str(value)):
                    found.append(f"{event.action}: {line.label} = {value!r}")
    return sorted(set(found))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Every audit event any test writes must read in Chinese on the audit page."""
    result = yield
    uses_database = item.get_closest_marker("django_db") is not None or bool(
        _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )
    if uses_database:
        problems = _audit_lines_not_in_chinese()
        assert not problems, "审计日志有未译成中文的字段或代码：" + "；".join(problems)
    return result
