"""End the extra memberships of people active in two households at once.

Only a database that lost the one-active-household constraint holds such people (registry
migration 0006 refuses to run until they are resolved). The oldest membership is kept:
the later ones are the ones an import or a form added without noticing the first.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.scope import RegionScope
from fupin.registry import codes
from fupin.registry.models import Member
from fupin.registry.selectors import member_duplicate_list
from fupin.registry.services.member_counts import active_members_refresh
from fupin.registry.services.stale import household_stale_mark


@transaction.atomic
def member_duplicates_end(
    *, actor: AbstractBaseUser | None, scope: RegionScope, removal_date: datetime.date
) -> int:
    """End every active membership but the oldest of each person active in two or more
    households with a membership in the scope; return how many were ended.

    Ended memberships get the reason 其他 and a note naming the household kept. Audit
    action: "registry.member_duplicates_end", one event per ended membership.
    """
    ended = 0
    for person in member_duplicate_list(scope=scope):
        kept, *extra = person.memberships
        note = _("同一人同时在户编号 %(number)s 在册，保留该户的记录。") % {
            "number": kept.household.number
        }
        for member in extra:
            Member.objects.filter(pk=member.pk).update(
                is_active=False,
                removal_reason=codes.RemovalReason.OTHER,
                removal_date=removal_date,
                removal_note=note,
                version=F("version") + 1,
            )
            audit_record(
                actor=actor,
                action="registry.member_duplicates_end",
                subject=member,
                region_code=member.household.village_id,
                changes={
                    "is_active": [True, False],
                    "kept_household": kept.household.number,
                    "date": removal_date.isoformat(),
                },
            )
            ended += 1
        active_members_refresh(member.household_id for member in extra)
        household_stale_mark(household_ids=[member.household_id for member in extra])
    return ended
