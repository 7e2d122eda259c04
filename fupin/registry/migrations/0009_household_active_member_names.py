"""The names of each household's active members, stored for the name search (issue #17)
and filled from the members table in the same migration."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# As models.MEMBER_NAMES_SEPARATOR; a migration keeps its own copy of what it writes.
SEPARATOR = "\x1f"


def fill_names(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    households = quote("registry_household")
    members = quote("registry_member")
    names = quote("active_member_names")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One grouped pass over the members, as in 0008.
            cursor.execute(
                f"UPDATE {households} AS h SET {names} = c.names "  # noqa: S608 - names quoted
                f"FROM (SELECT household_id, string_agg(name, %s) AS names FROM {members} "
                f"WHERE is_active GROUP BY household_id) AS c WHERE h.id = c.household_id",
                [SEPARATOR],
            )
            return
        cursor.execute(
            f"UPDATE {households} SET {names} = coalesce((SELECT group_concat(name, %s) "  # noqa: S608
            f"FROM {members} AS m WHERE m.household_id = {households}.id AND m.is_active), '')",
            [SEPARATOR],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_household_active_member_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="active_member_names",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="在册成员姓名"
            ),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
    ]
