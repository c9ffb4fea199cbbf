"""The demo region: a fictionalised Waasland to try Brugwijzer out with.

The municipalities, streets and postal codes are real; the schools, organisations, people and
numbers are invented (institution numbers start with 99, KBO numbers with 00, phone numbers
use the unallocated 000 block, every address ends in example.be).

Loading is idempotent. Every row is found again by a natural key and only saved when a field
differs, so a second run writes nothing. Dates (verification, last confirmation, start and
review dates) are set relative to the day a row is first created and never moved afterwards:
otherwise a run on the next day would rewrite every one of them.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from bridge.models import (
    CLB,
    Actor,
    Barrier,
    BridgeFigure,
    CLBSchool,
    Collaboration,
    CollaborationCondition,
    CollaborationRole,
    ConditionKind,
    LearningEntry,
    MatchRequest,
)
from families.models import FamilyNeed, LifeDomain
from portal.models import Language, Membership, MembershipRole, MembershipStatus, Municipality, User
from portal.validators import kbo_is_valid
from schools.models import School
from welfare.models import Location, Offer, Organisation, OrganisationKind

SINT_NIKLAAS, TEMSE, BEVEREN, STEKENE, SINT_GILLIS_WAAS, LOKEREN = (
    "46021",
    "46025",
    "46030",
    "46024",
    "46020",
    "46029",
)
REGION = (SINT_NIKLAAS, TEMSE, BEVEREN, STEKENE, SINT_GILLIS_WAAS, LOKEREN)

# The seat of each municipality (for Beveren-Kruibeke-Zwijndrecht: Beveren).
MUNICIPALITY_CENTRES = {
    SINT_NIKLAAS: (51.1652, 4.1435),
    TEMSE: (51.1250, 4.2120),
    BEVEREN: (51.2122, 4.2560),
    STEKENE: (51.2100, 4.0365),
    SINT_GILLIS_WAAS: (51.2215, 4.1240),
    LOKEREN: (51.1040, 3.9915),
}


# --- schools -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolSpec:
    number: str
    name: str
    network: str
    levels: str  # k = kleuter, l = lager, b = buitengewoon
    street: str
    postal_code: str
    nis: str
    latitude: float
    longitude: float


SCHOOLS = [
    SchoolSpec("990101", "Stedelijke Basisschool De Vlinder", "OVSG", "kl", "Prins Boudewijnlaan 62", "9100",
               SINT_NIKLAAS, 51.1598, 4.1502),
    SchoolSpec("990102", "GO! Basisschool Het Klavertje", "GO", "kl", "Kazernestraat 30", "9100",
               SINT_NIKLAAS, 51.1686, 4.1382),
    SchoolSpec("990103", "Vrije Basisschool De Zonnebloem", "KOV", "kl", "Mercatorstraat 110", "9100",
               SINT_NIKLAAS, 51.1712, 4.1446),
    SchoolSpec("990104", "Vrije Basisschool De Wilgenhoek", "KOV", "kl", "Belseledorp 70", "9111",
               SINT_NIKLAAS, 51.1496, 4.0903),
    SchoolSpec("990105", "Stedelijke Basisschool De Boomgaard", "OVSG", "kl", "Sinaaidorp 40", "9112",
               SINT_NIKLAAS, 51.1574, 4.0428),
    SchoolSpec("990106", "Provinciale School voor Buitengewoon Basisonderwijs De Horizon", "POV", "b",
               "Parklaan 160", "9100", SINT_NIKLAAS, 51.1604, 4.1383),
    SchoolSpec("990107", "Gemeentelijke Basisschool De Wegwijzer", "OVSG", "kl", "Krijgsbaan 80", "9140",
               TEMSE, 51.1212, 4.2143),
    SchoolSpec("990108", "Vrije Basisschool De Scheldeparel", "KOV", "kl", "Kasteelstraat 20", "9140",
               TEMSE, 51.1263, 4.2151),
    SchoolSpec("990109", "GO! Basisschool De Polderster", "GO", "kl", "Oude Zandstraat 60", "9120",
               BEVEREN, 51.2101, 4.2558),
    SchoolSpec("990110", "Vrije Basisschool Het Kapelleke", "KOV", "kl", "Gaverlandstraat 30", "9120",
               BEVEREN, 51.2214, 4.2829),
    SchoolSpec("990111", "Gemeentelijke Basisschool De Polderknop", "OVSG", "kl", "Dorpsstraat 25", "9130",
               BEVEREN, 51.2903, 4.1762),
    SchoolSpec("990112", "Gemeentelijke Basisschool Het Molenhuis", "OVSG", "kl", "Bazelstraat 80", "9150",
               BEVEREN, 51.1652, 4.3058),
    SchoolSpec("990113", "Vrije Basisschool De Kleine Wereld", "KOV", "kl", "Kerkstraat 10", "2070",
               BEVEREN, 51.2146, 4.3302),
    SchoolSpec("990114", "Gemeentelijke Basisschool De Bontekoe", "OVSG", "kl", "Stationsstraat 40", "9190",
               STEKENE, 51.2071, 4.0392),
    SchoolSpec("990115", "Vrije Basisschool De Molenwiek", "KOV", "kl", "Kerkstraat 60", "9190",
               STEKENE, 51.2106, 4.0349),
    SchoolSpec("990116", "GO! Basisschool De Sleutel", "GO", "kl", "Stationsstraat 50", "9170",
               SINT_GILLIS_WAAS, 51.2204, 4.1262),
    SchoolSpec("990117", "Vrije Basisschool De Polderbloem", "KOV", "kl", "Meerdonkdorp 15", "9170",
               SINT_GILLIS_WAAS, 51.2668, 4.1398),
    SchoolSpec("990118", "Stedelijke Basisschool De Durme", "OVSG", "kl", "Durmelaan 20", "9160",
               LOKEREN, 51.1041, 3.9878),
    SchoolSpec("990119", "Vrije Basisschool De Linde", "KOV", "kl", "Roomstraat 30", "9160",
               LOKEREN, 51.1062, 3.9931),
    SchoolSpec("990120", "Provinciale Basisschool Het Veldhuis", "POV", "l", "Zelebaan 100", "9160",
               LOKEREN, 51.0972, 4.0031),
]  # fmt: skip


# --- organisations and their locations ----------------------------------------------------------

OFFICE_HOURS = "Ma–vr 9–12 u., ma en do ook 13.30–16.30 u. Buiten die uren op afspraak."
WALK_IN_HOURS = "Vrije inloop di en do 9–12 u.; andere dagen op afspraak."
AFTERNOON_HOURS = "Ma, di, do 15.30–18 u.; wo 13–17 u. Gesloten in de schoolvakanties."
FAMILY_HOURS = "Ma, wo en vr 9–12 u.; wo ook 13.30–16 u. Kinderen zijn welkom."
EVENING_HOURS = "Di en do 9–12 u.; ontmoetingsavond op vr 18–21 u."
HEALTH_HOURS = "Ma–vr 8–12 u. en 14–19 u., za 9–11 u. Consultaties op afspraak."
SEASON_HOURS = "Tijdens de zomervakantie ma–vr 9–17 u.; voor- en naopvang vanaf 7.30 u. en tot 18 u."


@dataclass(frozen=True)
class LocationSpec:
    name: str
    street: str
    postal_code: str
    nis: str
    latitude: float
    longitude: float
    opening_hours: str = OFFICE_HOURS


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    kind: str
    name: str
    description: str
    locations: tuple[LocationSpec, ...]
    kbo: bool = False
    verified: bool = True


ORGANISATIONS = [
    OrganisationSpec(
        "sociaal-huis-sint-niklaas", "ocmw", "Sociaal Huis Sint-Niklaas",
        "Het Sociaal Huis bundelt de sociale dienstverlening van stad en OCMW: leefloon, budgetbegeleiding, "
        "hulp bij schoolkosten en energie. Eén loket voor elke vraag over rondkomen.",
        (
            LocationSpec("Sociaal Huis", "Hospitaalstraat 11", "9100", SINT_NIKLAAS, 51.1636, 4.1396),
            LocationSpec("Antenne Belsele", "Belseledorp 50", "9111", SINT_NIKLAAS, 51.1491, 4.0916, WALK_IN_HOURS),
        ),
        kbo=True,
    ),
    OrganisationSpec(
        "sociaal-huis-temse", "ocmw", "Sociaal Huis Temse",
        "Sociale dienst van de gemeente Temse: financiële hulp, woonbegeleiding en een sociale kruidenier.",
        (LocationSpec("Sociaal Huis", "Kouter 10", "9140", TEMSE, 51.1246, 4.2118),),
        kbo=True,
    ),
    OrganisationSpec(
        "sociaal-huis-beveren-kruibeke-zwijndrecht", "ocmw", "Sociaal Huis Beveren-Kruibeke-Zwijndrecht",
        "Sinds de fusie van 2025 één Sociaal Huis voor Beveren, Kruibeke en Zwijndrecht, met een onthaal in "
        "Beveren en een antenne in Zwijndrecht.",
        (
            LocationSpec("Sociaal Huis Beveren", "Oude Zandstraat 80", "9120", BEVEREN, 51.2106, 4.2545),
            LocationSpec("Antenne Zwijndrecht", "Binnenplein 5", "2070", BEVEREN, 51.2149, 4.3294, WALK_IN_HOURS),
        ),
        kbo=True,
    ),
    OrganisationSpec(
        "sociaal-huis-stekene", "ocmw", "Sociaal Huis Stekene",
        "Sociale dienst van Stekene voor inwoners met vragen over inkomen, wonen, vervoer en premies.",
        (LocationSpec("Sociaal Huis", "Stationsstraat 20", "9190", STEKENE, 51.2086, 4.0376),),
    ),
    OrganisationSpec(
        "sociaal-huis-sint-gillis-waas", "ocmw", "Sociaal Huis Sint-Gillis-Waas",
        "Sociale dienst van Sint-Gillis-Waas, ook voor de deelgemeenten De Klinge, Meerdonk en Sint-Pauwels.",
        (LocationSpec("Sociaal Huis", "Kerkstraat 20", "9170", SINT_GILLIS_WAAS, 51.2221, 4.1236),),
    ),
    OrganisationSpec(
        "sociaal-huis-lokeren", "ocmw", "Sociaal Huis Lokeren",
        "Sociale dienst van Lokeren en Moerbeke: leefloon, tewerkstelling, woonloket en de brugfiguren in de "
        "basisscholen.",
        (LocationSpec("Sociaal Huis", "Groentemarkt 5", "9160", LOKEREN, 51.1046, 3.9906),),
        kbo=True,
    ),
    OrganisationSpec(
        "caw-onthaal-sint-niklaas", "caw", "CAW Oost-Vlaanderen – onthaal Sint-Niklaas",
        "Het Centrum Algemeen Welzijnswerk helpt iedereen met vragen over welzijn, relaties, geweld, wonen, "
        "geld en rechten. Anoniem als je wil, en gratis.",
        (
            LocationSpec("Onthaal Sint-Niklaas", "Stationsstraat 90", "9100", SINT_NIKLAAS, 51.1661, 4.1452,
                         WALK_IN_HOURS),
            LocationSpec("Onthaal Lokeren", "Roomstraat 12", "9160", LOKEREN, 51.1056, 3.9924, WALK_IN_HOURS),
        ),
        kbo=True,
    ),
    OrganisationSpec(
        "caw-onthaal-beveren", "caw", "CAW Oost-Vlaanderen – onthaal Beveren",
        "Onthaal van het CAW voor Beveren, Kruibeke, Zwijndrecht en Sint-Gillis-Waas.",
        (LocationSpec("Onthaal Beveren", "Gravenplein 10", "9120", BEVEREN, 51.2117, 4.2566, WALK_IN_HOURS),),
    ),
    OrganisationSpec(
        "huis-van-het-kind-sint-niklaas", "huis-van-het-kind", "Huis van het Kind Sint-Niklaas",
        "Netwerk van partners rond gezinnen met kinderen: opvoedingswinkel, spelotheek, babytheek en "
        "ontmoetingsplekken voor ouders.",
        (
            LocationSpec("Huis van het Kind centrum", "Ankerstraat 30", "9100", SINT_NIKLAAS, 51.1671, 4.1411,
                         FAMILY_HOURS),
            LocationSpec("Ontmoetingsplek Dalstraat", "Dalstraat 40", "9100", SINT_NIKLAAS, 51.1601, 4.1361,
                         FAMILY_HOURS),
        ),
    ),
    OrganisationSpec(
        "huis-van-het-kind-temse", "huis-van-het-kind", "Huis van het Kind Temse",
        "Vragen over opgroeien, opvoeden en kinderopvang in Temse, Tielrode en Steendorp.",
        (LocationSpec("Huis van het Kind", "Kasteelstraat 5", "9140", TEMSE, 51.1257, 4.2134, FAMILY_HOURS),),
    ),
    OrganisationSpec(
        "huis-van-het-kind-beveren-kruibeke-zwijndrecht", "huis-van-het-kind",
        "Huis van het Kind Beveren-Kruibeke-Zwijndrecht",
        "Ontmoeting, opvoedingsondersteuning en kinderopvanginfo voor gezinnen in de fusiegemeente.",
        (
            LocationSpec("Huis van het Kind Beveren", "Yzerhand 20", "9120", BEVEREN, 51.2131, 4.2521, FAMILY_HOURS),
            LocationSpec("Huis van het Kind Kruibeke", "Bazelstraat 10", "9150", BEVEREN, 51.1688, 4.3084,
                         FAMILY_HOURS),
        ),
    ),
    OrganisationSpec(
        "huis-van-het-kind-lokeren", "huis-van-het-kind", "Huis van het Kind Lokeren",
        "Huis van het Kind voor Lokeren en Moerbeke, met aandacht voor kleuterparticipatie en gezondheid.",
        (LocationSpec("Huis van het Kind", "Markt 20", "9160", LOKEREN, 51.1037, 3.9913, FAMILY_HOURS),),
    ),
    OrganisationSpec(
        "ckg-de-klaproos", "ckg", "CKG De Klaproos",
        "Centrum voor Kinderzorg en Gezinsondersteuning: dagopvang, crisisopvang en begeleiding aan huis voor "
        "gezinnen met kinderen tot twaalf jaar.",
        (LocationSpec("CKG De Klaproos", "Prins Boudewijnlaan 100", "9100", SINT_NIKLAAS, 51.1586, 4.1521),),
        kbo=True,
    ),
    OrganisationSpec(
        "samenlevingsopbouw-waasland", "samenlevingsopbouw", "Samenlevingsopbouw Waasland",
        "Werkt samen met mensen in armoede aan structurele oplossingen: betaalbaar wonen, toegankelijk "
        "onderwijs en de brug tussen ouders en school.",
        (LocationSpec("Regiokantoor", "Kazernestraat 10", "9100", SINT_NIKLAAS, 51.1681, 4.1394),),
        kbo=True,
    ),
    OrganisationSpec(
        "buurtwerk-clementwijk", "buurtwerk", "Buurtwerk Clementwijk",
        "Buurtwerk met een buurtrestaurant, huiswerkklas en speelnamiddagen, gedragen door vrijwilligers uit "
        "de wijk.",
        (LocationSpec("Buurthuis", "Vijfstraten 55", "9100", SINT_NIKLAAS, 51.1621, 4.1331, EVENING_HOURS),),
    ),
    OrganisationSpec(
        "buurtwerk-de-driesprong", "buurtwerk", "Buurtwerk De Driesprong",
        "Ontmoetingsruimte in Temse waar buren elkaar leren kennen en samen dingen organiseren.",
        (LocationSpec("Buurthuis De Driesprong", "Velle 40", "9140", TEMSE, 51.1181, 4.2091, EVENING_HOURS),),
    ),
    OrganisationSpec(
        "cgg-waasland", "cgg", "CGG Waasland – kinderen en jongeren",
        "Centrum voor Geestelijke Gezondheidszorg: diagnostiek en therapie voor kinderen en jongeren met "
        "psychische problemen, en steun voor hun ouders.",
        (
            LocationSpec("CGG Sint-Niklaas", "Mercatorstraat 60", "9100", SINT_NIKLAAS, 51.1699, 4.1451),
            LocationSpec("CGG Lokeren", "Durmelaan 10", "9160", LOKEREN, 51.1031, 3.9874),
        ),
        kbo=True,
    ),
    OrganisationSpec(
        "jac-waasland", "jac", "JAC Waasland",
        "Jongerenaanspreekpunt van het CAW: jongeren van 12 tot 25 jaar kunnen er met elke vraag terecht.",
        (LocationSpec("JAC", "Stationsstraat 90", "9100", SINT_NIKLAAS, 51.1661, 4.1452, WALK_IN_HOURS),),
    ),
    OrganisationSpec(
        "opgroeien-waasland", "opgroeien", "Opgroeien – regioteam Waasland",
        "Preventieve gezinsondersteuning en consultatiebureaus voor baby's en peuters in het Waasland.",
        (
            LocationSpec("Consultatiebureau Beveren", "Stationsstraat 20", "9120", BEVEREN, 51.2141, 4.2591),
            LocationSpec("Consultatiebureau Sint-Niklaas", "Parklaan 30", "9100", SINT_NIKLAAS, 51.1614, 4.1394),
        ),
    ),
    OrganisationSpec(
        "inloopteam-de-kinderkamer", "inloopteam", "Inloopteam De Kinderkamer",
        "Inloopteam voor (aanstaande) ouders met kinderen tot drie jaar: binnenlopen zonder afspraak, "
        "ontmoeten en vragen stellen.",
        (LocationSpec("De Kinderkamer", "Hendrik Heymanplein 5", "9100", SINT_NIKLAAS, 51.1676, 4.1456,
                      FAMILY_HOURS),),
    ),
    OrganisationSpec(
        "inloopteam-het-nestje", "inloopteam", "Inloopteam Het Nestje",
        "Inloopteam in Beveren voor gezinnen met jonge kinderen, met babykleding en verzorgingsproducten.",
        (LocationSpec("Het Nestje", "Kallobaan 12", "9120", BEVEREN, 51.2161, 4.2626, FAMILY_HOURS),),
    ),
    OrganisationSpec(
        "samen-sterk", "armoedevereniging", "Vzw Samen Sterk – vereniging waar armen het woord nemen",
        "Mensen met armoede-ervaring komen samen, steunen elkaar en laten hun stem horen bij stad en scholen.",
        (LocationSpec("Ontmoetingsruimte", "Apostelstraat 20", "9100", SINT_NIKLAAS, 51.1691, 4.1441,
                      EVENING_HOURS),),
    ),
    OrganisationSpec(
        "de-zonnewijzer", "armoedevereniging", "De Zonnewijzer – vereniging waar armen het woord nemen",
        "Vereniging in Lokeren waar mensen in armoede elkaar ontmoeten en samen naar diensten stappen.",
        (LocationSpec("De Zonnewijzer", "Karrestraat 10", "9160", LOKEREN, 51.1071, 3.9951, EVENING_HOURS),),
    ),
    OrganisationSpec(
        "integratiepunt-waasland", "integratie", "Integratiepunt Waasland",
        "Onthaal van nieuwkomers: inburgering, sociaal tolken, lessen en oefenkansen Nederlands.",
        (
            LocationSpec("Integratiepunt Sint-Niklaas", "Breedstraat 12", "9100", SINT_NIKLAAS, 51.1649, 4.1421),
            LocationSpec("Integratiepunt Lokeren", "Roomstraat 40", "9160", LOKEREN, 51.1066, 3.9936),
        ),
        kbo=True,
    ),
    OrganisationSpec(
        "taalpunt-lokeren", "integratie", "Taalpunt Lokeren",
        "Vrijwilligers en taalcoaches helpen ouders Nederlands oefenen en de taal van de school begrijpen.",
        (LocationSpec("Taalpunt", "Oeverstraat 8", "9160", LOKEREN, 51.1021, 3.9901, EVENING_HOURS),),
    ),
    OrganisationSpec(
        "vrijetijdspunt-waasland", "vrije-tijd", "Vrijetijdspunt Waasland",
        "Loket voor vakantiekampen, sport en cultuur met kansentarief via de UiTPAS.",
        (LocationSpec("Vrijetijdspunt", "Grote Markt 45", "9100", SINT_NIKLAAS, 51.1656, 4.1431),),
    ),
    OrganisationSpec(
        "speelplein-zonnekind", "vrije-tijd", "Speelpleinwerking Zonnekind",
        "Speelplein in Stekene tijdens de zomervakantie, gerund door jonge animatoren.",
        (LocationSpec("Speelplein", "Stadionstraat 10", "9190", STEKENE, 51.2131, 4.0301, SEASON_HOURS),),
        verified=False,
    ),
    OrganisationSpec(
        "kunstatelier-de-kleurdoos", "vrije-tijd", "Kunstatelier De Kleurdoos",
        "Teken-, muziek- en theaterateliers voor kinderen, met plaatsen aan kansentarief.",
        (LocationSpec("Atelier", "Zelebaan 40", "9160", LOKEREN, 51.0991, 3.9991, AFTERNOON_HOURS),),
    ),
    OrganisationSpec(
        "wijkgezondheidscentrum-de-vlasbloem", "gezondheid", "Wijkgezondheidscentrum De Vlasbloem",
        "Huisartsen, verpleging, kinesitherapie en een eerstelijnspsycholoog onder één dak, forfaitair betaald.",
        (LocationSpec("De Vlasbloem", "Tereken 10", "9100", SINT_NIKLAAS, 51.1701, 4.1351, HEALTH_HOURS),),
        kbo=True,
    ),
    OrganisationSpec(
        "wijkgezondheidscentrum-het-anker", "gezondheid", "Wijkgezondheidscentrum Het Anker",
        "Wijkgezondheidscentrum in Lokeren met huisartsen, tandzorg voor kinderen en gezondheidspromotie.",
        (LocationSpec("Het Anker", "Stationsplein 5", "9160", LOKEREN, 51.1081, 3.9871, HEALTH_HOURS),),
        kbo=True,
    ),
    OrganisationSpec(
        "huiswerkklas-de-leerboom", "onderwijsondersteuning", "Huiswerkklas De Leerboom",
        "Vrijwilligers begeleiden kinderen van de lagere school bij huiswerk en lezen, in kleine groepjes.",
        (LocationSpec("De Leerboom", "Nieuwstraat 30", "9100", SINT_NIKLAAS, 51.1661, 4.1416, AFTERNOON_HOURS),),
    ),
    OrganisationSpec(
        "huiswerkbegeleiding-het-kompas", "onderwijsondersteuning", "Huiswerkbegeleiding Het Kompas",
        "Studenten geven huiswerkbegeleiding aan huis bij gezinnen in Beveren en omgeving.",
        (LocationSpec("Het Kompas", "Vrasenestraat 25", "9120", BEVEREN, 51.2126, 4.2481, AFTERNOON_HOURS),),
        verified=False,
    ),
    OrganisationSpec(
        "leerpunt-temse", "onderwijsondersteuning", "Leerpunt Temse",
        "Studiebegeleiding en leerondersteuning voor kinderen uit de derde graad van de lagere school.",
        (LocationSpec("Leerpunt", "Krijgsbaan 40", "9140", TEMSE, 51.1226, 4.2126, AFTERNOON_HOURS),),
    ),
    OrganisationSpec(
        "digipunt-waasland", "andere", "Digipunt Waasland",
        "Hulp met computer, smartphone en online diensten, en laptops in bruikleen voor schoolkinderen.",
        (
            LocationSpec("Digipunt Sint-Niklaas", "Stationsstraat 40", "9100", SINT_NIKLAAS, 51.1654, 4.1441,
                         WALK_IN_HOURS),
            LocationSpec("Digipunt Beveren", "Grote Markt 5", "9120", BEVEREN, 51.2116, 4.2556, WALK_IN_HOURS),
        ),
    ),
    OrganisationSpec(
        "mindermobielencentrale-waasland", "andere", "Mindermobielencentrale Waasland",
        "Vrijwillige chauffeurs rijden mensen die moeilijk met het openbaar vervoer weg kunnen.",
        (LocationSpec("Mindermobielencentrale", "Stationsstraat 10", "9170", SINT_GILLIS_WAAS, 51.2199, 4.1256),),
    ),
    OrganisationSpec(
        "woonloket-waasland", "andere", "Woonloket Waasland",
        "Intergemeentelijk woonloket: sociale huur, premies, energiecoaching en conflicten met de verhuurder.",
        (LocationSpec("Woonloket", "Markt 12", "9140", TEMSE, 51.1253, 4.2136),),
        kbo=True,
    ),
    OrganisationSpec(
        "het-snuffelhuis", "andere", "Tweedehandswinkel Het Snuffelhuis",
        "Sociale tweedehandswinkel met kinderkleding en schoolspullen, en werkervaringsplaatsen.",
        (LocationSpec("Het Snuffelhuis", "Kerkstraat 30", "9190", STEKENE, 51.2101, 4.0371,
                      "Di–za 10–17 u."),),
    ),
]  # fmt: skip


# --- offers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferSpec:
    key: str
    organisation: str
    name: str
    domains: tuple[str, ...]
    description: str
    next_steps: str
    ages: tuple[int | None, int | None] = (None, None)
    languages: tuple[str, ...] = ("nl",)
    cost: str = "free"
    cost_note: str = ""
    access: tuple[str, ...] = ("appointment",)
    area: tuple[str, ...] = ()  # empty: the municipalities of the organisation's locations
    capacity: str = ""  # empty: drawn from the offer's own random generator
    waiting_weeks: int | None = None
    active: bool = True


NL_PLUS = ("nl", "fr", "en")
NEWCOMER_LANGUAGES = ("nl", "en", "fr", "ar", "tr", "pl", "ro", "bg", "uk", "so", "ti", "fa")

OFFERS = [
    # Sociaal Huis Sint-Niklaas
    OfferSpec(
        "sn-leefloon", "sociaal-huis-sint-niklaas", "Leefloon en financiële steun", ("inkomen",),
        "Wie niet genoeg inkomen heeft, kan een leefloon of aanvullende financiële hulp aanvragen. Een "
        "maatschappelijk werker bekijkt samen met jou wat mogelijk is.",
        "Kom langs tijdens de vrije inloop of bel voor een afspraak. Breng je identiteitskaart en je laatste "
        "rekeninguittreksels mee.",
        languages=NL_PLUS, access=("walk_in", "appointment"),
    ),
    OfferSpec(
        "sn-budget", "sociaal-huis-sint-niklaas", "Budgetbegeleiding en schuldbemiddeling", ("inkomen",),
        "Samen je inkomsten en uitgaven op een rij zetten, een afbetalingsplan maken en met schuldeisers "
        "praten.",
        "Maak een afspraak bij het onthaal. Neem alle brieven van schuldeisers mee, ook de ongeopende.",
        access=("appointment", "outreach"), capacity="waiting_list", waiting_weeks=6,
    ),
    OfferSpec(
        "sn-schoolkosten", "sociaal-huis-sint-niklaas", "Tussenkomst in schoolkosten", ("leren", "inkomen"),
        "Hulp bij de schoolfactuur, een schooluitstap, de meerdaagse of de maaltijden op school. De school "
        "kan samen met het gezin een aanvraag doen.",
        "De zorgcoördinator of de ouder belt het Sociaal Huis. Breng de schoolfactuur mee.",
        ages=(3, 12), access=("appointment", "at_school"),
    ),
    OfferSpec(
        "sn-energie", "sociaal-huis-sint-niklaas", "Hulp bij energiefacturen", ("wonen", "inkomen"),
        "Uitleg over je energiefactuur, het sociaal tarief, een budgetmeter en premies om energie te besparen.",
        "Kom langs met je laatste afrekening van elektriciteit en gas.",
        languages=("nl", "fr", "ar"), access=("walk_in", "outreach"),
    ),
    OfferSpec(
        "sn-uitpas", "sociaal-huis-sint-niklaas", "UiTPAS met kansentarief", ("vrije-tijd", "inkomen"),
        "Met een UiTPAS met kansentarief betaal je maar twintig procent voor sport, cultuur, kampen en "
        "uitstappen in het hele Waasland.",
        "Vraag de UiTPAS aan het onthaal. Je hebt enkel je identiteitskaart nodig.",
        access=("walk_in",), area=REGION,
    ),
    OfferSpec(
        "sn-digipunt", "sociaal-huis-sint-niklaas", "Digitaal spreekuur in het Sociaal Huis", ("digitaal",),
        "Hulp met e-mail, Itsme, online aanvragen en de apps van school. Een vrijwilliger zit naast je.",
        "Kom binnen tijdens de vrije inloop. Neem je smartphone of laptop mee als je er een hebt.",
        languages=("nl", "ar", "tr"), access=("walk_in",),
    ),
    # Sociaal Huis Temse
    OfferSpec(
        "te-sociale-dienst", "sociaal-huis-temse", "Sociale dienst: leefloon en steun", ("inkomen", "rechten"),
        "Financiële hulp, leefloon en hulp bij het aanvragen van rechten zoals de verhoogde tegemoetkoming.",
        "Bel het Sociaal Huis of kom langs in de voormiddag.",
        access=("walk_in", "appointment"),
    ),
    OfferSpec(
        "te-woonbegeleiding", "sociaal-huis-temse", "Woonbegeleiding aan huis", ("wonen",),
        "Een woonbegeleider komt langs en helpt met huurachterstal, problemen met de verhuurder of het "
        "zoeken van een andere woning.",
        "Vraag het aan bij je maatschappelijk werker of bel het Sociaal Huis.",
        access=("outreach",),
    ),
    OfferSpec(
        "te-sociale-kruidenier", "sociaal-huis-temse", "Sociale kruidenier", ("basisnoden",),
        "Winkel met voeding en verzorgingsproducten aan verlaagde prijs voor gezinnen met een laag inkomen.",
        "Je krijgt een klantenkaart na een gesprek met een maatschappelijk werker.",
        cost="low", cost_note="Je betaalt ongeveer een derde van de winkelprijs.", access=("walk_in",),
    ),
    # Sociaal Huis Beveren-Kruibeke-Zwijndrecht
    OfferSpec(
        "bkz-onthaal", "sociaal-huis-beveren-kruibeke-zwijndrecht", "Sociaal onthaal", ("rechten", "inkomen"),
        "Eerste aanspreekpunt voor elke sociale vraag: rechten, premies, financiële hulp en doorverwijzing.",
        "Kom langs in Beveren of Zwijndrecht zonder afspraak.",
        languages=NL_PLUS, access=("walk_in", "appointment"),
    ),
    OfferSpec(
        "bkz-schuld", "sociaal-huis-beveren-kruibeke-zwijndrecht", "Schuldbemiddeling", ("inkomen",),
        "Erkende schuldbemiddeling: onderhandelen met schuldeisers en een haalbaar afbetalingsplan.",
        "Na een eerste gesprek op het onthaal kom je op de wachtlijst.",
        access=("appointment",), capacity="waiting_list", waiting_weeks=10,
    ),
    OfferSpec(
        "bkz-vervoer", "sociaal-huis-beveren-kruibeke-zwijndrecht", "Vervoerdienst voor minder mobielen",
        ("mobiliteit",),
        "Vervoer naar de dokter, het ziekenhuis of een dienst voor wie geen auto heeft en moeilijk met de bus "
        "weg kan, ook in de polderdorpen.",
        "Bel minstens drie werkdagen op voorhand.",
        cost="low", cost_note="€ 0,40 per kilometer.", access=("appointment",),
    ),
    OfferSpec(
        "bkz-huurwaarborg", "sociaal-huis-beveren-kruibeke-zwijndrecht", "Hulp bij de huurwaarborg", ("wonen",),
        "Het Sociaal Huis kan een huurwaarborg voorschieten of een waarborgattest geven.",
        "Maak een afspraak zodra je een woning op het oog hebt.",
        access=("appointment",),
    ),
    # Sociaal Huis Stekene
    OfferSpec(
        "st-onthaal", "sociaal-huis-stekene", "Sociaal onthaal en leefloon", ("inkomen", "rechten"),
        "Vragen over leefloon, financiële hulp, premies en rechten.",
        "Kom langs op de Stationsstraat of bel voor een afspraak.",
        access=("walk_in", "appointment"),
    ),
    OfferSpec(
        "st-fietsbieb", "sociaal-huis-stekene", "Fietsbieb: kinderfietsen lenen", ("mobiliteit", "vrije-tijd"),
        "Kinderfietsen lenen die meegroeien met je kind, met een helm en fietsslot erbij.",
        "Kom langs op woensdagnamiddag met je kind om een fiets te kiezen.",
        ages=(3, 12), cost="low", cost_note="€ 20 per jaar, € 10 met kansentarief.", access=("walk_in",),
        capacity="full",  # every bike is lent out: one of the demo's genuine gaps (see NEEDS, "kleuters-vervoer")
    ),
    # Sociaal Huis Sint-Gillis-Waas
    OfferSpec(
        "sgw-sociale-dienst", "sociaal-huis-sint-gillis-waas", "Sociale dienst en voedselhulp",
        ("inkomen", "basisnoden"),
        "Financiële hulp, voedselpakketten en hulp bij rekeningen voor inwoners van Sint-Gillis-Waas.",
        "Bel voor een afspraak; bij dringende nood kan je dezelfde dag terecht.",
        access=("walk_in", "appointment"),
    ),
    OfferSpec(
        "sgw-aanvragen", "sociaal-huis-sint-gillis-waas", "Hulp bij aanvragen en premies", ("rechten", "digitaal"),
        "Samen online aanvragen doen: Groeipakket, studietoelage, sociaal tarief en premies.",
        "Maak een afspraak en breng je identiteitskaart en pincode mee.",
        access=("appointment",),
    ),
    OfferSpec(
        "sgw-buitenschoolse-opvang", "sociaal-huis-sint-gillis-waas", "Buitenschoolse opvang met sociaal tarief",
        ("kinderopvang",),
        "Opvang voor en na school en op woensdagnamiddag, met een tarief volgens je inkomen.",
        "Schrijf je kind in via het Sociaal Huis; vraag meteen het sociaal tarief aan.",
        ages=(3, 12), cost="low", cost_note="Inkomensgerelateerd tarief vanaf € 1 per halve dag.",
        access=("appointment", "at_school"),
    ),
    # Sociaal Huis Lokeren
    OfferSpec(
        "lo-leefloon", "sociaal-huis-lokeren", "Leefloon en aanvullende steun", ("inkomen",),
        "Leefloon, aanvullende financiële hulp en tussenkomst in medische kosten.",
        "Kom langs aan de Groentemarkt tijdens de openingsuren.",
        languages=NL_PLUS, access=("walk_in", "appointment"),
    ),
    OfferSpec(
        "lo-brugfiguren", "sociaal-huis-lokeren", "Brugfiguren in de basisscholen", ("leren", "opvoeding"),
        "De brugfiguur is op vaste momenten op school, spreekt ouders aan aan de schoolpoort en zoekt samen "
        "met hen de weg naar hulp.",
        "Spreek de brugfiguur aan op school of vraag het aan de zorgcoördinator.",
        ages=(3, 12), languages=("nl", "fr", "ar", "tr"), access=("at_school", "outreach"),
    ),
    OfferSpec(
        "lo-woonloket", "sociaal-huis-lokeren", "Woonloket en crisiswoning", ("wonen", "veiligheid"),
        "Hulp bij uithuiszetting, een onbewoonbare woning of als je na geweld thuis dringend een andere plek "
        "nodig hebt.",
        "Bel het Sociaal Huis; bij crisis buiten de kantooruren via de politie.",
        access=("appointment",),
    ),
    OfferSpec(
        "lo-werk", "sociaal-huis-lokeren", "Tewerkstelling via het Sociaal Huis", ("werk", "inkomen"),
        "Een tijdelijke job met begeleiding voor wie een leefloon krijgt, als opstap naar gewoon werk.",
        "Vraag het aan je maatschappelijk werker.",
        access=("appointment",),
    ),
    # CAW
    OfferSpec(
        "caw-onthaal", "caw-onthaal-sint-niklaas", "Onthaal: met elke vraag welkom",
        ("rechten", "psychisch", "inkomen"),
        "Je kan bij het CAW terecht met vragen over relaties, geld, wonen, papieren of als je het even niet "
        "meer ziet zitten. Een hulpverlener luistert en zoekt mee.",
        "Kom binnen tijdens de vrije inloop, bel of chat. Je hoeft niets mee te brengen.",
        languages=("nl", "fr", "en", "ar"), access=("walk_in", "appointment", "online"), area=REGION,
    ),
    OfferSpec(
        "caw-thuisloos", "caw-onthaal-sint-niklaas", "Hulp bij dakloosheid en crisisopvang",
        ("wonen", "basisnoden"),
        "Opvang voor gezinnen zonder dak, en begeleiding naar een eigen woning.",
        "Bel of kom langs. Bij nood 's nachts: de nachtopvang via het CAW-nummer.",
        access=("walk_in", "appointment"), area=REGION,
    ),
    OfferSpec(
        "caw-partnergeweld", "caw-onthaal-sint-niklaas", "Begeleiding bij partnergeweld en geweld in het gezin",
        ("veiligheid", "psychisch"),
        "Hulp voor wie thuis geweld meemaakt of pleegt, en voor kinderen die het zien of horen.",
        "Bel of chat anoniem. Een school mag contact opnemen om te overleggen zonder namen.",
        languages=("nl", "fr", "en", "ar", "tr"), access=("appointment", "online"), area=REGION,
    ),
    OfferSpec(
        "caw-juridisch", "caw-onthaal-sint-niklaas", "Eerstelijns juridisch advies", ("rechten",),
        "Gratis uitleg over huur, schulden, scheiding, verblijf en andere juridische vragen.",
        "Maak een afspraak. Breng de brieven of contracten mee waarover je een vraag hebt.",
        access=("appointment",), area=(SINT_NIKLAAS, LOKEREN, TEMSE),
    ),
    OfferSpec(
        "caw-chat", "caw-onthaal-sint-niklaas", "Online hulp via chat", ("psychisch", "veiligheid"),
        "Anoniem chatten met een hulpverlener over wat je bezighoudt.",
        "Chat via de website, elke werkdag van 10 tot 22 uur.",
        languages=("nl", "en"), access=("online",), area=REGION,
    ),
    OfferSpec(
        "cawb-onthaal", "caw-onthaal-beveren", "Onthaal Beveren", ("rechten", "wonen"),
        "Laagdrempelig onthaal voor alle vragen over welzijn, wonen en rechten.",
        "Kom langs aan het Gravenplein tijdens de vrije inloop.",
        access=("walk_in", "appointment"), area=(BEVEREN, SINT_GILLIS_WAAS),
    ),
    OfferSpec(
        "cawb-scheiding", "caw-onthaal-beveren", "Ouders in scheiding", ("opvoeding", "psychisch"),
        "Begeleiding voor ouders die uit elkaar gaan: afspraken over de kinderen, communicatie en verdriet.",
        "Maak een afspraak; beide ouders mogen apart komen.",
        ages=(0, 18), access=("appointment", "online"), area=(BEVEREN, SINT_GILLIS_WAAS, STEKENE),
    ),
    # Huis van het Kind
    OfferSpec(
        "hvk-sn-opvoedingswinkel", "huis-van-het-kind-sint-niklaas", "Opvoedingswinkel",
        ("opvoeding",),
        "Met elke vraag over opvoeden en opgroeien terecht bij een opvoedingsondersteuner: slapen, eten, "
        "koppigheid, schermgebruik, pesten.",
        "Kom binnen tijdens de openingsuren, bel of stel je vraag online.",
        ages=(0, 18), access=("walk_in", "appointment", "online"),
    ),
    OfferSpec(
        "hvk-sn-babytheek", "huis-van-het-kind-sint-niklaas", "Babytheek: babyspullen lenen", ("basisnoden",),
        "Box, kinderwagen, autostoel en babykleding lenen voor een klein bedrag.",
        "Kom langs op maandag- of woensdagvoormiddag.",
        ages=(0, 3), cost="low", cost_note="€ 5 per jaar.", access=("walk_in",),
    ),
    OfferSpec(
        "hvk-sn-spelotheek", "huis-van-het-kind-sint-niklaas", "Spelotheek", ("vrije-tijd", "leren"),
        "Speelgoed en gezelschapsspelen lenen, met tips om samen te spelen.",
        "Kom langs met je kind en kies samen een spel.",
        ages=(0, 12), cost="low", cost_note="€ 1 per spel per maand, gratis met UiTPAS-kansentarief.",
        access=("walk_in",),
    ),
    OfferSpec(
        "hvk-sn-ontmoeting", "huis-van-het-kind-sint-niklaas", "Ontmoetingsplek voor ouders en peuters",
        ("opvoeding", "taal"),
        "Ouders en hun kinderen tot drie jaar spelen, praten en oefenen Nederlands in een ontspannen sfeer.",
        "Je bent welkom zonder inschrijving op woensdagvoormiddag.",
        ages=(0, 3), languages=("nl", "ar", "ro", "bg"), access=("walk_in",),
    ),
    OfferSpec(
        "hvk-te-thuisbegeleiding", "huis-van-het-kind-temse", "Opvoedingsondersteuning aan huis", ("opvoeding",),
        "Een opvoedingsondersteuner komt enkele keren thuis langs om samen naar een moeilijke situatie te "
        "kijken.",
        "Bel het Huis van het Kind; een school of dokter mag het ook voor je vragen.",
        ages=(0, 12), access=("outreach",),
    ),
    OfferSpec(
        "hvk-te-kinderopvang", "huis-van-het-kind-temse", "Loket kinderopvang", ("kinderopvang",),
        "Hulp bij het vinden van een kinderopvangplaats, ook dringend of voor een deel van de week.",
        "Kom langs of vul het aanvraagformulier in met een medewerker.",
        ages=(0, 12), access=("walk_in", "appointment"),
    ),
    OfferSpec(
        "hvk-bkz-praatcafe", "huis-van-het-kind-beveren-kruibeke-zwijndrecht", "Praatcafé voor ouders",
        ("opvoeding", "taal"),
        "Elke maand een koffiemoment rond een thema: slapen, gezonde brooddoos, school en huiswerk.",
        "Kom gewoon langs; kinderopvang is voorzien.",
        languages=("nl", "en", "ar"), access=("walk_in",),
    ),
    OfferSpec(
        "hvk-bkz-taalstimulering", "huis-van-het-kind-beveren-kruibeke-zwijndrecht",
        "Peutergroep met taalstimulering", ("kinderopvang", "taal"),
        "Twee voormiddagen per week opvang in een kleine groep waar peuters Nederlands horen en spelen.",
        "Schrijf je in bij het Huis van het Kind in Beveren of Kruibeke.",
        ages=(2, 3), cost="low", cost_note="€ 2 per voormiddag.", access=("appointment",),
    ),
    OfferSpec(
        "hvk-lo-kleuterparticipatie", "huis-van-het-kind-lokeren", "Samen naar de kleuterklas",
        ("leren", "opvoeding"),
        "Een medewerker helpt ouders hun kleuter in te schrijven en gaat mee naar de eerste schooldagen.",
        "Vraag het aan de brugfiguur of bel het Huis van het Kind.",
        ages=(2, 6), languages=("nl", "ar", "tr", "bg"), access=("outreach", "at_school"),
    ),
    OfferSpec(
        "hvk-lo-gezondheid", "huis-van-het-kind-lokeren", "Gezondheidsspreekuur voor gezinnen", ("gezondheid",),
        "Een verpleegkundige beantwoordt vragen over voeding, vaccinaties, tanden en groei.",
        "Kom langs op dinsdagvoormiddag zonder afspraak.",
        ages=(0, 12), access=("walk_in",),
    ),
    # CKG
    OfferSpec(
        "ckg-dagopvang", "ckg-de-klaproos", "Dagopvang voor kinderen in moeilijke situaties",
        ("kinderopvang", "opvoeding"),
        "Tijdelijke dagopvang met begeleiding als het thuis even niet lukt.",
        "Aanmelden gebeurt samen met een hulpverlener, de school of het CLB.",
        ages=(0, 12), access=("appointment",),
    ),
    OfferSpec(
        "ckg-crisisopvang", "ckg-de-klaproos", "Crisisopvang voor kinderen", ("veiligheid", "kinderopvang"),
        "Korte opvang dag en nacht als kinderen thuis niet veilig zijn of een ouder plots wegvalt.",
        "Bel het CKG; 's nachts en in het weekend via de permanentie.",
        ages=(0, 12), access=("appointment",), area=REGION, capacity="open",
    ),
    OfferSpec(
        "ckg-mobiel", "ckg-de-klaproos", "Mobiele gezinsondersteuning", ("opvoeding",),
        "Een gezinsbegeleider komt thuis en werkt met ouders aan structuur, regels en rust.",
        "Bel voor een kennismakingsgesprek.",
        ages=(0, 12), access=("outreach",), area=(SINT_NIKLAAS, TEMSE, STEKENE),
    ),
    # Samenlevingsopbouw
    OfferSpec(
        "so-schoolbrug", "samenlevingsopbouw-waasland", "Schoolbrug: ouders en school dichter bij elkaar",
        ("leren", "opvoeding"),
        "Opbouwwerkers organiseren oudergroepen op school en helpen scholen drempels voor ouders te verlagen.",
        "De school neemt contact op; ouders kunnen ook zelf aansluiten bij een oudergroep.",
        ages=(3, 12), languages=("nl", "ar", "tr", "bg"), access=("at_school", "outreach"), area=REGION,
    ),
    OfferSpec(
        "so-huurders", "samenlevingsopbouw-waasland", "Huurdersgroep: samen voor betaalbaar wonen",
        ("wonen", "rechten"),
        "Huurders komen samen om hun rechten te kennen en samen problemen met woningen aan te kaarten.",
        "Kom naar de maandelijkse bijeenkomst of bel de opbouwwerker.",
        access=("walk_in", "outreach"), area=(SINT_NIKLAAS, TEMSE),
    ),
    # Buurtwerk
    OfferSpec(
        "bw-cl-huiswerk", "buurtwerk-clementwijk", "Huiswerkklas in de buurt", ("leren",),
        "Rustige plek om na school huiswerk te maken, met vrijwilligers die helpen.",
        "Kom langs op maandag, dinsdag of donderdag na school.",
        ages=(6, 12), access=("walk_in",),
    ),
    OfferSpec(
        "bw-cl-buurtrestaurant", "buurtwerk-clementwijk", "Buurtrestaurant", ("basisnoden",),
        "Elke middag een warme maaltijd aan democratische prijs, samen met buren.",
        "Schuif aan tussen 12 en 13 uur; reserveren is niet nodig.",
        cost="low", cost_note="€ 4 per maaltijd, kinderen € 2.", access=("walk_in",),
    ),
    OfferSpec(
        "bw-cl-speelnamiddag", "buurtwerk-clementwijk", "Speelnamiddag op woensdag", ("vrije-tijd",),
        "Spelen, knutselen en sporten met animatoren op het plein naast het buurthuis.",
        "Kinderen mogen gewoon komen; ouders zijn welkom voor een koffie.",
        ages=(6, 12), access=("walk_in",),
    ),
    OfferSpec(
        "bw-te-ontmoeting", "buurtwerk-de-driesprong", "Ontmoetingsruimte en koffiemoment",
        ("psychisch", "taal"),
        "Een plek om buiten te komen, buren te leren kennen en Nederlands te oefenen.",
        "Kom binnen op dinsdag- of donderdagvoormiddag.",
        access=("walk_in",),
    ),
    OfferSpec(
        "bw-te-kledingbank", "buurtwerk-de-driesprong", "Kledingbank en naaiatelier", ("basisnoden",),
        "Gratis kleding voor kinderen en volwassenen, en samen kleren herstellen.",
        "Kom langs tijdens de openingsuren.",
        access=("walk_in",), active=False,
    ),
    # CGG
    OfferSpec(
        "cgg-kinderen", "cgg-waasland", "Therapie voor kinderen en jongeren", ("psychisch",),
        "Diagnostiek en behandeling bij angst, somberheid, trauma, gedragsproblemen en ontwikkelingsvragen.",
        "Aanmelden via huisarts, CLB of zelf telefonisch. Er is een wachtlijst.",
        ages=(3, 17), cost="low", cost_note="Remgeld volgens inkomen, € 0 tot € 11 per sessie.",
        access=("appointment",), area=REGION, capacity="waiting_list", waiting_weeks=20,
    ),
    OfferSpec(
        "cgg-oudergroep", "cgg-waasland", "Oudergroep: kinderen met gedragsproblemen", ("opvoeding", "psychisch"),
        "Acht groepssessies voor ouders over grenzen stellen, belonen en rust in huis.",
        "Schrijf je in via het secretariaat.",
        ages=(4, 12), cost="low", cost_note="€ 5 per sessie, gratis bij verhoogde tegemoetkoming.",
        access=("appointment",), area=REGION,
    ),
    OfferSpec(
        "cgg-trauma", "cgg-waasland", "Traumazorg voor kinderen met een vluchtverhaal",
        ("psychisch", "veiligheid"),
        "Therapie voor kinderen die oorlog of een zware vlucht meemaakten, met een tolk als dat nodig is.",
        "De school of het CLB meldt aan na overleg met de ouders.",
        ages=(4, 17), languages=("nl", "en", "ar", "fa", "ti", "so", "uk"), access=("appointment", "at_school"),
        area=REGION,
    ),
    # JAC
    OfferSpec(
        "jac-onthaal", "jac-waasland", "Praten bij het JAC", ("psychisch", "rechten"),
        "Jongeren kunnen anoniem praten over thuis, school, vrienden, geld of hun rechten.",
        "Binnenlopen mag; bellen of mailen ook.",
        ages=(12, 25), access=("walk_in", "online"), area=REGION,
    ),
    OfferSpec(
        "jac-chat", "jac-waasland", "JAC-chat", ("psychisch",),
        "Chatten met een hulpverlener wanneer praten moeilijk is.",
        "Chat via de website op werkdagen van 16 tot 21 uur.",
        ages=(12, 25), access=("online",), area=REGION,
    ),
    # Opgroeien
    OfferSpec(
        "og-consultatiebureau", "opgroeien-waasland", "Consultatiebureau voor baby's en peuters",
        ("gezondheid",),
        "Gratis opvolging van groei en ontwikkeling, vaccinaties en advies over voeding en slapen.",
        "Maak een afspraak; na de geboorte neemt een verpleegkundige zelf contact op.",
        ages=(0, 3), languages=NL_PLUS, access=("appointment",), area=REGION,
    ),
    OfferSpec(
        "og-gezinsondersteuning", "opgroeien-waasland", "Prenatale en gezinsondersteuning aan huis",
        ("gezondheid", "opvoeding"),
        "Een verpleegkundige komt aan huis tijdens de zwangerschap en de eerste maanden na de geboorte.",
        "Vraag het aan je vroedvrouw, huisarts of bel zelf.",
        ages=(0, 3), languages=("nl", "fr", "en", "ar"), access=("outreach",), area=REGION,
    ),
    OfferSpec(
        "og-groeipakket", "opgroeien-waasland", "Hulp bij het Groeipakket", ("inkomen", "rechten"),
        "Uitleg over kinderbijslag, schooltoeslag en kinderopvangtoeslag, en hulp als er iets ontbreekt.",
        "Kom langs op het consultatiebureau of vraag het aan je maatschappelijk werker.",
        access=("appointment", "online"), area=REGION,
    ),
    # Inloopteams
    OfferSpec(
        "il-kk-inloop", "inloopteam-de-kinderkamer", "Inloopmomenten voor (aanstaande) ouders",
        ("opvoeding", "basisnoden"),
        "Binnenlopen voor een babbel, een bad voor de baby, luiers en advies.",
        "Kom langs tijdens de openingsuren, zonder afspraak.",
        ages=(0, 3), languages=("nl", "ar", "ro", "bg", "so"), access=("walk_in", "outreach"),
    ),
    OfferSpec(
        "il-kk-voorlezen", "inloopteam-de-kinderkamer", "Voorleesuurtje en taalspel voor peuters",
        ("taal", "leren"),
        "Samen boekjes lezen en liedjes zingen, zodat peuters Nederlands horen voor ze naar school gaan.",
        "Elke vrijdagvoormiddag, zonder inschrijving.",
        ages=(0, 6), access=("walk_in",),
    ),
    OfferSpec(
        "il-ne-inloop", "inloopteam-het-nestje", "Inloop voor gezinnen met jonge kinderen", ("opvoeding",),
        "Ouders ontmoeten elkaar en kunnen vragen stellen aan een medewerker van het inloopteam.",
        "Kom gewoon langs.",
        ages=(0, 3), access=("walk_in",),
    ),
    OfferSpec(
        "il-ne-babykleding", "inloopteam-het-nestje", "Babykleding en verzorgingsproducten", ("basisnoden",),
        "Gratis babykleding, luiers en verzorgingsproducten voor gezinnen die het moeilijk hebben.",
        "Kom langs tijdens de inloop; een kort gesprek volstaat.",
        ages=(0, 3), access=("walk_in",),
    ),
    # Armoedeverenigingen
    OfferSpec(
        "av-ss-groep", "samen-sterk", "Groepsgesprekken: samen sterker", ("rechten", "psychisch"),
        "Mensen met armoede-ervaring praten over wat hen bezighoudt en brengen het samen naar de stad.",
        "Kom naar een groepsavond; iemand van de vereniging vangt je op.",
        access=("walk_in",),
    ),
    OfferSpec(
        "av-ss-uitstap", "samen-sterk", "Gezinsuitstappen en vakantiedagen", ("vrije-tijd",),
        "Een paar keer per jaar een uitstap met het hele gezin: zee, dierentuin of pretpark.",
        "Inschrijven bij de vereniging; vervoer is geregeld.",
        cost="low", cost_note="€ 2 per persoon.", access=("walk_in",), active=False,
    ),
    OfferSpec(
        "av-zw-ontmoeting", "de-zonnewijzer", "Ontmoetingsavond en soepmoment", ("basisnoden", "psychisch"),
        "Elke vrijdagavond soep, brood en een luisterend oor.",
        "Kom binnen vanaf 18 uur.",
        access=("walk_in",),
    ),
    OfferSpec(
        "av-zw-meestappen", "de-zonnewijzer", "Ervaringsdeskundigen stappen mee", ("rechten", "mobiliteit"),
        "Een ervaringsdeskundige gaat mee naar het Sociaal Huis, de bank of de school en rijdt je zo nodig.",
        "Vraag het op een ontmoetingsavond of bel de vereniging.",
        access=("outreach",),
    ),
    # Integratie
    OfferSpec(
        "int-nt2", "integratiepunt-waasland", "Lessen Nederlands als tweede taal", ("taal", "werk"),
        "Nederlands leren in een klas, overdag of 's avonds, op je eigen niveau.",
        "Kom naar het onthaal voor een korte test en inschrijving.",
        languages=NEWCOMER_LANGUAGES, cost="low", cost_note="€ 1,50 per lesuur, vrijstelling mogelijk.",
        access=("appointment",), area=REGION,
    ),
    OfferSpec(
        "int-tolk", "integratiepunt-waasland", "Sociaal tolken en vertalen", ("taal", "rechten"),
        "Scholen en diensten boeken een tolk voor een gesprek met ouders, ter plaatse of via video.",
        "De school of dienst vraagt de tolk online aan, minstens een week op voorhand.",
        languages=NEWCOMER_LANGUAGES, access=("appointment", "online"), area=REGION,
    ),
    OfferSpec(
        "int-inburgering", "integratiepunt-waasland", "Inburgeringstraject", ("rechten", "werk", "taal"),
        "Cursus maatschappelijke oriëntatie, Nederlands en begeleiding naar werk voor nieuwkomers.",
        "Maak een afspraak bij het onthaal; breng je verblijfsdocument mee.",
        languages=NEWCOMER_LANGUAGES, access=("appointment",), area=REGION,
    ),
    OfferSpec(
        "int-oefenkansen", "integratiepunt-waasland", "Praattafels Nederlands", ("taal",),
        "Oefenen in kleine groepjes met vrijwilligers, over alledaagse dingen.",
        "Kom langs op dinsdagavond of donderdagnamiddag.",
        access=("walk_in",),
    ),
    OfferSpec(
        "int-jobclub", "integratiepunt-waasland", "Jobclub voor nieuwkomers", ("werk",),
        "Samen vacatures zoeken, een cv maken en sollicitaties oefenen.",
        "Inschrijven via het onthaal.",
        languages=("nl", "en", "fr", "ar", "uk"), access=("appointment",), area=(SINT_NIKLAAS, LOKEREN),
    ),
    OfferSpec(
        "tl-oudercafe", "taalpunt-lokeren", "Taalcafé voor ouders op school", ("taal", "leren"),
        "Ouders oefenen Nederlands op school, aan de hand van wat hun kinderen leren.",
        "Vraag het aan de school of kom langs na het afzetten van je kind.",
        languages=("nl", "ar", "tr", "pl", "ro", "bg"), access=("at_school",),
    ),
    OfferSpec(
        "tl-schooltaal", "taalpunt-lokeren", "Brieven en apps van school begrijpen", ("taal", "digitaal"),
        "Een taalcoach legt brieven, de schoolagenda en de schoolapp uit.",
        "Kom langs met je smartphone of de brief.",
        languages=("nl", "en", "pl", "ro", "bg", "uk"), access=("walk_in",), area=(LOKEREN, SINT_NIKLAAS),
    ),
    # Vrije tijd
    OfferSpec(
        "vt-kampen", "vrijetijdspunt-waasland", "Vakantiekampen met kansentarief", ("vrije-tijd", "kinderopvang"),
        "Sport-, speel- en knutselkampen in alle schoolvakanties, met korting voor wie het moeilijk heeft.",
        "Schrijf in aan het loket of online met je UiTPAS.",
        ages=(3, 12), cost="low", cost_note="80 % korting met UiTPAS-kansentarief.",
        access=("walk_in", "online"), area=REGION,
    ),
    OfferSpec(
        "vt-sport", "vrijetijdspunt-waasland", "Sporten aan kansentarief", ("vrije-tijd", "gezondheid"),
        "Lidgeld van een sportclub naar keuze grotendeels terugbetaald.",
        "Vraag het aan het loket met je UiTPAS.",
        ages=(6, 12), cost="low", cost_note="Je betaalt hoogstens € 20 lidgeld per jaar.",
        access=("walk_in",), area=REGION,
    ),
    OfferSpec(
        "sp-zonnekind", "speelplein-zonnekind", "Speelplein in de zomervakantie", ("vrije-tijd", "kinderopvang"),
        "Elke weekdag van de zomervakantie spelen met animatoren, met voor- en naopvang.",
        "Kom 's morgens met je kind; inschrijven ter plaatse.",
        ages=(3, 12), cost="low", cost_note="€ 3 per dag, € 1 met kansentarief.", access=("walk_in",),
    ),
    OfferSpec(
        "kd-atelier", "kunstatelier-de-kleurdoos", "Kunstatelier op woensdagnamiddag", ("vrije-tijd",),
        "Tekenen, schilderen, muziek en theater in kleine groepen.",
        "Inschrijven per trimester aan het atelier.",
        ages=(6, 12), cost="paid", cost_note="€ 60 per trimester, € 12 met kansentarief.", access=("walk_in",),
    ),
    # Gezondheid
    OfferSpec(
        "wgc-vb-huisarts", "wijkgezondheidscentrum-de-vlasbloem", "Huisartsenpraktijk met forfait",
        ("gezondheid",),
        "Huisarts, verpleegkundige en kinesist zonder te betalen per consultatie.",
        "Schrijf je in aan de balie met je identiteitskaart; je kind kan meteen mee.",
        languages=NL_PLUS, access=("appointment", "walk_in"),
    ),
    OfferSpec(
        "wgc-vb-bewegen", "wijkgezondheidscentrum-de-vlasbloem", "Bewegen op verwijzing", ("gezondheid",),
        "Een coach helpt je meer te bewegen, alleen of in groep.",
        "Je huisarts verwijst je door.",
        cost="low", cost_note="€ 1 per sessie.", access=("appointment",), active=False,
    ),
    OfferSpec(
        "wgc-vb-psycholoog", "wijkgezondheidscentrum-de-vlasbloem", "Eerstelijnspsycholoog", ("psychisch",),
        "Enkele gesprekken met een psycholoog bij stress, somberheid of piekeren.",
        "Maak een afspraak via de balie; een verwijzing is niet nodig.",
        cost="low", cost_note="€ 11 per sessie, € 4 met verhoogde tegemoetkoming, gratis voor kinderen.",
        access=("appointment",),
    ),
    OfferSpec(
        "wgc-an-huisarts", "wijkgezondheidscentrum-het-anker", "Huisarts in de wijk", ("gezondheid",),
        "Forfaitaire huisartsenpraktijk met consultaties en huisbezoeken.",
        "Schrijf je in aan de balie met je identiteitskaart.",
        languages=("nl", "fr", "ar", "tr"), access=("appointment",),
    ),
    OfferSpec(
        "wgc-an-tandzorg", "wijkgezondheidscentrum-het-anker", "Tandzorg voor kinderen", ("gezondheid",),
        "Controle en verzorging van melktanden en blijvende tanden, zonder voorschieten.",
        "Maak een afspraak; de school kan een gezamenlijke controle regelen.",
        ages=(3, 12), access=("appointment", "at_school"),
    ),
    # Onderwijsondersteuning
    OfferSpec(
        "lb-huiswerk", "huiswerkklas-de-leerboom", "Huiswerkbegeleiding na school", ("leren",),
        "In kleine groepjes huiswerk maken en lezen oefenen met een vaste vrijwilliger.",
        "De school meldt aan, of ouders komen langs om in te schrijven.",
        ages=(6, 12), access=("at_school", "walk_in"),
    ),
    OfferSpec(
        "lb-ouders", "huiswerkklas-de-leerboom", "Ouders helpen hun kind bij het leren",
        ("leren", "opvoeding", "taal"),
        "Avonden waarop ouders leren hoe ze hun kind kunnen helpen, ook als ze zelf weinig Nederlands spreken.",
        "Inschrijven via de school of de huiswerkklas.",
        ages=(6, 12), languages=("nl", "ar", "tr"), access=("at_school",),
    ),
    OfferSpec(
        "ko-huiswerk", "huiswerkbegeleiding-het-kompas", "Huiswerkbegeleiding aan huis", ("leren",),
        "Een student komt wekelijks thuis helpen met huiswerk en plannen.",
        "Bel of mail om een kennismaking te plannen.",
        ages=(6, 12), cost="low", cost_note="€ 3 per uur, gratis met UiTPAS-kansentarief.", access=("outreach",),
    ),
    OfferSpec(
        "lp-studie", "leerpunt-temse", "Studiebegeleiding voor de overstap naar het secundair", ("leren",),
        "Leren plannen en studeren in de vijfde en zesde klas, als voorbereiding op het secundair.",
        "Inschrijven per schooljaar bij het Leerpunt.",
        ages=(10, 12), cost="paid", cost_note="€ 40 per jaar, kansentarief mogelijk.", access=("walk_in",),
        active=False,
    ),
    OfferSpec(
        "lp-leesclub", "leerpunt-temse", "Leesclub voor trage lezers", ("leren", "taal"),
        "Wekelijks samen lezen in een groepje van vier, met leuke boeken op maat.",
        "Vraag het aan de juf of meester, of schrijf in bij het Leerpunt.",
        ages=(7, 10), access=("at_school", "appointment"), area=(TEMSE, BEVEREN),
    ),
    # Andere
    OfferSpec(
        "dp-laptops", "digipunt-waasland", "Laptop voor je schoolkind", ("digitaal", "leren"),
        "Een herstelde laptop met internetbundel voor kinderen die thuis geen computer hebben.",
        "De school of het Sociaal Huis vraagt het aan; je haalt de laptop op bij het Digipunt.",
        ages=(9, 12), cost="low", cost_note="€ 20 waarborg.", access=("appointment",), area=REGION,
    ),
    OfferSpec(
        "dp-les", "digipunt-waasland", "Smartphone, Itsme en schoolapps", ("digitaal",),
        "Korte lessen en vrije inloop om digitaal mee te kunnen: e-mail, Itsme, bankapp en schoolapps.",
        "Kom langs tijdens de vrije inloop.",
        languages=("nl", "ar", "uk"), access=("walk_in", "at_school"), area=(SINT_NIKLAAS, BEVEREN),
    ),
    OfferSpec(
        "mmc-rit", "mindermobielencentrale-waasland", "Vervoer met vrijwillige chauffeurs", ("mobiliteit",),
        "Een vrijwilliger rijdt je naar een afspraak, de winkel of een dienst.",
        "Bel minstens twee dagen op voorhand.",
        cost="low", cost_note="€ 0,40 per kilometer en € 10 lidgeld per jaar.", access=("appointment",),
        area=(SINT_GILLIS_WAAS, BEVEREN),  # no volunteer drivers in Stekene: part of a genuine gap
    ),
    OfferSpec(
        "mmc-schoolrit", "mindermobielencentrale-waasland", "Stapgroep en fietspool naar school",
        ("mobiliteit", "veiligheid"),
        "Begeleid en veilig naar school in groep, samen met vrijwilligers en ouders.",
        "Vraag het aan de school; die spreekt de route met ons af.",
        ages=(6, 12), access=("at_school",), area=(SINT_GILLIS_WAAS, STEKENE),
    ),
    OfferSpec(
        "wl-sociale-huur", "woonloket-waasland", "Sociale huur: inschrijven en zoeken", ("wonen", "rechten"),
        "Hulp bij inschrijven voor een sociale woning, huurpremie en zoeken op de private markt.",
        "Maak een afspraak; breng je identiteitskaart en aanslagbiljet mee.",
        languages=NL_PLUS, access=("appointment",), area=REGION,
    ),
    OfferSpec(
        "wl-energiecoach", "woonloket-waasland", "Energiecoach aan huis", ("wonen",),
        "Een energiecoach komt langs en geeft tips en kleine ingrepen tegen vocht en een hoge factuur.",
        "Bel het woonloket; huurders en eigenaars kunnen allebei een bezoek vragen.",
        access=("outreach",), area=(TEMSE, SINT_NIKLAAS, LOKEREN),
    ),
    OfferSpec(
        "sf-kleding", "het-snuffelhuis", "Kinderkleding en schoolspullen met korting", ("basisnoden",),
        "Tweedehands kinderkleding, boekentassen en turnkledij.",
        "Kom langs tijdens de openingsuren; toon je UiTPAS voor de korting.",
        cost="low", cost_note="50 % korting met UiTPAS-kansentarief.", access=("walk_in",),
        area=(STEKENE, SINT_GILLIS_WAAS),
    ),
    OfferSpec(
        "sf-werkervaring", "het-snuffelhuis", "Werkervaring in de tweedehandswinkel", ("werk",),
        "Een jaar werkervaring in de winkel, met begeleiding en opleiding.",
        "Vraag het aan je trajectbegeleider of maatschappelijk werker.",
        access=("appointment",), area=(STEKENE, SINT_GILLIS_WAAS),
    ),
]  # fmt: skip


# --- the bridge: CLB, bridge figures, needs, requests, collaborations ------------------------------

CLB_NAME = "CLB Waasland"

DEMO_DOMAIN = "demo.brugwijzer.be"


@dataclass(frozen=True)
class AccountSpec:
    email: str
    label: str
    full_name: str
    job_title: str
    login_only: bool = True  # False for the bridge figures, whose users the region needs anyway


ACCOUNTS = [
    AccountSpec(f"school@{DEMO_DOMAIN}", "schoolcoördinator (zorgcoördinator)", "Katrien Verhulst",
                "zorgcoördinator"),
    AccountSpec(f"welzijn@{DEMO_DOMAIN}", "welzijnswerker (Sociaal Huis Sint-Niklaas)", "Nadia Boukhari",
                "maatschappelijk werker"),
    AccountSpec(f"clb@{DEMO_DOMAIN}", "CLB-medewerker", "Wout De Backer", "trajectbegeleider CLB"),
    AccountSpec(f"brugfiguur@{DEMO_DOMAIN}", "brugfiguur (Sint-Niklaas)", "Lotte Van Hecke", "brugfiguur",
                login_only=False),
    AccountSpec(f"brugfiguur2@{DEMO_DOMAIN}", "brugfiguur (Lokeren)", "Samir Ouali", "brugfiguur",
                login_only=False),
    AccountSpec(f"brugfiguur3@{DEMO_DOMAIN}", "brugfiguur (Beveren-Kruibeke-Zwijndrecht)", "Elke Maes",
                "brugfiguur", login_only=False),
    AccountSpec(f"gemeente@{DEMO_DOMAIN}", "lokaal bestuur (Sint-Niklaas)", "Bart Goossens",
                "beleidsmedewerker welzijn"),
    AccountSpec(f"moderator@{DEMO_DOMAIN}", "moderator (ook beheer op /beheer/)", "Eva Claes",
                "moderator Brugwijzer"),
]  # fmt: skip

DEMO_ACCOUNTS = [(account.label, account.email) for account in ACCOUNTS]

# (user e-mail, employer slug, institution numbers of the schools served)
BRIDGE_FIGURES = [
    (f"brugfiguur@{DEMO_DOMAIN}", "sociaal-huis-sint-niklaas", ("990101", "990102", "990103", "990104")),
    (f"brugfiguur2@{DEMO_DOMAIN}", "sociaal-huis-lokeren", ("990118", "990119", "990120")),
    (f"brugfiguur3@{DEMO_DOMAIN}", "sociaal-huis-beveren-kruibeke-zwijndrecht",
     ("990109", "990110", "990111", "990112", "990113")),
]  # fmt: skip


@dataclass(frozen=True)
class NeedSpec:
    ref: str
    school: str
    title: str
    domains: tuple[str, ...]
    description: str
    ages: tuple[int | None, int | None] = (None, None)
    languages: tuple[str, ...] = ()
    families: int = 1
    urgency: str = "medium"
    prefers: tuple[str, ...] = ()  # free, at_school, outreach, walk_in, no_waiting_list
    status: str = "open"


NEEDS = [
    NeedSpec("schoolkosten", "990101", "Schoolfactuur en uitstappen moeilijk te betalen", ("inkomen", "leren"),
             "Een zestal gezinnen betaalt de schoolfactuur al maanden niet of maar gedeeltelijk. Hun kinderen "
             "blijven soms thuis op dagen met een betalende uitstap. De ouders spreken de school er zelf niet "
             "over aan.",
             ages=(6, 12), languages=("nl", "ar"), families=6, urgency="high", prefers=("free",)),
    NeedSpec("nederlands-oefenen", "990101", "Ouders willen Nederlands oefenen", ("taal",),
             "Ouders vragen aan de schoolpoort waar ze Nederlands kunnen oefenen, liefst op een moment dat hun "
             "kinderen op school zijn.",
             languages=("ar", "tr", "ro"), families=8, urgency="low", prefers=("free", "at_school")),
    NeedSpec("laptop", "990101", "Geen computer thuis voor huiswerk", ("digitaal", "leren"),
             "In de derde graad hebben meerdere kinderen thuis geen computer of internet. Opdrachten op het "
             "leerplatform blijven liggen.",
             ages=(10, 12), families=5, prefers=("free",), status="addressed"),
    NeedSpec("ontbijt", "990102", "Kinderen komen zonder ontbijt naar school", ("basisnoden", "gezondheid"),
             "Leerkrachten zien elke week kinderen die zonder ontbijt of met een lege brooddoos komen. Het gaat "
             "om kinderen uit verschillende klassen.",
             ages=(3, 12), families=7, urgency="high", prefers=("free", "at_school")),
    NeedSpec("geen-vaste-woonplaats", "990102", "Gezinnen zonder vaste woonplaats", ("wonen",),
             "Enkele gezinnen verblijven tijdelijk bij familie of in een noodwoning. De kinderen zijn vaak moe en "
             "komen te laat.",
             ages=(3, 12), families=3, urgency="high", prefers=("outreach",)),
    NeedSpec("vakantie", "990102", "Weinig te doen in de schoolvakanties", ("vrije-tijd", "kinderopvang"),
             "Veel kinderen vertellen na de vakantie dat ze weken thuis zaten. Ouders kennen het aanbod aan "
             "kansentarief niet.",
             ages=(6, 12), families=10, urgency="low", prefers=("free",)),
    NeedSpec("schermgebruik", "990103", "Opvoedingsvragen over schermgebruik", ("opvoeding", "digitaal"),
             "Op het oudercontact vragen ouders hoe ze grenzen stellen aan gamen en smartphonegebruik.",
             ages=(6, 12), families=12, urgency="low", prefers=("walk_in",)),
    NeedSpec("vluchtverhaal", "990103", "Kinderen met een vluchtverhaal tonen angst", ("psychisch", "veiligheid"),
             "Een aantal nieuwkomers in de lagere school slaapt slecht, schrikt bij harde geluiden en trekt zich "
             "terug. Ouders willen hulp maar vrezen lange wachtlijsten.",
             ages=(6, 12), languages=("uk", "ar", "ti"), families=4, urgency="high",
             prefers=("at_school", "no_waiting_list")),
    NeedSpec("vervoer-opvang", "990104", "Geen vervoer naar de naschoolse opvang", ("mobiliteit", "kinderopvang"),
             "De opvang ligt aan de andere kant van de deelgemeente. Ouders zonder auto kunnen hun kinderen er "
             "niet krijgen.",
             ages=(3, 9), families=4),
    NeedSpec("schulden", "990104", "Aanmaningen en schulden", ("inkomen",),
             "Ouders vertellen de zorgcoördinator over stapels aanmaningen. Ze weten niet waar ze moeten "
             "beginnen.",
             families=3, prefers=("outreach",), status="addressed"),
    NeedSpec("consultatiebureau", "990105", "Jonge gezinnen kennen het consultatiebureau niet", ("gezondheid",),
             "Bij de instap van de jongste kleuters blijkt dat sommige gezinnen geen vaccinaties of "
             "groeicontroles hebben gehad.",
             ages=(2, 4), families=3, urgency="low"),
    NeedSpec("schoolapp", "990105", "Ouders begrijpen de schoolapp niet", ("digitaal", "taal"),
             "Berichten over uitstappen en oudercontacten komen niet aan bij ouders die weinig Nederlands lezen.",
             languages=("pl", "bg", "ro"), families=9, prefers=("at_school",)),
    NeedSpec("vrije-tijd-op-maat", "990106", "Vrijetijdsaanbod op maat voor kinderen met een beperking",
             ("vrije-tijd",),
             "Ouders vinden geen jeugdwerking of kamp dat met de zorgnoden van hun kind kan omgaan.",
             ages=(6, 12), families=6, urgency="low"),
    NeedSpec("wachttijd-therapie", "990106", "Lange wachttijd voor therapie buiten de school",
             ("psychisch", "gezondheid"),
             "Kinderen met een vastgestelde nood aan therapie staan maanden op een wachtlijst. Ouders zoeken "
             "overbrugging.",
             ages=(6, 12), families=5, urgency="high", prefers=("no_waiting_list",)),
    NeedSpec("vochtige-woning", "990107", "Gezinnen in vochtige huurwoningen", ("wonen", "gezondheid"),
             "Kinderen zijn vaak ziek en ouders vertellen over schimmel in de slaapkamers. Ze durven de "
             "verhuurder niet aan te spreken.",
             families=4, prefers=("outreach",)),
    NeedSpec("werk-en-opvang", "990107", "Ouders zoeken werk maar vinden geen opvang", ("werk", "kinderopvang"),
             "Alleenstaande ouders willen een opleiding of job starten, maar vinden geen opvang voor de "
             "kleuters.",
             ages=(3, 6), families=5),
    NeedSpec("sportkledij", "990108", "Geen turnkledij of zwemgerief", ("basisnoden", "vrije-tijd"),
             "Bij elke zwembeurt blijven er kinderen aan de kant omdat ze geen zwemgerief hebben.",
             ages=(6, 12), families=6, urgency="low", prefers=("free",), status="addressed"),
    NeedSpec("huiswerk-taal", "990109", "Huiswerk lukt thuis niet door de taal", ("leren", "taal"),
             "Ouders willen helpen met huiswerk maar begrijpen de opdrachten niet. Kinderen komen met onafgewerkt "
             "werk naar school.",
             ages=(8, 12), languages=("ar", "so", "ti"), families=7, prefers=("at_school", "free")),
    NeedSpec("scheiding", "990109", "Ouders onder druk door een scheiding", ("opvoeding", "psychisch"),
             "Het schoolteam merkt dat kinderen in de middenbouw lijden onder conflicten tussen ouders die uit "
             "elkaar gaan.",
             ages=(6, 12), families=4),
    NeedSpec("kleuterparticipatie", "990110", "Kleuters komen onregelmatig naar school", ("leren", "opvoeding"),
             "Een groep kleuters is vaak afwezig. Ouders zien het belang van de kleuterklas niet altijd.",
             ages=(3, 5), families=5, prefers=("outreach",)),
    NeedSpec("polderbus", "990111", "Geen bus naar hulpverlening in de polder", ("mobiliteit",),
             "Gezinnen zonder auto geraken niet bij diensten in Beveren; de bus rijdt zelden.",
             families=8),
    NeedSpec("spanningen-thuis", "990112", "Signalen van spanningen en geweld thuis", ("veiligheid", "psychisch"),
             "Het schoolteam merkt bij enkele kinderen signalen van spanningen en geweld thuis. De school wil "
             "weten welke hulp ouders zelf kunnen contacteren.",
             ages=(6, 12), families=2, urgency="high", prefers=("no_waiting_list",)),
    NeedSpec("huisarts", "990113", "Nieuwkomers zonder huisarts", ("gezondheid", "rechten"),
             "Nieuw aangekomen gezinnen hebben geen huisarts en weten niet hoe ze zich moeten inschrijven bij "
             "een ziekenfonds.",
             languages=("uk", "ar", "fa"), families=6),
    NeedSpec("groeipakket", "990114", "Hulp bij aanvragen voor Groeipakket en schooltoeslag",
             ("rechten", "inkomen"),
             "Ouders laten de schooltoeslag liggen omdat ze niet weten dat ze er recht op hebben.",
             families=5, prefers=("walk_in",), status="withdrawn"),
    NeedSpec("oudercontact", "990115", "Weinig contact tussen ouders en school", ("leren", "opvoeding"),
             "Een deel van de ouders komt nooit naar het oudercontact of een schoolfeest.",
             languages=("tr", "ar"), families=10, urgency="low", status="withdrawn"),
    NeedSpec("voedselhulp-ver", "990116", "Voedselhulp ver buiten de gemeente", ("basisnoden", "mobiliteit"),
             "Gezinnen halen voedselpakketten in een andere gemeente en verliezen daar een halve dag aan.",
             families=4, urgency="high"),
    NeedSpec("seizoensarbeid", "990117", "Kinderen lang alleen thuis tijdens seizoensarbeid",
             ("kinderopvang", "opvoeding"),
             "In de oogstperiode werken ouders lange dagen. Kinderen zijn na school uren alleen.",
             ages=(6, 12), languages=("pl", "ro", "bg"), families=5),
    NeedSpec("stress", "990118", "Ouders vragen steun bij stress en somberheid", ("psychisch",),
             "Ouders vertellen de brugfiguur dat ze slecht slapen en het overzicht kwijt zijn.",
             families=4, prefers=("walk_in",)),
    NeedSpec("energiefactuur", "990118", "Energiefactuur te hoog", ("wonen", "inkomen"),
             "Gezinnen stoken hun woning niet meer op; kinderen komen met een jas in de klas zitten.",
             families=6, urgency="high", status="addressed"),
    NeedSpec("buitenschoolse-activiteiten", "990120", "Kinderen doen niet mee aan buitenschoolse activiteiten",
             ("vrije-tijd",),
             "Veel kinderen zijn niet aangesloten bij een sportclub of jeugdbeweging, vooral door de kosten.",
             ages=(6, 12), families=9, urgency="low", prefers=("free",), status="addressed"),
    # Two genuine gaps: nothing in reach answers them (see GAP_NEEDS).
    NeedSpec("kleuters-vervoer", "990114", "Kleuters uit de gehuchten geraken niet op school", ("mobiliteit",),
             "Sinds de schoolbus naar de gehuchten is afgeschaft, blijven kleuters van gezinnen zonder auto "
             "thuis bij regen of als een ouder vroeg moet werken. Te voet is het drie kilometer langs een "
             "drukke gewestweg.",
             ages=(3, 5), families=6, urgency="high", prefers=("free",)),
    NeedSpec("toestel-eerste-graad", "990107", "Geen toestel thuis om met de lees- en rekenapps te oefenen",
             ("digitaal",),
             "In de eerste graad oefenen kinderen thuis met de lees- en rekenapps van de school. Een deel van "
             "de gezinnen heeft enkel de smartphone van een ouder, die overdag mee naar het werk gaat.",
             ages=(6, 8), families=7, prefers=("free",)),
]  # fmt: skip

# The refs of the needs that no offer in reach answers: the demo's gaps.
GAP_NEEDS = ("kleuters-vervoer", "toestel-eerste-graad")


@dataclass(frozen=True)
class MatchSpec:
    need: str
    offer: str
    status: str
    message: str
    decline_reason: str = ""
    decline_note: str = ""


MATCH_REQUESTS = [
    MatchSpec("schoolkosten", "sn-schoolkosten", "accepted",
              "Kunnen jullie met ons bekijken hoe we de schoolkosten voor deze gezinnen opvangen?"),
    MatchSpec("ontbijt", "bw-cl-buurtrestaurant", "accepted",
              "Zouden jullie een ontbijt op school willen mee organiseren?"),
    MatchSpec("vluchtverhaal", "cgg-trauma", "sent",
              "De ouders staan open voor hulp, liefst op school en met een tolk."),
    MatchSpec("wachttijd-therapie", "cgg-kinderen", "declined",
              "Is er een mogelijkheid om deze kinderen sneller te zien?",
              decline_reason="no_capacity",
              decline_note="Onze wachtlijst is twintig weken. We raden intussen de eerstelijnspsycholoog aan."),
    MatchSpec("huiswerk-taal", "lb-huiswerk", "declined",
              "Hebben jullie plaats voor een groepje kinderen uit Beveren?",
              decline_reason="outside_area",
              decline_note="We werken enkel in Sint-Niklaas. Het Huis van het Kind in Beveren kent lokaal aanbod."),
    MatchSpec("polderbus", "bkz-vervoer", "proposed",
              "Kan de vervoerdienst ook ritten naar hulpverlening voor gezinnen met kinderen doen?"),
    MatchSpec("huisarts", "int-tolk", "sent",
              "Voor een infomoment over huisartsen en ziekenfondsen zoeken we tolken Oekraïens en Arabisch."),
    MatchSpec("oudercontact", "tl-oudercafe", "withdrawn",
              "Zouden jullie een taalcafé op onze school kunnen starten?"),
]  # fmt: skip


@dataclass(frozen=True)
class CollaborationSpec:
    school: str
    title: str
    status: str
    organisations: tuple[str, ...]
    needs: tuple[str, ...]
    domains: tuple[str, ...]
    start: int | None  # days from the day of creation
    end: int | None
    review: int | None
    match: tuple[str, str] | None = None  # (need ref, offer key) of the accepted request it came from


COLLABORATIONS = [
    CollaborationSpec("990101", "Schoolkosten samen aanpakken", "active", ("sociaal-huis-sint-niklaas",),
                      ("schoolkosten",), ("inkomen", "leren"), -120, None, 40,
                      match=("schoolkosten", "sn-schoolkosten")),
    CollaborationSpec("990102", "Ontbijt op school", "active",
                      ("buurtwerk-clementwijk", "sociaal-huis-sint-niklaas"), ("ontbijt",),
                      ("basisnoden", "gezondheid"), -60, None, 9, match=("ontbijt", "bw-cl-buurtrestaurant")),
    CollaborationSpec("990101", "Taalcafé voor ouders", "agreed", ("integratiepunt-waasland",),
                      ("nederlands-oefenen",), ("taal",), 14, None, 100),
    CollaborationSpec("990101", "Laptops voor de derde graad", "evaluated", ("digipunt-waasland",), ("laptop",),
                      ("digitaal", "leren"), -300, -100, -90),
    CollaborationSpec("990120", "Vakantiewerking voor iedereen", "ended",
                      ("vrijetijdspunt-waasland", "de-zonnewijzer"), ("buitenschoolse-activiteiten",),
                      ("vrije-tijd",), -400, -200, -220),
    CollaborationSpec("990109", "Schoolbrug Beveren", "proposed",
                      ("samenlevingsopbouw-waasland", "huis-van-het-kind-beveren-kruibeke-zwijndrecht"),
                      ("huiswerk-taal", "scheiding"), ("leren", "taal", "opvoeding"), None, None, 30),
    CollaborationSpec("990118", "Energie besparen met gezinnen", "evaluated",
                      ("sociaal-huis-lokeren", "woonloket-waasland"), ("energiefactuur",), ("wonen", "inkomen"),
                      -250, -30, -20),
    CollaborationSpec("990103", "Welbevinden na een vluchtverhaal", "proposed",
                      ("cgg-waasland", "integratiepunt-waasland"), ("vluchtverhaal",), ("psychisch", "veiligheid"),
                      None, None, 21),
    CollaborationSpec("990108", "Zwemgerief en turnkledij", "ended", ("het-snuffelhuis", "vrijetijdspunt-waasland"),
                      ("sportkledij",), ("basisnoden", "vrije-tijd"), -200, -60, -70),
    CollaborationSpec("990110", "Samen naar de kleuterklas in Melsele", "agreed",
                      ("huis-van-het-kind-beveren-kruibeke-zwijndrecht", "inloopteam-het-nestje"),
                      ("kleuterparticipatie",), ("leren", "opvoeding"), 7, None, 90),
]  # fmt: skip


# --- how each collaboration works: the practice guide's why, conditions, who does what, learning ---

IN_PLACE, CHALLENGE, NOT_DISCUSSED = "in_place", "challenge", "open"


@dataclass(frozen=True)
class RoleSpec:
    actor: str
    tasks: str
    limits: str


@dataclass(frozen=True)
class LearningSpec:
    side: str
    what_happened: str
    learned: str
    take_away: str = ""
    days: int = -30  # when it was written, from the day the entry is first created


@dataclass(frozen=True)
class CollaborationDetail:
    form: str
    urgency: str
    goals: str
    default_state: str  # the state of every condition not named in `conditions`
    conditions: dict[str, tuple[str, str]]  # condition kind -> (state, note)
    roles: tuple[RoleSpec, ...]
    learning: tuple[LearningSpec, ...] = ()


# Keyed by the collaboration's title (unique in the demo region).
COLLABORATION_DETAILS = {
    "Schoolkosten samen aanpakken": CollaborationDetail(
        "consultation_hours", "high",
        "Geen kind blijft nog thuis op een dag met een betalende uitstap. Een maatschappelijk werker van het "
        "Sociaal Huis houdt om de twee weken spreekuur op school, zodat ouders zonder omweg hulp kunnen vragen "
        "bij de schoolfactuur. Samen spreiden we de kosten beter over het schooljaar.",
        IN_PLACE,
        {
            "time": (CHALLENGE, "Het spreekuur valt op dezelfde dag als het zorgoverleg van de zorgcoördinator."),
            "practical": (CHALLENGE, "Geen vast lokaal op woensdag; het spreekuur verhuist dan naar de refter."),
            "privacy": (IN_PLACE, "Ouders geven zelf toestemming voor het delen van de schoolfactuur."),
            "funding": (IN_PLACE, "Tussenkomsten uit het budget voor maatschappelijke participatie."),
        },
        (
            RoleSpec("school",
                     "De zorgcoördinator spreekt ouders aan bij een openstaande factuur en nodigt hen uit op het "
                     "spreekuur. De school maakt een overzicht van alle kosten per leerjaar.",
                     "We vragen ouders geen bewijs van hun inkomen en sturen geen factuur naar een incassobureau "
                     "zolang het traject loopt."),
            RoleSpec("welfare",
                     "Spreekuur op school om de twee weken: samen met ouders het recht op schooltoeslag, UiTPAS "
                     "en een tussenkomst bekijken.",
                     "We betalen niets rechtstreeks aan de school zonder akkoord van de ouders en doen via dit "
                     "spreekuur geen budgetbeheer."),
            RoleSpec("bridge_figure",
                     "Stapt mee naar het eerste gesprek en zorgt dat ouders daarna zelf de weg naar het Sociaal "
                     "Huis vinden.",
                     "Beslist niet over financiële hulp en houdt geen dossier bij."),
        ),
        (
            LearningSpec("school",
                         "Na drie spreekuren kwamen er meer ouders dan verwacht, ook met andere vragen dan de "
                         "schoolfactuur.",
                         "Ouders stappen makkelijker naar iemand die ze op school leren kennen dan naar een loket "
                         "in de stad.",
                         "We stellen de maatschappelijk werker voortaan voor op het eerste oudercontact.", -90),
            LearningSpec("welfare",
                         "Een aanvraag voor een tussenkomst bleef hangen omdat op de schoolfactuur niet stond "
                         "waarvoor elk bedrag diende.",
                         "Scholen werken met een maximumfactuur per leerjaar; de details zitten in hun "
                         "administratie, niet op de factuur.",
                         "We vragen de school meteen een kostenoverzicht per leerjaar.", -60),
            LearningSpec("bridge_figure",
                         "Twee gezinnen bleven weg nadat de uitnodiging enkel via de schoolapp was verstuurd.",
                         "Een persoonlijke uitnodiging aan de schoolpoort werkt beter dan een bericht in de app.",
                         days=-20),
        ),
    ),
    "Ontbijt op school": CollaborationDetail(
        "joint_activity", "high",
        "Elke schooldag een gezond ontbijt voor kinderen die zonder eten naar school komen, zonder dat ze "
        "daarvoor apart gezet worden. Het buurtrestaurant levert, vrijwilligers uit de wijk helpen mee en de "
        "school houdt het ontbijt open voor alle kinderen.",
        IN_PLACE,
        {
            "funding": (CHALLENGE, "De subsidie voor voeding loopt af in juni; verlenging is nog niet zeker."),
            "practical": (CHALLENGE, "Geen koelkast in de refter; de melk moet elke ochtend vers komen."),
            "time": (IN_PLACE, "Ontbijt van 8 tot 8.25 u., voor de bel."),
            "management": (IN_PLACE, "De directie schuift elke maandag mee aan."),
        },
        (
            RoleSpec("school",
                     "Zet de refter open vanaf 8 uur, voorziet een leerkracht voor het toezicht en bespreekt "
                     "kinderen die vaak zonder ontbijt komen op het zorgoverleg.",
                     "We vragen kinderen niet waarom ze niet ontbeten hebben en houden geen lijst bij van wie "
                     "er komt."),
            RoleSpec("welfare",
                     "Het buurtrestaurant levert brood, beleg en fruit en brengt twee vrijwilligers mee. Het "
                     "Sociaal Huis betaalt de voeding.",
                     "Geen maaltijden op woensdagnamiddag of in de vakanties via de school."),
            RoleSpec("bridge_figure",
                     "Is op maandag aan de ontbijttafel en maakt een praatje met ouders die hun kind brengen.",
                     "Verwijst niemand door die daar niet zelf om vraagt."),
            RoleSpec("parents",
                     "Enkele ouders zetten om beurten mee klaar en ruimen af.",
                     "Ouders houden geen toezicht op de kinderen."),
        ),
        (
            LearningSpec("welfare",
                         "In de eerste weken kwamen vooral kinderen die thuis al gegeten hadden; de kinderen voor "
                         "wie het bedoeld was, bleven weg.",
                         "Leerkrachten zien wie honger heeft en kunnen kinderen zonder ophef uitnodigen; een open "
                         "aanbod alleen bereikt hen niet.",
                         "Naast het open ontbijt nodigen de leerkrachten nu ook persoonlijk uit.", -40),
            LearningSpec("school",
                         "Een vrijwilliger vroeg een kind aan tafel naar de situatie thuis.",
                         "Vrijwilligers kennen de afspraken van de school over discretie niet vanzelf.",
                         "Elke nieuwe vrijwilliger krijgt een korte kennismaking met onze zorgafspraken.", -15),
        ),
    ),
    "Taalcafé voor ouders": CollaborationDetail(
        "joint_activity", "low",
        "Ouders oefenen elke week Nederlands op school terwijl hun kinderen in de klas zitten. De oefeningen gaan "
        "over wat ouders op school nodig hebben: een brief lezen, een oudercontact, de schoolapp. Na een jaar "
        "bekijken we samen of ouders vlotter met de school communiceren.",
        IN_PLACE,
        {
            "contact_persons": (IN_PLACE, "Een vaste taalcoach en de zorgcoördinator."),
            "practical": (CHALLENGE, "Geen vrij lokaal op vrijdagvoormiddag; de turnzaal is in bespreking."),
            "funding": (NOT_DISCUSSED, ""),
            "privacy": (NOT_DISCUSSED, ""),
            "trust": (IN_PLACE, "Veel ouders kennen de taalcoach al van het onthaal."),
        },
        (
            RoleSpec("school",
                     "Stelt een lokaal ter beschikking, nodigt ouders uit aan de schoolpoort en levert "
                     "schoolbrieven aan als oefenmateriaal.",
                     "De school geeft zelf geen taalles en koppelt deelname nergens aan."),
            RoleSpec("welfare",
                     "Een taalcoach leidt elke vrijdag het taalcafé en helpt ouders die dat willen op weg naar "
                     "lessen Nederlands.",
                     "Geen niveautest en geen attest in het taalcafé."),
            RoleSpec("bridge_figure",
                     "Spreekt ouders aan aan de schoolpoort en gaat de eerste keren mee.",
                     "Tolkt niet tijdens het taalcafé."),
        ),
    ),
    "Laptops voor de derde graad": CollaborationDetail(
        "referral", "medium",
        "Elk kind in de derde graad heeft thuis een werkende laptop en internet om de opdrachten op het "
        "leerplatform te maken. De school verwijst gezinnen naar het Digipunt, dat de laptops uitleent en "
        "ouders en kinderen uitleg geeft.",
        IN_PLACE,
        {
            "privacy": (IN_PLACE, "De school geeft enkel aantallen per klas door; ouders melden zich zelf aan."),
            "funding": (CHALLENGE, "De internetbundels zijn betaald tot het einde van het schooljaar, niet langer."),
            "time": (CHALLENGE, "Ophalen kon enkel tijdens de vrije inloop, niet na schooltijd."),
        },
        (
            RoleSpec("school",
                     "Gaat na welke kinderen thuis geen computer hebben en geeft ouders een verwijsbrief mee.",
                     "De school herstelt geen laptops en beheert de internetbundels niet."),
            RoleSpec("welfare",
                     "Leent een herstelde laptop met internetbundel uit en toont ouders en kind hoe het "
                     "leerplatform werkt.",
                     "Geen software op maat van de school en geen hulp aan huis."),
            RoleSpec("bridge_figure",
                     "Gaat mee naar het Digipunt met ouders die de weg niet kennen.",
                     "Neemt geen laptops in bewaring."),
        ),
        (
            LearningSpec("school",
                         "Vier laptops bleven een maand ongebruikt omdat de kinderen niet op het leerplatform "
                         "konden inloggen.",
                         "Het Digipunt maakt de laptop klaar, maar kent de accounts van de school niet.",
                         "De inloggegevens gaan voortaan mee in een gesloten omslag met de verwijsbrief.", -200),
            LearningSpec("bridge_figure",
                         "Ouders dachten dat ze de laptop moesten kopen en kwamen niet opdagen.",
                         "Het woord 'waarborg' schrikt af als niemand uitlegt dat je het terugkrijgt.",
                         "In de uitnodiging staat nu in eenvoudige taal dat de waarborg terugkomt.", -150),
            LearningSpec("welfare",
                         "Bij de evaluatie bleek dat de kinderen de laptop vooral voor rekenoefeningen gebruikten.",
                         "De school ziet precies welke opdrachten thuis blijven liggen; daarmee installeren wij "
                         "de juiste programma's.",
                         days=-95),
        ),
    ),
    "Vakantiewerking voor iedereen": CollaborationDetail(
        "referral", "low",
        "Meer kinderen van de school gaan in de zomer op kamp of naar het speelplein. Het Vrijetijdspunt houdt "
        "plaatsen vrij aan kansentarief en De Zonnewijzer stapt met ouders mee naar de inschrijving.",
        IN_PLACE,
        {
            "trust": (IN_PLACE, "Ouders kennen de ervaringsdeskundigen van De Zonnewijzer."),
            "practical": (CHALLENGE, "Inschrijven kon enkel online; niet elk gezin heeft een computer."),
            "time": (CHALLENGE, "De inschrijvingen openden in maart, te vroeg voor veel gezinnen."),
            "funding": (IN_PLACE, "Kansentarief via de UiTPAS."),
        },
        (
            RoleSpec("school",
                     "Deelt de folder uit in de klas en brengt de zomer ter sprake op het laatste oudercontact.",
                     "De school schrijft zelf geen kinderen in."),
            RoleSpec("welfare",
                     "Het Vrijetijdspunt houdt plaatsen vrij aan kansentarief; De Zonnewijzer helpt bij het "
                     "inschrijven en regelt vervoer naar het kamp.",
                     "We betalen geen kampen volledig terug en voorzien geen opvang buiten de kampuren."),
            RoleSpec("bridge_figure",
                     "Bekijkt met ouders welk kamp past en legt de UiTPAS uit.",
                     "Beslist niet in de plaats van ouders."),
            RoleSpec("parents",
                     "Ervaringsdeskundigen vertellen op de infoavond hoe de kampen verliepen.",
                     "Ze spreken niet in naam van andere gezinnen."),
        ),
        (
            LearningSpec("bridge_figure",
                         "Van de negen gezinnen die interesse toonden, schreven er zes in; drie haakten af bij "
                         "het online formulier.",
                         "De Zonnewijzer weet welke stap voor ouders te groot is; samen inschrijven op een avond "
                         "werkt beter dan een link.",
                         "Volgend jaar houden we een inschrijfavond op school.", -230),
            LearningSpec("welfare",
                         "De kinderen die meegingen, vroegen in september of ze volgend jaar weer mochten.",
                         "De school kent het ritme van gezinnen: veel ouders beslissen pas na het rapport van "
                         "juni over de zomer.",
                         "We houden plaatsen vrij tot eind juni in plaats van tot april.", -190),
        ),
    ),
    "Schoolbrug Beveren": CollaborationDetail(
        "structural", "medium",
        "Opbouwwerkers en het Huis van het Kind zijn op vaste momenten op school voor ouders. We starten met een "
        "oudergroep rond huiswerk en een aanspreekpunt voor ouders die uit elkaar gaan. Na een schooljaar "
        "beslissen we samen of dit een vaste werking wordt.",
        NOT_DISCUSSED,
        {
            "shared_goals": (IN_PLACE, "Beide partners willen ouders meer betrekken bij huiswerk en schoolleven."),
            "management": (CHALLENGE, "De nieuwe directie herbekijkt eerst het beleid rond ouderbetrokkenheid."),
        },
        (
            RoleSpec("school",
                     "Stelt een ouderlokaal ter beschikking en brengt ouders in contact met de oudergroep.",
                     "De school neemt geen begeleiding van ouders in scheiding op zich."),
            RoleSpec("welfare",
                     "Samenlevingsopbouw begeleidt de oudergroep; het Huis van het Kind houdt een spreekmoment "
                     "voor ouders in scheiding.",
                     "Geen huiswerkbegeleiding van kinderen zelf."),
            RoleSpec("bridge_figure",
                     "Brengt de partners samen en bewaakt de afspraken.",
                     "Leidt zelf geen oudergroep."),
            RoleSpec("clb",
                     "Denkt mee over kinderen die onder een scheiding lijden en verwijst door waar nodig.",
                     "Het CLB neemt de begeleiding van ouders niet over."),
        ),
    ),
    "Energie besparen met gezinnen": CollaborationDetail(
        "structural", "high",
        "Gezinnen met een te hoge energiefactuur krijgen via de school een energiecoach aan huis en hulp bij het "
        "sociaal tarief. De school signaleert, het Sociaal Huis en het Woonloket volgen op. Samen brengen we in "
        "kaart welke woningen dringend aangepakt moeten worden.",
        IN_PLACE,
        {
            "privacy": (CHALLENGE, "Lang overleg over wat de school mag doorgeven; nu melden ouders zich zelf aan."),
            "trust": (CHALLENGE, "Huurders vrezen problemen met de verhuurder als er iemand komt kijken."),
            "funding": (IN_PLACE, "De energiecoaches worden betaald door het lokaal bestuur."),
        },
        (
            RoleSpec("school",
                     "Ziet signalen (kinderen met een jas in de klas, afwezigheden bij koude) en geeft ouders de "
                     "folder van het Sociaal Huis.",
                     "De school komt niet aan huis en spreekt niet met verhuurders."),
            RoleSpec("welfare",
                     "Het Sociaal Huis bekijkt rechten en sociaal tarief; het Woonloket stuurt een energiecoach "
                     "aan huis.",
                     "We betalen via deze samenwerking geen energiefacturen en voeren geen huurgeschillen voor "
                     "de rechter."),
            RoleSpec("bridge_figure",
                     "Brengt ouders en Sociaal Huis samen en vraagt na of de coach langs is geweest.",
                     "Geeft geen energieadvies zelf."),
            RoleSpec("local_government",
                     "Betaalt de energiecoaches en neemt de straten met terugkerende problemen mee in het "
                     "woonbeleid.",
                     "Krijgt geen gegevens van afzonderlijke gezinnen."),
        ),
        (
            LearningSpec("welfare",
                         "Van de zes gezinnen kregen er vier een bezoek van de energiecoach; twee wilden niemand "
                         "over de vloer.",
                         "De brugfiguur wist dat vertrouwen pas groeit na een tweede gesprek op school, niet na "
                         "een brief van het Sociaal Huis.",
                         "Het eerste gesprek gebeurt nu op school, samen met de brugfiguur.", -120),
            LearningSpec("school",
                         "Leerkrachten wisten niet wat ze met hun vermoedens moesten doen.",
                         "Het Sociaal Huis vraagt geen bewijs: een signaal volstaat om ouders uit te nodigen.",
                         "In de leraarskamer hangt nu een korte fiche: wat zien we, wie spreken we aan.", -60),
            LearningSpec("bridge_figure",
                         "Bij de evaluatie bleken verschillende woningen in dezelfde straat hetzelfde vochtprobleem "
                         "te hebben.",
                         "Het Woonloket kan met zo'n signaal naar het lokaal bestuur, wat een school alleen niet "
                         "kan.",
                         "Terugkerende problemen melden we voortaan als drempel.", -25),
        ),
    ),
    "Welbevinden na een vluchtverhaal": CollaborationDetail(
        "case_consultation", "high",
        "Een maandelijks casusoverleg zonder namen tussen het zorgteam, het CLB, het CGG en het Integratiepunt "
        "over kinderen met een vluchtverhaal die angst tonen. We leren signalen herkennen en spreken af wie met "
        "ouders praat, met een tolk als dat nodig is.",
        NOT_DISCUSSED,
        {
            "privacy": (IN_PLACE, "Overleg zonder namen; aanmelden bij het CGG enkel met toestemming van de ouders."),
            "shared_goals": (IN_PLACE, "Welbevinden eerst, leren volgt."),
            "time": (CHALLENGE, "Het CGG kan maar één uur per maand vrijmaken."),
        },
        (
            RoleSpec("school",
                     "Het zorgteam brengt situaties zonder namen in en zorgt voor een rustige plek in de klas.",
                     "De school stelt geen diagnose en vraagt kinderen niet naar hun vlucht."),
            RoleSpec("welfare",
                     "Het CGG geeft advies in het overleg; het Integratiepunt boekt een sociaal tolk voor "
                     "gesprekken met ouders.",
                     "Geen therapie op school zonder aanmelding."),
            RoleSpec("clb",
                     "Leidt het overleg en meldt kinderen aan bij het CGG als ouders dat willen.",
                     "Het CLB geeft zelf geen therapie."),
            RoleSpec("parents",
                     "Beslissen zelf over een aanmelding en krijgen uitleg in hun eigen taal.",
                     "Ouders zitten niet mee aan het casusoverleg."),
        ),
    ),
    "Zwemgerief en turnkledij": CollaborationDetail(
        "joint_activity", "low",
        "Geen kind blijft nog aan de kant bij de zwembeurt of de turnles. Het Snuffelhuis houdt twee keer per "
        "jaar een ruilbeurs met zwem- en turnkledij op school en het Vrijetijdspunt geeft er uitleg over sporten "
        "aan kansentarief.",
        IN_PLACE,
        {
            "practical": (CHALLENGE, "Het Snuffelhuis ligt in Stekene; de kledij kwam telkens met een bestelwagen."),
            "contact_persons": (CHALLENGE, "Halverwege het jaar wisselde de contactpersoon bij het Snuffelhuis."),
        },
        (
            RoleSpec("school",
                     "Zamelt afgedankte zwem- en turnkledij in en zet de turnzaal open voor de ruilbeurs.",
                     "De school leent geen zwemgerief uit aan afzonderlijke kinderen."),
            RoleSpec("welfare",
                     "Het Snuffelhuis sorteert en brengt de kledij; het Vrijetijdspunt staat met een infostand "
                     "op de beurs.",
                     "Op school wordt niets aan volle prijs verkocht."),
        ),
        (
            LearningSpec("school",
                         "Op de eerste ruilbeurs kwamen vooral ouders die zelf kledij kwamen brengen.",
                         "Het Snuffelhuis wist dat een ruilbeurs voor iedereen minder beschamend is dan een "
                         "gratis uitdeling.",
                         "In onze brieven heet het voortaan ruilbeurs, nooit gratis kledij.", -120),
            LearningSpec("welfare",
                         "Na de tweede beurs zat er geen kind meer zonder zwemgerief aan de kant.",
                         "De turnleerkracht zag de noden als eerste; zonder die signalen hadden we de maten niet "
                         "gekend.",
                         days=-65),
        ),
    ),
    "Samen naar de kleuterklas in Melsele": CollaborationDetail(
        "consultation_hours", "medium",
        "Meer kleuters komen regelmatig naar school. Een medewerker van het inloopteam staat elke dinsdagochtend "
        "aan de schoolpoort en in de kleuterklas, zodat ouders van jonge kinderen de school leren kennen. Samen "
        "met de kleuterleid(st)ers nodigen we ouders uit voor een kijkmoment in de klas.",
        IN_PLACE,
        {
            "time": (IN_PLACE, "Elke dinsdag van 8.15 tot 9.30 u."),
            "practical": (IN_PLACE, "Een koffiehoek in de gang bij de kleuterklassen."),
            "privacy": (CHALLENGE, "Nog geen afspraak over hoe de school afwezigheden met het inloopteam bespreekt."),
            "trust": (NOT_DISCUSSED, ""),
            "management": (NOT_DISCUSSED, ""),
        },
        (
            RoleSpec("school",
                     "De kleuterleid(st)ers nodigen ouders uit voor het kijkmoment en melden aan de zorgcoördinator "
                     "wanneer een kleuter vaak afwezig is.",
                     "De school belt ouders niet op over elke afwezigheid van een kleuter."),
            RoleSpec("welfare",
                     "Het inloopteam staat wekelijks aan de schoolpoort; het Huis van het Kind helpt ouders met "
                     "vragen over opvoeden en opvang.",
                     "We controleren geen aanwezigheden en gaan niet op huisbezoek zonder vraag van de ouders."),
            RoleSpec("bridge_figure",
                     "Brengt de kleuterjuffen en het inloopteam samen en volgt de afspraken op.",
                     "Spreekt ouders niet aan in naam van de school over afwezigheden."),
            RoleSpec("parents",
                     "Ouders die de school al kennen, nemen nieuwe ouders mee naar de koffiehoek.",
                     "Ze geven geen informatie over andere gezinnen door."),
        ),
    ),
}  # fmt: skip


# --- drempels: structural barriers the bridge figures signal to local policy ------------------------


@dataclass(frozen=True)
class BarrierSpec:
    nis: str
    kind: str
    note: str
    school: str | None = None  # institution number
    reporter: str | None = None  # e-mail of the bridge figure who signalled it
    days: int = -30  # when it was signalled, from the day the row is first created


BRUGFIGUUR_SN, BRUGFIGUUR_LOKEREN, BRUGFIGUUR_BKZ = (email for email, _employer, _schools in BRIDGE_FIGURES)

BARRIERS = [
    BarrierSpec(SINT_NIKLAAS, "school_costs",
                "De meerdaagse uitstap in het zesde leerjaar kost meer dan veel gezinnen kunnen betalen; ouders "
                "haken af nog voor ze om een spreiding vragen.",
                school="990101", reporter=BRUGFIGUUR_SN, days=-75),
    BarrierSpec(SINT_NIKLAAS, "digital",
                "Leerplatform en schoolapps veronderstellen een toestel per kind; in veel gezinnen is er één "
                "smartphone voor iedereen.",
                reporter=BRUGFIGUUR_SN, days=-40),
    BarrierSpec(SINT_NIKLAAS, "waiting_lists",
                "Twintig weken wachten op therapie voor kinderen; de scholen moeten de overbrugging zelf "
                "opvangen.",
                reporter=BRUGFIGUUR_SN, days=-12),
    BarrierSpec(LOKEREN, "language",
                "Brieven van diensten en scholen zijn enkel in moeilijk Nederlands, en een sociaal tolk moet een "
                "week op voorhand geboekt worden.",
                reporter=BRUGFIGUUR_LOKEREN, days=-60),
    BarrierSpec(LOKEREN, "information",
                "Veel ouders kennen hun recht op schooltoeslag en UiTPAS-kansentarief niet; de aanvragen lopen "
                "via drie verschillende loketten.",
                school="990118", reporter=BRUGFIGUUR_LOKEREN, days=-20),
    BarrierSpec(BEVEREN, "transport",
                "De bus naar de polderdorpen rijdt buiten de spits maar om het uur; een afspraak in Beveren "
                "kost ouders zonder auto een halve dag.",
                school="990111", reporter=BRUGFIGUUR_BKZ, days=-50),
    BarrierSpec(BEVEREN, "trust",
                "Gezinnen die eerder met jeugdhulp te maken kregen, wantrouwen elke dienst die de school "
                "voorstelt; een eerste gesprek op school helpt.",
                reporter=BRUGFIGUUR_BKZ, days=-8),
    BarrierSpec(STEKENE, "transport",
                "Sinds de schoolbus naar de gehuchten is afgeschaft, rijdt er op schooluren geen openbaar "
                "vervoer en heeft de mindermobielencentrale geen chauffeurs in Stekene.",
                school="990114", days=-15),
    BarrierSpec(TEMSE, "digital",
                "De laptopactie is enkel voor de derde graad; jongere kinderen oefenen thuis op de smartphone "
                "van een ouder, als die er is.",
                school="990107", days=-10),
]  # fmt: skip


# --- loading -------------------------------------------------------------------------------------


class DemoDataError(RuntimeError):
    """The reference data the demo region builds on is missing."""


@dataclass
class DemoReport:
    created: int = 0
    updated: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {label}" for label, n in self.counts.items())
        return f"Demo region: {counts} ({self.created} created, {self.updated} updated)."


def kbo_number(seed: int) -> str:
    """A KBO number that passes the checksum but starts with 00, below the range the KBO hands out."""
    base = 100000 + seed * 7919
    number = f"{base:08d}{97 - base % 97:02d}"
    if not kbo_is_valid(number):
        raise AssertionError(number)
    return number


def _rng(key: str) -> random.Random:
    """One generator per row, so adding a row to the tables never shifts the others."""
    return random.Random(f"brugwijzer-demo:{key}")


def _offer_variety(spec: OfferSpec) -> dict:
    """Capacity and last confirmation the way the field looks: mostly open, some queues, some stale."""
    rng = _rng(spec.key)
    draw = rng.random()
    capacity = spec.capacity or ("open" if draw < 0.7 else "waiting_list" if draw < 0.9 else "full")
    weeks = spec.waiting_weeks if spec.waiting_weeks is not None else rng.randint(2, 12)
    age = rng.random()
    days = rng.randint(2, 120) if age < 0.6 else rng.randint(121, 360) if age < 0.85 else rng.randint(430, 600)
    return {
        "capacity": capacity,
        "waiting_weeks": weeks if capacity == "waiting_list" else None,
        "confirmed_days_ago": days,
    }


def _row(obj: models.Model) -> tuple[str, int]:
    return (obj._meta.label, obj.pk)


def _email(slug: str) -> str:
    return f"{slug}@example.be"


def _website(slug: str) -> str:
    return f"https://www.example.be/{slug}"


def _phone(index: int, area: str = "03") -> str:
    return f"{area} 000 {index // 100:02d} {index % 100:02d}"


class _Loader:
    def __init__(self, *, with_accounts: bool):
        self.with_accounts = with_accounts
        self.report = DemoReport()
        self.created: set[tuple[str, int]] = set()
        self.updated: set[tuple[str, int]] = set()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self._password_hash = ""

    # -- generic upsert ------------------------------------------------------------------------

    def upsert(self, model: type[models.Model], key: dict, values: dict, initial: dict | None = None):
        """Find the row by `key`; create it, or save it only when one of `values` differs.

        `initial` holds what is only set on creation (dates relative to that day).
        """
        obj = model._default_manager.filter(**key).order_by("pk").first()
        if obj is None:
            obj = model._default_manager.create(**key, **values, **(initial or {}))
            self.created.add(_row(obj))
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            self.updated.add(_row(obj))
        return obj

    def set_m2m(self, obj: models.Model, name: str, ids) -> None:
        manager = getattr(obj, name)
        wanted = set(ids)
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            self.updated.add(_row(obj))

    def days(self, n: int | None) -> date | None:
        return None if n is None else self.today + timedelta(days=n)

    def moment(self, days: int) -> datetime:
        return self.now + timedelta(days=days)

    # -- reference data ----------------------------------------------------------------------------

    def load_reference(self) -> None:
        self.municipalities = {m.nis_code: m for m in Municipality.objects.filter(nis_code__in=REGION)}
        self.domains = dict(LifeDomain.objects.values_list("slug", "id"))
        self.languages = dict(Language.objects.values_list("code", "id"))
        self.kinds = dict(OrganisationKind.objects.values_list("slug", "id"))
        missing = set(REGION) - set(self.municipalities)
        if missing or len(self.domains) < 15 or not self.languages or not self.kinds:
            raise DemoDataError("Load the reference data first: manage.py load_reference_data.")

    def municipality_centres(self) -> None:
        for nis, (lat, lon) in MUNICIPALITY_CENTRES.items():
            municipality = self.municipalities[nis]
            if municipality.latitude is None and municipality.longitude is None:
                municipality.latitude, municipality.longitude = lat, lon
                municipality.save(update_fields=["latitude", "longitude"])
                self.updated.add(_row(municipality))

    # -- people --------------------------------------------------------------------------------

    def password_hash(self) -> str:
        """Hashed once: hashing per account would cost seconds, and the password is public anyway."""
        if not self._password_hash:
            self._password_hash = make_password(settings.BRUGWIJZER_DEMO_PASSWORD)
        return self._password_hash

    def account(self, spec: AccountSpec, **flags) -> User:
        user = User.objects.filter(email=spec.email).first()
        values = {"full_name": spec.full_name, "job_title": spec.job_title, **flags}
        if user is None:
            user = User(email=spec.email, **values)
            if self.with_accounts:
                user.password = self.password_hash()
            else:
                user.set_unusable_password()
            user.save()
            self.created.add(_row(user))
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, values[name])
            if self.with_accounts and not user.has_usable_password():
                user.password = self.password_hash()
                changed.append("password")
            if changed:
                user.save()
                self.updated.add(_row(user))
        if self.with_accounts:
            self.upsert(EmailAddress, {"user": user, "email": spec.email}, {"verified": True, "primary": True})
        return user

    def membership(self, user: User, role: str, **entity: models.Model) -> None:
        """An approved place for a demo login, reusing its live membership (one per user) if it has one."""
        values = {
            "school_id": None,
            "organisation_id": None,
            "clb_id": None,
            "municipality_id": None,
            **{f"{name}_id": obj.pk for name, obj in entity.items()},
            "role": role,
            "status": MembershipStatus.APPROVED,
        }
        existing = Membership.objects.live().filter(user=user).order_by("pk").first()
        if existing is None:
            membership = Membership.objects.create(user=user, decided_at=self.now, decided_by=self.moderator, **values)
            self.created.add(_row(membership))
            return
        changed = [name for name, value in values.items() if getattr(existing, name) != value]
        if changed:
            for name in changed:
                setattr(existing, name, values[name])
            existing.save()
            self.updated.add(_row(existing))

    # -- the region ----------------------------------------------------------------------------

    def schools(self) -> None:
        self.school_by_number = {}
        for index, spec in enumerate(SCHOOLS):
            slug = slugify(spec.name)
            self.school_by_number[spec.number] = self.upsert(
                School,
                {"institution_number": spec.number},
                {
                    "name": spec.name,
                    "level_kleuter": "k" in spec.levels,
                    "level_lager": "l" in spec.levels,
                    "level_buitengewoon": "b" in spec.levels,
                    "level_secundair": False,
                    "network": spec.network,
                    "street": spec.street,
                    "postal_code": spec.postal_code,
                    "municipality_id": self.municipalities[spec.nis].pk,
                    "latitude": spec.latitude,
                    "longitude": spec.longitude,
                    "website": _website(f"scholen/{slug}"),
                    "contact_email": _email(slug),
                    "phone": _phone(200 + index, "09" if spec.nis == LOKEREN else "03"),
                },
                {"verified_at": self.moment(-400 + index * 11)},
            )

    def organisations(self) -> None:
        self.organisation_by_slug = {}
        self.locations_by_slug = {}
        for index, spec in enumerate(ORGANISATIONS):
            organisation = self.upsert(
                Organisation,
                {"external_id": f"demo-org-{spec.slug}"},
                {
                    "name": spec.name,
                    "kind_id": self.kinds[spec.kind],
                    "description": spec.description,
                    "kbo_number": kbo_number(index) if spec.kbo else "",
                    "website": _website(spec.slug),
                    "email": _email(spec.slug),
                    "phone": _phone(100 + index, "09" if spec.locations[0].nis == LOKEREN else "03"),
                },
                {"verified_at": self.moment(-380 + index * 7) if spec.verified else None},
            )
            self.organisation_by_slug[spec.slug] = organisation
            self.locations_by_slug[spec.slug] = [
                self.upsert(
                    Location,
                    {"external_id": f"demo-loc-{spec.slug}-{number}"},
                    {
                        "organisation_id": organisation.pk,
                        "name": location.name,
                        "street": location.street,
                        "postal_code": location.postal_code,
                        "municipality_id": self.municipalities[location.nis].pk,
                        "latitude": location.latitude,
                        "longitude": location.longitude,
                        "opening_hours": location.opening_hours,
                    },
                )
                for number, location in enumerate(spec.locations, start=1)
            ]

    def offers(self) -> None:
        self.offer_by_key = {}
        home = {spec.slug: tuple(dict.fromkeys(loc.nis for loc in spec.locations)) for spec in ORGANISATIONS}
        for spec in OFFERS:
            variety = _offer_variety(spec)
            offer = self.upsert(
                Offer,
                {"external_id": f"demo-offer-{spec.key}"},
                {
                    "organisation_id": self.organisation_by_slug[spec.organisation].pk,
                    "name": spec.name,
                    "description": spec.description,
                    "next_steps": spec.next_steps,
                    "age_min": spec.ages[0],
                    "age_max": spec.ages[1],
                    "cost": spec.cost,
                    "cost_note": spec.cost_note,
                    **{f"access_{mode}": mode in spec.access for mode in
                       ("walk_in", "appointment", "outreach", "at_school", "online")},
                    "capacity": variety["capacity"],
                    "waiting_weeks": variety["waiting_weeks"],
                    "is_active": spec.active,
                },
                {"last_confirmed": self.days(-variety["confirmed_days_ago"])},
            )  # fmt: skip
            self.offer_by_key[spec.key] = offer
            self.set_m2m(offer, "life_domains", [self.domains[slug] for slug in spec.domains])
            self.set_m2m(offer, "languages", [self.languages[code] for code in spec.languages])
            area = spec.area or home[spec.organisation]
            self.set_m2m(offer, "service_area", [self.municipalities[nis].pk for nis in area])
            self.set_m2m(offer, "locations", [loc.pk for loc in self.locations_by_slug[spec.organisation]])

    def clb(self) -> None:
        self.clb_obj = self.upsert(
            CLB,
            {"name": CLB_NAME},
            {
                "network": "GO",
                "email": _email("clb-waasland"),
                "phone": _phone(300),
                "website": _website("clb-waasland"),
                "municipality_id": self.municipalities[SINT_NIKLAAS].pk,
            },
        )
        for school in self.school_by_number.values():
            self.upsert(CLBSchool, {"school": school}, {"clb_id": self.clb_obj.pk})

    def bridge_figures(self) -> None:
        accounts = {spec.email: spec for spec in ACCOUNTS}
        self.broker_for_school = {}
        for email, employer, numbers in BRIDGE_FIGURES:
            user = self.account(accounts[email])
            figure = self.upsert(BridgeFigure, {"user": user}, {"employer_id": self.organisation_by_slug[employer].pk})
            self.set_m2m(figure, "schools", [self.school_by_number[n].pk for n in numbers])
            for number in numbers:
                self.broker_for_school[number] = user

    def needs(self) -> None:
        self.need_by_ref = {}
        self.school_of_need = {spec.ref: spec.school for spec in NEEDS}
        for spec in NEEDS:
            school = self.school_by_number[spec.school]
            broker = self.broker_for_school.get(spec.school)
            need = self.upsert(
                FamilyNeed,
                {"school": school, "title": spec.title},
                {
                    "description": spec.description,
                    "age_min": spec.ages[0],
                    "age_max": spec.ages[1],
                    "family_count": spec.families,
                    "urgency": spec.urgency,
                    **{f"prefers_{p}": p in spec.prefers for p in
                       ("free", "at_school", "outreach", "walk_in", "no_waiting_list")},
                    "status": spec.status,
                    "created_by_id": broker.pk if broker else None,
                },
            )  # fmt: skip
            self.need_by_ref[spec.ref] = need
            self.set_m2m(need, "life_domains", [self.domains[slug] for slug in spec.domains])
            self.set_m2m(need, "home_languages", [self.languages[code] for code in spec.languages])

    def match_requests(self) -> None:
        self.match_by_pair = {}
        for index, spec in enumerate(MATCH_REQUESTS):
            need = self.need_by_ref[spec.need]
            broker = self.broker_for_school.get(self.school_of_need[spec.need])
            sent = spec.status != "proposed"
            answered = spec.status in ("accepted", "declined")
            request = self.upsert(
                MatchRequest,
                {"need": need, "offer": self.offer_by_key[spec.offer]},
                {
                    "proposed_by_id": broker.pk if broker else None,
                    "school_agreed": True,
                    "message": spec.message,
                    "status": spec.status,
                    "decline_reason": spec.decline_reason,
                    "decline_note": spec.decline_note,
                },
                {
                    "sent_at": self.moment(-140 + index * 12) if sent else None,
                    "answered_at": self.moment(-130 + index * 12) if answered else None,
                },
            )
            self.match_by_pair[(spec.need, spec.offer)] = request

    def collaborations(self) -> None:
        self.collaboration_by_title = {}
        for spec in COLLABORATIONS:
            detail = COLLABORATION_DETAILS[spec.title]
            collaboration = self.upsert(
                Collaboration,
                {"school": self.school_by_number[spec.school], "title": spec.title},
                {
                    "status": spec.status,
                    "form": detail.form,
                    "urgency": detail.urgency,
                    "goals": detail.goals,
                    "match_request_id": self.match_by_pair[spec.match].pk if spec.match else None,
                    "broker_id": (
                        self.broker_for_school[spec.school].pk if spec.school in self.broker_for_school else None
                    ),
                },
                {"start_date": self.days(spec.start), "end_date": self.days(spec.end),
                 "review_date": self.days(spec.review)},
            )  # fmt: skip
            self.set_m2m(collaboration, "organisations", [self.organisation_by_slug[s].pk for s in spec.organisations])
            self.set_m2m(collaboration, "needs", [self.need_by_ref[ref].pk for ref in spec.needs])
            self.set_m2m(collaboration, "life_domains", [self.domains[slug] for slug in spec.domains])
            self.collaboration_by_title[spec.title] = collaboration

    def create_once(self, model: type[models.Model], key: dict, initial: dict) -> tuple[models.Model, bool]:
        """Find the row by `key`, or create it with `initial`: what people wrote later is never overwritten."""
        obj = model._default_manager.filter(**key).order_by("pk").first()
        if obj is not None:
            return obj, False
        obj = model._default_manager.create(**key, **initial)
        self.created.add(_row(obj))
        return obj, True

    def backdate(self, obj: models.Model, days: int) -> None:
        """created_at is auto_now_add: set it afterwards, once, so the log and the barriers spread over time."""
        type(obj)._default_manager.filter(pk=obj.pk).update(created_at=self.moment(days))

    def demo_user(self, email: str) -> User | None:
        """A demo login as author, only when the logins exist (with_accounts); bridge figures always exist."""
        if email in {figure_email for figure_email, _employer, _schools in BRIDGE_FIGURES} or self.with_accounts:
            return User.objects.filter(email=email).first()
        return None

    def author_for(self, side: str, collaboration: Collaboration, organisations: tuple[str, ...]) -> User | None:
        """A plausible demo user of that side of the collaboration, or None when the demo has nobody there."""
        if side == Actor.BRIDGE_FIGURE:
            return collaboration.broker
        if side == Actor.SCHOOL and collaboration.school.institution_number == SCHOOLS[0].number:
            return self.demo_user(f"school@{DEMO_DOMAIN}")
        if side == Actor.WELFARE and "sociaal-huis-sint-niklaas" in organisations:
            return self.demo_user(f"welzijn@{DEMO_DOMAIN}")
        if side == Actor.CLB:
            return self.demo_user(f"clb@{DEMO_DOMAIN}")
        return None

    def collaboration_details(self) -> None:
        """Conditions, roles and learning log: created once, then left to the people who work with them."""
        for spec in COLLABORATIONS:
            collaboration = self.collaboration_by_title[spec.title]
            detail = COLLABORATION_DETAILS[spec.title]
            for kind in ConditionKind.values:
                state, note = detail.conditions.get(kind, (detail.default_state, ""))
                self.create_once(
                    CollaborationCondition,
                    {"collaboration": collaboration, "kind": kind},
                    {"state": state, "note": note},
                )
            for role in detail.roles:
                self.create_once(
                    CollaborationRole,
                    {"collaboration": collaboration, "actor": role.actor},
                    {"tasks": role.tasks, "limits": role.limits},
                )
            for entry in detail.learning:
                row, created = self.create_once(
                    LearningEntry,
                    {"collaboration": collaboration, "author_side": entry.side, "what_happened": entry.what_happened},
                    {
                        "author": self.author_for(entry.side, collaboration, spec.organisations),
                        "learned": entry.learned,
                        "take_away": entry.take_away,
                    },
                )
                if created:
                    self.backdate(row, entry.days)

    def barriers(self) -> None:
        for spec in BARRIERS:
            barrier, created = self.create_once(
                Barrier,
                {"municipality": self.municipalities[spec.nis], "kind": spec.kind, "note": spec.note},
                {
                    "school": self.school_by_number[spec.school] if spec.school else None,
                    "reported_by": self.demo_user(spec.reporter) if spec.reporter else None,
                },
            )
            if created:
                self.backdate(barrier, spec.days)

    def demo_logins(self) -> None:
        accounts = {spec.email: spec for spec in ACCOUNTS}
        self.moderator = self.account(
            accounts[f"moderator@{DEMO_DOMAIN}"], is_moderator=True, is_staff=True, is_superuser=True
        )
        first_school = self.school_by_number[SCHOOLS[0].number]
        self.membership(self.account(accounts[f"school@{DEMO_DOMAIN}"]), MembershipRole.ADMIN, school=first_school)
        self.membership(
            self.account(accounts[f"welzijn@{DEMO_DOMAIN}"]),
            MembershipRole.ADMIN,
            organisation=self.organisation_by_slug["sociaal-huis-sint-niklaas"],
        )
        self.membership(self.account(accounts[f"clb@{DEMO_DOMAIN}"]), MembershipRole.MEMBER, clb=self.clb_obj)
        self.membership(
            self.account(accounts[f"gemeente@{DEMO_DOMAIN}"]),
            MembershipRole.MEMBER,
            municipality=self.municipalities[SINT_NIKLAAS],
        )

    def run(self) -> DemoReport:
        self.load_reference()
        self.municipality_centres()
        self.schools()
        self.organisations()
        self.offers()
        self.clb()
        self.bridge_figures()
        self.needs()
        self.match_requests()
        self.collaborations()
        if self.with_accounts:
            self.demo_logins()
        self.collaboration_details()  # after the logins: they may be the authors of the learning log
        self.barriers()
        self.report.created = len(self.created)
        self.report.updated = len(self.updated - self.created)
        demo_emails = [spec.email for spec in ACCOUNTS]
        self.report.counts = {
            "municipalities": len(self.municipalities),
            "schools": len(self.school_by_number),
            "organisations": len(self.organisation_by_slug),
            "offers": len(self.offer_by_key),
            "needs": len(self.need_by_ref),
            "match requests": len(self.match_by_pair),
            "collaborations": len(COLLABORATIONS),
            "barriers": len(BARRIERS),
            "bridge figures": len(BRIDGE_FIGURES),
            "demo logins": EmailAddress.objects.filter(email__in=demo_emails, verified=True).count(),
        }
        return self.report


@transaction.atomic
def seed_demo(*, with_accounts: bool) -> DemoReport:
    """Load the demo region; with_accounts adds the demo logins (only ever in development)."""
    return _Loader(with_accounts=with_accounts).run()
