from typing import Any

from django import template

from fupin.core.navigation import navigation_for

register = template.Library()


@register.inclusion_tag("components/_sidebar.html", takes_context=True)
def sidebar(context: template.Context) -> dict[str, Any]:
    """The sidebar for the current request's scope and page."""
    request = context["request"]
    match = request.resolver_match
    view_name = match.view_name if match is not None else ""
    return {"entries": navigation_for(request.scope, view_name)}
