"""Monitoring pages: each user's to-do list, case list and detail with the step form the
user may use, clue and elimination forms from the household page. Public pages (the
self-application form, the receipt and the notices) live in `public_views`."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.assessment.selectors import household_is_stale
from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.monitoring import assistance_todo, forms, selectors, services, steps, workflow
from fupin.monitoring.models import (
    ApprovalRecord,
    Attachment,
    CaseKind,
    CaseState,
    MonitoringCase,
    Notice,
)
from fupin.monitoring.qr import qr_svg
from fupin.registry import codes
from fupin.registry.forms import HouseholdForCaseForm, MemberForm, household_data, member_data

CASES_PER_PAGE = 25


def _breadcrumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("监测工作"), reverse("monitoring:case-list")), *extra]


def risk_labels(values: list[str]) -> list[str]:
    return [str(codes.RiskType(value).label) for value in values if value in codes.RiskType.values]


@scoped_view()
def todo(request: ScopedRequest) -> HttpResponse:
    """Cases waiting for the user's step, returned ones first, with deadline badges."""
    rows = selectors.with_deadlines(selectors.case_todo(scope=request.scope)[:200])
    today = timezone.localdate()
    return render(
        request,
        "monitoring/todo.html",
        {
            "rows": rows,
            "cadre_deadlines": assistance_todo.cadre_deadlines(scope=request.scope, today=today),
            "visits_due": assistance_todo.visits_needing_attention(
                scope=request.scope, user=request.user, today=today
            ),
            "owns_steps": bool(workflow.states_owned_by(request.scope)),
            "breadcrumbs": [(_("我的待办"), None)],
        },
    )


def _filters(request: ScopedRequest) -> tuple[forms.CaseFilterForm, selectors.CaseFilters]:
    form = forms.CaseFilterForm(request.GET)
    if not form.is_valid():
        return form, selectors.CaseFilters()
    data = form.cleaned_data
    return form, selectors.CaseFilters(
        state=data["state"],
        kind=data["kind"],
        channel=data["channel"],
        region_code=data["region_code"] or "",
        is_overdue=bool(data["overdue"]),
        search=(data["q"] or "").strip(),
    )


@scoped_view()
def case_list(request: ScopedRequest) -> HttpResponse:
    """Cases in scope with filters by step, kind, channel, village and overdue."""
    form, filters = _filters(request)
    page = Paginator(selectors.case_list(scope=request.scope, filters=filters), CASES_PER_PAGE)
    page_obj = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "rows": selectors.with_deadlines(page_obj.object_list),
        "total": page.count,
        "query_without_page": query.urlencode() + "&" if query else "",
        "breadcrumbs": [(_("监测工作"), None)],
        "can_generate_warnings": request.scope.can(Capability.GENERATE_WARNINGS),
    }
    if request.htmx:
        return render(request, "monitoring/case_list.html#results", context)
    return render(request, "monitoring/case_list.html", context)


@dataclass(frozen=True)
class CaseStep:
    """One step of a case as its page marks it: done (with the day), current or ahead."""

    label: str
    is_current: bool
    is_done: bool
    done_on: date | None


def _case_steps(case: MonitoringCase, approvals: list[ApprovalRecord]) -> list[CaseStep]:
    order = workflow.STEPS[case.kind]
    reached = order.index(case.state) if case.state in order else len(order)
    last_day = {record.step: timezone.localdate(record.decided_at) for record in approvals}

    def is_done(index: int, step: CaseState) -> bool:
        # A rejected case stopped somewhere: what it passed is what has a decision.
        if case.state == CaseState.REJECTED:
            return workflow.STEP_OF[step].value in last_day
        return index < reached

    return [
        CaseStep(
            label=str(workflow.STEP_OF[step].label),
            is_current=step == case.state,
            is_done=is_done(index, step),
            done_on=last_day.get(workflow.STEP_OF[step].value) if is_done(index, step) else None,
        )
        for index, step in enumerate(order)
    ]


def _case_facts(case: MonitoringCase, approvals: list[ApprovalRecord]) -> dict[str, object]:
    """What the case page and the case file both show: its labels and its steps."""
    return {
        "risk_labels": risk_labels(case.risk_types),
        "category_label": codes.MonitoringCategory(case.monitoring_category).label
        if case.monitoring_category
        else "",
        "method_label": codes.EliminationMethod(case.elimination_method).label
        if case.elimination_method
        else "",
        "steps": _case_steps(case, approvals),
        "is_identification": case.kind == CaseKind.IDENTIFICATION,
    }


