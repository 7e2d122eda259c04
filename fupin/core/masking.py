"""Masking of personal data for display (ID numbers, phones, bank accounts).

Pages show masked values by default; a role that needs the full value asks for it through
an audited service.
"""


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
