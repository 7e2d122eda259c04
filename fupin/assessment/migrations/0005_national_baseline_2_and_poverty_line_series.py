"""Store national-baseline@2 (policy-faithful eligibility, colours for every 脱贫户 and
监测户, elimination guards by method, no example 监测范围) as published, retire @1, and seed
both national poverty-line series of DOMAIN §6, verified values only.

Series A is the NBS line in current prices; series B grows 2,800 元 (2014) by 6 % a year.
Only the values DOMAIN marks verified [V] are seeded: A for 2010–2016 (2019's 3,218 is only
"weak V") and B for 2014 (its base, A's verified 2014 value) and 2020 (≈ 4,000 元). B's
2015–2019 values are the formula, not a verified publication, so they are left to be set.
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import migrations
from django.db.models import Max

RULE_SET_FILE = Path(__file__).resolve().parent.parent / "rules" / "national_baseline_2.json"
SOURCE_POVERTY = "http://english.scio.gov.cn/whitepapers/2021-04/06/content_77380652_9.htm"
SOURCE_4000 = "http://www.cjrbapp.cjn.cn/p/80755.html"
SERIES_A = "扶贫标准 A 序列（国家统计局当年价）"
SERIES_B = "扶贫标准 B 序列（2014 年 2800 元起每年 × 1.06）"
SERIES = [
    ("poverty_line_nbs", 2010, "2300", f"{SERIES_A}：2010 年不变价 2300 元", SOURCE_POVERTY),
    ("poverty_line_nbs", 2011, "2536", SERIES_A, SOURCE_POVERTY),
    ("poverty_line_nbs", 2012, "2625", SERIES_A, SOURCE_POVERTY),
    ("poverty_line_nbs", 2013, "2736", SERIES_A, SOURCE_POVERTY),
    ("poverty_line_nbs", 2014, "2800", SERIES_A, SOURCE_POVERTY),
    ("poverty_line_nbs", 2015, "2855", SERIES_A, SOURCE_POVERTY),
    ("poverty_line_nbs", 2016, "2952", SERIES_A, SOURCE_POVERTY),
    ("poverty_line_2800", 2014, "2800", f"{SERIES_B}：基数", SOURCE_POVERTY),
    ("poverty_line_2800", 2020, "4000", f"{SERIES_B}：2020 年约 4000 元", SOURCE_4000),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("assessment", "PolicyParameter")
    record = apps.get_model("assessment", "RuleSetRecord")
    for name, year, value, basis, source in SERIES:
        parameter.objects.update_or_create(
            name=name,
            region_code="",
            year=year,
            defaults={"value": Decimal(value), "basis": basis, "source_url": source},
        )
    definition = json.loads(RULE_SET_FILE.read_text(encoding="utf-8"))
    code = definition["code"]
    # A database where someone already numbered a draft 2 gets the next free version.
    highest = record.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0
    version = definition["version"] if highest < definition["version"] else highest + 1
    definition["version"] = version
    record.objects.create(
        code=code,
        version=version,
        status="published",
        region_code=definition["region_code"],
        effective_from=date.fromisoformat(definition["effective_from"]),
        definition=definition,
    )
    for previous in record.objects.filter(code=code, version=1, status="published"):
        previous.status = "retired"
        previous.definition = {**previous.definition, "status": "retired"}
        previous.save(update_fields=["status", "definition"])


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("assessment", "PolicyParameter")
    record = apps.get_model("assessment", "RuleSetRecord")
    for name, year, _value, _basis, _source in SERIES:
        parameter.objects.filter(name=name, region_code="", year=year).delete()
    shipped = json.loads(RULE_SET_FILE.read_text(encoding="utf-8"))
    # The shipped version is the one no user created; a version some run cites stays.
    record.objects.filter(
        code=shipped["code"], created_by__isnull=True, status="published", runs__isnull=True
    ).exclude(version=1).delete()
    for previous in record.objects.filter(code=shipped["code"], version=1, status="retired"):
        previous.status = "published"
        previous.definition = {**previous.definition, "status": "published"}
        previous.save(update_fields=["status", "definition"])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_unchanged_outcomes_and_facts_snapshots")]
    operations = [migrations.RunPython(seed, unseed)]
