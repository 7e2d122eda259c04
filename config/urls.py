from django.urls import include, path
from django.views.i18n import set_language

from config.api import api

urlpatterns = [
    path("", include("fupin.reports.urls")),
    path("accounts/", include("fupin.accounts.urls")),
    path("", include("fupin.registry.urls")),
    path("assessment/", include("fupin.assessment.urls")),
    path("", include("fupin.monitoring.urls")),
    path("jobs/", include("fupin.jobs.urls")),
    path("audit/", include("fupin.audit.urls")),
    path("imports/", include("fupin.imports.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("imports/feeds/", include("fupin.imports.feed_urls")),
    path("quality/", include("fupin.departments.urls")),
]
