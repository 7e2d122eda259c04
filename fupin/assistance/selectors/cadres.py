"""Reads of cadres, work teams and a cadre's households, with visit and assignment
deadlines as dates (monitoring's 待办 counts working days on its own calendar)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.accounts.scoping import ROLE_RULES
from fupin.assistance.models import AssistanceSetting, Cadre, CadreAssignment, Visit, WorkTeamMember
from fupin.assistance.selectors import access as access_selectors
from fupin.assistance.selectors import rules as rule_selectors
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent


def cadre_list(*, scope: RegionScope) -> QuerySet[Cadre]:
    """Active cadres whose region lies in the scope, with their current household counts."""
    return scope.filter(Cadre.objects.filter(is_active=True), region_field="region__code")


@dataclass(frozen=True)
class CadreRow:
    cadre: Cadre
    households: int


def cadre_rows(*, scope: RegionScope) -> list[CadreRow]:
    """The scope's active cadres with how many households each helps now, by name."""
    cadres = (
        cadre_list(scope=scope)
        .select_related("region")
        .annotate(current=Count("assignments", filter=Q(assignments__ended_on__isnull=True)))
        .order_by("name", "id")[:500]
    )
    return [CadreRow(cadre, cadre.current) for cadre in cadres]


def account_for_cadre(*, scope: RegionScope, username: str) -> User | None:
    """The login account named `username` for a cadre record: it must hold the 帮扶责任人
    duty in a region of the scope. Blank means none."""
    if not username.strip():
        return None
    user = User.objects.filter(
        username=username.strip(),
        assignments__is_active=True,
        assignments__role__in=[
            role
            for role, rule in ROLE_RULES.items()
            if Capability.HELP_ASSIGNED_HOUSEHOLDS in rule.duties
        ],
    ).first()
    assignment = user.assignments.filter(is_active=True).first() if user else None
    if user is None or assignment is None or not scope.contains(assignment.region_code):
        raise ApplicationError(
            _("账号“%(username)s”不存在，或不是本区域的帮扶责任人账号。")
            % {"username": username.strip()},
            code="account",
            field="username",
        )
    return user


def cadre_get(*, scope: RegionScope, cadre_id: int) -> Cadre | None:
    return cadre_list(scope=scope).filter(pk=cadre_id).first()


def cadre_of_user(user: AbstractBaseUser) -> Cadre | None:
    return Cadre.objects.filter(user_id=user.pk, is_active=True).first()


def current_household_count(cadre: Cadre) -> int:
    return CadreAssignment.objects.filter(cadre=cadre, ended_on__isnull=True).count()


def work_team(*, scope: RegionScope, village_code: str) -> list[WorkTeamMember]:
    """A village's work-team roster, present and past, when the village is in scope."""
    if not scope.contains(village_code):
        return []
    return list(WorkTeamMember.objects.filter(village_id=village_code))


@dataclass(frozen=True)
class VisitDue:
    """A household a cadre must visit, with the day the next visit is due."""

    household: Household
    last_visit: date | None
    due_on: date
    days_left: int
    state: str  # "ok", "warning" (orange) or "overdue" (red)


def _currently_assigned() -> QuerySet[CadreAssignment, int]:
    return CadreAssignment.objects.filter(ended_on__isnull=True).values_list(
        "household_id", flat=True
    )


def _last_visit_subquery() -> Subquery:
    return Subquery(
        Visit.objects.filter(household=OuterRef("pk"))
        .values("household")
        .annotate(last=Max("visited_on"))
        .values("last")[:1]
    )


def visits_due(
    *, scope: RegionScope, user: AbstractBaseUser, today: date, only_mine: bool
) -> list[VisitDue]:
    """Monitored households with a responsible cadre and the day their next visit is due
    (from the last visit, or from the assignment when none), soonest first. `only_mine`
    keeps the households assigned to the user's own cadre record."""
    rows, _total = visits_due_first(
        scope=scope, user=user, today=today, only_mine=only_mine, attention_only=False
    )
    return rows


