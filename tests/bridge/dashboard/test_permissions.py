"""Permission matrix of the municipality dashboard, the barrier form and the bridge views.

The shared world's school (and its "other" school) lie in Sint-Niklaas, the municipality every
case is about. Its personas are members of a school or a welfare organisation:

- the dashboard, the municipality's bridge and the index are for local governments, CLB staff,
  bridge figures and moderators: school and welfare members get 403, whatever their role;
- the barrier form is for who works with a school in the municipality: the school's members and
  admins, and the outsider too (an admin of the other school, also in Sint-Niklaas); welfare
  members and pending members get 403;
- a school's bridge is for its approved members, the brokers who serve it and moderators;
  anyone else is told it does not exist (404).

Two more owners are added for the roles the dashboard is built for: "municipality" (members of
Sint-Niklaas's local government; the outsider is Lokeren's) and "clb" (staff of the CLB that
guides the world's school; the outsider is staff of a CLB that guides a school in Lokeren).
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.permissions import LOGIN, Case, World, build_world, check_case, matrix_params

LOKEREN = "46029"


def build_dashboard_world() -> World:
    world = build_world()
    moderator = world.users["school"]["moderator"]
    sint_niklaas = world.school.municipality
    lokeren = factories.municipality(LOKEREN)
    world.users["municipality"] = {
        "outsider": factories.member_of(municipality=lokeren, role="admin", email="outsider-gov@matrix.test"),
        "pending": factories.member_of(
            municipality=sint_niklaas, role="admin", status="pending", email="pending-gov@matrix.test"
        ),
        "member": factories.member_of(municipality=sint_niklaas, email="member-gov@matrix.test"),
        "admin": factories.member_of(municipality=sint_niklaas, role="admin", email="admin-gov@matrix.test"),
        "moderator": moderator,
    }
    clb = factories.CLBFactory()
    factories.CLBSchoolFactory(clb=clb, school=world.school)
    other_clb = factories.CLBFactory()
    factories.CLBSchoolFactory(clb=other_clb, school=factories.SchoolFactory(municipality=lokeren, postal_code="9160"))
    world.users["clb"] = {
        "outsider": factories.member_of(clb=other_clb, role="admin", email="outsider-clb@matrix.test"),
        "pending": factories.member_of(clb=clb, role="admin", status="pending", email="pending-clb@matrix.test"),
        "member": factories.member_of(clb=clb, email="member-clb@matrix.test"),
        "admin": factories.member_of(clb=clb, role="admin", email="admin-clb@matrix.test"),
        "moderator": moderator,
    }
    return world


def municipality(w: World) -> dict:
    return {"nis_code": w.school.municipality.nis_code}


def school(w: World) -> dict:
    return {"school_pk": w.school.pk}


def barrier(w: World) -> dict:
    return {"kind": "transport", "note": "Geen bus tussen de wijk en de school na 17 uur.", "school": ""}


def _statuses(anonymous, outsider, pending, member, admin, moderator) -> dict:
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "pending": pending,
        "member": member,
        "admin": admin,
        "moderator": moderator,
    }


NOT_FOR_MEMBERS = _statuses(LOGIN, 403, 403, 403, 403, 200)
GOVERNMENT_READ = _statuses(LOGIN, 404, 403, 200, 200, 200)
CLB_READ = _statuses(LOGIN, 404, 403, 200, 200, 200)

MATRIX = [
    # The index: a chooser for moderators, a redirect for who has one municipality.
    Case("dashboard:index", owner="organisation", get=NOT_FOR_MEMBERS),
    Case("dashboard:index", owner="school", get=NOT_FOR_MEMBERS),
    Case("dashboard:index", owner="municipality", get=_statuses(LOGIN, 302, 403, 302, 302, 200)),
    Case("dashboard:index", owner="clb", get=_statuses(LOGIN, 302, 403, 302, 302, 200)),
    # The dashboard of Sint-Niklaas.
    Case("dashboard:municipality", kwargs=municipality, owner="organisation", get=NOT_FOR_MEMBERS),
    Case("dashboard:municipality", kwargs=municipality, owner="school", get=NOT_FOR_MEMBERS),
    Case("dashboard:municipality", kwargs=municipality, owner="municipality", get=GOVERNMENT_READ),
    Case("dashboard:municipality", kwargs=municipality, owner="clb", get=CLB_READ),
    Case("dashboard:municipality", kwargs=municipality, owner="municipality", get=GOVERNMENT_READ, htmx=True),
    # The municipality's bridge: the dashboard's audience.
    Case("dashboard:municipality_bridge", kwargs=municipality, owner="organisation", get=NOT_FOR_MEMBERS),
    Case("dashboard:municipality_bridge", kwargs=municipality, owner="school", get=NOT_FOR_MEMBERS),
    Case("dashboard:municipality_bridge", kwargs=municipality, owner="municipality", get=GOVERNMENT_READ),
    Case("dashboard:municipality_bridge", kwargs=municipality, owner="clb", get=CLB_READ),
    # Signalling a barrier: who works with a school there; a local government receives them.
    Case(
        "dashboard:barrier_create",
        kwargs=municipality,
        owner="school",
        get=_statuses(LOGIN, 200, 403, 200, 200, 200),
        post=_statuses(LOGIN, 302, 403, 302, 302, 302),
        data=barrier,
    ),
    Case(
        "dashboard:barrier_create",
        kwargs=municipality,
        owner="organisation",
        get=NOT_FOR_MEMBERS,
        post=_statuses(LOGIN, 403, 403, 403, 403, 302),
        data=barrier,
    ),
    Case(
        "dashboard:barrier_create",
        kwargs=municipality,
        owner="municipality",
        get=_statuses(LOGIN, 404, 403, 403, 403, 200),
        post=_statuses(LOGIN, 404, 403, 403, 403, 302),
        data=barrier,
    ),
    Case(
        "dashboard:barrier_create",
        kwargs=municipality,
        owner="clb",
        get=_statuses(LOGIN, 404, 403, 200, 200, 200),
        post=_statuses(LOGIN, 404, 403, 302, 302, 302),
        data=barrier,
    ),
    # One school's bridge: its members, the brokers who serve it, moderators; others 404.
    Case("dashboard:school_bridge", kwargs=school, owner="school", get=_statuses(LOGIN, 404, 404, 200, 200, 200)),
    Case("dashboard:school_bridge", kwargs=school, owner="organisation", get=_statuses(LOGIN, 404, 404, 404, 404, 200)),
    Case("dashboard:school_bridge", kwargs=school, owner="municipality", get=_statuses(LOGIN, 404, 404, 404, 404, 200)),
    Case("dashboard:school_bridge", kwargs=school, owner="clb", get=_statuses(LOGIN, 404, 404, 200, 200, 200)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_dashboard_world())


@pytest.mark.django_db
def test_the_index_sends_each_to_their_own_municipality():
    world = build_dashboard_world()
    for user, nis_code in (
        (world.users["municipality"]["member"], world.school.municipality.nis_code),
        (world.users["municipality"]["outsider"], LOKEREN),
        (world.users["clb"]["outsider"], LOKEREN),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("dashboard:index"))["Location"] == reverse(
            "dashboard:municipality", kwargs={"nis_code": nis_code}
        )
