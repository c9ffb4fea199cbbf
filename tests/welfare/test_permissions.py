"""Permission matrix of an organisation's own pages (welfare.urls).

Members of the organisation keep offers and locations up to date; its admins also edit the
organisation's details and handle suggested corrections; pending members only look; everyone
else gets 404 on the organisation's objects; moderators may do everything.
"""

import pytest
from django.urls import reverse

from families.models import LifeDomain
from portal.models import Language, Municipality
from tests import factories
from tests.permissions import LOGIN, Case, build_world, check_case, matrix_params
from welfare.models import OfferCorrection, OrganisationKind

READ = {"anonymous": LOGIN, "outsider": 404, "pending": 200, "member": 200, "admin": 200, "moderator": 200}
EDIT_GET = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 200, "admin": 200, "moderator": 200}
EDIT_POST = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 302, "admin": 302, "moderator": 302}
EDIT_HTMX = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 200, "admin": 200, "moderator": 200}
ADMIN_GET = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 403, "admin": 200, "moderator": 200}
ADMIN_POST = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 403, "admin": 302, "moderator": 302}


def organisation_data(world) -> dict:
    return {
        "name": "Sociaal Huis Proefstad",
        "kind": OrganisationKind.objects.get(slug="ocmw").pk,
        "description": "Eén loket voor elke vraag.",
        "kbo_number": "",
        "website": "",
        "email": "info@proefstad.test",
        "phone": "",
    }


def location_data(world) -> dict:
    return {"name": "Antenne", "street": "Kerkstraat 1", "postal_code": "9100", "municipality": "", "opening_hours": ""}


def offer_data(world) -> dict:
    return {
        "name": "Huiswerkklas",
        "description": "Elke woensdag huiswerkbegeleiding.",
        "life_domains": [LifeDomain.objects.get(slug="leren").pk],
        "languages": [Language.objects.get(code="nl").pk],
        "cost": "free",
        "access_modes": ["access_walk_in"],
        "capacity": "open",
        "locations": [world.location.pk],
        "service_area": [Municipality.objects.get(nis_code="46021").pk],
        "is_active": "on",
    }


def unused_location(world) -> dict:
    return {"pk": factories.LocationFactory(organisation=world.organisation, name="Oud kantoor").pk}


def inactive_offer(world) -> dict:
    return {"pk": factories.OfferFactory(organisation=world.organisation, is_active=False).pk}


def open_correction(world) -> dict:
    correction = OfferCorrection.objects.create(
        offer=world.offer, suggested_by=factories.UserFactory(), message="Het telefoonnummer klopt niet meer."
    )
    return {"pk": correction.pk}


def organisation(world) -> dict:
    return {"pk": world.organisation.pk}


def offer(world) -> dict:
    return {"pk": world.offer.pk}


def location(world) -> dict:
    return {"pk": world.location.pk}


MATRIX = [
    Case(
        "welfare:mine",
        get={"anonymous": LOGIN, "outsider": 302, "pending": 302, "member": 302, "admin": 302, "moderator": 200},
    ),
    Case("welfare:dashboard", kwargs=organisation, get=READ),
    Case("welfare:organisation_edit", kwargs=organisation, get=ADMIN_GET, post=ADMIN_POST, data=organisation_data),
    Case("welfare:location_create", kwargs=organisation, get=EDIT_GET, post=EDIT_POST, data=location_data),
    Case("welfare:location_edit", kwargs=location, get=EDIT_GET, post=EDIT_POST, data=location_data),
    Case("welfare:location_delete", kwargs=unused_location, get=EDIT_GET, post=EDIT_POST),
    Case("welfare:offer_create", kwargs=organisation, get=EDIT_GET, post=EDIT_POST, data=offer_data),
    Case("welfare:offer_edit", kwargs=offer, get=EDIT_GET, post=EDIT_POST, data=offer_data),
    Case("welfare:offer_capacity", kwargs=offer, get=EDIT_GET, post=EDIT_POST, data=lambda w: {"capacity": "full"}),
    Case(
        "welfare:offer_capacity",
        kwargs=offer,
        get=EDIT_GET,
        post=EDIT_HTMX,
        data=lambda w: {"capacity": "waiting_list", "waiting_weeks": "4"},
        htmx=True,
    ),
    Case("welfare:offer_confirm", kwargs=offer, post=EDIT_POST),
    Case("welfare:offer_confirm", kwargs=offer, post=EDIT_HTMX, htmx=True),
    Case("welfare:offer_deactivate", kwargs=offer, get=EDIT_GET, post=EDIT_POST),
    Case("welfare:offer_deactivate", kwargs=offer, get=EDIT_GET, post=EDIT_HTMX, htmx=True),
    Case("welfare:offer_reactivate", kwargs=inactive_offer, post=EDIT_POST),
    Case("welfare:corrections", kwargs=organisation, get=ADMIN_GET),
    Case("welfare:correction_apply", kwargs=open_correction, post=ADMIN_POST),
    Case("welfare:correction_dismiss", kwargs=open_correction, post=ADMIN_POST),
    Case(
        "welfare:correction_dismiss",
        kwargs=open_correction,
        post={**ADMIN_POST, "admin": 200, "moderator": 200},
        htmx=True,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())


@pytest.mark.django_db
def test_outsider_gets_404_on_every_object_of_another_organisation(client):
    world = build_world()
    client.force_login(world.user("outsider", "organisation"))
    requests = [
        ("get", "welfare:dashboard", world.organisation.pk),
        ("get", "welfare:corrections", world.organisation.pk),
        ("post", "welfare:offer_edit", world.offer.pk),
        ("post", "welfare:offer_confirm", world.offer.pk),
        ("post", "welfare:location_edit", world.location.pk),
        ("post", "welfare:correction_apply", open_correction(world)["pk"]),
    ]
    for method, name, pk in requests:
        response = getattr(client, method)(reverse(name, kwargs={"pk": pk}))
        assert response.status_code == 404, name
