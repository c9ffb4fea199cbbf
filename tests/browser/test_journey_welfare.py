"""Journey: a welfare worker signs up, registers an organisation, a moderator verifies it, the
worker adds an offer and finds it in the public directory."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from welfare.models import Offer, Organisation

WORKER = "an.devos@vzw-dewaaier.example.be"
PASSWORD = "Zonnebloem-Waasland-42"
ORGANISATION = "Inloopteam De Waaier"
OFFER = "Open huis op woensdag"


@pytest.fixture
def live(live_server, demo_region, page):
    page.set_default_timeout(10_000)
    return live_server.url


def log_in(page, live, email, password):
    page.goto(live + "/account/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord:", exact=True).fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def test_welfare_worker_registers_organisation_and_publishes_an_offer(page, browser, live):
    page.goto(live + "/account/signup/")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(WORKER)
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(PASSWORD)
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifieer je e-mailadres")
    assert_accessible(page)

    (message,) = [m for m in mail.outbox if WORKER in m.to]
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", message.body).group(0)
    # The link says https (as in production); the live server speaks plain http on the same host.
    page.goto(live + urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig e-mailadres")
    assert_accessible(page)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text(f"Je bent nu ingelogd als {WORKER}")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Vraag om aan te sluiten bij je school of organisatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lid worden van een school of organisatie")
    assert_accessible(page)
    # First the worker checks that the organisation is not on Brugwijzer yet.
    page.get_by_role("radio", name="Welzijnsorganisatie").check()
    page.get_by_role("searchbox", name="Zoeken").fill("Waaier")
    expect(page.get_by_role("region", name="Resultaten")).to_contain_text("Niets gevonden voor “Waaier”")
    assert_accessible(page)
    page.get_by_role("link", name="Een welzijnsorganisatie registreren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Een welzijnsorganisatie registreren")
    assert_accessible(page)
    page.get_by_label("Naam van de organisatie").fill(ORGANISATION)
    page.get_by_label("Wat doet de organisatie?").fill(
        "Een inloopteam voor gezinnen met jonge kinderen in Sint-Niklaas: een open huis, een babbel en hulp op maat."
    )
    page.get_by_label("Telefoon").fill("03 000 09 99")
    page.get_by_label("Straat en huisnummer").fill("Kleine Laan 12")
    page.get_by_label("Postcode").fill("9100")
    expect(page.get_by_label("Gemeente")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Gemeente").locator("option:checked")).to_have_text("Sint-Niklaas")
    assert_accessible(page)
    # The kind was forgotten: the summary says so, links to the field, and keeps everything typed.
    page.get_by_role("button", name="Organisatie registreren").click()
    errors = page.get_by_role("alert")
    expect(errors.get_by_role("heading")).to_have_text("Kijk na wat je invulde")
    errors.get_by_role("link", name=re.compile("^Soort organisatie")).click()
    kind = page.get_by_role("combobox", name="Soort organisatie")
    expect(kind).to_be_focused()
    expect(kind).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Naam van de organisatie")).to_have_value(ORGANISATION)
    expect(page.get_by_label("Gemeente").locator("option:checked")).to_have_text("Sint-Niklaas")
    assert_accessible(page)
    kind.select_option(label="Inloopteam")
    page.get_by_role("button", name="Organisatie registreren").click()
    expect(page.get_by_role("status")).to_contain_text(f"{ORGANISATION} wacht op verificatie")
    assert_accessible(page)
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()

    moderator = browser.new_context(bypass_csp=True, locale="nl-BE")
    desk = moderator.new_page()
    log_in(desk, live, "moderator@demo.brugwijzer.be", settings.BRUGWIJZER_DEMO_PASSWORD)
    desk.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Te verifiëren").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Moderatie")
    assert_accessible(desk)
    queue = desk.get_by_role("table", name="Welzijnsorganisaties die wachten op verificatie, oudste eerst")
    queue.get_by_role("link", name=ORGANISATION).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"{ORGANISATION} bekijken")
    expect(desk.get_by_role("definition").filter(has_text=WORKER)).to_be_visible()
    desk.screenshot(path="/tmp/journeys/welfare-review.png", full_page=True)
    assert_accessible(desk)
    desk.get_by_role("button", name="Verifiëren").click()
    expect(desk.get_by_text(f"{ORGANISATION} is geverifieerd")).to_be_visible()
    expect(queue.get_by_role("link", name=ORGANISATION)).to_have_count(0)
    assert_accessible(desk)
    moderator.close()
    (verified,) = [m for m in mail.outbox if WORKER in m.to and m is not message]
    assert verified.subject == f"[Brugwijzer] {ORGANISATION} is geverifieerd op Brugwijzer"
    assert Organisation.objects.get(name=ORGANISATION).verified_at is not None

    log_in(page, live, WORKER, PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Onze organisatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    assert_accessible(page)
    page.get_by_role("link", name="Aanbod toevoegen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanbod toevoegen")
    assert_accessible(page)
    page.get_by_role("textbox", name="Naam", exact=True).fill(OFFER)
    page.get_by_role("textbox", name="Beschrijving").fill(
        "Elke woensdagnamiddag een open huis voor ouders met kinderen tot 12 jaar: spelen, koffie, een babbel "
        "en een luisterend oor bij vragen over opvoeden."
    )
    page.get_by_role("textbox", name="Hoe je er terechtkunt").fill("Kom gewoon binnen op woensdag tussen 14 en 17 uur.")
    # A life domain is a pictogram: the checkbox itself is visually hidden, the person clicks its picture.
    page.get_by_role("group", name="Levensdomeinen").get_by_text("Opvoeding", exact=True).click()
    expect(page.get_by_role("checkbox", name="Opvoeding")).to_be_checked()
    page.get_by_role("checkbox", name="vrij binnenlopen").check()
    page.get_by_role("radio", name="plaats vrij").check()
    page.get_by_role("group", name="Locaties").get_by_role("checkbox", name="Kleine Laan 12, 9100 Sint-Niklaas").check()
    area = page.get_by_role("group", name="Werkgebied")
    # The new location has no coordinates yet, so "around a location" explains what to do instead.
    area.get_by_label("Locatie", exact=True).select_option(label="Kleine Laan 12, 9100 Sint-Niklaas")
    area.get_by_role("button", name="De gemeenten eromheen toevoegen").click()
    expect(area).to_contain_text("Kleine Laan 12, 9100 Sint-Niklaas heeft nog geen coördinaten")
    # The button that was pressed was swapped out; focus goes to the field that needs attention.
    expect(area.get_by_label("Locatie", exact=True)).to_be_focused()
    assert_accessible(page)
    search = area.get_by_role("searchbox", name="Een gemeente zoeken")
    for name in ("Sint-Niklaas", "Stekene"):
        search.fill(name)
        area.get_by_role("checkbox", name=re.compile(f"^{name}")).check()
    expect(area.get_by_text("Geselecteerd (2): Sint-Niklaas, Stekene")).to_be_visible()
    page.screenshot(path="/tmp/journeys/welfare-offer-form.png", full_page=True)
    page.get_by_role("button", name="Aanbod toevoegen").click()
    expect(page.get_by_text(f"“{OFFER}” is bewaard")).to_be_visible()
    expect(page.get_by_role("article", name=OFFER)).to_be_visible()
    assert_accessible(page)
    offer = Offer.objects.get(name=OFFER)
    assert [domain.name for domain in offer.life_domains.all()] == ["Opvoeding"]
    assert sorted(m.name_nl for m in offer.service_area.all()) == ["Sint-Niklaas", "Stekene"]

    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Aanbod").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanbod voor gezinnen")
    assert_accessible(page)
    results = page.get_by_role("region", name="Resultaten")
    page.evaluate("window.journeyMarker = 'same page'")
    page.get_by_role("search", name="Aanbod filteren").get_by_role("searchbox", name="Zoeken").fill(OFFER)
    expect(results.get_by_role("status")).to_contain_text(f"voor “{OFFER}”")
    # The offer itself comes first (other offers may mention the same words).
    expect(results.get_by_role("article").first).to_have_accessible_name(OFFER)
    expect(results.get_by_role("article", name=OFFER)).to_contain_text(ORGANISATION)
    # htmx replaced the results in place (no reload) and put the search in the address bar.
    assert page.evaluate("window.journeyMarker") == "same page"
    expect(page).to_have_url(re.compile(r"[?&]q=Open(\+|%20)huis"))
    assert_accessible(page)
    results.get_by_role("link", name=OFFER, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFER)
    expect(page.get_by_role("link", name="03 000 09 99")).to_have_attribute("href", "tel:030000999")
    page.screenshot(path="/tmp/journeys/welfare-directory-offer.png", full_page=True)
    assert_accessible(page)
