from django.urls import include, path

from fupin.assessment import views

app_name = "assessment"
urlpatterns = [
    path("rule-sets/", include("fupin.assessment.ruleset_urls")),
    path("runs/", views.run_list, name="run-list"),
    path("parameters/", views.parameter_list, name="parameter-list"),
    path(
        "households/<int:household_id>/outcome/",
        views.household_outcome,
        name="household-outcome",
    ),
    path(
        "households/<int:household_id>/assess/",
        views.household_assess,
        name="household-assess",
    ),
]
