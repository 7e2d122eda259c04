from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import SELECT, FilterForm
from fupin.jobs.models import Job


class JobFilterForm(FilterForm):
    """The job list's filters: the kind and state of work, and the region it works on
    (chosen with the cascading picker)."""

    filter_layout = (
        ("kind", "col-6 col-md-3"),
        ("status", "col-6 col-md-3"),
        ("region_code", "col-12"),
    )
    region_field = "region_code"
    kind = forms.ChoiceField(
        label=_("任务类型"),
        choices=[("", "—"), *Job.Kind.choices],
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", "—"), *Job.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    region_code = forms.RegexField(
        label=_("区划"), regex=r"^\d{2,12}$", required=False, widget=forms.HiddenInput
    )
