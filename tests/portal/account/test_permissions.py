"""The permission matrix of a user's own data (/account/gegevens/) and the activity log."""

import pytest

from tests.factories import PASSWORD
from tests.permissions import LOGIN, Case, build_world, check_case, everyone, matrix_params


def signed_in(status, **overrides) -> dict:
    """`status` for every signed-in persona (with exceptions), a login redirect for anonymous."""
    return {**everyone(status), "anonymous": LOGIN, **overrides}


# The activity log of the world's organisation or school: its administrators and moderators
# read it; its plain and pending members may not (403); an admin elsewhere does not see it (404).
AUDIT = signed_in(200, outsider=404, pending=403, member=403)

MATRIX = [
    # Everyone signed in has their own data; nobody reaches another's.
    Case("myaccount:index", owner=None, get=signed_in(200)),
    Case("myaccount:download", owner=None, get=signed_in(200)),
    # Deleting: each persona deletes their own account with their password. The world's
    # administrator is the last one of an organisation (or school) that has other members, and
    # must hand over first: the page answers with the reason (200), nothing is deleted.
    Case(
        "myaccount:delete",
        get=signed_in(200),
        post=signed_in(302, admin=200),
        data=lambda w: {"password": PASSWORD},
    ),
    Case(
        "myaccount:delete",
        owner="school",
        get=signed_in(200),
        post=signed_in(302, admin=200),
        data=lambda w: {"password": PASSWORD},
    ),
    Case(
        "myaccount:entity_audit",
        kwargs=lambda w: {"kind": "organisatie", "pk": w.organisation.pk},
        get=AUDIT,
    ),
    Case(
        "myaccount:entity_audit",
        owner="school",
        kwargs=lambda w: {"kind": "school", "pk": w.school.pk},
        get=AUDIT,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
