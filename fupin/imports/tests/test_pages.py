"""Import pages: template, upload with preview, error workbook, apply as a Job."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import fastexcel
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.imports.parsing import read_table
from fupin.imports.services import import_apply_job_run
from fupin.imports.tests.support import HEADERS, csv_text, household_rows
from fupin.jobs.models import Job
from fupin.registry.models import Household, HouseholdYear, Member
from tests.support import (
    OTHER_VILLAGE,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def _upload(village: str = VILLAGE) -> SimpleUploadedFile:
    rows = household_rows()
    for row in rows:
        row["行政区划代码"] = village
        row["主要致贫原因"] = "因病"
    content = csv_text(rows, (*HEADERS, "主要致贫原因")).encode("utf-8-sig")
    return SimpleUploadedFile("成员台账.csv", content, content_type="text/csv")


def _stage(client: Client, village: str = VILLAGE) -> str:
    response = client.post(reverse("imports:upload"), {"file": _upload(village)})
    assert response.status_code == 200
    staged = response.context["staged"]
    assert staged is not None
    return str(staged.id)


def test_upload_page_scope_matrix(actors: Actors) -> None:
    assert_scope_matrix(
        lambda client: client.get(reverse("imports:upload")),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403),
            actors.township_reviewer: Expectation(403),
            actors.village_officer: Expectation(200, shows=("下载模板", "上传并校验")),
        },
    )


def test_sidebar_link_only_for_editors(actors: Actors) -> None:
    url = reverse("imports:upload")
    assert url in client_for(actors.village_officer).get("/").content.decode()
    assert url not in client_for(actors.township_reviewer).get("/").content.decode()


def test_template_download_is_xlsx(actors: Actors) -> None:
    response = client_for(actors.village_officer).get(reverse("imports:template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = fastexcel.read_excel(response.content).load_sheet(0, dtypes="string")
    assert "证件号码" in sheet.to_polars().columns


def test_out_of_scope_village_is_reported_and_nothing_written(actors: Actors) -> None:
    client = client_for(actors.village_officer)
    response = client.post(reverse("imports:upload"), {"file": _upload(OTHER_VILLAGE)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "有错误 3 行" in body
    assert 'data-testid="import-errors"' in body
    assert 'data-testid="import-apply"' not in body
    assert not Household.objects.exists()
    assert not Job.objects.exists()


def test_error_workbook_is_audited_and_only_for_the_uploader(actors: Actors) -> None:
    client = client_for(actors.village_officer)
    staged_id = _stage(client, OTHER_VILLAGE)
    url = reverse("imports:errors") + f"?staged={staged_id}"
    other = client_for(actors.other_village_officer).get(url, follow=True)
    assert "找不到这次上传" in other.content.decode()
    assert client.get(reverse("imports:errors") + "?staged=../../etc").status_code == 302
    assert client_for(actors.township_reviewer).get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert len(read_table(response.content, "errors.xlsx")) == 3
    event = AuditEvent.objects.get(action="imports.error_workbook_download")
    assert event.actor_id == actors.village_officer.pk


def test_unreadable_file_is_explained(actors: Actors) -> None:
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client_for(actors.village_officer).post(reverse("imports:upload"), {"file": upload})
    assert response.status_code == 200
    assert "请上传 xlsx、xls 或 csv 文件" in response.content.decode()


def test_valid_upload_previews_then_apply_runs_as_a_job(
    actors: Actors,
) -> None:
    client = client_for(actors.village_officer)
    response = client.post(reverse("imports:upload"), {"file": _upload()})
    body = response.content.decode()
    assert "共 3 行、1 户；通过 3 行，有错误 0 行。" in body
    assert 'data-testid="import-apply"' in body
    assert not Household.objects.exists()
    staged_id = str(response.context["staged"].id)

    apply_url = reverse("imports:apply")
    data = {"staged": staged_id}
    assert client.get(apply_url).status_code == 405
    other = client_for(actors.other_village_officer).post(apply_url, data, follow=True)
    assert "找不到这次上传" in other.content.decode()
    assert not Job.objects.exists()
    response = client.post(apply_url, data)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert job.kind == Job.Kind.IMPORT_APPLY
    assert job.status == Job.Status.PENDING
    assert not Household.objects.exists()

    import_apply_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["households_created"] == 1
    assert job.result["members_created"] == 3
    assert Household.objects.get().village_id == VILLAGE
    assert Member.objects.count() == 3
    assert AuditEvent.objects.filter(action="registry.member_bulk_upsert").exists()
    # the staged file is gone, so the same upload cannot be applied twice
    assert client.post(apply_url, data)["Location"] == reverse("imports:upload")
    assert Job.objects.count() == 1


def test_job_fails_in_chinese_when_the_file_is_gone(actors: Actors, var_dir: Path) -> None:
    client = client_for(actors.village_officer)
    staged_id = _stage(client)
    client.post(reverse("imports:apply"), {"staged": staged_id})
    for path in (var_dir / "imports").glob(f"{staged_id}.csv"):
        path.unlink()
    job = Job.objects.get()
    import_apply_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "找不到上传的文件，请重新上传。"
    assert not Household.objects.exists()


def test_income_ledger_upload_previews_counts_and_applies(actors: Actors) -> None:
    client = client_for(actors.village_officer)
    staged_members = _stage(client)
    client.post(reverse("imports:apply"), {"staged": staged_members})
    import_apply_job_run(job_id=Job.objects.get().pk)
    income = "户编号,年度,工资性收入,转移性收入\nH001,2024,12000,2400\n".encode()
    upload = SimpleUploadedFile("收支台账.csv", income, content_type="text/csv")

    response = client.post(reverse("imports:upload"), {"kind": "income", "file": upload})
    body = response.content.decode()
    assert "预览：收支台账.csv（收支台账）" in body
    assert "确认后：新增 1 行，更新 0 行，不变 0 行。" in body
    assert not HouseholdYear.objects.exists()

    client.post(reverse("imports:apply"), {"staged": str(response.context["staged"].id)})
    job = Job.objects.latest("id")
    import_apply_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.message == "已导入：新增 1 条、更新 0 条、未变 0 条。"
    record = HouseholdYear.objects.get()
    assert (record.year, record.member_count, record.net_income) == (2024, 3, Decimal("14400"))


def test_template_of_each_kind_has_its_headers(actors: Actors) -> None:
    client = client_for(actors.village_officer)
    response = client.get(reverse("imports:template") + "?kind=conditions")
    sheet = fastexcel.read_excel(response.content).load_sheet(0).to_polars()
    assert sheet.columns[:3] == ["户编号", "年度", "危房等级"]
    unknown = client.get(reverse("imports:template") + "?kind=nothing")
    assert unknown.status_code == 302
