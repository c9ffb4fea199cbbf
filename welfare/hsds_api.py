"""The read-only HSDS 3.0 API (/api/hsds/), after the Open Referral OpenAPI description
(welfare/hsds_spec/schema/openapi.json). Public: it is the public directory's data — active
offers of verified organisations — so there is no login, and any site may call it (CORS).

GET /api/hsds/                      what this API is (HSDS version, OpenAPI URL)
GET /api/hsds/services              a page of services: their one-to-one fields and organization;
                                    full=true gives fully nested services
GET /api/hsds/services/<id>         one fully nested service
GET /api/hsds/organizations         a page of organizations; full=true nests their locations and
                                    services, full_service=true nests the services fully
GET /api/hsds/organizations/<id>    one organization with its locations and services
GET /api/hsds/taxonomies[/<id>]     Brugwijzer's taxonomies (life domains, access, ...)
GET /api/hsds/taxonomy_terms[/<id>] their terms

Lists answer the HSDS page: {"total_items", "total_pages", "page_number", "size" (items on this
page), "first_page", "last_page", "empty", "contents"}. Parameters: page (from 1), per_page
(1–100, default 25), search (in names and descriptions), and for services taxonomy_term_id,
taxonomy_id, organization_id, modified_after (ISO 8601 date or date-time, on the offer's last
change) and postcode (a location there, or a municipality with that postal code in the service
area). Parameters are checked strictly: an unknown, repeated or malformed parameter is 400 with
{"error": {"code", "parameter", "message"}}; an unknown id is 404; anything but GET is 405.
"""

import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time
from functools import wraps

from django.core.exceptions import TooManyFieldsSent
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from portal.models import PostalCode
from welfare import hsds
from welfare.models import Offer, Organisation

DEFAULT_PER_PAGE, MAX_PER_PAGE = 25, 100
MAX_SEARCH = 200
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")
POSTCODE = re.compile(r"[1-9][0-9]{3}")
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
PAGING = ("page", "per_page", "search", "format")
SERVICE_PARAMETERS = (
    *PAGING,
    "full",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "postcode",
)
ORGANIZATION_PARAMETERS = (*PAGING, "full", "full_service")
TERM_PARAMETERS = (*PAGING, "taxonomy_id", "parent_id", "top_only")


class HsdsApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter

    def response(self) -> JsonResponse:
        error = {"code": self.code}
        if self.parameter is not None:
            error["parameter"] = self.parameter
        error["message"] = self.message
        response = _json({"error": error}, status=self.status)
        if self.status == 405:
            response["Allow"] = "GET, HEAD"
        return response


