"""Finance reads, one module per sub-domain (ADR 0006); callers import from here."""

from fupin.finance.selectors.loans import (
    DueLoan,
    LoanDetail,
    LoanWarnings,
    WarningGroup,
    active_members_by_id_number,
    borrower_facts_by_id_number,
    loan_detail,
    loan_due_warnings,
    loan_get,
    loan_ledger_values,
    loan_list,
    loan_policy_for,
    registered_contracts,
    subsidy_rates_for,
)

__all__ = [
    "DueLoan",
    "LoanDetail",
    "LoanWarnings",
    "WarningGroup",
    "active_members_by_id_number",
    "borrower_facts_by_id_number",
    "loan_detail",
    "loan_due_warnings",
    "loan_get",
    "loan_ledger_values",
    "loan_list",
    "loan_policy_for",
    "registered_contracts",
    "subsidy_rates_for",
]
