"""The public directory of offers (/aanbod/): open to everyone, no account needed.

Signed-in professionals additionally keep a shortlist to print or send to a parent, and can
suggest a correction to an offer. Every page runs a fixed number of queries, however many
offers it shows.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from portal.links import url_maker
from portal.redirects import local_url
from portal.templatetags.brugwijzer import icon as icon_svg
from portal.widgets import datalist_options
from welfare import shortlist
from welfare.directory_forms import (
    SORT_CONFIRMED,
    SORT_DISTANCE,
    SORT_NAME,
    SORT_RELEVANCE,
    CorrectionForm,
    DirectorySortForm,
    ShortlistSendForm,
    ShortlistToggleForm,
)
from welfare.filters import ACCESS_CHOICES, COST_CHOICES, OfferFilter, place_choices
from welfare.models import ACCESS_MODES, Location, Offer, Organisation
from welfare.search import (
    Point,
    location_rows,
    municipality_point,
    nearest_distances,
    order_by_distance,
    school_point,
)
from welfare.services import CorrectionError, suggest_correction

PAGE_SIZE = 20
SEND_LIMIT = 20  # e-mails per hour per session: the form cannot become a way to send spam
SEND_LOG_KEY = "directory_shortlist_sent"

ORDERINGS = {
    SORT_RELEVANCE: ["-relevance", "name", "pk"],
    SORT_NAME: ["name", "pk"],
    SORT_CONFIRMED: [F("last_confirmed").desc(nulls_last=True), "name", "pk"],
}


def with_cards(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    """An offer with its life domains, languages and locations as model instances (the offer's
    own page); lists of cards take `card_queryset` and `fill_cards` instead."""
    return queryset.select_related("organisation__kind").prefetch_related(
        "life_domains",
        "languages",
        Prefetch("locations", queryset=Location.objects.select_related("municipality").order_by("name", "pk")),
    )


def card_queryset(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    """The offers of a list of cards: `fill_cards` adds the rest once the page is known."""
    return queryset.select_related("organisation__kind")


def _render_once_per(template_name: str, key: Callable[[Offer], tuple]) -> Callable[[Offer], str]:
    """The template rendered for an offer, rendered once for all offers with the same `key`:
    the key must hold every field of the offer that the template reads."""
    template = get_template(template_name)
    rendered: dict[tuple, str] = {}

    def render_for(offer: Offer) -> str:
        value = key(offer)
        if value not in rendered:
            rendered[value] = template.render({"offer": offer})
        return rendered[value]

    return render_for


def fill_cards(offers: list[Offer]) -> list[Offer]:
    """Give each offer what its card shows beyond its own row: `card_url`, `organisation_url`,
    `cost_label`, `access_text`, `card_domains` (name, icon and its inline SVG), `language_names`,
    `place_names`, and `ages_html` and `status_html` (the shared snippets, rendered once per
    distinct value: a page of cards has few). Rendering these in the card's template, twenty times
    a page, was most of the card's cost.

    Plain values in three queries, the same number as prefetching the life domains, languages and
    locations, without building a model instance and a related manager for each of them.
    """
    ids = [offer.pk for offer in offers]
    domains: dict[int, list[dict[str, str]]] = defaultdict(list)
    languages: dict[int, list[str]] = defaultdict(list)
    places: dict[int, set[str]] = defaultdict(set)
    icons: dict[str, str] = {}
    if ids:
        for offer_id, name, icon in (
            Offer.life_domains.through.objects.filter(offer_id__in=ids)
            .order_by("lifedomain__position", "lifedomain__name", "lifedomain_id")
            .values_list("offer_id", "lifedomain__name", "lifedomain__icon")
        ):
            if icon not in icons:
                icons[icon] = icon_svg(icon)
            domains[offer_id].append({"name": name, "icon": icon, "icon_svg": icons[icon]})
        for offer_id, name in (
            Offer.languages.through.objects.filter(offer_id__in=ids)
            .order_by("language__name_nl", "language_id")
            .values_list("offer_id", "language__name_nl")
        ):
            languages[offer_id].append(name)
        for offer_id, name in Offer.locations.through.objects.filter(offer_id__in=ids).values_list(
            "offer_id", "location__municipality__name_nl"
        ):
            places[offer_id].add(name)
    offer_url = url_maker("directory:offer")
    organisation_url = url_maker("directory:organisation")
    cost_labels = {value: capfirst(str(label)) for value, label in Offer._meta.get_field("cost").flatchoices}
    access_labels = [(field, conditional_escape(label)) for field, _code, label in ACCESS_MODES]
    ages_html = _render_once_per("welfare/directory/_ages.html", lambda offer: (offer.age_min, offer.age_max))
    status_html = _render_once_per(
        "welfare/directory/_capacity.html", lambda offer: (offer.capacity, offer.waiting_weeks, offer.is_stale)
    )
    for offer in offers:
        offer.ages_html = ages_html(offer)
        offer.status_html = status_html(offer)
        offer.card_url = offer_url(offer.pk)
        offer.organisation_url = organisation_url(offer.organisation_id)
        offer.cost_label = cost_labels[offer.cost] if offer.cost in cost_labels else capfirst(offer.cost)
        offer.access_text = mark_safe(  # noqa: S308 - each label is escaped
            capfirst(", ".join(label for field, label in access_labels if getattr(offer, field)))
        )
        offer.card_domains = domains[offer.pk]
        offer.language_names = languages[offer.pk]
        offer.place_names = sorted(places[offer.pk])
    return offers


def professional_required(view):
    """Signed in (else to the login page) and working somewhere (else 403)."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not shortlist.is_professional(request.user):
            raise PermissionDenied(_("Only professionals with an approved place in Brugwijzer can do this."))
        return view(request, *args, **kwargs)

    return wrapper


