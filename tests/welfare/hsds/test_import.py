"""HSDS import: round trip, idempotence, all or nothing, matching municipalities, life domains
and organisations, what is reported instead of guessed, and --dry-run."""

import copy

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.demo import seed_demo
from portal.models import AuditEvent
from tests import factories
from tests.welfare.hsds import (
    SINT_NIKLAAS,
    VALID_KBO,
    attribute,
    counts,
    directory,
    empty_the_welfare_field,
    foreign_service,
    normalised,
)
from welfare import hsds
from welfare.models import Location, Offer, Organisation

pytestmark = pytest.mark.django_db

NOTHING = {"organization": 0, "service": 0, "location": 0}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def problems(found: list[hsds.HsdsProblem]) -> list[tuple[str, str]]:
    return [(problem.record_id, problem.path) for problem in found]


def imported(payload, **kwargs) -> hsds.HsdsReport:
    report = hsds.import_services(payload, **kwargs)
    assert report.ok, report.errors
    return report


# --- round trip ----------------------------------------------------------------------------------


def test_export_import_into_an_empty_database_and_export_again_gives_the_same_data():
    directory()
    first = hsds.export_services()
    empty_the_welfare_field()
    report = imported(first)
    assert report.created == {"organization": 2, "service": 3, "location": 3}
    assert report.warnings == []
    assert normalised(hsds.export_services()) == normalised(first)


def test_the_demo_region_survives_a_round_trip():
    seed_demo(with_accounts=False)
    first = hsds.export_services()
    empty_the_welfare_field()
    report = imported(first)
    assert report.warnings == []
    assert report.created["service"] == len(first)
    assert normalised(hsds.export_services()) == normalised(first)


