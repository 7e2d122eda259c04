from django.urls import path

from fupin.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.region_browse, name="region-browse"),
    path("picker/", views.region_picker, name="region-picker"),
    path("search/", views.region_search, name="region-search"),
    path("load/", views.region_load, name="region-load"),
    path("load/start/", views.region_load_start, name="region-load-start"),
]
