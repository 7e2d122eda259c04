"""Reads for the rule-set pages: which stored rule sets a user sees, their problems, a trial
on one household and the what-if simulation of a region (nothing is persisted).

A rule set is visible when it applies to the user's region (nationwide, or a region above
or equal to theirs) or lies inside it (a county's draft for its own county). Drafts and
published versions of other regions are not shown, and are answered as "not found".
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules import definition, engine, simulation
from fupin.assessment.rules.compiler import ParameterValue
from fupin.assessment.rules.facts import DERIVED_FACTS, FACTS
from fupin.assessment.selectors import runs as selectors
from fupin.assessment.services import runs as services
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import RegionScope
from fupin.registry.models import Household, HouseholdYear, Region
from fupin.registry.selectors import HouseholdFilters, household_list, region_get

# A what-if over more households than this whose facts are not kept yet first gathers them
# in a job with progress (ADR 0016); once kept, any size answers inside the request.
SIMULATION_HOUSEHOLD_LIMIT = 200_000
# A village has a few hundred households at most; the list of changes stops here.
CHANGED_HOUSEHOLDS_SHOWN = 500
# The region level a simulation groups by, from the length of the chosen region's code.
_NEXT_LEVEL: Mapping[int, str] = {0: "province", 2: "city", 4: "county", 6: "town", 9: "village"}
_COMPARED = ("monitoring_eligible", "monitoring_category", "risk_level", "elimination_eligible")


def ruleset_list(*, scope: RegionScope) -> QuerySet[RuleSetRecord]:
    """Rule sets that apply to the scope's region or lie inside it, by code and newest first."""
    rule_sets = scope.filter_applies_or_inside(
        RuleSetRecord.objects.all(), region_field="region_code"
    )
    return rule_sets.select_related("created_by").order_by("code", "-version")


def ruleset_get(*, scope: RegionScope, rule_set_id: int) -> RuleSetRecord:
    """One visible rule set; NotFoundError when unknown or outside the scope."""
    record = ruleset_list(scope=scope).filter(pk=rule_set_id).first()
    if record is None:
        raise NotFoundError(_("规则集不存在或不在您的管辖范围内。"))
    return record


def ruleset_definition(record: RuleSetRecord) -> definition.RuleSet:
    """The engine's rule set stored in a record."""
    return definition.from_dict(record.definition)


def ruleset_can_edit(*, scope: RegionScope, record: RuleSetRecord) -> bool:
    """Whether the scope's own region covers the record's region (the services' test)."""
    return scope.contains_root(record.region_code)


def ruleset_region_names(codes: set[str]) -> dict[str, str]:
    """Display names of region codes ("" is nationwide); unknown codes show as themselves."""
    names = dict(Region.objects.filter(code__in=codes - {""}).values_list("code", "name"))
    return {code: names.get(code, code) if code else _("全国") for code in codes}


@dataclass(frozen=True)
class ProblemRow:
    """A validation problem ready for display, with the text around its position."""

    rule_code: str
    message: str
    field: str
    position: int | None
    before: str = ""
    at: str = ""
    after: str = ""


def version_label(rule_set: definition.RuleSet) -> str:
    """A rule set version as pages name it: its Chinese title and version number."""
    return _("%(title)s 第 %(version)s 版") % {
        "title": rule_set.title or rule_set.code,
        "version": rule_set.version,
    }


def ruleset_problems(rule_set: definition.RuleSet) -> list[ProblemRow]:
    """Every validation problem of a rule set, with the offending text marked."""
    rows = []
    for problem in definition.validate(rule_set):
        text = ""
        if problem.rule_code and problem.field in {"condition", "message"}:
            try:
                rule = rule_set.rule(problem.rule_code)
            except KeyError:
                rule = None
            if rule is not None:
                text = rule.condition if problem.field == "condition" else rule.message
        position = problem.position
        if text and position is not None and 0 <= position <= len(text):
            rows.append(
                ProblemRow(
                    problem.rule_code,
                    problem.message_zh,
                    problem.field,
                    position,
                    text[:position],
                    text[position : position + 1] or " ",
                    text[position + 1 :],
                )
            )
        else:
            rows.append(ProblemRow(problem.rule_code, problem.message_zh, problem.field, position))
    return rows


def ruleset_comparable(*, scope: RegionScope, record: RuleSetRecord) -> list[RuleSetRecord]:
    """Visible published or retired versions of the same code, newest first: the choices
    a simulation compares against."""
    return list(
        ruleset_list(scope=scope)
        .filter(code=record.code)
        .exclude(status=RuleSetRecord.Status.DRAFT)
        .order_by("-version")
    )


