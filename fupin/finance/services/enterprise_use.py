"""户贷企用台账: legacy loans a household lent on to an enterprise (banned for new loans
since 2017-12-08; the old ones are managed with the borrower's consent, DOMAIN §8)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.finance import selectors
from fupin.finance.models import EnterpriseUse, Loan, LoanPolicy
from fupin.finance.services.common import Actor, require


@dataclass(frozen=True)
class EnterpriseUseTerms:
    """One 户贷企用 record as the form or a ledger row gives it."""

    enterprise: str
    amount: Decimal
    dividends: Decimal
    has_consent: bool


def _checked(loan: Loan, terms: EnterpriseUseTerms, policy: LoanPolicy) -> EnterpriseUseTerms:
    """The terms cleaned, or ApplicationError naming the field: a loan issued after the
    ban (by `policy`, the one in force when it was issued), an amount beyond the loan's,
    negative dividends, no enterprise named."""
    if not policy.allows_enterprise_use:
        raise ApplicationError(
            _("合同 %(number)s 于 %(day)s 放款，按当时政策（%(source)s）不得户贷企用。")
            % {"number": loan.contract_number, "day": loan.issued_on, "source": policy.source},
            code="banned",
            field="contract_number",
        )
    enterprise = terms.enterprise.strip()
    if not enterprise:
        raise ApplicationError(_("请填写使用企业。"), code="enterprise", field="enterprise")
    if not Decimal(0) < terms.amount <= loan.amount:
        raise ApplicationError(
            _("企业使用金额应大于 0，且不超过贷款金额 %(amount)s 元。") % {"amount": loan.amount},
            code="amount",
            field="amount",
        )
    if terms.dividends < 0:
        raise ApplicationError(_("累计分红不能为负数。"), code="dividends", field="dividends")
    return EnterpriseUseTerms(enterprise, terms.amount, terms.dividends, terms.has_consent)


_TERMS = ("enterprise", "amount", "dividends", "has_consent")


def _apply(records: list[EnterpriseUse], *, created: bool) -> None:
    if created:
        EnterpriseUse.objects.bulk_create(records, batch_size=1000)
    else:
        EnterpriseUse.objects.bulk_update(records, list(_TERMS), batch_size=1000)
    # The money was not used by the household: the loans are no longer 户借户用户还.
    Loan.objects.filter(pk__in=[record.loan_id for record in records]).update(
        is_household_use=False
    )


def _record_for(loan: Loan, terms: EnterpriseUseTerms) -> tuple[EnterpriseUse, bool]:
    """The loan's record with the terms set (unsaved), and whether it is new."""
    record: EnterpriseUse | None = getattr(loan, "enterprise_use", None)
    created = record is None
    if record is None:
        record = EnterpriseUse(loan=loan)
    for name in _TERMS:
        setattr(record, name, getattr(terms, name))
    return record, created


@transaction.atomic
def enterprise_use_record(
    *, actor: Actor, scope: RegionScope, loan: Loan, terms: EnterpriseUseTerms
) -> EnterpriseUse:
    """Record (or correct) how a legacy loan is used by an enterprise: the enterprise, the
    amount it uses, the dividends paid so far and whether the borrower consents. The loan
    is marked as not 户借户用户还.

    Raises ApplicationError for a loan issued after the ban or terms out of range. Audit
    action: "finance.enterprise_use_record"."""
    require(scope, Capability.MANAGE_LOANS, loan.village_id, _("未找到该贷款。"))
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("enterprise_use")
        .get(pk=loan.pk)
    )
    terms = _checked(loan, terms, selectors.loan_policy_for(loan.village_id, on=loan.issued_on))
    record, created = _record_for(loan, terms)
    _apply([record], created=created)
    audit_record(
        actor=actor,
        action="finance.enterprise_use_record",
        subject=record,
        region_code=loan.village_id,
        changes={
            "enterprise": terms.enterprise,
            "amount": str(terms.amount),
            "dividends": str(terms.dividends),
            "has_consent": terms.has_consent,
            "created": created,
        },
    )
    return record


@dataclass(frozen=True)
class EnterpriseUseImportResult:
    """What one 户贷企用台账 import did."""

    created: int
    updated: int
    unchanged: int


def _row_terms(row: dict[str, Any]) -> EnterpriseUseTerms:
    return EnterpriseUseTerms(
        enterprise=row["enterprise"] or "",
        amount=Decimal(row["amount"]),
        dividends=Decimal(row["dividends"] or 0),
        has_consent=bool(row["has_consent"]),
    )


@transaction.atomic
def enterprise_use_bulk_import(
    *, actor: Actor, scope: RegionScope, rows: pl.DataFrame
) -> EnterpriseUseImportResult:
    """Create or update 户贷企用 records from validated ledger rows by 合同编号, all or
    nothing; importing a file twice changes nothing.

    The ledger's checks name row and column; this refuses the whole file again, naming
    the row, if a loan changed since (out of scope, issued after the ban, amount). Audit
    action: "finance.enterprise_use_bulk_import" (one event per import)."""
    if rows.is_empty():
        return EnterpriseUseImportResult(0, 0, 0)
    loans = {
        loan.contract_number: loan
        for loan in Loan.objects.select_for_update(of=("self",))
        .select_related("enterprise_use")
        .filter(contract_number__in=rows.get_column("contract_number").to_list())
    }
    policy_for = selectors.loan_policy_table()
    new: list[EnterpriseUse] = []
    changed: list[EnterpriseUse] = []
    unchanged = 0
    for row in rows.iter_rows(named=True):
        loan = loans.get(row["contract_number"])
        if loan is None or not scope.contains(loan.village_id):
            raise ApplicationError(
                _("第 %(row)s 行：合同编号 %(number)s 未登记或不在您的管辖范围内，未导入任何数据。")
                % {"row": row["_row"], "number": row["contract_number"]},
                code="contract_number",
            )
        try:
            terms = _checked(loan, _row_terms(row), policy_for(loan.village_id, loan.issued_on))
        except ApplicationError as error:
            raise ApplicationError(
                _("第 %(row)s 行：%(message)s未导入任何数据。")
                % {"row": row["_row"], "message": error.message},
                code=error.code,
            ) from error
        current = getattr(loan, "enterprise_use", None)
        if current is not None and all(
            getattr(current, name) == getattr(terms, name) for name in _TERMS
        ):
            unchanged += 1
            continue
        record, is_new = _record_for(loan, terms)
        (new if is_new else changed).append(record)
    _apply(new, created=True)
    _apply(changed, created=False)
    result = EnterpriseUseImportResult(len(new), len(changed), unchanged)
    audit_record(
        actor=actor,
        action="finance.enterprise_use_bulk_import",
        subject_type="finance.enterpriseuse",
        region_code=scope.prefix,
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        context={"rows": rows.height},
    )
    return result
