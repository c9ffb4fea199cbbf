"""Shared helpers for the HSDS tests: a varied little directory, and exports compared as data."""

import copy
import datetime
import uuid

from django.utils import timezone

from bridge.models import BridgeFigure, Collaboration, MatchRequest
from tests import factories
from welfare.models import Location, Offer, Organisation, OrganisationKind

VALID_KBO = "0123456749"
SINT_NIKLAAS, TEMSE, BRUSSEL = "46021", "46025", "21004"


def directory() -> dict:
    """Two verified organisations, three public offers that use every kind of field, and two
    offers the export leaves out (inactive; of an organisation that is not verified)."""
    caw = factories.OrganisationFactory(
        name="CAW Proefstad",
        kbo_number=VALID_KBO,
        phone="03 000 00 01",
        website="https://caw.example.be",
        description="Algemeen welzijnswerk.",
    )
    inloop = factories.OrganisationFactory(
        name="Inloopteam Brussel",
        kind=OrganisationKind.objects.get(slug="inloopteam"),
        email="",
        description="",
    )
    office = factories.LocationFactory(organisation=caw, name="Onthaal", opening_hours="Ma–vr 9–12 u.")
    annex = factories.LocationFactory(
        organisation=caw,
        name="",
        street="Kerkstraat 5",
        postal_code="9140",
        municipality=factories.municipality(TEMSE),
        latitude=None,
        longitude=None,
        opening_hours="",
    )
    brussels = factories.LocationFactory(
        organisation=inloop,
        name="Inloophuis",
        street="Wetstraat 1",
        postal_code="1000",
        municipality=factories.municipality(BRUSSEL),
    )
    homework = factories.OfferFactory(
        organisation=caw,
        name="Huiswerkklas",
        life_domains=[factories.life_domain("leren"), factories.life_domain("opvoeding")],
        languages=[factories.language("nl"), factories.language("fr")],
        service_area=[factories.municipality(SINT_NIKLAAS), factories.municipality(TEMSE)],
        age_min=6,
        age_max=12,
        cost="low",
        cost_note="€ 5 per jaar",
        access_walk_in=True,
        access_at_school=True,
        capacity="waiting_list",
        waiting_weeks=4,
    )
    homework.locations.set([office, annex])
    budget = factories.OfferFactory(
        organisation=caw,
        name="Budgetbegeleiding",
        life_domains=[factories.life_domain("inkomen")],
        next_steps="",
        cost="paid",
        access_walk_in=False,
        access_online=True,
        capacity="full",
        last_confirmed=None,
    )
    budget.languages.set([])
    breakfast = factories.OfferFactory(
        organisation=inloop,
        name="Ontbijt",
        life_domains=[factories.life_domain("basisnoden")],
        service_area=[factories.municipality(BRUSSEL)],
        access_walk_in=False,
        access_outreach=True,
        access_appointment=True,
    )
    breakfast.locations.set([brussels])
    inactive = factories.OfferFactory(organisation=caw, name="Gestopt aanbod", is_active=False)
    unverified = factories.OfferFactory(
        organisation=factories.OrganisationFactory(name="Nog niet geverifieerd", verified_at=None),
        name="Nog niet zichtbaar",
    )
    return {
        "caw": caw,
        "inloop": inloop,
        "office": office,
        "annex": annex,
        "brussels": brussels,
        "homework": homework,
        "budget": budget,
        "breakfast": breakfast,
        "inactive": inactive,
        "unverified": unverified,
    }


def normalised(services: list[dict]) -> list[dict]:
    """An export as data that survives a round trip: ordered by id, without last_modified (the
    moment of the import, not of the data)."""
    services = copy.deepcopy(services)
    for service in services:
        service.pop("last_modified", None)
    return sorted(services, key=lambda service: service["id"])


def empty_the_welfare_field() -> None:
    """What an empty database holds of the welfare field: nothing (reference data stays)."""
    Collaboration.objects.all().delete()
    MatchRequest.objects.all().delete()
    BridgeFigure.objects.all().delete()
    Offer.objects.all().delete()
    Location.objects.all().delete()
    Organisation.objects.all().delete()


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Location.objects.count(), Offer.objects.count()


def attribute(taxonomy: str, code: str) -> dict:
    """An attribute in the shape other directories send: no ids of ours, just taxonomy and code."""
    return {
        "id": str(uuid.uuid4()),
        "taxonomy_term": {
            "id": str(uuid.uuid4()),
            "code": code,
            "name": code,
            "description": code,
            "taxonomy": taxonomy,
        },
    }


def foreign_service(**overrides) -> dict:
    """A small service from another directory, with everything Brugwijzer needs: it imports
    without warnings."""
    service = {
        "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a001",
        "name": "Speelpleinwerking",
        "description": "Speelplein in de zomervakantie.",
        "status": "active",
        "organization": {
            "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a002",
            "name": "Jeugddienst Proefstad",
            "description": "De jeugddienst van de gemeente.",
            "attributes": [attribute("brugwijzer-organisatietype", "vrije-tijd")],
        },
        "attributes": [
            attribute("brugwijzer-levensdomeinen", "vrije-tijd"),
            attribute("brugwijzer-toegang", "walk-in"),
            attribute("brugwijzer-capaciteit", "open"),
            attribute("brugwijzer-kost", "free"),
        ],
        "service_areas": [{"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a003", "name": "Sint-Niklaas"}],
    }
    service.update(overrides)
    return service


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
