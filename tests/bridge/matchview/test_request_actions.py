"""Withdrawing and sending a request from its page."""

import pytest
from django.core import mail
from django.urls import reverse

from bridge import services
from bridge.models import MatchRequest
from portal.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school, title="Huiswerkhulp na school")


@pytest.fixture
def offer(organisation, welfare_worker):
    return factories.OfferFactory(organisation=organisation, name="Huiswerkklas De Brug")


@pytest.fixture
def asked(need, offer, school_coordinator):
    return services.propose_match(need=need, offer=offer, by=school_coordinator)


@pytest.fixture
def draft(need, offer, bridge_figure):
    return services.propose_match(need=need, offer=offer, by=bridge_figure, school_agreed=True, send=False)


def withdraw_url(match_request) -> str:
    return reverse("bridge:request_withdraw", kwargs={"pk": match_request.pk})


def send_url(match_request) -> str:
    return reverse("bridge:request_send", kwargs={"pk": match_request.pk})


def detail_url(match_request) -> str:
    return reverse("bridge:request_detail", kwargs={"pk": match_request.pk})


def test_withdrawing_asks_for_confirmation_first(en_client, school_coordinator, asked):
    en_client.force_login(school_coordinator)

    response = en_client.get(withdraw_url(asked))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Yes, withdraw the request" in page
    assert "told by e-mail" in page
    asked.refresh_from_db()
    assert asked.status == "sent"


def test_withdrawing_a_sent_request_tells_the_organisation(
    en_client, school_coordinator, asked, django_capture_on_commit_callbacks
):
    en_client.force_login(school_coordinator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(withdraw_url(asked), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(asked)
    asked.refresh_from_db()
    assert asked.status == "withdrawn"
    assert "The request has been withdrawn." in response.content.decode()
    assert [message.to for message in mail.outbox] == [["worker@welzijn.test"]]
    assert AuditEvent.objects.filter(object_id=str(asked.pk), changes__status=["sent", "withdrawn"]).exists()


def test_withdrawing_a_draft_sends_no_mail(client, bridge_figure, draft, django_capture_on_commit_callbacks):
    client.force_login(bridge_figure)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(withdraw_url(draft))

    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    assert mail.outbox == []


def test_withdrawing_an_answered_request_is_refused_with_a_message(
    en_client, school_coordinator, welfare_worker, asked
):
    services.decline_match(request=asked, by=welfare_worker, reason="outside_area")
    en_client.force_login(school_coordinator)

    response = en_client.post(withdraw_url(asked), follow=True)

    asked.refresh_from_db()
    assert asked.status == "declined"
    assert "already been answered" in response.content.decode()


def test_confirmation_page_of_an_answered_request_goes_back_to_it(en_client, school_coordinator, welfare_worker, asked):
    services.decline_match(request=asked, by=welfare_worker, reason="outside_area")
    en_client.force_login(school_coordinator)

    response = en_client.get(withdraw_url(asked))

    assert response.status_code == 302
    assert response["Location"] == detail_url(asked)


def test_organisation_member_may_not_withdraw(client, welfare_worker, asked):
    client.force_login(welfare_worker)

    assert client.post(withdraw_url(asked)).status_code == 403
    asked.refresh_from_db()
    assert asked.status == "sent"


def test_sending_a_draft_tells_the_organisation(
    en_client, school_coordinator, draft, django_capture_on_commit_callbacks
):
    en_client.force_login(school_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(send_url(draft), follow=True)

    draft.refresh_from_db()
    assert draft.status == "sent"
    assert draft.sent_at is not None
    assert "The request has been sent to" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["worker@welzijn.test"]]


def test_sending_a_request_that_was_sent_already_is_refused_with_a_message(en_client, school_coordinator, asked):
    en_client.force_login(school_coordinator)

    response = en_client.post(send_url(asked), follow=True)

    assert "still waiting for an answer" in response.content.decode()
    assert MatchRequest.objects.get().status == "sent"


def test_sending_for_a_closed_need_is_refused_with_a_message(en_client, school_coordinator, draft, need):
    need.status = "addressed"
    need.save(update_fields=["status"])
    en_client.force_login(school_coordinator)

    response = en_client.post(send_url(draft), follow=True)

    assert "This need is no longer open" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "proposed"


def test_sending_is_post_only(client, school_coordinator, draft):
    client.force_login(school_coordinator)

    assert client.get(send_url(draft)).status_code == 405


def test_outsider_cannot_send_or_withdraw(client, outsider, draft):
    client.force_login(outsider)

    assert client.post(send_url(draft)).status_code == 404
    assert client.post(withdraw_url(draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "proposed"
