"""The school side of matching: partners for a need, asking one, trying a need before saving it,
and following the requests (bridge.match_urls, mounted at /samenwerking/).

Who may do what is decided by families.access (the need and its school) and bridge.access (a
request); the workflow itself is bridge.services. Suggestions come from bridge.candidates in a
fixed number of queries, whatever the number of offers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bridge.access import get_match_request_for
from bridge.candidates import need_profile_from_data, school_point, suggest, suggest_for_need
from bridge.match_forms import AskPartnerForm, RequestFilter, TryNeedForm
from bridge.matching import MatchResult, Point, Suggestion, haversine_km
from bridge.models import LIVE_MATCH_STATUSES, Collaboration, DeclineReason, MatchRequest, MatchStatus
from bridge.services import MatchError, propose_match, send_match, withdraw_match
from families.access import get_need_for, get_school_for_needs
from families.forms import language_label
from families.models import FamilyNeed, NeedStatus
from portal.models import AuditEvent
from schools.models import School
from welfare.models import Capacity, Offer

SUGGESTION_LIMIT = 10
GOOD_MATCH = 0.75
REQUESTS_PER_PAGE = 20
WAITING = (MatchStatus.PROPOSED, MatchStatus.SENT)


# --- suggestions as cards -------------------------------------------------------------------


@dataclass
class Card:
    """One suggested partner as the page shows it."""

    rank: int
    suggestion: Suggestion
    level: str  # "good", "fair" or "weak": for the CSS, never the only signal
    label: str
    percent: int
    capacity: str
    capacity_badge: str
    nearest: Point | None
    live_request: MatchRequest | None = None
    earlier_request: MatchRequest | None = None
    form: AskPartnerForm | None = None  # the bound form after a failed request, else the page's one unbound form
    form_fields: SafeString | None = None  # the unbound form's fields with this card's ids

    @property
    def offer(self):
        return self.suggestion.offer


def match_level(suggestion: Suggestion) -> tuple[str, str]:
    """A label a person reads instead of a number: good, possible or weak."""
    if suggestion.weak:
        return "weak", _("Weak match")
    if suggestion.score >= GOOD_MATCH:
        return "good", _("Good match")
    return "fair", _("Possible match")


def capacity_text(capacity: str, waiting_weeks: int | None) -> tuple[str, str]:
    """The capacity in words, and the badge class that goes with it."""
    if capacity == Capacity.WAITING_LIST:
        if waiting_weeks is not None:
            text = ngettext(
                "Waiting list (about %(weeks)s week)", "Waiting list (about %(weeks)s weeks)", waiting_weeks
            ) % {"weeks": waiting_weeks}
        else:
            text = capfirst(Capacity.WAITING_LIST.label)
        return text, "badge-waiting"
    if capacity == Capacity.FULL:
        return capfirst(Capacity.FULL.label), "badge-full"
    return capfirst(Capacity.OPEN.label), "badge-open"


def nearest_location(point: Point | None, locations: tuple[Point, ...]) -> Point | None:
    """The offer's location closest to the school; the first one when the school's place is unknown."""
    if not locations:
        return None
    if point is None:
        return locations[0]
    return min(locations, key=lambda location: haversine_km(point, location))


def build_cards(result: MatchResult, point: Point | None) -> list[Card]:
    cards = []
    for rank, suggestion in enumerate(result.suggestions, start=1):
        level, label = match_level(suggestion)
        capacity, badge = capacity_text(suggestion.offer.capacity, suggestion.offer.waiting_weeks)
        cards.append(
            Card(
                rank=rank,
                suggestion=suggestion,
                level=level,
                label=label,
                percent=round(suggestion.score * 100),
                capacity=capacity,
                capacity_badge=badge,
                nearest=nearest_location(point, suggestion.offer.locations),
            )
        )
    return cards


def map_data(*, school: School, point: Point | None, cards: list[Card]) -> dict[str, Any] | None:
    """What static/js/match-map.js draws; None when there is nothing to put on a map."""
    markers = [
        {
            "id": card.offer.offer_id,
            "rank": card.rank,
            "name": card.offer.name,
            "organisation": card.offer.organisation_name,
            "label": card.label,
            "lat": card.nearest[0],
            "lng": card.nearest[1],
            "anchor": f"suggestion-{card.offer.offer_id}",
        }
        for card in cards
        if card.nearest is not None
    ]
    if point is None and not markers:
        return None
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "school": {"name": school.name, "lat": point[0], "lng": point[1]} if point else None,
        "markers": markers,
        "text": {"school": _("The school"), "details": _("See the details")},
    }


# --- partners for a need ----------------------------------------------------------------------


def _on_behalf(need: FamilyNeed) -> bool:
    """Brokers and moderators ask on the school's behalf; the school's own members do not."""
    return need.access.relation not in ("admin", "member")


def _can_ask(need: FamilyNeed) -> bool:
    return need.status == NeedStatus.OPEN and need.access.can_view_needs


def _ask_form(need: FamilyNeed, offer_id: int | str, data=None) -> AskPartnerForm:
    return AskPartnerForm(data, on_behalf=_on_behalf(need), auto_id=f"ask-{offer_id}-%s")


# Stands for the offer id in the ask form's ids while its fields are rendered once for every card.
_ANY_OFFER = "offer-id-placeholder"


def _unbound_ask_form(need: FamilyNeed) -> tuple[AskPartnerForm, Callable[[int], SafeString]]:
    """The page's one unbound ask form, and its fields for one offer. The fields differ between
    cards only in the offer id in their ids, so they are rendered once and given each card's id:
    ten forms built and rendered one by one took an eighth of the page."""
    form = _ask_form(need, _ANY_OFFER)
    html = get_template("bridge/match/_suggestion.html#ask-fields").render({"form": form})
    placeholder = f"ask-{_ANY_OFFER}-"
    return form, lambda offer_id: mark_safe(html.replace(placeholder, f"ask-{offer_id}-"))  # noqa: S308 - rendered by the template


def _matches_page(
    request: HttpRequest,
    need: FamilyNeed,
    *,
    bound_form: AskPartnerForm | None = None,
    asked_offer: Offer | None = None,
) -> HttpResponse:
    prefetch_related_objects([need], "life_domains", "home_languages")
    school = need.school
    result = suggest_for_need(need, limit=SUGGESTION_LIMIT)
    point = school_point(school)
    cards = build_cards(result, point)

    requests = list(
        MatchRequest.objects.filter(need=need).select_related("offer__organisation").order_by("-created_at", "-pk")
    )
    live = {r.offer_id: r for r in requests if r.status in LIVE_MATCH_STATUSES}
    earlier: dict[int, MatchRequest] = {}
    for match_request in requests:
        if match_request.status not in LIVE_MATCH_STATUSES:
            earlier.setdefault(match_request.offer_id, match_request)

    can_ask = _can_ask(need)
    unbound_form, ask_fields = _unbound_ask_form(need) if can_ask else (None, None)
    for card in cards:
        card.live_request = live.get(card.offer.offer_id)
        card.earlier_request = earlier.get(card.offer.offer_id)
        if can_ask and card.live_request is None:
            if bound_form is not None and asked_offer is not None and asked_offer.pk == card.offer.offer_id:
                card.form = bound_form
            else:
                card.form = unbound_form
                card.form_fields = ask_fields(card.offer.offer_id)

    context = {
        "need": need,
        "school": school,
        "access": need.access,
        "life_domains": list(need.life_domains.all()),
        "home_languages": sorted(language_label(language) for language in need.home_languages.all()),
        "result": result,
        "cards": cards,
        "can_ask": can_ask,
        "on_behalf": _on_behalf(need),
        "requests": requests,
        "map_data": map_data(school=school, point=point, cards=cards),
        "bound_form": bound_form,
        "asked_offer": asked_offer,
        "asked_card_shown": any(card.form is bound_form for card in cards) if bound_form is not None else False,
    }
    return render(request, "bridge/match/need_matches.html", context)


@require_GET
@login_required
def need_matches(request: HttpRequest, need_pk: int) -> HttpResponse:
    """Ranked partners for one need, with their reasons, a small map and "ask this partner".

    For everyone who may read the need: the school's members, the CLB that guides the school,
    the bridge figures who serve it, moderators. A fixed number of queries, whatever the number
    of offers (bridge.candidates).
    """
    need = get_need_for(request.user, need_pk)
    return _matches_page(request, need)


@require_http_methods(["GET", "POST"])
@login_required
def ask_partner(request: HttpRequest, need_pk: int, offer_pk: int) -> HttpResponse:
    """Ask the organisation behind an offer to take up the need (bridge.services.propose_match).

    A refusal (MatchError) or a form error shows the matching page again with what was typed.
    A GET (a reload, a language switch) goes back to the matching page.
    """
    need = get_need_for(request.user, need_pk)
    # Offers of organisations not verified yet do not exist for the school side; an offer that
    # became inactive does, so that propose_match can say why it cannot be asked any more.
    offer = (
        Offer.objects.select_related("organisation")
        .filter(pk=offer_pk, organisation__verified_at__isnull=False)
        .first()
    )
    if offer is None:
        raise Http404
    if request.method == "GET":
        return redirect(f"{reverse('bridge:need_matches', kwargs={'need_pk': need.pk})}#suggestion-{offer.pk}")
    form = _ask_form(need, offer.pk, request.POST)
    if form.is_valid():
        try:
            match_request = propose_match(
                need=need,
                offer=offer,
                by=request.user,
                school_agreed=form.cleaned_data.get("school_agreed"),
                message=form.cleaned_data["message"],
            )
        except MatchError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your request has been sent to %(organisation)s. You will hear from them by e-mail.")
                % {"organisation": offer.organisation.name},
            )
            return redirect("bridge:request_detail", pk=match_request.pk)
    return _matches_page(request, need, bound_form=form, asked_offer=offer)


# --- trying a need before saving it -------------------------------------------------------------


def _profile_from_form(school: School, data: dict[str, Any]):
    return need_profile_from_data(
        school=school,
        life_domains=data["life_domains"],
        age_min=data["age_min"],
        age_max=data["age_max"],
        languages=data["home_languages"],
        **{f"prefers_{key}": True for key in data["preferences"]},
    )


@require_http_methods(["GET", "POST"])
@login_required
def try_need(request: HttpRequest, school_pk: int) -> HttpResponse:
    """See which partners a need would get, before saving it. Nothing is stored.

    Everyone who may read the school's needs may try: its members and moderators, and also
    CLB staff and bridge figures, who often help a school put a need into words. Only those who
    may state needs get the "Save this need" button, which posts the same form to
    families:need_create. The privacy guard runs as on saving.
    """
    school = get_school_for_needs(request.user, school_pk)
    form = TryNeedForm(request.POST if request.method == "POST" else None)
    result, cards, data = None, [], None
    if request.method == "POST" and form.is_valid():
        result = suggest(_profile_from_form(school, form.cleaned_data), limit=SUGGESTION_LIMIT)
        point = school_point(school)
        cards = build_cards(result, point)
        data = map_data(school=school, point=point, cards=cards)
    return render(
        request,
        "bridge/match/try_need.html",
        {
            "school": school,
            "access": school.access,
            "form": form,
            "result": result,
            "cards": cards,
            "map_data": data,
        },
    )


# --- one request --------------------------------------------------------------------------------


def _maybe_reverse(name: str, **kwargs: Any) -> str:
    """A URL of a page another part of the bridge may not have yet; "" when it does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def describe_event(event: AuditEvent) -> str:
    """One line of a request's history, in words."""
    changes = event.changes or {}
    status = changes.get("status")
    if event.action == AuditEvent.Action.CREATE:
        if status and status[1] == MatchStatus.PROPOSED:
            return _("Saved as a draft")
        return _("Asked the organisation")
    if status:
        new = status[1]
        text = {
            MatchStatus.SENT: _("Sent to the organisation"),
            MatchStatus.ACCEPTED: _("Accepted by the organisation"),
            MatchStatus.DECLINED: _("Declined by the organisation"),
            MatchStatus.WITHDRAWN: _("Withdrawn"),
            MatchStatus.EXPIRED: _("Expired without an answer"),
        }.get(new, _("Status changed"))
        reason = (changes.get("decline_reason") or [None, None])[1]
        if new == MatchStatus.DECLINED and reason in DeclineReason.values:
            text = _("%(event)s: %(reason)s") % {"event": text, "reason": DeclineReason(reason).label}
        return text
    if "reminded_at" in changes:
        return _("Reminder sent to the organisation")
    return capfirst(event.get_action_display())


