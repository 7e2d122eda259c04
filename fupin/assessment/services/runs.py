"""Assessment writes: runs over one household or a region subtree, and policy parameters.

A run builds facts v1 from the registry, evaluates the rule set with the parameters that
apply to each part of the region, appends one outcome per household (history is never
overwritten) and denormalizes the latest level and eligibility onto the households.
"""

import hashlib
import io
import json
import time
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import psycopg
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment.models import (
    AssessmentOutcome,
    AssessmentRun,
    CurrentOutcome,
    PolicyParameter,
    RuleSetRecord,
)
from fupin.assessment.rules import definition, engine
from fupin.assessment.rules.facts import DERIVED_FACTS
from fupin.assessment.selectors import runs as selectors
from fupin.assessment.services import facts_snapshot
from fupin.assessment.tasks import assessment_run_task
from fupin.audit.services import audit_record
from fupin.core.bulk import bulk_work_memory
from fupin.core.errors import ApplicationError
from fupin.core.progress import ProgressCallback, no_progress
from fupin.core.scope import Capability, RegionScope, region_path_codes
from fupin.jobs import services as job_services
from fupin.jobs.models import Job
from fupin.registry.services import household_assessment_bulk_update, household_stale_resolve

DEFAULT_RULE_SET = "national-baseline"
OUTCOME_BATCH = 50_000
# The latest results of evaluating a region's kept facts, by what decides them: a what-if
# compares against the same rule set again and again, and its facts are the same object
# while nothing changed (`facts_snapshot.region_facts`). Each entry holds its facts, so
# their identity is not reused while it is kept.
_EVALUATED: dict[tuple[int, str, bool], tuple[pl.DataFrame, pl.DataFrame]] = {}
_EVALUATED_KEPT = 2
# What a simulation compares of each side's results (saved for other processes).
SIMULATED_COLUMNS = [
    "household_id",
    "monitoring_eligible",
    "monitoring_category",
    "risk_level",
    "elimination_eligible",
]
# The rules' code decides results as much as the rule set does: an evaluation saved by
# another version of it (before a deploy) is not reused.
_ENGINE_VERSION = hashlib.sha256(
    b"".join(path.read_bytes() for path in sorted(Path(engine.__file__).parent.glob("*.py")))
).hexdigest()[:16]


def _load(record: RuleSetRecord) -> definition.RuleSet:
    return definition.from_dict(record.definition)


