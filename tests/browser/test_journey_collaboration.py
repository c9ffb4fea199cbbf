"""Journeys of issue 5: a school coordinator and a welfare worker fill in a collaboration record end
to end and write in its learning log; the collaboration then shows on the map, in the bridge views
and in the municipality dashboard's counts. The map and the bridge view work by keyboard.

Elements are found by their links, form actions, ids and field names rather than by interface
text, so the journeys hold when translations change. Every page of the record, the map, the bridge
views and the dashboard is checked with axe-core.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from bridge import map_data
from bridge.models import Collaboration, LearningEntry, MatchRequest
from families.models import FamilyNeed, LifeDomain
from portal.models import User
from schools.models import School
from tests.browser.conftest import assert_accessible
from tests.browser.conftest import log_in_as as log_in
from welfare.models import Offer

SCHOOL = "school@demo.brugwijzer.be"
WELFARE = "welzijn@demo.brugwijzer.be"
BRIDGE_FIGURE = "brugfiguur@demo.brugwijzer.be"  # serves De Vlinder and Sint-Jozef
GOVERNMENT = "gemeente@demo.brugwijzer.be"  # Sint-Niklaas
SINT_NIKLAAS = "46021"
NEED = "Schoolfactuur en uitstappen moeilijk te betalen"  # Stedelijke Basisschool De Vlinder
OFFER = "UiTPAS met kansentarief"  # Sociaal Huis Sint-Niklaas, where welzijn@ works
DEMO_ACTIVE = "Schoolkosten samen aanpakken"  # De Vlinder with the Sociaal Huis, active
DEMO_PROPOSED = "Welbevinden na een vluchtverhaal"  # Sint-Jozef (served by brugfiguur@), proposed

TITLE = "UiTPAS-kansentarief voor de gezinnen van De Vlinder"
GOALS = "Elk gezin dat het moeilijk heeft, kent het kansentarief en gebruikt het voor de uitstappen."
CONDITION_NOTES = {
    "time": "Elke eerste dinsdag van de maand een uur overleg.",
    "funding": "Het budget voor de uitstappen van volgend jaar is nog niet rond.",
}
SCHOOL_TASKS = "Informeert de ouders op het oudercontact en verwijst door naar het Sociaal Huis."
SCHOOL_LIMITS = "Beoordeelt niet of een gezin recht heeft op het kansentarief."
WELFARE_TASKS = "Houdt zitdag op school en regelt de UiTPAS met kansentarief."
WELFARE_LIMITS = "Komt niet tussen in de schoolfactuur zelf."
SCHOOL_LEARNED = "Het Sociaal Huis werkt met een vertrouwelijk gesprek, niet met een formulier op papier."
WELFARE_LEARNED = "Op het oudercontact bereikt de school ouders die wij nooit aan ons loket zien."


@pytest.fixture
def live(live_server, demo_region, page, settings):
    # Map tiles from the live server, where they do not exist: no request leaves the machine.
    settings.MAP_TILE_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"
    page.set_default_timeout(15_000)
    return live_server.url


def go(page: Page, link) -> None:
    """Follow a link (or press a button) and wait for the page it leads to."""
    link.click()
    page.wait_for_load_state()


def follow(page: Page, name: str, pk: int) -> None:
    """Follow the link in the page's main content to the page `name` of collaboration `pk`."""
    path = reverse(name, kwargs={"pk": pk})
    page.locator(f'main a[href="{path}"]').first.click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def dashboard_counts(page: Page, live: str) -> dict[str, int]:
    """The collaborations the Sint-Niklaas dashboard counts: in all, and per status."""
    page.goto(live + reverse("dashboard:municipality", kwargs={"nis_code": SINT_NIKLAAS}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sint-Niklaas")
    assert_accessible(page)
    counts = {"total": int(page.locator(".dash-stats .stat").nth(2).locator("dd").inner_text())}
    for row in page.locator("#collaborations .dash-table").first.locator("tbody tr").all():
        status = re.search(r"badge-(\w+)", row.locator(".badge").get_attribute("class")).group(1)
        counts[status] = int(row.locator("td").inner_text())
    return counts


def start_collaboration_through_a_request(page: Page, live: str) -> Collaboration:
    """The coordinator asks the Sociaal Huis for its UiTPAS offer and the welfare worker accepts:
    that is how a collaboration is born (test_journey_matching walks these pages in detail)."""
    need = FamilyNeed.objects.get(title=NEED)
    offer = Offer.objects.get(name=OFFER)
    log_in(page, live, SCHOOL)
    page.goto(live + reverse("bridge:need_matches", args=[need.pk]))
    go(page, page.locator(f"#suggestion-{offer.pk} form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/samenwerking/vragen/\d+/$"))
    request = MatchRequest.objects.get(need=need, offer=offer, status="sent")

    log_in(page, live, WELFARE)
    page.goto(live + reverse("bridge:inbox"))
    card = page.locator(f"#request-{request.pk}")
    go(page, card.locator(f'form[action="{reverse("bridge:request_accept", args=[request.pk])}"] button'))
    collaboration = Collaboration.objects.get(match_request=request)
    expect(page).to_have_url(re.compile(reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) + "$"))
    return collaboration


def fill_in_why(page: Page, collaboration: Collaboration, review: datetime.date) -> None:
    need = FamilyNeed.objects.get(title=NEED)
    follow(page, "record:edit_why", collaboration.pk)
    expect(page.locator("#id_title")).to_have_value(collaboration.title)
    # The need of the request and its life domains come with the new collaboration.
    expect(page.locator(f'input[name="needs"][value="{need.pk}"]')).to_be_checked()
    assert_accessible(page)

    page.locator("#id_title").fill(TITLE)
    page.locator('input[name="form"][value="consultation_hours"]').check()
    page.locator(f'input[name="life_domains"][value="{LifeDomain.objects.get(slug="vrije-tijd").pk}"]').check()
    page.locator('input[name="urgency"][value="high"]').check()
    page.locator("#id_goals").fill(GOALS)
    page.locator("#id_review_date").fill(review.isoformat())
    go(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(reverse("record:overview", kwargs={"pk": collaboration.pk}) + "$"))


def fill_in_conditions(page: Page, collaboration: Collaboration) -> None:
    follow(page, "record:edit_conditions", collaboration.pk)
    assert_accessible(page)
    for kind in ("contact_persons", "shared_goals", "privacy", "practical", "management"):
        page.locator(f'input[name="{kind}_state"][value="in_place"]').check()
    page.locator('input[name="time_state"][value="in_place"]').check()
    page.locator("#id_time_note").fill(CONDITION_NOTES["time"])
    page.locator('input[name="funding_state"][value="challenge"]').check()
    page.locator("#id_funding_note").fill(CONDITION_NOTES["funding"])
    go(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(reverse("record:overview", kwargs={"pk": collaboration.pk}) + "$"))


def fill_in_roles(page: Page, collaboration: Collaboration) -> None:
    follow(page, "record:edit_roles", collaboration.pk)
    assert_accessible(page)
    page.locator("#id_school_tasks").fill(SCHOOL_TASKS)
    page.locator("#id_school_limits").fill(SCHOOL_LIMITS)
    page.locator("#id_welfare_tasks").fill(WELFARE_TASKS)
    page.locator("#id_welfare_limits").fill(WELFARE_LIMITS)
    go(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(reverse("record:overview", kwargs={"pk": collaboration.pk}) + "$"))


def status_button(page: Page, collaboration: Collaboration, to: str):
    action = reverse("record:status", kwargs={"pk": collaboration.pk})
    return page.locator(f'form[action="{action}"]').filter(has=page.locator(f'input[name="to"][value="{to}"]'))


def write_in_learning_log(page: Page, collaboration: Collaboration, side: str, learned: str) -> None:
    follow(page, "record:learning_add", collaboration.pk)
    assert_accessible(page)
    # Each of them belongs to one side only, which the form chooses for them.
    expect(page.locator(f'input[name="author_side"][value="{side}"]')).to_be_checked()
    expect(page.locator('input[name="author_side"]')).to_have_count(1)
    page.locator("#id_what_happened").fill("Een gezamenlijk oudercontact over de kosten van de uitstappen.")
    page.locator("#id_learned").fill(learned)
    page.locator("#id_take_away").fill("We plannen het volgende oudercontact samen.")
    go(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(reverse("record:overview", kwargs={"pk": collaboration.pk}) + "#learning$"))
    assert_accessible(page)


def open_record_from_the_collaborations(page: Page, live: str, collaboration: Collaboration) -> None:
    """Through the navigation: collaborations → the collaboration → its record."""
    go(page, page.locator(f'nav.main-nav a[href="{reverse("bridge:collaborations")}"]'))
    expect(page).to_have_url(re.compile(re.escape(reverse("bridge:collaborations")) + "$"))
    assert_accessible(page)
    go(page, page.get_by_role("link", name=collaboration.title, exact=True))
    expect(page).to_have_url(re.compile(reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) + "$"))
    assert_accessible(page)
    follow(page, "record:overview", collaboration.pk)
    expect(page.locator(".lead")).to_have_text(collaboration.title)
    assert_accessible(page)


