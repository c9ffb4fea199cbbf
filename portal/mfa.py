"""Two-factor secrets encrypted at rest.

allauth keeps each TOTP secret and recovery-code seed in the database, readable by anyone with a
copy of it (a backup, a replica, a support dump) who could then produce valid codes. The adapter
encrypts them with a key derived from SECRET_KEY (Fernet: AES-128-CBC with an HMAC), so a copy of
the database alone is not enough. SECRET_KEY_FALLBACKS decrypt too, so the key can be rotated
the way Django rotates it for sessions; `manage.py encrypt_mfa_secrets` re-encrypts everything
with the current key, and encrypts what was stored before this adapter (kept readable until then).
"""

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "fernet:"
# What the key derivation mixes in, so that the key serves nothing else SECRET_KEY is used for.
_PURPOSE = b"brugwijzer.mfa.secrets-at-rest"


class UnreadableSecret(ValueError):
    """An encrypted secret that no configured key opens: SECRET_KEY changed without a fallback."""


def _key(secret_key: str) -> bytes:
    digest = hashlib.sha256(_PURPOSE + b"\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(key)) for key in keys])


def is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(value: str) -> str:
    """The secret; a value stored before encryption (no prefix) is returned as it is."""
    if not is_encrypted(value):
        return value
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken as error:
        raise UnreadableSecret(
            "A two-factor secret cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS."
        ) from error


def reencrypt(value: str) -> str:
    """`value` encrypted with the current key, whether it was plain or encrypted with a fallback."""
    return encrypt(decrypt(value))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)
