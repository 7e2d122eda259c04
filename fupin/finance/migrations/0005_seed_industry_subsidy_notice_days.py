"""The nationwide minimum days of the 到户产业奖补 notice, like the other kinds'."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fupin.finance.defaults import seed_defaults


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    seed_defaults(
        apps.get_model("finance", "LoanPolicy"),
        apps.get_model("finance", "NoticeSetting"),
        ["industry_subsidy"],
    )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("finance", "NoticeSetting").objects.filter(
        region_code="", kind="industry_subsidy"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0004_industry_subsidies")]
    operations = [migrations.RunPython(seed, unseed)]
