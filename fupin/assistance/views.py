"""Assistance pages: the section of the household page, 我的帮扶户, the phone-first visit
form, and the forms to assign a cadre (one household or a selection), add measures and
risks and resolve them."""

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.assistance import forms, selectors, services
from fupin.assistance.models import Measure, RiskRecord
from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.registry.models import Household
from fupin.registry.selectors import household_get

# Households one bulk assignment may carry: a cadre helps a handful, never hundreds.
BULK_ASSIGN_LIMIT = 50


def _household_url(household: Household) -> str:
    return reverse("registry:household-detail", args=[household.pk]) + "#assistance"


def _breadcrumbs(household: Household, title: str) -> list[tuple[str, str | None]]:
    return [
        (_("农户"), reverse("registry:household-list")),
        (household.number, reverse("registry:household-detail", args=[household.pk])),
        (title, None),
    ]


def _helped_household(request: ScopedRequest, household_id: int) -> Household:
    """A household the user may record assistance for (404 / 403 otherwise)."""
    household = household_get(scope=request.scope, household_id=household_id)
    selectors.require_access(
        scope=request.scope, user=request.user, household=household, needed=selectors.Access.HELP
    )
    return household


def _household_form(
    request: ScopedRequest,
    household: Household,
    form: Form,
    *,
    save: Callable[[dict[str, Any]], object],
    done: str,
    title: str,
) -> HttpResponse:
    """A one-form page about a household: post → service → message → back to the household,
    or the form again with the service's refusal on it."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect_after_post(request, _household_url(household))
    return render(
        request,
        "assistance/simple_form.html",
        {
            "form": form,
            "household": household,
            "title": title,
            "breadcrumbs": _breadcrumbs(household, title),
        },
    )


@scoped_view()
def household_section(request: ScopedRequest, household_id: int) -> HttpResponse:
    """The assistance section of the household page (loaded into it by htmx)."""
    household = household_get(scope=request.scope, household_id=household_id)
    access = selectors.household_access(scope=request.scope, user=request.user, household=household)
    if access == selectors.Access.NONE:
        return HttpResponse("")
    overview = selectors.household_assistance(
        scope=request.scope, user=request.user, household=household
    )
    return render(
        request,
        "assistance/_household_section.html",
        {
            "overview": overview,
            "household": household,
            "can_help": access >= selectors.Access.HELP,
            "can_manage": access >= selectors.Access.MANAGE,
            "can_see_photos": selectors.may_see_photos(
                scope=request.scope, user=request.user, access=access
            ),
            "today": timezone.localdate(),
        },
    )


@scoped_view()
def household_card_section(request: ScopedRequest, household_id: int) -> HttpResponse:
    """The responsible cadre and this year's measures on the household's printed 一户一档
    (loaded into it by htmx); empty for a user who may not see the household's assistance."""
    household = household_get(scope=request.scope, household_id=household_id)
    access = selectors.household_access(scope=request.scope, user=request.user, household=household)
    if access == selectors.Access.NONE:
        return HttpResponse("")
    overview = selectors.household_assistance(
        scope=request.scope, user=request.user, household=household
    )
    return render(request, "assistance/_household_card_section.html", {"overview": overview})


@scoped_view()
def my_households(request: ScopedRequest) -> HttpResponse:
    """我的帮扶户: the households assigned to the user's cadre record, with the day each
    next visit is due (empty, with a hint, for an account that is no cadre's)."""
    due = selectors.visits_due(
        scope=request.scope, user=request.user, today=timezone.localdate(), only_mine=True
    )
    return render(
        request,
        "assistance/my_households.html",
        {
            "rows": due,
            "cadre": selectors.cadre_of_user(request.user),
            "breadcrumbs": [(_("我的帮扶户"), None)],
        },
    )


@scoped_view(Capability.MANAGE_ASSISTANCE)
def assign(request: ScopedRequest) -> HttpResponse:
    """Assign a cadre to one household (?household=) or to the households selected in the
    household list (household=…&household=…)."""
    raw_ids = request.POST.getlist("household") or request.GET.getlist("household")
    ids = [int(value) for value in raw_ids if value.isdigit()][:BULK_ASSIGN_LIMIT]
    households = [household_get(scope=request.scope, household_id=pk) for pk in ids]
    if not households:
        messages.warning(request, _("请先在农户列表中选择农户。"))
        return redirect_after_post(request, reverse("registry:household-list"))
    form = forms.AssignForm(
        request.POST if "cadre" in request.POST else None,
        cadres=selectors.cadre_list(scope=request.scope).order_by("name"),
    )
    if form.is_valid():
        try:
            services.cadre_assign(
                actor=request.user,
                scope=request.scope,
                cadre=form.cleaned_data["cadre"],
                households=households,
                started_on=form.cleaned_data["started_on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已为 %(count)s 户落实帮扶责任人。") % {"count": len(households)},
            )
            target = (
                _household_url(households[0])
                if len(households) == 1
                else reverse("registry:household-list")
            )
            return redirect_after_post(request, target)
    return render(
        request,
        "assistance/assign_form.html",
        {
            "form": form,
            "households": households,
            "breadcrumbs": (
                _breadcrumbs(households[0], _("落实帮扶责任人"))
                if len(households) == 1
                else [(_("农户"), reverse("registry:household-list")), (_("批量结对"), None)]
            ),
        },
    )


