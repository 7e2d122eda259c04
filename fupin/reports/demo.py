"""Demo data of the reports app: the demo town's villages get exit (出列) data for 2020, so
the 贫困发生率 page has figures, and the tallies are counted once so the first dashboard
opens at once."""

from django.db.models import Count

from fupin.registry.models import Household, Region
from fupin.reports.models import VillageExitRecord
from fupin.reports.selectors.exit import exit_indicator_set_for
from fupin.reports.tallies import tally_catch_up

DEMO_EXIT_YEAR = 2020
# Registered households are about a quarter of a village's households in the demo county.
PEOPLE_PER_REGISTERED_HOUSEHOLD = 12


def demo_reports_prepare(*, town_code: str) -> int:
    """Enter 2020 exit data for the town's villages that have households (idempotent);
    return how many records were created."""
    tally_catch_up()
    created = 0
    households = dict(
        Household.objects.filter(village__code__startswith=town_code)
        .values("village_id")
        .annotate(count=Count("pk"))
        .values_list("village_id", "count")
    )
    villages = Region.objects.filter(code__in=list(households), level=Region.Level.VILLAGE)
    for village in villages:
        indicator_set = exit_indicator_set_for(village.code, DEMO_EXIT_YEAR)
        if indicator_set is None:
            continue
        items = [item["code"] for item in indicator_set.items if item["code"] != "poverty_rate"]
        _record, was_created = VillageExitRecord.objects.get_or_create(
            village_code=village.code,
            year=DEMO_EXIT_YEAR,
            defaults={
                "indicator_set": indicator_set.code,
                "rural_population": households[village.code] * PEOPLE_PER_REGISTERED_HOUSEHOLD,
                "values": {
                    code: {"met": index % 5 != 4, "evidence": "演示数据"}
                    for index, code in enumerate(items)
                },
            },
        )
        created += was_created
    return created
