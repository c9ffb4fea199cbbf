"""The service-area picker's shortcuts: a whole province, or the municipalities around a
location. They change the selection in the form and save nothing."""

import pytest
from django.urls import reverse

from families.models import LifeDomain
from portal.models import AuditEvent, Municipality
from tests import factories
from welfare.models import Offer

SINT_NIKLAAS, TEMSE, STEKENE, LOKEREN, GENT, BEVEREN = "46021", "46025", "46024", "46029", "44021", "46030"
# Demo-like centres of the Waasland (the demo data sets these for its region).
CENTRES = {
    SINT_NIKLAAS: (51.1652, 4.1435),
    TEMSE: (51.125, 4.212),
    STEKENE: (51.21, 4.0365),
    BEVEREN: (51.2122, 4.256),
}


def pk(nis_code: str) -> int:
    return Municipality.objects.get(nis_code=nis_code).pk


@pytest.fixture
def centres(db):
    for nis_code, (lat, lon) in CENTRES.items():
        Municipality.objects.filter(nis_code=nis_code).update(latitude=lat, longitude=lon)


@pytest.fixture
def location(organisation):
    return factories.LocationFactory(organisation=organisation, latitude=51.1700, longitude=4.1400)


@pytest.fixture
def offer(organisation, location):
    offer = factories.OfferFactory(organisation=organisation, name="Opvoedingswinkel")
    offer.locations.add(location)
    return offer


def form_data(offer, **overrides) -> dict:
    data = {
        "name": offer.name,
        "description": offer.description,
        "life_domains": [LifeDomain.objects.get(slug="leren").pk],
        "cost": "free",
        "access_modes": ["access_walk_in"],
        "capacity": "open",
        "service_area": [pk(SINT_NIKLAAS)],
        "is_active": "on",
    }
    data.update(overrides)
    return data


def edit(client, offer, data, **headers):
    return client.post(reverse("welfare:offer_edit", kwargs={"pk": offer.pk}), data, **headers)


def selected(response) -> set[int]:
    return {int(value) for value in response.context["form"]["service_area"].value()}


def test_whole_province_adds_all_its_municipalities(en_client, welfare_worker, offer):
    en_client.force_login(welfare_worker)

    response = edit(en_client, offer, form_data(offer, shortcut="province", **{"area-province": "10000"}))

    assert response.status_code == 200
    antwerp = set(Municipality.objects.filter(province_code="10000").values_list("pk", flat=True))
    assert len(antwerp) == 67
    assert selected(response) == antwerp | {pk(SINT_NIKLAAS)}
    assert "Added 67 municipalities of Antwerpen." in response.text


def test_brussels_counts_as_a_province_in_the_shortcut(en_client, welfare_worker, offer):
    en_client.force_login(welfare_worker)

    response = edit(en_client, offer, form_data(offer, shortcut="province", **{"area-province": "brussels"}))

    assert len(selected(response)) == 1 + 19


def test_a_shortcut_saves_nothing(en_client, welfare_worker, offer):
    before = offer.updated_at
    en_client.force_login(welfare_worker)

    edit(en_client, offer, form_data(offer, name="Niet bewaren", shortcut="province", **{"area-province": "10000"}))

    offer.refresh_from_db()
    assert offer.name == "Opvoedingswinkel"
    assert offer.updated_at == before
    assert list(offer.service_area.values_list("nis_code", flat=True)) == [SINT_NIKLAAS]
    assert not AuditEvent.objects.exists()


def test_a_shortcut_keeps_everything_typed_and_shows_no_errors_yet(en_client, welfare_worker, organisation):
    en_client.force_login(welfare_worker)
    url = reverse("welfare:offer_create", kwargs={"pk": organisation.pk})

    response = en_client.post(url, {"name": "Half ingevuld", "shortcut": "province", "area-province": "brussels"})

    assert response.status_code == 200
    assert not Offer.objects.filter(name="Half ingevuld").exists()
    assert 'value="Half ingevuld"' in response.text
    assert "Please correct" not in response.text


