"""Two-factor secrets are stored encrypted (portal/mfa.py), and sign-ins keep working."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from portal import mfa
from portal.security import DEMO_TOTP_SECRET, activate_demo_totp, totp_code
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def stored(user, kind=Authenticator.Type.TOTP) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def accepts(user, code: str) -> bool:
    """What the sign-in asks of the user's TOTP authenticator (it reads the stored secret)."""
    return TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)).validate_code(code)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_totp_secret_is_stored_encrypted_and_still_checks_codes():
    user = factories.UserFactory()
    TOTP.activate(user, SECRET)

    data = stored(user)
    assert data["secret"].startswith(mfa.PREFIX)
    assert SECRET not in str(data)
    assert not accepts(user, wrong(totp_code(SECRET)))
    assert accepts(user, totp_code(SECRET))


def test_the_recovery_code_seed_is_stored_encrypted_and_gives_the_same_codes():
    user = factories.UserFactory()
    codes = RecoveryCodes.activate(user).generate_codes()

    data = stored(user, Authenticator.Type.RECOVERY_CODES)
    assert data["seed"].startswith(mfa.PREFIX)
    assert (
        RecoveryCodes(Authenticator.objects.get(pk=RecoveryCodes.activate(user).instance.pk)).generate_codes() == codes
    )


def test_a_secret_stored_before_encryption_still_works_and_the_command_encrypts_it():
    user = factories.UserFactory()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": SECRET})
    recovery = Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "ab" * 40, "used_mask": 0}
    )
    codes = RecoveryCodes(recovery).generate_codes()
    assert accepts(user, totp_code(SECRET))

    call_command("encrypt_mfa_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert stored(user)["secret"].startswith(mfa.PREFIX)
    assert stored(user, Authenticator.Type.RECOVERY_CODES)["seed"].startswith(mfa.PREFIX)
    assert stored(user, Authenticator.Type.RECOVERY_CODES)["used_mask"] == 0
    assert mfa.decrypt(stored(user)["secret"]) == SECRET
    assert RecoveryCodes(Authenticator.objects.get(pk=recovery.pk)).generate_codes() == codes


def test_a_former_key_in_the_fallbacks_still_decrypts_and_the_command_moves_it_to_the_new_key(settings):
    user = factories.UserFactory()
    TOTP.activate(user, SECRET)
    old_key = settings.SECRET_KEY

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-brand-new-key-" + "x" * 40, [old_key]
    assert mfa.decrypt(stored(user)["secret"]) == SECRET
    call_command("encrypt_mfa_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115

    settings.SECRET_KEY_FALLBACKS = []
    assert mfa.decrypt(stored(user)["secret"]) == SECRET


def test_without_the_key_a_secret_is_not_readable_and_says_why(settings):
    user = factories.UserFactory()
    TOTP.activate(user, SECRET)
    settings.SECRET_KEY = "another-key-" + "y" * 40

    with pytest.raises(mfa.UnreadableSecret, match="SECRET_KEY"):
        mfa.decrypt(stored(user)["secret"])


def test_the_demo_secret_is_encrypted_and_signs_in(settings):
    settings.BRUGWIJZER_REQUIRE_2FA = True
    user = factories.UserFactory()
    activate_demo_totp(user)
    activate_demo_totp(user)  # idempotent: reads the encrypted secret back

    assert DEMO_TOTP_SECRET not in str(stored(user))
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user
