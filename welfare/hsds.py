"""Open Referral HSDS 3.0 for Brugwijzer: offers out as HSDS services, and HSDS services in.

`export_services()` gives every active public offer as a fully nested HSDS service;
`import_services()` reads that format back, and HSDS from other directories as far as it maps.
docs/hsds-profile.md says which HSDS field holds which Brugwijzer field, which taxonomies and
codes Brugwijzer uses, and what the import does with what it cannot map.

Ids. HSDS ids are UUIDs. A record that came in through HSDS keeps its id in `external_id`;
every other record gets a UUID derived (uuid5) from its non-UUID external id or, without one,
from its primary key, so a record has the same HSDS id in every export. Nested objects
(addresses, attributes, languages, ...) get ids derived from their parent's, and taxonomy terms
from their taxonomy and code, so an export is the same from one day to the next.

The import is all or nothing. It reads every record first: the official JSON schema (a copy in
welfare/hsds_spec/), then Brugwijzer's own rules (a life domain, a Belgian address, a valid KBO
number, ...). Only when no record has an error does it write, in one transaction. What it
cannot map (an unknown life domain, a language or municipality Brugwijzer does not know, fields
Brugwijzer has no place for) is left out and reported as a warning, never guessed.
"""

import json
import math
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from families.models import LifeDomain
from portal.audit import diff, record
from portal.models import AuditEvent, Language, Municipality, PostalCode, Region
from portal.validators import kbo_is_valid, normalise_kbo
from welfare.models import ACCESS_MODES, Capacity, Cost, Location, Offer, Organisation, OrganisationKind

SPEC_DIR = Path(__file__).resolve().parent / "hsds_spec"
HSDS_VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"

# Every id Brugwijzer derives lives in this namespace. Never change it: ids would change with it.
NAMESPACE = uuid.UUID("0f50fad2-c5d4-437a-916f-03b0f4b4c93f")

MUNICIPALITY_URI = "https://data.vlaanderen.be/id/gemeente/{nis}"
MUNICIPALITY_URI_PATTERN = re.compile(r"https?://data\.vlaanderen\.be/id/gemeente/([0-9]{5})/?", re.IGNORECASE)
KBO_SCHEME = "BE-BCE_KBO"
KBO_TYPE = "KBO-nummer (ondernemingsnummer)"
COUNTRY = "BE"
BELGIUM = {"be", "bel", "belgium", "belgië", "belgie", "belgique", "belgien"}
CURRENCY = "EUR"
TERM_LANGUAGE = "nl"

TAXONOMY_LIFE_DOMAINS = "brugwijzer-levensdomeinen"
TAXONOMY_ACCESS = "brugwijzer-toegang"
TAXONOMY_CAPACITY = "brugwijzer-capaciteit"
TAXONOMY_COST = "brugwijzer-kost"
TAXONOMY_ORGANISATION_KIND = "brugwijzer-organisatietype"

# Data content is Dutch, like the life domains and organisation kinds themselves.
TAXONOMIES = {
    TAXONOMY_LIFE_DOMAINS: "Levensdomeinen: de domeinen van het leven waarin gezinnen noden hebben en "
    "waarin welzijnsorganisaties helpen. De code is de code van het levensdomein in Brugwijzer.",
    TAXONOMY_ACCESS: "Hoe gezinnen of doorverwijzers een aanbod bereiken.",
    TAXONOMY_CAPACITY: "Of een aanbod nu plaats heeft. Bij een wachtlijst zegt wait_time hoelang gezinnen wachten.",
    TAXONOMY_COST: "Wat een aanbod een gezin kost. fees_description zegt hoeveel.",
    TAXONOMY_ORGANISATION_KIND: "Het soort welzijnsorganisatie (CAW, OCMW, Huis van het Kind, ...).",
}
ACCESS_TERMS = {  # Offer field: (code, name, description)
    "access_walk_in": ("walk-in", "vrije inloop", "Gezinnen kunnen zonder afspraak binnenlopen."),
    "access_appointment": ("appointment", "op afspraak", "Gezinnen of doorverwijzers maken eerst een afspraak."),
    "access_outreach": ("outreach", "outreachend", "De hulpverlener komt naar het gezin toe, thuis of in de buurt."),
    "access_at_school": ("at-school", "op school", "Het aanbod gaat door op school."),
    "access_online": ("online", "online", "Het aanbod gaat online of aan de telefoon door."),
}
ACCESS_FIELDS = tuple(field_name for field_name, _code, _label in ACCESS_MODES)
CAPACITY_TERMS = {
    Capacity.OPEN: ("open", "plaats vrij", "Er is nu plaats: gezinnen kunnen meteen terecht."),
    Capacity.WAITING_LIST: ("waiting-list", "wachtlijst", "Er is een wachtlijst; wait_time zegt hoelang ongeveer."),
    Capacity.FULL: ("full", "volzet", "Er is nu geen plaats."),
}
COST_TERMS = {
    Cost.FREE: ("free", "gratis", "Gratis voor gezinnen."),
    Cost.LOW: ("low", "lage kost", "Een kleine bijdrage; fees_description zegt hoeveel."),
    Cost.PAID: ("paid", "betalend", "Gezinnen betalen voor dit aanbod; fees_description zegt hoeveel."),
}
# Provinces name the state_province of an address; the Brussels municipalities have none.
REGION_NAMES = {
    Region.FLANDERS: "Vlaams Gewest",
    Region.WALLONIA: "Waals Gewest",
    Region.BRUSSELS: "Brussels Hoofdstedelijk Gewest",
}
# ISO 639-2/639-3 codes of the languages in Brugwijzer's reference list (HSDS allows either).
LANGUAGE_CODES_3 = {
    "nld": "nl", "dut": "nl", "fra": "fr", "fre": "fr", "eng": "en", "deu": "de", "ger": "de", "ara": "ar",
    "tur": "tr", "pol": "pl", "ron": "ro", "rum": "ro", "bul": "bg", "rus": "ru", "ukr": "uk", "spa": "es",
    "por": "pt", "ita": "it", "som": "so", "tir": "ti", "amh": "am", "fas": "fa", "per": "fa", "pus": "ps",
    "kur": "ku", "sqi": "sq", "alb": "sq", "srp": "sr", "zho": "zh", "chi": "zh", "urd": "ur", "hin": "hi",
    "lin": "ln", "slk": "sk", "slo": "sk", "hun": "hu",
}  # fmt: skip
WEEKDAYS = {"MO": "ma", "TU": "di", "WE": "wo", "TH": "do", "FR": "vr", "SA": "za", "SU": "zo"}
WAIT_WEEKS = re.compile(r"(?:P([0-9]{1,3})W|([0-9]{1,3})\s*(?:weken|week|weeks|wk|w)?)", re.IGNORECASE)
POSTAL_CODE = re.compile(r"[1-9][0-9]{3}")

KINDS = ("organization", "service", "location")
MAX_SCHEMA_PROBLEMS = 10

# Fields an import reads, or deliberately passes over as bookkeeping; any other field with a
# value is named in a warning, so nobody thinks it was kept.
SERVICE_FIELDS = {
    "id", "organization_id", "name", "description", "status", "application_process", "fees_description",
    "wait_time", "minimum_age", "maximum_age", "assured_date", "last_modified", "organization",
    "service_at_locations", "languages", "service_areas", "cost_options", "attributes", "metadata",
}  # fmt: skip
ORGANIZATION_FIELDS = {
    "id", "name", "description", "email", "website", "phones", "organization_identifiers", "attributes",
    "services", "locations", "metadata",
}  # fmt: skip
LOCATION_FIELDS = {
    "id", "location_type", "organization_id", "name", "latitude", "longitude", "addresses", "schedules", "metadata",
}  # fmt: skip
# What tells a service from an organization when its status (required) is missing.
SERVICE_ONLY_FIELDS = (
    "status", "organization", "organization_id", "program_id", "service_at_locations", "service_areas",
    "application_process", "fees_description", "eligibility_description", "cost_options", "wait_time",
    "minimum_age", "maximum_age",
)  # fmt: skip
SERVICE_AT_LOCATION_FIELDS = {"id", "service_id", "location_id", "location", "metadata"}


