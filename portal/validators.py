"""Validators for Belgian identifiers used across apps."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KBO_WRITTEN = re.compile(r"(?:BE)?[\d .]+", re.IGNORECASE)


def normalise_kbo(value: str) -> str:
    """Digits only: '0123.456.749' and 'BE 0123 456 749' both become '0123456749'.

    Only digits, spaces, dots and a 'BE' prefix count as a way of writing the number;
    anything else is returned as typed, so it fails validation instead of being read as digits.
    """
    value = (value or "").strip()
    if not KBO_WRITTEN.fullmatch(value):
        return value
    digits = re.sub(r"\D", "", value)
    if len(digits) == 9:
        digits = "0" + digits
    return digits


def kbo_is_valid(value: str) -> bool:
    """A KBO (company) number: 10 digits, starts with 0 or 1, last two = 97 - (first eight mod 97)."""
    digits = normalise_kbo(value)
    if not re.fullmatch(r"[01]\d{9}", digits):
        return False
    return 97 - int(digits[:8]) % 97 == int(digits[8:])


def validate_kbo(value: str) -> None:
    if value and not kbo_is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid KBO number: check the ten digits (for example 0123.456.749)."),
            code="invalid_kbo",
            params={"value": value},
        )
