from django.urls import path

from fupin.finance import views

app_name = "finance"

urlpatterns = [
    path("loans/", views.loan_list, name="loan-list"),
    path("loans/warnings/", views.loan_warnings, name="loan-warnings"),
    path("loans/warnings/export/", views.loan_warnings_export, name="loan-warnings-export"),
    path("loans/new/", views.loan_new, name="loan-new"),
    path("loans/enterprise-uses/", views.enterprise_use_list, name="enterprise-use-list"),
    path("loans/<int:loan_id>/", views.loan_detail, name="loan-detail"),
    path("loans/<int:loan_id>/repayment/", views.loan_repayment, name="loan-repayment"),
    path("loans/<int:loan_id>/renewal/", views.loan_renewal, name="loan-renewal"),
    path("loans/<int:loan_id>/default/", views.loan_default, name="loan-default"),
    path(
        "loans/<int:loan_id>/enterprise-use/",
        views.enterprise_use_edit,
        name="loan-enterprise-use",
    ),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/adjustments/", views.pool_adjustment_list, name="pool-adjustment-list"),
    path("projects/adjustments/new/", views.pool_adjustment_new, name="pool-adjustment-new"),
    path(
        "projects/adjustments/<int:adjustment_id>/decide/",
        views.pool_adjustment_decide,
        name="pool-adjustment-decide",
    ),
    path("projects/<int:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<int:project_id>/step/", views.project_step, name="project-step"),
    path("projects/<int:project_id>/progress/", views.project_progress, name="project-progress"),
    path(
        "projects/<int:project_id>/acceptance/", views.project_acceptance, name="project-acceptance"
    ),
    path("projects/<int:project_id>/release/", views.project_release, name="project-release"),
    path(
        "projects/<int:project_id>/fund-entry/", views.project_fund_entry, name="project-fund-entry"
    ),
    path("projects/<int:project_id>/asset/", views.asset_new, name="asset-new"),
    path("funds/", views.fund_progress, name="fund-progress"),
    path("funds/new/", views.allocation_new, name="allocation-new"),
    path("assets/", views.asset_ledger, name="asset-ledger"),
    path("subsidies/", views.subsidy_list, name="subsidy-list"),
    path("assets/<int:asset_id>/", views.asset_detail, name="asset-detail"),
    path("assets/<int:asset_id>/transfer/", views.asset_transfer, name="asset-transfer"),
    path(
        "assets/<int:asset_id>/distribution/",
        views.asset_distribution,
        name="asset-distribution",
    ),
    path("assets/<int:asset_id>/disposal/", views.asset_disposal, name="asset-disposal"),
    path("notices/<str:notice_token>/", views.notice_public, name="notice-public"),
]
