"""The permission matrix of the matching pages and the school side of match requests.

The owner is the world's school: its members and admin may do everything here; a pending member
knows the school (403 on its needs) but sees none of its requests (404); the outsider is admin
of another school (404). CLB staff and bridge figures are covered by the modules next to this one.
"""

import pytest
from django.test import Client
from django.urls import reverse

from bridge.models import MatchRequest
from tests import factories
from tests.permissions import LOGIN, Case, build_world, check_case, matrix_params

READ = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 200, "admin": 200, "moderator": 200}
REDIRECT = {**READ, "member": 302, "admin": 302, "moderator": 302}
REQUEST_READ = {**READ, "pending": 404}
REQUEST_WRITE = {**REDIRECT, "pending": 404}


def _need(w) -> dict:
    return {"need_pk": w.need.pk}


def _school(w) -> dict:
    return {"school_pk": w.school.pk}


def _ask(w) -> dict:
    return {"need_pk": w.need.pk, "offer_pk": w.offer.pk}


def _request(status: str):
    """A request for the world's need and offer, made once per world."""

    def kwargs(w) -> dict:
        key = f"match_request_{status}"
        if key not in w.extra:
            w.extra[key] = factories.MatchRequestFactory(need=w.need, offer=w.offer, status=status)
        return {"pk": w.extra[key].pk}

    return kwargs


def _ask_data(w) -> dict:
    # school_agreed is ignored for the school's own members and required for the moderator.
    return {"message": "Woensdagnamiddag past het best.", "school_agreed": "on"}


def _need_data(w) -> dict:
    return {
        "title": "Hulp bij huiswerk",
        "life_domains": [factories.life_domain("leren").pk],
        "age_min": "6",
        "age_max": "12",
        "family_count": "3",
        "urgency": "medium",
        "preferences": ["free"],
        "description": "Enkele gezinnen vinden geen hulp bij het huiswerk.",
    }


MATRIX = [
    Case("bridge:need_matches", kwargs=_need, owner="school", get=READ),
    Case("bridge:ask_partner", kwargs=_ask, owner="school", get=REDIRECT, post=REDIRECT, data=_ask_data),
    Case("bridge:try_need", kwargs=_school, owner="school", get=READ, post=READ, data=_need_data),
    Case("bridge:school_requests", kwargs=_school, owner="school", get=READ),
    Case("bridge:school_requests", kwargs=_school, owner="school", get=READ, htmx=True),
    Case("bridge:request_detail", kwargs=_request("sent"), owner="school", get=REQUEST_READ),
    Case(
        "bridge:request_withdraw",
        kwargs=_request("sent"),
        owner="school",
        get=REQUEST_READ,
        post=REQUEST_WRITE,
    ),
    Case("bridge:request_send", kwargs=_request("proposed"), owner="school", post=REQUEST_WRITE),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member", "admin", "moderator"])
def test_matrix_posts_are_real_successes(persona):
    """The 302s above are the request being made, withdrawn and sent, not a refusal."""
    world = build_world()
    client = Client()
    client.force_login(world.user(persona, "school"))

    client.post(reverse("bridge:ask_partner", kwargs=_ask(world)), _ask_data(world))
    asked = MatchRequest.objects.get(need=world.need, offer=world.offer)
    assert asked.status == "sent"

    client.post(reverse("bridge:request_withdraw", kwargs={"pk": asked.pk}))
    asked.refresh_from_db()
    assert asked.status == "withdrawn"

    draft = _request("proposed")(world)
    client.post(reverse("bridge:request_send", kwargs=draft))
    assert MatchRequest.objects.get(pk=draft["pk"]).status == "sent"
