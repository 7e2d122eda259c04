from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.core import masking

register = template.Library()


@register.filter
def masked_id(value: str) -> str:
    return masking.mask_id_number(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return masking.mask_phone(value or "")


@register.filter
def masked_account(value: str) -> str:
    return masking.mask_bank_account(value or "")


# The one-character badge of the latest assessment's three-colour risk level.
RISK_SHORT_LABELS: dict[str, Promise] = {"red": _("红"), "orange": _("橙"), "blue": _("蓝")}


@register.filter
def risk_short_label(level: str) -> Promise:
    return RISK_SHORT_LABELS.get(level, RISK_SHORT_LABELS["blue"])
