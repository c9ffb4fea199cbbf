"""The database side of matching: which offers are worth scoring, and needs and offers as plain data.

`bridge.matching` scores in pure Python; this module feeds it with a fixed number of queries,
whatever the number of offers:

``suggest(need, *, limit=10, today=None, radius_km=DEFAULT_RADIUS_KM) -> MatchResult``
    ranks the candidate offers for a ``NeedProfile`` (also for a need that is not saved yet); of
    many candidates it loads and scores only those that can enter the top ``limit``: the database
    sorts and counts them by their upper bound.
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
    come to the family (outreach, at school, online) and name no service area. On PostgreSQL,
    with life domains given, it reads the table of the offers' reach (welfare migration 0009).
``upper_bound(need, *, domain_ids, today, stale_after_days) -> Expression``
    ``bridge.matching.score_upper_bound`` as SQL over an offer's row, to annotate offers with.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, Expression, F, FloatField, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.expressions import RawSQL
from django.utils import timezone

from bridge.matching import (
    COST_CREDIT,
    HARD_MISMATCH_FACTOR,
    MAX_CHILD_AGE,
    MODE_PREFERENCES,
    NEUTRAL,
    PREFERENCE_FIELDS,
    RECENT_DAYS,
    WAITING_LIST_BASE,
    WAITING_WEEKS_HALF,
    WAITING_WEEKS_UNKNOWN,
    WEIGHTS,
    MatchResult,
    NeedProfile,
    OfferProfile,
    Point,
    rank,
    rank_head_first,
)
from bridge.models import Collaboration, CollaborationStatus
from families.models import FamilyNeed, LifeDomain
from portal.lookups import Ids
from portal.models import Language, Municipality
from schools.models import School
from welfare.models import ACCESS_MODES, Location, Offer

DEFAULT_RADIUS_KM = 20.0
# How many candidates, those with the highest upper bounds, `suggest` loads and scores first.
FIRST_ROUND = 30
# How far the database's upper bound may be below `score_upper_bound` by rounding (see `upper_bound`).
BOUND_TOLERANCE = 1e-9
KM_PER_DEGREE_LATITUDE = 111.32
# Each offer's reach per life domain, kept by triggers (welfare migration 0009; PostgreSQL only).
REACH_TABLE = "welfare_offer_reach"
PARTNER_STATUSES = (CollaborationStatus.AGREED, CollaborationStatus.ACTIVE, CollaborationStatus.EVALUATED)
_MODE_FIELDS = {code: field for field, code, _label in ACCESS_MODES}

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
    known: KnownNames | None = None,
) -> MatchResult:
    """Rank the candidate offers for a need profile, with Dutch names in the reasons.

    Of many candidates it loads only the likely top: the database sorts them by their upper bound
    (`upper_bound`, what `bridge.matching.score_upper_bound` gives) and counts them in one query;
    the `FIRST_ROUND` best bounds are loaded and scored, and the others only when their bound can
    still reach the top `limit` (`bridge.matching.rank_head_first`): the result is `rank`'s.
    """
    today = today or timezone.localdate()
    stale_after_days = settings.OFFER_STALE_AFTER_DAYS
    known = known or _known_names(need)
    domains = known.domains
    options = {
        "today": today,
        "municipality_names": known.municipality_names,
        "language_names": known.language_names,
        "domain_names": {slug: name for _pk, slug, name in domains},
        "stale_after_days": stale_after_days,
    }
    if need.life_domains and not domains:
        return rank(need, [], limit=limit, **options)  # life domains that do not exist: no offer covers them
    domain_ids = [pk for pk, _slug, _name in domains]
    candidates = candidate_offers(
        life_domains=domain_ids,
        point=need.school_point,
        municipality_id=need.municipality_id,
        radius_km=radius_km,
    )
    if limit is None or limit <= 0:
        return rank(need, _profiles(list(candidates.order_by("pk").values(*_OFFER_FIELDS))), limit=limit, **options)

    bound = upper_bound(need, domain_ids=domain_ids, today=today, stale_after_days=stale_after_days)
    bounded = candidates.annotate(bound=bound)
    head = list(
        bounded.annotate(candidates=Window(Count("*")))
        .order_by("-bound", "pk")
        .values(*_OFFER_FIELDS, "bound", "candidates")[: max(FIRST_ROUND, limit)]
    )
    total = head[0]["candidates"] if head else 0
    if total <= len(head):
        return rank(need, _profiles(head), limit=limit, **options)

    def more(last: float) -> list[OfferProfile]:
        """The candidates after the head whose bound reaches `last`: none when the head's lowest does not."""
        reach = last - BOUND_TOLERANCE
        if head[-1]["bound"] < reach:
            return []
        rows = bounded.filter(bound__gte=reach).exclude(pk__in=[row["id"] for row in head])
        return _profiles(list(rows.order_by("pk").values(*_OFFER_FIELDS)))

    return rank_head_first(need, _profiles(head), more, total=total, limit=limit, **options)


