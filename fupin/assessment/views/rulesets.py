"""Rule-set pages: list, detail with draft editing, validation and the life cycle, a trial
on one household, and the what-if simulation of a region (nothing of the last two is
stored)."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fupin.assessment.forms import (
    OVERRIDE_PREFIX,
    ParametersForm,
    RuleForm,
    SimulationForm,
    TrialForm,
)
from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules import definition
from fupin.assessment.rules.facts import FACT_NAMES
from fupin.assessment.selectors import rulesets as selectors
from fupin.assessment.selectors import runs as assessment_selectors
from fupin.assessment.services import rulesets as services
from fupin.assessment.services import simulations as simulation_services
from fupin.core.decorators import forbidden, scoped_view
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability, region_path_codes
from fupin.registry import codes
from fupin.registry.selectors import household_get

RULE_SETS_PER_PAGE = 25

DECISION_LABELS: dict[str, Promise] = {
    "monitoring_eligible": gettext_lazy("符合监测条件"),
    "monitoring_category": gettext_lazy("监测对象类别"),
    "risk_level": gettext_lazy("风险等级"),
    "elimination_candidate": gettext_lazy("可风险消除"),
    "elimination_block": gettext_lazy("阻止风险消除"),
    "exit_block": gettext_lazy("不符合脱贫标准"),
    "flag": gettext_lazy("提示"),
}
CATEGORY_LABELS: dict[str, Promise] = {
    "unstable_exited": gettext_lazy("脱贫不稳定户"),
    "marginal": gettext_lazy("边缘易致贫户"),
    "sudden_hardship": gettext_lazy("突发严重困难户"),
}
RISK_LABELS: dict[str, Promise] = {
    "red": gettext_lazy("红色"),
    "orange": gettext_lazy("橙色"),
    "blue": gettext_lazy("蓝色"),
}
LEVEL_LABELS: dict[str, Promise] = {
    "province": gettext_lazy("省"),
    "city": gettext_lazy("市"),
    "county": gettext_lazy("县"),
    "town": gettext_lazy("乡镇"),
    "village": gettext_lazy("村"),
}
STATUS_BADGES: dict[str, str] = {
    RuleSetRecord.Status.DRAFT: "text-bg-warning",
    RuleSetRecord.Status.PUBLISHED: "text-bg-success",
    RuleSetRecord.Status.RETIRED: "text-bg-secondary",
}


def _refused(
    request: ScopedRequest, error: ApplicationError, record: RuleSetRecord
) -> HttpResponse:
    """Answer a service's refusal: a message on the detail page for a domain rule; scope
    and permission refusals go on to `answers_errors`, which answers them with a page."""
    if isinstance(error, NotFoundError | PermissionDeniedError):
        raise error
    messages.error(request, error.message)
    return redirect_after_post(request, reverse("assessment:ruleset-detail", args=[record.pk]))


def _breadcrumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("规则集"), reverse("assessment:ruleset-list")), *extra]


def _decision_label(decision: definition.Decision) -> str:
    label = str(DECISION_LABELS.get(decision.kind, decision.kind))
    if decision.value:
        value = (
            CATEGORY_LABELS.get(decision.value)
            or RISK_LABELS.get(decision.value)
            or _elimination_method_label(decision.value)
        )
        label += f"：{value or decision.value}"
    return label


def _elimination_method_label(value: str) -> str:
    """An elimination block of one method names it (仅帮扶消除)."""
    if value not in codes.EliminationMethod.values:
        return ""
    return _("仅%(method)s") % {"method": codes.EliminationMethod(value).label}


# ------------------------------------------------------------------------------ list


@scoped_view()
def ruleset_list(request: ScopedRequest) -> HttpResponse:
    """Every rule set that applies to the user's region or lies inside it."""
    page = Paginator(selectors.ruleset_list(scope=request.scope), RULE_SETS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    names = selectors.ruleset_region_names({record.region_code for record in page})
    can_manage = request.scope.can(Capability.MANAGE_POLICY)
    rows = [
        {
            "record": record,
            "title": record.definition.get("title", ""),
            "region_name": names[record.region_code],
            "badge": STATUS_BADGES.get(record.status, "text-bg-light"),
        }
        for record in page
    ]
    return render(
        request,
        "assessment/ruleset_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "can_manage": can_manage,
            "query_without_page": "",
            "breadcrumbs": [(_("规则集"), None)],
        },
    )


