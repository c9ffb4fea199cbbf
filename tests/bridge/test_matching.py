"""The matching engine, component by component, with the Dutch reasons a CLB worker would give."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bridge.matching import (
    WEAK_THRESHOLD,
    NeedProfile,
    OfferProfile,
    format_km,
    haversine_km,
    join_dutch,
    rank,
    score_offer,
)

TODAY = date(2026, 3, 2)
MENEN, WEVELGEM = 1, 2
SCHOOL = (50.7975, 3.1206)  # Menen
NAMES = {
    "municipality_names": {MENEN: "Menen", WEVELGEM: "Wevelgem"},
    "language_names": {"nl": "Nederlands", "ar": "Arabisch", "tr": "Turks", "uk": "Oekraïens"},
    "domain_names": {"leren": "Leren en school", "taal": "Taal", "inkomen": "Inkomen en schulden"},
}


def km_east(km: float) -> tuple[float, float]:
    """A point `km` east of the school."""
    return (SCHOOL[0], SCHOOL[1] + km / (111.32 * 0.6317))


def need(**fields) -> NeedProfile:
    return NeedProfile(
        **{"school_point": SCHOOL, "municipality_id": MENEN, "life_domains": frozenset({"leren"}), **fields}
    )


def offer(**fields) -> OfferProfile:
    defaults = {
        "offer_id": 1,
        "external_id": "hw-1",
        "name": "Huiswerkklas",
        "organisation_id": 10,
        "organisation_name": "Buurtwerk De Brug",
        "life_domains": frozenset({"leren"}),
        "access_modes": frozenset({"walk-in"}),
        "service_area": frozenset({MENEN}),
        "locations": (km_east(1),),
        "last_confirmed": TODAY - timedelta(days=200),
    }
    return OfferProfile(**{**defaults, **fields})


def suggestion(the_need: NeedProfile, the_offer: OfferProfile):
    result = score_offer(the_need, the_offer, today=TODAY, **NAMES)
    assert result is not None
    return result


def score(the_need: NeedProfile, the_offer: OfferProfile) -> float:
    return suggestion(the_need, the_offer).score


# --- what is left out --------------------------------------------------------------------------------


def test_inactive_offers_never_appear():
    assert score_offer(need(), offer(is_active=False), today=TODAY) is None
    result = rank(need(), [offer(is_active=False), offer(offer_id=2)], today=TODAY)
    assert [s.offer.offer_id for s in result.suggestions] == [2]


def test_offers_covering_none_of_the_needs_domains_do_not_appear():
    assert score_offer(need(), offer(life_domains=frozenset({"wonen"})), today=TODAY) is None


def test_a_need_without_life_domains_takes_any_offer():
    assert score_offer(need(life_domains=frozenset()), offer(life_domains=frozenset({"wonen"})), today=TODAY)


# --- life domains ------------------------------------------------------------------------------------


def test_covering_every_domain_of_the_need_beats_covering_one():
    both = need(life_domains=frozenset({"leren", "taal"}))
    full = suggestion(both, offer(life_domains=frozenset({"leren", "taal", "inkomen"})))
    half = suggestion(both, offer(life_domains=frozenset({"leren"})))
    assert full.score > half.score
    assert "Helpt bij: Leren en school, Taal" in full.reasons_for
    assert "Helpt bij: Leren en school" in half.reasons_for
    assert "Niet voor: Taal" in half.reasons_against


@pytest.mark.parametrize(
    "drawback",
    [
        {"locations": (km_east(25),)},
        {"cost": "paid"},
        {"languages": frozenset()},
        {"capacity": "waiting_list", "waiting_weeks": 20},
        {"age_min": 11, "age_max": 16},
        {"access_modes": frozenset({"appointment"})},
        {"last_confirmed": None},
    ],
)
def test_covering_the_whole_need_outweighs_any_single_soft_drawback(drawback):
    both = need(
        life_domains=frozenset({"leren", "taal"}),
        age_min=6,
        age_max=12,
        languages=frozenset({"ar"}),
        prefers_free=True,
        prefers_walk_in=True,
    )
    whole_with_drawback = offer(
        **{"life_domains": frozenset({"leren", "taal"}), "languages": frozenset({"ar"}), **drawback}
    )
    half_without = offer(offer_id=2, life_domains=frozenset({"leren"}), languages=frozenset({"ar"}))
    assert score(both, whole_with_drawback) > score(both, half_without)


# --- service area ------------------------------------------------------------------------------------


def test_serving_the_schools_municipality_is_a_reason_for():
    result = suggestion(need(), offer(service_area=frozenset({MENEN, WEVELGEM})))
    assert "Werkt in Menen" in result.reasons_for
    assert not result.weak


def test_working_outside_the_municipality_is_listed_but_weak():
    inside = suggestion(need(), offer())
    outside = suggestion(need(), offer(service_area=frozenset({WEVELGEM})))
    assert "Werkt niet in Menen" in outside.reasons_against
    assert outside.weak
    assert outside.score < inside.score


def test_an_offer_without_a_service_area_sits_between_inside_and_outside():
    inside = score(need(), offer())
    unknown = score(need(), offer(service_area=frozenset()))
    outside = score(need(), offer(service_area=frozenset({WEVELGEM})))
    assert inside > unknown > outside


def test_an_unnamed_municipality_still_reads_well():
    result = score_offer(need(), offer(), today=TODAY)
    assert "Werkt in de gemeente van de school" in result.reasons_for


# --- distance ---------------------------------------------------------------------------------------


def test_distance_is_to_the_nearest_location_and_written_the_dutch_way():
    result = suggestion(need(), offer(locations=(km_east(9), km_east(2.1))))
    assert result.distance_km == pytest.approx(2.1, abs=0.05)
    assert "2,1 km" in result.reasons_for


def test_closer_offers_score_higher():
    near, middle, far = (score(need(), offer(locations=(km_east(km),))) for km in (1, 6, 14))
    assert near > middle > far


def test_a_far_offer_one_has_to_go_to_has_its_distance_against_it():
    result = suggestion(need(), offer(locations=(km_east(14.2),)))
    assert "14,2 km" in result.reasons_against


@pytest.mark.parametrize("mode", ["outreach", "at-school", "online"])
def test_offers_that_come_to_the_family_are_not_penalised_for_distance(mode):
    near = suggestion(need(), offer(access_modes=frozenset({mode}), locations=(km_east(1),)))
    far = suggestion(need(), offer(access_modes=frozenset({mode}), locations=(km_east(18),)))
    assert far.score == near.score
    assert far.distance_km == pytest.approx(18, abs=0.05)
    assert not any("km" in reason for reason in far.reasons_against)


def test_an_unknown_distance_is_neutral():
    near = score(need(), offer())
    unknown = suggestion(need(), offer(locations=()))
    far = score(need(), offer(locations=(km_east(14),)))
    assert near > unknown.score > far
    assert unknown.distance_km is None
    assert suggestion(need(school_point=None), offer()).distance_km is None


# --- ages ------------------------------------------------------------------------------------------


def test_an_offer_for_all_the_childrens_ages_says_so():
    result = suggestion(need(age_min=6, age_max=12), offer(age_min=3, age_max=12))
    assert "Voor kinderen van 3–12 jaar" in result.reasons_for


def test_partial_age_overlap_scores_lower_and_says_for_whom():
    whole = score(need(age_min=6, age_max=12), offer(age_min=6, age_max=12))
    part = suggestion(need(age_min=6, age_max=12), offer(age_min=10, age_max=14))
    assert part.score < whole
    assert "Enkel voor kinderen van 10–14 jaar" in part.reasons_against
    assert not part.weak


def test_no_age_overlap_is_a_strong_reason_against():
    result = suggestion(need(age_min=6, age_max=12), offer(age_min=0, age_max=3))
    assert "Voor kinderen van 0–3 jaar" in result.reasons_against
    assert result.weak


def test_open_age_ranges():
    assert "Voor kinderen vanaf 12 jaar" in suggestion(need(age_min=6, age_max=10), offer(age_min=12)).reasons_against
    assert "Voor kinderen tot 12 jaar" in suggestion(need(age_min=6, age_max=10), offer(age_max=12)).reasons_for


def test_unstated_ages_fit_any_age():
    base = score(need(), offer())
    assert score(need(age_min=6, age_max=12), offer()) == base
    assert score(need(), offer(age_min=0, age_max=3)) == base
    assert not any("kinderen" in reason for reason in suggestion(need(age_min=6, age_max=12), offer(age_min=0)).reasons)


# --- languages ---------------------------------------------------------------------------------------


def test_a_missing_home_language_is_named():
    result = suggestion(need(languages=frozenset({"ar"})), offer(languages=frozenset({"nl"})))
    assert "Geen Arabisch" in result.reasons_against


def test_dutch_counts_as_a_language_and_every_offer_speaks_it():
    family = need(languages=frozenset({"nl", "ar"}))
    only_dutch = suggestion(family, offer(languages=frozenset()))
    both = suggestion(family, offer(languages=frozenset({"nl", "ar"})))
    arabic_only_family = suggestion(need(languages=frozenset({"ar"})), offer(languages=frozenset()))
    assert both.score > only_dutch.score > arabic_only_family.score
    assert "Ook in het Arabisch" in both.reasons_for
    assert "Geen Arabisch" in only_dutch.reasons_against


def test_several_languages_read_as_one_reason():
    family = need(languages=frozenset({"ar", "tr", "uk"}))
    result = suggestion(family, offer(languages=frozenset({"nl"})))
    assert "Geen Arabisch, Oekraïens of Turks" in result.reasons_against
    result = suggestion(family, offer(languages=frozenset({"ar", "tr"})))
    assert "Ook in het Arabisch en Turks" in result.reasons_for
    assert "Geen Oekraïens" in result.reasons_against


def test_a_language_without_a_name_falls_back_to_its_code():
    result = score_offer(need(languages=frozenset({"ti"})), offer(), today=TODAY, **NAMES)
    assert "Geen ti" in result.reasons_against


def test_unknown_home_languages_do_not_tell_offers_apart():
    assert score(need(), offer(languages=frozenset({"nl"}))) == score(need(), offer(languages=frozenset({"ar"})))


# --- preferences -------------------------------------------------------------------------------------

PREFERENCES = [
    ("prefers_free", {"cost": "free"}, {"cost": "paid"}, "Gratis", "Betalend"),
    ("prefers_at_school", {"access_modes": frozenset({"at-school"})}, {}, "Op school", "Niet op school"),
    ("prefers_outreach", {"access_modes": frozenset({"outreach"})}, {}, "Aan huis", "Niet aan huis"),
    ("prefers_walk_in", {"access_modes": frozenset({"walk-in"})}, {"access_modes": frozenset({"appointment"})},
     "Vrij binnenlopen", "Geen vrije inloop"),
    ("prefers_no_waiting_list", {"capacity": "open"}, {"capacity": "waiting_list", "waiting_weeks": 6},
     "Geen wachtlijst", "Wachtlijst 6 weken"),
]  # fmt: skip


@pytest.mark.parametrize(("preference", "meets", "misses", "reason_for", "reason_against"), PREFERENCES)
def test_each_preference_met_is_a_reason_for_and_unmet_a_reason_against(
    preference, meets, misses, reason_for, reason_against
):
    the_need = need(**{preference: True})
    met = suggestion(the_need, offer(**meets))
    unmet = suggestion(the_need, offer(**misses))
    assert reason_for in met.reasons_for
    assert reason_against in unmet.reasons_against
    assert met.score > unmet.score


def test_a_small_cost_half_meets_the_wish_for_free():
    wants_free = need(prefers_free=True)
    free, low, paid = (score(wants_free, offer(cost=cost)) for cost in ("free", "low", "paid"))
    assert free > low > paid
    assert "Kleine bijdrage" in suggestion(wants_free, offer(cost="low")).reasons_against


def test_without_preferences_cost_and_modes_are_not_reasons():
    result = suggestion(need(), offer(cost="paid", access_modes=frozenset({"appointment"})))
    assert not {"Betalend", "Gratis", "Geen vrije inloop"} & set(result.reasons)


# --- capacity ----------------------------------------------------------------------------------------


def test_capacity_open_then_short_then_long_waiting_list_then_full():
    open_, short, long_, unknown, full = (
        suggestion(need(), offer(**fields))
        for fields in (
            {"capacity": "open"},
            {"capacity": "waiting_list", "waiting_weeks": 2},
            {"capacity": "waiting_list", "waiting_weeks": 10},
            {"capacity": "waiting_list"},
            {"capacity": "full"},
        )
    )
    assert open_.score > short.score > long_.score > full.score
    assert short.score > unknown.score > full.score
    assert "Wachtlijst 2 weken" in short.reasons_against
    assert "Wachtlijst 10 weken" in long_.reasons_against
    assert "Wachtlijst" in unknown.reasons_against
    assert "Volzet" in full.reasons_against
    assert full.weak and not long_.weak


def test_one_week_is_singular():
    assert "Wachtlijst 1 week" in suggestion(need(), offer(capacity="waiting_list", waiting_weeks=1)).reasons_against


# --- recency and existing partners -----------------------------------------------------------------


def test_recently_confirmed_offers_get_a_light_bonus():
    recent = suggestion(need(), offer(last_confirmed=TODAY - timedelta(days=20)))
    usual = suggestion(need(), offer(last_confirmed=TODAY - timedelta(days=200)))
    assert recent.score > usual.score
    assert recent.score - usual.score < 0.05
    assert "Recent bevestigd" in recent.reasons_for


def test_offers_not_confirmed_for_over_a_year_get_a_light_penalty():
    stale = suggestion(need(), offer(last_confirmed=date(2024, 11, 20)))
    never = suggestion(need(), offer(last_confirmed=None))
    usual = suggestion(need(), offer())
    assert "Niet bevestigd sinds 2024" in stale.reasons_against
    assert "Nooit bevestigd" in never.reasons_against
    assert usual.score > stale.score == never.score
    assert usual.score - stale.score < 0.05


def test_partners_the_school_already_works_with_get_a_light_bonus():
    partner = suggestion(need(partner_organisation_ids=frozenset({10})), offer())
    stranger = suggestion(need(partner_organisation_ids=frozenset({99})), offer())
    assert "Werkt al samen met deze school" in partner.reasons_for
    assert 0 < partner.score - stranger.score < 0.05


def test_light_bonuses_never_outweigh_a_real_difference():
    the_need = need(prefers_walk_in=True, partner_organisation_ids=frozenset({10}))
    known_but_by_appointment = offer(access_modes=frozenset({"appointment"}), last_confirmed=TODAY)
    walk_in_stranger = offer(offer_id=2, organisation_id=20, last_confirmed=TODAY - timedelta(days=300))
    assert score(the_need, walk_in_stranger) > score(the_need, known_but_by_appointment)


# --- the ranked result -------------------------------------------------------------------------------


def test_rank_orders_best_first_and_breaks_ties_by_offer_id():
    offers = [offer(offer_id=3), offer(offer_id=2, capacity="full"), offer(offer_id=1), offer(offer_id=4, cost="low")]
    result = rank(need(prefers_free=True), offers, today=TODAY)
    assert [s.offer.offer_id for s in result.suggestions] == [1, 3, 4, 2]


def test_limit_cuts_the_list_but_total_counts_all():
    result = rank(need(), [offer(offer_id=n) for n in range(1, 8)], today=TODAY, limit=3)
    assert len(result.suggestions) == 3
    assert result.total == 7


def test_a_need_with_only_weak_suggestions_is_a_gap():
    result = rank(need(), [offer(service_area=frozenset({WEVELGEM})), offer(offer_id=2, capacity="full")], today=TODAY)
    assert result.total == 2
    assert all(s.weak for s in result.suggestions)
    assert result.is_gap
    assert result.weak == result.suggestions and result.strong == ()


def test_a_need_nothing_fits_is_a_gap():
    result = rank(need(), [offer(life_domains=frozenset({"wonen"}))], today=TODAY)
    assert result.suggestions == ()
    assert result.is_gap


def test_one_good_suggestion_closes_the_gap():
    result = rank(need(), [offer(capacity="full"), offer(offer_id=2)], today=TODAY)
    assert not result.is_gap
    assert [s.offer.offer_id for s in result.strong] == [2]
    assert result.threshold == WEAK_THRESHOLD


def test_the_same_offer_twice_is_a_mistake_of_the_caller():
    with pytest.raises(ValueError, match="appears twice"):
        rank(need(), [offer(), offer()], today=TODAY)


def test_a_suggestion_carries_what_the_api_answers():
    result = suggestion(need(prefers_free=True), offer(cost="low"))
    assert result.reasons == result.reasons_for + result.reasons_against
    data = result.as_dict()
    assert data["offer_id"] == 1
    assert data["external_id"] == "hw-1"
    assert data["offer"] == "Huiswerkklas"
    assert data["organisation"] == "Buurtwerk De Brug"
    assert data["score"] == round(result.score, 3)
    assert data["distance_km"] == result.distance_km
    assert data["weak"] is False
    assert data["reasons"] == ["Helpt bij: Leren en school", "Werkt in Menen", "1,0 km", "Kleine bijdrage"]


def test_a_perfect_offer_scores_near_one_and_a_poor_one_is_weak():
    the_need = need(age_min=6, age_max=12, languages=frozenset({"ar"}), prefers_free=True, prefers_at_school=True)
    perfect = offer(
        age_min=6, age_max=12, languages=frozenset({"ar"}), access_modes=frozenset({"at-school"}), last_confirmed=TODAY
    )
    poor = offer(
        life_domains=frozenset({"leren", "wonen"}),
        cost="paid",
        access_modes=frozenset({"appointment"}),
        locations=(km_east(12),),
        capacity="waiting_list",
        waiting_weeks=12,
        age_min=10,
        age_max=16,
        last_confirmed=None,
        service_area=frozenset(),
    )
    assert score(the_need, perfect) > 0.95
    assert suggestion(the_need, poor).weak
    assert 0 <= score(the_need, poor) < WEAK_THRESHOLD


def test_the_same_input_gives_the_same_output():
    offers = [offer(offer_id=n, locations=(km_east(n),)) for n in range(1, 6)]
    assert rank(need(), offers, today=TODAY) == rank(need(), list(reversed(offers)), today=TODAY)


def test_the_components_are_available_for_explanation():
    components = suggestion(need(), offer(capacity="full")).components
    assert components["capacity"] == 0
    assert components["domains"] == 1
    assert set(components) == {
        "domains",
        "area",
        "distance",
        "ages",
        "languages",
        "preferences",
        "capacity",
        "recency",
        "partner",
    }


# --- helpers -----------------------------------------------------------------------------------------


def test_kilometres_are_written_the_dutch_way():
    assert format_km(2.14) == "2,1 km"
    assert format_km(12.0) == "12,0 km"
    assert format_km(0.04) == "Minder dan 100 m"


def test_lists_are_joined_the_dutch_way():
    assert join_dutch([]) == ""
    assert join_dutch(["Arabisch"]) == "Arabisch"
    assert join_dutch(["Arabisch", "Turks"], "of") == "Arabisch of Turks"
    assert join_dutch(["Arabisch", "Pools", "Turks"]) == "Arabisch, Pools en Turks"


def test_distances_are_great_circle_kilometres():
    sint_niklaas, lokeren = (51.1652, 4.1435), (51.1040, 3.9915)
    assert haversine_km(sint_niklaas, lokeren) == pytest.approx(12.5, abs=0.3)
    assert haversine_km(sint_niklaas, sint_niklaas) == 0


def test_replace_keeps_profiles_plain_data():
    original = offer()
    assert replace(original, name="Andere naam").offer_id == original.offer_id
    assert hash(original) == hash(offer())