def suggest_for_need(
    need: FamilyNeed,
    *,
    limit: int | None = 10,
    today: date | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> MatchResult:
    """The suggestions for a saved need; the caller decides who may see them."""
    return suggest(need_profile(need), limit=limit, today=today, radius_km=radius_km, known=_names_of(need))


@dataclass(frozen=True)
class KnownNames:
    """The need's life domains (pk, slug, name) and the names its reasons use."""

    domains: list[tuple[int, str, str]]
    municipality_names: dict[int, str]
    language_names: dict[str, str]


def _known_names(need: NeedProfile) -> KnownNames:
    return KnownNames(
        domains=(
            list(LifeDomain.objects.filter(slug__in=need.life_domains).values_list("pk", "slug", "name"))
            if need.life_domains
            else []
        ),
        municipality_names=(
            dict(Municipality.objects.filter(pk=need.municipality_id).values_list("pk", "name_nl"))
            if need.municipality_id is not None
            else {}
        ),
        language_names=(
            dict(Language.objects.filter(code__in=need.languages).values_list("code", "name_nl"))
            if need.languages
            else {}
        ),
    )


def _names_of(need: FamilyNeed) -> KnownNames | None:
    """The names from what the page already loaded (prefetched domains and languages, the school's
    municipality): three queries fewer. None when they were not loaded."""
    prefetched = getattr(need, "_prefetched_objects_cache", {})
    school = FamilyNeed.school.field.get_cached_value(need, None)
    municipality = School.municipality.field.get_cached_value(school, None) if school is not None else None
    if "life_domains" not in prefetched or "home_languages" not in prefetched or municipality is None:
        return None
    return KnownNames(
        domains=[(domain.pk, domain.slug, domain.name) for domain in need.life_domains.all()],
        municipality_names={municipality.pk: municipality.name_nl},
        language_names={language.code: language.name_nl for language in need.home_languages.all()},
    )


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
    reach_table: bool = True,
) -> QuerySet[Offer]:
    """Public offers worth scoring for a need, in one query (see the module docstring).

    On PostgreSQL, for given life domains, from the table of the offers' reach (`_reach_postgres`);
    `reach_table=False` asks the offers' own tables, as on SQLite (the tests compare the two)."""
    ids, slugs = set(), set()
    for domain in life_domains:
        if isinstance(domain, LifeDomain):
            ids.add(domain.pk)
        elif isinstance(domain, str):
            slugs.add(domain)
        else:
            ids.add(int(domain))
    offers = Offer.objects.public()
    if (ids or slugs) and reach_table and connection.vendor == "postgresql":
        return offers.filter(pk__in=_reach_postgres(ids, slugs, point, municipality_id, radius_km))
    covering = None
    if ids or slugs:
        domain = (Q(lifedomain_id__in=ids) if ids else Q()) | (Q(lifedomain__slug__in=slugs) if slugs else Q())
        covering = Offer.life_domains.through.objects.filter(domain).values("offer_id")
        offers = offers.filter(pk__in=covering)
    return offers.filter(pk__in=_within_reach(covering, point, municipality_id, radius_km))


