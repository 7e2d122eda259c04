"""The single home of scope rules: which role sits at which region level, what each role
may do, and what a user sees (the subtree under the region code prefix of their active
assignment, optionally narrowed by drill-down)."""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from fupin.accounts.models import RegionAssignment, Role, User
from fupin.core.errors import PermissionDeniedError
from fupin.core.region_codes import RegionLevel, level_of
from fupin.core.scope import Capability, RegionScope


@dataclass(frozen=True)
class RoleRule:
    """`capabilities` are rights a granter must hold to hand the role out; `duties` are the
    monitoring steps the post performs at its own level. Duties are work, not reach: a county
    administrator appoints village officers without registering clues themselves, so the
    grant rule compares rights only. A scope carries both."""

    levels: frozenset[RegionLevel]
    capabilities: frozenset[Capability]
    may_be_nationwide: bool = False
    duties: frozenset[Capability] = frozenset()


_ADMIN = frozenset({Capability.VIEW_AUDIT, Capability.MANAGE_USERS})
# Those who keep the registry up to date may edit it and reveal personal data (audited).
_REGISTRY_KEEPER = frozenset({Capability.EDIT_REGISTRY, Capability.VIEW_PERSONAL_DATA})
_ALL_LEVELS = frozenset(RegionLevel)
_POLICY = frozenset({Capability.RUN_ASSESSMENT, Capability.MANAGE_POLICY})
# Village cadres find risks and carry a case to 公示; the county decides and announces, and
# turns assessment outcomes into warnings (DOMAIN §5).
_VILLAGE_DUTIES = frozenset(
    {
        Capability.REGISTER_CLUES,
        Capability.PROPOSE_ELIMINATION,
        Capability.HANDLE_VILLAGE_STEPS,
        Capability.ANSWER_FINDINGS,
    }
)
_TOWNSHIP_DUTIES = frozenset({Capability.HANDLE_TOWNSHIP_STEPS, Capability.REVIEW_FINDINGS})
_COUNTY_DUTIES = frozenset(
    {
        Capability.PROPOSE_ELIMINATION,
        Capability.GENERATE_WARNINGS,
        Capability.HANDLE_COUNTY_STEPS,
    }
)
# Who is told that next year's holiday schedule is missing: those who enter it, and the
# county administrators whose offices' deadlines turn provisional without it.
_CALENDAR_WATCH = frozenset({Capability.WATCH_CALENDAR})
# The county and village offices assign cadres and keep plans and measures (DOMAIN §7).
_ASSISTANCE_OFFICE = frozenset({Capability.MANAGE_ASSISTANCE})
# Townships propose a village's exit (出列) and the county approves it (DOMAIN §6): both
# enter the village's indicator values.
_EXIT_RECORDS = frozenset({Capability.RECORD_EXIT_INDICATORS})

_BASE_RULES: dict[Role, RoleRule] = {
    Role.PROVINCE_ADMIN: RoleRule(frozenset({RegionLevel.PROVINCE}), _ADMIN | _POLICY),
    Role.CITY_ADMIN: RoleRule(frozenset({RegionLevel.CITY}), _ADMIN | {Capability.RUN_ASSESSMENT}),
    Role.COUNTY_ADMIN: RoleRule(
        frozenset({RegionLevel.COUNTY}),
        _ADMIN | _REGISTRY_KEEPER | _POLICY | _EXIT_RECORDS,
        duties=_COUNTY_DUTIES | _CALENDAR_WATCH | _ASSISTANCE_OFFICE | {Capability.UPLOAD_FEEDS},
    ),
    Role.COUNTY_STAFF: RoleRule(
        frozenset({RegionLevel.COUNTY}),
        _REGISTRY_KEEPER | {Capability.RUN_ASSESSMENT} | _EXIT_RECORDS,
        duties=_COUNTY_DUTIES | _ASSISTANCE_OFFICE | {Capability.UPLOAD_FEEDS},
    ),
    Role.TOWNSHIP_REVIEWER: RoleRule(
        frozenset({RegionLevel.TOWN}),
        frozenset({Capability.VIEW_PERSONAL_DATA}) | _EXIT_RECORDS,
        duties=_TOWNSHIP_DUTIES,
    ),
    Role.VILLAGE_OFFICER: RoleRule(
        frozenset({RegionLevel.VILLAGE}),
        _REGISTRY_KEEPER,
        duties=_VILLAGE_DUTIES | _ASSISTANCE_OFFICE,
    ),
    Role.VILLAGE_TEAM: RoleRule(
        frozenset({RegionLevel.VILLAGE}),
        _REGISTRY_KEEPER,
        duties=_VILLAGE_DUTIES | _ASSISTANCE_OFFICE,
    ),
    Role.RESPONSIBLE_CADRE: RoleRule(
        frozenset({RegionLevel.VILLAGE}),
        frozenset(),
        duties=frozenset({Capability.HELP_ASSIGNED_HOUSEHOLDS}),
    ),
    # Departments deliver their data as a duty of the post, so the administrators who set
    # up their accounts need not hold it themselves.
    Role.DEPARTMENT_USER: RoleRule(
        frozenset({RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY}),
        frozenset(),
        duties=frozenset({Capability.UPLOAD_FEEDS}),
    ),
    Role.AUDITOR: RoleRule(_ALL_LEVELS, frozenset({Capability.VIEW_AUDIT})),
    Role.SYSTEM_ADMIN: RoleRule(
        _ALL_LEVELS,
        _ADMIN
        | _REGISTRY_KEEPER
        | _POLICY
        | _EXIT_RECORDS
        | {Capability.LOAD_REGIONS, Capability.MANAGE_CALENDAR},
        may_be_nationwide=True,
        duties=_CALENDAR_WATCH | _ASSISTANCE_OFFICE | {Capability.UPLOAD_FEEDS},
    ),
}


