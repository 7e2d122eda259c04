"""Store the shipped national baseline rule set (national-baseline@1) as published.

Later versions of the baseline arrive as new versions through new migrations; a published
version is never edited.
"""

import json
from datetime import date
from pathlib import Path

from django.db import migrations

RULE_SET_FILE = Path(__file__).resolve().parent.parent / "rules" / "default_ruleset.json"


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    record = apps.get_model("assessment", "RuleSetRecord")
    definition = json.loads(RULE_SET_FILE.read_text(encoding="utf-8"))
    if definition["version"] != 1:
        # A newer shipped file belongs to a newer migration; this one seeds version 1 only.
        return
    record.objects.update_or_create(
        code=definition["code"],
        version=definition["version"],
        defaults={
            "status": "published",
            "region_code": definition.get("region_code", ""),
            "effective_from": date.fromisoformat(definition["effective_from"]),
            "definition": definition,
        },
    )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("assessment", "RuleSetRecord").objects.filter(
        code="national-baseline", version=1
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_seed_verified_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
