"""The role guides in docs/guides/ walk each role's main tasks; these tests walk the same tasks in
a browser, check what every step shows, and take the guides' screenshots on the way.

The screenshots land in docs/guides/img/ only with BRUGWIJZER_GUIDE_SCREENSHOTS=1 (to refresh
the guides after an interface change); otherwise in a temporary folder, so a test run leaves the
tree as it was. A fixed viewport, not the full page, keeps the pictures small and alike.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Locator, Page, expect

from bridge.models import Barrier, Collaboration, MatchRequest
from bridge.services import propose_match
from families.models import FamilyNeed
from portal.models import User
from portal.security import totp_code
from tests.browser.conftest import assert_accessible
from welfare.models import Offer, Organisation

SCREENSHOTS_ENV = "BRUGWIJZER_GUIDE_SCREENSHOTS"
GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guides" / "img"
VIEWPORT = {"width": 1280, "height": 800}

SCHOOL = "school@demo.brugwijzer.be"  # Stedelijke Basisschool De Vlinder, Sint-Niklaas
SCHOOL_NAME = "Stedelijke Basisschool De Vlinder"
WELFARE = "welzijn@demo.brugwijzer.be"  # Sociaal Huis Sint-Niklaas
CLB = "clb@demo.brugwijzer.be"
BRIDGE_FIGURE = "brugfiguur@demo.brugwijzer.be"
MUNICIPALITY = "gemeente@demo.brugwijzer.be"  # Sint-Niklaas
MODERATOR = "moderator@demo.brugwijzer.be"

NEED = "Schoolfactuur en uitstappen moeilijk te betalen"  # De Vlinder's open, urgent need
OFFER = "UiTPAS met kansentarief"  # Sociaal Huis Sint-Niklaas
BOARD_NEED = "Gezinnen zonder vaste woonplaats"  # GO! Basisschool Het Klavertje, guided by CLB Waasland
COLLABORATION = "Schoolkosten samen aanpakken"  # De Vlinder and the Sociaal Huis, brokered by the bridge figure
UNVERIFIED = "Speelpleinwerking Zonnekind"  # registered in the demo, waiting for a moderator


class Guide:
    """One browser at the guides' viewport, with the steps every walk needs."""

    def __init__(self, page: Page, live: str, folder: Path):
        self.page = page
        self.live = live
        self.folder = folder

    def log_in(self, email: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.goto(self.live + "/account/login/")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(django_settings.BRUGWIJZER_DEMO_PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()

    def nav(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name=name, exact=True).click()

    def shot(self, name: str, top: Locator | None = None) -> None:
        """Screenshot the viewport (with `top` scrolled to its upper edge), then run axe-core."""
        page = self.page
        if top is None:
            page.evaluate("window.scrollTo(0, 0)")
        else:
            top.evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }")
        path = self.folder / f"{name}.png"
        page.screenshot(path=path, full_page=False, animations="disabled", caret="hide")
        assert path.stat().st_size > 0
        assert_accessible(page)


@pytest.fixture
def screenshot_folder(tmp_path) -> Path:
    if os.environ.get(SCREENSHOTS_ENV) == "1":
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        return GUIDE_IMAGES
    return tmp_path


@pytest.fixture
def guide(browser, live_server, demo_region, screenshot_folder, settings):
    # Map tiles from the live server, where they do not exist: no request leaves the machine.
    settings.MAP_TILE_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"
    context = browser.new_context(viewport=VIEWPORT, locale="nl-BE", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield Guide(context.new_page(), live_server.url, screenshot_folder)
    context.close()


def test_school_coordinator_guide(guide: Guide):
    page = guide.page
    guide.log_in(SCHOOL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Katrien")
    expect(page.get_by_text(f"Je rol: Schoolcoördinator bij {SCHOOL_NAME}.")).to_be_visible()
    guide.shot("school-1-start")

    guide.nav("Noden van gezinnen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Noden van gezinnen")
    expect(page.get_by_role("heading", level=2, name=NEED)).to_be_visible()
    guide.shot("school-2-noden", top=page.get_by_role("heading", level=1))

    # A new need: a phone number in the description is refused, and nothing is stored.
    page.get_by_role("link", name="Een nieuwe nood melden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een nieuwe nood melden")
    needs_before = FamilyNeed.objects.count()
    page.get_by_role("textbox", name="Korte titel").fill("Ouders vinden de weg naar de kinderopvang niet")
    page.get_by_role("group", name="Levensdomeinen").get_by_text("Kinderopvang", exact=True).click()
    page.get_by_role("spinbutton", name="Aantal gezinnen (ongeveer)").fill("5")
    description = page.get_by_role("textbox", name="Beschrijving")
    general = "Enkele ouders van kleuters zoeken opvang na school en weten niet waar ze terechtkunnen."
    description.fill(general + " De mama van Yasmine is bereikbaar op 0470 12 34 56.")
    page.get_by_role("button", name="Nood bewaren").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Deze tekst bevat een telefoonnummer")
    expect(summary).not_to_contain_text("0470 12 34 56")
    assert FamilyNeed.objects.count() == needs_before
    guide.shot("school-3-privacy", top=page.get_by_role("heading", level=1))

    description.fill(general)
    page.get_by_role("button", name="Nood bewaren").click()
    expect(page.get_by_text("De nood “Ouders vinden de weg naar de kinderopvang niet” is bewaard.")).to_be_visible()
    assert FamilyNeed.objects.count() == needs_before + 1

    # Partners for an open need: the suggestions, and asking one of them.
    need = FamilyNeed.objects.get(title=NEED)
    offer = Offer.objects.get(name=OFFER)
    guide.nav("Noden van gezinnen")
    page.get_by_role("link", name=NEED, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEED)
    page.get_by_role("link", name="Partners zoeken", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Partners voor “{NEED}”")
    suggestion = page.locator(f"#suggestion-{offer.pk}")
    expect(suggestion).to_contain_text("Sociaal Huis Sint-Niklaas")
    ask = suggestion.get_by_role("button", name=re.compile("^Deze partner vragen"))
    expect(ask).to_be_visible()
    guide.shot("school-4-partners", top=suggestion)

    ask.click()
    expect(page.get_by_text("Je vraag is naar Sociaal Huis Sint-Niklaas verstuurd.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vraag aan Sociaal Huis Sint-Niklaas")
    request = MatchRequest.objects.get(need=need, offer=offer)
    assert request.status == "sent" and request.school_agreed
    assert_accessible(page)

    # The school's bridge: its collaborations, partners and support at a glance.
    guide.nav("Onze brug")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"De brug van {SCHOOL_NAME}")
    expect(page.get_by_role("link", name=re.compile(f"^{COLLABORATION}")).first).to_be_visible()
    guide.shot("school-5-brug", top=page.get_by_role("heading", level=1))


def test_welfare_worker_guide(guide: Guide):
    page = guide.page
    # A school asked the Sociaal Huis for its UiTPAS offer, as in the coordinator's guide.
    request = propose_match(
        need=FamilyNeed.objects.get(title=NEED),
        offer=Offer.objects.get(name=OFFER),
        by=User.objects.get(email=SCHOOL),
        message="Kunnen jullie de UiTPAS met kansentarief eens voorstellen op het oudercafé?",
    )

    guide.log_in(WELFARE)
    guide.nav("Onze organisatie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sociaal Huis Sint-Niklaas")
    expect(page.get_by_role("link", name="Aanbod toevoegen", exact=True)).to_be_visible()
    guide.shot("welzijn-1-organisatie")

    # Confirming that an offer is still correct.
    card = page.get_by_role("article", name=OFFER)
    card.get_by_role("button", name=re.compile("^Klopt nog")).click()
    expect(page.get_by_text(f"Bedankt: “{OFFER}” is vandaag als correct bevestigd.")).to_be_visible()
    guide.shot("welzijn-2-bevestigd", top=page.get_by_role("article", name=OFFER))

    guide.nav("Inbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    card = page.locator(f"#request-{request.pk}")
    expect(card.get_by_role("heading", name=NEED)).to_be_visible()
    expect(card).to_contain_text(OFFER)
    guide.shot("welzijn-3-inbox", top=page.get_by_role("heading", level=1))

    card.get_by_role("button", name=re.compile("^Aanvaarden")).click()
    expect(page.get_by_text(f"Je hebt de vraag van {SCHOOL_NAME} aanvaard.")).to_be_visible()
    collaboration = Collaboration.objects.get(match_request=request)
    expect(page.get_by_role("heading", level=1)).to_have_text(collaboration.title)
    assert collaboration.status == "agreed"
    guide.shot("welzijn-4-samenwerking")


def test_clb_guide(guide: Guide):
    page = guide.page
    need = FamilyNeed.objects.get(title=BOARD_NEED)
    guide.log_in(CLB)
    guide.nav("Makelaarsbord")
    expect(page.get_by_role("heading", level=1)).to_have_text("Makelaarsbord")
    card = page.locator("li.board-need").filter(has=page.get_by_role("link", name=BOARD_NEED))
    expect(card).to_contain_text("Er is nog geen organisatie gevraagd.")
    guide.shot("clb-1-makelaarsbord", top=page.locator(".board-tabs"))

    propose = card.get_by_role("link", name=re.compile("^Voorstellen")).first
    offer = Offer.objects.get(pk=int(re.search(r"/voorstellen/\d+/(\d+)/", propose.get_attribute("href")).group(1)))
    propose.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een match voorstellen namens de school")
    page.get_by_role("checkbox", name=re.compile("^De school gaat akkoord")).check()
    page.get_by_role("textbox", name="Bericht aan de organisatie").fill(
        "De school zoekt voor deze gezinnen een eerste gesprek over energie en wonen."
    )
    guide.shot("clb-2-voorstellen", top=page.get_by_role("heading", level=1))

    page.get_by_role("button", name=f"Het voorstel naar {offer.organisation.name} versturen").click()
    expect(page.get_by_text(f"Je voorstel is naar {offer.organisation.name} verstuurd.")).to_be_visible()
    request = MatchRequest.objects.get(need=need, offer=offer)
    assert (request.status, request.school_agreed, request.proposed_by.email) == ("sent", True, CLB)
    waiting = page.locator("li.board-need").filter(has=page.get_by_role("link", name=BOARD_NEED))
    expect(waiting.locator(".board-follow-up")).to_contain_text(offer.name)

    guide.nav("Hiaten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiaten: noden zonder goede partner")
    expect(page.get_by_role("link", name="Downloaden als CSV")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kleuters uit de gehuchten geraken niet op school")
    guide.shot("clb-3-hiaten", top=page.get_by_role("heading", level=1))


def test_bridge_figure_guide(guide: Guide):
    page = guide.page
    guide.log_in(BRIDGE_FIGURE)
    expect(page.get_by_text("Je rol: Brugfiguur.")).to_be_visible()
    guide.nav("Makelaarsbord")
    # The board holds only the schools the bridge figure serves.
    schools = page.get_by_role("combobox", name="School").locator("option")
    expect(schools).to_have_text(
        [
            "Alle scholen",
            "GO! Basisschool Het Klavertje (Sint-Niklaas)",
            "Stedelijke Basisschool De Vlinder (Sint-Niklaas)",
            "Vrije Basisschool De Wilgenhoek (Sint-Niklaas)",
            "Vrije Basisschool De Zonnebloem (Sint-Niklaas)",
        ]
    )
    guide.shot("brugfiguur-1-makelaarsbord")

    # The collaboration record: why, under which conditions, who does what, and the learning log.
    guide.nav("Samenwerkingen")
    page.get_by_role("link", name=COLLABORATION, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COLLABORATION)
    page.get_by_role("link", name="Open de samenwerkingsfiche").click()
    expect(page.get_by_text("Samenwerkingsfiche")).to_be_visible()
    roles = page.get_by_role("table", name="Taken en grenzen van elke partner")
    expect(roles).to_contain_text("De brugfiguur")
    guide.shot("brugfiguur-2-samenwerkingsfiche", top=page.get_by_role("heading", name=re.compile("^Wie doet wat")))

    page.get_by_role("link", name="Schrijven in het leerlogboek").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("leerlogboek")
    guide.shot("brugfiguur-3-leerlogboek", top=page.get_by_role("heading", level=1))
    page.get_by_role("textbox", name=re.compile("^Wat er gebeurde")).fill(
        "Het eerste spreekuur op school liep vol: ouders kwamen samen met de zorgcoördinator binnen."
    )
    page.get_by_role("textbox", name=re.compile("^Wat we leerden van de andere kant")).fill(
        "De school kent de ouders al jaren; een warme overdracht maakt de stap naar het Sociaal Huis kleiner."
    )
    page.get_by_role("button", name="Toevoegen aan het leerlogboek").click()
    expect(page.get_by_text("Je bijdrage staat in het leerlogboek.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("een warme overdracht maakt de stap naar het Sociaal Huis kleiner")

    # A barrier, signalled to the municipality from its dashboard.
    guide.nav("Gemeentelijk dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sint-Niklaas")
    page.get_by_role("link", name="Een drempel signaleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een drempel signaleren in Sint-Niklaas")
    page.get_by_role("radio", name="Vervoer").check()
    page.get_by_role("textbox", name=re.compile("^Korte notitie")).fill(
        "De bus naar het Sociaal Huis rijdt 's middags niet: ouders zonder auto geraken niet op het spreekuur."
    )
    guide.shot("brugfiguur-4-drempel", top=page.get_by_role("heading", level=1))
    barriers_before = Barrier.objects.count()
    page.get_by_role("button", name="Drempel signaleren").click()
    expect(page.get_by_text("Bedankt. De drempel is doorgegeven aan Sint-Niklaas.")).to_be_visible()
    assert Barrier.objects.count() == barriers_before + 1


def test_local_government_guide(guide: Guide):
    page = guide.page
    guide.log_in(MUNICIPALITY)
    expect(page.get_by_text("Je rol: Lokaal bestuur bij Sint-Niklaas.")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    expect(navigation.get_by_role("link", name="Samenwerkingen")).to_have_count(0)

    guide.nav("Gemeentelijk dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sint-Niklaas")
    expect(page.get_by_text("worden aantallen noden en gezinnen van 1 tot 4 getoond als “< 5”")).to_be_visible()
    guide.shot("gemeente-1-dashboard")

    page.get_by_role("link", name="Zicht op de brug").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sint-Niklaas")
    # Of collaborations it takes no part in, the municipality sees the form, status and life domains only.
    main = page.locator("main")
    expect(main).to_contain_text("Van samenwerkingen waar je geen deel van uitmaakt, zie je alleen de vorm")
    expect(main).to_contain_text(f"{SCHOOL_NAME} — 3 samenwerkingen")
    expect(main).not_to_contain_text(COLLABORATION)
    guide.shot("gemeente-2-brug", top=page.get_by_role("heading", level=1))

    guide.nav("Hiaten")
    page.get_by_role("combobox", name="Gemeente").select_option(label="Sint-Niklaas")
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(r"municipality=46021"))
    expect(page.get_by_role("link", name="Downloaden als CSV")).to_be_visible()
    assert_accessible(page)


def test_moderator_guide(guide: Guide, settings):
    page = guide.page
    # Moderators protect their account with an authenticator app before anything else.
    settings.BRUGWIJZER_REQUIRE_2FA = True
    guide.log_in(MODERATOR)
    expect(page.locator("main")).to_contain_text("je account heeft tweestapsverificatie nodig")
    # Setting up an authenticator asks for the password once more.
    expect(page.get_by_role("heading", level=1)).to_have_text("Toegang bevestigen")
    page.get_by_role("textbox", name="Wachtwoord").fill(django_settings.BRUGWIJZER_DEMO_PASSWORD)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/"))
    guide.shot("moderator-1-tweestapsverificatie")
    secret = page.get_by_label("Authenticator geheim").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activeer", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/totp/activate/"))
    assert User.objects.get(email=MODERATOR).authenticator_set.filter(type="totp").exists()

    guide.nav("Te verifiëren")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderatie")
    queue = page.get_by_role("table", name="Welzijnsorganisaties die wachten op verificatie, oudste eerst")
    expect(queue.get_by_role("link", name=UNVERIFIED)).to_be_visible()
    guide.shot("moderator-2-moderatie", top=page.get_by_role("heading", level=1))

    queue.get_by_role("link", name=UNVERIFIED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{UNVERIFIED} bekijken")
    guide.shot("moderator-3-verifieren", top=page.get_by_role("heading", level=1))
    page.get_by_role("button", name="Verifiëren").click()
    expect(page.get_by_text(f"{UNVERIFIED} is geverifieerd.")).to_be_visible()
    assert Organisation.objects.get(name=UNVERIFIED).verified_at is not None

    guide.nav("Gegevens importeren")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import en export van gegevens")
    expect(page.get_by_role("link", name="Een scholenlijst importeren")).to_be_visible()
    assert_accessible(page)


def test_families_guide(guide: Guide):
    page = guide.page
    page.goto(guide.live + "/hulp/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vind hulp voor je gezin")
    expect(page.get_by_text("Je hebt geen account nodig. We vragen niet naar je naam.")).to_be_visible()
    page.get_by_role("combobox", name="Waar woon je?").fill("9100")
    guide.shot("gezin-1-postcode")

    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_text("Stap 2 van 3")).to_be_visible()
    expect(page.get_by_text("Je woont in Sint-Niklaas.")).to_be_visible()
    guide.shot("gezin-2-prent", top=page.get_by_text("Je woont in Sint-Niklaas."))

    page.get_by_role("link", name=re.compile(r"^Inkomen en schulden")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gratis of goedkope hulp: Inkomen en schulden")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"We vonden \d+ plaatsen die je kunnen helpen"))
    first = page.get_by_role("listitem").get_by_role("article").first
    expect(first.get_by_role("link", name=re.compile(r"^Bel "))).to_have_attribute("href", re.compile(r"^tel:"))
    guide.shot("gezin-3-hulp", top=page.get_by_role("heading", level=1))
    # No account, no cookie: a family leaves no trace of who they are.
    assert page.context.cookies() == []
