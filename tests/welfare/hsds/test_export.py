"""HSDS export: every active public offer as a fully nested service that validates against the
official compiled schema, with Brugwijzer's profile (municipality URIs, taxonomy terms, KBO)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.demo import seed_demo
from tests import factories
from tests.welfare.hsds import BRUSSEL, SINT_NIKLAAS, TEMSE, VALID_KBO, directory
from welfare import hsds

pytestmark = pytest.mark.django_db


def by_name(services: list[dict]) -> dict[str, dict]:
    return {service["name"]: service for service in services}


def terms(service: dict) -> set[tuple[str, str]]:
    return {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in service["attributes"]}


def test_every_service_of_the_demo_region_validates_against_the_compiled_schema():
    seed_demo(with_accounts=False)
    services = hsds.export_services()
    assert len(services) == hsds.Offer.objects.public().count() > 50
    for service in services:
        assert hsds.schema_problems(service) == [], service["id"]


def test_the_export_holds_active_offers_of_verified_organisations_only():
    world = directory()
    names = set(by_name(hsds.export_services()))
    assert names == {"Huiswerkklas", "Budgetbegeleiding", "Ontbijt"}
    assert world["inactive"].name not in names and world["unverified"].name not in names


def test_service_fields_follow_the_profile():
    world = directory()
    homework = by_name(hsds.export_services())["Huiswerkklas"]
    offer = world["homework"]
    assert homework["id"] == hsds.hsds_id(offer)
    assert homework["status"] == "active"
    assert homework["application_process"] == offer.next_steps
    assert homework["fees_description"] == "€ 5 per jaar"
    assert homework["wait_time"] == "4 weken"
    assert (homework["minimum_age"], homework["maximum_age"]) == (6, 12)
    assert homework["assured_date"] == offer.last_confirmed.isoformat()
    assert homework["last_modified"].endswith("Z")
    assert [language["code"] for language in homework["languages"]] == ["fr", "nl"]
    assert homework["cost_options"] == [{"id": hsds.derived_id("cost-option", homework["id"]), "option": "lage kost"}]


def test_service_areas_are_municipalities_with_their_nis_uri_and_dutch_name():
    directory()
    services = by_name(hsds.export_services())
    areas = services["Huiswerkklas"]["service_areas"]
    assert [(area["uri"], area["name"]) for area in areas] == [
        (f"https://data.vlaanderen.be/id/gemeente/{SINT_NIKLAAS}", "Sint-Niklaas"),
        (f"https://data.vlaanderen.be/id/gemeente/{TEMSE}", "Temse"),
    ]
    assert services["Ontbijt"]["service_areas"][0]["uri"].endswith(f"/gemeente/{BRUSSEL}")


def test_taxonomy_terms_carry_life_domains_access_capacity_and_cost():
    directory()
    services = by_name(hsds.export_services())
    assert terms(services["Huiswerkklas"]) == {
        ("brugwijzer-levensdomeinen", "leren"),
        ("brugwijzer-levensdomeinen", "opvoeding"),
        ("brugwijzer-toegang", "walk-in"),
        ("brugwijzer-toegang", "at-school"),
        ("brugwijzer-capaciteit", "waiting-list"),
        ("brugwijzer-kost", "low"),
    }
    assert terms(services["Budgetbegeleiding"]) == {
        ("brugwijzer-levensdomeinen", "inkomen"),
        ("brugwijzer-toegang", "online"),
        ("brugwijzer-capaciteit", "full"),
        ("brugwijzer-kost", "paid"),
    }
    assert ("brugwijzer-toegang", "outreach") in terms(services["Ontbijt"])
    assert ("brugwijzer-toegang", "appointment") in terms(services["Ontbijt"])


def test_term_ids_are_the_same_in_every_export_and_every_database():
    directory()
    attribute = by_name(hsds.export_services())["Huiswerkklas"]["attributes"][0]
    term = attribute["taxonomy_term"]
    assert term["id"] == attribute["taxonomy_term_id"] == hsds.term_id("brugwijzer-levensdomeinen", "leren")
    assert term["taxonomy_id"] == hsds.taxonomy_id("brugwijzer-levensdomeinen")
    assert term["name"] == "Leren en school" and term["language"] == "nl"


def test_the_organisation_has_its_kbo_number_as_an_identifier_its_phone_and_its_kind():
    world = directory()
    organization = by_name(hsds.export_services())["Huiswerkklas"]["organization"]
    assert organization["id"] == hsds.hsds_id(world["caw"])
    assert organization["organization_identifiers"] == [
        {
            "id": hsds.derived_id("organization-identifier", organization["id"], "BE-BCE_KBO"),
            "identifier_scheme": "BE-BCE_KBO",
            "identifier_type": "KBO-nummer (ondernemingsnummer)",
            "identifier": VALID_KBO,
        }
    ]
    assert organization["phones"][0]["number"] == "03 000 00 01"
    assert organization["attributes"][0]["taxonomy_term"]["taxonomy"] == "brugwijzer-organisatietype"
    assert organization["attributes"][0]["taxonomy_term"]["code"] == "caw"


def test_an_organisation_without_kbo_phone_or_e_mail_leaves_them_out_but_keeps_its_description():
    directory()
    organization = by_name(hsds.export_services())["Ontbijt"]["organization"]
    assert "organization_identifiers" not in organization and "phones" not in organization
    assert "email" not in organization
    assert organization["description"] == ""


def test_locations_have_their_address_coordinates_and_opening_hours():
    world = directory()
    homework = by_name(hsds.export_services())["Huiswerkklas"]
    locations = [link["location"] for link in homework["service_at_locations"]]
    assert [location["id"] for location in locations] == [hsds.hsds_id(world["annex"]), hsds.hsds_id(world["office"])]
    annex, office = locations
    assert office["latitude"] == 51.17 and office["longitude"] == 4.14
    assert office["schedules"][0]["description"] == "Ma–vr 9–12 u."
    assert office["addresses"][0] | {"id": None, "location_id": None} == {
        "id": None,
        "location_id": None,
        "address_1": "Stationsstraat 10",
        "city": "Sint-Niklaas",
        "state_province": "Oost-Vlaanderen",
        "postal_code": "9100",
        "country": "BE",
        "address_type": "physical",
    }
    assert "latitude" not in annex and "schedules" not in annex and "name" not in annex


def test_a_brussels_address_names_the_region_for_want_of_a_province():
    directory()
    location = by_name(hsds.export_services())["Ontbijt"]["service_at_locations"][0]["location"]
    assert location["addresses"][0]["state_province"] == "Brussels Hoofdstedelijk Gewest"


def test_an_offer_without_external_id_has_a_derived_id_that_does_not_change():
    offer = factories.OfferFactory()
    first = hsds.hsds_id(offer)
    assert first == hsds.derived_id("offer", "pk", str(offer.pk))
    offer.name = "Andere naam"
    offer.save()
    assert hsds.hsds_id(offer) == first


def test_an_imported_uuid_external_id_is_the_hsds_id_and_other_external_ids_derive_one():
    imported = factories.OfferFactory(external_id="5B0E5A4E-8C1F-4F39-9D55-0C5BB0C1A00F")
    demo = factories.OfferFactory(external_id="demo-offer-1")
    assert hsds.hsds_id(imported) == "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a00f"
    assert hsds.hsds_id(demo) == hsds.derived_id("offer", "external", "demo-offer-1")


def test_the_export_takes_the_same_number_of_queries_for_3_and_30_offers():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            hsds.export_services()
        return len(captured)

    directory()
    few = queries()
    organisation = factories.OrganisationFactory(kbo_number="")
    for _ in range(27):
        offer = factories.OfferFactory(organisation=organisation)
        offer.locations.add(factories.LocationFactory(organisation=organisation))
    assert queries() == few
