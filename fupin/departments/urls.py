from django.urls import path

from fupin.departments import views

app_name = "departments"
urlpatterns = [
    path("", views.quality, name="quality"),
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:finding_id>/answer/", views.finding_answer, name="finding-answer"),
    path("findings/<int:finding_id>/review/", views.finding_review, name="finding-review"),
    path("duplicates/", views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:candidate_id>/", views.duplicate_decide, name="duplicate-decide"),
]