# ---------------------------------------------------------------------------- detail


@dataclass(frozen=True)
class ParameterRow:
    name: str
    spec: definition.ParameterSpec
    field: Any
    policy_value: Any

    @property
    def label(self) -> str:
        return self.spec.label_or(self.name)


def _detail_context(
    request: ScopedRequest,
    record: RuleSetRecord,
    *,
    parameters_form: ParametersForm | None = None,
    validated: bool = False,
) -> dict[str, Any]:
    rule_set = selectors.ruleset_definition(record)
    can_manage = request.scope.can(Capability.MANAGE_POLICY)
    can_edit = can_manage and selectors.ruleset_can_edit(scope=request.scope, record=record)
    editable = can_edit and record.status == RuleSetRecord.Status.DRAFT
    if editable and parameters_form is None:
        parameters_form = ParametersForm(rule_set=rule_set)
    # Policy parameters of the region override a rule set's defaults in every run, so the
    # page says where a default will not apply.
    region = record.region_code or request.scope.root_prefix
    year = selectors.ruleset_default_year(region_code=region)
    policy = assessment_selectors.policy_parameters(region_code=region, year=year)
    parameters = [
        ParameterRow(
            name=name,
            spec=spec,
            field=(
                parameters_form[name]
                if parameters_form is not None and name in parameters_form.fields
                else None
            ),
            policy_value=policy.get(name),
        )
        for name, spec in rule_set.parameters.items()
    ]
    problems = selectors.ruleset_problems(rule_set) if record.status == "draft" or validated else []
    names = selectors.ruleset_region_names({record.region_code})
    return {
        "record": record,
        "rule_set": rule_set,
        "region_name": names[record.region_code],
        "badge": STATUS_BADGES.get(record.status, "text-bg-light"),
        "parameters": parameters,
        "parameters_form": parameters_form,
        "policy_year": year,
        "has_policy_values": any(row.policy_value is not None for row in parameters),
        "rules": [(rule, _decision_label(rule.decides)) for rule in rule_set.rules],
        "problems": problems,
        "problem_codes": {problem.rule_code for problem in problems},
        "validated": validated,
        "can_manage": can_manage,
        "can_edit": can_edit,
        "editable": editable,
        "is_draft": record.status == RuleSetRecord.Status.DRAFT,
        "is_published": record.status == RuleSetRecord.Status.PUBLISHED,
        "breadcrumbs": _breadcrumbs((record.title, None)),
    }