def _render_detail(
    request: ScopedRequest,
    case_id: int,
    *,
    step_form: Form | None = None,
    decide_form: Form | None = None,
    objection_form: Form | None = None,
    held_files: dict[str, Attachment] | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = selectors.case_detail(scope=request.scope, case_id=case_id)
    if step_form is not None:
        # components/_form.html shows a kept upload as "已上传" with a box to remove it.
        for name, file in (held_files or {}).items():
            if name in step_form.fields:
                step_form.fields[name].widget.attrs["held_name"] = file.name
    case = detail.case
    can_act = case.is_open and workflow.owns(request.scope, case.state)
    open_publicity = next(
        (n for n in detail.notices if n.kind == Notice.Kind.PUBLICITY and n.closed_on is None),
        None,
    )
    deadline = selectors.with_deadlines([case])[0].deadline
    step_title, step_submit_label = steps.step_titles(case)
    return render(
        request,
        "monitoring/case_detail.html",
        {
            "detail": detail,
            "case": case,
            "deadline": deadline,
            **_case_facts(case, detail.approvals),
            "confirm_step": case.state in workflow.CONFIRMED_STATES,
            # A step the user owns but may not do yet: the button is disabled with the reason.
            "step_wait_reason": selectors.publicity_wait_reason(
                open_publicity, today=timezone.localdate()
            )
            if open_publicity is not None and can_act
            else "",
            "is_rejected": case.state == CaseState.REJECTED,
            "step_title": step_title,
            "step_submit_label": step_submit_label,
            "can_act": can_act,
            "can_reveal": request.scope.can(Capability.VIEW_PERSONAL_DATA),
            # 登记为农户: an applicant no registered household matched.
            "can_register_household": case.household_id is None
            and case.is_open
            and request.scope.can(Capability.EDIT_REGISTRY),
            # Whose registered household the user may see, to show what an application's
            # identity did not match.
            "registered_in_scope": {
                clue.pk
                for clue in detail.clues
                if clue.registered_member is not None
                and request.scope.contains(clue.registered_member.household.village_id)
            },
            # 公告 lists every household of the village waiting for one; the page says how
            # many, and where to issue a township's instead.
            "announcement_village_count": len(
                selectors.announcement_candidates(
                    scope=request.scope, region_code=case.village_id, case_kind=case.kind
                )
            )
            if can_act and case.state == CaseState.ANNOUNCEMENT
            else 0,
            "step_form": step_form or (steps.step_form(case) if can_act else None),
            "decide_form": decide_form or (forms.DecideForm() if can_act else None),
            "open_publicity": open_publicity,
            "objection_form": objection_form or forms.ObjectionForm(),
            "resolve_form": forms.ResolveForm(),
            "today": timezone.localdate(),
            "breadcrumbs": _breadcrumbs((str(case), None)),
        },
        status=status,
    )


@scoped_view()
def case_detail(request: ScopedRequest, case_id: int) -> HttpResponse:
    """A case with its whole timeline, documents, notices and the user's step form."""
    return _render_detail(request, case_id)


# Uploads kept for a step form that was refused, by case and field, in the user's session.
HELD_FILES_SESSION_KEY = "monitoring_held_files"


def _held_files(request: ScopedRequest, case_id: int) -> dict[str, Attachment]:
    """The uploads kept for this case's step form, minus those the user chose to remove."""
    kept = request.session.get(HELD_FILES_SESSION_KEY, {}).get(str(case_id), {})
    held = selectors.held_attachments(actor=request.user, ids=kept)
    return {name: file for name, file in held.items() if not request.POST.get(f"discard_{name}")}


def _remember_held_files(request: ScopedRequest, case_id: int, held: dict[str, Attachment]) -> None:
    kept = dict(request.session.get(HELD_FILES_SESSION_KEY, {}))
    if held:
        kept[str(case_id)] = {name: file.pk for name, file in held.items()}
    else:
        kept.pop(str(case_id), None)
    request.session[HELD_FILES_SESSION_KEY] = kept


def _hold_uploads(
    request: ScopedRequest, case: MonitoringCase, form: Form, held: dict[str, Attachment]
) -> dict[str, Attachment]:
    """Keep the files sent with a refused form, so the form shown again has them."""
    for name in request.FILES:
        if name not in form.fields:
            continue
        sent = steps.upload(request.FILES.get(name))
        if not isinstance(sent, services.UploadedFile):
            continue
        try:
            held[name] = services.attachment_hold(
                actor=request.user, scope=request.scope, case=case, upload=sent
            )
        except ApplicationError as error:
            form.add_error(name if name in form.fields else None, error.message)
    return held


@require_POST
@scoped_view()
def case_step(request: ScopedRequest, case_id: int) -> HttpResponse:
    """Do the case's current step with the posted form. A refused form is shown again with
    what was typed and the files sent, kept as "已上传" until the form is sent again."""
    case = selectors.case_get(scope=request.scope, case_id=case_id)
    held = _held_files(request, case.pk)
    form = steps.step_form(case, request.POST, request.FILES)
    if form is None:
        return _render_detail(request, case_id, status=400)
    if form.is_valid():
        data = dict(form.cleaned_data)
        for name, file in held.items():
            data[name] = data.get(name) or file
        try:
            steps.step_run(actor=request.user, scope=request.scope, case=case, data=data)
        except PermissionDeniedError as error:
            messages.error(request, error.message)
            return _render_detail(request, case_id, status=403)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            _remember_held_files(request, case.pk, {})
            messages.success(request, _("已办理。"))
            return redirect_after_post(request, reverse("monitoring:case-detail", args=[case_id]))
    held = _hold_uploads(request, case, form, held)
    _remember_held_files(request, case.pk, held)
    return _render_detail(request, case_id, step_form=form, held_files=held, status=400)


@require_POST
@scoped_view()
def case_decide(request: ScopedRequest, case_id: int) -> HttpResponse:
    """Return the case for correction or reject it, with the reason."""
    case = selectors.case_get(scope=request.scope, case_id=case_id)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case_id, decide_form=form, status=400)
    try:
        if form.cleaned_data["decision"] == "reject":
            services.case_reject(
                actor=request.user,
                scope=request.scope,
                case=case,
                reason=form.cleaned_data["opinion"],
            )
        else:
            services.case_return(
                actor=request.user,
                scope=request.scope,
                case=case,
                opinion=form.cleaned_data["opinion"],
            )
    except PermissionDeniedError as error:
        messages.error(request, error.message)
        return _render_detail(request, case_id, status=403)
    except ApplicationError as error:
        add_service_error(form, error)
        return _render_detail(request, case_id, decide_form=form, status=400)
    messages.success(request, _("已处理。"))
    return redirect_after_post(request, reverse("monitoring:case-detail", args=[case_id]))


