"""Move the households' assessment levels into their own narrow table (ADR 0029).

The existing values are copied before the household columns go, on SQLite and
PostgreSQL alike, and copied back when the migration is reversed.
"""

import django.db.models.deletion
from django.db import migrations, models

# A household with any of the values set gets a row. Only the assessment wrote these
# columns, always with assessed_at; a row set by hand without it (tests, benchmarks) takes
# the household's last change as when it was decided.
COPY_LEVELS = """
INSERT INTO registry_householdlevel
    (household_id, risk_level, is_monitoring_eligible, is_elimination_eligible, assessed_at)
SELECT id, risk_level, is_monitoring_eligible, is_elimination_eligible,
       COALESCE(assessed_at, updated_at)
FROM registry_household
WHERE assessed_at IS NOT NULL OR risk_level <> ''
   OR is_monitoring_eligible IS NOT NULL OR is_elimination_eligible IS NOT NULL
"""

# Reversed: the columns are back (empty) when this runs.
COPY_LEVELS_BACK = """
UPDATE registry_household SET
    risk_level = (SELECT level.risk_level FROM registry_householdlevel AS level
                  WHERE level.household_id = registry_household.id),
    is_monitoring_eligible = (SELECT level.is_monitoring_eligible
                              FROM registry_householdlevel AS level
                              WHERE level.household_id = registry_household.id),
    is_elimination_eligible = (SELECT level.is_elimination_eligible
                               FROM registry_householdlevel AS level
                               WHERE level.household_id = registry_household.id),
    assessed_at = (SELECT level.assessed_at FROM registry_householdlevel AS level
                   WHERE level.household_id = registry_household.id)
WHERE id IN (SELECT household_id FROM registry_householdlevel)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_member_id_number_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="HouseholdLevel",
            fields=[
                (
                    "household",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="level",
                        serialize=False,
                        to="registry.household",
                        verbose_name="农户",
                    ),
                ),
                (
                    "risk_level",
                    models.CharField(
                        blank=True, db_default="", default="", max_length=10, verbose_name="风险等级"
                    ),
                ),
                (
                    "is_monitoring_eligible",
                    models.BooleanField(blank=True, null=True, verbose_name="符合监测条件"),
                ),
                (
                    "is_elimination_eligible",
                    models.BooleanField(blank=True, null=True, verbose_name="可风险消除"),
                ),
                ("assessed_at", models.DateTimeField(verbose_name="评估时间")),
            ],
            options={
                "verbose_name": "农户评估结果",
                "verbose_name_plural": "农户评估结果",
            },
        ),
        migrations.RunSQL(COPY_LEVELS, COPY_LEVELS_BACK, elidable=False),
        migrations.AddIndex(
            model_name="householdlevel",
            index=models.Index(
                condition=models.Q(("risk_level__in", ["red", "orange"])),
                fields=["risk_level"],
                name="registry_level_red_orange",
            ),
        ),
        migrations.RemoveIndex(model_name="household", name="registry_household_risk"),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(
                fields=["village", "household_type", "active_member_count", "id"],
                name="registry_household_counts_id",
            ),
        ),
        migrations.RemoveIndex(model_name="household", name="registry_household_counts"),
        migrations.RemoveField(model_name="household", name="risk_level"),
        migrations.RemoveField(model_name="household", name="is_monitoring_eligible"),
        migrations.RemoveField(model_name="household", name="is_elimination_eligible"),
        migrations.RemoveField(model_name="household", name="assessed_at"),
    ]
