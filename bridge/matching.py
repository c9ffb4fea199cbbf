"""The matching engine: which partners a seasoned CLB worker would suggest for a need, and why.

Pure Python over plain frozen dataclasses: no Django models, no queries, no clock. The database
side (which offers are worth scoring, turning rows into profiles) lives in `bridge.candidates`,
which also offers `suggest(...)` / `suggest_for_need(...)` tying both together.

API
---
``NeedProfile``     what a school asks: where (point, municipality), life domains, children's ages,
                    languages at home, preferences, organisations the school already works with.
``OfferProfile``    what an offer is: domains, ages, languages, cost, access modes, service area,
                    capacity, locations, whether it is active and when it was last confirmed.
``rank(need, offers, *, today, municipality_names={}, language_names={}, domain_names={},
       limit=None, stale_after_days=365) -> MatchResult``
                    scores every offer, drops what cannot help (inactive, or covering none of the
                    need's domains), sorts best first (ties by offer_id) and says whether the need
                    is a gap.
``score_offer(need, offer, *, today, ...) -> Suggestion | None``
                    the same for one offer; None when the offer is dropped.
``score_upper_bound(need, offer, *, today, domain_share=None, ...) -> float | None``
                    the highest score the offer can reach whatever its locations and languages.
``rank_head_first(need, head, more, *, total, today, limit, ...) -> MatchResult``
                    what ``rank`` gives, when the offers with the highest upper bounds come already
                    loaded and ``more(last)`` loads the others that can still enter the top
                    ``limit`` (bridge.candidates.suggest, which sorts by the bound in the database).
``Suggestion``      offer, score in [0, 1], distance_km, weak, reasons_for, reasons_against,
                    ``reasons`` (for first), ``components`` and ``as_dict()`` for the JSON API.
``MatchResult``     suggestions (best first, after ``limit``), is_gap, total (before ``limit``),
                    threshold; ``strong`` and ``weak`` split the suggestions.
``WEAK_THRESHOLD``  a suggestion with a score below it is weak.

How a score is made
-------------------
Each component is a number in [0, 1]; the score is their weighted mean (``WEIGHTS``), so the
weights read as "how much of the score this is worth". Life-domain coverage weighs most.

Three things cannot be made up for by other merits, because a CLB worker would not send a
family there today: the offer works outside the school's municipality, it is for children of
other ages, or it is full. Each of these *hard mismatches* sets its component to 0 and also
multiplies the score by ``HARD_MISMATCH_FACTOR`` (0.5). Since the weighted mean is below 1
whenever one component is 0, a single hard mismatch always ends below ``WEAK_THRESHOLD``
(0.5): such an offer is still listed, with the reason against, but marked weak. A need whose
best suggestion is weak is a gap.

Unknown is neutral or open: a need without ages, languages or preferences does not tell offers
apart on them (component 1); an offer without an age range is for every age; an offer without a
service area, or a distance that cannot be computed, scores 0.5 for area or distance.

Every offer is taken to work in Dutch besides the languages it names (public and subsidised
welfare work in Flanders does); so a family that speaks Dutch is never "not served" for language,
and naming one more language can only raise the language component.

Offers that come to the family or the school (outreach, at school, online) are not penalised for
distance. The exemption depends only on the access modes, so adding a mode never lowers the
distance component; together with preferences being met by modes, adding an access mode never
lowers a score. Likewise adding a language the family speaks never lowers a score, a full offer
always scores below an otherwise equal open one, and an offer outside the service area always
below an otherwise equal one inside it (tests/bridge/test_matching_properties.py).

Reasons are short Dutch phrases as a CLB worker would say them ("Werkt in Menen", "2,1 km",
"Geen Arabisch", "Wachtlijst 6 weken"); names of municipalities, languages and life domains
come from the optional name maps, falling back to a neutral phrase or the code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

Point = tuple[float, float]

ACCESS_MODE_CODES = ("walk-in", "appointment", "outreach", "at-school", "online")
COMES_TO_THE_FAMILY = frozenset({"outreach", "at-school", "online"})
COSTS = ("free", "low", "paid")
CAPACITIES = ("open", "waiting_list", "full")
DUTCH = "nl"
PREFERENCE_FIELDS = (
    "prefers_free",
    "prefers_at_school",
    "prefers_outreach",
    "prefers_walk_in",
    "prefers_no_waiting_list",
)

WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "domains": 30.0,
        "area": 15.0,
        "distance": 10.0,
        "ages": 10.0,
        "languages": 10.0,
        "preferences": 10.0,
        "capacity": 10.0,
        "recency": 3.0,
        "partner": 2.0,
    }
)
_TOTAL_WEIGHT = sum(WEIGHTS.values())

WEAK_THRESHOLD = 0.5
HARD_MISMATCH_FACTOR = 0.5
NEUTRAL = 0.5

DISTANCE_HALF_KM = 5.0  # the distance component is 0.5 here
NEAR_KM = 5.0  # up to here the distance is a reason for
FAR_KM = 10.0  # beyond here (for offers one has to go to) a reason against
WAITING_LIST_BASE = 0.75  # capacity component of a waiting list of 0 weeks
WAITING_WEEKS_HALF = 8.0  # ... which halves after this many weeks
WAITING_WEEKS_UNKNOWN = 8
RECENT_DAYS = 90
STALE_AFTER_DAYS = 365
MAX_CHILD_AGE = 25  # FamilyNeed's plausibility bound: an open upper age ends here
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class NeedProfile:
    """What a school asks for. Empty collections and None mean "not stated"."""

    school_point: Point | None = None
    municipality_id: int | None = None
    life_domains: frozenset[str] = frozenset()
    age_min: int | None = None
    age_max: int | None = None
    languages: frozenset[str] = frozenset()
    prefers_free: bool = False
    prefers_at_school: bool = False
    prefers_outreach: bool = False
    prefers_walk_in: bool = False
    prefers_no_waiting_list: bool = False
    partner_organisation_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OfferProfile:
    """An offer as the engine sees it. access_modes use welfare's codes (walk-in, at-school, …)."""

    offer_id: int
    external_id: str = ""
    name: str = ""
    organisation_id: int = 0
    organisation_name: str = ""
    life_domains: frozenset[str] = frozenset()
    age_min: int | None = None
    age_max: int | None = None
    languages: frozenset[str] = frozenset()
    cost: str = "free"
    access_modes: frozenset[str] = frozenset({"appointment"})
    service_area: frozenset[int] = frozenset()
    capacity: str = "open"
    waiting_weeks: int | None = None
    locations: tuple[Point, ...] = ()
    is_active: bool = True
    last_confirmed: date | None = None

    @property
    def comes_to_the_family(self) -> bool:
        return bool(self.access_modes & COMES_TO_THE_FAMILY)


