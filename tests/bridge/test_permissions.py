"""The bridge's permission matrix: the JSON API (and, as they come, the bridge's pages).

The API answers 401 (not a login redirect) to anonymous callers and 405 to anything but GET,
for everyone, before it looks at who asks.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from tests.permissions import Case, World, build_world, check_case, everyone, matrix_params


@dataclass
class QueryCase(Case):
    """A case whose URL carries a query string (the API's parameters)."""

    query: Callable[[World], dict] = lambda w: {}

    def url(self, world: World) -> str:
        query = urlencode(self.query(world))
        return f"{super().url(world)}?{query}" if query else super().url(world)


def _school_query(w: World) -> dict:
    return {"school": w.school.institution_number, "domains": "leren", "limit": "5"}


# /matches is for everyone with an approved place (also elsewhere: outsiders) and moderators;
# a pending member has no approved place yet.
API_MATCHES = {"anonymous": 401, "outsider": 200, "pending": 403, "member": 200, "admin": 200, "moderator": 200}
# A stored need: for who may read the school's needs; the others are told it does not exist.
API_NEED_OWN = {"anonymous": 401, "outsider": 404, "pending": 404, "member": 200, "admin": 200, "moderator": 200}
API_NEED_OTHER = {"anonymous": 401, "outsider": 404, "pending": 404, "member": 404, "admin": 404, "moderator": 200}

MATRIX = [
    QueryCase("api:matches", owner="organisation", query=_school_query, get=API_MATCHES),
    QueryCase("api:matches", owner="school", query=_school_query, get=API_MATCHES),
    # The school's own people, then the welfare organisation's people, who do not read school needs.
    Case("api:need_matches", owner="school", kwargs=lambda w: {"need_id": w.need.pk}, get=API_NEED_OWN),
    Case("api:need_matches", owner="organisation", kwargs=lambda w: {"need_id": w.need.pk}, get=API_NEED_OTHER),
    # The API's description is public; like the API, it answers GET only.
    Case("api:openapi", get=everyone(200)),
    Case("api:docs", get=everyone(200)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
