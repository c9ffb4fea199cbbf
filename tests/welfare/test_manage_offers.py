"""Welfare workers add and edit their offers: every field, clear refusals, nothing lost."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from families.models import LifeDomain
from portal.models import AuditEvent, Language, Municipality
from tests import factories
from welfare.models import Offer, OfferCorrection


@pytest.fixture
def location(organisation):
    return factories.LocationFactory(organisation=organisation)


@pytest.fixture
def member(organisation):
    return factories.member_of(organisation=organisation, role="member", email="member@welzijn.test")


def offer_data(location, **overrides) -> dict:
    data = {
        "name": "Huiswerkklas De Brug",
        "description": "Elke woensdagnamiddag huiswerkbegeleiding in kleine groepjes.",
        "next_steps": "Kom langs op woensdag om 13 uur.",
        "life_domains": [LifeDomain.objects.get(slug="leren").pk, LifeDomain.objects.get(slug="taal").pk],
        "age_min": "6",
        "age_max": "12",
        "languages": [Language.objects.get(code="nl").pk, Language.objects.get(code="ar").pk],
        "cost": "low",
        "cost_note": "€1 per keer",
        "access_modes": ["access_walk_in", "access_at_school"],
        "capacity": "waiting_list",
        "waiting_weeks": "3",
        "locations": [location.pk],
        "service_area": [Municipality.objects.get(nis_code="46021").pk],
        "is_active": "on",
    }
    data.update(overrides)
    return data


def create_url(organisation) -> str:
    return reverse("welfare:offer_create", kwargs={"pk": organisation.pk})


def test_member_adds_an_offer_with_every_field(client, member, organisation, location):
    client.force_login(member)

    response = client.post(create_url(organisation), offer_data(location))

    offer = Offer.objects.get(name="Huiswerkklas De Brug")
    assert response.status_code == 302
    assert response["Location"] == reverse("welfare:dashboard", kwargs={"pk": organisation.pk}) + f"#offer-{offer.pk}"
    assert offer.organisation == organisation
    assert (offer.age_min, offer.age_max, offer.cost, offer.cost_note) == (6, 12, "low", "€1 per keer")
    assert offer.access_modes == ["walk-in", "at-school"]
    assert (offer.capacity, offer.waiting_weeks) == ("waiting_list", 3)
    assert sorted(offer.life_domains.values_list("slug", flat=True)) == ["leren", "taal"]
    assert sorted(offer.languages.values_list("code", flat=True)) == ["ar", "nl"]
    assert list(offer.locations.all()) == [location]
    assert list(offer.service_area.values_list("nis_code", flat=True)) == ["46021"]
    assert offer.is_active
    assert offer.last_confirmed == timezone.localdate()


def test_creating_an_offer_is_audited(client, member, organisation, location):
    client.force_login(member)
    client.post(create_url(organisation), offer_data(location))

    offer = Offer.objects.get(name="Huiswerkklas De Brug")
    event = AuditEvent.objects.get(object_id=str(offer.pk), content_type__model="offer")
    assert event.action == "create"
    assert event.actor == member
    assert event.changes["name"] == [None, "Huiswerkklas De Brug"]
    assert event.changes["life_domains"] == [None, ["Leren en school", "Taal"]]


def test_new_offer_form_preselects_dutch_and_active(en_client, member, organisation):
    en_client.force_login(member)

    response = en_client.get(create_url(organisation))

    form = response.context["form"]
    assert form["languages"].value() == [Language.objects.get(code="nl").pk]
    assert form["is_active"].value() is True
    assert "Add an offer" in response.text


def test_saving_an_edited_offer_confirms_it_and_records_the_changes(client, member, organisation, location):
    offer = factories.OfferFactory(organisation=organisation, last_confirmed=datetime.date(2020, 1, 1))
    client.force_login(member)

    response = client.post(
        reverse("welfare:offer_edit", kwargs={"pk": offer.pk}),
        offer_data(location, name="Nieuwe naam", capacity="full", waiting_weeks=""),
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.name == "Nieuwe naam"
    assert offer.capacity == "full"
    assert offer.last_confirmed == timezone.localdate()
    event = AuditEvent.objects.filter(object_id=str(offer.pk), content_type__model="offer").latest("id")
    assert event.action == "update"
    assert event.changes["name"][1] == "Nieuwe naam"
    assert event.changes["last_confirmed"] == ["2020-01-01", str(timezone.localdate())]


def test_edit_form_shows_the_current_access_modes(client, member, organisation):
    offer = factories.OfferFactory(organisation=organisation, access_walk_in=False, access_online=True)
    client.force_login(member)

    response = client.get(reverse("welfare:offer_edit", kwargs={"pk": offer.pk}))

    assert response.context["form"]["access_modes"].value() == ["access_online"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"capacity": "open", "waiting_weeks": "4"},
            "waiting_weeks",
            "A waiting time only applies to a waiting list",
        ),
        ({"capacity": "waiting_list", "waiting_weeks": ""}, "waiting_weeks", "say roughly how many weeks"),
        ({"access_modes": []}, "access_modes", "Choose at least one way"),
        ({"age_min": "12", "age_max": "6"}, "age_max", "at least the minimum age (12)"),
        ({"age_max": "30"}, "age_max", "Enter an age from 0 to 25."),
        ({"life_domains": []}, "life_domains", "Choose at least one life domain"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_offer_input_changes_nothing_and_says_why(
    en_client, member, organisation, location, overrides, field, message
):
    offer = factories.OfferFactory(organisation=organisation, name="Ongewijzigd")
    en_client.force_login(member)

    response = en_client.post(reverse("welfare:offer_edit", kwargs={"pk": offer.pk}), offer_data(location, **overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "Please correct" in response.text
    offer.refresh_from_db()
    assert offer.name == "Ongewijzigd"
    assert not AuditEvent.objects.filter(content_type__model="offer").exists()


def test_bad_input_keeps_what_the_worker_typed(en_client, member, organisation, location):
    en_client.force_login(member)

    response = en_client.post(create_url(organisation), offer_data(location, access_modes=[]))

    assert response.status_code == 200
    assert "Huiswerkklas De Brug" in response.text
    assert (
        'value="{}" id="id_service_area_{}" checked'.format(*[Municipality.objects.get(nis_code="46021").pk] * 2)
        in response.text
    )
    assert not Offer.objects.filter(name="Huiswerkklas De Brug").exists()


def test_offer_cannot_be_given_at_another_organisations_location(en_client, member, organisation, location):
    elsewhere = factories.LocationFactory()
    en_client.force_login(member)

    response = en_client.post(create_url(organisation), offer_data(location, locations=[elsewhere.pk]))

    assert response.status_code == 200
    assert "locations" in response.context["form"].errors
    assert not Offer.objects.filter(name="Huiswerkklas De Brug").exists()


def test_only_the_organisations_own_locations_are_offered(client, member, organisation, location):
    factories.LocationFactory(name="Elders")
    client.force_login(member)

    response = client.get(create_url(organisation))

    assert list(response.context["form"].fields["locations"].queryset) == [location]


def test_life_domains_are_shown_as_pictograms(client, member, organisation):
    client.force_login(member)

    response = client.get(create_url(organisation))

    assert response.text.count('class="pictogram"') == LifeDomain.objects.count()
    assert "<svg" in response.text


# --- corrections handled while editing ---------------------------------------------------------


def test_admin_sees_open_suggestions_while_editing_and_can_apply_them_on_save(
    client,
    welfare_worker,
    organisation,
    location,
    django_capture_on_commit_callbacks,
):
    offer = factories.OfferFactory(organisation=organisation)
    suggester = factories.UserFactory(email="broker@clb.test")
    correction = OfferCorrection.objects.create(offer=offer, suggested_by=suggester, message="Nieuw adres.")
    client.force_login(welfare_worker)
    url = reverse("welfare:offer_edit", kwargs={"pk": offer.pk})

    page = client.get(f"{url}?correction={correction.pk}")
    assert "Nieuw adres." in page.text
    assert page.context["form"]["apply_corrections"].value() == [correction.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, offer_data(location, apply_corrections=[correction.pk]))

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "applied"
    assert correction.decided_by == welfare_worker
    assert [m.to for m in mail.outbox] == [["broker@clb.test"]]


def test_members_do_not_handle_suggestions_in_the_offer_form(client, member, organisation):
    offer = factories.OfferFactory(organisation=organisation)
    OfferCorrection.objects.create(offer=offer, suggested_by=None, message="Klopt niet.")
    client.force_login(member)

    response = client.get(reverse("welfare:offer_edit", kwargs={"pk": offer.pk}))

    assert "apply_corrections" not in response.context["form"].fields
    assert "Klopt niet." not in response.text
