"""The offers' reach of welfare migrations 0009 and 0010 (PostgreSQL only): kept in step with every change
that moves an offer in or out of a need's candidates, and the candidates found through it are
exactly those found from the offers' own tables."""

import pytest
from django.db import connection

from bridge.candidates import candidate_offers
from portal.demo import seed_demo
from schools.models import School
from tests import factories
from welfare.models import Location, Offer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the reach table exists on PostgreSQL only"),
]

SINT_NIKLAAS, LOKEREN, GENT = "46021", "46029", "44021"
SCHOOL_POINT = (51.1656, 4.1437)  # in Sint-Niklaas
FAR_IN_GENT = (51.0543, 3.7174)  # about 32 km
COLUMNS = "offer_id, lifedomain_id, way, has_area, municipality_id, latitude, longitude"


def rows(source: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {source} ORDER BY {COLUMNS}")
        return cursor.fetchall()


def assert_in_step() -> None:
    """The reach rows (0009) and the ids on each offer's row (0010) are what the tables say."""
    assert rows("welfare_offer_reach") == rows("welfare_offer_reach_source")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, reach_domains, reach_areas FROM welfare_offer ORDER BY id")
        stored = cursor.fetchall()
    assert stored == [
        (
            offer.pk,
            sorted(domain.pk for domain in offer.life_domains.all()),
            sorted(municipality.pk for municipality in offer.service_area.all()),
        )
        for offer in Offer.objects.prefetch_related("life_domains", "service_area").order_by("pk")
    ]


def candidates(**options) -> set[Offer]:
    """Through the reach table, after checking that the offers' own tables give the same."""
    options = {
        "life_domains": ["leren"],
        "point": SCHOOL_POINT,
        "municipality_id": factories.municipality(SINT_NIKLAAS).pk,
        **options,
    }
    found = set(candidate_offers(**options))
    assert found == set(candidate_offers(**options, reach_table=False))
    return found


def far_offer(**fields) -> Offer:
    """An offer with its one site in Gent and no service area: not a candidate for Sint-Niklaas."""
    location = factories.LocationFactory(latitude=FAR_IN_GENT[0], longitude=FAR_IN_GENT[1])
    offer = factories.OfferFactory(organisation=location.organisation, service_area=[], **fields)
    offer.service_area.clear()
    offer.locations.add(location)
    return offer


def test_a_service_area_added_later_makes_the_offer_a_candidate_and_removing_it_undoes_that():
    offer = far_offer()
    assert candidates() == set()
    offer.service_area.add(factories.municipality(SINT_NIKLAAS))
    assert candidates() == {offer}
    offer.service_area.set([factories.municipality(GENT)])
    assert candidates() == set()
    assert_in_step()


def test_a_site_that_moves_near_the_school_makes_the_offer_a_candidate():
    offer = far_offer()
    location = offer.locations.get()
    location.latitude, location.longitude = SCHOOL_POINT
    location.save()
    assert candidates() == {offer}
    Location.objects.filter(pk=location.pk).update(latitude=None, longitude=None)
    assert candidates() == set()
    assert_in_step()


def test_sites_added_and_removed_follow_the_offer():
    offer = far_offer()
    near = factories.LocationFactory(
        organisation=offer.organisation, latitude=SCHOOL_POINT[0], longitude=SCHOOL_POINT[1]
    )
    offer.locations.add(near)
    assert candidates() == {offer}
    near.delete()
    assert candidates() == set()
    assert_in_step()


def test_an_offer_that_starts_coming_to_the_family_is_a_candidate_until_it_names_an_area_or_stops():
    offer = far_offer(access_walk_in=True)
    assert candidates() == set()
    Offer.objects.filter(pk=offer.pk).update(access_outreach=True)
    offer.refresh_from_db()
    assert candidates() == {offer}
    offer.service_area.add(factories.municipality(GENT))
    assert candidates() == set()
    offer.service_area.clear()
    offer.is_active = False
    offer.save()
    assert candidates(life_domains=["leren"]) == set()
    offer.is_active = True
    offer.save()
    assert candidates() == {offer}
    assert_in_step()


def test_the_life_domains_decide_which_needs_the_offer_reaches():
    offer = factories.OfferFactory(service_area=[factories.municipality(SINT_NIKLAAS)])
    assert candidates(life_domains=["wonen"]) == set()
    offer.life_domains.add(factories.life_domain("wonen"))
    assert candidates(life_domains=["wonen"]) == {offer}
    assert candidates(life_domains=[factories.life_domain("wonen").pk, "taal"]) == {offer}
    offer.life_domains.remove(factories.life_domain("leren"))
    assert candidates(life_domains=["leren"]) == set()
    assert_in_step()


def test_a_bulk_insert_and_a_deleted_offer():
    municipality = factories.municipality(SINT_NIKLAAS)
    offers = [factories.OfferFactory() for _ in range(3)]
    Offer.service_area.through.objects.filter(offer__in=offers).delete()
    assert candidates() == set()
    Offer.service_area.through.objects.bulk_create(
        [Offer.service_area.through(offer_id=offer.pk, municipality_id=municipality.pk) for offer in offers]
    )
    assert candidates() == set(offers)
    offers[0].delete()
    assert candidates() == set(offers[1:])
    assert_in_step()


def test_a_truncate_as_django_flush_does_it_empties_the_reach():
    factories.OfferFactory(service_area=[factories.municipality(SINT_NIKLAAS)])
    assert rows("welfare_offer_reach")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending foreign-key checks
        cursor.execute("TRUNCATE welfare_offer_service_area")  # undone with the test
    assert_in_step()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE welfare_offer CASCADE")
    assert rows("welfare_offer_reach") == []


def test_the_demo_region_gives_the_same_candidates_either_way():
    seed_demo(with_accounts=False)
    assert_in_step()
    schools = list(School.objects.select_related("municipality").order_by("pk")[:8])
    assert schools
    for school in schools:
        for domains in (["leren"], ["opvoeding", "taal"], ["wonen", "vrije-tijd", "gezondheid"]):
            point = (school.latitude, school.longitude) if school.latitude is not None else None
            options = {"life_domains": domains, "point": point, "municipality_id": school.municipality_id}
            found = set(candidate_offers(**options))
            assert found == set(candidate_offers(**options, reach_table=False)), (school.name, domains)
