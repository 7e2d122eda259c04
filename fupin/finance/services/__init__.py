"""Finance writes, one module per sub-domain (ADR 0006); callers import from here."""

from fupin.finance.services.loans import (
    LoanImportResult,
    loan_bulk_import,
    loan_default_record,
    loan_register,
    loan_renew,
    repayment_record,
)

__all__ = [
    "LoanImportResult",
    "loan_bulk_import",
    "loan_default_record",
    "loan_register",
    "loan_renew",
    "repayment_record",
]
