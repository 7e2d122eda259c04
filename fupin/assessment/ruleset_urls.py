"""Rule-set pages (list, detail, draft editing, validation, trial, simulation, publishing)."""

from django.urls import URLPattern, path

from fupin.assessment import ruleset_views as views

urlpatterns: list[URLPattern] = [
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
]
