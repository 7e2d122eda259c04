"""The web entry forms of loans, funds and assets: each saves through its service with an
audit event, refuses bad input in Chinese beside the field and changes nothing, and is
the county's alone (other roles are sent back, other regions get not found)."""

from datetime import date
from decimal import Decimal

from django.test import Client

from fupin.audit.models import AuditEvent
from fupin.finance import services
from fupin.finance.models import (
    Asset,
    FundAllocation,
    FundEntry,
    FundRelease,
    Loan,
    LoanStatus,
    RenewalKind,
)
from fupin.finance.tests.conftest import (
    accepted_project,
    approve_through,
    head_of,
    make_loan,
    propose,
)
from fupin.registry.models import Household
from tests.support import Actors, client_for, nothing_changes, scope_of


def _loan_form(household: Household, **changes: str) -> dict[str, str]:
    head = head_of(household)
    form = {
        "borrower_id_number": head.id_number.lower(),
        "borrower_name": head.name,
        "bank": "农安县农村信用合作联社",
        "contract_number": "NX-FORM-1",
        "amount": "30000",
        "issued_on": "2025-03-01",
        "due_on": "2027-02-28",
        "annual_rate": "3.45",
        "purpose": "养殖肉牛",
        "is_household_use": "on",
    }
    form.update(changes)
    return form


def test_county_registers_a_loan_through_the_form(actors: Actors, household: Household) -> None:
    county = client_for(actors.county_admin)

    response = county.post("/finance/loans/new/", _loan_form(household))

    loan = Loan.objects.get(contract_number="NX-FORM-1")
    assert response.status_code == 302
    assert response["Location"] == f"/finance/loans/{loan.pk}/"
    assert (loan.borrower_id, loan.amount, loan.status) == (
        head_of(household).pk,
        Decimal("30000.00"),
        LoanStatus.ACTIVE,
    )
    assert AuditEvent.objects.filter(
        action="finance.loan_register", subject_id=str(loan.pk)
    ).exists()
    assert 'data-testid="loan-new"' in county.get("/finance/loans/").content.decode()


def test_loan_form_refuses_bad_input_in_chinese_and_saves_nothing(
    actors: Actors, household: Household
) -> None:
    county = client_for(actors.county_admin)
    cases = {
        "borrower_id_number": ("12345", "身份证号码应为 18 位"),
        "borrower_name": ("王五", "姓名与证件号码不符：在册姓名为 张建国。"),
        "amount": ("80000", "贷款金额 80000 元，上限 50000.00 元。"),
        "due_on": ("2024-01-01", "到期日期必须晚于放款日期。"),
        "is_household_use": ("", "不得“户贷企用”"),
    }
    for field, (value, message) in cases.items():
        form = _loan_form(household, **{field: value})
        if field == "is_household_use":
            del form["is_household_use"]
        with nothing_changes():
            response = county.post("/finance/loans/new/", form)
        page = response.content.decode()
        assert response.status_code == 200, field
        assert message in page, field


def test_loan_form_does_not_confirm_a_borrower_of_another_county(
    actors: Actors, household: Household
) -> None:
    other_county = client_for(actors.other_county_admin)
    with nothing_changes():
        response = other_county.post("/finance/loans/new/", _loan_form(household))
    page = response.content.decode()
    assert "不是您管辖范围内的在册人员" in page
    assert "在册姓名" not in page


def test_other_roles_are_sent_back_and_change_nothing(actors: Actors, household: Household) -> None:
    loan = make_loan(actors, household)
    village = client_for(actors.village_officer)
    for url, back in (
        ("/finance/loans/new/", "/finance/loans/"),
        (f"/finance/loans/{loan.pk}/repayment/", f"/finance/loans/{loan.pk}/"),
        (f"/finance/loans/{loan.pk}/renewal/", f"/finance/loans/{loan.pk}/"),
        ("/finance/funds/new/", "/finance/funds/"),
    ):
        assert village.get(url)["Location"] == back, url
        with nothing_changes(loan):
            assert village.post(url, {"amount": "1"}).status_code == 302, url
    assert Client().get("/finance/loans/new/").status_code == 302
    other = client_for(actors.other_county_admin)
    with nothing_changes(loan):
        response = other.post(
            f"/finance/loans/{loan.pk}/repayment/", {"paid_on": "2025-11-01", "principal": "1"}
        )
    assert response.status_code == 404


def test_repayment_and_extension_through_the_forms_keep_the_history(
    actors: Actors, household: Household
) -> None:
    loan = make_loan(actors, household)
    county = client_for(actors.county_admin)
    url = f"/finance/loans/{loan.pk}/"

    with nothing_changes(loan):
        refused = county.post(f"{url}repayment/", {"paid_on": "2025-11-01", "principal": "90000"})
    assert "归还本金超过贷款余额 50000.00 元。" in refused.content.decode()

    repaid = county.post(
        f"{url}repayment/", {"paid_on": "2025-11-01", "principal": "20000", "interest": "500"}
    )
    assert repaid["Location"] == url
    assert Loan.objects.get(pk=loan.pk).outstanding == Decimal("30000.00")

    extended = county.post(
        f"{url}renewal/",
        {
            "kind": RenewalKind.EXTENSION,
            "contract_number": "NX-ZQ-1",
            "issued_on": "2026-06-30",
            "due_on": "2027-06-30",
        },
    )

    renewal = Loan.objects.get(contract_number="NX-ZQ-1")
    assert extended["Location"] == f"/finance/loans/{renewal.pk}/"
    assert (renewal.previous_id, renewal.amount, renewal.renewal_kind) == (
        loan.pk,
        Decimal("30000.00"),
        RenewalKind.EXTENSION,
    )
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.RENEWED
    history = county.get(f"/finance/loans/{renewal.pk}/").content.decode()
    assert "NX-2023-001" in history
    assert "展期" in history
    assert AuditEvent.objects.filter(action="finance.loan_renew").count() == 1


