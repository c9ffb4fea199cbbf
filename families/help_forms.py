"""Step 1 of the family help page: where do you live? A postal code or a town, typed as people type it."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, PostalCode

POSTAL_CODE = re.compile(r"^(?P<code>[1-9][0-9]{3})\b\s*(?P<rest>.*)$")
NOT_A_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")
MAX_SUGGESTIONS = 8
MIN_SUGGESTION_LENGTH = 3


def normalise_place(text: str) -> str:
    """A name as it is compared: Sint-Niklaas, sint niklaas and SINT–NIKLAAS all become "sint niklaas",
    Chièvres becomes "chievres"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return NOT_A_LETTER_OR_DIGIT.sub(" ", plain.casefold()).strip()


def _matches_by_name(name: str, candidates: list[Municipality] | None = None) -> tuple[list[Municipality], bool]:
    """Municipalities whose Dutch or French name is `name` (exact), else those that contain it.

    Names are compared in Python, accent- and case-insensitively: 565 short rows are cheaper
    than an accent-folding index that SQLite and PostgreSQL would each need in their own way.
    Returns the matches and whether they are exact.
    """
    wanted = normalise_place(name)
    if not wanted:
        return [], False
    if candidates is None:
        candidates = list(Municipality.objects.all())
    names = [(m, {normalise_place(m.name_nl), normalise_place(m.name_fr)}) for m in candidates]
    exact = [m for m, variants in names if wanted in variants]
    if exact:
        return exact, True
    if len(wanted) < MIN_SUGGESTION_LENGTH:
        return [], False
    return [m for m, variants in names if any(wanted in variant for variant in variants)], False


class PlaceForm(forms.Form):
    """Resolves what a parent typed into one municipality, or a short list to choose from.

    After validation `municipalities` holds the candidates and `exact` says whether the
    only candidate is certainly the town meant (then there is nothing left to ask).
    """

    plaats = forms.CharField(
        label=_("Where do you live?"),
        help_text=_("Type your postal code or the name of your town. For example: 9100 or Sint-Niklaas."),
        max_length=100,
        error_messages={"required": _("Type your postal code or the name of your town.")},
    )

    municipalities: list[Municipality]
    exact: bool = False

    def clean_plaats(self) -> str:
        text = " ".join(self.cleaned_data["plaats"].split())
        match = POSTAL_CODE.match(text)
        if match:
            municipalities, exact = self._by_postal_code(match["code"], match["rest"])
        elif text.isdigit():
            raise ValidationError(
                _("A postal code has 4 numbers, for example 9100. Check the number and try again."), code="postal_code"
            )
        else:
            municipalities, exact = _matches_by_name(text)
            if len(municipalities) > MAX_SUGGESTIONS:
                raise ValidationError(
                    _("Many towns have “%(text)s” in their name. Type the full name or your postal code."),
                    code="ambiguous",
                    params={"text": text},
                )
            if not municipalities:
                raise ValidationError(
                    _("We do not know the town “%(text)s”. Check the spelling, or type your postal code."),
                    code="unknown",
                    params={"text": text},
                )
        self.municipalities = municipalities
        self.exact = exact and len(municipalities) == 1
        return text

    def _by_postal_code(self, code: str, rest: str) -> tuple[list[Municipality], bool]:
        municipalities = [
            postal_code.municipality
            for postal_code in PostalCode.objects.filter(code=code).select_related("municipality")
        ]
        if not municipalities:
            raise ValidationError(
                _("We do not know the postal code %(code)s. Check the number and try again."),
                code="unknown_postal_code",
                params={"code": code},
            )
        if rest and len(municipalities) > 1:
            # "1804 Zemst": the name settles which town the shared postal code means.
            named, exact = _matches_by_name(rest, municipalities)
            if named:
                return named, exact
        return municipalities, True
