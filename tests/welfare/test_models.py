"""The database itself refuses bad organisations, locations and offers; what the offer queryset
and properties return."""

import datetime

import pytest
from django.utils import timezone, translation

from tests import factories
from tests.portal.test_models import refused, refused_as_too_long
from welfare.models import Location, Offer, OfferCorrection, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

VALID_KBO = ("0403170701", "0123456749", "1000000021", "1234567894")


@pytest.fixture
def caw():
    return OrganisationKind.objects.get(slug="caw")


# --- organisation kinds and organisations --------------------------------------------------------


def test_two_organisation_kinds_cannot_share_a_code(caw):
    OrganisationKind.objects.create(slug="buurthuis", name="Buurthuis")
    with refused("slug"):
        OrganisationKind.objects.create(slug="caw", name="Nog een CAW")


@pytest.mark.parametrize("kbo", VALID_KBO)
def test_an_organisation_with_a_ten_digit_kbo_number_is_accepted(caw, kbo):
    assert Organisation.objects.create(name="CAW", kind=caw, kbo_number=kbo).kbo_number == kbo


@pytest.mark.parametrize("kbo", ["403170701", "0403.170.7", "2403170701", "04031707O1", "BE04031707"])
def test_an_organisation_s_kbo_number_is_ten_digits_starting_with_0_or_1(caw, kbo):
    with refused("organisation_kbo_format"):
        Organisation.objects.create(name="CAW", kind=caw, kbo_number=kbo)


@pytest.mark.parametrize("kbo", ["0403.170.701", "BE0403170701"])
def test_an_organisation_s_kbo_number_is_stored_without_dots_or_country_code(caw, kbo):
    with refused_as_too_long():
        Organisation.objects.create(name="CAW", kind=caw, kbo_number=kbo)


def test_two_organisations_cannot_share_a_kbo_number(caw):
    Organisation.objects.create(name="CAW Oost-Vlaanderen", kind=caw, kbo_number="0403170701")
    with refused("organisation_kbo_unique", "welfare_organisation.kbo_number"):
        Organisation.objects.create(name="CAW Waasland", kind=caw, kbo_number="0403170701")
    other = Organisation.objects.create(name="CAW Gent", kind=caw, kbo_number="0123456749")
    with refused("organisation_kbo_unique", "welfare_organisation.kbo_number"):
        Organisation.objects.filter(pk=other.pk).update(kbo_number="0403170701")


def test_any_number_of_organisations_can_have_no_kbo_number(caw):
    Organisation.objects.bulk_create([Organisation(name=f"Vereniging {i}", kind=caw, kbo_number="") for i in range(3)])
    assert Organisation.objects.filter(kbo_number="").count() == 3


def test_two_organisations_cannot_share_an_external_id_but_may_both_have_none(caw):
    Organisation.objects.create(name="A", kind=caw, external_id="sociale-kaart:123")
    Organisation.objects.create(name="B", kind=caw, external_id="")
    Organisation.objects.create(name="C", kind=caw, external_id="")
    with refused("organisation_external_id_unique", "welfare_organisation.external_id"):
        Organisation.objects.create(name="D", kind=caw, external_id="sociale-kaart:123")


# --- locations -----------------------------------------------------------------------------------


def _location(organisation, **fields) -> dict:
    return {
        "organisation": organisation,
        "street": "Stationsstraat 10",
        "postal_code": "9100",
        "municipality": factories.municipality(),
        **fields,
    }


def test_a_location_has_a_belgian_postal_code(organisation):
    Location.objects.create(**_location(organisation, postal_code="1000"))
    for code in ("0999", "100", "1OOO", ""):
        with refused("location_postal_code_valid"):
            Location.objects.create(**_location(organisation, postal_code=code))
    with refused_as_too_long():
        Location.objects.create(**_location(organisation, postal_code="10000"))


def test_a_location_has_coordinates_in_range_or_none(organisation):
    Location.objects.create(**_location(organisation))
    Location.objects.create(**_location(organisation, latitude=51.17, longitude=4.14))
    for lat, lon in ((90.5, 4), (-90.5, 4), (51, 180.5), (51, -180.5)):
        with refused("location_coordinates_valid"):
            Location.objects.create(**_location(organisation, latitude=lat, longitude=lon))


@pytest.mark.parametrize("lat, lon", [(51.1, None), (None, 4.1)])
def test_a_location_cannot_have_only_one_coordinate(organisation, lat, lon):
    with refused("location_coordinates_valid"):
        Location.objects.create(**_location(organisation, latitude=lat, longitude=lon))


# --- offers --------------------------------------------------------------------------------------


def _offer(organisation, **fields) -> dict:
    return {
        "organisation": organisation,
        "name": "Huiswerkklas",
        "description": "Elke woensdagnamiddag.",
        "access_walk_in": True,
        **fields,
    }


def test_an_offer_s_age_range_runs_from_low_to_high(organisation):
    for age_min, age_max in ((3, 12), (6, 6), (None, 12), (3, None), (None, None)):
        Offer.objects.create(**_offer(organisation, age_min=age_min, age_max=age_max))
    with refused("offer_age_range_ordered"):
        Offer.objects.create(**_offer(organisation, age_min=12, age_max=6))
    offer = Offer.objects.create(**_offer(organisation, age_min=6, age_max=12))
    with refused("offer_age_range_ordered"):
        Offer.objects.filter(pk=offer.pk).update(age_min=13)


def test_an_offer_s_cost_is_free_low_or_paid(organisation):
    for cost in ("free", "low", "paid"):
        Offer.objects.create(**_offer(organisation, cost=cost))
    with refused("offer_cost_valid"):
        Offer.objects.create(**_offer(organisation, cost="cheap"))