@scoped_view()
def ruleset_detail(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    """Parameters and rules of one version; drafts are edited here by policy managers."""
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    return render(request, "assessment/ruleset_detail.html", _detail_context(request, record))


@scoped_view()
def ruleset_validate(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    """Validate a rule set and list its problems (a read: nothing changes)."""
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    context = _detail_context(request, record, validated=True)
    if request.htmx:
        return render(request, "assessment/_ruleset_problems.html", context)
    return render(request, "assessment/ruleset_detail.html", context)


@require_POST
@scoped_view(Capability.MANAGE_POLICY)
def ruleset_clone(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    try:
        draft = services.ruleset_clone(actor=request.user, scope=request.scope, rule_set=record)
    except ApplicationError as error:
        return _refused(request, error, record)
    messages.success(request, _("已复制为草稿 %(label)s，可在下方修改。") % {"label": str(draft)})
    return redirect_after_post(request, reverse("assessment:ruleset-detail", args=[draft.pk]))


def _saved_message(request: ScopedRequest, record: RuleSetRecord) -> None:
    count = len(selectors.ruleset_problems(selectors.ruleset_definition(record)))
    if count:
        messages.warning(
            request,
            _("已保存草稿；校验发现 %(count)s 个问题，修正后才能发布。") % {"count": count},
        )
    else:
        messages.success(request, _("已保存草稿，校验通过。"))


@require_POST
@scoped_view(Capability.MANAGE_POLICY)
def ruleset_parameters(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    """Save the parameter defaults of a draft."""
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    form = ParametersForm(request.POST, rule_set=selectors.ruleset_definition(record))
    if not form.is_valid():
        return render(
            request,
            "assessment/ruleset_detail.html",
            _detail_context(request, record, parameters_form=form),
            status=400,
        )
    try:
        record = services.ruleset_update(
            actor=request.user,
            scope=request.scope,
            rule_set=record,
            parameter_defaults=form.defaults(),
        )
    except ApplicationError as error:
        return _refused(request, error, record)
    _saved_message(request, record)
    return redirect_after_post(request, reverse("assessment:ruleset-detail", args=[record.pk]))


def _rule_of(
    request: ScopedRequest, rule_set_id: int, rule_code: str
) -> tuple[RuleSetRecord, definition.RuleSet, definition.Rule]:
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    rule_set = selectors.ruleset_definition(record)
    try:
        return record, rule_set, rule_set.rule(rule_code)
    except KeyError:
        raise NotFoundError(_("规则集中没有该规则。")) from None


def _rule_form_refusal(request: ScopedRequest, record: RuleSetRecord) -> HttpResponse | None:
    """Why the edit form is not shown (a POST goes to the service, which decides)."""
    if not selectors.ruleset_can_edit(scope=request.scope, record=record):
        return forbidden(request, _("该规则集适用于其他区划，您只能复制后在本区划的草稿中修改。"))
    if record.status != RuleSetRecord.Status.DRAFT:
        messages.error(request, _("只有草稿可以修改；请先复制为新版本草稿。"))
        return redirect_after_post(request, reverse("assessment:ruleset-detail", args=[record.pk]))
    return None


@scoped_view(Capability.MANAGE_POLICY)
def ruleset_rule_edit(request: ScopedRequest, rule_set_id: int, rule_code: str) -> HttpResponse:
    """Edit one rule's condition and message in a draft (inline on the detail page)."""
    record, rule_set, rule = _rule_of(request, rule_set_id, rule_code)
    detail_url = reverse("assessment:ruleset-detail", args=[record.pk])
    refusal = _rule_form_refusal(request, record) if request.method != "POST" else None
    if refusal is not None:
        return refusal
    form = RuleForm(
        request.POST or None, initial={"condition": rule.condition, "message": rule.message}
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.ruleset_update(
                actor=request.user,
                scope=request.scope,
                rule_set=record,
                rule_edits=[services.RuleEdit(rule.code, **form.cleaned_data)],
            )
        except ApplicationError as error:
            return _refused(request, error, record)
        _saved_message(request, record)
        return redirect_after_post(request, f"{detail_url}#rule-{rule.code}")
    context = {
        "record": record,
        "rule": rule,
        "decision": _decision_label(rule.decides),
        "form": form,
        "facts": sorted(FACT_NAMES),
        "parameters": list(rule_set.parameters),
        "breadcrumbs": _breadcrumbs((record.title, detail_url), (rule.code, None)),
    }
    if request.htmx:
        return render(request, "assessment/ruleset_rule_form.html#rule-form", context)
    return render(
        request,
        "assessment/ruleset_rule_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_POST
@scoped_view(Capability.MANAGE_POLICY)
def ruleset_publish(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    try:
        services.ruleset_publish(actor=request.user, scope=request.scope, rule_set=record)
    except ApplicationError as error:
        return _refused(request, error, record)
    messages.success(request, _("已发布 %(label)s，此版本不能再修改。") % {"label": str(record)})
    return redirect_after_post(request, reverse("assessment:ruleset-detail", args=[record.pk]))


@require_POST
@scoped_view(Capability.MANAGE_POLICY)
def ruleset_retire(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    try:
        services.ruleset_retire(actor=request.user, scope=request.scope, rule_set=record)
    except ApplicationError as error:
        return _refused(request, error, record)
    messages.success(request, _("已停用 %(label)s。") % {"label": str(record)})
    return redirect_after_post(request, reverse("assessment:ruleset-detail", args=[record.pk]))


# ----------------------------------------------------------------------------- trial


def _outcome_labels(values: dict[str, Any]) -> dict[str, Any]:
    """Display labels for an outcome's monitoring, category, risk level and elimination."""
    category = values.get("monitoring_category")
    risk = values.get("risk_level")
    return {
        **values,
        "category_label": CATEGORY_LABELS.get(category, "") if category else "",
        "risk_label": RISK_LABELS.get(risk, "") if risk else "",
    }


@scoped_view()
def ruleset_try(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    """Explain this rule set's decision for one household in scope; nothing is stored."""
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    form = TrialForm(request.GET or None)
    candidates = []
    trial = None
    explanation = None
    error_message = ""
    if form.is_bound and form.is_valid():
        household_id = form.cleaned_data["household"]
        if household_id:
            household = household_get(scope=request.scope, household_id=household_id)
            year = form.cleaned_data["year"] or selectors.ruleset_trial_year(household=household)
            try:
                trial = selectors.ruleset_trial(
                    scope=request.scope, record=record, household=household, year=year
                )
            except ApplicationError as error:
                error_message = error.message
            else:
                found = trial.explanation
                explanation = {
                    **found,
                    "fired": [
                        {
                            **rule,
                            "values": {
                                name: definition.format_value(value)
                                for name, value in rule["values"].items()
                            },
                        }
                        for rule in found["fired"]
                    ],
                    "outcome": _outcome_labels(
                        {
                            "monitoring_category": found["monitoring"]["category"],
                            "risk_level": found["risk_level"],
                        }
                    ),
                }
        else:
            candidates = selectors.ruleset_trial_candidates(
                scope=request.scope, query=form.cleaned_data["q"]
            )
    detail_url = reverse("assessment:ruleset-detail", args=[record.pk])
    return render(
        request,
        "assessment/ruleset_try.html",
        {
            "record": record,
            "form": form,
            "candidates": candidates,
            "trial": trial,
            "explanation": explanation,
            "error_message": error_message,
            "breadcrumbs": _breadcrumbs((record.title, detail_url), (_("试算"), None)),
        },
        status=400 if form.errors else 200,
    )


# ------------------------------------------------------------------------ simulation


COUNT_LABELS: dict[str, Promise] = {
    "households": gettext_lazy("户数"),
    "monitoring_eligible_before": gettext_lazy("原符合监测条件"),
    "monitoring_eligible_after": gettext_lazy("现符合监测条件"),
    "entering_monitoring": gettext_lazy("新纳入监测范围"),
    "leaving_monitoring": gettext_lazy("移出监测范围"),
    "risk_level_changed": gettext_lazy("风险等级变化"),
    "risk_level_raised": gettext_lazy("风险等级升高"),
    "risk_level_lowered": gettext_lazy("风险等级降低"),
    "becoming_elimination_eligible": gettext_lazy("新增可风险消除"),
    "leaving_elimination_eligible": gettext_lazy("不再可风险消除"),
}
# The cards above the table; the table shows every count per region, and its total.
TOTAL_CARDS = ("households", "entering_monitoring", "leaving_monitoring", "risk_level_changed")


@scoped_view()
def ruleset_simulate(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    """What-if: compare a published version with this one (and parameter overrides) over a
    region in scope, grouped by the level below it, down to a village's households."""
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    rule_set = selectors.ruleset_definition(record)
    comparable = selectors.ruleset_comparable(scope=request.scope, record=record)
    default_before = selectors.ruleset_default_before(scope=request.scope, record=record)
    if default_before not in comparable:
        comparable.insert(0, default_before)
    initial: dict[str, Any] = {
        "region": request.scope.prefix,
        "year": selectors.ruleset_default_year(region_code=request.scope.prefix),
        "before": default_before.pk,
    }
    bound = any(key in request.GET for key in ("region", "year", "before"))
    form = SimulationForm(
        request.GET if bound else None,
        initial=initial,
        rule_set=rule_set,
        comparable=comparable,
    )
    result = None
    error_message = ""
    needs_job = False
    if not bound or form.is_valid():
        data = form.cleaned_data if bound else {}
        before_id = data.get("before") or initial["before"]
        before = next(other for other in comparable if other.pk == before_id)
        # Outside the try: a region outside the scope is the not-found page, not a message.
        selectors.simulation_region(
            scope=request.scope, region_code=data.get("region") or initial["region"]
        )
        try:
            result = selectors.ruleset_simulate(
                scope=request.scope,
                before=before,
                after=record,
                region_code=data.get("region") or initial["region"],
                year=data.get("year") or initial["year"],
                overrides=form.overrides() if bound else {},
            )
        except ApplicationError as error:
            error_message = error.message
            needs_job = error.code == "needs_job"
    context = {
        "record": record,
        "form": form,
        "needs_job": needs_job,
        "simulation_query": request.GET.urlencode(),
        "overrides_open": any(
            request.GET.get(key) for key in request.GET if key.startswith(OVERRIDE_PREFIX)
        ),
        "result": result,
        "error_message": error_message,
        "breadcrumbs": _breadcrumbs(
            (record.title, reverse("assessment:ruleset-detail", args=[record.pk])),
            (_("模拟测算"), None),
        ),
        **(_simulation_context(request, result) if result is not None else {}),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "assessment/ruleset_simulate.html#results", context)
    return render(
        request, "assessment/ruleset_simulate.html", context, status=400 if form.errors else 200
    )


@require_POST
@scoped_view()
def ruleset_simulate_prepare(request: ScopedRequest, rule_set_id: int) -> HttpResponse:
    """Start the job that gathers a large region's facts for the simulation asked for in
    `query` (the simulation page's own query string), then follow it on the job page."""
    record = selectors.ruleset_get(scope=request.scope, rule_set_id=rule_set_id)
    comparable = selectors.ruleset_comparable(scope=request.scope, record=record)
    default_before = selectors.ruleset_default_before(scope=request.scope, record=record)
    if default_before not in comparable:
        comparable.insert(0, default_before)
    query = QueryDict(request.POST.get("query", ""))
    form = SimulationForm(
        query, rule_set=selectors.ruleset_definition(record), comparable=comparable
    )
    simulate_url = reverse("assessment:ruleset-simulate", args=[record.pk])
    if not form.is_valid():
        messages.error(request, _("模拟条件有误，请重新填写。"))
        return redirect(simulate_url)
    data = form.cleaned_data
    before_id = data.get("before") or default_before.pk
    before = next(other for other in comparable if other.pk == before_id)
    region_code, _name = selectors.simulation_region(
        scope=request.scope, region_code=data.get("region") or request.scope.prefix
    )
    job = simulation_services.simulation_prepare_start(
        actor=request.user,
        scope=request.scope,
        before=before,
        after=record,
        region_code=region_code,
        year=data.get("year") or selectors.ruleset_default_year(region_code=region_code),
        overrides=dict(form.overrides()),
        next_url=f"{simulate_url}?{query.urlencode()}",
    )
    return redirect("jobs:job-detail", job_id=job.pk)


def _simulation_context(request: ScopedRequest, result: selectors.Simulation) -> dict[str, Any]:
    query = request.GET.copy()
    for key in ("region", "code"):
        query.pop(key, None)
    drill_query = query.urlencode() + "&" if query else ""
    # The way back up: from the scope's own region to the parent of the one shown.
    path = [
        code
        for code in region_path_codes(result.region_code)
        if len(code) >= len(request.scope.prefix) and code != result.region_code
    ]
    names = selectors.ruleset_region_names(set(path))
    specs = definition.default_rule_set().parameters
    changed_parameters = [
        (
            specs[name].label_or(name) if name in specs else name,
            result.parameters_before.get(name),
            value,
        )
        for name, value in result.parameters_after.items()
        if result.parameters_before.get(name) != value
    ]
    return {
        "drill_query": drill_query,
        "region_path": [(code, names[code]) for code in path],
        "cards": [(key, COUNT_LABELS[key], result.totals.get(key, 0)) for key in TOTAL_CARDS],
        "level_label": LEVEL_LABELS.get(result.group_level, ""),
        "changed_parameters": changed_parameters,
        "changes": [
            {
                "change": change,
                "before": _outcome_labels(change.before),
                "after": _outcome_labels(change.after),
            }
            for change in result.changes
        ],
    }
