import pytest

from families.models import LIFE_DOMAIN_SLUGS, LifeDomain
from portal.models import Municipality, PostalCode, Region
from portal.reference import load_reference_data

pytestmark = pytest.mark.django_db


def test_every_belgian_municipality_after_the_2025_mergers_is_loaded():
    assert Municipality.objects.count() == 565
    assert Municipality.objects.filter(region=Region.FLANDERS).count() == 285
    merged = Municipality.objects.get(nis_code="46030")
    assert merged.name_nl == "Beveren-Kruibeke-Zwijndrecht"
    assert merged.province_name == "Oost-Vlaanderen"


def test_postal_codes_point_to_their_municipalities():
    assert set(PostalCode.objects.filter(code="9100").values_list("municipality__name_nl", flat=True)) == {
        "Sint-Niklaas"
    }
    assert Municipality.objects.get(nis_code="21004").name_fr == "Bruxelles"


def test_life_domains_have_exactly_the_agreed_slugs_with_name_sentence_and_icon():
    domains = list(LifeDomain.objects.all())
    assert {d.slug for d in domains} == set(LIFE_DOMAIN_SLUGS)
    assert len(domains) == 15
    for domain in domains:
        assert domain.name and domain.description.endswith(".") and domain.icon


def test_loading_reference_data_again_changes_nothing():
    before = (Municipality.objects.count(), PostalCode.objects.count(), LifeDomain.objects.count())
    report = load_reference_data()
    assert (report.created, report.updated) == (0, 0)
    assert (Municipality.objects.count(), PostalCode.objects.count(), LifeDomain.objects.count()) == before


def test_a_changed_name_is_restored_by_the_next_load():
    Municipality.objects.filter(nis_code="46021").update(name_nl="Typo")
    report = load_reference_data()
    assert report.updated == 1
    assert Municipality.objects.get(nis_code="46021").name_nl == "Sint-Niklaas"
