"""The collaboration map's data (/kaart/): what each visitor may see, as querysets and GeoJSON.

Three layers, each with its own audience:

- schools: every verified school, for everyone. The link to a school's page is only given to
  those who may open it (its members, the CLB and bridge figures who serve it, moderators);
- welfare organisations: one point per location of a verified organisation that has at least
  one public offer, for everyone, linked to the organisation's page in the directory;
- collaborations: a line from the school to the nearest location of each partner organisation.
  Who takes part (approved members of the school or of a partner organisation, the CLB staff
  and bridge figures who serve the school, the collaboration's broker) and moderators see the
  title and a link. An approved member of a local government sees the collaborations of the
  schools in their municipality as lines with status, form and life domains, but no title and
  no link: the aggregate picture of their municipality, not the partners' agreements.
  Anonymous visitors and pending members see no collaborations at all.

Every query filters on the indexed latitude/longitude pairs when a bounding box is given, and
the number of queries does not grow with the number of points.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.query import EmptyQuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from bridge.access import IndexedIn, Ties, collaborations_visible_to, user_ties
from bridge.models import Collaboration, CollaborationStatus
from families.models import LifeDomain
from portal.links import url_maker
from portal.lookups import Ids
from portal.models import Membership, Municipality
from schools.access import access_from, with_access
from schools.models import School
from welfare.models import Location, Offer, Organisation, OrganisationKind

# The largest area one request may ask for, in degrees each way: about all of Flanders, and a
# response that stays small enough for a phone.
MAX_SPAN = 3.0
# Around the points the first view fits, so a marker never sits on the edge of the map.
PADDING = 0.02
# Around a municipality's seat when it has no school to fit.
MUNICIPALITY_RADIUS = 0.06


class BBoxError(ValueError):
    """A bounding box that cannot be used; the message says what to send instead."""


@dataclass(frozen=True)
class BBox:
    """An area in degrees: west and east are longitudes, south and north latitudes."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, raw: str) -> "BBox":
        """Read `west,south,east,north` as sent by the map; BBoxError explains what is wrong."""
        parts = [part.strip() for part in (raw or "").split(",")]
        try:
            values = [float(part) for part in parts]
        except ValueError:
            values = []
        if len(values) != 4 or not all(math.isfinite(value) for value in values):
            raise BBoxError(_("Give bbox as four numbers in degrees: west,south,east,north."))
        west, south, east, north = values
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise BBoxError(_("The longitudes in bbox (west and east) must lie between -180 and 180."))
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise BBoxError(_("The latitudes in bbox (south and north) must lie between -90 and 90."))
        if west >= east or south >= north:
            raise BBoxError(_("In bbox, west must be smaller than east and south smaller than north."))
        if east - west > MAX_SPAN or north - south > MAX_SPAN:
            raise BBoxError(
                _("The area in bbox is too large: at most %(span)s degrees each way. Zoom in.")
                % {"span": f"{MAX_SPAN:g}"}
            )
        return cls(west, south, east, north)

    def __str__(self) -> str:
        return ",".join(f"{value:.5f}" for value in self.as_list())

    def as_list(self) -> list[float]:
        return [round(value, 6) for value in (self.west, self.south, self.east, self.north)]

    def lookup(self, prefix: str = "") -> dict[str, tuple[float, float]]:
        """Range filters on the (latitude, longitude) index of School and Location."""
        return {
            f"{prefix}latitude__range": (self.south, self.north),
            f"{prefix}longitude__range": (self.west, self.east),
        }

    def padded(self, margin: float) -> "BBox":
        return BBox(
            max(self.west - margin, -180),
            max(self.south - margin, -90),
            min(self.east + margin, 180),
            min(self.north + margin, 90),
        )

    def capped(self, span: float = MAX_SPAN) -> "BBox":
        """At most `span` degrees each way, around the same centre."""
        west, east, south, north = self.west, self.east, self.south, self.north
        if east - west > span:
            centre = (west + east) / 2
            west, east = centre - span / 2, centre + span / 2
        if north - south > span:
            centre = (south + north) / 2
            south, north = centre - span / 2, centre + span / 2
        return BBox(west, south, east, north)


