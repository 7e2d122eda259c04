from django.urls import path

from fupin.imports import feed_views

app_name = "feeds"
urlpatterns = [
    path("", feed_views.upload, name="upload"),
    path("template/", feed_views.template, name="template"),
    path("errors/", feed_views.errors, name="errors"),
]
