import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from families.privacy import find_personal_data, national_number_is_valid, validate_no_personal_data

VALID_NATIONAL_NUMBERS = {
    "born before 2000": "85073003328",
    "born after 2000": "15010112304",
    "BIS, sex known": "85473003317",
    "BIS, sex unknown": "85273003371",
}


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


@pytest.mark.parametrize("number", VALID_NATIONAL_NUMBERS.values(), ids=VALID_NATIONAL_NUMBERS.keys())
@pytest.mark.parametrize(
    "layout",
    [
        lambda n: n,
        lambda n: f"{n[:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:]}",
        lambda n: f"{n[:2]}-{n[2:4]}-{n[4:6]}-{n[6:9]}-{n[9:]}",
        lambda n: f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:9]} {n[9:]}",
    ],
    ids=["plain", "dotted", "dashed", "spaced"],
)
def test_a_national_register_or_bis_number_is_found_in_any_layout(number, layout):
    assert kinds(f"Het kind ({layout(number)}) heeft hulp nodig.") == ["national_number"]


def test_a_number_with_a_wrong_checksum_is_not_a_national_register_number():
    assert not national_number_is_valid("85073003329")
    assert "national_number" not in kinds("Referentie 85073003329 in het dossier.")


def test_an_impossible_date_is_not_a_national_register_number():
    assert not national_number_is_valid("85993003328")


@pytest.mark.parametrize(
    "text", ["Mail mama via an.peeters@telenet.be", "contact: jan (at) voorbeeld.be", "X@Y.BE graag"]
)
def test_an_e_mail_address_is_found(text):
    assert kinds(text) == ["email"]


@pytest.mark.parametrize(
    "text",
    [
        "Bel 0475 12 34 56 na vier uur",
        "gsm 0475/12.34.56",
        "tel. 03 776 12 34",
        "+32 475 12 34 56",
        "0032 (0)475123456",
        "+32475123456",
    ],
)
def test_a_phone_number_is_found(text):
    assert kinds(text) == ["phone"]


@pytest.mark.parametrize(
    "text",
    [
        "Ongeveer 4 gezinnen met kinderen van 6 tot 12 jaar.",
        "Sinds september 2025 wachten 3 gezinnen al 12 weken.",
        "Kosten van 150 euro per schooljaar zijn te hoog.",
        "Postcode 9100, leerjaar 3 en 4.",
        "",
    ],
)
def test_ordinary_descriptions_pass(text):
    assert find_personal_data(text) == []
    validate_no_personal_data(text)


@translation.override("en")
def test_the_error_says_what_was_found_and_why_it_cannot_be_stored():
    with pytest.raises(ValidationError) as error:
        validate_no_personal_data("Rijksregister 85.07.30-033.28, mail an@voorbeeld.be")
    messages = error.value.messages
    assert any("national register number" in m for m in messages)
    assert any("e-mail address" in m for m in messages)
    assert any("never stores personal data" in m for m in messages)
    assert not any("85.07.30-033.28" in m for m in messages), "the full number is not echoed back"


@given(st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=200))
def test_text_without_digits_or_at_signs_never_trips_the_national_number_or_phone_check(text):
    assert not {"national_number", "phone"} & set(kinds(text))