def _parameters_for(
    rule_set: definition.RuleSet,
    region_code: str,
    year: int,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The rule set's defaults, overridden by the policy parameters set for the region and
    then by `overrides`. Raises ApplicationError naming the year and the region when a
    parameter without a default (监测范围, 扶贫标准) has no value there."""
    params: dict[str, Any] = {name: spec.default for name, spec in rule_set.parameters.items()}
    for name, value in selectors.policy_parameters(region_code=region_code, year=year).items():
        if name in params:
            params[name] = float(value)
    params.update(overrides or {})
    missing = [
        spec.label_or(name)
        for name, spec in rule_set.parameters.items()
        if spec.is_set_per_year and params.get(name) is None
    ]
    if missing:
        raise ApplicationError(
            _(
                "%(year)s 年%(region)s没有设置%(names)s，不能评估。请先在“政策参数”中按政策"
                "文件设置该年度的取值（系统不会用示例值代替）。"
            )
            % {
                "year": year,
                "region": selectors.region_label(region_code),
                "names": "、".join(missing),
            },
            code="parameter_missing",
        )
    return params


def assessment_evaluate(
    *,
    rule_set: definition.RuleSet,
    region_code: str,
    year: int,
    household_ids: Iterable[int] | None = None,
    overrides: dict[str, Any] | None = None,
    marks: pl.DataFrame | None = None,
    phases: dict[str, float] | None = None,
    on_read: Callable[[int], None] | None = None,
    simulated: bool = False,
    evaluate_only: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, dict[str, Any]]]:
    """Evaluate without persisting: returns facts, results and the parameters used per
    parameter region (each county or province that sets its own values).

    A whole region's facts come from its kept snapshot, read again only where households
    changed (`facts_snapshot.region_facts`, which tells `on_read` how many); listed
    households are read from the registry. `phases` (if given) receives the seconds spent
    reading facts and evaluating. A `simulated` evaluation (a what-if's side) returns only
    the results' SIMULATED_COLUMNS, shared with the machine's other processes. With
    `evaluate_only` (household ids) the facts are all returned but only those households
    evaluated.
    """
    ids = list(household_ids) if household_ids is not None else None
    groups = [*selectors.parameter_regions(region_code=region_code, year=year), region_code]
    facts_parts: list[pl.DataFrame] = []
    result_parts: list[pl.DataFrame] = []
    used: dict[str, dict[str, Any]] = {}
    # Households already evaluated with a more specific part's parameters.
    done: list[pl.Series] = []
    timing = {"facts": 0.0, "evaluate": 0.0}
    with bulk_work_memory():
        for index, group in enumerate(groups):
            started = time.perf_counter()
            try:
                params = _parameters_for(rule_set, group, year, overrides)
            except ApplicationError:
                # A region without values is refused only when it has households of its own
                # left (those of its sub-regions with their own values are evaluated already).
                if selectors.households_remain(ids, region_code=group, evaluated=groups[:index]):
                    raise
                continue
            line = _monitoring_line(params)
            saved: pl.DataFrame | None = None
            if ids is None:
                facts, saved = _kept_facts(
                    rule_set,
                    params,
                    region_code=group,
                    year=year,
                    # The run's marks cover the region; a part with its own parameters
                    # reads its own (before its facts, as the run did).
                    marks=marks if group == region_code else None,
                    on_read=on_read,
                    simulated=simulated,
                )
            else:
                facts = selectors.facts_for_households(
                    ids, region_code=group, year=year, monitoring_line=line
                )
            if done:
                kept_rows = ~pl.col("household_id").is_in(pl.concat(done).implode())
                if saved is not None:
                    saved = saved.filter(facts.select(kept_rows).to_series())
                facts = facts.filter(kept_rows)
            timing["facts"] += time.perf_counter() - started
            if facts.is_empty():
                continue
            started = time.perf_counter()
            done.append(facts["household_id"])
            facts_parts.append(facts)
            if evaluate_only is not None:
                chosen = facts.join(evaluate_only, on="household_id", how="semi")
                result_parts.append(engine.evaluate(rule_set, chosen, params))
            else:
                result_parts.append(
                    saved
                    if saved is not None
                    else _evaluated(rule_set, facts, params, kept=ids is None, shared=simulated)
                )
            used[group] = params
            timing["evaluate"] += time.perf_counter() - started
    if phases is not None:
        phases.update(timing)
    if not facts_parts:
        return pl.DataFrame(), pl.DataFrame(), used
    return pl.concat(facts_parts, how="diagonal_relaxed"), pl.concat(result_parts), used


def _kept_facts(
    rule_set: definition.RuleSet,
    params: dict[str, Any],
    *,
    region_code: str,
    year: int,
    marks: pl.DataFrame | None,
    on_read: Callable[[int], None] | None,
    simulated: bool,
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """A region's kept facts and, for a simulation's side found evaluated already, its
    results (the facts then hold only the households' ids and places: another process
    reads that much of the facts' file, ADR 0031)."""
    line = _monitoring_line(params)
    if simulated:
        marks = marks if marks is not None else selectors.stale_versions(region_code=region_code)
        some = facts_snapshot.region_facts(
            region_code=region_code,
            year=year,
            monitoring_line=line,
            marks=marks,
            on_read=on_read,
            columns=["region_code"],
        )
        saved = _saved_results(rule_set, some, params)
        if saved is not None:
            return some, saved
    facts = facts_snapshot.region_facts(
        region_code=region_code, year=year, monitoring_line=line, marks=marks, on_read=on_read
    )
    return facts, None


def _evaluated(
    rule_set: definition.RuleSet,
    facts: pl.DataFrame,
    params: dict[str, Any],
    *,
    kept: bool,
    shared: bool = False,
) -> pl.DataFrame:
    """The rule set's results over the facts. Kept facts' latest results are remembered in
    the process; `shared` ones (a simulation's: only the columns it compares) are also
    saved for, and found from, the machine's other processes (ADR 0031)."""
    if not kept:
        return engine.evaluate(rule_set, facts, params)
    decided_by = _decided_key(rule_set, params)
    key = (id(facts), decided_by, shared)
    found = _EVALUATED.pop(key, None)
    if found is not None and found[0] is facts:
        results = found[1]
    elif shared:
        saved = _saved_results(rule_set, facts, params)
        if saved is not None:
            return saved
        results = engine.evaluate(rule_set, facts, params).select(SIMULATED_COLUMNS)
        facts_snapshot.results_write(facts, decided_by, results)
    else:
        results = engine.evaluate(rule_set, facts, params)
    _remember_evaluated(key, facts, results)
    return results


def _decided_key(rule_set: definition.RuleSet, params: dict[str, Any]) -> str:
    return f"{_ENGINE_VERSION}|{rule_set!r}|{sorted(params.items())!r}"


def _saved_results(
    rule_set: definition.RuleSet, facts: pl.DataFrame, params: dict[str, Any]
) -> pl.DataFrame | None:
    """A simulation side's results over these kept facts, remembered in the process or
    saved by any process of the machine, else None."""
    decided_by = _decided_key(rule_set, params)
    key = (id(facts), decided_by, True)
    found = _EVALUATED.pop(key, None)
    if found is not None and found[0] is facts:
        _remember_evaluated(key, facts, found[1])
        return found[1]
    saved = facts_snapshot.results_read(facts, decided_by)
    if saved is None or not saved["household_id"].equals(facts["household_id"]):
        return None
    _remember_evaluated(key, facts, saved)
    return saved


def _remember_evaluated(
    key: tuple[int, str, bool], facts: pl.DataFrame, results: pl.DataFrame
) -> None:
    _EVALUATED[key] = (facts, results)  # the most recently used last
    while len(_EVALUATED) > _EVALUATED_KEPT:
        _EVALUATED.pop(next(iter(_EVALUATED)))


def assessment_facts_groups(
    *,
    rule_set: definition.RuleSet,
    region_code: str,
    year: int,
    overrides: dict[str, Any] | None = None,
) -> list[tuple[str, Decimal]]:
    """The parameter regions an evaluation of the region reads facts for, with the
    monitoring line each reads them with (the line decides months_income_above_line)."""
    groups = [*selectors.parameter_regions(region_code=region_code, year=year), region_code]
    lines: list[tuple[str, Decimal]] = []
    for group in groups:
        try:
            params = _parameters_for(rule_set, group, year, overrides)
        except ApplicationError:
            # A part without values reads no facts: the evaluation refuses it if it still
            # holds households of its own.
            continue
        lines.append((group, _monitoring_line(params)))
    return lines


def _monitoring_line(params: dict[str, Any]) -> Decimal:
    return Decimal(str(params.get("monitoring_line", 0)))


def assessment_facts_kept(
    *,
    rule_set: definition.RuleSet,
    region_code: str,
    year: int,
    overrides: dict[str, Any] | None = None,
) -> bool:
    """Whether every part of the region has its facts kept for this evaluation."""
    return all(
        facts_snapshot.region_facts_kept(region_code=group, year=year, monitoring_line=line)
        for group, line in assessment_facts_groups(
            rule_set=rule_set, region_code=region_code, year=year, overrides=overrides
        )
    )


def assessment_run(
    *,
    actor: AbstractBaseUser | None,
    scope: RegionScope | None,
    region_code: str,
    year: int,
    rule_set_code: str = DEFAULT_RULE_SET,
    rule_set_version: int | None = None,
    household_ids: Iterable[int] | None = None,
    on_progress: ProgressCallback = no_progress,
    phases: dict[str, float] | None = None,
) -> AssessmentRun:
    """Assess the households of a region subtree (or the given ones) and keep the results.

    Facts are read and evaluated first; the run, the outcomes that changed, the
    households' levels that changed and the audit event are then written in one
    transaction, so a failure keeps nothing. A household whose facts and decision equal
    its current outcome's gets no new outcome: the run refers to it (ADR 0016). The
    households' change marks read before the facts are recorded as assessed. `scope` None
    means the command line or the worker. Audit action: "assessment.assessment_run".
    Raises PermissionDeniedError outside the scope or without the right, NotFoundError for
    an unknown rule set. `phases` (if given) receives the seconds per phase.
    """
    if scope is not None:
        scope.require(Capability.RUN_ASSESSMENT)
        scope.require_region(region_code)
    started = time.perf_counter()
    record = selectors.rule_set_get(
        code=rule_set_code, version=rule_set_version, region_code=region_code
    )
    rule_set = _load(record)
    ids = list(household_ids) if household_ids is not None else None
    on_progress(done=0, total=100, message=_("正在汇总农户事实"))
    as_of = selectors.facts_as_of(year)
    # Read before the facts: a change committed after this is either in the facts read
    # next or leaves its household marked for the catch-up.
    marked = selectors.stale_versions(region_code=region_code, household_ids=ids, assessed=True)
    marks = marked.select("household_id", "mark_version")
    # Marks already assessed at their version need no resolving (a million rows otherwise).
    pending = marked.filter(pl.col("mark_version") > pl.col("assessed_version")).select(
        "household_id", "mark_version"
    )
    # A region run most likely decided as the region's previous one evaluates only the
    # households marked since (checked below, once the parameters used are known).
    hopeful = ids is None and pending.height <= facts_snapshot.PATCH_LIMIT
    timing: dict[str, float] = {}
    read: list[int] = []
    facts, results, used = assessment_evaluate(
        rule_set=rule_set,
        region_code=region_code,
        year=year,
        household_ids=ids,
        marks=marks,
        phases=timing,
        on_read=read.append,
        evaluate_only=pending.select("household_id") if hopeful else None,
    )
    decided_by = _decided_by(record, year=year, as_of=as_of, used=used, listed=ids is not None)
    only_pending = (
        hopeful
        and sum(read) <= facts_snapshot.PATCH_LIMIT
        and _decided_as_before(
            record=record,
            region_code=region_code,
            year=year,
            used=used,
            fact_names=_stored_fact_names(facts),
            decided_by=decided_by,
        )
    )
    if hopeful and not only_pending:
        # Decided otherwise than before: every household is evaluated (its facts are
        # kept in this process by now, read again only if marked meanwhile).
        again: dict[str, float] = {}
        facts, results, used = assessment_evaluate(
            rule_set=rule_set,
            region_code=region_code,
            year=year,
            marks=marks,
            phases=again,
            on_read=read.append,
        )
        for name, seconds in again.items():
            timing[name] = timing.get(name, 0.0) + seconds
        decided_by = _decided_by(record, year=year, as_of=as_of, used=used, listed=False)
    on_progress(done=50, total=100, message=_("正在保存评估结果"))
    persist_started = time.perf_counter()
    with transaction.atomic(), bulk_work_memory():
        run = _persist_run(
            actor=actor,
            record=record,
            region_code=region_code,
            year=year,
            facts=facts,
            results=results,
            used=used,
            started=started,
            pending=pending,
            only_pending=only_pending,
            decided_by=decided_by,
            is_listed_households=ids is not None,
            timing=timing,
        )
    timing["persist"] = time.perf_counter() - persist_started
    if phases is not None:
        phases.update(timing)
    on_progress(done=100, total=100, message=_("评估完成"))
    return run


def _persist_run(
    *,
    actor: AbstractBaseUser | None,
    record: RuleSetRecord,
    region_code: str,
    year: int,
    facts: pl.DataFrame,
    results: pl.DataFrame,
    used: dict[str, dict[str, Any]],
    started: float,
    pending: pl.DataFrame,
    only_pending: bool,
    decided_by: dict[str, Any],
    is_listed_households: bool,
    timing: dict[str, float],
) -> AssessmentRun:
    """Write the run; with `only_pending` (decided as the region's previous run, ADR 0031)
    only the households marked since their last assessment are compared, the others
    being known to come out as their current outcome."""
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timing[f"persist.{name}"] = now - clock
        clock = now

    stored = _stored_fact_names(facts)
    run = AssessmentRun.objects.create(
        rule_set=record,
        region_code=region_code,
        year=year,
        parameters=used,
        households=facts.height,
        started_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
        is_listed_households=is_listed_households,
        fact_names=stored,
        decided_by=decided_by,
    )
    changed_levels = 0
    # Marks of households the run did not read (cancelled, no facts) stay as they are.
    pending = (
        pending.join(facts.select("household_id"), on="household_id", how="semi")
        if facts.height
        else pending.clear()
    )
    if only_pending:
        facts = facts.join(pending, on="household_id", how="semi")
        results = results.join(pending, on="household_id", how="semi")
    if facts.height:
        fingerprinted = _fingerprinted(facts, results, stored)
        ids = facts["household_id"]
        if is_listed_households or only_pending:
            before = selectors.current_outcome_hashes(household_ids=ids.to_list())
        else:
            before = selectors.current_outcome_hashes(
                id_range=(int(ids.min()), int(ids.max()))  # type: ignore[arg-type]
            )
        changed = fingerprinted.join(
            before,
            left_on=["household_id", "facts_hash", "decision_hash"],
            right_on=["household_id", "facts_hash_before", "decision_hash_before"],
            how="anti",
        )
        lap("compare")
        if changed.height:
            outcomes = _outcome_frame(run, changed, facts, stored, _outcome_ids(changed.height))
            _write_outcomes(outcomes)
            lap("outcomes")
            _current_outcomes_update(outcomes, before=before)
            lap("current")
            decided = changed.join(
                before.select("household_id", "decision_hash_before"), on="household_id", how="left"
            ).filter(pl.col("decision_hash").ne_missing(pl.col("decision_hash_before")))
            # With each household's village (its facts' region code) for its level row.
            villages = facts.select("household_id", pl.col("region_code").alias("village_id"))
            changed_levels = household_assessment_bulk_update(
                actor=actor,
                results=decided.select(
                    "household_id", "risk_level", "monitoring_eligible", "elimination_eligible"
                ).join(villages, on="household_id", how="left"),
                assessed_at=timezone.now(),
                region_code=region_code,
            )
            lap("levels")
        run.outcomes_written = changed.height
    household_stale_resolve(seen=pending.iter_rows())
    lap("marks")
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["seconds", "outcomes_written"])
    audit_record(
        actor=actor,
        action="assessment.assessment_run",
        subject=run,
        region_code=region_code,
        changes={
            "rule_set": str(record),
            "year": year,
            "households": run.households,
            "households_compared": facts.height,
            "outcomes_written": run.outcomes_written,
            "levels_changed": changed_levels,
        },
    )
    return run


def _decided_by(
    record: RuleSetRecord,
    *,
    year: int,
    as_of: date,
    used: dict[str, dict[str, Any]],
    listed: bool,
) -> dict[str, Any]:
    """What decides a run's outcomes besides the facts, the parameters and the facts'
    names (kept on the run itself): the rule set's definition as evaluated (a draft may be
    edited in place), the facts' day and, for a region run, the kept facts it read (a
    snapshot made again, e.g. deleted as a safety net, may hold households no mark names)."""
    definition_text = json.dumps(record.definition, sort_keys=True, ensure_ascii=False)
    decided: dict[str, Any] = {
        "definition": hashlib.sha256(definition_text.encode()).hexdigest(),
        "as_of": as_of.isoformat(),
    }
    if not listed:
        decided["snapshots"] = sorted(
            {
                pk
                for group, params in used.items()
                for pk in facts_snapshot.snapshot_ids(
                    region_code=group,
                    year=year,
                    monitoring_line=_monitoring_line(params),
                    as_of=as_of,
                )
            }
        )
    return decided


# Past this many runs over the region since its previous region run, the check that they
# all decided alike costs more than comparing every household.
DECIDED_ALIKE_CHECKED = 2_000


def _decided_as_before(
    *,
    record: RuleSetRecord,
    region_code: str,
    year: int,
    used: dict[str, dict[str, Any]],
    fact_names: list[str],
    decided_by: dict[str, Any],
) -> bool:
    """Whether every household of the region not marked since its last assessment is known
    to come out as its current outcome: the region's previous region run was decided by the
    same rule set, definition, parameters, facts' names, day and kept facts, and every run
    since over any part of the region (the catch-up's, a household's own, a province's or a
    county's) by the same rule set, definition, names and day, and the same parameters
    wherever both apply. That run made every current outcome the rules' result of the facts
    read at the mark version it recorded as assessed, and a household whose mark is still
    at that version has those facts now (ADR 0031)."""
    previous = (
        AssessmentRun.objects.filter(region_code=region_code, year=year, is_listed_households=False)
        .order_by("-pk")
        .first()
    )
    used_json = json.loads(json.dumps(used, cls=DjangoJSONEncoder))
    if (
        previous is None
        or previous.rule_set_id != record.pk
        or previous.fact_names != fact_names
        or previous.decided_by != decided_by
        or previous.parameters != used_json
    ):
        return False
    since = list(
        AssessmentRun.objects.filter(pk__gt=previous.pk)
        .filter(
            Q(region_code__in=region_path_codes(region_code))
            | Q(region_code__startswith=region_code)
        )
        .values_list("rule_set_id", "year", "fact_names", "decided_by", "parameters")[
            : DECIDED_ALIKE_CHECKED + 1
        ]
    )
    if len(since) > DECIDED_ALIKE_CHECKED:
        return False
    return all(
        rule_set_id == record.pk
        and other_year == year
        and other_names == fact_names
        and other_decided.get("definition") == decided_by["definition"]
        and other_decided.get("as_of") == decided_by["as_of"]
        and _parameters_agree(used_json, other_parameters, region_code=region_code)
        for rule_set_id, other_year, other_names, other_decided, other_parameters in since
    )


def _parameters_agree(ours: dict[str, Any], theirs: dict[str, Any], *, region_code: str) -> bool:
    """Whether two runs' parameters (by parameter region) are the same for every household
    of `region_code` both evaluated. A household takes the parameters of its most specific
    parameter region, so both sides resolve alike everywhere if they do at each parameter
    region of either inside the region (and at the region itself)."""

    def resolved(groups: dict[str, Any], code: str) -> Any:
        containing = [group for group in groups if code.startswith(group)]
        return groups[max(containing, key=len)] if containing else None

    points = {code for code in [*ours, *theirs] if code.startswith(region_code)} | {region_code}
    for point in points:
        other = resolved(theirs, point)
        if other is not None and resolved(ours, point) != other:
            return False
    return True


_DECISION_COLUMNS = (
    "monitoring_eligible",
    "monitoring_category",
    "risk_level",
    "elimination_eligible",
    "exit_ok",
    "fired",
)
_OUTCOME_COLUMNS = [
    "id",
    "run_id",
    "household_id",
    *_DECISION_COLUMNS,
    "facts_text",
    "facts_hash",
    "decision_hash",
]
_CURRENT_COLUMNS = ["household_id", "outcome_id", "facts_hash", "decision_hash"]


def _stored_fact_names(facts: pl.DataFrame) -> list[str]:
    # Derived facts are recomputed from the stored ones, so they are not stored.
    return [name for name in facts.columns if name not in DERIVED_FACTS]


def _fingerprinted(facts: pl.DataFrame, results: pl.DataFrame, stored: list[str]) -> pl.DataFrame:
    """Results with two 64-bit fingerprints: of the stored facts and of the decision.
    Polars' hash is fixed within a Polars version; a new version may hash differently,
    which makes the next run write every outcome once, never miss one."""
    hashed = facts.select(
        pl.col("household_id"),
        pl.struct(stored).hash().reinterpret(signed=True).alias("facts_hash"),
    )
    if results["household_id"].equals(hashed["household_id"]):
        # The engine keeps the facts' rows in order: no join of a million rows needed.
        fingerprinted = results.with_columns(hashed["facts_hash"])
    else:
        fingerprinted = results.join(hashed, on="household_id", how="left")
    return fingerprinted.with_columns(
        pl.struct(list(_DECISION_COLUMNS)).hash().reinterpret(signed=True).alias("decision_hash")
    )


def _outcome_ids(count: int) -> pl.Series:
    """Ids for `count` new outcomes, ascending, drawn from the outcome table's own id
    sequence: knowing them before the COPY lets the current outcomes be written from the
    same frame instead of reading a million just written rows back (ADR 0030). Other
    writers draw from the same sequence, so no id is given twice."""
    table = AssessmentOutcome._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [table])
            row = cursor.fetchone()
            sequence = int(row[0]) if row else 0
            draw = f"SELECT nextval({sequence}::oid::regclass) FROM generate_series(1, {count:d})"  # noqa: S608 - two integers
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({draw}) TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            ids = pl.read_csv(
                buffer, has_header=False, new_columns=["id"], schema={"id": pl.Int64}
            )["id"]
            return ids.sort()
        # SQLite: the run's transaction holds the database's write lock since the run's
        # row was inserted, so nobody else takes ids until it commits; AUTOINCREMENT never
        # reuses an id, even a deleted row's (sqlite_sequence keeps the highest).
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {quoted}), 0), "  # noqa: S608 - model table
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        row = cursor.fetchone()
    first = int(row[0]) + 1 if row else 1
    return pl.int_range(first, first + count, dtype=pl.Int64, eager=True).alias("id")


