"""An organisation's own pages: its dashboard, profile, locations, offers and suggested corrections.

Who may do what is decided in `welfare.access`; what changes, in `welfare.services`. One-click
actions on an offer answer an htmx request with the offer's updated card, anything else with a
redirect and a message, so every page works without JavaScript.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from welfare import services
from welfare.access import (
    get_correction_for,
    get_location_for,
    get_offer_for,
    get_organisation_for,
    own_organisation_id,
    permissions_for,
)
from welfare.forms import (
    CapacityForm,
    CorrectionDecisionForm,
    LocationForm,
    OfferForm,
    OrganisationForm,
    ServiceAreaShortcutForm,
    apply_service_area_shortcut,
)
from welfare.models import Capacity, CorrectionStatus, Location, Offer, OfferCorrection, Organisation

OFFERS_PER_PAGE = 25
CORRECTIONS_PER_PAGE = 20
DASHBOARD = "welfare/manage/dashboard.html"
OFFER_FORM = "welfare/manage/offer_form.html"
CORRECTIONS = "welfare/manage/corrections.html"


def _dashboard_url(organisation_id: int, offer_id: int | None = None) -> str:
    url = reverse("welfare:dashboard", kwargs={"pk": organisation_id})
    return f"{url}#offer-{offer_id}" if offer_id else url


def _offer_rows(organisation: Organisation) -> QuerySet[Offer]:
    """Offers as the dashboard lists them: active first, with their open corrections counted."""
    return (
        organisation.offers.annotate(
            open_corrections=Count("corrections", filter=Q(corrections__status=CorrectionStatus.OPEN))
        )
        .prefetch_related("life_domains")
        .order_by("-is_active", "name", "pk")
    )


# --- the organisation ---------------------------------------------------------------------------


@require_GET
@login_required
def my_organisation(request: HttpRequest) -> HttpResponse:
    """'My organisation' in the navigation: the dashboard of the user's organisation."""
    organisation_id = own_organisation_id(request.user)
    if organisation_id:
        return redirect("welfare:dashboard", pk=organisation_id)
    return render(request, "welfare/manage/no_organisation.html")


@require_GET
@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Offers (active and inactive), locations and what needs attention. Flat query count."""
    organisation = get_organisation_for(request.user, pk)
    perms = permissions_for(request.user, organisation.pk)
    stale_before = timezone.localdate() - datetime.timedelta(days=settings.OFFER_STALE_AFTER_DAYS)
    active = Q(is_active=True)
    summary = organisation.offers.aggregate(
        active=Count("pk", filter=active),
        inactive=Count("pk", filter=~active),
        stale=Count("pk", filter=active & (Q(last_confirmed__lt=stale_before) | Q(last_confirmed__isnull=True))),
        open_corrections=Count("corrections", filter=Q(corrections__status=CorrectionStatus.OPEN)),
    )
    page = Paginator(_offer_rows(organisation), OFFERS_PER_PAGE).get_page(request.GET.get("page"))
    locations = organisation.locations.select_related("municipality").annotate(offer_count=Count("offers"))
    return render(
        request,
        DASHBOARD,
        {
            "organisation": organisation,
            "access": perms,
            "summary": summary,
            "page_obj": page,
            "offers": page.object_list,
            "locations": locations,
            "capacity_choices": Capacity,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, pk, admin=True)
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(organisation=organisation, by=request.user, values=form.values())
        except services.WelfareError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The organisation's details are saved."))
            return redirect(_dashboard_url(organisation.pk))
    return render(request, "welfare/manage/organisation_form.html", {"organisation": organisation, "form": form})


# --- locations ----------------------------------------------------------------------------------


def _location_form(request: HttpRequest, *, organisation: Organisation, location: Location | None) -> HttpResponse:
    instance = Location.objects.get(pk=location.pk) if location else Location(organisation=organisation)
    form = LocationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_location(
                organisation=organisation, location=location, by=request.user, values=form.values()
            )
        except services.WelfareError as error:
            form.add_error(None, str(error))
        else:
            if location:
                messages.success(request, _("Location “%(location)s” is saved.") % {"location": saved})
            else:
                messages.success(request, _("Location “%(location)s” is added.") % {"location": saved})
            return redirect(_dashboard_url(organisation.pk) + "#locations")
    return render(
        request,
        "welfare/manage/location_form.html",
        {"organisation": organisation, "location": location, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def location_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, pk, write=True)
    return _location_form(request, organisation=organisation, location=None)


@require_http_methods(["GET", "POST"])
@login_required
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for(request.user, pk, write=True)
    return _location_form(request, organisation=location.organisation, location=location)


@require_http_methods(["GET", "POST"])
@login_required
def location_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a location no offer refers to, after a confirmation page. A location in use
    stays: the page says which offers use it."""
    location = get_location_for(request.user, pk, write=True)
    organisation = location.organisation
    if request.method == "POST":
        try:
            services.remove_location(location=location, by=request.user)
        except services.WelfareError as error:
            messages.error(request, str(error))
            return redirect("welfare:location_delete", pk=location.pk)
        messages.success(request, _("Location “%(location)s” is removed.") % {"location": location})
        return redirect(_dashboard_url(organisation.pk) + "#locations")
    offers = location.offers.order_by("-is_active", "name").only("pk", "name", "is_active")
    return render(
        request,
        "welfare/manage/location_delete.html",
        {"organisation": organisation, "location": location, "offers": offers},
    )


# --- offers -------------------------------------------------------------------------------------


def _offer_form(request: HttpRequest, *, organisation: Organisation, offer: Offer | None) -> HttpResponse:
    perms = permissions_for(request.user, organisation.pk)
    corrections = None
    if offer is not None and perms.can_admin:
        corrections = offer.corrections.filter(status=CorrectionStatus.OPEN).select_related("suggested_by")
    instance = Offer.objects.get(pk=offer.pk) if offer else None
    shortcut = request.POST.get("shortcut", "") if request.method == "POST" else ""
    notice = ""
    if shortcut:
        result = apply_service_area_shortcut(request.POST, organisation=organisation)
        form = OfferForm(result.data, organisation=organisation, instance=instance, corrections=corrections)
        form.hide_errors()
        shortcut_form, notice = result.form, result.notice
    elif request.method == "POST":
        form = OfferForm(request.POST, organisation=organisation, instance=instance, corrections=corrections)
        shortcut_form = ServiceAreaShortcutForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                saved = services.save_offer(
                    organisation=organisation,
                    offer=offer,
                    by=request.user,
                    values=form.offer_values(),
                    **form.relations(),
                )
            except services.WelfareError as error:
                form.add_error(None, str(error))
            else:
                _apply_corrections(request, form.cleaned_data.get("apply_corrections") or [])
                messages.success(
                    request,
                    _("“%(offer)s” is saved and confirmed as correct today.") % {"offer": saved},
                )
                return redirect(_dashboard_url(organisation.pk, saved.pk))
    else:
        initial = {}
        preselect = request.GET.get("correction", "")
        if corrections is not None and preselect.isascii() and preselect.isdigit():
            initial["apply_corrections"] = [int(preselect)]
        form = OfferForm(organisation=organisation, instance=instance, corrections=corrections, initial=initial)
        shortcut_form = ServiceAreaShortcutForm(organisation=organisation)
    context = {
        "organisation": organisation,
        "offer": offer,
        "form": form,
        "shortcut_form": shortcut_form,
        "area_notice": notice,
        "area_groups": form.service_area_groups(),
        "area_selected": form.selected_municipality_names(),
        "corrections": list(corrections) if corrections is not None else [],
        "has_locations": organisation.locations.exists(),
    }
    template = f"{OFFER_FORM}#service_area" if shortcut and request.htmx else OFFER_FORM
    return render(request, template, context)


def _apply_corrections(request: HttpRequest, corrections) -> None:
    for correction in corrections:
        try:
            services.apply_correction(correction=correction, by=request.user)
        except services.WelfareError as error:
            messages.warning(request, str(error))
        else:
            messages.info(request, _decision_message(correction))


@require_http_methods(["GET", "POST"])
@login_required
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, pk, write=True)
    return _offer_form(request, organisation=organisation, offer=None)


@require_http_methods(["GET", "POST"])
@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for(request.user, pk, write=True)
    return _offer_form(request, organisation=offer.organisation, offer=offer)


def _offer_row(request: HttpRequest, offer: Offer, *, notice: str = "", errors: list[str] | None = None):
    """The offer's card on the dashboard, for an htmx request that changed it."""
    row = _offer_rows(offer.organisation).get(pk=offer.pk)
    return render(
        request,
        f"{DASHBOARD}#offer_row",
        {
            "offer": row,
            "organisation": offer.organisation,
            "access": permissions_for(request.user, offer.organisation_id),
            "capacity_choices": Capacity,
            "row_notice": notice,
            "row_errors": errors or [],
        },
    )


def _done(request: HttpRequest, offer: Offer, message: str, *, error: bool = False) -> HttpResponse:
    if request.htmx:
        return _offer_row(request, offer, notice="" if error else message, errors=[message] if error else None)
    (messages.error if error else messages.success)(request, message)
    return redirect(_dashboard_url(offer.organisation_id, offer.pk))


def _capacity_text(offer: Offer) -> str:
    if offer.capacity == Capacity.WAITING_LIST and offer.waiting_weeks is not None:
        weeks = offer.waiting_weeks
        return ngettext("waiting list of about %(weeks)s week", "waiting list of about %(weeks)s weeks", weeks) % {
            "weeks": weeks
        }
    return str(Capacity(offer.capacity).label)


