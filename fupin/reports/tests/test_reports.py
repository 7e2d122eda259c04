"""Standard reports: rows and totals equal counts over the registry; as of a past date the
status history decides; the workbook is formatted and carries no personal data."""

import io
import json
import re
import zipfile
from datetime import date, timedelta

import fastexcel
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fupin.core.errors import NotFoundError
from fupin.registry.codes import EliminationMethod, HouseholdType, MonitoringCategory
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member, Region
from fupin.registry.services import household_register, household_status_record
from fupin.registry.tests import factories
from fupin.reports.exports import report_xlsx
from fupin.reports.selectors.standard import ReportKind, report_build
from fupin.reports.tallies import tally_catch_up
from fupin.reports.tests.conftest import county_scope
from tests.support import (
    COUNTY,
    OTHER_COUNTY,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    scope_of,
)

Kind = HouseholdStatusEvent.Kind


def test_monitored_report_rows_and_totals_equal_counts_over_the_registry(
    generated_county: str,
) -> None:
    tally_catch_up()
    report = report_build(
        scope=county_scope(), kind=ReportKind.MONITORED, region_code=generated_county, year=2025
    )
    towns = list(Region.objects.filter(parent_id=generated_county).order_by("code"))
    assert [row.code for row in report.rows] == [town.code for town in towns]
    for row in report.rows:
        monitored = Household.objects.filter(
            village__code__startswith=row.code, household_type=HouseholdType.MONITORED
        )
        categories = [
            monitored.filter(monitoring_category=value).count()
            for value, _label in MonitoringCategory.choices
        ]
        people = Member.objects.filter(household__in=monitored, is_active=True).count()
        assert row.values[:5] == [monitored.count(), people, *categories]
    assert (
        report.totals[0] == Household.objects.filter(household_type=HouseholdType.MONITORED).count()
    )
    assert report.totals[0] > 0


def test_risk_type_and_elimination_reports_equal_the_status_history(
    generated_county: str,
) -> None:
    tally_catch_up()
    eliminated = HouseholdStatusEvent.objects.filter(
        kind=Kind.RISK_ELIMINATED, occurred_on__year=2024
    )
    report = report_build(
        scope=county_scope(), kind=ReportKind.ELIMINATION, region_code=generated_county, year=2024
    )
    assert report.totals[0] == eliminated.count() > 0
    assert report.totals[1:] == [
        eliminated.filter(elimination_method=value).count()
        for value, _label in EliminationMethod.choices
    ]
    risk = report_build(
        scope=county_scope(), kind=ReportKind.RISK_TYPES, region_code=generated_county, year=2025
    )
    as_of_today = report_build(
        scope=county_scope(),
        kind=ReportKind.RISK_TYPES,
        region_code=generated_county,
        year=2025,
        as_of=timezone.localdate(),
    )
    assert risk.rows == as_of_today.rows
    assert sum(risk.totals) > 0


def test_the_current_report_equals_the_report_as_of_today(generated_county: str) -> None:
    tally_catch_up()
    current = report_build(
        scope=county_scope(), kind=ReportKind.MONITORED, region_code=generated_county, year=2025
    )
    history = report_build(
        scope=county_scope(),
        kind=ReportKind.MONITORED,
        region_code=generated_county,
        year=2025,
        as_of=timezone.localdate(),
    )
    # the history has no people or colours: households and the three categories
    assert [[row.values[0], *row.values[2:5]] for row in current.rows] == [
        row.values for row in history.rows
    ]


def test_a_report_as_of_a_past_date_ignores_later_events(actors: Actors) -> None:
    # given a household identified for monitoring on 1 March and eliminated on 1 September
    scope = scope_of(actors.county_admin)
    household = household_register(
        actor=actors.county_admin,
        scope=scope,
        data=factories.household("H-ASOF", VILLAGE),
        members=factories.family(),
    )
    household_status_record(
        actor=actors.county_admin,
        scope=scope,
        household=household,
        kind=Kind.MONITORING_IDENTIFIED,
        occurred_on=date(2025, 3, 1),
        monitoring_category=MonitoringCategory.MARGINAL,
        identified_month="202503",
        risk_types=["1", "4"],
    )
    household_status_record(
        actor=actors.county_admin,
        scope=scope,
        household=household,
        kind=Kind.RISK_ELIMINATED,
        occurred_on=date(2025, 9, 1),
        elimination_method=EliminationMethod.ASSISTED,
    )

    def build(kind: ReportKind, as_of: date | None) -> list[int]:
        tally_catch_up()
        report = report_build(scope=scope, kind=kind, region_code=COUNTY, year=2025, as_of=as_of)
        return [int(value) for value in report.totals]

    # then in June it was monitored with two risk types and not yet eliminated
    assert build(ReportKind.MONITORED, date(2025, 6, 30)) == [1, 0, 1, 0]
    assert build(ReportKind.RISK_TYPES, date(2025, 6, 30)) == [1, 0, 0, 1, 0, 0, 0, 0, 0]
    assert build(ReportKind.ELIMINATION, date(2025, 6, 30)) == [0, 0, 0]
    # and before March it was not monitored at all
    assert build(ReportKind.MONITORED, date(2025, 2, 28)) == [0, 0, 0, 0]
    # while today it is eliminated and no longer monitored
    assert build(ReportKind.ELIMINATION, None) == [1, 1, 0]
    assert build(ReportKind.MONITORED, None)[0] == 0