def _history(match_request: MatchRequest) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(MatchRequest), object_id=str(match_request.pk)
    ).select_related("actor")
    return [{"event": event, "summary": describe_event(event)} for event in events.order_by("created_at", "id")]


@require_GET
@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One match request for everyone who may read it (bridge.access): the need in brief, the
    offer, the status and its history, and the steps this viewer may take now."""
    match_request = get_match_request_for(request.user, pk)
    access = match_request.access
    need = match_request.need
    prefetch_related_objects([need], "life_domains")
    collaboration = None
    collaboration_url = ""
    if match_request.status == MatchStatus.ACCEPTED:
        collaboration = Collaboration.objects.filter(match_request=match_request).first()
        if collaboration is not None:
            collaboration_url = _maybe_reverse("bridge:collaboration_detail", pk=collaboration.pk)
    answer_urls = {}
    if access.can_answer and match_request.status == MatchStatus.SENT:
        answer_urls = {
            "accept": _maybe_reverse("bridge:request_accept", pk=match_request.pk),
            "decline": _maybe_reverse("bridge:request_decline", pk=match_request.pk),
        }
    school_side = access.moderator or access.school or access.broker
    return render(
        request,
        "bridge/match/request_detail.html",
        {
            "match_request": match_request,
            "access": access,
            "need": need,
            "school": need.school,
            "offer": match_request.offer,
            "organisation": match_request.offer.organisation,
            "life_domains": list(need.life_domains.all()),
            "school_side": school_side,
            "history": _history(match_request),
            "collaboration": collaboration,
            "collaboration_url": collaboration_url,
            "can_withdraw": access.can_withdraw and match_request.status in WAITING,
            "can_send": access.can_send and match_request.status == MatchStatus.PROPOSED,
            "accept_url": answer_urls.get("accept", ""),
            "decline_url": answer_urls.get("decline", ""),
            "inbox_url": _maybe_reverse("bridge:inbox") if access.organisation else "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a draft or a request waiting for an answer; GET asks for confirmation first."""
    match_request = get_match_request_for(request.user, pk, action="withdraw")
    if request.method == "GET":
        if match_request.status not in WAITING:
            messages.info(request, _("Only a draft or a request that is waiting for an answer can be withdrawn."))
            return redirect("bridge:request_detail", pk=match_request.pk)
        return render(
            request,
            "bridge/match/request_withdraw.html",
            {"match_request": match_request, "need": match_request.need, "offer": match_request.offer},
        )
    was_sent = match_request.status == MatchStatus.SENT
    try:
        withdraw_match(request=match_request, by=request.user)
    except MatchError as error:
        messages.error(request, str(error))
    else:
        if was_sent:
            messages.success(
                request,
                _("The request has been withdrawn. %(organisation)s has been told by e-mail.")
                % {"organisation": match_request.offer.organisation.name},
            )
        else:
            messages.success(request, _("The request has been withdrawn."))
    return redirect("bridge:request_detail", pk=match_request.pk)


