"""Every page of every role passes axe-core: each role's browser walks through every GET page the
URL configuration has and the role may open, filled in with real objects of the demo region.

Which pages a role can open is asked of Django first, with the test client (fast): a page is an
URL that answers 200 with HTML. An URL that answers 405 to GET only takes POST; one that answers
with another content type (JSON, CSV, GeoJSON, a file) is not a page. Every other URL name must
be reached by at least one role, or be listed in EXCLUDED with the reason.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from playwright.sync_api import expect

from bridge.models import CLB, Collaboration, MatchRequest, MatchStatus
from families.models import FamilyNeed
from portal import data_jobs, data_uploads
from portal.models import Membership, MembershipStatus, User
from portal.tokens import create_token
from schools.models import School
from tests import factories
from tests.browser.conftest import assert_accessible
from welfare.models import Location, Offer, OfferCorrection, Organisation

# The sweep checks markup, which does not depend on the database engine; at about a hundred pages
# per role it is the longest test, so it runs once, in the SQLite half of `make test`.
pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the every-page sweep runs once, on SQLite: markup is the same"
)

DOMAIN = "demo.brugwijzer.be"
ROLES = {
    "anonymous": None,
    "school": f"school@{DOMAIN}",
    "welfare": f"welzijn@{DOMAIN}",
    "clb": f"clb@{DOMAIN}",
    "bridge_figure": f"brugfiguur@{DOMAIN}",
    "municipality": f"gemeente@{DOMAIN}",
    "moderator": f"moderator@{DOMAIN}",
}
# Fewer pages than this for a role means the enumeration broke, not that the role has few pages.
MINIMUM_PAGES = {
    "anonymous": 20,
    "school": 50,
    "welfare": 50,
    "clb": 50,
    "bridge_figure": 50,
    "municipality": 35,
    "moderator": 75,
}

# The language switch is a form's target, not a page; the admin (left out in url_patterns) has its own tests.
OUTSIDE = {"set_language"}
EXCLUDED = {
    # Only reachable in the middle of a login that asks for a second factor or a code by e-mail:
    # a state the demo accounts (no second factor, no login by code) never enter.
    "mfa_authenticate",
    "account_confirm_login_code",
    "account_confirm_reauthentication_code",
    # Only with a second factor already set up (the demo accounts have none): they redirect to /account/2fa/.
    "mfa_reauthenticate",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    # allauth first asks for the password again (account_reauthenticate, which is visited) even
    # right after the login.
    "mfa_activate_totp",
    # Setting a first password is for accounts without one; every demo account has a password.
    "account_set_password",
    # GET only redirects: to the matching page (the form to ask a partner lives there), and to
    # the members page of one's own entity (or the moderation page).
    "bridge:ask_partner",
    "membership:members",
}

# Links from an e-mail for someone signed out: opening one signs the current user out first.
ANONYMOUS_ONLY = {"account_confirm_email", "account_reset_password_from_key"}
# Opening the link moves its key into the session and redirects to a URL without it.
REDIRECTS_TO_ITSELF = {"account_reset_password_from_key"}

# Pages in a second state, reached with a query string: filters applied, a step further.
STATES = [
    ("help:index", {}, "?plaats=9100"),
    ("help:index", {}, "?plaats=Sint"),
    ("help:index", {}, "?plaats="),
    ("help:index", {}, "?gemeente=46021"),
    ("help:index", {}, "?gemeente=46021&domein=inkomen"),
    ("directory:list", {}, "?q=school&municipality=9100"),
    ("directory:list", {}, "?domain=leren&cost=free"),
    ("directory:list", {}, "?q=geen-enkel-aanbod-heet-zo"),
    ("map:list", {}, "?municipality=46021&life_domain=leren"),
    ("gaps:overview", {}, "?municipality=46021&life_domain=leren"),
]


@dataclass
class Plan:
    """What one role can open: the pages, and what it learned about the other URL names."""

    pages: list[tuple[str, str]] = field(default_factory=list)  # (URL name, path)
    post_only: set[str] = field(default_factory=set)
    not_html: set[str] = field(default_factory=set)

    def names(self) -> set[str]:
        return {name for name, _path in self.pages}


def url_patterns(resolver=None, namespace="") -> Iterator[tuple[str, list[str]]]:
    """(name, keyword arguments) of every named URL of the site, as in tests/test_url_coverage.py."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace + pattern.name not in OUTSIDE:
            yield namespace + pattern.name, list(pattern.pattern.regex.groupindex)


