from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may see comes from their RegionAssignments."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Role(models.TextChoices):
    """The roles county offices really have (their levels and rights: accounts.scoping)."""

    PROVINCE_ADMIN = "province_admin", _("省级管理员")
    CITY_ADMIN = "city_admin", _("市级管理员")
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    COUNTY_STAFF = "county_staff", _("县级业务人员")
    TOWNSHIP_REVIEWER = "township_reviewer", _("乡镇审核人员")
    VILLAGE_OFFICER = "village_officer", _("村级信息员")
    VILLAGE_TEAM = "village_team", _("驻村工作队")
    RESPONSIBLE_CADRE = "responsible_cadre", _("帮扶责任人")
    DEPARTMENT_USER = "department_user", _("行业部门用户")
    AUDITOR = "auditor", _("只读审计员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


class RegionAssignment(models.Model):
    """A user's role in one region; the region's subtree is what the role may see."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    # Empty only for a nationwide system administrator.
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        ordering = ["user_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                name="accounts_regionassignment_unique_role_region",
            ),
            models.CheckConstraint(
                condition=models.Q(region__isnull=False) | models.Q(role="system_admin"),
                name="accounts_regionassignment_region_required",
            ),
        ]

    def __str__(self) -> str:
        region = self.region.name if self.region is not None else _("全国")
        return f"{self.get_role_display()} · {region}"

    @property
    def region_code(self) -> str:
        return self.region_id or ""
