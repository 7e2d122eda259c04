from dataclasses import dataclass

from django.utils.translation import gettext as _

from fupin.accounts.selectors import user_list
from fupin.core.scope import Capability, RegionScope
from fupin.jobs.models import Job
from fupin.jobs.selectors import job_list
from fupin.registry.codes import HouseholdType
from fupin.registry.models import Household, Region
from fupin.registry.selectors import household_counts, region_counts_by_level


@dataclass(frozen=True)
class StatCard:
    key: str
    label: str
    value: int


def home_stats(*, scope: RegionScope) -> list[StatCard]:
    """The counts that exist so far for the scope: regions below it, users, running jobs."""
    by_level = region_counts_by_level(scope=scope)
    cards = [
        StatCard(f"level-{level}", _("%(level)s区划") % {"level": Region.Level(level).label}, count)
        for level, count in sorted(by_level.items())
    ]
    households = household_counts(
        scope.filter(Household.objects.all(), region_field="village__code")
    )
    cards += [
        StatCard("households", _("建档农户"), households["households"]),
        StatCard("people", _("在册人口"), households["people"]),
        StatCard("monitored", _("监测户"), households.get(HouseholdType.MONITORED, 0)),
    ]
    if scope.can(Capability.MANAGE_USERS):
        cards.append(StatCard("users", _("用户"), user_list(scope=scope).count()))
    active_jobs = job_list(scope=scope).filter(status__in=[Job.Status.PENDING, Job.Status.RUNNING])
    cards.append(StatCard("jobs", _("进行中的任务"), active_jobs.count()))
    return cards
