"""Seed the nationwide microcredit policy and notice durations; provinces and counties
override them with rows of their own region."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fupin.finance.defaults import seed_defaults

NOTICE_KINDS = ["project", "loan_subsidy", "fund_allocation", "industry_subsidy"]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    seed_defaults(
        apps.get_model("finance", "LoanPolicy"), apps.get_model("finance", "NoticeSetting"), NOTICE_KINDS
    )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("finance", "LoanPolicy").objects.filter(region_code="").delete()
    apps.get_model("finance", "NoticeSetting").objects.filter(region_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