def ruleset_default_before(*, scope: RegionScope, record: RuleSetRecord) -> RuleSetRecord:
    """What a simulation compares with by default: the newest visible published version of
    the same code other than this one, else this one itself."""
    published = [
        other
        for other in ruleset_comparable(scope=scope, record=record)
        if other.status == RuleSetRecord.Status.PUBLISHED and other.pk != record.pk
    ]
    return published[0] if published else record


def ruleset_default_year(*, region_code: str) -> int:
    """The latest year with an income record in the region, else last year."""
    latest = HouseholdYear.objects.filter(
        household__village__code__startswith=region_code
    ).aggregate(latest=Max("year"))["latest"]
    return int(latest) if latest else timezone.localdate().year - 1


def _require_valid(rule_set: definition.RuleSet) -> None:
    problems = definition.validate(rule_set)
    if problems:
        raise ApplicationError(
            _("规则集 %(label)s 有 %(count)s 个问题，请先修正：%(first)s")
            % {"label": rule_set.label, "count": len(problems), "first": problems[0].message_zh},
            code="invalid_rule_set",
        )


# ------------------------------------------------------------------ trial on one household


@dataclass(frozen=True)
class Trial:
    """One household explained by one rule set (nothing stored)."""

    household: Household
    year: int
    explanation: dict[str, Any]
    facts: list[tuple[str, str, str]]  # name, meaning, value as displayed


def ruleset_trial(
    *,
    scope: RegionScope,
    record: RuleSetRecord,
    household: Household,
    year: int,
) -> Trial:
    """Explain how the rule set decides for one household in scope and a year.

    The household comes from registry.selectors.household_get (so it is in scope); the
    parameters are those a run would use there (the set's defaults under the region's
    policy parameters). Raises ApplicationError for a rule set with problems.
    """
    scope.require_visible(household.village_id, _("农户不存在或不在您的管辖范围内。"))
    rule_set = ruleset_definition(record)
    _require_valid(rule_set)
    params = services._parameters_for(rule_set, household.village_id, year)
    facts = selectors.facts_for_households(
        [household.pk],
        region_code=household.village_id,
        year=year,
        monitoring_line=Decimal(str(params.get("monitoring_line", 0))),
    )
    explanation = engine.explain(rule_set, facts, params)[0]
    meanings = {name: spec.meaning_zh for name, spec in {**FACTS, **DERIVED_FACTS}.items()}
    row = facts.row(0, named=True)
    shown = [
        (name, meanings[name], definition.format_value(row.get(name)))
        for name in meanings
        if name not in {"household_id", "region_code"}
    ]
    return Trial(household=household, year=year, explanation=explanation, facts=shown)


def ruleset_trial_year(*, household: Household) -> int:
    """The household's latest year with an income record (what a run assesses), else last
    year."""
    latest = household.years.order_by("-year").values_list("year", flat=True).first()
    return int(latest) if latest else timezone.localdate().year - 1


def ruleset_trial_candidates(*, scope: RegionScope, query: str) -> list[Household]:
    """Households in scope whose 户编号 starts with the query or whose member's name or ID
    number matches it, at most 20."""
    if not query.strip():
        return []
    return list(household_list(scope=scope, filters=HouseholdFilters(search=query))[:20])


# ------------------------------------------------------------------ what-if simulation


@dataclass(frozen=True)
class SimulationRow:
    code: str
    name: str
    counts: dict[str, int]
    drillable: bool


@dataclass(frozen=True)
class HouseholdChange:
    household_id: int
    number: str
    head_name: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class Simulation:
    """A comparison of two evaluations of the same households."""

    region_code: str
    region_name: str
    year: int
    before_label: str
    after_label: str
    group_level: str  # "" when the region is a village: the households are listed instead
    totals: dict[str, int]
    rows: list[SimulationRow] = field(default_factory=list)
    changes: list[HouseholdChange] = field(default_factory=list)
    changes_total: int = 0
    parameters_before: dict[str, Any] = field(default_factory=dict)
    parameters_after: dict[str, Any] = field(default_factory=dict)


def simulation_region(*, scope: RegionScope, region_code: str) -> tuple[str, str]:
    """The region code and name a simulation may run on; NotFoundError outside the scope."""
    if region_code == scope.prefix and not region_code:
        return "", _("全国")
    scope.require_visible(region_code, _("区划不存在或不在您的管辖范围内。"))
    region = region_get(scope=scope, code=region_code)
    return region.code, region.name


