"""Proposing a match from the board: a broker asks an organisation on the school's behalf, once
the school agreed; nothing is sent when the form is not right."""

import pytest
from django.core import mail
from django.urls import reverse

from bridge import services
from bridge.models import CLBSchool, MatchRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(clb_broker, school):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school, title="Huiswerkhulp na school")


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(organisation=organisation, name="Huiswerkklas De Brug")


def url(need, offer) -> str:
    return reverse("bridge:board_propose", kwargs={"need_pk": need.pk, "offer_pk": offer.pk})


def test_the_page_shows_the_need_and_the_offer(en_client, broker, need, offer):
    en_client.force_login(broker)
    response = en_client.get(url(need, offer))
    assert response.status_code == 200
    page = response.content.decode()
    assert need.title in page
    assert offer.name in page
    assert "The school agreed that we ask this organisation" in page


def test_a_broker_proposes_once_the_school_agreed(
    client, broker, need, offer, welfare_worker, django_capture_on_commit_callbacks
):
    client.force_login(broker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(need, offer), {"school_agreed": "on", "message": "  Liefst op woensdag.  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("bridge:board") + "?section=waiting"
    request = MatchRequest.objects.get()
    assert (request.status, request.proposed_by, request.school_agreed) == ("sent", broker, True)
    assert request.message == "Liefst op woensdag."
    assert [message.to for message in mail.outbox] == [["worker@welzijn.test"]]


def test_a_bridge_figure_proposes_too(client, bridge_figure, need, offer):
    client.force_login(bridge_figure)
    assert client.post(url(need, offer), {"school_agreed": "on"}).status_code == 302
    assert MatchRequest.objects.get().proposed_by == bridge_figure


def test_without_the_schools_agreement_nothing_is_sent(en_client, broker, need, offer):
    en_client.force_login(broker)
    response = en_client.post(url(need, offer), {"message": "Graag"})
    assert response.status_code == 200
    assert "Record that the school agreed before you propose a match on its behalf." in response.content.decode()
    assert response.context["form"]["message"].value() == "Graag"
    assert not MatchRequest.objects.exists()


def test_a_message_with_personal_data_is_refused(client, broker, need, offer):
    client.force_login(broker)
    response = client.post(url(need, offer), {"school_agreed": "on", "message": "Bel mama op 0475 12 34 56"})
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert not MatchRequest.objects.exists()


def test_an_offer_already_asked_is_refused_with_the_reason(en_client, broker, need, offer):
    services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    en_client.force_login(broker)
    assert "it is waiting for an answer" in en_client.get(url(need, offer)).content.decode()
    response = en_client.post(url(need, offer), {"school_agreed": "on"})
    assert response.status_code == 200
    assert MatchRequest.objects.count() == 1


def test_a_need_that_is_no_longer_open_is_refused(en_client, broker, need, offer):
    need.status = "addressed"
    need.save(update_fields=["status"])
    en_client.force_login(broker)
    response = en_client.post(url(need, offer), {"school_agreed": "on"})
    assert response.status_code == 200
    assert "no longer open" in response.content.decode()
    assert not MatchRequest.objects.exists()


def test_an_inactive_offer_cannot_be_proposed(client, broker, need, offer):
    offer.is_active = False
    offer.save(update_fields=["is_active"])
    client.force_login(broker)
    assert client.get(url(need, offer)).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("school_coordinator", 403), ("welfare_worker", 404)])
def test_only_brokers_and_moderators_propose_here(client, request, persona, status, need, offer):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(need, offer)).status_code == status
    assert client.post(url(need, offer), {"school_agreed": "on"}).status_code == status
    assert not MatchRequest.objects.exists()


def test_a_broker_of_another_school_is_told_the_need_does_not_exist(client, clb_broker, need, offer):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=factories.SchoolFactory())
    client.force_login(clb_broker)
    assert client.get(url(need, offer)).status_code == 404
