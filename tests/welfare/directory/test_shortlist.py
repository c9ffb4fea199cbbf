"""A professional's shortlist: add, remove, print for a parent, send by e-mail."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent, User
from tests import factories
from welfare import shortlist

pytestmark = pytest.mark.django_db

LIST = reverse("directory:list")
SHORTLIST = reverse("directory:shortlist")
PRINT = reverse("directory:shortlist_print")
SEND = reverse("directory:shortlist_send")
CLEAR = reverse("directory:shortlist_clear")


def toggle_url(offer) -> str:
    return reverse("directory:shortlist_toggle", args=[offer.pk])


def add(client, offer, **extra):
    return client.post(toggle_url(offer), {"action": "add"}, **extra)


@pytest.fixture
def professional(client, school_coordinator):
    client.force_login(school_coordinator)
    return school_coordinator


def test_anonymous_users_see_no_shortlist_buttons(client):
    offer = factories.OfferFactory()
    for url in (LIST, reverse("directory:offer", args=[offer.pk])):
        assert toggle_url(offer) not in client.get(url).content.decode()


def test_anonymous_post_goes_to_login(client):
    offer = factories.OfferFactory()
    response = add(client, offer)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_pending_member_cannot_keep_a_shortlist(client):
    pending = factories.member_of(school=factories.SchoolFactory(), status="pending")
    client.force_login(pending)
    offer = factories.OfferFactory()
    assert toggle_url(offer) not in client.get(LIST).content.decode()
    assert add(client, offer).status_code == 403


@pytest.mark.parametrize(
    "persona", ["school_coordinator", "welfare_worker", "clb_broker", "bridge_figure", "moderator"]
)
def test_professionals_see_shortlist_buttons(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    offer = factories.OfferFactory()
    assert toggle_url(offer) in client.get(LIST).content.decode()


def test_add_and_remove_without_javascript(client, professional):
    offer = factories.OfferFactory()
    detail = reverse("directory:offer", args=[offer.pk])

    response = client.post(toggle_url(offer), {"action": "add", "next": detail})
    assert response.status_code == 302
    assert response["Location"] == detail
    assert client.session[shortlist.SESSION_KEY] == [offer.pk]

    client.post(toggle_url(offer), {"action": "add"})
    assert client.session[shortlist.SESSION_KEY] == [offer.pk]  # adding twice keeps one

    client.post(toggle_url(offer), {"action": "remove", "next": SHORTLIST})
    assert client.session[shortlist.SESSION_KEY] == []


def test_next_must_stay_on_the_site(client, professional):
    offer = factories.OfferFactory()
    response = client.post(toggle_url(offer), {"action": "add", "next": "https://evil.example/"})
    assert response["Location"] == reverse("directory:offer", args=[offer.pk])


def test_htmx_toggle_returns_the_new_button_and_the_count(en_client, professional):
    offer = factories.OfferFactory(name="Huiswerkklas")

    response = add(en_client, offer, HTTP_HX_REQUEST="true")
    body = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in body
    assert "On your shortlist" in body
    assert 'name="action" value="remove"' in body
    assert '<span id="shortlist-count" hx-swap-oob="innerHTML">1 offer</span>' in body

    body = en_client.post(toggle_url(offer), {"action": "remove"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="action" value="add"' in body
    assert "0 offers" in body


def test_a_button_shows_the_state_on_the_list(en_client, professional):
    offer = factories.OfferFactory()
    add(en_client, offer)
    body = en_client.get(LIST).content.decode()
    assert "On your shortlist" in body
    assert "1 offer" in body


def test_an_offer_outside_the_directory_cannot_be_added(client, professional):
    offer = factories.OfferFactory(is_active=False)
    assert add(client, offer).status_code == 404


def test_an_unknown_action_is_a_bad_request(client, professional):
    offer = factories.OfferFactory()
    assert client.post(toggle_url(offer), {"action": "flip"}).status_code == 400


def test_the_shortlist_has_a_limit(en_client, professional):
    offers = [factories.OfferFactory() for _ in range(shortlist.MAX_ITEMS + 1)]
    for offer in offers[:-1]:
        add(en_client, offer)
    response = add(en_client, offers[-1], HTTP_HX_REQUEST="true")
    assert "Your shortlist is full" in response.content.decode()
    assert len(en_client.session[shortlist.SESSION_KEY]) == shortlist.MAX_ITEMS


def test_shortlist_page_lists_offers_in_the_order_they_were_added(client, professional):
    first, second = factories.OfferFactory(name="Zebra"), factories.OfferFactory(name="Aap")
    add(client, first)
    add(client, second)
    response = client.get(SHORTLIST)
    assert [offer.name for offer in response.context["offers"]] == ["Zebra", "Aap"]


def test_offers_that_left_the_directory_drop_off_the_shortlist(en_client, professional):
    kept, gone = factories.OfferFactory(name="Blijft"), factories.OfferFactory(name="Verdwijnt")
    add(en_client, kept)
    add(en_client, gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    response = en_client.get(SHORTLIST, follow=True)

    assert [offer.name for offer in response.context["offers"]] == ["Blijft"]
    assert "1 offer on your shortlist is no longer in the directory" in response.content.decode()
    assert en_client.session[shortlist.SESSION_KEY] == [kept.pk]


def test_empty_shortlist_has_an_empty_state(en_client, professional):
    assert "Your shortlist is empty" in en_client.get(SHORTLIST).content.decode()


def test_print_view_is_a_plain_language_page_for_a_parent(en_client, professional):
    organisation = factories.OrganisationFactory(phone="03 000 77 88")
    offer = factories.OfferFactory(
        organisation=organisation,
        name="Huiswerkklas",
        cost="low",
        cost_note="€ 2 per keer",
        access_walk_in=True,
        access_appointment=True,
        next_steps="Kom langs op woensdag.",
        languages=[factories.language("nl"), factories.language("tr")],
    )
    offer.locations.add(factories.LocationFactory(organisation=organisation, opening_hours="Woensdag 14–16 u."))
    add(en_client, offer)

    response = en_client.get(PRINT)
    body = response.content.decode()

    assert response.status_code == 200
    for text in (
        "Help for your family",
        "What is it?",
        "What does it cost?",
        "It costs a little money.",
        "€ 2 per keer",
        "How do you start?",
        "You can just go there. You do not need an appointment.",
        "First you make an appointment.",
        "Kom langs op woensdag.",
        "Where is it?",
        "Woensdag 14–16 u.",
        "Who do you call?",
        "03 000 77 88",
        "Turks",
        "css/directory.css",
        professional.get_full_name(),
    ):
        assert text in body, text


def test_send_mails_the_shortlist_and_stores_the_address_nowhere(
    en_client, professional, django_capture_on_commit_callbacks
):
    offer = factories.OfferFactory(name="Huiswerkklas", description="Samen huiswerk maken.")
    add(en_client, offer)
    audit_before = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(SEND, {"email": " Ouder@Example.test ", "offer": [offer.pk]})

    assert response.status_code == 302
    assert response["Location"] == SHORTLIST
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ouder@example.test"]
    assert "Huiswerkklas" in message.body
    assert "Samen huiswerk maken." in message.body
    assert "Huiswerkklas" in message.alternatives[0].content
    assert professional.email in message.body

    # Used only to send: not in the session, the audit log or any user account.
    assert AuditEvent.objects.count() == audit_before
    assert not User.objects.filter(email="ouder@example.test").exists()
    for session in Session.objects.all():
        assert "ouder@example.test" not in str(session.get_decoded()).lower()


def test_send_refuses_a_bad_address_and_keeps_the_list(en_client, professional, django_capture_on_commit_callbacks):
    offer = factories.OfferFactory()
    add(en_client, offer)
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(SEND, {"email": "geen-adres", "offer": [offer.pk]})
    assert response.status_code == 200
    assert "The e-mail was not sent." in response.content.decode()
    assert mail.outbox == []
    assert en_client.session[shortlist.SESSION_KEY] == [offer.pk]


def test_send_without_offers_says_the_list_is_empty(en_client, professional):
    response = en_client.post(SEND, {"email": "ouder@example.test"})
    assert response.status_code == 200
    assert "Your shortlist is empty: add offers first." in response.content.decode()


def test_sending_is_limited_per_hour(client, professional, django_capture_on_commit_callbacks, settings):
    from welfare import directory_views

    offer = factories.OfferFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(directory_views.SEND_LIMIT):
            assert client.post(SEND, {"email": "ouder@example.test", "offer": [offer.pk]}).status_code == 302
        response = client.post(SEND, {"email": "ouder@example.test", "offer": [offer.pk]})
    assert response.status_code == 200
    assert len(mail.outbox) == directory_views.SEND_LIMIT


def test_clear_empties_the_shortlist(client, professional):
    add(client, factories.OfferFactory())
    response = client.post(CLEAR)
    assert response.status_code == 302
    assert shortlist.offer_ids(client.session) == []


def test_shortlist_page_runs_a_fixed_number_of_queries(client, professional, django_assert_num_queries):
    for _ in range(2):
        add(client, factories.OfferFactory())
    with CaptureQueriesContext(connection) as few:
        client.get(SHORTLIST)
    count_with_2 = len(few.captured_queries)  # read now: the next request clears the log
    for _ in range(10):
        add(client, factories.OfferFactory())
    with django_assert_num_queries(count_with_2):
        client.get(SHORTLIST)
