"""`fupin import members FILE` (needs "fupin.imports" in INSTALLED_APPS)."""

import json
from pathlib import Path

import fastexcel
import pytest

from fupin.imports.tests.support import household_rows, members_file, run_import
from fupin.registry.models import Household

pytestmark = pytest.mark.django_db
_file = members_file


def test_dry_run_of_a_valid_file_exits_zero_and_previews(regions: None, tmp_path: Path) -> None:
    output, error = run_import("members", str(_file(tmp_path, household_rows())), "--dry-run")
    assert error is None
    assert "共 3 行、1 户；通过 3 行，有错误 0 行。" in output
    assert "预计（未写入）：新建 1 户、更新 0 户；新增成员 3 人" in output
    assert not Household.objects.exists()


def test_dry_run_with_errors_exits_two_and_prints_json(regions: None, tmp_path: Path) -> None:
    rows = household_rows()
    rows[1]["性别"] = "男"
    errors_to = tmp_path / "errors.xlsx"
    path = _file(tmp_path, rows)
    output, error = run_import(
        "members", str(path), "--dry-run", "--json", "--errors-to", str(errors_to)
    )
    assert error is not None
    assert error.returncode == 2
    assert json.loads(output) == {
        "rows": 3,
        "households": 1,
        "valid_rows": 2,
        "invalid_rows": 1,
        "ignored_headers": [],
        "errors": [{"row": 3, "field": "性别", "message": "性别与证件号码不符：号码显示为女。"}],
    }
    sheet = fastexcel.read_excel(errors_to.read_bytes()).load_sheet(0).to_polars()
    assert sheet.columns[-1] == "错误说明"


def test_region_option_limits_the_scope(regions: None, tmp_path: Path) -> None:
    path = _file(tmp_path, household_rows())
    _output, error = run_import("members", str(path), "--dry-run", "--region", "220112")
    assert error is not None
    assert error.returncode == 2
    _output, error = run_import("members", str(path), "--dry-run", "--region", "220122")
    assert error is None


def test_unreadable_file_exits_one(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7")
    _output, error = run_import("members", str(path), "--dry-run")
    assert error is not None
    assert error.returncode == 1
    assert "不是 Excel 或 CSV 表格" in str(error)


def test_missing_file_exits_one(tmp_path: Path) -> None:
    _output, error = run_import("members", str(tmp_path / "nothing.csv"), "--dry-run")
    assert error is not None
    assert error.returncode == 1


def test_progress_bar_goes_to_standard_error(
    regions: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output, error = run_import("members", str(_file(tmp_path, household_rows())), "--json")
    assert error is None
    assert json.loads(output)["applied"]["members_created"] == 3
    assert "3/3" in capsys.readouterr().err
