"""Masking of personal data for display (ID numbers, phones, bank accounts).

Pages show masked values by default; a role that needs the full value asks for it through
an audited service.
"""

from collections.abc import Callable


def mask_middle(value: str, *, keep_start: int, keep_end: int) -> str:
    """Replace all but the first and last few characters with asterisks."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    hidden = len(value) - keep_start - keep_end
    return f"{value[:keep_start]}{'*' * hidden}{value[len(value) - keep_end :]}"


def mask_id_number(value: str) -> str:
    """`220122********0011`: region code and last four, the usual public-display rule."""
    return mask_middle(value, keep_start=6, keep_end=4)


def mask_phone(value: str) -> str:
    """`139****5678`."""
    return mask_middle(value, keep_start=3, keep_end=4)


def mask_bank_account(value: str) -> str:
    """Last four digits only."""
    return mask_middle(value, keep_start=0, keep_end=4)


# Field names under which personal data is stored and passed around (models, service
# inputs, audit changes), each with its display mask. Anything named here is shown masked
# unless a role with the capability asks for the full value through an audited service.
PERSONAL_FIELD_MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
}


def mask_personal(name: str, value: str) -> str:
    """`value` masked the way field `name` is displayed; unchanged when `name` is not
    personal data."""
    mask = PERSONAL_FIELD_MASKS.get(name)
    return mask(value) if mask is not None and value else value
