"""The brokering board and the organisation inbox.

The board (/samenwerking/makelaar/) is for brokers: staff of a CLB and bridge figures, who follow
the open needs of the schools they serve, see the best partners for each, propose a match on a
school's behalf once the school agreed, and follow up what they asked. Moderators see every
school. Anyone else gets 403: the board is a working tool, not a page to discover.

The inbox (/samenwerking/inbox/) is for the approved members of a welfare organisation: the
requests sent to their organisation, to accept or decline with a reason. A request shows the
need anonymously: title, life domains, ages, number of families, urgency, preferences, school
and municipality, and the need's description. The description is shown (unlike in e-mails)
because it was written for exactly this purpose, as a statement about a group of families that
passed the privacy guard, and an organisation cannot judge a request without it; it stays
behind the login. The languages spoken at home are left out: with a small number of families
and the school's name they could point to one family.

State changes go through `bridge.services`; who may act through `bridge.access`.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bridge.access import brokered_schools, get_match_request_for
from bridge.board_forms import BoardFilterForm, DeclineForm, ProposeForm
from bridge.candidates import (
    DEFAULT_RADIUS_KM,
    PARTNER_STATUSES,
    bounding_box,
    candidate_offers,
    municipality_point,
    to_profiles,
)
from bridge.matching import PREFERENCE_FIELDS, MatchResult, NeedProfile, OfferProfile, rank
from bridge.models import LIVE_MATCH_STATUSES, BridgeFigure, Collaboration, MatchRequest, MatchStatus
from bridge.services import MatchError, accept_match, decline_match, propose_match
from families.access import get_need_for
from families.models import FamilyNeed, LifeDomain, NeedStatus, Urgency
from portal.access import require
from portal.models import Language, Membership, Municipality
from schools.models import School
from welfare.models import Offer, Organisation

NEEDS_PER_PAGE = 10
REQUESTS_PER_PAGE = 20
SUGGESTIONS_PER_NEED = 3
RECENT_DAYS = 30
GOOD_MATCH = 0.75

WAITING_STATUSES = (MatchStatus.PROPOSED, MatchStatus.SENT)
ANSWERED_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.DECLINED, MatchStatus.EXPIRED)
INBOX_ANSWERED_STATUSES = (*ANSWERED_STATUSES, MatchStatus.WITHDRAWN)

BOARD_SECTIONS = {
    "open": gettext_lazy("Needs without a request"),
    "waiting": gettext_lazy("Waiting for an answer"),
    "answered": gettext_lazy("Recently answered"),
}
INBOX_SECTIONS = {
    "waiting": gettext_lazy("Waiting for your answer"),
    "answered": gettext_lazy("Recently answered"),
}


# --- shared helpers ---------------------------------------------------------------------------


def _section(request: HttpRequest, sections: dict) -> str:
    section = request.GET.get("section", "")
    return section if section in sections else next(iter(sections))


def _days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    return None if moment is None else max((today - timezone.localdate(moment)).days, 0)


def _expires_on(match_request: MatchRequest, now: datetime.datetime) -> datetime.date | None:
    """When an unanswered request expires: `remind_and_expire` reminds first, then gives the
    organisation (expire - remind) more days, even when the daily run came late."""
    if match_request.status != MatchStatus.SENT or match_request.sent_at is None:
        return None
    remind, expire = settings.MATCH_REMIND_AFTER_DAYS, settings.MATCH_EXPIRE_AFTER_DAYS
    reminder = match_request.reminded_at or max(match_request.sent_at + datetime.timedelta(days=remind), now)
    expiry = max(
        match_request.sent_at + datetime.timedelta(days=expire),
        reminder + datetime.timedelta(days=expire - remind),
    )
    return timezone.localdate(expiry)


AGE_TEXTS = {
    MatchStatus.PROPOSED: (
        gettext_lazy("draft written today, not sent yet"),
        ngettext_lazy(
            "draft written %(days)d day ago, not sent yet", "draft written %(days)d days ago, not sent yet", "days"
        ),
    ),
    MatchStatus.SENT: (
        gettext_lazy("sent today"),
        ngettext_lazy("sent %(days)d day ago", "sent %(days)d days ago", "days"),
    ),
    MatchStatus.ACCEPTED: (
        gettext_lazy("accepted today"),
        ngettext_lazy("accepted %(days)d day ago", "accepted %(days)d days ago", "days"),
    ),
    MatchStatus.DECLINED: (
        gettext_lazy("declined today"),
        ngettext_lazy("declined %(days)d day ago", "declined %(days)d days ago", "days"),
    ),
    MatchStatus.WITHDRAWN: (
        gettext_lazy("withdrawn today"),
        ngettext_lazy("withdrawn %(days)d day ago", "withdrawn %(days)d days ago", "days"),
    ),
    MatchStatus.EXPIRED: (
        gettext_lazy("expired today without an answer"),
        ngettext_lazy(
            "expired %(days)d day ago without an answer", "expired %(days)d days ago without an answer", "days"
        ),
    ),
}


def _since_moment(match_request: MatchRequest) -> datetime.datetime | None:
    """The moment the request's current status began."""
    if match_request.status == MatchStatus.PROPOSED:
        return match_request.created_at
    if match_request.status == MatchStatus.SENT:
        return match_request.sent_at
    if match_request.status in (MatchStatus.ACCEPTED, MatchStatus.DECLINED):
        return match_request.answered_at or match_request.updated_at
    return match_request.updated_at


