"""`fupin import members FILE` without --dry-run applies the ledger."""

import json
from pathlib import Path

import fastexcel
import pytest

from fupin.audit.models import AuditEvent
from fupin.imports.tests.support import MALE, household_rows, members_file, run_import
from fupin.registry.models import Household, Member

pytestmark = pytest.mark.django_db

VILLAGE = "220122101201"


_file = members_file


def test_valid_file_is_applied_and_reimport_changes_nothing(regions: None, tmp_path: Path) -> None:
    path = _file(tmp_path, household_rows())
    output, error = run_import("members", str(path))
    assert error is None
    assert "共 3 行、1 户；通过 3 行，有错误 0 行。" in output
    assert "已导入：新建 1 户、更新 0 户；新增成员 3 人、更新 0 人、未变 0 人。" in output
    assert Household.objects.get().village_id == VILLAGE
    assert Member.objects.get(id_number=MALE).name == "张三"

    output, error = run_import("members", str(path), "--json")
    assert error is None
    assert json.loads(output)["applied"] == {
        "households_created": 0,
        "households_updated": 0,
        "members_created": 0,
        "members_updated": 0,
        "unchanged": 3,
    }
    assert AuditEvent.objects.filter(action="registry.member_bulk_upsert").count() == 2
    assert set(Member.objects.values_list("version", flat=True)) == {1}


def test_validation_errors_exit_two_and_apply_nothing(regions: None, tmp_path: Path) -> None:
    rows = household_rows()
    rows[1]["性别"] = "男"
    _output, error = run_import("members", str(_file(tmp_path, rows)))
    assert error is not None
    assert error.returncode == 2
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def test_unknown_village_is_a_row_error_in_the_error_workbook(
    regions: None, tmp_path: Path
) -> None:
    # Given a well-formed village code that is not in the region table
    path = _file(tmp_path, household_rows(), village="220122101299")
    errors_to = tmp_path / "errors.xlsx"
    # When imported, then validation names every row, exits 2 and writes the workbook
    output, error = run_import("members", str(path), "--errors-to", str(errors_to))
    assert error is not None
    assert error.returncode == 2
    message = "行政区划代码 220122101299 不是已登记的村级区划，请核对。"
    assert f"第 2 行 行政区划代码：{message}" in output
    assert f"第 4 行 行政区划代码：{message}" in output
    sheet = fastexcel.read_excel(errors_to.read_bytes()).load_sheet(0).to_polars()
    assert sheet.height == 3
    assert all(any(message in str(cell) for cell in row) for row in sheet.rows())
    assert not Household.objects.exists()


def test_dry_run_still_writes_nothing(regions: None, tmp_path: Path) -> None:
    _output, error = run_import("members", str(_file(tmp_path, household_rows())), "--dry-run")
    assert error is None
    assert not Household.objects.exists()
