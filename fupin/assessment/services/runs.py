"""Assessment writes: runs over one household or a region subtree, and policy parameters.

A run builds facts v1 from the registry, evaluates the rule set with the parameters that
apply to each part of the region, appends one outcome per household (history is never
overwritten) and denormalizes the latest level and eligibility onto the households.
"""

import io
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment.models import AssessmentOutcome, AssessmentRun, PolicyParameter, RuleSetRecord
from fupin.assessment.rules import definition, engine
from fupin.assessment.rules.facts import DERIVED_FACTS
from fupin.assessment.selectors import runs as selectors
from fupin.assessment.tasks import assessment_run_task
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.progress import ProgressCallback, no_progress
from fupin.core.scope import Capability, RegionScope
from fupin.jobs import services as job_services
from fupin.jobs.models import Job
from fupin.registry.services import household_assessment_bulk_update

DEFAULT_RULE_SET = "national-baseline"
OUTCOME_BATCH = 50_000


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
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, dict[str, Any]]]:
    """Evaluate without persisting: returns facts, results and the parameters used per
    parameter region (each county or province that sets its own values)."""
    ids = list(household_ids) if household_ids is not None else None
    groups = [*selectors.parameter_regions(region_code=region_code, year=year), region_code]
    facts_parts: list[pl.DataFrame] = []
    result_parts: list[pl.DataFrame] = []
    used: dict[str, dict[str, Any]] = {}
    done: set[int] = set()
    for index, group in enumerate(groups):
        try:
            params = _parameters_for(rule_set, group, year, overrides)
        except ApplicationError:
            # A region without values is refused only when it has households of its own
            # left (those of its sub-regions with their own values are evaluated already).
            if selectors.households_remain(ids, region_code=group, evaluated=groups[:index]):
                raise
            continue
        facts = selectors.facts_for_households(
            ids,
            region_code=group,
            year=year,
            monitoring_line=Decimal(str(params.get("monitoring_line", 0))),
        ).filter(~pl.col("household_id").is_in(list(done)))
        if facts.is_empty():
            continue
        done.update(facts["household_id"].to_list())
        facts_parts.append(facts)
        result_parts.append(engine.evaluate(rule_set, facts, params))
        used[group] = params
    if not facts_parts:
        return pl.DataFrame(), pl.DataFrame(), used
    return pl.concat(facts_parts, how="diagonal_relaxed"), pl.concat(result_parts), used


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
) -> AssessmentRun:
    """Assess the households of a region subtree (or the given ones) and keep the results.

    Facts are read and evaluated first; the run, its outcomes, the households' latest
    levels and the audit event are then written in one transaction, so a failure keeps
    nothing. `scope` None means the command line. Audit action: "assessment.assessment_run".
    Raises PermissionDeniedError outside the scope or without the right, NotFoundError for
    an unknown rule set.
    """
    if scope is not None:
        scope.require(Capability.RUN_ASSESSMENT)
        scope.require_region(region_code)
    started = time.perf_counter()
    record = selectors.rule_set_get(
        code=rule_set_code, version=rule_set_version, region_code=region_code
    )
    rule_set = _load(record)
    on_progress(done=0, total=100, message=_("正在汇总农户事实"))
    facts, results, used = assessment_evaluate(
        rule_set=rule_set, region_code=region_code, year=year, household_ids=household_ids
    )
    on_progress(done=50, total=100, message=_("正在保存评估结果"))
    with transaction.atomic():
        run = _persist_run(
            actor=actor,
            record=record,
            region_code=region_code,
            year=year,
            facts=facts,
            results=results,
            used=used,
            started=started,
        )
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
) -> AssessmentRun:
    run = AssessmentRun.objects.create(
        rule_set=record,
        region_code=region_code,
        year=year,
        parameters=used,
        households=facts.height,
        started_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    if facts.height:
        _write_outcomes(run, facts, results)
        household_assessment_bulk_update(
            actor=actor,
            results=results.select(
                "household_id", "risk_level", "monitoring_eligible", "elimination_eligible"
            ),
            assessed_at=timezone.now(),
            region_code=region_code,
        )
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["seconds"])
    audit_record(
        actor=actor,
        action="assessment.assessment_run",
        subject=run,
        region_code=region_code,
        changes={"rule_set": str(record), "year": year, "households": facts.height},
    )
    return run


_OUTCOME_COLUMNS = [
    "run_id",
    "household_id",
    "monitoring_eligible",
    "monitoring_category",
    "risk_level",
    "elimination_eligible",
    "exit_ok",
    "fired",
    "facts",
]


def _outcome_frame(run: AssessmentRun, facts: pl.DataFrame, results: pl.DataFrame) -> pl.DataFrame:
    # Derived facts are recomputed from the stored ones, so they are not stored.
    inputs = facts.drop([name for name in DERIVED_FACTS if name in facts.columns])
    encoded_facts = inputs.select(
        "household_id", pl.struct(pl.all()).struct.json_encode().alias("facts")
    )
    return (
        results.join(encoded_facts, on="household_id", how="left")
        .with_columns(
            pl.lit(run.pk).alias("run_id"),
            pl.col("monitoring_category").fill_null(""),
            pl.col("risk_level").fill_null(""),
            # Rule codes are plain ASCII identifiers, so joining them is valid JSON.
            pl.when(pl.col("fired").list.len() == 0)
            .then(pl.lit("[]"))
            .otherwise(pl.concat_str(pl.lit('["'), pl.col("fired").list.join('","'), pl.lit('"]')))
            .alias("fired"),
        )
        .select(_OUTCOME_COLUMNS)
    )


def _write_outcomes(run: AssessmentRun, facts: pl.DataFrame, results: pl.DataFrame) -> None:
    """Append the outcomes set-based: COPY on PostgreSQL, executemany on SQLite."""
    frame = _outcome_frame(run, facts, results)
    table = connection.ops.quote_name(AssessmentOutcome._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _OUTCOME_COLUMNS)
    total = frame.height
    for offset in range(0, total, OUTCOME_BATCH):
        batch = frame.slice(offset, OUTCOME_BATCH)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                batch.write_csv(buffer, include_header=False)
                with cursor.cursor.copy(
                    f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(buffer.getvalue())
            else:
                placeholders = ", ".join(["%s"] * len(_OUTCOME_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                    batch.rows(),
                )


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
