"""Microcredit writes: register a loan, record repayments, 续贷/展期, 违约 and the loan
ledger import."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.finance import rules, selectors
from fupin.finance.models import Loan, LoanStatus, RenewalKind, Repayment
from fupin.finance.services.common import Actor, actor_id, require
from fupin.registry.models import Member


def _locked(scope: RegionScope, loan: Loan) -> Loan:
    require(scope, Capability.MANAGE_LOANS, loan.village_id, _("未找到该贷款。"))
    return Loan.objects.select_for_update().get(pk=loan.pk)


def _check_terms(*, amount: Decimal, issued_on: date, due_on: date, annual_rate: Decimal) -> None:
    if amount <= 0:
        raise ApplicationError(_("贷款金额必须大于 0。"), code="amount", field="amount")
    if due_on <= issued_on:
        raise ApplicationError(_("到期日期必须晚于放款日期。"), code="due_on", field="due_on")
    if not Decimal(0) < annual_rate < Decimal(20):
        raise ApplicationError(
            _("年利率应为百分数，例如 3.45。"), code="annual_rate", field="annual_rate"
        )


def _refuse_ineligible(findings: list[rules.Finding]) -> None:
    failed = [finding.explanation for finding in findings if not finding.passed]
    if failed:
        raise ApplicationError(
            _("不符合小额信贷条件：%(reasons)s") % {"reasons": "".join(failed)},
            code="ineligible",
        )


@transaction.atomic
def loan_register(
    *,
    actor: Actor,
    scope: RegionScope,
    borrower: Member,
    bank: str,
    contract_number: str,
    amount: Decimal,
    issued_on: date,
    due_on: date,
    annual_rate: Decimal,
    purpose: str,
    is_household_use: bool,
) -> Loan:
    """Register a new loan after checking the region's microcredit rules.

    Raises ApplicationError with every failed rule explained. Audit action:
    "finance.loan_register"."""
    household = borrower.household
    require(scope, Capability.MANAGE_LOANS, household.village_id, _("未找到该借款人。"))
    if not borrower.is_active:
        raise ApplicationError(_("借款人已不在册。"), code="borrower", field="borrower")
    if not is_household_use:
        # 户贷企用 is banned for new loans since 2017 (DOMAIN §8).
        raise ApplicationError(
            _("新发放的小额信贷必须户借、户用、户还，不得“户贷企用”。"),
            code="household_use",
            field="is_household_use",
        )
    _check_terms(amount=amount, issued_on=issued_on, due_on=due_on, annual_rate=annual_rate)
    contract_number = contract_number.strip()
    if Loan.objects.filter(contract_number=contract_number).exists():
        raise ApplicationError(
            _("合同编号 %(number)s 已登记。") % {"number": contract_number},
            code="contract_number",
            field="contract_number",
        )
    policy = selectors.loan_policy_for(household.village_id, on=issued_on)
    _refuse_ineligible(
        rules.loan_eligibility(
            policy=policy,
            amount=amount,
            issued_on=issued_on,
            due_on=due_on,
            borrower_birth_date=borrower.birth_date,
            household_type=household.household_type,
        )
    )
    loan = Loan.objects.create(
        household=household,
        borrower=borrower,
        village_id=household.village_id,
        bank=bank.strip(),
        contract_number=contract_number,
        amount=amount,
        issued_on=issued_on,
        due_on=due_on,
        annual_rate=annual_rate,
        purpose=purpose.strip(),
        is_household_use=True,
        repaid_principal=Decimal(0),
    )
    audit_record(
        actor=actor,
        action="finance.loan_register",
        subject=loan,
        region_code=loan.village_id,
        changes={
            "contract_number": contract_number,
            "amount": str(amount),
            "issued_on": str(issued_on),
            "due_on": str(due_on),
        },
    )
    return loan


@transaction.atomic
def repayment_record(
    *,
    actor: Actor,
    scope: RegionScope,
    loan: Loan,
    paid_on: date,
    principal: Decimal,
    interest: Decimal,
) -> Repayment:
    """Record a repayment; the loan is 已结清 when its principal is repaid.

    Audit action: "finance.repayment_record"."""
    loan = _locked(scope, loan)
    if loan.status in (LoanStatus.SETTLED, LoanStatus.RENEWED):
        raise ApplicationError(_("该贷款已结清或已续贷、展期，不能再登记还款。"), code="closed")
    if principal < 0 or interest < 0 or principal + interest <= 0:
        raise ApplicationError(_("还款金额必须大于 0。"), code="amount", field="principal")
    if principal > loan.outstanding:
        raise ApplicationError(
            _("归还本金超过贷款余额 %(outstanding)s 元。") % {"outstanding": loan.outstanding},
            code="principal",
            field="principal",
        )
    if paid_on < loan.issued_on:
        raise ApplicationError(_("还款日期早于放款日期。"), code="paid_on", field="paid_on")
    repayment = Repayment.objects.create(
        loan=loan,
        paid_on=paid_on,
        principal=principal,
        interest=interest,
        recorded_by_id=actor_id(actor),
    )
    loan.repaid_principal += principal
    if loan.outstanding == 0:
        loan.status = LoanStatus.SETTLED
    loan.save(update_fields=["repaid_principal", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="finance.repayment_record",
        subject=loan,
        region_code=loan.village_id,
        changes={"paid_on": str(paid_on), "principal": str(principal), "interest": str(interest)},
    )
    return repayment


@transaction.atomic
def loan_renew(
    *,
    actor: Actor,
    scope: RegionScope,
    loan: Loan,
    kind: str,
    contract_number: str,
    issued_on: date,
    due_on: date,
    annual_rate: Decimal | None = None,
) -> Loan:
    """续贷 or 展期: a new contract for the outstanding principal that points at the old one,
    which keeps its figures and repayments and becomes 已续贷或展期.

    Audit action: "finance.loan_renew"."""
    loan = _locked(scope, loan)
    if kind not in RenewalKind.values:
        raise ApplicationError(_("请选择续贷或展期。"), code="kind", field="kind")
    if loan.status != LoanStatus.ACTIVE:
        raise ApplicationError(
            _("只有正常状态的贷款可以续贷或展期（当前：%(status)s）。")
            % {"status": loan.get_status_display()},
            code="status",
        )
    rate = annual_rate if annual_rate is not None else loan.annual_rate
    _check_terms(amount=loan.outstanding, issued_on=issued_on, due_on=due_on, annual_rate=rate)
    if issued_on < loan.issued_on:
        raise ApplicationError(
            _("续贷或展期日期不能早于原合同放款日期。"), code="issued_on", field="issued_on"
        )
    contract_number = contract_number.strip()
    if Loan.objects.filter(contract_number=contract_number).exists():
        raise ApplicationError(
            _("合同编号 %(number)s 已登记。") % {"number": contract_number},
            code="contract_number",
            field="contract_number",
        )
    policy = selectors.loan_policy_for(loan.village_id, on=issued_on)
    if due_on > rules.add_months(issued_on, policy.max_term_months):
        raise ApplicationError(
            _("期限不得超过 %(months)s 个月。") % {"months": policy.max_term_months},
            code="term",
            field="due_on",
        )
    renewal = Loan.objects.create(
        household_id=loan.household_id,
        borrower_id=loan.borrower_id,
        village_id=loan.village_id,
        bank=loan.bank,
        contract_number=contract_number,
        amount=loan.outstanding,
        issued_on=issued_on,
        due_on=due_on,
        annual_rate=rate,
        purpose=loan.purpose,
        is_household_use=loan.is_household_use,
        repaid_principal=Decimal(0),
        previous=loan,
        renewal_kind=kind,
    )
    loan.status = LoanStatus.RENEWED
    loan.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="finance.loan_renew",
        subject=loan,
        region_code=loan.village_id,
        changes={
            "renewal_kind": kind,
            "contract_number": contract_number,
            "amount": str(renewal.amount),
            "due_on": str(due_on),
        },
    )
    return renewal


@transaction.atomic
def loan_default_record(
    *, actor: Actor, scope: RegionScope, loan: Loan, defaulted_on: date, reason: str
) -> Loan:
    """Mark a loan 违约 (overdue, interest unpaid, money misused); its interest from that
    day earns no subsidy when the region's policy says so.

    Audit action: "finance.loan_default_record"."""
    loan = _locked(scope, loan)
    if loan.status != LoanStatus.ACTIVE:
        raise ApplicationError(_("只有正常状态的贷款可以认定违约。"), code="status")
    # 违约 is overdue principal, or interest unpaid or money misused before the due day.
    if not loan.issued_on < defaulted_on <= timezone.localdate():
        raise ApplicationError(
            _("违约日期应在放款日期 %(issued)s 之后、今天之前。") % {"issued": loan.issued_on},
            code="defaulted_on",
            field="defaulted_on",
        )
    if not reason.strip():
        raise ApplicationError(_("请填写违约原因。"), code="reason", field="reason")
    loan.status = LoanStatus.DEFAULTED
    loan.defaulted_on = defaulted_on
    loan.save(update_fields=["status", "defaulted_on", "updated_at"])
    audit_record(
        actor=actor,
        action="finance.loan_default_record",
        subject=loan,
        region_code=loan.village_id,
        changes={"defaulted_on": str(defaulted_on), "reason": reason.strip()},
    )
    return loan


@dataclass(frozen=True)
class LoanImportResult:
    """What one loan ledger import did."""

    created: int
    updated: int
    unchanged: int


_LEDGER_FIELDS = (
    "bank",
    "amount",
    "issued_on",
    "due_on",
    "annual_rate",
    "purpose",
    "repaid_principal",
)


@transaction.atomic
def loan_bulk_import(*, actor: Actor, scope: RegionScope, rows: pl.DataFrame) -> LoanImportResult:
    """Create or update loans from validated ledger rows by 合同编号, all or nothing;
    unchanged rows are left alone, so importing a file twice changes nothing.

    Each row's borrower must be an active member in scope (the ledger's checks say so per
    row; this refuses the whole file if that changed since). Audit action:
    "finance.loan_bulk_import" (one event per import). Like the registry's ledger
    services it checks region, not duty: the upload page and the command decide who
    imports."""
    if rows.is_empty():
        return LoanImportResult(0, 0, 0)
    borrowers = selectors.active_members_by_id_number(rows.get_column("id_number").to_list())
    existing = {
        loan.contract_number: loan
        for loan in Loan.objects.select_for_update().filter(
            contract_number__in=rows.get_column("contract_number").to_list()
        )
    }
    created: list[Loan] = []
    updated: list[Loan] = []
    unchanged = 0
    for row in rows.iter_rows(named=True):
        borrower = borrowers.get(row["id_number"])
        if borrower is None or not scope.contains(borrower.village_id):
            raise ApplicationError(
                _("第 %(row)s 行的借款人不在册或不在您的管辖范围内，未导入任何数据。")
                % {"row": row["_row"]},
                code="borrower",
            )
        values = {
            "bank": row["bank"],
            "amount": Decimal(row["amount"]),
            "issued_on": row["issued_on"],
            "due_on": row["due_on"],
            "annual_rate": Decimal(row["annual_rate"]),
            "purpose": row["purpose"] or "",
            "repaid_principal": Decimal(row["repaid_principal"] or 0),
        }
        loan = existing.get(row["contract_number"])
        if loan is None:
            status = (
                LoanStatus.SETTLED
                if values["repaid_principal"] >= values["amount"]
                else LoanStatus.ACTIVE
            )
            created.append(
                Loan(
                    household_id=borrower.household_id,
                    borrower_id=borrower.member_id,
                    village_id=borrower.village_id,
                    contract_number=row["contract_number"],
                    status=status,
                    **values,
                )
            )
        elif loan.borrower_id != borrower.member_id or any(
            getattr(loan, name) != values[name] for name in _LEDGER_FIELDS
        ):
            if loan.borrower_id != borrower.member_id or not scope.contains(loan.village_id):
                raise ApplicationError(
                    _("第 %(row)s 行：合同编号 %(number)s 已登记在其他借款人名下，未导入任何数据。")
                    % {"row": row["_row"], "number": loan.contract_number},
                    code="contract_number",
                )
            for name in _LEDGER_FIELDS:
                setattr(loan, name, values[name])
            if loan.status == LoanStatus.ACTIVE and loan.outstanding <= 0:
                loan.status = LoanStatus.SETTLED
            updated.append(loan)
        else:
            unchanged += 1
    Loan.objects.bulk_create(created, batch_size=1000)
    Loan.objects.bulk_update(updated, [*_LEDGER_FIELDS, "status"], batch_size=1000)
    result = LoanImportResult(len(created), len(updated), unchanged)
    audit_record(
        actor=actor,
        action="finance.loan_bulk_import",
        subject_type="finance.loan",
        region_code=scope.prefix,
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        context={"rows": rows.height},
    )
    return result


@transaction.atomic
def loan_warnings_export_record(
    *, actor: Actor, scope: RegionScope, as_of: date, days: int, rows: int
) -> None:
    """Record that the 到期预警台账 (borrowers' names and balances) left the system.

    Audit action: "finance.loan_warnings_export"."""
    audit_record(
        actor=actor,
        action="finance.loan_warnings_export",
        subject_type="finance.loan",
        region_code=scope.prefix,
        changes={"as_of": str(as_of), "days": days, "rows": rows},
    )
