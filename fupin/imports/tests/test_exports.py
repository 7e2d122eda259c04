"""Ledger exports: export → import is a round trip that changes nothing; the pages queue an
audited export job whose file only its creator may download."""

import io
import json
from pathlib import Path
from typing import Any

import fastexcel
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fupin.accounts.models import RegionAssignment, Role
from fupin.audit.models import AuditEvent
from fupin.imports.services import ledger_export_job_run
from fupin.jobs.models import Job
from fupin.registry.models import Household, HouseholdConditions, HouseholdYear, Member
from fupin.registry.synthetic import household_bulk_generate
from fupin.registry.tests.test_synthetic import _load_county
from tests.support import COUNTY, TOWN, VILLAGE, Actors, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated_county(db: None) -> str:
    _load_county(COUNTY)
    household_bulk_generate(county_code=COUNTY, households=60, seed=11, batch_households=25)
    return COUNTY


def _state() -> dict[str, Any]:
    return {
        "members": list(Member.objects.order_by("id").values_list("id", "version", "updated_at")),
        "households": list(Household.objects.order_by("id").values_list("id", "version")),
        "years": list(HouseholdYear.objects.order_by("id").values_list("id", "recorded_at")),
        "conditions": list(
            HouseholdConditions.objects.order_by("id").values_list("id", "recorded_at")
        ),
    }


@pytest.mark.parametrize(
    ("kind", "unchanged_key"),
    [("members", "unchanged"), ("income", "unchanged"), ("conditions", "unchanged")],
)
def test_export_then_import_changes_nothing(
    generated_county: str, tmp_path: Path, kind: str, unchanged_key: str
) -> None:
    path = tmp_path / f"{kind}.xlsx"
    call_command(
        "export",
        kind,
        str(path),
        "--region",
        generated_county,
        "--no-progress",
        stdout=io.StringIO(),
    )
    before = _state()
    stdout = io.StringIO()
    call_command("import", kind, str(path), "--json", stdout=stdout)
    applied = json.loads(stdout.getvalue())["applied"]
    expected_rows = {
        "members": Member.objects.filter(is_active=True).count(),
        "income": HouseholdYear.objects.count(),
        "conditions": HouseholdConditions.objects.count(),
    }[kind]
    assert expected_rows > 0
    assert applied[unchanged_key] == expected_rows
    assert sum(value for key, value in applied.items() if key != unchanged_key) == 0
    assert _state() == before
    assert AuditEvent.objects.filter(action="imports.ledger_export").count() == 1


def test_exported_sheet_is_a_styled_ledger(generated_county: str, tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    call_command("export", "members", str(path), "--no-progress", stdout=io.StringIO())
    sheet = fastexcel.read_excel(path.read_bytes()).load_sheet(0, dtypes="string").to_polars()
    assert sheet.columns[:5] == ["行政区划代码", "户编号", "人编号", "姓名", "证件号码"]
    first_id = sheet.get_column("证件号码")[0]
    assert len(first_id) == 18
    assert Member.objects.filter(id_number=first_id).exists()
    assert set(sheet.get_column("性别").unique().to_list()) <= {"男", "女"}


def test_export_page_queues_an_audited_job_for_the_filter(actors: Actors, tmp_path: Path) -> None:
    officer = client_for(actors.village_officer)
    page = officer.get(reverse("imports:export") + "?household_type=1&page=3")
    assert page.status_code == 200
    assert 'name="query" value="household_type=1"' in page.content.decode()
    response = officer.post(
        reverse("imports:export"), {"kind": "members", "query": "household_type=1"}
    )
    job = Job.objects.get(kind=Job.Kind.LEDGER_EXPORT)
    assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert job.params["query"] == {"household_type": "1"}
    assert job.region_code == VILLAGE

    ledger_export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    event = AuditEvent.objects.get(action="imports.ledger_export")
    assert event.changes == {"kind": "members", "rows": 0, "households": 0}
    assert event.context == {"filters": {"household_type": "1"}}

    download = officer.get(job.result["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="imports.ledger_export_download").count() == 1

    other: Client = client_for(actors.other_village_officer)
    refused = other.get(job.result["download_url"])
    assert refused.status_code == 302
    assert AuditEvent.objects.filter(action="imports.ledger_export_download").count() == 1


def test_members_export_needs_personal_data_access(actors: Actors) -> None:
    township = client_for(actors.township_reviewer)
    auditor = client_for(actors.auditor)
    auditor.post(reverse("imports:export"), {"kind": "members", "query": ""})
    assert not Job.objects.exists()
    township.post(reverse("imports:export"), {"kind": "income", "query": ""})
    assert Job.objects.filter(kind=Job.Kind.LEDGER_EXPORT).count() == 1


def test_members_export_download_needs_personal_data_access_in_the_current_role(
    actors: Actors,
) -> None:
    # given a members ledger exported by a village officer who also holds a cadre role
    officer = client_for(actors.village_officer)
    officer.post(reverse("imports:export"), {"kind": "members", "query": ""})
    job = Job.objects.get(kind=Job.Kind.LEDGER_EXPORT)
    ledger_export_job_run(job_id=job.pk)
    job.refresh_from_db()
    cadre = RegionAssignment.objects.create(
        user=actors.village_officer, role=Role.RESPONSIBLE_CADRE, region_id=VILLAGE
    )
    # when they switch to the role without personal-data access and download
    officer.post(reverse("accounts:assignment-switch"), {"assignment": cadre.pk})
    refused = officer.get(job.result["download_url"])
    # then the file is refused and no download is recorded
    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(action="imports.ledger_export_download").exists()


def test_export_page_describes_the_filter_in_chinese(actors: Actors) -> None:
    page = client_for(actors.county_admin).get(
        reverse("imports:export") + f"?household_type=monitored&region_code={TOWN}&sort=-income"
    )
    filters = page.content.decode().split('data-testid="export-filters"')[1].split("</p>")[0]
    assert "户类型：监测户" in filters
    assert "区划：伏龙泉镇" in filters
    assert "排序：按人均纯收入从高到低" in filters
    assert "household_type" not in filters
    assert "monitored" not in filters
