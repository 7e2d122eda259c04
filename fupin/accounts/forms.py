from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False)
    new_password_again = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("两次输入的新密码不一致。"))
        return cleaned


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def __init__(self, *args: Any, roles: list[Role] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if roles is not None:
            role_field = self.fields["role"]
            assert isinstance(role_field, forms.ChoiceField)
            role_field.choices = [(role.value, role.label) for role in roles]

    region_code = forms.RegexField(
        label=_("区划代码"),
        regex=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$",
        required=False,
        help_text=_("逐级选择区划；全国系统管理员不选。"),
        error_messages={"invalid": _("区划代码应为 2、4、6、9 或 12 位数字。")},
    )


class UserCreateForm(RoleAssignForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)

    field_order = ["username", "full_name", "password", "role", "region_code"]