# A module's rights and duties per role: (rights, duties). New modules add a table here
# rather than editing the base table, so each module's reasons read in one place.
ModuleRules = dict[Role, tuple[frozenset[Capability], frozenset[Capability]]]
_NOTHING: tuple[frozenset[Capability], frozenset[Capability]] = (frozenset(), frozenset())

# Rectification (issue #16): every level from the village up rectifies its own problems and
# reviews the 销号 of the level below; the county registers complaints; the level above the
# place complained about handles them and may see who complained; province and county open
# 排查/回头看 campaigns, whose visits the village cadres (and the responsible cadres living
# there) carry out.
_RECTIFY = frozenset({Capability.RECTIFY, Capability.REVIEW_RECTIFICATION})
_COMPLAINTS = frozenset({Capability.REGISTER_COMPLAINTS, Capability.HANDLE_COMPLAINTS})
_VISITS = frozenset({Capability.VISIT_HOUSEHOLDS})
_COMPLAINANT = frozenset({Capability.VIEW_COMPLAINANT})
RECTIFICATION_RULES: ModuleRules = {
    Role.PROVINCE_ADMIN: (frozenset(), _RECTIFY | {Capability.MANAGE_CAMPAIGNS}),
    Role.CITY_ADMIN: (frozenset(), _RECTIFY | {Capability.HANDLE_COMPLAINTS}),
    Role.COUNTY_ADMIN: (_COMPLAINANT, _RECTIFY | _COMPLAINTS | {Capability.MANAGE_CAMPAIGNS}),
    Role.COUNTY_STAFF: (_COMPLAINANT, _RECTIFY | _COMPLAINTS | {Capability.MANAGE_CAMPAIGNS}),
    Role.TOWNSHIP_REVIEWER: (_COMPLAINANT, _RECTIFY | {Capability.HANDLE_COMPLAINTS}),
    Role.VILLAGE_OFFICER: (frozenset(), frozenset({Capability.RECTIFY}) | _VISITS),
    Role.VILLAGE_TEAM: (frozenset(), frozenset({Capability.RECTIFY}) | _VISITS),
    Role.RESPONSIBLE_CADRE: (frozenset(), _VISITS),
    # Holds every right so that it can still appoint county administrators.
    Role.SYSTEM_ADMIN: (_COMPLAINANT, frozenset()),
}

# Finance (issue #15): duties of the posts that do that work at their own level — the county
# keeps loans and funds and decides projects, the township reviews, the village proposes.
_COUNTY_FINANCE = frozenset(
    {Capability.MANAGE_LOANS, Capability.MANAGE_FUNDS, Capability.DECIDE_PROJECTS}
)
FINANCE_RULES: ModuleRules = {
    Role.COUNTY_ADMIN: (frozenset(), _COUNTY_FINANCE),
    Role.COUNTY_STAFF: (frozenset(), _COUNTY_FINANCE),
    Role.TOWNSHIP_REVIEWER: (frozenset(), frozenset({Capability.REVIEW_PROJECTS})),
    Role.VILLAGE_OFFICER: (frozenset(), frozenset({Capability.PROPOSE_PROJECTS})),
    Role.VILLAGE_TEAM: (frozenset(), frozenset({Capability.PROPOSE_PROJECTS})),
}


