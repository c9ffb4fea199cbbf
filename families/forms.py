"""Stating a family need, and filtering a school's needs.

Title and description pass the privacy guard: a need describes a group of families in general
terms, never a person.
"""

from typing import Any

import django_filters
from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from families.models import FamilyNeed, LifeDomain, NeedStatus, Urgency
from families.privacy import validate_no_personal_data
from families.services import PREFERENCES
from portal.models import Language

NO_PERSONAL_DATA = _(
    "No names, addresses, dates of birth, national register numbers, e-mail addresses, phone numbers or other "
    "details that could identify a family or a child."
)


def language_label(language: Language) -> str:
    """The language's name in the interface language (the data has Dutch and English names)."""
    return language.name_en if (get_language() or "").startswith("en") else language.name_nl


class LifeDomainChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LifeDomain) -> str:
        return obj.name


class LanguageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Language) -> str:
        return language_label(obj)


class FamilyNeedForm(forms.Form):
    title = forms.CharField(
        label=_("Short title"),
        max_length=120,
        validators=[validate_no_personal_data],
        help_text=_(
            "What do these families need, in a few words? For example: help with homework in the primary years."
        ),
    )
    life_domains = LifeDomainChoiceField(
        label=_("Life domains"),
        queryset=LifeDomain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every area of life the need touches."),
        error_messages={"required": _("Choose at least one life domain.")},
    )
    age_min = forms.IntegerField(
        label=_("Children's age from"),
        required=False,
        min_value=0,
        max_value=25,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_max = forms.IntegerField(
        label=_("Children's age to"),
        required=False,
        min_value=0,
        max_value=25,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    family_count = forms.IntegerField(
        label=_("Approximate number of families"),
        min_value=1,
        max_value=9999,
        initial=1,
        help_text=_("An estimate is enough."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    home_languages = LanguageChoiceField(
        label=_("Languages spoken at home"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional: helps to find help in a language the families understand."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[(value, capfirst(label)) for value, label in Urgency.choices],
        initial=Urgency.MEDIUM,
        widget=forms.RadioSelect,
    )
    preferences = forms.MultipleChoiceField(
        label=_("What would help these families"),
        required=False,
        choices=[(key, capfirst(FamilyNeed._meta.get_field(f"prefers_{key}").verbose_name)) for key in PREFERENCES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional: the kind of help that would work best for them."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe the situation in general terms."),
    )

    def __init__(self, *args, need: FamilyNeed | None = None, **kwargs) -> None:
        if need is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": need.title,
                    "life_domains": [domain.pk for domain in need.life_domains.all()],
                    "age_min": need.age_min,
                    "age_max": need.age_max,
                    "family_count": need.family_count,
                    "home_languages": [language.pk for language in need.home_languages.all()],
                    "urgency": need.urgency,
                    "preferences": [key for key in PREFERENCES if getattr(need, f"prefers_{key}")],
                    "description": need.description,
                },
            )
        super().__init__(*args, **kwargs)
        for name in ("title", "description"):
            self.fields[name].help_text = f"{self.fields[name].help_text} {NO_PERSONAL_DATA}"
        self.fields["home_languages"].queryset = Language.objects.order_by(
            "name_en" if (get_language() or "").startswith("en") else "name_nl"
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error(
                "age_max",
                forms.ValidationError(
                    _("The age 'to' (%(max)s) is lower than the age 'from' (%(min)s)."),
                    code="age_range",
                    params={"min": age_min, "max": age_max},
                ),
            )
        return cleaned

    def need_data(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments for `create_need` and `update_need`."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "life_domains": list(data["life_domains"]),
            "home_languages": list(data["home_languages"]),
            "age_min": data["age_min"],
            "age_max": data["age_max"],
            "family_count": data["family_count"],
            "urgency": data["urgency"],
            "preferences": list(data["preferences"]),
        }


class NeedFilter(django_filters.FilterSet):
    """Filters for one school's list of needs; the queryset is already limited to that school."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(value, capfirst(label)) for value, label in NeedStatus.choices],
        empty_label=_("All statuses"),
    )
    life_domain = django_filters.ModelChoiceFilter(
        label=_("Life domain"),
        field_name="life_domains",
        queryset=LifeDomain.objects.all(),
        to_field_name="slug",
        empty_label=_("All life domains"),
    )

    class Meta:
        model = FamilyNeed
        fields: list[str] = []
