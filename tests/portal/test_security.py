"""Account security: two-factor authentication where it is required, sessions after a password
change or reset, and allauth's rate limits on failed logins."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal import security
from portal.models import Membership
from portal.security import DEMO_TOTP_SECRET, activate_demo_totp, totp_code
from tests import factories

MIDDLEWARE = "portal.security.RequireTwoFactorMiddleware"
NEW_PASSWORD = "a-fresh-and-long-passphrase"


@pytest.fixture
def two_factor(db, settings):
    """The requirement on, as in production (the rest of the test suite runs without it)."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    settings.BRUGWIJZER_REQUIRE_2FA = True
    return settings


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps rate limits and used TOTP codes in the cache."""
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def login(client: Client, email: str, password: str = factories.PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def activation_url() -> str:
    return reverse("mfa_activate_totp")


# --- who must use a second factor ------------------------------------------------------------


def test_clb_member_without_totp_is_sent_to_the_activation_page(two_factor, clb_broker):
    client = signed_in(clb_broker)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == activation_url()


def test_clb_member_without_totp_cannot_open_a_bridge_page(two_factor, clb_broker):
    response = signed_in(clb_broker).get(reverse("gaps:overview"))
    assert response.status_code == 302
    assert response["Location"] == activation_url()


def test_the_redirect_explains_why(two_factor, clb_broker):
    client = signed_in(clb_broker)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    with translation.override("en"):
        texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("authenticator app" in text for text in texts)


def test_local_government_and_moderator_without_totp_are_sent_to_the_activation_page(
    two_factor, local_government, moderator
):
    for user in (local_government, moderator):
        response = signed_in(user).get(reverse("home"))
        assert response.status_code == 302, user
        assert response["Location"] == activation_url()


def test_clb_member_with_totp_passes(two_factor, clb_broker):
    activate_demo_totp(clb_broker)
    client = signed_in(clb_broker)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("gaps:overview")).status_code == 200


@pytest.mark.parametrize("persona", ["school_coordinator", "welfare_worker", "bridge_figure", "outsider"])
def test_other_roles_are_not_forced(two_factor, persona, request):
    user = request.getfixturevalue(persona)
    assert signed_in(user).get(reverse("home")).status_code == 200


def test_a_pending_clb_member_is_not_forced_yet(two_factor):
    user = factories.member_of(clb=factories.CLBFactory(), status="pending")
    assert signed_in(user).get(reverse("home")).status_code == 200


def test_anonymous_visitors_are_not_affected(two_factor, client):
    assert client.get(reverse("home")).status_code == 200


def test_the_requirement_can_be_switched_off(two_factor, clb_broker):
    two_factor.BRUGWIJZER_REQUIRE_2FA = False
    assert signed_in(clb_broker).get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["account_email", "account_change_password", "mfa_index", "account_reauthenticate", "healthz"],
)
def test_account_pages_stay_reachable(two_factor, clb_broker, url_name):
    response = signed_in(clb_broker).get(reverse(url_name))
    assert response.status_code == 200


def test_logout_and_the_language_switch_stay_reachable(two_factor, clb_broker):
    client = signed_in(clb_broker)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] != activation_url()
    assert client.get(reverse("home")).status_code == 200


def test_own_data_and_tokens_wait_for_the_second_factor(two_factor, clb_broker):
    client = signed_in(clb_broker)
    for url in (reverse("myaccount:index"), reverse("tokens:list")):
        assert client.get(url)["Location"] == activation_url()


def test_an_htmx_request_is_redirected_by_htmx(two_factor, clb_broker):
    response = signed_in(clb_broker).get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == activation_url()


def test_an_api_request_gets_a_json_refusal(two_factor, clb_broker):
    response = signed_in(clb_broker).get(reverse("api:matches"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"
    assert response.json()["error"]["activate_url"] == activation_url()


def test_an_api_token_does_not_get_round_the_second_factor(two_factor, clb_broker, school):
    """A token is issued to the account: it opens no more than the account's own session."""
    from portal.tokens import create_token

    _, raw = create_token(user=clb_broker, name="Script")
    headers = {"Authorization": f"Bearer {raw}"}
    refused = Client().get(reverse("api:matches"), {"school": school.pk}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "two_factor_required"

    activate_demo_totp(clb_broker)
    answered = Client().get(reverse("api:matches"), {"school": school.pk}, headers=headers)
    assert answered.status_code != 403, answered.content


def test_two_factor_missing_decides_without_a_session(two_factor, clb_broker, school_coordinator):
    assert security.two_factor_missing(clb_broker)
    assert not security.two_factor_missing(school_coordinator)
    activate_demo_totp(clb_broker)
    assert not security.two_factor_missing(clb_broker)


# --- the session keeps the decision -----------------------------------------------------------


def test_a_page_view_costs_no_query_for_the_requirement(two_factor, school_coordinator):
    client = signed_in(school_coordinator)  # the state is stored in the session at login
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as on:
        client.get(reverse("home"))
    two_factor.BRUGWIJZER_REQUIRE_2FA = False
    with CaptureQueriesContext(connection) as off:
        client.get(reverse("home"))
    assert len(on.captured_queries) == len(off.captured_queries)


def test_a_membership_approved_while_signed_in_counts_at_the_next_check(two_factor, monkeypatch):
    user = factories.member_of(clb=factories.CLBFactory(), status="pending")
    client = signed_in(user)
    assert client.get(reverse("home")).status_code == 200
    Membership.objects.filter(user=user).update(status="approved")
    assert client.get(reverse("home")).status_code == 200  # still within the re-check interval
    monkeypatch.setattr(security, "RECHECK_SECONDS", 0)
    assert client.get(reverse("home"))["Location"] == activation_url()


def test_a_second_factor_added_elsewhere_counts_at_once(two_factor, clb_broker):
    client = signed_in(clb_broker)
    assert client.get(reverse("home")).status_code == 302
    activate_demo_totp(clb_broker)  # as in another browser: this session's state says "missing"
    assert client.get(reverse("home")).status_code == 200


def test_the_admin_login_goes_through_allauth_and_its_second_factor(db, client):
    response = client.get("/beheer/login/?next=/beheer/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- allauth's own flows ----------------------------------------------------------------------


def activate_through_allauth(client: Client) -> None:
    """allauth asks for the password again before a second factor is added; then the code."""
    page = client.get(activation_url())
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(page["Location"], {"password": factories.PASSWORD})
    assert response["Location"] == activation_url()
    page = client.get(activation_url())
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(activation_url(), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content


def test_activating_totp_through_allauth_lets_the_user_in_at_once(two_factor, clb_broker):
    client = Client()
    assert login(client, clb_broker.email).status_code == 302
    assert client.get(reverse("home"))["Location"] == activation_url()
    activate_through_allauth(client)
    assert Authenticator.objects.filter(user=clb_broker, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("gaps:overview")).status_code == 200


def test_removing_totp_through_allauth_brings_the_requirement_back_at_once(two_factor, clb_broker):
    client = Client()
    login(client, clb_broker.email)
    activate_through_allauth(client)
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=clb_broker, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home"))["Location"] == activation_url()


def test_a_demo_account_signs_in_with_the_published_secret(two_factor, clb_broker):
    activate_demo_totp(clb_broker)
    client = Client()
    response = login(client, clb_broker.email)
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("home")).context["user"] == clb_broker


def test_activate_demo_totp_is_idempotent_and_resets_another_secret(db, clb_broker):
    first = activate_demo_totp(clb_broker)
    assert activate_demo_totp(clb_broker).pk == first.pk
    Authenticator.objects.filter(pk=first.pk).delete()
    TOTP.activate(clb_broker, "JBSWY3DPEHPK3PXP")
    again = activate_demo_totp(clb_broker)
    assert Authenticator.objects.filter(user=clb_broker, type=Authenticator.Type.TOTP).count() == 1
    assert again.wrap().validate_code(totp_code(DEMO_TOTP_SECRET))


# --- TOTP codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "code"),
    # RFC 6238, appendix B (SHA-1), the last six of the eight digits.
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_totp_code_follows_rfc_6238(at, code):
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert totp_code(secret, at=at) == code


def test_totp_code_is_what_allauth_accepts():
    assert validate_totp_code(DEMO_TOTP_SECRET, totp_code(DEMO_TOTP_SECRET))


# --- sessions after a password change or reset ------------------------------------------------


def test_changing_the_password_signs_out_the_other_sessions(school_coordinator):
    here, elsewhere = signed_in(school_coordinator), signed_in(school_coordinator)
    assert elsewhere.get(reverse("account_email")).status_code == 200
    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": factories.PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get(reverse("account_email")).status_code == 200
    response = elsewhere.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_resetting_the_password_signs_out_every_session(school_coordinator, django_capture_on_commit_callbacks):
    signed_in_before = signed_in(school_coordinator)
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(reverse("account_reset_password"), {"email": school_coordinator.email})
    link = re.search(r"https?://[^/\s]+(/account/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_page = visitor.get(link, follow=True)
    assert form_page.status_code == 200
    response = visitor.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    school_coordinator.refresh_from_db()
    assert school_coordinator.check_password(NEW_PASSWORD)
    response = signed_in_before.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- rate limits ------------------------------------------------------------------------------


def english_client() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def refused_for_too_many_attempts(response) -> bool:
    return response.status_code == 200 and b"Too many failed login attempts" in response.content


def test_repeated_failed_logins_for_an_address_are_refused(settings, school_coordinator):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    client = english_client()
    for _attempt in range(3):
        response = login(client, school_coordinator.email, "wrong-password")
        assert response.status_code == 200
        assert not refused_for_too_many_attempts(response)
    assert refused_for_too_many_attempts(login(client, school_coordinator.email, "wrong-password"))
    # Until the limit expires, even the right password does not get in.
    assert refused_for_too_many_attempts(login(client, school_coordinator.email))
    assert "_auth_user_id" not in client.session


def test_too_many_login_attempts_from_one_address_get_429(settings, school_coordinator):
    settings.ACCOUNT_RATE_LIMITS = {"login": "5/m/ip"}
    client = Client()
    for _attempt in range(5):
        assert login(client, "someone@elsewhere.test", "wrong-password").status_code == 200
    assert login(client, school_coordinator.email).status_code == 429


def test_allauths_default_limits_refuse_the_sixth_failed_login_for_an_address(settings, school_coordinator):
    del settings.ACCOUNT_RATE_LIMITS  # production: allauth's defaults
    client = english_client()
    for _attempt in range(5):
        assert not refused_for_too_many_attempts(login(client, school_coordinator.email, "wrong-password"))
    assert refused_for_too_many_attempts(login(client, school_coordinator.email, "wrong-password"))


def test_without_limits_failed_logins_are_only_refused(school_coordinator):
    client = Client()
    for _attempt in range(8):
        assert login(client, school_coordinator.email, "wrong-password").status_code == 200
