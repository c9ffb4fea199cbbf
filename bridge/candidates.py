"""The database side of matching: which offers are worth scoring, and needs and offers as plain data.

`bridge.matching` scores in pure Python; this module feeds it with a fixed number of queries,
whatever the number of offers:

``suggest(need, *, limit=10, today=None, radius_km=DEFAULT_RADIUS_KM) -> MatchResult``
    ranks the candidate offers for a ``NeedProfile`` (also for a need that is not saved yet); of
    many candidates it loads and scores only those that can enter the top ``limit``.
``suggest_for_need(need, *, limit=10, today=None, radius_km=DEFAULT_RADIUS_KM) -> MatchResult``
    the same for a saved ``families.FamilyNeed``.
``need_profile(need) -> NeedProfile``
    a saved FamilyNeed as the engine sees it.
``need_profile_from_data(*, school, life_domains, age_min=None, age_max=None, languages=(),
                         prefers_free=False, prefers_at_school=False, prefers_outreach=False,
                         prefers_walk_in=False, prefers_no_waiting_list=False) -> NeedProfile``
    the same from a form's cleaned data: life domains as LifeDomain objects or slugs, languages as
    Language objects or ISO codes (the keyword names are FamilyNeed's field names).
``candidate_offers(*, life_domains=(), point=None, municipality_id=None, radius_km=DEFAULT_RADIUS_KM)``
    one query (a QuerySet): public offers (active, verified organisation) covering at least one of
    the life domains (ids, slugs or LifeDomain objects; none given: any) that serve the
    municipality, or have a location inside a bounding box of ``radius_km`` around the point, or
    come to the family (outreach, at school, online) and name no service area.
``to_profiles(offers) -> list[OfferProfile]``
    offers (a QuerySet, or model instances) as profiles, in five queries.
``partner_organisation_ids(school_id) -> frozenset[int]``
    organisations in the school's agreed, active or evaluated collaborations.
``school_point(school)`` / ``municipality_point(municipality)``
    where a school is: its coordinates, else its municipality's; a municipality's own coordinates,
    else the average of the schools and locations in it; None when nothing is known.

An offer outside the bounding box that does not serve the municipality is not a candidate at all:
with a radius of 20 km that is further than a family without a car can be expected to go. Offers
inside the box but outside their own service area are candidates: the engine lists them as weak,
so that the school sees why the nearby offer is not for them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bridge.matching import (
    PREFERENCE_FIELDS,
    MatchResult,
    NeedProfile,
    OfferProfile,
    Point,
    rank_top,
    score_upper_bound,
)
from bridge.models import Collaboration, CollaborationStatus
from families.models import FamilyNeed, LifeDomain
from portal.models import Language, Municipality
from schools.models import School
from welfare.models import ACCESS_MODES, Location, Offer

DEFAULT_RADIUS_KM = 20.0
# How many candidates, those with the highest upper bounds, `suggest` loads and scores first.
FIRST_ROUND = 30
KM_PER_DEGREE_LATITUDE = 111.32
PARTNER_STATUSES = (CollaborationStatus.AGREED, CollaborationStatus.ACTIVE, CollaborationStatus.EVALUATED)

_OFFER_FIELDS = (
    "id",
    "external_id",
    "name",
    "organisation_id",
    "organisation__name",
    "age_min",
    "age_max",
    "cost",
    "capacity",
    "waiting_weeks",
    "is_active",
    "last_confirmed",
    *(field for field, _code, _label in ACCESS_MODES),
)


# --- tying it together -------------------------------------------------------------------------


def suggest(
    need: NeedProfile,
    *,
    limit: int | None = 10,
    today: date | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> MatchResult:
    """Rank the candidate offers for a need profile, with Dutch names in the reasons.

    Scores only the candidates that can enter the top `limit` (`bridge.matching.rank_top`): the
    candidates' own columns, how many of the need's domains they cover and whether they serve the
    school's municipality come in one query; locations and languages only for the likely top.
    """
    today = today or timezone.localdate()
    stale_after_days = settings.OFFER_STALE_AFTER_DAYS
    candidates = candidate_offers(
        life_domains=need.life_domains,
        point=need.school_point,
        municipality_id=need.municipality_id,
        radius_km=radius_km,
    )
    rows = {row["id"]: row for row in _bound_rows(candidates, need)}
    bounds = [
        (
            offer_id,
            score_upper_bound(
                need,
                _bound_profile(row, need.municipality_id),
                today=today,
                domain_share=row["covered_domains"] / len(need.life_domains) if need.life_domains else None,
                stale_after_days=stale_after_days,
            ),
        )
        for offer_id, row in rows.items()
    ]
    municipality_names = (
        dict(Municipality.objects.filter(pk=need.municipality_id).values_list("pk", "name_nl"))
        if need.municipality_id is not None
        else {}
    )
    language_names = (
        dict(Language.objects.filter(code__in=need.languages).values_list("code", "name_nl")) if need.languages else {}
    )
    domain_names = (
        dict(LifeDomain.objects.filter(slug__in=need.life_domains).values_list("slug", "name"))
        if need.life_domains
        else {}
    )
    return rank_top(
        need,
        bounds,
        lambda ids: _profiles([rows[offer_id] for offer_id in ids]),
        today=today,
        first_round=FIRST_ROUND,
        municipality_names=municipality_names,
        language_names=language_names,
        domain_names=domain_names,
        limit=limit,
        stale_after_days=stale_after_days,
    )


def suggest_for_need(
    need: FamilyNeed,
    *,
    limit: int | None = 10,
    today: date | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> MatchResult:
    """The suggestions for a saved need; the caller decides who may see them."""
    return suggest(need_profile(need), limit=limit, today=today, radius_km=radius_km)


# --- needs -------------------------------------------------------------------------------------------


def need_profile(need: FamilyNeed) -> NeedProfile:
    """A saved need as the engine sees it; uses prefetched life domains and languages when present."""
    school = need.school
    return NeedProfile(
        school_point=school_point(school),
        municipality_id=school.municipality_id,
        life_domains=frozenset(_related_values(need.life_domains, "slug")),
        age_min=need.age_min,
        age_max=need.age_max,
        languages=frozenset(_related_values(need.home_languages, "code")),
        partner_organisation_ids=partner_organisation_ids(school.pk),
        **{name: getattr(need, name) for name in PREFERENCE_FIELDS},
    )


def _related_values(manager, field: str) -> list:
    if manager.prefetch_cache_name in getattr(manager.instance, "_prefetched_objects_cache", {}):
        return [getattr(obj, field) for obj in manager.all()]
    return list(manager.values_list(field, flat=True))


def need_profile_from_data(
    *,
    school: School,
    life_domains: Iterable[LifeDomain | str],
    age_min: int | None = None,
    age_max: int | None = None,
    languages: Iterable[Language | str] = (),
    prefers_free: bool = False,
    prefers_at_school: bool = False,
    prefers_outreach: bool = False,
    prefers_walk_in: bool = False,
    prefers_no_waiting_list: bool = False,
) -> NeedProfile:
    """A need the school is still writing: try the suggestions before saving it."""
    return NeedProfile(
        school_point=school_point(school),
        municipality_id=school.municipality_id,
        life_domains=frozenset(d if isinstance(d, str) else d.slug for d in life_domains),
        age_min=age_min,
        age_max=age_max,
        languages=frozenset(code if isinstance(code, str) else code.code for code in languages),
        prefers_free=bool(prefers_free),
        prefers_at_school=bool(prefers_at_school),
        prefers_outreach=bool(prefers_outreach),
        prefers_walk_in=bool(prefers_walk_in),
        prefers_no_waiting_list=bool(prefers_no_waiting_list),
        partner_organisation_ids=partner_organisation_ids(school.pk),
    )


def partner_organisation_ids(school_id: int) -> frozenset[int]:
    """Organisations the school already works with: a proposal is not yet, an ended one no longer."""
    return frozenset(
        Collaboration.organisations.through.objects.filter(
            collaboration__school_id=school_id, collaboration__status__in=PARTNER_STATUSES
        ).values_list("organisation_id", flat=True)
    )


def school_point(school: School) -> Point | None:
    if school.latitude is not None and school.longitude is not None:
        return (school.latitude, school.longitude)
    return municipality_point(school.municipality_id)


def municipality_point(municipality: Municipality | int) -> Point | None:
    """The municipality's coordinates, else the average of the schools and locations in it."""
    if isinstance(municipality, Municipality):
        pk, coordinates = municipality.pk, (municipality.latitude, municipality.longitude)
    else:
        pk = municipality
        coordinates = Municipality.objects.filter(pk=pk).values_list("latitude", "longitude").first() or (None, None)
    if coordinates[0] is not None and coordinates[1] is not None:
        return (coordinates[0], coordinates[1])
    totals = [
        model.objects.filter(municipality_id=pk, latitude__isnull=False, longitude__isnull=False).aggregate(
            latitude=Sum("latitude"), longitude=Sum("longitude"), n=Count("pk")
        )
        for model in (School, Location)
    ]
    n = sum(total["n"] for total in totals)
    if not n:
        return None
    return (
        sum(total["latitude"] or 0.0 for total in totals) / n,
        sum(total["longitude"] or 0.0 for total in totals) / n,
    )


