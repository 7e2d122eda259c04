import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0006_notice_fill_region_and_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notice",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.region",
                verbose_name="公告范围",
            ),
        ),
    ]
