"""Forms welfare workers fill in: they clean and normalise input and explain every refusal."""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from families.models import LifeDomain
from portal.models import Language, Municipality, PostalCode, Region
from portal.validators import normalise_kbo, validate_kbo
from welfare import services
from welfare.models import ACCESS_MODES, Capacity, Location, Offer, OfferCorrection, Organisation

BELGIUM_LATITUDE = (49.45, 51.55)
BELGIUM_LONGITUDE = (2.5, 6.45)
MAX_AGE = 25
MAX_WAITING_WEEKS = 104
PHONE = re.compile(r"^[0-9+()./\s-]+$")


def municipalities_flemish_first():
    """Flemish and Brussels municipalities first: that is where Brugwijzer is used."""
    return Municipality.objects.annotate(
        region_order=Case(
            When(region=Region.FLANDERS, then=Value(0)),
            When(region=Region.BRUSSELS, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("region_order", "name_nl")


def municipality_label(municipality: Municipality) -> str:
    """'Luik (Liège)': the Dutch name, and the French one when it differs."""
    if municipality.name_fr and municipality.name_fr != municipality.name_nl:
        return f"{municipality.name_nl} ({municipality.name_fr})"
    return municipality.name_nl


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        province = obj.province_name or obj.get_region_display()
        return f"{municipality_label(obj)} — {province}"


class LanguageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Language) -> str:
        return obj.name_en if (get_language() or "").startswith("en") else obj.name_nl


class CorrectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OfferCorrection) -> str:
        return Truncator(obj.message).chars(160)


class CoordinateField(forms.FloatField):
    """Accepts '51,1656' as well as '51.1656': people copy coordinates from many places."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


# --- organisation ------------------------------------------------------------------------------


class OrganisationForm(forms.ModelForm):
    kbo_number = forms.CharField(
        label=_("KBO number"),
        max_length=20,
        required=False,
        help_text=_("Company number in the Crossroads Bank for Enterprises, for example 0123.456.749."),
    )

    class Meta:
        model = Organisation
        fields = services.ORGANISATION_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "description": _("What the organisation does, for whom, and in which region."),
            "website": _("The full address, for example https://www.caw.be."),
        }

    def clean_kbo_number(self) -> str:
        raw = self.cleaned_data["kbo_number"].strip()
        if not raw:
            return ""
        validate_kbo(raw)
        digits = normalise_kbo(raw)
        if Organisation.objects.filter(kbo_number=digits).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("Another organisation is already registered with KBO number %(number)s."),
                code="kbo_taken",
                params={"number": raw},
            )
        return digits

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 8):
            raise ValidationError(
                _("Enter a phone number with at least eight digits, for example 03 123 45 67."), code="phone"
            )
        return phone

    def values(self) -> dict:
        return {field: self.cleaned_data[field] for field in services.ORGANISATION_FIELDS}


# --- locations ---------------------------------------------------------------------------------


class LocationForm(forms.ModelForm):
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=municipalities_flemish_first(),
        required=False,
        empty_label=_("— from the postal code —"),
        help_text=_("Leave empty to take it from the postal code; choose when a postal code covers several."),
    )
    latitude = CoordinateField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Optional, for the map and distances. In Flanders about 50.7 to 51.5."),
    )
    longitude = CoordinateField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Optional. In Flanders about 2.5 to 5.9."),
    )

    class Meta:
        model = Location
        fields = services.LOCATION_FIELDS
        widgets = {
            "opening_hours": forms.Textarea(attrs={"rows": 4}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        }
        help_texts = {
            "name": _("Optional, for example “Main office” or “Local office Noord”."),
            "opening_hours": _("When families can come by, for example “Mon–Fri 9:00–12:00, Wed also 13:00–16:00”."),
        }

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"[1-9][0-9]{3}", code):
            raise ValidationError(_("A Belgian postal code has four digits, for example 9100."), code="postal_code")
        return code

    def clean(self):
        cleaned = super().clean()
        self._clean_municipality(cleaned)
        self._clean_coordinates(cleaned)
        return cleaned

    def _clean_municipality(self, cleaned: dict) -> None:
        code = cleaned.get("postal_code")
        if not code:
            return
        chosen = cleaned.get("municipality")
        candidates = list(
            Municipality.objects.filter(pk__in=PostalCode.objects.filter(code=code).values("municipality"))
        )
        names = ", ".join(m.name_nl for m in candidates)
        if not candidates:
            self.add_error("postal_code", _("Postal code %(code)s does not exist in Belgium.") % {"code": code})
        elif chosen is None and len(candidates) == 1:
            cleaned["municipality"] = candidates[0]
        elif chosen is None:
            self.add_error(
                "municipality",
                _("Postal code %(code)s covers several municipalities: choose one of %(names)s.")
                % {"code": code, "names": names},
            )
        elif chosen not in candidates:
            self.add_error(
                "postal_code",
                _("Postal code %(code)s does not belong to %(municipality)s; it belongs to %(names)s.")
                % {"code": code, "municipality": chosen.name_nl, "names": names},
            )

    def _clean_coordinates(self, cleaned: dict) -> None:
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if "latitude" in self.errors or "longitude" in self.errors:
            return
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Enter both latitude and longitude, or neither."))
            return
        if latitude is None:
            return
        in_belgium = (
            BELGIUM_LATITUDE[0] <= latitude <= BELGIUM_LATITUDE[1]
            and BELGIUM_LONGITUDE[0] <= longitude <= BELGIUM_LONGITUDE[1]
        )
        if not in_belgium:
            self.add_error(
                "latitude",
                _(
                    "These coordinates are not in Belgium. Latitude is about 49.5 to 51.5 and longitude "
                    "about 2.5 to 6.4: check that they are not swapped."
                ),
            )

    def values(self) -> dict:
        return {field: self.cleaned_data[field] for field in services.LOCATION_FIELDS}


# --- offers ------------------------------------------------------------------------------------

ACCESS_CHOICES = [(field, label) for field, _code, label in ACCESS_MODES]


@dataclass(frozen=True)
class MunicipalityOption:
    pk: int
    name: str
    label: str
    checked: bool


@dataclass(frozen=True)
class MunicipalityGroup:
    key: str
    label: str
    options: list[MunicipalityOption]

    @property
    def selected_count(self) -> int:
        return sum(option.checked for option in self.options)


class OfferForm(forms.ModelForm):
    life_domains = forms.ModelMultipleChoiceField(
        label=_("Life domains"),
        queryset=LifeDomain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one life domain in which this offer helps families.")},
    )
    age_min = forms.IntegerField(
        label=_("From age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "min_value": _("Enter an age from 0 to 25."),
            "max_value": _("Enter an age from 0 to 25."),
        },
    )
    age_max = forms.IntegerField(
        label=_("To age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "min_value": _("Enter an age from 0 to 25."),
            "max_value": _("Enter an age from 0 to 25."),
        },
    )
    languages = LanguageChoiceField(
        label=_("Languages"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages in which families can be helped, with or without an interpreter."),
    )
    access_modes = forms.MultipleChoiceField(
        label=_("How families or referrers reach it"),
        choices=ACCESS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way in which families or referrers reach this offer.")},
    )
    capacity = forms.ChoiceField(label=_("Capacity"), choices=Capacity.choices, widget=forms.RadioSelect)
    waiting_weeks = forms.IntegerField(
        label=_("Waiting time in weeks"),
        required=False,
        min_value=1,
        max_value=MAX_WAITING_WEEKS,
        help_text=_("Only with a waiting list: roughly how many weeks families wait."),
    )
    service_area = forms.ModelMultipleChoiceField(
        label=_("Service area"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The municipalities whose families can use this offer. Leave empty for an offer open to all."),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where the offer takes place. Leave empty for outreach or online offers."),
    )
    apply_corrections = CorrectionChoiceField(
        label=_("Suggestions this change takes care of"),
        queryset=OfferCorrection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticked suggestions are marked as applied when you save, and their authors are told by e-mail."),
    )

    class Meta:
        model = Offer
        fields = (
            "name",
            "description",
            "next_steps",
            "life_domains",
            "age_min",
            "age_max",
            "languages",
            "cost",
            "cost_note",
            "capacity",
            "waiting_weeks",
            "locations",
            "service_area",
            "is_active",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "cost": forms.RadioSelect,
        }
        help_texts = {
            "description": _("What the offer is, for whom, and what families can expect."),
            "cost_note": _("For example “€2 per session, free with a UiTPAS discount”."),
            "is_active": _("Inactive offers are hidden from the directory but kept with their history."),
        }

    def __init__(self, *args, organisation: Organisation, corrections=None, **kwargs):
        instance = kwargs.get("instance")
        initial = kwargs.setdefault("initial", {})
        if instance is None or instance.pk is None:
            initial.setdefault("languages", list(Language.objects.filter(code="nl").values_list("pk", flat=True)))
            initial.setdefault("is_active", True)
        else:
            initial.setdefault("access_modes", [field for field, _label in ACCESS_CHOICES if getattr(instance, field)])
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["locations"].queryset = organisation.locations.select_related("municipality")
        if corrections is not None:
            self.fields["apply_corrections"].queryset = corrections
        else:
            del self.fields["apply_corrections"]
        self.order_fields(["name", "description", "next_steps", "life_domains", "age_min", "age_max", "languages"])

    def clean(self):
        cleaned = super().clean()
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error(
                "age_max",
                _("The maximum age must be at least the minimum age (%(age)s).") % {"age": age_min},
            )
        capacity, weeks = cleaned.get("capacity"), cleaned.get("waiting_weeks")
        if "waiting_weeks" not in self.errors:
            if capacity == Capacity.WAITING_LIST and weeks is None:
                self.add_error("waiting_weeks", _("With a waiting list, say roughly how many weeks families wait."))
            elif capacity and capacity != Capacity.WAITING_LIST and weeks is not None:
                self.add_error(
                    "waiting_weeks",
                    _("A waiting time only applies to a waiting list: empty this field or choose “waiting list”."),
                )
        return cleaned

    def hide_errors(self) -> None:
        """Show the posted values without judging them: a service-area shortcut re-renders the
        form half-way through filling it in, and must not greet the worker with errors."""
        self._errors = ErrorDict()

    def offer_values(self) -> dict:
        data = self.cleaned_data
        values = {
            field: data[field]
            for field in services.OFFER_FIELDS
            if field not in services.ACCESS_FIELDS and field in data
        }
        values.update({field: field in data["access_modes"] for field in services.ACCESS_FIELDS})
        return values

    def relations(self) -> dict:
        return {relation: self.cleaned_data[relation] for relation in services.OFFER_RELATIONS}

    def selected_service_area(self) -> set[str]:
        return {str(value) for value in (self["service_area"].value() or [])}

    def service_area_groups(self) -> list[MunicipalityGroup]:
        """The municipalities as checkboxes, one group per province (Flemish provinces and
        Brussels first), each with the worker's current selection ticked."""
        selected = self.selected_service_area()
        groups: dict[str, list[MunicipalityOption]] = {}
        rows = Municipality.objects.only("pk", "name_nl", "name_fr", "province_code", "region").order_by("name_nl")
        for municipality in rows:
            key = municipality.province_code or municipality.region
            groups.setdefault(key, []).append(
                MunicipalityOption(
                    pk=municipality.pk,
                    name=municipality.name_nl,
                    label=municipality_label(municipality),
                    checked=str(municipality.pk) in selected,
                )
            )
        order = services.province_choices()
        return [MunicipalityGroup(key=key, label=label, options=groups[key]) for key, label in order if key in groups]

    def selected_municipality_names(self) -> list[str]:
        selected = [int(pk) for pk in self.selected_service_area() if str(pk).isascii() and str(pk).isdigit()]
        return list(Municipality.objects.filter(pk__in=selected).order_by("name_nl").values_list("name_nl", flat=True))


class ServiceAreaShortcutForm(forms.Form):
    """The shortcuts of the service-area picker: they add to the selection without saving."""

    ACTIONS = ("province", "around", "clear")

    province = forms.ChoiceField(label=_("Province"), required=False)
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False, empty_label=_("— choose —")
    )
    radius = forms.IntegerField(
        label=_("Radius in km"),
        required=False,
        min_value=1,
        max_value=100,
        initial=10,
        error_messages={
            "min_value": _("Choose a radius from 1 to 100 km."),
            "max_value": _("Choose a radius from 1 to 100 km."),
        },
    )

    def __init__(self, *args, organisation: Organisation, action: str = "", **kwargs):
        kwargs.setdefault("prefix", "area")
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["province"].choices = [("", _("— choose —")), *services.province_choices()]
        self.fields["location"].queryset = organisation.locations.select_related("municipality")

    def clean(self):
        cleaned = super().clean()
        if self.action == "province" and not cleaned.get("province") and "province" not in self.errors:
            self.add_error("province", _("Choose a province first."))
        if self.action == "around":
            location = cleaned.get("location")
            if location is None and "location" not in self.errors:
                self.add_error("location", _("Choose one of your locations first."))
            elif location is not None and (location.latitude is None or location.longitude is None):
                self.add_error(
                    "location",
                    _(
                        "%(location)s has no coordinates yet. Add its latitude and longitude on the "
                        "location's page, or tick the municipalities in the list."
                    )
                    % {"location": location},
                )
            if cleaned.get("radius") is None and "radius" not in self.errors:
                self.add_error("radius", _("Choose a radius from 1 to 100 km."))
        return cleaned


