"""Campaign pages: the list, opening a campaign, its live progress by township and village,
a village's visit list and the questionnaire a cadre fills on a phone."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.rectification import forms, selectors, services
from fupin.rectification.models import VisitState
from fupin.registry.models import Region

VISITS_SHOWN = 200


def _breadcrumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("排查回头看"), reverse("rectification:campaign-list")), *extra]


@scoped_view()
def campaign_list(request: ScopedRequest) -> HttpResponse:
    campaigns = list(selectors.campaign_list(scope=request.scope)[:100])
    totals = selectors.campaign_totals(scope=request.scope, campaigns=campaigns)
    return render(
        request,
        "rectification/campaign_list.html",
        {
            "rows": [(campaign, totals[campaign.pk]) for campaign in campaigns],
            "can_open": request.scope.can(Capability.MANAGE_CAMPAIGNS),
            "breadcrumbs": [(_("排查回头看"), None)],
        },
    )


@scoped_view()
def campaign_create(request: ScopedRequest) -> HttpResponse:
    form = forms.CampaignForm(
        request.POST or None,
        initial={"region_code": request.scope.prefix},
        region_choices=selectors.region_choices(
            scope=request.scope, levels=[Region.Level.TOWN, Region.Level.VILLAGE]
        ),
        questionnaire_choices=selectors.questionnaire_choices(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_open(
                actor=request.user,
                scope=request.scope,
                name=data["name"],
                kind=data["kind"],
                region_code=data["region_code"],
                region_codes=data["region_codes"],
                household_types=data["household_types"],
                questionnaire_id=data["questionnaire"],
                due_on=data["due_on"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已发起，生成走访任务 %(count)d 户。") % {"count": campaign.task_count},
            )
            return redirect_after_post(
                request, reverse("rectification:campaign-detail", args=[campaign.pk])
            )
    return render(
        request,
        "rectification/campaign_form.html",
        {
            "form": form,
            "can_open": request.scope.can(Capability.MANAGE_CAMPAIGNS),
            "breadcrumbs": _breadcrumbs((_("发起排查"), None)),
        },
        status=400 if request.method == "POST" else 200,
    )


@scoped_view()
def campaign_detail(request: ScopedRequest, campaign_id: int) -> HttpResponse:
    """Progress by township and village (refreshed in place while the campaign runs)."""
    campaign = selectors.campaign_get(scope=request.scope, campaign_id=campaign_id)
    context = {
        "campaign": campaign,
        "progress": selectors.campaign_progress(scope=request.scope, campaign=campaign),
        "questions": selectors.questions_of(campaign.questionnaire),
        "can_visit": request.scope.can(Capability.VISIT_HOUSEHOLDS) and campaign.is_running,
        "can_finish": request.scope.can(Capability.MANAGE_CAMPAIGNS)
        and campaign.is_running
        and request.scope.contains(campaign.region_id),
        "breadcrumbs": _breadcrumbs((campaign.name, None)),
    }
    if request.htmx:
        return render(request, "rectification/campaign_detail.html#progress", context)
    return render(request, "rectification/campaign_detail.html", context)


@require_POST
@scoped_view(Capability.MANAGE_CAMPAIGNS)
def campaign_finish(request: ScopedRequest, campaign_id: int) -> HttpResponse:
    try:
        services.campaign_finish(actor=request.user, scope=request.scope, campaign_id=campaign_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("排查活动已结束。"))
    return redirect_after_post(
        request, reverse("rectification:campaign-detail", args=[campaign_id])
    )


@scoped_view()
def visit_list(request: ScopedRequest, campaign_id: int) -> HttpResponse:
    """The households to visit (not done first), for the village's cadres."""
    campaign = selectors.campaign_get(scope=request.scope, campaign_id=campaign_id)
    state = request.GET.get("state", "")
    if state not in VisitState.values:
        state = ""
    visits = selectors.visit_list(
        scope=request.scope,
        campaign=campaign,
        state=state,
        village_code=request.GET.get("village", ""),
    )
    return render(
        request,
        "rectification/visit_list.html",
        {
            "campaign": campaign,
            "visits": list(visits[:VISITS_SHOWN]),
            "shown": VISITS_SHOWN,
            "state": state,
            "states": VisitState.choices,
            "breadcrumbs": _breadcrumbs(
                (campaign.name, reverse("rectification:campaign-detail", args=[campaign.pk])),
                (_("走访任务"), None),
            ),
        },
    )


@scoped_view()
def visit_detail(request: ScopedRequest, visit_id: int) -> HttpResponse:
    """The questionnaire of one household's visit; after submission, the answers."""
    visit = selectors.visit_get(scope=request.scope, visit_id=visit_id)
    questions = selectors.questions_of(visit.campaign.questionnaire)
    can_answer = (
        request.scope.can(Capability.VISIT_HOUSEHOLDS)
        and visit.campaign.is_running
        and not visit.is_done
    )
    form = forms.VisitForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST" and can_answer:
        form.is_valid()
        try:
            result = services.visit_record(
                actor=request.user,
                scope=request.scope,
                visit_id=visit.pk,
                answers={key: str(value) for key, value in request.POST.items()},
            )
        except ApplicationError as error:
            add_service_error(form, error)
            status = 400
        else:
            if result.problem_numbers:
                messages.warning(
                    request,
                    _("已提交，发现问题 %(count)d 个：%(numbers)s。")
                    % {
                        "count": len(result.problem_numbers),
                        "numbers": "、".join(result.problem_numbers),
                    },
                )
            else:
                messages.success(request, _("已提交，未发现问题。"))
            return redirect_after_post(
                request,
                reverse("rectification:visit-list", args=[visit.campaign_id])
                + f"?state={VisitState.PENDING}",
            )
    answers = visit.answers or {}
    return render(
        request,
        "rectification/visit_detail.html",
        {
            "visit": visit,
            "form": form,
            "can_answer": can_answer,
            "answered": [
                (question, services.answer_label(question, answers.get(question.code, "")))
                for question in questions
            ]
            if visit.is_done
            else [],
            "problems": list(visit.problems.order_by("id")) if visit.is_done else [],
            "breadcrumbs": _breadcrumbs(
                (
                    visit.campaign.name,
                    reverse("rectification:visit-list", args=[visit.campaign_id]),
                ),
                (visit.household.number, None),
            ),
        },
        status=status,
    )