def test_an_offer_s_capacity_is_open_waiting_list_or_full(organisation):
    for capacity in ("open", "waiting_list", "full"):
        Offer.objects.create(**_offer(organisation, capacity=capacity))
    with refused("offer_capacity_valid"):
        Offer.objects.create(**_offer(organisation, capacity="closed"))


def test_waiting_weeks_only_go_with_a_waiting_list(organisation):
    Offer.objects.create(**_offer(organisation, capacity="waiting_list", waiting_weeks=6))
    Offer.objects.create(**_offer(organisation, capacity="waiting_list", waiting_weeks=None))
    Offer.objects.create(**_offer(organisation, capacity="open", waiting_weeks=None))
    for capacity in ("open", "full"):
        with refused("offer_waiting_weeks_only_on_waiting_list"):
            Offer.objects.create(**_offer(organisation, capacity=capacity, waiting_weeks=4))


def test_an_offer_cannot_leave_its_waiting_list_and_keep_the_waiting_weeks(organisation):
    offer = Offer.objects.create(**_offer(organisation, capacity="waiting_list", waiting_weeks=6))
    with refused("offer_waiting_weeks_only_on_waiting_list"):
        Offer.objects.filter(pk=offer.pk).update(capacity="open")
    Offer.objects.filter(pk=offer.pk).update(capacity="open", waiting_weeks=None)


@pytest.mark.parametrize(
    "mode", ["access_walk_in", "access_appointment", "access_outreach", "access_at_school", "access_online"]
)
def test_any_single_access_mode_is_enough_for_an_offer(organisation, mode):
    Offer.objects.create(**_offer(organisation, **{"access_walk_in": False, mode: True}))


def test_an_offer_has_at_least_one_access_mode(organisation):
    with refused("offer_has_an_access_mode"):
        Offer.objects.create(**_offer(organisation, access_walk_in=False))
    offer = Offer.objects.create(**_offer(organisation, access_walk_in=True, access_online=True))
    Offer.objects.filter(pk=offer.pk).update(access_walk_in=False)
    with refused("offer_has_an_access_mode"):
        Offer.objects.filter(pk=offer.pk).update(access_online=False)


def test_two_offers_cannot_share_an_external_id_but_may_both_have_none(organisation):
    Offer.objects.create(**_offer(organisation, external_id="sociale-kaart:o-1"))
    Offer.objects.bulk_create([Offer(**_offer(organisation, external_id="")) for _ in range(2)])
    with refused("offer_external_id_unique", "welfare_offer.external_id"):
        Offer.objects.create(**_offer(organisation, external_id="sociale-kaart:o-1"))


# --- suggested corrections -----------------------------------------------------------------------


def test_a_suggested_correction_says_what_is_wrong():
    offer = factories.OfferFactory()
    OfferCorrection.objects.create(offer=offer, message="Het adres is verhuisd.")
    with refused("offercorrection_message_not_empty"):
        OfferCorrection.objects.create(offer=offer, message="")


def test_a_suggested_correction_is_open_applied_or_dismissed():
    offer = factories.OfferFactory()
    for status in ("open", "applied", "dismissed"):
        OfferCorrection.objects.create(offer=offer, message="Klopt niet.", status=status)
    with refused("offercorrection_status_valid"):
        OfferCorrection.objects.create(offer=offer, message="Klopt niet.", status="ignored")


# --- what the directory shows --------------------------------------------------------------------


def test_active_offers_are_those_switched_on():
    on = factories.OfferFactory(is_active=True)
    factories.OfferFactory(is_active=False)
    assert list(Offer.objects.active()) == [on]


def test_the_public_directory_shows_active_offers_of_verified_organisations_only():
    shown = factories.OfferFactory()
    factories.OfferFactory(is_active=False)
    factories.OfferFactory(organisation=factories.OrganisationFactory(verified_at=None))
    factories.OfferFactory(organisation=factories.OrganisationFactory(verified_at=None), is_active=False)
    assert list(Offer.objects.public()) == [shown]


def test_an_offer_is_stale_when_not_confirmed_within_the_configured_days(settings):
    settings.OFFER_STALE_AFTER_DAYS = 365
    today = timezone.localdate()
    fresh = factories.OfferFactory(last_confirmed=today)
    on_the_edge = factories.OfferFactory(last_confirmed=today - datetime.timedelta(days=365))
    old = factories.OfferFactory(last_confirmed=today - datetime.timedelta(days=366))
    never = factories.OfferFactory(last_confirmed=None)

    assert set(Offer.objects.stale()) == {old, never}
    assert {offer for offer in Offer.objects.all() if offer.is_stale} == {old, never}
    assert set(Offer.objects.stale(days=30)) == {on_the_edge, old, never}
    assert fresh not in Offer.objects.stale(days=1)

    settings.OFFER_STALE_AFTER_DAYS = 30
    assert set(Offer.objects.stale()) == {on_the_edge, old, never}


def test_an_offer_lists_its_ways_in_in_a_fixed_order():
    offer = factories.OfferFactory(access_walk_in=False, access_online=True, access_appointment=True)
    assert offer.access_modes == ["appointment", "online"]
    with translation.override("en"):
        assert offer.access_mode_labels == ["by appointment", "online"]
    everything = factories.OfferFactory(
        access_walk_in=True, access_appointment=True, access_outreach=True, access_at_school=True, access_online=True
    )
    assert everything.access_modes == ["walk-in", "appointment", "outreach", "at-school", "online"]
