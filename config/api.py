from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.finance.api import router as finance_router
from fupin.imports.feed_api import router as feed_router
from fupin.jobs.api import router as jobs_router
from fupin.monitoring.api import router as monitoring_router
from fupin.registry.api import router as registry_router
from fupin.reports.api import router as reports_router

api = NinjaAPI(
    title="Fupin API",
    version="1",
    description="扶贫监测帮扶系统 REST API. Session authentication; every read is scoped to the "
    "caller's region.",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=login_required,
)
api.add_router("/", registry_router)
api.add_router("/", jobs_router)
api.add_router("/", monitoring_router)
api.add_router("/", feed_router)
api.add_router("/", reports_router)
api.add_router("/", finance_router)


def _refusal(request: HttpRequest, error: ApplicationError, *, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": error.message}, status=status)


# Every endpoint's refusals answered in one place, like `answers_errors` for pages.
api.add_exception_handler(NotFoundError, partial(_refusal, status=404))
api.add_exception_handler(PermissionDeniedError, partial(_refusal, status=403))
