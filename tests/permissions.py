"""The permission matrix: every URL × every persona × GET/POST, with the expected status.

Each app declares its cases in `tests/<app>/test_permissions.py` as a module-level `MATRIX`
list and runs them with `matrix_params(MATRIX)` + `check_case(...)`. `tests/test_url_coverage.py`
fails when a URL of the portal is missing from every matrix.

Personas are relative to the object a URL is about (its `owner`): a member of the school that
stated a need, an admin of the organisation that runs an offer, an outsider who is admin of
*another* organisation or school, a pending member whose membership is not approved yet.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

PERSONAS = ("anonymous", "outsider", "pending", "member", "admin", "moderator")
LOGIN = "login"  # expected outcome: redirect to the login page


@dataclass
class World:
    """One school and one organisation with a realistic neighbourhood, and a user per persona."""

    school: Any
    organisation: Any
    location: Any
    offer: Any
    need: Any
    other_school: Any
    other_organisation: Any
    other_offer: Any
    other_need: Any
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, persona: str, owner: str | None):
        if persona == "anonymous":
            return None
        return self.users[owner or "organisation"][persona]


def build_world() -> World:
    organisation = factories.OrganisationFactory(name="Sociaal Huis Proefstad")
    location = factories.LocationFactory(organisation=organisation)
    offer = factories.OfferFactory(organisation=organisation)
    offer.locations.add(location)
    school = factories.SchoolFactory(name="Basisschool Proefstad")
    need = factories.FamilyNeedFactory(school=school)
    other_organisation = factories.OrganisationFactory(name="Ander CAW")
    other_school = factories.SchoolFactory(name="Andere school")
    world = World(
        school=school,
        organisation=organisation,
        location=location,
        offer=offer,
        need=need,
        other_school=other_school,
        other_organisation=other_organisation,
        other_offer=factories.OfferFactory(organisation=other_organisation),
        other_need=factories.FamilyNeedFactory(school=other_school),
    )
    moderator = factories.UserFactory(email="moderator@matrix.test", is_moderator=True)
    for owner, entity, other in (
        ("organisation", {"organisation": organisation}, {"organisation": other_organisation}),
        ("school", {"school": school}, {"school": other_school}),
    ):
        world.users[owner] = {
            "outsider": factories.member_of(role="admin", email=f"outsider-{owner}@matrix.test", **other),
            "pending": factories.member_of(
                role="admin", status="pending", email=f"pending-{owner}@matrix.test", **entity
            ),
            "member": factories.member_of(role="member", email=f"member-{owner}@matrix.test", **entity),
            "admin": factories.member_of(role="admin", email=f"admin-{owner}@matrix.test", **entity),
            "moderator": moderator,
        }
    return world


@dataclass
class Case:
    """One URL. `get`/`post` map persona → expected status (or LOGIN); None means not tested
    for that method because the view does not accept it (then 405 is asserted for everyone)."""

    url_name: str
    kwargs: Callable[[World], dict] = lambda w: {}
    owner: str | None = "organisation"
    get: dict[str, int | str] | None = None
    post: dict[str, int | str] | None = None
    data: Callable[[World], dict] = lambda w: {}
    htmx: bool = False

    def url(self, world: World) -> str:
        return reverse(self.url_name, kwargs=self.kwargs(world))


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


def matrix_params(matrix: list[Case]):
    """pytest parameters: one test per case × persona × method."""
    params = []
    for case in matrix:
        for method in ("get", "post"):
            for persona in PERSONAS:
                params.append(pytest.param(case, persona, method, id=f"{case.url_name}-{method}-{persona}"))
    return params


def check_case(case: Case, persona: str, method: str, world: World) -> None:
    client = Client()
    user = world.user(persona, case.owner)
    if user is not None:
        client.force_login(user)
    url = case.url(world)
    expected_map = getattr(case, method)
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    if method == "get":
        response = client.get(url, **headers)
    else:
        response = client.post(url, case.data(world), **headers)
    if expected_map is None:
        assert response.status_code == 405, f"{method.upper()} {url} as {persona}: {response.status_code}, wanted 405"
        return
    expected = expected_map[persona]
    if expected == LOGIN:
        assert response.status_code == 302, f"{method.upper()} {url} as {persona}: {response.status_code}"
        assert response["Location"].startswith(reverse("account_login")), response["Location"]
        return
    assert response.status_code == expected, (
        f"{method.upper()} {url} as {persona}: got {response.status_code}, wanted {expected}"
    )
