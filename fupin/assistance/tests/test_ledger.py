"""The 结对帮扶台账 (cadre assignment ledger): `fupin import cadre_assignments FILE`, all or
nothing, every assignment audited and the previous one kept as history."""

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from fupin.assistance.models import AssistanceSetting, Cadre, CadreAssignment
from fupin.assistance.services.ledger import cadre_assignment_bulk_import
from fupin.assistance.tests.conftest import monitored_household
from fupin.audit.models import AuditEvent
from fupin.core.errors import PermissionDeniedError
from fupin.imports.kinds import KINDS
from fupin.imports.services import import_apply_job_run
from fupin.imports.workbooks import template_workbook
from fupin.jobs.models import Job
from fupin.registry.models import Household
from tests.support import VILLAGE, Actors, client_for, scope_of

HEADERS = (
    "户编号",
    "帮扶责任人姓名",
    "联系电话",
    "帮扶责任人编号",
    "工作单位",
    "职务",
    "开始日期",
    "结束日期",
)


def _row(household: Household, **changes: str) -> dict[str, str]:
    row = {
        "户编号": household.number,
        "帮扶责任人姓名": "刘海燕",
        "联系电话": "13900002222",
        "工作单位": "农安县人力资源和社会保障局",
        "职务": "科员",
        "开始日期": "2025-04-01",
    }
    row.update(changes)
    return row


def _file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "cadres.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _run(path: Path, *extra: str) -> tuple[dict[str, Any], CommandError | None]:
    out = io.StringIO()
    try:
        call_command("import", "cadre_assignments", str(path), "--json", *extra, stdout=out)
    except CommandError as error:
        return json.loads(out.getvalue()), error
    return json.loads(out.getvalue()), None


def _state() -> tuple[int, int, int]:
    return (Cadre.objects.count(), CadreAssignment.objects.count(), AuditEvent.objects.count())


def test_assigns_by_id_and_by_name_registering_new_cadres_and_a_second_import_changes_nothing(
    actors: Actors, cadre: Cadre, household: Household, other_household: Household, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        [
            _row(household, 帮扶责任人姓名=cadre.name, 联系电话="", 帮扶责任人编号=str(cadre.pk)),
            _row(other_household),
        ],
    )

    report, error = _run(path, "--region", "220122")

    assert error is None, report
    assert report["applied"] == {"created": 2, "updated": 0, "unchanged": 0, "cadres_registered": 1}
    new_cadre = Cadre.objects.get(name="刘海燕")
    assert (new_cadre.phone, new_cadre.unit, new_cadre.region_id) == (
        "13900002222",
        "农安县人力资源和社会保障局",
        "220122",
    )
    current = {
        a.household_id: (a.cadre_id, a.started_on)
        for a in CadreAssignment.objects.filter(ended_on__isnull=True)
    }
    assert current == {
        household.pk: (cadre.pk, date(2025, 4, 1)),
        other_household.pk: (new_cadre.pk, date(2025, 4, 1)),
    }
    assert AuditEvent.objects.filter(action="assistance.cadre_assign").count() == 2
    assert AuditEvent.objects.filter(action="assistance.cadre_create").count() == 2
    before = _state()

    again, error = _run(path, "--region", "220122")

    assert error is None
    assert again["applied"] == {"created": 0, "updated": 0, "unchanged": 2, "cadres_registered": 0}
    assert _state() == before


def test_a_new_cadre_ends_the_previous_assignment_which_stays_as_history(
    actors: Actors, cadre: Cadre, assigned: Household, tmp_path: Path
) -> None:
    report, error = _run(
        _file(tmp_path, [_row(assigned, 开始日期="2025-09-01")]), "--region", "220122"
    )

    assert error is None, report
    assert report["applied"]["updated"] == 1
    history = list(
        CadreAssignment.objects.filter(household=assigned)
        .order_by("started_on")
        .values_list("cadre__name", "started_on", "ended_on")
    )
    assert history == [
        ("王志强", date(2025, 3, 20), date(2025, 9, 1)),
        ("刘海燕", date(2025, 9, 1), None),
    ]


def test_a_past_assignment_is_kept_as_history(
    actors: Actors, cadre: Cadre, household: Household, tmp_path: Path
) -> None:
    row = _row(household, 开始日期="2024-01-01", 结束日期="2024-12-31")

    report, error = _run(_file(tmp_path, [row]), "--region", "220122")

    assert error is None, report
    assignment = CadreAssignment.objects.get(household=household)
    assert (assignment.started_on, assignment.ended_on) == (date(2024, 1, 1), date(2024, 12, 31))


def test_one_bad_row_changes_nothing(
    actors: Actors, cadre: Cadre, household: Household, other_household: Household, tmp_path: Path
) -> None:
    rows = [
        _row(household),
        _row(other_household, 开始日期="2025-05-01", 结束日期="2025-04-30"),
    ]
    before = _state()

    report, error = _run(_file(tmp_path, rows), "--region", "220122")

    assert error is not None
    assert error.returncode == 2
    assert [(e["row"], e["field"], e["message"]) for e in report["errors"]] == [
        (3, "结束日期", "结束日期不能早于开始日期。")
    ]
    assert _state() == before


