from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A piece of long work a user waits for, with progress shown while it runs."""

    class Kind(models.TextChoices):
        REGION_LOAD = "region_load", _("加载区划代码")
        ASSESSMENT_RUN = "assessment_run", _("监测评估")
        IMPORT_APPLY = "import_apply", _("导入台账")
        LEDGER_EXPORT = "ledger_export", _("导出台账")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("任务类型"), max_length=40, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total = models.PositiveIntegerField(_("总量"), default=0)
    done = models.PositiveIntegerField(_("已完成量"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    # Region the job works on; the job is visible to users whose scope contains it.
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="jobs_job_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def is_succeeded(self) -> bool:
        return self.status == self.Status.SUCCEEDED

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING
