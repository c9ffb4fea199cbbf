"""Candidate selection from the database, needs and offers as plain data, and suggestions end to end."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bridge.candidates import (
    bounding_box,
    candidate_offers,
    municipality_point,
    need_profile,
    need_profile_from_data,
    partner_organisation_ids,
    school_point,
    suggest,
    suggest_for_need,
    to_profiles,
)
from bridge.matching import haversine_km
from families.models import FamilyNeed
from portal.demo import seed_demo
from schools.models import School
from tests import factories
from welfare.models import Offer

pytestmark = pytest.mark.django_db

SINT_NIKLAAS, LOKEREN, BEVEREN, GENT = "46021", "46029", "46030", "44021"
SCHOOL_POINT = (51.1656, 4.1437)  # the SchoolFactory's coordinates, in Sint-Niklaas
NEAR_IN_LOKEREN = (51.1040, 3.9915)  # about 13 km
FAR_IN_GENT = (51.0543, 3.7174)  # about 32 km


def located_offer(point, *, area_nis=(SINT_NIKLAAS,), **fields):
    location = factories.LocationFactory(latitude=point[0], longitude=point[1])
    offer = factories.OfferFactory(
        organisation=location.organisation,
        service_area=[factories.municipality(nis) for nis in area_nis] if area_nis else [],
        **fields,
    )
    if not area_nis:
        offer.service_area.clear()
    offer.locations.add(location)
    return offer


def candidates(**kwargs):
    options = {
        "life_domains": ["leren"],
        "point": SCHOOL_POINT,
        "municipality_id": factories.municipality(SINT_NIKLAAS).pk,
        **kwargs,
    }
    return set(candidate_offers(**options))


# --- candidate selection -----------------------------------------------------------------------------


def test_an_offer_serving_the_schools_municipality_is_a_candidate_wherever_its_locations_are():
    offer = located_offer(FAR_IN_GENT, area_nis=(SINT_NIKLAAS, GENT))
    assert candidates() == {offer}


def test_an_offer_with_a_location_near_the_school_is_a_candidate_even_outside_its_area():
    offer = located_offer(NEAR_IN_LOKEREN, area_nis=(LOKEREN,))
    assert candidates() == {offer}


def test_an_offer_far_away_serving_elsewhere_is_not_a_candidate():
    located_offer(FAR_IN_GENT, area_nis=(GENT,))
    assert candidates() == set()


def test_the_radius_decides_what_is_near():
    offer = located_offer(NEAR_IN_LOKEREN, area_nis=(LOKEREN,))
    assert candidates(radius_km=5) == set()
    assert candidates(radius_km=15) == {offer}


def test_without_a_point_only_the_area_counts():
    inside = located_offer(FAR_IN_GENT, area_nis=(SINT_NIKLAAS,))
    located_offer(NEAR_IN_LOKEREN, area_nis=(LOKEREN,))
    assert candidates(point=None) == {inside}


@pytest.mark.parametrize("mode", ["access_outreach", "access_online", "access_at_school"])
def test_an_offer_that_comes_to_the_family_without_an_area_is_a_candidate(mode):
    offer = located_offer(FAR_IN_GENT, area_nis=(), access_walk_in=False, **{mode: True})
    assert candidates() == {offer}


def test_an_offer_that_comes_to_the_family_but_names_another_area_is_not_a_candidate():
    located_offer(FAR_IN_GENT, area_nis=(GENT,), access_walk_in=False, access_outreach=True)
    assert candidates() == set()


def test_a_walk_in_offer_without_area_or_nearby_location_is_not_a_candidate():
    located_offer(FAR_IN_GENT, area_nis=())
    assert candidates() == set()


def test_only_offers_covering_one_of_the_domains_are_candidates():
    learning = factories.OfferFactory()
    housing = factories.OfferFactory(life_domains=[factories.life_domain("wonen")])
    both = factories.OfferFactory(life_domains=[factories.life_domain("taal"), factories.life_domain("wonen")])
    assert candidates(life_domains=["leren"]) == {learning}
    assert candidates(life_domains=["leren", "taal"]) == {learning, both}
    assert candidates(life_domains=[factories.life_domain("wonen")]) == {housing, both}
    assert candidates(life_domains=[factories.life_domain("wonen").pk]) == {housing, both}
    assert candidates(life_domains=[]) == {learning, housing, both}


def test_inactive_offers_and_offers_of_unverified_organisations_are_not_candidates():
    factories.OfferFactory(is_active=False)
    factories.OfferFactory(organisation=factories.OrganisationFactory(verified_at=None))
    visible = factories.OfferFactory()
    assert candidates() == {visible}


def test_an_offer_with_several_domains_and_locations_appears_once():
    offer = located_offer(SCHOOL_POINT, life_domains=[factories.life_domain("leren"), factories.life_domain("taal")])
    offer.locations.add(factories.LocationFactory(organisation=offer.organisation))
    assert list(candidate_offers(life_domains=["leren", "taal"], point=SCHOOL_POINT, municipality_id=None)) == [offer]


def test_candidate_selection_is_one_query(django_assert_num_queries):
    for _ in range(5):
        located_offer(NEAR_IN_LOKEREN)
    municipality_id = factories.municipality(SINT_NIKLAAS).pk
    with django_assert_num_queries(1):
        assert len(list(candidate_offers(life_domains=["leren"], point=SCHOOL_POINT, municipality_id=municipality_id)))


def test_the_bounding_box_holds_the_whole_circle():
    south, north, west, east = bounding_box(SCHOOL_POINT, 20)
    for corner in (
        (south, SCHOOL_POINT[1]),
        (north, SCHOOL_POINT[1]),
        (SCHOOL_POINT[0], west),
        (SCHOOL_POINT[0], east),
    ):
        assert haversine_km(SCHOOL_POINT, corner) >= 19.9


# --- offers as profiles ------------------------------------------------------------------------------


def test_an_offer_becomes_a_profile_with_everything_the_engine_weighs():
    sint_niklaas, lokeren = factories.municipality(SINT_NIKLAAS), factories.municipality(LOKEREN)
    offer = located_offer(
        NEAR_IN_LOKEREN,
        area_nis=(SINT_NIKLAAS, LOKEREN),
        external_id="demo-offer-x",
        life_domains=[factories.life_domain("leren"), factories.life_domain("taal")],
        languages=[factories.language("nl"), factories.language("ar")],
        age_min=6,
        age_max=12,
        cost="low",
        access_walk_in=True,
        access_at_school=True,
        capacity="waiting_list",
        waiting_weeks=6,
        last_confirmed=datetime.date(2025, 5, 1),
    )
    offer.locations.add(factories.LocationFactory(organisation=offer.organisation, latitude=None, longitude=None))
    [profile] = to_profiles(Offer.objects.filter(pk=offer.pk))
    assert profile.offer_id == offer.pk
    assert profile.external_id == "demo-offer-x"
    assert profile.name == offer.name
    assert profile.organisation_id == offer.organisation_id
    assert profile.organisation_name == offer.organisation.name
    assert profile.life_domains == {"leren", "taal"}
    assert profile.languages == {"nl", "ar"}
    assert (profile.age_min, profile.age_max) == (6, 12)
    assert profile.cost == "low"
    assert profile.access_modes == {"walk-in", "at-school"}
    assert profile.service_area == {sint_niklaas.pk, lokeren.pk}
    assert (profile.capacity, profile.waiting_weeks) == ("waiting_list", 6)
    assert profile.locations == (NEAR_IN_LOKEREN,)
    assert profile.is_active
    assert profile.last_confirmed == datetime.date(2025, 5, 1)


def test_model_instances_can_be_turned_into_profiles_too():
    offers = [factories.OfferFactory(), factories.OfferFactory()]
    assert {p.offer_id for p in to_profiles(offers)} == {o.pk for o in offers}


@pytest.mark.parametrize("count", [3, 30])
def test_profiles_take_five_queries_however_many_offers(count, django_assert_num_queries):
    for _ in range(count):
        located_offer(SCHOOL_POINT)
    with django_assert_num_queries(5):
        assert len(to_profiles(candidate_offers(life_domains=["leren"], point=SCHOOL_POINT))) == count


# --- needs as profiles -------------------------------------------------------------------------------


def test_a_saved_need_becomes_a_profile():
    need = factories.FamilyNeedFactory(
        life_domains=[factories.life_domain("leren"), factories.life_domain("taal")],
        age_min=6,
        age_max=10,
        prefers_free=True,
        prefers_walk_in=True,
    )
    need.home_languages.set([factories.language("ar"), factories.language("nl")])
    profile = need_profile(need)
    assert profile.school_point == SCHOOL_POINT
    assert profile.municipality_id == need.school.municipality_id
    assert profile.life_domains == {"leren", "taal"}
    assert (profile.age_min, profile.age_max) == (6, 10)
    assert profile.languages == {"ar", "nl"}
    assert profile.prefers_free and profile.prefers_walk_in
    assert not (profile.prefers_at_school or profile.prefers_outreach or profile.prefers_no_waiting_list)


def test_a_need_with_prefetched_relations_needs_no_extra_queries(django_assert_num_queries):
    need = factories.FamilyNeedFactory()
    need = (
        FamilyNeed.objects.select_related("school").prefetch_related("life_domains", "home_languages").get(pk=need.pk)
    )
    with django_assert_num_queries(1):  # the school's partners
        assert need_profile(need).life_domains == {"leren"}


def test_a_need_not_yet_saved_can_be_tried_from_form_data(school):
    by_objects = need_profile_from_data(
        school=school,
        life_domains=[factories.life_domain("leren")],
        age_min=3,
        age_max=6,
        languages=[factories.language("tr")],
        prefers_outreach=True,
    )
    by_codes = need_profile_from_data(
        school=school, life_domains=["leren"], age_min=3, age_max=6, languages=["tr"], prefers_outreach=True
    )
    assert by_objects == by_codes
    assert by_codes.life_domains == {"leren"}
    assert by_codes.languages == {"tr"}
    assert by_codes.prefers_outreach and not by_codes.prefers_free
    assert by_codes.school_point == SCHOOL_POINT


def test_partners_are_organisations_of_agreed_active_or_evaluated_collaborations(school):
    counted = {}
    for status in ("proposed", "agreed", "active", "evaluated", "ended"):
        organisation = factories.OrganisationFactory()
        factories.CollaborationFactory(school=school, status=status, organisations=[organisation])
        counted[status] = organisation.pk
    factories.CollaborationFactory(status="active")  # another school's
    assert partner_organisation_ids(school.pk) == {counted["agreed"], counted["active"], counted["evaluated"]}


def test_a_school_without_coordinates_is_placed_in_its_municipality():
    sint_niklaas = factories.municipality(SINT_NIKLAAS)
    school = factories.SchoolFactory(latitude=None, longitude=None)
    assert school_point(school) is None or school_point(school) == municipality_point(sint_niklaas)
    sint_niklaas.latitude, sint_niklaas.longitude = 51.1652, 4.1435
    sint_niklaas.save(update_fields=["latitude", "longitude"])
    assert school_point(school) == (51.1652, 4.1435)


def test_a_municipality_without_coordinates_is_the_average_of_its_schools_and_locations():
    gent = factories.municipality(GENT)
    assert municipality_point(gent) is None
    factories.SchoolFactory(municipality=gent, latitude=51.0, longitude=3.7)
    factories.SchoolFactory(municipality=gent, latitude=None, longitude=None)
    factories.LocationFactory(municipality=gent, latitude=51.1, longitude=3.8)
    factories.LocationFactory(municipality=gent, latitude=51.2, longitude=3.9)
    latitude, longitude = municipality_point(gent.pk)
    assert latitude == pytest.approx(51.1)
    assert longitude == pytest.approx(3.8)


# --- suggestions end to end --------------------------------------------------------------------------


def test_suggestions_for_a_need_name_the_municipality_and_languages(school):
    need = factories.FamilyNeedFactory(school=school)
    need.home_languages.set([factories.language("ar")])
    offer = located_offer((51.1700, 4.1400))
    result = suggest_for_need(need)
    [suggestion] = result.suggestions
    assert suggestion.offer.offer_id == offer.pk
    assert "Werkt in Sint-Niklaas" in suggestion.reasons_for
    assert "Helpt bij: Leren en school" in suggestion.reasons_for
    assert "Geen Arabisch" in suggestion.reasons_against
    assert suggestion.distance_km == pytest.approx(0.5, abs=0.1)
    assert not result.is_gap


def test_a_need_loaded_with_its_domains_languages_and_municipality_gives_the_same_reasons_in_fewer_queries(school):
    need = factories.FamilyNeedFactory(school=school)
    need.home_languages.set([factories.language("ar")])
    located_offer((51.1700, 4.1400))
    with CaptureQueriesContext(connection) as plain_queries:
        plain = suggest_for_need(FamilyNeed.objects.get(pk=need.pk))
    loaded = FamilyNeed.objects.select_related("school__municipality").get(pk=need.pk)
    prefetch_related_objects([loaded], "life_domains", "home_languages")
    with CaptureQueriesContext(connection) as loaded_queries:
        result = suggest_for_need(loaded)
    assert result == plain
    assert "Werkt in Sint-Niklaas" in result.suggestions[0].reasons_for
    assert "Geen Arabisch" in result.suggestions[0].reasons_against
    assert len(loaded_queries) < len(plain_queries)


def test_a_need_only_full_or_out_of_area_offers_fit_is_a_gap(school):
    need = factories.FamilyNeedFactory(school=school)
    located_offer(SCHOOL_POINT, capacity="full")
    located_offer(NEAR_IN_LOKEREN, area_nis=(LOKEREN,))
    located_offer(SCHOOL_POINT, life_domains=[factories.life_domain("wonen")])
    result = suggest_for_need(need)
    assert result.total == 2
    assert result.is_gap
    reasons = {reason for s in result.suggestions for reason in s.reasons_against}
    assert {"Volzet", "Werkt niet in Sint-Niklaas"} <= reasons


def test_suggestions_can_be_tried_before_the_need_is_saved(school):
    offer = located_offer(SCHOOL_POINT)
    profile = need_profile_from_data(school=school, life_domains=["leren"])
    assert [s.offer.offer_id for s in suggest(profile).suggestions] == [offer.pk]


def test_the_limit_keeps_the_best(school):
    need = factories.FamilyNeedFactory(school=school)
    offers = [located_offer(SCHOOL_POINT) for _ in range(4)]
    full = located_offer(SCHOOL_POINT, capacity="full")
    result = suggest_for_need(need, limit=3)
    assert len(result.suggestions) == 3
    assert result.total == 5
    assert full.pk not in {s.offer.offer_id for s in result.suggestions}
    assert {s.offer.offer_id for s in result.suggestions} < {o.pk for o in offers}


def test_today_decides_what_is_recent(school):
    need = factories.FamilyNeedFactory(school=school)
    located_offer(SCHOOL_POINT, last_confirmed=timezone.localdate() - datetime.timedelta(days=10))
    now = suggest_for_need(need).suggestions[0]
    later = suggest_for_need(need, today=timezone.localdate() + datetime.timedelta(days=800)).suggestions[0]
    assert "Recent bevestigd" in now.reasons_for
    assert any(reason.startswith("Niet bevestigd sinds") for reason in later.reasons_against)


def build_need_with_offers(count: int) -> FamilyNeed:
    school = factories.SchoolFactory()
    partner = factories.OrganisationFactory()
    factories.CollaborationFactory(school=school, status="active", organisations=[partner])
    need = factories.FamilyNeedFactory(school=school, life_domains=[factories.life_domain("leren")])
    need.home_languages.set([factories.language("ar"), factories.language("nl")])
    for index in range(count):
        offer = located_offer(SCHOOL_POINT if index % 2 else NEAR_IN_LOKEREN, area_nis=(SINT_NIKLAAS, LOKEREN))
        offer.languages.add(factories.language("ar"))
    return need


# need: school, life domains, languages, partners (4); offers and their relations (5); names of the
# municipality, languages and life domains (3).
SUGGEST_QUERIES = 12


@pytest.mark.parametrize("count", [3, 30])
def test_suggestions_take_the_same_number_of_queries_for_3_or_30_offers(count, django_assert_num_queries):
    need = FamilyNeed.objects.get(pk=build_need_with_offers(count).pk)
    with django_assert_num_queries(SUGGEST_QUERIES):
        result = suggest_for_need(need, limit=None)
    assert result.total == count


def test_scoring_only_the_likely_top_gives_the_top_of_all_candidates(school, monkeypatch):
    """The upper bound does not see distance and languages: offers that look best without them
    (both domains, free, far away, no Arabic) are loaded first, yet the nearby offers that speak
    Arabic and cover one domain still make the top 3, as they do when every candidate is scored."""
    need = factories.FamilyNeedFactory(
        school=school,
        life_domains=[factories.life_domain("leren"), factories.life_domain("wonen")],
        age_min=6,
        age_max=12,
        prefers_free=True,
    )
    need.home_languages.set([factories.language("ar")])
    both = [factories.life_domain("leren"), factories.life_domain("wonen")]
    for _ in range(3):
        located_offer(NEAR_IN_LOKEREN, life_domains=both)
    for _ in range(3):
        located_offer(SCHOOL_POINT).languages.add(factories.language("ar"))
    located_offer(SCHOOL_POINT, life_domains=both, capacity="full")
    located_offer(SCHOOL_POINT, life_domains=both, age_min=14, age_max=18)
    located_offer(SCHOOL_POINT, area_nis=(LOKEREN,))
    located_offer(SCHOOL_POINT, cost="paid", capacity="waiting_list", waiting_weeks=3)
    everything = suggest_for_need(need, limit=None)
    monkeypatch.setattr("bridge.candidates.FIRST_ROUND", 2)
    top = suggest_for_need(need, limit=3)
    assert [(s.offer_id, s.score, s.reasons) for s in top.suggestions] == [
        (s.offer_id, s.score, s.reasons) for s in everything.suggestions[:3]
    ]
    assert "Ook in het Arabisch" in top.suggestions[0].reasons_for
    assert (top.total, top.is_gap) == (everything.total, everything.is_gap) == (10, False)


# --- would a CLB worker agree? ------------------------------------------------------------------------


@pytest.fixture(scope="class")
def demo_region(django_db_setup, django_db_blocker):
    """The demo region, seeded once for the class in a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_demo(with_accounts=False)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def top_suggestions(need: FamilyNeed, n: int = 3):
    with CaptureQueriesContext(connection) as queries:
        result = suggest_for_need(need, limit=n)
    assert len(queries) <= SUGGEST_QUERIES
    return result


