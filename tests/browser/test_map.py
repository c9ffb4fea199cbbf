"""The collaboration map in a browser: markers for the demo region, lines only for those who
may see them, keyboard use, the list, axe-core, and markers without tiles or JavaScript."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from playwright.sync_api import expect

from bridge import map_data
from portal.models import User
from schools.models import School
from tests.browser.conftest import assert_accessible

COORDINATOR = "school@demo.brugwijzer.be"
SCHOOL_MARKERS = ".leaflet-marker-pane .map-icon .map-marker-school"
ORGANISATION_MARKERS = ".leaflet-marker-pane .map-icon .map-marker-organisation"
CLUSTERS = ".leaflet-marker-pane .map-cluster-icon"
LINES = ".leaflet-overlay-pane path.map-line"


@pytest.fixture
def live(live_server, demo_region, page, settings):
    # Tiles from the live server itself, where they do not exist: no request leaves the machine,
    # and the map has to do without a background.
    settings.MAP_TILE_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"
    page.set_default_timeout(10_000)
    return live_server.url


def log_in(page, live, email):
    page.goto(live + "/account/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(settings.BRUGWIJZER_DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def open_map(page, live, query: str = ""):
    page.goto(live + "/kaart/" + query)
    expect(page.locator("#map-status")).not_to_be_empty()


def expected_lines(email: str) -> int:
    user = User.objects.get(email=email)
    collection = map_data.feature_collection(user=user, bbox=map_data.initial_bounds())
    return sum(1 for feature in collection["features"] if feature["properties"]["kind"] == "collaboration")


def test_the_map_shows_the_demo_regions_schools_and_organisations(page, live):
    open_map(page, live)

    collection = map_data.feature_collection(user=AnonymousUser(), bbox=map_data.initial_bounds())
    schools = sum(1 for f in collection["features"] if f["properties"]["kind"] == "school")
    locations = sum(1 for f in collection["features"] if f["properties"]["kind"] == "organisation")
    assert schools >= 10 and locations >= 10
    status = page.locator("#map-status").inner_text()
    assert str(schools) in status and str(locations) in status
    expect(page.locator(".map-fallback")).to_have_count(0)
    # Places close together are grouped; every group and every mark has a name.
    expect(page.locator(CLUSTERS).first).to_be_visible()
    assert page.locator(SCHOOL_MARKERS).count() + page.locator(CLUSTERS).count() > 0
    for icon in page.locator(".leaflet-marker-pane .leaflet-marker-icon").all():
        assert icon.get_attribute("role") == "button"
        assert icon.get_attribute("tabindex") == "0"
        assert icon.inner_text().strip()


def test_a_group_of_places_opens_with_the_keyboard_and_a_mark_opens_its_popup(page, live):
    open_map(page, live)

    for _ in range(6):
        if page.locator(ORGANISATION_MARKERS).count():
            break
        page.locator(CLUSTERS).first.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(700)
    expect(page.locator(ORGANISATION_MARKERS).first).to_be_attached()

    marker = page.locator(".leaflet-marker-pane .map-icon").first
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup).to_be_visible()
    expect(popup).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(marker).to_be_focused()


def test_a_coordinator_sees_the_lines_of_their_school_and_a_visitor_sees_none(page, live):
    open_map(page, live)
    expect(page.locator(LINES)).to_have_count(0)
    assert page.locator(".map-legend .legend-line").count() == 0

    log_in(page, live, COORDINATOR)
    open_map(page, live)

    lines = expected_lines(COORDINATOR)
    assert lines >= 1
    expect(page.locator(LINES)).to_have_count(lines)
    statuses = {re.search(r"map-line-(\w+)", c).group(1) for c in page.locator(LINES).evaluate_all(
        "paths => paths.map(p => p.getAttribute('class'))"
    )}  # fmt: skip
    assert statuses <= {"proposed", "agreed", "active", "evaluated", "ended"}
    expect(page.locator(".map-legend .legend-line")).to_have_count(5)
    page.locator(LINES).first.click(force=True)
    expect(page.locator(".leaflet-popup .map-popup a")).to_be_visible()
    assert_accessible(page)


def test_the_map_page_has_no_serious_accessibility_problems(page, live):
    open_map(page, live)
    assert_accessible(page)

    log_in(page, live, "gemeente@demo.brugwijzer.be")
    open_map(page, live)
    expect(page.locator(LINES).first).to_be_attached()
    assert_accessible(page)


def test_the_list_page_filters_without_a_reload_and_is_accessible(page, live):
    page.goto(live + "/kaart/lijst/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.locator("#id_municipality").select_option("46025")
    page.locator("#map-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"municipality=46025"))
    rows = page.locator("#map-schools-title + .table-wrap tbody tr")
    expect(rows.first).to_be_visible()
    for text in rows.locator("td:last-child").all_inner_texts():
        assert text == "Temse"
    assert_accessible(page)


def test_the_filters_on_the_map_page_refresh_both_the_map_and_the_list(page, live):
    open_map(page, live)
    before = page.locator("#map-status").inner_text()

    page.locator("#id_municipality").select_option("46025")
    page.locator("#map-filters button[type=submit]").click()

    expect(page.locator("#map-status")).not_to_have_text(before)
    for text in page.locator("#map-schools-title + .table-wrap tbody tr td:last-child").all_inner_texts():
        assert text == "Temse"
    in_temse = School.objects.verified().filter(municipality__nis_code="46025").count()
    assert in_temse and f" {in_temse} " in page.locator("#map-status").inner_text()
    expect(page).to_have_url(re.compile(r"/kaart/\?municipality=46025"))


def test_the_markers_stay_when_the_tile_server_cannot_be_reached(page, live, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"

    open_map(page, live)

    expect(page.locator("#map-tile-status")).not_to_be_empty()
    expect(page.locator(".leaflet-marker-pane .leaflet-marker-icon").first).to_be_visible()
    assert "tile.openstreetmap.org" not in page.content()


def test_the_map_runs_under_the_content_security_policy(browser, live_server, demo_region, settings):
    settings.MAP_TILE_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"
    context = browser.new_context(bypass_csp=False, locale="nl-BE")
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    page.goto(live_server.url + "/kaart/")
    expect(page.locator("#map-status")).not_to_be_empty()
    expect(page.locator(".leaflet-marker-pane .leaflet-marker-icon").first).to_be_visible()

    assert [text for text in messages if "Content Security Policy" in text] == []
    context.close()


def test_without_javascript_the_page_points_to_the_list(browser, live_server, demo_region):
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")
    page = context.new_page()

    page.goto(live_server.url + "/kaart/")

    expect(page.locator(".map-fallback")).to_be_visible()
    expect(page.locator("#map-schools-title + .table-wrap tbody tr").first).to_be_visible()
    context.close()