# The demo region, Waasland: the first view when there is no school to fit yet.
DEFAULT_BOUNDS = BBox(3.95, 51.05, 4.35, 51.27)


@dataclass(frozen=True)
class MapFilters:
    """The filters of the map and its list. Each one applies to the layers it makes sense for:
    municipality to all three, life domain and organisation kind to organisations and
    collaborations, status to collaborations."""

    municipality: Municipality | None = None
    life_domain: LifeDomain | None = None
    status: str = ""
    kind: OrganisationKind | None = None


NO_FILTERS = MapFilters()


def _around(latitude: float, longitude: float, radius: float) -> BBox:
    return BBox(longitude - radius, latitude - radius, longitude + radius, latitude + radius)


def _fit(schools: QuerySet[School]) -> BBox | None:
    box = schools.filter(latitude__isnull=False, longitude__isnull=False).aggregate(
        west=Min("longitude"), south=Min("latitude"), east=Max("longitude"), north=Max("latitude")
    )
    if box["west"] is None:
        return None
    return BBox(box["west"], box["south"], box["east"], box["north"]).padded(PADDING).capped()


def home_municipality(user) -> Municipality | None:
    """The municipality a user works for: their local government, or their school's."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.approved()
        .filter(user=user)
        .filter(Q(municipality__isnull=False) | Q(school__isnull=False))
        .select_related("municipality", "school__municipality")
        .first()
    )
    if membership is None:
        return None
    return membership.municipality or membership.school.municipality


def initial_bounds(*, municipality: Municipality | None = None) -> BBox:
    """What the map shows first: the verified schools of `municipality` (or around its seat),
    else all verified schools, at most MAX_SPAN degrees each way; the demo region when there
    are none."""
    schools = School.objects.verified()
    if municipality is not None:
        bounds = _fit(schools.filter(municipality=municipality))
        if bounds is not None:
            return bounds
        if municipality.latitude is not None:
            return _around(municipality.latitude, municipality.longitude, MUNICIPALITY_RADIUS)
    return _fit(schools) or DEFAULT_BOUNDS


def map_municipalities() -> QuerySet[Municipality]:
    """The municipalities with something on the map: the choices of the municipality filter."""
    return Municipality.objects.filter(
        Q(Exists(School.objects.verified().filter(municipality=OuterRef("pk"))))
        | Q(Exists(Location.objects.filter(municipality=OuterRef("pk"), organisation__verified_at__isnull=False)))
    ).order_by("name_nl")


# --- the three layers ---------------------------------------------------------------------------


def schools_on_map(
    *, user, filters: MapFilters = NO_FILTERS, bbox: BBox | None = None, ties: Ties | None = None
) -> QuerySet[School]:
    """Verified schools, each with the user's relation to it (`schools.access`) for the link.

    Given the user's `ties` (`user_ties`): when none of them can tie them to a school, as for a
    local government, the relations are all empty and are not looked up school by school."""
    schools = School.objects.verified().select_related("municipality")
    if filters.municipality is not None:
        schools = schools.filter(municipality=filters.municipality)
    if bbox is not None:
        schools = schools.filter(**bbox.lookup())
    if ties is None or ties.touches_schools:
        schools = with_access(schools, user)
    return schools.order_by("name", "pk")


def locations_on_map(*, filters: MapFilters = NO_FILTERS, bbox: BBox | None = None) -> QuerySet[Location]:
    """Locations of verified organisations with at least one public offer (in the life domain,
    when one is chosen)."""
    offers = Offer.objects.public().filter(organisation=OuterRef("organisation_id"))
    if filters.life_domain is not None:
        offers = offers.filter(life_domains=filters.life_domain)
    locations = Location.objects.filter(Exists(offers)).select_related("organisation__kind", "municipality")
    if filters.kind is not None:
        locations = locations.filter(organisation__kind=filters.kind)
    if filters.municipality is not None:
        locations = locations.filter(municipality=filters.municipality)
    if bbox is not None:
        locations = locations.filter(**bbox.lookup())
    return locations.order_by("organisation__name", "name", "pk")


def viewer_ties(user) -> Ties | None:
    """The ties (`user_ties`) that decide what a signed-in user who is not a moderator sees on the map."""
    return user_ties(user) if user.is_authenticated and not user.is_moderator else None


def can_see_collaborations(user) -> bool:
    """Whether the collaboration layer exists for `user` at all (it may still be empty)."""
    return bool(user.is_authenticated)


def collaborations_on_map(
    *,
    user,
    filters: MapFilters = NO_FILTERS,
    bbox: BBox | None = None,
    with_locations: bool = False,
    ties: Ties | None = None,
) -> QuerySet[Collaboration]:
    """The collaborations `user` may see on the map, each annotated with `details_visible`
    (title and link) — see the module docstring for who sees what.

    With a bounding box: those whose school or one of whose partners' locations lies in it.
    `with_locations` prefetches the partners' located locations, for drawing the lines.
    `ties`: the user's (`user_ties`), when the caller has them.
    """
    if not can_see_collaborations(user):
        return Collaboration.objects.none()
    if user.is_moderator:
        collaborations = Collaboration.objects.annotate(details_visible=Value(True, output_field=BooleanField()))
    else:
        ties = ties or user_ties(user)
        part_of = collaborations_visible_to(user, ties).values("pk")
        governed = (ties.approved or {}).get("municipality_id")
        visible = Q(pk__in=part_of) | Q(school__municipality_id=governed) if governed else Q(pk__in=part_of)
        collaborations = Collaboration.objects.filter(visible).annotate(
            details_visible=Case(
                When(pk__in=part_of, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    if filters.status:
        collaborations = collaborations.filter(status=filters.status)
    if filters.municipality is not None:
        collaborations = collaborations.filter(school__municipality=filters.municipality)
    # Exists rather than a join: a collaboration with two partners of one kind is still one row.
    if filters.life_domain is not None:
        about = Collaboration.life_domains.through.objects.filter(
            collaboration_id=OuterRef("pk"), lifedomain_id=filters.life_domain.pk
        )
        collaborations = collaborations.filter(Exists(about))
    if filters.kind is not None:
        with_kind = Collaboration.organisations.through.objects.filter(
            collaboration_id=OuterRef("pk"), organisation__kind=filters.kind
        )
        collaborations = collaborations.filter(Exists(with_kind))
    if bbox is not None:
        collaborations = collaborations.filter(IndexedIn(F("pk"), _in_bbox(bbox)))
    partners: str | Prefetch = "organisations"
    if with_locations:
        located = Location.objects.filter(latitude__isnull=False, longitude__isnull=False).order_by("pk")
        with_sites = Organisation.objects.select_related("kind").prefetch_related(Prefetch("locations", located))
        partners = Prefetch("organisations", queryset=with_sites)
    return (
        collaborations.select_related("school__municipality")
        .prefetch_related(partners, "life_domains")
        .order_by("school__name", "-created_at", "-pk")
    )


def _in_bbox(bbox: BBox) -> QuerySet:
    """The ids of the collaborations whose school or one of whose partners' locations lies in
    `bbox`: from the schools and locations there, through the indexes, not over every
    collaboration."""
    schools = School.objects.filter(**bbox.lookup()).values("pk")
    organisations = Location.objects.filter(**bbox.lookup()).values("organisation_id")
    near_school = Collaboration.objects.filter(IndexedIn(F("school_id"), schools)).values("pk")
    near_partner = Collaboration.organisations.through.objects.filter(IndexedIn(F("organisation_id"), organisations))
    return near_school.union(near_partner.values("collaboration_id"))


def status_counts(collaborations: QuerySet[Collaboration]) -> list[dict[str, Any]]:
    """How many collaborations per status, every status listed (zero included), in one query."""
    counts = dict(collaborations.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    return [
        {"status": value, "label": capfirst(label), "count": counts.get(value, 0)}
        for value, label in CollaborationStatus.choices
    ]


# --- GeoJSON ----------------------------------------------------------------------------------


def _point(longitude: float, latitude: float) -> dict:
    return {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}


def _reverse(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def school_url(school: School, user) -> str | None:
    """The school's page, for those who may open it; None for everyone else."""
    if not access_from(school, user).can_view:
        return None
    return _reverse("schools:detail", pk=school.pk)


