"""Policy parameters for synthetic counties: the monitoring ranges and poverty lines the
generator assumed when it drew the incomes (registry.synthetic.profile), stored as policy
parameters of the county and labelled as assumptions, so that the demo and the benchmarks
can be assessed. They are never seeded by a migration: a real region sets its own values.
"""

from decimal import Decimal

from django.db import transaction

from fupin.assessment.models import PolicyParameter
from fupin.audit.services import audit_record
from fupin.registry.synthetic.profile import MONITORING_LINES, POVERTY_LINES

SYNTHETIC_BASIS = "模拟数据的假定值，不是政策文件（仅供演示和测试）"
# The generator models no poverty line after 2020; its assumption carries the 2020 value.
_LAST_POVERTY_LINE_YEAR = max(POVERTY_LINES)


@transaction.atomic
def synthetic_parameters_set(*, region_code: str) -> int:
    """Store the generator's assumed 监测范围 and 扶贫标准 for every year it draws incomes
    for, as the region's own parameters; returns how many values were written.

    Audit action: "assessment.synthetic_parameters_set".
    """
    values: list[tuple[str, int, int]] = [
        ("monitoring_line", year, amount) for year, amount in MONITORING_LINES.items()
    ]
    values += [
        ("poverty_line", year, POVERTY_LINES.get(year, POVERTY_LINES[_LAST_POVERTY_LINE_YEAR]))
        for year in MONITORING_LINES
    ]
    for name, year, amount in values:
        PolicyParameter.objects.update_or_create(
            name=name,
            region_code=region_code,
            year=year,
            defaults={"value": Decimal(amount), "basis": SYNTHETIC_BASIS},
        )
    audit_record(
        actor=None,
        action="assessment.synthetic_parameters_set",
        subject_type="registry.region",
        subject_id=region_code,
        region_code=region_code,
        changes={"values": len(values)},
    )
    return len(values)
