"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # bypass_csp lets the test inject axe-core; the page's own scripts still run under the CSP.
    return {**browser_context_args, "bypass_csp": True, "locale": "nl-BE"}


def assert_accessible(page, *, impacts=("serious", "critical")) -> None:
    """Run axe-core in the page and fail on any violation of the given impact."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    bad = [v for v in result["violations"] if v["impact"] in impacts]
    summary = "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}×: {[str(n['target']) for n in v['nodes'][:3]]})"
        for v in bad
    )
    assert not bad, f"axe-core found violations on {page.url}:\n{summary}"


@pytest.fixture
def demo_region(transactional_db):
    from portal.demo import seed_demo

    seed_demo(with_accounts=True)


def log_in_as(page, live: str, email: str) -> None:
    """Sign in with a demo account through the login form, as whoever was signed in leaves."""
    page.context.clear_cookies()
    page.goto(live + "/account/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(settings.BRUGWIJZER_DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(live + "/")
