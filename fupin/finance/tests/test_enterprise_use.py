"""户贷企用台账: legacy loans only (banned from 2017-12-08), amounts within the loan, scope
and audit, by the form and by the ledger (`fupin import enterprise_uses FILE`)."""

import csv
import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.finance import services
from fupin.finance.models import EnterpriseUse, Loan
from fupin.finance.tests.conftest import head_of, make_loan
from fupin.registry.models import Household
from tests.support import Actors, client_for, nothing_changes, scope_of

TERMS = services.EnterpriseUseTerms(
    enterprise="农安县宏达肉牛养殖专业合作社",
    amount=Decimal("30000"),
    dividends=Decimal("3600"),
    has_consent=True,
)


def _legacy(actors: Actors, household: Household, number: str = "NX-2016-001") -> Loan:
    return make_loan(
        actors,
        household,
        contract_number=number,
        amount="30000",
        issued_on=date(2016, 5, 1),
        due_on=date(2019, 4, 30),
    )


def test_records_a_legacy_loan_used_by_an_enterprise(actors: Actors, household: Household) -> None:
    loan = _legacy(actors, household)

    record = services.enterprise_use_record(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), loan=loan, terms=TERMS
    )

    assert (record.enterprise, record.amount, record.has_consent) == (
        "农安县宏达肉牛养殖专业合作社",
        Decimal("30000"),
        True,
    )
    assert Loan.objects.get(pk=loan.pk).is_household_use is False
    assert AuditEvent.objects.filter(action="finance.enterprise_use_record").count() == 1
    page = client_for(actors.county_admin).get(f"/finance/loans/{loan.pk}/").content.decode()
    assert "农安县宏达肉牛养殖专业合作社" in page
    listed = client_for(actors.county_admin).get("/finance/loans/enterprise-uses/")
    assert "NX-2016-001" in listed.content.decode()
    hidden = client_for(actors.other_county_admin).get("/finance/loans/enterprise-uses/")
    assert "NX-2016-001" not in hidden.content.decode()


def test_refuses_new_loans_amounts_beyond_the_loan_and_other_regions(
    actors: Actors, household: Household
) -> None:
    county = scope_of(actors.county_admin)
    new_loan = make_loan(actors, household)
    with nothing_changes(new_loan), pytest.raises(ApplicationError, match="不得户贷企用"):
        services.enterprise_use_record(
            actor=actors.county_admin, scope=county, loan=new_loan, terms=TERMS
        )
    legacy = _legacy(actors, household)
    too_much = services.EnterpriseUseTerms("某合作社", Decimal("30001"), Decimal(0), True)
    with nothing_changes(legacy), pytest.raises(ApplicationError, match="不超过贷款金额"):
        services.enterprise_use_record(
            actor=actors.county_admin, scope=county, loan=legacy, terms=too_much
        )
    with nothing_changes(legacy), pytest.raises(NotFoundError):
        services.enterprise_use_record(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            loan=legacy,
            terms=TERMS,
        )


def test_the_form_records_and_refuses_in_chinese(actors: Actors, household: Household) -> None:
    legacy = _legacy(actors, household)
    county = client_for(actors.county_admin)
    url = f"/finance/loans/{legacy.pk}/enterprise-use/"
    with nothing_changes(legacy):
        refused = county.post(url, {"enterprise": "某合作社", "amount": "40000"})
    assert "企业使用金额应大于 0，且不超过贷款金额 30000.00 元。" in refused.content.decode()

    response = county.post(url, {"enterprise": "某合作社", "amount": "20000", "dividends": ""})

    assert response["Location"] == f"/finance/loans/{legacy.pk}/"
    record = EnterpriseUse.objects.get()
    assert (record.amount, record.dividends, record.has_consent) == (
        Decimal("20000.00"),
        Decimal("0.00"),
        False,
    )
    assert "请补办借款人同意" in county.get(response["Location"]).content.decode()


HEADERS = ("合同编号", "借款人证件号码", "使用企业", "企业使用金额", "累计分红", "借款人同意")


def _file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "enterprise.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _run(path: Path) -> tuple[dict[str, Any], CommandError | None]:
    out = StringIO()
    try:
        call_command(
            "import", "enterprise_uses", str(path), "--json", "--region", "220122", stdout=out
        )
    except CommandError as error:
        return json.loads(out.getvalue()), error
    return json.loads(out.getvalue()), None


def _row(contract: str, id_number: str, **changes: str) -> dict[str, str]:
    row = {
        "合同编号": contract,
        "借款人证件号码": id_number,
        "使用企业": "农安县宏达肉牛养殖专业合作社",
        "企业使用金额": "30000",
        "累计分红": "3600",
        "借款人同意": "是",
    }
    row.update(changes)
    return row


def test_ledger_imports_and_a_second_import_changes_nothing(
    actors: Actors, household: Household, tmp_path: Path
) -> None:
    _legacy(actors, household)
    path = _file(tmp_path, [_row("NX-2016-001", head_of(household).id_number)])

    report, error = _run(path)

    assert error is None
    assert report["applied"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert EnterpriseUse.objects.get().dividends == Decimal("3600.00")
    again, error = _run(path)
    assert error is None
    assert again["applied"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEvent.objects.filter(action="finance.enterprise_use_bulk_import").count() == 2


def test_ledger_refuses_bad_rows_by_row_and_column_and_applies_nothing(
    actors: Actors, household: Household, tmp_path: Path
) -> None:
    _legacy(actors, household)
    _legacy(actors, household, "NX-2016-002")
    make_loan(actors, household, contract_number="NX-2023-009")
    head = head_of(household).id_number
    spouse = household.members.exclude(id_number=head).first()
    assert spouse is not None
    rows = [
        _row("NX-2016-001", head),
        _row("NX-2016-001", head),
        _row("NX-NONE", head),
        _row("NX-2023-009", head),
        _row("NX-2016-002", spouse.id_number),
        _row("NX-2016-002", head, 企业使用金额="30001"),
    ]

    report, error = _run(_file(tmp_path, rows))

    assert error is not None
    assert not EnterpriseUse.objects.exists()
    assert [(e["row"], e["field"], e["message"]) for e in report["errors"]] == [
        (3, "合同编号", "合同编号 NX-2016-001 与第 2 行重复。"),
        (4, "合同编号", "合同编号 NX-NONE 未登记，请先导入小额信贷台账。"),
        (5, "合同编号", "该贷款放款时已禁止户贷企用（2017年12月起），不能登记。"),
        (6, "借款人证件号码", "证件号码与该合同的借款人不符。"),
        (7, "合同编号", "合同编号 NX-2016-002 与第 6 行重复。"),
        (7, "企业使用金额", "企业使用金额超过贷款金额 30000.00 元。"),
    ]
