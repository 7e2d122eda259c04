"""HTML input shapes for the rectification pages. Meaning is checked by the services."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import CHECK, INPUT, SELECT, FilterForm
from fupin.rectification.models import (
    AnswerType,
    CampaignKind,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintState,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    Question,
    Satisfaction,
)
from fupin.rectification.services import NO, YES
from fupin.registry import codes

BLANK = [("", "—")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def _text(label: Any, *, rows: int = 3, required: bool = True, max_length: int = 2000) -> Any:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=max_length,
        required=required,
    )


class ProblemFilterForm(FilterForm):
    filter_layout = (
        ("q", "col-12 col-md-3"),
        ("state", "col-6 col-md-2"),
        ("source", "col-6 col-md-2"),
        ("category", "col-6 col-md-2"),
        ("overdue", "col-6 col-md-2"),
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"id": "f-q", "class": INPUT, "placeholder": _("问题描述")}),
    )
    state = forms.ChoiceField(
        label=_("状态"),
        choices=BLANK + list(ProblemState.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    source = forms.ChoiceField(
        label=_("问题来源"),
        choices=BLANK + list(ProblemSource.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    category = forms.ChoiceField(
        label=_("问题类别"),
        choices=BLANK + list(ProblemCategory.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    overdue = forms.BooleanField(
        label=_("只看超期"), required=False, widget=forms.CheckboxInput(attrs={"class": CHECK})
    )


class ProblemForm(forms.Form):
    source = forms.ChoiceField(label=_("问题来源"), choices=BLANK + list(ProblemSource.choices))
    region_code = forms.CharField(label=_("所在区划"), max_length=12)
    category = forms.ChoiceField(label=_("问题类别"), choices=BLANK + list(ProblemCategory.choices))
    title = forms.CharField(label=_("问题概要"), max_length=200)
    description = _text(_("问题描述"), rows=4)
    evidence = _text(_("问题依据"), rows=2, required=False)
    found_on = forms.DateField(label=_("发现日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    is_immediate = forms.BooleanField(label=_("立行立改"), required=False)
    household_numbers = forms.CharField(
        label=_("涉及农户（户编号，多个用逗号分隔）"), max_length=2000, required=False
    )
    linked_projects = forms.CharField(label=_("涉及项目"), max_length=200, required=False)
    linked_cadres = forms.CharField(label=_("涉及干部"), max_length=200, required=False)

    def household_number_list(self) -> list[str]:
        raw = self.cleaned_data.get("household_numbers") or ""
        return [part.strip() for part in raw.replace("，", ",").split(",") if part.strip()]


class TaskForm(forms.Form):
    lead_unit = forms.CharField(label=_("牵头单位"), max_length=100)
    owner_unit = forms.CharField(label=_("责任单位"), max_length=200)
    measures = _text(_("整改措施（核定措施）"))
    expected_effect = forms.CharField(
        label=_("整改目标（确定效果）"), max_length=500, required=False
    )
    due_on = forms.DateField(
        label=_("整改时限"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("立行立改的问题可不填，按规定天数计算。"),
    )


class ProgressForm(forms.Form):
    content = _text(_("整改进展"), rows=2)


class ClosureForm(forms.Form):
    outcome = _text(_("整改成果（议定成果）"), rows=2)
    evidence = _text(_("佐证材料"), rows=2)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("同意销号")), ("return", _("退回补充"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    opinion = _text(_("审核意见（审定结果）"), rows=2, required=False)


class ComplaintFilterForm(FilterForm):
    filter_layout = (
        ("q", "col-12 col-md-4"),
        ("state", "col-6 col-md-3"),
        ("channel", "col-6 col-md-3"),
        ("overdue", "col-6 col-md-2"),
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(
            attrs={"id": "f-q", "class": INPUT, "placeholder": _("受理编号或内容")}
        ),
    )
    state = forms.ChoiceField(
        label=_("状态"),
        choices=BLANK + list(ComplaintState.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    channel = forms.ChoiceField(
        label=_("受理渠道"),
        choices=BLANK + list(ComplaintChannel.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    overdue = forms.BooleanField(
        label=_("只看超期"), required=False, widget=forms.CheckboxInput(attrs={"class": CHECK})
    )


class ComplaintForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("受理渠道"),
        choices=list(ComplaintChannel.choices),
        initial=ComplaintChannel.HOTLINE_12317,
    )
    region_code = forms.CharField(label=_("被反映地区"), max_length=12)
    category = forms.ChoiceField(
        label=_("举报类别"), choices=BLANK + list(ComplaintCategory.choices)
    )
    content = _text(_("反映内容"), rows=4)
    name = forms.CharField(label=_("举报人姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("举报人电话"), max_length=20, required=False)
    is_anonymous = forms.BooleanField(label=_("匿名举报"), required=False)
    received_on = forms.DateField(
        label=_("受理日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )


class PublicComplaintForm(forms.Form):
    region_code = forms.CharField(
        label=_("被反映的村或乡镇（区划代码）"),
        max_length=12,
        help_text=_("扫描公示栏上的二维码会自动填写。"),
    )
    category = forms.ChoiceField(
        label=_("反映类别"), choices=BLANK + list(ComplaintCategory.choices)
    )
    content = _text(_("反映的问题"), rows=5)
    name = forms.CharField(label=_("姓名（可不填）"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    is_anonymous = forms.BooleanField(
        label=_("匿名反映（不留姓名，电话仅用于答复）"), required=False
    )


class ComplaintReceiptForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=20)
    phone_tail = forms.CharField(label=_("联系电话后四位"), max_length=4, min_length=4)


class InvestigateForm(forms.Form):
    findings = _text(_("调查核实情况"), rows=3)
    is_substantiated = forms.ChoiceField(
        label=_("核实结论"),
        choices=[("yes", _("反映属实")), ("no", _("反映不属实"))],
        widget=forms.RadioSelect,
    )


class ReplyForm(forms.Form):
    reply = _text(_("答复内容"), rows=3)


class CloseComplaintForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("回访满意度"), choices=list(Satisfaction.choices), widget=forms.RadioSelect
    )


class ToProblemForm(forms.Form):
    title = forms.CharField(label=_("问题概要"), max_length=200)


class ToClueForm(forms.Form):
    household_number = forms.CharField(label=_("农户户编号"), max_length=30)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=list(CampaignKind.choices))
    region_code = forms.CharField(label=_("组织地区"), max_length=12)
    region_codes = forms.MultipleChoiceField(
        label=_("排查范围（不选为组织地区全部）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    household_types = forms.MultipleChoiceField(
        label=_("农户类型（不选为全部）"),
        choices=list(codes.HouseholdType.choices),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    questionnaire = forms.TypedChoiceField(label=_("问卷"), coerce=int)
    due_on = forms.DateField(label=_("完成时限"), widget=DATE_WIDGET)

    def __init__(
        self,
        *args: Any,
        region_choices: list[tuple[str, str]],
        questionnaire_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_codes"].choices = region_choices  # type: ignore[attr-defined]
        self.fields["questionnaire"].choices = questionnaire_choices  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    """A questionnaire as a form: one field per question, built from its rows."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question.code] = _question_field(question)


def _question_field(question: Question) -> forms.Field:
    label = f"{question.position}. {question.text}"
    if question.answer_type == AnswerType.YES_NO:
        return forms.ChoiceField(
            label=label,
            choices=[(YES, _("是")), (NO, _("否"))],
            widget=forms.RadioSelect,
            required=False,
        )
    if question.answer_type == AnswerType.CHOICE:
        return forms.ChoiceField(
            label=label,
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.RadioSelect,
            required=False,
        )
    if question.answer_type == AnswerType.NUMBER:
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
