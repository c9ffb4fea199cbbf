"""Forms of the collaboration record: the three questions, the status and the learning log."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bridge.models import (
    Actor,
    Collaboration,
    CollaborationForm,
    CollaborationStatus,
    ConditionKind,
    ConditionState,
)
from families.forms import NO_PERSONAL_DATA, LifeDomainChoiceField
from families.models import FamilyNeed, LifeDomain, Urgency
from families.privacy import validate_no_personal_data

TEXT_MAX_LENGTH = 4000
NOT_ABOUT_FAMILIES = _("Describe how you work together, not a family.")


def _choices(enum) -> list[tuple[str, str]]:
    return [(value, capfirst(label)) for value, label in enum.choices]


def _text(label, *, help_text: str = "", rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class NeedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: FamilyNeed) -> str:
        return f"{obj.title} ({obj.get_status_display()})"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class WhyForm(forms.Form):
    """Waarom: what the collaboration is for, its form and its dates."""

    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_no_personal_data])
    form = forms.ChoiceField(
        label=_("Form of the collaboration"), choices=_choices(CollaborationForm), widget=forms.RadioSelect
    )
    needs = NeedChoiceField(
        label=_("Needs addressed"),
        queryset=FamilyNeed.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The needs of the school that this collaboration takes up."),
    )
    life_domains = LifeDomainChoiceField(
        label=_("Life domains"),
        queryset=LifeDomain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=_choices(Urgency), widget=forms.RadioSelect)
    goals = _text(
        _("Goals"),
        rows=5,
        help_text=_("What do the partners want to reach together, for the families and for the school?"),
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    review_date = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=DateInput(),
        help_text=_("The partners get a reminder by e-mail a week before."),
    )

    def __init__(self, *args, collaboration: Collaboration, **kwargs) -> None:
        self.collaboration = collaboration
        kwargs.setdefault(
            "initial",
            {
                "title": collaboration.title,
                "form": collaboration.form,
                "needs": [need.pk for need in collaboration.needs.all()],
                "life_domains": [domain.pk for domain in collaboration.life_domains.all()],
                "urgency": collaboration.urgency,
                "goals": collaboration.goals,
                "start_date": collaboration.start_date,
                "end_date": collaboration.end_date,
                "review_date": collaboration.review_date,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = FamilyNeed.objects.filter(school_id=collaboration.school_id).order_by(
            "status", "title"
        )
        self.fields["goals"].help_text = f"{self.fields['goals'].help_text} {NO_PERSONAL_DATA}"

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_review_date(self):
        review_date = self.cleaned_data["review_date"]
        if review_date and review_date != self.collaboration.review_date and review_date < timezone.localdate():
            raise forms.ValidationError(_("The review date lies in the past: choose a date from today on."))
        return review_date

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date lies before the start date."))
        return cleaned


class ConditionsForm(forms.Form):
    """Onder welke voorwaarden: for each of the eight conditions a state and a note."""

    def __init__(self, *args, collaboration: Collaboration, **kwargs) -> None:
        existing = {row.kind: row for row in collaboration.conditions.all()}
        initial = {}
        for kind in ConditionKind.values:
            row = existing.get(kind)
            initial[f"{kind}_state"] = row.state if row else ConditionState.OPEN
            initial[f"{kind}_note"] = row.note if row else ""
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for kind, label in ConditionKind.choices:
            self.fields[f"{kind}_state"] = forms.ChoiceField(
                label=capfirst(label), choices=_choices(ConditionState), widget=forms.RadioSelect
            )
            self.fields[f"{kind}_note"] = _text(_("Notes on “%(condition)s”") % {"condition": label}, rows=2)

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(kind, self[f"{kind}_state"], self[f"{kind}_note"]) for kind in ConditionKind.values]

    def conditions(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {kind: (data[f"{kind}_state"], data[f"{kind}_note"]) for kind in ConditionKind.values}


class RolesForm(forms.Form):
    """Wie doet wat: for each of the six partners their tasks and what they do not do."""

    def __init__(self, *args, collaboration: Collaboration, **kwargs) -> None:
        existing = {row.actor: row for row in collaboration.roles.all()}
        initial = {}
        for actor in Actor.values:
            row = existing.get(actor)
            initial[f"{actor}_tasks"] = row.tasks if row else ""
            initial[f"{actor}_limits"] = row.limits if row else ""
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for actor, label in Actor.choices:
            self.fields[f"{actor}_tasks"] = _text(_("Tasks of %(partner)s") % {"partner": label})
            self.fields[f"{actor}_limits"] = _text(_("What %(partner)s does not do") % {"partner": label})

    def rows(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        labels = dict(Actor.choices)
        return [
            (actor, capfirst(labels[actor]), self[f"{actor}_tasks"], self[f"{actor}_limits"]) for actor in Actor.values
        ]

    def roles(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {actor: (data[f"{actor}_tasks"], data[f"{actor}_limits"]) for actor in Actor.values}


class StatusForm(forms.Form):
    """One lifecycle step: from the status the person saw to the next one they chose."""

    expected = forms.ChoiceField(choices=CollaborationStatus.choices, widget=forms.HiddenInput)
    to = forms.ChoiceField(choices=CollaborationStatus.choices)


class LearningEntryForm(forms.Form):
    """A learning log entry: interprofessional learning, written for one side."""

    author_side = forms.ChoiceField(label=_("I write for"), choices=(), widget=forms.RadioSelect)
    what_happened = _text(_("What happened"), rows=4, required=True)
    learned = _text(
        _("What we learned from the other side"),
        rows=4,
        required=True,
        help_text=_("What did the school learn from the welfare side, or the welfare side from the school?"),
    )
    take_away = _text(_("What we take into our own work"), rows=3)

    def __init__(self, *args, sides: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author_side"].choices = [(value, capfirst(label)) for value, label in sides]
        if len(sides) == 1:
            self.fields["author_side"].initial = sides[0][0]
        for name in ("what_happened", "learned", "take_away"):
            help_text = self.fields[name].help_text
            self.fields[name].help_text = f"{help_text} {NOT_ABOUT_FAMILIES} {NO_PERSONAL_DATA}".strip()
