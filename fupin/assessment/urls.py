from django.urls import URLPattern, include, path

from fupin.assessment import views

app_name = "assessment"
# Rule-set pages: list, detail, draft editing, validation, trial, simulation, publishing.
ruleset_patterns: list[URLPattern] = [
    path("", views.ruleset_list, name="ruleset-list"),
    path("<int:rule_set_id>/", views.ruleset_detail, name="ruleset-detail"),
    path("<int:rule_set_id>/clone/", views.ruleset_clone, name="ruleset-clone"),
    path("<int:rule_set_id>/parameters/", views.ruleset_parameters, name="ruleset-parameters"),
    path(
        "<int:rule_set_id>/rules/<str:rule_code>/",
        views.ruleset_rule_edit,
        name="ruleset-rule-edit",
    ),
    path("<int:rule_set_id>/validate/", views.ruleset_validate, name="ruleset-validate"),
    path("<int:rule_set_id>/publish/", views.ruleset_publish, name="ruleset-publish"),
    path("<int:rule_set_id>/retire/", views.ruleset_retire, name="ruleset-retire"),
    path("<int:rule_set_id>/try/", views.ruleset_try, name="ruleset-try"),
    path("<int:rule_set_id>/simulate/", views.ruleset_simulate, name="ruleset-simulate"),
    path(
        "<int:rule_set_id>/simulate/prepare/",
        views.ruleset_simulate_prepare,
        name="ruleset-simulate-prepare",
    ),
]

urlpatterns = [
    path("rule-sets/", include(ruleset_patterns)),
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
