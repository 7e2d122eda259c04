from typing import Any

from django.db import migrations

from fupin.rectification.questionnaires import seed_questionnaires


def seed(apps: Any, schema_editor: Any) -> None:
    setting = apps.get_model("rectification", "RectificationSetting")
    # DOMAIN §9: 12317 complaints are answered within 15 days (Inner Mongolia); provinces
    # with 20 days (Shanxi) set their own row.
    setting.objects.get_or_create(
        region_code="",
        defaults={
            "complaint_days": 15,
            "immediate_days": 7,
            "warning_days": 3,
            "report_period_days": 7,
            "basis": "12317 举报 15 日内办结（内蒙古）；进展每周报告",
        },
    )
    seed_questionnaires(
        apps.get_model("rectification", "Questionnaire"),
        apps.get_model("rectification", "Question"),
    )


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
