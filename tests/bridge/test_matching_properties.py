"""Properties the matching engine keeps for every need and offer, checked with hypothesis."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.matching import (
    ACCESS_MODE_CODES,
    CAPACITIES,
    COSTS,
    WEAK_THRESHOLD,
    NeedProfile,
    OfferProfile,
    rank,
    rank_head_first,
    score_offer,
    score_upper_bound,
)

TODAY = date(2026, 3, 2)
DOMAINS = ("leren", "taal", "inkomen", "wonen", "opvoeding")
LANGUAGES = ("nl", "ar", "tr", "uk", "fr")
MUNICIPALITIES = (1, 2, 3, 4)

points = st.tuples(st.floats(51.0, 51.3), st.floats(3.9, 4.4))
ages = st.one_of(
    st.tuples(st.none(), st.none()),
    st.tuples(st.integers(0, 18), st.integers(0, 18)).map(sorted).map(tuple),
    st.tuples(st.integers(0, 18), st.none()),
    st.tuples(st.none(), st.integers(0, 18)),
)

# Built once: a strategy built inside a composite is validated again on every draw, which is slow.
need_domains = st.frozensets(st.sampled_from(DOMAINS), min_size=1, max_size=3)
home_languages = st.frozensets(st.sampled_from(LANGUAGES), max_size=3)
offer_languages = st.frozensets(st.sampled_from(LANGUAGES), max_size=4)
municipalities = st.sampled_from(MUNICIPALITIES)
optional_points = st.one_of(st.none(), points)
partners = st.frozensets(st.integers(1, 5), max_size=2)
organisations = st.integers(1, 5)
offer_ids = st.integers(1, 10_000)
costs = st.sampled_from(COSTS)
capacities = st.sampled_from(CAPACITIES)
access_modes = st.frozensets(st.sampled_from(ACCESS_MODE_CODES), min_size=1)
service_areas = st.frozensets(st.sampled_from(MUNICIPALITIES), max_size=3)
waiting_weeks = st.one_of(st.none(), st.integers(0, 52))
location_lists = st.lists(points, max_size=3)
confirmations = st.one_of(st.none(), st.integers(0, 900).map(lambda d: TODAY - timedelta(days=d)))


@st.composite
def needs(draw, *, municipality=True) -> NeedProfile:
    age_min, age_max = draw(ages)
    return NeedProfile(
        school_point=draw(optional_points),
        municipality_id=draw(municipalities) if municipality else None,
        life_domains=draw(need_domains),
        age_min=age_min,
        age_max=age_max,
        languages=draw(home_languages),
        prefers_free=draw(st.booleans()),
        prefers_at_school=draw(st.booleans()),
        prefers_outreach=draw(st.booleans()),
        prefers_walk_in=draw(st.booleans()),
        prefers_no_waiting_list=draw(st.booleans()),
        partner_organisation_ids=draw(partners),
    )


@st.composite
def offers(draw, *, offer_id=None) -> OfferProfile:
    age_min, age_max = draw(ages)
    capacity = draw(capacities)
    return OfferProfile(
        offer_id=offer_id if offer_id is not None else draw(offer_ids),
        name="Aanbod",
        organisation_id=draw(organisations),
        organisation_name="Organisatie",
        life_domains=draw(need_domains),
        age_min=age_min,
        age_max=age_max,
        languages=draw(offer_languages),
        cost=draw(costs),
        access_modes=draw(access_modes),
        service_area=draw(service_areas),
        capacity=capacity,
        waiting_weeks=draw(waiting_weeks) if capacity == "waiting_list" else None,
        locations=tuple(draw(location_lists)),
        is_active=draw(st.booleans()),
        last_confirmed=draw(confirmations),
    )


offer_lists = st.lists(offers(), max_size=8, unique_by=lambda o: o.offer_id)


def score(need: NeedProfile, offer: OfferProfile) -> float | None:
    suggestion = score_offer(need, offer, today=TODAY)
    return None if suggestion is None else suggestion.score


def order(need: NeedProfile, *offers: OfferProfile) -> list[int]:
    return [s.offer.offer_id for s in rank(need, offers, today=TODAY).suggestions]


@settings(max_examples=100, deadline=None)
@given(needs(), offer_lists, st.randoms(use_true_random=False))
def test_ranking_is_deterministic_whatever_the_order_of_the_offers(need, offer_list, random):
    shuffled = list(offer_list)
    random.shuffle(shuffled)
    assert rank(need, offer_list, today=TODAY) == rank(need, shuffled, today=TODAY)
    assert rank(need, offer_list, today=TODAY) == rank(need, offer_list, today=TODAY)


@settings(max_examples=100, deadline=None)
@given(needs(), offer_lists)
def test_scores_lie_between_zero_and_one_and_weak_means_below_the_threshold(need, offer_list):
    result = rank(need, offer_list, today=TODAY)
    for suggestion in result.suggestions:
        assert 0.0 <= suggestion.score <= 1.0
        assert suggestion.weak == (suggestion.score < WEAK_THRESHOLD)
        assert suggestion.offer.is_active
        assert suggestion.offer.life_domains & need.life_domains
    assert result.is_gap == (not any(not s.weak for s in result.suggestions))
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True)


@settings(max_examples=100, deadline=None)
@given(needs(), offers(), st.sampled_from(LANGUAGES))
def test_adding_a_spoken_language_never_lowers_a_score(need, offer, language):
    before = score(need, offer)
    after = score(need, replace(offer, languages=offer.languages | {language}))
    assert (before is None) == (after is None)
    if before is not None:
        assert after >= before


@settings(max_examples=100, deadline=None)
@given(needs(), offers(), st.sampled_from(ACCESS_MODE_CODES))
def test_adding_an_access_mode_never_lowers_a_score(need, offer, mode):
    before = score(need, offer)
    after = score(need, replace(offer, access_modes=offer.access_modes | {mode}))
    assert (before is None) == (after is None)
    if before is not None:
        assert after >= before


@settings(max_examples=100, deadline=None)
@given(needs(), offers())
def test_an_access_mode_matching_a_preference_raises_the_score(need, offer):
    for preference, mode in (
        ("prefers_at_school", "at-school"),
        ("prefers_outreach", "outreach"),
        ("prefers_walk_in", "walk-in"),
    ):
        wanting = replace(need, **{preference: True})
        without = replace(offer, access_modes=(offer.access_modes - {mode}) or frozenset({"appointment"}))
        before = score(wanting, without)
        after = score(wanting, replace(without, access_modes=without.access_modes | {mode}))
        if before is not None:
            assert after > before


@settings(max_examples=100, deadline=None)
@given(needs(), offers(), st.sampled_from(["open", "waiting_list"]), st.integers(0, 52))
def test_a_full_offer_never_outranks_an_otherwise_equal_one_with_room(need, offer, capacity, weeks):
    weeks = weeks if capacity == "waiting_list" else None
    with_room = replace(offer, offer_id=2, capacity=capacity, waiting_weeks=weeks)
    full = replace(offer, offer_id=1, capacity="full", waiting_weeks=None)
    ranked = order(need, full, with_room)
    if ranked:
        assert ranked == [2, 1]


@settings(max_examples=100, deadline=None)
@given(needs(), offers())
def test_an_offer_outside_the_service_area_never_outranks_an_otherwise_equal_one_inside(need, offer):
    others = frozenset(MUNICIPALITIES) - {need.municipality_id}
    inside = replace(offer, offer_id=2, service_area=offer.service_area | {need.municipality_id})
    outside = replace(offer, offer_id=1, service_area=(offer.service_area & others) or others)
    ranked = order(need, outside, inside)
    if ranked:
        assert ranked == [2, 1]


@settings(max_examples=100, deadline=None)
@given(needs(), offers(), st.integers(0, 51))
def test_a_longer_waiting_list_never_raises_a_score(need, offer, weeks):
    shorter = score(need, replace(offer, capacity="waiting_list", waiting_weeks=weeks))
    longer = score(need, replace(offer, capacity="waiting_list", waiting_weeks=weeks + 1))
    if shorter is not None:
        assert longer <= shorter


@settings(max_examples=100, deadline=None)
@given(needs(), offers())
def test_a_hard_mismatch_is_always_weak(need, offer):
    suggestion = score_offer(need, offer, today=TODAY)
    if suggestion is None:
        return
    hard = {"Volzet", "Werkt niet in de gemeente van de school"} & set(suggestion.reasons_against) or any(
        reason.startswith("Voor kinderen") for reason in suggestion.reasons_against
    )
    if hard:
        assert suggestion.weak


@settings(max_examples=100, deadline=None)
@given(needs(municipality=False), offers())
def test_without_a_municipality_nobody_is_outside_the_area(need, offer):
    suggestion = score_offer(need, offer, today=TODAY)
    if suggestion is not None:
        assert not any(reason.startswith(("Werkt in", "Werkt niet in")) for reason in suggestion.reasons)


def as_bounded(need: NeedProfile, offer: OfferProfile) -> tuple[OfferProfile, float]:
    """The offer as bridge.candidates bounds it: no locations, languages or domains, only the number
    of domains covered, and a service area that only says whether it holds the school's municipality."""
    if need.municipality_id in offer.service_area:
        area = frozenset({need.municipality_id})
    else:
        area = frozenset({0}) if offer.service_area else frozenset()
    stripped = replace(offer, locations=(), languages=frozenset(), life_domains=frozenset(), service_area=area)
    return stripped, len(need.life_domains & offer.life_domains) / len(need.life_domains)


