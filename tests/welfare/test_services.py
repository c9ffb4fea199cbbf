"""welfare.services: every change audited, refusals readable, races answered, not overwritten."""

import datetime

import pytest
from django.utils import timezone, translation

from families.models import LifeDomain
from portal.models import AuditEvent, Municipality
from tests import factories
from welfare import services
from welfare.models import Offer, OfferCorrection, OrganisationKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English; the default language is Dutch."""
    with translation.override("en"):
        yield


@pytest.fixture
def worker(organisation):
    return factories.member_of(organisation=organisation, role="admin")


def offer_values(**overrides) -> dict:
    values = {
        "name": "Taalcafé",
        "description": "Nederlands oefenen bij een koffie.",
        "next_steps": "",
        "age_min": None,
        "age_max": None,
        "cost": "free",
        "cost_note": "",
        "access_walk_in": True,
        "access_appointment": False,
        "access_outreach": False,
        "access_at_school": False,
        "access_online": False,
        "capacity": "open",
        "waiting_weeks": None,
        "is_active": True,
    }
    values.update(overrides)
    return values


def relations(**overrides) -> dict:
    values = {
        "life_domains": [LifeDomain.objects.get(slug="taal")],
        "languages": [],
        "service_area": [],
        "locations": [],
    }
    values.update(overrides)
    return values


def test_save_offer_creates_a_confirmed_offer_and_audits_it(organisation, worker):
    offer = services.save_offer(organisation=organisation, by=worker, values=offer_values(), **relations())

    assert offer.last_confirmed == timezone.localdate()
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == ("create", worker, str(offer.pk))
    assert event.changes["life_domains"] == [None, ["Taal"]]


def test_save_offer_refuses_another_organisations_location(organisation, worker):
    elsewhere = factories.LocationFactory()

    with pytest.raises(services.WelfareError, match="own locations"):
        services.save_offer(
            organisation=organisation, by=worker, values=offer_values(), **relations(locations=[elsewhere])
        )
    assert not Offer.objects.filter(name="Taalcafé").exists()


def test_save_offer_refuses_an_offer_of_another_organisation(organisation, worker):
    foreign = factories.OfferFactory()

    with pytest.raises(services.WelfareError):
        services.save_offer(organisation=organisation, offer=foreign, by=worker, values=offer_values(), **relations())


@pytest.mark.parametrize(
    "values",
    [
        offer_values(capacity="full", waiting_weeks=3),
        offer_values(access_walk_in=False),
    ],
)
def test_save_offer_refuses_what_the_database_would_refuse(organisation, worker, values):
    with pytest.raises(services.WelfareError):
        services.save_offer(organisation=organisation, by=worker, values=values, **relations())


def test_save_offer_without_changes_only_moves_last_confirmed(organisation, worker):
    offer = services.save_offer(organisation=organisation, by=worker, values=offer_values(), **relations())
    Offer.objects.filter(pk=offer.pk).update(last_confirmed=datetime.date(2022, 1, 1))
    offer.refresh_from_db()

    services.save_offer(organisation=organisation, offer=offer, by=worker, values=offer_values(), **relations())

    event = AuditEvent.objects.latest("id")
    assert event.changes == {"last_confirmed": ["2022-01-01", str(timezone.localdate())]}


def test_set_capacity_without_a_change_writes_nothing(organisation, worker):
    offer = factories.OfferFactory(organisation=organisation, capacity="full")

    services.set_offer_capacity(offer=offer, by=worker, capacity="full")

    assert not AuditEvent.objects.exists()


def test_set_capacity_needs_weeks_for_a_waiting_list(organisation, worker):
    offer = factories.OfferFactory(organisation=organisation)

    with pytest.raises(services.WelfareError, match="how many weeks"):
        services.set_offer_capacity(offer=offer, by=worker, capacity="waiting_list")


def test_confirming_twice_on_one_day_is_audited_once(organisation, worker):
    offer = factories.OfferFactory(organisation=organisation)

    services.confirm_offer(offer=offer, by=worker)
    services.confirm_offer(offer=offer, by=worker)

    assert AuditEvent.objects.count() == 1


def test_deactivation_is_a_conditional_update(organisation, worker):
    offer = factories.OfferFactory(organisation=organisation)
    stale_copy = Offer.objects.get(pk=offer.pk)

    services.deactivate_offer(offer=offer, by=worker)
    with pytest.raises(services.WelfareError, match="already inactive"):
        services.deactivate_offer(offer=stale_copy, by=worker)

    assert AuditEvent.objects.count() == 1
    services.reactivate_offer(offer=offer, by=worker)
    assert Offer.objects.get(pk=offer.pk).is_active


def test_a_correction_is_decided_once_even_from_a_stale_copy(organisation, worker):
    correction = OfferCorrection.objects.create(offer=factories.OfferFactory(organisation=organisation), message="x")
    stale_copy = OfferCorrection.objects.get(pk=correction.pk)

    services.dismiss_correction(correction=correction, by=worker)
    with pytest.raises(services.WelfareError, match="already been handled"):
        services.apply_correction(correction=stale_copy, by=worker)

    correction.refresh_from_db()
    assert (correction.status, correction.decided_by) == ("dismissed", worker)


def test_update_organisation_turns_a_kbo_race_into_a_readable_error(organisation, worker):
    factories.OrganisationFactory(kbo_number="0123456749")

    with pytest.raises(services.WelfareError, match="KBO"):
        services.update_organisation(organisation=organisation, by=worker, values={"kbo_number": "0123456749"})
    assert not AuditEvent.objects.exists()


def test_update_organisation_records_the_kind_by_name(organisation, worker):
    services.update_organisation(
        organisation=organisation, by=worker, values={"kind": OrganisationKind.objects.get(slug="ocmw")}
    )

    assert AuditEvent.objects.get().changes == {"kind": ["CAW (Centrum Algemeen Welzijnswerk)", "OCMW / Sociaal Huis"]}


def test_remove_location_refuses_one_in_use(organisation, worker):
    location = factories.LocationFactory(organisation=organisation)
    factories.OfferFactory(organisation=organisation).locations.add(location)

    with pytest.raises(services.WelfareError, match="still linked"):
        services.remove_location(location=location, by=worker)


def test_distance_between_sint_niklaas_and_gent_is_about_32_km():
    assert 31 < services.distance_km((51.1652, 4.1435), (51.0543, 3.7174)) < 33


def test_municipality_centres_prefer_own_coordinates_then_average_schools_and_locations(organisation):
    lokeren = Municipality.objects.get(nis_code="46029")
    temse = Municipality.objects.get(nis_code="46025")
    Municipality.objects.filter(pk=temse.pk).update(latitude=51.125, longitude=4.212)
    factories.SchoolFactory(municipality=temse, latitude=50.0, longitude=3.0)  # ignored: Temse has a centre
    factories.SchoolFactory(municipality=lokeren, latitude=51.10, longitude=3.98)
    factories.LocationFactory(organisation=organisation, municipality=lokeren, latitude=51.12, longitude=4.00)

    centres = services.municipality_centres()

    assert centres[temse.pk] == (51.125, 4.212)
    assert centres[lokeren.pk] == pytest.approx((51.11, 3.99))


def test_province_choices_put_flanders_and_brussels_first():
    codes = [code for code, _name in services.province_choices()]

    assert len(codes) == 11
    assert codes[5] == services.BRUSSELS
    assert set(codes[:5]) == {"10000", "20001", "30000", "40000", "70000"}
