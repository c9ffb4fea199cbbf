"""The collaboration record's permission matrix.

The world's collaboration joins the world's school and organisation, so the members of both are
its partners: each URL is checked with the school's people (owner "school") and with the
organisation's people (owner "organisation"). Partners read and edit; a pending member, an
outsider and a local government are told it does not exist (404); anonymous visitors log in.
"""

import pytest

from tests import factories
from tests.permissions import LOGIN, Case, World, build_world, check_case, matrix_params

PARTNERS = {"anonymous": LOGIN, "outsider": 404, "pending": 404, "member": 200, "admin": 200, "moderator": 200}
PARTNERS_POST = {"anonymous": LOGIN, "outsider": 404, "pending": 404, "member": 302, "admin": 302, "moderator": 302}


def _collaboration(w: World):
    if "collaboration" not in w.extra:
        w.extra["collaboration"] = factories.CollaborationFactory(school=w.school, organisations=[w.organisation])
    return w.extra["collaboration"]


def _pk(w: World) -> dict:
    return {"pk": _collaboration(w).pk}


def _why(w: World) -> dict:
    return {"title": "Huiswerkklas op school", "form": "joint_activity", "urgency": "high", "goals": "Rust."}


def _conditions(w: World) -> dict:
    from bridge.models import ConditionKind

    data = {}
    for kind in ConditionKind.values:
        data[f"{kind}_state"] = "in_place"
        data[f"{kind}_note"] = ""
    return data


def _roles(w: World) -> dict:
    return {"school_tasks": "Stelt een lokaal ter beschikking.", "welfare_limits": "Geen individuele therapie."}


def _status(w: World) -> dict:
    return {"expected": "agreed", "to": "active"}


def _learning(w: World) -> dict:
    return {"what_happened": "Een overleg.", "learned": "Hoe de school werkt."}


def _learning_for(side: str):
    return lambda w: {**_learning(w), "author_side": side}


MATRIX = []
for owner, side in (("school", "school"), ("organisation", "welfare")):
    MATRIX += [
        Case("record:overview", owner=owner, kwargs=_pk, get=PARTNERS),
        Case("record:edit_why", owner=owner, kwargs=_pk, get=PARTNERS, post=PARTNERS_POST, data=_why),
        Case("record:edit_conditions", owner=owner, kwargs=_pk, get=PARTNERS, post=PARTNERS_POST, data=_conditions),
        Case("record:edit_roles", owner=owner, kwargs=_pk, get=PARTNERS, post=PARTNERS_POST, data=_roles),
        Case("record:status", owner=owner, kwargs=_pk, post=PARTNERS_POST, data=_status),
        # The moderator writes for any side; the partners for their own.
        Case(
            "record:learning_add",
            owner=owner,
            kwargs=_pk,
            get=PARTNERS,
            post=PARTNERS_POST,
            data=_learning_for(side),
        ),
        Case("record:agreement", owner=owner, kwargs=_pk, get=PARTNERS),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
