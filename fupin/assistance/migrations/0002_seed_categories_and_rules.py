"""Seed the 14 national measure categories and the nationwide assistance rules;
provinces override the rules with their own rows."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fupin.assistance.categories import (
    MEASURE_CATEGORIES,
    seed_categories,
    seed_nationwide_setting,
)


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    seed_categories(apps.get_model("assistance", "MeasureCategory"))
    seed_nationwide_setting(apps.get_model("assistance", "AssistanceSetting"))


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("assistance", "AssistanceSetting").objects.filter(region_code="").delete()
    apps.get_model("assistance", "MeasureCategory").objects.filter(
        code__in=[code for code, _name, _development in MEASURE_CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
