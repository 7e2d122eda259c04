from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted once written."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """One state change: who did what to which object, in which region, with which changes."""

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text so the trail stays readable if the account is renamed.
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=100)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    subject_label = models.CharField(_("对象"), max_length=200, blank=True)
    # Region code (2–12 digits) of the object, so the trail is scoped like the data.
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    context = models.JSONField(_("上下文"), default=dict, blank=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="audit_event_subject")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")
