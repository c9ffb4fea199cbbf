"""Journey: a school coordinator states a family need; the privacy guard stops a national
register number in the description, keeps everything else typed, and the need is saved once the
number is gone."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from families.models import FamilyNeed
from tests.browser.conftest import assert_accessible

TITLE = "Gezinnen zoeken hulp bij de schoolfactuur"
DESCRIPTION = (
    "Enkele gezinnen in het derde leerjaar raken de schoolfactuur en de uitstappen niet betaald. "
    "Ze zouden baat hebben bij een gesprek over een afbetalingsplan."
)
NATIONAL_NUMBER = "85.07.30-033.28"


@pytest.fixture
def live(live_server, demo_region, page):
    page.set_default_timeout(10_000)
    return live_server.url


def test_school_coordinator_is_stopped_by_the_privacy_guard_and_then_saves_the_need(page, live):
    page.goto(live + "/account/login/")
    page.get_by_label("E-mailadres").fill("school@demo.brugwijzer.be")
    page.get_by_label("Wachtwoord:", exact=True).fill(settings.BRUGWIJZER_DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()

    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Noden van gezinnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noden van gezinnen")
    assert_accessible(page)
    page.get_by_role("link", name="Een nieuwe nood melden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een nieuwe nood melden")
    assert_accessible(page)

    needs_before = FamilyNeed.objects.count()
    page.get_by_role("textbox", name="Korte titel").fill(TITLE)
    domains = page.get_by_role("group", name="Levensdomeinen")
    domains.get_by_text("Inkomen en schulden", exact=True).click()
    domains.get_by_text("Leren en school", exact=True).click()
    page.get_by_role("spinbutton", name="Aantal gezinnen (ongeveer)").fill("4")
    page.get_by_role("spinbutton", name="Leeftijd van de kinderen vanaf").fill("8")
    page.get_by_role("spinbutton", name="Leeftijd van de kinderen tot").fill("9")
    page.get_by_role("radio", name="Dringend").check()
    page.get_by_role("checkbox", name="Gratis").check()
    page.get_by_role("textbox", name="Beschrijving").fill(
        f"{DESCRIPTION} Het gaat onder meer om de leerling met rijksregisternummer {NATIONAL_NUMBER}."
    )
    page.get_by_role("button", name="Nood bewaren").click()

    # Refused: the summary at the top names the problem, and nothing was stored.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Deze tekst bevat een rijksregisternummer of BIS-nummer")
    expect(summary).not_to_contain_text(NATIONAL_NUMBER)
    assert FamilyNeed.objects.count() == needs_before
    assert_accessible(page)
    # Everything typed is still there, and the error is tied to the description field.
    expect(page.get_by_role("textbox", name="Korte titel")).to_have_value(TITLE)
    expect(page.get_by_role("checkbox", name="Inkomen en schulden")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Leren en school")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Opvoeding")).not_to_be_checked()
    expect(page.get_by_role("spinbutton", name="Aantal gezinnen (ongeveer)")).to_have_value("4")
    expect(page.get_by_role("spinbutton", name="Leeftijd van de kinderen vanaf")).to_have_value("8")
    expect(page.get_by_role("spinbutton", name="Leeftijd van de kinderen tot")).to_have_value("9")
    expect(page.get_by_role("radio", name="Dringend")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Gratis")).to_be_checked()
    description = page.get_by_role("textbox", name="Beschrijving")
    expect(description).to_have_value(re.compile(re.escape(NATIONAL_NUMBER)))
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(description).to_have_accessible_description(re.compile("rijksregisternummer of BIS-nummer"))
    page.screenshot(path="/tmp/journeys/school-privacy-guard.png", full_page=True)

    # The link in the summary takes the coordinator to the field; without the number the need is saved.
    summary.get_by_role("link", name="Beschrijving").click()
    expect(description).to_be_focused()
    description.fill(DESCRIPTION)
    page.get_by_role("button", name="Nood bewaren").click()
    expect(page.get_by_text(f"De nood “{TITLE}” is bewaard.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    about = page.get_by_role("region", name="Over deze nood")
    expect(about).to_contain_text("Inkomen en schulden")
    expect(about).to_contain_text("ongeveer 4 gezinnen")
    expect(about).to_contain_text("kinderen van 8 tot 9 jaar")
    expect(page.locator("main")).not_to_contain_text(NATIONAL_NUMBER)
    assert_accessible(page)
    assert FamilyNeed.objects.count() == needs_before + 1
    need = FamilyNeed.objects.get(title=TITLE)
    assert need.description == DESCRIPTION
    assert need.school.name == "Stedelijke Basisschool De Vlinder"

    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Noden van gezinnen").click()
    expect(page.get_by_role("heading", level=2, name=TITLE)).to_be_visible()
    assert_accessible(page)