class Region:
    """The demo objects each URL is filled in with, the ones the demo roles work with first, and
    the few states the demo does not have (a request to join, a token, an upload to preview)."""

    def __init__(self):
        def entity_of(email: str, kind: str):
            return getattr(Membership.objects.get(user__email=email), kind)

        self.school = entity_of(ROLES["school"], "school")
        self.organisation = entity_of(ROLES["welfare"], "organisation")
        self.clb = CLB.objects.get()
        self.municipality = entity_of(ROLES["municipality"], "municipality")
        self.moderator = User.objects.get(email=ROLES["moderator"])
        self.schools = [self.school, *School.objects.exclude(pk=self.school.pk).order_by("pk")[:2]]
        self.organisations = [self.organisation, *Organisation.objects.exclude(pk=self.organisation.pk)[:2]]
        self.offers = list(Offer.objects.filter(organisation=self.organisation).order_by("-is_active", "pk"))
        self.offers += list(Offer.objects.exclude(organisation=self.organisation).filter(is_active=False)[:1])
        self.locations = list(Location.objects.filter(organisation=self.organisation))
        self.needs = list(FamilyNeed.objects.filter(school=self.school).order_by("status", "pk"))
        self.requests = list(MatchRequest.objects.filter(need__school=self.school).order_by("status", "pk"))
        self.requests += list(MatchRequest.objects.filter(offer__organisation=self.organisation).order_by("status"))
        # Requests still waiting for an answer first: only those can be withdrawn or answered.
        waiting = MatchRequest.objects.filter(status__in=(MatchStatus.PROPOSED, MatchStatus.SENT)).order_by("pk")
        self.requests = [*waiting[:6], *self.requests]
        self.collaborations = list(Collaboration.objects.filter(school=self.school).order_by("pk"))
        self.collaborations += list(Collaboration.objects.filter(organisations=self.organisation).order_by("pk"))

        # Someone asks to join the school coordinator's school: she may decline; the moderator
        # asked to join an organisation and may withdraw that.
        applicant = factories.member_of(school=self.school, status=MembershipStatus.PENDING, email="kandidaat@x.be")
        Membership.objects.create(
            user=self.moderator, organisation=self.organisations[1], status=MembershipStatus.PENDING
        )
        self.memberships = [
            *Membership.objects.filter(status=MembershipStatus.PENDING).order_by("pk"),
            *Membership.objects.filter(user__email__endswith=DOMAIN, status=MembershipStatus.APPROVED),
        ]
        self.correction = OfferCorrection.objects.create(
            offer=self.offers[0], suggested_by=applicant, message="Het telefoonnummer is veranderd."
        )
        self.tokens = [
            create_token(user=User.objects.get(email=email), name="Rapport")[0] for email in ROLES.values() if email
        ]
        # Someone who just signed up: the link to confirm the address, and a link to reset the password.
        newcomer = factories.UserFactory(email="nieuw@x.be")
        address = EmailAddress.objects.filter(user=newcomer).first() or EmailAddress.objects.create(
            user=newcomer, email=newcomer.email, primary=True
        )
        EmailAddress.objects.filter(pk=address.pk).update(verified=False)
        address.verified = False
        self.confirmation_key = EmailConfirmationHMAC(address).key
        self.reset = {"uidb36": user_pk_to_url_str(newcomer), "key": default_token_generator.make_token(newcomer)}
        self.uploads = self._moderator_uploads()

    def _moderator_uploads(self) -> dict[str, str]:
        """A school list and an HSDS export uploaded and waiting for confirmation, and an import
        that ran: the moderator's preview and progress pages."""
        client = Client()
        client.force_login(self.moderator)
        rows = "instellingsnummer;naam;straat;postcode;nis_code;lat;lon;net;niveau;clb\n"
        rows += "123456;Basisschool De Regenboog;Schoolstraat 1;9100;46021;51,1656;4,1437;GO!;basis;CLB Waasland\n"
        schools = data_uploads.store_upload(data=rows.encode(), kind="schools", name="scholen.csv", user=self.moderator)
        export = client.get(reverse("data:hsds_export"))
        hsds = data_uploads.store_upload(
            data=b"".join(export.streaming_content) if export.streaming else export.content,
            kind="hsds",
            name="hsds.zip",
            user=self.moderator,
        )
        # A second list, confirmed: the import runs (in the request, see the fixture) and leaves its progress page.
        rows = rows.replace("123456;Basisschool De Regenboog", "123457;Basisschool Het Anker")
        confirmed = data_uploads.store_upload(data=rows.encode(), kind="schools", name="anker.csv", user=self.moderator)
        preview = client.get(reverse("data:schools_preview", kwargs={"token": confirmed.token})).content.decode()
        fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', preview).group(1)
        response = client.post(
            reverse("data:schools_confirm", kwargs={"token": confirmed.token}), {"fingerprint": fingerprint}
        )
        job = resolve(response["Location"]).kwargs["job_id"]
        return {"schools": schools.token, "hsds": hsds.token, "job": job}

    def kwargs(self, name: str, params: list[str]) -> list[dict]:
        """Candidate keyword arguments for one URL, the most likely to be visible first."""
        if not params:
            return [{}]
        app, _sep, view = name.rpartition(":")
        pk = []
        if params == ["pk"]:
            organisation_views = ("dashboard", "organisation_edit", "location_create", "offer_create", "corrections")
            if (
                name == "directory:organisation"
                or (app == "welfare" and view in organisation_views)
                or (app == "membership" and view.endswith("_organisation"))
            ):
                pk = self.organisations
            elif (app == "membership" and view.endswith("_school")) or app == "schools":
                pk = self.schools
            elif app == "membership":
                pk = self.memberships
            elif app == "directory" or view.startswith("offer_"):
                pk = self.offers
            elif view.startswith("location_"):
                pk = self.locations
            elif view.startswith("correction_"):
                pk = [self.correction]
            elif app == "families":
                pk = self.needs
            elif app == "bridge" and view.startswith("request_"):
                pk = self.requests
            elif app in ("bridge", "record"):
                pk = self.collaborations
            elif app == "tokens":
                pk = self.tokens
            return [{"pk": obj.pk} for obj in pk]
        if params == ["school_pk"]:
            return [{"school_pk": school.pk} for school in self.schools]
        if params == ["need_pk"]:
            return [{"need_pk": need.pk} for need in self.needs]
        if params == ["need_pk", "offer_pk"]:
            pairs = [(r.need_id, r.offer_id) for r in self.requests]
            pairs += [(need.pk, offer.pk) for need in self.needs[:3] for offer in self.offers[:3]]
            return [{"need_pk": need, "offer_pk": offer} for need, offer in pairs]
        if params == ["nis_code"]:
            return [{"nis_code": nis} for nis in (self.municipality.nis_code, "46030")]
        if params == ["kind", "pk"]:
            return [
                {"kind": "school", "pk": self.school.pk},
                {"kind": "organisatie", "pk": self.organisation.pk},
                {"kind": "clb", "pk": self.clb.pk},
                {"kind": "gemeente", "pk": self.municipality.pk},
            ]
        if params == ["token"]:
            return [{"token": self.uploads["hsds" if "hsds" in name else "schools"]}]
        if params == ["job_id"]:
            return [{"job_id": self.uploads["job"]}]
        if params == ["key"]:
            return [{"key": self.confirmation_key}]
        if params == ["uidb36", "key"]:
            return [self.reset]
        # The APIs' own identifiers: any value tells what kind of content they answer with.
        return [dict.fromkeys(params, "1")]


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def plan_for(role: str, region: Region) -> Plan:
    """Ask Django which pages `role` can open, trying each URL's candidates until one answers 200."""
    client = Client()
    if ROLES[role]:
        # Through the login form, as the browser does: pages that ask for a recent login (two-factor
        # set-up, the moderators' data pages) know the user signed in just now.
        response = client.post(
            reverse("account_login"), {"login": ROLES[role], "password": settings.BRUGWIJZER_DEMO_PASSWORD}
        )
        assert response.status_code == 302, f"{role} could not log in"
    plan = Plan()
    for name, params in url_patterns():
        if ROLES[role] and name in ANONYMOUS_ONLY:
            continue
        for kwargs in region.kwargs(name, params)[:12]:
            path = reverse(name, kwargs=kwargs)
            response = client.get(path, follow=True)
            if response.status_code == 405:
                plan.post_only.add(name)
                break
            if not is_html(response):
                plan.not_html.add(name)
                break
            # Followed redirects count only when they stay on the same URL name (a key moved to the session).
            final = resolve(response.request["PATH_INFO"])
            if response.status_code == 200 and final.view_name == name:
                plan.pages.append((name, path))
                break
    for name, kwargs, query in STATES:
        response = client.get(reverse(name, kwargs=kwargs) + query)
        if response.status_code == 200 and is_html(response):
            plan.pages.append((name, reverse(name, kwargs=kwargs) + query))
    return plan


