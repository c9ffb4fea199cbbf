"""The official HSDS examples (welfare/hsds_spec/examples/) import, or are refused with a report
that says why — never an exception, and never half an import."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from tests.welfare.hsds import counts
from welfare import hsds
from welfare.models import Organisation

pytestmark = pytest.mark.django_db

EXAMPLES = Path(hsds.SPEC_DIR) / "examples"
FILES = sorted(path.name for path in EXAMPLES.glob("*.json"))
# What each example is refused for: (path of the first error, words of its problem).
REFUSED = {
    "base.json": ("", "HSDS metadata"),
    "location.json": ("", "an HSDS location"),
    "organization_full.json": ("attributes", "needs at least one life domain"),
    "service_at_location_full.json": ("", "an HSDS service_at_location"),
    "service_at_location_list.json": ("", "an HSDS service_at_location"),
    "service_full.json": ("attributes", "needs at least one life domain"),
    "service_list.json": ("attributes", "needs at least one life domain"),
    "tabular.json": ("", "tabular HSDS"),
    "taxonomy.json": ("", "an HSDS taxonomy."),
    "taxonomy_list.json": ("", "an HSDS taxonomy."),
    "taxonomy_term.json": ("", "an HSDS taxonomy term"),
    "taxonomy_term_list.json": ("", "an HSDS taxonomy term"),
}


def test_every_example_is_accounted_for():
    assert set(FILES) == {*REFUSED, "organization_list.json"}


@pytest.mark.parametrize("name", FILES)
def test_an_official_example_imports_or_is_refused_with_a_clear_report(name):
    payload = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    with translation.override("en"):
        report = hsds.import_services(payload)
    if name in REFUSED:
        path, words = REFUSED[name]
        assert not report.ok
        assert counts() == (0, 0, 0)
        first = report.errors[0]
        assert first.record_id and first.path == path and words in first.problem
    else:
        assert report.ok and report.created["organization"] == 1


def test_the_example_organization_list_imports_an_organisation_of_kind_other_and_reports_what_it_dropped():
    payload = json.loads((EXAMPLES / "organization_list.json").read_text(encoding="utf-8"))
    with translation.override("en"):
        report = hsds.import_services(payload)
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.kind.slug, organisation.website) == (
        "Example Organization Inc.",
        "andere",
        "http://example.com",
    )
    assert organisation.external_id == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert [warning.path for warning in report.warnings] == ["attributes", ""]
    assert "legal_status" in report.warnings[1].problem


def test_the_example_service_also_reports_what_it_could_not_map():
    payload = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    with translation.override("en"):
        report = hsds.import_services(payload)
    paths = {warning.path for warning in report.warnings}
    assert {
        "organization.locations[0].addresses[0].country",
        "service_areas[0]",
        "wait_time",
        "organization.organization_identifiers[0]",
    } <= paths
