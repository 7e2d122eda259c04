from django.urls import path

from fupin.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<int:job_id>/", views.job_detail, name="job-detail"),
]
