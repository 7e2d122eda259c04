"""Complaint pages for the offices: the list, registering a call, and the detail with the
step the handling level performs next (签收 → 调查核实 → 答复 → 回访), and the turn into a
problem or a risk clue."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.rectification import forms, selectors, services, workflow
from fupin.rectification.models import ComplaintState

COMPLAINTS_PER_PAGE = 25

# The form the handling level fills at each state, and its title.
STEP_FORMS: dict[str, tuple[type[Form] | None, Promise]] = {
    ComplaintState.RECEIVED: (None, gettext_lazy("签收")),
    ComplaintState.ACKNOWLEDGED: (forms.InvestigateForm, gettext_lazy("调查核实")),
    ComplaintState.INVESTIGATED: (forms.ReplyForm, gettext_lazy("答复举报人")),
    ComplaintState.REPLIED: (forms.CloseComplaintForm, gettext_lazy("回访并办结")),
}


def _breadcrumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("举报投诉"), reverse("rectification:complaint-list")), *extra]


@scoped_view()
def complaint_list(request: ScopedRequest) -> HttpResponse:
    form = forms.ComplaintFilterForm(request.GET)
    filters = selectors.ComplaintFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ComplaintFilters(
            state=data["state"],
            channel=data["channel"],
            is_overdue=bool(data["overdue"]),
            search=(data["q"] or "").strip(),
        )
    page = Paginator(
        selectors.complaint_list(scope=request.scope, filters=filters), COMPLAINTS_PER_PAGE
    )
    page_obj = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "rows": selectors.complaint_views(request.scope, page_obj.object_list),
        "total": page.count,
        "query_without_page": query.urlencode() + "&" if query else "",
        "can_register": request.scope.can(Capability.REGISTER_COMPLAINTS),
        "breadcrumbs": [(_("举报投诉"), None)],
    }
    if request.htmx:
        return render(request, "rectification/complaint_list.html#results", context)
    return render(request, "rectification/complaint_list.html", context)


@scoped_view()
def complaint_create(request: ScopedRequest) -> HttpResponse:
    """Register a call to 12317 (or a letter, a visit) taken by the county."""
    form = forms.ComplaintForm(request.POST or None, initial={"region_code": request.scope.prefix})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_register(
                actor=request.user,
                scope=request.scope,
                channel=data["channel"],
                category=data["category"],
                region_code=data["region_code"],
                content=data["content"],
                name=data["name"],
                phone=data["phone"],
                is_anonymous=data["is_anonymous"],
                received_on=data["received_on"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已登记，受理编号 %(number)s，转%(region)s办理，%(due)s前办结。")
                % {
                    "number": complaint.receipt_number,
                    "region": complaint.handling_region.name,
                    "due": complaint.due_on.isoformat(),
                },
            )
            if request.scope.contains(complaint.handling_region_id):
                url = reverse("rectification:complaint-detail", args=[complaint.pk])
            else:
                url = reverse("rectification:complaint-list")
            return redirect_after_post(request, url)
    return render(
        request,
        "rectification/complaint_form.html",
        {
            "form": form,
            "region_picker": True,
            "can_register": request.scope.can(Capability.REGISTER_COMPLAINTS),
            "breadcrumbs": _breadcrumbs((_("登记举报"), None)),
        },
        status=400 if request.method == "POST" else 200,
    )


@scoped_view()
def complaint_detail(request: ScopedRequest, complaint_id: int) -> HttpResponse:
    complaint = selectors.complaint_get(scope=request.scope, complaint_id=complaint_id)
    view = selectors.complaint_view(request.scope, complaint)
    step_form_class, step_title = STEP_FORMS.get(complaint.state, (None, ""))
    can_handle = view.can_handle and not complaint.is_closed
    is_investigated = complaint.investigated_on is not None
    return render(
        request,
        "rectification/complaint_detail.html",
        {
            "view": view,
            "complaint": complaint,
            "steps": [
                (state.label, state == complaint.state) for state in workflow.COMPLAINT_STEPS
            ],
            "can_handle": can_handle,
            "step_title": step_title,
            "step_form": step_form_class() if step_form_class else None,
            "can_make_problem": view.can_handle
            and request.scope.can(Capability.RECTIFY)
            and complaint.problem_id is None
            and complaint.is_substantiated is True,
            "can_make_clue": view.can_handle and complaint.clue_id is None and is_investigated,
            "problem_form": forms.ToProblemForm(),
            "clue_form": forms.ToClueForm(),
            "breadcrumbs": _breadcrumbs((complaint.receipt_number, None)),
        },
    )


@require_POST
@scoped_view(Capability.HANDLE_COMPLAINTS)
def complaint_step(request: ScopedRequest, complaint_id: int) -> HttpResponse:
    """Perform the step the complaint waits for; the form is the one of its state."""
    complaint = selectors.complaint_get(scope=request.scope, complaint_id=complaint_id)
    post = request.POST
    try:
        if complaint.state == ComplaintState.RECEIVED:
            services.complaint_acknowledge(
                actor=request.user, scope=request.scope, complaint_id=complaint_id
            )
        elif complaint.state == ComplaintState.ACKNOWLEDGED:
            if post.get("is_substantiated") not in {"yes", "no"}:
                raise ApplicationError(_("请选择核实结论。"))
            services.complaint_investigate(
                actor=request.user,
                scope=request.scope,
                complaint_id=complaint_id,
                findings=post.get("findings", ""),
                is_substantiated=post.get("is_substantiated") == "yes",
            )
        elif complaint.state == ComplaintState.INVESTIGATED:
            services.complaint_reply(
                actor=request.user,
                scope=request.scope,
                complaint_id=complaint_id,
                reply=post.get("reply", ""),
            )
        else:
            services.complaint_close(
                actor=request.user,
                scope=request.scope,
                complaint_id=complaint_id,
                satisfaction=post.get("satisfaction", ""),
            )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已办理。"))
    return redirect_after_post(
        request, reverse("rectification:complaint-detail", args=[complaint_id])
    )


@require_POST
@scoped_view(Capability.HANDLE_COMPLAINTS)
def complaint_to_problem(request: ScopedRequest, complaint_id: int) -> HttpResponse:
    try:
        problem = services.complaint_to_problem(
            actor=request.user,
            scope=request.scope,
            complaint_id=complaint_id,
            title=request.POST.get("title", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect_after_post(
            request, reverse("rectification:complaint-detail", args=[complaint_id])
        )
    messages.success(
        request, _("已转为整改问题 %(number)s，请分解整改任务。") % {"number": problem.number}
    )
    return redirect_after_post(request, reverse("rectification:problem-detail", args=[problem.pk]))


@require_POST
@scoped_view(Capability.HANDLE_COMPLAINTS)
def complaint_to_clue(request: ScopedRequest, complaint_id: int) -> HttpResponse:
    try:
        household = selectors.household_in_scope(
            scope=request.scope, number=request.POST.get("household_number", "")
        )
        services.complaint_to_clue(
            actor=request.user,
            scope=request.scope,
            complaint_id=complaint_id,
            household=household,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已登记风险线索，由村级核实。"))
    return redirect_after_post(
        request, reverse("rectification:complaint-detail", args=[complaint_id])
    )
