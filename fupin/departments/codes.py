"""Code tables of the department feeds (the values their comparison rules test)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssistanceType(models.TextChoices):
    """民政 救助类型."""

    DIBAO = "dibao", _("低保")
    DESTITUTE = "destitute", _("特困")
    TEMPORARY = "temporary", _("临时救助")


class DisabilityCategory(models.TextChoices):
    """残疾类别 (GB/T 26341)."""

    VISION = "1", _("视力残疾")
    HEARING = "2", _("听力残疾")
    SPEECH = "3", _("言语残疾")
    PHYSICAL = "4", _("肢体残疾")
    INTELLECTUAL = "5", _("智力残疾")
    MENTAL = "6", _("精神残疾")
    MULTIPLE = "7", _("多重残疾")


class DisabilityGrade(models.TextChoices):
    """残疾等级: 一级 and 二级 are 重度."""

    FIRST = "1", _("一级")
    SECOND = "2", _("二级")
    THIRD = "3", _("三级")
    FOURTH = "4", _("四级")


class SchoolStage(models.TextChoices):
    PRESCHOOL = "preschool", _("学前")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中职")
    HIGHER = "higher", _("高等教育")


class SchoolStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在校")
    SUSPENDED = "suspended", _("休学")
    DROPPED_OUT = "dropout", _("辍学")
    GRADUATED = "graduated", _("毕业")
    TRANSFERRED = "transferred", _("转学")


class CivilChange(models.TextChoices):
    """公安 户籍变动类型."""

    DEATH = "death", _("死亡")
    MOVED_OUT = "moved_out", _("迁出")


class EmploymentStatus(models.TextChoices):
    """人社 就业状态."""

    EMPLOYED = "employed", _("就业")
    UNEMPLOYED = "unemployed", _("失业")
    PENSIONER = "pensioner", _("领取养老金")