def _card_context(request: HttpRequest, offers: list[Offer]) -> dict:
    """Marks each offer with `in_shortlist` and tells the template whether to show shortlist
    buttons."""
    can_shortlist = shortlist.is_professional(request.user)
    ids = shortlist.offer_ids(request.session) if can_shortlist else []
    for offer in offers:
        offer.in_shortlist = offer.pk in ids
    return {"can_shortlist": can_shortlist, "shortlist_count": len(ids)}


def _safe_next(request: HttpRequest, url: str | None, default: str) -> str:
    return local_url(request, url) or default


# --- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str
    param: str


def _without(request: HttpRequest, param: str, value: str | None = None) -> str:
    query = request.GET.copy()
    if value is None:
        query.pop(param, None)
    else:
        query.setlist(param, [v for v in query.getlist(param) if v != value])
    query.pop("page", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def active_filters(request: HttpRequest, filterset: OfferFilter) -> list[ActiveFilter]:
    """One entry per applied filter value, each with a link that removes just that value."""
    data = {name: value for name, value in filterset.form.cleaned_data.items() if name not in filterset.errors}
    items: list[ActiveFilter] = []

    def add(param: str, label: str, value: str | None = None) -> None:
        items.append(ActiveFilter(label=label, remove_url=_without(request, param, value), param=param))

    if data.get("q"):
        add("q", _("search “%(text)s”") % {"text": data["q"]})
    if data.get("municipality"):
        add("municipality", _("serves %(place)s") % {"place": ", ".join(m.name_nl for m in data["municipality"])})
    for domain in data.get("domain") or []:
        add("domain", domain.name, domain.slug)
    if data.get("age") is not None:
        add("age", _("age %(age)d") % {"age": data["age"]})
    if data.get("language"):
        add("language", _("in %(language)s") % {"language": data["language"].name_nl})
    if data.get("cost"):
        add("cost", str(dict(COST_CHOICES)[data["cost"]]))
    labels = dict(ACCESS_CHOICES)
    for code in data.get("access") or []:
        add("access", str(labels[code]), code)
    if data.get("open"):
        add("open", _("only with room now"))
    if data.get("kind"):
        add("kind", data["kind"].name)
    return items


def _distance_origin(sort_form: DirectorySortForm, filterset: OfferFilter) -> tuple[Point | None, str]:
    """Where distances are measured from: the chosen school, else the chosen municipality,
    else the municipality filter. The second value explains why there is no point."""
    sort_form.is_valid()
    data = sort_form.cleaned_data  # the valid fields only
    if data.get("school"):
        point = school_point(data["school"])
        return point, "" if point else _("We do not know where that school is.")
    places = data.get("near") or (
        filterset.form.cleaned_data.get("municipality") if "municipality" not in filterset.errors else None
    )
    if not places:
        return None, _("Choose a school or a municipality to sort by distance.")
    for place in places:
        point = municipality_point(place)
        if point:
            return point, ""
    return None, _(
        "We cannot measure distances from %(place)s yet: we know no address there. Choose a school or a "
        "municipality nearby."
    ) % {"place": ", ".join(place.name_nl for place in places)}


def _page(request: HttpRequest, items) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _results(
    request: HttpRequest, queryset: QuerySet[Offer], *, sort: str, origin: Point | None
) -> tuple[Page, list[Offer], int]:
    """The requested page of offers in the chosen order, each with `distance` (km or None)."""
    if sort in (SORT_DISTANCE, SORT_RELEVANCE):
        # Ordering needs a value of every offer (its distance, its rank): read the ordered ids once,
        # so that the count is their number and the page's cards are read by key, instead of
        # ranking every match for the page after counting them in a query of its own.
        if sort == SORT_DISTANCE:
            ordered_ids, distances = order_by_distance(queryset, origin)
        else:
            ordered_ids, distances = list(queryset.order_by(*ORDERINGS[sort]).values_list("pk", flat=True)), None
        page = _page(request, ordered_ids)
        found = {offer.pk: offer for offer in card_queryset(Offer.objects.filter(pk__in=list(page.object_list)))}
        offers = fill_cards([found[pk] for pk in page.object_list if pk in found])
        total = len(ordered_ids)
    else:
        page = _page(request, card_queryset(queryset.order_by(*ORDERINGS[sort])))
        offers = fill_cards(list(page.object_list))
        total, distances = page.paginator.count, None
    if distances is None:  # only the page's offers need theirs
        distances = nearest_distances(origin, location_rows([o.pk for o in offers])) if origin and offers else {}
    for offer in offers:
        offer.distance = distances.get(offer.pk)
    return page, offers, total


@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    """Filter, search and sort the public offer. An htmx request gets only the results."""
    filterset = OfferFilter(request.GET, queryset=Offer.objects.public(), request=request)
    sort_form = DirectorySortForm(request.GET, user=request.user)
    queryset = filterset.qs
    search_text = filterset.search_text
    default_sort = SORT_RELEVANCE if search_text else SORT_NAME
    sort_form.is_valid()
    chosen = sort_form.cleaned_data  # the valid fields only: one bad field does not undo the others
    sort = chosen.get("sort") or default_sort
    if sort == SORT_RELEVANCE and not search_text:
        sort = SORT_NAME

    notices: list[str] = []
    origin = None
    if sort == SORT_DISTANCE or chosen.get("school") or chosen.get("near"):
        origin, problem = _distance_origin(sort_form, filterset)
        if origin is None:
            notices.append(problem)
    if sort == SORT_DISTANCE and origin is None:
        sort = default_sort
    page, offers, total = _results(request, queryset, sort=sort, origin=origin)

    filters = active_filters(request, filterset)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "sort_form": sort_form,
        "sort": sort,
        "origin": origin,
        "offers": offers,
        "page_obj": page,
        "total": total,
        "active_filters": filters,
        "widen": {item.param: item.remove_url for item in filters},
        "more_filters_open": any(item.param not in ("q", "municipality") for item in filters)
        or any(name not in ("q", "municipality") for name in filterset.form.errors),
        "search_text": search_text,
        "notices": notices,
        "errors": [*filterset.form.errors.items(), *sort_form.errors.items()],
        "partial": bool(request.htmx and not request.htmx.history_restore_request),
        **_card_context(request, offers),
    }
    template = "welfare/directory/list.html"
    if context["partial"]:
        template += "#results"
    else:
        context["place_options"] = datalist_options(place_choices().values_list("name_nl", flat=True))
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- one offer, one organisation ----------------------------------------------------------------


