""" "Ask this partner": a school member asks for the school, a broker on its behalf once the
school agreed; refusals are shown on the matching page with what was typed."""

import pytest
from django.core import mail
from django.urls import reverse

from bridge.models import MatchRequest
from portal.models import AuditEvent
from tests import factories
from tests.bridge.matchview import broker_for, nearby_offer, sent_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school, title="Huiswerkhulp na school")


@pytest.fixture
def offer(welfare_worker, organisation):
    offer = nearby_offer(name="Huiswerkklas De Brug")
    offer.organisation = organisation
    offer.save(update_fields=["organisation"])
    return offer


def url(need, offer) -> str:
    return reverse("bridge:ask_partner", kwargs={"need_pk": need.pk, "offer_pk": offer.pk})


def test_school_member_asks_a_partner_and_lands_on_the_request(
    en_client, school_coordinator, need, offer, django_capture_on_commit_callbacks
):
    en_client.force_login(school_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(url(need, offer), {"message": "De klas is vrij op woensdagmiddag."}, follow=True)

    match_request = MatchRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("bridge:request_detail", kwargs={"pk": match_request.pk})
    assert match_request.status == "sent"
    assert match_request.school_agreed is True
    assert match_request.proposed_by == school_coordinator
    assert match_request.message == "De klas is vrij op woensdagmiddag."
    assert "Your request has been sent to" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["worker@welzijn.test"]]


def test_broker_must_record_that_the_school_agreed(en_client, clb_broker, school, need, offer):
    broker_for(clb_broker, school)
    en_client.force_login(clb_broker)

    response = en_client.post(url(need, offer), {"message": "Graag snel contact."})

    assert response.status_code == 200
    assert not MatchRequest.objects.exists()
    page = response.content.decode()
    assert "was not sent" in page
    assert "Confirm that the school agreed before you ask on its behalf." in page
    assert "Graag snel contact." in page  # what was typed is kept


def test_broker_who_records_the_agreement_asks_on_the_schools_behalf(en_client, clb_broker, school, need, offer):
    broker_for(clb_broker, school)
    en_client.force_login(clb_broker)

    response = en_client.post(url(need, offer), {"school_agreed": "on"})

    match_request = MatchRequest.objects.get()
    assert response.status_code == 302
    assert match_request.school_agreed is True
    assert match_request.proposed_by == clb_broker


def test_moderator_also_records_the_agreement(client, moderator, need, offer):
    client.force_login(moderator)

    assert client.post(url(need, offer), {}).status_code == 200
    assert not MatchRequest.objects.exists()
    assert client.post(url(need, offer), {"school_agreed": "on"}).status_code == 302
    assert MatchRequest.objects.get().proposed_by == moderator


def test_school_member_does_not_need_the_checkbox(client, school_coordinator, need, offer):
    client.force_login(school_coordinator)

    assert client.post(url(need, offer), {}).status_code == 302
    assert MatchRequest.objects.get().school_agreed is True


def test_outsider_gets_404_and_nothing_is_asked(client, outsider, need, offer):
    client.force_login(outsider)

    assert client.post(url(need, offer), {"school_agreed": "on"}).status_code == 404
    assert not MatchRequest.objects.exists()


def test_pending_member_gets_403_and_nothing_is_asked(client, school, need, offer):
    client.force_login(factories.member_of(school=school, status="pending"))

    assert client.post(url(need, offer), {}).status_code == 403
    assert not MatchRequest.objects.exists()


def test_unknown_offer_is_404(client, school_coordinator, need):
    client.force_login(school_coordinator)

    response = client.post(reverse("bridge:ask_partner", kwargs={"need_pk": need.pk, "offer_pk": 999999}), {})

    assert response.status_code == 404


def test_offer_of_an_unverified_organisation_is_404(client, school_coordinator, need):
    offer = nearby_offer(name="Nieuwe vzw")
    offer.organisation.verified_at = None
    offer.organisation.save(update_fields=["verified_at"])
    client.force_login(school_coordinator)

    assert client.post(url(need, offer), {}).status_code == 404
    assert not MatchRequest.objects.exists()


def test_asking_twice_shows_the_refusal_and_keeps_the_message(en_client, school_coordinator, need, offer):
    sent_request(need=need, offer=offer)
    en_client.force_login(school_coordinator)

    response = en_client.post(url(need, offer), {"message": "Nog een keer."})

    assert response.status_code == 200
    assert MatchRequest.objects.count() == 1
    page = response.content.decode()
    assert "already been sent to this organisation" in page
    assert 'role="alert"' in page


def test_refusal_for_an_offer_outside_the_suggestions_is_still_explained(en_client, school_coordinator, need):
    inactive = nearby_offer(name="Gestopte huiswerkklas", is_active=False)
    en_client.force_login(school_coordinator)

    response = en_client.post(url(need, inactive), {"message": "Nog actief?"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "This offer is no longer active" in page
    assert "Gestopte huiswerkklas" in page
    assert not MatchRequest.objects.exists()


def test_message_with_personal_data_is_refused(en_client, school_coordinator, need, offer):
    en_client.force_login(school_coordinator)

    response = en_client.post(url(need, offer), {"message": "Bel mama op 0470 12 34 56."})

    assert response.status_code == 200
    assert not MatchRequest.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="matchrequest").exists()
    assert "This text contains a phone number" in response.content.decode()


def test_closed_need_cannot_be_asked_for(en_client, school_coordinator, school, offer):
    need = factories.FamilyNeedFactory(school=school, status="withdrawn")
    en_client.force_login(school_coordinator)

    response = en_client.post(url(need, offer), {})

    assert response.status_code == 200
    assert "This need is no longer open" in response.content.decode()
    assert not MatchRequest.objects.exists()


def test_get_goes_back_to_the_matching_page(client, school_coordinator, need, offer):
    client.force_login(school_coordinator)

    response = client.get(url(need, offer))

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("bridge:need_matches", kwargs={"need_pk": need.pk}) + f"#suggestion-{offer.pk}"
    )
