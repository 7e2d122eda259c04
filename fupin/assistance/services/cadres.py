"""Responsible cadres (帮扶责任人), their assignments to households, and village work
teams (驻村工作队)."""

from collections.abc import Sequence
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.assistance.models import Cadre, CadreAssignment, CadreLevel, TeamPost, WorkTeamMember
from fupin.assistance.selectors import access as access_selectors
from fupin.assistance.selectors import rules as rule_selectors
from fupin.assistance.services.common import check_period, required_text
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import Capability, RegionScope
from fupin.registry.models import Household, HouseholdStatus, Region

Actor = AbstractBaseUser | AnonymousUser | None


@transaction.atomic
def cadre_create(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    name: str,
    unit: str,
    post: str,
    phone: str,
    level: str,
    region_code: str,
    user: User | None = None,
) -> Cadre:
    """Register a responsible cadre working in a region of the scope, optionally linked to
    the account they log in with. Audit action: "assistance.cadre_create"."""
    scope.require(Capability.MANAGE_ASSISTANCE)
    scope.require_region(region_code)
    return cadre_register(
        actor=actor,
        name=name,
        unit=unit,
        post=post,
        phone=phone,
        level=level,
        region_code=region_code,
        user=user,
    )


def cadre_register(
    *,
    actor: Actor,
    name: str,
    unit: str,
    post: str,
    phone: str,
    level: str,
    region_code: str,
    user: User | None = None,
) -> Cadre:
    """Register a cadre once the caller has checked duty and region (`cadre_create` for a
    user, the cadre assignment ledger for its rows); runs in the caller's transaction.
    Audit action: "assistance.cadre_create"."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ApplicationError(_("区划不存在。"), code="region", field="region_code")
    if level not in CadreLevel.values:
        raise ApplicationError(_("请选择干部级别。"), code="level", field="level")
    if user is not None and Cadre.objects.filter(user=user).exists():
        raise ApplicationError(_("该账号已关联其他帮扶责任人。"), code="user_taken", field="user")
    cadre = Cadre.objects.create(
        name=required_text(name, field="name", label=_("姓名")),
        unit=required_text(unit, field="unit", label=_("工作单位")),
        post=post.strip(),
        phone=required_text(phone, field="phone", label=_("联系电话")),
        level=level,
        region=region,
        user=user,
    )
    audit_record(
        actor=actor,
        action="assistance.cadre_create",
        subject=cadre,
        region_code=region_code,
        changes={"name": cadre.name, "unit": cadre.unit, "phone": cadre.phone, "level": level},
    )
    return cadre


def _assign_one(
    *, cadre: Cadre, household: Household, started_on: date, reason: str
) -> tuple[CadreAssignment, CadreAssignment | None]:
    current = (
        CadreAssignment.objects.select_for_update()
        .filter(household=household, ended_on__isnull=True)
        .first()
    )
    if current is not None and current.cadre_id == cadre.pk:
        raise ApplicationError(
            _("户 %(number)s 的帮扶责任人已是%(name)s。")
            % {"number": household.number, "name": cadre.name},
            code="already_assigned",
        )
    if current is not None:
        if started_on < current.started_on:
            raise ApplicationError(
                _("新的结对开始日期不能早于原结对的开始日期。"),
                code="ends_before_start",
                field="started_on",
            )
        current.ended_on = started_on
        current.end_reason = reason or _("更换帮扶责任人")
        current.save(update_fields=["ended_on", "end_reason"])
    assignment = CadreAssignment.objects.create(
        cadre=cadre, household=household, started_on=started_on
    )
    return assignment, current


@transaction.atomic
def cadre_assign(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    cadre: Cadre,
    households: Sequence[Household],
    started_on: date,
    reason: str = "",
) -> list[CadreAssignment]:
    """Make `cadre` responsible for the households from `started_on`, ending each one's
    previous assignment that day (kept as history). All or nothing: a household outside the
    scope, not monitored or 脱贫, or more households than the region allows one cadre,
    refuses the whole request. Audit action: "assistance.cadre_assign" per household."""
    households = list({household.pk: household for household in households}.values())
    if not households:
        raise ApplicationError(_("请至少选择一户。"), code="no_households")
    for household in households:
        access_selectors.require_access(
            scope=scope,
            user=actor,
            household=household,
            needed=access_selectors.Access.MANAGE,
        )
    return assign_households(
        actor=actor,
        scope=scope,
        cadre=cadre,
        households=households,
        started_on=started_on,
        reason=reason,
    )


def assign_households(
    *,
    actor: Actor,
    scope: RegionScope,
    cadre: Cadre,
    households: Sequence[Household],
    started_on: date,
    reason: str = "",
) -> list[CadreAssignment]:
    """`cadre_assign` once the caller has checked its duty to each household (the user's
    access there, the region of the ledger's rows): the cadre's region, cancelled
    households and the limit per cadre; runs in the caller's transaction."""
    if not scope.contains(cadre.region_id) or not cadre.is_active:
        raise NotFoundError(_("帮扶责任人不存在或不在您的管辖范围内。"))
    for household in households:
        if not household.village_id.startswith(cadre.region_id):
            raise ApplicationError(
                _("户 %(number)s 不在该帮扶责任人的帮扶区域内。") % {"number": household.number},
                code="outside_cadre_region",
            )
        if household.status in (HouseholdStatus.CANCELLED,):
            raise ApplicationError(
                _("户 %(number)s 已注销，不能结对帮扶。") % {"number": household.number},
                code="household_cancelled",
            )
    setting = rule_selectors.setting_for(cadre.region_id)
    already = set(
        CadreAssignment.objects.filter(cadre=cadre, ended_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    total = len(already | {household.pk for household in households})
    if total > setting.max_households_per_cadre:
        raise ApplicationError(
            _("每名帮扶责任人最多联系 %(limit)s 户，%(name)s 结对后将联系 %(total)s 户。")
            % {"limit": setting.max_households_per_cadre, "name": cadre.name, "total": total},
            code="too_many_households",
        )
    assignments = []
    for household in households:
        assignment, previous = _assign_one(
            cadre=cadre, household=household, started_on=started_on, reason=reason.strip()
        )
        audit_record(
            actor=actor,
            action="assistance.cadre_assign",
            subject=assignment,
            region_code=household.village_id,
            changes={
                "household": household.number,
                "cadre": [previous.cadre.name if previous else "", cadre.name],
                "started_on": started_on.isoformat(),
            },
        )
        assignments.append(assignment)
    return assignments


@transaction.atomic
def cadre_assignment_end(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    assignment: CadreAssignment,
    ended_on: date,
    reason: str,
) -> CadreAssignment:
    """End a current assignment (the household then awaits a new cadre). Audit action:
    "assistance.cadre_assignment_end"."""
    access_selectors.require_access(
        scope=scope,
        user=actor,
        household=assignment.household,
        needed=access_selectors.Access.MANAGE,
    )
    if assignment.ended_on is not None:
        raise ApplicationError(_("该结对已经结束。"), code="already_ended")
    check_period(assignment.started_on, ended_on)
    assignment.ended_on = ended_on
    assignment.end_reason = required_text(reason, field="reason", label=_("结束原因"))
    assignment.save(update_fields=["ended_on", "end_reason"])
    audit_record(
        actor=actor,
        action="assistance.cadre_assignment_end",
        subject=assignment,
        region_code=assignment.household.village_id,
        changes={"ended_on": ended_on.isoformat(), "end_reason": assignment.end_reason},
    )
    return assignment


@transaction.atomic
def work_team_member_add(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    village_code: str,
    name: str,
    unit: str,
    post: str,
    phone: str,
    started_on: date,
    ended_on: date | None = None,
) -> WorkTeamMember:
    """Add a person to a village's work team (驻村工作队) for a period. Audit action:
    "assistance.work_team_member_add"."""
    scope.require(Capability.MANAGE_ASSISTANCE)
    scope.require_visible(village_code, _("村不存在或不在您的管辖范围内。"))
    village = Region.objects.filter(code=village_code, level=Region.Level.VILLAGE).first()
    if village is None:
        raise ApplicationError(_("请选择村。"), code="village", field="village_code")
    if post not in TeamPost.values:
        raise ApplicationError(_("请选择职务。"), code="post", field="post")
    check_period(started_on, ended_on)
    if (
        post == TeamPost.FIRST_SECRETARY
        and WorkTeamMember.objects.filter(
            village=village, post=TeamPost.FIRST_SECRETARY, ended_on__isnull=True
        ).exists()
        and ended_on is None
    ):
        raise ApplicationError(
            _("该村已有在任的第一书记，请先登记其离任日期。"), code="first_secretary_taken"
        )
    member = WorkTeamMember.objects.create(
        village=village,
        name=required_text(name, field="name", label=_("姓名")),
        unit=required_text(unit, field="unit", label=_("派出单位")),
        post=post,
        phone=phone.strip(),
        started_on=started_on,
        ended_on=ended_on,
    )
    audit_record(
        actor=actor,
        action="assistance.work_team_member_add",
        subject=member,
        region_code=village_code,
        changes={"name": member.name, "post": post, "phone": member.phone},
    )
    return member


@transaction.atomic
def work_team_member_end(
    *, actor: AbstractBaseUser, scope: RegionScope, member: WorkTeamMember, ended_on: date
) -> WorkTeamMember:
    """Record the day a person left the work team. Audit action:
    "assistance.work_team_member_end"."""
    scope.require(Capability.MANAGE_ASSISTANCE)
    scope.require_visible(member.village_id, _("工作队成员不存在或不在您的管辖范围内。"))
    if member.ended_on is not None:
        raise ApplicationError(_("该成员已经离任。"), code="already_ended")
    check_period(member.started_on, ended_on)
    member.ended_on = ended_on
    member.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="assistance.work_team_member_end",
        subject=member,
        region_code=member.village_id,
        changes={"ended_on": ended_on.isoformat()},
    )
    return member
