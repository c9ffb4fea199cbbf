"""The base layout: language, landmarks, navigation by role, messages, CSP hygiene, pictograms."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import get_template
from django.test import Client
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from families.models import LIFE_DOMAIN_SLUGS
from portal import urls as portal_urls
from portal.templatetags.brugwijzer import (
    _read_icon,
    _set_language_is_csrf_exempt,
    language_tag,
    set_language_needs_csrf,
)
from tests import factories

pytestmark = pytest.mark.django_db

ICONS = Path(settings.BASE_DIR) / "static" / "icons"
SVG_NS = "{http://www.w3.org/2000/svg}"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_csp_clean(page: str) -> None:
    """No inline script, no inline style, no inline event handler: the strict CSP would block them."""
    for tag in re.findall(r"<script\b[^>]*>", page, flags=re.IGNORECASE):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    assert not re.search(r"<style\b", page, flags=re.IGNORECASE), "inline <style> element"
    assert not re.search(r"\sstyle\s*=", page, flags=re.IGNORECASE), "style= attribute"
    assert not re.search(r"\son[a-z]+\s*=", page, flags=re.IGNORECASE), "inline event handler"


# --- language ---------------------------------------------------------------------------------


def test_dutch_is_the_default_language_with_a_bcp47_tag(client):
    page = html(client.get("/"))
    assert '<html lang="nl-BE"' in page
    assert "Naar de inhoud" in page  # the skip link, in Dutch


def test_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = html(client.get("/"))
    assert '<html lang="en"' in page
    assert "Skip to main content" in page
    assert "Help for families" in page
    assert "School and welfare, together for every family" in page

    client.post(reverse("set_language"), {"language": "nl-be", "next": "/"})
    page = html(client.get("/"))
    assert '<html lang="nl-BE"' in page
    assert "Hulp voor gezinnen" in page


def test_switch_to_french_translates_the_layout_chrome(client):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    page = html(client.get("/"))
    assert '<html lang="fr"' in page
    assert "Aller au contenu principal" in page
    assert "Aide aux familles" in page


def test_language_switch_is_a_post_form_that_works_without_javascript(client):
    page = html(client.get("/account/login/"))
    form = re.search(r'<form class="language-switch"[^>]*>(.*?)</form>', page, flags=re.S)
    assert form, "language switch form missing"
    assert f'action="{reverse("set_language")}"' in form.group(0)
    assert 'method="post"' in form.group(0)
    body = form.group(1)
    assert ('name="csrfmiddlewaretoken"' in body) == set_language_needs_csrf()
    assert '<input type="hidden" name="next" value="/account/login/">' in body
    assert re.search(r'<option value="nl-be" lang="nl-BE" selected>\s*Nederlands', body)
    assert re.search(r'<option value="en" lang="en">\s*English', body)
    assert re.search(r'<option value="fr" lang="fr">\s*Français', body)
    assert 'type="submit"' in body


def test_language_tag_filter():
    assert language_tag("nl-be") == "nl-BE"
    assert language_tag("nl_BE") == "nl-BE"
    assert language_tag("en") == "en"
    assert language_tag("zh-hans") == "zh-Hans"
    assert language_tag("") == ""


# --- landmarks and chrome -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/account/login/", "/account/signup/"])
def test_skip_link_and_landmarks(client, url):
    page = html(client.get(url))
    skip = page.index('<a class="skip-link" href="#main">')
    assert skip < page.index("<header"), "the skip link is the first thing in the body"
    assert '<main id="main"' in page
    assert re.search(r'<header class="site-header">.*Brugwijzer.*brand-tagline', page, flags=re.S)
    assert re.search(r'<nav class="main-nav" aria-label="[^"]+"', page)
    assert re.search(r'<nav class="account-nav" aria-label="[^"]+"', page)
    assert '<footer class="site-footer">' in page
    assert re.search(r'<div id="messages" class="messages" aria-live="polite">', page)


def test_scripts_are_external_deferred_and_carry_the_csp_nonce(client):
    response = client.get("/")
    page = html(response)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert len(scripts) == 2
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag
        assert " defer" in tag
    assert "vendor/htmx/htmx.min.js" in scripts[0]
    assert "js/brugwijzer.js" in scripts[1]
    assert "<body>" in page, "no CSRF token for an anonymous visitor"
    assert "https://" not in " ".join(re.findall(r"<(?:link|script)\b[^>]*>", page)), "no CDN"


@pytest.mark.parametrize("url", ["/", "/account/login/", "/account/signup/", "/account/password/reset/"])
def test_no_inline_script_or_style(client, url):
    assert_csp_clean(html(client.get(url)))


def test_htmx_posts_carry_the_csrf_token_for_signed_in_users(client, school_coordinator):
    client.force_login(school_coordinator)
    page = html(client.get("/"))
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'>", page)


# A URLconf like the project's, with set_language served csrf_exempt (see the next test).
urlpatterns = [
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    *[pattern for pattern in portal_urls.urlpatterns if str(pattern.pattern) != "i18n/"],
]


@pytest.mark.urls("tests.portal.test_layout")
def test_no_cookie_for_anonymous_visitors_once_set_language_is_csrf_exempt():
    """Families browse without any cookie: only the language switch still needs a CSRF token,
    and it drops it by itself when urls.py serves set_language csrf_exempt."""
    _set_language_is_csrf_exempt.cache_clear()
    try:
        client = Client(enforce_csrf_checks=True)
        response = client.get("/")
        assert response.status_code == 200
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert '<html lang="en"' in client.get("/").content.decode()
    finally:
        _set_language_is_csrf_exempt.cache_clear()


def test_no_inline_script_or_style_for_a_signed_in_user(client, school_coordinator):
    client.force_login(school_coordinator)
    for url in ["/", reverse("account_email"), reverse("mfa_index"), reverse("account_change_password")]:
        assert_csp_clean(html(client.get(url)))


# --- navigation by role -------------------------------------------------------------------------


def nav(page: str) -> str:
    return re.search(r'<div class="site-menu".*?</header>', page, flags=re.S).group(0)


def test_anonymous_navigation(client):
    menu = nav(html(client.get("/")))
    for href in ["/aanbod/", "/hulp/", reverse("account_login"), reverse("account_signup")]:
        assert f'href="{href}"' in menu
    assert reverse("account_logout") not in menu
    assert reverse("mfa_index") not in menu
    assert "/beheer/" not in menu
    assert "role-chip" not in menu


def test_home_link_is_marked_current(client):
    menu = nav(html(client.get("/")))
    assert re.search(r'<a href="/" aria-current="page">', menu)


def test_school_coordinator_navigation(client, school_coordinator, school):
    client.force_login(school_coordinator)
    menu = nav(html(client.get("/")))
    assert "Schoolcoördinator" in menu
    assert school.name in menu
    assert 'data-role="school"' in menu
    assert f'href="{reverse("account_email")}"' in menu
    assert f'href="{reverse("mfa_index")}"' in menu
    logout = re.search(r'<form class="inline-form" method="post" action="([^"]+)">(.*?)</form>', menu, flags=re.S)
    assert logout and logout.group(1) == reverse("account_logout")
    assert 'name="csrfmiddlewaretoken"' in logout.group(2)
    assert f'href="{reverse("account_login")}"' not in menu
    assert f'href="{reverse("account_signup")}"' not in menu
    assert "/beheer/" not in menu


def test_navigation_differs_between_roles(client, school_coordinator, welfare_worker, moderator, organisation):
    menus = {}
    for name, user in [("school", school_coordinator), ("organisation", welfare_worker), ("moderator", moderator)]:
        client.force_login(user)
        menus[name] = nav(html(client.get("/")))
        client.logout()
    menus["anonymous"] = nav(html(client.get("/")))

    assert 'data-role="organisation"' in menus["organisation"]
    assert "Welzijnswerker" in menus["organisation"]
    assert organisation.name in menus["organisation"]
    assert 'data-role="moderator"' in menus["moderator"]
    assert "Moderator" in menus["moderator"]
    assert len(set(menus.values())) == 4


def test_staff_see_the_admin_link(client):
    staff = factories.UserFactory(email="staff@brugwijzer.test", is_staff=True, is_moderator=True)
    client.force_login(staff)
    assert 'href="/beheer/"' in nav(html(client.get("/")))


def test_pending_member_is_told_in_the_navigation(client, school):
    user = factories.member_of(school=school, status="pending", email="nieuw@school.test")
    client.force_login(user)
    menu = nav(html(client.get("/")))
    assert "Bezoeker" in menu
    assert "aanvraag wordt bekeken" in menu


# --- messages -------------------------------------------------------------------------------------


def test_messages_are_rendered_in_the_live_region(client, school_coordinator):
    client.force_login(school_coordinator)
    response = client.post(reverse("account_logout"), follow=True)
    page = html(response)
    region = re.search(r'<div id="messages" class="messages" aria-live="polite">(.*?)</div>', page, flags=re.S)
    assert region
    assert re.search(r'<li class="message message-success">[^<]+</li>', region.group(1))


# --- pictograms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", LIFE_DOMAIN_SLUGS)
def test_every_life_domain_has_a_valid_svg_pictogram(slug):
    path = ICONS / f"{slug}.svg"
    assert path.exists(), f"missing static/icons/{slug}.svg"
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 24 24"
    assert root.get("stroke") == "currentColor"
    assert root.get("fill") == "none"
    assert len(root) > 0, "an empty pictogram"
    text = path.read_text()
    for forbidden in ("<script", "style=", "<style", "href=", "on"):
        if forbidden == "on":
            assert not re.search(r"\son[a-z]+=", text)
        else:
            assert forbidden not in text


def test_every_reference_life_domain_points_to_an_existing_icon():
    from families.models import LifeDomain

    domains = list(LifeDomain.objects.all())
    assert {d.slug for d in domains} == set(LIFE_DOMAIN_SLUGS)
    for domain in domains:
        assert (ICONS / f"{domain.icon}.svg").exists()


def test_icon_tag_inlines_a_decorative_svg():
    rendered = Template('{% load brugwijzer %}{% icon "wonen" %}').render(Context())
    assert rendered.startswith('<svg class="icon" aria-hidden="true" focusable="false"')
    assert rendered.count("<svg") == 1
    root = ET.fromstring(rendered)
    assert root.get("viewBox") == "0 0 24 24"


def test_icon_tag_with_class_and_label():
    rendered = Template('{% load brugwijzer %}{% icon slug "icon icon-lg" label="Wonen" %}').render(
        Context({"slug": "wonen"})
    )
    assert rendered.startswith('<svg class="icon icon-lg" role="img" aria-label="Wonen" focusable="false"')


@pytest.mark.parametrize("name", ["onbekend", "../settings", "wonen.svg", "WONEN", "", None, "a/b", "..", "%2e%2e"])
def test_icon_tag_refuses_unknown_names(name):
    rendered = Template("{% load brugwijzer %}{% icon name %}").render(Context({"name": name}))
    assert rendered == ""


def test_icon_tag_refuses_an_unsafe_class():
    rendered = Template('{% load brugwijzer %}{% icon "wonen" css %}').render(Context({"css": '" onload="x'}))
    assert rendered.startswith('<svg class="icon" aria-hidden="true"')


def test_icon_files_are_read_once():
    _read_icon.cache_clear()
    for _ in range(3):
        Template('{% load brugwijzer %}{% icon "taal" %}').render(Context())
    info = _read_icon.cache_info()
    assert info.misses == 1 and info.hits == 2


# --- error pages ----------------------------------------------------------------------------------


def test_404_page_uses_the_layout(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="nl-BE"' in page
    assert '<a class="skip-link" href="#main">' in page
    assert "We vinden deze pagina niet" in page
    assert_csp_clean(page)


def test_500_page_renders_without_a_request_context():
    page = get_template("500.html").render({})
    assert "<html lang=" in page
    assert "Brugwijzer" in page
    assert_csp_clean(page)


def test_navigation_leads_each_role_to_its_own_work(client, school_coordinator, welfare_worker, moderator):
    client.force_login(school_coordinator)
    school = school_coordinator.memberships.get().school
    menu = nav(html(client.get("/")))
    assert f'href="{reverse("schools:detail", kwargs={"pk": school.pk})}"' in menu
    assert f'href="{reverse("families:school_needs", kwargs={"school_pk": school.pk})}"' in menu
    assert f'href="{reverse("membership:members")}"' in menu, "the coordinator is the school's admin"

    client.force_login(welfare_worker)
    organisation = welfare_worker.memberships.get().organisation
    menu = nav(html(client.get("/")))
    assert f'href="{reverse("welfare:dashboard", kwargs={"pk": organisation.pk})}"' in menu
    assert f'href="{reverse("directory:shortlist")}"' in menu

    client.force_login(moderator)
    assert f'href="{reverse("membership:moderation")}"' in nav(html(client.get("/")))


def test_a_signed_in_user_without_a_place_is_invited_to_join(client, django_user_model):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert f'href="{reverse("membership:join")}"' in nav(html(client.get("/")))