def school_features(schools: QuerySet[School], user) -> list[dict]:
    """One point per located school of `schools_on_map`, from plain rows: a city view has hundreds.

    The link depends only on the user's relation to the school (the access annotations), so
    `access_from` runs once per distinct relation rather than once per school.
    """
    relation_fields = list(schools.query.annotations)
    url = url_maker("schools:detail")
    can_view: dict[tuple, bool] = {}
    features = []
    rows = schools.values(
        "pk", "name", "street", "postal_code", "latitude", "longitude", "municipality__name_nl", *relation_fields
    )
    for row in rows:
        if row["latitude"] is None:
            continue
        relation = tuple(row[name] for name in relation_fields)
        if relation not in can_view:
            annotated = SimpleNamespace(**dict(zip(relation_fields, relation, strict=True)))
            can_view[relation] = access_from(annotated, user).can_view
        pk, municipality = row["pk"], row["municipality__name_nl"]
        features.append(
            {
                "type": "Feature",
                "id": f"school-{pk}",
                "geometry": _point(row["longitude"], row["latitude"]),
                "properties": {
                    "kind": "school",
                    "id": pk,
                    "name": row["name"],
                    "address": f"{row['street']}, {row['postal_code']} {municipality}",
                    "municipality": municipality,
                    "url": url(pk) if can_view[relation] else None,
                },
            }
        )
    return features


