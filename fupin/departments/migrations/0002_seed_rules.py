"""Store the national baseline of comparison and data-quality rules."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fupin.departments.baseline import seed_baseline_rules


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    seed_baseline_rules(
        apps.get_model("departments", "ComparisonRule"),
        apps.get_model("departments", "QualityRule"),
    )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("departments", "ComparisonRule").objects.filter(region_code="").delete()
    apps.get_model("departments", "QualityRule").objects.filter(region_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