def _detail_queryset() -> QuerySet[Offer]:
    return with_cards(Offer.objects.public()).prefetch_related("service_area")


def _offer_context(request: HttpRequest, offer: Offer, correction_form: CorrectionForm | None = None) -> dict:
    context = {
        "offer": offer,
        "correction_form": correction_form or CorrectionForm(),
        "stale_after_days": settings.OFFER_STALE_AFTER_DAYS,
        **_card_context(request, [offer]),
    }
    context["can_suggest"] = context["can_shortlist"]
    return context


@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(_detail_queryset(), pk=pk)
    return render(request, "welfare/directory/detail.html", _offer_context(request, offer))


@require_POST
@professional_required
def offer_suggest_correction(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(_detail_queryset(), pk=pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            suggest_correction(offer=offer, by=request.user, message=form.cleaned_data["message"])
        except CorrectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Thank you. The organisation has received your suggestion and will check the offer."),
            )
            return redirect(reverse("directory:offer", args=[offer.pk]))
    return render(request, "welfare/directory/detail.html", _offer_context(request, offer, form))


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.verified()
        .select_related("kind")
        .prefetch_related(
            Prefetch("locations", queryset=Location.objects.select_related("municipality").order_by("name", "pk"))
        ),
        pk=pk,
    )
    offers = fill_cards(list(card_queryset(organisation.offers.public()).order_by("name", "pk")))
    context = {"organisation": organisation, "offers": offers, **_card_context(request, offers)}
    return render(request, "welfare/directory/organisation.html", context)