@require_POST
@login_required
def request_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a draft to the organisation (bridge.services.send_match)."""
    match_request = get_match_request_for(request.user, pk, action="send")
    try:
        send_match(request=match_request, by=request.user)
    except MatchError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The request has been sent to %(organisation)s.")
            % {"organisation": match_request.offer.organisation.name},
        )
    return redirect("bridge:request_detail", pk=match_request.pk)


# --- a school's requests ------------------------------------------------------------------------


@require_GET
@login_required
def school_requests(request: HttpRequest, school_pk: int) -> HttpResponse:
    """Every request for the school's needs, newest first, filtered by status and need, a page at
    a time: three queries for the list whatever its length (count, page, and the filter's needs)."""
    school = get_school_for_needs(request.user, school_pk)
    queryset = (
        MatchRequest.objects.filter(need__school=school)
        .select_related("need", "offer__organisation", "proposed_by")
        .order_by("-created_at", "-pk")
    )
    request_filter = RequestFilter(request.GET or None, queryset=queryset, needs=school.needs.order_by("title"))
    page = Paginator(request_filter.qs, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "access": school.access,
        "filter": request_filter,
        "page_obj": page,
        "is_filtered": request_filter.is_filtered,
    }
    template = "bridge/match/school_requests.html#results" if request.htmx else "bridge/match/school_requests.html"
    return render(request, template, context)
