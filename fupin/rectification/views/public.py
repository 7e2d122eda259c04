"""Pages anyone may open without logging in: the public complaint form and the receipt
that shows its progress (never a name)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.core.errors import ApplicationError
from fupin.core.forms import add_service_error
from fupin.core.ratelimit import GuardedLookup, RateLimit, client_address
from fupin.rectification import forms, selectors, services

# As for the self-application form: a village office may send a few for the people it
# helps; a script sending more is stopped.
COMPLAINT_LIMIT = RateLimit("complaint", 10, 3600)
# Four digits of a phone are about 10,000 values: a few retries, no guessing.
RECEIPT_NUMBER_LIMIT = RateLimit("complaint-receipt-number", 5, 3600)
RECEIPT_ADDRESS_LIMIT = RateLimit("complaint-receipt-address", 20, 3600)
RECEIPT_LOOKUP = GuardedLookup(
    RECEIPT_NUMBER_LIMIT, RECEIPT_ADDRESS_LIMIT, gettext_lazy("查询失败次数过多，请一小时后再试。")
)
SESSION_RECEIPT_KEY = "rectification_complaint_receipt"


def complaint_public(request: HttpRequest) -> HttpResponse:
    """网上举报: anyone may report; the region comes from the board's QR code."""
    form = forms.PublicComplaintForm(
        request.POST or None, initial={"region_code": request.GET.get("region", "")}
    )
    status = 200
    if request.method == "POST":
        if COMPLAINT_LIMIT.hit(client_address(request)):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请一小时后再试，或拨打 12317。"))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_submit_public(
                    region_code=data["region_code"],
                    category=data["category"],
                    content=data["content"],
                    name=data["name"],
                    phone=data["phone"],
                    is_anonymous=data["is_anonymous"],
                )
            except ApplicationError as error:
                add_service_error(form, error)
                status = 400
            else:
                request.session[SESSION_RECEIPT_KEY] = complaint.receipt_number
                return redirect("rectification:complaint-public-done")
        else:
            status = 400
    code = form["region_code"].value() or ""
    region = selectors.region_get(code=code) if code else None
    return render(
        request,
        "rectification/public_complaint.html",
        {"form": form, "region": region},
        status=status,
    )


def complaint_public_done(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get(SESSION_RECEIPT_KEY, "")
    if not receipt:
        return redirect("rectification:complaint-public")
    return render(request, "rectification/public_complaint_done.html", {"receipt_number": receipt})


def complaint_receipt(request: HttpRequest) -> HttpResponse:
    """Progress of a complaint by receipt number and the phone's last four digits."""
    is_lookup = "phone_tail" in request.GET
    form = forms.ComplaintReceiptForm(
        request.GET if is_lookup else None, initial={"number": request.GET.get("number", "")}
    )
    found = None
    status = 200
    if is_lookup and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        result = RECEIPT_LOOKUP.run(
            request,
            number,
            lambda: selectors.complaint_receipt(
                receipt_number=number, phone_tail=form.cleaned_data["phone_tail"]
            ),
        )
        found, status = result.found, result.status
        if result.error:
            form.add_error(None, result.error)
    return render(
        request,
        "rectification/public_complaint_receipt.html",
        {"form": form, "receipt": found},
        status=status,
    )