def test_a_second_import_changes_nothing():
    directory()
    first = hsds.export_services()
    empty_the_welfare_field()
    imported(first)
    stamps = dict(Offer.objects.values_list("pk", "updated_at"))
    events = AuditEvent.objects.count()
    report = imported(first)
    assert report.created == report.updated == NOTHING
    assert report.unchanged == {"organization": 2, "service": 3, "location": 3}
    assert report.changes == []
    assert dict(Offer.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEvent.objects.count() == events


def test_importing_its_own_export_matches_the_derived_ids_and_keeps_them():
    world = directory()
    offer = world["homework"]
    assert offer.external_id == ""
    report = imported(hsds.export_services())
    assert report.created == report.updated == NOTHING
    offer.refresh_from_db()
    assert offer.external_id == hsds.hsds_id(offer) == hsds.derived_id("offer", "pk", str(offer.pk))


def test_imported_organisations_are_verified_and_records_keep_their_hsds_id():
    imported([foreign_service()])
    organisation = Organisation.objects.get()
    assert organisation.is_verified and organisation.verified_by is None
    assert organisation.external_id == "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a002"
    assert organisation.kind.slug == "vrije-tijd"
    offer = Offer.objects.get()
    assert offer.external_id == "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a001"
    assert offer in Offer.objects.public()


def test_an_array_of_organizations_with_nested_services_imports_too():
    directory()
    services = hsds.export_services()
    organizations: dict[str, dict] = {}
    for service in services:
        service = copy.deepcopy(service)
        organization = service.pop("organization")
        organizations.setdefault(organization["id"], {**organization, "services": []})["services"].append(service)
    empty_the_welfare_field()
    report = imported(list(organizations.values()))
    assert report.created == {"organization": 2, "service": 3, "location": 3}
    assert normalised(hsds.export_services()) == normalised(services)


def test_a_page_of_the_hsds_api_imports_too():
    report = imported({"total_items": 1, "contents": [foreign_service()]})
    assert report.created["service"] == 1


def test_a_change_in_the_file_updates_the_record_and_says_what_changed():
    directory()
    services = hsds.export_services()
    homework = next(service for service in services if service["name"] == "Huiswerkklas")
    homework["name"] = "Huiswerkklas De Brug"
    homework["languages"] = homework["languages"][:1]
    preview = imported(services, dry_run=True)
    report = imported(services)
    assert report.updated == {"organization": 0, "service": 1, "location": 0}
    assert report.changes == preview.changes
    [change] = report.changes
    assert "“Huiswerkklas” → “Huiswerkklas De Brug”" in change
    assert "languages: Frans, Nederlands → Frans" in change
    offer = Offer.objects.get(name="Huiswerkklas De Brug")
    assert list(offer.languages.values_list("code", flat=True)) == ["fr"]
    event = AuditEvent.objects.filter(object_id=str(offer.pk), action="update").latest("created_at")
    assert event.changes["name"] == ["Huiswerkklas", "Huiswerkklas De Brug"]


# --- all or nothing ------------------------------------------------------------------------------


def test_one_bad_record_imports_nothing_and_the_report_names_record_path_and_problem():
    directory()
    services = hsds.export_services()
    empty_the_welfare_field()
    bad = services[1]
    bad["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "91000"
    report = hsds.import_services(services)
    assert not report.ok
    assert report.errors == [
        hsds.HsdsProblem(
            bad["id"],
            "service_at_locations[0].location.addresses[0].postal_code",
            "“91000” is not a Belgian postal code.",
        )
    ]
    assert counts() == (0, 0, 0)
    assert report.created == report.updated == report.unchanged == NOTHING and report.changes == []


def test_a_record_that_breaks_the_schema_is_reported_with_the_schema_path():
    service = foreign_service(id="not-a-uuid", minimum_age="six")
    del service["status"]
    report = hsds.import_services([service])
    assert not report.ok
    assert problems(report.errors) == [("not-a-uuid", ""), ("not-a-uuid", "id"), ("not-a-uuid", "minimum_age")]
    assert "'status' is a required property" in report.errors[0].problem
    assert counts() == (0, 0, 0)


def test_brugwijzer_rules_are_errors_too():
    service = foreign_service(description="", minimum_age=12, maximum_age=6)
    service["organization"]["website"] = "www.zonder-schema"
    service["organization"]["organization_identifiers"] = [
        {"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0aa", "identifier_type": "KBO", "identifier": "0123456789"}
    ]
    report = hsds.import_services([service])
    assert sorted(problems(report.errors)) == sorted(
        [
            (service["id"], "description"),
            (service["id"], "minimum_age"),
            (service["id"], "organization.website"),
            (service["id"], "organization.organization_identifiers[0].identifier"),
        ]
    )


def test_records_that_are_neither_service_nor_organization_are_refused_with_the_reason():
    report = hsds.import_services([{"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "physical"}, 7])
    assert problems(report.errors) == [("3a19ff88-4620-4d17-9830-ac1d859eb5d5", ""), ("#2", "")]
    assert "an HSDS location" in report.errors[0].problem
    assert hsds.import_services("[]").errors[0].problem.startswith("The file must hold a JSON array")


def test_an_empty_array_imports_nothing_and_says_so():
    report = hsds.import_services([])
    assert report.ok and report.created == NOTHING
    assert "nothing to import" in report.warnings[0].problem


def test_the_same_service_twice_is_an_error():
    report = hsds.import_services([foreign_service(), foreign_service()])
    assert problems(report.errors) == [(foreign_service()["id"], "id")]


def test_the_same_organization_with_different_data_is_an_error():
    second = foreign_service(id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0b1")
    second["organization"] = {**second["organization"], "name": "Andere naam"}
    report = hsds.import_services([foreign_service(), second])
    assert problems(report.errors) == [(second["id"], "organization.id")]
    assert "more than once in the file, with different data" in report.errors[0].problem


def test_a_service_of_another_organisation_in_brugwijzer_is_an_error():
    directory()
    services = hsds.export_services()
    moved = services[0]
    other = factories.OrganisationFactory(name="Elders")
    moved["organization"] = {"id": hsds.hsds_id(other), "name": other.name, "description": other.description}
    moved["organization_id"] = hsds.hsds_id(other)
    moved["service_at_locations"] = []
    report = hsds.import_services([moved])
    assert problems(report.errors) == [(moved["id"], "organization")]


def test_a_service_that_names_an_unknown_organization_only_by_id_is_an_error():
    service = foreign_service(organization_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0ff")
    del service["organization"]
    report = hsds.import_services([service])
    assert problems(report.errors) == [(service["id"], "organization_id")]


def test_a_service_may_name_an_existing_organisation_only_by_id():
    organisation = factories.OrganisationFactory()
    service = foreign_service(organization_id=hsds.hsds_id(organisation))
    del service["organization"]
    report = imported([service])
    assert report.created == {"organization": 0, "service": 1, "location": 0}
    assert Offer.objects.get().organisation == organisation


# --- mapping, and what is reported instead of guessed --------------------------------------------


def test_service_areas_are_matched_by_nis_code_before_their_name():
    service = foreign_service(
        service_areas=[
            {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a010",
                "name": "Temse",
                "uri": f"https://data.vlaanderen.be/id/gemeente/{SINT_NIKLAAS}",
            }
        ]
    )
    imported([service])
    assert list(Offer.objects.get().service_area.values_list("nis_code", flat=True)) == [SINT_NIKLAAS]


def test_service_areas_without_a_known_nis_code_are_matched_by_name_else_reported():
    service = foreign_service(
        service_areas=[
            {"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a011", "name": "sint niklaas"},
            {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a012",
                "name": "Belsele",
                "uri": "https://data.vlaanderen.be/id/gemeente/46003",
            },
            {"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a013", "name": "Gent"},
        ]
    )
    report = imported([service])
    area = Offer.objects.get().service_area
    assert sorted(area.values_list("name_nl", flat=True)) == ["Gent", "Sint-Niklaas"]
    assert problems(report.warnings) == [(service["id"], "service_areas[1]")]
    assert "“Belsele” is not a municipality Brugwijzer knows" in report.warnings[0].problem


def test_an_unknown_life_domain_is_reported_and_left_out():
    service = foreign_service(
        attributes=[
            attribute("brugwijzer-levensdomeinen", "vrije-tijd"),
            attribute("brugwijzer-levensdomeinen", "sport"),
        ]
    )
    report = imported([service])
    assert list(Offer.objects.get().life_domains.values_list("slug", flat=True)) == ["vrije-tijd"]
    assert (
        hsds.HsdsProblem(
            service["id"], "attributes[1].taxonomy_term.code", "Unknown life domain “sport”: it was left out."
        )
        in report.warnings
    )


def test_a_service_without_any_life_domain_is_an_error():
    service = foreign_service(attributes=[attribute("some-other-taxonomy", "play")])
    report = hsds.import_services([service])
    assert problems(report.errors) == [(service["id"], "attributes")]
    assert "needs at least one life domain" in report.errors[0].problem
    assert any("some-other-taxonomy" in warning.problem for warning in report.warnings)


def test_without_an_access_mode_the_offer_is_by_appointment_and_that_is_reported():
    report = imported([foreign_service(attributes=[attribute("brugwijzer-levensdomeinen", "vrije-tijd")])])
    offer = Offer.objects.get()
    assert offer.access_modes == ["appointment"]
    assert any("No access mode" in warning.problem for warning in report.warnings)


def test_capacity_cost_and_waiting_time_map_from_terms_and_fields():
    service = foreign_service(
        attributes=[
            attribute("brugwijzer-levensdomeinen", "vrije-tijd"),
            attribute("brugwijzer-toegang", "walk-in"),
            attribute("brugwijzer-capaciteit", "waiting-list"),
        ],
        wait_time="P3W",
        cost_options=[{"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a020", "amount": 0, "currency": "EUR"}],
        languages=[
            {"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a021", "code": "fra"},
            {"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a022", "name": "Klingon"},
        ],
    )
    report = imported([service])
    offer = Offer.objects.get()
    assert (offer.capacity, offer.waiting_weeks, offer.cost) == ("waiting_list", 3, "free")
    assert offer.access_modes == ["walk-in"]
    assert list(offer.languages.values_list("code", flat=True)) == ["fr"]
    assert problems(report.warnings) == [(service["id"], "languages[1]")]


def test_two_capacities_are_an_error_not_a_choice():
    service = foreign_service(
        attributes=[
            attribute("brugwijzer-levensdomeinen", "vrije-tijd"),
            attribute("brugwijzer-capaciteit", "open"),
            attribute("brugwijzer-capaciteit", "full"),
        ]
    )
    assert problems(hsds.import_services([service]).errors) == [(service["id"], "attributes")]


def test_a_location_abroad_is_reported_and_left_out():
    service = foreign_service(
        service_at_locations=[
            {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a030",
                "location": {
                    "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a031",
                    "location_type": "physical",
                    "addresses": [
                        {
                            "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a032",
                            "address_1": "1 Main Street",
                            "city": "Springfield",
                            "state_province": "IL",
                            "postal_code": "62701",
                            "country": "US",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ]
    )
    report = imported([service])
    assert Location.objects.count() == 0 and Offer.objects.count() == 1
    assert (service["id"], "service_at_locations[0].location.addresses[0].country") in problems(report.warnings)


def test_a_belgian_address_is_placed_by_postal_code_and_city():
    location = {
        "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a041",
        "location_type": "physical",
        "name": "Buurthuis",
        "latitude": 51.16,
        "longitude": 4.14,
        "addresses": [
            {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a042",
                "address_1": "Dorp 1",
                "address_2": "bus 2",
                "city": "Belsele",
                "state_province": "Oost-Vlaanderen",
                "postal_code": "9111",
                "country": "België",
                "address_type": "physical",
            }
        ],
        "schedules": [
            {"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a043", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "12:00"}
        ],
    }
    imported(
        [foreign_service(service_at_locations=[{"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a040", "location": location}])]
    )
    saved = Location.objects.get()
    assert (saved.street, saved.postal_code, saved.municipality.nis_code) == ("Dorp 1, bus 2", "9111", SINT_NIKLAAS)
    assert saved.opening_hours == "ma, wo 09:00–12:00"
    assert saved.organisation == Offer.objects.get().organisation


def test_an_existing_organisation_is_found_by_its_kbo_number():
    organisation = factories.OrganisationFactory(name="Jeugddienst", kbo_number=VALID_KBO)
    service = foreign_service()
    service["organization"]["organization_identifiers"] = [
        {
            "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a050",
            "identifier_scheme": "BE-BCE_KBO",
            "identifier_type": "KBO-nummer",
            "identifier": "0123.456.749",
        }
    ]
    report = imported([service])
    assert report.created == {"organization": 0, "service": 1, "location": 0}
    assert report.updated["organization"] == 1
    organisation.refresh_from_db()
    assert organisation.external_id == service["organization"]["id"]
    assert organisation.name == "Jeugddienst Proefstad"


def test_fields_brugwijzer_has_no_place_for_are_named_in_a_warning():
    report = imported([foreign_service(alert="Gesloten in augustus", url="https://speelplein.example.be")])
    assert (
        hsds.HsdsProblem(
            foreign_service()["id"], "", "Brugwijzer has no place for these fields; they were left out: alert, url."
        )
        in report.warnings
    )


def test_a_shared_organisation_is_reported_once_not_per_service():
    first, second = foreign_service(), foreign_service(id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0b2")
    for service in (first, second):
        del service["organization"]["attributes"]
    report = imported([first, second])
    kind_warnings = [w for w in report.warnings if "No organisation kind" in w.problem]
    assert len(kind_warnings) == 1


# --- dry run -------------------------------------------------------------------------------------


def test_a_dry_run_reports_what_would_change_and_writes_nothing():
    report = imported([foreign_service()], dry_run=True)
    assert report.created == {"organization": 1, "service": 1, "location": 0}
    assert report.changes == [
        "New organisation “Jeugddienst Proefstad” (verified, because it comes from a trusted directory).",
        "New offer “Speelpleinwerking” of “Jeugddienst Proefstad”.",
    ]
    assert counts() == (0, 0, 0)
    assert AuditEvent.objects.count() == 0


def test_an_import_writes_an_audit_event_per_record():
    imported([foreign_service()])
    assert sorted(AuditEvent.objects.values_list("content_type__model", "action")) == [
        ("offer", "create"),
        ("organisation", "create"),
    ]


# --- robustness ----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
PATHS = [
    ("name",),
    ("description",),
    ("status",),
    ("minimum_age",),
    ("wait_time",),
    ("assured_date",),
    ("attributes",),
    ("attributes", 0),
    ("attributes", 0, "taxonomy_term"),
    ("attributes", 0, "taxonomy_term", "code"),
    ("service_areas", 0),
    ("service_areas", 0, "uri"),
    ("languages",),
    ("cost_options",),
    ("organization",),
    ("organization", "phones"),
    ("organization", "organization_identifiers"),
    ("organization", "locations"),
    ("organization_id",),
    ("service_at_locations",),
    ("service_at_locations", 0, "location"),
    ("service_at_locations", 0, "location", "addresses"),
    ("service_at_locations", 0, "location", "latitude"),
    ("service_at_locations", 0, "location", "schedules"),
    ("service_at_locations", 0, "location_id"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=JSON, wrap=st.sampled_from(["list", "organization", "page", "single"]))
def test_no_payload_makes_the_import_raise(path, value, wrap):
    service = foreign_service(
        service_at_locations=[
            {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a060",
                "location": {
                    "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a061",
                    "location_type": "physical",
                    "addresses": [
                        {
                            "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a062",
                            "address_1": "Dorp 1",
                            "city": "Sint-Niklaas",
                            "state_province": "Oost-Vlaanderen",
                            "postal_code": "9100",
                            "country": "BE",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ]
    )
    target = service
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    if wrap == "organization":
        organization = service.pop("organization")
        payload = [{**organization, "services": [service]} if isinstance(organization, dict) else organization]
    elif wrap == "page":
        payload = {"contents": [service]}
    elif wrap == "single":
        payload = service
    else:
        payload = [service]
    report = hsds.import_services(payload, dry_run=True)
    assert report.ok or report.errors
    assert all(problem.problem for problem in report.errors + report.warnings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=JSON)
def test_no_json_at_all_makes_the_import_raise(payload):
    report = hsds.import_services(payload, dry_run=True)
    assert report.ok or report.errors


def test_what_a_record_lacks_does_not_overwrite_what_brugwijzer_knows():
    world = directory()
    services = hsds.export_services()
    homework = next(service for service in services if service["name"] == "Huiswerkklas")
    homework["attributes"] = [a for a in homework["attributes"] if "levensdomeinen" in a["taxonomy_term"]["taxonomy"]]
    del homework["organization"]["attributes"]
    del homework["cost_options"]
    report = imported(services)
    assert report.updated == NOTHING
    offer = Offer.objects.get(pk=world["homework"].pk)
    assert (offer.capacity, offer.waiting_weeks, offer.cost) == ("waiting_list", 4, "low")
    assert offer.access_modes == ["walk-in", "at-school"]
    assert offer.organisation.kind.slug == "caw"
    assert any("an existing one keeps its access modes" in warning.problem for warning in report.warnings)
