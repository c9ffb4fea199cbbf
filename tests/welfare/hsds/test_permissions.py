"""The HSDS API's permission matrix: public directory data, so GET answers everyone (anonymous
included) and POST is 405 for everyone — the API is read-only."""

import pytest

from tests.permissions import Case, build_world, check_case, everyone, matrix_params
from welfare import hsds


def _service(w) -> dict:
    return {"id": hsds.hsds_id(w.offer)}


def _organization(w) -> dict:
    return {"id": hsds.hsds_id(w.organisation)}


PUBLIC = everyone(200)

MATRIX = [
    Case("hsds:root", owner=None, get=PUBLIC),
    Case("hsds:services", owner=None, get=PUBLIC),
    Case("hsds:service", kwargs=_service, get=PUBLIC),
    Case("hsds:organizations", owner=None, get=PUBLIC),
    Case("hsds:organization", kwargs=_organization, get=PUBLIC),
    Case("hsds:taxonomies", owner=None, get=PUBLIC),
    Case("hsds:taxonomy", owner=None, kwargs=lambda w: {"id": hsds.taxonomy_id("brugwijzer-kost")}, get=PUBLIC),
    Case("hsds:taxonomy_terms", owner=None, get=PUBLIC),
    Case(
        "hsds:taxonomy_term",
        owner=None,
        kwargs=lambda w: {"id": hsds.term_id("brugwijzer-levensdomeinen", "leren")},
        get=PUBLIC,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
