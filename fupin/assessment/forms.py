"""HTML input shapes for the assessment pages: runs and policy parameters, and rule sets.
Meaning is checked by the services and the engine (a draft's condition is validated by
`definition.validate`, not here)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules import definition
from fupin.assessment.rules.compiler import ParameterValue


class PolicyParameterForm(forms.Form):
    name = forms.ChoiceField(label=_("参数"))
    region_code = forms.RegexField(
        label=_("区划代码"),
        regex=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})?$",
        required=False,
        error_messages={"invalid": _("区划代码应为 2、4、6、9 或 12 位数字。")},
    )
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    value = forms.DecimalField(label=_("取值"), required=False, min_value=0)
    base_value = forms.DecimalField(
        label=_("基数"), required=False, min_value=0, help_text=_("例如农村低保标准（元/年）")
    )
    multiplier = forms.DecimalField(
        label=_("倍数"), required=False, min_value=0, help_text=_("取值 = 基数 × 倍数")
    )
    basis = forms.CharField(label=_("依据"), max_length=200, required=False)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)

    def __init__(self, *args: object, names: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        name = self.fields["name"]
        assert isinstance(name, forms.ChoiceField)
        name.choices = names


class AssessmentRunForm(forms.Form):
    year = forms.IntegerField(label=_("评估年度"), min_value=2013, max_value=2100)


OVERRIDE_PREFIX = "p_"
REGION_CODE = r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _parameter_field(spec: definition.ParameterSpec, *, required: bool) -> forms.Field:
    if isinstance(spec.default, str):
        return forms.CharField(required=required, max_length=200)
    return forms.DecimalField(
        required=required, min_value=0, max_digits=14, decimal_places=4, label=spec.unit
    )


class ParametersForm(forms.Form):
    """One input per parameter of a draft, holding its default."""

    def __init__(self, *args: Any, rule_set: definition.RuleSet, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {name: spec.default for name, spec in rule_set.parameters.items()}
        )
        super().__init__(*args, **kwargs)
        for name, spec in rule_set.parameters.items():
            # A value set per region and year has no default to edit here.
            if not spec.is_set_per_year:
                self.fields[name] = _parameter_field(spec, required=True)

    def defaults(self) -> dict[str, ParameterValue]:
        return {
            name: _number(value) if isinstance(value, Decimal) else str(value)
            for name, value in self.cleaned_data.items()
        }


class RuleForm(forms.Form):
    condition = forms.CharField(
        label=_("条件"),
        max_length=4000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    message = forms.CharField(
        label=_("提示信息"), max_length=1000, strip=True, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrialForm(forms.Form):
    q = forms.CharField(label=_("户编号或户主姓名"), required=False, max_length=60)
    household = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2013)

    def clean_year(self) -> int | None:
        year: int | None = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("年度不能晚于今年。"))
        return year


class SimulationForm(forms.Form):
    """Region, year, the version to compare with, and overrides of the parameters."""

    region = forms.RegexField(label=_("区划"), regex=REGION_CODE, required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2013)
    before = forms.TypedChoiceField(label=_("对比版本"), coerce=int, required=False)

    def __init__(
        self,
        *args: Any,
        rule_set: definition.RuleSet,
        comparable: list[RuleSetRecord],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        before = self.fields["before"]
        assert isinstance(before, forms.TypedChoiceField)
        before.choices = [
            (
                record.pk,
                _("%(title)s 第 %(version)s 版 · %(status)s")
                % {
                    "title": record.title,
                    "version": record.version,
                    "status": record.get_status_display(),
                },
            )
            for record in comparable
        ]
        self.parameters = rule_set.parameters
        for name, spec in rule_set.parameters.items():
            if not isinstance(spec.default, str):
                self.fields[OVERRIDE_PREFIX + name] = _parameter_field(spec, required=False)

    def clean_year(self) -> int | None:
        year: int | None = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("年度不能晚于今年。"))
        return year

    def override_fields(self) -> list[tuple[str, forms.BoundField, definition.ParameterSpec]]:
        return [
            (name, self[OVERRIDE_PREFIX + name], spec)
            for name, spec in self.parameters.items()
            if OVERRIDE_PREFIX + name in self.fields
        ]

    def overrides(self) -> dict[str, ParameterValue]:
        return {
            name.removeprefix(OVERRIDE_PREFIX): _number(value)
            for name, value in self.cleaned_data.items()
            if name.startswith(OVERRIDE_PREFIX) and isinstance(value, Decimal)
        }
