from django.urls import path

from fupin.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/coverage/", views.coverage_page, name="coverage"),
    path("reports/", views.report_page, name="report"),
    path("reports/xlsx/", views.report_download, name="report-xlsx"),
    path("reports/multidimensional/", views.multidimensional, name="report-multidimensional"),
    path("reports/exit/", views.exit_overview_page, name="exit-overview"),
    path("reports/exit/survey/", views.exit_survey_start, name="exit-survey-start"),
    path("reports/exit/survey/<int:survey_id>/", views.exit_survey_page, name="exit-survey"),
    path(
        "reports/exit/<str:village_code>/<int:year>/",
        views.village_exit_page,
        name="village-exit",
    ),
]