def _reach_postgres(
    ids: set[int], slugs: set[str], point: Point | None, municipality_id: int | None, radius_km: float
) -> RawSQL:
    """`_within_reach` of the offers covering the domains, from welfare_offer_reach (migration
    welfare 0009): each way to reach is one range of a partial index that holds only the offers
    covering those domains, not the intersection of two large sets."""
    conditions, domain_params = [], []
    if ids:
        conditions.append("lifedomain_id = ANY (%s)")
        domain_params.append(sorted(ids))
    if slugs:
        conditions.append(f"lifedomain_id IN (SELECT id FROM {LifeDomain._meta.db_table} WHERE slug = ANY (%s))")
        domain_params.append(sorted(slugs))
    covering = f"({' OR '.join(conditions)})"
    parts = [f"SELECT offer_id FROM {REACH_TABLE} WHERE way = 'e' AND {covering}"]
    params = [*domain_params]
    if municipality_id is not None:
        parts.append(f"SELECT offer_id FROM {REACH_TABLE} WHERE way = 'a' AND municipality_id = %s AND {covering}")
        params += [int(municipality_id), *domain_params]
    if point is not None:
        south, north, west, east = bounding_box(point, radius_km)
        parts.append(
            f"SELECT offer_id FROM {REACH_TABLE} WHERE way = 's' AND {covering}"
            " AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s"
        )
        params += [*domain_params, south, north, west, east]
    return RawSQL(" UNION ".join(parts), params)


def _within_reach(
    covering: QuerySet | None, point: Point | None, municipality_id: int | None, radius_km: float
) -> QuerySet:
    """Ids of the offers within reach: one UNION of the three ways to be, each found through an index.

    With the three ORed, PostgreSQL tested every active offer in Flanders against hashed lists,
    among them every service area (about 100 ms at 30,000 offers). Offers that come to the family
    without a service area are looked for among those covering a life domain (`covering`) only.
    """
    areas = Offer.service_area.through.objects
    everywhere = Offer.objects.filter(
        Q(access_outreach=True) | Q(access_at_school=True) | Q(access_online=True),
        ~Exists(areas.filter(offer_id=OuterRef("pk"))),
        is_active=True,
    )
    if covering is not None:
        everywhere = everywhere.filter(pk__in=covering)
    reach = [everywhere.order_by().values("pk")]
    if municipality_id is not None:
        reach.append(areas.filter(municipality_id=municipality_id).values("offer_id"))
    if point is not None:
        south, north, west, east = bounding_box(point, radius_km)
        nearby = Offer.locations.through.objects.filter(
            location__latitude__range=(south, north),
            location__longitude__range=(west, east),
        )
        reach.append(nearby.values("offer_id"))
    return reach[0].union(*reach[1:]) if len(reach) > 1 else reach[0]


def to_profiles(offers: QuerySet[Offer] | Iterable[Offer]) -> list[OfferProfile]:
    """Offers as the engine sees them, in five queries whatever their number."""
    if not isinstance(offers, QuerySet):
        offers = Offer.objects.filter(pk__in=[offer.pk for offer in offers])
    return _profiles(list(offers.order_by("pk").values(*_OFFER_FIELDS)))


def upper_bound(need: NeedProfile, *, domain_ids: Iterable[int], today: date, stale_after_days: int) -> Expression:
    """`bridge.matching.score_upper_bound` of an offer for the need (of which `domain_ids` are the
    life domains' ids), as an expression over the offer's row: the database sorts candidates by it.

    Component by component the formulas of `bridge.matching`, written out in SQL: as Django
    expressions they took longer to build and compile than the query took to run. It relies on the
    offer's age range being ordered (a check constraint). Floating point may differ in the last bits
    from Python's, which `BOUND_TOLERANCE` covers; tests/bridge/test_candidate_bounds.py compares both.
    """
    return _UpperBound(need, tuple(sorted(int(pk) for pk in domain_ids)), today, stale_after_days)


def _number(value: float) -> str:
    """A float constant: a plain 0.5 is NUMERIC in PostgreSQL, whose arithmetic is many times slower."""
    return f"CAST({float(value)!r} AS DOUBLE PRECISION)"


_ONE, _ZERO, _HALF = _number(1.0), _number(0.0), _number(HARD_MISMATCH_FACTOR)


