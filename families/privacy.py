"""The privacy guard: free text about families may not hold data that identifies a person.

Brugwijzer stores needs as anonymous statements. A national register number (rijksregister-
nummer) or BIS number, an e-mail address or a phone number in a description is refused, with a
message that says what was found, so the writer can remove it. Names cannot be detected
reliably; the forms say next to the field that they do not belong there.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEP = r"[ .\-/]?"
NATIONAL_NUMBER = re.compile(rf"(?<![\d])(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{3}}){_SEP}(\d{{2}})(?![\d])")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?\d{2,3}[\s./\-]?(?:\(0\)[\s./\-]?)?|0)\d(?:[\s./\-]?\d){7,9}(?![\d])")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str

    @property
    def masked(self) -> str:
        """Enough to find it again in the text, not enough to repeat it in full."""
        visible = max(2, len(self.text) // 4)
        return self.text[:visible] + "…"


def national_number_is_valid(digits: str) -> bool:
    """Rijksregisternummer or BIS number: a plausible date and the mod-97 check (both centuries)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    if month >= 40:  # BIS number, sex known
        month -= 40
    elif month >= 20:  # BIS number, sex unknown
        month -= 20
    if month > 12 or day > 31:
        return False
    body, check = int(digits[:9]), int(digits[9:])
    return check in (97 - body % 97, 97 - int("2" + digits[:9]) % 97)


def find_personal_data(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for match in NATIONAL_NUMBER.finditer(text or ""):
        if national_number_is_valid("".join(match.groups())):
            findings.append(Finding("national_number", match.group(0)))
    for match in EMAIL.finditer(text or ""):
        findings.append(Finding("email", match.group(0)))
    taken = [f.text for f in findings]
    for match in PHONE.finditer(text or ""):
        if not any(match.group(0) in t or t in match.group(0) for t in taken):
            findings.append(Finding("phone", match.group(0)))
    return findings


def validate_no_personal_data(text: str) -> None:
    """Raise a ValidationError that names each kind of personal data found in the text."""
    findings = find_personal_data(text)
    if not findings:
        return
    labels = {
        "national_number": _("a national register number or BIS number"),
        "email": _("an e-mail address"),
        "phone": _("a phone number"),
    }
    messages = [
        _("This text contains %(what)s (%(sample)s).") % {"what": labels[f.kind], "sample": f.masked} for f in findings
    ]
    messages.append(
        _(
            "Brugwijzer never stores personal data of families or children. Remove it and describe "
            "the situation in general terms."
        )
    )
    raise ValidationError(messages, code="personal_data")
