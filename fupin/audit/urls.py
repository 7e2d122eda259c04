from django.urls import path

from fupin.audit import views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="event-list")]