def test_a_coordinator_and_a_welfare_worker_record_a_collaboration_that_shows_on_map_bridge_and_dashboard(
    page: Page, live: str
):
    log_in(page, live, GOVERNMENT)
    before = dashboard_counts(page, live)

    collaboration = start_collaboration_through_a_request(page, live)
    assert collaboration.status == "agreed"
    pk = collaboration.pk

    # 1. The coordinator opens the record and fills in its three parts.
    log_in(page, live, SCHOOL)
    open_record_from_the_collaborations(page, live, collaboration)
    # Accepting the request was the agreement: the lifecycle marks "agreed" as the current step.
    expect(page.locator(".record-steps [aria-current=step]")).to_have_count(1)
    expect(page.locator(".record-steps li").nth(1)).to_have_attribute("aria-current", "step")
    review = timezone.localdate() + datetime.timedelta(days=60)
    fill_in_why(page, collaboration, review)
    fill_in_conditions(page, collaboration)
    fill_in_roles(page, collaboration)

    expect(page.locator(".lead")).to_have_text(TITLE)
    expect(page.locator("section[aria-labelledby=why-heading]")).to_contain_text(GOALS)
    conditions = page.locator("section[aria-labelledby=conditions-heading] .record-conditions")
    expect(conditions.locator(".record-state-in_place")).to_have_count(6)
    expect(conditions.locator(".record-state-challenge")).to_have_count(1)
    expect(conditions.locator(".record-state-open")).to_have_count(1)  # trust: not discussed yet
    for note in CONDITION_NOTES.values():
        expect(conditions).to_contain_text(note)
    roles = page.locator("section[aria-labelledby=roles-heading] .record-roles")
    for text in (SCHOOL_TASKS, SCHOOL_LIMITS, WELFARE_TASKS, WELFARE_LIMITS):
        expect(roles).to_contain_text(text)
    assert_accessible(page)

    collaboration.refresh_from_db()
    assert (collaboration.title, collaboration.form, collaboration.urgency, collaboration.goals) == (
        TITLE,
        "consultation_hours",
        "high",
        GOALS,
    )
    assert collaboration.review_date == review
    assert set(collaboration.life_domains.values_list("slug", flat=True)) >= {"vrije-tijd"}
    assert collaboration.conditions.count() == 8 and collaboration.roles.count() == 2

    # Agreed → active: the only step forward besides stopping early; it sets the start date.
    expect(status_button(page, collaboration, "agreed")).to_have_count(0)
    go(page, status_button(page, collaboration, "active").locator("button"))
    expect(page.locator(".record-header .badge-active")).to_be_visible()
    expect(status_button(page, collaboration, "evaluated")).to_have_count(1)
    collaboration.refresh_from_db()
    assert (collaboration.status, collaboration.start_date) == ("active", timezone.localdate())
    assert_accessible(page)

    write_in_learning_log(page, collaboration, "school", SCHOOL_LEARNED)

    # The agreement to print holds what was filled in.
    follow(page, "record:agreement", pk)
    agreement = page.locator(".record-agreement")
    for text in (TITLE, GOALS, CONDITION_NOTES["funding"], SCHOOL_TASKS, WELFARE_LIMITS):
        expect(agreement).to_contain_text(text)
    expect(agreement.locator(".record-signatures tbody tr")).to_have_count(2)
    assert_accessible(page)

    # 2. The welfare worker finds the same record, reads the coordinator's entry and adds theirs.
    log_in(page, live, WELFARE)
    open_record_from_the_collaborations(page, live, collaboration)
    expect(page.locator(".record-header .badge-active")).to_be_visible()
    expect(page.locator(".record-roles")).to_contain_text(WELFARE_TASKS)
    entries = page.locator("#learning .record-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(SCHOOL_LEARNED)
    write_in_learning_log(page, collaboration, "welfare", WELFARE_LEARNED)
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text(WELFARE_LEARNED)  # newest first
    expect(entries.nth(1)).to_contain_text(SCHOOL_LEARNED)
    written = LearningEntry.objects.filter(collaboration=collaboration).values_list("author__email", "author_side")
    assert list(written) == [(WELFARE, "welfare"), (SCHOOL, "school")]

    # ... and the coordinator sees the welfare worker's entry too.
    log_in(page, live, SCHOOL)
    page.goto(live + reverse("record:overview", kwargs={"pk": pk}))
    expect(page.locator("#learning .record-entry").first).to_contain_text(WELFARE_LEARNED)

    # 3. The map: one line per partner of the collaboration, and a link in the list.
    page.goto(live + reverse("map:index"))
    expect(page.locator("#map-status")).not_to_be_empty()
    user = User.objects.get(email=SCHOOL)
    features = [
        f
        for f in map_data.feature_collection(user=user, bbox=map_data.initial_bounds())["features"]
        if f["properties"]["kind"] == "collaboration"
    ]
    assert [f["properties"]["status"] for f in features if f["properties"]["id"] == pk] == ["active"]
    expect(page.locator(".leaflet-overlay-pane path.map-line")).to_have_count(len(features))
    active = sum(1 for f in features if f["properties"]["status"] == "active")
    expect(page.locator(".leaflet-overlay-pane path.map-line-active")).to_have_count(active)
    detail = reverse("bridge:collaboration_detail", kwargs={"pk": pk})
    expect(page.locator(f'#map-list a[href="{detail}"]')).to_have_text(TITLE)
    assert_accessible(page)
    # Filtered to active collaborations about free time, its line is the only one; it opens the collaboration.
    page.goto(live + reverse("map:index") + "?status=active&life_domain=vrije-tijd")
    expect(page.locator("#map-status")).not_to_be_empty()
    expect(page.locator(".leaflet-overlay-pane path.map-line")).to_have_count(1)
    page.locator(".leaflet-overlay-pane path.map-line").click(force=True)
    expect(page.locator(".leaflet-popup .map-popup")).to_contain_text(TITLE)
    expect(page.locator(f'.leaflet-popup .map-popup a[href="{detail}"]')).to_be_visible()
    assert_accessible(page)

    # The school's bridge: a card on the bridge and an item in the text version, both links.
    school = School.objects.get(pk=collaboration.school_id)
    page.goto(live + reverse("dashboard:school_bridge", kwargs={"school_pk": school.pk}))
    expect(page.locator(f'.bridge-svg a[href="{detail}"]')).to_have_attribute("aria-label", re.compile(TITLE))
    expect(page.locator(f'#bridge-text a[href="{detail}"]')).to_have_text(TITLE)
    assert_accessible(page)

    # The municipality's bridge: linked for a bridge figure who serves the school ...
    municipality_bridge = reverse("dashboard:municipality_bridge", kwargs={"nis_code": SINT_NIKLAAS})
    log_in(page, live, BRIDGE_FIGURE)
    page.goto(live + municipality_bridge)
    expect(page.locator(f'.bridge-svg a[href="{detail}"]')).to_have_count(1)
    expect(page.locator(f'#bridge-text a[href="{detail}"]')).to_have_text(TITLE)
    assert_accessible(page)

    # ... and for the local government the dashboard counts it, one more active collaboration.
    log_in(page, live, GOVERNMENT)
    after = dashboard_counts(page, live)
    assert after["total"] == before["total"] + 1
    assert after["active"] == before.get("active", 0) + 1
    assert {k: v for k, v in after.items() if k not in ("total", "active")} == {
        k: v for k, v in before.items() if k not in ("total", "active")
    }
    # Its bridge shows the collaboration without title or link: it takes no part in it.
    page.goto(live + municipality_bridge)
    expect(page.locator(f'a[href="{detail}"]')).to_have_count(0)
    expect(page.get_by_text(TITLE)).to_have_count(0)
    assert_accessible(page)


def test_a_bridge_figure_marks_a_proposed_collaboration_as_agreed(page: Page, live: str):
    collaboration = Collaboration.objects.get(title=DEMO_PROPOSED)
    log_in(page, live, BRIDGE_FIGURE)
    page.goto(live + reverse("record:overview", kwargs={"pk": collaboration.pk}))
    expect(page.locator(".record-header .badge-proposed")).to_be_visible()
    expect(status_button(page, collaboration, "active")).to_have_count(0)
    assert_accessible(page)

    go(page, status_button(page, collaboration, "agreed").locator("button"))

    expect(page.locator(".record-header .badge-agreed")).to_be_visible()
    expect(status_button(page, collaboration, "active")).to_have_count(1)
    collaboration.refresh_from_db()
    assert collaboration.status == "agreed"
    assert_accessible(page)


def tab_to(page: Page, selector: str, *, limit: int = 400) -> None:
    """Press Tab until the focused element matches `selector`; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def assert_focus_visible(page: Page) -> None:
    """The focused element draws the focus ring (an outline of the focus colour)."""
    style = page.evaluate(
        "() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return {visible: e.matches(':focus-visible'), outline: s.outlineStyle, width: s.outlineWidth}; }"
    )
    assert style["visible"] and style["outline"] != "none" and style["width"] != "0px", style


def test_the_bridge_view_and_the_map_lead_to_a_collaboration_by_keyboard(page: Page, live: str):
    collaboration = Collaboration.objects.get(title=DEMO_ACTIVE)
    detail = reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk})
    log_in(page, live, SCHOOL)

    # The school's bridge: Tab reaches the collaboration's card in the picture, Enter opens it.
    page.goto(live + reverse("dashboard:school_bridge", kwargs={"school_pk": collaboration.school_id}))
    tab_to(page, f'.bridge-svg a[href="{detail}"]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(detail) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(collaboration.title)

    # From there on to its record, still by keyboard.
    tab_to(page, f'main a[href="{reverse("record:overview", kwargs={"pk": collaboration.pk})}"]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(reverse("record:overview", kwargs={"pk": collaboration.pk}) + "$"))

    # The text version of the bridge is one Tab and Enter past the picture's link to it.
    page.goto(live + reverse("dashboard:school_bridge", kwargs={"school_pk": collaboration.school_id}))
    tab_to(page, '.bridge-figure figcaption a[href="#bridge-text"]')
    page.keyboard.press("Enter")
    tab_to(page, f'#bridge-text a[href="{detail}"]', limit=60)
    assert_focus_visible(page)

    # The map: skip past the markers to the list, and open the collaboration from it.
    page.goto(live + reverse("map:index"))
    expect(page.locator("#map-status")).not_to_be_empty()
    tab_to(page, '.map-skip a[href="#map-list"]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    tab_to(page, f'#map-list a[href="{detail}"]', limit=200)
    assert_focus_visible(page)
    assert_accessible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(detail) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(collaboration.title)

    # The list on its own page, for who prefers it to the map.
    page.goto(live + reverse("map:list"))
    tab_to(page, f'main a[href="{detail}"]')
    assert_focus_visible(page)
    assert_accessible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(detail) + "$"))
