"""The directory's widgets and cards write markup in Python for speed: it must stay the markup
Django's stock widgets and the shared card snippets produce, byte for byte."""

import copy
import datetime

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from portal import widgets
from portal.models import Language, Municipality, Region
from tests import factories
from welfare.directory_views import card_queryset, fill_cards
from welfare.filters import OfferFilter
from welfare.models import Offer, OrganisationKind

TRICKY = '<b>&"'

CHOICES = [
    ("", "Any"),
    ("a", TRICKY),
    ("b&c", "B & C"),
    (3, 3),
    ("safe", mark_safe("<i>kept</i>")),
    ("Group <g>", [("x", "X"), ("y", "Y")]),
]


def stock(widget: forms.Widget) -> forms.Widget:
    """The same widget as Django's own class."""
    clone = copy.deepcopy(widget)
    clone.__class__ = next(c for c in type(widget).__mro__ if c.__module__ == "django.forms.widgets")
    return clone


@pytest.mark.parametrize("value", [None, "", "a", "b&c", "3", 3, "x", ["a", "y"], "missing"])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_lang", "aria-describedby": "id_lang_helptext", "aria-invalid": "true"},
        {"required": True, "disabled": False, "data-x": TRICKY, "data-safe": mark_safe("&amp;")},
    ],
)
def test_a_plain_select_renders_what_django_renders(value, attrs):
    plain = widgets.PlainSelect(choices=CHOICES, attrs={"class": "pick"})

    assert plain.render("lang", value, attrs=attrs) == stock(plain).render("lang", value, attrs=attrs)


@pytest.mark.parametrize("value", [None, "", 0, 8, TRICKY, mark_safe("&amp;")])
@pytest.mark.parametrize("widget_class", [widgets.PlainTextInput, widgets.PlainNumberInput])
def test_a_plain_input_renders_what_django_renders(widget_class, value):
    plain = widget_class(attrs={"list": "directory-places", "autocomplete": "off", "required": True})

    for attrs in (None, {"id": "id_q", "aria-describedby": "id_q_helptext", "hidden": False}):
        assert plain.render(TRICKY, value, attrs=attrs) == stock(plain).render(TRICKY, value, attrs=attrs)


@pytest.mark.parametrize("value", [None, "", "0", 0, TRICKY, "two\nlines", mark_safe("&amp;")])
def test_a_plain_textarea_renders_what_django_renders(value):
    plain = widgets.PlainTextarea(attrs={"rows": 3, "maxlength": 500, "required": True})

    for attrs in (None, {"id": "id_message", "aria-describedby": "id_message_helptext", "hidden": False}):
        assert plain.render(TRICKY, value, attrs=attrs) == stock(plain).render(TRICKY, value, attrs=attrs)


@pytest.mark.parametrize("value", [None, False, True, "on", ""])
def test_a_plain_checkbox_renders_what_django_renders(value):
    plain = widgets.PlainCheckboxInput()

    assert plain.render("open", value, attrs={"id": "id_open"}) == stock(plain).render(
        "open", value, attrs={"id": "id_open"}
    )


@pytest.mark.parametrize("value", [None, [], ["a"], ["a", "b&c", "x"]])
def test_plain_checkboxes_render_what_django_renders(value):
    plain = widgets.PlainCheckboxSelectMultiple(choices=CHOICES)

    class Pair(forms.Form):
        mine = forms.MultipleChoiceField(choices=CHOICES, widget=plain, required=False)
        theirs = forms.MultipleChoiceField(choices=CHOICES, widget=stock(plain), required=False)

    form = Pair({"mine": value or [], "theirs": value or []} if value is not None else None)
    mine, theirs = list(form["mine"]), list(form["theirs"])
    assert len(mine) == len(theirs) == 7
    for ours, django in zip(mine, theirs, strict=True):
        assert ours.tag() == django.tag().replace("theirs", "mine")
        assert str(ours) == str(django).replace("theirs", "mine")
    assert str(form["mine"]) == str(form["theirs"]).replace("theirs", "mine")


