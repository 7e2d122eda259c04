from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts import selectors, services
from fupin.accounts.forms import LoginForm, PasswordChangeForm, RoleAssignForm, UserCreateForm
from fupin.accounts.middleware import SESSION_ASSIGNMENT_KEY, SESSION_FOCUS_KEY
from fupin.accounts.models import Role, User
from fupin.accounts.scoping import active_assignments, grantable_roles
from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability

USERS_PER_PAGE = 50


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("reports:home")


def login_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.LoginError as error:
            form.add_error(None, error.message)
        else:
            login(request, user)
            return redirect(_safe_next(request))
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        services.user_logout_record(actor=request.user, request=request)
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


@scoped_view()
def password_change(request: ScopedRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("reports:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "breadcrumbs": [(_("修改密码"), None)]},
        status=400 if form.errors else 200,
    )


@require_POST
@scoped_view()
def assignment_switch(request: ScopedRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    wanted = request.POST.get("assignment", "")
    ids = {assignment.pk for assignment in active_assignments(request.user)}
    if wanted.isdigit() and int(wanted) in ids:
        request.session[SESSION_ASSIGNMENT_KEY] = int(wanted)
        request.session.pop(SESSION_FOCUS_KEY, None)
        request.session.pop(SESSION_FOCUS_KEY + "_name", None)
    else:
        messages.error(request, _("无法切换到该角色。"))
    return redirect("reports:home")


@require_POST
@scoped_view()
def scope_focus(request: ScopedRequest) -> HttpResponse:
    """Narrow what the pages show to one region of the user's subtree (drill-down)."""
    code = request.POST.get("code", "").strip()
    region_name = selectors.region_name(code) if code else None
    if not code or code == request.scope.root_prefix:
        request.session.pop(SESSION_FOCUS_KEY, None)
        request.session.pop(SESSION_FOCUS_KEY + "_name", None)
    elif region_name is None or not request.scope.contains_root(code):
        messages.error(request, _("该区划不在您的管辖范围内。"))
    else:
        request.session[SESSION_FOCUS_KEY] = code
        request.session[SESSION_FOCUS_KEY + "_name"] = region_name
    return redirect(_safe_next(request))


@scoped_view(Capability.MANAGE_USERS)
def user_list(request: ScopedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    page = Paginator(
        selectors.user_list(scope=request.scope, query=query), USERS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "query": query,
        "breadcrumbs": [(_("用户与角色"), None)],
    }
    template = "accounts/user_list.html#results" if request.htmx else "accounts/user_list.html"
    return render(request, template, context)


@scoped_view(Capability.MANAGE_USERS)
def user_create(request: ScopedRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = UserCreateForm(
        request.POST or None,
        initial={"region_code": request.scope.prefix},
        roles=grantable_roles(request.scope),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=request.user,
                scope=request.scope,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                role=Role(form.cleaned_data["role"]),
                region_code=form.cleaned_data["region_code"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已创建用户 %(name)s。") % {"name": user.username})
            return redirect("accounts:user-detail", user_id=user.pk)
    return render(
        request,
        "accounts/user_create.html",
        {
            "form": form,
            "breadcrumbs": [
                (_("用户与角色"), reverse("accounts:user-list")),
                (_("新建用户"), None),
            ],
        },
        status=400 if form.errors else 200,
    )


@scoped_view(Capability.MANAGE_USERS)
def user_detail(request: ScopedRequest, user_id: int) -> HttpResponse:
    assert isinstance(request.user, User)
    user = selectors.user_get(scope=request.scope, user_id=user_id)
    form = RoleAssignForm(
        request.POST or None,
        initial={"region_code": request.scope.prefix},
        roles=grantable_roles(request.scope),
    )
    if request.method == "POST":
        try:
            _handle_user_action(request, user, form)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if not form.errors:
                return redirect("accounts:user-detail", user_id=user.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "form": form,
            "is_own_account": user.pk == request.user.pk,
            "breadcrumbs": [
                (_("用户与角色"), reverse("accounts:user-list")),
                (user.username, None),
            ],
        },
        status=400 if form.errors else 200,
    )


def _handle_user_action(request: ScopedRequest, user: User, form: RoleAssignForm) -> None:
    assert isinstance(request.user, User)
    action = request.POST.get("action")
    if action == "unlock":
        services.user_unlock(actor=request.user, scope=request.scope, user=user)
        messages.success(request, _("已解除锁定。"))
    elif action == "revoke":
        services.role_revoke(
            actor=request.user,
            scope=request.scope,
            assignment_id=_int_or_zero(request.POST.get("assignment", "")),
        )
        messages.success(request, _("已撤销角色。"))
    elif form.is_valid():
        services.role_assign(
            actor=request.user,
            scope=request.scope,
            user=user,
            role=Role(form.cleaned_data["role"]),
            region_code=form.cleaned_data["region_code"],
        )
        messages.success(request, _("已分配角色。"))


def _int_or_zero(raw: str) -> int:
    return int(raw) if raw.isdigit() else 0
