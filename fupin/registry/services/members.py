"""Member writes: add, change, remove (with a new head when the head leaves), move to
another household, and the audited reveal of an ID number."""

import dataclasses
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdStatusEvent,
    Member,
)
from fupin.registry.services.households import (
    MemberData,
    _bump,
    _changes,
    _check_codes,
    _check_not_active_elsewhere,
    _constraints_explained,
    _locked_household,
    _member_values,
    _require_edit,
    _snapshot,
)
from fupin.registry.services.member_counts import active_members_refresh
from fupin.registry.services.stale import household_stale_mark
from fupin.registry.services.status import _record_status

_MEMBER_FIELDS = [field.name for field in dataclasses.fields(MemberData)]


@transaction.atomic
def member_add(
    *, actor: AbstractBaseUser, scope: RegionScope, household: Household, data: MemberData
) -> Member:
    """Add a member to a household. Audit action: "registry.member_add"."""
    _require_edit(scope, household.village_id)
    current = _locked_household(household.pk)
    values = _member_values(data)
    if (
        values["relation"] == codes.Relation.HEAD
        and current.members.filter(is_active=True, relation=codes.Relation.HEAD).exists()
    ):
        raise ApplicationError(_("该户已有户主。"), code="head_count")
    _check_not_active_elsewhere(values["id_number"], values["name"], except_member=None)
    with _constraints_explained():
        member = Member.objects.create(household=current, **values)
    Household.objects.filter(pk=current.pk).update(version=F("version") + 1)
    active_members_refresh([current.pk])
    household_stale_mark(household_ids=[current.pk])
    audit_record(
        actor=actor,
        action="registry.member_add",
        subject=member,
        region_code=current.village_id,
        changes=_changes({}, values),
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    member: Member,
    expected_version: int,
    data: MemberData,
) -> Member:
    """Correct a member's fields. Audit action: "registry.member_update".

    The head's relation cannot be changed here and nobody else can become head here
    (a household always has exactly one 户主); raises ConcurrentEditError on a stale edit.
    """
    household = member.household
    _require_edit(scope, household.village_id)
    values = _member_values(data)
    if (values["relation"] == codes.Relation.HEAD) != member.is_head:
        raise ApplicationError(
            _("不能在此更改户主。户主去世或迁出时，请在减少成员时指定新户主。"),
            code="head_change",
        )
    if values["id_number"] != member.id_number:
        _check_not_active_elsewhere(values["id_number"], values["name"], except_member=member.pk)
    _bump(Member, member.pk, expected_version)
    current = Member.objects.select_for_update().get(pk=member.pk)
    before = _snapshot(current, list(values))
    for name, value in values.items():
        setattr(current, name, value)
    with _constraints_explained():
        current.save()
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
    if before.get("name") != current.name:
        active_members_refresh([household.pk])
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="registry.member_update",
        subject=current,
        region_code=household.village_id,
        changes=_changes(before, values),
    )
    return current


def _promote_new_head(household: Household, new_head_id: int | None, leaving: Member) -> None:
    others = household.members.filter(is_active=True).exclude(pk=leaving.pk)
    if not others.exists():
        return
    new_head = others.filter(pk=new_head_id).first() if new_head_id else None
    if new_head is None:
        raise ApplicationError(
            _("%(name)s 是户主，请先从其他在册成员中指定新户主。") % {"name": leaving.name},
            code="new_head_required",
        )
    # The old head leaves the active set first, so the one-head constraint holds throughout.
    Member.objects.filter(pk=new_head.pk).update(
        relation=codes.Relation.HEAD, version=F("version") + 1
    )


