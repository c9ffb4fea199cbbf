"""The collaboration map (/kaart/): the map page, the same data as a list, and the GeoJSON the
map loads for the area in view. Who sees what is decided in bridge.map_data."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from bridge import map_data
from bridge.models import CollaborationStatus
from families.models import LifeDomain
from portal.json_response import FastJsonResponse
from portal.models import Municipality
from welfare.models import OrganisationKind

ROWS_PER_PAGE = 25
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# OpenStreetMap's tile policy asks for a visible link to its copyright page.
DEFAULT_TILE_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


class MapFilterForm(forms.Form):
    """The map's filters, shared by the page, the list and the GeoJSON. Unknown values are
    errors; the valid filters still apply."""

    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        to_field_name="nis_code",
        required=False,
        label=gettext_lazy("Municipality"),
        empty_label=gettext_lazy("All municipalities"),
    )
    life_domain = forms.ModelChoiceField(
        queryset=LifeDomain.objects.all(),
        to_field_name="slug",
        required=False,
        label=gettext_lazy("Life domain"),
        empty_label=gettext_lazy("All life domains"),
    )
    kind = forms.ModelChoiceField(
        queryset=OrganisationKind.objects.all(),
        to_field_name="slug",
        required=False,
        label=gettext_lazy("Kind of organisation"),
        empty_label=gettext_lazy("All kinds"),
    )
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("All statuses"))]
        + [(value, capfirst(label)) for value, label in CollaborationStatus.choices],
        required=False,
        label=gettext_lazy("Status of the collaboration"),
    )

    def __init__(self, data: QueryDict | None = None, *, all_municipalities: bool = False, with_status: bool = True):
        super().__init__(data)
        # The page offers the municipalities with something on the map; the GeoJSON accepts any.
        self.fields["municipality"].queryset = (
            Municipality.objects.all() if all_municipalities else map_data.map_municipalities()
        )
        if not with_status:
            del self.fields["status"]

    def filters(self) -> map_data.MapFilters:
        """The valid filters (after is_valid); a field with an error is left out."""
        values = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
        return map_data.MapFilters(**values)

    def error_list(self) -> list[tuple[str, list[str]]]:
        return [(name, list(errors)) for name, errors in self.errors.items()]


def _filter_form(request: HttpRequest, **kwargs) -> MapFilterForm:
    form = MapFilterForm(request.GET, with_status=map_data.can_see_collaborations(request.user), **kwargs)
    form.is_valid()
    return form


@dataclass
class Section:
    """One paginated table of the list; each keeps its own page number in the query string."""

    page: Page
    param: str
    previous_url: str = ""
    next_url: str = ""


def _section(request: HttpRequest, queryset: QuerySet, param: str) -> Section:
    page = Paginator(queryset, ROWS_PER_PAGE).get_page(request.GET.get(param))
    section = Section(page=page, param=param)

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    if page.has_previous():
        section.previous_url = url(page.previous_page_number())
    if page.has_next():
        section.next_url = url(page.next_page_number())
    return section


def _list_context(request: HttpRequest, form: MapFilterForm) -> dict[str, Any]:
    """The three tables of the list, for the same filters as the map (the whole area, paged)."""
    user = request.user
    filters = form.filters()
    ties = map_data.viewer_ties(user)
    schools = _section(request, map_data.schools_on_map(user=user, filters=filters, ties=ties), "schools_page")
    for school in schools.page:
        school.map_url = map_data.school_url(school, user)
    context: dict[str, Any] = {
        "form": form,
        "errors": form.error_list(),
        "filtered": any(value for value in vars(filters).values()),
        "schools": schools,
        "locations": _section(request, map_data.locations_on_map(filters=filters), "organisations_page"),
        "shows_collaborations": map_data.can_see_collaborations(user),
    }
    if context["shows_collaborations"]:
        collaborations = map_data.collaborations_on_map(user=user, filters=filters, ties=ties)
        context["collaborations"] = _section(request, collaborations, "collaborations_page")
        context["status_counts"] = map_data.status_counts(collaborations)
        context["status_total"] = sum(row["count"] for row in context["status_counts"])
    return context


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if request.htmx:
        response = render(request, f"{template}#results", context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _map_text() -> dict[str, str]:
    """The words map.js shows, translated here (the script holds no text of its own)."""
    return {
        "school": _("School"),
        "organisation": _("Welfare organisation"),
        "collaboration": _("Collaboration"),
        "collaborations": _("Collaborations"),
        "openSchool": _("Open the school's page"),
        "openOrganisation": _("About this organisation"),
        "openCollaboration": _("Open the collaboration"),
        "detailsHidden": _("The details are for the partners only."),
        "status": _("Status"),
        "form": _("Form"),
        "lifeDomains": _("Life domains"),
        "with": _("with"),
        "places": _("places: press Enter to zoom in"),
        "counts": _("In this area: {schools} schools, {organisations} organisation locations, {collaborations} lines."),
        "countsNoCollaborations": _("In this area: {schools} schools, {organisations} organisation locations."),
        "clipped": _("The area is large: only the centre of the map is filled in. Zoom in to see more."),
        "loadError": _("The map data could not be loaded. The list below the map shows the same data."),
        "tileError": _("The background map could not be loaded. The markers and lines are still correct."),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The map, its filters and legend, and below it the same data as tables."""
    form = _filter_form(request)
    context = _list_context(request, form)
    filters = form.filters()
    if request.htmx:
        # A newly chosen municipality: the map moves there (map.js reads the bounds from the tables).
        if filters.municipality is not None:
            context["bounds"] = map_data.initial_bounds(municipality=filters.municipality)
    else:
        municipality = filters.municipality or map_data.home_municipality(request.user)
        context.update(
            bounds=map_data.initial_bounds(municipality=municipality),
            max_span=map_data.MAX_SPAN,
            tile_url=getattr(settings, "MAP_TILE_URL", DEFAULT_TILE_URL),
            tile_attribution=getattr(settings, "MAP_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION),
            map_text=_map_text(),
            statuses=CollaborationStatus.choices,
        )
    return _render(request, "bridge/map/index.html", context)


@require_GET
def map_list(request: HttpRequest) -> HttpResponse:
    """The map's data as tables only: for keyboard and screen-reader users, and without JavaScript."""
    return _render(request, "bridge/map/list.html", _list_context(request, _filter_form(request)))


def _bad_request(errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=400)


@require_GET
def data(request: HttpRequest) -> JsonResponse:
    """GeoJSON for the area `?bbox=west,south,east,north` (the region when left out) and the
    filters; 400 with {"errors": {field: [messages]}} for a bad bbox or filter."""
    raw_bbox = request.GET.get("bbox", "").strip()
    try:
        bbox = map_data.BBox.parse(raw_bbox) if raw_bbox else map_data.initial_bounds()
    except map_data.BBoxError as error:
        return _bad_request({"bbox": [str(error)]})
    form = MapFilterForm(request.GET, all_municipalities=True)
    if not form.is_valid():
        return _bad_request({name: list(errors) for name, errors in form.errors.items()})
    collection = map_data.feature_collection(user=request.user, bbox=bbox, filters=form.filters())
    response = FastJsonResponse(collection, content_type="application/geo+json")
    # What a signed-in user sees depends on who they are: never store it in a shared cache.
    patch_cache_control(response, private=True, no_cache=True)
    return response