def _filter_forms(query: str):
    """The directory's filter form twice: as it is, and with Django's stock widgets."""
    request = RequestFactory().get(f"/aanbod/?{query}")
    ours = OfferFilter(request.GET, queryset=Offer.objects.public(), request=request).form
    theirs = OfferFilter(request.GET, queryset=Offer.objects.public(), request=request).form
    for field in theirs.fields.values():
        field.widget = stock(field.widget)
    ours.is_valid(), theirs.is_valid()
    return ours, theirs


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=huiswerk&municipality=9100&age=8&language=zz&cost=free_or_low&kind=tricky&open=on&access=walk-in&access=online",
        "q=%3Cb%3E%26%22&age=abc&language=nope&cost=cheap&kind=none&access=bogus&domain=leren&domain=wonen",
        "municipality=Nergensdorp&age=99",
    ],
)
@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_filter_form_renders_what_django_renders(query, language):
    Language.objects.create(code="zz", name_nl=TRICKY, name_en=TRICKY)
    OrganisationKind.objects.create(slug="tricky", name=f"{TRICKY} kind")

    with translation.override(language):
        ours, theirs = _filter_forms(query)
        for name in ours.fields:
            assert ours[name].as_field_group() == theirs[name].as_field_group(), name
            assert [choice.tag() for choice in ours[name]] == [choice.tag() for choice in theirs[name]], name
    assert "&lt;b&gt;&amp;&quot;" in ours["language"].as_field_group()
    if "language=zz" in query:
        assert '<option value="zz" selected>&lt;b&gt;&amp;&quot;</option>' in str(ours["language"])


@pytest.mark.django_db
def test_the_place_suggestions_are_what_the_template_loop_wrote(client):
    Municipality.objects.create(nis_code="99999", name_nl=TRICKY, name_fr=TRICKY, region=Region.FLANDERS)
    names = Municipality.objects.filter(region__in=[Region.FLANDERS, Region.BRUSSELS]).only("name_nl")
    old = engines["django"].from_string(
        '{% for place in places %}<option value="{{ place.name_nl }}"></option>{% endfor %}'
    )

    html = client.get("/aanbod/").content.decode()

    assert old.render({"places": names}) in html
    assert '<option value="&lt;b&gt;&amp;&quot;"></option>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl-be", "en", "fr"])
def test_what_fill_cards_prepares_is_what_the_shared_snippets_render(language):
    """Each card's ages and status are rendered once per distinct value on a page: the value must
    be what the snippet gives for that very offer, whatever the other offers on the page."""
    today = timezone.localdate()
    kind = OrganisationKind.objects.create(slug="odd", name=TRICKY)
    organisation = factories.OrganisationFactory(name=f"Org {TRICKY}", kind=kind)
    variants = [
        {"age_min": 6, "age_max": 12, "capacity": "open"},
        {"age_min": 6, "age_max": 12, "capacity": "open", "last_confirmed": None},
        {"age_min": 3, "age_max": None, "capacity": "waiting_list", "waiting_weeks": 1},
        {"age_min": None, "age_max": 18, "capacity": "waiting_list", "waiting_weeks": 6},
        {"age_min": None, "age_max": None, "capacity": "waiting_list", "waiting_weeks": None},
        {"capacity": "full", "last_confirmed": today - datetime.timedelta(days=4000)},
        {"access_walk_in": False, "access_appointment": True},
        {"access_walk_in": False, "access_online": True, "access_at_school": True, "access_appointment": True},
        {"access_outreach": True, "cost": "paid", "cost_note": TRICKY, "description": f"{TRICKY} " * 40},
    ]
    for number, fields in enumerate(variants):
        factories.OfferFactory(name=f"{TRICKY} {number}", organisation=organisation, **fields)
    factories.OfferFactory(
        name="Many domains",
        life_domains=[factories.life_domain("wonen"), factories.life_domain("leren")],
        languages=[factories.language("fr"), factories.language("nl")],
    )
    ages = engines["django"].get_template("welfare/directory/_ages.html")
    status = engines["django"].get_template("welfare/directory/_capacity.html")
    icon = engines["django"].from_string("{% load brugwijzer %}{% icon name %}")
    access = engines["django"].from_string('{{ labels|join:", "|capfirst }}')

    with translation.override(language):
        offers = fill_cards(list(card_queryset(Offer.objects.order_by("name", "pk"))))
        for offer in offers:
            assert offer.ages_html == ages.render({"offer": offer}), offer.name
            assert offer.status_html == status.render({"offer": offer}), offer.name
            assert offer.access_text == access.render({"labels": offer.access_mode_labels}), offer.name
            for domain in offer.card_domains:
                assert domain["icon_svg"] == icon.render({"name": domain["icon"]})
    assert len(offers) == len(variants) + 1


def test_the_place_suggestions_escape_every_name():
    names = ["Sint-Niklaas", TRICKY, "O'Brien & Zonen"]
    assert widgets.datalist_options(names) == (
        '<option value="Sint-Niklaas"></option>'
        '<option value="&lt;b&gt;&amp;&quot;"></option>'
        '<option value="O&#x27;Brien &amp; Zonen"></option>'
    )