# --- ids and taxonomy terms ----------------------------------------------------------------------


def derived_id(*parts: str) -> str:
    """A deterministic UUID for the name made of `parts`."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def canonical_uuid(value: Any) -> str | None:
    """The UUID in its canonical lowercase form, or None when `value` is not a UUID."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def _hsds_id_for(model_name: str, pk: int, external_id: str) -> str:
    if external_id:
        return canonical_uuid(external_id) or derived_id(model_name, "external", external_id)
    return derived_id(model_name, "pk", str(pk))


def hsds_id(obj: Organisation | Location | Offer) -> str:
    """The HSDS id of an organisation, location or offer (see the module docstring)."""
    return _hsds_id_for(obj._meta.model_name, obj.pk, obj.external_id)


def hsds_index(queryset: QuerySet) -> dict[str, int]:
    """{HSDS id: pk} for every row of `queryset`: one query over two columns."""
    model_name = queryset.model._meta.model_name
    return {
        _hsds_id_for(model_name, pk, external_id): pk for pk, external_id in queryset.values_list("pk", "external_id")
    }


def find_by_hsds_id(queryset: QuerySet, value: str) -> models.Model | None:
    """The row of `queryset` with this HSDS id. Imported rows are found on their external id;
    derived ids need the index of the whole queryset (one extra query)."""
    wanted = canonical_uuid(value)
    if wanted is None:
        return None
    obj = queryset.filter(external_id=wanted).first()
    if obj is not None:
        return obj
    pk = hsds_index(queryset).get(wanted)
    return None if pk is None else queryset.filter(pk=pk).first()


def taxonomy_id(taxonomy: str) -> str:
    return derived_id("taxonomy", taxonomy)


def term_id(taxonomy: str, code: str) -> str:
    return derived_id("taxonomy-term", taxonomy, code)


@dataclass(frozen=True)
class Term:
    """A term of one of Brugwijzer's taxonomies, and what it means for an offer."""

    taxonomy: str
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return term_id(self.taxonomy, self.code)

    def as_hsds(self, *, detail: bool = False) -> dict:
        data = {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": self.taxonomy,
            "taxonomy_id": taxonomy_id(self.taxonomy),
            "language": TERM_LANGUAGE,
        }
        if detail:
            data["taxonomy_detail"] = taxonomy_record(self.taxonomy)
        return data


def taxonomy_record(taxonomy: str) -> dict:
    return {"id": taxonomy_id(taxonomy), "name": taxonomy, "description": TAXONOMIES[taxonomy]}


def life_domain_term(domain: LifeDomain) -> Term:
    return Term(TAXONOMY_LIFE_DOMAINS, domain.slug, domain.name, domain.description)


def kind_term(kind: OrganisationKind) -> Term:
    return Term(TAXONOMY_ORGANISATION_KIND, kind.slug, kind.name, kind.description or kind.name)


def access_term(field_name: str) -> Term:
    code, name, description = ACCESS_TERMS[field_name]
    return Term(TAXONOMY_ACCESS, code, name, description)


def capacity_term(capacity: str) -> Term:
    code, name, description = CAPACITY_TERMS[capacity]
    return Term(TAXONOMY_CAPACITY, code, name, description)


def cost_term(cost: str) -> Term:
    code, name, description = COST_TERMS[cost]
    return Term(TAXONOMY_COST, code, name, description)


def taxonomy_terms() -> list[Term]:
    """Every term of Brugwijzer's taxonomies, in a stable order. Two queries."""
    return [
        *(life_domain_term(domain) for domain in LifeDomain.objects.order_by("position", "slug")),
        *(access_term(field_name) for field_name in ACCESS_FIELDS),
        *(capacity_term(value) for value in Capacity.values),
        *(cost_term(value) for value in Cost.values),
        *(kind_term(kind) for kind in OrganisationKind.objects.order_by("position", "slug")),
    ]


def offer_filter_for_term(term: Term) -> models.Q:
    """The offers that carry `term`: the taxonomy_term_id filter of the API."""
    if term.taxonomy == TAXONOMY_LIFE_DOMAINS:
        return models.Q(life_domains__slug=term.code)
    if term.taxonomy == TAXONOMY_ACCESS:
        field_name = next(name for name, (code, *_rest) in ACCESS_TERMS.items() if code == term.code)
        return models.Q(**{field_name: True})
    if term.taxonomy == TAXONOMY_CAPACITY:
        return models.Q(capacity=next(value for value, (code, *_r) in CAPACITY_TERMS.items() if code == term.code))
    if term.taxonomy == TAXONOMY_COST:
        return models.Q(cost=next(value for value, (code, *_r) in COST_TERMS.items() if code == term.code))
    return models.Q(organisation__kind__slug=term.code)


# --- schema --------------------------------------------------------------------------------------


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for a compiled HSDS schema (`service` or `organization`), with format checks
    (uuid, email, date) on."""
    schema = json.loads((SPEC_DIR / "schema" / "compiled" / f"{name}.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def json_path(*parts: str | int) -> str:
    """`service_at_locations[0].location.name` from its parts; empty parts are skipped."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part:
            out += f".{part}" if out and not part.startswith("[") else part
    return out


def schema_problems(data: Any, *, schema: str = "service") -> list[tuple[str, str]]:
    """(path, problem) for every way `data` breaks the compiled HSDS schema, in path order."""
    found = []
    for error in validator(schema).iter_errors(data):
        found.append((json_path(*error.absolute_path), Truncator(error.message).chars(240)))
    return sorted(found)


# --- export --------------------------------------------------------------------------------------


def _compact(data: dict, *, keep: tuple[str, ...] = ()) -> dict:
    """Leave out what is empty (HSDS has no use for "", and "" fails the email format), except
    the fields in `keep`, which HSDS requires."""
    return {
        key: value for key, value in data.items() if key in keep or (value is not None and value != "" and value != [])
    }


def _timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def wait_time_text(weeks: int | None) -> str | None:
    if weeks is None:
        return None
    return "1 week" if weeks == 1 else f"{weeks} weken"


def _attribute(link_id: str, link_entity: str, term: Term) -> dict:
    return {
        "id": derived_id("attribute", link_id, term.id),
        "link_id": link_id,
        "link_entity": link_entity,
        "taxonomy_term_id": term.id,
        "taxonomy_term": term.as_hsds(),
    }


def export_queryset(offers: QuerySet[Offer] | None = None) -> QuerySet[Offer]:
    """Offers with everything a full HSDS service needs, in six queries whatever their number."""
    offers = Offer.objects.public() if offers is None else offers
    return offers.select_related("organisation__kind").prefetch_related(
        Prefetch("life_domains", queryset=LifeDomain.objects.order_by("position", "slug")),
        Prefetch("languages", queryset=Language.objects.order_by("code")),
        Prefetch("service_area", queryset=Municipality.objects.order_by("nis_code")),
        Prefetch(
            "locations", queryset=Location.objects.select_related("municipality").order_by("name", "street", "pk")
        ),
    )


def organization_summary(organisation: Organisation) -> dict:
    """The one-to-one fields of an HSDS organization (the organization_list schema)."""
    return _compact(
        {
            "id": hsds_id(organisation),
            "name": organisation.name,
            "description": organisation.description,
            "email": organisation.email,
            "website": organisation.website,
        },
        keep=("description",),
    )


def organization_record(
    organisation: Organisation, *, locations: Iterable[Location] | None = None, services: list[dict] | None = None
) -> dict:
    """A nested HSDS organization: identifiers, phone and kind, with its locations and services
    when they are given (the organisation's `kind` must be loaded)."""
    oid = hsds_id(organisation)
    data = {
        **organization_summary(organisation),
        "phones": [{"id": derived_id("phone", oid), "number": organisation.phone}] if organisation.phone else [],
        "organization_identifiers": (
            [
                {
                    "id": derived_id("organization-identifier", oid, KBO_SCHEME),
                    "identifier_scheme": KBO_SCHEME,
                    "identifier_type": KBO_TYPE,
                    "identifier": organisation.kbo_number,
                }
            ]
            if organisation.kbo_number
            else []
        ),
        "attributes": [_attribute(oid, "organization", kind_term(organisation.kind))],
    }
    if locations is not None:
        data["locations"] = [location_record(location, organization_id=oid) for location in locations]
    if services is not None:
        data["services"] = services
    return _compact(data, keep=("description",))