def assert_sound(need: FamilyNeed, result) -> None:
    """Each top suggestion covers a domain of the need, serves its municipality and has room."""
    assert result.suggestions, need.title
    domains = set(need.life_domains.values_list("slug", flat=True))
    for suggestion in result.suggestions:
        offer = Offer.objects.get(pk=suggestion.offer.offer_id)
        assert domains & set(offer.life_domains.values_list("slug", flat=True)), (need.title, offer.name)
        area = set(offer.service_area.values_list("pk", flat=True))
        assert need.school.municipality_id in area, (need.title, offer.name)
        assert offer.capacity != "full", (need.title, offer.name)
        assert offer.is_active and offer.organisation.is_verified
        assert not suggestion.weak


DEMO_NEEDS = [
    "Schoolfactuur en uitstappen moeilijk te betalen",
    "Ouders willen Nederlands oefenen",
    "Kinderen met een vluchtverhaal tonen angst",
    "Ouders onder druk door een scheiding",
    "Signalen van spanningen en geweld thuis",
    "Ouders vragen steun bij stress en somberheid",
]


@pytest.mark.usefixtures("demo_region")
class TestTheDemoRegion:
    """Would a CLB worker agree with the suggestions for the demo region's needs?"""

    @pytest.mark.parametrize("title", DEMO_NEEDS)
    def test_a_clb_worker_would_agree_with_the_top_suggestions_for_demo_needs(self, title):
        need = FamilyNeed.objects.select_related("school").get(title=title)
        assert_sound(need, top_suggestions(need))

    def test_homework_help_in_sint_niklaas_goes_to_nearby_homework_offers(self):
        school = School.objects.get(institution_number="990101")  # De Vlinder
        need = factories.FamilyNeedFactory(school=school, age_min=6, age_max=12, title="Huiswerk")
        result = top_suggestions(need)
        assert_sound(need, result)
        for suggestion in result.suggestions:
            assert "Helpt bij: Leren en school" in suggestion.reasons_for
            assert suggestion.distance_km is not None and suggestion.distance_km < 5

    def test_an_offer_that_declined_a_school_as_outside_its_area_is_never_a_strong_suggestion_there(self):
        need = FamilyNeed.objects.get(title="Huiswerk lukt thuis niet door de taal")  # Beveren; De Leerboom declined
        result = suggest_for_need(need, limit=None)
        leerboom = [s for s in result.suggestions if s.offer.external_id == "demo-offer-lb-huiswerk"]
        assert leerboom and leerboom[0].weak
        assert "Werkt niet in Beveren-Kruibeke-Zwijndrecht" in leerboom[0].reasons_against
        assert_sound(need, suggest_for_need(need, limit=3))

    def test_a_need_in_the_polder_without_local_transport_is_still_served_by_the_transport_offers(self):
        need = FamilyNeed.objects.get(title="Geen bus naar hulpverlening in de polder")
        result = top_suggestions(need, 2)
        assert_sound(need, result)
        assert {s.offer.external_id for s in result.suggestions} == {"demo-offer-bkz-vervoer", "demo-offer-mmc-rit"}
