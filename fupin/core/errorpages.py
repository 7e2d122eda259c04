"""Friendly Chinese pages for the errors Django itself answers (unknown address, refused
form token, unexpected failure), in production and in the demo alike: a farmer or a cadre
who mistypes an address must never see the list of the site's URL patterns."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from fupin.core.decorators import forbidden, not_found

logger = logging.getLogger("django.request")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404. The exception's text is Django's English, so it is never shown."""
    return not_found(request, "")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403."""
    return forbidden(request, "")


def _plain_page(*, status: int, testid: str, title: str, message: str, hint: str) -> HttpResponse:
    page = loader.get_template("core/plain_error.html").render(
        {"testid": testid, "title": title, "message": message, "hint": hint}
    )
    return HttpResponse(page, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: the request may have failed before sessions and users were attached (an
    unknown host name), so the page is rendered without them."""
    return _plain_page(
        status=400,
        testid="bad-request",
        title=_("请求有误"),
        message=_("请求的地址或参数有误。"),
        hint=_("请检查地址是否输入正确，或从首页重新进入。"),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from an expired page, most often after a long pause."""
    return forbidden(request, _("页面已过期或来源不明，表单没有提交。请刷新页面后重新填写提交。"))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: rendered without the request, which may be what failed."""
    return _plain_page(
        status=500,
        testid="server-error",
        title=_("系统出错了"),
        message=_(
            "处理您的请求时出现了意外错误，您刚才的操作没有保存。错误已记录，技术人员会尽快处理。"
        ),
        hint=_("请稍后重试；如果反复出现，请联系本级系统管理员并告知出错的时间。"),
    )


class FriendlyErrorPagesMiddleware:
    """In debug mode (the demo) Django answers an unknown address with its technical page,
    which lists every URL pattern, and a failure with a traceback and the settings; the
    demo is shown to users, so it answers with the same pages as production. The traceback
    still goes to the log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "is_friendly_page", False)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return page_not_found(request)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return bad_request(request)
        logger.exception("Internal Server Error: %s", request.path)
        return server_error(request)