# --- offers ----------------------------------------------------------------------------------------


def bounding_box(point: Point, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that holds every point within radius_km of `point`."""
    latitude, longitude = point
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos = math.cos(math.radians(min(89.0, abs(latitude) + dlat)))
    dlon = min(180.0, radius_km / (KM_PER_DEGREE_LATITUDE * max(cos, 1e-6)))
    return (latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon)


def candidate_offers(
    *,
    life_domains: Iterable[int | str | LifeDomain] = (),
    point: Point | None = None,
    municipality_id: int | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> QuerySet[Offer]:
    """Public offers worth scoring for a need, in one query (see the module docstring)."""
    ids, slugs = set(), set()
    for domain in life_domains:
        if isinstance(domain, LifeDomain):
            ids.add(domain.pk)
        elif isinstance(domain, str):
            slugs.add(domain)
        else:
            ids.add(int(domain))
    offers = Offer.objects.public()
    if ids or slugs:
        domain = (Q(lifedomain_id__in=ids) if ids else Q()) | (Q(lifedomain__slug__in=slugs) if slugs else Q())
        offers = offers.filter(pk__in=Offer.life_domains.through.objects.filter(domain).values("offer_id"))

    # IN (...) rather than correlated EXISTS where it can: PostgreSQL hashes each set once instead of
    # probing it for every offer that covers a domain (2-3 times faster at Flanders scale).
    areas = Offer.service_area.through.objects
    comes_to_the_family = Q(access_outreach=True) | Q(access_at_school=True) | Q(access_online=True)
    within_reach = comes_to_the_family & ~Exists(areas.filter(offer_id=OuterRef("pk")))
    if municipality_id is not None:
        within_reach |= Q(pk__in=areas.filter(municipality_id=municipality_id).values("offer_id"))
    if point is not None:
        south, north, west, east = bounding_box(point, radius_km)
        nearby = Offer.locations.through.objects.filter(
            location__latitude__range=(south, north),
            location__longitude__range=(west, east),
        )
        within_reach |= Q(pk__in=nearby.values("offer_id"))
    return offers.filter(within_reach)


def to_profiles(offers: QuerySet[Offer] | Iterable[Offer]) -> list[OfferProfile]:
    """Offers as the engine sees them, in five queries whatever their number."""
    if not isinstance(offers, QuerySet):
        offers = Offer.objects.filter(pk__in=[offer.pk for offer in offers])
    return _profiles(list(offers.order_by("pk").values(*_OFFER_FIELDS)))


_ELSEWHERE = 0  # no municipality has this pk: stands for "a service area without the school's municipality"


def _bound_rows(candidates: QuerySet[Offer], need: NeedProfile) -> list[dict]:
    """The candidates' own columns, how many of the need's domains each covers, and its service area
    as far as the engine's area component needs it (serves the municipality, has an area at all)."""
    through = Offer.service_area.through.objects
    annotations = {"has_area": Exists(through.filter(offer_id=OuterRef("pk")))}
    annotations["serves"] = (
        Exists(through.filter(offer_id=OuterRef("pk"), municipality_id=need.municipality_id))
        if need.municipality_id is not None
        else Value(False)
    )
    annotations["covered_domains"] = (
        Coalesce(
            Subquery(
                Offer.life_domains.through.objects.filter(
                    offer_id=OuterRef("pk"), lifedomain__slug__in=need.life_domains
                )
                .order_by()
                .values("offer_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
        if need.life_domains
        else Value(0)
    )
    return list(candidates.order_by("pk").annotate(**annotations).values(*_OFFER_FIELDS, *annotations))


def _bound_profile(row: dict, municipality_id: int | None) -> OfferProfile:
    """An offer for `score_upper_bound`: its own columns, and a service area that says only what matters."""
    if row["serves"]:
        area = frozenset({municipality_id})
    elif row["has_area"]:
        area = frozenset({_ELSEWHERE})
    else:
        area = frozenset()
    return OfferProfile(
        offer_id=row["id"],
        organisation_id=row["organisation_id"],
        age_min=row["age_min"],
        age_max=row["age_max"],
        cost=row["cost"],
        access_modes=frozenset(code for field, code, _label in ACCESS_MODES if row[field]),
        service_area=area,
        capacity=row["capacity"],
        waiting_weeks=row["waiting_weeks"],
        is_active=row["is_active"],
        last_confirmed=row["last_confirmed"],
    )


def _profiles(rows: list[dict]) -> list[OfferProfile]:
    """Rows of `_OFFER_FIELDS` as profiles, with their domains, languages, area and locations in four queries."""
    ids = [row["id"] for row in rows]
    domains, languages, areas, locations = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
    for offer_id, slug in Offer.life_domains.through.objects.filter(offer_id__in=ids).values_list(
        "offer_id", "lifedomain__slug"
    ):
        domains[offer_id].add(slug)
    for offer_id, code in Offer.languages.through.objects.filter(offer_id__in=ids).values_list(
        "offer_id", "language__code"
    ):
        languages[offer_id].add(code)
    for offer_id, municipality_id in Offer.service_area.through.objects.filter(offer_id__in=ids).values_list(
        "offer_id", "municipality_id"
    ):
        areas[offer_id].add(municipality_id)
    for offer_id, latitude, longitude in Offer.locations.through.objects.filter(
        offer_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("offer_id", "location__latitude", "location__longitude"):
        locations[offer_id].add((latitude, longitude))
    return [
        OfferProfile(
            offer_id=row["id"],
            external_id=row["external_id"],
            name=row["name"],
            organisation_id=row["organisation_id"],
            organisation_name=row["organisation__name"],
            life_domains=frozenset(domains[row["id"]]),
            age_min=row["age_min"],
            age_max=row["age_max"],
            languages=frozenset(languages[row["id"]]),
            cost=row["cost"],
            access_modes=frozenset(code for field, code, _label in ACCESS_MODES if row[field]),
            service_area=frozenset(areas[row["id"]]),
            capacity=row["capacity"],
            waiting_weeks=row["waiting_weeks"],
            locations=tuple(sorted(locations[row["id"]])),
            is_active=row["is_active"],
            last_confirmed=row["last_confirmed"],
        )
        for row in rows
    ]