def age_text(match_request: MatchRequest, today: datetime.date) -> str:
    """ "sent 9 days ago", "accepted today": the request's status and how long it has been so."""
    days = _days_since(_since_moment(match_request), today)
    today_text, days_text = AGE_TEXTS[match_request.status]
    if not days:
        return str(today_text)
    return days_text % {"days": days}


def _add_ages(requests: Iterable[MatchRequest]) -> None:
    """Set `age_text` ("sent 9 days ago") and `expires_on` (while waiting) on each request."""
    now = timezone.now()
    today = timezone.localdate(now)
    for match_request in requests:
        match_request.age_text = age_text(match_request, today)
        match_request.expires_on = _expires_on(match_request, now)


def _urgent_first() -> Case:
    return Case(
        When(urgency=Urgency.HIGH, then=Value(0)),
        When(urgency=Urgency.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


# --- suggestions for a page of needs ------------------------------------------------------------


def _school_point(school: School, municipality_points: dict) -> tuple[float, float] | None:
    """Like `candidates.school_point`, remembering a municipality's point once it was worked out."""
    if school.latitude is not None and school.longitude is not None:
        return (school.latitude, school.longitude)
    if school.municipality_id not in municipality_points:
        municipality_points[school.municipality_id] = municipality_point(school.municipality)
    return municipality_points[school.municipality_id]


def _within_reach(offer: OfferProfile, need: NeedProfile, radius_km: float) -> bool:
    """The rule of `candidates.candidate_offers`, in Python, for one need among several fetched together."""
    if need.life_domains and not offer.life_domains & need.life_domains:
        return False
    if offer.comes_to_the_family and not offer.service_area:
        return True
    if need.municipality_id is not None and need.municipality_id in offer.service_area:
        return True
    if need.school_point is not None:
        south, north, west, east = bounding_box(need.school_point, radius_km)
        return any(south <= lat <= north and west <= lon <= east for lat, lon in offer.locations)
    return False


def suggestions_for_needs(
    needs: list[FamilyNeed],
    *,
    limit: int = SUGGESTIONS_PER_NEED,
    exclude_offers: dict[int, set[int]] | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> dict[int, MatchResult]:
    """The best partners for each of several needs, in a fixed number of queries.

    `candidates.suggest_for_need` costs about ten queries per need; the board shows a page of
    needs. Here the candidate offers of all the needs are fetched in one query (their
    conditions joined with OR) and turned into profiles once; each need then ranks, in Python,
    the candidates within its own reach, so the result is the same as `suggest_for_need` would
    give. `exclude_offers` maps a need to offers already asked for it. The needs should come
    with `school__municipality` selected and `life_domains` and `home_languages` prefetched.
    """
    if not needs:
        return {}
    exclude_offers = exclude_offers or {}
    partners: dict[int, set[int]] = defaultdict(set)
    for school_id, organisation_id in Collaboration.organisations.through.objects.filter(
        collaboration__school_id__in={need.school_id for need in needs},
        collaboration__status__in=PARTNER_STATUSES,
    ).values_list("collaboration__school_id", "organisation_id"):
        partners[school_id].add(organisation_id)

    profiles: dict[int, NeedProfile] = {}
    municipality_points: dict[int, tuple[float, float] | None] = {}
    for need in needs:
        profiles[need.pk] = NeedProfile(
            school_point=_school_point(need.school, municipality_points),
            municipality_id=need.school.municipality_id,
            life_domains=frozenset(domain.slug for domain in need.life_domains.all()),
            age_min=need.age_min,
            age_max=need.age_max,
            languages=frozenset(language.code for language in need.home_languages.all()),
            partner_organisation_ids=frozenset(partners[need.school_id]),
            **{name: getattr(need, name) for name in PREFERENCE_FIELDS},
        )

    candidates: QuerySet[Offer] | None = None
    for profile in profiles.values():
        reachable = candidate_offers(
            life_domains=profile.life_domains,
            point=profile.school_point,
            municipality_id=profile.municipality_id,
            radius_km=radius_km,
        )
        candidates = reachable if candidates is None else candidates | reachable
    offers = to_profiles(candidates)

    municipality_ids = {profile.municipality_id for profile in profiles.values()} - {None}
    codes = set().union(*(profile.languages for profile in profiles.values()))
    slugs = set().union(*(profile.life_domains for profile in profiles.values()))
    municipality_names = dict(Municipality.objects.filter(pk__in=municipality_ids).values_list("pk", "name_nl"))
    language_names = dict(Language.objects.filter(code__in=codes).values_list("code", "name_nl")) if codes else {}
    domain_names = dict(LifeDomain.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}

    today = timezone.localdate()
    results = {}
    for need_pk, profile in profiles.items():
        asked = exclude_offers.get(need_pk, set())
        results[need_pk] = rank(
            profile,
            [offer for offer in offers if offer.offer_id not in asked and _within_reach(offer, profile, radius_km)],
            today=today,
            municipality_names=municipality_names,
            language_names=language_names,
            domain_names=domain_names,
            limit=limit,
            stale_after_days=settings.OFFER_STALE_AFTER_DAYS,
        )
    return results


def _cards(result: MatchResult) -> list[dict[str, Any]]:
    """Each suggestion with a label a person reads instead of a score (as the matching page says it)."""
    cards = []
    for suggestion in result.suggestions:
        if suggestion.weak:
            level, label = "weak", _("Weak match")
        elif suggestion.score >= GOOD_MATCH:
            level, label = "good", _("Good match")
        else:
            level, label = "fair", _("Possible match")
        cards.append({"suggestion": suggestion, "offer": suggestion.offer, "level": level, "label": label})
    return cards


# --- the board --------------------------------------------------------------------------------


def _board_schools(user) -> QuerySet[School]:
    """The schools on the user's board: those they broker for, every school for a moderator."""
    if user.is_moderator:
        return School.objects.all()
    schools = brokered_schools(user)
    require(schools.exists())
    return schools


def _follow_up() -> Prefetch:
    """A need's requests for the follow-up, newest first; withdrawn ones are no longer news."""
    return Prefetch(
        "match_requests",
        queryset=MatchRequest.objects.exclude(status=MatchStatus.WITHDRAWN)
        .select_related("offer__organisation")
        .order_by("-created_at", "-pk"),
        to_attr="follow_up",
    )


def _board_querysets(user, schools: QuerySet[School], filters: dict[str, Any]) -> dict[str, QuerySet]:
    """The three sections of the board: open needs nobody was asked for yet (or whose requests
    were all declined, withdrawn or expired), open needs with a draft or a request waiting for
    an answer, and the requests answered (or expired) in the last 30 days."""
    needs = FamilyNeed.objects.open()
    requests = MatchRequest.objects.all()
    if not user.is_moderator:
        needs = needs.filter(school__in=schools.values("pk"))
        requests = requests.filter(need__school__in=schools.values("pk"))
    needs = needs.filter(**filters)
    requests = requests.filter(**{f"need__{lookup}": value for lookup, value in filters.items()})
    live = MatchRequest.objects.filter(need=OuterRef("pk"), status__in=LIVE_MATCH_STATUSES)
    waiting = MatchRequest.objects.filter(need=OuterRef("pk"), status__in=WAITING_STATUSES)
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return {
        "open": needs.filter(~Exists(live)),
        "waiting": needs.filter(Exists(waiting)),
        "answered": requests.annotate(answered_moment=Coalesce("answered_at", "updated_at")).filter(
            status__in=ANSWERED_STATUSES, answered_moment__gte=since
        ),
    }


def _answered_page(requests: QuerySet[MatchRequest], number: str | None) -> tuple[Page, list]:
    shown = requests.select_related(
        "need__school__municipality", "offer__organisation", "answered_by", "collaboration"
    ).order_by("-answered_moment", "-pk")
    page = Paginator(shown, REQUESTS_PER_PAGE).get_page(number)
    items = list(page.object_list)
    _add_ages(items)
    return page, items


def _needs_page(needs: QuerySet[FamilyNeed], number: str | None) -> tuple[Page, list]:
    """A page of needs, urgent and long-waiting first, each with its follow-up and its best partners
    (leaving out the offers already asked)."""
    shown = (
        needs.select_related("school__municipality")
        .prefetch_related("life_domains", "home_languages", _follow_up())
        .annotate(urgent_first=_urgent_first())
        .order_by("urgent_first", "created_at", "pk")
    )
    page = Paginator(shown, NEEDS_PER_PAGE).get_page(number)
    needs_on_page = list(page.object_list)
    asked = {}
    for need in needs_on_page:
        _add_ages(need.follow_up)
        asked[need.pk] = {r.offer_id for r in need.follow_up if r.status in LIVE_MATCH_STATUSES}
    suggestions = suggestions_for_needs(needs_on_page, exclude_offers=asked)
    items = [
        {"need": need, "result": suggestions[need.pk], "suggestions": _cards(suggestions[need.pk])}
        for need in needs_on_page
    ]
    return page, items


@require_GET
@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The open needs of the schools the user serves, in three sections, a page at a time.

    A page of needs costs the same number of queries whatever its length: the needs with their
    life domains, languages and requests, and the suggestions of the whole page together
    (`suggestions_for_needs`).
    """
    schools = _board_schools(request.user)
    has_needs = Exists(FamilyNeed.objects.filter(school=OuterRef("pk")))
    filter_form = BoardFilterForm(request.GET or None, schools=schools.filter(has_needs))
    filters = filter_form.filters()
    querysets = _board_querysets(request.user, schools, filters)
    section = _section(request, BOARD_SECTIONS)
    if section == "answered":
        page, items = _answered_page(querysets[section], request.GET.get("page"))
    else:
        page, items = _needs_page(querysets[section], request.GET.get("page"))
    counts = {key: page.paginator.count if key == section else queryset.count() for key, queryset in querysets.items()}
    context = {
        "section": section,
        "section_label": BOARD_SECTIONS[section],
        "sections": [{"key": key, "label": label, "count": counts[key]} for key, label in BOARD_SECTIONS.items()],
        "filter_form": filter_form,
        "is_filtered": bool(filters),
        "page_obj": page,
        "items": items,
        "all_schools": request.user.is_moderator,
    }
    template = "bridge/board/board.html#results" if request.htmx else "bridge/board/board.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def board_propose(request: HttpRequest, need_pk: int, offer_pk: int) -> HttpResponse:
    """A broker asks an organisation, on the school's behalf, to take up a need.

    For brokers of the need's school and moderators. The school's own members ask from the
    need's matching page; here they get 403, like anyone who may read the need but not broker it.
    """
    need = get_need_for(request.user, need_pk)
    require(need.access.moderator or need.access.relation in {"clb", "bridge_figure"})
    offer = get_object_or_404(Offer.objects.public().select_related("organisation"), pk=offer_pk)
    form = ProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            propose_match(
                need=need,
                offer=offer,
                by=request.user,
                school_agreed=form.cleaned_data["school_agreed"],
                message=form.cleaned_data["message"],
            )
        except MatchError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your proposal was sent to %(organisation)s. You follow it up under “Waiting for an answer”.")
                % {"organisation": offer.organisation.name},
            )
            return redirect(f"{reverse('bridge:board')}?section=waiting")
    live = (
        MatchRequest.objects.filter(need=need, offer=offer, status__in=LIVE_MATCH_STATUSES)
        .only("pk", "status", "sent_at")
        .first()
    )
    context = {
        "need": need,
        "offer": offer,
        "form": form,
        "live_request": live,
        "life_domains": list(need.life_domains.all()),
        "need_is_open": need.status == NeedStatus.OPEN,
    }
    return render(request, "bridge/board/propose.html", context)


# --- the inbox --------------------------------------------------------------------------------


def _inbox_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation whose inbox is shown: the user's own (approved membership). Moderators
    may pass ?organisation=<pk>; without it they see their own organisation's, or else every
    organisation's requests (None). Everyone else gets 403."""
    user = request.user
    own = (
        Membership.objects.approved()
        .filter(user=user, organisation__isnull=False)
        .select_related("organisation")
        .first()
    )
    if user.is_moderator:
        chosen = request.GET.get("organisation", "")
        if chosen:
            if not (chosen.isascii() and chosen.isdigit()):
                raise Http404
            return get_object_or_404(Organisation, pk=chosen)
        return own.organisation if own else None
    require(own is not None)
    return own.organisation


def inbox_url(match_request: MatchRequest, user) -> str:
    """The inbox the request sits in: a moderator's points at the request's organisation."""
    url = reverse("bridge:inbox")
    return f"{url}?organisation={match_request.offer.organisation_id}" if user.is_moderator else url


def _proposer_annotations() -> dict[str, Any]:
    proposer = OuterRef("proposed_by_id")
    approved = Membership.objects.approved().filter(user_id=proposer)
    return {
        "proposer_is_school_member": Exists(approved.filter(school_id=OuterRef("need__school_id"))),
        "proposer_clb_name": Subquery(approved.filter(clb__isnull=False).values("clb__name")[:1]),
        "proposer_is_bridge_figure": Exists(BridgeFigure.objects.filter(user_id=proposer)),
    }


def proposer_role(match_request: MatchRequest) -> str:
    """In whose name the request came, from the proposer's place today: the school itself, or a
    broker (CLB or bridge figure) on the school's behalf."""
    if getattr(match_request, "proposer_is_school_member", False):
        return _("school staff")
    if getattr(match_request, "proposer_clb_name", None):
        return _("CLB staff (%(clb)s), on the school's behalf") % {"clb": match_request.proposer_clb_name}
    if getattr(match_request, "proposer_is_bridge_figure", False):
        return _("bridge figure, on the school's behalf")
    return _("on the school's behalf")


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The requests sent to the user's organisation: those waiting for an answer (oldest first,
    they expire first) and those answered in the last 30 days."""
    organisation = _inbox_organisation(request)
    requests = MatchRequest.objects.filter(sent_at__isnull=False).exclude(status=MatchStatus.PROPOSED)
    if organisation is not None:
        requests = requests.filter(offer__organisation=organisation)
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    querysets = {
        "waiting": requests.filter(status=MatchStatus.SENT).order_by("sent_at", "pk"),
        "answered": requests.filter(status__in=INBOX_ANSWERED_STATUSES, updated_at__gte=since).order_by(
            "-updated_at", "-pk"
        ),
    }
    section = _section(request, INBOX_SECTIONS)
    shown = (
        querysets[section]
        .select_related("need__school__municipality", "offer__organisation", "proposed_by", "answered_by")
        .select_related("collaboration")
        .prefetch_related("need__life_domains")
        .annotate(**_proposer_annotations())
    )
    page = Paginator(shown, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    _add_ages(items)
    for match_request in items:
        match_request.proposer_role = proposer_role(match_request)
    counts = {key: page.paginator.count if key == section else queryset.count() for key, queryset in querysets.items()}
    context = {
        "organisation": organisation,
        "section": section,
        "section_label": INBOX_SECTIONS[section],
        "sections": [{"key": key, "label": label, "count": counts[key]} for key, label in INBOX_SECTIONS.items()],
        "page_obj": page,
        "items": items,
        "recent_days": RECENT_DAYS,
    }
    return render(request, "bridge/inbox/inbox.html", context)


@require_POST
@login_required
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a request: the collaboration starts and the user lands on it. Pressing twice is safe."""
    match_request = get_match_request_for(request.user, pk, action="answer")
    accepted_before = match_request.status == MatchStatus.ACCEPTED
    try:
        collaboration = accept_match(request=match_request, by=request.user)
    except MatchError as error:
        messages.error(request, str(error))
        return redirect(inbox_url(match_request, request.user))
    if accepted_before:
        messages.info(request, _("You had already accepted this request."))
    else:
        messages.success(
            request,
            _(
                "You accepted the request of %(school)s. The collaboration has started: the school and whoever "
                "proposed it have your contact details by e-mail."
            )
            % {"school": match_request.need.school.name},
        )
    return redirect("bridge:collaboration_detail", pk=collaboration.pk)


@require_http_methods(["GET", "POST"])
@login_required
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline a request with a reason, on a page of its own (works without JavaScript)."""
    match_request = get_match_request_for(request.user, pk, action="answer")
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        declined_before = (
            match_request.status == MatchStatus.DECLINED and match_request.answered_by_id == request.user.pk
        )
        try:
            decline_match(
                request=match_request,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except MatchError as error:
            form.add_error(None, str(error))
        else:
            if declined_before:
                messages.info(request, _("You had already declined this request."))
            else:
                messages.success(
                    request,
                    _("You declined the request of %(school)s. The school hears why and can ask someone else.")
                    % {"school": match_request.need.school.name},
                )
            return redirect(inbox_url(match_request, request.user))
    context = {
        "match_request": match_request,
        "need": match_request.need,
        "life_domains": list(match_request.need.life_domains.all()),
        "form": form,
        "can_decline": match_request.status == MatchStatus.SENT,
        "inbox_url": inbox_url(match_request, request.user),
    }
    return render(request, "bridge/inbox/decline.html", context)