def _outcome_frame(
    run: AssessmentRun,
    changed: pl.DataFrame,
    facts: pl.DataFrame,
    stored: list[str],
    ids: pl.Series,
) -> pl.DataFrame:
    # An array in the order of the run's fact_names: the names once per run, not per row.
    values = [_json_value(name, facts.schema[name]) for name in stored]
    as_array = pl.concat_str([pl.lit("["), pl.concat_str(values, separator=","), pl.lit("]")])
    if changed["household_id"].equals(facts["household_id"]):
        # Every household changed (a first run) and the engine kept the facts' order: no
        # semi-join and join of a million rows needed.
        with_facts = changed.with_columns(facts.select(as_array.alias("facts_text")).to_series())
    else:
        encoded = facts.join(changed.select("household_id"), on="household_id", how="semi")
        with_facts = changed.join(
            encoded.select(pl.col("household_id"), as_array.alias("facts_text")),
            on="household_id",
            how="left",
        )
    return with_facts.with_columns(
        ids.alias("id"),
        pl.lit(run.pk).alias("run_id"),
        pl.col("monitoring_category").fill_null(""),
        pl.col("risk_level").fill_null(""),
        # Rule codes are plain ASCII identifiers, so joining them is valid JSON.
        pl.when(pl.col("fired").list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.concat_str(pl.lit('["'), pl.col("fired").list.join('","'), pl.lit('"]')))
        .alias("fired"),
    ).select(_OUTCOME_COLUMNS)