def test_bad_rows_are_named_by_row_and_column_in_chinese(
    actors: Actors, cadre: Cadre, household: Household, other_household: Household, tmp_path: Path
) -> None:
    more = [monitored_household(actors, f"22012210120100{n}") for n in (2, 3, 4, 5)]
    rows = [
        _row(household, 户编号="220122101201999"),
        _row(other_household),
        _row(more[0], 帮扶责任人姓名="赵六", 联系电话="13900003333", 工作单位=""),
        _row(more[1], 帮扶责任人编号="99999", 联系电话=""),
        _row(more[2], 帮扶责任人姓名="李四", 帮扶责任人编号=str(cadre.pk)),
        _row(more[3], 联系电话=""),
        _row(household),
        _row(household),
    ]
    before = _state()

    report, error = _run(_file(tmp_path, rows), "--region", VILLAGE)

    assert error is not None
    assert [(e["row"], e["field"], e["message"]) for e in report["errors"]] == [
        (2, "户编号", "户编号 220122101201999 不在册，请核对。"),
        (
            3,
            "户编号",
            "户编号 220122101202001 所在村 220122101202 不在您的管辖范围内，不能导入。",
        ),
        (4, "工作单位", "帮扶责任人 赵六 尚未登记，须填写工作单位。"),
        (5, "帮扶责任人编号", "帮扶责任人编号 99999 不存在或已不在岗。"),
        (6, "帮扶责任人姓名", "姓名与帮扶责任人编号不符：登记姓名为 王志强。"),
        (7, "联系电话", "请填写联系电话或帮扶责任人编号。"),
        (9, "户编号", "户编号 220122101201001 与第 8 行重复，同一户只能有一行。"),
    ]
    assert _state() == before


def test_a_cadre_over_the_configured_maximum_is_refused(
    actors: Actors, cadre: Cadre, household: Household, other_household: Household, tmp_path: Path
) -> None:
    county_rule = AssistanceSetting.objects.get(region_code="")
    county_rule.pk = None
    county_rule.region_code = "220122"
    county_rule.max_households_per_cadre = 1
    county_rule.save()
    rows = [
        _row(household, 帮扶责任人编号=str(cadre.pk), 帮扶责任人姓名=cadre.name),
        _row(other_household, 帮扶责任人编号=str(cadre.pk), 帮扶责任人姓名=cadre.name),
    ]
    before = _state()

    report, error = _run(_file(tmp_path, rows), "--region", "220122")

    assert error is not None
    message = "每名帮扶责任人最多联系 1 户，王志强 导入后将联系 2 户。"
    assert [(e["row"], e["field"], e["message"]) for e in report["errors"]] == [
        (2, "帮扶责任人姓名", message),
        (3, "帮扶责任人姓名", message),
    ]
    assert _state() == before


def test_the_preview_counts_without_writing(
    actors: Actors, household: Household, tmp_path: Path
) -> None:
    before = _state()

    report, error = _run(_file(tmp_path, [_row(household)]), "--region", "220122", "--dry-run")

    assert error is None, report
    assert report["preview"]["created"] == 1
    assert _state() == before


def test_a_user_without_the_assistance_duty_cannot_apply(
    actors: Actors, household: Household
) -> None:
    rows = pl.DataFrame(
        [
            {
                "_row": 2,
                "household_number": household.number,
                "cadre_name": "刘海燕",
                "phone": "13900002222",
                "cadre_id": None,
                "unit": "农安县人社局",
                "post": None,
                "level": None,
                "started_on": date(2025, 4, 1),
                "ended_on": None,
                "end_reason": None,
            }
        ]
    )

    with pytest.raises(PermissionDeniedError):
        cadre_assignment_bulk_import(
            actor=actors.auditor, scope=scope_of(actors.auditor), rows=rows
        )
    assert not CadreAssignment.objects.exists()


def test_the_template_workbook_names_the_columns() -> None:
    reader = fastexcel.read_excel(template_workbook(KINDS["cadre_assignments"].template))

    assert reader.sheet_names[0] == "结对帮扶台账"
    headers = reader.load_sheet(0).to_polars().columns
    assert headers[:2] == ["户编号", "帮扶责任人姓名"]
    assert {"联系电话", "帮扶责任人编号", "工作单位", "开始日期", "结束日期"} <= set(headers)


def test_uploaded_at_the_import_page_the_preview_writes_nothing_and_the_job_applies(
    actors: Actors, household: Household, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    content = _file(tmp_path, [_row(household)]).read_bytes()
    client = client_for(actors.village_officer)
    before = _state()

    response = client.post(
        reverse("imports:upload"),
        {"kind": "cadre_assignments", "file": SimpleUploadedFile("结对帮扶台账.csv", content)},
    )

    assert response.status_code == 200
    staged = response.context["staged"]
    assert (staged.error_count, staged.new_rows, staged.apply_error) == (0, 1, "")
    assert _state() == before
    client.post(reverse("imports:apply"), {"staged": str(staged.id)})
    job = Job.objects.get()
    import_apply_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assignment = CadreAssignment.objects.get(household=household, ended_on__isnull=True)
    assert assignment.cadre.name == "刘海燕"
    assert AuditEvent.objects.filter(
        action="assistance.cadre_assign", actor=actors.village_officer
    ).exists()
