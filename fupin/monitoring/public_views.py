"""Pages anyone may open without logging in: the farmer's self-application form, the
receipt that shows its progress, and the public notices for village boards."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.core.decorators import answers_errors
from fupin.core.errors import ApplicationError
from fupin.core.forms import add_service_error
from fupin.core.ratelimit import GuardedLookup, RateLimit, client_address
from fupin.monitoring import forms, selectors, services
from fupin.monitoring.models import CaseKind, Notice
from fupin.monitoring.qr import qr_svg

# Anti-abuse for the anonymous form: a village committee's office PC may send a handful of
# applications an hour for the farmers it helps; a script sending more is stopped.
APPLICATIONS_PER_HOUR = 10
APPLICATION_LIMIT = RateLimit("apply", APPLICATIONS_PER_HOUR, 3600)
# The receipt's 4-character check has about 11,000 values: a farmer who mistypes may retry a
# few times, but guessing one receipt, or many from one address, is stopped.
RECEIPT_NUMBER_LIMIT = RateLimit("receipt-number", 5, 3600)
RECEIPT_ADDRESS_LIMIT = RateLimit("receipt-address", 20, 3600)
RECEIPT_LOOKUP = GuardedLookup(
    RECEIPT_NUMBER_LIMIT,
    RECEIPT_ADDRESS_LIMIT,
    gettext_lazy("查询失败次数过多，请一小时后再试，或到村委会查询。"),
)
SESSION_RECEIPT_KEY = "monitoring_receipt"


def apply(request: HttpRequest) -> HttpResponse:
    """农户自主申报: anyone may apply; the village code comes from the board's QR code."""
    village_code = request.GET.get("village", "")
    form = forms.SelfApplicationForm(
        request.POST if request.method == "POST" else None,
        initial={"village_code": village_code},
    )
    status = 200
    if request.method == "POST":
        if APPLICATION_LIMIT.hit(client_address(request)):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请一小时后再试，或到村委会办理。"))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                clue = services.clue_self_apply(
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    village_code=data["village_code"],
                    risk_types=data["risk_types"],
                    description=data["description"],
                    has_consent=data["has_consent"],
                )
            except ApplicationError as error:
                add_service_error(form, error)
                status = 400
            else:
                request.session[SESSION_RECEIPT_KEY] = clue.receipt_number
                return redirect("monitoring:apply-done")
        else:
            status = 400
    code = form["village_code"].value() or ""
    village = selectors.village_get(code=code) if code else None
    return render(
        request, "monitoring/public_apply.html", {"form": form, "village": village}, status=status
    )


def apply_done(request: HttpRequest) -> HttpResponse:
    """The receipt number of the application just sent (kept in the session)."""
    receipt = request.session.get(SESSION_RECEIPT_KEY, "")
    if not receipt:
        return redirect("monitoring:apply")
    return render(request, "monitoring/public_apply_done.html", {"receipt_number": receipt})


def receipt(request: HttpRequest) -> HttpResponse:
    """Progress of an application by receipt number and the ID number's last four."""
    # Arriving from the receipt page with only the number prefilled is not a failed lookup.
    is_lookup = "id_tail" in request.GET
    form = forms.ReceiptForm(
        request.GET if is_lookup else None, initial={"number": request.GET.get("number", "")}
    )
    found = None
    status = 200
    if is_lookup and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        result = RECEIPT_LOOKUP.run(
            request,
            number,
            lambda: selectors.receipt_lookup(
                receipt_number=number, id_tail=form.cleaned_data["id_tail"]
            ),
        )
        found, status = result.found, result.status
        if result.error:
            form.add_error(None, result.error)
    return render(
        request, "monitoring/public_receipt.html", {"form": form, "receipt": found}, status=status
    )


@answers_errors
def notice_public(request: HttpRequest, token: str) -> HttpResponse:
    """A 公示 or 公告 at its public address, listing its households, printable on A4 with a
    QR code to itself and signed by the body that issued it."""
    notice = selectors.notice_public_get(token=token)
    url = request.build_absolute_uri(reverse("monitoring:notice-public", args=[notice.token]))
    today = timezone.localdate()
    return render(
        request,
        "monitoring/public_notice.html",
        {
            "notice": notice,
            "rows": selectors.notice_rows(notice),
            "is_publicity": notice.kind == Notice.Kind.PUBLICITY,
            "is_identification": notice.content.get("case_kind") == CaseKind.IDENTIFICATION,
            # Names are public only for the notice's period (DOMAIN §5.6), not for ever.
            "is_running": notice.starts_on <= today <= notice.ends_on,
            "notice_url": url,
            # segno writes the SVG itself from the URL; nothing user-typed goes in unescaped.
            "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308
        },
    )
