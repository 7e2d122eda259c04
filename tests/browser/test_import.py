from pathlib import Path
from typing import Any

import fastexcel
import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from fupin.audit.models import AuditEvent
from fupin.imports.tests.support import HEADERS, csv_text, household_rows
from fupin.jobs.models import Job
from fupin.registry.models import Household
from tests.browser.conftest import login, run_worker_once, screenshot
from tests.support import VILLAGE, Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ledger(folder: Path, *, wrong_sex: bool = False) -> Path:
    rows = household_rows()
    for row in rows:
        row["行政区划代码"] = VILLAGE
        row["主要致贫原因"] = "因病"
    if wrong_sex:
        rows[1]["性别"] = "男"
    path = folder / ("有错误的成员台账.csv" if wrong_sex else "成员台账.csv")
    path.write_text(csv_text(rows, (*HEADERS, "主要致贫原因")), encoding="utf-8-sig")
    return path


def test_village_officer_imports_a_ledger_and_sees_the_household(
    page: Page, live_server: LiveServer, actors: Actors, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    base = live_server.url
    login(page, base, "village_officer")
    page.get_by_role("link", name="批量导入").click()
    expect(page.get_by_role("heading", name="批量导入台账")).to_be_visible()
    screenshot(page, "import-upload")

    page.get_by_label("台账文件").set_input_files(str(_ledger(tmp_path, wrong_sex=True)))
    page.get_by_test_id("import-upload").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text(
        "性别与证件号码不符：号码显示为女。"
    )
    expect(page.get_by_test_id("import-apply")).to_have_count(0)
    screenshot(page, "import-errors")
    with page.expect_download() as download_info:
        page.get_by_test_id("import-error-workbook").click()
    errors = download_info.value
    assert errors.suggested_filename == "有错误的成员台账-错误.xlsx"
    sheet = fastexcel.read_excel(Path(errors.path()).read_bytes()).load_sheet(0).to_polars()
    assert sheet.columns[-1] == "错误说明"
    assert sheet.get_column("错误说明").to_list() == ["性别：性别与证件号码不符：号码显示为女。"]
    assert AuditEvent.objects.filter(action="imports.error_workbook_download").count() == 1

    page.get_by_label("台账文件").set_input_files(str(_ledger(tmp_path)))
    page.get_by_test_id("import-upload").click()
    expect(page.get_by_test_id("import-counts")).to_contain_text(
        "共 3 行、1 户；通过 3 行，有错误 0 行。"
    )
    expect(page.get_by_test_id("import-changes")).to_contain_text("新增 3 行，更新 0 行，不变 0 行")
    assert not Household.objects.exists()
    screenshot(page, "import-preview")

    page.get_by_test_id("import-apply").click()
    expect(page.get_by_test_id("job-progress")).to_be_visible()
    worker = run_worker_once()
    expect(page.get_by_test_id("job-status")).to_have_text("已完成", timeout=60_000)
    expect(page.get_by_test_id("job-percent")).to_have_text("100%")
    expect(page.get_by_test_id("job-message")).to_contain_text("新建 1 户")
    worker.join(timeout=30)
    screenshot(page, "import-finished")
    assert Job.objects.get().kind == Job.Kind.IMPORT_APPLY

    page.get_by_role("link", name="农户").first.click()
    expect(page.get_by_test_id("household-counts")).to_contain_text("共 1 户 3 人")
    expect(page.locator("main")).to_contain_text("H001")
    screenshot(page, "import-households")

    page.get_by_test_id("ledger-export").click()
    page.get_by_test_id("ledger-export-members").click()
    expect(page.get_by_test_id("job-progress")).to_be_visible()
    worker = run_worker_once()
    expect(page.get_by_test_id("job-status")).to_have_text("已完成", timeout=60_000)
    worker.join(timeout=30)
    screenshot(page, "ledger-export-finished")
    with page.expect_download() as download_info:
        page.get_by_test_id("job-download").click()
    exported = fastexcel.read_excel(Path(download_info.value.path()).read_bytes())
    ledger = exported.load_sheet(0, dtypes="string").to_polars()
    assert sorted(ledger.get_column("姓名").to_list()) == ["张三", "张小", "李四"]
    assert AuditEvent.objects.filter(action="imports.ledger_export_download").count() == 1