class _UpperBound(Expression):
    """The SQL of `upper_bound`. Every value written into it is a number, a date or a code's constant."""

    output_field = FloatField()

    def __init__(self, need: NeedProfile, domain_ids: tuple[int, ...], today: date, stale_after_days: int):
        super().__init__()
        self.need, self.domain_ids, self.today, self.stale_after_days = need, domain_ids, today, stale_after_days

    def as_sql(self, compiler, connection):
        quote = connection.ops.quote_name
        offer = compiler.quote_name(compiler.query.base_table)

        def column(name: str) -> str:
            return f"{offer}.{quote(name)}"

        need = self.need
        values = {name: _ONE for name in WEIGHTS}  # distance and languages stay at their maximum
        factors = [_capacity_factor(column("capacity"))]
        # On PostgreSQL the offer's row holds its domains' and areas' ids (welfare migration 0010):
        # plain expressions instead of a look-up per candidate in two other tables.
        arrays = connection.vendor == "postgresql"
        if need.life_domains:
            if arrays:
                covered = " + ".join(
                    f"CASE WHEN {int(pk)} = ANY ({column('reach_domains')}) THEN 1 ELSE 0 END" for pk in self.domain_ids
                )
                covered = f"({covered or '0'})"
            else:
                table = quote(Offer.life_domains.through._meta.db_table)
                covered = (
                    f"(SELECT COUNT(*) FROM {table} bound_domains WHERE bound_domains.{quote('offer_id')} = "
                    f"{column('id')} AND bound_domains.{quote('lifedomain_id')} IN "
                    f"({', '.join(map(str, self.domain_ids)) or 'NULL'}))"
                )
            values["domains"] = f"{covered} / {_number(len(need.life_domains))}"
        values["ages"], ages_factor = _ages_sql(need, column("age_min"), column("age_max"))
        factors.extend([ages_factor] if ages_factor else [])
        values["preferences"] = _preferences_sql(need, column)
        values["capacity"] = _capacity_sql(column("capacity"), column("waiting_weeks"))
        values["recency"] = _recency_sql(column("last_confirmed"), self.today, self.stale_after_days)
        if need.partner_organisation_ids:
            partners = ", ".join(str(int(pk)) for pk in sorted(need.partner_organisation_ids))
            values["partner"] = f"CASE WHEN {column('organisation_id')} IN ({partners}) THEN {_ONE} ELSE {_ZERO} END"
        else:
            values["partner"] = _ZERO

        def mean(area: float) -> str:
            terms = {**values, "area": _number(area)}
            weighted = " + ".join(f"{_number(WEIGHTS[name])} * ({terms[name]})" for name in WEIGHTS)
            return f"({weighted}) / {_number(sum(WEIGHTS.values()))}"

        if need.municipality_id is None:
            score = mean(NEUTRAL)
        else:
            # The area in one look-up: 2 serves the school's municipality, 1 names only other ones (a
            # hard mismatch), NULL names none; CASE <look-up> WHEN ... runs it once.
            if arrays:
                where = (
                    f"(CASE WHEN {int(need.municipality_id)} = ANY ({column('reach_areas')}) THEN 2"
                    f" WHEN cardinality({column('reach_areas')}) > 0 THEN 1 END)"
                )
            else:
                table = quote(Offer.service_area.through._meta.db_table)
                where = (
                    f"(SELECT MAX(CASE WHEN bound_areas.{quote('municipality_id')} = {int(need.municipality_id)}"
                    f" THEN 2 ELSE 1 END) FROM {table} bound_areas WHERE bound_areas.{quote('offer_id')} = "
                    f"{column('id')})"
                )
            score = f"CASE {where} WHEN 2 THEN {mean(1.0)} WHEN 1 THEN {mean(0.0)} * {_HALF} ELSE {mean(NEUTRAL)} END"
        return " * ".join(f"({part})" for part in (score, *factors)), []