@require_POST
@scoped_view()
def objection_add(request: ScopedRequest, case_id: int) -> HttpResponse:
    """Record an objection to the case's running publicity."""
    case = selectors.case_get(scope=request.scope, case_id=case_id)
    form = forms.ObjectionForm(request.POST)
    notice = selectors.publicity_open(case)
    if notice is None or not form.is_valid():
        if notice is None:
            form.add_error(None, _("该公示已结束。"))
        return _render_detail(request, case_id, objection_form=form, status=400)
    try:
        services.objection_record(
            actor=request.user,
            scope=request.scope,
            notice=notice,
            received_on=form.cleaned_data["received_on"],
            content=form.cleaned_data["content"],
        )
    except ApplicationError as error:
        add_service_error(form, error)
        return _render_detail(request, case_id, objection_form=form, status=400)
    messages.success(request, _("已登记异议。"))
    return redirect_after_post(request, reverse("monitoring:case-detail", args=[case_id]))


@require_POST
@scoped_view()
def objection_resolve(request: ScopedRequest, objection_id: int) -> HttpResponse:
    """Record the resolution of an objection."""
    objection = selectors.objection_get(scope=request.scope, objection_id=objection_id)
    case_id = objection.notice.case_id
    form = forms.ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("请填写处理结果。"))
        services.objection_resolve(
            actor=request.user,
            scope=request.scope,
            objection=objection,
            resolution=form.cleaned_data["resolution"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已记录处理结果。"))
    return redirect_after_post(request, reverse("monitoring:case-detail", args=[case_id]))


@scoped_view()
def attachment_download(request: ScopedRequest, attachment_id: int) -> HttpResponse:
    """Download a case document (audited: they hold personal data)."""
    attachment, case = selectors.attachment_get(scope=request.scope, attachment_id=attachment_id)
    services.attachment_download_record(actor=request.user, case=case, attachment=attachment)
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    return response


@require_POST
@scoped_view(Capability.VIEW_PERSONAL_DATA)
def clue_reveal(request: ScopedRequest, clue_id: int, field: str) -> HttpResponse:
    """The applicant's full phone or ID number, as an htmx fragment (audited)."""
    clue = selectors.clue_get(scope=request.scope, clue_id=clue_id)
    try:
        value = services.clue_reveal_contact(
            actor=request.user, scope=request.scope, clue=clue, field=field
        )
    except ApplicationError as error:
        return HttpResponse(error.message, status=400)
    return render(request, "registry/_revealed_id.html", {"number": value})


@scoped_view()
def clue_create(request: ScopedRequest, household_id: int) -> HttpResponse:
    """登记风险线索 for a household (village cadres)."""
    household = selectors.household_in_scope(scope=request.scope, household_id=household_id)
    form = forms.ClueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clue = services.clue_register(
                actor=request.user,
                scope=request.scope,
                household=household,
                risk_types=form.cleaned_data["risk_types"],
                description=form.cleaned_data["description"],
                received_on=form.cleaned_data["received_on"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            if clue.merged_into_id is not None:
                messages.info(request, _("该户已有办理中的线索，本线索已合并。"))
            else:
                messages.success(request, _("已登记风险线索。"))
            assert clue.case_id is not None
            return redirect_after_post(
                request, reverse("monitoring:case-detail", args=[clue.case_id])
            )
    return render(
        request,
        "monitoring/clue_form.html",
        {
            "form": form,
            "household": household,
            "breadcrumbs": [
                (_("农户"), reverse("registry:household-list")),
                (household.number, reverse("registry:household-detail", args=[household.pk])),
                (_("登记风险线索"), None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@scoped_view()
def elimination_propose(request: ScopedRequest, household_id: int) -> HttpResponse:
    """提出风险消除 for a monitored household, showing the guards that block it."""
    household = selectors.household_in_scope(scope=request.scope, household_id=household_id)
    form = forms.EliminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.elimination_propose(
                actor=request.user,
                scope=request.scope,
                household=household,
                elimination_method=form.cleaned_data["elimination_method"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已提出风险消除。"))
            return redirect_after_post(request, reverse("monitoring:case-detail", args=[case.pk]))
    return render(
        request,
        "monitoring/elimination_form.html",
        {
            "form": form,
            "household": household,
            "guards": selectors.elimination_guards(household),
            "is_assessment_stale": household_is_stale(household.pk),
            "breadcrumbs": [
                (_("农户"), reverse("registry:household-list")),
                (household.number, reverse("registry:household-detail", args=[household.pk])),
                (_("提出风险消除"), None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@scoped_view()
def apply_poster(request: ScopedRequest) -> HttpResponse:
    """A printable poster with the QR code of a village's self-application form, for the
    village notice board (农户自主申报二维码)."""
    code = request.GET.get("village", "")
    if not code and len(request.scope.root_prefix) == 12:
        code = request.scope.root_prefix
    village = selectors.village_in_scope(scope=request.scope, code=code) if code else None
    url = ""
    svg = ""
    if village is not None:
        url = request.build_absolute_uri(reverse("monitoring:apply") + f"?village={village.code}")
        # segno writes the SVG from the URL; nothing user-typed goes in unescaped.
        svg = mark_safe(qr_svg(url))  # noqa: S308
    return render(
        request,
        "monitoring/apply_poster.html",
        {"village": village, "code": code, "apply_url": url, "qr_svg": svg},
    )


@require_POST
@scoped_view()
def warnings_generate(request: ScopedRequest) -> HttpResponse:
    """系统预警: turn the latest assessment's eligible households in the user's region into
    clues (county staff), and propose elimination for those ready for it."""
    try:
        batch = services.clues_from_assessment(
            actor=request.user, scope=request.scope, region_code=request.scope.prefix
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("系统预警：新开事项 %(opened)s 件，并入办理中事项 %(merged)s 件。")
            % {"opened": batch.opened, "merged": batch.merged},
        )
    return redirect_after_post(request, reverse("monitoring:case-list"))


@scoped_view(Capability.EDIT_REGISTRY)
def case_household_register(request: ScopedRequest, case_id: int) -> HttpResponse:
    """登记为农户: the applicant of a case no household matched, registered from what the
    application says (the ID number and phone shown masked, kept unless retyped)."""
    case = selectors.case_get(scope=request.scope, case_id=case_id)
    clue = selectors.case_applicant_clue(case)
    phone = clue.phone if clue is not None else ""
    id_number = clue.id_number if clue is not None else ""
    data = request.POST if request.method == "POST" else None
    form = HouseholdForCaseForm(data, stored_personal={"phone": phone})
    head = MemberForm(
        data,
        prefix="head",
        stored_personal={"id_number": id_number},
        initial={"relation": codes.Relation.HEAD, "name": case.applicant_name},
    )
    if data is not None and form.is_valid() and head.is_valid():
        try:
            household = services.case_household_register(
                actor=request.user,
                scope=request.scope,
                case=case,
                data=household_data(form, village_code=case.village_id),
                members=[member_data(head)],
            )
        except ApplicationError as error:
            about_head = error.field in head.fields and error.field not in form.fields
            add_service_error(head if about_head else form, error)
        else:
            messages.success(
                request,
                _("已登记为农户，户编号 %(number)s，并已关联本事项。")
                % {"number": household.number},
            )
            return redirect_after_post(request, reverse("monitoring:case-detail", args=[case.pk]))
    return render(
        request,
        "monitoring/case_household_form.html",
        {
            "case": case,
            "form": form,
            "head_form": head,
            "breadcrumbs": [
                (_("监测工作"), reverse("monitoring:case-list")),
                (str(case), reverse("monitoring:case-detail", args=[case.pk])),
                (_("登记为农户"), None),
            ],
        },
        status=400 if form.errors or head.errors else 200,
    )


@scoped_view()
def household_cases(request: ScopedRequest, household_id: int) -> HttpResponse:
    """The household page's fragment: its monitoring cases under way (识别中 …)."""
    cases = selectors.household_open_cases(scope=request.scope, household_id=household_id)
    return render(
        request,
        "monitoring/_household_cases.html",
        {
            "rows": [
                (case, _("识别中") if case.kind == CaseKind.IDENTIFICATION else _("风险消除中"))
                for case in cases
            ]
        },
    )


@scoped_view()
def announcements(request: ScopedRequest) -> HttpResponse:
    """公告 as offices issue them: the notices issued in scope, and for the county, the
    households of a village or township waiting for their 公告 (by the days of their 县级审定),
    issued as one 公告 for them all."""
    can_announce = workflow.owns(request.scope, CaseState.ANNOUNCEMENT)
    if request.method == "POST" and not can_announce:
        raise PermissionDeniedError(_("您的角色不发布公告。"))
    data = request.POST if request.method == "POST" else None
    if data is None and "region_code" in request.GET:
        data = request.GET
    form = forms.AnnouncementForm(data)
    listed: list[MonitoringCase] = []
    status = 400 if request.method == "POST" else 200
    if can_announce and data is not None and form.is_valid():
        chosen = {
            "region_code": form.cleaned_data["region_code"],
            "case_kind": form.cleaned_data["case_kind"],
            "approved_from": form.cleaned_data["approved_from"],
            "approved_to": form.cleaned_data["approved_to"],
        }
        if request.method == "POST":
            try:
                notice = services.announcement_publish(
                    actor=request.user,
                    scope=request.scope,
                    issuer=form.cleaned_data["issuer"],
                    **chosen,
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("已发布“%(title)s”，共 %(count)s 户。")
                    % {"title": notice.title, "count": notice.cases.count()},
                )
                return redirect_after_post(request, reverse("monitoring:announcements"))
        listed = selectors.announcement_candidates(scope=request.scope, **chosen)
    page = Paginator(selectors.announcement_list(scope=request.scope), CASES_PER_PAGE)
    page_obj = page.get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/announcements.html",
        {
            "form": form,
            "can_announce": can_announce,
            "is_previewed": can_announce and data is not None and form.is_valid(),
            "listed": listed,
            "page_obj": page_obj,
            "query_without_page": "",
            "breadcrumbs": _breadcrumbs((_("公告"), None)),
        },
        status=status,
    )


@scoped_view()
def case_file(request: ScopedRequest, case_id: int) -> HttpResponse:
    """The case file (事项档案) on A4 for the paper archive: the facts, each step with its
    day, every decision and opinion, visits, meetings, notices and the documents' names.
    The applicant's numbers stay masked (printing reveals nothing), so it needs no audit."""
    detail = selectors.case_detail(scope=request.scope, case_id=case_id)
    case = detail.case
    return render(
        request,
        "monitoring/case_file.html",
        {
            "detail": detail,
            "case": case,
            **_case_facts(case, detail.approvals),
            "printed_on": timezone.localdate(),
            "breadcrumbs": _breadcrumbs(
                (str(case), reverse("monitoring:case-detail", args=[case.pk])),
                (_("事项档案"), None),
            ),
        },
    )
