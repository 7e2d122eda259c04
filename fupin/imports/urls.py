from django.urls import path

from fupin.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template/", views.template, name="template"),
    path("errors/", views.errors, name="errors"),
    path("apply/", views.apply, name="apply"),
    path("export/", views.export, name="export"),
    path("export/<int:job_id>/", views.export_download, name="export-download"),
]
