"""The finance REST endpoints: scoped reads of loans, warnings, projects and funds without
ID numbers, and the repayment write through the same service as the page."""

from datetime import date
from decimal import Decimal

from fupin.audit.models import AuditEvent
from fupin.finance.models import Loan
from fupin.finance.tests.conftest import approve_through, head_of, make_loan, propose
from fupin.registry.models import Household
from tests.support import Actors, client_for, nothing_changes


def test_loans_are_scoped_and_carry_no_id_numbers(actors: Actors, household: Household) -> None:
    loan = make_loan(actors, household, issued_on=date(2023, 3, 1), due_on=date(2025, 11, 5))
    county = client_for(actors.county_admin)

    response = county.get("/api/v1/finance/loans")

    rows = response.json()
    assert [(row["contract_number"], row["borrower_name"]) for row in rows] == [
        ("NX-2023-001", "张建国")
    ]
    assert rows[0]["status_label"] == "正常"
    assert head_of(household).id_number not in response.content.decode()
    assert client_for(actors.other_county_admin).get("/api/v1/finance/loans").json() == []
    assert client_for(None).get("/api/v1/finance/loans").status_code == 401

    detail = county.get(f"/api/v1/finance/loans/{loan.pk}")
    assert detail.status_code == 200
    assert detail.json()["history"] == ["NX-2023-001"]
    assert [f["code"] for f in detail.json()["eligibility"]] == [
        "amount",
        "term",
        "age",
        "household_type",
    ]
    assert head_of(household).id_number not in detail.content.decode()
    other = client_for(actors.other_county_admin).get(f"/api/v1/finance/loans/{loan.pk}")
    assert other.status_code == 404

    warnings = county.get("/api/v1/finance/loans/warnings?as_of=2025-11-10&days=30").json()
    assert warnings["overdue_count"] == 1
    assert warnings["loans"][0]["days_left"] == -5


def test_repayment_endpoint_records_or_refuses_and_changes_nothing(
    actors: Actors, household: Household
) -> None:
    loan = make_loan(actors, household)
    url = f"/api/v1/finance/loans/{loan.pk}/repayments"
    county = client_for(actors.county_admin)

    created = county.post(
        url, {"paid_on": "2025-11-01", "principal": "10000"}, content_type="application/json"
    )

    assert created.status_code == 201
    assert Loan.objects.get(pk=loan.pk).outstanding == Decimal("40000.00")
    assert AuditEvent.objects.filter(action="finance.repayment_record").count() == 1
    with nothing_changes(loan):
        too_much = county.post(
            url, {"paid_on": "2025-11-01", "principal": "90000"}, content_type="application/json"
        )
    assert too_much.status_code == 400
    assert "超过贷款余额" in too_much.json()["detail"]
    village_client = client_for(actors.village_officer)
    other_client = client_for(actors.other_county_admin)
    with nothing_changes(loan):
        village = village_client.post(
            url, {"paid_on": "2025-11-01", "principal": "1"}, content_type="application/json"
        )
    assert village.status_code == 403
    with nothing_changes(loan):
        other = other_client.post(
            url, {"paid_on": "2025-11-01", "principal": "1"}, content_type="application/json"
        )
    assert other.status_code == 404


def test_projects_and_funds_are_scoped(actors: Actors) -> None:
    project = approve_through(actors, propose(actors))
    county = client_for(actors.county_admin)

    rows = county.get("/api/v1/finance/projects?state=approved").json()
    assert [(row["id"], row["state_label"]) for row in rows] == [(project.pk, "已入库")]
    detail = county.get(f"/api/v1/finance/projects/{project.pk}").json()
    assert [d["step"] for d in detail["decisions"]] == ["township", "assessment", "decision"]
    assert detail["notice_url"].startswith("http://testserver/finance/notices/")
    assert client_for(actors.other_county_admin).get("/api/v1/finance/projects").json() == []
    other = client_for(actors.other_county_admin).get(f"/api/v1/finance/projects/{project.pk}")
    assert other.status_code == 404

    progress = county.get("/api/v1/finance/funds/progress?year=2025").json()
    assert progress["total"]["released"] == "0"
    assert county.get("/api/v1/finance/funds/allocations?year=2025").json() == []
    assert "finance" in county.get("/api/v1/openapi.json").content.decode()
