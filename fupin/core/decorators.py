from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError, PermissionDeniedError

if TYPE_CHECKING:
    from fupin.core.http import ScopedRequest
    from fupin.core.scope import Capability

# HttpResponseBase so that streamed downloads (FileResponse) can be scoped views too.
ViewFunc = Callable[..., HttpResponseBase]


def scoped_view(capability: "Capability | None" = None) -> Callable[[ViewFunc], ViewFunc]:
    """Require a logged-in user with a region scope (and the capability, when given).

    Anonymous users go to the login page; users without a role assignment or without the
    capability get a 403 page that says why, and the view never runs. What the view lets
    through of a service's or selector's refusal becomes a page (`answers_errors`).
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = getattr(request, "scope", None)
            if scope is None:
                return forbidden(request, _("您的账号尚未分配角色和区划，请联系管理员。"))
            if capability is not None and not scope.can(capability):
                return forbidden(request, _("您的角色无权访问此页面。"))
            scoped: ScopedRequest = request  # type: ignore[assignment]
            return answers_errors(view)(scoped, *args, **kwargs)

        return wrapper

    return decorator


def answers_errors(view: ViewFunc) -> ViewFunc:
    """The one place where refusals become responses: NotFoundError is the not-found page
    (404), PermissionDeniedError the forbidden page (403), each with the error's message.
    Views catch only what they answer differently (a form error, a message on the page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as error:
            return not_found(request, error.message)
        except PermissionDeniedError as error:
            return forbidden(request, error.message)

    return wrapper


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    response = render(request, "core/forbidden.html", {"message": message}, status=403)
    response.is_friendly_page = True  # type: ignore[attr-defined]
    return response


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    response = render(request, "core/not_found.html", {"message": message}, status=404)
    # Marked so that the debug-mode error middleware (core.errorpages) leaves it as it is.
    response.is_friendly_page = True  # type: ignore[attr-defined]
    return response
