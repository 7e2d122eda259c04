from django.urls import include, path

from config.api import api
from fupin.preferences.views import language_set

urlpatterns = [
    path("", include("fupin.reports.urls")),
    path("accounts/", include("fupin.accounts.urls")),
    path("", include("fupin.registry.urls")),
    path("assessment/", include("fupin.assessment.urls")),
    path("", include("fupin.monitoring.urls")),
    path("jobs/", include("fupin.jobs.urls")),
    path("audit/", include("fupin.audit.urls")),
    path("imports/", include("fupin.imports.urls")),
    path("assistance/", include("fupin.assistance.urls")),
    path("finance/", include("fupin.finance.urls")),
    path("i18n/setlang/", language_set, name="set_language"),
    path("api/v1/", api.urls),
    path("", include("fupin.rectification.urls")),
    path("imports/feeds/", include("fupin.imports.feed_urls")),
    path("quality/", include("fupin.departments.urls")),
    path("departments/keys/", include("fupin.departments.key_urls")),
]

handler400 = "fupin.core.errorpages.bad_request"
handler403 = "fupin.core.errorpages.permission_denied"
handler404 = "fupin.core.errorpages.page_not_found"
handler500 = "fupin.core.errorpages.server_error"
