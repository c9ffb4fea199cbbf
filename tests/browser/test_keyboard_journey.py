"""Journeys done with the keyboard alone: no clicks, no filling fields through the test tool, only
Tab, Enter, Space, arrow keys and typing, as someone who cannot use a mouse does. At every stop the
focused element shows where it is (an outline or a shadow, measured in the page's own styles)."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from families.models import FamilyNeed
from tests.browser.conftest import assert_accessible

MAX_TABS = 120

# Where the focus is, and whether that place draws a visible focus indicator. A visually hidden
# control (a checkbox drawn as a pictogram) shows its focus on its label or on the next element.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'BODY', text: '', visible: false, html: ''};
  const shows = (e) => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    return outline || (s.boxShadow && s.boxShadow !== 'none');
  };
  const candidates = [el, ...(el.labels || [])];
  if (el.nextElementSibling) candidates.push(el.nextElementSibling);
  const label = (el.labels && el.labels.length) ? el.labels[0].innerText : '';
  const text = [el.getAttribute('aria-label'), label, el.innerText, el.value].filter(Boolean).join(' ');
  return {tag: el.tagName, id: el.id, type: el.type || '', text: text.replace(/\\s+/g, ' ').trim(),
          visible: candidates.some(shows), html: el.outerHTML.slice(0, 160)};
}"""


@pytest.fixture
def live(live_server, demo_region, page):
    page.set_default_timeout(10_000)
    return live_server.url


def focus(page) -> dict:
    return page.evaluate(FOCUS)


def assert_focus_visible(page) -> dict:
    now = focus(page)
    assert now["visible"], f"The focused element on {page.url} shows no focus: {now['html']}"
    return now


def tab_to(page, text: str | re.Pattern, *, tag: str | None = None, key: str = "Tab") -> dict:
    """Press Tab until the focus is on an element whose name matches `text`; every stop on the way
    must show its focus."""
    pattern = text if isinstance(text, re.Pattern) else re.compile(re.escape(text))
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = assert_focus_visible(page)
        seen.append(now["text"][:40])
        if pattern.search(now["text"]) and (tag is None or now["tag"] == tag):
            return now
    raise AssertionError(f"{key} never reached {text!r} on {page.url}; stops: {seen}")


def start_with_the_skip_link(page) -> None:
    """The first Tab lands on a visible "skip to content" link; Enter moves the focus into <main>."""
    now = tab_to(page, "Naar de inhoud", tag="A")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    assert now["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")


def test_a_family_finds_help_with_the_keyboard_alone(page, live):
    page.goto(live + "/hulp/")
    start_with_the_skip_link(page)

    # Step 1: the town, typed; Enter sends the form.
    tab_to(page, "Waar woon je?", tag="INPUT")
    page.keyboard.type("9100")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Stap 2 van 3")).to_be_visible()
    expect(page.get_by_text("Je woont in Sint-Niklaas.")).to_be_visible()

    # Step 2: a pictogram chosen with Tab and Enter.
    start_with_the_skip_link(page)
    tab_to(page, re.compile(r"^Inkomen en schulden"), tag="A")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gratis of goedkope hulp: Inkomen en schulden")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"We vonden \d+ plaatsen die je kunnen helpen"))

    # Step 3: the first place that can help, and its phone number, reached by Tab.
    start_with_the_skip_link(page)
    call = tab_to(page, re.compile(r"^Bel "), tag="A")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert re.fullmatch(r"tel:\+?\d+", href), href
    first_card = page.locator("ol.help-results > li").first
    expect(first_card.get_by_role("link", name=call["text"])).to_be_focused()
    assert_accessible(page)


def test_a_school_coordinator_records_a_need_with_the_keyboard_alone(page, live):
    page.goto(live + "/account/login/")
    start_with_the_skip_link(page)
    tab_to(page, "E-mailadres", tag="INPUT")
    page.keyboard.type("school@demo.brugwijzer.be")
    tab_to(page, "Wachtwoord", tag="INPUT")
    page.keyboard.type(settings.BRUGWIJZER_DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()

    # From the main navigation to the school's needs, and on to the form.
    tab_to(page, "Noden van gezinnen", tag="A")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Noden van gezinnen")
    start_with_the_skip_link(page)
    tab_to(page, "Een nieuwe nood melden", tag="A")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Een nieuwe nood melden")

    needs_before = FamilyNeed.objects.count()
    start_with_the_skip_link(page)
    tab_to(page, "Korte titel", tag="INPUT")
    page.keyboard.type("Ouders zoeken een plek voor huiswerkbegeleiding")
    # Checkboxes drawn as pictograms: Space ticks the focused one.
    tab_to(page, "Leren en school", tag="INPUT")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Leren en school")).to_be_checked()
    tab_to(page, "Aantal gezinnen", tag="INPUT")
    page.keyboard.type("3")
    # Radio buttons: Tab enters the group, the arrow keys choose.
    tab_to(page, re.compile("(?i)kan wachten|binnenkort|dringend"), tag="INPUT")
    for _ in range(4):
        if page.evaluate("document.activeElement.labels[0].innerText.trim().toLowerCase()") == "dringend":
            break
        page.keyboard.press("ArrowDown")
        assert_focus_visible(page)
    expect(page.get_by_role("radio", name="Dringend")).to_be_checked()
    tab_to(page, "Beschrijving", tag="TEXTAREA")
    page.keyboard.type("Drie gezinnen vragen of er na school een rustige plek is om huiswerk te maken.")
    tab_to(page, "Nood bewaren", tag="BUTTON")
    page.keyboard.press("Enter")

    expect(page.get_by_text("De nood “Ouders zoeken een plek voor huiswerkbegeleiding” is bewaard.")).to_be_visible()
    assert FamilyNeed.objects.count() == needs_before + 1
    need = FamilyNeed.objects.get(title="Ouders zoeken een plek voor huiswerkbegeleiding")
    assert [domain.slug for domain in need.life_domains.all()] == ["leren"]
    assert need.family_count == 3
    assert need.urgency == "high"
    assert_accessible(page)
