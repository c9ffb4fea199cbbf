"""Locations: an address whose postal code must belong to its municipality, optional
coordinates in Belgium, and removal only when no offer refers to it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.models import AuditEvent, Municipality
from tests import factories
from welfare.models import Location


@pytest.fixture
def member(organisation):
    return factories.member_of(organisation=organisation, role="member", email="member@welzijn.test")


def municipality(name: str) -> Municipality:
    return Municipality.objects.get(name_nl=name)


def data(**overrides) -> dict:
    values = {
        "name": "Antenne Belsele",
        "street": "Belseledorp 50",
        "postal_code": "9111",
        "municipality": municipality("Sint-Niklaas").pk,
        "latitude": "51,1497",
        "longitude": "4.0903",
        "opening_hours": "Di en do 9–12 u.",
    }
    values.update(overrides)
    return values


def create_url(organisation) -> str:
    return reverse("welfare:location_create", kwargs={"pk": organisation.pk})


def test_member_adds_a_location(client, member, organisation):
    client.force_login(member)

    response = client.post(create_url(organisation), data())

    assert response.status_code == 302
    location = Location.objects.get(name="Antenne Belsele")
    assert location.organisation == organisation
    assert location.municipality.name_nl == "Sint-Niklaas"
    assert (location.latitude, location.longitude) == (51.1497, 4.0903)
    assert AuditEvent.objects.get(content_type__model="location").action == "create"


def test_municipality_is_taken_from_an_unambiguous_postal_code(client, member, organisation):
    client.force_login(member)

    client.post(create_url(organisation), data(municipality="", latitude="", longitude=""))

    assert Location.objects.get(name="Antenne Belsele").municipality.name_nl == "Sint-Niklaas"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"municipality": "GENT"},
            "postal_code",
            "Postal code 9111 does not belong to Gent; it belongs to Sint-Niklaas.",
        ),
        ({"postal_code": "911"}, "postal_code", "A Belgian postal code has four digits"),
        ({"postal_code": "9999"}, "postal_code", "Postal code 9999 does not exist in Belgium."),
        ({"longitude": ""}, "longitude", "Enter both latitude and longitude, or neither."),
        ({"latitude": "4.09", "longitude": "51.15"}, "latitude", "check that they are not swapped"),
        ({"latitude": "95"}, "latitude", "less than or equal to 90"),
        ({"street": ""}, "street", "This field is required."),
    ],
)
def test_bad_location_input_changes_nothing(en_client, member, organisation, overrides, field, message):
    if overrides.get("municipality") == "GENT":
        overrides["municipality"] = municipality("Gent").pk
    en_client.force_login(member)

    response = en_client.post(create_url(organisation), data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Location.objects.exists()


def test_editing_a_location_records_what_changed(client, member, organisation):
    location = factories.LocationFactory(organisation=organisation)
    client.force_login(member)

    response = client.post(
        reverse("welfare:location_edit", kwargs={"pk": location.pk}),
        data(
            name="Hoofdzetel",
            street="Stationsstraat 12",
            postal_code="9100",
            opening_hours=location.opening_hours,
            latitude="51.17",
            longitude="4.14",
        ),
    )

    assert response.status_code == 302
    location.refresh_from_db()
    assert location.street == "Stationsstraat 12"
    event = AuditEvent.objects.get(content_type__model="location")
    assert event.changes == {"street": ["Stationsstraat 10", "Stationsstraat 12"]}


def test_an_unused_location_is_removed_after_confirmation(en_client, member, organisation):
    location = factories.LocationFactory(organisation=organisation, name="Oud kantoor")
    en_client.force_login(member)
    url = reverse("welfare:location_delete", kwargs={"pk": location.pk})

    assert "Remove Oud kantoor?" in en_client.get(url).text
    assert Location.objects.filter(pk=location.pk).exists()

    response = en_client.post(url)

    assert response.status_code == 302
    assert not Location.objects.filter(pk=location.pk).exists()
    event = AuditEvent.objects.get(content_type__model="location")
    assert event.action == "delete"
    assert event.changes["street"] == ["Stationsstraat 10", None]


def test_a_location_used_by_an_offer_stays(en_client, member, organisation):
    location = factories.LocationFactory(organisation=organisation, name="In gebruik")
    offer = factories.OfferFactory(organisation=organisation, name="Oud aanbod", is_active=False)
    offer.locations.add(location)
    en_client.force_login(member)
    url = reverse("welfare:location_delete", kwargs={"pk": location.pk})

    page = en_client.get(url)
    assert "This location is still in use" in page.text
    assert "Oud aanbod" in page.text

    response = en_client.post(url)

    assert Location.objects.filter(pk=location.pk).exists()
    assert (
        "still linked to 1 offer. Remove it from that offer first"
        in [str(m) for m in get_messages(response.wsgi_request)][0]
    )
    assert not AuditEvent.objects.exists()
