"""Registering a new organisation or school, and the moderators verifying or declining it."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import services
from portal.models import AuditEvent, Membership
from portal.services import MembershipError
from schools.models import School
from tests import factories
from welfare.models import Location, Offer, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

REGISTER_ORGANISATION = reverse("membership:register_organisation")
REGISTER_SCHOOL = reverse("membership:register_school")
QUEUE = reverse("membership:moderation")


@pytest.fixture
def moderators(db):
    return [
        factories.UserFactory(email="mod-a@brugwijzer.test", is_moderator=True),
        factories.UserFactory(email="mod-b@brugwijzer.test", is_moderator=True),
    ]


def _organisation_data(**overrides) -> dict:
    return {
        "name": "Inloopteam De Brug",
        "kind": OrganisationKind.objects.get(slug="inloopteam").pk,
        "description": "Ontmoeting en ondersteuning voor gezinnen met jonge kinderen.",
        "kbo_number": "0123.456.749",
        "website": "inloopteam-debrug.be",
        "email": "Info@DeBrug.test",
        "phone": " 03  123 45 67 ",
        "street": "Kerkstraat 1",
        "postal_code": "9100",
        **overrides,
    }


def _school_data(**overrides) -> dict:
    return {
        "name": "Basisschool De Zonnebloem",
        "institution_number": "123 456",
        "level_kleuter": "on",
        "level_lager": "on",
        "network": "KOV",
        "street": "Schoolstraat 5",
        "postal_code": "9100",
        "contact_email": "directie@zonnebloem.test",
        **overrides,
    }


def _register(client, user, url, data, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, data)


def _errors(response) -> dict:
    return {field: [str(e) for e in errors] for field, errors in response.context["form"].errors.items()}


# --- registering an organisation --------------------------------------------------------------


def test_register_organisation_then_a_moderator_verifies_and_the_registrant_is_its_admin(
    client, moderators, django_capture_on_commit_callbacks
):
    registrant = factories.UserFactory(email="stichter@debrug.test")
    response = _register(
        client, registrant, REGISTER_ORGANISATION, _organisation_data(), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302, _errors(response) if response.status_code == 200 else response
    assert response["Location"] == reverse("membership:join")

    organisation = Organisation.objects.get(name="Inloopteam De Brug")
    assert (organisation.kbo_number, organisation.email, organisation.phone) == (
        "0123456749",
        "info@debrug.test",
        "03 123 45 67",
    )
    assert organisation.website == "https://inloopteam-debrug.be"
    assert organisation.registered_by == registrant
    assert (organisation.verified_at, organisation.declined_at) == (None, None)
    assert list(Organisation.objects.awaiting_verification()) == [organisation]
    location = Location.objects.get(organisation=organisation)
    assert (location.street, location.postal_code, location.municipality.name_nl) == (
        "Kerkstraat 1",
        "9100",
        "Sint-Niklaas",
    )
    membership = Membership.objects.get(user=registrant)
    assert (membership.organisation, membership.role, membership.status) == (organisation, "admin", "pending")
    assert [m.to for m in mail.outbox] == [["mod-a@brugwijzer.test", "mod-b@brugwijzer.test"]]
    assert services.review_url(organisation) in mail.outbox[0].body
    assert AuditEvent.objects.filter(object_repr="Inloopteam De Brug", action="create").exists()

    offer = factories.OfferFactory(organisation=organisation)
    assert offer not in Offer.objects.public(), "unverified organisations stay out of the directory"

    mail.outbox.clear()
    client.force_login(moderators[0])
    assert client.get(QUEUE).context["organisations"].object_list[0] == organisation
    assert client.get(services.review_url(organisation)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("membership:verify_organisation", args=[organisation.pk]))
    assert response["Location"] == QUEUE

    organisation.refresh_from_db()
    membership.refresh_from_db()
    assert organisation.verified_at is not None and organisation.verified_by == moderators[0]
    assert (membership.status, membership.role, membership.decided_by) == ("approved", "admin", moderators[0])
    assert offer in Offer.objects.public()
    assert [m.to for m in mail.outbox] == [["stichter@debrug.test"]]
    assert services.members_url(organisation) in mail.outbox[0].body

    client.force_login(registrant)
    assert client.get(services.members_url(organisation)).context["can_manage"] is True


def test_a_moderator_declines_with_a_reason_and_the_registrant_is_told_why(
    en_client, moderators, django_capture_on_commit_callbacks
):
    registrant = factories.UserFactory(email="stichter@twijfel.test")
    _register(
        en_client,
        registrant,
        REGISTER_ORGANISATION,
        _organisation_data(name="Twijfelachtig"),
        django_capture_on_commit_callbacks,
    )
    organisation = Organisation.objects.get(name="Twijfelachtig")
    mail.outbox.clear()
    en_client.force_login(moderators[0])

    response = en_client.post(reverse("membership:decline_organisation", args=[organisation.pk]), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Say why you decline: the person who registered it receives this reason."
    ]
    assert 'aria-invalid="true"' in response.text
    organisation.refresh_from_db()
    assert organisation.declined_at is None
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(
            reverse("membership:decline_organisation", args=[organisation.pk]),
            {"reason": "Dit is een commercieel bedrijf, geen welzijnsorganisatie."},
        )
    assert response["Location"] == QUEUE
    organisation.refresh_from_db()
    assert organisation.declined_at is not None
    assert organisation.decline_reason == "Dit is een commercieel bedrijf, geen welzijnsorganisatie."
    assert organisation.verified_at is None
    assert Membership.objects.get(user=registrant).status == "declined"
    assert [m.to for m in mail.outbox] == [["stichter@twijfel.test"]]
    assert "commercieel bedrijf" in mail.outbox[0].body
    assert organisation not in Organisation.objects.awaiting_verification()


def test_the_decline_reason_is_required_in_the_service_too(moderators):
    organisation = factories.OrganisationFactory(verified_at=None)
    with pytest.raises(MembershipError):
        services.decline_organisation(organisation=organisation, by=moderators[0], reason=" ")


def test_a_postal_code_of_several_municipalities_asks_which_one_and_keeps_the_input(
    en_client, django_capture_on_commit_callbacks
):
    registrant = factories.UserFactory()
    response = _register(
        en_client,
        registrant,
        REGISTER_ORGANISATION,
        _organisation_data(postal_code="1804"),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert _errors(response) == {
        "municipality": ["The postal code 1804 is used by several municipalities: choose the right one."]
    }
    assert 'value="Inloopteam De Brug"' in response.text
    assert [label for _value, label in response.context["form"].fields["municipality"].widget.choices][1:] == [
        "Vilvoorde",
        "Zemst",
    ]
    assert not Organisation.objects.filter(name="Inloopteam De Brug").exists()

    zemst = factories.municipality("23096")
    response = _register(
        en_client,
        registrant,
        REGISTER_ORGANISATION,
        _organisation_data(postal_code="1804", municipality=zemst.pk),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert Location.objects.get(organisation__name="Inloopteam De Brug").municipality == zemst


def test_the_postal_code_lookup_answers_htmx_with_the_municipality_field(client):
    client.force_login(factories.UserFactory())
    response = client.get(REGISTER_ORGANISATION, {"postal_code": "1804"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="municipality-field"')
    assert "Vilvoorde" in response.text and "Zemst" in response.text
    response = client.get(REGISTER_ORGANISATION, {"postal_code": "9100"}, HTTP_HX_REQUEST="true")
    assert "Sint-Niklaas" in response.text
    assert "Vilvoorde" not in response.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kbo_number": "0123.456.789"}, "kbo_number", "is not a valid KBO number"),
        ({"postal_code": "12"}, "postal_code", "four digits"),
        ({"postal_code": "9999"}, "postal_code", "We do not know the postal code 9999"),
        ({"name": ""}, "name", "This field is required."),
        ({"website": "niet een adres"}, "website", "Enter a valid URL."),
    ],
)
def test_bad_organisation_input_shows_errors_and_changes_nothing(en_client, overrides, field, message):
    en_client.force_login(factories.UserFactory())
    response = en_client.post(REGISTER_ORGANISATION, _organisation_data(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response)[field]), _errors(response)
    assert 'id="error-summary"' in response.text
    assert not Organisation.objects.filter(registered_by__isnull=False).exists()
    assert not Membership.objects.exists()


def test_an_organisation_already_on_brugwijzer_cannot_be_registered_again(en_client):
    factories.OrganisationFactory(name="Inloopteam De Brug", kbo_number="0123456749")
    en_client.force_login(factories.UserFactory())
    response = en_client.post(REGISTER_ORGANISATION, _organisation_data(name="inloopteam  de brug"))
    errors = _errors(response)
    assert "Ask to join it instead" in errors["name"][0]
    assert "Ask to join it instead" in errors["kbo_number"][0]


def test_a_user_with_a_place_cannot_register_something_new(en_client):
    user = factories.member_of(organisation=factories.OrganisationFactory(name="Mijn Plek"))
    en_client.force_login(user)
    response = en_client.post(REGISTER_ORGANISATION, _organisation_data(), follow=True)
    assert "You already have a place on Brugwijzer (Mijn Plek)" in str(list(response.context["messages"])[0])
    assert not Organisation.objects.filter(name="Inloopteam De Brug").exists()
    with pytest.raises(MembershipError):
        services.register_organisation(
            by=user,
            name="X",
            kind=OrganisationKind.objects.first(),
            street="A 1",
            postal_code="9100",
            municipality=factories.municipality(),
        )


def test_withdrawing_a_registration_closes_it(client, django_capture_on_commit_callbacks):
    registrant = factories.UserFactory()
    _register(client, registrant, REGISTER_ORGANISATION, _organisation_data(), django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user=registrant)
    client.post(reverse("membership:withdraw", args=[membership.pk]))
    organisation = Organisation.objects.get(name="Inloopteam De Brug")
    assert organisation.declined_at is not None
    assert not Organisation.objects.awaiting_verification().exists()
    assert Membership.objects.get(pk=membership.pk).status == "declined"


# --- registering a school -----------------------------------------------------------------------


def test_register_a_school_then_a_moderator_verifies_it(client, moderators, django_capture_on_commit_callbacks):
    registrant = factories.UserFactory(email="directie@zonnebloem.test")
    response = _register(client, registrant, REGISTER_SCHOOL, _school_data(), django_capture_on_commit_callbacks)
    assert response.status_code == 302, _errors(response) if response.status_code == 200 else ""
    school = School.objects.get(institution_number="123456")
    assert (school.level_kleuter, school.level_lager, school.level_secundair) == (True, True, False)
    assert school.municipality.name_nl == "Sint-Niklaas"
    assert list(School.objects.awaiting_verification()) == [school]
    assert mail.outbox[0].to == ["mod-a@brugwijzer.test", "mod-b@brugwijzer.test"]
    assert "school" in mail.outbox[0].subject.lower()

    mail.outbox.clear()
    client.force_login(moderators[1])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("membership:verify_school", args=[school.pk]))
    school.refresh_from_db()
    assert school.verified_by == moderators[1]
    assert Membership.objects.get(user=registrant).is_admin
    assert [m.to for m in mail.outbox] == [["directie@zonnebloem.test"]]


def test_a_school_needs_a_level_and_a_unique_six_digit_institution_number(en_client):
    factories.SchoolFactory(institution_number="654321")
    en_client.force_login(factories.UserFactory())
    response = en_client.post(
        REGISTER_SCHOOL, _school_data(level_kleuter="", level_lager="", institution_number="654321")
    )
    errors = _errors(response)
    assert errors["level_kleuter"] == ["Tick at least one level the school offers."]
    assert "already on Brugwijzer" in errors["institution_number"][0]
    response = en_client.post(REGISTER_SCHOOL, _school_data(institution_number="12345"))
    assert "exactly six digits" in _errors(response)["institution_number"][0]
    assert not School.objects.filter(registered_by__isnull=False).exists()


def test_a_school_is_declined_with_a_reason(client, moderators, django_capture_on_commit_callbacks):
    registrant = factories.UserFactory(email="nep@school.test")
    _register(client, registrant, REGISTER_SCHOOL, _school_data(), django_capture_on_commit_callbacks)
    school = School.objects.get(institution_number="123456")
    mail.outbox.clear()
    client.force_login(moderators[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("membership:decline_school", args=[school.pk]), {"reason": "Onbekend instellingsnummer."})
    school.refresh_from_db()
    assert school.decline_reason == "Onbekend instellingsnummer."
    assert Membership.objects.get(user=registrant).status == "declined"
    assert [m.to for m in mail.outbox] == [["nep@school.test"]]


# --- the moderators' rules ----------------------------------------------------------------------


def test_only_moderators_verify(moderators):
    organisation = factories.OrganisationFactory(verified_at=None)
    admin_elsewhere = factories.member_of(organisation=factories.OrganisationFactory(), role="admin")
    with pytest.raises(MembershipError):
        services.verify_organisation(organisation=organisation, by=admin_elsewhere)
    organisation.refresh_from_db()
    assert organisation.verified_at is None


def test_a_moderator_does_not_verify_what_they_registered_themselves(
    en_client, moderators, django_capture_on_commit_callbacks
):
    _register(en_client, moderators[0], REGISTER_ORGANISATION, _organisation_data(), django_capture_on_commit_callbacks)
    organisation = Organisation.objects.get(name="Inloopteam De Brug")
    response = en_client.post(reverse("membership:verify_organisation", args=[organisation.pk]), follow=True)
    assert "another moderator has to verify it" in " ".join(str(m) for m in response.context["messages"])
    organisation.refresh_from_db()
    assert organisation.verified_at is None
    services.verify_organisation(organisation=organisation, by=moderators[1])


def test_a_registration_cannot_be_verified_twice_or_verified_after_declining(moderators):
    organisation = factories.OrganisationFactory(verified_at=None)
    stale = Organisation.objects.get(pk=organisation.pk)
    services.decline_organisation(organisation=organisation, by=moderators[0], reason="Dubbel.")
    with pytest.raises(MembershipError):
        services.verify_organisation(organisation=stale, by=moderators[1])
    school = factories.SchoolFactory(verified_at=None)
    services.verify_school(school=school, by=moderators[0])
    with pytest.raises(MembershipError):
        services.verify_school(school=School.objects.get(pk=school.pk), by=moderators[1])


def test_the_queue_shows_registrations_and_requests_nobody_else_can_decide(client, moderators):
    waiting = factories.OrganisationFactory(name="Wacht op verificatie", verified_at=None)
    factories.OrganisationFactory(name="Al geweigerd", verified_at=None, declined_at="2026-01-01T10:00:00Z")
    school = factories.SchoolFactory(name="Nieuwe school", verified_at=None)
    clb = factories.CLBFactory()
    orphan = factories.member_of(clb=clb, status="pending")
    with_admin = factories.OrganisationFactory()
    factories.member_of(organisation=with_admin, role="admin")
    factories.member_of(organisation=with_admin, status="pending")
    factories.member_of(organisation=waiting, role="admin", status="pending")  # the registrant: decided by verifying

    client.force_login(moderators[0])
    response = client.get(QUEUE)
    assert list(response.context["organisations"]) == [waiting]
    assert list(response.context["schools"]) == [school]
    assert [m.user for m in response.context["requests"]] == [orphan]


def test_the_queue_takes_the_same_number_of_queries_for_3_or_30_items(client, moderators):
    client.force_login(moderators[0])

    def count_with(n: int) -> int:
        for _ in range(n):
            registrant = factories.UserFactory()
            organisation = factories.OrganisationFactory(verified_at=None, registered_by=registrant)
            factories.LocationFactory(organisation=organisation)
            factories.SchoolFactory(verified_at=None, registered_by=factories.UserFactory())
            factories.member_of(clb=factories.CLBFactory(), status="pending")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(17)
