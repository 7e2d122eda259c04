from decimal import Decimal
from fractions import Fraction

from django import template

register = template.Library()


@register.filter
def percent(value: Fraction | Decimal | float | None, places: int = 1) -> str:
    """A share (0–1) as a percentage with `places` decimals, e.g. 0.1234 → "12.3%"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{places}f}%"


@register.filter
def decimal3(value: Fraction | Decimal | float | None) -> str:
    """A measure such as M0 with three decimals."""
    if value is None:
        return "—"
    return f"{float(value):.3f}"


@register.filter
def fraction(value: Fraction) -> str:
    """A weight or cutoff as written in the setting ("1/10")."""
    return str(value)