def location_features(locations: QuerySet[Location]) -> list[dict]:
    """One point per location of `locations_on_map`, from plain rows (see school_features)."""
    url = url_maker("directory:organisation")
    features = []
    rows = locations.values(
        "pk",
        "name",
        "street",
        "postal_code",
        "latitude",
        "longitude",
        "municipality__name_nl",
        "organisation_id",
        "organisation__name",
        "organisation__kind__name",
        "organisation__kind__slug",
    )
    for row in rows:
        organisation, municipality = row["organisation_id"], row["municipality__name_nl"]
        features.append(
            {
                "type": "Feature",
                "id": f"location-{row['pk']}",
                "geometry": _point(row["longitude"], row["latitude"]),
                "properties": {
                    "kind": "organisation",
                    "id": organisation,
                    "name": row["organisation__name"],
                    "location": row["name"],
                    "address": f"{row['street']}, {row['postal_code']} {municipality}",
                    "municipality": municipality,
                    "organisation_kind": row["organisation__kind__name"],
                    "organisation_kind_slug": row["organisation__kind__slug"],
                    "url": url(organisation),
                },
            }
        )
    return features


def nearest_location(locations: list[Location], latitude: float, longitude: float) -> Location | None:
    """The location closest to a point, measured on a flat map scaled for the latitude: exact
    enough to pick between the sites of one organisation."""
    scale = math.cos(math.radians(latitude))
    return min(
        locations,
        key=lambda location: (location.latitude - latitude) ** 2 + ((location.longitude - longitude) * scale) ** 2,
        default=None,
    )


def _label(labels: dict[str, str], value: str) -> str:
    return labels[value] if value in labels else capfirst(value)


