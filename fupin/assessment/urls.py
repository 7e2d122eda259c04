from django.urls import path

from fupin.assessment import views

app_name = "assessment"
urlpatterns = [
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
