from django import template

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
