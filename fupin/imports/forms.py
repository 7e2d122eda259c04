from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.imports.declarations import MEMBERS
from fupin.imports.kinds import TEMPLATES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("台账种类"),
        choices=[(kind, template.title) for kind, template in TEMPLATES.items()],
        initial=MEMBERS.kind,
        required=False,
    )
    file = forms.FileField(
        label=_("台账文件"),
        help_text=_("xlsx、xls 或 csv 文件，表头与模板一致。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or MEMBERS.kind)
