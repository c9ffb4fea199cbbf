"""When a school closes a need, its waiting requests are withdrawn (bridge.signals)."""

import pytest
from django.core import mail
from django.urls import reverse

from bridge import services
from families.services import set_need_status
from portal.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school)


@pytest.fixture
def requests_of_every_kind(need, school_coordinator, welfare_worker, organisation):
    def offer(name):
        return factories.OfferFactory(organisation=organisation, name=name)

    sent = services.propose_match(need=need, offer=offer("Verstuurd"), by=school_coordinator)
    draft = services.propose_match(need=need, offer=offer("Ontwerp"), by=school_coordinator, send=False)
    accepted = services.propose_match(need=need, offer=offer("Aanvaard"), by=school_coordinator)
    services.accept_match(request=accepted, by=welfare_worker)
    declined = services.propose_match(need=need, offer=offer("Geweigerd"), by=school_coordinator)
    services.decline_match(request=declined, by=welfare_worker, reason="no_capacity")
    return {"sent": sent, "draft": draft, "accepted": accepted, "declined": declined}


def statuses(requests: dict) -> dict:
    for request in requests.values():
        request.refresh_from_db()
    return {name: request.status for name, request in requests.items()}


@pytest.mark.parametrize("new_status", ["withdrawn", "addressed"])
def test_closing_a_need_withdraws_its_waiting_requests(
    need, school_coordinator, requests_of_every_kind, new_status, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_need_status(need=need, by=school_coordinator, status=new_status)

    assert statuses(requests_of_every_kind) == {
        "sent": "withdrawn",
        "draft": "withdrawn",
        "accepted": "accepted",
        "declined": "declined",
    }
    withdrawn = AuditEvent.objects.filter(changes__status__1="withdrawn", content_type__model="matchrequest")
    assert {event.actor for event in withdrawn} == {school_coordinator}
    assert withdrawn.count() == 2
    # Only the organisation that had received the request hears about it.
    assert [message.to for message in mail.outbox] == [["worker@welzijn.test"]]


def test_reopening_a_need_changes_no_request(need, school_coordinator, requests_of_every_kind):
    set_need_status(need=need, by=school_coordinator, status="withdrawn")
    before = statuses(requests_of_every_kind)

    set_need_status(need=need, by=school_coordinator, status="open")

    assert statuses(requests_of_every_kind) == before


def test_withdrawing_a_need_on_its_page_withdraws_its_requests(client, need, school_coordinator, organisation):
    asked = services.propose_match(
        need=need, offer=factories.OfferFactory(organisation=organisation), by=school_coordinator
    )
    client.force_login(school_coordinator)

    response = client.post(reverse("families:need_withdraw", kwargs={"pk": need.pk}))

    assert response.status_code == 302
    asked.refresh_from_db()
    need.refresh_from_db()
    assert (need.status, asked.status) == ("withdrawn", "withdrawn")


def test_a_need_closed_without_a_user_still_closes_and_its_requests_stay(need, school_coordinator, organisation):
    asked = services.propose_match(
        need=need, offer=factories.OfferFactory(organisation=organisation), by=school_coordinator
    )

    set_need_status(need=need, by=None, status="addressed")

    need.refresh_from_db()
    asked.refresh_from_db()
    assert (need.status, asked.status) == ("addressed", "sent")
