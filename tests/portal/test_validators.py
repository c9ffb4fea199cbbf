"""The KBO (Crossroads Bank for Enterprises) number: ten digits, starting with 0 or 1, whose last
two digits are 97 minus the first eight modulo 97."""

import pytest
from django.core.exceptions import ValidationError

from portal.validators import kbo_is_valid, normalise_kbo, validate_kbo
from welfare.models import Organisation, OrganisationKind


def with_check_digits(first_eight: str) -> str:
    """The ten-digit number the algorithm makes of eight digits (independent of the validator)."""
    return f"{first_eight}{97 - int(first_eight) % 97:02d}"


def test_the_check_digits_of_known_numbers():
    assert with_check_digits("04031707") == "0403170701"
    assert with_check_digits("01234567") == "0123456749"
    assert with_check_digits("10000000") == "1000000021"


@pytest.mark.parametrize(
    "value",
    [
        "0403170701",
        "0403.170.701",
        "0403 170 701",
        "BE 0403.170.701",
        "BE0403170701",
        "be 0403 170 701",
        "0123.456.749",
        "1000.000.021",
        with_check_digits("12345678"),
        with_check_digits("00000097"),  # first eight a multiple of 97: the check digits are 97
    ],
)
def test_a_valid_kbo_number_is_accepted_whatever_way_it_is_written(value):
    assert kbo_is_valid(value)
    validate_kbo(value)


@pytest.mark.parametrize("value, digits", [("403170701", "0403170701"), ("403.170.701", "0403170701")])
def test_a_nine_digit_legacy_number_gets_its_leading_zero(value, digits):
    assert normalise_kbo(value) == digits
    assert kbo_is_valid(value)


@pytest.mark.parametrize(
    "value, digits",
    [("0403.170.701", "0403170701"), ("BE 0403 170 701", "0403170701"), ("", ""), (None, "")],
)
def test_normalising_keeps_only_the_digits(value, digits):
    assert normalise_kbo(value) == digits


@pytest.mark.parametrize(
    "value",
    [
        "0403170702",  # check digits off by one
        "0403.170.710",  # check digits swapped
        "0403170801",  # a digit of the number changed
        with_check_digits("24031707"),  # right check digits, but a KBO number starts with 0 or 1
        with_check_digits("94031707"),
        "04O3170701",  # letter O for a zero
        "abcdefghij",
        "BE",
        "04031707",  # too short
        "04031707011",  # too long
        "00403170701",
    ],
)
def test_an_invalid_kbo_number_is_refused(value):
    assert not kbo_is_valid(value)
    with pytest.raises(ValidationError) as excinfo:
        validate_kbo(value)
    assert excinfo.value.code == "invalid_kbo"


def test_no_kbo_number_at_all_is_fine_for_the_validator():
    validate_kbo("")
    assert not kbo_is_valid("")


# --- on the organisation -----------------------------------------------------------------------


@pytest.fixture
def kind(db):
    return OrganisationKind.objects.get(slug="caw")


def test_an_organisation_with_a_wrong_kbo_number_is_reported_on_that_field(kind):
    organisation = Organisation(name="CAW Waasland", kind=kind, kbo_number="0403170702")
    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert set(excinfo.value.error_dict) == {"kbo_number"}
    assert [error.code for error in excinfo.value.error_dict["kbo_number"]] == ["invalid_kbo"]


@pytest.mark.parametrize("kbo", ["0403170701", "1000000021", ""])
def test_an_organisation_with_a_valid_or_no_kbo_number_passes_validation(kind, kbo):
    Organisation(name="CAW Waasland", kind=kind, kbo_number=kbo).full_clean()


@pytest.mark.parametrize("kbo", ["0403.170.701", "BE 0403 170 701", "403170701"])
def test_an_organisation_accepts_a_kbo_number_in_any_form_the_validator_accepts(kind, kbo):
    organisation = Organisation(name="CAW Waasland", kind=kind, kbo_number=kbo)
    organisation.full_clean()
    assert organisation.kbo_number == "0403170701"


@pytest.mark.parametrize("written", ["0403x170x701", "tel. 0403 170 701", "0403-170-701 of zo"])
def test_other_characters_are_not_read_as_a_kbo_number(written):
    assert not kbo_is_valid(written)
