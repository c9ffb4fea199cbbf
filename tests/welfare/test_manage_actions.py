"""One-click actions on an offer: capacity, 'still correct', deactivate and reactivate. With
htmx they answer with the offer's updated card; without, with a redirect and a message."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from tests import factories
from welfare.models import Offer

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def member(organisation):
    return factories.member_of(organisation=organisation, role="member", email="member@welzijn.test")


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(
        organisation=organisation, name="Speelotheek", last_confirmed=datetime.date(2021, 5, 1)
    )


def url(name: str, offer: Offer) -> str:
    return reverse(f"welfare:{name}", kwargs={"pk": offer.pk})


def dashboard(offer: Offer) -> str:
    return reverse("welfare:dashboard", kwargs={"pk": offer.organisation_id}) + f"#offer-{offer.pk}"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- capacity ----------------------------------------------------------------------------------


def test_member_sets_a_waiting_list_with_weeks(en_client, member, offer):
    en_client.force_login(member)

    response = en_client.post(url("offer_capacity", offer), {"capacity": "waiting_list", "waiting_weeks": "6"})

    assert response.status_code == 302
    assert response["Location"] == dashboard(offer)
    offer.refresh_from_db()
    assert (offer.capacity, offer.waiting_weeks) == ("waiting_list", 6)
    assert messages_of(response) == ["“Speelotheek”: waiting list of about 6 weeks."]
    event = AuditEvent.objects.get(content_type__model="offer", object_id=str(offer.pk))
    assert event.changes == {"capacity": ["open", "waiting_list"], "waiting_weeks": [None, 6]}


def test_setting_open_or_full_clears_the_waiting_time(client, member, organisation):
    offer = factories.OfferFactory(organisation=organisation, capacity="waiting_list", waiting_weeks=8)
    client.force_login(member)

    client.post(url("offer_capacity", offer), {"capacity": "full", "waiting_weeks": "8"})

    offer.refresh_from_db()
    assert (offer.capacity, offer.waiting_weeks) == ("full", None)


def test_waiting_list_without_weeks_is_refused_with_a_form(en_client, member, offer):
    en_client.force_login(member)

    response = en_client.post(url("offer_capacity", offer), {"capacity": "waiting_list", "waiting_weeks": ""})

    assert response.status_code == 200
    assert "say roughly how many weeks" in response.text
    offer.refresh_from_db()
    assert offer.capacity == "open"
    assert not AuditEvent.objects.exists()


def test_htmx_capacity_returns_the_updated_card(en_client, member, offer):
    en_client.force_login(member)

    response = en_client.post(url("offer_capacity", offer), {"capacity": "full"}, **HTMX)

    assert response.status_code == 200
    text = response.text.strip()
    assert text.startswith(f'<article class="card offer-card" id="offer-{offer.pk}"')
    assert "<html" not in text
    assert 'class="badge badge-full"' in text
    assert "“Speelotheek”: full." in text


def test_htmx_capacity_error_is_shown_in_the_card(en_client, member, offer):
    en_client.force_login(member)

    response = en_client.post(url("offer_capacity", offer), {"capacity": "waiting_list"}, **HTMX)

    assert response.status_code == 200
    assert f'id="offer-{offer.pk}-errors"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "say roughly how many weeks" in response.text
    offer.refresh_from_db()
    assert offer.capacity == "open"


def test_capacity_page_without_javascript_shows_the_form(en_client, member, offer):
    en_client.force_login(member)

    response = en_client.get(url("offer_capacity", offer))

    assert response.status_code == 200
    assert "Capacity of Speelotheek" in response.text


# --- still correct -----------------------------------------------------------------------------


def test_still_correct_sets_last_confirmed_to_today(client, member, offer):
    client.force_login(member)

    response = client.post(url("offer_confirm", offer))

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.last_confirmed == timezone.localdate()
    event = AuditEvent.objects.get(content_type__model="offer")
    assert event.changes == {"last_confirmed": ["2021-05-01", str(timezone.localdate())]}


def test_htmx_still_correct_drops_the_stale_marker(en_client, member, offer):
    en_client.force_login(member)
    assert "To confirm" in en_client.get(reverse("welfare:dashboard", kwargs={"pk": offer.organisation_id})).text

    response = en_client.post(url("offer_confirm", offer), **HTMX)

    assert "To confirm" not in response.text
    assert "is confirmed as correct today" in response.text
    assert timezone.localdate().strftime("%Y-%m-%d") in response.text


def test_confirm_only_accepts_post(client, member, offer):
    client.force_login(member)

    assert client.get(url("offer_confirm", offer)).status_code == 405


# --- deactivate and reactivate -----------------------------------------------------------------


def test_deactivate_asks_for_confirmation_first(en_client, member, offer):
    en_client.force_login(member)

    response = en_client.get(url("offer_deactivate", offer))

    assert response.status_code == 200
    assert "Deactivate Speelotheek?" in response.text
    offer.refresh_from_db()
    assert offer.is_active


def test_deactivating_keeps_the_offer(client, member, offer):
    client.force_login(member)

    response = client.post(url("offer_deactivate", offer))

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.is_active is False
    assert Offer.objects.filter(pk=offer.pk).exists()
    event = AuditEvent.objects.get(content_type__model="offer")
    assert (event.action, event.changes) == ("status", {"is_active": [True, False]})


def test_deactivating_twice_says_it_is_already_inactive(en_client, member, organisation):
    offer = factories.OfferFactory(organisation=organisation, is_active=False)
    en_client.force_login(member)

    response = en_client.post(url("offer_deactivate", offer))

    assert messages_of(response) == ["This offer is already inactive."]
    assert not AuditEvent.objects.exists()


def test_htmx_deactivate_returns_the_card_with_a_reactivate_button(en_client, member, offer):
    en_client.force_login(member)

    response = en_client.post(url("offer_deactivate", offer), **HTMX)

    assert response.status_code == 200
    assert "Inactive" in response.text
    assert reverse("welfare:offer_reactivate", kwargs={"pk": offer.pk}) in response.text


def test_reactivating_brings_the_offer_back(en_client, member, organisation):
    offer = factories.OfferFactory(organisation=organisation, is_active=False)
    en_client.force_login(member)

    response = en_client.post(url("offer_reactivate", offer), **HTMX)

    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.is_active
    assert "is active again" in response.text


def test_pending_member_can_change_nothing(client, organisation, offer):
    pending = factories.member_of(organisation=organisation, role="admin", status="pending")
    client.force_login(pending)

    for name, data in (
        ("offer_capacity", {"capacity": "full"}),
        ("offer_confirm", {}),
        ("offer_deactivate", {}),
    ):
        assert client.post(url(name, offer), data).status_code == 403
    offer.refresh_from_db()
    assert (offer.capacity, offer.is_active, offer.last_confirmed) == ("open", True, datetime.date(2021, 5, 1))