def location_record(location: Location, *, organization_id: str) -> dict:
    """A physical HSDS location with its Belgian address; opening hours are free text in Brugwijzer,
    so they go in a schedule's description (the `municipality` must be loaded)."""
    lid = hsds_id(location)
    municipality = location.municipality
    address = {
        "id": derived_id("address", lid),
        "location_id": lid,
        "address_1": location.street,
        "city": municipality.name_nl,
        "state_province": municipality.province_name or REGION_NAMES.get(municipality.region, ""),
        "postal_code": location.postal_code,
        "country": COUNTRY,
        "address_type": "physical",
    }
    schedules = []
    if location.opening_hours:
        schedules = [{"id": derived_id("schedule", lid), "location_id": lid, "description": location.opening_hours}]
    return _compact(
        {
            "id": lid,
            "location_type": "physical",
            "organization_id": organization_id,
            "name": location.name,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "addresses": [_compact(address)],
            "schedules": schedules,
        }
    )


def _service_fields(offer: Offer) -> dict:
    return {
        "id": hsds_id(offer),
        "organization_id": hsds_id(offer.organisation),
        "name": offer.name,
        "description": offer.description,
        "status": "active" if offer.is_active else "inactive",
        "application_process": offer.next_steps,
        "fees_description": offer.cost_note,
        "wait_time": wait_time_text(offer.waiting_weeks),
        "minimum_age": offer.age_min,
        "maximum_age": offer.age_max,
        "assured_date": offer.last_confirmed.isoformat() if offer.last_confirmed else None,
        "last_modified": _timestamp(offer.updated_at),
    }


def service_summary(offer: Offer) -> dict:
    """The one-to-one fields of an HSDS service, with its organization (the service_list schema)."""
    return _compact({**_service_fields(offer), "organization": organization_summary(offer.organisation)})


def service_record(offer: Offer) -> dict:
    """A fully nested HSDS service. Use on offers from `export_queryset`, or it queries per offer."""
    sid = hsds_id(offer)
    oid = hsds_id(offer.organisation)
    terms = [
        *(life_domain_term(domain) for domain in offer.life_domains.all()),
        *(access_term(field_name) for field_name in ACCESS_FIELDS if getattr(offer, field_name)),
        capacity_term(offer.capacity),
        cost_term(offer.cost),
    ]
    cost_option = {"id": derived_id("cost-option", sid), "option": COST_TERMS[offer.cost][1]}
    if offer.cost == Cost.FREE:
        cost_option.update(amount=0, currency=CURRENCY)
    return _compact(
        {
            **_service_fields(offer),
            "organization": organization_record(offer.organisation),
            "service_at_locations": [
                {
                    "id": derived_id("service-at-location", sid, hsds_id(location)),
                    "service_id": sid,
                    "location_id": hsds_id(location),
                    "location": location_record(location, organization_id=oid),
                }
                for location in offer.locations.all()
            ],
            "languages": [
                {"id": derived_id("language", sid, language.code), "name": language.name_nl, "code": language.code}
                for language in offer.languages.all()
            ],
            "service_areas": [
                {
                    "id": derived_id("service-area", sid, municipality.nis_code),
                    "name": municipality.name_nl,
                    "uri": MUNICIPALITY_URI.format(nis=municipality.nis_code),
                }
                for municipality in offer.service_area.all()
            ],
            "cost_options": [cost_option],
            "attributes": [_attribute(sid, "service", term) for term in terms],
        }
    )


def export_services() -> list[dict]:
    """Every active public offer (active, of a verified organisation) as a fully nested HSDS
    service, ordered by name."""
    return [service_record(offer) for offer in export_queryset().order_by("name", "organisation__name", "pk")]


# --- import: the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class HsdsProblem:
    """What is wrong (or was left out) in one record: its id as in the file (or #n, its place
    in the file, when it has none), where in it, and what."""

    record_id: str
    path: str
    problem: str


