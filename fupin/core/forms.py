"""Form pieces shared by every app's pages."""

from django import forms


class FilterForm(forms.Form):
    """A list page's filters. `choice_filters` names the fields that
    `components/_filters.html` renders as a row of drop-downs, in that order."""

    choice_filters: tuple[str, ...] = ()

    def choice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.choice_filters]
