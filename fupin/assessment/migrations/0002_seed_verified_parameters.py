"""Seed the nationwide policy values that DOMAIN marks as verified [V].

Provinces and counties set their own (监测范围 from 2023 on is set by each province yearly);
values here are the nationwide fall-back and can be overridden per region and year.
"""

from decimal import Decimal

from django.db import migrations

SOURCE_LINE_2020 = "http://www.chinadaily.com.cn/a/202012/02/WS5fc737d4a31024ad0ba995c8.html"
SOURCE_POVERTY = "http://english.scio.gov.cn/whitepapers/2021-04/06/content_77380652_9.htm"

VERIFIED = [
    # 2020 防止返贫监测: about 1.5 × the poverty line.
    ("monitoring_line", 2020, "6000", "2020 年全国监测范围约 6000 元（1.5 倍扶贫标准）", SOURCE_LINE_2020),
    # The national poverty line in current prices (NBS series), 2,300 元 at 2010 prices.
    ("poverty_line", 2010, "2300", "国家扶贫标准（2010 年不变价 2300 元）", SOURCE_POVERTY),
    ("poverty_line", 2011, "2536", "国家扶贫标准，当年价（国家统计局）", SOURCE_POVERTY),
    ("poverty_line", 2012, "2625", "国家扶贫标准，当年价（国家统计局）", SOURCE_POVERTY),
    ("poverty_line", 2013, "2736", "国家扶贫标准，当年价（国家统计局）", SOURCE_POVERTY),
    ("poverty_line", 2014, "2800", "国家扶贫标准，当年价（国家统计局）", SOURCE_POVERTY),
    ("poverty_line", 2015, "2855", "国家扶贫标准，当年价（国家统计局）", SOURCE_POVERTY),
    ("poverty_line", 2016, "2952", "国家扶贫标准，当年价（国家统计局）", SOURCE_POVERTY),
    ("poverty_line", 2020, "4000", "2020 年扶贫标准约 4000 元", SOURCE_POVERTY),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("assessment", "PolicyParameter")
    for name, year, value, basis, source in VERIFIED:
        parameter.objects.update_or_create(
            name=name,
            region_code="",
            year=year,
            defaults={"value": Decimal(value), "basis": basis, "source_url": source},
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    parameter = apps.get_model("assessment", "PolicyParameter")
    for name, year, _value, _basis, _source in VERIFIED:
        parameter.objects.filter(name=name, region_code="", year=year).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_policy_rules_runs")]
    operations = [migrations.RunPython(seed, unseed)]