@dataclass
class HsdsReport:
    """What an import did, or would do: `ok` when no record has an error (then, unless it was a
    dry run, everything was written); `errors` and `warnings` (what was left out, not guessed);
    per kind (organization, service, location) the records `created`, `updated` and `unchanged`;
    and `changes`, one readable line per created or updated record, the same in a dry run as in
    the import itself; `planned`, the same as data (kind, HSDS id, action, the changed fields'
    old and new values), which does not depend on the reader's language. With errors, the counts
    are zero and `changes` and `planned` are empty."""

    ok: bool = True
    errors: list[HsdsProblem] = field(default_factory=list)
    warnings: list[HsdsProblem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    changes: list[str] = field(default_factory=list)
    planned: list[tuple] = field(default_factory=list)


# --- import: reading records into plans ----------------------------------------------------------


@dataclass
class _Where:
    """Where a problem is: the record, the path to the object being read, and — for objects that
    several records share (organisations, locations) — that object's id, so a problem with a
    shared object is reported once, not once per service that mentions it."""

    importer: "_Importer"
    record_id: str
    prefix: str = ""
    object_id: str | None = None
    object_prefix: str = ""

    def at(self, *parts: str | int, object_id: str | None = None) -> "_Where":
        prefix = json_path(self.prefix, *parts)
        if object_id is not None:
            return _Where(self.importer, self.record_id, prefix, object_id, prefix)
        return _Where(self.importer, self.record_id, prefix, self.object_id, self.object_prefix)

    def _problem(self, found: list[HsdsProblem], path: str | int, problem: str) -> None:
        full = json_path(self.prefix, path)
        key = (self.object_id, full[len(self.object_prefix) :], problem) if self.object_id else None
        if key is not None:
            if key in self.importer.seen:
                return
            self.importer.seen.add(key)
        found.append(HsdsProblem(self.record_id, full, problem))

    def error(self, path: str | int, problem: str) -> None:
        self._problem(self.importer.report.errors, path, problem)

    def warn(self, path: str | int, problem: str) -> None:
        self._problem(self.importer.report.warnings, path, problem)


@dataclass
class _Plan:
    """What one HSDS object becomes in Brugwijzer, before anything is written."""

    hsds_id: str
    where: _Where
    values: dict[str, Any]
    organisation_id: str | None = None  # HSDS id of the organisation (locations and offers)
    relations: dict[str, list] = field(default_factory=dict)
    location_ids: list[str] = field(default_factory=list)
    fallbacks: set[str] = field(default_factory=set)  # fields set for want of data: kept on an existing record
    existing: Any = None
    action: str = ""  # create, update or keep
    changes: dict[str, list] = field(default_factory=dict)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _key(name: str) -> str:
    """A municipality or language name without case, accents, spaces or dashes."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", "", plain)


def _short(value: Any, length: int = 80) -> str:
    return Truncator(str(value)).chars(length)


def _left_out(data: dict, known: set[str]) -> list[str]:
    return sorted(key for key, value in data.items() if key not in known and value not in (None, "", [], {}))


class _Importer:
    """One import: read every record into plans (collecting errors and warnings), match the plans
    with Brugwijzer's records, compare, and only then write. Reference data is loaded once."""

    def __init__(self, *, by=None) -> None:
        self.by = by
        self.report = HsdsReport()
        self.seen: set[tuple] = set()
        self.organisations: dict[str, _Plan] = {}
        self.locations: dict[str, _Plan] = {}
        self.offers: dict[str, _Plan] = {}
        self.skipped_locations: set[str] = set()
        self.referenced_organisations: dict[str, _Where] = {}
        self.referenced_locations: dict[str, list[tuple[_Plan, _Where]]] = {}
        self._load_reference_data()

    def _load_reference_data(self) -> None:
        self.life_domains = {domain.slug: domain for domain in LifeDomain.objects.all()}
        self.kinds = {kind.slug: kind for kind in OrganisationKind.objects.all()}
        self.languages = {language.code: language for language in Language.objects.all()}
        self.language_names = {}
        for language in self.languages.values():
            self.language_names[_key(language.name_nl)] = language
            self.language_names[_key(language.name_en)] = language
        self.municipalities = {m.nis_code: m for m in Municipality.objects.all()}
        names: dict[str, list[Municipality]] = {}
        for municipality in self.municipalities.values():
            for name in {_key(municipality.name_nl), _key(municipality.name_fr)}:
                names.setdefault(name, []).append(municipality)
        self.municipality_names = {name: found[0] for name, found in names.items() if len(found) == 1}
        by_pk = {m.pk: m for m in self.municipalities.values()}
        self.postal_codes: dict[str, list[Municipality]] = {}
        for code, municipality_id in PostalCode.objects.values_list("code", "municipality_id"):
            self.postal_codes.setdefault(code, []).append(by_pk[municipality_id])
        self.terms = {term.id: term for term in self._static_terms()}
        self.taxonomies = {taxonomy_id(name): name for name in TAXONOMIES}

    def _static_terms(self) -> list[Term]:
        return [
            *(life_domain_term(domain) for domain in self.life_domains.values()),
            *(access_term(field_name) for field_name in ACCESS_FIELDS),
            *(capacity_term(value) for value in Capacity.values),
            *(cost_term(value) for value in Cost.values),
            *(kind_term(kind) for kind in self.kinds.values()),
        ]

    # -- the payload -----------------------------------------------------------------------------

    def read(self, payload: Any) -> None:
        if isinstance(payload, dict) and isinstance(payload.get("contents"), list):
            payload = payload["contents"]  # a page of the HSDS API
        elif isinstance(payload, dict):
            payload = [payload]  # one service or organization, as in the official examples
        if not isinstance(payload, list):
            self.report.errors.append(
                HsdsProblem("", "", _("The file must hold a JSON array of HSDS services or organizations."))
            )
            return
        if not payload:
            self.report.warnings.append(HsdsProblem("", "", _("The file holds no services: nothing to import.")))
        for index, item in enumerate(payload):
            self._read_item(index, item)
        self._check_references()

    def _read_item(self, index: int, item: Any) -> None:
        label = f"#{index + 1}"
        if not isinstance(item, dict):
            self.report.errors.append(HsdsProblem(label, "", _("This is not an object: an HSDS record is an object.")))
            return
        record_id = item["id"] if isinstance(item.get("id"), str) and item["id"].strip() else label
        where = _Where(self, record_id)
        kind = _record_kind(item)
        if kind == "service":
            if self._schema_ok(item, where, "service"):
                self._read_service(item, where, parent_organisation=None)
        elif kind == "organization":
            self._read_organization_record(item, where)
        else:
            where.error("", kind)

    def _schema_ok(self, data: dict, where: _Where, schema: str) -> bool:
        problems = schema_problems(data, schema=schema)
        for path, problem in problems[:MAX_SCHEMA_PROBLEMS]:
            where.error(path, problem)
        if len(problems) > MAX_SCHEMA_PROBLEMS:
            more = len(problems) - MAX_SCHEMA_PROBLEMS
            where.error("", _("… and %(count)d more problems with the schema.") % {"count": more})
        return not problems

    def _read_organization_record(self, item: dict, where: _Where) -> None:
        services = item.get("services")
        organisation_only = {key: value for key, value in item.items() if key != "services"}
        if not self._schema_ok(organisation_only, where, "organization"):
            return
        if services is not None and not isinstance(services, list):
            where.error("services", _("services must be an array of HSDS services."))
            return
        oid = self._read_organization(organisation_only, where.at(object_id=canonical_uuid(item["id"])))
        if oid is None:
            return
        for index, service in enumerate(services or []):
            service_where = where.at("services", index)
            if not isinstance(service, dict):
                service_where.error("", _("This is not an object: an HSDS service is an object."))
                continue
            if isinstance(service.get("id"), str) and service["id"].strip():
                service_where = _Where(self, service["id"])
            if self._schema_ok(service, service_where, "service"):
                self._read_service(service, service_where, parent_organisation=oid)

    # -- organisations ---------------------------------------------------------------------------

    def _read_organization(self, data: dict, where: _Where) -> str | None:
        oid = canonical_uuid(data.get("id"))
        if oid is None:
            where.error("id", _("The organization has no id."))
            return None
        fallbacks: set[str] = set()
        values = {
            "name": _text(data.get("name")),
            "description": _text(data.get("description")),
            "email": _text(data.get("email")),
            "website": _text(data.get("website")),
            "phone": "",
            "kbo_number": "",
            "kind": self._organisation_kind(data.get("attributes") or [], where, fallbacks),
        }
        phones = [phone for phone in data.get("phones") or [] if isinstance(phone, dict) and _text(phone.get("number"))]
        if phones:
            values["phone"] = _text(phones[0]["number"]).strip('"').strip()
            if len(phones) > 1:
                where.warn("phones", _("Brugwijzer keeps one phone number per organisation: only the first was kept."))
        values["kbo_number"] = self._kbo_number(data.get("organization_identifiers") or [], where)
        if not values["name"]:
            where.error("name", _("The organization has no name."))
        self._validate(Organisation, values, where, ORGANISATION_PATHS, exclude=["kind"])
        left_out = _left_out(data, ORGANIZATION_FIELDS)
        if left_out:
            where.warn("", _("Brugwijzer has no place for these fields; they were left out: %s.") % ", ".join(left_out))
        for index, location in enumerate(data.get("locations") or []):
            self._read_location(location, where.at("locations", index), oid)
        plan = _Plan(oid, where, values, fallbacks=fallbacks)
        return self._add_plan(self.organisations, plan, _("organization"))

    def _organisation_kind(self, attributes: list[dict], where: _Where, fallbacks: set[str]) -> OrganisationKind:
        codes = self._codes(attributes, where, "attributes", {TAXONOMY_ORGANISATION_KIND})[TAXONOMY_ORGANISATION_KIND]
        known = [(code, path) for code, path in codes if code in self.kinds]
        for code, path in codes:
            if code not in self.kinds:
                where.warn(path, _("Unknown organisation kind “%s”: it was left out.") % _short(code))
        if len({code for code, _path in known}) > 1:
            where.error("attributes", _("The organization has more than one organisation kind."))
        if known:
            return self.kinds[known[0][0]]
        where.warn(
            "attributes",
            _(
                "No organisation kind (taxonomy %(taxonomy)s): a new organisation is recorded as “%(kind)s”, "
                "an existing one keeps its kind."
            )
            % {"taxonomy": TAXONOMY_ORGANISATION_KIND, "kind": self.kinds["andere"].name},
        )
        fallbacks.add("kind")
        return self.kinds["andere"]

    def _kbo_number(self, identifiers: list[dict], where: _Where) -> str:
        found = ""
        for index, identifier in enumerate(identifiers):
            scheme = _text(identifier.get("identifier_scheme"))
            kind = _text(identifier.get("identifier_type")).casefold()
            value = _text(identifier.get("identifier"))
            if scheme.upper() == KBO_SCHEME or (not scheme and ("kbo" in kind or "ondernemingsnummer" in kind)):
                if not kbo_is_valid(value):
                    where.error(
                        json_path("organization_identifiers", index, "identifier"),
                        _("“%s” is not a valid KBO number.") % _short(value),
                    )
                elif found and normalise_kbo(value) != found:
                    where.error("organization_identifiers", _("The organization has two different KBO numbers."))
                else:
                    found = normalise_kbo(value)
            else:
                where.warn(
                    json_path("organization_identifiers", index),
                    _("Brugwijzer only keeps the KBO number: identifier “%s” was left out.")
                    % _short(f"{scheme or kind} {value}".strip()),
                )
        return found

    # -- locations -------------------------------------------------------------------------------

    def _read_location(self, data: Any, where: _Where, organisation_id: str) -> str | None:
        if not isinstance(data, dict):
            where.error("", _("This is not an object: an HSDS location is an object."))
            return None
        lid = canonical_uuid(data.get("id"))
        if lid is None:
            where.error("id", _("The location has no id."))
            return None
        where = where.at(object_id=lid)
        if lid in self.skipped_locations:
            return None
        values = self._location_values(data, where)
        if values is None:
            self.skipped_locations.add(lid)
            return None
        left_out = _left_out(data, LOCATION_FIELDS)
        if left_out:
            where.warn("", _("Brugwijzer has no place for these fields; they were left out: %s.") % ", ".join(left_out))
        self._validate(Location, values, where, LOCATION_PATHS, exclude=["organisation", "municipality"])
        return self._add_plan(self.locations, _Plan(lid, where, values, organisation_id=organisation_id), _("location"))

    def _location_values(self, data: dict, where: _Where) -> dict | None:
        """A location's fields, or None (with a warning) when it has no Belgian address."""
        addresses = [a for a in data.get("addresses") or [] if isinstance(a, dict)]
        physical = [a for a in addresses if a.get("address_type") == "physical"] or addresses
        if data.get("location_type") == "virtual" or not physical:
            where.warn("", _("The location has no street address, so Brugwijzer cannot keep it: it was left out."))
            return None
        index = addresses.index(physical[0])
        address, path = physical[0], json_path("addresses", index)
        if _text(address.get("country")).casefold() not in BELGIUM:
            where.warn(
                json_path(path, "country"),
                _("The location is not in Belgium (country “%s”): it was left out.") % _short(address.get("country")),
            )
            return None
        postal_code = _text(address.get("postal_code"))
        if not POSTAL_CODE.fullmatch(postal_code):
            where.error(json_path(path, "postal_code"), _("“%s” is not a Belgian postal code.") % _short(postal_code))
            return None
        municipality = self._municipality_of_address(postal_code, _text(address.get("city")))
        if municipality is None:
            where.warn(
                json_path(path, "city"),
                _("No municipality matches postal code %(code)s and city “%(city)s”: the location was left out.")
                % {"code": postal_code, "city": _short(address.get("city"))},
            )
            return None
        street = ", ".join(part for part in (_text(address.get("address_1")), _text(address.get("address_2"))) if part)
        if not street:
            where.error(json_path(path, "address_1"), _("The address has no street."))
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            where.warn("latitude", _("Only one of latitude and longitude is given: both were left out."))
            latitude = longitude = None
        elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            where.error(
                "latitude",
                _("The coordinates %(lat)s, %(lon)s are not on earth.") % {"lat": latitude, "lon": longitude},
            )
        return {
            "name": _text(data.get("name")),
            "street": street,
            "postal_code": postal_code,
            "municipality": municipality,
            "latitude": float(latitude) if latitude is not None else None,
            "longitude": float(longitude) if longitude is not None else None,
            "opening_hours": "; ".join(filter(None, (_schedule_text(s) for s in data.get("schedules") or []))),
        }

    def _municipality_of_address(self, postal_code: str, city: str) -> Municipality | None:
        """The municipality with this postal code, told apart by the city when the code serves
        several; without a known code, the municipality named `city`."""
        candidates = self.postal_codes.get(postal_code, [])
        by_name = self.municipality_names.get(_key(city)) if city else None
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return by_name if by_name in candidates else None
        return by_name

    # -- services --------------------------------------------------------------------------------

    def _read_service(self, data: dict, where: _Where, *, parent_organisation: str | None) -> None:
        sid = canonical_uuid(data["id"])
        if sid in self.offers:
            where.error("id", _("This service appears more than once in the file."))
            return
        organisation_id = self._organisation_of_service(data, where, parent_organisation)
        values: dict[str, Any] = {
            "name": _text(data.get("name")),
            "description": _text(data.get("description")),
            "next_steps": _text(data.get("application_process")),
            "cost_note": _text(data.get("fees_description")),
            "is_active": data.get("status") == "active",
            "last_confirmed": self._date(data.get("assured_date"), where, "assured_date"),
        }
        if not values["name"]:
            where.error("name", _("The service has no name."))
        if not values["description"]:
            where.error("description", _("A Brugwijzer offer needs a description: the service has none."))
        values.update(self._ages(data, where))
        codes = self._codes(
            data.get("attributes") or [],
            where,
            "attributes",
            {TAXONOMY_LIFE_DOMAINS, TAXONOMY_ACCESS, TAXONOMY_CAPACITY, TAXONOMY_COST},
        )
        life_domains = self._life_domains(codes[TAXONOMY_LIFE_DOMAINS], where)
        fallbacks: set[str] = set()
        values.update(self._access(codes[TAXONOMY_ACCESS], where, fallbacks))
        values.update(self._capacity(codes[TAXONOMY_CAPACITY], data.get("wait_time"), where, fallbacks))
        values["cost"] = self._cost(codes[TAXONOMY_COST], data.get("cost_options") or [], where, fallbacks)
        self._validate(Offer, values, where, OFFER_PATHS, exclude=["organisation"])
        left_out = _left_out(data, SERVICE_FIELDS)
        if left_out:
            where.warn("", _("Brugwijzer has no place for these fields; they were left out: %s.") % ", ".join(left_out))
        plan = _Plan(
            sid,
            where,
            values,
            organisation_id=organisation_id,
            fallbacks=fallbacks,
            relations={
                "life_domains": life_domains,
                "languages": self._languages(data.get("languages") or [], where),
                "service_area": self._service_area(data.get("service_areas") or [], where),
            },
        )
        for index, link in enumerate(data.get("service_at_locations") or []):
            self._link_location(plan, link, where.at("service_at_locations", index))
        self.offers[sid] = plan

    def _organisation_of_service(self, data: dict, where: _Where, parent: str | None) -> str | None:
        nested = data.get("organization")
        given = canonical_uuid(data.get("organization_id"))
        if parent is not None:
            nested_id = canonical_uuid(nested.get("id")) if isinstance(nested, dict) else None
            for path, value in (("organization_id", given), ("organization.id", nested_id)):
                if value is not None and value != parent:
                    where.error(path, _("This differs from the organization the service is listed under."))
            return parent
        if isinstance(nested, dict):
            oid = self._read_organization(nested, where.at("organization", object_id=canonical_uuid(nested.get("id"))))
            if given is not None and oid is not None and given != oid:
                where.error("organization_id", _("This differs from organization.id."))
            return oid
        if given is not None:
            self.referenced_organisations.setdefault(given, where.at("organization_id"))
            return given
        where.error("organization", _("A service needs its organization: give organization or organization_id."))
        return None

    def _link_location(self, plan: _Plan, link: Any, where: _Where) -> None:
        if not isinstance(link, dict):
            return
        left_out = _left_out(link, SERVICE_AT_LOCATION_FIELDS)
        if left_out:
            where.warn("", _("Brugwijzer has no place for these fields; they were left out: %s.") % ", ".join(left_out))
        location = link.get("location")
        if isinstance(location, dict):
            lid = self._read_location(location, where.at("location"), plan.organisation_id)
            given = canonical_uuid(link.get("location_id"))
            if lid is not None and given is not None and given != lid:
                where.error("location_id", _("This differs from location.id."))
        else:
            lid = canonical_uuid(link.get("location_id"))
            if lid is None:
                where.warn("", _("This service_at_location names no location: it was left out."))
                return
            if lid not in self.locations:
                self.referenced_locations.setdefault(lid, []).append((plan, where.at("location_id")))
        if lid is not None and lid not in plan.location_ids:
            plan.location_ids.append(lid)

    def _check_references(self) -> None:
        """Locations named only by id, found in the file after the service that named them."""
        for lid, users in list(self.referenced_locations.items()):
            if lid in self.locations or lid in self.skipped_locations:
                del self.referenced_locations[lid]
                if lid in self.skipped_locations:
                    for plan, _where in users:
                        plan.location_ids.remove(lid)

    # -- mapping values --------------------------------------------------------------------------

    def _codes(self, attributes: list, where: _Where, path: str, wanted: set[str]) -> dict[str, list[tuple[str, str]]]:
        """{taxonomy: [(code, path)]} of the attributes in Brugwijzer's taxonomies; the others are
        named in one warning."""
        found: dict[str, list[tuple[str, str]]] = {taxonomy: [] for taxonomy in wanted}
        foreign: list[str] = []
        for index, attribute in enumerate(attributes):
            if not isinstance(attribute, dict):
                continue
            term = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else {}
            known = self.terms.get(canonical_uuid(attribute.get("taxonomy_term_id")) or canonical_uuid(term.get("id")))
            if known is not None:
                taxonomy, code = known.taxonomy, known.code
            else:
                detail = term.get("taxonomy_detail") if isinstance(term.get("taxonomy_detail"), dict) else {}
                taxonomy = (
                    self.taxonomies.get(canonical_uuid(term.get("taxonomy_id")))
                    or _text(term.get("taxonomy"))
                    or _text(detail.get("name"))
                )
                code = _text(term.get("code"))
            if taxonomy in wanted:
                found[taxonomy].append((code, json_path(path, index, "taxonomy_term", "code")))
            else:
                label = taxonomy or _text(term.get("name")) or _text(attribute.get("taxonomy_term_id")) or "?"
                if label not in foreign:
                    foreign.append(label)
        if foreign:
            where.warn(
                path,
                _("Attributes of taxonomies Brugwijzer does not use were left out: %s.")
                % ", ".join(_short(label, 60) for label in foreign),
            )
        return found

    def _life_domains(self, codes: list[tuple[str, str]], where: _Where) -> list[LifeDomain]:
        domains = []
        for code, path in codes:
            if code in self.life_domains:
                if self.life_domains[code] not in domains:
                    domains.append(self.life_domains[code])
            else:
                where.warn(path, _("Unknown life domain “%s”: it was left out.") % _short(code))
        if not domains:
            where.error(
                "attributes",
                _(
                    "A Brugwijzer offer needs at least one life domain (an attribute with a term of taxonomy "
                    "%(taxonomy)s; codes: %(codes)s)."
                )
                % {"taxonomy": TAXONOMY_LIFE_DOMAINS, "codes": ", ".join(sorted(self.life_domains))},
            )
        return domains

    def _access(self, codes: list[tuple[str, str]], where: _Where, fallbacks: set[str]) -> dict[str, bool]:
        by_code = {code: field_name for field_name, (code, *_rest) in ACCESS_TERMS.items()}
        values = dict.fromkeys(ACCESS_FIELDS, False)
        for code, path in codes:
            if code in by_code:
                values[by_code[code]] = True
            else:
                where.warn(path, _("Unknown access mode “%s”: it was left out.") % _short(code))
        if not any(values.values()):
            values["access_appointment"] = True
            fallbacks.update(ACCESS_FIELDS)
            where.warn(
                "attributes",
                _(
                    "No access mode (taxonomy %s): a new offer is recorded as “appointment”, the way in that "
                    "always works; an existing one keeps its access modes."
                )
                % TAXONOMY_ACCESS,
            )
        return values

    def _one(self, codes: list[tuple[str, str]], terms: dict, where: _Where, what: str) -> str | None:
        """The one value of a single-valued taxonomy (capacity, cost) among `codes`."""
        by_code = {code: value for value, (code, *_rest) in terms.items()}
        known = []
        for code, path in codes:
            if code in by_code:
                known.append(by_code[code])
            else:
                where.warn(
                    path, _("Unknown %(what)s “%(code)s”: it was left out.") % {"what": what, "code": _short(code)}
                )
        if len(set(known)) > 1:
            where.error("attributes", _("The service has more than one %s.") % what)
        return known[0] if known else None

    def _capacity(
        self, codes: list[tuple[str, str]], wait_time: Any, where: _Where, fallbacks: set[str]
    ) -> dict[str, Any]:
        capacity = self._one(codes, CAPACITY_TERMS, where, _("capacity"))
        weeks = None
        if _text(wait_time):
            match = WAIT_WEEKS.fullmatch(_text(wait_time))
            if match:
                weeks = int(match.group(1) or match.group(2))
            else:
                where.warn(
                    "wait_time",
                    _("“%s” is not a number of weeks: the waiting time was left out.") % _short(wait_time),
                )
        if capacity is None:
            if weeks is not None:
                capacity = Capacity.WAITING_LIST
            else:
                capacity = Capacity.OPEN
                fallbacks.update(("capacity", "waiting_weeks"))
                where.warn(
                    "attributes",
                    _(
                        "No capacity (taxonomy %s): a new offer is recorded as “open”, "
                        "an existing one keeps its capacity."
                    )
                    % TAXONOMY_CAPACITY,
                )
        if capacity != Capacity.WAITING_LIST and weeks is not None:
            where.warn("wait_time", _("A waiting time only applies to a waiting list: it was left out."))
            weeks = None
        return {"capacity": capacity, "waiting_weeks": weeks}

    def _cost(self, codes: list[tuple[str, str]], options: list, where: _Where, fallbacks: set[str]) -> str:
        cost = self._one(codes, COST_TERMS, where, _("cost"))
        if cost is not None:
            return cost
        amounts = [o["amount"] for o in options if isinstance(o, dict) and isinstance(o.get("amount"), int | float)]
        if amounts and all(amount == 0 for amount in amounts):
            return Cost.FREE
        where.warn(
            "attributes",
            _(
                "No cost (taxonomy %s) and no cost_options that say it is free: a new offer is recorded as “paid”, "
                "an existing one keeps its cost."
            )
            % TAXONOMY_COST,
        )
        fallbacks.add("cost")
        return Cost.PAID

    def _ages(self, data: dict, where: _Where) -> dict[str, int | None]:
        ages: dict[str, int | None] = {}
        for key, field_name in (("minimum_age", "age_min"), ("maximum_age", "age_max")):
            value = data.get(key)
            if value is None:
                ages[field_name] = None
            elif isinstance(value, bool) or not math.isfinite(value) or value < 0 or value != int(value):
                where.warn(key, _("“%s” is not an age in whole years: it was left out.") % _short(value))
                ages[field_name] = None
            else:
                ages[field_name] = min(int(value), 32767)
        if ages["age_min"] is not None and ages["age_max"] is not None and ages["age_min"] > ages["age_max"]:
            where.error("minimum_age", _("The minimum age is above the maximum age."))
        return ages

    def _date(self, value: Any, where: _Where, path: str) -> date | None:
        if not _text(value):
            return None
        try:
            return date.fromisoformat(_text(value)[:10])
        except ValueError:
            where.warn(path, _("“%s” is not a date: it was left out.") % _short(value))
            return None

    def _languages(self, items: list, where: _Where) -> list[Language]:
        found: list[Language] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            code = _text(item.get("code")).lower().split("-")[0]
            language = self.languages.get(LANGUAGE_CODES_3.get(code, code)) or self.language_names.get(
                _key(_text(item.get("name")))
            )
            if language is None:
                where.warn(
                    json_path("languages", index),
                    _("Language “%s” is not in Brugwijzer's list: it was left out.")
                    % _short(item.get("name") or item.get("code")),
                )
            elif language not in found:
                found.append(language)
        return found

    def _service_area(self, items: list, where: _Where) -> list[Municipality]:
        found: list[Municipality] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            match = MUNICIPALITY_URI_PATTERN.fullmatch(_text(item.get("uri")))
            municipality = self.municipalities.get(match.group(1)) if match else None
            if municipality is None:
                municipality = self.municipality_names.get(_key(_text(item.get("name"))))
            if municipality is None:
                where.warn(
                    json_path("service_areas", index),
                    _("Service area “%s” is not a municipality Brugwijzer knows: it was left out.")
                    % _short(item.get("name") or item.get("uri")),
                )
            elif municipality not in found:
                found.append(municipality)
        return found

    def _validate(self, model: type[models.Model], values: dict, where: _Where, paths: dict, exclude: list) -> None:
        """Brugwijzer's own field rules (lengths, URL and e-mail formats, KBO, choices)."""
        instance = model(**{k: v for k, v in values.items() if k not in exclude})
        try:
            instance.clean_fields(
                exclude=[f.name for f in model._meta.fields if f.name not in values or f.name in exclude]
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                path = json_path(where.prefix, paths.get(name, name))
                if any(p.record_id == where.record_id and p.path == path for p in self.report.errors):
                    continue  # already said in Brugwijzer's own words
                for message in messages:
                    where.error(paths.get(name, name), message)

    def _add_plan(self, plans: dict[str, _Plan], plan: _Plan, what: str) -> str:
        """Add a plan, or check it says the same as the plan already read for that id. A field one
        of them only filled for want of data (a fallback) takes the other's value."""
        earlier = plans.get(plan.hsds_id)
        if earlier is None:
            plans[plan.hsds_id] = plan
            return plan.hsds_id
        for name in plan.fallbacks - earlier.fallbacks:
            plan.values[name] = earlier.values[name]
        for name in earlier.fallbacks - plan.fallbacks:
            earlier.values[name] = plan.values[name]
        earlier.fallbacks &= plan.fallbacks
        if earlier.values == plan.values and earlier.organisation_id != plan.organisation_id:
            plan.where.error(
                "id",
                _("Services of two different organizations use this %(what)s; Brugwijzer keeps one per organisation.")
                % {"what": what},
            )
        elif earlier.values != plan.values:
            plan.where.error(
                "id",
                _("This %(what)s appears more than once in the file, with different data (first in record %(first)s).")
                % {"what": what, "first": earlier.where.record_id},
            )
        return plan.hsds_id

    # -- matching Brugwijzer's records -----------------------------------------------------------

    def resolve(self) -> None:
        self._resolve_organisations()
        self._resolve_locations()
        self._resolve_offers()

    def _resolve_organisations(self) -> None:
        index = hsds_index(Organisation.objects.all())
        wanted = {index[oid] for oid in [*self.organisations, *self.referenced_organisations] if oid in index}
        kbo_numbers = {p.values["kbo_number"] for p in self.organisations.values() if p.values["kbo_number"]}
        existing = Organisation.objects.select_related("kind").in_bulk(wanted)
        by_kbo = {
            o.kbo_number: o for o in Organisation.objects.select_related("kind").filter(kbo_number__in=kbo_numbers)
        }
        self.organisation_pks = {oid: index[oid] for oid in self.referenced_organisations if oid in index}
        seen_kbo: dict[str, _Plan] = {}
        for oid, plan in self.organisations.items():
            kbo = plan.values["kbo_number"]
            if kbo and kbo in seen_kbo:
                plan.where.error(
                    "organization_identifiers",
                    _("Two organizations in the file have KBO number %(kbo)s (the other is %(other)s).")
                    % {"kbo": kbo, "other": seen_kbo[kbo].hsds_id},
                )
            if kbo:
                seen_kbo.setdefault(kbo, plan)
            plan.existing = existing.get(index.get(oid))
            other = by_kbo.get(kbo)
            if plan.existing is None and other is not None:
                if other.external_id and hsds_id(other) != oid:
                    plan.where.error(
                        "organization_identifiers",
                        _("KBO number %(kbo)s belongs to “%(name)s” in Brugwijzer, which has another HSDS id.")
                        % {"kbo": kbo, "name": other.name},
                    )
                plan.existing = other
            elif plan.existing is not None and other is not None and other.pk != plan.existing.pk:
                plan.where.error(
                    "organization_identifiers",
                    _("KBO number %(kbo)s belongs to another organisation in Brugwijzer: “%(name)s”.")
                    % {"kbo": kbo, "name": other.name},
                )
            if plan.existing is not None:
                self.organisation_pks[oid] = plan.existing.pk
        for oid, where in self.referenced_organisations.items():
            if oid not in self.organisations and oid not in index:
                where.error(
                    "",
                    _("Organization %s is neither in the file nor in Brugwijzer: include the organization.") % oid,
                )

    def _resolve_locations(self) -> None:
        index = hsds_index(Location.objects.all())
        wanted = [index[lid] for lid in [*self.locations, *self.referenced_locations] if lid in index]
        existing = Location.objects.select_related("municipality", "organisation").in_bulk(wanted)
        self.location_pks: dict[str, int] = {}
        for lid, plan in self.locations.items():
            plan.existing = existing.get(index.get(lid))
            if plan.existing is not None:
                if plan.existing.organisation_id != self.organisation_pks.get(plan.organisation_id):
                    plan.where.error(
                        "id",
                        _("This location belongs to another organisation in Brugwijzer: “%s”.")
                        % plan.existing.organisation.name,
                    )
                self.location_pks[lid] = plan.existing.pk
        for lid, users in self.referenced_locations.items():
            location = existing.get(index.get(lid))
            for plan, where in users:
                if location is None:
                    where.warn("", _("Location %s is neither in the file nor in Brugwijzer: it was left out.") % lid)
                    plan.location_ids.remove(lid)
                elif location.organisation_id != self.organisation_pks.get(plan.organisation_id):
                    where.error("", _("Location %s belongs to another organisation in Brugwijzer.") % lid)
                else:
                    self.location_pks[lid] = location.pk

    def _resolve_offers(self) -> None:
        index = hsds_index(Offer.objects.all())
        existing = (
            Offer.objects.select_related("organisation")
            .prefetch_related("life_domains", "languages", "service_area", "locations")
            .in_bulk([index[sid] for sid in self.offers if sid in index])
        )
        for sid, plan in self.offers.items():
            plan.existing = existing.get(index.get(sid))
            for lid in plan.location_ids:
                location = self.locations.get(lid)
                if location is not None and location.organisation_id != plan.organisation_id:
                    plan.where.error(
                        "service_at_locations",
                        _("Location %s belongs to another organization than this service's.") % lid,
                    )
            if plan.existing is not None and plan.existing.organisation_id != self.organisation_pks.get(
                plan.organisation_id
            ):
                plan.where.error(
                    "organization",
                    _("In Brugwijzer this service belongs to another organisation: “%s”.")
                    % plan.existing.organisation.name,
                )

    # -- what would change -----------------------------------------------------------------------

    def compare(self) -> None:
        for kind, plans, describe in (
            ("organization", self.organisations, self._describe_organisation),
            ("location", self.locations, self._describe_location),
            ("service", self.offers, self._describe_offer),
        ):
            for plan in plans.values():
                if plan.existing is not None:
                    for name in plan.fallbacks:
                        plan.values[name] = getattr(plan.existing, name)
                before = self._current(plan) if plan.existing is not None else {}
                after = self._planned(plan)
                plan.changes = diff(before, after)
                if plan.existing is None:
                    plan.action = "create"
                    self.report.created[kind] += 1
                    self.report.changes.append(describe(plan, None))
                elif plan.changes:
                    plan.action = "update"
                    self.report.updated[kind] += 1
                    self.report.changes.append(describe(plan, _change_list(plans_model(kind), plan.changes)))
                else:
                    plan.action = "keep"
                    self.report.unchanged[kind] += 1
                if plan.action != "keep":
                    self.report.planned.append((kind, plan.hsds_id, plan.action, sorted(plan.changes.items())))

    def _current(self, plan: _Plan) -> dict[str, Any]:
        obj = plan.existing
        data = {name: getattr(obj, name) for name in plan.values}
        if isinstance(obj, Offer):
            for name in plan.relations:
                data[name] = sorted(str(item) for item in getattr(obj, name).all())
            data["locations"] = sorted(str(location) for location in obj.locations.all())
        return data

    def _planned(self, plan: _Plan) -> dict[str, Any]:
        data = dict(plan.values)
        if plan.relations:
            for name, items in plan.relations.items():
                data[name] = sorted(str(item) for item in items)
            data["locations"] = sorted(self._location_label(lid) for lid in plan.location_ids)
        return data

    def _location_label(self, lid: str) -> str:
        plan = self.locations.get(lid)
        if plan is None:
            return str(Location.objects.select_related("municipality").get(pk=self.location_pks[lid]))
        values = plan.values
        return values["name"] or f"{values['street']}, {values['postal_code']} {values['municipality']}"

    def _organisation_name(self, oid: str | None) -> str:
        plan = self.organisations.get(oid)
        if plan is not None:
            return plan.values["name"]
        organisation = Organisation.objects.filter(pk=self.organisation_pks.get(oid)).first()
        return organisation.name if organisation else ""

    def _describe_organisation(self, plan: _Plan, changes: str | None) -> str:
        if changes is None:
            return _("New organisation “%(name)s” (verified, because it comes from a trusted directory).") % {
                "name": plan.values["name"]
            }
        return _("Organisation “%(name)s”: %(changes)s.") % {"name": plan.existing.name, "changes": changes}

    def _describe_location(self, plan: _Plan, changes: str | None) -> str:
        names = {
            "location": self._location_label(plan.hsds_id),
            "organisation": self._organisation_name(plan.organisation_id),
        }
        if changes is None:
            return _("New location “%(location)s” of “%(organisation)s”.") % names
        return _("Location “%(location)s” of “%(organisation)s”: %(changes)s.") % {**names, "changes": changes}

    def _describe_offer(self, plan: _Plan, changes: str | None) -> str:
        names = {"offer": plan.values["name"], "organisation": self._organisation_name(plan.organisation_id)}
        if changes is None:
            return _("New offer “%(offer)s” of “%(organisation)s”.") % names
        return _("Offer “%(offer)s” of “%(organisation)s”: %(changes)s.") % {**names, "changes": changes}

    # -- writing ---------------------------------------------------------------------------------

    @transaction.atomic
    def write(self) -> None:
        now = timezone.now()
        for oid, plan in self.organisations.items():
            organisation = self._save(plan, Organisation, extra={"verified_at": now, "verified_by": None})
            self.organisation_pks[oid] = organisation.pk
        for lid, plan in self.locations.items():
            location = self._save(
                plan, Location, extra={"organisation_id": self.organisation_pks[plan.organisation_id]}
            )
            self.location_pks[lid] = location.pk
        for plan in self.offers.values():
            offer = self._save(plan, Offer, extra={"organisation_id": self.organisation_pks[plan.organisation_id]})
            if plan.action != "keep":
                offer.life_domains.set(plan.relations["life_domains"])
                offer.languages.set(plan.relations["languages"])
                offer.service_area.set(plan.relations["service_area"])
                offer.locations.set([self.location_pks[lid] for lid in plan.location_ids])

    def _save(self, plan: _Plan, model: type[models.Model], *, extra: dict) -> models.Model:
        if plan.action == "create":
            obj = model(**plan.values, external_id=plan.hsds_id)
            if model is Organisation:
                for name, value in extra.items():
                    setattr(obj, name, value)
            else:
                obj.organisation_id = extra["organisation_id"]
            obj.save()
            record(actor=self.by, action=AuditEvent.Action.CREATE, obj=obj, changes=plan.changes)
            return obj
        obj = plan.existing
        fields = []
        if not obj.external_id:
            obj.external_id = plan.hsds_id  # an own record, matched on its derived id (or KBO number)
            fields.append("external_id")
        if plan.action == "update":
            for name, value in plan.values.items():
                setattr(obj, name, value)
            fields += [name for name in plan.values if name in plan.changes]
            if any(f.name == "updated_at" for f in model._meta.fields):
                fields.append("updated_at")  # also when only relations changed: modified_after sees it
        if fields:
            obj.save(update_fields=fields)
        if plan.action == "update":
            record(actor=self.by, action=AuditEvent.Action.UPDATE, obj=obj, changes=plan.changes)
        return obj

    def finish(self, *, succeeded: bool) -> HsdsReport:
        report = self.report
        report.ok = succeeded and not report.errors
        if not report.ok:
            report.created, report.updated, report.unchanged = (dict.fromkeys(KINDS, 0) for _i in range(3))
            report.changes, report.planned = [], []
        return report


ORGANISATION_PATHS = {
    "name": "name",
    "description": "description",
    "email": "email",
    "website": "website",
    "phone": "phones[0].number",
    "kbo_number": "organization_identifiers",
}
LOCATION_PATHS = {
    "name": "name",
    "street": "addresses[0].address_1",
    "postal_code": "addresses[0].postal_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "opening_hours": "schedules",
}
OFFER_PATHS = {
    "name": "name",
    "description": "description",
    "next_steps": "application_process",
    "cost_note": "fees_description",
    "age_min": "minimum_age",
    "age_max": "maximum_age",
    "waiting_weeks": "wait_time",
}


def plans_model(kind: str) -> type[models.Model]:
    return {"organization": Organisation, "location": Location, "service": Offer}[kind]


def _change_list(model: type[models.Model], changes: dict[str, list]) -> str:
    """ "name: “old” → “new”; languages: … → …" for a preview."""

    def shown(value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return ", ".join(_short(item, 40) for item in value)
        return f"“{_short(value, 60)}”"

    parts = []
    for name, (old, new) in changes.items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 — a name that is no model field is shown as it is
            label = name
        parts.append(f"{label}: {shown(old)} → {shown(new)}")
    return "; ".join(parts)


def _schedule_text(schedule: Any) -> str:
    """A schedule as the free text Brugwijzer keeps: its description, else its days and hours."""
    if not isinstance(schedule, dict):
        return ""
    if _text(schedule.get("description")):
        return _text(schedule["description"])
    days = [WEEKDAYS.get(day.strip()[-2:].upper(), "") for day in _text(schedule.get("byday")).split(",")]
    opens, closes = _text(schedule.get("opens_at"))[:5], _text(schedule.get("closes_at"))[:5]
    hours = f"{opens}–{closes}" if opens and closes else opens or closes
    return " ".join(part for part in (", ".join(filter(None, days)), hours) if part)


def _record_kind(item: dict) -> str:
    """ "service", "organization", or why the record is neither (a message for the report)."""
    if any(key in item for key in SERVICE_ONLY_FIELDS):
        return "service"
    if "services" in item or any(
        key in item
        for key in ("organization_identifiers", "website", "tax_status", "tax_id", "year_incorporated", "legal_status")
    ):
        return "organization"
    if "location_type" in item or "addresses" in item:
        what = _("an HSDS location")
    elif "location" in item and "service" in item:
        what = _("an HSDS service_at_location")
    elif "openapi_url" in item or "profile" in item:
        what = _("HSDS metadata")
    elif any(key in item for key in ("taxonomy", "taxonomy_detail", "code", "term_uri", "parent_id")):
        what = _("an HSDS taxonomy term")
    elif "version" in item or "uri" in item:
        what = _("an HSDS taxonomy")
    elif any(key.endswith(".csv") for key in item):
        what = _("tabular HSDS (CSV tables)")
    else:
        what = _("no HSDS service or organization")
    return _(
        "This record is %(what)s. The import reads HSDS services (with a status) and organizations "
        "(with their services)."
    ) % {"what": what}


def import_services(
    payload: object, *, dry_run: bool = False, by=None, check: Callable[[HsdsReport], None] | None = None
) -> HsdsReport:
    """Create or update organisations, locations and offers from HSDS: a JSON array of services,
    or of organizations with nested services (a single record, or a page of an HSDS API, too).

    All or nothing: every record is checked before anything is written, and any error means
    nothing is. Records are matched on their HSDS id, so importing the same file twice changes
    nothing the second time. New organisations are verified (imports come from a trusted
    directory, through a moderator). `by` is who imports, for the audit log (None from the
    command line). With `dry_run` the report says what would change, and nothing is written.
    `check(report)` sees what would change right before it is written, in the same transaction,
    and may raise to refuse it (a preview's fingerprint that no longer matches).
    """
    importer = _Importer(by=by)
    importer.read(payload)
    if importer.report.errors:
        return importer.finish(succeeded=False)
    importer.resolve()
    if importer.report.errors:
        return importer.finish(succeeded=False)
    importer.compare()
    if dry_run:
        return importer.finish(succeeded=True)
    if check is not None:
        check(importer.report)
    try:
        importer.write()
    except DatabaseError as error:
        # Someone changed the same records at the same moment (a unique or check constraint).
        importer.report.errors.append(
            HsdsProblem("", "", _("The database refused the import: %(error)s") % {"error": error})
        )
        return importer.finish(succeeded=False)
    return importer.finish(succeeded=True)
