"""HTML input shapes for the report pages."""

from fractions import Fraction
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import INPUT, SELECT
from fupin.reports.models import ExitSurveyEntry
from fupin.reports.selectors.standard import ReportKind, coverage_as_of_refusal, report_titles


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("报表"), widget=forms.Select(attrs={"class": SELECT}))
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2013,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": INPUT}),
    )
    as_of = forms.DateField(
        label=_("截止日期（历史报表）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": INPUT}),
    )
    region = forms.RegexField(regex=r"^\d{2,12}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(value.value, title) for value, title in report_titles().items()]

    def clean_as_of(self) -> Any:
        as_of = self.cleaned_data.get("as_of")
        if as_of is not None and as_of > timezone.localdate():
            raise forms.ValidationError(_("截止日期不能晚于今天。"))
        return as_of

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        as_of, year = cleaned.get("as_of"), cleaned.get("year")
        if as_of is not None and cleaned.get("kind") == ReportKind.COVERAGE:
            self.add_error("as_of", coverage_as_of_refusal())
        elif as_of is not None and year is not None and as_of.year < year:
            self.add_error("as_of", _("截止日期早于所选年度。"))
        return cleaned


def report_form(query: Any) -> tuple[ReportForm, dict[str, Any] | None]:
    """The form bound to the query (defaults: the first report, this year)."""
    data = query.copy() if hasattr(query, "copy") else dict(query)
    data.setdefault("kind", ReportKind.MONITORED.value)
    data.setdefault("year", str(timezone.localdate().year))
    form = ReportForm(data)
    return form, form.cleaned_data if form.is_valid() else None


class MultidimensionalForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2013,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": INPUT}),
    )
    k = forms.CharField(
        label=_("临界值 k（留空按配置）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": INPUT, "placeholder": "3/10"}),
    )
    region = forms.RegexField(regex=r"^\d{2,12}$", required=False, widget=forms.HiddenInput)

    def clean_k(self) -> Fraction | None:
        text = self.cleaned_data.get("k", "").strip()
        if not text:
            return None
        try:
            value = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise forms.ValidationError(_("临界值应写作分数或小数，例如 3/10 或 0.3。")) from None
        if not 0 < value <= 1:
            raise forms.ValidationError(_("临界值应大于 0 且不超过 1。"))
        return value


class ExitOverviewForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2014,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": INPUT}),
    )
    region = forms.RegexField(regex=r"^\d{2,12}$", required=False, widget=forms.HiddenInput)


class VillageExitForm(forms.Form):
    """The rural population and, per indicator of the set, met or not and the evidence."""

    rural_population = forms.IntegerField(
        label=_("乡村总人口"), min_value=1, widget=forms.NumberInput(attrs={"class": INPUT})
    )

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = [item for item in items if not item["is_computed"]]
        for item in self.items:
            self.fields[f"met_{item['code']}"] = forms.BooleanField(
                label=item["label"],
                required=False,
                initial=item["met"],
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"evidence_{item['code']}"] = forms.CharField(
                label=_("佐证材料"),
                required=False,
                max_length=500,
                initial=item["evidence"],
                widget=forms.TextInput(
                    attrs={"class": INPUT, "placeholder": _("佐证材料：文件名、验收单号等")}
                ),
            )

    def rows(self) -> list[tuple[dict[str, Any], forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"met_{item['code']}"], self[f"evidence_{item['code']}"])
            for item in self.items
        ]

    def values(self) -> dict[str, dict[str, Any]]:
        return {
            item["code"]: {
                "met": self.cleaned_data[f"met_{item['code']}"],
                "evidence": self.cleaned_data[f"evidence_{item['code']}"],
            }
            for item in self.items
        }


class SurveyEntryForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("调查方式"), choices=ExitSurveyEntry.Method.choices)
    is_wrong_exit = forms.BooleanField(label=_("错退"), required=False)
    missed_people = forms.IntegerField(label=_("漏评人数"), min_value=0, required=False)
    approval = forms.ChoiceField(
        label=_("是否认可"),
        choices=[("", "—"), ("yes", _("认可")), ("no", _("不认可"))],
        required=False,
    )

    def approves(self) -> bool | None:
        answer = self.cleaned_data.get("approval")
        return None if not answer else answer == "yes"


class SurveyDrawForm(forms.Form):
    county = forms.RegexField(regex=r"^\d{6}$", widget=forms.HiddenInput)
    year = forms.IntegerField(min_value=2014, max_value=2100, widget=forms.HiddenInput)
    households_per_stratum = forms.IntegerField(
        label=_("每层抽样户数"),
        min_value=1,
        initial=500,
        widget=forms.NumberInput(attrs={"class": INPUT}),
    )
    seed = forms.IntegerField(
        label=_("随机种子"),
        min_value=0,
        initial=1,
        widget=forms.NumberInput(attrs={"class": INPUT}),
    )
