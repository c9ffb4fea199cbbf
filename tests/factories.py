"""factory_boy factories: realistic defaults, every required relation filled in."""

import datetime

import factory
from django.utils import timezone

from bridge.models import CLB, BridgeFigure, CLBSchool, Collaboration, MatchRequest
from families.models import FamilyNeed, LifeDomain
from portal.models import Language, Membership, Municipality
from schools.models import School
from welfare.models import Location, Offer, Organisation, OrganisationKind

PASSWORD = "correct-horse-battery"


def municipality(nis_code: str = "46021") -> Municipality:
    """A reference municipality (Sint-Niklaas by default); reference data is always loaded."""
    return Municipality.objects.get(nis_code=nis_code)


def life_domain(slug: str = "leren") -> LifeDomain:
    return LifeDomain.objects.get(slug=slug)


def language(code: str = "nl") -> Language:
    return Language.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portal.User"
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="nl_BE")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """allauth only lets verified addresses log in: give every test user one."""
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Basisschool De Regenboog {n}")
    institution_number = factory.Sequence(lambda n: f"{100000 + n:06d}")
    level_kleuter = True
    level_lager = True
    network = "GO"
    street = "Schoolstraat 1"
    postal_code = "9100"
    municipality = factory.LazyFunction(municipality)
    latitude = 51.1656
    longitude = 4.1437
    contact_email = factory.Sequence(lambda n: f"school{n}@school.test")
    verified_at = factory.LazyFunction(timezone.now)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Welzijnsorganisatie {n}")
    kind = factory.LazyFunction(lambda: OrganisationKind.objects.get(slug="caw"))
    description = "Ondersteunt gezinnen in de regio."
    email = factory.Sequence(lambda n: f"info{n}@welzijn.test")
    verified_at = factory.LazyFunction(timezone.now)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Hoofdzetel"
    street = "Stationsstraat 10"
    postal_code = "9100"
    municipality = factory.LazyFunction(municipality)
    latitude = 51.1700
    longitude = 4.1400
    opening_hours = "Ma–vr 9–12 u."


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Huiswerkbegeleiding {n}")
    description = "Begeleiding bij huiswerk voor kinderen van de lagere school."
    next_steps = "Bel of kom langs tijdens de openingsuren."
    cost = "free"
    access_walk_in = True
    capacity = "open"
    last_confirmed = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))

    @factory.post_generation
    def life_domains(obj, create, extracted, **kwargs):
        if create:
            obj.life_domains.set(extracted or [life_domain("leren")])

    @factory.post_generation
    def service_area(obj, create, extracted, **kwargs):
        if create:
            obj.service_area.set(extracted or [municipality()])

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create:
            obj.languages.set(extracted or [language("nl")])


class FamilyNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyNeed
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    title = "Huiswerkhulp voor kinderen uit de lagere school"
    age_min = 6
    age_max = 12
    family_count = 3
    description = "Enkele gezinnen vinden geen rustige plek of hulp voor huiswerk."

    @factory.post_generation
    def life_domains(obj, create, extracted, **kwargs):
        if create:
            obj.life_domains.set(extracted or [life_domain("leren")])


class CLBFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CLB

    name = factory.Sequence(lambda n: f"CLB Waasland {n}")
    network = "GO"


class CLBSchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CLBSchool

    clb = factory.SubFactory(CLBFactory)
    school = factory.SubFactory(SchoolFactory)


class BridgeFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BridgeFigure

    user = factory.SubFactory(UserFactory)
    employer = factory.SubFactory(
        OrganisationFactory, kind=factory.LazyFunction(lambda: OrganisationKind.objects.get(slug="ocmw"))
    )


class MatchRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRequest

    need = factory.SubFactory(FamilyNeedFactory)
    offer = factory.SubFactory(OfferFactory)


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaboration
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Samenwerking {n}")
    school = factory.SubFactory(SchoolFactory)
    status = "agreed"

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):
        if create:
            obj.organisations.set(extracted or [OrganisationFactory()])


def member_of(*, role: str = "member", status: str = "approved", email: str | None = None, **entity):
    """A user with one membership: member_of(school=s, role="admin")."""
    user = UserFactory(**({"email": email} if email else {}))
    Membership.objects.create(user=user, role=role, status=status, **entity)
    return user
