"""Permission matrix of the brokering board, the organisation inbox and collaborations.

The world's personas belong to the organisation or the school, never to a CLB: the board is
403 for all of them but moderators (brokers are covered in test_board.py). The inbox is for
approved members of any organisation (the outsider has an inbox of their own, empty here);
answering a request is for the asked organisation's approved members: a school member who can
read the request gets 403, anyone else 404.
"""

import pytest

from bridge import services
from tests import factories
from tests.permissions import LOGIN, Case, build_world, check_case, everyone, matrix_params


def signed_in(status, **overrides) -> dict:
    return {**everyone(status), "anonymous": LOGIN, **overrides}


def _sent_request(w):
    """A request of the world's school to the world's offer, sent and waiting for an answer."""
    if "sent_request" not in w.extra:
        w.extra["sent_request"] = services.propose_match(need=w.need, offer=w.offer, by=w.users["school"]["admin"])
    return w.extra["sent_request"]


def _collaboration(w):
    if "collaboration" not in w.extra:
        w.extra["collaboration"] = factories.CollaborationFactory(school=w.school, organisations=[w.organisation])
    return w.extra["collaboration"]


def _request_pk(w) -> dict:
    return {"pk": _sent_request(w).pk}


def _propose_kwargs(w) -> dict:
    return {"need_pk": w.need.pk, "offer_pk": w.offer.pk}


BOARD = signed_in(403, moderator=200)
BROKER_PAGE = signed_in(403, outsider=404, moderator=200)
BROKER_ACTION = signed_in(403, outsider=404, moderator=302)
INBOX = signed_in(200, pending=403)
ANSWER_PAGE = signed_in(200, outsider=404, pending=404)
ANSWER = signed_in(302, outsider=404, pending=404)
SCHOOL_MAY_NOT_ANSWER = signed_in(403, outsider=404, pending=404, moderator=200)
SCHOOL_MAY_NOT_ANSWER_POST = signed_in(403, outsider=404, pending=404, moderator=302)
PART_OF_IT = signed_in(200, outsider=404, pending=404)

MATRIX = [
    Case("bridge:board", owner=None, get=BOARD),
    Case("bridge:board", owner=None, get=BOARD, htmx=True),
    Case(
        "bridge:board_propose",
        owner="school",
        kwargs=_propose_kwargs,
        get=BROKER_PAGE,
        post=BROKER_ACTION,
        data=lambda w: {"school_agreed": "on", "message": "Kunnen jullie helpen?"},
    ),
    Case("bridge:inbox", owner="organisation", get=INBOX),
    Case("bridge:request_accept", owner="organisation", kwargs=_request_pk, post=ANSWER),
    Case("bridge:request_accept", owner="school", kwargs=_request_pk, post=SCHOOL_MAY_NOT_ANSWER_POST),
    Case(
        "bridge:request_decline",
        owner="organisation",
        kwargs=_request_pk,
        get=ANSWER_PAGE,
        post=ANSWER,
        data=lambda w: {"reason": "no_capacity"},
    ),
    Case(
        "bridge:request_decline",
        owner="school",
        kwargs=_request_pk,
        get=SCHOOL_MAY_NOT_ANSWER,
        post=SCHOOL_MAY_NOT_ANSWER_POST,
        data=lambda w: {"reason": "other", "note": "Ons aanbod stopt in juni."},
    ),
    Case("bridge:collaborations", owner=None, get=signed_in(200)),
    Case(
        "bridge:collaboration_detail",
        owner="organisation",
        kwargs=lambda w: {"pk": _collaboration(w).pk},
        get=PART_OF_IT,
    ),
    Case("bridge:collaboration_detail", owner="school", kwargs=lambda w: {"pk": _collaboration(w).pk}, get=PART_OF_IT),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
