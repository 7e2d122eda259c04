"""Seed the nationwide Alkire–Foster setting and the village exit indicator sets."""

from typing import Any

from django.db import migrations

from fupin.reports.seeds import seed_indicator_settings


def seed(apps: Any, schema_editor: Any) -> None:
    seed_indicator_settings(
        apps.get_model("reports", "MultidimensionalSetting"),
        apps.get_model("reports", "VillageExitIndicatorSet"),
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_tallies_and_indicator_settings")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
