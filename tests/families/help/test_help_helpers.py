"""Small helpers of the family help page: reading what people type, and writing plainly."""

import pytest

from families.help_forms import normalise_place
from families.help_views import distance_km, plain_summary, tel_href


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Sint-Niklaas", "sint niklaas"),
        ("  SINT–NIKLAAS ", "sint niklaas"),
        ("Chièvres", "chievres"),
        ("Fontaine-l’Evêque", "fontaine l eveque"),
        ("Büllingen", "bullingen"),
        ("--", ""),
    ],
)
def test_place_names_are_compared_without_accents_capitals_or_dashes(typed, normalised):
    assert normalise_place(typed) == normalised


def test_summary_is_the_first_sentence():
    assert plain_summary("We helpen bij huiswerk. Ook in de vakantie.") == "We helpen bij huiswerk."


def test_summary_without_a_full_stop_is_the_whole_text():
    assert plain_summary("  Huiswerkhulp\nvoor iedereen  ") == "Huiswerkhulp voor iedereen"


def test_long_sentence_is_cut_at_a_word_with_an_ellipsis():
    summary = plain_summary("Wij " + "helpen gezinnen " * 30 + "graag.", limit=60)

    assert len(summary) <= 61
    assert summary.endswith("gezinnen…") or summary.endswith("helpen…")


def test_abbreviations_with_a_dot_inside_a_word_do_not_end_the_sentence():
    assert plain_summary("Hulp bij o.a. huiswerk. Meer niet.") == "Hulp bij o.a. huiswerk."


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("03 123 45 67", "tel:031234567"),
        ("+32 (0)3 123 45 67", "tel:+32031234567"),
        ("0470/12.34.56", "tel:0470123456"),
        ("", ""),
    ],
)
def test_phone_numbers_become_tel_links(phone, href):
    assert tel_href(phone) == href


def test_distance_between_sint_niklaas_and_antwerp_is_about_19_km():
    assert 18 < distance_km(51.1656, 4.1437, 51.2194, 4.4025) < 20
