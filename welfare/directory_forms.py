"""Forms of the public directory (ordering, shortlist, suggested corrections), and the
workflow behind a suggested correction."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from families.privacy import validate_no_personal_data
from portal.models import MembershipStatus
from schools.models import School
from welfare.filters import PlaceField
from welfare.models import Offer
from welfare.shortlist import MAX_ITEMS

CORRECTION_MAX_LENGTH = 2000

SORT_RELEVANCE, SORT_NAME, SORT_DISTANCE, SORT_CONFIRMED = "relevance", "name", "distance", "confirmed"
SORT_CHOICES = [
    ("", _("Best match")),
    (SORT_NAME, _("Name (A to Z)")),
    (SORT_DISTANCE, _("Distance")),
    (SORT_CONFIRMED, _("Recently confirmed")),
]


def located_schools() -> QuerySet[School]:
    """Verified schools with coordinates: the ones distances can be measured from."""
    return School.objects.verified().filter(latitude__isnull=False, longitude__isnull=False)


def schools_of(user) -> QuerySet[School]:
    """The located schools a user works for: their own school, the schools they serve as a
    bridge figure, or those of their CLB. Offered first as a starting point for distances."""
    if not user.is_authenticated:
        return School.objects.none()
    approved = MembershipStatus.APPROVED
    return (
        located_schools()
        .filter(
            Q(memberships__user=user, memberships__status=approved)
            | Q(bridge_figures__user=user)
            | Q(clb_assignment__clb__memberships__user=user, clb_assignment__clb__memberships__status=approved)
        )
        .distinct()
        .only("id", "name")
        .order_by("name")
    )


class DirectorySortForm(forms.Form):
    """How to order the directory, and from where distances are measured."""

    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        required=False,
        help_text=_("Without search words, the best match is by name."),
    )
    school = forms.ModelChoiceField(
        label=_("Distance from school"),
        queryset=located_schools(),
        required=False,
        empty_label=_("No school"),
    )
    near = PlaceField(
        label=_("Distance from municipality"),
        widget=forms.TextInput(attrs={"list": "directory-places", "autocomplete": "off"}),
        help_text=_("Name or postal code."),
    )

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Only the user's own schools, and a school chosen through the URL, are listed: a
        # select of every school in Flanders helps nobody.
        options = list(schools_of(user)) if user is not None else []
        chosen = self.data.get("school") if self.is_bound else None
        if chosen and str(chosen).isdigit() and all(str(s.pk) != str(chosen) for s in options):
            options += list(located_schools().filter(pk=chosen).only("id", "name"))
        self.fields["school"].widget.choices = [("", self.fields["school"].empty_label)] + [
            (school.pk, school.name) for school in options
        ]
        self.has_school_choices = bool(options)


class CorrectionForm(forms.Form):
    message = forms.CharField(
        label=_("What is not correct about this offer?"),
        max_length=CORRECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: other opening hours, a waiting list, a new address. The organisation's "
            "administrators receive your message. Do not write personal data, phone numbers or "
            "e-mail addresses here."
        ),
    )

    def clean_message(self) -> str:
        message = "\n".join(line.rstrip() for line in self.cleaned_data["message"].strip().splitlines())
        if not message:
            raise forms.ValidationError(_("Describe what is not correct."), code="required")
        validate_no_personal_data(message)
        return message


class ShortlistToggleForm(forms.Form):
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])
    next = forms.CharField(required=False, max_length=2000)


class ShortlistSendForm(forms.Form):
    """The address is used for this one e-mail and then forgotten: it is not saved anywhere."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The parent's address, or your own to forward it. We use it only to send this e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    offer = forms.ModelMultipleChoiceField(
        queryset=Offer.objects.public(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Your shortlist is empty: add offers first.")},
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_offer(self):
        offers = self.cleaned_data["offer"]
        if len(offers) > MAX_ITEMS:
            raise forms.ValidationError(
                _("You can send at most %(max)d offers at once.") % {"max": MAX_ITEMS}, code="too_many"
            )
        return offers
