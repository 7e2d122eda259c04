"""At most one open case of each kind per household: the partial unique index
`monitoring_case_one_open_per_household_kind` (issue #20's concurrency theme).

Before it, two clues registered for one household at the same moment could each open an
identification case. A database that holds such households is refused before the index
is built, with their 户编号 and the command that resolves them, rather than failing on
the index with the database's own message.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Count
from django.utils.translation import gettext as _

# Households named in the message; the command lists them all.
NAMED = 20


def refuse_duplicates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    case = apps.get_model("monitoring", "MonitoringCase")
    numbers = list(
        case.objects.using(schema_editor.connection.alias)
        .filter(household__isnull=False)
        .exclude(state__in=["completed", "rejected"])
        .values("household__number", "kind")
        .annotate(cases=Count("id"))
        .filter(cases__gt=1)
        .order_by("household__number")
        .values_list("household__number", flat=True)
        .distinct()
    )
    if not numbers:
        return
    named = "、".join(numbers[:NAMED]) + (_("等") if len(numbers) > NAMED else "")
    raise RuntimeError(
        _(
            "有 %(count)d 户同时有两件或多件办理中的同类监测工作事项（户编号 %(numbers)s），"
            "无法建立“每户同类事项只能有一件在办”的唯一约束。"
            "请先运行 fupin resolve_duplicate_cases 查看，"
            "再用 fupin resolve_duplicate_cases --merge 把较晚的事项并入最早的事项，"
            "然后重新运行 fupin migrate。"
        )
        % {"count": len(numbers), "numbers": named}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0007_notice_region_required"),
        ("registry", "0013_household_county_order_monitored_index"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="monitoringcase",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ("completed", "rejected")), _negated=True),
                fields=("household", "kind"),
                name="monitoring_case_one_open_per_household_kind",
                violation_error_message="该户已有办理中的同类监测工作事项。",
            ),
        ),
    ]
