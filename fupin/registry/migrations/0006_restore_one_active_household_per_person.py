"""Recreate `registry_member_one_active_household_per_person` where it is missing.

On PostgreSQL, 0005's AlterField on `id_number` (dropping `db_index`) also dropped the
partial unique index, because Django removes every plain index on the column and
PostgreSQL's introspection reports a partial unique index as one. SQLite rebuilt the table
and kept it. The migration state still holds the constraint, so this is a database-only
operation that runs only where the index is absent. A database that in the meantime got
people active in two households is refused with the command that resolves them, since
the index could not be built over them.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Count
from django.utils.translation import gettext as _

CONSTRAINT = "registry_member_one_active_household_per_person"


def restore_constraint(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    member = apps.get_model("registry", "Member")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, member._meta.db_table)
    if CONSTRAINT in present:
        return
    duplicated = (
        member.objects.using(connection.alias)
        .filter(is_active=True)
        .values("id_number")
        .annotate(households=Count("id"))
        .filter(households__gt=1)
        .count()
    )
    if duplicated:
        raise RuntimeError(
            _(
                "有 %(count)d 人同时在两户或多户在册，无法恢复“一人只能属于一户”的唯一约束。"
                "请先运行 fupin resolve_duplicate_members 查看，"
                "再用 fupin resolve_duplicate_members --end-extra 结束多余的成员记录，"
                "然后重新运行 fupin migrate。"
            )
            % {"count": duplicated}
        )
    constraint = next(c for c in member._meta.constraints if c.name == CONSTRAINT)
    schema_editor.add_constraint(member, constraint)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_plain_indexes"),
    ]

    operations = [
        # Reversing keeps the constraint: 0005 never meant to remove it.
        migrations.RunPython(restore_constraint, migrations.RunPython.noop, elidable=False),
    ]
