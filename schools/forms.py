"""The school profile form: cleans and normalises what a coordinator types."""

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, PostalCode, Region
from schools.models import Network, School

LEVELS = ("kleuter", "lager", "buitengewoon", "secundair")
POSTAL_CODE = re.compile(r"^[1-9][0-9]{3}$")
PHONE_DIGITS = re.compile(r"^(?:\+|00)?[0-9]{8,13}$")
# Belgium with a margin: catches swapped or mistyped coordinates.
LATITUDE_RANGE = (49.4, 51.6)
LONGITUDE_RANGE = (2.4, 6.5)


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return obj.name_nl if not obj.province_name else f"{obj.name_nl} ({obj.province_name})"


class SchoolProfileForm(forms.Form):
    name = forms.CharField(label=_("Name of the school"), max_length=200)
    institution_number = forms.CharField(
        label=_("Institution number"),
        max_length=12,
        help_text=_("The six-digit instellingsnummer of the Flemish Department of Education."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels"),
        choices=[(level, capfirst(School._meta.get_field(f"level_{level}").verbose_name)) for level in LEVELS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one level: nursery, primary, special needs or secondary.")},
    )
    network = forms.ChoiceField(label=_("Network"), choices=[("", "—"), *Network.choices])
    street = forms.CharField(
        label=_("Street and number"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": "6"}),
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        empty_label="—",
        help_text=_("The municipality after the 2025 mergers."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        localize=True,
        help_text=_("Optional. For the map, for example 51.1656."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        localize=True,
        help_text=_("Optional. For the map, for example 4.1437."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https", widget=forms.URLInput()
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        help_text=_("A general address of the school, for partners. Not a personal address."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, school: School, can_edit_institution_number: bool = False, **kwargs) -> None:
        initial = {
            "name": school.name,
            "institution_number": school.institution_number,
            "levels": [level for level in LEVELS if getattr(school, f"level_{level}")],
            "network": school.network,
            "street": school.street,
            "postal_code": school.postal_code,
            "municipality": school.municipality_id,
            "latitude": school.latitude,
            "longitude": school.longitude,
            "website": school.website,
            "contact_email": school.contact_email,
            "phone": school.phone,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.school = school
        if not can_edit_institution_number:
            del self.fields["institution_number"]
        # Flemish education: schools in Flanders and Brussels (and wherever this school already is).
        self.fields["municipality"].queryset = Municipality.objects.filter(
            Q(region__in=[Region.FLANDERS, Region.BRUSSELS]) | Q(pk=school.municipality_id)
        ).order_by("name_nl")

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_institution_number(self) -> str:
        value = re.sub(r"\D", "", self.cleaned_data["institution_number"])
        if len(value) != 6:
            raise forms.ValidationError(_("An institution number has exactly six digits."), code="invalid")
        if School.objects.filter(institution_number=value).exclude(pk=self.school.pk).exists():
            raise forms.ValidationError(
                _("Another school in Brugwijzer already has institution number %(number)s."),
                code="unique",
                params={"number": value},
            )
        return value

    def clean_postal_code(self) -> str:
        value = re.sub(r"\s", "", self.cleaned_data["postal_code"])
        if not POSTAL_CODE.match(value):
            raise forms.ValidationError(
                _("Enter a Belgian postal code of four digits, for example 9100."), code="invalid"
            )
        return value

    def clean_contact_email(self) -> str:
        return self.cleaned_data["contact_email"].strip().lower()

    def clean_phone(self) -> str:
        value = " ".join(self.cleaned_data["phone"].split())
        if value and not PHONE_DIGITS.match(re.sub(r"[\s./()\-]", "", value)):
            raise forms.ValidationError(
                _("Enter a phone number of the school, for example 03 776 12 34 or +32 3 776 12 34."),
                code="invalid",
            )
        return value

    def clean_latitude(self) -> float | None:
        return self._coordinate("latitude", -90, 90, LATITUDE_RANGE)

    def clean_longitude(self) -> float | None:
        return self._coordinate("longitude", -180, 180, LONGITUDE_RANGE)

    def _coordinate(self, name: str, low: float, high: float, belgium: tuple[float, float]) -> float | None:
        value = self.cleaned_data[name]
        if value is None:
            return None
        if not low <= value <= high:
            raise forms.ValidationError(
                _("Enter a value between %(low)s and %(high)s."), code="range", params={"low": low, "high": high}
            )
        if not belgium[0] <= value <= belgium[1]:
            raise forms.ValidationError(
                _("Outside Belgium (expected %(low)s to %(high)s). Did you swap latitude and longitude?"),
                code="outside_belgium",
                params={"low": belgium[0], "high": belgium[1]},
            )
        return round(value, 6)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code, municipality = cleaned.get("postal_code"), cleaned.get("municipality")
        if code and municipality and not PostalCode.objects.filter(code=code, municipality=municipality).exists():
            names = list(
                PostalCode.objects.filter(code=code).values_list("municipality__name_nl", flat=True).order_by()
            )
            if names:
                message = gettext("Postal code %(code)s does not belong to %(municipality)s, but to %(names)s.") % {
                    "code": code,
                    "municipality": municipality.name_nl,
                    "names": ", ".join(sorted(set(names))),
                }
            else:
                message = gettext("Postal code %(code)s does not exist in Belgium.") % {"code": code}
            self.add_error("postal_code", forms.ValidationError(message, code="postal_code_mismatch"))
        has_latitude = cleaned.get("latitude") is not None
        has_longitude = cleaned.get("longitude") is not None
        if has_latitude != has_longitude and not ({"latitude", "longitude"} & set(self.errors)):
            self.add_error(
                "longitude" if has_latitude else "latitude",
                forms.ValidationError(_("Give both latitude and longitude, or leave both empty."), code="incomplete"),
            )
        return cleaned

    def profile_data(self) -> dict[str, Any]:
        """The cleaned data in the School's own fields, for `schools.services.update_school_profile`."""
        data = dict(self.cleaned_data)
        levels = set(data.pop("levels"))
        data.update({f"level_{level}": level in levels for level in LEVELS})
        return data
