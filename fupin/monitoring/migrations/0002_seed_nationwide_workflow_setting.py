"""Seed the nationwide time limits; provinces override them with their own rows."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    WorkflowSetting = apps.get_model("monitoring", "WorkflowSetting")
    WorkflowSetting.objects.get_or_create(
        region_code="",
        defaults={
            "visit_working_days": 2,
            "case_days": 15,
            "case_days_are_working_days": False,
            "publicity_days": 5,
            "warning_working_days": 2,
            "basis": "秦安：线索到识别不超过 15 天、公示不少于 5 天；枞阳：申报后 2 个工作日内入户",
        },
    )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("monitoring", "WorkflowSetting").objects.filter(region_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