def _with_modules(base: dict[Role, RoleRule], *modules: ModuleRules) -> dict[Role, RoleRule]:
    return {
        role: replace(
            rule,
            capabilities=rule.capabilities.union(*(m.get(role, _NOTHING)[0] for m in modules)),
            duties=rule.duties.union(*(m.get(role, _NOTHING)[1] for m in modules)),
        )
        for role, rule in base.items()
    }


ROLE_RULES: dict[Role, RoleRule] = _with_modules(_BASE_RULES, RECTIFICATION_RULES, FINANCE_RULES)


def role_allows_level(role: Role, level: RegionLevel | None) -> bool:
    rule = ROLE_RULES[role]
    if level is None:
        return rule.may_be_nationwide
    return level in rule.levels


def may_grant(scope: RegionScope, role: Role) -> bool:
    """Whether acting in `scope` allows handing out `role` at all: the granter manages
    users, the role gives nothing the granter does not have (so nobody widens their own
    reach through an account they set up), and it can sit at or below the granter's level.
    Where exactly is `grant_check`'s business."""
    if not scope.can(Capability.MANAGE_USERS):
        return False
    rule = ROLE_RULES[role]
    if not rule.capabilities <= scope.capabilities:
        return False
    if not scope.root_prefix:
        return True
    own_level = level_of(scope.root_prefix)
    return any(level >= own_level for level in rule.levels)


def grantable_roles(scope: RegionScope) -> list[Role]:
    """The roles `scope` may hand out (see `may_grant`), in the order of `Role`."""
    return [role for role in Role if may_grant(scope, role)]


def grant_check(
    scope: RegionScope | None,
    *,
    actor_id: int | None,
    user_id: int | None,
    role: Role,
    region_code: str,
) -> None:
    """Refuse granting, changing or revoking `role` in `region_code` on account `user_id`
    (None: an account still to be created).

    `scope` None is the command line, trusted like the database. Otherwise the actor may
    never touch their own account's roles (a city administrator must not make themselves a
    county administrator below), the role must pass `may_grant`, and the region must lie in
    the actor's own subtree. Raises PermissionDeniedError.
    """
    if scope is None:
        return
    if actor_id is not None and actor_id == user_id:
        raise PermissionDeniedError(
            _("不能为自己的账号分配、变更或撤销角色，请由上级管理员办理。"), code="own_account"
        )
    scope.require(Capability.MANAGE_USERS)
    if not may_grant(scope, role):
        raise PermissionDeniedError(
            _("您不能分配“%(role)s”角色：只能分配权限不超过本人、且在本级及以下的角色。")
            % {"role": role.label},
            code="role_not_grantable",
        )
    if not scope.contains_root(region_code):
        raise PermissionDeniedError(
            _("只能在本级及下级区划内分配角色。"), code="region_outside_scope"
        )


def scope_for_assignment(
    assignment: RegionAssignment, *, focus_code: str | None = None
) -> RegionScope:
    """The scope of one assignment, narrowed to `focus_code` when it lies inside."""
    role = Role(assignment.role)
    root = assignment.region_code
    prefix = root
    region_name = assignment.region.name if assignment.region is not None else _("全国")
    if focus_code and focus_code.startswith(root) and focus_code != root:
        prefix = focus_code
    return RegionScope(
        role=role.value,
        role_label=str(role.label),
        prefix=prefix,
        root_prefix=root,
        region_name=region_name,
        capabilities=ROLE_RULES[role].capabilities | ROLE_RULES[role].duties,
        assignment_id=assignment.pk,
    )


def active_assignments(user: User) -> list[RegionAssignment]:
    return list(
        RegionAssignment.objects.filter(user=user, is_active=True)
        .select_related("region")
        .order_by("id")
    )


def scope_for(
    user: User, *, assignment_id: int | None = None, focus_code: str | None = None
) -> RegionScope | None:
    """The scope a user acts in: the chosen active assignment (else the first), or None."""
    return scope_from_assignments(
        active_assignments(user), assignment_id=assignment_id, focus_code=focus_code
    )


def scope_from_assignments(
    assignments: Iterable[RegionAssignment],
    *,
    assignment_id: int | None = None,
    focus_code: str | None = None,
) -> RegionScope | None:
    """Like scope_for, over assignments already loaded (the middleware keeps them)."""
    chosen = _choose(assignments, assignment_id)
    if chosen is None:
        return None
    return scope_for_assignment(chosen, focus_code=focus_code)


def _choose(
    assignments: Iterable[RegionAssignment], assignment_id: int | None
) -> RegionAssignment | None:
    first: RegionAssignment | None = None
    for assignment in assignments:
        if assignment.pk == assignment_id:
            return assignment
        first = first or assignment
    return first
