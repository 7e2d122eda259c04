from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """What one user chose for their own interface, kept across browsers and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preference",
    )
    language = models.CharField(_("界面语言"), max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("个人偏好")
        verbose_name_plural = _("个人偏好")

    def __str__(self) -> str:
        return str(self.user)
