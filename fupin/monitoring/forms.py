"""HTML input shapes for the monitoring pages. Meaning is checked by the services."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import CHECK, INPUT, SELECT, FilterForm
from fupin.core.text import clean_text, is_person_name
from fupin.monitoring.models import CaseKind, CaseState, Channel, ReviewMeeting
from fupin.registry import codes
from fupin.registry.idnumbers import InvalidIdNumber, parse_id_number

BLANK = [("", "—")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
RISK_TYPE_CHOICES = list(codes.RiskType.choices)


def _risk_types() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("风险类型"),
        choices=RISK_TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _attachment() -> forms.FileField:
    return forms.FileField(label=_("附件"), required=False)


# The longest account of a family's difficulties the form takes (a counter shows the rest).
DESCRIPTION_MAX_LENGTH = 1000


class SelfApplicationForm(forms.Form):
    """The farmer's form: every field is checked here at once, in plain words, so one
    submission shows every problem; the service checks the meaning again."""

    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        error_messages={"required": _("请填写姓名。"), "max_length": _("姓名最多 50 个字。")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        error_messages={
            "required": _("请填写身份证号码。"),
            "max_length": _("身份证号码是 18 位。"),
        },
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        error_messages={"required": _("请填写手机号码。"), "max_length": _("手机号码是 11 位。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    village_code = forms.CharField(
        label=_("所在村"),
        max_length=12,
        error_messages={"required": _("请逐级选择到您所在的村。")},
        help_text=_("扫描村公示栏上的二维码会自动选好。"),
    )
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"),
        choices=RISK_TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种遇到的困难。")},
    )
    description = forms.CharField(
        label=_("家庭遇到的困难"),
        widget=forms.Textarea(attrs={"rows": 4, "data-counter": "true"}),
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages={
            "required": _("请简要说明家庭遇到的困难。"),
            "max_length": _("困难情况最多 %(limit_value)d 个字，请精简后再提交。"),
        },
    )
    has_consent = forms.BooleanField(
        label=_(
            "本人承诺所填信息真实，并授权有关部门查询核对本人及家庭成员的收入、财产等经济状况。"
        ),
        error_messages={"required": _("请阅读并同意授权查询核对家庭经济状况，否则无法受理。")},
    )

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not is_person_name(name):
            raise forms.ValidationError(_("姓名只能填写汉字（少数民族姓名可用间隔号“·”）。"))
        return name

    def clean_id_number(self) -> str:
        try:
            return parse_id_number(self.cleaned_data["id_number"]).number
        except InvalidIdNumber as error:
            raise forms.ValidationError(error.message) from error

    def clean_phone(self) -> str:
        phone = clean_text(self.cleaned_data["phone"])
        if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            raise forms.ValidationError(_("请填写 11 位手机号码。"))
        return phone

    def clean_village_code(self) -> str:
        code = clean_text(self.cleaned_data["village_code"])
        if not (code.isdigit() and len(code) == 12):
            raise forms.ValidationError(_("请逐级选择到您所在的村。"))
        return code


class ReceiptForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=20)
    id_tail = forms.CharField(label=_("身份证号后四位"), max_length=4, min_length=4)


class ClueForm(forms.Form):
    risk_types = _risk_types()
    description = forms.CharField(
        label=_("困难情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    received_on = forms.DateField(
        label=_("发现日期"), widget=DATE_WIDGET, required=False, initial=timezone.localdate
    )


class EliminationForm(forms.Form):
    elimination_method = forms.ChoiceField(
        label=_("风险消除方式"), choices=BLANK + list(codes.EliminationMethod.choices)
    )
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("核实日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    visitors = forms.CharField(label=_("核实人员"), max_length=200)
    findings = forms.CharField(label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}))
    household_number = forms.CharField(
        label=_("户编号"),
        max_length=30,
        required=False,
        help_text=_("申请人尚未关联农户时填写（须先在农户信息中登记）。"),
    )
    risk_types = _risk_types()
    has_consent = forms.BooleanField(label=_("已签订承诺授权书"), required=False)
    attachment = _attachment()

    def __init__(self, *args: Any, needs_household: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_household:
            del self.fields["household_number"]


class ComparisonForm(forms.Form):
    findings = forms.CharField(
        label=_("比对结果"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("车辆、房产、工商登记、财政供养等比对情况。"),
    )
    attachment = _attachment()


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("评议日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    participants = forms.CharField(label=_("参加人员"), widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.ChoiceField(label=_("评议结果"), choices=ReviewMeeting.Result.choices)
    monitoring_category = forms.ChoiceField(
        label=_("拟纳入类别"),
        choices=BLANK + list(codes.MonitoringCategory.choices),
        required=False,
    )
    opinion = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    minutes = forms.FileField(label=_("会议记录"), required=False)

    def __init__(self, *args: Any, kind: str = CaseKind.IDENTIFICATION, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != CaseKind.IDENTIFICATION:
            del self.fields["monitoring_category"]


class PublicityStartForm(forms.Form):
    starts_on = forms.DateField(
        label=_("公示开始日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=60)


class ObjectionForm(forms.Form):
    received_on = forms.DateField(
        label=_("收到日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}))


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attachment = _attachment()


class CountyForm(OpinionForm):
    monitoring_category = forms.ChoiceField(
        label=_("监测对象类别（如需调整）"),
        choices=BLANK + list(codes.MonitoringCategory.choices),
        required=False,
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("return", _("退回修改")), ("reject", _("驳回"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=_("理由或修改意见"), widget=forms.Textarea(attrs={"rows": 2}))


class AnnouncementForm(forms.Form):
    """Which households a 公告 lists: a village or township, the kind of case and the days
    of their 县级审定; and who signs it."""

    region_code = forms.RegexField(
        label=_("公告范围（乡镇或村）"),
        regex=r"^(\d{9}|\d{12})$",
        error_messages={
            "required": _("请逐级选择到乡镇或村。"),
            "invalid": _("请逐级选择到乡镇或村：公告按村或乡镇发布。"),
        },
    )
    case_kind = forms.ChoiceField(
        label=_("公告类型"),
        choices=[
            (CaseKind.IDENTIFICATION, _("新识别监测对象")),
            (CaseKind.ELIMINATION, _("风险消除")),
        ],
        widget=forms.RadioSelect,
        initial=CaseKind.IDENTIFICATION,
    )
    approved_from = forms.DateField(label=_("县级审定日期自"), widget=DATE_WIDGET, required=False)
    approved_to = forms.DateField(label=_("县级审定日期至"), widget=DATE_WIDGET, required=False)
    issuer = forms.CharField(
        label=_("落款单位"),
        max_length=200,
        required=False,
        help_text=_("留空时为审定县的人民政府，如“农安县人民政府”。"),
    )


class CaseFilterForm(FilterForm):
    filter_layout = (
        ("q", "col-12 col-md-3"),
        ("state", "col-6 col-md-2"),
        ("kind", "col-6 col-md-2"),
        ("channel", "col-6 col-md-2"),
        ("overdue", "col-6 col-md-3"),
        ("region_code", "col-12"),
    )
    region_field = "region_code"
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "id": "f-q",
                "type": "search",
                "class": INPUT,
                "placeholder": _("户编号、申请人或受理编号"),
            }
        ),
    )
    state = forms.ChoiceField(
        label=_("环节"),
        choices=BLANK + list(CaseState.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=BLANK + list(CaseKind.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    channel = forms.ChoiceField(
        label=_("发现渠道"),
        choices=BLANK + list(Channel.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    region_code = forms.RegexField(
        label=_("区划"), regex=r"^\d{2,12}$", required=False, widget=forms.HiddenInput
    )
    overdue = forms.BooleanField(
        label=_("只看超期"),
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "f-overdue", "class": CHECK}),
    )


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("放假安排文件"),
        help_text=_("xlsx 或 csv，第一行为表头：日期、类型（法定节假日 / 调休上班日）、名称。"),
    )
    source = forms.CharField(
        label=_("依据"),
        max_length=200,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
