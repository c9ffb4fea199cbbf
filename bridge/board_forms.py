"""Forms of the brokering board and the organisation inbox.

Free text (the message to an organisation, the explanation of a refusal) passes the privacy
guard: it is about a group of families, never about one family or child.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bridge.models import DeclineReason
from families.models import LifeDomain, Urgency
from families.privacy import validate_no_personal_data
from schools.models import School

NO_PERSONAL_DATA = _(
    "No names, addresses, dates of birth, national register numbers, e-mail addresses, phone numbers or other "
    "details that could identify a family or a child."
)
MESSAGE_MAX_LENGTH = 2000


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.name} ({obj.municipality.name_nl})"


class LifeDomainChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LifeDomain) -> str:
        return obj.name


class BoardFilterForm(forms.Form):
    """Narrow the board down; the school choices are the schools the user brokers for."""

    school = SchoolChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools")
    )
    life_domain = LifeDomainChoiceField(
        label=_("Life domain"),
        queryset=LifeDomain.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All life domains"),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        required=False,
        choices=[("", _("Any urgency")), *((value, capfirst(label)) for value, label in Urgency.choices)],
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.select_related("municipality").order_by("name")

    def filters(self) -> dict[str, Any]:
        """The valid filters as lookups on FamilyNeed; an invalid value is simply ignored."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        lookups: dict[str, Any] = {}
        if data.get("school"):
            lookups["school"] = data["school"]
        if data.get("life_domain"):
            lookups["life_domains"] = data["life_domain"]
        if data.get("urgency"):
            lookups["urgency"] = data["urgency"]
        return lookups


class ProposeForm(forms.Form):
    """A broker proposes a match on a school's behalf: the school must have agreed."""

    school_agreed = forms.BooleanField(
        label=_("The school agreed that we ask this organisation"),
        help_text=_("Only propose a match once the school's coordinator said yes to it."),
        error_messages={"required": _("Record that the school agreed before you propose a match on its behalf.")},
    )
    message = forms.CharField(
        label=_("Message to the organisation"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional: what you hope the organisation can do, and what the school already tried."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = f"{self.fields['message'].help_text} {NO_PERSONAL_DATA}"

    def clean_message(self) -> str:
        return self.cleaned_data["message"].strip()


class DeclineForm(forms.Form):
    """Why the organisation cannot take the need up; "other" needs a few words."""

    reason = forms.ChoiceField(
        label=_("Why do you decline?"),
        choices=[(value, capfirst(label)) for value, label in DeclineReason.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you decline this request.")},
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required when you choose “other”. A tip helps the school: another organisation or a moment when "
            "you will have room again."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = f"{self.fields['note'].help_text} {NO_PERSONAL_DATA}"

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("reason") == DeclineReason.OTHER and not cleaned.get("note") and "note" not in self.errors:
            self.add_error(
                "note",
                forms.ValidationError(
                    _("Explain in a few words why you decline: you chose “other” as the reason."), code="required"
                ),
            )
        return cleaned