@require_http_methods(["GET", "POST"])
@login_required
def offer_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    """Room available, waiting list (+ weeks) or full: one button each on the dashboard; this
    page is where the form lands without JavaScript when something is missing."""
    offer = get_offer_for(request.user, pk, write=True)
    form = CapacityForm(
        request.POST or None, initial={"capacity": offer.capacity, "waiting_weeks": offer.waiting_weeks}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_offer_capacity(
                    offer=offer,
                    by=request.user,
                    capacity=form.cleaned_data["capacity"],
                    waiting_weeks=form.cleaned_data["waiting_weeks"],
                )
            except services.WelfareError as error:
                form.add_error(None, str(error))
            else:
                message = _("“%(offer)s”: %(capacity)s.") % {"offer": offer, "capacity": _capacity_text(offer)}
                return _done(request, offer, message)
        if request.htmx:
            errors = [str(e) for errors in form.errors.values() for e in errors]
            return _offer_row(request, offer, errors=errors)
    return render(
        request,
        "welfare/manage/offer_capacity.html",
        {"organisation": offer.organisation, "offer": offer, "form": form},
    )


@require_POST
@login_required
def offer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """'Still correct': one click, last confirmed becomes today."""
    offer = get_offer_for(request.user, pk, write=True)
    services.confirm_offer(offer=offer, by=request.user)
    return _done(request, offer, _("Thank you: “%(offer)s” is confirmed as correct today.") % {"offer": offer})


@require_http_methods(["GET", "POST"])
@login_required
def offer_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page, then the offer leaves the directory (kept, and can come back)."""
    offer = get_offer_for(request.user, pk, write=True)
    if request.method == "POST":
        try:
            services.deactivate_offer(offer=offer, by=request.user)
        except services.WelfareError as error:
            return _done(request, offer, str(error), error=True)
        return _done(
            request,
            offer,
            _("“%(offer)s” is inactive: it no longer appears in the directory. You can reactivate it any time.")
            % {"offer": offer},
        )
    return render(request, "welfare/manage/offer_deactivate.html", {"organisation": offer.organisation, "offer": offer})


@require_POST
@login_required
def offer_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for(request.user, pk, write=True)
    try:
        services.reactivate_offer(offer=offer, by=request.user)
    except services.WelfareError as error:
        return _done(request, offer, str(error), error=True)
    return _done(request, offer, _("“%(offer)s” is active again and back in the directory.") % {"offer": offer})


# --- suggested corrections ----------------------------------------------------------------------


@require_GET
@login_required
def corrections(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's inbox of corrections other professionals suggested (admins)."""
    organisation = get_organisation_for(request.user, pk, admin=True)
    base = OfferCorrection.objects.filter(offer__organisation=organisation).select_related("offer", "suggested_by")
    page = Paginator(base.filter(status=CorrectionStatus.OPEN).order_by("created_at", "pk"), CORRECTIONS_PER_PAGE)
    handled = base.exclude(status=CorrectionStatus.OPEN).select_related("decided_by").order_by("-decided_at")[:10]
    page_obj = page.get_page(request.GET.get("page"))
    return render(
        request,
        CORRECTIONS,
        {
            "organisation": organisation,
            "page_obj": page_obj,
            "open_corrections": page_obj.object_list,
            "handled": handled,
            "decision_form": CorrectionDecisionForm(),
        },
    )


def _decision_message(correction: OfferCorrection) -> str:
    if correction.status == CorrectionStatus.APPLIED:
        message = _("The suggestion about “%(offer)s” is marked as applied.")
    else:
        message = _("The suggestion about “%(offer)s” is dismissed.")
    message %= {"offer": correction.offer}
    if correction.suggested_by and correction.suggested_by.is_active:
        message += " " + _("%(name)s gets an e-mail about it.") % {"name": correction.suggested_by}
    return message


def _decide(request: HttpRequest, pk: int, *, apply: bool) -> HttpResponse:
    correction = get_correction_for(request.user, pk)
    organisation = correction.offer.organisation
    form = CorrectionDecisionForm(request.POST)
    error = ""
    if form.is_valid():
        decide = services.apply_correction if apply else services.dismiss_correction
        try:
            decide(correction=correction, by=request.user, note=form.cleaned_data["note"])
        except services.WelfareError as exc:
            error = str(exc)
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        correction.refresh_from_db()
        return render(
            request,
            f"{CORRECTIONS}#correction_item",
            {
                "correction": correction,
                "organisation": organisation,
                "decision_form": form if error else CorrectionDecisionForm(),
                "item_error": error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _decision_message(correction))
    return redirect("welfare:corrections", pk=organisation.pk)


@require_POST
@login_required
def correction_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, apply=True)


@require_POST
@login_required
def correction_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, apply=False)
