import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zorgcoordinator-2026!"


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/account/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_sends_a_verification_mail_and_the_link_logs_the_user_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "Nieuw@School.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nieuw@school.test")
    assert not user.emailaddress_set.get().verified

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@school.test"]
    link = _confirmation_link(message)

    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("home")).context["user"] == user


def test_an_unverified_address_cannot_log_in_until_it_is_confirmed(client):
    client.post(
        reverse("account_signup"),
        {"email": "wacht@school.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.logout()
    mail.outbox.clear()
    response = client.post(reverse("account_login"), {"login": "wacht@school.test", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1, "a new verification mail is sent"
    assert "_auth_user_id" not in client.session


def test_a_verified_user_logs_in_with_e_mail_and_password_and_logs_out(client):
    user = UserFactory(email="coordinator@school.test")
    response = client.post(reverse("account_login"), {"login": "Coordinator@School.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="coordinator@school.test")
    response = client.post(reverse("account_login"), {"login": "coordinator@school.test", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_signup_with_a_taken_address_or_weak_password_changes_nothing(client):
    UserFactory(email="bestaat@school.test")
    response = client.post(
        reverse("account_signup"),
        {"email": "bestaat@school.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code in (200, 302)
    assert User.objects.filter(email="bestaat@school.test").count() == 1
    response = client.post(
        reverse("account_signup"), {"email": "zwak@school.test", "password1": "12345", "password2": "12345"}
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="zwak@school.test").exists()


def test_password_reset_mails_a_link(client):
    UserFactory(email="vergeten@school.test")
    response = client.post(reverse("account_reset_password"), {"email": "vergeten@school.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/account/password/reset/key/" in mail.outbox[0].body