def _ages_sql(need: NeedProfile, age_min: str, age_max: str) -> tuple[str, str | None]:
    """`bridge.matching._ages` and its hard-mismatch factor (None: never a mismatch)."""
    if need.age_min is None and need.age_max is None:
        return _ONE, None
    low, high = need.age_min or 0, need.age_max if need.age_max is not None else MAX_CHILD_AGE
    low, high = int(min(low, high)), int(max(low, high))
    top = f"CASE WHEN {age_max} IS NULL OR {age_max} > {high} THEN {high} ELSE {age_max} END"
    bottom = f"CASE WHEN {age_min} IS NULL OR {age_min} < {low} THEN {low} ELSE {age_min} END"
    overlap = f"({top}) - ({bottom}) + 1"
    unstated = f"({age_min} IS NULL OR {age_min} = 0) AND {age_max} IS NULL"
    share = f"({overlap}) / {_number(high - low + 1)}"
    value = f"CASE WHEN {unstated} THEN {_ONE} WHEN {overlap} <= 0 THEN {_ZERO} ELSE {share} END"
    factor = f"CASE WHEN {unstated} THEN {_ONE} WHEN {overlap} <= 0 THEN {_HALF} ELSE {_ONE} END"
    return value, factor


def _preferences_sql(need: NeedProfile, column: Callable[[str], str]) -> str:
    """`bridge.matching._preferences`."""
    credits = []
    if need.prefers_free:
        cost = column("cost")
        whens = " ".join(f"WHEN {cost} = '{_code(code)}' THEN {_number(value)}" for code, value in COST_CREDIT.items())
        credits.append(f"CASE {whens} ELSE {_ZERO} END")
    for preference, mode, _for, _against in MODE_PREFERENCES:
        if getattr(need, preference):
            credits.append(f"CASE WHEN {column(_MODE_FIELDS[mode])} THEN {_ONE} ELSE {_ZERO} END")
    if need.prefers_no_waiting_list:
        credits.append(f"CASE WHEN {column('capacity')} = 'open' THEN {_ONE} ELSE {_ZERO} END")
    if not credits:
        return _ONE
    return f"({' + '.join(credits)}) / {_number(len(credits))}"


def _capacity_sql(capacity: str, weeks: str) -> str:
    """`bridge.matching._capacity`."""
    waiting = f"{_number(WAITING_LIST_BASE)} / ({_ONE} + COALESCE({weeks}, {int(WAITING_WEEKS_UNKNOWN)}) / "
    waiting += f"{_number(WAITING_WEEKS_HALF)})"
    return f"CASE WHEN {capacity} = 'full' THEN {_ZERO} WHEN {capacity} = 'waiting_list' THEN {waiting} ELSE {_ONE} END"


def _capacity_factor(capacity: str) -> str:
    return f"CASE WHEN {capacity} = 'full' THEN {_HALF} ELSE {_ONE} END"


def _recency_sql(confirmed: str, today: date, stale_after_days: int) -> str:
    """`bridge.matching._recency`: confirmed within RECENT_DAYS, else within `stale_after_days`, else not."""
    recent = (today - timedelta(days=RECENT_DAYS)).isoformat()
    fresh = (today - timedelta(days=stale_after_days)).isoformat()
    return (
        f"CASE WHEN {confirmed} IS NULL THEN {_ZERO} WHEN {confirmed} >= '{recent}' THEN {_ONE}"
        f" WHEN {confirmed} >= '{fresh}' THEN {_number(NEUTRAL)} ELSE {_ZERO} END"
    )


def _code(value: str) -> str:
    if not value.replace("_", "").isalpha():
        raise ValueError(f"Not a code: {value!r}")
    return value


def _profiles(rows: list[dict]) -> list[OfferProfile]:
    """Rows of `_OFFER_FIELDS` as profiles, with their domains, languages, area and locations in four queries."""
    ids = [row["id"] for row in rows]
    domains, languages, areas, locations = defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
    for offer_id, slug in Offer.life_domains.through.objects.filter(Ids(F("offer_id"), ids)).values_list(
        "offer_id", "lifedomain__slug"
    ):
        domains[offer_id].add(slug)
    for offer_id, code in Offer.languages.through.objects.filter(Ids(F("offer_id"), ids)).values_list(
        "offer_id", "language__code"
    ):
        languages[offer_id].add(code)
    for offer_id, municipality_id in Offer.service_area.through.objects.filter(Ids(F("offer_id"), ids)).values_list(
        "offer_id", "municipality_id"
    ):
        areas[offer_id].add(municipality_id)
    for offer_id, latitude, longitude in Offer.locations.through.objects.filter(
        Ids(F("offer_id"), ids), location__latitude__isnull=False, location__longitude__isnull=False
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