@dataclass(frozen=True)
class Suggestion:
    offer: OfferProfile
    score: float
    distance_km: float | None
    weak: bool
    reasons_for: tuple[str, ...] = ()
    reasons_against: tuple[str, ...] = ()
    components: Mapping[str, float] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.reasons_for + self.reasons_against

    @property
    def offer_id(self) -> int:
        return self.offer.offer_id

    def as_dict(self) -> dict:
        """Plain JSON values, in the shape the suggestions API answers."""
        return {
            "offer_id": self.offer.offer_id,
            "external_id": self.offer.external_id,
            "offer": self.offer.name,
            "organisation": self.offer.organisation_name,
            "score": round(self.score, 3),
            "distance_km": self.distance_km,
            "weak": self.weak,
            "reasons": list(self.reasons),
            "reasons_for": list(self.reasons_for),
            "reasons_against": list(self.reasons_against),
        }


@dataclass(frozen=True)
class MatchResult:
    suggestions: tuple[Suggestion, ...]
    is_gap: bool
    total: int
    threshold: float = WEAK_THRESHOLD

    @property
    def strong(self) -> tuple[Suggestion, ...]:
        return tuple(s for s in self.suggestions if not s.weak)

    @property
    def weak(self) -> tuple[Suggestion, ...]:
        return tuple(s for s in self.suggestions if s.weak)


