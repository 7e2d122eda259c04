"""The level row carries its household's village, with the (colour, village) index that
the household list filtered by a colour reads (ADR 0029, "Colour by region")."""

from django.db import migrations, models

# Existing rows take their household's village; the same statement on SQLite (3.33 or
# later) and PostgreSQL. Backwards the column is dropped: nothing to undo.
FILL_VILLAGES = (
    "UPDATE registry_householdlevel SET village_code = household.village_id "
    "FROM registry_household AS household "
    "WHERE household.id = registry_householdlevel.household_id"
)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0015_householdlevel"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="householdlevel",
            name="registry_level_red_orange",
        ),
        migrations.AddField(
            model_name="householdlevel",
            name="village_code",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=12, verbose_name="所在村"
            ),
        ),
        migrations.RunSQL(sql=FILL_VILLAGES, reverse_sql=migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="householdlevel",
            index=models.Index(
                condition=models.Q(("risk_level__in", ["red", "orange"])),
                fields=["risk_level", "village_code", "household"],
                name="registry_level_colour_village",
            ),
        ),
    ]