@pytest.fixture
def region(demo_region, settings, tmp_path, monkeypatch):
    settings.BRUGWIJZER_IMPORT_DIR = tmp_path / "imports"
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", False)
    return Region()


def log_in(page, live, email):
    page.goto(live + "/account/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(settings.BRUGWIJZER_DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    # Attached, not visible: on a narrow screen the menu with the button is folded away.
    expect(page.get_by_role("button", name="Afmelden", include_hidden=True)).to_be_attached()


def open_everything(page) -> None:
    """The folded parts of a page (more filters, a message to add, an area group) are checked open too."""
    page.evaluate("document.querySelectorAll('details:not([open])').forEach(d => d.open = true)")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_passes_axe(role, region, page, live_server):
    page.set_default_timeout(10_000)
    plan = plan_for(role, region)
    if ROLES[role]:
        log_in(page, live_server.url, ROLES[role])
    visited = []
    for name, path in plan.pages:
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, f"{role}: {path} answered {response and response.status}"
        # Still on the page asked for (not sent to the login page: the role is still signed in).
        if name not in REDIRECTS_TO_ITSELF:
            assert urlsplit(page.url).path == urlsplit(path).path, f"{role}: {path} went to {page.url}"
        open_everything(page)
        assert_accessible(page)
        visited.append(path)
    print(f"{role}: {len(visited)} pages", *visited, sep="\n  ")
    assert len(visited) >= MINIMUM_PAGES[role], f"{role} reached only {len(visited)} pages: {visited}"


def test_every_html_url_name_is_visited_by_some_role(region):
    plans = {role: plan_for(role, region) for role in ROLES}
    names = {name for name, _params in url_patterns()}
    visited = set().union(*(plan.names() for plan in plans.values()))
    skipped = set().union(*(plan.post_only | plan.not_html for plan in plans.values()))
    unreached = names - visited - skipped - EXCLUDED
    assert not unreached, f"URL names no role reached: {sorted(unreached)}"
    # An exclusion that a role now reaches is stale.
    assert not (EXCLUDED & visited), f"Reached after all, take out of EXCLUDED: {sorted(EXCLUDED & visited)}"
    # Nothing HTML hides among the skipped names: the help page and the offers are never skipped.
    assert not ({"home", "help:index", "directory:list", "directory:offer"} & skipped)


NARROW = {"viewport": {"width": 375, "height": 800}, "locale": "nl-BE", "bypass_csp": True}
# The pages a school coordinator uses most, on a phone.
KEY_PAGES = [
    ("home", lambda r: {}),
    ("help:index", lambda r: {}),
    ("directory:list", lambda r: {}),
    ("directory:offer", lambda r: {"pk": r.offers[0].pk}),
    ("families:school_needs", lambda r: {"school_pk": r.school.pk}),
    ("families:need_create", lambda r: {"school_pk": r.school.pk}),
    ("families:need_detail", lambda r: {"pk": r.needs[0].pk}),
    ("bridge:need_matches", lambda r: {"need_pk": r.needs[0].pk}),
    ("bridge:school_requests", lambda r: {"school_pk": r.school.pk}),
    ("bridge:collaborations", lambda r: {}),
    ("record:overview", lambda r: {"pk": r.collaborations[0].pk}),
    ("record:agreement", lambda r: {"pk": r.collaborations[0].pk}),
    ("bridge:request_detail", lambda r: {"pk": next(m.pk for m in r.requests if m.need.school_id == r.school.pk)}),
    ("map:list", lambda r: {}),
    ("myaccount:index", lambda r: {}),
    ("tokens:list", lambda r: {}),
    ("api:docs", lambda r: {}),
]


def test_key_pages_fit_a_narrow_screen(browser, region, live_server):
    """On a 375 px wide screen nothing scrolls sideways, and the pages still pass axe-core."""
    context = browser.new_context(**NARROW)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, ROLES["school"])
        for name, kwargs in KEY_PAGES:
            response = page.goto(live_server.url + reverse(name, kwargs=kwargs(region)))
            assert response is not None and response.ok, f"{name} answered {response and response.status}"
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width}px in {inner_width}px"
            assert_accessible(page)
    finally:
        context.close()
