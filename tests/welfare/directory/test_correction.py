"""A professional suggests a correction to an offer; the organisation's admins hear of it."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import AuditEvent
from tests import factories
from welfare.directory_forms import CORRECTION_MAX_LENGTH
from welfare.models import OfferCorrection

pytestmark = pytest.mark.django_db

MESSAGE = "Op woensdag is het ontmoetingshuis gesloten, niet open zoals hier staat."


@pytest.fixture
def offer(db):
    return factories.OfferFactory(name="Babyspullen lenen")


@pytest.fixture
def admins(offer):
    return [
        factories.member_of(organisation=offer.organisation, role="admin", email="beheer@huisvanhetkind.test"),
        factories.member_of(organisation=offer.organisation, role="admin", email="coordinator@huisvanhetkind.test"),
    ]


def url(offer) -> str:
    return reverse("directory:suggest_correction", args=[offer.pk])


def test_professional_suggests_a_correction_and_the_admins_are_mailed(
    en_client, school_coordinator, offer, admins, django_capture_on_commit_callbacks
):
    factories.member_of(organisation=offer.organisation, role="member", email="lid@huisvanhetkind.test")
    factories.member_of(organisation=offer.organisation, role="admin", status="pending", email="wacht@huis.test")
    en_client.force_login(school_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(url(offer), {"message": f"  {MESSAGE}  "}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("directory:offer", args=[offer.pk])
    assert "The organisation has received your suggestion" in response.content.decode()
    correction = OfferCorrection.objects.get()
    assert (correction.offer, correction.suggested_by, correction.status) == (offer, school_coordinator, "open")
    assert correction.message == MESSAGE

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["beheer@huisvanhetkind.test", "coordinator@huisvanhetkind.test"]
    assert "Babyspullen lenen" in message.subject
    assert MESSAGE in message.body
    assert school_coordinator.email in message.body
    assert f"/aanbod/{offer.pk}/" in message.body

    event = AuditEvent.objects.get(object_id=str(correction.pk), content_type__model="offercorrection")
    assert (event.actor, event.action) == (school_coordinator, "create")
    assert event.changes["offer"] == offer.pk


def test_without_admins_the_moderators_are_told(
    client, bridge_figure, offer, moderator, django_capture_on_commit_callbacks
):
    client.force_login(bridge_figure)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(offer), {"message": MESSAGE})
    assert [m.to for m in mail.outbox] == [[moderator.email]]


def test_the_privacy_guard_refuses_a_phone_number(
    en_client, clb_broker, offer, admins, django_capture_on_commit_callbacks
):
    en_client.force_login(clb_broker)
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(url(offer), {"message": "De mama van Amira belt je terug op 0470 12 34 56."})
    body = response.content.decode()

    assert response.status_code == 200
    assert "Your suggestion was not sent." in body
    assert "a phone number" in body
    assert "De mama van Amira" in body  # what was typed is kept, to edit
    assert 'aria-invalid="true"' in body
    assert not OfferCorrection.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "This field is required."),
        ("   \n  ", "This field is required."),
        ("x" * (CORRECTION_MAX_LENGTH + 1), "at most"),
    ],
)
def test_an_empty_or_too_long_message_is_refused(en_client, school_coordinator, offer, message, error):
    en_client.force_login(school_coordinator)
    response = en_client.post(url(offer), {"message": message})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not OfferCorrection.objects.exists()


def test_the_form_has_a_clear_label_for_professionals(en_client, school_coordinator, offer):
    en_client.force_login(school_coordinator)
    body = en_client.get(reverse("directory:offer", args=[offer.pk])).content.decode()
    assert '<label for="id_message">What is not correct about this offer?</label>' in body


def test_anonymous_visitors_are_invited_to_log_in(en_client, offer):
    body = en_client.get(reverse("directory:offer", args=[offer.pk])).content.decode()
    assert "Professionals can suggest a correction after they log in." in body
    assert url(offer) not in body


def test_anonymous_post_goes_to_login(client, offer):
    response = client.post(url(offer), {"message": MESSAGE})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not OfferCorrection.objects.exists()


def test_pending_member_may_not_suggest(client, offer):
    pending = factories.member_of(school=factories.SchoolFactory(), status="pending")
    client.force_login(pending)
    assert client.post(url(offer), {"message": MESSAGE}).status_code == 403
    assert not OfferCorrection.objects.exists()


def test_no_suggestions_for_offers_outside_the_directory(client, school_coordinator):
    hidden = factories.OfferFactory(is_active=False)
    client.force_login(school_coordinator)
    assert client.post(url(hidden), {"message": MESSAGE}).status_code == 404
