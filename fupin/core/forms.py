"""Form pieces shared by every app's pages."""

from django import forms

from fupin.core.errors import ApplicationError

INPUT = "form-control form-control-sm"
SELECT = "form-select form-select-sm"
CHECK = "form-check-input"


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal beside the field it is about, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class FilterForm(forms.Form):
    """A list page's filters, rendered by `components/_filters.html`: `filter_layout` lists
    the fields in order with the grid columns each takes; the widgets carry their own
    attributes (id, classes, placeholder). The search field has the id ``f-q``: typing in
    it filters as you type."""

    filter_layout: tuple[tuple[str, str], ...] = ()
    # Extra classes of the checkboxes' wrapper.
    check_class = ""

    def filter_fields(self) -> list[tuple[forms.BoundField, str]]:
        return [(self[name], column) for name, column in self.filter_layout]