# --- public functions --------------------------------------------------------------------------


def rank(
    need: NeedProfile,
    offers: Iterable[OfferProfile],
    *,
    today: date,
    municipality_names: Mapping[int, str] | None = None,
    language_names: Mapping[str, str] | None = None,
    domain_names: Mapping[str, str] | None = None,
    limit: int | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> MatchResult:
    """Score every offer for the need and return them best first.

    Inactive offers and offers that cover none of the need's life domains are left out. Ties
    are broken by offer_id, so the same input always gives the same output whatever the order
    of `offers`. `is_gap` is true when no offer reaches the weak threshold (also when none fit at
    all); `total` counts the suggestions before `limit` cuts the list.
    """
    names = _Names(municipality_names or {}, language_names or {}, domain_names or {})
    seen: set[int] = set()
    suggestions = []
    for offer in offers:
        if offer.offer_id in seen:
            raise ValueError(f"Offer {offer.offer_id} appears twice among the offers to rank.")
        seen.add(offer.offer_id)
        suggestion = _score(need, offer, today=today, names=names, stale_after_days=stale_after_days)
        if suggestion is not None:
            suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-s.score, s.offer.offer_id))
    is_gap = not any(not s.weak for s in suggestions)
    total = len(suggestions)
    if limit is not None:
        suggestions = suggestions[: max(limit, 0)]
    return MatchResult(suggestions=tuple(suggestions), is_gap=is_gap, total=total)