def _json(data, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _bad(parameter: str, message: str, code: str = "invalid_parameter") -> HsdsApiError:
    return HsdsApiError(400, code, message, parameter=parameter)


def _not_found(what: str) -> HsdsApiError:
    return HsdsApiError(404, "not_found", _("There is no %(what)s with this id.") % {"what": what})


def _shown(value: str, length: int = 40) -> str:
    return repr(value if len(value) <= length else value[:length] + "…")


def hsds_view(allowed: Sequence[str]) -> Callable:
    """GET (and HEAD) only, parameters checked against `allowed`, every error as JSON."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
            try:
                if request.method not in ("GET", "HEAD"):
                    raise HsdsApiError(405, "method_not_allowed", _("This API is read-only: only GET is allowed."))
                return view(request, _parameters(request, allowed), *args, **kwargs)
            except HsdsApiError as error:
                return error.response()

        return wrapper

    return decorate


def _parameters(request: HttpRequest, allowed: Sequence[str]) -> dict[str, str]:
    """Each parameter known, given once, without NUL characters (PostgreSQL refuses them)."""
    try:
        names = list(request.GET)
    except TooManyFieldsSent:
        raise HsdsApiError(400, "too_many_parameters", _("The query has far too many parameters.")) from None
    values = {}
    for name in names:
        if name not in allowed:
            raise _bad(
                name,
                _("Unknown parameter %(name)s. This address takes: %(allowed)s.")
                % {"name": _shown(name), "allowed": ", ".join(allowed) or "—"},
                "unknown_parameter",
            )
        given = request.GET.getlist(name)
        if len(given) > 1:
            raise _bad(name, _("Give %(name)s only once.") % {"name": name}, "repeated_parameter")
        if "\x00" in given[0]:
            raise _bad(name, _("%(name)s holds a NUL character.") % {"name": name})
        values[name] = given[0].strip()
    if values.get("format", "json").lower() != "json":
        raise _bad("format", _("Only format=json is offered here."))
    return values


def _boolean(values: dict[str, str], name: str) -> bool:
    raw = values.get(name, "")
    if not raw:
        return False
    if raw.lower() not in BOOLEANS:
        raise _bad(name, _("%(name)s must be true or false, not %(value)s.") % {"name": name, "value": _shown(raw)})
    return BOOLEANS[raw.lower()]


def _uuid(values: dict[str, str], name: str) -> str | None:
    raw = values.get(name, "")
    if not raw:
        return None
    found = hsds.canonical_uuid(raw)
    if found is None:
        raise _bad(name, _("%(name)s must be a UUID, not %(value)s.") % {"name": name, "value": _shown(raw)})
    return found


def _search(values: dict[str, str]) -> str:
    text = values.get("search", "")
    if len(text) > MAX_SEARCH:
        raise _bad("search", _("search may be at most %(max)d characters long.") % {"max": MAX_SEARCH})
    return text


def _modified_after(values: dict[str, str]) -> datetime | None:
    raw = values.get("modified_after", "")
    if not raw:
        return None
    problem = _("modified_after must be an ISO 8601 date or date-time (2025-01-31T12:00:00Z), not %(value)s.") % {
        "value": _shown(raw)
    }
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
        if moment is None:
            raise _bad("modified_after", problem)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(UTC)  # out of range for the database when this overflows
    except (ValueError, OverflowError):
        raise _bad("modified_after", problem) from None
    return moment


def _paging(values: dict[str, str]) -> tuple[int, int]:
    numbers = {}
    for name, default, high in (("page", 1, 10**9), ("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
        raw = values.get(name, "")
        if not raw:
            numbers[name] = default
        elif PAGE_NUMBER.fullmatch(raw) and 1 <= int(raw) <= high:
            numbers[name] = int(raw)
        else:
            raise _bad(
                name,
                _("%(name)s must be a whole number from 1 to %(high)d, not %(value)s.")
                % {"name": name, "high": high, "value": _shown(raw)},
            )
    return numbers["page"], numbers["per_page"]


def _page(values: dict[str, str], items: QuerySet | list, render: Callable[[list], list[dict]]) -> JsonResponse:
    """The HSDS page envelope around one page of `items`."""
    page, per_page = _paging(values)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    total_pages = math.ceil(total / per_page)
    if page > max(total_pages, 1):
        raise _bad(
            "page",
            _("There is no page %(page)d: there are %(pages)d pages of %(per_page)d.")
            % {"page": page, "pages": total_pages, "per_page": per_page},
        )
    start = (page - 1) * per_page
    contents = render(list(items[start : start + per_page])) if total else []
    return _json(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": total == 0,
            "contents": contents,
        }
    )


# --- views ---------------------------------------------------------------------------------------


@hsds_view(())
def root(request: HttpRequest, values: dict[str, str]) -> JsonResponse:
    return _json({"version": hsds.HSDS_VERSION, "openapi_url": hsds.OPENAPI_URL})


def _public_offers() -> QuerySet[Offer]:
    return Offer.objects.public().order_by("name", "organisation__name", "pk")


def _term(values: dict[str, str]) -> hsds.Term | None:
    wanted = _uuid(values, "taxonomy_term_id")
    return next((term for term in hsds.taxonomy_terms() if term.id == wanted), None)


@hsds_view(SERVICE_PARAMETERS)
def services(request: HttpRequest, values: dict[str, str]) -> JsonResponse:
    full = _boolean(values, "full")
    offers = _public_offers()
    if search := _search(values):
        offers = offers.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(organisation__name__icontains=search)
        )
    if "taxonomy_term_id" in values and values["taxonomy_term_id"]:
        term = _term(values)
        offers = offers.filter(pk__in=Offer.objects.filter(hsds.offer_filter_for_term(term))) if term else offers.none()
    if (taxonomy := _uuid(values, "taxonomy_id")) is not None:
        # Every offer carries a term of each of Brugwijzer's taxonomies; other taxonomies have none.
        known = {hsds.taxonomy_id(name) for name in hsds.TAXONOMIES}
        offers = offers if taxonomy in known else offers.none()
    if (organization := _uuid(values, "organization_id")) is not None:
        found = hsds.find_by_hsds_id(Organisation.objects.verified(), organization)
        offers = offers.filter(organisation=found) if found else offers.none()
    if (moment := _modified_after(values)) is not None:
        offers = offers.filter(updated_at__gte=moment)
    if postcode := values.get("postcode", ""):
        if not POSTCODE.fullmatch(postcode):
            raise _bad(
                "postcode", _("postcode must be a Belgian postal code of four digits, not %s.") % _shown(postcode)
            )
        at_location = Offer.locations.through.objects.filter(offer=OuterRef("pk"), location__postal_code=postcode)
        serving = Offer.service_area.through.objects.filter(
            offer=OuterRef("pk"),
            municipality__in=PostalCode.objects.filter(code=postcode).values("municipality"),
        )
        offers = offers.filter(Exists(at_location) | Exists(serving))
    if full:
        return _page(values, hsds.export_queryset(offers), lambda page: [hsds.service_record(o) for o in page])
    return _page(values, offers.select_related("organisation"), lambda page: [hsds.service_summary(o) for o in page])


@hsds_view(())
def service(request: HttpRequest, values: dict[str, str], id: str) -> JsonResponse:
    found = hsds.find_by_hsds_id(_public_offers(), id)
    if found is None:
        raise _not_found(_("service"))
    return _json(hsds.service_record(hsds.export_queryset(Offer.objects.filter(pk=found.pk)).get()))


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.verified().select_related("kind").order_by("name", "pk")


def _with_nesting(organisations: QuerySet[Organisation], *, full_service: bool) -> QuerySet[Organisation]:
    offers = Offer.objects.active().order_by("name", "pk")
    return organisations.prefetch_related(
        "locations__municipality",
        Prefetch("offers", hsds.export_queryset(offers) if full_service else offers),
    )


def _nested(organisation: Organisation, *, full_service: bool) -> dict:
    if full_service:
        services = [hsds.service_record(offer) for offer in organisation.offers.all()]
    else:
        services = [hsds.service_summary(offer) for offer in organisation.offers.all()]
        for summary in services:
            del summary["organization"]  # it is the organization around it
    locations = sorted(organisation.locations.all(), key=lambda location: (location.name, location.street, location.pk))
    return hsds.organization_record(organisation, locations=locations, services=services)


@hsds_view(ORGANIZATION_PARAMETERS)
def organizations(request: HttpRequest, values: dict[str, str]) -> JsonResponse:
    full, full_service = _boolean(values, "full"), _boolean(values, "full_service")
    organisations = _organisations()
    if search := _search(values):
        organisations = organisations.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if full or full_service:
        nested = _with_nesting(organisations, full_service=full_service)
        return _page(values, nested, lambda page: [_nested(o, full_service=full_service) for o in page])
    return _page(values, organisations, lambda page: [hsds.organization_summary(o) for o in page])


@hsds_view(("full_service",))
def organization(request: HttpRequest, values: dict[str, str], id: str) -> JsonResponse:
    full_service = _boolean(values, "full_service")
    found = hsds.find_by_hsds_id(_organisations(), id)
    if found is None:
        raise _not_found(_("organization"))
    nested = _with_nesting(_organisations().filter(pk=found.pk), full_service=full_service).get()
    return _json(_nested(nested, full_service=full_service))


def _matches(text: str, *fields: str) -> bool:
    return not text or any(text.casefold() in field.casefold() for field in fields)


@hsds_view(PAGING)
def taxonomies(request: HttpRequest, values: dict[str, str]) -> JsonResponse:
    search = _search(values)
    found = [
        hsds.taxonomy_record(name)
        for name, description in hsds.TAXONOMIES.items()
        if _matches(search, name, description)
    ]
    return _page(values, found, lambda page: page)


@hsds_view(())
def taxonomy(request: HttpRequest, values: dict[str, str], id: str) -> JsonResponse:
    found = next((name for name in hsds.TAXONOMIES if hsds.taxonomy_id(name) == hsds.canonical_uuid(id)), None)
    if found is None:
        raise _not_found(_("taxonomy"))
    return _json(hsds.taxonomy_record(found))


@hsds_view(TERM_PARAMETERS)
def taxonomy_terms(request: HttpRequest, values: dict[str, str]) -> JsonResponse:
    search = _search(values)
    taxonomy, parent = _uuid(values, "taxonomy_id"), _uuid(values, "parent_id")
    _boolean(values, "top_only")  # every term is a top-level term: the answer is the same
    terms = [
        term
        for term in hsds.taxonomy_terms()
        if parent is None
        and (taxonomy is None or hsds.taxonomy_id(term.taxonomy) == taxonomy)
        and _matches(search, term.code, term.name, term.description)
    ]
    return _page(values, terms, lambda page: [term.as_hsds(detail=True) for term in page])


@hsds_view(())
def taxonomy_term(request: HttpRequest, values: dict[str, str], id: str) -> JsonResponse:
    wanted = hsds.canonical_uuid(id)
    found = next((term for term in hsds.taxonomy_terms() if term.id == wanted), None)
    if found is None:
        raise _not_found(_("taxonomy term"))
    return _json(found.as_hsds(detail=True))


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other address under the API: a JSON 404, not the site's HTML page."""
    return HsdsApiError(404, "not_found", _("There is nothing at this address of the HSDS API.")).response()
