from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fupin.audit.forms import AuditFilterForm
from fupin.audit.presentation import action_choices, describe
from fupin.audit.selectors import AuditFilters, audit_action_choices, audit_event_list
from fupin.core.decorators import scoped_view
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability

EVENTS_PER_PAGE = 50


@scoped_view(Capability.VIEW_AUDIT)
def event_list(request: ScopedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters(**form.cleaned_data) if form.is_valid() else AuditFilters()
    events = audit_event_list(scope=request.scope, filters=filters)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "rows": [describe(event) for event in page],
        "actions": action_choices(audit_action_choices(scope=request.scope)),
        "query_without_page": query.urlencode() + "&" if query else "",
        "breadcrumbs": [(_("审计日志"), None)],
    }
    template = "audit/event_list.html#results" if request.htmx else "audit/event_list.html"
    return render(request, template, context)
