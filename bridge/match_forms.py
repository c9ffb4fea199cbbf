"""Forms of the school side of matching: asking a partner, trying a need, filtering requests."""

import django_filters
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bridge.models import MatchRequest, MatchStatus
from families.forms import NO_PERSONAL_DATA, FamilyNeedForm
from families.models import FamilyNeed
from families.privacy import validate_no_personal_data
from portal.widgets import PlainTextarea

MESSAGE_MAX_LENGTH = 2000


class AskPartnerForm(forms.Form):
    """ "Ask this partner": an optional message and, for a broker, the school's agreement.

    School members ask for their own school; CLB staff, bridge figures and moderators ask on
    the school's behalf (`on_behalf=True`) and must tick that the school agreed.
    """

    message = forms.CharField(
        label=_("Message to the organisation (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        validators=[validate_no_personal_data],
        widget=PlainTextarea(attrs={"rows": 3}),
        help_text=_("For example: when the families are easiest to reach, or what the school can offer."),
    )
    school_agreed = forms.BooleanField(
        label=_("The school agreed to this request"),
        required=True,
        help_text=_("You ask on the school's behalf: only send the request when the school agreed to it."),
        error_messages={"required": _("Confirm that the school agreed before you ask on its behalf.")},
    )

    def __init__(self, *args, on_behalf: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        self.fields["message"].help_text = f"{self.fields['message'].help_text} {NO_PERSONAL_DATA}"
        if not on_behalf:
            del self.fields["school_agreed"]

    def clean_message(self) -> str:
        return self.cleaned_data["message"].strip()


class TryNeedForm(FamilyNeedForm):
    """The need form, to see the suggestions before saving: the title may stay empty for now.

    Nothing is stored. The privacy guard runs all the same, so a text that names a person is
    refused here as it would be on saving.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False


class RequestFilter(django_filters.FilterSet):
    """Filters for one school's match requests; the queryset and the needs offered are that school's."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(value, capfirst(label)) for value, label in MatchStatus.choices],
        empty_label=_("All statuses"),
    )
    need = django_filters.ModelChoiceFilter(
        label=_("Need"),
        queryset=FamilyNeed.objects.none(),
        empty_label=_("All needs"),
    )

    class Meta:
        model = MatchRequest
        fields: list[str] = []

    def __init__(self, data=None, *, queryset, needs) -> None:
        super().__init__(data, queryset=queryset)
        self.filters["need"].queryset = needs
        self.form.fields["need"].queryset = needs

    @property
    def is_filtered(self) -> bool:
        self.qs  # noqa: B018 - validates the form
        return self.is_bound and any((getattr(self.form, "cleaned_data", None) or {}).values())
