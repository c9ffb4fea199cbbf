"""Journey: a parent looks for help on a phone, without an account: postal code, a pictogram,
and a list of places with a number to call. Nothing may scroll sideways on a small screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

PHONE = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "nl-BE",
    "bypass_csp": True,
}


@pytest.fixture
def phone(browser, live_server, demo_region):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def assert_fits_the_screen(page) -> None:
    """Nothing scrolls sideways. On a mobile viewport window.innerWidth grows with content that is
    too wide (the phone zooms out), so the page is measured against the screen's own width."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    screen = PHONE["viewport"]["width"]
    assert scroll_width <= screen and inner_width <= screen, (
        f"{page.url} scrolls sideways: {scroll_width}px wide on a {screen}px screen"
    )


def test_parent_finds_help_with_a_phone_number_on_a_small_screen(phone, live_server):
    page = phone
    page.goto(live_server.url + "/hulp/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vind hulp voor je gezin")
    page.screenshot(path="/tmp/journeys/parent-1.png", full_page=True)
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("combobox", name="Waar woon je?").fill("9100")
    page.get_by_role("button", name="Volgende").tap()
    expect(page.get_by_text("Stap 2 van 3")).to_be_visible()
    expect(page.get_by_text("Je woont in Sint-Niklaas.")).to_be_visible()
    page.screenshot(path="/tmp/journeys/parent-2.png", full_page=True)
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Inkomen en schulden")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gratis of goedkope hulp: Inkomen en schulden")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"We vonden \d+ plaatsen die je kunnen helpen"))
    first = page.get_by_role("listitem").get_by_role("article").first
    call = first.get_by_role("link", name=re.compile(r"^Bel "))
    expect(call).to_have_attribute("href", re.compile(r"^tel:\+?\d+$"))
    expect(call).to_be_visible()
    page.screenshot(path="/tmp/journeys/parent-3.png", full_page=True)
    assert_fits_the_screen(page)
    assert_accessible(page)

    # The site menu folds behind a button on a phone; it opens with a tap.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(
        page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Hulp voor gezinnen")
    ).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