def ruleset_simulate(
    *,
    scope: RegionScope,
    before: RuleSetRecord,
    after: RuleSetRecord,
    region_code: str,
    year: int,
    overrides: Mapping[str, ParameterValue] | None = None,
) -> Simulation:
    """Compare `before` with `after` (plus parameter overrides) over a region in scope.

    Both sides are evaluated as a run would evaluate them (each part of the region with its
    own policy parameters); the overrides apply to `after` only. Counts are grouped by the
    level below the region; a village lists its changed households. Nothing is stored.
    Raises NotFoundError outside the scope and ApplicationError for a rule set with
    problems or unknown overrides, and ApplicationError with code "needs_job" for a region
    of more than SIMULATION_HOUSEHOLD_LIMIT households whose facts are not kept yet
    (`services.simulation_prepare_start` gathers them).
    """
    code, name = simulation_region(scope=scope, region_code=region_code)
    before_set = ruleset_definition(before)
    after_set = ruleset_definition(after)
    _require_valid(before_set)
    _require_valid(after_set)
    try:
        definition.resolve_parameters(after_set, overrides)
    except definition.UnknownParameterError as error:
        raise ApplicationError(str(error), code="unknown_parameter") from None
    except definition.MissingParameterError:
        # Values set per region and year come from the policy parameters of each region.
        pass
    kept = all(
        services.assessment_facts_kept(
            rule_set=rule_set, region_code=code, year=year, overrides=side_overrides
        )
        for rule_set, side_overrides in ((before_set, {}), (after_set, dict(overrides or {})))
    )
    if not kept:
        households = Household.objects.filter(village__code__startswith=code).exclude(
            status="cancelled"
        )
        if households.count() > SIMULATION_HOUSEHOLD_LIMIT:
            raise ApplicationError(
                _(
                    "该区划农户超过 %(limit)s 户，首次模拟需要先在后台汇总农户事实（约需几分钟）；"
                    "汇总后再次模拟只需一两秒。"
                )
                % {"limit": f"{SIMULATION_HOUSEHOLD_LIMIT:,}"},
                code="needs_job",
            )
    # Read once for both sides (before the facts of either): at a million households the
    # region's marks cost about as much as evaluating one side.
    marks = selectors.stale_versions(region_code=code)
    # Each side's results are shared with the other worker processes (ADR 0031): the
    # next question, asked of any of them, evaluates only the side that changed.
    _facts_before, results_before, used_before = services.assessment_evaluate(
        rule_set=before_set, region_code=code, year=year, marks=marks, simulated=True
    )
    facts, results_after, used_after = services.assessment_evaluate(
        rule_set=after_set,
        region_code=code,
        year=year,
        overrides=dict(overrides or {}),
        marks=marks,
        simulated=True,
    )
    base = Simulation(
        region_code=code,
        region_name=name,
        year=year,
        before_label=version_label(before_set),
        after_label=version_label(after_set),
        group_level=_NEXT_LEVEL.get(len(code), ""),
        totals=dict.fromkeys(simulation.COMPARISON_COLUMNS, 0),
        parameters_before=used_before.get(code, {}),
        parameters_after=used_after.get(code, {}),
    )
    if facts.is_empty():
        return base
    totals = simulation.compare(results_before, results_after, facts, group_by=[]).row(
        0, named=True
    )
    if base.group_level:
        grouped = simulation.compare(
            results_before, results_after, facts, group_by=[base.group_level]
        )
        names = ruleset_region_names(set(grouped[base.group_level].to_list()))
        rows = [
            SimulationRow(
                code=row[base.group_level],
                name=names[row[base.group_level]],
                counts={column: row[column] for column in simulation.COMPARISON_COLUMNS},
                drillable=True,
            )
            for row in grouped.iter_rows(named=True)
        ]
        return replace(base, totals=totals, rows=rows)
    changes, changed = _changed_households(scope, results_before, results_after)
    return replace(base, totals=totals, changes=changes, changes_total=changed)


def _changed_households(
    scope: RegionScope, before: pl.DataFrame, after: pl.DataFrame
) -> tuple[list[HouseholdChange], int]:
    joined = before.select("household_id", *_COMPARED).join(
        after.select("household_id", *_COMPARED),
        on="household_id",
        suffix="_after",
    )
    differs = pl.any_horizontal(
        [pl.col(name).ne_missing(pl.col(f"{name}_after")) for name in _COMPARED]
    )
    changed = joined.filter(differs).sort("household_id")
    shown = changed.head(CHANGED_HOUSEHOLDS_SHOWN)
    ids = shown["household_id"].to_list()
    # The list selector keeps the scope and annotates the head's name.
    labels = {
        household.pk: (household.number, getattr(household, "head_name", None) or "")
        for household in household_list(scope=scope, filters=HouseholdFilters()).filter(pk__in=ids)
    }
    rows = []
    for row in shown.iter_rows(named=True):
        if row["household_id"] not in labels:
            continue
        number, head = labels[row["household_id"]]
        rows.append(
            HouseholdChange(
                household_id=row["household_id"],
                number=number,
                head_name=head,
                before={name: row[name] for name in _COMPARED},
                after={name: row[f"{name}_after"] for name in _COMPARED},
            )
        )
    rows.sort(key=lambda change: change.number)
    return rows, changed.height
