"""Journeys of issue 4: a school coordinator asks a partner, the welfare worker accepts and both
find the new collaboration; a CLB broker proposes a match from the brokering board.

Pages are found the way a person finds them (navigation, links, buttons); elements are located
by their links, form actions and ids rather than by interface text, so the journeys hold when
the Dutch translations of these pages arrive. Every page visited is checked with axe-core.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from bridge.models import Collaboration, MatchRequest
from families.models import FamilyNeed
from tests.browser.conftest import assert_accessible
from tests.browser.conftest import log_in_as as log_in
from welfare.models import Offer

SCHOOL = "school@demo.brugwijzer.be"
WELFARE = "welzijn@demo.brugwijzer.be"
CLB = "clb@demo.brugwijzer.be"
NEED = "Schoolfactuur en uitstappen moeilijk te betalen"  # Stedelijke Basisschool De Vlinder
OFFER = "UiTPAS met kansentarief"  # Sociaal Huis Sint-Niklaas, where welzijn@ works
BOARD_NEED = "Gezinnen zonder vaste woonplaats"  # GO! Basisschool Het Klavertje, guided by CLB Waasland


@pytest.fixture
def live(live_server, demo_region, page):
    page.set_default_timeout(15_000)
    return live_server.url


def nav_link(page: Page, url_name: str):
    return page.locator(f'nav.main-nav a[href="{reverse(url_name)}"]')


def test_a_coordinator_asks_a_partner_the_welfare_worker_accepts_and_both_see_the_collaboration(page: Page, live: str):
    need = FamilyNeed.objects.get(title=NEED)
    offer = Offer.objects.get(name=OFFER)

    # The coordinator opens one of the school's open needs and goes to its partners page.
    log_in(page, live, SCHOOL)
    page.locator(f'nav.main-nav a[href="{reverse("families:school_needs", args=[need.school_id])}"]').click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=NEED, exact=True).click()
    page.wait_for_url(re.compile(reverse("families:need_detail", args=[need.pk]) + "$"))
    assert_accessible(page)
    page.locator(f'a[href="{reverse("bridge:need_matches", args=[need.pk])}"]').first.click()
    page.wait_for_url(re.compile(reverse("bridge:need_matches", args=[need.pk])))
    assert_accessible(page)

    # ... and asks the Sociaal Huis for its UiTPAS offer.
    suggestion = page.locator(f"#suggestion-{offer.pk}")
    expect(suggestion).to_be_visible()
    suggestion.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    request = MatchRequest.objects.get(need=need, offer=offer, status="sent")
    assert page.url.endswith(reverse("bridge:request_detail", args=[request.pk]))
    assert_accessible(page)

    # The welfare worker of the Sociaal Huis opens the inbox and accepts.
    log_in(page, live, WELFARE)
    nav_link(page, "bridge:inbox").click()
    page.wait_for_load_state()
    assert_accessible(page)
    card = page.locator(f"#request-{request.pk}")
    expect(card.get_by_role("heading", name=NEED)).to_be_visible()
    expect(card).to_contain_text(OFFER)
    card.locator(f'form[action="{reverse("bridge:request_accept", args=[request.pk])}"] button').click()
    page.wait_for_load_state()
    collaboration = Collaboration.objects.get(match_request=request)
    assert page.url.endswith(reverse("bridge:collaboration_detail", args=[collaboration.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(collaboration.title)
    assert collaboration.status == "agreed"
    assert_accessible(page)

    # Both see the new collaboration in their list of collaborations.
    for email in (WELFARE, SCHOOL):
        if email != WELFARE:
            log_in(page, live, email)
        nav_link(page, "bridge:collaborations").click()
        page.wait_for_load_state()
        link = page.get_by_role("link", name=collaboration.title)
        expect(link).to_be_visible()
        assert_accessible(page)
        link.click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1)).to_have_text(collaboration.title)
        assert_accessible(page)


def test_a_clb_broker_proposes_a_match_for_a_school_from_the_board(page: Page, live: str):
    need = FamilyNeed.objects.get(title=BOARD_NEED)

    log_in(page, live, CLB)
    nav_link(page, "bridge:board").click()
    page.wait_for_load_state()
    assert_accessible(page)

    # The need has no request yet; the broker takes its first suggestion.
    card = page.locator("li.board-need").filter(has=page.get_by_role("link", name=BOARD_NEED))
    expect(card).to_be_visible()
    propose = card.locator('a[href*="/makelaar/voorstellen/"]').first
    offer_pk = int(re.search(r"/voorstellen/\d+/(\d+)/", propose.get_attribute("href")).group(1))
    offer = Offer.objects.get(pk=offer_pk)
    propose.click()
    page.wait_for_url(re.compile(reverse("bridge:board_propose", args=[need.pk, offer.pk])))
    assert_accessible(page)

    # Without recording the school's agreement nothing is sent; the error is summarised and linked.
    page.locator("#id_message").fill("De school vraagt of jullie deze gezinnen aan huis kunnen bezoeken.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_message")).to_have_value(
        "De school vraagt of jullie deze gezinnen aan huis kunnen bezoeken."
    )
    assert not MatchRequest.objects.filter(need=need, offer=offer).exists()
    assert_accessible(page)

    page.locator("#id_school_agreed").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(reverse("bridge:board") + "?section=waiting")))
    request = MatchRequest.objects.get(need=need, offer=offer)
    assert (request.status, request.school_agreed, request.proposed_by.email) == ("sent", True, CLB)

    # The need now waits for an answer, with the request in its follow-up.
    expect(page.locator('.board-tabs a[aria-current="page"]')).to_have_attribute("href", re.compile("section=waiting"))
    waiting = page.locator("li.board-need").filter(has=page.get_by_role("link", name=BOARD_NEED))
    expect(waiting.locator(".board-follow-up")).to_contain_text(offer.name)
    expect(waiting.locator(".board-follow-up .badge-waiting")).to_be_visible()
    assert_accessible(page)
