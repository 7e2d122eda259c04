from django.urls import path

from fupin.registry import household_views, views

app_name = "registry"
urlpatterns = [
    path("regions/", views.region_browse, name="region-browse"),
    path("regions/picker/", views.region_picker, name="region-picker"),
    path("regions/search/", views.region_search, name="region-search"),
    path("regions/load/", views.region_load, name="region-load"),
    path("regions/load/start/", views.region_load_start, name="region-load-start"),
    path("households/", household_views.household_list, name="household-list"),
    path("households/export/", household_views.household_export, name="household-export"),
    path("households/new/", household_views.household_create, name="household-create"),
    path(
        "households/<int:household_id>/",
        household_views.household_detail,
        name="household-detail",
    ),
    path(
        "households/<int:household_id>/edit/",
        household_views.household_edit,
        name="household-edit",
    ),
    path(
        "households/<int:household_id>/members/new/",
        household_views.member_add,
        name="member-add",
    ),
    path(
        "households/<int:household_id>/reveal/<str:field>/",
        household_views.household_reveal,
        name="household-reveal",
    ),
    path(
        "households/<int:household_id>/conditions/",
        household_views.household_conditions_edit,
        name="household-conditions",
    ),
    path(
        "households/<int:household_id>/year/",
        household_views.household_year_edit,
        name="household-year",
    ),
    path("members/<int:member_id>/edit/", household_views.member_edit, name="member-edit"),
    path("members/<int:member_id>/remove/", household_views.member_remove, name="member-remove"),
    path("members/<int:member_id>/reveal/", household_views.member_reveal, name="member-reveal"),
]
