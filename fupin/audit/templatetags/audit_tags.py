from django import template

from fupin.audit.presentation import action_label as label_of

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """The Chinese label of an audit action code."""
    return label_of(action)
