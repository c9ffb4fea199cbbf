"""Free-text search and distance ordering for the public directory.

On PostgreSQL an offer matches when the Dutch full-text vector of its own text matches the
query or when its organisation's name does; only when no offer matches that way, an offer whose
name is trigram-similar to the query does (so a typo still finds it). Matches are ranked by
full-text rank plus trigram word similarity.
Each offer's vector is stored, not parsed again per search: migration 0006 keeps it in the
table welfare_offer_search (one row per offer, maintained by triggers, with the GIN index
welfare_offer_search_nl); it is the value `offer_vector()` would compute. The organisation's
vector is the indexed expression of migration 0003 (names are short). The ids of the matching
offers are read once, when the search is applied; the count and the page look them up by key.

On SQLite (development and the quick test run) every word of the query must occur, case-
insensitively, in the offer's name, description, next steps or organisation name; an offer
ranks higher the more words occur in the weightier fields. No typo tolerance there.

Distances are great-circle (haversine) distances to an offer's nearest located site, computed
in Python over (offer id, latitude, longitude) tuples of the whole filtered set, so the order
is right across pages.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Avg,
    BigIntegerField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from portal.lookups import Ids
from portal.models import Municipality
from schools.models import School
from welfare.models import Location, Offer, Organisation

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
WORD = re.compile(r"[\w'’-]+", re.UNICODE)
EARTH_RADIUS_KM = 6371.0088

# Weights of the SQLite fallback: a word in the name counts most.
FIELD_WEIGHTS = (("name", 4), ("organisation__name", 3), ("description", 1), ("next_steps", 1))


def words(text: str) -> list[str]:
    """The distinct words of a query, in order, at most MAX_WORDS of them."""
    seen: list[str] = []
    for word in WORD.findall((text or "")[:MAX_QUERY_LENGTH].lower()):
        word = word.strip("'’-")
        if word and word not in seen:
            seen.append(word)
    return seen[:MAX_WORDS]


def offer_vector() -> SearchVector:
    """Name (A) and description + next steps (B) in Dutch: what welfare_offer_search stores."""
    return SearchVector("name", weight="A", config="dutch") + SearchVector(
        "description", "next_steps", weight="B", config="dutch"
    )


class StoredVector(Func):
    """The stored vector of the offer whose id is the argument (migration 0006)."""

    template = "(SELECT stored.document FROM welfare_offer_search stored WHERE stored.offer_id = %(expressions)s)"
    output_field = SearchVectorField()


class StoredMatches(Func):
    """The ids of the offers whose stored vector matches the argument, a SearchQuery; a
    subquery that reads the GIN index welfare_offer_search_nl."""

    template = "(SELECT stored.offer_id FROM welfare_offer_search stored WHERE stored.document @@ %(expressions)s)"
    output_field = BigIntegerField()


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_offers(queryset: QuerySet[Offer], text: str) -> QuerySet[Offer]:
    """Offers of `queryset` that match `text`, annotated with `relevance` (higher is better).

    On PostgreSQL it runs one query straight away, for the ids of the matching offers; the
    queryset it returns stays lazy."""
    terms = words(text)
    if not terms:
        return queryset
    if uses_postgres():
        return _search_postgres(queryset, " ".join(terms))
    return _search_fallback(queryset, terms)


def _search_postgres(queryset: QuerySet[Offer], text: str) -> QuerySet[Offer]:
    query = SearchQuery(text, config="dutch", search_type="websearch")
    offers = Offer.objects.order_by()  # no ORDER BY inside the UNION
    own_text = offers.filter(pk__in=StoredMatches(query)).values("pk")
    organisations = (
        Organisation.objects.annotate(search_nl=SearchVector("name", config="dutch"))
        .filter(search_nl=query)
        .values("pk")
    )
    # One UNION of the ways to match, not ORed IN-subqueries: with the OR, PostgreSQL tests every
    # offer against each hashed list (a scan of all 30,000 at Flanders scale). The matching ids
    # once, here: the paginator's count and the page query then look them up by key.
    by_name = offers.filter(organisation__in=organisations).values("pk").annotate(by_organisation=Value(True))
    rows = own_text.annotate(by_organisation=Value(False)).union(by_name).order_by()
    ids, by_organisation = set(), set()
    for row in rows:
        ids.add(row["pk"])
        if row["by_organisation"]:
            by_organisation.add(row["pk"])
    if not ids:
        # Names like the words as typed only when the words themselves find nothing: a typo still
        # finds its offer, and a word spelled right is not drowned in names that merely look
        # alike ("Budgetbegeleiding Huldenberg" for huiswerkbegeleiding). It is also the dear
        # part: the trigram index gives candidates that every one must be checked.
        ids = list(offers.filter(name__trigram_word_similar=text).values_list("pk", flat=True))
    # The organisation's name ranks only the offers it found: for any other offer the query does
    # not match that name, and ts_rank gives next to nothing there (1e-20 for part of an AND), at
    # the cost of a vector per offer. The nil is of ts_rank's type (real), so the sums stay as they were.
    nil = RawSQL("CAST(0 AS real)", (), output_field=FloatField())
    organisation_rank = SearchRank(SearchVector("organisation__name", weight="A", config="dutch"), query)
    if by_organisation:
        organisation_rank = Case(When(Ids(F("pk"), by_organisation), then=organisation_rank), default=nil)
    else:
        organisation_rank = nil
    return queryset.filter(Ids(F("pk"), ids)).annotate(
        relevance=SearchRank(StoredVector(F("pk")), query)
        + organisation_rank
        + TrigramWordSimilarity(Value(text), "name")
    )


def _search_fallback(queryset: QuerySet[Offer], terms: list[str]) -> QuerySet[Offer]:
    score = Value(0, output_field=IntegerField())
    for term in terms:
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(next_steps__icontains=term)
            | Q(organisation__name__icontains=term)
        )
        for field, weight in FIELD_WEIGHTS:
            score = score + Case(
                When(**{f"{field}__icontains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    whole = " ".join(terms)
    if len(terms) > 1:
        score = score + Case(When(name__icontains=whole, then=Value(5)), default=Value(0), output_field=IntegerField())
    return queryset.annotate(relevance=Coalesce(score, 0, output_field=FloatField()))


# --- distance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str = ""


def haversine_km(a: Point, b_latitude: float, b_longitude: float) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b_latitude, b_longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_distances(origin: Point, rows: Iterable[tuple[int, float | None, float | None]]) -> dict[int, float]:
    """{offer id: km to its nearest located site} from (offer id, latitude, longitude) rows."""
    nearest: dict[int, float] = {}
    for offer_id, latitude, longitude in rows:
        if latitude is None or longitude is None:
            continue
        km = haversine_km(origin, latitude, longitude)
        if offer_id not in nearest or km < nearest[offer_id]:
            nearest[offer_id] = km
    return nearest


def location_rows(offer_ids) -> list[tuple[int, float, float]]:
    """(offer id, latitude, longitude) of every located site of the given offers; one query.

    `offer_ids` may be a list or a values("pk") queryset (then it stays a subquery)."""
    through = Offer.locations.through
    return list(
        through.objects.filter(offer_id__in=offer_ids, location__latitude__isnull=False)
        .values_list("offer_id", "location__latitude", "location__longitude")
        .order_by()
    )


def order_by_distance(queryset: QuerySet[Offer], origin: Point) -> tuple[list[int], dict[int, float]]:
    """Ids of every offer in `queryset`, nearest first, those without a known site last (by
    name); and the distances that are known. Two queries, whatever the size of the set."""
    ordered = list(queryset.order_by("name", "pk").values_list("pk", flat=True))
    distances = nearest_distances(origin, location_rows(queryset.order_by().values("pk")))
    position = {pk: index for index, pk in enumerate(ordered)}
    ordered.sort(key=lambda pk: (pk not in distances, distances.get(pk, 0.0), position[pk]))
    return ordered, distances


def school_point(school: School) -> Point | None:
    if school.latitude is None or school.longitude is None:
        return None
    return Point(school.latitude, school.longitude, school.name)


def municipality_point(municipality: Municipality) -> Point | None:
    """The municipality's own coordinates, or else the centre of the schools and welfare
    locations we know in it; None when we know no place there at all."""
    if municipality.latitude is not None and municipality.longitude is not None:
        return Point(municipality.latitude, municipality.longitude, municipality.name_nl)
    latitudes: list[tuple[float, int]] = []
    longitudes: list[tuple[float, int]] = []
    for model in (School, Location):
        row = model.objects.filter(
            municipality=municipality, latitude__isnull=False, longitude__isnull=False
        ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"), n=Count("pk"))
        if row["n"]:
            latitudes.append((row["lat"], row["n"]))
            longitudes.append((row["lon"], row["n"]))
    total = sum(n for _value, n in latitudes)
    if not total:
        return None
    return Point(
        sum(value * n for value, n in latitudes) / total,
        sum(value * n for value, n in longitudes) / total,
        municipality.name_nl,
    )
