"""A match request's page: who may read it, what it says, its history and the steps on offer."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from bridge import services
from tests import factories
from tests.bridge.matchview import broker_for, nearby_offer, sent_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(
        school=school, title="Huiswerkhulp na school", description="Vaak alleen thuis na school."
    )


@pytest.fixture
def offer(organisation, welfare_worker):
    return factories.OfferFactory(organisation=organisation, name="Huiswerkklas De Brug")


@pytest.fixture
def asked(need, offer, school_coordinator):
    return services.propose_match(need=need, offer=offer, by=school_coordinator, message="Woensdag past het best.")


def url(match_request) -> str:
    return reverse("bridge:request_detail", kwargs={"pk": match_request.pk})


def test_school_member_reads_the_request_with_its_history(en_client, school_coordinator, asked):
    en_client.force_login(school_coordinator)

    response = en_client.get(url(asked))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Request to" in page
    assert "Huiswerkhulp na school" in page
    assert "Huiswerkklas De Brug" in page
    assert "Woensdag past het best." in page
    assert "Sent on" in page
    assert "Asked the organisation" in page  # the history, from the audit log
    assert escape(school_coordinator.get_full_name()) in page  # names like D'Hondt are escaped
    assert "Withdraw the request" in page
    assert "Send to the organisation" not in page
    assert "The whole need" in page


def test_history_tells_each_step(en_client, school_coordinator, welfare_worker, need, offer):
    draft = services.propose_match(need=need, offer=offer, by=school_coordinator, send=False)
    services.send_match(request=draft, by=school_coordinator)
    services.decline_match(request=draft, by=welfare_worker, reason="no_capacity")
    en_client.force_login(school_coordinator)

    response = en_client.get(url(draft))

    summaries = [entry["summary"] for entry in response.context["history"]]
    assert summaries == ["Saved as a draft", "Sent to the organisation", "Declined by the organisation: no capacity"]
    page = response.content.decode()
    assert "Reason for declining" in page
    assert "No capacity" in page
    assert "Withdraw the request" not in page


def test_organisation_member_reads_a_sent_request_without_the_description(en_client, welfare_worker, asked):
    en_client.force_login(welfare_worker)

    response = en_client.get(url(asked))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Request from" in page
    assert "Vaak alleen thuis na school." not in page
    assert "The whole need" not in page
    assert "Withdraw the request" not in page
    assert reverse("bridge:request_accept", kwargs={"pk": asked.pk}) in page
    assert reverse("bridge:request_decline", kwargs={"pk": asked.pk}) in page


def test_organisation_member_does_not_see_a_draft(client, welfare_worker, school_coordinator, need, offer):
    draft = services.propose_match(need=need, offer=offer, by=school_coordinator, send=False)
    client.force_login(welfare_worker)

    assert client.get(url(draft)).status_code == 404


def test_draft_offers_sending_to_the_school_side(en_client, bridge_figure, need, offer):
    draft = services.propose_match(need=need, offer=offer, by=bridge_figure, school_agreed=True, send=False)
    en_client.force_login(bridge_figure)

    page = en_client.get(url(draft)).content.decode()

    assert "A draft" in page
    assert "Send to the organisation" in page
    assert "Withdraw the request" in page


def test_accepted_request_links_to_its_collaboration(en_client, school_coordinator, welfare_worker, asked):
    collaboration = services.accept_match(request=asked, by=welfare_worker)
    en_client.force_login(school_coordinator)

    page = en_client.get(url(asked)).content.decode()

    assert collaboration.title in page
    assert reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) in page
    assert "Accepted by the organisation" in page
    assert "Withdraw the request" not in page


def test_broker_of_the_school_reads_the_request(client, clb_broker, school, asked):
    broker_for(clb_broker, school)
    client.force_login(clb_broker)

    assert client.get(url(asked)).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "local_government"])
def test_others_get_404(request, client, asked, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(asked)).status_code == 404


def test_pending_school_member_gets_404(client, school, asked):
    client.force_login(factories.member_of(school=school, status="pending"))

    assert client.get(url(asked)).status_code == 404


def test_request_without_history_says_so(en_client, school_coordinator, need):
    match_request = sent_request(need=need, offer=nearby_offer(name="Leesclub"))
    en_client.force_login(school_coordinator)

    page = en_client.get(url(match_request)).content.decode()

    assert "No changes have been recorded for this request." in page
    assert "A former user" in page
