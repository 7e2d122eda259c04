"""Gather a large region's facts for a what-if in a job with progress (ADR 0016).

A simulation over a province reads a few million households' facts the first time, which
takes minutes: too long for a page. The page offers this job instead; it keeps the facts
of every part of the region for both sides of the comparison, and sends the user back to
the simulation, which then answers in a second or two.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules import definition
from fupin.assessment.services import facts_snapshot
from fupin.assessment.services.runs import assessment_facts_groups
from fupin.assessment.tasks import simulation_prepare_task
from fupin.core.scope import RegionScope
from fupin.jobs import services as job_services
from fupin.jobs.models import Job


@transaction.atomic
def simulation_prepare_start(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    before: RuleSetRecord,
    after: RuleSetRecord,
    region_code: str,
    year: int,
    overrides: dict[str, Any],
    next_url: str,
) -> Job:
    """Queue the job that gathers a region's facts for a simulation; `next_url` is the
    simulation page to return to (a path on this site).

    `before` and `after` come from the scoped rule-set selectors. Audit action:
    "jobs.job_create". Raises NotFoundError for a region outside the scope.
    """
    scope.require_visible(region_code, _("区划不存在或不在您的管辖范围内。"))
    job = job_services.job_create(
        actor=actor,
        # The assessment's job kind: gathering facts is the first half of a run.
        kind=Job.Kind.ASSESSMENT_RUN,
        region_code=region_code,
        params={
            "simulation": True,
            "before": before.pk,
            "after": after.pk,
            "region_code": region_code,
            "year": year,
            "overrides": overrides,
            "next_url": next_url if next_url.startswith("/") else "",
        },
        message=_("等待后台汇总农户事实"),
    )
    transaction.on_commit(lambda: simulation_prepare_task.enqueue(job_id=job.pk))
    return job


def simulation_prepare_job_run(*, job_id: int) -> None:
    """Keep the facts of every part of the job's region for both rule sets' parameters,
    reporting each part on the Job row."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    params = job.params
    region_code, year = str(params["region_code"]), int(params["year"])
    sides = [
        (RuleSetRecord.objects.get(pk=params["before"]), {}),
        (RuleSetRecord.objects.get(pk=params["after"]), dict(params.get("overrides") or {})),
    ]
    parts = sorted(
        {
            part
            for record, overrides in sides
            for part in assessment_facts_groups(
                rule_set=definition.from_dict(record.definition),
                region_code=region_code,
                year=year,
                overrides=overrides,
            )
        }
    )
    job_services.job_start(job=job, total=len(parts), message=_("正在汇总农户事实"))
    try:
        for done, (group, line) in enumerate(parts):
            job_services.job_report_progress(
                job=job,
                done=done,
                message=_("正在汇总第 %(part)s 部分（共 %(parts)s 部分）的农户事实")
                % {"part": done + 1, "parts": len(parts)},
            )
            facts_snapshot.region_facts(region_code=group, year=year, monitoring_line=line)
    except Exception as error:
        job_services.job_fail(job=job, message=_("汇总失败：%(error)s") % {"error": error})
        raise
    job_services.job_succeed(
        job=job,
        message=_("农户事实已汇总，可以查看模拟结果。"),
        result={"next_url": params.get("next_url", "")},
    )
