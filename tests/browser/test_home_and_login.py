import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


@pytest.fixture
def live(live_server, demo_region):
    return live_server.url


def test_home_page_shows_the_region_and_is_accessible(page, live):
    page.goto(live + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nl-BE")
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    "email",
    [
        "school@demo.brugwijzer.be",
        "welzijn@demo.brugwijzer.be",
        "clb@demo.brugwijzer.be",
        "brugfiguur@demo.brugwijzer.be",
        "gemeente@demo.brugwijzer.be",
        "moderator@demo.brugwijzer.be",
    ],
)
def test_every_demo_account_logs_in_from_the_login_page(page, live, email):
    page.goto(live + "/account/login/")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(settings.BRUGWIJZER_DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(live + "/")
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    assert_accessible(page)