def _merged_ranges(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    return re.findall(r'<mergeCell ref="([A-Z0-9:]+)"', sheet)


def test_the_workbook_has_title_merged_headers_totals_and_no_personal_data(
    generated_county: str,
) -> None:
    tally_catch_up()
    report = report_build(
        scope=county_scope(), kind=ReportKind.MONITORED, region_code=generated_county, year=2025
    )
    content = report_xlsx(report, made_on=date(2025, 12, 31))
    cells = fastexcel.read_excel(content).load_sheet(0, header_row=None).to_polars().to_dicts()
    values = [[str(value) for value in row.values() if value is not None] for row in cells]
    assert values[0] == ["东丰县监测对象分类统计表（2025 年）"]
    assert "2025-12-31" in values[1][0]
    assert values[2][:3] == ["区划", "监测户", "监测对象类别（户）"]
    assert values[3][:4] == ["户数", "人数", "脱贫不稳定户", "边缘易致贫户"]
    total_row = next(row for row in values if row and row[0] == "合计")
    assert float(total_row[1]) == report.totals[0]
    # title, subtitle, the row heading over two rows and the three column groups
    assert {"A1:J1", "A2:J2", "A3:A4", "B3:C3", "D3:F3", "G3:J3"} <= set(_merged_ranges(content))
    id_numbers = set(Member.objects.values_list("id_number", flat=True)[:50])
    text = " ".join(" ".join(row) for row in values)
    assert not any(number in text for number in id_numbers)


def test_report_command_writes_json_and_xlsx(generated_county: str, tmp_path: object) -> None:
    out = io.StringIO()
    call_command(
        "report", "income", "--region", generated_county, "--year", "2025", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["region_name"] == "东丰县"
    assert data["columns"][0] == "有收支记录/户数"
    assert int(data["totals"][0]) == Household.objects.filter(years__year=2025).count() > 0
    path = f"{tmp_path}/monitored.xlsx"
    call_command(
        "report",
        "monitored",
        "--region",
        generated_county,
        "--year",
        "2025",
        "--out",
        path,
        stdout=io.StringIO(),
    )
    with open(path, "rb") as written:
        assert written.read(2) == b"PK"


def test_report_page_scope_matrix(actors: Actors) -> None:
    url = reverse("reports:report")
    assert_scope_matrix(
        lambda client: client.get(url, {"kind": "monitored", "year": "2025"}),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403),
            actors.village_officer: Expectation(200, shows=("东榛柴村委会监测对象分类统计表",)),
            actors.county_admin: Expectation(
                200, shows=("农安县监测对象分类统计表", "伏龙泉镇", "哈拉海镇"), hides=("奢岭",)
            ),
            actors.province_admin: Expectation(200, shows=("吉林省监测对象分类统计表", "长春市")),
        },
    )
    county = client_for(actors.county_admin)
    assert county.get(url, {"region": OTHER_COUNTY, "year": "2025"}).status_code == 404
    download = reverse("reports:report-xlsx")
    assert county.get(download, {"region": OTHER_COUNTY, "year": "2025"}).status_code == 404
    response = county.get(download, {"kind": "elimination", "year": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bad_report_input_gets_a_chinese_error(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = client.get(reverse("reports:report"), {"as_of": tomorrow}).content.decode()
    assert "截止日期不能晚于今天。" in body
    assert 'data-testid="report-table"' not in body
    response = client.get(reverse("reports:report-xlsx"), {"kind": "nonsense"})
    assert response.status_code == 400


def test_a_region_outside_the_scope_is_refused_by_the_selector(actors: Actors) -> None:
    with pytest.raises(NotFoundError):
        report_build(
            scope=scope_of(actors.county_admin),
            kind=ReportKind.INCOME,
            region_code=OTHER_COUNTY,
            year=2025,
        )


def test_income_report_sums_the_income_records(generated_county: str) -> None:
    tally_catch_up()
    report = report_build(
        scope=county_scope(), kind=ReportKind.INCOME, region_code=generated_county, year=2025
    )
    records = HouseholdYear.objects.filter(year=2025)
    wages = sum(record.wage_income for record in records)
    net = sum(record.net_income for record in records)
    assert report.totals[3] == wages > 0
    assert report.totals[-1] == net


def test_api_answers_the_dashboard_and_reports_inside_the_scope_only(actors: Actors) -> None:
    dashboard = "/api/v1/dashboard"
    assert_scope_matrix(
        lambda client: client.get(dashboard),
        {
            None: Expectation(401),
            # JSON escapes Chinese: the regions are told apart by their codes
            actors.county_admin: Expectation(200, shows=("220122101",), hides=("220112",)),
            actors.other_county_admin: Expectation(200, shows=("220112100",), hides=("220122",)),
        },
    )
    county = client_for(actors.county_admin)
    assert county.get(dashboard, {"region": OTHER_COUNTY}).status_code == 404
    report = county.get("/api/v1/reports/monitored", {"year": "2025"})
    assert report.status_code == 200
    assert [row["name"] for row in report.json()["rows"]] == ["伏龙泉镇", "哈拉海镇"]
    refused = county.get("/api/v1/reports/income", {"year": "2025", "region": OTHER_COUNTY})
    assert refused.status_code == 404
