"""The form to signal a barrier (drempel) to a municipality.

The note is about a structure (school costs, transport, waiting lists …), never about a family:
it passes the privacy guard. The school is optional and chosen among the schools of the
municipality the user works with (bridge.dashboard.signalling_schools).
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bridge.dashboard import NOTE_MAX_LENGTH
from bridge.models import BarrierKind
from families.privacy import validate_no_personal_data
from schools.models import School


class BarrierForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Barrier"),
        choices=[(value, capfirst(label)) for value, label in BarrierKind.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the barrier you want to signal.")},
    )
    note = forms.CharField(
        label=_("Short note"),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a short note about the barrier.")},
        help_text=_(
            "What stands in the way, and for whom in general terms? For example: the school trip costs "
            "more than many families can pay. No names or details that could identify a family or a child."
        ),
    )
    school = forms.ModelChoiceField(
        label=_("School (optional)"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("Not about one school"),
        help_text=_("Name a school when the barrier is about that school in particular."),
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name", "pk")

    def clean_note(self) -> str:
        return " ".join(self.cleaned_data["note"].split())
