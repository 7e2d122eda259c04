from django.urls import path

from fupin.finance import views

app_name = "finance"

urlpatterns = [
    path("loans/", views.loan_list, name="loan-list"),
    path("loans/warnings/", views.loan_warnings, name="loan-warnings"),
    path("loans/warnings/export/", views.loan_warnings_export, name="loan-warnings-export"),
    path("loans/<int:loan_id>/", views.loan_detail, name="loan-detail"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<int:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<int:project_id>/step/", views.project_step, name="project-step"),
    path("projects/<int:project_id>/progress/", views.project_progress, name="project-progress"),
    path(
        "projects/<int:project_id>/acceptance/", views.project_acceptance, name="project-acceptance"
    ),
    path("funds/", views.fund_progress, name="fund-progress"),
    path("assets/", views.asset_ledger, name="asset-ledger"),
    path("subsidies/", views.subsidy_list, name="subsidy-list"),
    path("assets/<int:asset_id>/", views.asset_detail, name="asset-detail"),
    path("notices/<str:notice_token>/", views.notice_public, name="notice-public"),
]
