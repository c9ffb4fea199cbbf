"""The portal's permission matrix: home, health check, and joining, members and moderation."""

import pytest

from portal.models import Membership
from portal.tokens import create_token
from tests import factories
from tests.permissions import LOGIN, Case, build_world, check_case, everyone, matrix_params
from welfare.models import OrganisationKind


def signed_in(status, **overrides) -> dict:
    """`status` for every signed-in persona (with exceptions), a login redirect for anonymous."""
    return {**everyone(status), "anonymous": LOGIN, **overrides}


def _membership_of(persona: str, owner: str = "organisation"):
    return lambda w: {"pk": Membership.objects.get(user=w.users[owner][persona]).pk}


def _awaiting(w, kind: str):
    """A school or organisation registered by someone outside the world, waiting for verification."""
    if kind not in w.extra:
        registrant = factories.UserFactory(email=f"registrant-{kind}@matrix.test")
        factory = factories.SchoolFactory if kind == "school" else factories.OrganisationFactory
        entity = factory(name=f"Nieuw: {kind}", verified_at=None, registered_by=registrant)
        Membership.objects.create(user=registrant, role="admin", status="pending", **{kind: entity})
        w.extra[kind] = entity
    return w.extra[kind]


def _organisation_data(w) -> dict:
    return {
        "name": "Inloopteam Matrix",
        "kind": OrganisationKind.objects.get(slug="inloopteam").pk,
        "street": "Kerkstraat 1",
        "postal_code": "9100",
    }


def _school_data(w) -> dict:
    return {
        "name": "Basisschool Matrix",
        "institution_number": "987654",
        "level_lager": "on",
        "network": "OVSG",
        "street": "Schoolplein 2",
        "postal_code": "9100",
        "contact_email": "info@matrix-school.test",
    }


# Who may manage the members of the world's organisation: its admin and moderators; its plain
# member may look; its pending member may not (403); an admin elsewhere does not see it (404).
MANAGE = signed_in(302, outsider=404, pending=403, member=403)
MANAGE_PAGE = signed_in(200, outsider=404, pending=403, member=403)
MODERATOR_ONLY = signed_in(403, moderator=200)
# Registration is for a user without a place yet (here only the moderator); the others are sent
# to the join page, which shows the place they have.
REGISTER_PAGE = signed_in(302, moderator=200)

MATRIX = [
    Case("home", owner=None, get=everyone(200)),
    Case("healthz", owner=None, get=everyone(200)),
    # joining
    Case("membership:join", owner=None, get=signed_in(200)),
    Case(
        "membership:join",
        owner=None,
        htmx=True,
        get=signed_in(200),
    ),
    Case(
        "membership:request",
        owner=None,
        post=signed_in(302),
        data=lambda w: {"kind": "organisation", "entity": w.other_organisation.pk},
    ),
    Case(
        "membership:withdraw",
        kwargs=_membership_of("pending"),
        get=signed_in(404, pending=200),
        post=signed_in(404, pending=302),
    ),
    Case(
        "membership:register_organisation",
        owner=None,
        get=REGISTER_PAGE,
        post=signed_in(302),
        data=_organisation_data,
    ),
    Case("membership:register_school", owner=None, get=REGISTER_PAGE, post=signed_in(302), data=_school_data),
    # members of an entity
    Case("membership:members", owner=None, get=signed_in(302)),
    Case(
        "membership:entity_members",
        kwargs=lambda w: {"kind": "organisatie", "pk": w.organisation.pk},
        get=signed_in(200, outsider=404, pending=403),
    ),
    Case(
        "membership:entity_members",
        owner="school",
        kwargs=lambda w: {"kind": "school", "pk": w.school.pk},
        get=signed_in(200, outsider=404, pending=403),
    ),
    Case("membership:approve", kwargs=_membership_of("pending"), post=MANAGE),
    Case(
        "membership:decline",
        kwargs=_membership_of("pending"),
        get=MANAGE_PAGE,
        post=MANAGE,
        data=lambda w: {"reason": "We kennen deze persoon niet."},
    ),
    Case("membership:set_role", kwargs=_membership_of("member"), post=MANAGE, data=lambda w: {"role": "admin"}),
    Case(
        "membership:set_role",
        owner="school",
        kwargs=_membership_of("member", "school"),
        post=MANAGE,
        data=lambda w: {"role": "admin"},
    ),
    # A member may leave (remove their own membership); only admins remove others.
    Case(
        "membership:remove",
        kwargs=_membership_of("member"),
        get=signed_in(200, outsider=404, pending=403),
        post=signed_in(302, outsider=404, pending=403),
    ),
    Case("membership:remove", kwargs=_membership_of("admin"), get=MANAGE_PAGE, post=MANAGE),
    # moderation
    Case("membership:moderation", owner=None, get=MODERATOR_ONLY),
    Case(
        "membership:review_organisation",
        owner=None,
        kwargs=lambda w: {"pk": _awaiting(w, "organisation").pk},
        get=MODERATOR_ONLY,
    ),
    Case(
        "membership:verify_organisation",
        owner=None,
        kwargs=lambda w: {"pk": _awaiting(w, "organisation").pk},
        post=signed_in(403, moderator=302),
    ),
    Case(
        "membership:decline_organisation",
        owner=None,
        kwargs=lambda w: {"pk": _awaiting(w, "organisation").pk},
        post=signed_in(403, moderator=302),
        data=lambda w: {"reason": "Geen welzijnsorganisatie."},
    ),
    Case(
        "membership:review_school", owner=None, kwargs=lambda w: {"pk": _awaiting(w, "school").pk}, get=MODERATOR_ONLY
    ),
    Case(
        "membership:verify_school",
        owner=None,
        kwargs=lambda w: {"pk": _awaiting(w, "school").pk},
        post=signed_in(403, moderator=302),
    ),
    Case(
        "membership:decline_school",
        owner=None,
        kwargs=lambda w: {"pk": _awaiting(w, "school").pk},
        post=signed_in(403, moderator=302),
        data=lambda w: {"reason": "Dit instellingsnummer bestaat niet."},
    ),
]


def _token_of(persona: str, owner: str = "organisation"):
    """A personal API token of one persona: only its owner may see or revoke it."""

    def kwargs(w) -> dict:
        key = f"token-{owner}-{persona}"
        if key not in w.extra:
            w.extra[key] = create_token(user=w.users[owner][persona], name="Matrix script")[0]
        return {"pk": w.extra[key].pk}

    return kwargs


# personal API tokens: every signed-in user has their own; another user's token does not exist.
MATRIX += [
    Case("tokens:list", owner=None, get=signed_in(200), post=signed_in(302), data=lambda w: {"name": "Mijn script"}),
    Case(
        "tokens:revoke",
        kwargs=_token_of("member"),
        get=signed_in(404, member=200),
        post=signed_in(404, member=302),
    ),
    Case(
        "tokens:revoke",
        kwargs=_token_of("pending"),
        get=signed_in(404, pending=200),
        post=signed_in(404, pending=302),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