@transaction.atomic
def member_remove(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    member: Member,
    expected_version: int,
    reason: str,
    removal_date: date,
    note: str = "",
    new_head_id: int | None = None,
) -> Member:
    """Record a member's natural decrease (自然减少: death, migration, marriage, …).

    Removing the head names a new head among the others; removing the last member cancels
    the household (注销) with the same reason. Audit action: "registry.member_remove".
    """
    household = member.household
    _require_edit(scope, household.village_id)
    if reason not in codes.RemovalReason.values:
        raise ApplicationError(_("请选择减少原因。"), code="reason_required")
    if not member.is_active:
        raise ApplicationError(_("该成员已不在册。"), code="already_removed")
    _bump(Member, member.pk, expected_version)
    Member.objects.filter(pk=member.pk).update(
        is_active=False, removal_reason=reason, removal_date=removal_date, removal_note=note
    )
    if member.is_head:
        _promote_new_head(household, new_head_id, member)
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
    active_members_refresh([household.pk])
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="registry.member_remove",
        subject=member,
        region_code=household.village_id,
        changes={"reason": reason, "date": removal_date.isoformat(), "note": note},
    )
    if not household.members.filter(is_active=True).exists():
        _record_status(
            actor=actor,
            household=household,
            kind=HouseholdStatusEvent.Kind.CANCELLED,
            occurred_on=removal_date,
            year=removal_date.year,
            removal_reason=reason,
            note=_("最后一名成员减少，整户注销。"),
        )
    member.refresh_from_db()
    return member


@transaction.atomic
def member_move(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    member: Member,
    expected_version: int,
    target_household: Household,
    relation: str,
    reason: str,
    moved_on: date,
) -> Member:
    """Move a person to another household (分户, marriage): the old record leaves with the
    reason and a new one joins the target with the given relation to its head.

    Both households must be in scope. The head moves only when nobody else remains.
    Audit action: "registry.member_move".
    """
    source = member.household
    _require_edit(scope, source.village_id)
    _require_edit(scope, target_household.village_id)
    if target_household.pk == source.pk:
        raise ApplicationError(_("目标户与原户相同。"), code="same_household")
    if reason not in codes.RemovalReason.values:
        raise ApplicationError(_("请选择迁出原因。"), code="reason_required")
    if relation == codes.Relation.HEAD:
        raise ApplicationError(
            _("迁入已有户主的农户时不能作为户主，请选择与户主关系。"), code="head_count"
        )
    _check_codes(relation, codes.Relation, _("与户主关系"), required=True)
    if member.is_head and source.members.filter(is_active=True).exclude(pk=member.pk).exists():
        raise ApplicationError(
            _("%(name)s 是户主，原户还有其他成员，请先减少或变更户主后再迁出。")
            % {"name": member.name},
            code="head_moves",
        )
    _bump(Member, member.pk, expected_version)
    Member.objects.filter(pk=member.pk).update(
        is_active=False,
        removal_reason=reason,
        removal_date=moved_on,
        removal_note=_("迁入户编号 %(number)s") % {"number": target_household.number},
    )
    values = _snapshot(member, [*_MEMBER_FIELDS, "id_needs_review"])
    values["relation"] = relation
    with _constraints_explained():
        moved = Member.objects.create(household=target_household, **values)
    Household.objects.filter(pk__in=[source.pk, target_household.pk]).update(
        version=F("version") + 1
    )
    active_members_refresh([source.pk, target_household.pk])
    household_stale_mark(household_ids=[source.pk, target_household.pk])
    audit_record(
        actor=actor,
        action="registry.member_move",
        subject=moved,
        region_code=target_household.village_id,
        changes={
            "from": source.number,
            "to": target_household.number,
            "reason": reason,
            "relation": relation,
        },
    )
    if not source.members.filter(is_active=True).exists():
        _record_status(
            actor=actor,
            household=source,
            kind=HouseholdStatusEvent.Kind.CANCELLED,
            occurred_on=moved_on,
            year=moved_on.year,
            removal_reason=reason,
            note=_("成员全部迁出，整户注销。"),
        )
    return moved


@transaction.atomic
def member_reveal_id_number(*, actor: AbstractBaseUser, scope: RegionScope, member: Member) -> str:
    """Return a member's full ID number for a role that needs it, and audit the viewing.

    Audit action: "registry.member_reveal_id_number".
    """
    scope.require(Capability.VIEW_PERSONAL_DATA)
    scope.require_visible(member.household.village_id, _("农户不存在或不在您的管辖范围内。"))
    audit_record(
        actor=actor,
        action="registry.member_reveal_id_number",
        subject=member,
        region_code=member.household.village_id,
    )
    return member.id_number
