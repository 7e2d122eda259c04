"""A stored count of each household's active members (issue #17), filled from the members
table in the same migration so no household is ever read with a stale count."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def fill_counts(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    households = quote("registry_household")
    members = quote("registry_member")
    count = quote("active_member_count")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One grouped pass over the members: a correlated count per household would probe
            # the index a million times at province scale.
            cursor.execute(
                f"UPDATE {households} AS h SET {count} = c.n "  # noqa: S608 - names quoted
                f"FROM (SELECT household_id, count(*) AS n FROM {members} "
                f"WHERE is_active GROUP BY household_id) AS c WHERE h.id = c.household_id"
            )
            return
        cursor.execute(
            f"UPDATE {households} SET {count} = (SELECT count(*) FROM {members} AS m "  # noqa: S608
            f"WHERE m.household_id = {households}.id AND m.is_active)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_member_active_names_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="active_member_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="在册人数"),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
