from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for

SESSION_ASSIGNMENT_KEY = "fupin_assignment_id"
SESSION_FOCUS_KEY = "fupin_focus_code"


class ScopeMiddleware:
    """Attach `request.scope` (None for anonymous users and users without a role)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = None  # type: ignore[attr-defined]
        if request.user.is_authenticated and isinstance(request.user, User):
            request.scope = scope_for(  # type: ignore[attr-defined]
                request.user,
                assignment_id=request.session.get(SESSION_ASSIGNMENT_KEY),
                focus_code=request.session.get(SESSION_FOCUS_KEY),
            )
        return self.get_response(request)
