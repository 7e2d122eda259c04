from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.region_codes import RegionLevel, to_full_code


class Region(models.Model):
    """One unit of the NBS 统计用区划代码 table: province, city, county, town or village."""

    class Level(models.IntegerChoices):
        PROVINCE = RegionLevel.PROVINCE, _("省级")
        CITY = RegionLevel.CITY, _("地级")
        COUNTY = RegionLevel.COUNTY, _("县级")
        TOWN = RegionLevel.TOWN, _("乡级")
        VILLAGE = RegionLevel.VILLAGE, _("村级")

    # Natural-length code (2/4/6/9/12 digits); see fupin.core.region_codes for why.
    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # NBS republishes the table every year; names change and codes are withdrawn.
    table_year = models.PositiveSmallIntegerField(_("区划代码年度"))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="registry_region_parent_matches_level",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="registry_region_level_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def full_code(self) -> str:
        return to_full_code(self.code)
