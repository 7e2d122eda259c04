"""The loan ledger (小额信贷台账) as a ledger kind: `fupin loans import FILE`, all or
nothing, bad rows refused with Chinese messages naming row and column."""

import csv
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.audit.models import AuditEvent
from fupin.finance.models import Loan, LoanStatus
from fupin.finance.tests.conftest import head_of, make_loan
from fupin.registry.models import Household
from tests.support import Actors

HEADERS = (
    "借款人证件号码",
    "借款人姓名",
    "贷款银行",
    "合同编号",
    "放款日期",
    "到期日期",
    "贷款金额",
    "年利率",
    "贷款用途",
    "已还本金",
)


def _row(household: Household, contract: str, **changes: str) -> dict[str, str]:
    head = head_of(household)
    row = {
        "借款人证件号码": head.id_number,
        "借款人姓名": head.name,
        "贷款银行": "农安县农村信用合作联社",
        "合同编号": contract,
        "放款日期": "2024-03-01",
        "到期日期": "2027-02-28",
        "贷款金额": "50,000",
        "年利率": "3.45",
        "贷款用途": "养殖肉牛",
        "已还本金": "10000",
    }
    row.update(changes)
    return row


def _file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "loans.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _run(path: Path, *extra: str) -> tuple[dict[str, Any], CommandError | None]:
    out = StringIO()
    try:
        call_command("loans", "import", str(path), "--json", *extra, stdout=out)
    except CommandError as error:
        return json.loads(out.getvalue()), error
    return json.loads(out.getvalue()), None


def test_imports_loans_and_a_second_import_changes_nothing(
    actors: Actors, household: Household, tmp_path: Path
) -> None:
    path = _file(tmp_path, [_row(household, "HT-1"), _row(household, "HT-2", 已还本金="50000")])

    report, error = _run(path, "--region", "220122")

    assert error is None
    assert report["applied"] == {"created": 2, "updated": 0, "unchanged": 0}
    first = Loan.objects.get(contract_number="HT-1")
    assert (first.household_id, first.outstanding, first.status) == (
        household.pk,
        Decimal(40000),
        LoanStatus.ACTIVE,
    )
    assert Loan.objects.get(contract_number="HT-2").status == LoanStatus.SETTLED
    again, error = _run(path, "--region", "220122")
    assert error is None
    assert again["applied"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert AuditEvent.objects.filter(action="finance.loan_bulk_import").count() == 2


def test_bad_rows_are_refused_by_row_and_column_and_nothing_is_applied(
    actors: Actors, household: Household, tmp_path: Path
) -> None:
    make_loan(actors, household, contract_number="HT-TAKEN")
    rows = [
        _row(household, "HT-1"),
        _row(household, "HT-2", 到期日期="2024-01-01"),
        _row(household, "HT-3", 已还本金="60000"),
        _row(household, "HT-1"),
        _row(household, "HT-4", 借款人姓名="王五"),
        _row(household, "HT-5", 年利率="345"),
        _row(household, "HT-6", 借款人证件号码="110105198001010016"),
    ]
    before = Loan.objects.count()

    report, error = _run(_file(tmp_path, rows), "--region", "220122")

    assert error is not None
    assert error.returncode == 2
    assert Loan.objects.count() == before
    assert [(e["row"], e["field"], e["message"]) for e in report["errors"]] == [
        (3, "到期日期", "到期日期必须晚于放款日期。"),
        (4, "已还本金", "已还本金不能超过贷款金额。"),
        (5, "合同编号", "合同编号 HT-1 与第 2 行重复。"),
        (6, "借款人姓名", "姓名与证件号码不符：在册姓名为 张建国。"),
        (7, "年利率", "年利率应为百分数（如 3.45），现在是 345.0000。"),
        (8, "借款人证件号码", "证件号码 110105198001010016 不是在册人员，请先登记该户。"),
    ]


def test_a_contract_of_another_borrower_is_refused(
    actors: Actors, household: Household, tmp_path: Path
) -> None:
    loan = make_loan(actors, household, contract_number="HT-TAKEN")
    spouse = household.members.exclude(pk=head_of(household).pk).first()
    assert spouse is not None
    row = _row(household, "HT-TAKEN", 借款人证件号码=spouse.id_number, 借款人姓名=spouse.name)

    report, error = _run(_file(tmp_path, [row]), "--region", "220122")

    assert error is not None
    assert report["errors"] == [
        {"row": 2, "field": "合同编号", "message": "合同编号 HT-TAKEN 已登记在其他借款人名下。"}
    ]
    assert Loan.objects.get(pk=loan.pk).borrower_id == head_of(household).pk


def test_rows_outside_the_region_are_refused(
    actors: Actors, household: Household, tmp_path: Path
) -> None:
    report, error = _run(_file(tmp_path, [_row(household, "HT-1")]), "--region", "220112")

    assert error is not None
    assert "不在您的管辖范围内" in report["errors"][0]["message"]
    assert not Loan.objects.exists()


@pytest.mark.parametrize("header", HEADERS[:9])
def test_every_required_header_is_named_when_missing(
    actors: Actors, household: Household, tmp_path: Path, header: str
) -> None:
    row = _row(household, "HT-1")
    del row[header]
    path = tmp_path / "loans.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[h for h in HEADERS if h != header])
        writer.writeheader()
        writer.writerow(row)

    report, error = _run(path)

    assert error is not None
    assert report["errors"][0]["field"] == header
    assert f"缺少必填列“{header}”" in report["errors"][0]["message"]
