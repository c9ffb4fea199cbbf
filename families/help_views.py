"""The family help page (/hulp/): public, no account, no tracking, plain words.

Three steps, each a plain GET link so that a page can be shared and the back button works:
where do you live (?plaats= or ?gemeente=<NIS code>), what do you need help with
(?domein=<slug>), and the free or low-cost help with room that serves that town.
Nothing here reads or writes the session.
"""

import math
import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, get_language_info
from django.views.decorators.http import require_GET

from families.help_forms import PlaceForm
from families.models import LifeDomain
from portal.models import Municipality, Region
from welfare.models import Capacity, Cost, Location, Offer, Organisation

RESULTS_PER_PAGE = 20
SUMMARY_LENGTH = 180
NIS_CODE = re.compile(r"^[0-9]{5}$")
# When nothing fits, these general services can still help: they know every other door.
GENERAL_HELP_KINDS = ("caw", "ocmw")
GENERAL_HELP_DOMAINS = ("inkomen", "basisnoden")
EARTH_RADIUS_KM = 6371.0


def place_name(municipality: Municipality) -> str:
    """The town's name in the reader's language where it has one (Bruxelles, Anvers)."""
    if (get_language() or "").startswith("fr") and municipality.name_fr:
        return municipality.name_fr
    return municipality.name_nl


def plain_summary(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first sentence of a description, cut at a word boundary when it is still too long."""
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?=\s+[^a-z]|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:–-— ") + "…"


def tel_href(phone: str) -> str:
    """A tel: link with digits and a leading plus only: "03 123 45 67" becomes tel:031234567."""
    digits = re.sub(r"[^0-9+]", "", phone)
    return f"tel:{digits[0]}{digits[1:].replace('+', '')}" if digits else ""


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); good enough to rank places within a region."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass
class HelpResult:
    """One offer as a family reads it: what it is, where to go, whom to call, what it costs."""

    offer: Offer
    summary: str
    location: Location | None
    distance: float | None
    tel_href: str
    languages: list[tuple[str, str]]


def language_names(languages) -> list[tuple[str, str]]:
    """Each language by its own name ("Türkçe", "العربيّة"), so that a parent recognises theirs."""
    names = []
    for language in languages:
        try:
            name = get_language_info(language.code)["name_local"]
            names.append((language.code, name[:1].upper() + name[1:]))
        except KeyError:  # Django does not know every home language (Somali, Tigrinya, …)
            if (get_language() or "").startswith("nl"):
                names.append(("nl", language.name_nl))
            else:
                names.append(("en", language.name_en))
    return names


def _nearest_location(locations: list[Location], municipality: Municipality) -> tuple[Location | None, float | None]:
    """The location closest to the town centre; without coordinates, one in the town itself."""
    if municipality.latitude is not None and municipality.longitude is not None:
        measured = [
            (distance_km(municipality.latitude, municipality.longitude, loc.latitude, loc.longitude), loc)
            for loc in locations
            if loc.latitude is not None and loc.longitude is not None
        ]
        if measured:
            distance, location = min(measured, key=lambda pair: pair[0])
            return location, distance
    in_town = [loc for loc in locations if loc.municipality_id == municipality.pk]
    return (in_town or locations or [None])[0], None


def help_offers(*, municipality: Municipality, domain: LifeDomain) -> QuerySet[Offer]:
    """What the help page may show a family: public offers serving the town in this life domain,
    free or low-cost, with room now (no waiting list, not full)."""
    return (
        Offer.objects.public()
        .filter(
            service_area=municipality,
            life_domains=domain,
            cost__in=[Cost.FREE, Cost.LOW],
            capacity=Capacity.OPEN,
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch("locations", queryset=Location.objects.select_related("municipality")),
            "languages",
        )
    )


def ranked_results(offers: QuerySet[Offer], municipality: Municipality) -> list[HelpResult]:
    """Walk-in first (a parent can simply go there), then the nearest, then by name."""
    results = []
    for offer in offers:
        location, distance = _nearest_location(list(offer.locations.all()), municipality)
        results.append(
            HelpResult(
                offer=offer,
                summary=plain_summary(offer.description),
                location=location,
                distance=distance,
                tel_href=tel_href(offer.organisation.phone),
                languages=language_names(offer.languages.all()),
            )
        )
    results.sort(
        key=lambda r: (not r.offer.access_walk_in, r.distance is None, r.distance or 0.0, r.offer.name.casefold())
    )
    return results


@dataclass
class GeneralHelp:
    """A general service (CAW, OCMW) to turn to when nothing specific fits."""

    organisation: Organisation
    location: Location | None
    tel_href: str


def general_help(municipality: Municipality) -> list[GeneralHelp]:
    """The town's CAW or OCMW when it helps with money or daily needs there: a door that is always open."""
    organisations = (
        Organisation.objects.verified()
        .filter(
            kind__slug__in=GENERAL_HELP_KINDS,
            offers__in=Offer.objects.public().filter(
                service_area=municipality, life_domains__slug__in=GENERAL_HELP_DOMAINS
            ),
        )
        .distinct()
        .order_by("name")
        .prefetch_related(Prefetch("locations", queryset=Location.objects.select_related("municipality")))
    )[:3]
    return [
        GeneralHelp(
            organisation=organisation,
            location=_nearest_location(list(organisation.locations.all()), municipality)[0],
            tel_href=tel_href(organisation.phone),
        )
        for organisation in organisations
    ]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """One page, three steps; which step shows follows from the query string alone."""
    domains = list(LifeDomain.objects.all())
    domain = next((d for d in domains if d.slug == request.GET.get("domein")), None)
    context: dict = {"domain": domain, "domains": domains, "unknown_domain": "domein" in request.GET and not domain}

    municipality = None
    nis_code = request.GET.get("gemeente", "")
    if nis_code:
        if NIS_CODE.match(nis_code):
            municipality = Municipality.objects.filter(nis_code=nis_code).first()
        context["unknown_place"] = municipality is None
    form = PlaceForm(request.GET if "plaats" in request.GET and not municipality else None)
    if form.is_bound and form.is_valid():
        if form.exact:
            municipality = form.municipalities[0]
        else:
            context["choices"] = [(m, place_name(m)) for m in form.municipalities]

    if municipality is None:
        context.update(step=1, form=form, datalist=_datalist())
        return render(request, "families/help/index.html", context)

    context.update(municipality=municipality, place=place_name(municipality))
    if domain is None:
        context["step"] = 2
        return render(request, "families/help/index.html", context)

    results = ranked_results(help_offers(municipality=municipality, domain=domain), municipality)
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(step=3, page_obj=page, results=page.object_list, result_count=len(results))
    if not results:
        context["general_help"] = general_help(municipality)
    return render(request, "families/help/index.html", context)


def _datalist() -> list[str]:
    """Town names to suggest while typing: Flanders and Brussels, in both languages where they differ."""
    names: set[str] = set()
    for name_nl, name_fr in Municipality.objects.filter(region__in=[Region.FLANDERS, Region.BRUSSELS]).values_list(
        "name_nl", "name_fr"
    ):
        names.add(name_nl)
        if name_fr:
            names.add(name_fr)
    return sorted(names, key=str.casefold)
