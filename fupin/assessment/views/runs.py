from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.assessment import selectors, services
from fupin.assessment.forms import AssessmentRunForm, PolicyParameterForm
from fupin.assessment.rules import definition
from fupin.assessment.rules.facts import category_label
from fupin.core.decorators import forbidden, scoped_view
from fupin.core.errors import ApplicationError
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability
from fupin.registry.selectors import household_get, household_latest_year


@scoped_view()
def household_outcome(request: ScopedRequest, household_id: int) -> HttpResponse:
    """The latest assessment of a household with its reasons, and its history of levels."""
    # A household outside the scope is not found, never "not assessed yet".
    household = household_get(scope=request.scope, household_id=household_id)
    history = selectors.outcome_history(scope=request.scope, household_id=household_id)
    latest = history[0] if history else None
    # A later region run that found the same facts and decision wrote no outcome of its
    # own: it is the latest assessment, and explains the outcome with its rule set.
    run = (
        selectors.outcome_confirming_run(latest, region_code=household.village_id)
        if latest
        else None
    )
    explanation = selectors.outcome_explanation(latest, run=run) if latest else None
    return render(
        request,
        "assessment/_household_outcome.html",
        {
            "household_id": household_id,
            "latest": latest,
            "run": run,
            "explanation": explanation,
            "sections": selectors.explanation_sections(explanation) if explanation else [],
            "category_label": category_label(
                explanation["monitoring"]["category"] or "", (run or latest.run).year
            )
            if explanation and latest
            else "",
            "history": history,
            "is_stale": selectors.household_is_stale(household_id),
            "can_run": request.scope.can(Capability.RUN_ASSESSMENT),
        },
    )


@require_POST
@scoped_view(Capability.RUN_ASSESSMENT)
def household_assess(request: ScopedRequest, household_id: int) -> HttpResponse:
    """Assess one household now, on the latest year with an income record."""
    household = household_get(scope=request.scope, household_id=household_id)
    year = household_latest_year(household)
    if year is None:
        messages.error(request, _("该户尚无年度收支记录，无法评估。"))
        return redirect("registry:household-detail", household_id=household.pk)
    try:
        services.assessment_run(
            actor=request.user,
            scope=request.scope,
            region_code=household.village_id,
            year=year,
            household_ids=[household.pk],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已完成评估。"))
    return redirect("registry:household-detail", household_id=household.pk)


@scoped_view()
def run_list(request: ScopedRequest) -> HttpResponse:
    """Assessment runs in scope, and (for those allowed) a form to assess the region."""
    form = AssessmentRunForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST":
        if not request.scope.can(Capability.RUN_ASSESSMENT):
            return forbidden(request, _("您的角色无权运行监测评估。"))
        if form.is_valid():
            try:
                job = services.assessment_run_start(
                    actor=request.user,
                    scope=request.scope,
                    region_code=request.scope.prefix,
                    year=form.cleaned_data["year"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return redirect("jobs:job-detail", job_id=job.pk)
    return render(
        request,
        "assessment/run_list.html",
        {
            "runs": selectors.run_list(scope=request.scope),
            "form": form,
            "can_run": request.scope.can(Capability.RUN_ASSESSMENT),
            "breadcrumbs": [(_("监测评估"), None)],
        },
        status=400 if form.errors else 200,
    )


def _parameter_names() -> list[tuple[str, str]]:
    rule_set = definition.default_rule_set()
    return [
        *(
            (name, f"{spec.label_or(name)}（{spec.description_zh}）")
            for name, spec in rule_set.parameters.items()
        ),
        *((name, str(label)) for name, label in selectors.REFERENCE_PARAMETERS.items()),
    ]


@scoped_view()
def parameter_list(request: ScopedRequest) -> HttpResponse:
    """Policy parameters that apply in the scope; administrators set their region's."""
    can_manage = request.scope.can(Capability.MANAGE_POLICY)
    form = PolicyParameterForm(
        request.POST or None,
        names=_parameter_names(),
        initial={"region_code": request.scope.prefix, "year": timezone.localdate().year},
    )
    if request.method == "POST":
        if not can_manage:
            return forbidden(request, _("您的角色无权设置政策参数。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.policy_parameter_set(
                    actor=request.user,
                    scope=request.scope,
                    name=data["name"],
                    region_code=data["region_code"] or "",
                    year=data["year"],
                    value=data["value"],
                    base_value=data["base_value"],
                    multiplier=data["multiplier"],
                    basis=data["basis"],
                    document_number=data["document_number"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已保存政策参数。"))
                return redirect("assessment:parameter-list")
    rule_set = definition.default_rule_set()
    labels = {
        **{name: spec.label_or(name) for name, spec in rule_set.parameters.items()},
        **{name: str(label) for name, label in selectors.REFERENCE_PARAMETERS.items()},
    }
    return render(
        request,
        "assessment/parameter_list.html",
        {
            "parameters": [
                (parameter, labels.get(parameter.name, parameter.name))
                for parameter in selectors.parameter_list(scope=request.scope)
            ],
            "gaps": selectors.parameter_gaps(
                scope=request.scope, rule_set=rule_set, until_year=timezone.localdate().year
            ),
            "form": form,
            "can_manage": can_manage,
            "breadcrumbs": [(_("政策参数"), None)],
        },
        status=400 if form.errors else 200,
    )
