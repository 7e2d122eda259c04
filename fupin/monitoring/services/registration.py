"""登记为农户: an applicant whom no registered household matched becomes a registered
household from the case, with what the application already says, so nobody types it twice
and the 户编号 is the system's, never an officer's invention."""

import dataclasses

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.monitoring.models import MonitoringCase, RiskClue
from fupin.monitoring.services.common import _locked_case
from fupin.registry.models import Household
from fupin.registry.services import HouseholdData, MemberData, household_register


@transaction.atomic
def case_household_register(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    case: MonitoringCase,
    data: HouseholdData,
    members: list[MemberData],
) -> Household:
    """Register the case's applicant as a new household in the case's village and link it.

    The 户编号 is generated (`registry.services.household_number_next`) and the village is
    the case's, whatever `data` says. Audit actions: "registry.household_register" and
    "monitoring.case_household_register". Raises NotFoundError for a case outside the
    scope, PermissionDeniedError without the right to edit the registry, ApplicationError
    for a closed case, a case already linked to a household, or what the registry refuses.
    """
    scope.require_visible(case.village_id, _("事项不存在或不在您的管辖范围内。"))
    scope.require(Capability.EDIT_REGISTRY)
    locked = _locked_case(case)
    if not locked.is_open:
        raise ApplicationError(_("该事项已办结，不能再登记农户。"), code="case_closed")
    if locked.household_id is not None:
        raise ApplicationError(_("该事项已关联农户，无需再登记。"), code="household_linked")
    household = household_register(
        actor=actor,
        scope=scope,
        data=dataclasses.replace(data, number="", village_code=locked.village_id),
        members=members,
    )
    locked.household = household
    locked.save(update_fields=["household"])
    RiskClue.objects.filter(case=locked, household__isnull=True).update(household=household)
    case.household = household
    audit_record(
        actor=actor,
        action="monitoring.case_household_register",
        subject=locked,
        region_code=locked.village_id,
        changes={"household": household.number},
    )
    return household
