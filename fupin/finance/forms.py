"""HTML input shapes of the finance pages; the services judge meaning."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.finance.models import ProjectCategory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
TEXT_AREA = forms.Textarea(attrs={"rows": 2})
WARNING_DAYS = ((30, _("30 天内")), (60, _("60 天内")), (90, _("90 天内")))


class WarningFilterForm(forms.Form):
    as_of = forms.DateField(label=_("基准日期"), widget=DATE_WIDGET, required=False)
    days = forms.TypedChoiceField(
        label=_("预警范围"), choices=WARNING_DAYS, coerce=int, required=False, initial=90
    )


class ProjectForm(forms.Form):
    """申报: the project record of DOMAIN §9 and the village's 四议两公开 record."""

    year = forms.IntegerField(label=_("入库年度"), min_value=2021, max_value=2100)
    name = forms.CharField(label=_("项目名称"), max_length=200)
    category = forms.ChoiceField(label=_("项目类别"), choices=ProjectCategory.choices)
    location = forms.CharField(label=_("建设地点"), max_length=200)
    department = forms.CharField(label=_("主管部门"), max_length=100)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50)
    content = forms.CharField(label=_("建设内容"), widget=TEXT_AREA, max_length=2000)
    starts_on = forms.DateField(label=_("开工日期"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("完工日期"), widget=DATE_WIDGET)
    budget = forms.DecimalField(label=_("概算投资（元）"), max_digits=14, decimal_places=2)
    subsidy_standard = forms.CharField(label=_("补助标准"), max_length=200)
    benefit_mechanism = forms.CharField(label=_("联农带农机制"), widget=TEXT_AREA, max_length=2000)
    performance_target = forms.CharField(label=_("绩效目标"), widget=TEXT_AREA, max_length=2000)
    meeting_on = forms.DateField(label=_("村民代表大会日期"), widget=DATE_WIDGET)
    meeting_record = forms.CharField(
        label=_("四议两公开记录"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_(
            "党支部提议、村“两委”商议、党员大会审议、村民代表大会决议，决议公开、结果公开。"
        ),
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("结论"),
        choices=((1, _("同意")), (0, _("退回修改"))),
        coerce=lambda value: value in (1, "1"),
        widget=forms.RadioSelect,
        initial=1,
    )
    opinion = forms.CharField(label=_("意见"), widget=TEXT_AREA, required=False, max_length=1000)


class AssessmentForm(DecisionForm):
    """县级论证: 可行性, 概算, 资金来源, 联农带农机制, 绩效目标."""

    feasibility = forms.CharField(
        label=_("可行性论证"), widget=TEXT_AREA, required=False, max_length=2000
    )
    fund_plan = forms.CharField(label=_("资金来源"), required=False, max_length=200)


class ProgressForm(forms.Form):
    month = forms.DateField(label=_("月份"), widget=DATE_WIDGET, initial=timezone.localdate)
    percent = forms.IntegerField(label=_("形象进度（%）"), min_value=0, max_value=100)
    note = forms.CharField(label=_("进展情况"), widget=TEXT_AREA, max_length=1000)


class AcceptanceForm(forms.Form):
    accepted_on = forms.DateField(
        label=_("验收日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    opinion = forms.CharField(label=_("验收意见"), widget=TEXT_AREA, max_length=1000)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100, required=False)
