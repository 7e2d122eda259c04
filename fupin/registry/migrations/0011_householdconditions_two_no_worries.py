"""两不愁 (不愁吃, 不愁穿) beside the 三保障 and 饮水 flags: the exit test and 风险消除 check
them (DOMAIN §4.5, §6). A database default, so existing rows and bulk writes that do not
name the columns read "met" as the other flags do."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_stale_household")]

    operations = [
        migrations.AddField(
            model_name="householdconditions",
            name="is_food_insecure",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="“不愁吃”未达标"
            ),
        ),
        migrations.AddField(
            model_name="householdconditions",
            name="is_clothing_insecure",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="“不愁穿”未达标"
            ),
        ),
    ]