@dataclass
class ShortcutResult:
    data: QueryDict
    form: ServiceAreaShortcutForm
    notice: str = ""


def apply_service_area_shortcut(data: QueryDict, *, organisation: Organisation) -> ShortcutResult:
    """Work out the new service-area selection a shortcut button asks for, as posted data for
    the offer form. Nothing is saved: the worker sees the result and saves when ready."""
    action = data.get("shortcut", "")
    form = ServiceAreaShortcutForm(data, organisation=organisation, action=action)
    data = data.copy()
    current = {int(pk) for pk in data.getlist("service_area") if pk.isascii() and pk.isdigit()}
    if action not in ServiceAreaShortcutForm.ACTIONS or not form.is_valid():
        return ShortcutResult(data=data, form=form)
    if action == "clear":
        data.setlist("service_area", [])
        return ShortcutResult(data=data, form=form, notice=str(_("The service area is empty now.")))
    if action == "province":
        code = form.cleaned_data["province"]
        name = dict(form.fields["province"].choices)[code]
        found = {m.pk for m in services.municipalities_in_province(code)}
        added = found - current
        notice = (
            ngettext(
                "Added %(count)s municipality of %(province)s.",
                "Added %(count)s municipalities of %(province)s.",
                len(added),
            )
            if added
            else _("All municipalities of %(province)s were already selected.")
        ) % {"count": len(added), "province": name}
    else:
        location, radius = form.cleaned_data["location"], form.cleaned_data["radius"]
        around = services.municipalities_around(location=location, radius_km=radius)
        added = around.municipality_ids - current
        names = ", ".join(
            Municipality.objects.filter(pk__in=added).order_by("name_nl").values_list("name_nl", flat=True)
        )
        if around.placed == 0:
            notice = _(
                "We know the centre of no other municipality yet, so distances cannot be measured. Only "
                "%(municipality)s, where the location is, was added. Tick the other municipalities in the list."
            ) % {"municipality": location.municipality.name_nl}
        elif added:
            notice = ngettext(
                "Added %(count)s municipality within %(radius)s km of %(location)s: %(names)s.",
                "Added %(count)s municipalities within %(radius)s km of %(location)s: %(names)s.",
                len(added),
            ) % {"count": len(added), "radius": radius, "location": location, "names": names}
        else:
            notice = _("All municipalities within %(radius)s km of %(location)s were already selected.") % {
                "radius": radius,
                "location": location,
            }
    data.setlist("service_area", [str(pk) for pk in sorted(current | added)])
    return ShortcutResult(data=data, form=form, notice=str(notice))


# --- one-click actions and corrections ---------------------------------------------------------


class CapacityForm(forms.Form):
    capacity = forms.ChoiceField(label=_("Capacity"), choices=Capacity.choices, widget=forms.RadioSelect)
    waiting_weeks = forms.IntegerField(
        label=_("Waiting time in weeks"),
        required=False,
        min_value=1,
        max_value=MAX_WAITING_WEEKS,
        help_text=_("Only with a waiting list."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("capacity") != Capacity.WAITING_LIST:
            cleaned["waiting_weeks"] = None
            self.errors.pop("waiting_weeks", None)
        elif cleaned.get("waiting_weeks") is None and "waiting_weeks" not in self.errors:
            self.add_error("waiting_weeks", _("With a waiting list, say roughly how many weeks families wait."))
        return cleaned


class CorrectionDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Reply to the person who suggested it (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent with the e-mail that tells them what you decided."),
    )