# --- the shortlist -----------------------------------------------------------------------------


def _shortlist_page(request: HttpRequest, send_form: ShortlistSendForm | None = None, status: int = 200):
    offers, gone = shortlist.shortlisted_offers(request.session)
    if gone:
        messages.info(
            request,
            ngettext(
                "%(count)d offer on your shortlist is no longer in the directory and was removed.",
                "%(count)d offers on your shortlist are no longer in the directory and were removed.",
                gone,
            )
            % {"count": gone},
        )
    for offer in offers:
        offer.in_shortlist = True
    context = {
        "offers": offers,
        "send_form": send_form or ShortlistSendForm(),
        "max_items": shortlist.MAX_ITEMS,
        "can_shortlist": True,
        "shortlist_count": len(offers),
    }
    return render(request, "welfare/directory/shortlist.html", context, status=status)


@require_GET
@professional_required
def shortlist_view(request: HttpRequest) -> HttpResponse:
    return _shortlist_page(request)


@require_POST
@professional_required
def shortlist_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an offer to the shortlist or take it off. htmx gets the new button back."""
    form = ShortlistToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose whether to add or remove the offer."))
    adding = form.cleaned_data["action"] == "add"
    if adding:
        offer = get_object_or_404(Offer.objects.public().select_related("organisation"), pk=pk)
        added = shortlist.add(request.session, offer.pk)
        note = (
            _("“%(offer)s” is on your shortlist.")
            if added
            else _("Your shortlist is full (%(max)d offers). Remove one first.")
        ) % {"offer": offer.name, "max": shortlist.MAX_ITEMS}
    else:
        offer = get_object_or_404(Offer.objects.select_related("organisation"), pk=pk)
        shortlist.remove(request.session, offer.pk)
        added = False
        note = _("“%(offer)s” is no longer on your shortlist.") % {"offer": offer.name}
    next_url = _safe_next(request, form.cleaned_data["next"], reverse("directory:offer", args=[offer.pk]))
    if request.htmx:
        offer.in_shortlist = offer.pk in shortlist.offer_ids(request.session)
        context = {
            "offer": offer,
            "next_url": next_url,
            "toggle_note": note if adding and not added else "",
            "status_note": note,
            "shortlist_count": len(shortlist.offer_ids(request.session)),
            "oob_count": True,
        }
        return render(request, "welfare/directory/detail.html#shortlist_button", context)
    if adding and not added:
        messages.warning(request, note)
    else:
        messages.success(request, note)
    return redirect(next_url)


@require_GET
@professional_required
def shortlist_print(request: HttpRequest) -> HttpResponse:
    """A plain-language page for a parent: what it is, what it costs, where, whom to call."""
    offers, _gone = shortlist.shortlisted_offers(request.session)
    return render(request, "welfare/directory/print.html", {"offers": offers, "today": timezone.localdate()})


def _recent_sends(request: HttpRequest) -> list[float]:
    now = timezone.now().timestamp()
    return [t for t in request.session.get(SEND_LOG_KEY, []) if isinstance(t, (int, float)) and now - t < 3600]


@require_POST
@professional_required
def shortlist_send(request: HttpRequest) -> HttpResponse:
    form = ShortlistSendForm(request.POST)
    if not form.is_valid():
        return _shortlist_page(request, form)
    sent = _recent_sends(request)
    if len(sent) >= SEND_LIMIT:
        form.add_error(None, _("You have sent many e-mails in a short time. Try again in an hour."))
        return _shortlist_page(request, form)
    chosen = {offer.pk for offer in form.cleaned_data["offer"]}
    order = [pk for pk in shortlist.offer_ids(request.session) if pk in chosen]
    order += sorted(chosen - set(order))
    found = {offer.pk: offer for offer in shortlist.with_details(Offer.objects.public().filter(pk__in=chosen))}
    shortlist.send_shortlist(
        offers=[found[pk] for pk in order if pk in found], to=form.cleaned_data["email"], sender=request.user
    )
    request.session[SEND_LOG_KEY] = [*sent, timezone.now().timestamp()]
    count = len(found)
    messages.success(
        request,
        ngettext(
            "The e-mail with %(count)d offer has been sent.", "The e-mail with %(count)d offers has been sent.", count
        )
        % {"count": count},
    )
    return redirect("directory:shortlist")


@require_POST
@professional_required
def shortlist_clear(request: HttpRequest) -> HttpResponse:
    shortlist.clear(request.session)
    messages.success(request, _("Your shortlist is empty again."))
    return redirect("directory:shortlist")
