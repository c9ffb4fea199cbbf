"""The directory's filters: what a professional narrows the public offer down by.

Within one filter the choices widen (life domain A *or* B; walk-in *or* at school); different
filters narrow (life domain *and* age *and* language). A value that is not valid is reported on
the form and that one filter is left out, so a shared link with a typo still shows offers.
Many-to-many filters use subqueries, never joins, so an offer is never listed twice.
"""

import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from families.models import LifeDomain
from portal.models import Language, Municipality, PostalCode, Region
from portal.widgets import (
    PlainCheckboxInput,
    PlainCheckboxSelectMultiple,
    PlainNumberInput,
    PlainSelect,
    PlainTextInput,
)
from welfare.models import ACCESS_MODES, Capacity, Cost, Offer, OrganisationKind
from welfare.search import MAX_QUERY_LENGTH, search_offers, words

MAX_AGE = 25
POSTAL_CODE = re.compile(r"^\s*([1-9][0-9]{3})\b\s*(.*)$")

COST_CHOICES = [
    ("free", _("Free")),
    ("free_or_low", _("Free or low cost")),
    ("low", _("Low cost")),
    ("paid", _("Paid")),
]
COST_VALUES = {
    "free": [Cost.FREE],
    "free_or_low": [Cost.FREE, Cost.LOW],
    "low": [Cost.LOW],
    "paid": [Cost.PAID],
}
ACCESS_CHOICES = [(code, label) for _field, code, label in ACCESS_MODES]
ACCESS_FIELDS = {code: field for field, code, _label in ACCESS_MODES}


def place_choices() -> QuerySet[Municipality]:
    """Municipalities offered in the place field's suggestion list: Flanders and Brussels."""
    return Municipality.objects.filter(region__in=[Region.FLANDERS, Region.BRUSSELS]).only("name_nl")


def resolve_place(text: str) -> list[Municipality]:
    """The municipalities meant by a name ("Sint-Niklaas", "Saint-Nicolas"), a postal code
    ("9100", which may cover several municipalities), "9100 Sint-Niklaas" or a NIS code.

    Raises ValidationError with a suggestion when nothing matches."""
    text = " ".join((text or "").split())
    if not text:
        return []
    if re.fullmatch(r"[0-9]{5}", text):
        found = list(Municipality.objects.filter(nis_code=text))
        if found:
            return found
    match = POSTAL_CODE.match(text)
    if match:
        code, name = match.groups()
        found = [postal.municipality for postal in PostalCode.objects.filter(code=code).select_related("municipality")]
        if name:
            named = [m for m in found if name.lower() in (m.name_nl.lower(), m.name_fr.lower())]
            found = named or found
        if found:
            return sorted({m.pk: m for m in found}.values(), key=lambda m: m.name_nl)
        raise forms.ValidationError(
            gettext("No municipality has the postal code %(code)s.") % {"code": code}, code="unknown_place"
        )
    found = list(Municipality.objects.filter(Q(name_nl__iexact=text) | Q(name_fr__iexact=text)))
    if found:
        return found
    suggestions = list(
        Municipality.objects.filter(Q(name_nl__icontains=text) | Q(name_fr__icontains=text)).values_list(
            "name_nl", flat=True
        )[:3]
    )
    if suggestions:
        raise forms.ValidationError(
            gettext("We do not know the municipality “%(place)s”. Did you mean %(suggestions)s?")
            % {"place": text, "suggestions": ", ".join(suggestions)},
            code="unknown_place",
        )
    raise forms.ValidationError(
        gettext("We do not know the municipality or postal code “%(place)s”.") % {"place": text},
        code="unknown_place",
    )


class PlaceField(forms.CharField):
    """A municipality name or postal code; cleans to a list of municipalities."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        return resolve_place(text)


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class CheckboxFilter(django_filters.Filter):
    field_class = forms.BooleanField


class DirectoryFilterForm(forms.Form):
    """The FilterSet's form: normalises input before the filters see it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_q(self) -> str:
        return " ".join((self.cleaned_data.get("q") or "").split())


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        widget=PlainTextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("A word from the name or description, or the organisation."),
    )
    municipality = PlaceFilter(
        label=_("Municipality served"),
        method="filter_municipality",
        widget=PlainTextInput(attrs={"list": "directory-places", "autocomplete": "off"}),
        help_text=_("Name or postal code of the municipality where the family lives."),
    )
    domain = django_filters.ModelMultipleChoiceFilter(
        label=_("Life domain"),
        queryset=LifeDomain.objects.all(),
        to_field_name="slug",
        method="filter_domain",
        widget=forms.CheckboxSelectMultiple,
    )
    age = IntegerFilter(
        label=_("Age of the child"),
        method="filter_age",
        min_value=0,
        max_value=MAX_AGE,
        widget=PlainNumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("In years."),
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        queryset=Language.objects.all(),
        to_field_name="code",
        method="filter_language",
        empty_label=_("Any language"),
        widget=PlainSelect,
    )
    cost = django_filters.ChoiceFilter(
        label=_("Cost"), choices=COST_CHOICES, method="filter_cost", empty_label=_("Any cost"), widget=PlainSelect
    )
    access = django_filters.MultipleChoiceFilter(
        label=_("How families get in"),
        choices=ACCESS_CHOICES,
        method="filter_access",
        widget=PlainCheckboxSelectMultiple,
    )
    open = CheckboxFilter(
        label=_("Only offers with room now"),
        method="filter_open",
        widget=PlainCheckboxInput,
    )
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind of organisation"),
        queryset=OrganisationKind.objects.all(),
        to_field_name="slug",
        method="filter_kind",
        empty_label=_("Any kind"),
        widget=PlainSelect,
    )

    class Meta:
        model = Offer
        fields: list[str] = []
        form = DirectoryFilterForm

    def filter_search(self, queryset, name, value):
        return search_offers(queryset, value) if value else queryset

    def filter_municipality(self, queryset, name, value):
        if not value:
            return queryset
        served = Offer.service_area.through.objects.filter(municipality__in=value).values("offer_id")
        return queryset.filter(pk__in=served)

    def filter_domain(self, queryset, name, value):
        if not value:
            return queryset
        linked = Offer.life_domains.through.objects.filter(lifedomain__in=value).values("offer_id")
        return queryset.filter(pk__in=linked)

    def filter_age(self, queryset, name, value):
        if value is None:
            return queryset
        age = int(value)
        return queryset.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=age), Q(age_max__isnull=True) | Q(age_max__gte=age)
        )

    def filter_language(self, queryset, name, value):
        if not value:
            return queryset
        spoken = Offer.languages.through.objects.filter(language=value).values("offer_id")
        return queryset.filter(pk__in=spoken)

    def filter_cost(self, queryset, name, value):
        return queryset.filter(cost__in=COST_VALUES[value]) if value in COST_VALUES else queryset

    def filter_access(self, queryset, name, value):
        modes = [ACCESS_FIELDS[code] for code in value or [] if code in ACCESS_FIELDS]
        if not modes:
            return queryset
        condition = Q()
        for field in modes:
            condition |= Q(**{field: True})
        return queryset.filter(condition)

    def filter_open(self, queryset, name, value):
        return queryset.filter(capacity=Capacity.OPEN) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.filter(organisation__kind=value) if value else queryset

    @property
    def search_text(self) -> str:
        """The cleaned search words ("" when not searching); validates the form if needed."""
        if not self.is_bound or "q" in self.errors:
            return ""
        text = self.form.cleaned_data.get("q", "")
        # Punctuation alone (":") searches nothing, so there is no relevance to sort by.
        return text if words(text) else ""
