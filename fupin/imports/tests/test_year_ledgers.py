"""The income (收支) and living-conditions ledgers: `fupin import income|conditions FILE`."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine

from fupin.audit.models import AuditEvent
from fupin.imports.tests.support import csv_text, household_rows, members_file, run_import
from fupin.registry.models import HouseholdConditions, HouseholdYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_june_2025(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to("2025-06-01 09:00 +0800", tick=True)


INCOME_HEADERS = (
    "户编号",
    "年度",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "理赔收入",
    "合规自付支出",
)
CONDITIONS_HEADERS = (
    "户编号",
    "年度",
    "危房等级",
    "房屋主要结构",
    "住房面积(平方米)",
    "是否通生活用电",
    "住房出现安全问题",
    "饮水出现安全问题",
)


def _write(folder: Path, name: str, rows: list[dict[str, str]], headers: tuple[str, ...]) -> str:
    path = folder / name
    path.write_text(csv_text(rows, headers), encoding="utf-8-sig")
    return str(path)


@pytest.fixture
def household(regions: None, tmp_path: Path) -> str:
    """Household H001 (three members) registered in 东榛柴村 by a members import."""
    _output, error = run_import("members", str(members_file(tmp_path, household_rows())))
    assert error is None
    return "H001"


def _income(**overrides: str) -> dict[str, str]:
    row = {
        "户编号": "H001",
        "年度": "2024",
        "工资性收入": "12,000",
        "生产经营性收入": "3000.5",
        "财产性收入": "0",
        "转移性收入": "¥2,400.00",
        "生产经营性支出": "1000元",
        "理赔收入": "",
        "合规自付支出": "500",
    }
    row.update(overrides)
    return row


def test_income_is_applied_and_reimport_changes_nothing(household: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "income.csv", [_income()], INCOME_HEADERS)
    output, error = run_import("income", path)
    assert error is None, error
    assert "已导入：新增 1 条、更新 0 条、未变 0 条。" in output
    record = HouseholdYear.objects.get(household__number=household, year=2024)
    assert record.member_count == 3
    assert record.wage_income == Decimal("12000.00")
    assert record.transfer_income == Decimal("2400.00")
    assert record.net_income == Decimal("16400.50")
    assert record.per_capita_net_income == Decimal("5466.83")

    output, error = run_import("income", path, "--json")
    assert error is None
    assert json.loads(output)["applied"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEvent.objects.filter(action="registry.household_year_bulk_upsert").count() == 2


def test_blank_cells_keep_stored_amounts(household: str, tmp_path: Path) -> None:
    run_import("income", _write(tmp_path, "a.csv", [_income()], INCOME_HEADERS))
    changed = dict.fromkeys(INCOME_HEADERS[2:], "") | {"工资性收入": "15000"}
    output, error = run_import(
        "income", _write(tmp_path, "b.csv", [_income(**changed)], INCOME_HEADERS)
    )
    assert error is None
    assert "新增 0 条、更新 1 条、未变 0 条" in output
    record = HouseholdYear.objects.get(household__number=household, year=2024)
    assert record.wage_income == Decimal("15000.00")
    assert record.business_income == Decimal("3000.50")


def test_dry_run_previews_without_writing(household: str, tmp_path: Path) -> None:
    output, error = run_import(
        "income", _write(tmp_path, "a.csv", [_income()], INCOME_HEADERS), "--dry-run", "--json"
    )
    assert error is None
    assert json.loads(output)["preview"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert not HouseholdYear.objects.exists()


def test_each_bad_income_row_is_reported_and_nothing_applied(
    household: str, tmp_path: Path
) -> None:
    rows = [
        _income(户编号="H404"),
        _income(工资性收入="-5", 年度="2020"),
        _income(生产经营性收入="10.555", 年度="2021"),
        _income(年度="2031"),
        _income(财产性收入="一千", 年度="2022"),
        _income(),
        _income(),
    ]
    path = _write(tmp_path, "income.csv", rows, INCOME_HEADERS)
    output, error = run_import("income", path, "--json", "--region", "220122")
    assert error is not None
    assert error.returncode == 2
    assert json.loads(output)["errors"] == [
        {
            "row": 2,
            "field": "户编号",
            "message": "户编号 H404 不在册；请先导入成员台账或登记该户。",
        },
        {"row": 3, "field": "工资性收入", "message": "工资性收入不能为负数，现在是 -5。"},
        {
            "row": 4,
            "field": "生产经营性收入",
            "message": "生产经营性收入最多保留 2 位小数，现在是 10.555。",
        },
        {"row": 5, "field": "年度", "message": "年度 2031 不在 2013 年至 2025 年之间。"},
        {"row": 6, "field": "财产性收入", "message": "财产性收入应为数字，现在是“一千”。"},
        {
            "row": 8,
            "field": "户编号",
            "message": "户编号 H001 的 2024 年度与第 7 行重复，同一户同一年度只能有一行。",
        },
    ]
    assert not HouseholdYear.objects.exists()


def test_household_outside_the_scope_is_refused(household: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "income.csv", [_income()], INCOME_HEADERS)
    output, error = run_import("income", path, "--json", "--region", "220112")
    assert error is not None
    assert json.loads(output)["errors"][0]["message"] == (
        "户编号 H001 所在村 220122101201 不在您的管辖范围内，不能导入。"
    )


def test_conditions_ledger_marks_c_and_d_houses_unsafe(household: str, tmp_path: Path) -> None:
    row = {
        "户编号": "H001",
        "年度": "2024",
        "危房等级": "C级",
        "房屋主要结构": "砖混",
        "住房面积(平方米)": "85.5",
        "是否通生活用电": "是",
        "住房出现安全问题": "",
        "饮水出现安全问题": "否",
    }
    path = _write(tmp_path, "conditions.csv", [row], CONDITIONS_HEADERS)
    output, error = run_import("conditions", path)
    assert error is None, error
    assert "新增 1 条" in output
    record = HouseholdConditions.objects.get(household__number=household, year=2024)
    assert (record.housing_grade, record.housing_structure) == ("C", "2")
    assert record.housing_area == Decimal("85.5")
    assert record.is_housing_unsafe is True
    _output, error = run_import("conditions", path, "--json")
    assert error is None

    contradiction = row | {"危房等级": "D", "住房出现安全问题": "否", "年度": "2023"}
    path = _write(tmp_path, "bad.csv", [contradiction], CONDITIONS_HEADERS)
    output, error = run_import("conditions", path, "--json")
    assert error is not None
    assert json.loads(output)["errors"] == [
        {
            "row": 2,
            "field": "住房出现安全问题",
            "message": "危房等级为 C 级或 D 级时，住房出现安全问题必须填“是”。",
        }
    ]
    assert HouseholdConditions.objects.count() == 1


def test_implausible_amount_is_refused_below_a_configurable_ceiling(
    household: str, tmp_path: Path, settings: Any
) -> None:
    # Given an income of 1e9 元 (a unit mistake), fine for the column's digits
    path = _write(tmp_path, "income.csv", [_income(工资性收入="1000000000")], INCOME_HEADERS)
    # When imported with the default ceiling, then the row is refused
    output, error = run_import("income", path)
    assert error is not None
    assert error.returncode == 2
    assert (
        "第 2 行 工资性收入：工资性收入 1000000000 过大（上限 10,000,000 元），请检查单位是否为元。"
    ) in output
    assert not HouseholdYear.objects.exists()
    # When an office raises the ceiling, then the same file applies
    settings.IMPORT_MAX_AMOUNT = 2_000_000_000
    _output, error = run_import("income", path)
    assert error is None
    assert HouseholdYear.objects.get().wage_income == Decimal("1000000000")
