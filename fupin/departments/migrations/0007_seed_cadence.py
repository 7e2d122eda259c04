"""Store the nationwide comparison cadence (data by the 4th, monthly, 调度 bimonthly)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fupin.departments.baseline import seed_baseline_cadence


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    seed_baseline_cadence(apps.get_model("departments", "ComparisonCadence"))


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("departments", "ComparisonCadence").objects.filter(region_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("departments", "0006_follower_cadence_runs")]
    operations = [migrations.RunPython(seed, unseed)]
