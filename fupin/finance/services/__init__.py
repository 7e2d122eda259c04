"""Finance writes, one module per sub-domain (ADR 0006); callers import from here."""

from fupin.finance.services.assets import (
    Share,
    asset_dispose,
    asset_income_distribute,
    asset_register,
    asset_transfer,
)
from fupin.finance.services.enterprise_use import (
    EnterpriseUseImportResult,
    EnterpriseUseTerms,
    enterprise_use_bulk_import,
    enterprise_use_record,
)
from fupin.finance.services.funds import fund_allocate, fund_entry_record, fund_release
from fupin.finance.services.loans import (
    LoanImportResult,
    loan_bulk_import,
    loan_default_record,
    loan_register,
    loan_renew,
    loan_warnings_export_record,
    repayment_record,
)
from fupin.finance.services.notices import (
    NOTICE_COLUMNS,
    fund_notice_publish,
    loan_subsidy_notice_publish,
    project_notice_publish,
    scrub,
    subsidy_notice_publish,
)
from fupin.finance.services.pool import pool_adjustment_decide, pool_adjustment_propose
from fupin.finance.services.projects import (
    ProjectData,
    project_accept,
    project_assess,
    project_decide,
    project_progress_report,
    project_propose,
    project_resubmit,
    project_review,
)
from fupin.finance.services.subsidies import subsidy_apply, subsidy_pay, subsidy_review

__all__ = [
    "NOTICE_COLUMNS",
    "EnterpriseUseImportResult",
    "EnterpriseUseTerms",
    "LoanImportResult",
    "ProjectData",
    "Share",
    "asset_dispose",
    "asset_income_distribute",
    "asset_register",
    "asset_transfer",
    "enterprise_use_bulk_import",
    "enterprise_use_record",
    "fund_allocate",
    "fund_entry_record",
    "fund_notice_publish",
    "fund_release",
    "loan_bulk_import",
    "loan_default_record",
    "loan_register",
    "loan_renew",
    "loan_subsidy_notice_publish",
    "loan_warnings_export_record",
    "pool_adjustment_decide",
    "pool_adjustment_propose",
    "project_accept",
    "project_assess",
    "project_decide",
    "project_notice_publish",
    "project_progress_report",
    "project_propose",
    "project_resubmit",
    "project_review",
    "repayment_record",
    "scrub",
    "subsidy_apply",
    "subsidy_notice_publish",
    "subsidy_pay",
    "subsidy_review",
]
