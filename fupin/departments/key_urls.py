from django.urls import path

from fupin.departments import views

app_name = "department-keys"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("issue/", views.token_issue, name="issue"),
    path("<int:token_id>/revoke/", views.token_revoke, name="revoke"),
]