def collaboration_features(
    collaborations: QuerySet[Collaboration], *, kind: OrganisationKind | None = None
) -> list[dict]:
    """One line per partner organisation (of `kind`, when given) of each collaboration, from the
    school to that partner's nearest location; in the collaborations' order, partners by name.

    Plain rows rather than model instances, in four queries whatever the number of lines: a city
    view at Flanders scale draws hundreds of them (see docs/performance.md).
    """
    if isinstance(collaborations, EmptyQuerySet):  # nobody to show them to: no details_visible either
        return []
    rows = [
        row
        for row in collaborations.prefetch_related(None).values(
            "pk",
            "school_id",
            "school__name",
            "school__latitude",
            "school__longitude",
            "status",
            "form",
            "title",
            "details_visible",
        )
        if row["school__latitude"] is not None and row["school__longitude"] is not None
    ]
    ids = [row["pk"] for row in rows]
    partners = Collaboration.organisations.through.objects.filter(Ids(F("collaboration_id"), ids))
    if kind is not None:
        partners = partners.filter(organisation__kind_id=kind.pk)
    partners_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for collaboration_id, organisation_id, name in partners.order_by(
        "organisation__name", "organisation_id"
    ).values_list("collaboration_id", "organisation_id", "organisation__name"):
        partners_of[collaboration_id].append((organisation_id, name))
    # Each site with its GeoJSON position, rounded once however many lines end there.
    sites: dict[int, list[tuple[float, float, list[float]]]] = defaultdict(list)
    located = Location.objects.filter(
        Ids(F("organisation_id"), {pk for pairs in partners_of.values() for pk, _name in pairs}),
        latitude__isnull=False,
        longitude__isnull=False,
    )
    for organisation_id, latitude, longitude in located.order_by("pk").values_list(
        "organisation_id", "latitude", "longitude"
    ):
        sites[organisation_id].append((latitude, longitude, [round(longitude, 6), round(latitude, 6)]))
    domains: dict[int, list[str]] = defaultdict(list)
    for collaboration_id, name in (
        Collaboration.life_domains.through.objects.filter(Ids(F("collaboration_id"), ids))
        .order_by("lifedomain__position", "lifedomain__name", "lifedomain_id")
        .values_list("collaboration_id", "lifedomain__name")
    ):
        domains[collaboration_id].append(name)
    # What get_status_display() and get_form_display() give, looked up once rather than per line.
    status_labels, form_labels = (
        {value: capfirst(str(label)) for value, label in Collaboration._meta.get_field(name).flatchoices}
        for name in ("status", "form")
    )
    url = url_maker("bridge:collaboration_detail")
    features = []
    for row in rows:
        pk, latitude, longitude = row["pk"], row["school__latitude"], row["school__longitude"]
        details = bool(row["details_visible"])
        scale = math.cos(math.radians(latitude))
        school_position = [round(longitude, 6), round(latitude, 6)]
        # What every line of this collaboration shares (serialised once per line, built once here).
        shared = {
            "kind": "collaboration",
            "id": pk,
            "school_id": row["school_id"],
            "school": row["school__name"],
            "status": row["status"],
            "status_label": _label(status_labels, row["status"]),
            "form": row["form"],
            "form_label": _label(form_labels, row["form"]),
            "life_domains": domains[pk],
            "details": details,
            "title": row["title"] if details else None,
            "url": url(pk) if details else None,
        }
        for organisation_id, organisation in partners_of[pk]:
            options = sites[organisation_id]
            if not options:
                continue
            site = (
                options[0]
                if len(options) == 1
                else min(options, key=lambda site: (site[0] - latitude) ** 2 + ((site[1] - longitude) * scale) ** 2)
            )
            features.append(
                {
                    "type": "Feature",
                    "id": f"collaboration-{pk}-{organisation_id}",
                    "geometry": {"type": "LineString", "coordinates": [school_position, site[2]]},
                    "properties": {**shared, "organisation": organisation},
                }
            )
    return features


def feature_collection(*, user, bbox: BBox, filters: MapFilters = NO_FILTERS) -> dict:
    """Everything the map shows in `bbox` for `user`, as a GeoJSON FeatureCollection: schools,
    then organisation locations (points), then collaborations (lines)."""
    ties = viewer_ties(user)
    features = school_features(schools_on_map(user=user, filters=filters, bbox=bbox, ties=ties), user)
    features += location_features(locations_on_map(filters=filters, bbox=bbox))
    collaborations = collaborations_on_map(user=user, filters=filters, bbox=bbox, ties=ties)
    features += collaboration_features(collaborations, kind=filters.kind)
    return {"type": "FeatureCollection", "bbox": bbox.as_list(), "features": features}