def score_offer(
    need: NeedProfile,
    offer: OfferProfile,
    *,
    today: date,
    municipality_names: Mapping[int, str] | None = None,
    language_names: Mapping[str, str] | None = None,
    domain_names: Mapping[str, str] | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> Suggestion | None:
    """One offer's suggestion for the need, or None when `rank` would leave it out."""
    names = _Names(municipality_names or {}, language_names or {}, domain_names or {})
    return _score(need, offer, today=today, names=names, stale_after_days=stale_after_days)


def score_upper_bound(
    need: NeedProfile,
    offer: OfferProfile,
    *,
    today: date,
    domain_share: float | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> float | None:
    """The highest score the offer can reach whatever its locations and languages; None when `rank` drops it.

    Lets the database side score only the offers that can still enter a top N without loading their
    locations and languages first (see `rank_head_first`). `domain_share` replaces the share computed from
    ``offer.life_domains`` when only the number of covered domains is known. Every component is the
    one `_score` computes, except distance and languages, which count as 1 (their maximum); the sum
    runs in the same order, so the bound is never below the score, also in floating point.
    `bridge.candidates.upper_bound` is the same in SQL: a change here belongs there too
    (tests/bridge/test_candidate_bounds.py compares them).
    """
    if not offer.is_active:
        return None
    if domain_share is None:
        domain_share = (
            len(need.life_domains & offer.life_domains) / len(need.life_domains) if need.life_domains else 1.0
        )
    elif not need.life_domains:
        domain_share = 1.0
    if domain_share <= 0:
        return None
    names = _NO_NAMES
    verdicts = (
        _area(need, offer, names),
        _ages(need, offer),
        _preferences(need, offer),
        _capacity(offer),
        _recency(offer, today, stale_after_days),
        _partner(need, offer),
    )
    area, ages, preferences, capacity, recency, partner = (verdict.value for verdict in verdicts)
    values = {
        "domains": domain_share,
        "area": area,
        "distance": 1.0,
        "ages": ages,
        "languages": 1.0,
        "preferences": preferences,
        "capacity": capacity,
        "recency": recency,
        "partner": partner,
    }
    weighted = sum(WEIGHTS[name] * value for name, value in values.items()) / _TOTAL_WEIGHT
    hard = sum(1 for verdict in verdicts if verdict.hard_mismatch)
    return min(1.0, max(0.0, weighted * HARD_MISMATCH_FACTOR**hard))


def rank_head_first(
    need: NeedProfile,
    head: Iterable[OfferProfile],
    more: Callable[[float], Iterable[OfferProfile]],
    *,
    total: int,
    today: date,
    limit: int,
    municipality_names: Mapping[int, str] | None = None,
    language_names: Mapping[str, str] | None = None,
    domain_names: Mapping[str, str] | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> MatchResult:
    """`rank` of `total` offers with `limit`, of which only the head is loaded at first.

    `head` holds the offers with the highest upper bounds (`score_upper_bound`), at least `limit` of
    them; `more(last)` gives the other offers whose upper bound reaches `last` (every other offer
    when `last` is negative). None of the offers left out can enter the top, so the suggestions are
    those of `rank` over all `total` offers. `bridge.candidates.suggest` gives it the bounds the
    database computes and sorts.
    """
    options = {
        "today": today,
        "municipality_names": municipality_names,
        "language_names": language_names,
        "domain_names": domain_names,
        "stale_after_days": stale_after_days,
    }
    profiles = list(head)
    result = rank(need, profiles, limit=limit, **options)
    last = result.suggestions[-1].score if len(result.suggestions) >= limit else -1.0
    extra = list(more(last))
    if extra:
        profiles.extend(extra)
        result = rank(need, profiles, limit=limit, **options)
    suggestions = result.suggestions
    return MatchResult(suggestions=suggestions, is_gap=not suggestions or suggestions[0].weak, total=total)


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_distance_km(point: Point | None, locations: Iterable[Point]) -> float | None:
    if point is None:
        return None
    distances = [haversine_km(point, location) for location in locations]
    return min(distances) if distances else None


def format_km(distance: float) -> str:
    """Dutch style: "2,1 km"; very close becomes "Minder dan 100 m"."""
    if distance < 0.1:
        return "Minder dan 100 m"
    return f"{distance:.1f}".replace(".", ",") + " km"


def join_dutch(items: Iterable[str], conjunction: str = "en") -> str:
    """["a", "b", "c"] → "a, b en c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


# --- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    municipalities: Mapping[int, str]
    languages: Mapping[str, str]
    domains: Mapping[str, str]

    def municipality(self, pk: int) -> str:
        return self.municipalities.get(pk) or "de gemeente van de school"

    def language(self, code: str) -> str:
        return self.languages.get(code) or code

    def domain(self, slug: str) -> str:
        return self.domains.get(slug) or slug


_NO_NAMES = _Names({}, {}, {})


@dataclass
class _Verdict:
    value: float
    reasons_for: list[str] = field(default_factory=list)
    reasons_against: list[str] = field(default_factory=list)
    hard_mismatch: bool = False


def _score(
    need: NeedProfile, offer: OfferProfile, *, today: date, names: _Names, stale_after_days: int
) -> Suggestion | None:
    if not offer.is_active:
        return None
    domains = _domains(need, offer, names)
    if domains.value <= 0:
        return None
    distance = nearest_distance_km(need.school_point, offer.locations)
    verdicts = {
        "domains": domains,
        "area": _area(need, offer, names),
        "distance": _distance(offer, distance),
        "ages": _ages(need, offer),
        "languages": _languages(need, offer, names),
        "preferences": _preferences(need, offer),
        "capacity": _capacity(offer),
        "recency": _recency(offer, today, stale_after_days),
        "partner": _partner(need, offer),
    }
    weighted = sum(WEIGHTS[name] * verdict.value for name, verdict in verdicts.items()) / _TOTAL_WEIGHT
    hard = sum(1 for verdict in verdicts.values() if verdict.hard_mismatch)
    score = min(1.0, max(0.0, weighted * HARD_MISMATCH_FACTOR**hard))
    return Suggestion(
        offer=offer,
        score=score,
        distance_km=None if distance is None else round(distance, 1),
        weak=score < WEAK_THRESHOLD,
        reasons_for=tuple(reason for verdict in verdicts.values() for reason in verdict.reasons_for),
        reasons_against=tuple(reason for verdict in verdicts.values() for reason in verdict.reasons_against),
        components={name: verdict.value for name, verdict in verdicts.items()},
    )


def _domains(need: NeedProfile, offer: OfferProfile, names: _Names) -> _Verdict:
    """Share of the need's life domains the offer covers; a need without domains takes any offer."""
    if not need.life_domains:
        return _Verdict(1.0)
    covered = need.life_domains & offer.life_domains
    missing = need.life_domains - offer.life_domains
    verdict = _Verdict(len(covered) / len(need.life_domains))
    if covered:
        verdict.reasons_for.append("Helpt bij: " + ", ".join(sorted(names.domain(s) for s in covered)))
    if covered and missing:
        verdict.reasons_against.append("Niet voor: " + ", ".join(sorted(names.domain(s) for s in missing)))
    return verdict


def _area(need: NeedProfile, offer: OfferProfile, names: _Names) -> _Verdict:
    if need.municipality_id is None or not offer.service_area:
        return _Verdict(NEUTRAL)
    municipality = names.municipality(need.municipality_id)
    if need.municipality_id in offer.service_area:
        return _Verdict(1.0, reasons_for=[f"Werkt in {municipality}"])
    return _Verdict(0.0, reasons_against=[f"Werkt niet in {municipality}"], hard_mismatch=True)


def _distance(offer: OfferProfile, distance: float | None) -> _Verdict:
    """Decays with the distance to the nearest location, unless the offer comes to the family."""
    exempt = offer.comes_to_the_family
    if distance is None:
        return _Verdict(1.0 if exempt else NEUTRAL)
    verdict = _Verdict(1.0 if exempt else 1.0 / (1.0 + (distance / DISTANCE_HALF_KM) ** 2))
    if distance <= NEAR_KM:
        verdict.reasons_for.append(format_km(distance))
    elif distance > FAR_KM and not exempt:
        verdict.reasons_against.append(format_km(distance))
    return verdict


def _ages(need: NeedProfile, offer: OfferProfile) -> _Verdict:
    """Share of the need's age range the offer's range covers; an unstated range is any age."""
    offer_unstated = not offer.age_min and offer.age_max is None
    if (need.age_min is None and need.age_max is None) or offer_unstated:
        return _Verdict(1.0)
    need_low, need_high = need.age_min or 0, need.age_max if need.age_max is not None else MAX_CHILD_AGE
    need_low, need_high = min(need_low, need_high), max(need_low, need_high)
    offer_low = offer.age_min or 0
    offer_high = offer.age_max if offer.age_max is not None else max(need_high, offer_low)
    offer_low, offer_high = min(offer_low, offer_high), max(offer_low, offer_high)
    overlap = min(need_high, offer_high) - max(need_low, offer_low) + 1
    share = max(0, overlap) / (need_high - need_low + 1)
    label = _children(offer.age_min, offer.age_max)
    if share >= 1:
        return _Verdict(1.0, reasons_for=[label])
    if share > 0:
        return _Verdict(share, reasons_against=["Enkel " + label[0].lower() + label[1:]])
    return _Verdict(0.0, reasons_against=[label], hard_mismatch=True)


def _children(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"Voor kinderen van {low} jaar" if low == high else f"Voor kinderen van {low}–{high} jaar"
    if low is not None:
        return f"Voor kinderen vanaf {low} jaar"
    return f"Voor kinderen tot {high} jaar"


def _languages(need: NeedProfile, offer: OfferProfile, names: _Names) -> _Verdict:
    """Share of the families' languages the offer works in; Dutch is always one of them."""
    if not need.languages:
        return _Verdict(1.0)
    spoken = offer.languages | {DUTCH}
    served = need.languages & spoken
    missing = need.languages - spoken
    verdict = _Verdict(len(served) / len(need.languages))
    other = sorted((names.language(code) for code in served - {DUTCH}), key=str.lower)
    if other:
        verdict.reasons_for.append("Ook in het " + join_dutch(other))
    if missing:
        verdict.reasons_against.append(
            "Geen " + join_dutch(sorted((names.language(code) for code in missing), key=str.lower), "of")
        )
    return verdict


COST_CREDIT = {"free": 1.0, "low": 0.5, "paid": 0.0}
_COST_AGAINST = {"low": "Kleine bijdrage", "paid": "Betalend"}

# preference field → (access mode that meets it, reason for, reason against)
MODE_PREFERENCES = (
    ("prefers_at_school", "at-school", "Op school", "Niet op school"),
    ("prefers_outreach", "outreach", "Aan huis", "Niet aan huis"),
    ("prefers_walk_in", "walk-in", "Vrij binnenlopen", "Geen vrije inloop"),
)


def _preferences(need: NeedProfile, offer: OfferProfile) -> _Verdict:
    """Share of the need's preferences the offer meets (a small cost meets "free" by half)."""
    credits: list[float] = []
    verdict = _Verdict(1.0)
    if need.prefers_free:
        credits.append(COST_CREDIT.get(offer.cost, 0.0))
        if offer.cost == "free":
            verdict.reasons_for.append("Gratis")
        else:
            verdict.reasons_against.append(_COST_AGAINST.get(offer.cost, "Niet gratis"))
    for preference, mode, reason_for, reason_against in MODE_PREFERENCES:
        if getattr(need, preference):
            met = mode in offer.access_modes
            credits.append(1.0 if met else 0.0)
            (verdict.reasons_for if met else verdict.reasons_against).append(reason_for if met else reason_against)
    if need.prefers_no_waiting_list:
        met = offer.capacity == "open"
        credits.append(1.0 if met else 0.0)
        if met:
            verdict.reasons_for.append("Geen wachtlijst")  # otherwise the capacity says why not
    if credits:
        verdict.value = sum(credits) / len(credits)
    return verdict


def _capacity(offer: OfferProfile) -> _Verdict:
    if offer.capacity == "full":
        return _Verdict(0.0, reasons_against=["Volzet"], hard_mismatch=True)
    if offer.capacity == "waiting_list":
        weeks = offer.waiting_weeks
        value = WAITING_LIST_BASE / (1.0 + (weeks if weeks is not None else WAITING_WEEKS_UNKNOWN) / WAITING_WEEKS_HALF)
        if weeks is None:
            reason = "Wachtlijst"
        else:
            reason = f"Wachtlijst {weeks} week" if weeks == 1 else f"Wachtlijst {weeks} weken"
        return _Verdict(value, reasons_against=[reason])
    return _Verdict(1.0)


def _recency(offer: OfferProfile, today: date, stale_after_days: int) -> _Verdict:
    if offer.last_confirmed is None:
        return _Verdict(0.0, reasons_against=["Nooit bevestigd"])
    age = max(0, (today - offer.last_confirmed).days)
    if age <= RECENT_DAYS:
        return _Verdict(1.0, reasons_for=["Recent bevestigd"])
    if age <= stale_after_days:
        return _Verdict(NEUTRAL)
    return _Verdict(0.0, reasons_against=[f"Niet bevestigd sinds {offer.last_confirmed.year}"])


def _partner(need: NeedProfile, offer: OfferProfile) -> _Verdict:
    if offer.organisation_id in need.partner_organisation_ids:
        return _Verdict(1.0, reasons_for=["Werkt al samen met deze school"])
    return _Verdict(0.0)