def _json_value(name: str, dtype: pl.DataType) -> pl.Expr:
    """A fact column as JSON text: numbers and booleans as Polars writes them (the same
    digits as its JSON encoder, several times faster), strings and lists through the JSON
    encoder as the one field of an object whose fixed opening and closing are cut off."""
    column = pl.col(name)
    if dtype.is_float():
        return pl.when(column.is_finite()).then(column.cast(pl.String)).fill_null("null")
    if dtype.is_numeric() or dtype == pl.Boolean:
        return column.cast(pl.String).fill_null("null")
    return pl.struct(name).struct.json_encode().str.slice(len(f'{{"{name}":')).str.strip_suffix("}")


def _write_outcomes(frame: pl.DataFrame) -> None:
    """Append the outcomes set-based: COPY on PostgreSQL, executemany on SQLite."""
    table = AssessmentOutcome._meta.db_table
    for offset in range(0, frame.height, OUTCOME_BATCH):
        _insert(table, frame.slice(offset, OUTCOME_BATCH))


def _insert(table: str, frame: pl.DataFrame) -> None:
    """Insert the frame's rows into `table` (its columns named as the frame's): COPY on
    PostgreSQL, executemany on SQLite."""
    quoted = connection.ops.quote_name(table)
    columns = ", ".join(connection.ops.quote_name(column) for column in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False)
            with cursor.cursor.copy(
                f"COPY {quoted} ({columns}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
        else:
            placeholders = ", ".join(["%s"] * frame.width)
            cursor.executemany(
                f"INSERT INTO {quoted} ({columns}) VALUES ({placeholders})",  # noqa: S608 - model tables
                frame.rows(),
            )


def _current_outcomes_update(outcomes: pl.DataFrame, *, before: pl.DataFrame) -> None:
    """Point each household the run wrote an outcome for at that outcome.

    Households without a current outcome when the run compared (a first run: all of
    them) get theirs by COPY from the run's own frame; the others, and all of them if a
    concurrent run (the catch-up) gave one of those households a current outcome
    meanwhile, by one `INSERT … ON CONFLICT` from a staging table (ADR 0030)."""
    rows = outcomes.select(
        "household_id", pl.col("id").alias("outcome_id"), "facts_hash", "decision_hash"
    )
    table = CurrentOutcome._meta.db_table
    if connection.vendor != "postgresql":
        _upsert_current(table, rows)
        return
    known = before.select("household_id")
    new = rows.join(known, on="household_id", how="anti")
    upsert = rows.join(known, on="household_id", how="semi")
    if new.height:
        try:
            with transaction.atomic():
                _insert(table, new)
        except psycopg.errors.UniqueViolation:
            upsert = rows
    if upsert.height:
        _upsert_current(table, upsert)


def _upsert_current(table: str, rows: pl.DataFrame) -> None:
    quoted = connection.ops.quote_name(table)
    columns = ", ".join(_CURRENT_COLUMNS)
    conflict = (
        "ON CONFLICT (household_id) DO UPDATE SET outcome_id = excluded.outcome_id, "
        "facts_hash = excluded.facts_hash, decision_hash = excluded.decision_hash"
    )
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"INSERT INTO {quoted} ({columns}) VALUES (%s, %s, %s, %s) {conflict}",  # noqa: S608 - model table
                rows.select(_CURRENT_COLUMNS).rows(),
            )
            return
        staging = "assessment_current_staging"
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} (household_id bigint, outcome_id bigint, "
            "facts_hash bigint, decision_hash bigint) ON COMMIT DROP"
        )
        _insert(staging, rows.select(_CURRENT_COLUMNS))
        cursor.execute(
            f"INSERT INTO {quoted} ({columns}) SELECT {columns} FROM {staging} {conflict}"  # noqa: S608 - model table
        )
        cursor.execute(f"DROP TABLE {staging}")


