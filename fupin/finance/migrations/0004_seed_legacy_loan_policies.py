"""Seed the nationwide pre-2021 microcredit rows: 扶贫小额信贷 from 2014, and from 2017-12-08
without 户贷企用 (ADR 0018)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fupin.finance.defaults import LEGACY_LOAN_POLICIES, seed_legacy_loan_policies


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    seed_legacy_loan_policies(apps.get_model("finance", "LoanPolicy"))


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("finance", "LoanPolicy").objects.filter(
        region_code="", effective_from__in=[day for day, _values in LEGACY_LOAN_POLICIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0003_pool_adjustment_enterprise_use_policy_subsidy_measure")]
    operations = [migrations.RunPython(seed, unseed)]
