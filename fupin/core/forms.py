"""Form pieces shared by every app's pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError

INPUT = "form-control form-control-sm"
SELECT = "form-select form-select-sm"
CHECK = "form-check-input"


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal beside the field it is about, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _choice_label(choices: Any, value: object) -> str:
    for key, label in choices:
        if isinstance(label, (list, tuple)):  # a group of choices
            found = _choice_label(label, value)
            if found != str(value):
                return found
        elif str(key) == str(value):
            return str(label)
    return str(value)


class FilterForm(forms.Form):
    """A list page's filters, rendered by `components/_filters.html`: `filter_layout` lists
    the fields in order with the grid columns each takes; the widgets carry their own
    attributes (id, classes, placeholder). The search field has the id ``f-q``: typing in
    it filters as you type."""

    filter_layout: tuple[tuple[str, str], ...] = ()
    # Extra classes of the checkboxes' wrapper.
    check_class = ""
    # The field (a region code prefix) shown as the cascading region picker: people choose
    # their township or village by name, never type a code.
    region_field = ""

    def region_value(self) -> str:
        """The region the list is filtered by now, as the picker starts from it."""
        if not self.region_field:
            return ""
        return str(self[self.region_field].value() or "")

    def filter_fields(self) -> list[tuple[forms.BoundField, str]]:
        return [(self[name], column) for name, column in self.filter_layout]

    def search_fields(self) -> list[tuple[forms.BoundField, str]]:
        """The free-text search (``q``): always in sight, also on a phone."""
        return [(field, column) for field, column in self.filter_fields() if field.name == "q"]

    def folded_fields(self) -> list[tuple[forms.BoundField, str]]:
        """The other filters, folded behind a button on a phone."""
        return [(field, column) for field, column in self.filter_fields() if field.name != "q"]

    def active_count(self) -> int:
        """How many of the folded filters are set, shown on the button that unfolds them."""
        return sum(
            1 for field, _column in self.folded_fields() if field.value() not in (None, "", False)
        )

    def describe(self, *, region_names: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """The filters in force as (label, value) the way the form shows them: a choice by
        its label, a checkbox as 是, a region by its name (`region_names`), never a raw key."""
        if not self.is_valid():
            return []
        described = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            unchecked = value is False and not isinstance(field, forms.NullBooleanField)
            if value is None or value == "" or unchecked:
                continue
            if isinstance(field, forms.ChoiceField):
                shown = _choice_label(field.choices, value)
            elif isinstance(value, bool):
                shown = str(_("是") if value else _("否"))
            elif isinstance(value, str) and region_names and value in region_names:
                shown = region_names[value]
            else:
                shown = str(value)
            described.append((str(field.label), shown))
        return described
