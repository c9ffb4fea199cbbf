"""Encrypt every stored two-factor secret with the current SECRET_KEY (portal/mfa.py).

Run once after upgrading to encrypt what was stored in the clear, and after rotating SECRET_KEY
(with the old one in SECRET_KEY_FALLBACKS) so that the old key can then be dropped. Idempotent.
"""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.mfa import reencrypt

FIELDS = {Authenticator.Type.TOTP: ("secret",), Authenticator.Type.RECOVERY_CODES: ("seed",)}


class Command(BaseCommand):
    help = "Encrypt the stored two-factor secrets with the current SECRET_KEY."

    @transaction.atomic
    def handle(self, *args, **options):
        count = 0
        for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
            data = dict(authenticator.data)
            for field in FIELDS.get(authenticator.type, ()):
                if field in data:
                    data[field] = reencrypt(data[field])
            if "migrated_codes" in data:
                data["migrated_codes"] = [reencrypt(code) for code in data["migrated_codes"]]
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"Encrypted the secrets of {count} two-factor method(s).")
