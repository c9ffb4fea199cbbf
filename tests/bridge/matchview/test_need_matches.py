"""The matching page of a need: ranked partners with their reasons, a small map, and what has
already been asked."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.bridge.matchview import broker_for, nearby_offer, sent_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school, title="Huiswerkhulp na school", age_min=6, age_max=12)


def card_html(page: str, offer) -> str:
    start = page.index(f'id="suggestion-{offer.pk}"')
    end = page.find('<li class="match-card', start)
    return page[start : end if end != -1 else page.index("</ol>", start)]


def url(need) -> str:
    return reverse("bridge:need_matches", kwargs={"need_pk": need.pk})


def test_school_member_sees_ranked_partners_with_reasons_for_and_against(en_client, school_coordinator, need):
    nearby_offer(name="Huiswerkklas De Brug", age_min=6, age_max=12)
    nearby_offer(name="Studiehulp Volzet", capacity="full")
    en_client.force_login(school_coordinator)

    response = en_client.get(url(need))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Huiswerkklas De Brug") < page.index("Studiehulp Volzet")
    assert "Good match" in page
    assert "Weak match" in page
    assert "Helpt bij: Leren en school" in page  # a reason for, as the engine words it
    assert "Volzet" in page  # the reason against the full offer
    assert "Why it fits" in page and "What may not fit" in page
    assert "score" in page and "out of 100" in page  # the meter has a text, not only a colour
    assert "Room available" in page  # capacity
    assert "Ask this partner" in page
    assert "No good partner found" not in page


def test_distance_is_shown_in_kilometres(en_client, school_coordinator, need):
    nearby_offer(name="Huiswerkklas De Brug", distance_deg=0.01)
    en_client.force_login(school_coordinator)

    page = en_client.get(url(need)).content.decode()

    assert "1.3 km" in page


def test_need_without_a_good_partner_is_shown_as_a_gap(en_client, school_coordinator, need):
    nearby_offer(name="Studiehulp Volzet", capacity="full")
    en_client.force_login(school_coordinator)

    page = en_client.get(url(need)).content.decode()

    assert "No good partner found" in page
    assert "counted as a gap" in page
    assert "Your CLB can help" in page
    assert "weak matches" in page


def test_need_without_any_candidate_shows_an_empty_state(en_client, school_coordinator, need):
    en_client.force_login(school_coordinator)

    page = en_client.get(url(need)).content.decode()

    assert "No good partner found" in page
    assert "No offer in Brugwijzer covers these life domains near the school." in page


def test_offer_already_asked_is_marked_instead_of_offering_the_button_again(en_client, school_coordinator, need):
    asked = nearby_offer(name="Huiswerkklas De Brug")
    nearby_offer(name="Leesclub De Uil")
    match_request = sent_request(need=need, offer=asked, by=school_coordinator)
    en_client.force_login(school_coordinator)

    page = en_client.get(url(need)).content.decode()

    card = card_html(page, asked)
    assert "Asked on" in card
    assert "Sent" in card
    assert reverse("bridge:request_detail", kwargs={"pk": match_request.pk}) in card
    assert reverse("bridge:ask_partner", kwargs={"need_pk": need.pk, "offer_pk": asked.pk}) not in page
    assert page.count("Ask this partner") == 1


def test_earlier_declined_request_is_mentioned_and_the_partner_can_be_asked_again(en_client, school_coordinator, need):
    offer = nearby_offer(name="Huiswerkklas De Brug")
    sent_request(need=need, offer=offer, status="declined", decline_reason="no_capacity")
    en_client.force_login(school_coordinator)

    page = en_client.get(url(need)).content.decode()

    assert "Asked before: declined" in page
    assert "no capacity" in page
    assert reverse("bridge:ask_partner", kwargs={"need_pk": need.pk, "offer_pk": offer.pk}) in page


def test_closed_need_shows_partners_but_no_ask_button(en_client, school_coordinator, school):
    need = factories.FamilyNeedFactory(school=school, status="addressed")
    nearby_offer(name="Huiswerkklas De Brug")
    en_client.force_login(school_coordinator)

    page = en_client.get(url(need)).content.decode()

    assert "Huiswerkklas De Brug" in page
    assert "partners cannot be asked for it" in page
    assert "Ask this partner" not in page


def test_map_data_holds_the_school_and_the_nearest_location_of_each_partner(school_coordinator, client, need):
    offer = nearby_offer(name="Huiswerkklas De Brug")
    far = factories.LocationFactory(organisation=offer.organisation, latitude=51.30, longitude=4.40)
    offer.locations.add(far)
    client.force_login(school_coordinator)

    response = client.get(url(need))

    page = response.content.decode()
    assert 'id="match-map-data"' in page
    assert "data-match-map hidden" in page  # no JavaScript, no map; the list says it all
    data = response.context["map_data"]
    json.dumps(data)
    assert data["tiles"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert data["school"]["lat"] == pytest.approx(51.1656)
    [marker] = data["markers"]
    assert marker["id"] == offer.pk
    assert (marker["lat"], marker["lng"]) == pytest.approx((51.1706, 4.1487))
    assert marker["anchor"] == f"suggestion-{offer.pk}"


def test_broker_asks_on_the_schools_behalf_and_sees_the_agreement_checkbox(en_client, clb_broker, school, need):
    broker_for(clb_broker, school)
    nearby_offer(name="Huiswerkklas De Brug")
    en_client.force_login(clb_broker)

    page = en_client.get(url(need)).content.decode()

    assert "Ask this partner on the school's behalf" in page
    assert "The school agreed to this request" in page


def test_school_member_does_not_see_the_agreement_checkbox(en_client, school_coordinator, need):
    nearby_offer(name="Huiswerkklas De Brug")
    en_client.force_login(school_coordinator)

    page = en_client.get(url(need)).content.decode()

    assert "The school agreed to this request" not in page


def test_each_partners_form_fields_carry_that_partners_ids(en_client, clb_broker, school, need):
    broker_for(clb_broker, school)
    offers = [nearby_offer(name=f"Huiswerkklas {n}", distance_deg=0.001 * n) for n in range(3)]
    en_client.force_login(clb_broker)

    page = en_client.get(url(need)).content.decode()

    for offer in offers:
        card = card_html(page, offer)
        for field in ("message", "school_agreed"):
            assert f'<label for="ask-{offer.pk}-{field}">' in card
            assert f'id="ask-{offer.pk}-{field}"' in card
            assert f'aria-describedby="ask-{offer.pk}-{field}_helptext"' in card
        assert card.count('id="ask-') == card.count(f'id="ask-{offer.pk}-')
    assert "offer-id-placeholder" not in page


@pytest.mark.parametrize("persona", ["bridge_figure", "moderator"])
def test_bridge_figure_and_moderator_see_the_partners(request, client, need, persona):
    nearby_offer(name="Huiswerkklas De Brug")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url(need))

    assert response.status_code == 200
    assert "Huiswerkklas De Brug" in response.content.decode()


def test_clb_staff_of_another_school_get_404(client, clb_broker, need):
    client.force_login(clb_broker)

    assert client.get(url(need)).status_code == 404


def test_pending_member_gets_403(client, school, need):
    pending = factories.member_of(school=school, status="pending")
    client.force_login(pending)

    assert client.get(url(need)).status_code == 403


def test_welfare_worker_gets_404(client, welfare_worker, need):
    client.force_login(welfare_worker)

    assert client.get(url(need)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, need):
    response = client.get(url(need))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _count_queries(client, need) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(need))
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_offers(client, school_coordinator, need):
    client.force_login(school_coordinator)
    for n in range(3):
        offer = nearby_offer(name=f"Huiswerkklas {n}", distance_deg=0.001 * n)
        sent_request(need=need, offer=offer)
    few = _count_queries(client, need)

    for n in range(3, 30):
        offer = nearby_offer(name=f"Huiswerkklas {n}", distance_deg=0.001 * n)
        if n % 3 == 0:
            sent_request(need=need, offer=offer)
    many = _count_queries(client, need)

    assert few == many
    assert len(client.get(url(need)).context["cards"]) == 10