@scoped_view()
def measure_create(request: ScopedRequest, household_id: int) -> HttpResponse:
    household = _helped_household(request, household_id)
    form = forms.MeasureForm(
        request.POST or None,
        members=household.members.filter(is_active=True).order_by("id"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_add(
                actor=request.user,
                scope=request.scope,
                household=household,
                # This year's plan holds the measures running now, whenever they began.
                year=timezone.localdate().year,
                member=data["member"],
                category_code=data["category_code"],
                subtype=data["subtype"],
                responsible_unit=data["responsible_unit"],
                funding_source=data["funding_source"],
                amount=data["amount"],
                quantity=data["quantity"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                status=data["status"],
                evidence=data["evidence"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已添加帮扶措施。"))
            return redirect_after_post(request, _household_url(household))
    return render(
        request,
        "assistance/measure_form.html",
        {
            "form": form,
            "household": household,
            "breadcrumbs": _breadcrumbs(household, _("添加帮扶措施")),
        },
    )


@require_POST
@scoped_view()
def measure_status(request: ScopedRequest, measure_id: int) -> HttpResponse:
    measure = Measure.objects.select_related("household").filter(pk=measure_id).first()
    if measure is None:
        raise NotFoundError(_("帮扶措施不存在。"))
    household = _helped_household(request, measure.household_id)
    form = forms.MeasureStatusForm(request.POST)
    if form.is_valid():
        try:
            services.measure_status_set(
                actor=request.user,
                scope=request.scope,
                measure=measure,
                status=form.cleaned_data["status"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已更新措施状态。"))
    return redirect_after_post(request, _household_url(household))


@scoped_view()
def risk_create(request: ScopedRequest, household_id: int) -> HttpResponse:
    household = _helped_household(request, household_id)
    return _household_form(
        request,
        household,
        forms.RiskForm(request.POST or None),
        save=lambda data: services.risk_add(
            actor=request.user, scope=request.scope, household=household, **data
        ),
        done=_("已登记风险。"),
        title=_("登记风险"),
    )


@scoped_view()
def risk_resolve(request: ScopedRequest, risk_id: int) -> HttpResponse:
    risk = RiskRecord.objects.filter(pk=risk_id).first()
    if risk is None:
        raise NotFoundError(_("风险记录不存在。"))
    household = _helped_household(request, risk.household_id)
    return _household_form(
        request,
        household,
        forms.RiskResolveForm(request.POST or None),
        save=lambda data: services.risk_resolve(
            actor=request.user, scope=request.scope, risk=risk, **data
        ),
        done=_("已登记风险消除。"),
        title=_("消除风险：%(risk)s") % {"risk": risk.get_risk_type_display()},
    )


def _visit_errors(form: forms.VisitForm) -> dict[str, list[str]]:
    return {
        field or "__all__": [str(error) for error in errors]
        for field, errors in form.errors.items()
    }


@scoped_view()
def visit_create(request: ScopedRequest, household_id: int) -> HttpResponse:
    """The phone-first visit form. Its script keeps a draft on the phone and posts with
    `X-Fupin-Draft`, answered in JSON so that it can retry; without the script the form
    posts and redirects like any other."""
    household = _helped_household(request, household_id)
    wants_json = request.headers.get("X-Fupin-Draft") == "1"
    form = forms.VisitForm(request.POST or None, initial={"client_token": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photos = [
            services.PhotoUpload(upload.name or "", upload.content_type or "", upload.read())
            for upload in request.FILES.getlist("photos")
        ]
        try:
            services.visit_record(
                actor=request.user,
                scope=request.scope,
                household=household,
                client_token=data["client_token"],
                visited_on=data["visited_on"],
                met_person=data["met_person"],
                household_income=data["household_income"],
                employment_change=data["employment_change"],
                problems=data["problems"],
                measures_checked=data["measures_checked"],
                latitude=_coordinate(data["latitude"]),
                longitude=_coordinate(data["longitude"]),
                photos=photos,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("走访记录已保存。"))
            target = (
                reverse("assistance:my-households")
                if request.scope.can(Capability.HELP_ASSIGNED_HOUSEHOLDS)
                else _household_url(household)
            )
            if wants_json:
                return JsonResponse({"saved": True, "url": target})
            return redirect_after_post(request, target)
    if wants_json:
        return JsonResponse({"saved": False, "errors": _visit_errors(form)}, status=400)
    return render(
        request,
        "assistance/visit_form.html",
        {
            "form": form,
            "household": household,
            "breadcrumbs": _breadcrumbs(household, _("走访记录")),
        },
    )


def _coordinate(value: Decimal | None) -> Decimal | None:
    return value.quantize(Decimal("0.000001")) if value is not None else None


@scoped_view(Capability.MANAGE_ASSISTANCE)
def cadre_list(request: ScopedRequest) -> HttpResponse:
    """The region's responsible cadres with their current households, and the form to
    register one (linked to a login account when given)."""
    form = forms.CadreForm(request.POST or None, initial={"region_code": request.scope.prefix})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = selectors.account_for_cadre(scope=request.scope, username=data["username"])
            services.cadre_create(
                actor=request.user,
                scope=request.scope,
                name=data["name"],
                unit=data["unit"],
                post=data["post"],
                phone=data["phone"],
                level=data["level"],
                region_code=data["region_code"],
                user=user,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已登记帮扶责任人。"))
            return redirect_after_post(request, reverse("assistance:cadre-list"))
    return render(
        request,
        "assistance/cadre_list.html",
        {
            "rows": selectors.cadre_rows(scope=request.scope),
            "form": form,
            "breadcrumbs": [(_("帮扶责任人"), None)],
        },
    )


@scoped_view(Capability.MANAGE_ASSISTANCE)
def work_team(request: ScopedRequest) -> HttpResponse:
    """A village's work-team roster, present and past, and the form to add a member."""
    village = request.GET.get("village") or request.POST.get("region_code") or ""
    form = forms.WorkTeamMemberForm(request.POST or None, initial={"region_code": village})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.work_team_member_add(
                actor=request.user,
                scope=request.scope,
                village_code=data["region_code"],
                name=data["name"],
                unit=data["unit"],
                post=data["post"],
                phone=data["phone"],
                started_on=data["started_on"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已登记驻村工作队成员。"))
            return redirect_after_post(
                request, reverse("assistance:work-team") + f"?village={data['region_code']}"
            )
    return render(
        request,
        "assistance/work_team.html",
        {
            "village": village,
            "members": selectors.work_team(scope=request.scope, village_code=village)
            if village
            else [],
            "form": form,
            "breadcrumbs": [(_("驻村工作队"), None)],
        },
    )


@scoped_view()
def income_create(request: ScopedRequest, household_id: int) -> HttpResponse:
    """Record (or correct) one month's household income outside a visit."""
    household = _helped_household(request, household_id)
    return _household_form(
        request,
        household,
        forms.MonthlyIncomeForm(request.POST or None),
        save=lambda data: services.monthly_income_record(
            actor=request.user, scope=request.scope, household=household, **data
        ),
        done=_("已登记月度收入。"),
        title=_("登记月度收入"),
    )


def _end_form(
    request: ScopedRequest,
    form: Form,
    *,
    save: Callable[[dict[str, Any]], object],
    done: str,
    title: str,
    lines: list[str],
    back: str,
    breadcrumbs: list[tuple[str, str | None]],
) -> HttpResponse:
    """A page that ends a period (a pairing, a stay in a work team): post → service →
    message → back, or the form again with the service's refusal on it."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect_after_post(request, back)
    return render(
        request,
        "assistance/end_form.html",
        {"form": form, "title": title, "lines": lines, "back": back, "breadcrumbs": breadcrumbs},
    )


@scoped_view(Capability.MANAGE_ASSISTANCE)
def assignment_end(request: ScopedRequest, assignment_id: int) -> HttpResponse:
    """End a current pairing of cadre and household, with the day and the reason; the row
    stays as history. `?back=cadre` returns to the cadre's page, else to the household."""
    assignment = selectors.assignment_get(scope=request.scope, assignment_id=assignment_id)
    household, cadre = assignment.household, assignment.cadre
    from_cadre = (request.GET.get("back") or request.POST.get("back")) == "cadre"
    back = (
        reverse("assistance:cadre-detail", args=[cadre.pk])
        if from_cadre
        else _household_url(household)
    )
    title = _("结束结对帮扶")
    return _end_form(
        request,
        forms.AssignmentEndForm(request.POST or None),
        save=lambda data: services.cadre_assignment_end(
            actor=request.user, scope=request.scope, assignment=assignment, **data
        ),
        done=_("已结束 %(name)s 与户 %(number)s 的结对。")
        % {"name": cadre.name, "number": household.number},
        title=title,
        lines=[
            _("帮扶责任人：%(name)s（%(unit)s）") % {"name": cadre.name, "unit": cadre.unit},
            _("户编号：%(number)s") % {"number": household.number},
            _("结对开始日期：%(day)s") % {"day": assignment.started_on.isoformat()},
        ],
        back=back,
        breadcrumbs=(
            [
                (_("帮扶责任人"), reverse("assistance:cadre-list")),
                (cadre.name, back),
                (title, None),
            ]
            if from_cadre
            else _breadcrumbs(household, title)
        ),
    )


@scoped_view(Capability.MANAGE_ASSISTANCE)
def cadre_detail(request: ScopedRequest, cadre_id: int) -> HttpResponse:
    """One cadre: the households they help now (each can be ended here) and before."""
    detail = selectors.cadre_detail(scope=request.scope, cadre_id=cadre_id)
    return render(
        request,
        "assistance/cadre_detail.html",
        {
            "detail": detail,
            "breadcrumbs": [
                (_("帮扶责任人"), reverse("assistance:cadre-list")),
                (detail.cadre.name, None),
            ],
        },
    )


@scoped_view(Capability.MANAGE_ASSISTANCE)
def work_team_member_end(request: ScopedRequest, team_member_id: int) -> HttpResponse:
    """Record the day a person left a village's work team; the roster keeps them."""
    member = selectors.work_team_member_get(scope=request.scope, member_id=team_member_id)
    back = reverse("assistance:work-team") + f"?village={member.village_id}"
    title = _("驻村工作队成员离任")
    return _end_form(
        request,
        forms.WorkTeamMemberEndForm(request.POST or None),
        save=lambda data: services.work_team_member_end(
            actor=request.user, scope=request.scope, member=member, **data
        ),
        done=_("已登记 %(name)s 离任。") % {"name": member.name},
        title=title,
        lines=[
            _("驻村：%(village)s") % {"village": member.village.name},
            f"{member.name} · {member.get_post_display()} · {member.unit}",
            _("驻村开始日期：%(day)s") % {"day": member.started_on.isoformat()},
        ],
        back=back,
        breadcrumbs=[(_("驻村工作队"), back), (title, None)],
    )


@scoped_view()
def visit_photos(request: ScopedRequest, assistance_visit_id: int) -> HttpResponse:
    """A visit's photos as thumbnails, each opening the full-size view."""
    found = selectors.visit_photos(
        scope=request.scope, user=request.user, visit_id=assistance_visit_id
    )
    household = found.visit.household
    return render(
        request,
        "assistance/visit_photos.html",
        {
            "visit": found.visit,
            "photos": found.photos,
            "household": household,
            "breadcrumbs": _breadcrumbs(household, _("走访照片")),
        },
    )


@scoped_view()
def visit_photo(request: ScopedRequest, photo_id: int) -> HttpResponse:
    """One photo at full size, with the visit's other photos before and after it."""
    photo = selectors.visit_photo_get(scope=request.scope, user=request.user, photo_id=photo_id)
    found = selectors.visit_photos(scope=request.scope, user=request.user, visit_id=photo.visit_id)
    ids = [row.pk for row in found.photos]
    position = ids.index(photo.pk)
    household = found.visit.household
    return render(
        request,
        "assistance/visit_photo.html",
        {
            "photo": photo,
            "visit": found.visit,
            "position": position + 1,
            "count": len(ids),
            "previous_id": ids[position - 1] if position > 0 else None,
            "next_id": ids[position + 1] if position + 1 < len(ids) else None,
            "breadcrumbs": [
                *_breadcrumbs(household, _("走访照片"))[:-1],
                (_("走访照片"), reverse("assistance:visit-photos", args=[found.visit.pk])),
                (_("第 %(number)s 张") % {"number": position + 1}, None),
            ],
        },
    )


@scoped_view()
def visit_photo_image(request: ScopedRequest, photo_id: int) -> HttpResponse:
    """The photo's bytes (thumbnails and the full view both load them); every time they
    are served is audited, so the browser is told not to keep them."""
    photo = services.visit_photo_view(actor=request.user, scope=request.scope, photo_id=photo_id)
    response = HttpResponse(bytes(photo.content), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response
