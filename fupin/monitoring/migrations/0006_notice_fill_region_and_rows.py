from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fupin.monitoring.notice_data import notices_fill_region_and_rows, notices_fold_single_rows


def fill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Notices published one per household: their village, their case, their one row."""
    notices_fill_region_and_rows(apps.get_model("monitoring", "Notice"))


def fold(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    notices_fold_single_rows(apps.get_model("monitoring", "Notice"))


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_notice_region_and_cases"),
    ]

    operations = [migrations.RunPython(fill, fold)]
