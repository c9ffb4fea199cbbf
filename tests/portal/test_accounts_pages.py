"""allauth's account and two-factor pages render inside Brugwijzer's own layout, in Dutch."""

import re
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.portal.test_layout import assert_csp_clean

pytestmark = pytest.mark.django_db


def assert_in_layout(response) -> str:
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert '<html lang="nl-BE"' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<header class="site-header">' in page
    assert '<span class="brand-name">Brugwijzer</span>' in page
    assert '<main id="main"' in page
    assert '<footer class="site-footer">' in page
    assert "Menu:" not in page, "allauth's bare layout leaked through"
    assert re.search(r"<title>[^<]*\S[^<]*· Brugwijzer</title>", page, flags=re.S), "page title"
    assert page.count("<h1") == 1
    return page


@pytest.fixture
def mfa_user(db):
    user = factories.UserFactory(email="tweestaps@example.test")
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    RecoveryCodes.activate(user)
    return user


def log_in(client, user):
    """A real login through allauth's forms, so that pages asking for a recent login open."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    if response["Location"] == reverse("mfa_authenticate"):
        code = format_hotp_value(hotp_value(user.totp_secret, int(time.time()) // 30))
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302, response.content.decode()


def get_sensitive(client, url: str):
    """Two-factor settings ask for the password again: that page is in our layout too."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    page = assert_in_layout(client.get(response["Location"]))
    assert '<label for="id_password">' in page
    response = client.post(response["Location"], {"password": factories.PASSWORD})
    assert response.status_code == 302
    return client.get(url)


# --- anonymous pages ---------------------------------------------------------------------------


def test_login_page(client):
    page = assert_in_layout(client.get(reverse("account_login")))
    assert re.search(r"<h1>\s*Aanmelden\s*</h1>", page)  # allauth's own Dutch translation
    assert '<label for="id_login">' in page
    assert '<label for="id_password">' in page
    assert 'class="btn btn-primary"' in page
    assert 'href="/hulp/"' in page  # parents are sent to the family help page
    assert_csp_clean(page)


def test_signup_page(client):
    page = assert_in_layout(client.get(reverse("account_signup")))
    assert '<label for="id_email">' in page
    assert '<label for="id_password1">' in page
    assert "Een account op Brugwijzer is voor professionals" in page
    assert_csp_clean(page)


def test_signup_shows_field_errors_in_our_style(client):
    response = client.post(reverse("account_signup"), {"email": "geen-adres", "password1": "a", "password2": "b"})
    page = assert_in_layout(response)
    assert 'class="field field-error"' in page
    assert '<ul class="errorlist"' in page


def test_signup_then_verification_sent(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nieuw@school.test", "password1": "een-lang-wachtwoord-42", "password2": "een-lang-wachtwoord-42"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert_in_layout(response)
    assert len(mail.outbox) == 1


def test_password_reset_pages(client):
    factories.UserFactory(email="vergeten@example.test")
    page = assert_in_layout(client.get(reverse("account_reset_password")))
    assert '<label for="id_email">' in page
    assert_csp_clean(page)

    response = client.post(reverse("account_reset_password"), {"email": "vergeten@example.test"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_reset_password_done")
    assert_in_layout(response)

    link = re.search(r"https?://[^/\s]+(/account/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    page = assert_in_layout(response)
    assert '<label for="id_password1">' in page


def test_password_reset_with_a_bad_key(client):
    response = client.get(reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "bad-key"}))
    assert_in_layout(response)


def test_email_confirm_with_a_bad_key(client):
    assert_in_layout(client.get(reverse("account_confirm_email", kwargs={"key": "bad-key"})))


def test_email_verification_sent_page(client):
    assert_in_layout(client.get(reverse("account_email_verification_sent")))


def test_mfa_authenticate_page(client, mfa_user):
    response = client.post(
        reverse("account_login"), {"login": mfa_user.email, "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    page = assert_in_layout(response)
    assert '<label for="id_code">' in page


# --- signed-in pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    ["account_email", "account_change_password", "account_logout", "mfa_index", "mfa_activate_totp"],
)
def test_manage_pages(client, school_coordinator, url_name):
    log_in(client, school_coordinator)
    url = reverse(url_name)
    page = assert_in_layout(get_sensitive(client, url) if "2fa/totp" in url else client.get(url))
    assert re.search(r'<nav class="side-nav" aria-label="[^"]+">', page)
    assert 'class="role-chip" data-role="school"' in page


def test_side_navigation_marks_the_current_page(client, school_coordinator):
    client.force_login(school_coordinator)
    page = assert_in_layout(client.get(reverse("mfa_index")))
    side = re.search(r'<nav class="side-nav".*?</nav>', page, flags=re.S).group(0)
    assert f'<a href="{reverse("mfa_index")}" aria-current="page">' in side
    assert f'<a href="{reverse("account_email")}">' in side


def test_mfa_index_uses_cards_and_buttons(client, school_coordinator):
    client.force_login(school_coordinator)
    page = assert_in_layout(client.get(reverse("mfa_index")))
    assert '<section class="card panel">' in page
    assert 'class="btn btn-primary"' in page


def test_totp_activation_shows_the_qr_code_as_an_image(client, school_coordinator):
    log_in(client, school_coordinator)
    page = assert_in_layout(get_sensitive(client, reverse("mfa_activate_totp")))
    assert re.search(r'<img src="data:image/svg\+xml[^"]*" class="qr-code" alt="[^"]+">', page)
    assert_csp_clean(page)


def test_recovery_codes_page(client, mfa_user):
    log_in(client, mfa_user)
    page = assert_in_layout(get_sensitive(client, reverse("mfa_view_recovery_codes")))
    assert "<textarea" in page


def test_logout_is_a_post_form(client, school_coordinator):
    client.force_login(school_coordinator)
    page = assert_in_layout(client.get(reverse("account_logout")))
    assert re.search(r'<form class="form" method="post" action="' + reverse("account_logout") + '">', page)