def test_default_form_records_the_reason(actors: Actors, household: Household) -> None:
    loan = make_loan(actors, household)
    county = client_for(actors.county_admin)
    url = f"/finance/loans/{loan.pk}/default/"
    with nothing_changes(loan):
        refused = county.post(url, {"defaulted_on": "2030-01-01", "reason": "失联"})
    assert "违约日期应在放款日期" in refused.content.decode()

    county.post(url, {"defaulted_on": "2025-10-01", "reason": "逾期未还且失联"})

    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.DEFAULTED


def test_funds_flow_through_the_forms(actors: Actors) -> None:
    project = approve_through(actors, propose(actors))
    county = client_for(actors.county_admin)

    county.post(
        "/finance/funds/new/",
        {
            "year": "2025",
            "source": "central",
            "document_number": "吉财农〔2025〕12号",
            "amount": "500000",
            "allocated_on": "2025-03-01",
        },
    )
    allocation = FundAllocation.objects.get()
    assert (allocation.county_id, allocation.amount) == ("220122", Decimal("500000.00"))

    url = f"/finance/projects/{project.pk}/"
    with nothing_changes(allocation):
        refused = county.post(
            f"{url}release/",
            {"allocation": allocation.pk, "amount": "600000", "released_on": "2025-11-01"},
        )
    assert "下达金额超过该笔资金的剩余额度 500000.00 元。" in refused.content.decode()
    county.post(
        f"{url}release/",
        {"allocation": allocation.pk, "amount": "300000", "released_on": "2025-11-01"},
    )
    release = FundRelease.objects.get()

    with nothing_changes():
        refused = county.post(
            f"{url}fund-entry/",
            {"release": release.pk, "kind": "spending", "amount": "1", "entered_on": "2025-11-02"},
        )
    assert "支出金额累计超过到账金额 0 元。" in refused.content.decode()
    for kind, amount in (("arrival", "300000"), ("spending", "120000")):
        response = county.post(
            f"{url}fund-entry/",
            {"release": release.pk, "kind": kind, "amount": amount, "entered_on": "2025-11-03"},
        )
        assert response["Location"] == url

    assert list(FundEntry.objects.values_list("kind", "amount")) == [
        ("arrival", Decimal("300000.00")),
        ("spending", Decimal("120000.00")),
    ]
    assert AuditEvent.objects.filter(action__startswith="finance.fund_").count() == 4
    page = county.get("/finance/funds/?year=2025").content.decode()
    assert "40.0%" in page


def test_release_form_offers_only_allocations_in_scope(actors: Actors) -> None:
    project = approve_through(actors, propose(actors))
    services.fund_allocate(
        actor=actors.other_county_admin,
        scope=scope_of(actors.other_county_admin),
        county_code="220112",
        year=2025,
        source="central",
        document_number="双财〔2025〕1号",
        amount=Decimal(1000),
        allocated_on=date(2025, 3, 1),
    )
    page = client_for(actors.county_admin).get(f"/finance/projects/{project.pk}/release/")
    assert "双财〔2025〕1号" not in page.content.decode()
    assert (
        client_for(actors.other_county_admin)
        .get(f"/finance/projects/{project.pk}/release/")
        .status_code
        == 404
    )


def test_assets_through_the_forms(actors: Actors) -> None:
    county = client_for(actors.county_admin)
    pending = approve_through(actors, propose(actors, name="未验收项目"))
    form = {
        "name": "肉牛养殖小区牛舍",
        "category": "operating",
        "owner_level": "village",
        "owner": "东榛柴村股份经济合作社",
        "custodian": "东榛柴村村民委员会",
        "value": "1200000",
        "confirmed_on": "2025-11-05",
    }
    with nothing_changes():
        refused = county.post(f"/finance/projects/{pending.pk}/asset/", form)
    assert "项目验收后才能登记资产。" in refused.content.decode()

    project = accepted_project(actors)
    response = county.post(f"/finance/projects/{project.pk}/asset/", form)

    asset = Asset.objects.get()
    assert response["Location"] == f"/finance/assets/{asset.pk}/"
    assert (asset.owner, asset.value) == ("东榛柴村股份经济合作社", Decimal("1200000.00"))
    county.post(
        f"/finance/assets/{asset.pk}/transfer/",
        {
            "owner": "伏龙泉镇人民政府",
            "custodian": "伏龙泉镇农业站",
            "transferred_on": "2025-11-08",
        },
    )
    assert Asset.objects.get().owner == "伏龙泉镇人民政府"
    with nothing_changes(asset):
        refused = county.post(
            f"/finance/assets/{asset.pk}/disposal/", {"disposed_on": "2025-11-09", "reason": ""}
        )
    assert refused.status_code == 200
    county.post(
        f"/finance/assets/{asset.pk}/disposal/",
        {"disposed_on": "2025-11-09", "proceeds": "20000", "reason": "牛舍拆除复垦"},
    )
    assert Asset.objects.get().is_disposed
    events = AuditEvent.objects.filter(action__startswith="finance.asset_").order_by("id")
    assert [event.action for event in events] == [
        "finance.asset_register",
        "finance.asset_transfer",
        "finance.asset_dispose",
    ]
