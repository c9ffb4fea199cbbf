"""Forms for joining, registering a school or organisation, and deciding on both."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import MembershipRole, Municipality
from portal.validators import normalise_kbo, validate_kbo
from schools.models import Network, School
from welfare.models import Organisation, OrganisationKind

KIND_CHOICES = [
    ("school", _("School")),
    ("organisation", _("Welfare organisation")),
    ("clb", _("CLB")),
    ("municipality", pgettext_lazy("kind of entity", "Local government")),
]

POSTAL_CODE = re.compile(r"^[1-9][0-9]{3}$")


class JoinSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to join?"),
        choices=KIND_CHOICES,
        initial="school",
        required=False,
        widget=forms.RadioSelect,
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "Schools: name, institution number, postal code or municipality. Organisations: name, or the "
            "municipality or postal code of one of their locations. Local governments: name or postal code."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    MIN_LENGTH = 2

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or "school"

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class RequestMembershipForm(forms.Form):
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    entity = forms.IntegerField(min_value=1)


class DeclineMembershipForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        help_text=_("The person who asked receives this in the e-mail that tells them the request was declined."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=MembershipRole.choices)


class ApproveForm(forms.Form):
    role = forms.ChoiceField(choices=MembershipRole.choices, required=False)


class DeclineRegistrationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=2000,
        help_text=_("Required. The person who registered it receives this reason by e-mail."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why you decline: the person who registered it receives this reason.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


class AddressFormMixin:
    """A street, a postal code and the municipality it belongs to.

    A postal code can serve several municipalities (1804: Vilvoorde and Zemst). When it serves
    one, that one is taken; when several, the person picks. Without JavaScript the choice
    appears after the first submit, with everything typed kept; with htmx as soon as the code
    is typed.
    """

    def _setup_address(self) -> None:
        field = self.fields["municipality"]
        field.queryset = Municipality.objects.all()
        code = self._raw_postal_code()
        self.municipality_options = (
            list(Municipality.objects.filter(postal_codes__code=code).distinct().order_by("name_nl"))
            if POSTAL_CODE.match(code)
            else []
        )
        options = [(municipality.pk, municipality.name_nl) for municipality in self.municipality_options]
        if not options:
            field.widget.choices = [("", _("Fill in the postal code first"))]
        elif len(options) == 1:
            field.widget.choices = options
        else:
            field.widget.choices = [("", _("Choose the municipality")), *options]

    def _raw_postal_code(self) -> str:
        name = self.add_prefix("postal_code")
        value = self.data.get(name) if self.is_bound else self.initial.get("postal_code")
        return normalise_postal_code(value or "")

    def clean_postal_code(self) -> str:
        code = normalise_postal_code(self.cleaned_data["postal_code"])
        if not POSTAL_CODE.match(code):
            raise ValidationError(_("A Belgian postal code has four digits, for example 9100."), code="invalid")
        if not self.municipality_options:
            raise ValidationError(
                _("We do not know the postal code %(code)s. Check it, please."), code="unknown", params={"code": code}
            )
        return code

    def clean_address(self, cleaned: dict) -> None:
        if "postal_code" not in cleaned:
            return
        options = self.municipality_options
        chosen = cleaned.get("municipality")
        if chosen in options:
            return
        if len(options) == 1:
            cleaned["municipality"] = options[0]
            return
        self.add_error(
            "municipality",
            ValidationError(
                _("The postal code %(code)s is used by several municipalities: choose the right one."),
                code="choose",
                params={"code": cleaned["postal_code"]},
            ),
        )


def normalise_postal_code(value: str) -> str:
    """'B-9100', ' 9100 ' and '9 100' become '9100'."""
    value = re.sub(r"^\s*B\s*-?\s*", "", str(value), flags=re.IGNORECASE)
    return re.sub(r"\s", "", value)


def municipality_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_(
            "Filled in from the postal code. When a postal code is used by several municipalities, choose one."
        ),
    )


class OrganisationRegistrationForm(AddressFormMixin, forms.Form):
    required_css_class = "required"

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ModelChoiceField(
        label=_("Kind of organisation"), queryset=OrganisationKind.objects.all(), empty_label=_("Choose a kind")
    )
    description = forms.CharField(
        label=_("What does the organisation do?"),
        required=False,
        max_length=3000,
        help_text=_("A few sentences for schools and colleagues. You can describe your offers later."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    kbo_number = forms.CharField(
        label=_("KBO number"),
        required=False,
        max_length=20,
        help_text=_("The company number, for example 0123.456.749, if the organisation has one."),
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200)
    email = forms.EmailField(label=_("General e-mail address"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    street = forms.CharField(
        label=_("Street and number"), max_length=200, help_text=_("The address of the first location.")
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    municipality = municipality_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_address()

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Organisation.objects.filter(name__iexact=name, declined_at__isnull=True).exists():
            raise ValidationError(
                _("An organisation called %(name)s is already on Brugwijzer. Ask to join it instead."),
                code="exists",
                params={"name": name},
            )
        return name

    def clean_kbo_number(self) -> str:
        raw = self.cleaned_data["kbo_number"].strip()
        if not raw:
            return ""
        validate_kbo(raw)
        number = normalise_kbo(raw)
        if Organisation.objects.filter(kbo_number=number).exists():
            raise ValidationError(
                _("An organisation with this KBO number is already on Brugwijzer. Ask to join it instead."),
                code="exists",
            )
        return number

    def clean_phone(self) -> str:
        return " ".join(self.cleaned_data["phone"].split())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        self.clean_address(cleaned)
        return cleaned


class SchoolRegistrationForm(AddressFormMixin, forms.Form):
    required_css_class = "required"

    name = forms.CharField(label=_("Name of the school"), max_length=200)
    institution_number = forms.CharField(
        label=_("Institution number"),
        max_length=20,
        help_text=_("The six-digit institution number (instellingsnummer) of the Department of Education."),
    )
    level_kleuter = forms.BooleanField(label=_("Nursery (kleuter)"), required=False)
    level_lager = forms.BooleanField(label=_("Primary (lager)"), required=False)
    level_buitengewoon = forms.BooleanField(label=_("Special needs (buitengewoon)"), required=False)
    level_secundair = forms.BooleanField(label=_("Secondary (secundair)"), required=False)
    network = forms.ChoiceField(label=_("Network"), choices=[("", _("Choose a network")), *Network.choices])
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    municipality = municipality_field()
    contact_email = forms.EmailField(label=_("Contact e-mail address"))
    website = forms.URLField(label=_("Website"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)

    LEVELS = ("level_kleuter", "level_lager", "level_buitengewoon", "level_secundair")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_address()

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_institution_number(self) -> str:
        number = re.sub(r"[\s.]", "", self.cleaned_data["institution_number"])
        if not re.fullmatch(r"[0-9]{6}", number):
            raise ValidationError(_("The institution number has exactly six digits, for example 012345."))
        if School.objects.filter(institution_number=number).exists():
            raise ValidationError(
                _("A school with institution number %(number)s is already on Brugwijzer. Ask to join it instead."),
                code="exists",
                params={"number": number},
            )
        return number

    def clean_contact_email(self) -> str:
        return self.cleaned_data["contact_email"].strip().lower()

    def clean_phone(self) -> str:
        return " ".join(self.cleaned_data["phone"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        if not any(cleaned.get(level) for level in self.LEVELS):
            self.add_error("level_kleuter", _("Tick at least one level the school offers."))
        self.clean_address(cleaned)
        return cleaned

    @property
    def level_fields(self) -> list:
        return [self[name] for name in self.LEVELS]