@transaction.atomic
def policy_parameter_set(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    name: str,
    region_code: str,
    year: int,
    value: Decimal | None = None,
    base_value: Decimal | None = None,
    multiplier: Decimal | None = None,
    basis: str = "",
    document_number: str = "",
) -> PolicyParameter:
    """Set a policy parameter for a region in scope and a year, directly or as
    `multiplier × base` (e.g. 2 × the rural 低保 standard × 12).

    Audit action: "assessment.policy_parameter_set".
    """
    scope.require(Capability.MANAGE_POLICY)
    scope.require_region(region_code)
    if (value is None) == (base_value is None or multiplier is None):
        raise ApplicationError(
            _("请直接填写取值，或同时填写基数和倍数（例如低保标准 × 2），二者选其一。"),
            code="value_or_derived",
        )
    for amount in (value, base_value, multiplier):
        if amount is not None and amount < 0:
            raise ApplicationError(_("参数取值不能为负数。"), code="negative")
    parameter, _created = PolicyParameter.objects.update_or_create(
        name=name,
        region_code=region_code,
        year=year,
        defaults={
            "value": value,
            "base_value": base_value if value is None else None,
            "multiplier": multiplier if value is None else None,
            "basis": basis,
            "document_number": document_number,
            "set_by_id": actor.pk,
        },
    )
    audit_record(
        actor=actor,
        action="assessment.policy_parameter_set",
        subject=parameter,
        region_code=region_code,
        changes={
            "name": name,
            "year": year,
            "value": str(parameter.effective_value),
            "basis": basis,
        },
    )
    return parameter


