from django.urls import path

from fupin.registry import views

app_name = "registry"
urlpatterns = [
    path("regions/", views.region_browse, name="region-browse"),
    path("regions/picker/", views.region_picker, name="region-picker"),
    path("regions/picker/public/", views.region_picker_public, name="region-picker-public"),
    path("regions/search/", views.region_search, name="region-search"),
    path("regions/load/", views.region_load, name="region-load"),
    path("regions/load/start/", views.region_load_start, name="region-load-start"),
    path("households/", views.household_list, name="household-list"),
    path("households/export/", views.household_export, name="household-export"),
    path("households/cards/", views.household_cards, name="household-cards"),
    path("households/new/", views.household_create, name="household-create"),
    path(
        "households/<int:household_id>/",
        views.household_detail,
        name="household-detail",
    ),
    path("households/<int:household_id>/card/", views.household_card, name="household-card"),
    path(
        "households/<int:household_id>/edit/",
        views.household_edit,
        name="household-edit",
    ),
    path(
        "households/<int:household_id>/members/new/",
        views.member_add,
        name="member-add",
    ),
    path(
        "households/<int:household_id>/reveal/<str:field>/",
        views.household_reveal,
        name="household-reveal",
    ),
    path(
        "households/<int:household_id>/conditions/",
        views.household_conditions_edit,
        name="household-conditions",
    ),
    path(
        "households/<int:household_id>/year/",
        views.household_year_edit,
        name="household-year",
    ),
    path("members/<int:member_id>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member-remove"),
    path("members/<int:member_id>/reveal/", views.member_reveal, name="member-reveal"),
]
