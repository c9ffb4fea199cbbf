"""The database itself refuses a bad school (rows written without model validation)."""

import pytest
from django.utils import translation

from schools.models import School
from tests import factories
from tests.portal.test_models import refused, refused_as_too_long

pytestmark = pytest.mark.django_db


def _school(**fields) -> dict:
    return {
        "name": "Basisschool Het Anker",
        "institution_number": "123456",
        "level_lager": True,
        "network": "KOV",
        "street": "Kerkstraat 2",
        "postal_code": "9100",
        "municipality": factories.municipality(),
        **fields,
    }


def test_a_school_with_a_six_digit_institution_number_and_a_level_is_accepted():
    school = School.objects.create(**_school())
    with translation.override("en"):
        assert school.levels == ["primary"]
    assert not school.is_verified


@pytest.mark.parametrize("number", ["12345", "12345a", "12 345", "-12345", ""])
def test_a_school_needs_a_six_digit_institution_number(number):
    with refused("school_institution_number_6_digits"):
        School.objects.create(**_school(institution_number=number))


def test_a_school_s_institution_number_is_not_longer_than_six_digits():
    with refused_as_too_long():
        School.objects.create(**_school(institution_number="1234567"))


def test_two_schools_cannot_share_an_institution_number():
    School.objects.create(**_school(institution_number="000123"))
    with refused("institution_number"):
        School.objects.create(**_school(name="Andere school", institution_number="000123"))


@pytest.mark.parametrize("level", ["level_kleuter", "level_lager", "level_buitengewoon", "level_secundair"])
def test_any_single_level_is_enough_for_a_school(level):
    School.objects.create(**_school(**{"level_lager": False, level: True}))


def test_a_school_must_have_at_least_one_level():
    with refused("school_has_a_level"):
        School.objects.create(**_school(level_lager=False))
    school = factories.SchoolFactory(level_kleuter=True, level_lager=True)
    with refused("school_has_a_level"):
        School.objects.filter(pk=school.pk).update(level_kleuter=False, level_lager=False)


def test_a_school_belongs_to_a_known_network():
    for i, network in enumerate(("GO", "OVSG", "POV", "KOV")):
        School.objects.create(**_school(institution_number=f"20000{i}", network=network))
    with refused("school_network_valid"):
        School.objects.create(**_school(network="XYZ"))


@pytest.mark.parametrize("code", ["0910", "910", "9l00", ""])
def test_a_school_needs_a_belgian_postal_code(code):
    with refused("school_postal_code_valid"):
        School.objects.create(**_school(postal_code=code))


def test_a_school_s_postal_code_is_not_longer_than_four_digits():
    with refused_as_too_long():
        School.objects.create(**_school(postal_code="91000"))


def test_a_school_has_coordinates_in_range_or_none():
    School.objects.create(**_school(institution_number="100001"))
    School.objects.create(**_school(institution_number="100002", latitude=51.1656, longitude=4.1437))
    for number, lat, lon in (("100003", 91, 4), ("100004", 51, 181), ("100005", -91, 4), ("100006", 51, -181)):
        with refused("school_coordinates_valid"):
            School.objects.create(**_school(institution_number=number, latitude=lat, longitude=lon))


@pytest.mark.parametrize("lat, lon", [(51.1, None), (None, 4.1)])
def test_a_school_cannot_have_only_one_coordinate(lat, lon):
    with refused("school_coordinates_valid"):
        School.objects.create(**_school(latitude=lat, longitude=lon))


def test_verified_schools_are_those_with_a_verification_date():
    verified = factories.SchoolFactory()
    factories.SchoolFactory(verified_at=None)
    assert list(School.objects.verified()) == [verified]
