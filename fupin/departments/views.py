"""疑点 pages (list, detail with the village's answer and the township's review), the
ranked data-quality index, the duplicate queue and the department API keys."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.departments import selectors, services
from fupin.departments.forms import AnswerForm, ReviewForm, TokenIssueForm
from fupin.departments.models import Finding, FindingStatus

PAGE_SIZE = 50
_STATUS_FILTERS = (
    ("open", gettext_lazy("未销号")),
    (FindingStatus.VILLAGE.value, FindingStatus.VILLAGE.label),
    (FindingStatus.TOWNSHIP.value, FindingStatus.TOWNSHIP.label),
    (FindingStatus.CLOSED.value, FindingStatus.CLOSED.label),
)


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("数据质量"), reverse("departments:quality")), *more]


@scoped_view()
def quality(request: ScopedRequest) -> HttpResponse:
    """The scope's 数据质量指数 and its parts ranked, worst first."""
    return render(
        request,
        "departments/quality.html",
        {
            "own": selectors.quality_index_for(request.scope),
            "rows": selectors.quality_index_list(scope=request.scope),
            "can_review_duplicates": request.scope.can(Capability.EDIT_REGISTRY),
            "breadcrumbs": _crumbs(),
        },
    )


@scoped_view()
def finding_list(request: ScopedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    findings = selectors.finding_list(scope=request.scope, status=status)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/finding_list.html",
        {
            "page_obj": page,
            "status": status,
            "status_filters": _STATUS_FILTERS,
            "query_without_page": f"status={status}&",
            "breadcrumbs": _crumbs((_("疑点"), None)),
        },
    )


def _detail(
    request: ScopedRequest,
    finding: Finding,
    *,
    answer_form: AnswerForm | None = None,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    can_answer = (
        request.scope.can(Capability.ANSWER_FINDINGS) and finding.status == FindingStatus.VILLAGE
    )
    can_review = (
        request.scope.can(Capability.REVIEW_FINDINGS) and finding.status == FindingStatus.TOWNSHIP
    )
    return render(
        request,
        "departments/finding_detail.html",
        {
            "finding": finding,
            "answer_form": (answer_form or AnswerForm()) if can_answer else None,
            "review_form": (review_form or ReviewForm()) if can_review else None,
            "breadcrumbs": _crumbs(
                (_("疑点"), reverse("departments:finding-list")), (finding.rule_label, None)
            ),
        },
    )


@scoped_view()
def finding_detail(request: ScopedRequest, finding_id: int) -> HttpResponse:
    return _detail(request, selectors.finding_get(scope=request.scope, finding_id=finding_id))


@require_POST
@scoped_view(Capability.ANSWER_FINDINGS)
def finding_answer(request: ScopedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(scope=request.scope, finding_id=finding_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.finding_answer(
                actor=request.user,
                scope=request.scope,
                finding_id=finding.pk,
                verdict=form.cleaned_data["verdict"],
                evidence=form.cleaned_data["evidence"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect_after_post(
                request, reverse("departments:finding-detail", args=[finding.pk])
            )
    return _detail(request, finding, answer_form=form)


@require_POST
@scoped_view(Capability.REVIEW_FINDINGS)
def finding_review(request: ScopedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(scope=request.scope, finding_id=finding_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.finding_review(
                actor=request.user,
                scope=request.scope,
                finding_id=finding.pk,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect_after_post(
                request, reverse("departments:finding-detail", args=[finding.pk])
            )
    return _detail(request, finding, review_form=form)


@scoped_view(Capability.EDIT_REGISTRY)
def duplicate_list(request: ScopedRequest) -> HttpResponse:
    """The pending duplicate candidates of the scope, each with confirm and dismiss."""
    candidates = selectors.duplicate_candidate_list(scope=request.scope)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/duplicate_list.html",
        {
            "page_obj": page,
            "query_without_page": "",
            "breadcrumbs": _crumbs((_("疑似重复人员"), None)),
        },
    )


@require_POST
@scoped_view(Capability.EDIT_REGISTRY)
def duplicate_decide(request: ScopedRequest, candidate_id: int) -> HttpResponse:
    """POST `decision` confirm (merge) or dismiss (with an optional `note`)."""
    try:
        if request.POST.get("decision") == "confirm":
            services.duplicate_confirm(
                actor=request.user, scope=request.scope, candidate_id=candidate_id
            )
            messages.success(request, _("已确认为同一人，后登记的记录已减少。"))
        else:
            services.duplicate_dismiss(
                actor=request.user,
                scope=request.scope,
                candidate_id=candidate_id,
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("已排除，这对记录不会再被提出。"))
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect_after_post(request, reverse("departments:duplicate-list"))


def _feed_accounts(request: ScopedRequest) -> list[tuple[str, str]]:
    return [
        (user.username, f"{user.full_name}（{user.username}）" if user.full_name else user.username)
        for user in selectors.feed_account_list(scope=request.scope)
    ]


def _keys_page(
    request: ScopedRequest, *, form: TokenIssueForm | None = None, issued_key: str = ""
) -> HttpResponse:
    accounts = _feed_accounts(request)
    tokens = selectors.department_token_list(scope=request.scope)
    response = render(
        request,
        "departments/token_list.html",
        {
            "form": form or TokenIssueForm(accounts=accounts),
            "has_accounts": bool(accounts),
            "issued_key": issued_key,
            "page_obj": Paginator(tokens, PAGE_SIZE).get_page(request.GET.get("page")),
            "query_without_page": "",
            "breadcrumbs": [(_("部门接口密钥"), None)],
        },
    )
    # The page may carry a key shown this once: no cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


@scoped_view(Capability.MANAGE_USERS)
def token_list(request: ScopedRequest) -> HttpResponse:
    """The API keys of the department accounts in the scope, and the form to issue one."""
    return _keys_page(request)


@require_POST
@scoped_view(Capability.MANAGE_USERS)
def token_issue(request: ScopedRequest) -> HttpResponse:
    """Issue a key and show it on this response only: it is stored as a digest, so it
    cannot be shown again (no redirect, which would need it kept somewhere)."""
    form = TokenIssueForm(request.POST, accounts=_feed_accounts(request))
    if form.is_valid():
        try:
            token, key = services.department_token_issue(
                actor=request.user,
                scope=request.scope,
                username=form.cleaned_data["username"],
                label=form.cleaned_data["label"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已为 %(user)s 签发密钥“%(label)s”。")
                % {"user": token.user.username, "label": token.label},
            )
            return _keys_page(request, issued_key=key)
    return _keys_page(request, form=form)


@require_POST
@scoped_view(Capability.MANAGE_USERS)
def token_revoke(request: ScopedRequest, token_id: int) -> HttpResponse:
    token = services.department_token_revoke(
        actor=request.user, scope=request.scope, token_id=token_id
    )
    messages.success(
        request,
        _("已吊销 %(user)s 的密钥“%(label)s”，此后用它推送的数据一律拒收。")
        % {"user": token.user.username, "label": token.label},
    )
    return redirect_after_post(request, reverse("department-keys:list"))
