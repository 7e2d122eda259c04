from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fupin.accounts.models import User
from fupin.accounts.scoping import active_assignments, scope_from_assignments

SESSION_ASSIGNMENT_KEY = "fupin_assignment_id"
SESSION_FOCUS_KEY = "fupin_focus_code"


class ScopeMiddleware:
    """Attach `request.scope` (None for anonymous users and users without a role)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = None  # type: ignore[attr-defined]
        request.user_assignments = []  # type: ignore[attr-defined]
        if request.user.is_authenticated and isinstance(request.user, User):
            assignments = active_assignments(request.user)
            request.user_assignments = assignments  # type: ignore[attr-defined]
            request.scope = scope_from_assignments(  # type: ignore[attr-defined]
                assignments,
                assignment_id=request.session.get(SESSION_ASSIGNMENT_KEY),
                focus_code=request.session.get(SESSION_FOCUS_KEY),
            )
        return self.get_response(request)