@transaction.atomic
def assessment_run_start(
    *, actor: AbstractBaseUser, scope: RegionScope, region_code: str, year: int
) -> Job:
    """Queue a region assessment as a Job with progress; the worker runs it.

    Audit action: "jobs.job_create". Raises PermissionDeniedError outside the scope.
    """
    scope.require(Capability.RUN_ASSESSMENT)
    scope.require_region(region_code)
    selectors.rule_set_get(code=DEFAULT_RULE_SET, region_code=region_code)
    job = job_services.job_create(
        actor=actor,
        kind=Job.Kind.ASSESSMENT_RUN,
        region_code=region_code,
        params={"region_code": region_code, "year": year},
        message=_("等待后台处理"),
    )
    transaction.on_commit(lambda: assessment_run_task.enqueue(job_id=job.pk))
    return job


def assessment_run_job_run(*, job_id: int) -> None:
    """Run a queued region assessment, reporting its phases on the Job row."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return
    job_services.job_start(job=job, total=100, message=_("开始评估"))

    def report(*, done: int, total: int, message: str) -> None:
        job_services.job_report_progress(job=job, done=done * 100 // max(total, 1), message=message)

    try:
        run = assessment_run(
            actor=job.created_by,
            scope=None,
            region_code=job.params["region_code"],
            year=int(job.params["year"]),
            on_progress=report,
        )
    except Exception as error:
        job_services.job_fail(job=job, message=_("评估失败：%(error)s") % {"error": error})
        raise
    job_services.job_succeed(
        job=job,
        message=_("完成：评估 %(households)s 户，用时 %(seconds)s 秒")
        % {"households": run.households, "seconds": run.seconds},
        result={"run_id": run.pk, "households": run.households},
    )
