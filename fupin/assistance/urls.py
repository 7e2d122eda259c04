from django.urls import path

from fupin.assistance import views

app_name = "assistance"
urlpatterns = [
    path("mine/", views.my_households, name="my-households"),
    path("cadres/", views.cadre_list, name="cadre-list"),
    path("teams/", views.work_team, name="work-team"),
    path("cadres/<int:cadre_id>/", views.cadre_detail, name="cadre-detail"),
    path(
        "teams/members/<int:team_member_id>/end/",
        views.work_team_member_end,
        name="work-team-member-end",
    ),
    path("assign/", views.assign, name="assign"),
    path("assignments/<int:assignment_id>/end/", views.assignment_end, name="assignment-end"),
    path(
        "households/<int:household_id>/section/",
        views.household_section,
        name="household-section",
    ),
    path(
        "households/<int:household_id>/card-section/",
        views.household_card_section,
        name="household-card-section",
    ),
    path(
        "households/<int:household_id>/measures/new/",
        views.measure_create,
        name="measure-create",
    ),
    path("measures/<int:measure_id>/status/", views.measure_status, name="measure-status"),
    path("households/<int:household_id>/risks/new/", views.risk_create, name="risk-create"),
    path("risks/<int:risk_id>/resolve/", views.risk_resolve, name="risk-resolve"),
    path("households/<int:household_id>/visits/new/", views.visit_create, name="visit-create"),
    path("households/<int:household_id>/incomes/new/", views.income_create, name="income-create"),
    path("visits/<int:assistance_visit_id>/photos/", views.visit_photos, name="visit-photos"),
    path("photos/<int:photo_id>/", views.visit_photo, name="visit-photo"),
    path("photos/<int:photo_id>/image/", views.visit_photo_image, name="visit-photo-image"),
]