def test_around_a_location_adds_municipalities_whose_centre_is_within_the_radius(
    en_client, welfare_worker, offer, location, centres
):
    en_client.force_login(welfare_worker)

    response = edit(
        en_client,
        offer,
        form_data(offer, service_area=[], shortcut="around", **{"area-location": location.pk, "area-radius": "9"}),
    )

    # Temse lies about 7 km away, Stekene 8.5 km, Beveren 9.4 km.
    assert selected(response) == {pk(SINT_NIKLAAS), pk(TEMSE), pk(STEKENE)}
    assert "Added 3 municipalities within 9 km of Hoofdzetel: Sint-Niklaas, Stekene, Temse." in response.text


def test_around_a_location_falls_back_to_schools_and_locations_in_a_municipality(
    en_client, welfare_worker, offer, location, centres
):
    factories.SchoolFactory(municipality=Municipality.objects.get(nis_code=LOKEREN), latitude=51.10, longitude=3.99)
    factories.SchoolFactory(municipality=Municipality.objects.get(nis_code=LOKEREN), latitude=51.11, longitude=4.00)
    factories.LocationFactory(municipality=Municipality.objects.get(nis_code=GENT), latitude=51.05, longitude=3.72)
    en_client.force_login(welfare_worker)

    response = edit(
        en_client,
        offer,
        form_data(offer, service_area=[], shortcut="around", **{"area-location": location.pk, "area-radius": "15"}),
    )

    assert pk(LOKEREN) in selected(response)  # about 12 km away, placed by its schools
    assert pk(GENT) not in selected(response)  # about 30 km away, placed by a location


def test_around_a_location_says_so_when_no_other_municipality_can_be_placed(en_client, welfare_worker, offer, location):
    en_client.force_login(welfare_worker)

    response = edit(
        en_client,
        offer,
        form_data(offer, service_area=[], shortcut="around", **{"area-location": location.pk, "area-radius": "20"}),
    )

    assert selected(response) == {pk(SINT_NIKLAAS)}
    assert "distances cannot be measured" in response.text


def test_around_a_location_without_coordinates_explains_what_to_do(en_client, welfare_worker, offer, organisation):
    unplaced = factories.LocationFactory(organisation=organisation, name="Zonder kaart", latitude=None, longitude=None)
    en_client.force_login(welfare_worker)

    response = edit(
        en_client, offer, form_data(offer, shortcut="around", **{"area-location": unplaced.pk, "area-radius": "10"})
    )

    assert response.status_code == 200
    assert "Zonder kaart has no coordinates yet" in response.text
    assert selected(response) == {pk(SINT_NIKLAAS)}


def test_province_shortcut_without_a_province_asks_for_one(en_client, welfare_worker, offer):
    en_client.force_login(welfare_worker)

    response = edit(en_client, offer, form_data(offer, shortcut="province"))

    assert "Choose a province first." in response.text


def test_clear_empties_the_selection(en_client, welfare_worker, offer):
    en_client.force_login(welfare_worker)

    response = edit(en_client, offer, form_data(offer, shortcut="clear"))

    assert selected(response) == set()


def test_htmx_shortcut_returns_only_the_picker(en_client, welfare_worker, offer):
    en_client.force_login(welfare_worker)

    response = edit(
        en_client, offer, form_data(offer, shortcut="province", **{"area-province": "10000"}), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<fieldset id="service-area"')
    assert "<html" not in response.text
    assert f'id="id_service_area_{pk(SINT_NIKLAAS)}" checked' in response.text
    assert "Added 67 municipalities of Antwerpen." in response.text


def test_another_organisations_location_cannot_be_used_for_a_shortcut(en_client, welfare_worker, offer, centres):
    elsewhere = factories.LocationFactory(latitude=51.17, longitude=4.14)
    en_client.force_login(welfare_worker)

    response = edit(
        en_client,
        offer,
        form_data(offer, service_area=[], shortcut="around", **{"area-location": elsewhere.pk, "area-radius": "10"}),
    )

    assert selected(response) == set()
    assert "Select a valid choice" in response.text


def test_the_picker_lists_flemish_provinces_and_brussels_before_wallonia(en_client, welfare_worker, offer):
    en_client.force_login(welfare_worker)

    response = en_client.get(reverse("welfare:offer_edit", kwargs={"pk": offer.pk}))

    labels = [group.label for group in response.context["area_groups"]]
    assert labels.index("Brussels-Capital Region") == 5
    assert set(labels[:5]) == {"Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"}
    assert sum(len(group.options) for group in response.context["area_groups"]) == Municipality.objects.count()