def visits_due_first(
    *,
    scope: RegionScope,
    user: AbstractBaseUser,
    today: date,
    only_mine: bool,
    attention_only: bool,
    limit: int | None = None,
) -> tuple[list[VisitDue], int]:
    """`visits_due` (only those overdue or coming due with `attention_only`), the first
    `limit` of them and how many there are. The dates are worked out from plain values and
    only the households shown are read: an office's county has thousands (issue #17)."""
    households = Household.objects.filter(
        status=HouseholdStatus.MONITORED, pk__in=_currently_assigned()
    )
    households = access_selectors.visible_households(scope=scope, user=user, households=households)
    if only_mine:
        households = households.filter(pk__in=_currently_assigned().filter(cadre__user_id=user.pk))
    values = (
        households.annotate(
            last_visit=_last_visit_subquery(),
            assigned_on=Subquery(
                CadreAssignment.objects.filter(
                    household=OuterRef("pk"), ended_on__isnull=True
                ).values("started_on")[:1]
            ),
        )
        .order_by("id")
        .values_list("id", "village_id", "level__risk_level", "last_visit", "assigned_on")
    )
    settings: list[AssistanceSetting] | None = None
    schedule: list[tuple[date, int, date | None, int, str]] = []
    for household_id, village_id, risk_level, last_visit, assigned_on in values:
        settings = settings if settings is not None else rule_selectors.all_settings()
        setting = rule_selectors.setting_for(village_id, rows=settings)
        # No level row (not assessed yet): the interval for households without a colour.
        interval = rule_selectors.visit_interval_days(setting, risk_level or "")
        due_on = (last_visit or assigned_on) + timedelta(days=interval)
        days_left = (due_on - today).days
        if days_left < 0:
            state = "overdue"
        elif days_left <= setting.visit_warning_days:
            state = "warning"
        else:
            state = "ok"
        if state != "ok" or not attention_only:
            schedule.append((due_on, household_id, last_visit, days_left, state))
    schedule.sort(key=lambda row: (row[0], row[1]))
    shown = schedule[:limit] if limit is not None else schedule
    by_id = Household.objects.select_related("village").in_bulk([row[1] for row in shown])
    return [
        VisitDue(by_id[household_id], last_visit, due_on, days_left, state)
        for due_on, household_id, last_visit, days_left, state in shown
    ], len(schedule)


@dataclass(frozen=True)
class CadreMissing:
    """A monitored household without a responsible cadre (its id, 户编号 and village), with
    the day it was identified and the number of working days the region allows to assign
    one."""

    household_id: int
    number: str
    village_id: str
    identified_on: date
    allowed_working_days: int


def households_without_cadre(*, scope: RegionScope) -> list[CadreMissing]:
    """Monitored households in scope with no current responsible cadre (offices only).
    Plain values, not households: a county waiting for its first assignments has thousands,
    and the 待办 page sorts them all to show the most urgent (issue #17)."""
    if not scope.can(Capability.MANAGE_ASSISTANCE):
        return []
    households = scope.filter(
        Household.objects.filter(status=HouseholdStatus.MONITORED).exclude(
            pk__in=_currently_assigned()
        ),
        region_field="village__code",
    ).annotate(
        identified_on=Subquery(
            HouseholdStatusEvent.objects.filter(
                household=OuterRef("pk"), kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
            )
            .order_by("-occurred_on", "-id")
            .values("occurred_on")[:1]
        )
    )
    result = []
    settings: list[AssistanceSetting] | None = None
    # Thousands of a county's households lie in a few hundred villages: one look-up each.
    allowed_days: dict[str, int] = {}
    for household_id, number, village_id, identified_on in households.order_by("id").values_list(
        "id", "number", "village_id", "identified_on"
    ):
        if identified_on is None:
            continue
        if village_id not in allowed_days:
            settings = settings if settings is not None else rule_selectors.all_settings()
            setting = rule_selectors.setting_for(village_id, rows=settings)
            allowed_days[village_id] = setting.assign_working_days
        result.append(
            CadreMissing(household_id, number, village_id, identified_on, allowed_days[village_id])
        )
    return result


def my_households(*, user: AbstractBaseUser) -> list[CadreAssignment]:
    """The current assignments of the user's own cadre record, households first by number."""
    return list(
        CadreAssignment.objects.filter(cadre__user_id=user.pk, ended_on__isnull=True)
        .select_related("household", "household__village", "cadre")
        .order_by("household__number")
    )
