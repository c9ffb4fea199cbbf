"""Lighthouse's accessibility score of at least 95 on the main pages, public and logged in.

axe-core in the journey tests checks each step a person takes; Lighthouse's score is the number a
municipality or a school's IT contact measures for themselves. Lighthouse (npm, pinned in
package-lock.json) runs from node_modules, installed by `npm ci`, which `make test` runs first.
Lighthouse cannot log in: the runner puts a session made here in Chromium's cookie jar.
/gemeente/ is asked for at the municipality page it redirects to: a page that ends anywhere else
(the login page, say) fails as not measured.
"""

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.models import Membership, User
from tests.browser.conftest import CHROMIUM
from welfare.models import Offer

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).parent / "lighthouse_accessibility.mjs"
MINIMUM_SCORE = 0.95
COORDINATOR = "school@demo.brugwijzer.be"
MUNICIPALITY = "gemeente@demo.brugwijzer.be"
# A page takes 5-20 s by the machine's load; the limit only stops a run that hangs.
SECONDS_PER_PAGE = 60
DUTCH = {"Accept-Language": "nl-BE,nl;q=0.9"}


def session_cookie(email: str) -> list[dict[str, str]]:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}]


def main_pages() -> list[tuple[str, list[dict[str, str]]]]:
    """(path, cookies) for the pages most people land on, in the demo region."""
    school = Membership.objects.get(user__email=COORDINATOR, school__isnull=False).school
    nis_code = Membership.objects.get(user__email=MUNICIPALITY, municipality__isnull=False).municipality.nis_code
    offer = Offer.objects.public().order_by("pk").first()
    coordinator = session_cookie(COORDINATOR)
    return [
        ("/", []),
        (reverse("help:index"), []),
        (reverse("help:index") + f"?gemeente={nis_code}&domein=inkomen", []),
        (reverse("directory:list"), []),
        (reverse("directory:offer", args=[offer.pk]), []),
        (reverse("map:index"), []),
        (reverse("account_login"), []),
        (reverse("families:school_needs", args=[school.pk]), coordinator),
        (reverse("bridge:collaborations"), coordinator),
        (reverse("dashboard:municipality", kwargs={"nis_code": nis_code}), session_cookie(MUNICIPALITY)),
    ]


def run_lighthouse(pages: list[dict], tmp_path: Path) -> list[dict]:
    """One Node process and one Chromium for all pages; the CLI would start both for each page."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "lighthouse" / "package.json").exists():
        pytest.fail("Lighthouse is not installed: run `npm ci` in the project root (`make test` does it first).")
    pages_file, results_file = tmp_path / "pages.json", tmp_path / "results.json"
    pages_file.write_text(json.dumps(pages))
    process = subprocess.Popen(
        ["node", str(RUNNER), str(pages_file), str(results_file)],
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=SECONDS_PER_PAGE * len(pages))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # Chromium too, which Puppeteer started
        process.communicate()
        pytest.fail(f"Lighthouse did not finish {len(pages)} pages in {SECONDS_PER_PAGE * len(pages)} s")
    assert process.returncode == 0, f"Lighthouse failed (exit {process.returncode}):\n{stderr[-3000:]}"
    return json.loads(results_file.read_text())


def shortfalls(results: list[dict]) -> list[str]:
    """A line for each page below the minimum, with its failing audits; a page that was not measured
    (an error, or a redirect such as to the login page) counts as one."""
    problems = []
    for result in results:
        if result["runtimeError"] or result["score"] is None or result["finalUrl"] != result["url"]:
            reason = result["runtimeError"] or f"ended at {result['finalUrl']}"
            problems.append(f"{result['url']}: not measured ({reason})")
        elif result["score"] < MINIMUM_SCORE:
            audits = "\n".join(f"    {audit['id']}: {audit['title']} {audit['nodes']}" for audit in result["failing"])
            problems.append(f"{result['url']}: accessibility {result['score'] * 100:.0f} < 95, failing:\n{audits}")
    return problems


def test_main_pages_score_at_least_95_for_accessibility(live_server, demo_region, settings, tmp_path):
    # Map tiles from the live server, where there are none: no request leaves the machine.
    settings.MAP_TILE_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"
    pages = [{"url": live_server.url + path, "cookies": cookies, "headers": DUTCH} for path, cookies in main_pages()]

    results = run_lighthouse(pages, tmp_path)

    assert [result["url"] for result in results] == [page["url"] for page in pages]
    problems = shortfalls(results)
    assert not problems, "Lighthouse accessibility:\n" + "\n".join(problems)
