"""Forms render their fields' groups and labels in Python (portal.widgets.PlainFormRenderer, the
FORM_RENDERER): the markup must stay the markup Django's templates write, byte for byte, whatever
the field: with or without label, help text, errors or id, grouped in a fieldset or not."""

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from bridge.match_forms import AskPartnerForm
from families.forms import FamilyNeedForm
from portal.widgets import PlainFormRenderer
from welfare.directory_forms import DirectorySortForm
from welfare.filters import OfferFilter
from welfare.models import Offer

TRICKY = '<b>&"'
CHOICES = [("a", TRICKY), ("b", "B"), ("c", mark_safe("<i>C</i>"))]


class EveryKindOfField(forms.Form):
    plain = forms.CharField()
    tricky = forms.CharField(label=TRICKY, help_text=f"Help with <em>markup</em> and {TRICKY}", required=False)
    lazy = forms.CharField(label=gettext_lazy("Message"), help_text=gettext_lazy("Optional"), required=False)
    safe = forms.CharField(label=mark_safe("<abbr>CLB</abbr>"), required=False)
    no_label = forms.CharField(label="", required=False)
    punctuated = forms.CharField(label="Why?", required=False)
    described = forms.CharField(
        required=False, help_text="Has its own", widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"})
    )
    own_id = forms.CharField(required=False, widget=forms.TextInput(attrs={"id": "chosen-id"}))
    number = forms.IntegerField(min_value=0, help_text="A number")
    tick = forms.BooleanField(help_text="Tick it")
    radios = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, help_text="One of them")
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    boxes_no_label = forms.MultipleChoiceField(
        label="", choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    pick = forms.ChoiceField(choices=CHOICES, required=False)
    text = forms.CharField(widget=forms.Textarea, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


BAD = {"number": "-3", "radios": "zz", "boxes": ["zz"], "tricky": "x", "text": TRICKY}
GOOD = {"plain": "p", "number": "3", "tick": "on", "radios": "a", "boxes": ["a", "c"], "pick": "b"}


def both(make):
    """The form made twice: with the portal's renderer and with Django's."""
    return make(PlainFormRenderer()), make(DjangoTemplates())


def assert_same(ours, theirs):
    assert str(ours) == str(theirs)
    for name in ours.fields:
        assert ours[name].as_field_group() == theirs[name].as_field_group(), name
        assert ours[name].label_tag() == theirs[name].label_tag(), name
        assert ours[name].legend_tag() == theirs[name].legend_tag(), name
        assert ours[name].label_tag(attrs={"class": TRICKY}, label_suffix=":") == theirs[name].label_tag(
            attrs={"class": TRICKY}, label_suffix=":"
        ), name


def test_the_portal_renders_forms_with_it():
    assert settings.FORM_RENDERER == "portal.widgets.PlainFormRenderer"
    assert isinstance(forms.Form().renderer, PlainFormRenderer)


@pytest.mark.parametrize("data", [None, {}, BAD, GOOD])
@pytest.mark.parametrize("options", [{}, {"auto_id": False}, {"auto_id": "f-%s", "label_suffix": " →"}])
@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_every_kind_of_field_renders_what_django_renders(data, options, language):
    class Required(EveryKindOfField):
        required_css_class = "required"

    with translation.override(language):
        for form_class in (EveryKindOfField, Required):
            assert_same(*both(lambda renderer: form_class(data, renderer=renderer, **options)))  # noqa: B023


def test_a_field_with_its_own_template_is_rendered_by_it():
    class OwnTemplate(forms.Form):
        name = forms.CharField(template_name="django/forms/div.html")

    ours, theirs = both(lambda renderer: OwnTemplate(renderer=renderer))
    assert ours["name"].as_field_group() == theirs["name"].as_field_group()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "q=%3Cb%3E&age=abc&cost=cheap&access=bogus", "age=8&open=on"])
@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_directory_forms_render_what_django_renders(query, language):
    request = RequestFactory().get(f"/aanbod/?{query}")

    def filter_form(renderer):
        form = OfferFilter(request.GET, queryset=Offer.objects.public(), request=request).form
        form.renderer = renderer
        return form

    with translation.override(language):
        assert_same(*both(filter_form))
        assert_same(*both(lambda renderer: DirectorySortForm(request.GET, user=AnonymousUser(), renderer=renderer)))


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {}, {"message": "Bel 0470 12 34 56"}])
def test_the_need_and_ask_forms_render_what_django_renders(data):
    assert_same(*both(lambda renderer: FamilyNeedForm(data, renderer=renderer)))
    for on_behalf in (False, True):
        assert_same(*both(lambda renderer: AskPartnerForm(data, on_behalf=on_behalf, renderer=renderer)))  # noqa: B023