@settings(max_examples=300, deadline=None)
@given(needs(), offers())
def test_the_upper_bound_is_never_below_the_score_and_drops_the_same_offers(need, offer):
    stripped, share = as_bounded(need, offer)
    for bound in (
        score_upper_bound(need, offer, today=TODAY),
        score_upper_bound(need, stripped, today=TODAY, domain_share=share),
    ):
        actual = score(need, offer)
        assert (bound is None) == (actual is None)
        if actual is not None:
            assert actual <= bound


many_offer_lists = st.lists(offers(), min_size=4, max_size=25, unique_by=lambda o: o.offer_id)


def ranked_head_first(need, bounds, load, *, limit, first_round):
    """What bridge.candidates.suggest does with the database's sorted bounds, over bounds computed
    in Python: load the `first_round` highest, then whatever else can still enter the top."""
    kept = sorted(((bound, pk) for pk, bound in bounds if bound is not None), key=lambda b: (-b[0], b[1]))
    if limit is None or len(kept) <= max(first_round, limit):
        return rank(need, load([pk for _bound, pk in kept]), today=TODAY, limit=limit)
    head = max(first_round, limit)

    def more(last):
        ids = [pk for bound, pk in kept[head:] if bound >= last]
        return load(ids) if ids else ()

    return rank_head_first(
        need, load([pk for _bound, pk in kept[:head]]), more, total=len(kept), today=TODAY, limit=limit
    )


@settings(max_examples=300, deadline=None)
@given(
    needs(),
    many_offer_lists,
    st.one_of(st.none(), st.integers(1, 4)),
    st.integers(1, 4),
)
def test_ranking_only_the_offers_that_can_enter_the_top_gives_the_same_result(need, offer_list, limit, first_round):
    by_id = {offer.offer_id: offer for offer in offer_list}
    loaded: list[int] = []

    def load(ids):
        loaded.extend(ids)
        return [by_id[offer_id] for offer_id in ids]

    bounds = [
        (offer.offer_id, score_upper_bound(need, stripped, today=TODAY, domain_share=share))
        for offer in offer_list
        for stripped, share in [as_bounded(need, offer)]
    ]
    pruned = ranked_head_first(need, bounds, load, limit=limit, first_round=first_round)
    full = rank(need, offer_list, today=TODAY, limit=limit)
    assert [(s.offer_id, s.score, s.reasons) for s in pruned.suggestions] == [
        (s.offer_id, s.score, s.reasons) for s in full.suggestions
    ]
    assert (pruned.is_gap, pruned.total) == (full.is_gap, full.total)
    assert len(loaded) == len(set(loaded))  # no offer is loaded twice
